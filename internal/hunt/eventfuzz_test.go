package hunt

import (
	"slices"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/hunt/source/events"
	"github.com/exsweep/exsweep/internal/rules"
	"github.com/exsweep/exsweep/internal/winevent"
)

// FuzzEventRules checks that selecting event rules by their literals never loses a match: for
// any event, the rules the matcher returns are exactly those whose condition holds when every
// rule is evaluated. An event is written "Channel|EventID-ish text|Name=Value|Name=Value...".
func FuzzEventRules(f *testing.F) {
	pack, err := rules.Default(Schema())
	if err != nil {
		f.Fatal(err)
	}
	eventRules := pack.ForSource(events.Kind)
	m := events.NewMatcher(eventRules, Schema())
	// Seeds: every match sample of the pack, flattened.
	for _, r := range eventRules {
		for _, s := range r.Match {
			var parts []string
			for k, v := range s.Fields {
				parts = append(parts, k+"="+v)
			}
			slices.Sort(parts)
			f.Add(strings.Join(parts, "|"))
		}
	}
	f.Add("channel=Microsoft-Windows-Sysmon/Operational|event-id=1|ParentImage=W3WP.EXE|Image=c:\\x\\CMD.exe")
	f.Fuzz(func(t *testing.T, s string) {
		fields := map[string]string{}
		for _, kv := range strings.Split(s, "|") {
			k, v, _ := strings.Cut(kv, "=")
			fields[k] = v
		}
		ev := events.SampleEvent(fields)
		ev.Data = append(ev.Data, winevent.Field{Value: s}) // and the whole text as an unnamed value
		rec := &events.Record{Event: ev, PlaceOf: eventPlace}
		got := m.Match(rec, events.AppendEvidence(nil, ev), &events.Scratch{}, nil)
		var want []*rules.Rule
		for _, r := range eventRules {
			if r.Condition.Match(rec) {
				want = append(want, r)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("matcher returned %d rules, full evaluation %d, for %q", len(got), len(want), s)
		}
	})
}
