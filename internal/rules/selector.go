package rules

import "github.com/exsweep/exsweep/internal/textsearch"

// Selector picks the rules worth evaluating on a record from its text: the literal atoms of
// every rule feed one multi-pattern search, and a rule none of whose atoms occurs in the text
// cannot match it. Rules without atoms are always candidates. It is what lets a hunt skip the
// conditions of nearly every rule on nearly every file or event.
type Selector struct {
	n      int
	always []int // rules without atoms
	search *textsearch.Matcher
	owners [][]int // pattern index -> rules that need it
}

// NewSelector compiles the atoms of rs (read through schema).
func NewSelector(rs []*Rule, schema Schema) *Selector {
	s := &Selector{n: len(rs)}
	var pats []string
	index := map[string]int{}
	for i, r := range rs {
		atoms := r.Atoms(schema)
		if len(atoms) == 0 {
			s.always = append(s.always, i)
			continue
		}
		for _, a := range atoms {
			k, ok := index[a]
			if !ok {
				k = len(pats)
				index[a] = k
				pats = append(pats, a)
				s.owners = append(s.owners, nil)
			}
			s.owners[k] = append(s.owners[k], i)
		}
	}
	s.search = textsearch.New(pats)
	if s.search == nil && len(pats) > 0 {
		// A pattern too short for the search: evaluate every rule rather than miss one.
		s.always = s.always[:0]
		for i := range rs {
			s.always = append(s.always, i)
		}
		s.owners = nil
	}
	return s
}

// SelectScratch is one caller's reusable buffers for Select.
type SelectScratch struct {
	seen []bool
	at   []int
}

// Select sets cand[i] for every rule i that may match text (cand has one entry per rule and is
// cleared first) and reports whether there is any. When pos is not nil (one entry per rule), it
// receives the position of the earliest atom of each rule in text, -1 for none: where the
// evidence is.
func (s *Selector) Select(text []byte, cand []bool, pos []int, sc *SelectScratch) bool {
	clear(cand)
	for i := range pos {
		pos[i] = -1
	}
	any := false
	for _, i := range s.always {
		cand[i], any = true, true
	}
	if s.search == nil || len(text) == 0 {
		return any
	}
	if cap(sc.seen) < len(s.owners) {
		sc.seen = make([]bool, len(s.owners))
	}
	seen := sc.seen[:len(s.owners)]
	clear(seen)
	left := len(s.owners)
	for at := 0; at < len(text) && left > 0; {
		st, _ := s.search.Find(text, at)
		if st < 0 {
			break
		}
		sc.at = s.search.AllAt(text, st, sc.at[:0])
		for _, k := range sc.at {
			if seen[k] {
				continue
			}
			seen[k] = true
			left--
			for _, i := range s.owners[k] {
				cand[i], any = true, true
				if pos != nil && pos[i] < 0 {
					pos[i] = st // the scan runs left to right: the first hit is the earliest
				}
			}
		}
		at = st + 1
	}
	return any
}

// Len is the number of rules the selector was built for.
func (s *Selector) Len() int { return s.n }
