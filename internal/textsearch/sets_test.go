package textsearch

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// Mark agrees with looking for every literal of every set in the text: a set is a candidate
// when it is nil, holds a literal shorter than the minimum, or one of its literals occurs
// (ASCII case aside); pos is the earliest occurrence.
func TestSetsMarkAgreesWithBruteForce(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abAB-x"[rnd.IntN(6)]
		}
		return string(b)
	}
	for round := 0; round < 300; round++ {
		sets := make([][]string, 1+rnd.IntN(8))
		for i := range sets {
			if rnd.IntN(6) == 0 {
				continue // nil: always
			}
			for range 1 + rnd.IntN(3) {
				sets[i] = append(sets[i], word(1+rnd.IntN(5)))
			}
		}
		const minLen = 3
		x := NewSets(sets, minLen)
		var sc SetsScratch
		for range 20 {
			text := []byte(word(rnd.IntN(60)))
			cand := make([]bool, len(sets))
			pos := make([]int, len(sets))
			any := x.Mark(text, cand, pos, &sc)
			low := bytes.ToLower(text)
			wantAny := false
			for i, set := range sets {
				always := set == nil
				first := -1
				for _, l := range set {
					if len(l) < minLen {
						always = true
					}
					if at := bytes.Index(low, bytes.ToLower([]byte(l))); at >= 0 && (first < 0 || at < first) {
						first = at
					}
				}
				want := always || first >= 0
				wantAny = wantAny || want
				if cand[i] != want {
					t.Fatalf("set %q in %q: candidate %v, want %v", set, text, cand[i], want)
				}
				if !always && pos[i] != first {
					t.Fatalf("set %q in %q: earliest at %d, want %d", set, text, pos[i], first)
				}
			}
			if any != wantAny {
				t.Fatalf("any %v, want %v", any, wantAny)
			}
		}
	}
}
