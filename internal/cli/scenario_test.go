package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exsweep/exsweep/internal/cli"
	"github.com/exsweep/exsweep/internal/finding"
)

var update = flag.Bool("update", false, "rewrite golden files")

// scenarioDir is where the scenario trees live, relative to this package's folder (the working
// directory of its tests).
func scenarioDir(name string) string {
	return filepath.Join("..", "..", "testdata", "scenarios", name)
}

// scenarioCase is what a scenario must give, beyond its golden file: a golden file regenerated
// carelessly must still not hide a regression in any of these.
type scenarioCase struct {
	name    string
	exit    int
	verdict finding.Verdict
	partial bool
	// rules that must fire somewhere in the tree.
	rules []string
	// rules that must not fire anywhere.
	absent []string
	// evidence that must be found: "RULE-ID path-suffix:line".
	evidence []string
	// problem kinds that must be reported.
	problems []string
	// incidents expected (0: do not check).
	incidents int
}

// compromiseRules are the rules that support COMPROMISED: none may fire where that is not the verdict.
var compromiseRules = []string{
	"EXS-HP-26855-PROXYLOGON-241", "EXS-HP-27065-RESET-VDIR", "EXS-ECP-27065-SET-VDIR-SCRIPT", "EXS-OAB-26858-WRITE",
	"EXS-IIS-WEBSHELL-ASPNETCLIENT", "EXS-IIS-OWA-AUTH-UNKNOWN-PAGE", "EXS-IIS-OWA-AUTH-LOOKALIKE", "EXS-IIS-PROXYLOGON-DDI-RESET",
	"EXS-IIS-PROXYSHELL-REACHED", "EXS-IIS-PROXYNOTSHELL", "EXS-IIS-OWASSRF", "EXS-IIS-WEBSHELL-COMMAND",
}

const (
	hpDir  = "Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/"
	ecpDir = "Program Files/Microsoft/Exchange Server/V15/Logging/ECP/Server/"
	oabDir = "Program Files/Microsoft/Exchange Server/V15/Logging/OABGeneratorLog/"
	iis1   = "inetpub/logs/LogFiles/W3SVC1/"
	iis2   = "inetpub/logs/LogFiles/W3SVC2/"
)

