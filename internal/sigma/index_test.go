package sigma

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/exsweep/exsweep/internal/winevent"
)

// The index must pick exactly the rules that match: for random rules (every modifier, negations,
// keywords) and events built to match them, EventIndex.Match equals matching every rule.
func TestEventIndexMatchesLikeEveryRule(t *testing.T) {
	g := &ruleGen{r: rand.New(rand.NewPCG(3, 4))}
	var rs []*Rule
	var events []*winevent.Event
	for i := 0; i < 700; i++ {
		set := Parse([]byte(g.rule(false)), "gen.yml")
		if len(set.Rules) != 1 {
			continue
		}
		rs = append(rs, set.Rules[0])
		for j := 0; j < 4; j++ {
			rr := g.record([]string{"A", "B", "C"})
			e := &winevent.Event{Channel: "Security", EventID: uint32(4624 + 64*g.r.IntN(2))}
			for _, n := range []string{"A", "B", "C"} {
				for _, v := range rr.f[n] {
					e.Data = append(e.Data, winevent.Field{Name: n, Value: v})
				}
			}
			if len(rr.kw) > 0 && g.r.IntN(2) == 0 {
				e.Message = rr.kw[0] // keyword values reach the record through the message
			}
			events = append(events, e)
		}
	}
	// Security 4688's mapped names, offered with values no data field holds as such.
	mapped := Parse([]byte(`title: user by domain
logsource: {category: process_creation, product: windows}
detection:
  s: {User: 'CORP\alice', IntegrityLevel: High}
  condition: s
`), "m.yml")
	rs = append(rs, mapped.Rules...)
	events = append(events, &winevent.Event{Channel: "Security", EventID: 4688, Data: []winevent.Field{
		{Name: "SubjectUserName", Value: "alice"}, {Name: "SubjectDomainName", Value: "CORP"}, {Name: "MandatoryLabel", Value: "S-1-16-12288"}}})

	x := NewEventIndex(rs)
	var s IndexScratch
	matches := 0
	for _, e := range events {
		got := x.Match(e, &s, nil)
		var want []*Rule
		rec := EventRecord(e)
		for _, r := range rs {
			if r.ForEvent(e) && r.Match(rec) {
				want = append(want, r)
			}
		}
		matches += len(want)
		if !slices.Equal(got, want) {
			t.Fatalf("index picked %d rules, matching all gives %d, for %+v", len(got), len(want), e)
		}
	}
	if matches < 1000 || len(rs) < 500 {
		t.Errorf("too little exercised: %d rules, %d matches", len(rs), matches)
	}
	if got := x.Match(events[len(events)-1], &s, nil); !slices.Contains(got, mapped.Rules[0]) {
		t.Error("the 4688 mapped-name rule is not picked")
	}
}
