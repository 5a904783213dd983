package pageflow

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

const corpusDir = "../../testdata/files-corpus"

type sample struct {
	path, label, family string
}

func readLabels(t *testing.T) []sample {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, "labels.tsv"))
	if err != nil {
		t.Fatalf("corpus labels: %v", err)
	}
	defer f.Close()
	var out []sample
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 4 {
			t.Fatalf("labels.tsv: bad line %q", sc.Text())
		}
		out = append(out, sample{path: cols[0], label: cols[1], family: cols[2]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("labels.tsv is empty")
	}
	return out
}

// requiredFamilies maps the malicious families this package answers for to the sink kind each
// sample must report.
var requiredFamilies = map[string]string{
	"chopper":       KindEval,
	"assembly-load": KindAssemblyLoad,
	"process-start": KindProcessStart,
	"file-write":    KindFileWrite,
}

// unreachable lists required-family samples the analysis cannot answer, with the reason. It is
// empty: every sample of the four families is reached. A sample added here must say why (a fully
// encoded page, say, is for the decoding rules).
var unreachable = map[string]string{}

// TestCorpus is the quality bar: every sample of the required families reports its family's
// sink kind, and no benign sample reports anything. Other malicious families are measured and
// logged (their shells are wrapped, encoded or configuration: other rules' business).
func TestCorpus(t *testing.T) {
	type tally struct{ hit, total int }
	recall := map[string]*tally{}
	falsePos := 0
	benign := 0
	for _, s := range readLabels(t) {
		b, err := os.ReadFile(filepath.Join(corpusDir, filepath.FromSlash(s.path)))
		if err != nil {
			t.Fatalf("%s: %v", s.path, err)
		}
		r := Analyze(b)
		checkInvariants(t, s.path, b, r)
		switch s.label {
		case "benign":
			benign++
			if len(r.Kinds) != 0 {
				falsePos++
				t.Errorf("false positive on %s: %+v", s.path, r.Sinks)
			}
		case "malicious":
			tl := recall[s.family]
			if tl == nil {
				tl = &tally{}
				recall[s.family] = tl
			}
			tl.total++
			want, required := requiredFamilies[s.family]
			if !required {
				if len(r.Kinds) > 0 {
					tl.hit++
				}
				t.Logf("%-60s %v", s.path, r.Kinds)
				continue
			}
			if slices.Contains(r.Kinds, want) {
				tl.hit++
				t.Logf("%-60s %v line %d: %s", s.path, r.Kinds, sinkOf(r, want).Line, sinkOf(r, want).Evidence)
				continue
			}
			if why, ok := unreachable[s.path]; ok {
				t.Logf("%-60s not reached (listed: %s)", s.path, why)
				continue
			}
			t.Errorf("%s (%s): want %q, got %v", s.path, s.family, want, r.Kinds)
		}
	}
	fams := make([]string, 0, len(recall))
	for f := range recall {
		fams = append(fams, f)
	}
	sort.Strings(fams)
	for _, f := range fams {
		_, req := requiredFamilies[f]
		t.Logf("recall %-18s %2d/%-2d required=%v", f, recall[f].hit, recall[f].total, req)
	}
	t.Logf("false positives: %d of %d benign files", falsePos, benign)
	for path := range unreachable {
		if !strings.HasPrefix(path, "malicious/") {
			t.Errorf("unreachable lists %s, which is not a malicious sample", path)
		}
	}
}

func sinkOf(r Result, kind string) Sink {
	for _, s := range r.Sinks {
		if s.Kind == kind {
			return s
		}
	}
	return Sink{}
}