var scenarios = []scenarioCase{
	{
		name: "compromised", exit: cli.ExitFindings, verdict: finding.Compromised, incidents: 2,
		rules: []string{"EXS-HP-26855-AUTODISCOVER", "EXS-HP-26855-SSRF", "EXS-HP-26855-PROXYLOGON-241", "EXS-HP-27065-RESET-VDIR",
			"EXS-ECP-27065-SET-VDIR-SCRIPT", "EXS-ECP-27065-RESET-VDIR", "EXS-OAB-26858-WRITE", "EXS-IIS-PROXYLOGON-ECP-JS",
			"EXS-IIS-PROXYLOGON-DDI-RESET", "EXS-IIS-WEBSHELL-ASPNETCLIENT", "EXS-IIS-WEBSHELL-COMMAND", "EXS-IIS-WEBSHELL-ASPNETCLIENT-MISS"},
		absent: []string{"EXS-HP-26855-PROBE", "EXS-IIS-PROXYSHELL-REACHED", "EXS-IIS-OWASSRF"},
		evidence: []string{
			"EXS-HP-26855-PROXYLOGON-241 " + hpDir + "Ecp/HttpProxy_2021030300-1.LOG:8",
			"EXS-HP-27065-RESET-VDIR " + hpDir + "Ecp/HttpProxy_2021030300-1.LOG:11",
			"EXS-ECP-27065-SET-VDIR-SCRIPT " + ecpDir + "ECPServer2021030306-1.LOG:7",
			"EXS-OAB-26858-WRITE " + oabDir + "OABGenerator20210303-1.LOG:9",
			"EXS-IIS-WEBSHELL-ASPNETCLIENT " + iis1 + "u_ex210303.log:20",
			"EXS-IIS-WEBSHELL-COMMAND " + iis1 + "u_ex210303.log:22",
		},
	},
	{
		name: "attempted-only", exit: cli.ExitFindings, verdict: finding.Attempted, incidents: 3,
		rules:  []string{"EXS-HP-26855-AUTODISCOVER", "EXS-IIS-PROXYLOGON-ECP-JS", "EXS-IIS-PROXYSHELL-ATTEMPT", "EXS-IIS-OWASSRF-ATTEMPT", "EXS-HP-TOOL-UA"},
		absent: append([]string{"EXS-HP-26855-SSRF", "EXS-HP-26855-PROBE", "EXS-IIS-PROXYSHELL-PROBE"}, compromiseRules...),
		evidence: []string{
			"EXS-IIS-PROXYSHELL-ATTEMPT " + iis1 + "u_ex221212.log:16",
			"EXS-IIS-OWASSRF-ATTEMPT " + iis1 + "u_ex221212.log:34",
		},
	},
	{
		name: "probed-only", exit: cli.ExitFindings, verdict: finding.Probed, incidents: 3,
		rules:  []string{"EXS-HP-26855-PROBE", "EXS-IIS-PROXYSHELL-PROBE"},
		absent: append([]string{"EXS-HP-26855-SSRF", "EXS-HP-26855-AUTODISCOVER", "EXS-HP-26855-ROUTING", "EXS-IIS-PROXYSHELL-ATTEMPT"}, compromiseRules...),
	},
	{
		name: "clean", exit: cli.ExitClean, verdict: finding.Clean, incidents: -1,
	},
	{
		name: "mixed-cus", exit: cli.ExitFindings, verdict: finding.Compromised, incidents: 1,
		evidence: []string{
			// Exchange 2013 layout (columns dropped).
			"EXS-HP-26855-PROXYLOGON-241 " + hpDir + "Ecp/HttpProxy_2021030300-1.LOG:7",
			"EXS-HP-27065-RESET-VDIR " + hpDir + "Ecp/HttpProxy_2021030300-1.LOG:8",
			// Later CU: columns added and moved.
			"EXS-HP-26855-SSRF " + hpDir + "Mapi/HttpProxy_2021030300-1.LOG:9",
			// Before and after the mid-file restart, whose header reverses every column.
			"EXS-HP-26855-AUTODISCOVER " + hpDir + "Autodiscover/HttpProxy_2021030300-1.LOG:9",
			"EXS-HP-26855-ROUTING " + hpDir + "Autodiscover/HttpProxy_2021030300-1.LOG:21",
			"EXS-HP-26855-SSRF " + hpDir + "Autodiscover/HttpProxy_2021030300-1.LOG:22",
			// ECP server log with moved columns.
			"EXS-ECP-27065-SET-VDIR-SCRIPT " + ecpDir + "ECPServer2021030305-1.LOG:7",
			// IIS: every field logged; then a restart with moved columns.
			"EXS-IIS-PROXYLOGON-ECP-JS " + iis1 + "u_ex210303.log:10",
			"EXS-IIS-OWA-AUTH-UNKNOWN-PAGE " + iis1 + "u_ex210303.log:11",
			"EXS-IIS-WEBSHELL-COMMAND " + iis1 + "u_ex210304.log:14",
			"EXS-IIS-OWA-AUTH-UNKNOWN-PAGE " + iis1 + "u_ex210304.log:21",
		},
	},
	{
		name: "windows-case", exit: cli.ExitFindings, verdict: finding.Compromised, incidents: 1,
		rules: []string{"EXS-HP-26855-AUTODISCOVER", "EXS-HP-26855-PROXYLOGON-241", "EXS-HP-27065-RESET-VDIR", "EXS-ECP-27065-SET-VDIR-SCRIPT",
			"EXS-ECP-27065-RESET-VDIR", "EXS-OAB-26858-WRITE", "EXS-IIS-PROXYLOGON-ECP-JS", "EXS-IIS-OWA-AUTH-UNKNOWN-PAGE"},
		evidence: []string{
			"EXS-HP-26855-PROXYLOGON-241 PROGRAM FILES/microsoft/EXCHANGE SERVER/v15/logging/httpproxy/ECP/HTTPPROXY_2021030300-1.LOG:8",
			"EXS-IIS-OWA-AUTH-UNKNOWN-PAGE INETPUB/LOGS/logfiles/w3svc1/U_EX210303.LOG:14",
			"EXS-OAB-26858-WRITE PROGRAM FILES/microsoft/EXCHANGE SERVER/v15/logging/OABGeneratorLog/oabgenerator20210303-1.log:9",
		},
	},
	{
		name: "several-installs", exit: cli.ExitFindings, verdict: finding.Compromised, incidents: 2,
		rules: []string{"EXS-HP-26855-PROXYLOGON-241", "EXS-HP-27065-RESET-VDIR", "EXS-ECP-27065-SET-VDIR-SCRIPT", "EXS-OAB-26858-WRITE",
			"EXS-IIS-PROXYLOGON-ECP-JS", "EXS-IIS-OWA-AUTH-UNKNOWN-PAGE", "EXS-IIS-PROXYLOGON-DDI-RESET"},
		evidence: []string{
			"EXS-HP-26855-PROXYLOGON-241 " + hpDir + "Ecp/HttpProxy_2021030300-1.LOG:10",
			"EXS-HP-27065-RESET-VDIR D/Exchange2016/Logging/HttpProxy/Ecp/HttpProxy_2021030300-1.LOG:8",
			"EXS-ECP-27065-SET-VDIR-SCRIPT D/Exchange2016/Logging/ECP/Server/ECPServer2021030304-1.LOG:6",
			"EXS-OAB-26858-WRITE D/Exchange2016/Logging/OABGeneratorLog/OABGenerator20210303-1.LOG:8",
			"EXS-IIS-PROXYLOGON-ECP-JS " + iis1 + "u_ex210303.log:8",
			"EXS-IIS-PROXYLOGON-DDI-RESET " + iis2 + "u_ex210303.log:10",
		},
	},
	{
		name: "bad-input", exit: cli.ExitFindings, verdict: finding.Compromised, incidents: 1,
		rules: []string{"EXS-HP-26855-PROXYLOGON-241", "EXS-ECP-27065-SET-VDIR-SCRIPT", "EXS-IIS-WEBSHELL-ASPNETCLIENT"},
		evidence: []string{
			"EXS-HP-26855-PROXYLOGON-241 " + hpDir + "Ecp/HttpProxy_2021030300-1.LOG:8",
			// the last line, cut short without a newline
			"EXS-HP-26855-SSRF " + hpDir + "Ecp/HttpProxy_2021030300-1.LOG:18",
			// a file without any #Fields line
			"EXS-ECP-27065-SET-VDIR-SCRIPT " + ecpDir + "ECPServer2021030306-1.LOG:1",
			// a user agent that is not UTF-8, and one with terminal escapes
			"EXS-IIS-WEBSHELL-ASPNETCLIENT " + iis1 + "u_ex210303.log:14",
			"EXS-IIS-WEBSHELL-ASPNETCLIENT " + iis1 + "u_ex210303.log:15",
		},
		problems: []string{"bad-quoting", "binary", "encoding", "no-header"},
	},
}

