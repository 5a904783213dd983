package cli_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/exsweep/exsweep/internal/cli"
	"github.com/exsweep/exsweep/internal/finding"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// run runs the program in-process, as main does.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCtx(t, context.Background(), args...)
}

func runCtx(t *testing.T, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Run(ctx, args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func decodeReport(t *testing.T, stdout string) *finding.HostResult {
	t.Helper()
	var rep finding.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, stdout)
	}
	if len(rep.Hosts) != 1 {
		t.Fatalf("%d hosts, want 1", len(rep.Hosts))
	}
	return &rep.Hosts[0]
}

func TestUsageAndErrors(t *testing.T) {
	compromised := scenarioDir("compromised")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string // substrings of stdout
		stderr []string // substrings of stderr
	}{
		{"no args", nil, cli.ExitError, nil, []string{"Usage:", "exsweep hunt --root DIR"}},
		{"unknown command", []string{"frobnicate"}, cli.ExitError, nil, []string{`unknown command "frobnicate"`, "Usage:"}},
		{"help", []string{"help"}, cli.ExitClean, []string{"Usage:"}, nil},
		{"hunt -h", []string{"hunt", "-h"}, cli.ExitClean, nil, []string{"-root"}},
		{"bad format", []string{"hunt", "--root", compromised, "--format", "xml"}, cli.ExitError, nil, []string{`--format "xml"`, "table, json, jsonl, csv"}},
		{"bad since", []string{"hunt", "--root", compromised, "--since", "last tuesday"}, cli.ExitError, nil, []string{`--since "last tuesday"`}},
		{"bad until", []string{"hunt", "--root", compromised, "--until", "2021-13-45"}, cli.ExitError, nil, []string{"--until"}},
		{"until before since", []string{"hunt", "--root", compromised, "--since", "2021-03-04", "--until", "2021-03-01"}, cli.ExitError, nil, []string{"--until is before --since"}},
		{"root missing", []string{"hunt", "--root", filepath.Join(t.TempDir(), "no-such-folder")}, cli.ExitError, nil, []string{"no-such-folder"}},
		{"root is a file", []string{"hunt", "--root", filepath.Join(scenarioDir("clean"), "Program Files", "Microsoft", "Exchange Server", "V15", "Bin", "ExSetup.exe")}, cli.ExitError, nil, []string{"not a folder"}},
		{"stray argument", []string{"hunt", "--root", compromised, "extra"}, cli.ExitError, nil, []string{`unexpected argument "extra"`}},
		{"bad color", []string{"hunt", "--root", compromised, "--color", "purple"}, cli.ExitError, nil, []string{"--color"}},
		{"unknown flag", []string{"hunt", "--rooot", compromised}, cli.ExitError, nil, []string{"rooot"}},
		{"exchange-path not a folder", []string{"hunt", "--root", compromised, "--exchange-path", filepath.Join(compromised, "nope")}, cli.ExitError, nil, []string{"--exchange-path"}},
		{"rules without subcommand", []string{"rules"}, cli.ExitError, nil, []string{"rules: want list, show ID"}},
		{"rules unknown subcommand", []string{"rules", "burn"}, cli.ExitError, nil, []string{`unknown subcommand "burn"`}},
		{"rules list", []string{"rules", "list"}, cli.ExitClean, []string{"EXS-HP-26855-SSRF", "EXS-OAB-26858-WRITE", "ID", "SEVERITY"}, nil},
		{"rules show", []string{"rules", "show", "EXS-OAB-26858-WRITE"}, cli.ExitClean,
			[]string{"EXS-OAB-26858-WRITE: OAB generator wrote a file outside the OAB folder", "condition:", "field: TempFileInOab", "Download failed and temporary file", "severity:   critical", "CVE-2021-26858"}, nil},
		{"rules show is case-insensitive", []string{"rules", "show", "exs-oab-26858-write"}, cli.ExitClean, []string{"EXS-OAB-26858-WRITE:"}, nil},
		{"rules show unknown", []string{"rules", "show", "NOPE"}, cli.ExitError, nil, []string{`no rule "NOPE"`}},
		{"rules show without id", []string{"rules", "show"}, cli.ExitError, nil, []string{"want one rule id"}},
		{"rules fields", []string{"rules", "fields"}, cli.ExitClean, []string{"httpproxy:", "AnchorMailbox", "TempFileInOab", "uri-name", "file:", "iis-config:", "event:", "parent-name", "event-gap:"}, nil},
		{"rules atoms", []string{"rules", "atoms", "--source", "oab"}, cli.ExitClean, []string{"download failed and temporary file"}, nil},
		{"version", []string{"version"}, cli.ExitClean, []string{"exsweep " + cli.Version, "rule pack"}, nil},
		{"--version", []string{"--version"}, cli.ExitClean, []string{"exsweep " + cli.Version}, nil},
	}
	if runtime.GOOS != "windows" {
		tests = append(tests, struct {
			name   string
			args   []string
			code   int
			stdout []string
			stderr []string
		}{"hunt without root", []string{"hunt"}, cli.ExitError, nil, []string{"--root"}})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if tc.code == cli.ExitError && stdout != "" && !strings.HasPrefix(tc.name, "rules") {
				t.Errorf("an error wrote to stdout:\n%s", stdout)
			}
		})
	}
}

