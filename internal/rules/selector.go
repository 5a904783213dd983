package rules

import "github.com/exsweep/exsweep/internal/textsearch"

// Selector picks the rules worth evaluating on a record from its text: the literal atoms of
// every rule feed one multi-pattern search (textsearch.Sets), and a rule none of whose atoms
// occurs in the text cannot match it. Rules without atoms are always candidates. It is what lets
// a hunt skip the conditions of nearly every rule on nearly every file or event.
type Selector struct {
	sets *textsearch.Sets
}

// NewSelector compiles the atoms of rs (read through schema).
func NewSelector(rs []*Rule, schema Schema) *Selector {
	atoms := make([][]string, len(rs))
	for i, r := range rs {
		atoms[i] = r.Atoms(schema)
	}
	return &Selector{sets: textsearch.NewSets(atoms, 2)}
}

// SelectScratch is one caller's reusable buffers for Select.
type SelectScratch = textsearch.SetsScratch

// Select sets cand[i] for every rule i that may match text (cand has one entry per rule and is
// cleared first) and reports whether there is any. When pos is not nil (one entry per rule), it
// receives the position of the earliest atom of each rule in text, -1 for none: where the
// evidence is.
func (s *Selector) Select(text []byte, cand []bool, pos []int, sc *SelectScratch) bool {
	return s.sets.Mark(text, cand, pos, sc)
}

// Len is the number of rules the selector was built for.
func (s *Selector) Len() int { return s.sets.Len() }