func TestScenarios(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			root := scenarioDir(sc.name)
			if _, err := os.Stat(root); err != nil {
				t.Fatalf("scenario tree missing: %v", err)
			}
			var stdout, stderr bytes.Buffer
			code := cli.Run(context.Background(), []string{"hunt", "--root", root, "--format", "json", "--quiet"}, strings.NewReader(""), &stdout, &stderr)
			if code != sc.exit {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, sc.exit, stderr.String())
			}
			var rep finding.Report
			if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
				t.Fatalf("report is not JSON: %v\n%s", err, stdout.String())
			}
			if len(rep.Hosts) != 1 {
				t.Fatalf("%d hosts in the report, want 1", len(rep.Hosts))
			}
			checkScenario(t, sc, &rep.Hosts[0])
			compareGolden(t, sc.name, stdout.Bytes(), root)
		})
	}
}

func checkScenario(t *testing.T, sc scenarioCase, h *finding.HostResult) {
	t.Helper()
	if h.Verdict != sc.verdict {
		t.Errorf("verdict %s, want %s (%s)", h.Verdict, sc.verdict, h.Reason)
	}
	if h.Partial != sc.partial {
		t.Errorf("partial = %v, want %v; problems: %v", h.Partial, sc.partial, h.Problems)
	}
	fired := map[string]int{}
	where := map[string]bool{}
	for _, f := range h.Findings {
		fired[f.RuleID]++
		where[f.RuleID+" "+f.Where.String()] = true
		if f.Time.IsZero() {
			t.Errorf("%s at %s has no time", f.RuleID, f.Where)
		}
		if f.Incident == 0 {
			t.Errorf("%s at %s belongs to no incident", f.RuleID, f.Where)
		}
	}
	for _, id := range sc.rules {
		if fired[id] == 0 {
			t.Errorf("rule %s did not fire", id)
		}
	}
	for _, id := range sc.absent {
		if fired[id] > 0 {
			t.Errorf("rule %s fired %d times, want never", id, fired[id])
		}
	}
	for _, ev := range sc.evidence {
		if !where[ev] {
			t.Errorf("missing evidence %q", ev)
		}
	}
	kinds := map[string]bool{}
	for _, p := range h.Problems {
		kinds[p.Kind] = true
	}
	for _, k := range sc.problems {
		if !kinds[k] {
			t.Errorf("no problem of kind %q reported; problems: %v", k, h.Problems)
		}
	}
	if sc.problems == nil && len(h.Problems) > 0 {
		t.Errorf("unexpected problems: %v", h.Problems)
	}
	switch {
	case sc.incidents > 0 && len(h.Incidents) != sc.incidents:
		t.Errorf("%d incidents, want %d", len(h.Incidents), sc.incidents)
	case sc.incidents < 0 && (len(h.Incidents) > 0 || len(h.Findings) > 0):
		t.Errorf("want no finding at all, got %d findings in %d incidents: %v", len(h.Findings), len(h.Incidents), fired)
	}
	// Every source the tree has logs for was read, and every window is dated.
	for _, w := range h.Windows {
		if w.Files > 0 && w.First.IsZero() {
			t.Errorf("source %s: %d files but no dated row", w.Source, w.Files)
		}
	}
}

