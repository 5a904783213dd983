package sigma

import (
	"strings"
	"testing"
)

// condDet is a detection with four searches over fields A, B, C, D (each wants "1") and a
// helper search _h (wants H=1), with the given condition.
func condDet(cond string) string {
	return `sel_a:
  A: '1'
sel_b:
  B: '1'
sel1_c:
  C: '1'
filter-d:
  D: '1'
_h:
  H: '1'
condition: ` + cond
}

func TestConditions(t *testing.T) {
	a, b, c, d, h := fields("A", "1"), fields("B", "1"), fields("C", "1"), fields("D", "1"), fields("H", "1")
	ab, ad, bc := fields("A", "1", "B", "1"), fields("A", "1", "D", "1"), fields("B", "1", "C", "1")
	abcd := fields("A", "1", "B", "1", "C", "1", "D", "1")
	cases := []struct {
		cond    string
		match   []rec
		noMatch []rec
	}{
		{"sel_a", []rec{a, ab}, []rec{b, fields()}},
		{"sel_a and sel_b", []rec{ab}, []rec{a, b}},
		{"sel_a AND sel_b", []rec{ab}, []rec{a, b}},
		{"sel_a or sel_b", []rec{a, b}, []rec{c}},
		{"sel_a Or sel_b", []rec{a, b}, []rec{c}},
		{"not sel_a", []rec{b, fields()}, []rec{a}},
		{"NOT not sel_a", []rec{a}, []rec{b}},
		{"sel_a and not filter-d", []rec{a, ab}, []rec{ad, d}},
		// not binds tighter than and, and tighter than or.
		{"sel_a or sel_b and sel1_c", []rec{a, bc}, []rec{b, c}},
		{"(sel_a or sel_b) and sel1_c", []rec{fields("A", "1", "C", "1"), bc}, []rec{a, b}},
		{"not sel_a and sel_b", []rec{b}, []rec{ab, a}},
		{"not (sel_a and sel_b)", []rec{a, b}, []rec{ab}},
		{"((sel_a))", []rec{a}, []rec{b}},
		{"1 of sel_*", []rec{a, b}, []rec{c, d}},
		{"any of sel_*", []rec{a, b}, []rec{c}},
		{"all of sel_*", []rec{ab}, []rec{a, b}},
		{"1 of sel1_*", []rec{c}, []rec{a}},
		{"1 of sel*", []rec{a, c}, []rec{d}},
		{"all of sel*", []rec{fields("A", "1", "B", "1", "C", "1")}, []rec{ab}},
		{"1 of them", []rec{a, d}, []rec{h, fields()}},
		{"all of them", []rec{abcd}, []rec{fields("A", "1", "B", "1", "C", "1")}},
		{"1 of *", []rec{h, a}, []rec{fields()}},
		{"1 of sel_a", []rec{a}, []rec{b}},
		{"all of sel_* and not 1 of filter*", []rec{ab}, []rec{fields("A", "1", "B", "1", "D", "1"), a}},
		{"_h and not 1 of them", []rec{h}, []rec{fields("H", "1", "A", "1")}},
		{"sel_a\tand\nsel_b", []rec{ab}, []rec{a}},
	}
	for _, tc := range cases {
		t.Run(tc.cond, func(t *testing.T) {
			r := ruleFrom(t, condDet(`"`+strings.ReplaceAll(strings.ReplaceAll(tc.cond, "\t", `\t`), "\n", `\n`)+`"`))
			for i, x := range tc.match {
				if !r.Match(x) {
					t.Errorf("record %d %v should match", i, x)
				}
			}
			for i, x := range tc.noMatch {
				if r.Match(x) {
					t.Errorf("record %d %v should not match", i, x)
				}
			}
		})
	}
}

func TestConditionList(t *testing.T) {
	// A list of conditions is an OR of them (Sigma 1).
	r := ruleFrom(t, condDet("\n  - sel_a and sel_b\n  - sel1_c"))
	for _, x := range []rec{fields("A", "1", "B", "1"), fields("C", "1")} {
		if !r.Match(x) {
			t.Errorf("%v should match", x)
		}
	}
	if r.Match(fields("A", "1")) {
		t.Error("A alone should not match")
	}
}

func TestBadConditions(t *testing.T) {
	cases := []struct{ cond, reason string }{
		{"sel_a | count() by B > 5", "aggregation"},
		{"sel_a | near sel_b", "aggregation"},
		{"sel_a and", "ends where"},
		{"sel_a sel_b", "unexpected"},
		{"(sel_a", "missing )"},
		{"sel_a)", "unexpected"},
		{"missing", "does not define"},
		{"1 of nothing*", "matches no search"},
		{"1 of", "of what"},
		{"and sel_a", "unexpected"},
		{"", "empty"},
		{strings.Repeat("(", 100) + "sel_a" + strings.Repeat(")", 100), "nested"},
		{strings.Repeat("not ", 100) + "sel_a", "nested"},
		{strings.Repeat("sel_a and ", 1000) + "sel_a", "longer than"},
	}
	for _, c := range cases {
		t.Run(c.cond[:min(len(c.cond), 30)], func(t *testing.T) {
			u := unusableFrom(t, condDet("'"+c.cond+"'"))
			if !strings.Contains(u.Reason, c.reason) {
				t.Errorf("reason %q does not say %q", u.Reason, c.reason)
			}
			if u.Line != 15 {
				t.Errorf("line %d, want 15 (the condition's)", u.Line)
			}
		})
	}
	// A long flat condition within the limits is fine (no recursion per operand).
	ruleFrom(t, condDet(strings.Repeat("sel_a or ", 500)+"sel_b"))
}