// A user rule that is valid: it fires on a crawler name in the user agent of any IIS request.
// Line numbers matter: the invalid variants below name them.
const validRule = `schema: 1
rules:
  - id: USR-IIS-CRAWLER-ANYWHERE
    title: Crawler seen on the Exchange site
    severity: medium
    verdict: attempted
    source: iis
    why: Our policy forbids crawlers on the mail server.
    condition:
      field: cs(User-Agent)
      contains: Googlebot
    samples:
      match:
        - {cs-method: GET, cs-uri-stem: /owa/auth/logon.aspx, cs(User-Agent): "Mozilla/5.0 (compatible; Googlebot/2.1)", c-ip: 66.249.66.1, sc-status: "200"}
      no_match:
        - {cs-method: GET, cs-uri-stem: /owa/auth/logon.aspx, cs(User-Agent): "Mozilla/5.0 (Windows NT 10.0)", sc-status: "200"}
`

func writeRule(t *testing.T, text string) (dir, file string) {
	t.Helper()
	dir = t.TempDir()
	file = filepath.Join(dir, "site.yaml")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, file
}

func TestRulesValidate(t *testing.T) {
	tests := []struct {
		name    string
		replace [2]string // old, new applied to validRule
		code    int
		stderr  []string // substrings; "FILE" is the rule file's path
	}{
		{name: "valid", code: cli.ExitClean},
		{name: "bad severity", replace: [2]string{"severity: medium", "severity: urgent"}, code: cli.ExitFindings,
			stderr: []string{"FILE:5:", "field severity", `"urgent"`}},
		{name: "unknown field", replace: [2]string{"field: cs(User-Agent)", "field: cs(User-Agnt)"}, code: cli.ExitFindings,
			stderr: []string{"FILE:10:", "field field", `"cs(User-Agnt)"`}},
		{name: "unknown operator", replace: [2]string{"contains: Googlebot", "containz: Googlebot"}, code: cli.ExitFindings,
			stderr: []string{"FILE:11:", "field containz", "unknown operator"}},
		{name: "unknown key", replace: [2]string{"    why:", "    whyy: x\n    why:"}, code: cli.ExitFindings,
			stderr: []string{"FILE:8:", "field whyy", "unknown key"}},
		{name: "missing samples", replace: [2]string{validRule[strings.Index(validRule, "    samples:"):], ""}, code: cli.ExitFindings,
			stderr: []string{"FILE:3:", "field samples", "missing"}},
		{name: "sample must match but does not", replace: [2]string{`"Mozilla/5.0 (compatible; Googlebot/2.1)"`, `"Mozilla/5.0 (compatible; Bingbot/2.0)"`}, code: cli.ExitFindings,
			stderr: []string{"FILE:14:", "USR-IIS-CRAWLER-ANYWHERE", "must match but does not"}},
		{name: "sample must not match but does", replace: [2]string{`"Mozilla/5.0 (Windows NT 10.0)"`, `"Googlebot"`}, code: cli.ExitFindings,
			stderr: []string{"FILE:16:", "must not match but does"}},
		{name: "id clashes with the built-in pack", replace: [2]string{"USR-IIS-CRAWLER-ANYWHERE", "EXS-IIS-OWASSRF"}, code: cli.ExitFindings,
			stderr: []string{"FILE:3:", "field id", "already defined"}},
		{name: "not YAML", replace: [2]string{"schema: 1", "schema: [1"}, code: cli.ExitFindings,
			stderr: []string{"FILE:", "not valid YAML"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := validRule
			if tc.replace[0] != "" {
				if !strings.Contains(text, tc.replace[0]) {
					t.Fatalf("test bug: %q not in the rule", tc.replace[0])
				}
				text = strings.Replace(text, tc.replace[0], tc.replace[1], 1)
			}
			dir, file := writeRule(t, text)
			// Both the folder and the file itself are accepted.
			for _, arg := range []string{dir, file} {
				code, stdout, stderr := run(t, "rules", "validate", arg)
				if code != tc.code {
					t.Errorf("validate %s: exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", arg, code, tc.code, stdout, stderr)
				}
				for _, s := range tc.stderr {
					s = strings.ReplaceAll(s, "FILE", file)
					if !strings.Contains(stderr, s) {
						t.Errorf("validate %s: stderr lacks %q:\n%s", arg, s, stderr)
					}
				}
				if tc.code == cli.ExitClean && !strings.Contains(stdout, "1 rules valid") {
					t.Errorf("validate %s: stdout:\n%s", arg, stdout)
				}
			}
		})
	}
	t.Run("missing folder", func(t *testing.T) {
		code, _, stderr := run(t, "rules", "validate", filepath.Join(t.TempDir(), "none"))
		if code == cli.ExitClean {
			t.Errorf("exit code %d for a missing folder; stderr: %s", code, stderr)
		}
	})
}

