package rules

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// testSchema is a small schema with literal, non-literal and derived fields.
var testSchema = Schema{
	"httpproxy": {
		{Name: "AnchorMailbox", Literal: true, Column: true},
		{Name: "UrlStem", Literal: true, Column: true},
		{Name: "ClientIpAddress", Literal: true, Column: true},
		{Name: "HttpStatus", Column: true},
		{Name: "raw", Literal: true},
		{Name: "SsrfHost"},
	},
	"iis": {
		{Name: "cs-uri-stem", Literal: true, Column: true},
		{Name: "cs-uri-query", Literal: true, Column: true},
		{Name: "sc-status", Column: true},
		{Name: "stem", Literal: true},
		{Name: "query", Literal: true},
		{Name: "uri-name", Literal: true},
		{Name: "uri-ext"},
	},
}

const ruleFile = "rules/test.yaml"

var problemPrefix = regexp.MustCompile(`^` + regexp.QuoteMeta(ruleFile) + `:[0-9]+: `)

// checkParse holds what Parse must do with any input: rules, or a *LoadError whose every problem
// names the file and a line; never a panic.
func checkParse(t *testing.T, data []byte) []*Rule {
	t.Helper()
	rs, err := Parse(data, ruleFile, testSchema)
	if err != nil {
		var le *LoadError
		if !errors.As(err, &le) {
			t.Fatalf("Parse error %T %v is not a *LoadError", err, err)
		}
		if len(le.Problems) == 0 {
			t.Fatalf("LoadError without problems")
		}
		for _, p := range le.Problems {
			if !problemPrefix.MatchString(p) {
				t.Fatalf("problem %q does not start with %q and a line number", p, ruleFile+":")
			}
		}
	}
	// Rules may come back with an error: the valid ones of a file with some invalid ones.
	for _, r := range rs {
		if r.ID == "" || r.Condition == nil || len(r.Match) == 0 || len(r.NoMatch) == 0 || r.Line <= 0 {
			t.Fatalf("incomplete rule accepted: %+v", r)
		}
		// A loaded rule can be used: atoms and matching never panic.
		r.Atoms(testSchema)
		r.Condition.Match(fields{"anchormailbox": "ServerInfo~a]@x:444/ecp/y.js", "raw": "x"})
		r.Condition.Match(fields{})
	}
	return rs
}

func TestParseReportsLines(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // substrings of the problems, in order
	}{
		{"empty", "", []string{ruleFile + ":1: empty rule file"}},
		{"only a comment", "# nothing\n", []string{ruleFile + ":1: empty rule file"}},
		{"bad yaml", "schema: 1\nrules: [\n", []string{ruleFile + ":"}},
		{"tab indent", "schema: 1\nrules:\n\t- id: x\n", []string{ruleFile + ":3: not valid YAML"}},
		{"not a mapping", "- a\n- b\n", []string{ruleFile + ":1: a rule file is a mapping"}},
		{"no schema", "rules: []\n", []string{ruleFile + ":1: field schema: missing"}},
		{"unknown key", "schema: 1\nrules: []\nextra: 1\n", []string{ruleFile + ":3: field extra: unknown key"}},
		{"wrong schema", "schema: 2\nrules: []\n", []string{ruleFile + ":1: field schema: this exsweep reads"}},
		{"rule missing fields", "schema: 1\nrules:\n  - id: EXS-X\n", []string{ruleFile + ":3: field title: missing"}},
		{"bad field", `schema: 1
rules:
  - id: EXS-TEST-1
    title: t
    severity: high
    verdict: attempted
    source: iis
    why: w
    condition:
      field: nope
      equals: x
    samples:
      match: ["a"]
      no_match: ["b"]
`, []string{ruleFile + `:10: field field: source iis has no field "nope"`}},
		{"bad regex", `schema: 1
rules:
  - id: EXS-TEST-1
    title: t
    severity: high
    verdict: attempted
    source: iis
    why: w
    condition:
      field: stem
      regex: "a(b"
    samples:
      match: ["a"]
      no_match: ["b"]
`, []string{ruleFile + `:11: field regex: regex "a(b"`}},
		{"invalid utf-8", "schema: 1\nrules: []\n# \xff\n", []string{ruleFile + ":"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), ruleFile, testSchema)
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a *LoadError", err)
			}
			for _, p := range le.Problems {
				if !problemPrefix.MatchString(p) {
					t.Errorf("problem %q has no line", p)
				}
			}
			all := strings.Join(le.Problems, "\n")
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("problems %q lack %q", le.Problems, w)
				}
			}
		})
	}
}

