package sigma

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Hostile rule files: each must cost bounded time and memory and leave a clear problem.
func TestHostileRuleFiles(t *testing.T) {
	aliasBomb := func() string {
		var b strings.Builder
		b.WriteString("title: bomb\nlogsource: {product: windows}\ndetection:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
		for i := 1; i < 9; i++ {
			fmt.Fprintf(&b, "  l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
		}
		b.WriteString("  sel:\n    A: *l8\n  condition: sel\n")
		return b.String()
	}
	// The same bomb outside the detection: sigma-go decodes unknown keys too.
	metaBomb := strings.Replace(strings.Replace(aliasBomb(), "  sel:\n    A: *l8\n  condition: sel\n", "extra: *l8\n", 1), "detection:\n", "lists:\n", 1) +
		"detection:\n  sel:\n    A: x\n  condition: sel\n"
	manyValues := func() string {
		var b strings.Builder
		b.WriteString("title: many\nlogsource: {product: windows}\ndetection:\n  sel:\n    A|base64offset|contains:\n")
		for i := 0; i < maxValuesPerRule/2; i++ {
			fmt.Fprintf(&b, "      - v%d\n", i)
		}
		b.WriteString("  condition: sel\n")
		return b.String()
	}
	manySearches := func() string {
		var b strings.Builder
		b.WriteString("title: searches\nlogsource: {product: windows}\ndetection:\n")
		for i := 0; i <= maxSearches; i++ {
			fmt.Fprintf(&b, "  s%d: {A: x}\n", i)
		}
		b.WriteString("  condition: 1 of them\n")
		return b.String()
	}
	bigGlobal := func() string {
		var b strings.Builder
		b.WriteString("action: global\n")
		for i := 0; i < 20000; i++ {
			fmt.Fprintf(&b, "k%d: v\n", i)
		}
		for i := 0; i < 2000; i++ {
			b.WriteString("---\ntitle: t\n")
		}
		return b.String()
	}
	cases := []struct {
		name   string
		in     string
		reason string
	}{
		{"alias bomb", aliasBomb(), "too large"},
		{"alias bomb outside the detection", metaBomb, "sigma-go"},
		{"deep flow nesting", "title: x\ndetection: " + strings.Repeat("[", 200000), "YAML"},
		{"deep block nesting", "title: x\ndetection:\n" + deepBlock(1400), ""},
		{"huge regex", "title: x\nlogsource: {product: windows}\ndetection:\n  s:\n    A|re: '" + strings.Repeat("(a|b)", 12000) + "'\n  condition: s\n", "too large"},
		{"repetition blow-up", "title: x\nlogsource: {product: windows}\ndetection:\n  s:\n    A|re: '((a{100}){100}){100}'\n  condition: s\n", "regular expression"},
		{"too many values", manyValues(), "values in one rule"},
		{"too many searches", manySearches(), "searches"},
		{"long condition", "title: x\nlogsource: {product: windows}\ndetection:\n  s: {A: x}\n  condition: " + strings.Repeat("s or ", 100000) + "s\n", "longer than"},
		{"big global part", bigGlobal(), "collection too large"},
		{"long windash value", "title: x\nlogsource: {product: windows}\ndetection:\n  s:\n    A|windash: '" + strings.Repeat(" -a", 1000) + "'\n  condition: s\n", "too long"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if len(c.in) > MaxFileSize {
				t.Fatalf("case is %d bytes, over the file cap: it would not test the parser", len(c.in))
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			set := Parse([]byte(c.in), "hostile.yml")
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if elapsed > 5*time.Second {
				t.Errorf("took %v", elapsed)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<30 {
				t.Errorf("allocated %d MiB", alloc>>20)
			}
			if c.reason == "" {
				return
			}
			found := false
			for _, u := range set.Unusable {
				if strings.Contains(u.Reason, c.reason) && u.Path == "hostile.yml" {
					found = true
				}
			}
			if !found || len(set.Rules) != 0 {
				t.Errorf("want a problem saying %q, got %d rules and %v", c.reason, len(set.Rules), set.Unusable)
			}
		})
	}
}

func deepBlock(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	return b.String()
}

// A hostile record (huge values, invalid UTF-8) against a rule with every kind of pattern.
func TestHostileRecords(t *testing.T) {
	r := ruleFrom(t, `s1:
  A|contains|all: ['x', 'y', 'z']
  B|windash|contains: ' -a -b -c'
s2:
  A: '*a*a*a*a*a*b'
  B|re: '(a|aa)+c'
s3:
  A|base64offset|contains: 'needle'
  B: '*?a?*'
condition: 1 of them`)
	values := []string{
		strings.Repeat("a", 1<<20),
		strings.Repeat("\xff\xfe", 1<<19),
		strings.Repeat("-a ", 1<<18),
		strings.Repeat("é", 1<<19),
	}
	for i, v := range values {
		start := time.Now()
		r.Match(fields("A", v, "B", v))
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("value %d: %v", i, d)
		}
	}
}
