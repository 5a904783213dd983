package eventjson

import (
	"bufio"
	"errors"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// source yields the input as UTF-8 text in chunks, and maps line starts back to input offsets.
type source interface {
	// next returns the next chunk of text, valid until the following call; io.EOF at the end.
	next() ([]byte, error)
	// lineStart is called once for every newline the splitter passes, in order, with the text
	// offset just after it, and returns the input offset of the line that starts there.
	lineStart(textOff int64) int64
	// raw is the number of input bytes read so far.
	raw() int64
}

// openSource decides the encoding from the first bytes: a byte order mark, or UTF-16 without
// one when the first character is ASCII followed (or preceded) by a zero byte.
func openSource(br *bufio.Reader) source {
	head, _ := br.Peek(4)
	switch {
	case len(head) >= 2 && head[0] == 0xFF && head[1] == 0xFE:
		_, _ = br.Discard(2)
		return &utf16Source{br: br, bigEndian: false, rawOff: 2}
	case len(head) >= 2 && head[0] == 0xFE && head[1] == 0xFF:
		_, _ = br.Discard(2)
		return &utf16Source{br: br, bigEndian: true, rawOff: 2}
	case len(head) >= 4 && isJSONStart(head[0]) && head[1] == 0 && head[3] == 0:
		return &utf16Source{br: br, bigEndian: false}
	case len(head) >= 4 && head[0] == 0 && isJSONStart(head[1]) && head[2] == 0:
		return &utf16Source{br: br, bigEndian: true}
	}
	// A UTF-8 byte order mark is skipped by the splitter, as at any line start.
	return &utf8Source{br: br}
}

func isJSONStart(c byte) bool {
	return c == '{' || c == '[' || c == ' ' || c == '\t' || c == '\r' || c == '\n'
}

type utf8Source struct {
	br  *bufio.Reader
	off int64
}

func (s *utf8Source) next() ([]byte, error) {
	// Peeking the buffered bytes avoids a copy: the splitter is done with them before next.
	if s.br.Buffered() == 0 {
		if _, err := s.br.Peek(1); err != nil && s.br.Buffered() == 0 {
			return nil, err
		}
	}
	b, _ := s.br.Peek(s.br.Buffered())
	_, _ = s.br.Discard(len(b))
	s.off += int64(len(b))
	return b, nil
}

func (s *utf8Source) lineStart(textOff int64) int64 { return textOff }
func (s *utf8Source) raw() int64                    { return s.off }

// utf16Source decodes UTF-16 to UTF-8. Unpaired surrogates become U+FFFD, as do a final odd
// byte; a byte order mark is dropped wherever it appears.
type utf16Source struct {
	br        *bufio.Reader
	bigEndian bool
	rawOff    int64 // input bytes consumed
	out       []byte
	high      rune    // a high surrogate waiting for its pair, or 0
	nl        []int64 // input offsets just after each decoded newline, not yet asked for
	nlHead    int
	err       error
}

func (s *utf16Source) next() ([]byte, error) {
	s.out = s.out[:0]
	for len(s.out) == 0 {
		if s.err != nil {
			return nil, s.err
		}
		n := s.br.Buffered() &^ 1
		if n == 0 {
			b, err := s.br.Peek(2)
			if len(b) < 2 {
				if len(b) == 1 {
					_, _ = s.br.Discard(1)
					s.rawOff++
					s.flushHigh()
					s.out = utf8.AppendRune(s.out, utf8.RuneError)
				} else {
					s.flushHigh()
				}
				if err == nil || errors.Is(err, bufio.ErrBufferFull) {
					err = io.EOF
				}
				s.err = err
				continue
			}
			n = s.br.Buffered() &^ 1
		}
		b, _ := s.br.Peek(n)
		for i := 0; i+1 < len(b); i += 2 {
			var u uint16
			if s.bigEndian {
				u = uint16(b[i])<<8 | uint16(b[i+1])
			} else {
				u = uint16(b[i+1])<<8 | uint16(b[i])
			}
			s.unit(rune(u), s.rawOff+int64(i)+2)
		}
		_, _ = s.br.Discard(len(b))
		s.rawOff += int64(len(b))
	}
	return s.out, nil
}

// unit decodes one UTF-16 code unit; end is the input offset just after it.
func (s *utf16Source) unit(r rune, end int64) {
	switch {
	case utf16.IsSurrogate(r) && r < 0xDC00: // high
		s.flushHigh()
		s.high = r
		return
	case utf16.IsSurrogate(r): // low
		if s.high != 0 {
			s.out = utf8.AppendRune(s.out, utf16.DecodeRune(s.high, r))
			s.high = 0
			return
		}
		r = utf8.RuneError
	}
	s.flushHigh()
	switch r {
	case 0xFEFF:
		return
	case '\n':
		s.nl = append(s.nl, end)
	}
	if r < utf8.RuneSelf {
		s.out = append(s.out, byte(r))
		return
	}
	s.out = utf8.AppendRune(s.out, r)
}

func (s *utf16Source) flushHigh() {
	if s.high != 0 {
		s.out = utf8.AppendRune(s.out, utf8.RuneError)
		s.high = 0
	}
}

func (s *utf16Source) lineStart(int64) int64 {
	if s.nlHead >= len(s.nl) {
		return s.rawOff // cannot happen: every '\n' in the text was queued
	}
	off := s.nl[s.nlHead]
	s.nlHead++
	if s.nlHead == len(s.nl) {
		s.nl, s.nlHead = s.nl[:0], 0
	}
	return off
}

func (s *utf16Source) raw() int64 { return s.rawOff }
