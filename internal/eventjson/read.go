package eventjson

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/exsweep/exsweep/internal/winevent"
)

// The splitter finds the top-level objects of the text by tracking strings and nesting, byte by
// byte, without parsing: that is what lets it stream arrays and pretty-printed objects, skip an
// oversized object without holding it, and resynchronise after a damaged line. Each complete
// object is then checked by encoding/json (json.Valid, which reports the parser's position when
// it fails) and built into a tree by parse.go.

type splitState int

const (
	stTop     splitState = iota // between objects
	stObject                    // inside an object
	stGarbage                   // skipping the rest of a line that is not JSON
	stBOM1                      // seen EF of a byte order mark
	stBOM2                      // seen EF BB
)

// Why an object is being skipped rather than kept.
const (
	keep = iota
	overSize
	overDepth
)

type reader struct {
	ctx   context.Context
	name  string
	visit func(*winevent.Event, int64)
	stats Stats
	probs problems
	src   source
	m     mapper

	// position
	pos       int64 // text bytes consumed
	line      int64 // line of the byte at pos, 1-based
	lineText  int64 // text offset of that line's start
	lineRaw   int64 // input offset of that line's start
	atCol1    bool  // the next byte starts a line (inside an object)
	state     splitState
	inArray   bool
	arrayLine int64
	arrayOff  int64
	elems     int64 // objects seen in the current array

	// the current object
	rec      []byte
	recLine  int64
	recOff   int64 // input offset of its first byte
	recCol   int64
	recLen   int64
	depth    int
	inStr    bool
	esc      bool
	lastSig  byte // the last byte outside strings that is not white space ('"' ends a string)
	skip     int  // keep, overSize or overDepth
	nObjects int  // objects since the last context check
}

func (r *reader) run(br *bufio.Reader) {
	r.src = openSource(br)
	r.line = 1
	for {
		if err := r.ctx.Err(); err != nil {
			r.cancelled(err)
			return
		}
		b, err := r.src.next()
		if len(b) > 0 {
			if !r.chunk(b) {
				return
			}
		}
		if err != nil {
			r.stats.Bytes = r.src.raw()
			if !errors.Is(err, io.EOF) {
				r.probs.add(r.line, r.offsetAt(r.pos), "read error: %v; the rest of the input was not read", err)
			}
			r.finish()
			return
		}
	}
}

func (r *reader) cancelled(err error) {
	r.stats.Bytes = r.src.raw()
	r.countLines()
	r.probs.add(r.line, r.offsetAt(r.pos), "reading stopped before the end of the input: %v", err)
}

// countLines sets Stats.Lines: every newline, plus a last line without one.
func (r *reader) countLines() {
	r.stats.Lines = r.line - 1
	if r.pos > r.lineText {
		r.stats.Lines++
	}
}

// finish handles the end of the input.
func (r *reader) finish() {
	r.countLines()
	switch r.state {
	case stObject:
		last := r.line
		if r.pos == r.lineText {
			last--
		}
		r.endObject(false, "the input ends inside the object (a truncated export)", last)
	case stBOM1, stBOM2:
		r.garbageStart(r.pos, nil)
	}
	if r.inArray {
		r.probs.add(r.arrayLine, r.arrayOff, "the JSON array that starts here is not closed at the end of the input (a truncated export)")
	}
}

// offsetAt maps a text offset on the current line to an input offset (exact for UTF-8; the
// line's start for UTF-16).
func (r *reader) offsetAt(textOff int64) int64 {
	if _, ok := r.src.(*utf8Source); ok {
		return textOff
	}
	return r.lineRaw
}

// newline moves the position past a newline at text offset at.
func (r *reader) newline(at int64) {
	r.line++
	r.lineText = at + 1
	r.lineRaw = r.src.lineStart(at + 1)
}

