package hunt

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/exsweep/exsweep/internal/hunt/source"
	"github.com/exsweep/exsweep/internal/logscan"
	"github.com/exsweep/exsweep/internal/rules"
)

// SampleFailure is a rule sample that did not behave as declared.
type SampleFailure struct {
	Rule   *rules.Rule
	Sample rules.Sample
	Want   bool // true: the sample must match
}

func (f SampleFailure) Error() string {
	verb := "must match but does not"
	if !f.Want {
		verb = "must not match but does"
	}
	return fmt.Sprintf("%s:%d: rule %s: sample %s", f.Rule.File, f.Sample.Line, f.Rule.ID, verb)
}

// CheckSamples runs every rule's samples through the real path a log row takes: the sample is
// written as a log file of its source, scanned with the prefilter built from all the pack's rules
// for that source, derived, and evaluated. So a sample also proves the rule's literals select it.
func CheckSamples(pack *rules.Pack) []SampleFailure {
	var out []SampleFailure
	schema := Schema()
	for _, src := range Sources() {
		rs := pack.ForSource(src.Kind())
		comp := compile(rs, schema, src.Dialect())
		for _, r := range rs {
			for _, s := range r.Match {
				if !sampleMatches(src, comp, r, s) {
					out = append(out, SampleFailure{Rule: r, Sample: s, Want: true})
				}
			}
			for _, s := range r.NoMatch {
				if sampleMatches(src, comp, r, s) {
					out = append(out, SampleFailure{Rule: r, Sample: s, Want: false})
				}
			}
		}
	}
	return out
}

func sampleMatches(src source.LogSource, comp *compiled, r *rules.Rule, s rules.Sample) bool {
	data := source.SampleFile(src, s)
	file := source.File{Display: "sample", Group: "Ecp", Install: &source.Install{Dir: "sample"}}
	matched := false
	lo := logscan.Options{Dialect: src.Dialect(), Prefilter: comp.pf, DefaultHeader: src.DefaultHeader(), Time: src.Time}
	logscan.Scan(context.Background(), bytes.NewReader(data), "sample", lo, func(rec *logscan.Record, which []int) {
		src.Derive(rec, &file)
		for i, cr := range comp.rules {
			if cr != r || (which != nil && !slices.Contains(which, i)) {
				continue
			}
			if r.Condition.Match(rec) {
				matched = true
			}
		}
	})
	return matched
}
