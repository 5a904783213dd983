package hunt

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt/source/files"
	"github.com/exsweep/exsweep/internal/rules"
)

var updateQuality = flag.Bool("update", false, "rewrite testdata/file-quality.golden and the example host's event logs")

// corpusDir is the labelled web-shell corpus (testdata/files-corpus at the repository root).
const corpusDir = "../../testdata/files-corpus"

type corpusLabel struct{ path, label, family string }

func readLabels(t *testing.T) []corpusLabel {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, "labels.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusLabel
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 4 {
			t.Fatalf("labels.tsv: bad line %q", sc.Text())
		}
		out = append(out, corpusLabel{cols[0], cols[1], cols[2]})
	}
	if len(out) < 100 {
		t.Fatalf("labels.tsv: only %d files", len(out))
	}
	return out
}

// TestFileRuleQuality runs the content rules over the labelled corpus the way a hunt reads an IIS
// site folder (a neutral place, so only what the files say counts, not where they sit), and
// reports recall per family and hits and false positives per rule. It fails on any false
// positive on a benign page, on any malicious family whose recall drops below the golden file's,
// and on any change of the per-rule table unless -update rewrites it.
func TestFileRuleQuality(t *testing.T) {
	labels := readLabels(t)
	tmp := t.TempDir()
	site := filepath.Join(tmp, "inetpub", "wwwroot", "corpus")
	for _, l := range labels {
		data, err := os.ReadFile(filepath.Join(corpusDir, filepath.FromSlash(l.path)))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(site, filepath.FromSlash(l.path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pack, err := rules.Default(Schema())
	if err != nil {
		t.Fatal(err)
	}
	suspiciousOnly := map[string]bool{}
	for _, r := range pack.ForSource(files.Kind) {
		suspiciousOnly[r.ID] = r.Supports == finding.SupportsSuspicious
	}
	var mu sync.Mutex
	hits := map[string][]string{} // corpus path -> rule ids
	res := files.Scan(context.Background(), files.Options{
		Root:    tmp,
		Targets: []files.Target{{Dir: site, Place: files.IISSite, Mode: files.ReadPages}},
		Rules:   pack.ForSource(files.Kind),
		Schema:  Schema(),
	}, func(rec *files.Record, ms []files.Match) {
		p := strings.TrimPrefix(rec.Path, "inetpub/wwwroot/corpus/")
		mu.Lock()
		defer mu.Unlock()
		for _, m := range ms {
			hits[p] = append(hits[p], m.Rule.ID)
		}
	})
	if len(res.Problems) > 0 {
		t.Fatalf("problems reading the corpus: %v", res.Problems)
	}
	if res.Files != len(labels) {
		t.Fatalf("scan made %d records for %d corpus files", res.Files, len(labels))
	}

	type ruleRow struct{ tp, fp int }
	perRule := map[string]*ruleRow{}
	for _, r := range pack.ForSource(files.Kind) {
		perRule[r.ID] = &ruleRow{}
	}
	type famRow struct{ n, found int }
	perFamily := map[string]*famRow{}
	var fps, misses []string
	for _, l := range labels {
		ids := hits[l.path]
		sort.Strings(ids)
		for _, id := range ids {
			if l.label == "malicious" {
				perRule[id].tp++
			} else {
				perRule[id].fp++
			}
		}
		if l.label == "benign" {
			// A suspicious-only rule (a PST is an export, wherever it sits) lists a file to look
			// at and never sets a verdict: counted in the table, not a false alarm.
			var alarms []string
			for _, id := range ids {
				if !suspiciousOnly[id] {
					alarms = append(alarms, id)
				}
			}
			if len(alarms) > 0 {
				fps = append(fps, fmt.Sprintf("%s: %s", l.path, strings.Join(alarms, ", ")))
			}
			continue
		}
		fr := perFamily[l.family]
		if fr == nil {
			fr = &famRow{}
			perFamily[l.family] = fr
		}
		fr.n++
		if len(ids) > 0 {
			fr.found++
		} else {
			misses = append(misses, l.path)
		}
	}
	var b strings.Builder
	b.WriteString("# exsweep file-rule quality on testdata/files-corpus (go test ./internal/hunt -run TestFileRuleQuality -update)\n")
	b.WriteString("# family\tfound/files\n")
	var fams []string
	for f := range perFamily {
		fams = append(fams, f)
	}
	sort.Strings(fams)
	total, found := 0, 0
	for _, f := range fams {
		fmt.Fprintf(&b, "family\t%s\t%d/%d\n", f, perFamily[f].found, perFamily[f].n)
		total += perFamily[f].n
		found += perFamily[f].found
	}
	fmt.Fprintf(&b, "recall\t%d/%d\n", found, total)
	b.WriteString("# rule\tmalicious files hit\tbenign files hit\n")
	var ids []string
	for id := range perRule {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		fmt.Fprintf(&b, "rule\t%s\t%d\t%d\n", id, perRule[id].tp, perRule[id].fp)
	}
	for _, m := range misses {
		fmt.Fprintf(&b, "missed\t%s\n", m)
	}
	t.Logf("\n%s", b.String())
	for _, fp := range fps {
		t.Errorf("false positive on a benign file: %s", fp)
	}

	golden := filepath.Join("testdata", "file-quality.golden")
	if *updateQuality {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	for _, line := range strings.Split(string(want), "\n") {
		var fam string
		var f, n int
		if _, err := fmt.Sscanf(line, "family\t%s\t%d/%d", &fam, &f, &n); err == nil {
			got := perFamily[fam]
			if got == nil || got.found < f {
				t.Errorf("recall regressed for family %s: golden %d/%d, now %v", fam, f, n, got)
			}
		}
	}
	if string(want) != b.String() {
		t.Errorf("per-rule quality table changed (review, then rerun with -update):\n--- golden\n%s\n--- now\n%s", want, b.String())
	}
}