const goodRule = `schema: 1
rules:
  - id: EXS-TEST-SSRF
    title: SSRF
    severity: critical
    verdict: compromised
    cve: CVE-2021-26855
    references: [https://example.com/x]
    source: httpproxy
    why: because
    condition:
      all:
        - field: AnchorMailbox
          prefix: ServerInfo~
        - any:
            - field: AnchorMailbox
              contains: [/ecp/, /owa/]
            - field: raw
              regex: 'proxylogon\.ecp|x-beresource'
        - not:
            field: ClientIpAddress
            cidr: [10.0.0.0/8, 192.0.2.1]
        - field: UrlStem
          glob: "/ecp/*.js"
    samples:
      match:
        - {AnchorMailbox: "ServerInfo~a]@ex:444/ecp/proxyLogon.ecp?#", UrlStem: /ecp/y.js}
      no_match:
        - "raw line"
`

func TestParseGoodRule(t *testing.T) {
	rs := checkParse(t, []byte(goodRule))
	if len(rs) != 1 || rs[0].ID != "EXS-TEST-SSRF" || rs[0].Line != 3 {
		t.Fatalf("rules: %+v", rs)
	}
}

func FuzzParseRules(f *testing.F) {
	f.Add([]byte(goodRule))
	f.Add([]byte("schema: 1\nrules:\n  - &a {id: x}\n  - *a\n"))
	f.Add([]byte("schema: 1\nrules:\n  - id: EXS-A\n    condition: &c {field: stem, equals: x}\n  - id: EXS-B\n    source: iis\n    condition: {not: *c}\n"))
	f.Add([]byte("schema: 1\nrules:\n  - id: EXS-A\n    source: iis\n    condition: {field: stem, regex: [a, '(', '\\xff']}\n"))
	f.Add([]byte("schema: [1]\nrules: {a: b}\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("\xff\xfe"))
	f.Add([]byte("%YAML 1.2\n---\nschema: 1\n...\n---\nrules: []\n"))
	if sub, err := fs.Sub(packFS, "pack"); err == nil {
		names, _ := fs.Glob(sub, "*.yaml")
		for _, n := range names {
			if b, err := fs.ReadFile(sub, n); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, data)
	})
}

// genMatch builds a string the expression is likely to match (assertions aside), choosing case
// variants through Unicode's simple folding as (?i) does.
func genMatch(re *syntax.Regexp, r *rand.Rand, sb *strings.Builder, depth int) {
	pick := func(lo, hi rune) rune {
		if hi-lo > 1000 {
			hi = lo + 1000
		}
		return lo + rune(r.IntN(int(hi-lo)+1))
	}
	fold := func(c rune) rune {
		if re.Flags&syntax.FoldCase == 0 {
			return c
		}
		for n := r.IntN(4); n > 0; n-- {
			c = unicode.SimpleFold(c)
		}
		return c
	}
	reps := func(min, max int) int {
		if max < 0 {
			max = min + 3
		}
		if depth > 6 {
			max = min
		}
		return min + r.IntN(max-min+1)
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, c := range re.Rune {
			sb.WriteRune(fold(c))
		}
	case syntax.OpCharClass:
		if len(re.Rune) > 0 {
			i := 2 * r.IntN(len(re.Rune)/2)
			sb.WriteRune(pick(re.Rune[i], re.Rune[i+1]))
		}
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		sb.WriteByte("aZ0 /.~%"[r.IntN(8)])
	case syntax.OpCapture:
		genMatch(re.Sub[0], r, sb, depth+1)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		min, max := 0, -1
		switch re.Op {
		case syntax.OpPlus:
			min = 1
		case syntax.OpQuest:
			max = 1
		case syntax.OpRepeat:
			min, max = re.Min, re.Max
		}
		for n := reps(min, max); n > 0; n-- {
			genMatch(re.Sub[0], r, sb, depth+1)
		}
	case syntax.OpConcat:
		for _, s := range re.Sub {
			genMatch(s, r, sb, depth+1)
		}
	case syntax.OpAlternate:
		genMatch(re.Sub[r.IntN(len(re.Sub))], r, sb, depth+1)
	}
}

// asciiContainsFold is how the prefilter compares: ASCII letters fold, nothing else does.
func asciiContainsFold(s, sub string) bool {
	low := func(x string) string {
		b := []byte(x)
		for i, c := range b {
			if c >= 'A' && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			}
		}
		return string(b)
	}
	return strings.Contains(low(s), low(sub))
}