func TestUserRulesFireInHunt(t *testing.T) {
	dir, _ := writeRule(t, validRule)
	root := scenarioDir("clean")

	code, stdout, stderr := run(t, "hunt", "--root", root, "--format", "json", "--quiet")
	if code != cli.ExitClean {
		t.Fatalf("without the user rule: exit code %d; stderr: %s", code, stderr)
	}
	code, stdout, stderr = run(t, "hunt", "--root", root, "--format", "json", "--quiet", "--rules", dir)
	if code != cli.ExitFindings {
		t.Fatalf("with the user rule: exit code %d, want %d; stderr: %s", code, cli.ExitFindings, stderr)
	}
	h := decodeReport(t, stdout)
	if h.Verdict != finding.Attempted {
		t.Errorf("verdict %s, want ATTEMPTED", h.Verdict)
	}
	n := 0
	for _, f := range h.Findings {
		if f.RuleID != "USR-IIS-CRAWLER-ANYWHERE" {
			t.Errorf("unexpected finding %s at %s", f.RuleID, f.Where)
			continue
		}
		n++
		if f.ClientIP != "66.249.66.1" || !strings.Contains(f.UserAgent, "Googlebot") {
			t.Errorf("finding from %s with %q", f.ClientIP, f.UserAgent)
		}
	}
	if n != 2 {
		t.Errorf("user rule fired %d times, want 2 (the crawler's two requests)", n)
	}
	if h.Stats.RulesLoaded < 2 {
		t.Errorf("rules loaded: %d", h.Stats.RulesLoaded)
	}

	// An invalid user rule stops the hunt before it starts.
	bad, _ := writeRule(t, strings.Replace(validRule, "severity: medium", "severity: urgent", 1))
	code, stdout, stderr = run(t, "hunt", "--root", root, "--format", "json", "--quiet", "--rules", bad)
	if code != cli.ExitError || stdout != "" || !strings.Contains(stderr, "field severity") {
		t.Errorf("invalid user rule: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestOutputFormats(t *testing.T) {
	root := scenarioDir("compromised")

	t.Run("json is the default off a terminal", func(t *testing.T) {
		code, stdout, _ := run(t, "hunt", "--root", root)
		if code != cli.ExitFindings {
			t.Errorf("exit code %d", code)
		}
		if h := decodeReport(t, stdout); h.Verdict != finding.Compromised {
			t.Errorf("verdict %s", h.Verdict)
		}
	})

	t.Run("csv", func(t *testing.T) {
		code, stdout, stderr := run(t, "hunt", "--root", root, "--format", "csv", "--quiet")
		if code != cli.ExitFindings {
			t.Fatalf("exit code %d; %s", code, stderr)
		}
		recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
		if err != nil {
			t.Fatalf("not CSV: %v", err)
		}
		if len(recs) < 10 {
			t.Fatalf("%d records", len(recs))
		}
		head := strings.Join(recs[0], ",")
		if !strings.HasPrefix(head, "host,time,rule_id,severity,verdict") {
			t.Errorf("header %q", head)
		}
		for i, r := range recs[1:] {
			if len(r) != len(recs[0]) {
				t.Errorf("row %d has %d fields, header %d", i+1, len(r), len(recs[0]))
			}
			if r[0] != "compromised" || !strings.HasPrefix(r[2], "EXS-") || r[1] == "" {
				t.Errorf("row %d: %q", i+1, r)
			}
		}
	})

	t.Run("jsonl", func(t *testing.T) {
		code, stdout, stderr := run(t, "hunt", "--root", root, "--format", "jsonl", "--quiet")
		if code != cli.ExitFindings {
			t.Fatalf("exit code %d; %s", code, stderr)
		}
		lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
		types := map[string]int{}
		for i, l := range lines {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, l)
			}
			typ, _ := m["type"].(string)
			if typ == "" {
				t.Errorf("line %d has no type: %s", i+1, l)
			}
			types[typ]++
			if typ == "finding" && (m["rule_id"] == nil || m["host"] != "compromised") {
				t.Errorf("line %d: finding without rule_id or host: %s", i+1, l)
			}
			if typ == "host" && (m["verdict"] != "COMPROMISED" || i != len(lines)-1) {
				t.Errorf("line %d: host line %v, last line is %d", i+1, m["verdict"], len(lines))
			}
		}
		if types["host"] != 1 || types["finding"] < 10 {
			t.Errorf("line types: %v", types)
		}
	})

	t.Run("table", func(t *testing.T) {
		code, stdout, stderr := run(t, "hunt", "--root", root, "--format", "table", "--quiet")
		if code != cli.ExitFindings {
			t.Fatalf("exit code %d; %s", code, stderr)
		}
		for _, s := range []string{"VERDICT: COMPROMISED", "What the logs cover", "Incidents", "#1 COMPROMISED critical", "198.51.100.23", "EXS-HP-26855-PROXYLOGON-241"} {
			if !strings.Contains(stdout, s) {
				t.Errorf("table lacks %q:\n%s", s, stdout)
			}
		}
		if strings.Contains(stdout, "\x1b") {
			t.Errorf("colour codes in a table written to a buffer")
		}
		code, stdout, _ = run(t, "hunt", "--root", root, "--format", "table", "--quiet", "--color", "always")
		if code != cli.ExitFindings || !strings.Contains(stdout, "\x1b[1;31mCOMPROMISED") {
			t.Errorf("--color always does not colour the verdict:\n%s", stdout)
		}
	})

	t.Run("table escapes attacker text", func(t *testing.T) {
		// bad-input holds a user agent with terminal escapes and one that is not UTF-8.
		code, stdout, stderr := run(t, "hunt", "--root", scenarioDir("bad-input"), "--format", "table", "--quiet", "--color", "never")
		if code != cli.ExitFindings {
			t.Fatalf("exit code %d; %s", code, stderr)
		}
		for i, c := range []byte(stdout) {
			if c < 0x20 && c != '\n' || c == 0x7f {
				t.Fatalf("raw control byte %#x at %d in the table:\n%s", c, i, stdout)
			}
		}
		if !strings.Contains(stdout, `\x1b[2J`) {
			t.Errorf("the escape sequence is not shown escaped:\n%s", stdout)
		}
	})
}

