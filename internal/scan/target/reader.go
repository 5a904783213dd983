package target

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"sync/atomic"
	"unicode"
)

// MaxLineLen is the longest line a target list may have, in bytes without the line ending.
// No valid token comes close; a longer line is binary junk or a mangled file, reported as an
// error for that line while the rest of the file is still read.
const MaxLineLen = 4096

// LineError is a bad line or token in a target list; the stream goes on after it.
type LineError struct {
	Name  string // the list's name: a file name, or "argument"
	Line  int    // 1-based line (or argument) number
	Token string // the bad token; "" when the whole line is bad
	Err   error  // from Parse, naming the token, or about the line
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.Name, e.Line, e.Err) }

func (e *LineError) Unwrap() error { return e.Err }

// Reader streams targets from a list: one token per line, or several separated by whitespace or
// commas; '#' at the start of a token comments out the rest of the line; blank lines, CRLF line
// endings and a UTF-8 byte order mark are fine.
//
// Within one Reader, a target from a single-host token (a name or one address) is yielded once
// however often it recurs, since lists merged from several sources repeat hosts; that costs
// memory per distinct single target. Targets from ranges are not deduplicated, neither against
// each other nor against single targets: that would mean remembering every address of every
// range.
//
// A Reader is read once, by one goroutine; Excluded may be called from any goroutine.
type Reader struct {
	name string
	opt  Options
	p    parser
	br   *bufio.Reader // list mode
	args []string      // argument mode: one "line" per argument
	seen map[string]struct{}

	excluded atomic.Uint64
}

// NewReader returns a Reader of the list r; name is used in messages ("targets.txt").
func NewReader(r io.Reader, name string, opt Options) *Reader {
	// Room for the longest allowed line and a CRLF, so that ReadSlice failing with
	// ErrBufferFull means exactly "line too long".
	return &Reader{name: name, opt: opt, p: newParser(opt), br: bufio.NewReaderSize(r, MaxLineLen+2), seen: map[string]struct{}{}}
}

// NewArgsReader returns a Reader of command-line arguments, each read like a line of a list, with
// the name "argument" and the argument's 1-based position as line number.
func NewArgsReader(args []string, opt Options) *Reader {
	return &Reader{name: "argument", opt: opt, p: newParser(opt), args: args, seen: map[string]struct{}{}}
}

// FromArgs streams the targets of command-line arguments through the same path as a list file,
// errors being *LineError with Name "argument".
func FromArgs(args []string, opt Options) iter.Seq2[Target, error] {
	return NewArgsReader(args, opt).All()
}

// Excluded is how many targets (address x port) the exclusion list and the never-scanned ranges
// have skipped so far. With Count as the total, yielded + Excluded reaches Count at the end of
// a stream.
func (r *Reader) Excluded() uint64 { return r.excluded.Load() }

// addExcluded saturates like Count; only the reading goroutine writes.
func (r *Reader) addExcluded(n uint64) { r.excluded.Store(satAdd(r.excluded.Load(), n)) }

// All yields the targets of the list in order. A bad token or line yields a *LineError and the
// stream goes on; an I/O error is yielded last and ends the stream.
func (r *Reader) All() iter.Seq2[Target, error] {
	return func(yield func(Target, error) bool) {
		err := r.each(func(line int, tok string, s Source, err error) bool {
			if err != nil {
				return yield(Target{}, &LineError{Name: r.name, Line: line, Token: tok, Err: err})
			}
			if !s.single() {
				return s.walk(r.opt.Exclude, r.addExcluded, func(t Target) bool { return yield(t, nil) })
			}
			for _, p := range s.ports {
				t := s.target(s.first, p)
				if r.dup(t) {
					continue
				}
				if t.Addr.IsValid() && r.opt.Exclude.Contains(t.Addr) {
					r.addExcluded(1)
					continue
				}
				if !yield(t, nil) {
					return false
				}
			}
			return true
		})
		if err != nil {
			yield(Target{}, err)
		}
	}
}

// dup reports whether t was seen before in this stream, and remembers it.
func (r *Reader) dup(t Target) bool {
	k := t.Key()
	if _, ok := r.seen[k]; ok {
		return true
	}
	r.seen[k] = struct{}{}
	return false
}

// Count reads a list and returns the number of targets it expands to before exclusions, with the
// same dedupe as Reader, for a progress bar's total; bad tokens are ignored. Only an I/O error is
// returned. For command-line arguments, pass strings.NewReader(strings.Join(args, "\n")).
func Count(r io.Reader, opt Options) (uint64, error) {
	rd := NewReader(r, "", opt)
	var n uint64
	err := rd.each(func(_ int, _ string, s Source, err error) bool {
		switch {
		case err != nil:
		case s.single():
			for _, p := range s.ports {
				if !rd.dup(s.target(s.first, p)) {
					n = satAdd(n, 1)
				}
			}
		default:
			n = satAdd(n, s.Count())
		}
		return true
	})
	return n, err
}

// each calls fn for each token of the stream in order, with its line number and the parsed
// source or the error; a problem with a whole line comes with an empty token. It stops when fn
// returns false. It returns the I/O error that ended the stream, if any.
func (r *Reader) each(fn func(line int, tok string, s Source, err error) bool) error {
	if r.br == nil {
		for i, arg := range r.args {
			if !r.line(i+1, arg, len(arg) > MaxLineLen, fn) {
				return nil
			}
		}
		r.args = nil
		return nil
	}
	for n := 1; ; n++ {
		text, tooLong, err := readLine(r.br)
		if err != nil && err != io.EOF {
			// Whatever was read of this line may be a cut-off token ("10.0.0.12" read as
			// "10.0.0.1"): do not scan it.
			return fmt.Errorf("%s: %w", r.name, err)
		}
		if err == io.EOF && text == "" && !tooLong {
			return nil
		}
		if !r.line(n, text, tooLong, fn) {
			return nil
		}
		if err == io.EOF {
			return nil
		}
	}
}

// line splits one line into tokens and parses them.
func (r *Reader) line(n int, text string, tooLong bool, fn func(int, string, Source, error) bool) bool {
	switch {
	case tooLong:
		return fn(n, "", Source{}, fmt.Errorf("line longer than %d bytes", MaxLineLen))
	case strings.IndexByte(text, 0) >= 0:
		return fn(n, "", Source{}, errors.New("NUL byte in line (binary file?)"))
	}
	if n == 1 {
		text = strings.TrimPrefix(text, "\uFEFF")
	}
	for tok := range strings.FieldsFuncSeq(text, isSeparator) {
		if strings.HasPrefix(tok, "#") {
			break
		}
		s, err := r.p.parse(tok)
		if !fn(n, tok, s, err) {
			return false
		}
	}
	return true
}

func isSeparator(r rune) bool { return r == ',' || unicode.IsSpace(r) }

// readLine reads one line without its LF or CRLF. A line longer than MaxLineLen is skipped
// through its end and reported as tooLong. err is io.EOF for a last line without a newline (text
// then holds it) and at the end of the input.
func readLine(br *bufio.Reader) (text string, tooLong bool, err error) {
	b, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		for err == bufio.ErrBufferFull {
			_, err = br.ReadSlice('\n')
		}
		return "", true, err
	}
	text = string(b)
	text = strings.TrimSuffix(text, "\n")
	text = strings.TrimSuffix(text, "\r")
	return text, len(text) > MaxLineLen, err
}
