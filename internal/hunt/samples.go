package hunt

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/exsweep/exsweep/internal/hunt/source"
	"github.com/exsweep/exsweep/internal/hunt/source/events"
	"github.com/exsweep/exsweep/internal/hunt/source/files"
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
	fileRules := pack.ForSource(files.Kind)
	for _, r := range fileRules {
		for _, want := range []bool{true, false} {
			list := r.Match
			if !want {
				list = r.NoMatch
			}
			for _, s := range list {
				got := false
				for _, m := range files.Matches(fileRules, schema, files.SampleRecord(lowerKeys(sampleFields(s)))) {
					got = got || m.Rule == r
				}
				if got != want {
					out = append(out, SampleFailure{Rule: r, Sample: s, Want: want})
				}
			}
		}
	}
	out = append(out, fieldSamples(pack.ForSource(IISConfigKind))...)
	// Event samples go through the event matcher, so they prove the rule's literals select them.
	eventRules := pack.ForSource(events.Kind)
	em := events.NewMatcher(eventRules, schema)
	for _, r := range eventRules {
		for _, want := range []bool{true, false} {
			list := r.Match
			if !want {
				list = r.NoMatch
			}
			for _, s := range list {
				rec := events.Record{Event: events.SampleEvent(s.Fields), PlaceOf: eventPlace}
				got := slices.Contains(em.Match(&rec, events.AppendEvidence(nil, rec.Event), &events.Scratch{}, nil), r)
				if got != want {
					out = append(out, SampleFailure{Rule: r, Sample: s, Want: want})
				}
			}
		}
	}
	return append(out, fieldSamples(pack.ForSource(events.GapKind))...)
}

// fieldSamples checks the samples of rules whose records are plain named values (iis-config
// entries, event-log gaps): the sample is the record.
func fieldSamples(rs []*rules.Rule) []SampleFailure {
	var out []SampleFailure
	for _, r := range rs {
		for _, s := range r.Match {
			if !r.Condition.Match(fieldRecord(lowerKeys(s.Fields))) {
				out = append(out, SampleFailure{Rule: r, Sample: s, Want: true})
			}
		}
		for _, s := range r.NoMatch {
			if r.Condition.Match(fieldRecord(lowerKeys(s.Fields))) {
				out = append(out, SampleFailure{Rule: r, Sample: s, Want: false})
			}
		}
	}
	return out
}

func lowerKeys(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
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

// sampleFields are a sample's values; a file rule's raw sample is the file's content.
func sampleFields(s rules.Sample) map[string]string {
	if s.Raw != "" {
		return map[string]string{"content": s.Raw}
	}
	return s.Fields
}