func TestOutDir(t *testing.T) {
	out := filepath.Join(t.TempDir(), "results")
	code, stdout, stderr := run(t, "hunt", "--root", scenarioDir("compromised"), "--format", "json", "--quiet", "--out", out)
	if code != cli.ExitFindings {
		t.Fatalf("exit code %d; %s", code, stderr)
	}
	for _, name := range []string{"report.json", "timeline.csv", "compromised-Cve-2021-26855.csv", "compromised-Cve-2021-26858.log", "compromised-Cve-2021-27065.log"} {
		if !strings.Contains(stderr, "wrote "+filepath.Join(out, name)) {
			t.Errorf("stderr does not say it wrote %s:\n%s", name, stderr)
		}
	}

	// report.json is the report printed on stdout.
	data, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var a, b finding.Report
	if err := json.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(stdout), &b); err != nil {
		t.Fatal(err)
	}
	if len(a.Hosts) != 1 || len(a.Hosts[0].Findings) != len(b.Hosts[0].Findings) || a.Hosts[0].Verdict != finding.Compromised {
		t.Errorf("report.json differs from stdout")
	}
	findings := a.Hosts[0].Findings

	// timeline.csv: one event per finding, sorted by time.
	f, err := os.Open(filepath.Join(out, "timeline.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if head := strings.Join(recs[0], ","); !strings.HasPrefix(head, "datetime,timestamp,timestamp_desc,source,message") {
		t.Errorf("timeline header %q", head)
	}
	if len(recs)-1 != len(findings) {
		t.Errorf("timeline has %d events, report %d findings", len(recs)-1, len(findings))
	}
	times := make([]string, 0, len(recs))
	for _, r := range recs[1:] {
		times = append(times, r[0])
	}
	if !sort.StringsAreSorted(times) {
		t.Errorf("timeline not sorted by time: %v", times)
	}

	// The Test-ProxyLogon style export: exactly its header, one row per HttpProxy row.
	raw, err := os.ReadFile(filepath.Join(out, "compromised-Cve-2021-26855.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\r\n"), "\r\n")
	const header = `"DateTime","RequestId","ClientIPAddress","UrlHost","UrlStem","RoutingHint","UserAgent","AnchorMailbox","HttpStatus"`
	if lines[0] != header {
		t.Errorf("26855 header:\n%s\nwant:\n%s", lines[0], header)
	}
	rows := map[string]bool{}
	for _, f := range findings {
		if f.Source == "httpproxy" {
			rows[f.Where.String()] = true
		}
	}
	if len(lines)-1 != len(rows) {
		t.Errorf("26855 export has %d rows, want %d (one per HttpProxy row)", len(lines)-1, len(rows))
	}
	if !strings.Contains(string(raw), `"198.51.100.23","mail.contoso.com","/ecp/kq.js","","ExchangeServicesClient/0.0.0.0","ServerInfo~a]@ex01.contoso.local:444/ecp/proxyLogon.ecp?#","241"`) {
		t.Errorf("26855 export lacks the 241 row:\n%s", raw)
	}
	for name, want := range map[string]string{
		"compromised-Cve-2021-26858.log": "Program Files/Microsoft/Exchange Server/V15/Logging/OABGeneratorLog/OABGenerator20210303-1.LOG\n",
		"compromised-Cve-2021-27065.log": "Program Files/Microsoft/Exchange Server/V15/Logging/ECP/Server/ECPServer2021030306-1.LOG\n",
	} {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Error(err)
			continue
		}
		if string(got) != want {
			t.Errorf("%s:\n%s\nwant:\n%s", name, got, want)
		}
	}

	// A clean host gets report and timeline, but no per-check file.
	out2 := filepath.Join(t.TempDir(), "clean")
	if code, _, stderr := run(t, "hunt", "--root", scenarioDir("clean"), "--format", "json", "--quiet", "--out", out2); code != cli.ExitClean {
		t.Fatalf("clean: exit code %d; %s", code, stderr)
	}
	entries, _ := os.ReadDir(out2)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "report.json timeline.csv" {
		t.Errorf("clean host wrote %v", names)
	}
}

