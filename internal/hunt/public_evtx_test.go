package hunt

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// publicSamples is the folder of public sample EVTX files from real Windows systems (not part of
// this repository: ../shared/data/evtx beside it, or where EXSWEEP_EVTX_SAMPLES says).
func publicSamples(t *testing.T) string {
	dir := os.Getenv("EXSWEEP_EVTX_SAMPLES")
	if dir == "" {
		dir = "../../../shared/data/evtx"
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no public EVTX samples at %s (set EXSWEEP_EVTX_SAMPLES): %v", dir, err)
	}
	return dir
}

// TestPublicEVTXSamples hunts real Windows event logs (attack simulations of many kinds, none of
// them on Exchange) and keeps what fires in a golden file: every file must be read without a
// problem, the IIS web shell trace must be found, and a change in what fires shows in review.
func TestPublicEVTXSamples(t *testing.T) {
	dir := publicSamples(t)
	res := hunt(t, Options{Root: t.TempDir(), NoFiles: true, NoLogs: true, EVTX: []string{dir}})
	for _, p := range res.Problems {
		t.Errorf("problem reading a real Windows log: %s", p)
	}
	if res.Stats.EventFiles < 40 || res.Stats.Events < 2000 {
		t.Errorf("read %d files, %d events: the samples are incomplete", res.Stats.EventFiles, res.Stats.Events)
	}
	hits := map[string]int{}
	for _, f := range res.Findings {
		hits[fmt.Sprintf("%s\t%s", filepath.Base(f.Where.Path), f.RuleID)]++
	}
	var lines []string
	for k, n := range hits {
		lines = append(lines, fmt.Sprintf("%s\t%d", k, n))
	}
	sort.Strings(lines)
	got := fmt.Sprintf("# file\trule\tfindings (%d files, %d events)\n%s\n", res.Stats.EventFiles, res.Stats.Events, strings.Join(lines, "\n"))
	const golden = "testdata/public-evtx.golden"
	if *updateQuality {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("hits on the public samples changed (rerun with -update if intended):\n--- got\n%s--- want\n%s", got, want)
	}
	if hits["Lateral_Movement-LM_typical_IIS_webshell_sysmon_1_10_traces.evtx\tEXS-EVT-PROC-EXCHANGE-WORKER-SHELL"] == 0 {
		t.Error("the IIS web shell trace (w3wp starting a shell) is not found")
	}
}
