package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const truthTSV = "file\trecord\trule\tkind\ttime\twhat\n" +
	"Security.evtx\t7145\tEXS-EVT-PROC-EXCHANGE-WORKER-SHELL\tattack\t2021-03-03T02:33:05.000Z\tnet.exe\n" +
	"Security.evtx\t7186-7328\tEXS-EVT-RECORD-GAP\tattack\t2021-03-03T03:28:00.000Z\tgap\n" +
	"System.evtx\t1526\tEXS-EVT-SERVICE-NEW\tbenign\t2021-03-03T22:10:04.076Z\tagent\n"

func finding(rule, verdict, severity, path, record string) string {
	return `{"rule_id":"` + rule + `","verdict":"` + verdict + `","severity":"` + severity + `","where":{"path":"` + path + `","record":"` + record + `"}}`
}

func reportJSON(findings ...string) string {
	return `{"hosts":[{"verdict":"COMPROMISED","findings":[` + strings.Join(findings, ",") + `],"problems":[],"stats":{"events":10}}]}`
}

func TestRun(t *testing.T) {
	worker := finding("EXS-EVT-PROC-EXCHANGE-WORKER-SHELL", "compromised", "critical", "bench/out/evtx/Security.evtx", "7145")
	gap := finding("EXS-EVT-RECORD-GAP", "suspicious", "medium", "/abs/evtx/Security.evtx", "7186-7328")
	svc := finding("EXS-EVT-SERVICE-NEW", "suspicious", "info", "evtx/System.evtx", "1526")
	tests := []struct {
		name     string
		report   string
		ok       bool
		summary  string
		contains string
	}{
		{"everything found, nothing else", reportJSON(worker, gap, svc), true,
			"planted 2/2 found; benign listed 1/1; false alarms 0 (0 compromised/attempted/critical)", ""},
		{"benign not listed is no failure", reportJSON(worker, gap), true, "planted 2/2 found; benign listed 0/1; false alarms 0", ""},
		{"a planted event missed", reportJSON(worker, svc), false, "planted 1/2 found", "MISSED: Security.evtx #7186-7328 EXS-EVT-RECORD-GAP"},
		{"right rule, wrong record", reportJSON(finding("EXS-EVT-PROC-EXCHANGE-WORKER-SHELL", "compromised", "critical", "x/Security.evtx", "7146"), gap), false,
			"planted 1/2 found; benign listed 0/1; false alarms 1 (1 compromised/attempted/critical)", "MISSED: Security.evtx #7145"},
		{"a suspicious false alarm is counted, not failed", reportJSON(worker, gap, finding("EXS-EVT-SERVICE-NEW", "suspicious", "info", "System.evtx", "99")), true,
			"false alarms 1 (0 compromised/attempted/critical): EXS-EVT-SERVICE-NEW (suspicious, info) x1", "System.evtx#99"},
		{"a critical suspicious false alarm fails", reportJSON(worker, gap, finding("EXS-EVT-PAGE-X", "suspicious", "critical", "Sysmon.evtx", "5")), false,
			"false alarms 1 (1 compromised/attempted/critical)", ""},
		{"an attempted false alarm fails", reportJSON(worker, gap, finding("EXS-EVT-UM-INVALIDCAST", "attempted", "high", "Application.evtx", "5")), false,
			"false alarms 1 (1 compromised/attempted/critical)", ""},
	}
	dir := t.TempDir()
	truth := filepath.Join(dir, "truth.tsv")
	if err := os.WriteFile(truth, []byte(truthTSV), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := filepath.Join(t.TempDir(), "r.json")
			if err := os.WriteFile(rep, []byte(tc.report), 0o644); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			ok, err := run(&out, truth, rep, false)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			last := lines[len(lines)-1]
			if ok != tc.ok || !strings.Contains(last, tc.summary) || !strings.Contains(out.String(), tc.contains) {
				t.Errorf("ok %v, output:\n%s\nwant ok %v, summary containing %q and %q", ok, out.String(), tc.ok, tc.summary, tc.contains)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "truth.tsv")
	os.WriteFile(good, []byte(truthTSV), 0o644)
	bad := filepath.Join(dir, "bad.tsv")
	os.WriteFile(bad, []byte("path\tx\n"), 0o644)
	short := filepath.Join(dir, "short.tsv")
	os.WriteFile(short, []byte("file\trecord\trule\tkind\ttime\twhat\nSecurity.evtx\t1\n"), 0o644)
	rep := filepath.Join(dir, "r.json")
	os.WriteFile(rep, []byte(reportJSON()), 0o644)
	notJSON := filepath.Join(dir, "n.json")
	os.WriteFile(notJSON, []byte("{"), 0o644)
	for _, c := range [][2]string{{bad, rep}, {short, rep}, {good, notJSON}, {good, filepath.Join(dir, "missing.json")}} {
		if _, err := run(&bytes.Buffer{}, c[0], c[1], false); err == nil {
			t.Errorf("truth %s, report %s: no error", c[0], c[1])
		}
	}
}