func TestSinceUntil(t *testing.T) {
	root := scenarioDir("compromised")
	tests := []struct {
		name         string
		args         []string
		code         int
		verdict      finding.Verdict
		from, to     string // every finding's time lies in [from, to] (RFC 3339)
		wantWarnings []string
	}{
		{"after the intrusion", []string{"--since", "2021-03-04"}, cli.ExitFindings, finding.Attempted, "2021-03-04T00:00:00Z", "2021-03-05T00:00:00Z", nil},
		{"before the success", []string{"--until", "2021-03-03T06:41:59Z"}, cli.ExitFindings, finding.Attempted, "2021-03-03T00:00:00Z", "2021-03-03T06:41:59Z", nil},
		{"wider than the logs", []string{"--since", "2021-01-01", "--until", "2021-06-01T00:00:00+02:00"}, cli.ExitFindings, finding.Compromised, "2021-03-02T00:00:00Z", "2021-03-05T00:00:00Z",
			[]string{"httpproxy: logs start 2021-03-02 00:00, after --since 2021-01-01 00:00", "iis: logs end 2021-03-04 23:", "before --until 2021-05-31 22:00"}},
		{"around the chain", []string{"--since", "2021-03-03T06:42:00Z", "--until", "2021-03-03 06:44:00"}, cli.ExitFindings, finding.Compromised, "2021-03-03T06:42:00Z", "2021-03-03T06:44:00Z", nil},
		{"before anything", []string{"--until", "2021-03-02"}, cli.ExitClean, finding.Clean, "", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"hunt", "--root", root, "--format", "json", "--quiet"}, tc.args...)
			code, stdout, stderr := run(t, args...)
			if code != tc.code {
				t.Fatalf("exit code %d, want %d; %s", code, tc.code, stderr)
			}
			h := decodeReport(t, stdout)
			if h.Verdict != tc.verdict {
				t.Errorf("verdict %s, want %s", h.Verdict, tc.verdict)
			}
			if tc.from != "" {
				if len(h.Findings) == 0 {
					t.Fatalf("no finding in the window")
				}
				for _, f := range h.Findings {
					ts := f.Time.UTC().Format("2006-01-02T15:04:05Z")
					if ts < tc.from || ts > tc.to {
						t.Errorf("%s at %s lies outside [%s, %s]", f.RuleID, ts, tc.from, tc.to)
					}
				}
			} else if len(h.Findings) > 0 {
				t.Errorf("%d findings, want none", len(h.Findings))
			}
			all := strings.Join(h.Warnings, "\n")
			for _, w := range tc.wantWarnings {
				if !strings.Contains(all, w) {
					t.Errorf("warnings lack %q:\n%s", w, all)
				}
			}
		})
	}
}

