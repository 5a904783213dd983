package pageflow

import (
	"bytes"
	"slices"
	"testing"
	"unicode/utf8"
)

// checkInvariants verifies the shape of a Result: kinds sorted, unique and from the vocabulary,
// one sink per kind in the same order, lines within the page, evidence short and valid UTF-8.
func checkInvariants(t *testing.T, name string, page []byte, r Result) {
	t.Helper()
	if len(r.Kinds) != len(r.Sinks) {
		t.Fatalf("%s: %d kinds but %d sinks", name, len(r.Kinds), len(r.Sinks))
	}
	if !slices.IsSorted(r.Kinds) {
		t.Fatalf("%s: kinds not sorted: %v", name, r.Kinds)
	}
	lines := 1 + bytes.Count(page, []byte{'\n'})
	for i, k := range r.Kinds {
		if i > 0 && r.Kinds[i-1] == k {
			t.Fatalf("%s: duplicate kind %q", name, k)
		}
		if !slices.Contains(kindNames[:], k) {
			t.Fatalf("%s: kind %q not in the vocabulary", name, k)
		}
		s := r.Sinks[i]
		if s.Kind != k {
			t.Fatalf("%s: sink %d is %q, kind is %q", name, i, s.Kind, k)
		}
		if s.Line < 1 || s.Line > lines {
			t.Fatalf("%s: line %d outside 1..%d", name, s.Line, lines)
		}
		if len(s.Evidence) > maxEvidence || !utf8.ValidString(s.Evidence) {
			t.Fatalf("%s: bad evidence %q", name, s.Evidence)
		}
	}
}