// compareGolden normalises the JSON report (drops what changes from run to run, names the root
// by a token) and compares it with testdata/<name>.golden.json, or rewrites that with -update.
func compareGolden(t *testing.T, name string, report []byte, root string) {
	t.Helper()
	got := normaliseReport(t, report, root)
	golden := filepath.Join("testdata", name+".golden.json")
	if *update {
		var out bytes.Buffer
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(got); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("golden file: %v (run go test ./internal/cli -run TestScenarios -update to create it)", err)
	}
	want := decodeJSON(t, data)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("report differs from %s (-want +got):\n%s\nIf the change is intended, rerun with -update and review the diff.", golden, diff)
	}
}

func decodeJSON(t *testing.T, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return v
}

const rootToken = "<ROOT>"

func normaliseReport(t *testing.T, report []byte, root string) any {
	t.Helper()
	v := decodeJSON(t, report)
	doc, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("report is not a JSON object")
	}
	delete(doc, "generated")
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	hosts, _ := doc["hosts"].([]any)
	for _, hv := range hosts {
		h := hv.(map[string]any)
		h["root"] = rootToken
		if st, ok := h["stats"].(map[string]any); ok {
			delete(st, "duration_ns")
		}
		if ps, ok := h["problems"].([]any); ok {
			sort.SliceStable(ps, func(i, j int) bool { return problemKey(ps[i]) < problemKey(ps[j]) })
		}
	}
	return replaceStrings(doc, func(s string) string {
		s = strings.ReplaceAll(s, abs, rootToken)
		return strings.ReplaceAll(s, root, rootToken)
	})
}

func problemKey(v any) string {
	m, _ := v.(map[string]any)
	out, _ := json.Marshal([]any{m["path"], m["line"], m["offset"], m["kind"], m["message"]})
	return string(out)
}

func replaceStrings(v any, fn func(string) string) any {
	switch x := v.(type) {
	case string:
		return fn(x)
	case []any:
		for i := range x {
			x[i] = replaceStrings(x[i], fn)
		}
		return x
	case map[string]any:
		for k := range x {
			x[k] = replaceStrings(x[k], fn)
		}
		return x
	}
	return v
}
