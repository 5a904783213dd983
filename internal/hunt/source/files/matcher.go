package files

import (
	"bytes"
	"fmt"

	"github.com/exsweep/exsweep/internal/rules"
	"github.com/exsweep/exsweep/internal/textsearch"
)

// matcher evaluates the file rules on a record. Literal atoms of every content rule feed one
// multi-pattern search over the file's bytes; a rule whose atoms are all absent cannot match and
// is not evaluated, so its expressions never run over a file that cannot hold a hit.
type matcher struct {
	rules  []*rules.Rule
	always []int // rules without atoms: evaluated on every record
	search *textsearch.Matcher
	owners [][]int // pattern index -> rules that need it
}

func newMatcher(rs []*rules.Rule, schema rules.Schema) *matcher {
	m := &matcher{rules: rs}
	var pats []string
	index := map[string]int{}
	for i, r := range rs {
		atoms := r.Atoms(schema)
		if len(atoms) == 0 {
			m.always = append(m.always, i)
			continue
		}
		for _, a := range atoms {
			k, ok := index[a]
			if !ok {
				k = len(pats)
				index[a] = k
				pats = append(pats, a)
				m.owners = append(m.owners, nil)
			}
			m.owners[k] = append(m.owners[k], i)
		}
	}
	m.search = textsearch.New(pats)
	if m.search == nil && len(pats) > 0 {
		// A pattern too short for the search: evaluate every rule rather than miss one.
		m.always = m.always[:0]
		for i := range rs {
			m.always = append(m.always, i)
		}
		m.owners = nil
	}
	return m
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
	for _, i := range m.always {
		cand[i] = true
	}
	var first []int // pattern index -> first position in the content, -1 when absent
	if m.search != nil && len(rec.Content) > 0 {
		t := rec.Content
		var at []int
		left := len(m.owners)
		first = make([]int, len(m.owners))
		for k := range first {
			first[k] = -1
		}
		for pos := 0; pos < len(t) && left > 0; {
			st, _ := m.search.Find(t, pos)
			if st < 0 {
				break
			}
			at = m.search.AllAt(t, st, at[:0])
			for _, k := range at {
				if first[k] < 0 {
					first[k] = st
					left--
					for _, i := range m.owners[k] {
						cand[i] = true
					}
				}
			}
			pos = st + 1
		}
	}
	var out []Match
	for i, ok := range cand {
		if ok && m.rules[i].Condition.Match(rec) {
			out = append(out, Match{Rule: m.rules[i], Evidence: m.evidence(i, rec, first)})
		}
	}
	return out
}

// evidenceSpan is how much text either side of a hit is shown.
const evidenceSpan = 160

// evidence shows the line of the earliest content hit of the rule's literals, or else the file's
// description.
func (m *matcher) evidence(rule int, rec *Record, first []int) []byte {
	at := -1
	for k, owners := range m.owners {
		if first == nil || first[k] < 0 || (at >= 0 && first[k] >= at) {
			continue
		}
		for _, i := range owners {
			if i == rule {
				at = first[k]
				break
			}
		}
	}
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