// A --since after the last log row leaves nothing covered: the report must not call that clean
// within the logs' window without a word.
func TestSinceAfterLogsWarns(t *testing.T) {
	code, stdout, stderr := run(t, "hunt", "--root", scenarioDir("clean"), "--format", "json", "--quiet", "--since", "2021-06-01")
	if code != cli.ExitClean {
		t.Fatalf("exit code %d; %s", code, stderr)
	}
	h := decodeReport(t, stdout)
	for _, w := range h.Warnings {
		if strings.Contains(w, "--since") {
			return
		}
	}
	t.Errorf("--since 2021-06-01 lies after every log (they end 2021-03-04), yet no warning says the window is not covered; reason: %q, warnings: %q", h.Reason, h.Warnings)
}

// smallTree writes a minimal host: one Exchange install with an HttpProxy log and one IIS log
// folder. With exploit, the IIS log holds a web shell request.
func smallTree(t *testing.T, exploit bool) (root, iisDir string) {
	t.Helper()
	root = filepath.Join(t.TempDir(), "host")
	ex := filepath.Join(root, "Program Files", "Microsoft", "Exchange Server", "V15")
	hp := filepath.Join(ex, "Logging", "HttpProxy", "Owa")
	iisDir = filepath.Join(root, "inetpub", "logs", "LogFiles", "W3SVC1")
	for _, d := range []string{filepath.Join(ex, "Bin"), hp, iisDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(ex, "Bin", "ExSetup.exe"), "MZ")
	write(filepath.Join(hp, "HttpProxy_2021030300-1.LOG"), "#Software: Microsoft Exchange Server\n"+
		"#Fields: DateTime,RequestId,UrlStem,AnchorMailbox,UserAgent,ClientIpAddress,HttpStatus\n"+
		"2021-03-03T01:00:00.000Z,r1,/owa/service.svc,Smtp~alice@contoso.com,Mozilla/5.0,10.1.2.3,200\n"+
		"2021-03-03T23:00:00.000Z,r2,/owa/service.svc,Smtp~bob@contoso.com,Mozilla/5.0,10.1.2.4,200\n")
	iis := "#Software: Microsoft Internet Information Services 10.0\n" +
		"#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n" +
		"2021-03-03 01:00:00 10.1.2.10 GET /owa/ - 443 CONTOSO\\alice 10.1.2.3 Mozilla/5.0 - 200 0 0 15\n"
	if exploit {
		iis += "2021-03-03 02:00:00 10.1.2.10 POST /aspnet_client/system_web/a.aspx - 443 - 198.51.100.5 Mozilla/5.0 - 200 0 0 15\n"
	}
	iis += "2021-03-03 23:00:00 10.1.2.10 GET /owa/ - 443 CONTOSO\\bob 10.1.2.4 Mozilla/5.0 - 200 0 0 15\n"
	write(filepath.Join(iisDir, "u_ex210303.log"), iis)
	return root, iisDir
}