// chunk runs the splitter over one chunk of text; false means stop (context done).
func (r *reader) chunk(b []byte) bool {
	base := r.pos
	i := 0
	for i < len(b) {
		switch r.state {
		case stTop:
			c := b[i]
			switch {
			case c == '\n':
				r.newline(base + int64(i))
				i++
			case c == ' ' || c == '\t' || c == '\r':
				i++
			case c == '{':
				r.startObject(base + int64(i))
			case c == 0xEF:
				r.state = stBOM1
				i++
			case c == '[' && !r.inArray:
				r.inArray, r.arrayLine, r.arrayOff, r.elems = true, r.line, r.offsetAt(base+int64(i)), 0
				i++
			case c == ']' && r.inArray:
				r.inArray = false
				i++
			case c == ',':
				// Between array elements; also after each line of exports that write
				// "{...}," lines without the brackets. Nothing is lost by skipping it.
				i++
			default:
				r.garbageStart(base+int64(i), b[i:])
			}
		case stBOM1, stBOM2:
			want := byte(0xBB)
			if r.state == stBOM2 {
				want = 0xBF
			}
			if b[i] != want {
				// Not a byte order mark: the line is garbage from the EF on.
				back := int64(1)
				if r.state == stBOM2 {
					back = 2
				}
				r.garbageStart(base+int64(i)-back, nil)
				continue
			}
			i++
			if r.state == stBOM1 {
				r.state = stBOM2
			} else {
				r.state = stTop
			}
		case stGarbage:
			j := bytes.IndexByte(b[i:], '\n')
			if j < 0 {
				i = len(b)
				continue
			}
			i += j
			r.state = stTop // the newline itself is handled there
		case stObject:
			i = r.object(b, i, base)
			if r.nObjects >= 256 {
				r.nObjects = 0
				if err := r.ctx.Err(); err != nil {
					r.pos = base + int64(i)
					r.cancelled(err)
					return false
				}
			}
		}
	}
	r.pos = base + int64(len(b))
	return true
}

// garbageStart reports a line that is not JSON from text offset at (rest holds the bytes from
// there, if at hand, for the message) and skips to its end.
func (r *reader) garbageStart(at int64, rest []byte) {
	r.state = stGarbage
	col := at - r.lineText + 1
	if r.inArray && r.elems > 0 {
		r.probs.value(nonObject, r.line, r.offsetAt(at), string(snippet(rest)))
		r.stats.Skipped++
		return
	}
	// A '[' that was not followed by objects was not an array ("[2021-03-03 ...] log text").
	r.inArray = false
	r.stats.Skipped++
	if len(rest) > 0 {
		r.probs.add(r.line, r.offsetAt(at), "column %d: not a JSON object (%s...): the rest of the line was skipped", col, strconv.Quote(string(snippet(rest))))
		return
	}
	r.probs.add(r.line, r.offsetAt(at), "column %d: not a JSON object: the rest of the line was skipped", col)
}

// snippet is the start of a line, for a message.
func snippet(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	if len(b) > 24 {
		b = b[:24]
	}
	return b
}

func (r *reader) startObject(at int64) {
	r.state = stObject
	r.rec = r.rec[:0]
	r.recLine, r.recOff, r.recCol, r.recLen = r.line, r.offsetAt(at), at-r.lineText+1, 0
	r.depth, r.inStr, r.esc, r.skip, r.lastSig = 0, false, false, keep, 0
	r.atCol1 = false
	if r.inArray {
		r.elems++
	}
}

// object scans the current object from b[i]; it returns where it stopped (the end of b, or just
// after the object's end).
func (r *reader) object(b []byte, i int, base int64) int {
	start := i
	for i < len(b) {
		c := b[i]
		if r.inStr {
			if r.esc {
				r.esc = false
				if c != '\n' { // an escaped newline is still a newline (and invalid JSON)
					i++
					continue
				}
			}
			j := i
			for j < len(b) && b[j] != '"' && b[j] != '\\' && b[j] != '\n' {
				j++
			}
			i = j
			if j == len(b) {
				break
			}
			switch b[j] {
			case '"':
				r.inStr = false
				r.lastSig = '"'
			case '\\':
				r.esc = true
			case '\n':
				// JSON strings cannot hold a raw newline: the object is damaged. Ending it here
				// keeps the next line readable.
				i++
				r.keepBytes(b[start:i])
				last := r.line
				r.newline(base + int64(i-1))
				r.endObject(true, "", last)
				return i
			}
			i++
			continue
		}
		if r.atCol1 {
			r.atCol1 = false
			if (c == '{' || c == '[') && r.lastSig != '[' && r.lastSig != ',' && r.lastSig != ':' {
				// A line that starts with '{' or '[' inside an unclosed object where no value
				// is due (valid JSON has a value only after '[', ',' or ':', which is where
				// unindented output such as Python's indent=0 puts nested values) starts a new
				// object or array: the one before was truncated.
				r.keepBytes(b[start:i])
				r.endObject(false, "the object is not closed before the next line starts a new one (a truncated line)", r.line-1)
				return i
			}
		}
		switch c {
		case ' ', '\t', '\r':
			i++
			continue
		case '"':
			r.inStr = true
		case '{', '[':
			r.depth++
			if r.depth > MaxDepth && r.skip == keep {
				r.skip = overDepth
			}
		case '}', ']':
			r.depth--
			if r.depth == 0 {
				i++
				r.keepBytes(b[start:i])
				r.endObject(true, "", r.line)
				return i
			}
		case '\n':
			r.keepBytes(b[start : i+1])
			start = i + 1
			r.newline(base + int64(i))
			r.atCol1 = true
			i++
			continue
		}
		r.lastSig = c
		i++
	}
	r.keepBytes(b[start:i])
	return i
}

