package events

import "github.com/exsweep/exsweep/internal/rules"

// Matcher evaluates event rules on events. Rule literals are searched in the event's evidence
// text (rules.Selector); only rules one of whose literals occurs there are evaluated. On a
// Security log of millions of logons that skips nearly every condition, and it is why the
// literal fields are declared in Fields.
type Matcher struct {
	rules []*rules.Rule
	sel   *rules.Selector
}

// NewMatcher compiles the rules' literals; rules must all read the event kind.
func NewMatcher(rs []*rules.Rule, schema rules.Schema) *Matcher {
	return &Matcher{rules: rs, sel: rules.NewSelector(rs, schema)}
}

// Scratch is one worker's reusable state for Match.
type Scratch struct {
	cand []bool
	sel  rules.SelectScratch
}

// Match appends to dst the rules the event satisfies, in pack order. text must be
// AppendEvidence(nil, rec.Event).
func (m *Matcher) Match(rec *Record, text []byte, s *Scratch, dst []*rules.Rule) []*rules.Rule {
	if len(m.rules) == 0 {
		return dst
	}
	if cap(s.cand) < len(m.rules) {
		s.cand = make([]bool, len(m.rules))
	}
	cand := s.cand[:len(m.rules)]
	if !m.sel.Select(text, cand, nil, &s.sel) {
		return dst
	}
	for i, ok := range cand {
		if ok && m.rules[i].Condition.Match(rec) {
			dst = append(dst, m.rules[i])
		}
	}
	return dst
}
