package rules

import (
	"strings"
	"testing"
)

// The prefilter folds ASCII case only and parses every row holding ſ, K (Kelvin) or İ; the
// rules compare as Go does (regexp's (?i), strings.EqualFold, strings.ToLower). Whatever a rule
// matches must therefore hold one of its atoms, ASCII case-insensitively, or one of those runes.
func TestAtomsSurviveUnicodeCase(t *testing.T) {
	variants := func(s string) []string {
		out := []string{s, strings.ToUpper(s)}
		for _, r := range []*strings.Replacer{
			strings.NewReplacer("s", "\u017f", "k", "\u212a", "i", "\u0130"),
			strings.NewReplacer("é", "É", "ß", "ẞ", "ա", "Ա"),
			strings.NewReplacer("É", "é", "ẞ", "ß", "Ա", "ա"),
		} {
			out = append(out, r.Replace(s), r.Replace(strings.ToUpper(s)))
		}
		return out
	}
	values := []string{"tasklist", "whoami", "serverinfo~", "café.aspx", "straße", "0ա-ecp", "ÉCOLE-x", "dir/é/bin"}
	ops := []opKind{opEquals, opPrefix, opSuffix, opContains, opGlob, opRegex}
	for _, v := range values {
		for _, op := range ops {
			val := v
			if op == opGlob {
				val = "*" + v + "*"
			}
			if op == opRegex {
				val = strings.ReplaceAll(v, ".", `\.`)
			}
			l, err := newLeaf("raw", op, []string{val})
			if err != nil {
				t.Fatal(err)
			}
			atoms := l.atoms(testSchema, "httpproxy")
			if atoms == nil {
				continue
			}
			for _, text := range variants(v) {
				if !l.Match(fields{"raw": text}) {
					continue
				}
				ok := strings.ContainsAny(text, foldRunes)
				for _, a := range atoms {
					ok = ok || asciiContainsFold(text, a)
				}
				if !ok {
					t.Errorf("%s %q matches %q, which holds none of the atoms %q", op, val, text, atoms)
				}
			}
		}
	}
}

func TestSearchablePart(t *testing.T) {
	for in, want := range map[string]string{
		"whoami":       "whoami",
		"café.aspx":    ".aspx",
		"écolex":       "colex",
		"ab\ufffdcdef": "cdef",
		"ab\xffcdef":   "cdef",
		"日本語":          "日本語", // no case: searched as written
		"ß":            "",
	} {
		if got := searchablePart(in); got != want {
			t.Errorf("searchablePart(%q) = %q, want %q", in, got, want)
		}
	}
}
