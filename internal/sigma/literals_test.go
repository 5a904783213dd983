package sigma

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLiterals(t *testing.T) {
	cases := []struct {
		name string
		det  string
		want []string // nil: no literal set
	}{
		{"endswith", "sel:\n  Image|endswith: '\\Probe.EXE'\ncondition: sel", []string{`\probe.exe`}},
		{"longest fixed run", "sel:\n  Image: 'C:\\\\*\\\\tools\\\\*probe?.exe'\ncondition: sel", []string{`\tools\`}},
		{"escaped star is text", "sel:\n  Image: 'C:\\*\\tools'\ncondition: sel", []string{`c:*\tools`}},
		{"list is a union", "sel:\n  A|contains: ['alpha', 'beta']\ncondition: sel", []string{"alpha", "beta"}},
		{"all picks the best value", "sel:\n  A|contains|all: ['ab', 'longer one']\ncondition: sel", []string{"longer one"}},
		{"and picks the best field", "sel:\n  A: 'xy'\n  B|contains: 'telling'\ncondition: sel", []string{"telling"}},
		{"or is a union", "a:\n  A: 'first'\nb:\n  B: 'second'\ncondition: a or b", []string{"first", "second"}},
		{"and over searches", "a:\n  A: 'first'\nb:\n  B: 'longest'\ncondition: a and b", []string{"longest"}},
		{"and not keeps the positive side", "a:\n  A: 'kept'\nf:\n  B: 'dropped'\ncondition: a and not f", []string{"kept"}},
		{"not alone gives none", "f:\n  B: 'x'\ncondition: not f", nil},
		{"or with a negation gives none", "a:\n  A: 'first'\nf:\n  B: 'x'\ncondition: a or not f", nil},
		{"non-ASCII cuts the run", "sel:\n  A|contains: 'abcdÉfg'\ncondition: sel", []string{"abcd"}},
		{"windash expands", "sel:\n  A|windash|contains: ' -enc'\ncondition: sel", []string{" -enc", " /enc", " \u2013enc", " \u2014enc", " \u2015enc"}},
		{"number spellings", "sel:\n  Mask: 0x1F\ncondition: sel", []string{"0x1f", "31"}},
		{"base64", "sel:\n  A|base64|contains: 'probe'\ncondition: sel", []string{"chjvymu="}},
		{"base64offset", "sel:\n  A|base64offset|contains: 'probe'\ncondition: sel", []string{"chjvym", "byb2jl", "wcm9iz"}},
		{"regex fixed part", "sel:\n  A|re: 'net1? +user'\ncondition: sel", []string{"user"}},
		{"regex alternation", "sel:\n  A|re: '(cmd|powershell)\\.exe'\ncondition: sel", []string{"cmd.exe", "powershell.exe"}},
		{"regex case-folded k is unsafe", "sel:\n  A|re|i: 'mimikatz'\ncondition: sel", []string{"mimi"}},
		{"regex without fixed part", "sel:\n  A|re: '[a-z]+\\d'\ncondition: sel", nil},
		{"null gives none", "sel:\n  A: null\ncondition: sel", nil},
		{"exists gives none", "sel:\n  A|exists: true\ncondition: sel", nil},
		{"but and with a literal field is fine", "sel:\n  A|exists: true\n  B: 'here'\ncondition: sel", []string{"here"}},
		{"cidr gives none", "sel:\n  A|cidr: '10.0.0.0/8'\ncondition: sel", nil},
		{"gt gives none", "sel:\n  A|gt: 4\ncondition: sel", nil},
		{"fieldref gives none", "sel:\n  A|fieldref: B\ncondition: sel", nil},
		{"wildcards only give none", "sel:\n  A: '*'\ncondition: sel", nil},
		{"empty value gives none", "sel:\n  A: ''\ncondition: sel", nil},
		{"keywords", "keywords:\n  - 'Needle'\n  - 'pin*cushion'\ncondition: keywords", []string{"cushion", "needle"}},
		{"1 of is a union", "sel_a:\n  A: 'first'\nsel_b:\n  B: 'second'\ncondition: 1 of sel_*", []string{"first", "second"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ruleFrom(t, c.det).Literals()
			want := c.want
			if want != nil {
				want = dedupe(append([]string(nil), want...))
			}
			if !cmp.Equal(got, want) {
				t.Errorf("Literals = %q, want %q", got, want)
			}
		})
	}
	// Web composite fields: a literal never spans the '?' between stem and query.
	set := Parse([]byte("title: W\nlogsource: {category: webserver}\ndetection:\n  sel:\n    cs-uri-query|contains: '/x.aspx?cmd='\n  condition: sel\n"), "w.yml")
	if got := set.Rules[0].Literals(); !cmp.Equal(got, []string{"/x.aspx"}) {
		t.Errorf("composite field literals %q", got)
	}
	// The same value on a plain field keeps the '?'.
	set = Parse([]byte("title: W\nlogsource: {category: webserver}\ndetection:\n  sel:\n    cs-uri-stem|contains: '/x.aspx\\?cmd='\n  condition: sel\n"), "w.yml")
	if got := set.Rules[0].Literals(); !cmp.Equal(got, []string{"/x.aspx?cmd="}) {
		t.Errorf("stem literals %q", got)
	}
}

// --- Property test: Match implies a literal is present ---

// ruleGen writes random rules from pieces that exercise every modifier, and remembers how to
// produce values likely to match them.
type ruleGen struct {
	r     *rand.Rand
	insts map[string][]func() string // field ("" for keywords) -> value makers
}

var genAlphabet = []string{"a", "b", "K", "k", "s", "S", "x", "-", "/", `\`, ".", "é", "É", "\u212a", "\u017f", "\u2013", " ", "1", "0", "q", "?", `\?`}

func (g *ruleGen) word(max int) string {
	var b strings.Builder
	for n := 1 + g.r.IntN(max); n > 0; n-- {
		b.WriteString(genAlphabet[g.r.IntN(len(genAlphabet))])
	}
	return b.String()
}

// vary changes case the ways attackers and Unicode can: ASCII case, and look-alike folds.
func (g *ruleGen) vary(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch x := g.r.IntN(10); {
		case x < 3 && r < 128:
			b.WriteString(strings.ToUpper(string(r)))
		case x == 3 && (r == 'k' || r == 'K'):
			b.WriteRune('\u212a')
		case x == 3 && (r == 's' || r == 'S'):
			b.WriteRune('\u017f')
		case x == 4 && r == 'é':
			b.WriteRune('É')
		case x == 4 && r == '-':
			b.WriteRune('\u2014')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// instantiate produces a string a Sigma pattern may match: wildcards filled in, escapes
// resolved, case varied.
func (g *ruleGen) instantiate(pattern string) string {
	var b strings.Builder
	for _, p := range parseSigmaString(pattern) {
		switch p.k {
		case spLit:
			b.WriteString(g.vary(p.s))
		case spStar:
			if g.r.IntN(2) == 0 {
				b.WriteString(g.word(3))
			}
		case spOne:
			b.WriteString(g.word(1))
		}
	}
	return b.String()
}

func yamlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func (g *ruleGen) add(field string, f func() string) {
	g.insts[field] = append(g.insts[field], f)
}

// fieldEntry writes one "field|mods: values" line and registers value makers.
func (g *ruleGen) fieldEntry(field string) string {
	around := func(s string) string { return g.word(2) + s + g.word(2) }
	v := g.word(5)
	switch g.r.IntN(16) {
	case 0:
		g.add(field, func() string { return g.instantiate(v) })
		return field + ": " + yamlQuote(v)
	case 1:
		g.add(field, func() string { return around(g.instantiate(v)) })
		return field + "|contains: " + yamlQuote(v)
	case 2:
		g.add(field, func() string { return g.instantiate(v) + g.word(2) })
		return field + "|startswith: " + yamlQuote(v)
	case 3:
		g.add(field, func() string { return g.word(2) + g.instantiate(v) })
		return field + "|endswith: " + yamlQuote(v)
	case 4:
		w := g.word(4)
		g.add(field, func() string { return around(g.instantiate(v)) + around(g.instantiate(w)) })
		return field + "|contains|all: [" + yamlQuote(v) + ", " + yamlQuote(w) + "]"
	case 5:
		g.add(field, func() string { return around(v) })
		return field + "|contains|cased: " + yamlQuote(v)
	case 6:
		g.add(field, func() string {
			return around(strings.NewReplacer("-", []string{"/", "\u2013", "-"}[g.r.IntN(3)]).Replace(g.instantiate(v)))
		})
		return field + "|windash|contains: " + yamlQuote(v)
	case 7:
		plainV := strings.NewReplacer("*", "", "?", "", `\`, "").Replace(v)
		if plainV == "" {
			plainV = "q"
		}
		g.add(field, func() string {
			return g.word(2) + base64.StdEncoding.EncodeToString([]byte(g.word(3)+plainV+g.word(3)))
		})
		return field + "|base64offset|contains: " + yamlQuote(plainV)
	case 8:
		plainV := strings.NewReplacer("*", "", "?", "", `\`, "").Replace(v)
		if plainV == "" {
			plainV = "q"
		}
		g.add(field, func() string { return base64.StdEncoding.EncodeToString([]byte(utf16le(g.word(2) + plainV))) })
		return field + "|utf16le|base64offset|contains: " + yamlQuote(plainV)
	case 9:
		re := g.regex()
		g.add(field, func() string { return around(g.word(3)) })
		return field + "|re: " + yamlQuote(re)
	case 10:
		re := g.regex()
		g.add(field, func() string { return g.vary(g.word(4)) })
		return field + "|re|i: " + yamlQuote(re)
	case 11:
		n := g.r.IntN(50)
		g.add(field, func() string { return fmt.Sprint([]any{n, fmt.Sprintf("0x%x", n)}[g.r.IntN(2)]) })
		return fmt.Sprintf("%s: %d", field, n)
	case 12:
		g.add(field, func() string { return "" })
		return field + ": null"
	case 13:
		g.add(field, func() string { return fmt.Sprint(g.r.IntN(20)) })
		return field + "|gt: 9"
	case 14:
		g.add(field, func() string { return fmt.Sprintf("10.0.%d.1", g.r.IntN(3)) })
		return field + "|cidr: '10.0.1.0/24'"
	default:
		w := g.word(3)
		g.add(field, func() string { return g.instantiate(v) })
		g.add(field, func() string { return g.instantiate(w) })
		return field + ":\n      - " + yamlQuote(v) + "\n      - " + yamlQuote(w)
	}
}

func (g *ruleGen) regex() string {
	pieces := []string{"ab", "k+", "[sx]", "(ab|kq)", ".", `\d`, "(?:xy)?", "a{2}", "é", "-", "q*"}
	var b strings.Builder
	for n := 1 + g.r.IntN(4); n > 0; n-- {
		b.WriteString(pieces[g.r.IntN(len(pieces))])
	}
	return b.String()
}

// rule writes a random rule over fields A, B, C (or web fields) and keywords.
func (g *ruleGen) rule(web bool) string {
	g.insts = map[string][]func() string{}
	names := []string{"A", "B", "C"}
	if web {
		names = []string{"cs-uri-query", "cs-uri-stem", "c-useragent", "cs-method"}
	}
	var b strings.Builder
	b.WriteString("title: generated\nlogsource:\n")
	if web {
		b.WriteString("  category: webserver\n")
	} else {
		b.WriteString("  product: windows\n")
	}
	b.WriteString("detection:\n")
	nsearch := 1 + g.r.IntN(3)
	for i := 0; i < nsearch; i++ {
		fmt.Fprintf(&b, "  s%d:\n", i)
		if g.r.IntN(6) == 0 {
			w := g.word(4)
			g.add("", func() string { return g.word(2) + g.instantiate(w) })
			fmt.Fprintf(&b, "    - %s\n", yamlQuote(w))
			continue
		}
		for f := 1 + g.r.IntN(2); f > 0; f-- {
			b.WriteString("    " + g.fieldEntry(names[g.r.IntN(len(names))]) + "\n")
		}
	}
	var cond []string
	for i := 0; i < nsearch; i++ {
		term := fmt.Sprintf("s%d", i)
		if g.r.IntN(4) == 0 {
			term = "not " + term
		}
		cond = append(cond, term)
	}
	ops := []string{" and ", " or "}
	c := cond[0]
	for _, x := range cond[1:] {
		c = "(" + c + ops[g.r.IntN(2)] + x + ")"
	}
	if g.r.IntN(5) == 0 {
		c = []string{"1 of them", "all of them", "1 of s*"}[g.r.IntN(3)]
	}
	b.WriteString("  condition: " + c + "\n")
	return b.String()
}

// record makes a record from the rule's value makers, some fields missing, some random.
func (g *ruleGen) record(names []string) rec {
	r := rec{f: map[string][]string{}}
	for _, n := range names {
		makers := g.insts[n]
		switch {
		case g.r.IntN(5) == 0:
		case len(makers) > 0 && g.r.IntN(4) != 0:
			r.f[n] = append(r.f[n], makers[g.r.IntN(len(makers))]())
		default:
			r.f[n] = append(r.f[n], g.word(6))
		}
	}
	for _, m := range g.insts[""] {
		if g.r.IntN(2) == 0 {
			r.kw = append(r.kw, m())
		}
	}
	for _, vs := range r.f {
		r.kw = append(r.kw, vs...)
	}
	return r
}

func containsAnyFold(texts []string, lits []string) bool {
	for _, t := range texts {
		lt := foldASCII(t)
		for _, l := range lits {
			if strings.Contains(lt, l) {
				return true
			}
		}
	}
	return false
}

func TestLiteralsAreSound(t *testing.T) {
	g := &ruleGen{r: rand.New(rand.NewPCG(1, 2))}
	rules, withLits, matches := 0, 0, 0
	for i := 0; i < 3000; i++ {
		web := i%3 == 0
		src := g.rule(web)
		set := Parse([]byte(src), "gen.yml")
		if len(set.Rules) != 1 {
			continue // a generated regex may be invalid; that is Parse's business, tested elsewhere
		}
		rules++
		r := set.Rules[0]
		lits := r.Literals()
		if lits != nil {
			withLits++
		}
		for j := 0; j < 40; j++ {
			var record Record
			var texts []string
			if web {
				row := map[string]string{}
				for _, n := range []string{"cs-uri-query", "cs-uri-stem", "cs(user-agent)", "cs-method"} {
					key := n
					if n == "cs(user-agent)" {
						key = "c-useragent"
					}
					if makers := g.insts[key]; len(makers) > 0 && g.r.IntN(4) != 0 {
						row[n] = strings.ReplaceAll(makers[g.r.IntN(len(makers))](), " ", []string{"+", "%20", " "}[g.r.IntN(3)])
					} else if g.r.IntN(2) == 0 {
						row[n] = g.word(5)
					}
				}
				// A value made for cs-uri-query that holds a '?' is a whole URI: split it the way
				// IIS logs it, so literals spanning stem and query are caught.
				if q, ok := row["cs-uri-query"]; ok && g.r.IntN(2) == 0 {
					if i := strings.IndexByte(q, '?'); i >= 0 {
						row["cs-uri-stem"], row["cs-uri-query"] = q[:i], q[i+1:]
					}
				}
				record = WebRecord(row)
				texts = record.Keywords()
			} else {
				rr := g.record([]string{"A", "B", "C"})
				record = rr
				texts = rr.kw
			}
			if !r.Match(record) {
				continue
			}
			matches++
			if lits != nil && !containsAnyFold(texts, lits) {
				t.Fatalf("rule\n%s\nmatched %v but holds none of its literals %q", src, texts, lits)
			}
		}
	}
	t.Logf("%d rules, %d with literals, %d matching records checked", rules, withLits, matches)
	if rules < 2500 || withLits < 500 || matches < 5000 {
		t.Errorf("the generator exercises too little: %d rules, %d with literals, %d matches", rules, withLits, matches)
	}
}

// The regex literal extraction is checked on its own against Go's engine: every string the
// regex matches must hold a literal.
func TestRegexLiteralsAreSound(t *testing.T) {
	g := &ruleGen{r: rand.New(rand.NewPCG(3, 4))}
	checked := 0
	for i := 0; i < 2000; i++ {
		src := g.regex()
		flags := []string{"", "i", "s"}[g.r.IntN(3)]
		m, p := compileRegex(src, flags, 1)
		if p != nil {
			t.Fatalf("%q: %v", src, p)
		}
		rm := m.(*reMatcher)
		lits, ok := rm.lits(false)
		if !ok {
			continue
		}
		re := regexp.MustCompile(rm.re.String())
		for j := 0; j < 200; j++ {
			s := g.vary(g.word(8))
			if loc := re.FindStringIndex(s); loc != nil {
				checked++
				if !containsAnyFold([]string{s}, lits) {
					t.Fatalf("regex %q (flags %q) matches %q, which holds none of %q", src, flags, s, lits)
				}
			}
		}
	}
	if checked < 1000 {
		t.Errorf("only %d regex matches checked", checked)
	}
}