func TestPartialResults(t *testing.T) {
	type setup func(t *testing.T, iisDir string) (kind string)
	longLine := func(t *testing.T, iisDir string) string {
		// A request line longer than the scanner reads whole (1 MiB): only its start is checked,
		// so the file is not fully read. Root cannot read past that either.
		long := "2021-03-04 01:00:00 10.1.2.10 GET /owa/ q=" + strings.Repeat("A", 1<<20+100) + " 443 - 203.0.113.9 x - 200 0 0 1\n"
		data := "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n" +
			long + "2021-03-04 02:00:00 10.1.2.10 GET /owa/ - 443 - 10.1.2.3 Mozilla/5.0 - 200 0 0 1\n"
		if err := os.WriteFile(filepath.Join(iisDir, "u_ex210304.log"), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return "long-line"
	}
	unreadable := func(t *testing.T, iisDir string) string {
		if runtime.GOOS == "windows" || os.Geteuid() == 0 {
			t.Skip("root (and Windows) read files whatever their mode")
		}
		p := filepath.Join(iisDir, "u_ex210304.log")
		if err := os.WriteFile(p, []byte("#Fields: date time\n"), 0o000); err != nil {
			t.Fatal(err)
		}
		return "unreadable"
	}
	unreadableDir := func(t *testing.T, iisDir string) string {
		if runtime.GOOS == "windows" || os.Geteuid() == 0 {
			t.Skip("root (and Windows) read folders whatever their mode")
		}
		// A second site's log folder that cannot be listed.
		dir := filepath.Join(filepath.Dir(iisDir), "W3SVC2")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "u_ex210303.log"), []byte("#Fields: date time\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, 0o300); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		return "unreadable"
	}
	for _, tc := range []struct {
		name  string
		setup setup
	}{{"over-long line", longLine}, {"file without read permission", unreadable}, {"folder without read permission", unreadableDir}} {
		for _, exploit := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/exploit=%v", tc.name, exploit), func(t *testing.T) {
				root, iisDir := smallTree(t, exploit)
				kind := tc.setup(t, iisDir)
				code, stdout, stderr := run(t, "hunt", "--root", root, "--format", "json", "--quiet")
				want := cli.ExitPartialClean
				if exploit {
					want = cli.ExitPartialFindings
				}
				if code != want {
					t.Errorf("exit code %d, want %d; stderr: %s", code, want, stderr)
				}
				h := decodeReport(t, stdout)
				if !h.Partial {
					t.Errorf("result not marked partial")
				}
				found := false
				for _, p := range h.Problems {
					found = found || p.Kind == kind
				}
				if !found {
					t.Errorf("no %q problem: %v", kind, h.Problems)
				}
				// The table says so too.
				_, table, _ := run(t, "hunt", "--root", root, "--format", "table", "--quiet")
				if !strings.Contains(table, "(partial: some input could not be read)") {
					t.Errorf("table does not say the result is partial:\n%s", table)
				}
			})
		}
	}

	t.Run("interrupted", func(t *testing.T) {
		root, _ := smallTree(t, false)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		code, stdout, _ := runCtx(t, ctx, "hunt", "--root", root, "--format", "json", "--quiet")
		if code != cli.ExitPartialClean {
			t.Errorf("exit code %d, want %d", code, cli.ExitPartialClean)
		}
		h := decodeReport(t, stdout)
		found := false
		for _, p := range h.Problems {
			found = found || p.Kind == "cancelled"
		}
		if !found {
			t.Errorf("no cancelled problem: %v", h.Problems)
		}
	})

	t.Run("complete read is not partial", func(t *testing.T) {
		root, _ := smallTree(t, true)
		code, _, stderr := run(t, "hunt", "--root", root, "--format", "json", "--quiet")
		if code != cli.ExitFindings {
			t.Errorf("exit code %d, want %d; %s", code, cli.ExitFindings, stderr)
		}
	})
}

