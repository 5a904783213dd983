package sigma

import (
	"github.com/exsweep/exsweep/internal/textsearch"
	"github.com/exsweep/exsweep/internal/winevent"
)

// EventIndex picks, for one event, the Sigma rules worth matching: those whose logsource takes
// the event and one of whose literals occurs in a value the event's Record offers. Evaluating
// every rule on every event costs microseconds a rule; on a log of millions of events and a
// public rule set of hundreds of Windows rules that is minutes, while the literals rule out
// nearly all of them at the cost of one multi-pattern search per event.
type EventIndex struct {
	rules []*Rule
	sets  *textsearch.Sets // one literal set per rule
}

// minIndexLiteral is the shortest literal the index searches for: a rule with a shorter one is
// matched on every event its logsource takes (so short a literal would select nearly every
// event anyway, and slow the search for every rule).
const minIndexLiteral = 3

// NewEventIndex indexes the rules (web rules are left out: they read IIS rows).
func NewEventIndex(rs []*Rule) *EventIndex {
	x := &EventIndex{}
	var lits [][]string
	for _, r := range rs {
		if r.events == nil {
			continue
		}
		x.rules = append(x.rules, r)
		lits = append(lits, r.Literals()) // nil: no literal, always a candidate
	}
	x.sets = textsearch.NewSets(lits, minIndexLiteral)
	return x
}

// Len is the number of rules indexed.
func (x *EventIndex) Len() int { return len(x.rules) }

// IndexScratch is one caller's reusable buffers.
type IndexScratch struct {
	text []byte
	cand []bool
	sets textsearch.SetsScratch
}

// Match appends to dst the rules that match the event, in the order they were given.
func (x *EventIndex) Match(e *winevent.Event, s *IndexScratch, dst []*Rule) []*Rule {
	if len(x.rules) == 0 {
		return dst
	}
	if cap(s.cand) < len(x.rules) {
		s.cand = make([]bool, len(x.rules))
	}
	cand := s.cand[:len(x.rules)]
	rec := EventRecord(e)
	s.text = recordText(s.text[:0], rec.(*eventRecord))
	if !x.sets.Mark(s.text, cand, nil, &s.sets) {
		return dst
	}
	for i, ok := range cand {
		if ok && x.rules[i].ForEvent(e) && x.rules[i].Match(rec) {
			dst = append(dst, x.rules[i])
		}
	}
	return dst
}

// recordText is every value the record offers (system fields, data values, the message, the
// joined keyword text, and the values Security 4688 is also offered as), one per line: the text
// literals are searched in. Literals never hold a newline a value does not hold itself.
func recordText(b []byte, r *eventRecord) []byte {
	for i, v := range r.sys {
		if r.has[i] {
			b = append(append(b, v...), '\n')
		}
	}
	for _, v := range r.kw {
		b = append(append(b, v...), '\n')
	}
	if r.sec4688 {
		for _, name := range []string{"IntegrityLevel", "User"} {
			vals, _, _ := r.field4688(name)
			for _, v := range vals {
				b = append(append(b, v...), '\n')
			}
		}
	}
	return b
}
