package eventjson

import (
	"fmt"
	"unicode/utf8"
)

// valueKind is a kind of problem that repeats on every event of a bad export (a time format we
// do not know, say): it is reported once per input with its first position and a count, not once
// per line.
type valueKind int

const (
	badTime valueKind = iota
	noTime
	badEventID
	noEventID
	badLevel
	badRecordID
	tooManyFields
	nonObject
	numValueKinds
)

// text says what happened to a count of events (or elements).
func (k valueKind) text(n int64) string {
	noun := "event"
	if k == nonObject {
		noun = "array element"
	}
	if n != 1 {
		noun += "s"
	}
	what := "with an unknown problem"
	switch k {
	case badTime:
		what = "with a time in no known format (time left zero)"
	case noTime:
		what = "without a time field (time left zero)"
	case badEventID:
		what = "whose event id is not a number from 0 to 4294967295 (left 0)"
	case noEventID:
		what = "without an event id (left 0)"
	case badLevel:
		what = "with a level that is neither a number from 0 to 255 nor a level name (left 0)"
	case badRecordID:
		what = "whose record id is not a number (left 0)"
	case tooManyFields:
		what = fmt.Sprintf("with more than %d data fields (the rest dropped)", MaxFields)
	case nonObject:
		what = "that are not objects (skipped)"
	}
	return fmt.Sprintf("%d %s %s", n, noun, what)
}

type aggregate struct {
	line, off int64
	count     int64
	example   string
}

// problems collects the problems of one input, bounded.
type problems struct {
	items   []Problem
	dropped int64
	first   Problem // the first dropped problem
	agg     [numValueKinds]aggregate
}

// add records one problem at a line (and the byte offset it points at).
func (p *problems) add(line, off int64, format string, args ...any) {
	if len(p.items) >= MaxProblems {
		if p.dropped == 0 {
			p.first = Problem{Line: line, Offset: off}
		}
		p.dropped++
		return
	}
	p.items = append(p.items, Problem{Line: line, Offset: off, Message: fmt.Sprintf(format, args...)})
}

// value counts a repeated value problem; example is the offending value (cut and quoted later).
func (p *problems) value(k valueKind, line, off int64, example string) {
	a := &p.agg[k]
	if a.count == 0 {
		a.line, a.off, a.example = line, off, cut(example, 64)
	}
	a.count++
}

// list returns the problems: individual ones in input order, the count of dropped ones, then
// the repeated value problems.
func (p *problems) list() []Problem {
	out := p.items
	if p.dropped > 0 {
		out = append(out, Problem{Line: p.first.Line, Offset: p.first.Offset,
			Message: fmt.Sprintf("%d more problem(s) from this line on are not listed", p.dropped)})
	}
	for k := range p.agg {
		a := p.agg[k]
		if a.count == 0 {
			continue
		}
		msg := valueKind(k).text(a.count)
		if a.example != "" {
			msg += fmt.Sprintf("; the first, on this line, is %q", a.example)
		} else {
			msg += ", the first on this line"
		}
		out = append(out, Problem{Line: a.line, Offset: a.off, Message: msg})
	}
	return out
}

// cut shortens s to at most n bytes on a rune boundary, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}
