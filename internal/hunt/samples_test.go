package hunt

import (
	"testing"

	"github.com/exsweep/exsweep/internal/hunt/source/events"
	"github.com/exsweep/exsweep/internal/hunt/source/files"
	"github.com/exsweep/exsweep/internal/rules"
)

func defaultPack(t testing.TB) *rules.Pack {
	t.Helper()
	p, err := rules.Default(Schema())
	if err != nil {
		t.Fatalf("built-in rule pack: %v", err)
	}
	return p
}

func TestBuiltinRulesMatchTheirSamples(t *testing.T) {
	p := defaultPack(t)
	if len(p.Rules) < 20 {
		t.Fatalf("built-in pack has %d rules; expected the full pack", len(p.Rules))
	}
	for _, f := range CheckSamples(p) {
		t.Error(f)
	}
}

// Every built-in log rule must yield literals, or the prefilter is off for its whole source and
// the hunt parses every row. (File rules are evaluated once per file: a rule on a place or a name
// needs none; content rules without literals run on every file read. Event-gap records are
// few: one per gap.)
func TestBuiltinRulesHaveLiterals(t *testing.T) {
	p := defaultPack(t)
	s := Schema()
	for _, r := range p.Rules {
		if r.Source == files.Kind || r.Source == IISConfigKind || r.Source == events.GapKind {
			continue
		}
		if a := r.Atoms(s); a == nil {
			t.Errorf("%s (%s:%d) has no literal to pre-select rows with", r.ID, r.File, r.Line)
		} else {
			t.Logf("%s: %q", r.ID, a)
		}
	}
}