// A log file that is a dangling link (its target missing, as when a collection copied links but
// not what they point to) is a log the hunt could not read: a CLEAN verdict over it is not a
// clean bill of health.
func TestDanglingLinkMakesResultPartial(t *testing.T) {
	root, iisDir := smallTree(t, false)
	if err := os.Symlink(filepath.Join(iisDir, "u_ex210228.log.gone"), filepath.Join(iisDir, "u_ex210228.log")); err != nil {
		t.Skipf("cannot make links here: %v", err)
	}
	code, stdout, _ := run(t, "hunt", "--root", root, "--format", "json", "--quiet")
	h := decodeReport(t, stdout)
	var link *finding.Problem
	for i := range h.Problems {
		if h.Problems[i].Kind == "broken-link" {
			link = &h.Problems[i]
		}
	}
	if link == nil || link.Path != "inetpub/logs/LogFiles/W3SVC1/u_ex210228.log" {
		t.Fatalf("the dangling link is not reported: %v", h.Problems)
	}
	if code != cli.ExitPartialClean || !h.Partial {
		t.Errorf("a dangling link named like a log is reported (%s) but the result is not partial: exit %d, partial=%v", link, code, h.Partial)
	}
}

// The verdict's reason names the gravest incident's clients as the log wrote them: an IIS c-ip
// field is whatever bytes the file holds, so it must reach the terminal escaped too.
func TestTableEscapesClientAddressInReason(t *testing.T) {
	root, iisDir := smallTree(t, false)
	row := "2021-03-03 02:00:00 10.1.2.10 POST /aspnet_client/system_web/a.aspx - 443 - \x1b[2J\x1b]0;owned\x07198.51.100.5 Mozilla/5.0 - 200 0 0 15\n"
	f, err := os.OpenFile(filepath.Join(iisDir, "u_ex210303.log"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(row)
	f.Close()
	code, stdout, _ := run(t, "hunt", "--root", root, "--format", "table", "--quiet", "--color", "never")
	if code != cli.ExitFindings {
		t.Fatalf("exit code %d:\n%s", code, stdout)
	}
	for i, line := range strings.Split(stdout, "\n") {
		if strings.ContainsAny(line, "\x1b\x07") {
			if strings.HasPrefix(strings.TrimSpace(line), "evidence of a successful intrusion") {
				t.Errorf("the verdict reason is printed raw (report.Table does not pass HostResult.Reason through safe): line %d: %q", i+1, line)
			}
			t.Errorf("raw control characters on line %d: %q", i+1, line)
		}
	}
}

func TestNoProgressBarWhenStderrIsNotATerminal(t *testing.T) {
	code, _, stderr := run(t, "hunt", "--root", "../../examples/compromised-host", "--format", "json")
	if code != cli.ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr, "\r[") {
		t.Errorf("a progress bar was drawn on a non-terminal: %q", stderr)
	}
}

// The example in docs/rules.md is what people copy: it must stay a valid rule whose samples
// behave as declared.
func TestRulesDocExampleValidates(t *testing.T) {
	doc, err := os.ReadFile("../../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	start := strings.Index(text, "```yaml\n")
	if start < 0 {
		t.Fatal("docs/rules.md has no yaml example")
	}
	body := text[start+len("```yaml\n"):]
	body = body[:strings.Index(body, "```")]
	path := filepath.Join(t.TempDir(), "example.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "rules", "validate", path)
	if code != cli.ExitClean {
		t.Fatalf("the docs example does not validate (exit %d):\n%s%s", code, stdout, stderr)
	}
}