// foldRunes are the runes Go's case-insensitive comparisons take for an ASCII letter (ſ for s,
// the Kelvin sign for k, İ for i). The prefilter parses every row holding one (logscan tests
// that), so atoms need not spell them.
const foldRunes = "\u017f\u212a\u0130"

// checkRegexAtoms: every string the rule's regex matches in text holds one of its atoms, as the
// prefilter searches them (ASCII case-insensitively).
func checkRegexAtoms(t *testing.T, expr, text string) {
	t.Helper()
	l, err := newLeaf("raw", opRegex, []string{expr})
	if err != nil {
		return
	}
	atoms := l.atoms(testSchema, "httpproxy")
	if atoms == nil {
		return
	}
	for _, a := range atoms {
		if len(a) < MinAtomLen {
			t.Fatalf("atom %q of %q is shorter than %d", a, expr, MinAtomLen)
		}
	}
	for _, m := range l.res[0].FindAllString(text, 50) {
		found := strings.ContainsAny(m, foldRunes)
		for _, a := range atoms {
			if asciiContainsFold(m, a) {
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("(?i)%s matches %q in %q, which holds none of its atoms %q", expr, m, text, atoms)
		}
	}
}

func FuzzRegexAtoms(f *testing.F) {
	f.Add(`proxyLogon\.ecp`, "GET /ecp/PROXYLOGON.ECP", uint64(1))
	f.Add(`\bnet1? +(user|group)\b`, "net  user x", uint64(2))
	f.Add(`^Set-\w*VirtualDirectory$`, "Set-OabVirtualDirectory", uint64(3))
	f.Add(`cmd(\.exe)? +/c\b`, "CMD.EXE   /c dir", uint64(4))
	f.Add(`(?:ab|cd)+ef`, "abcdabef", uint64(5))
	f.Add(`x{2,5}yz`, "xxxxyz", uint64(6))
	f.Add(`[Ee]val\(`, "EVAL(", uint64(7))
	f.Add(`schema=Reset\w*VirtualDirectory`, "?schema=ResetOABVirtualDirectory", uint64(8))
	f.Add(`(?-i:ABC)def`, "abcDEF", uint64(9))
	f.Add(`a(?:bc|de)?fgh`, "afgh", uint64(10))
	f.Fuzz(func(t *testing.T, expr, text string, seed uint64) {
		if len(expr) > 200 {
			return
		}
		checkRegexAtoms(t, expr, text)
		p, err := syntax.Parse("(?i)"+expr, syntax.Perl)
		if err != nil {
			return
		}
		r := rand.New(rand.NewPCG(seed, 99))
		for i := 0; i < 8; i++ {
			var sb strings.Builder
			sb.WriteString(text[:r.IntN(len(text)+1)])
			genMatch(p, r, &sb, 0)
			if sb.Len() > 4096 || !utf8.ValidString(sb.String()) {
				continue
			}
			checkRegexAtoms(t, expr, sb.String())
		}
	})
}
