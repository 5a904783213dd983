package sigma

import (
	"slices"

	"github.com/exsweep/exsweep/internal/textsearch"
	"github.com/exsweep/exsweep/internal/winevent"
)

// EventIndex picks, for one event, the Sigma rules worth matching: those whose logsource takes
// the event and one of whose literals occurs in a value the event's Record offers. Evaluating
// every rule on every event costs microseconds a rule; on a log of millions of events and a
// public rule set of hundreds of Windows rules that is minutes, while the literals rule out
// nearly all of them at the cost of one multi-pattern search per event.
type EventIndex struct {
	rules  []*Rule
	always []int // rules without literals: matched on every event they take
	search *textsearch.Matcher
	owners [][]int // pattern -> rules
}

// minIndexLiteral is the shortest literal the index searches for.
const minIndexLiteral = 3

// NewEventIndex indexes the rules (web rules are left out: they read IIS rows).
func NewEventIndex(rs []*Rule) *EventIndex {
	x := &EventIndex{}
	var pats []string
	at := map[string]int{}
	for _, r := range rs {
		if r.events == nil {
			continue
		}
		i := len(x.rules)
		x.rules = append(x.rules, r)
		lits := r.Literals()
		if lits == nil || slices.ContainsFunc(lits, func(l string) bool { return len(l) < minIndexLiteral }) {
			// No literal, or one so short it would slow the search for every rule and select
			// nearly every event anyway: matched on every event its logsource takes.
			x.always = append(x.always, i)
			continue
		}
		for _, l := range lits {
			k, ok := at[l]
			if !ok {
				k = len(pats)
				at[l] = k
				pats = append(pats, l)
				x.owners = append(x.owners, nil)
			}
			x.owners[k] = append(x.owners[k], i)
		}
	}
	x.search = textsearch.New(pats)
	if x.search == nil && len(pats) > 0 {
		// A literal too short for the search: every rule is a candidate rather than one missed.
		x.always = x.always[:0]
		for i := range x.rules {
			x.always = append(x.always, i)
		}
		x.owners = nil
	}
	return x
}

// Len is the number of rules indexed.
func (x *EventIndex) Len() int { return len(x.rules) }

// IndexScratch is one caller's reusable buffers.
type IndexScratch struct {
	text []byte
	cand []bool
	at   []int
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
	clear(cand)
	any := false
	for _, i := range x.always {
		cand[i], any = true, true
	}
	var rec Record
	if x.search != nil {
		rec = EventRecord(e)
		s.text = recordText(s.text[:0], rec.(*eventRecord))
		for pos := 0; pos < len(s.text); {
			st, _ := x.search.Find(s.text, pos)
			if st < 0 {
				break
			}
			s.at = x.search.AllAt(s.text, st, s.at[:0])
			for _, k := range s.at {
				for _, i := range x.owners[k] {
					cand[i], any = true, true
				}
			}
			pos = st + 1
		}
	}
	if !any {
		return dst
	}
	for i, ok := range cand {
		if !ok || !x.rules[i].ForEvent(e) {
			continue
		}
		if rec == nil {
			rec = EventRecord(e)
		}
		if x.rules[i].Match(rec) {
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
