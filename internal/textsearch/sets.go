package textsearch

// Sets finds which of several literal sets have a member in a text: the sets of every rule of a
// pack (one set per rule) searched in one pass, so that only the rules one of whose literals
// occurs are evaluated. A nil set, or one holding a literal shorter than the minimum, cannot
// select anything and is a candidate for every text.
type Sets struct {
	n      int
	always []int // sets that are always candidates
	search *Matcher
	owners [][]int // pattern index -> sets holding it
}

// NewSets indexes the sets; literals are compared ASCII case-insensitively.
func NewSets(sets [][]string, minLen int) *Sets {
	x := &Sets{n: len(sets)}
	var pats []string
	index := map[string]int{}
	for i, set := range sets {
		short := set == nil
		for _, l := range set {
			short = short || len(l) < max(minLen, 2)
		}
		if short {
			x.always = append(x.always, i)
			continue
		}
		for _, l := range set {
			k, ok := index[l]
			if !ok {
				k = len(pats)
				index[l] = k
				pats = append(pats, l)
				x.owners = append(x.owners, nil)
			}
			x.owners[k] = append(x.owners[k], i)
		}
	}
	x.search = New(pats)
	return x
}

// Len is the number of sets.
func (x *Sets) Len() int { return x.n }

// SetsScratch is one caller's reusable buffers for Mark.
type SetsScratch struct {
	seen []bool
	at   []int
}

// Mark sets cand[i] for every set i that is a candidate for text (cand has one entry per set and
// is cleared first) and reports whether there is any. When pos is not nil (one entry per set), it
// receives the position of each set's earliest literal in text, -1 for none.
func (x *Sets) Mark(text []byte, cand []bool, pos []int, sc *SetsScratch) bool {
	clear(cand)
	for i := range pos {
		pos[i] = -1
	}
	any := false
	for _, i := range x.always {
		cand[i], any = true, true
	}
	if x.search == nil || len(text) == 0 {
		return any
	}
	if cap(sc.seen) < len(x.owners) {
		sc.seen = make([]bool, len(x.owners))
	}
	seen := sc.seen[:len(x.owners)]
	clear(seen)
	left := len(x.owners)
	for at := 0; at < len(text) && left > 0; {
		st, _ := x.search.Find(text, at)
		if st < 0 {
			break
		}
		sc.at = x.search.AllAt(text, st, sc.at[:0])
		for _, k := range sc.at {
			if seen[k] {
				continue
			}
			seen[k] = true
			left--
			for _, i := range x.owners[k] {
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
