// Command filetruth checks an `exsweep hunt --format json` report of a bench/filegen tree against
// the tree's ground truth: every planted shell (and its compiled-page trace) must carry a finding
// that supports COMPROMISED, every file expected as suspicious must be listed, and no benign or
// filler file may carry a finding that supports a verdict. Optionally it also scores `yara`
// output (lines "RULE PATH") for the planted shells.
//
//	go run ./bench/filetruth -truth TREE.truth.jsonl -report report.json -root TREE [-yara yara.txt]
//
// The last line is the summary the benchmark script puts in its table.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type truthLine struct {
	Path      string `json:"path"`
	PlantedAs string `json:"planted_as"`
	Expect    string `json:"expect"`
	Family    string `json:"family"`
	Naming    string `json:"naming"`
}

type report struct {
	Hosts []struct {
		Findings []struct {
			RuleID   string `json:"rule_id"`
			Supports string `json:"verdict"`
			Where    struct {
				Path string `json:"path"`
			} `json:"where"`
		} `json:"findings"`
	} `json:"hosts"`
}

func main() {
	truthPath := flag.String("truth", "", "ground truth (JSON lines from bench/filegen -truth)")
	reportPath := flag.String("report", "", "exsweep hunt JSON report")
	root := flag.String("root", "", "the tree's root as given to yara (to make its paths relative)")
	yaraPath := flag.String("yara", "", "optional: yara's output for the same tree")
	verbose := flag.Bool("v", false, "list every miss and false alarm")
	flag.Parse()
	if err := run(*truthPath, *reportPath, *root, *yaraPath, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "filetruth:", err)
		os.Exit(2)
	}
}

func run(truthPath, reportPath, root, yaraPath string, verbose bool) error {
	truth, err := readTruth(truthPath)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(reportPath)
	if err != nil {
		return err
	}
	var rep report
	if err := json.Unmarshal(data, &rep); err != nil {
		return fmt.Errorf("%s: %v", reportPath, err)
	}
	verdictAt := map[string]string{} // path -> strongest support
	rank := map[string]int{"suspicious": 1, "probed": 2, "attempted": 3, "compromised": 4}
	for _, h := range rep.Hosts {
		for _, f := range h.Findings {
			if rank[f.Supports] > rank[verdictAt[f.Where.Path]] {
				verdictAt[f.Where.Path] = f.Supports
			}
		}
	}
	var detect, detected, susp, listed, clean, falseAlarm, noise int
	var misses, alarms []string
	for _, t := range truth {
		got := verdictAt[t.Path]
		switch t.Expect {
		case "detect":
			detect++
			if got == "compromised" {
				detected++
			} else {
				misses = append(misses, fmt.Sprintf("missed %s (%s, %s): got %q", t.Path, t.Family, t.Naming, got))
			}
		case "suspicious":
			susp++
			if got != "" {
				listed++
			} else {
				misses = append(misses, fmt.Sprintf("not listed %s (suspicious)", t.Path))
			}
		default:
			clean++
			switch {
			case rank[got] >= rank["probed"]:
				falseAlarm++
				alarms = append(alarms, fmt.Sprintf("false alarm %s (%s %s): %s", t.Path, t.PlantedAs, t.Family, got))
			case got == "suspicious":
				noise++
				alarms = append(alarms, fmt.Sprintf("suspicious noise %s (%s %s)", t.Path, t.PlantedAs, t.Family))
			}
		}
	}
	if verbose {
		sort.Strings(misses)
		sort.Strings(alarms)
		for _, l := range append(misses, alarms...) {
			fmt.Println(l)
		}
	}
	yaraNote := ""
	if yaraPath != "" {
		hit, err := yaraHits(yaraPath, root)
		if err != nil {
			return err
		}
		yd, yfp := 0, 0
		for _, t := range truth {
			switch {
			case t.Expect == "detect" && hit[t.Path]:
				yd++
			case t.Expect == "clean" && hit[t.Path]:
				yfp++
			}
		}
		yaraNote = fmt.Sprintf("; yara: shells %d/%d, clean files matched %d", yd, detect, yfp)
	}
	fmt.Printf("shells found: %d/%d; suspicious listed: %d/%d; false alarms: %d of %d clean files; suspicious noise: %d%s\n",
		detected, detect, listed, susp, falseAlarm, clean, noise, yaraNote)
	return nil
}

func readTruth(path string) ([]truthLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []truthLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var t truthLine
		if err := json.Unmarshal(sc.Bytes(), &t); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		out = append(out, t)
	}
	return out, sc.Err()
}

// yaraHits reads `yara -r` output ("RULE PATH" per line) into root-relative slash paths.
func yaraHits(path, root string) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	hit := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		_, p, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		if r, err := filepath.Rel(root, p); err == nil {
			p = r
		}
		hit[filepath.ToSlash(p)] = true
	}
	return hit, sc.Err()
}
