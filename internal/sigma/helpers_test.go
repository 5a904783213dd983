package sigma

import (
	"strings"
	"testing"
)

// rec is a test record: fields by exact name, keywords as given.
type rec struct {
	f  map[string][]string
	kw []string
}

func (r rec) Field(n string) ([]string, bool) { v, ok := r.f[n]; return v, ok }
func (r rec) Keywords() []string              { return r.kw }

// fields builds a record with one value per field, given as name, value pairs.
func fields(kv ...string) rec {
	r := rec{f: map[string][]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.f[kv[i]] = append(r.f[kv[i]], kv[i+1])
	}
	return r
}

// kws builds a record with keyword values only.
func kws(v ...string) rec { return rec{f: map[string][]string{}, kw: v} }

// ruleFrom compiles one rule whose detection is given (indented by the caller or not); the
// test fails when the rule is unusable.
func ruleFrom(t *testing.T, detection string) *Rule {
	t.Helper()
	set := Parse([]byte(ruleText(detection)), "test.yml")
	if len(set.Unusable) > 0 || len(set.Rules) != 1 {
		t.Fatalf("rule unusable: %v\n%s", set.Unusable, ruleText(detection))
	}
	return set.Rules[0]
}

// unusableFrom compiles a rule that must be unusable and returns the reason.
func unusableFrom(t *testing.T, detection string) Unusable {
	t.Helper()
	set := Parse([]byte(ruleText(detection)), "test.yml")
	if len(set.Rules) != 0 || len(set.Unusable) != 1 {
		t.Fatalf("rule should be unusable, got %d rules, unusable %v\n%s", len(set.Rules), set.Unusable, ruleText(detection))
	}
	return set.Unusable[0]
}

// ruleText wraps a detection body (lines as written in a test table, without indentation) in
// a rule document.
func ruleText(detection string) string {
	var b strings.Builder
	b.WriteString("title: test rule\nlogsource:\n  product: windows\ndetection:\n")
	for _, l := range strings.Split(strings.Trim(detection, "\n"), "\n") {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}
