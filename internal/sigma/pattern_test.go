package sigma

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// refMatch is the obviously-right matcher the compiled patterns are checked against: dynamic
// programming over runes, each pattern part compared with foldRune (or exactly when cased).
func refMatch(v sval, s string, cased bool) bool {
	type tk struct {
		k spKind
		r rune
	}
	var toks []tk
	for _, p := range v {
		if p.k == spLit {
			for _, r := range p.s {
				toks = append(toks, tk{spLit, r})
			}
			continue
		}
		toks = append(toks, tk{k: p.k})
	}
	text := []rune(s)
	eq := func(a, b rune) bool {
		if cased {
			return a == b
		}
		return foldRune(a) == foldRune(b)
	}
	// ok[i][j]: toks[i:] matches text[j:].
	ok := make([][]bool, len(toks)+1)
	for i := range ok {
		ok[i] = make([]bool, len(text)+1)
	}
	ok[len(toks)][len(text)] = true
	for i := len(toks) - 1; i >= 0; i-- {
		for j := len(text); j >= 0; j-- {
			t := toks[i]
			switch t.k {
			case spStar:
				ok[i][j] = ok[i+1][j] || (j < len(text) && ok[i][j+1])
			case spOne:
				ok[i][j] = j < len(text) && ok[i+1][j+1]
			case spDash:
				ok[i][j] = j < len(text) && isDash(text[j]) && ok[i+1][j+1]
			default:
				ok[i][j] = j < len(text) && eq(t.r, text[j]) && ok[i+1][j+1]
			}
		}
	}
	return ok[0][0]
}

var patAlphabet = []string{"a", "b", "A", "B", "k", "K", "\u212a", "é", "É", "ß", "-", "/", "\u2013", "\u2014", "x"}

func randText(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := r.IntN(n + 1); i > 0; i-- {
		b.WriteString(patAlphabet[r.IntN(len(patAlphabet))])
	}
	return b.String()
}

func randPattern(r *rand.Rand) sval {
	var v sval
	for i := r.IntN(6); i > 0; i-- {
		switch r.IntN(6) {
		case 0:
			v = append(v, spart{k: spStar})
		case 1:
			v = append(v, spart{k: spOne})
		case 2:
			v = append(v, spart{k: spDash})
		default:
			v = append(v, spart{k: spLit, s: randText(r, 3)})
		}
	}
	return v
}

func TestPatternsAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	hits := 0
	for i := 0; i < 20000; i++ {
		v := randPattern(r)
		cased := r.IntN(4) == 0
		p, err := compileStr(v, cased)
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 20; j++ {
			// Texts built from the pattern hit often; random ones miss often.
			var s string
			if j%2 == 0 {
				var b strings.Builder
				for _, x := range v {
					switch x.k {
					case spLit:
						b.WriteString(x.s)
					case spStar:
						b.WriteString(randText(r, 3))
					default:
						b.WriteString(patAlphabet[r.IntN(len(patAlphabet))])
					}
				}
				s = b.String()
				if r.IntN(2) == 0 {
					s = strings.ToUpper(s)
				}
			} else {
				s = randText(r, 8)
			}
			got, want := p.match(s), refMatch(v, s, cased)
			if got != want {
				t.Fatalf("pattern %+v (cased %v) on %q: got %v, want %v", v, cased, s, got, want)
			}
			if got {
				hits++
			}
		}
	}
	if hits < 50000 {
		t.Errorf("only %d hits: the test checks too few matches", hits)
	}
}

func TestFoldString(t *testing.T) {
	cases := []struct{ in, want string }{
		{"abc", "abc"},
		{"ABC", "abc"},
		{"ÄÖÜ", "äöü"},
		{"\u212a", "\u212a"}, // Kelvin sign: not folded to ASCII k
		{"\u0130", "\u0130"}, // dotted capital I: lower-cases to ASCII i, so kept
		{"\u03a3\u03c2", "\u03c3\u03c3"},
		{"a\xffB", "a\xffb"}, // bytes that are not UTF-8 stay
	}
	for _, c := range cases {
		if got := foldString(c.in); got != c.want {
			t.Errorf("foldString(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestIndexFoldASCII(t *testing.T) {
	long := strings.Repeat("ab", 40) + "c"
	cases := []struct {
		s, p string
		want int
	}{
		{"Hello World", "world", 6},
		{"hello", "", 0},
		{"hel", "hello", -1},
		{"xx" + strings.ToUpper(long) + "yy", long, 2},
		{strings.Repeat("AB", 100), long, -1},
		{"\xc3\xa9A", "a", 2},
	}
	for _, c := range cases {
		if got := indexFoldASCII(c.s, c.p); got != c.want {
			t.Errorf("indexFoldASCII(%q, %q) = %d, want %d", c.s, c.p, got, c.want)
		}
	}
}

// Matching cost stays linear-ish on values built to make naive matchers quadratic.
func TestPatternTime(t *testing.T) {
	value := strings.Repeat("a", 1<<16)
	pats := []sval{
		{{k: spStar}, {k: spLit, s: strings.Repeat("a", 100) + "b"}, {k: spStar}},
		{{k: spStar}, {k: spOne}, {k: spLit, s: strings.Repeat("a", 30) + "b"}, {k: spStar}},
		{{k: spStar}, {k: spLit, s: "a"}, {k: spStar}, {k: spLit, s: "a"}, {k: spStar}, {k: spLit, s: "b"}},
	}
	for i, v := range pats {
		p, err := compileStr(v, false)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if p.match(value) {
			t.Errorf("pattern %d matched", i)
		}
		if d := time.Since(start); d > 200*time.Millisecond {
			t.Errorf("pattern %d took %v on a 64 KiB value", i, d)
		}
	}
}
