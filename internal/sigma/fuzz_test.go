package sigma

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/winevent"
)

// FuzzParse feeds rule files: Parse never panics, every problem names the file and a line
// inside it (or 0 for the whole file), and every rule it returns can be evaluated.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		set := Parse(data, "fuzz.yml")
		lines := strings.Count(string(data), "\n") + 1
		for _, u := range set.Unusable {
			if u.Path != "fuzz.yml" || u.Line < 0 || u.Line > lines || u.Reason == "" {
				t.Fatalf("bad problem %+v (file has %d lines)", u, lines)
			}
		}
		ev := &winevent.Event{Channel: "Security", EventID: 4688, Message: "m", Data: []winevent.Field{{Name: "A", Value: "x"}, {Name: "", Value: "y"}}}
		web := WebRecord(map[string]string{"cs-uri-stem": "/a", "cs-uri-query": "b=%41"})
		for _, r := range set.Rules {
			if r.Line < 1 || r.Line > lines || r.Path != "fuzz.yml" || r.Title == "" {
				t.Fatalf("bad rule %+v", r)
			}
			r.ForEvent(ev)
			r.Match(EventRecord(ev))
			r.Match(web)
			for _, l := range r.Literals() {
				if l == "" {
					t.Fatal("empty literal")
				}
			}
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("Parse took %v on %d bytes", d, len(data))
		}
	})
}

// FuzzMatch feeds a rule and record values: matching never panics, and a record the rule
// matches holds one of the rule's literals (the prefilter's promise), for plain records and for
// IIS rows through WebRecord.
func FuzzMatch(f *testing.F) {
	f.Fuzz(func(t *testing.T, rule []byte, a, b, kw string) {
		set := Parse(rule, "fuzz.yml")
		plain := rec{f: map[string][]string{"A": {a}, "B": {b}, "Image": {a}, "CommandLine": {b}}, kw: []string{a, b, kw}}
		web := WebRecord(map[string]string{"cs-uri-stem": a, "cs-uri-query": b, "cs(user-agent)": kw, "cs-method": kw})
		// The event index picks exactly the rules that match an event.
		ev := &winevent.Event{Channel: "Security", EventID: 4688, Message: kw, Data: []winevent.Field{{Name: "A", Value: a}, {Name: "B", Value: b}, {Name: "SubjectUserName", Value: a}, {Name: "SubjectDomainName", Value: b}}}
		var want []*Rule
		for _, r := range set.Rules {
			if r.ForEvent(ev) && r.Match(EventRecord(ev)) {
				want = append(want, r)
			}
		}
		if got := NewEventIndex(set.Rules).Match(ev, &IndexScratch{}, nil); !slices.Equal(got, want) {
			t.Fatalf("event index picked %d rules, matching each gives %d", len(got), len(want))
		}
		for _, r := range set.Rules {
			lits := r.Literals()
			if r.Match(plain) && lits != nil && !containsAnyFold(plain.kw, lits) {
				t.Fatalf("rule matched %q but holds none of %q", plain.kw, lits)
			}
			if r.Match(web) && lits != nil && !containsAnyFold(web.Keywords(), lits) {
				t.Fatalf("rule matched web row %q but holds none of %q", web.Keywords(), lits)
			}
		}
	})
}
