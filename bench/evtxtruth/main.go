// Command evtxtruth checks an `exsweep hunt --format json` report of a bench/evtxgen folder
// against the folder's truth.tsv: every planted attack event must carry a finding of its
// expected rule (same file, same record number or gap range); the benign events truth.tsv
// lists for low-severity rules are counted as listed or not; every other finding is a false
// alarm, and one whose rule supports COMPROMISED or ATTEMPTED, or is critical, fails the check.
//
//	go run ./bench/evtxtruth -truth DIR/truth.tsv -report report.json [-v]
//
// The last line is the summary the benchmark script puts in its table. Exit status 1 when a
// planted event is missed or a serious false alarm is found, 2 on bad input.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
)

type truthRow struct {
	File, Record, Rule, Kind, Time, What string
}

type report struct {
	Hosts []struct {
		Verdict  string `json:"verdict"`
		Findings []struct {
			RuleID   string `json:"rule_id"`
			Severity string `json:"severity"`
			Verdict  string `json:"verdict"`
			Where    struct {
				Path   string `json:"path"`
				Record string `json:"record"`
			} `json:"where"`
		} `json:"findings"`
		Problems []struct {
			Path    string `json:"path"`
			Kind    string `json:"kind"`
			Message string `json:"message"`
		} `json:"problems"`
		Stats struct {
			EventFiles int   `json:"event_files"`
			Events     int64 `json:"events"`
			Suppressed int64 `json:"suppressed_findings"`
		} `json:"stats"`
	} `json:"hosts"`
}

func main() {
	truthPath := flag.String("truth", "", "truth.tsv written by bench/evtxgen")
	reportPath := flag.String("report", "", "exsweep hunt JSON report")
	verbose := flag.Bool("v", false, "list every planted event found and every false alarm")
	flag.Parse()
	ok, err := run(os.Stdout, *truthPath, *reportPath, *verbose)
	if err != nil {
		fmt.Fprintln(os.Stderr, "evtxtruth:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

func readTruth(p string) ([]truthRow, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "file\trecord\trule\tkind") {
		return nil, fmt.Errorf("%s: not a truth.tsv (header %q)", p, lines[0])
	}
	var out []truthRow
	for i, l := range lines[1:] {
		c := strings.Split(l, "\t")
		if len(c) < 6 {
			return nil, fmt.Errorf("%s line %d: %d columns, want 6", p, i+2, len(c))
		}
		out = append(out, truthRow{File: c[0], Record: c[1], Rule: c[2], Kind: c[3], Time: c[4], What: c[5]})
	}
	return out, nil
}

// serious says whether a finding of this verdict and severity would change a host's verdict
// or be read as an alarm: anything beyond "suspicious", and anything critical.
func serious(verdict, severity string) bool {
	return verdict != "suspicious" || strings.EqualFold(severity, "critical")
}

func run(w io.Writer, truthPath, reportPath string, verbose bool) (bool, error) {
	truth, err := readTruth(truthPath)
	if err != nil {
		return false, err
	}
	data, err := os.ReadFile(reportPath)
	if err != nil {
		return false, err
	}
	var rep report
	if err := json.Unmarshal(data, &rep); err != nil {
		return false, fmt.Errorf("%s: %v", reportPath, err)
	}
	key := func(file, record, rule string) string { return file + "|" + record + "|" + rule }
	expected := map[string]truthRow{}
	for _, t := range truth {
		expected[key(t.File, t.Record, t.Rule)] = t
	}
	found := map[string]bool{}
	type alarm struct{ rule, verdict, severity string }
	alarms := map[alarm][]string{}
	var nFindings, problems int
	var suppressed int64
	for _, h := range rep.Hosts {
		suppressed += h.Stats.Suppressed
		problems += len(h.Problems)
		for _, p := range h.Problems {
			fmt.Fprintf(w, "problem: %s: %s: %s\n", p.Path, p.Kind, p.Message)
		}
		for _, f := range h.Findings {
			nFindings++
			k := key(path.Base(strings.ReplaceAll(f.Where.Path, `\`, "/")), f.Where.Record, f.RuleID)
			if _, ok := expected[k]; ok {
				found[k] = true
				continue
			}
			a := alarm{f.RuleID, f.Verdict, f.Severity}
			alarms[a] = append(alarms[a], path.Base(f.Where.Path)+"#"+f.Where.Record)
		}
	}
	var attacks, attacksFound, benign, benignListed int
	for _, t := range truth {
		k := key(t.File, t.Record, t.Rule)
		switch t.Kind {
		case "attack":
			attacks++
			if found[k] {
				attacksFound++
				if verbose {
					fmt.Fprintf(w, "found:  %s #%s %s (%s)\n", t.File, t.Record, t.Rule, t.What)
				}
			} else {
				fmt.Fprintf(w, "MISSED: %s #%s %s (%s)\n", t.File, t.Record, t.Rule, t.What)
			}
		default:
			benign++
			if found[k] {
				benignListed++
			} else if verbose {
				fmt.Fprintf(w, "benign not listed: %s #%s %s\n", t.File, t.Record, t.Rule)
			}
		}
	}
	var keys []alarm
	for a := range alarms {
		keys = append(keys, a)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].rule < keys[j].rule || keys[i].rule == keys[j].rule && keys[i].verdict < keys[j].verdict
	})
	var nAlarms, nSerious int
	var parts []string
	for _, a := range keys {
		n := len(alarms[a])
		nAlarms += n
		if serious(a.verdict, a.severity) {
			nSerious += n
		}
		parts = append(parts, fmt.Sprintf("%s (%s, %s) x%d", a.rule, a.verdict, a.severity, n))
		fmt.Fprintf(w, "false alarm: %s (%s, %s) x%d", a.rule, a.verdict, a.severity, n)
		if verbose || n <= 5 {
			fmt.Fprintf(w, ": %s", strings.Join(alarms[a], ", "))
		}
		fmt.Fprintln(w)
	}
	other := "none"
	if len(parts) > 0 {
		other = strings.Join(parts, "; ")
	}
	fmt.Fprintf(w, "findings %d; planted %d/%d found; benign listed %d/%d; false alarms %d (%d compromised/attempted/critical): %s; problems %d; suppressed %d\n",
		nFindings, attacksFound, attacks, benignListed, benign, nAlarms, nSerious, other, problems, suppressed)
	return attacksFound == attacks && nSerious == 0, nil
}