// keepBytes adds bytes to the current object unless it is being skipped.
func (r *reader) keepBytes(p []byte) {
	r.recLen += int64(len(p))
	if r.skip != keep {
		return
	}
	if r.recLen > MaxObject {
		r.skip = overSize
		r.rec = r.rec[:0]
		return
	}
	r.rec = append(r.rec, p...)
}

// endObject handles the end of an object: closed says the splitter saw it end (not cut short
// by the end of input or by a new object); why explains an object cut short; last is the line
// it ends on.
func (r *reader) endObject(closed bool, why string, last int64) {
	r.state = stTop
	r.nObjects++
	lines := fmt.Sprint("line ", r.recLine)
	if last > r.recLine {
		lines = fmt.Sprintf("lines %d-%d", r.recLine, last)
	}
	more := "" // why an oversized object was also cut short
	if !closed {
		more = "; " + why
	}
	switch {
	case r.skip == overSize:
		r.stats.Skipped++
		r.probs.add(r.recLine, r.recOff, "column %d: the JSON object (%s) is %d bytes, over the %d-byte cap%s: skipped", r.recCol, lines, r.recLen, MaxObject, more)
		return
	case r.skip == overDepth:
		r.stats.Skipped++
		r.probs.add(r.recLine, r.recOff, "column %d: the JSON object (%s) nests deeper than %d levels%s: skipped", r.recCol, lines, MaxDepth, more)
		return
	case !closed:
		r.stats.Skipped++
		r.probs.add(r.recLine, r.recOff, "column %d: %s; the object (%s) was skipped", r.recCol, why, lines)
		return
	}
	if !json.Valid(r.rec) {
		r.stats.Skipped++
		r.syntaxError()
		return
	}
	if err := r.m.t.parse(r.rec); err != nil {
		r.stats.Skipped++
		r.probs.add(r.recLine, r.recOff, "column %d: the JSON object (%s) %v: skipped", r.recCol, lines, err)
		return
	}
	r.m.build(r.recLine, r.recOff)
	r.stats.Events++
	r.visit(&r.m.ev, r.recLine)
}

// syntaxError reports where encoding/json found the current object invalid.
func (r *reader) syntaxError() {
	var raw json.RawMessage
	err := json.Unmarshal(r.rec, &raw)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		r.probs.add(r.recLine, r.recOff, "column %d: invalid JSON: %v; skipped", r.recCol, err)
		return
	}
	// Offset counts the bytes read up to and including the offending one.
	at := max(se.Offset-1, 0)
	at = min(at, int64(len(r.rec)))
	line, col := r.recLine, r.recCol+at
	if nl := bytes.LastIndexByte(r.rec[:at], '\n'); nl >= 0 {
		line += int64(bytes.Count(r.rec[:at], []byte{'\n'}))
		col = at - int64(nl)
	}
	off := r.recOff
	if _, ok := r.src.(*utf8Source); ok {
		off += at
	}
	msg := fmt.Sprintf("column %d: invalid JSON: %v; the object was skipped", col, se)
	if line != r.recLine {
		msg = fmt.Sprintf("column %d: invalid JSON: %v; the object (from line %d) was skipped", col, se, r.recLine)
	}
	r.probs.add(line, off, "%s", msg)
}
