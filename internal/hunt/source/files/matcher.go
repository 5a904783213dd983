package files

import (
	"bytes"
	"fmt"

	"github.com/exsweep/exsweep/internal/rules"
)

// matcher evaluates the file rules on a record. Literal atoms of every content rule feed one
// multi-pattern search over the file's bytes (rules.Selector); a rule whose atoms are all absent
// cannot match and is not evaluated, so its expressions never run over a file that cannot hold
// a hit.
type matcher struct {
	rules []*rules.Rule
	sel   *rules.Selector
}

func newMatcher(rs []*rules.Rule, schema rules.Schema) *matcher {
	return &matcher{rules: rs, sel: rules.NewSelector(rs, schema)}
}

// Match is one rule that matched a record, with the evidence to show.
type Match struct {
	Rule     *rules.Rule
	Evidence []byte
}

// match returns the rules the record satisfies, in pack order.
func (m *matcher) match(rec *Record) []Match {
	if len(m.rules) == 0 {
		return nil
	}
	cand := make([]bool, len(m.rules))
	pos := make([]int, len(m.rules)) // rule -> earliest hit of its literals in the content
	m.sel.Select(rec.Content, cand, pos, &rules.SelectScratch{})
	var out []Match
	for i, ok := range cand {
		if ok && m.rules[i].Condition.Match(rec) {
			out = append(out, Match{Rule: m.rules[i], Evidence: evidence(rec, pos[i])})
		}
	}
	return out
}

// evidenceSpan is how much text either side of a hit is shown.
const evidenceSpan = 160

// evidence shows the line around position at of the content, or else (at < 0) the file's
// description.
func evidence(rec *Record, at int) []byte {
	if at < 0 {
		desc := fmt.Sprintf("%s (%d bytes", rec.Path, rec.Size)
		if rec.Format != "" {
			desc += ", " + rec.Format
		}
		if rec.DumpProcess != "" {
			desc += ", dump of " + rec.DumpProcess
		}
		if rec.VirtualPath != "" {
			desc += ", names page " + rec.VirtualPath
		}
		return []byte(desc + ")")
	}
	t := rec.Content
	lo, hi := max(0, at-evidenceSpan), min(len(t), at+evidenceSpan)
	if i := bytes.LastIndexByte(t[lo:at], '\n'); i >= 0 {
		lo += i + 1
	}
	if i := bytes.IndexByte(t[at:hi], '\n'); i >= 0 {
		hi = at + i
	}
	return bytes.TrimSpace(t[lo:hi])
}
