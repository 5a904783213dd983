package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/exsweep/exsweep/internal/finding"
)

var t0 = time.Date(2021, 3, 3, 6, 42, 5, 731_000_000, time.UTC)

// sampleHost is a small compromised host: a ProxyLogon chain in HttpProxy, ECP and OAB logs, a web
// shell in IIS, and a loose finding.
func sampleHost() finding.HostResult {
	hp := func(rule string, at time.Duration, line int64, cves ...string) finding.Finding {
		return finding.Finding{
			RuleID: rule, Title: "title " + rule, Severity: finding.High, Supports: finding.SupportsAttempted, CVEs: cves,
			Source: "httpproxy", Time: t0.Add(at), ClientIP: "198.51.100.23", UserAgent: "ExchangeServicesClient/0.0.0.0",
			Where:  finding.Location{Path: "Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Ecp/HttpProxy_2021030300-1.LOG", Line: line},
			Target: "/ecp/kq.js -> ServerInfo~a]@ex01:444/ecp/proxyLogon.ecp?#", Incident: 1,
			Fields: map[string]string{
				"DateTime": t0.Add(at).Format("2006-01-02T15:04:05.000Z"), "RequestId": "rid-" + strconv.FormatInt(line, 10), "ClientIpAddress": "198.51.100.23",
				"UrlHost": "mail.contoso.com", "UrlStem": "/ecp/kq.js", "RoutingHint": "", "UserAgent": `Agent "quoted", with comma`,
				"AnchorMailbox": "ServerInfo~a]@ex01:444/ecp/proxyLogon.ecp?#", "HttpStatus": "241", "Method": "POST",
			},
		}
	}
	return finding.HostResult{
		Host: "EX01", Root: "/mnt/ex01", Verdict: finding.Compromised, Reason: "evidence of a successful intrusion in 1 incident(s)",
		Findings: []finding.Finding{
			// Out of time order on purpose: writers must not depend on it (Timeline sorts).
			{RuleID: "EXS-IIS-WEBSHELL-ASPNETCLIENT", Title: "Page served from aspnet_client", Severity: finding.Critical, Supports: finding.SupportsCompromised,
				Source: "iis", Time: t0.Add(10 * time.Minute), ClientIP: "198.51.100.23", Target: "POST /aspnet_client/x.aspx", CVEs: []string{"CVE-2021-26855"},
				Where: finding.Location{Path: "inetpub/logs/LogFiles/W3SVC1/u_ex210303.log", Line: 20}, Incident: 1},
			hp("EXS-HP-26855-PROXYLOGON-241", 0, 8, "CVE-2021-26855"),
			hp("EXS-HP-26855-SSRF", 0, 8, "CVE-2021-26855"), // the same row, another rule
			hp("EXS-HP-26855-SSRF", time.Minute, 11, "CVE-2021-26855", "CVE-2021-27065"),
			hp("EXS-HP-TOOL-UA", 2*time.Minute, 12), // no CVE, but a ServerInfo~*/* anchor: Test-ProxyLogon exports every such row
			{RuleID: "EXS-ECP-27065-SET-VDIR-SCRIPT", Title: "Script in a virtual directory URL", Severity: finding.Critical, Supports: finding.SupportsCompromised,
				Source: "ecp", Time: t0.Add(47 * time.Second), ClientIP: "127.0.0.1", CVEs: []string{"CVE-2021-27065"},
				Where: finding.Location{Path: "Program Files/Microsoft/Exchange Server/V15/Logging/ECP/Server/ECPServer2021030306-1.LOG", Line: 7}, Incident: 1},
			{RuleID: "EXS-OAB-26858-WRITE", Title: "OAB write", Severity: finding.Critical, Supports: finding.SupportsCompromised,
				Source: "oab", Time: t0.Add(68 * time.Second), CVEs: []string{"CVE-2021-26858"},
				Where: finding.Location{Path: "Program Files/Microsoft/Exchange Server/V15/Logging/OABGeneratorLog/OABGenerator20210303-1.LOG", Line: 9}, Incident: 1},
			{RuleID: "EXS-OAB-26858-WRITE", Title: "OAB write", Severity: finding.Critical, Supports: finding.SupportsCompromised,
				Source: "oab", Time: t0.Add(69 * time.Second), CVEs: []string{"CVE-2021-26858"},
				Where: finding.Location{Path: "Program Files/Microsoft/Exchange Server/V15/Logging/OABGeneratorLog/OABGenerator20210303-1.LOG", Line: 10}, Incident: 1},
			{RuleID: "EXS-OAB-26858-WRITE", Title: "OAB write", Severity: finding.Critical, Supports: finding.SupportsCompromised,
				Source: "oab", Time: t0.Add(-time.Hour), CVEs: []string{"CVE-2021-26858"},
				Where: finding.Location{Path: "Program Files/Microsoft/Exchange Server/V15/Logging/OABGeneratorLog/OABGenerator20210302-1.LOG", Line: 4}, Incident: 1},
		},
		Incidents: []finding.Incident{{ID: 1, Verdict: finding.Compromised, Severity: finding.Critical, Summary: "chain", FirstSeen: t0, LastSeen: t0.Add(10 * time.Minute),
			ClientIPs: []string{"198.51.100.23"}, Rules: []string{"EXS-HP-26855-PROXYLOGON-241"}, Findings: 9, Evidence: []string{"a.log:1"}}},
		Problems: []finding.Problem{},
	}
}

func sampleReport(hosts ...finding.HostResult) *finding.Report {
	return &finding.Report{Schema: finding.ReportSchema, Tool: "exsweep", Version: "0.1.0", RulePack: "test", Generated: t0, Hosts: hosts}
}

// --- the table never passes attacker text raw to a terminal -----------------------------------

// rawControl returns the first control character in s that is not a newline, or -1.
func rawControl(s string) rune {
	for _, r := range s {
		if r == '\n' {
			continue
		}
		if unicode.IsControl(r) {
			return r
		}
	}
	return -1
}

func TestTableEscapesAttackerText(t *testing.T) {
	const evil = "\x1b[2J\x1b[31mPWNED\x07\r\x9b\u0085\x7f"
	tests := []struct {
		field  string
		mutate func(h *finding.HostResult)
		bug    string // known bug: the test skips while it shows
	}{
		{field: "user agent", mutate: func(h *finding.HostResult) { h.Incidents[0].UserAgents = []string{"Mozilla/5.0 " + evil} }},
		{field: "client address", mutate: func(h *finding.HostResult) { h.Incidents[0].ClientIPs = []string{evil + "198.51.100.1"} }},
		{field: "summary", mutate: func(h *finding.HostResult) { h.Incidents[0].Summary = "from " + evil }},
		{field: "evidence path", mutate: func(h *finding.HostResult) { h.Incidents[0].Evidence = []string{"inetpub/logs/" + evil + ".log:3"} }},
		{field: "host", mutate: func(h *finding.HostResult) { h.Host = evil }},
		{field: "root", mutate: func(h *finding.HostResult) { h.Root = "/mnt/" + evil }},
		{field: "install", mutate: func(h *finding.HostResult) { h.Installs = []string{"Program Files/" + evil} }},
		{field: "warning", mutate: func(h *finding.HostResult) { h.Warnings = []string{"IIS writes logs to " + evil} }},
		{field: "problem", mutate: func(h *finding.HostResult) {
			h.Problems = []finding.Problem{{Path: "inetpub/" + evil + ".log", Kind: "unreadable", Message: "open " + evil}}
		}},
		{field: "reason", mutate: func(h *finding.HostResult) {
			// The hunt builds the reason from the gravest incident's summary, which names its
			// client addresses as read from the log.
			h.Reason = "evidence of a successful intrusion in 1 incident(s): 1 row(s) from " + evil
		}, bug: "Table prints HostResult.Reason without safe(); the reason quotes client addresses from the logs"},
	}
	for _, tc := range tests {
		t.Run(tc.field, func(t *testing.T) {
			h := sampleHost()
			tc.mutate(&h)
			var out bytes.Buffer
			if err := Table(&out, sampleReport(h), false); err != nil {
				t.Fatal(err)
			}
			bad := ""
			if r := rawControl(out.String()); r >= 0 {
				bad = fmt.Sprintf("raw control character %U from the %s in the table", r, tc.field)
			} else if !utf8.Valid(out.Bytes()) {
				bad = fmt.Sprintf("invalid UTF-8 from the %s in the table", tc.field)
			}
			if bad != "" {
				t.Errorf("%s:\n%q", bad, out.String())
			}
			if !strings.Contains(out.String(), `\x1b[2J`) {
				t.Errorf("the %s is not shown at all, or not escaped:\n%s", tc.field, out.String())
			}
		})
	}
}

func TestTableColour(t *testing.T) {
	var plain, colour bytes.Buffer
	r := sampleReport(sampleHost())
	if err := Table(&plain, r, false); err != nil {
		t.Fatal(err)
	}
	if err := Table(&colour, r, true); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b") {
		t.Errorf("escape codes without colour")
	}
	if !strings.Contains(colour.String(), "\x1b[1;31mCOMPROMISED\x1b[0m") {
		t.Errorf("verdict not coloured:\n%s", colour.String())
	}
}

func TestTableSections(t *testing.T) {
	h := sampleHost()
	h.Partial = true
	h.Windows = []finding.Window{{Source: "httpproxy", Files: 3, Bytes: 2048, First: t0, Last: t0.Add(48 * time.Hour), Days: 2, Gaps: []finding.Gap{{From: t0, To: t0.Add(30 * time.Hour)}}},
		{Source: "ecp"}}
	h.Installs = []string{"Program Files/Microsoft/Exchange Server/V15"}
	h.Warnings = []string{"ecp: no log files found"}
	h.Incidents = append(h.Incidents, finding.Incident{ID: 2, Verdict: finding.Clean, Severity: finding.Medium, Summary: "a tool user agent", FirstSeen: t0, LastSeen: t0,
		ClientIPs: []string{}, Rules: []string{"EXS-HP-TOOL-UA"}, Findings: 1, Evidence: []string{"x.LOG:1"}})
	h.Incidents[0].Evidence = []string{"a:1", "a:2", "a:3", "a:4", "a:5", "a:6", "a:7"}
	for i := 0; i < 5; i++ {
		h.Problems = append(h.Problems, finding.Problem{Path: "f" + strconv.Itoa(i) + ".log", Kind: "unreadable", Message: "permission denied"})
	}
	h.Problems = append(h.Problems, finding.Problem{Path: "g.log", Line: 3, Kind: "encoding", Message: "invalid UTF-8"})
	h.Stats = finding.Stats{Files: 12, Bytes: 3 << 20, Lines: 100, Candidates: 7, Suppressed: 4, RulesLoaded: 33, Duration: 1500 * time.Millisecond}
	var out bytes.Buffer
	if err := Table(&out, sampleReport(h), false); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"VERDICT: COMPROMISED (partial: some input could not be read)",
		"httpproxy  3      2.0 KiB", "2021-03-03 06:42  2021-03-05 06:42  2.0   1",
		"ecp        0      0 B      -                 -",
		"Exchange installs read: Program Files/Microsoft/Exchange Server/V15",
		"Warnings\n  - ecp: no log files found",
		"Incidents\n  #1 COMPROMISED critical  2021-03-03 06:42:05 to 2021-03-03 06:52:05 UTC",
		"rows: a:1, a:2, a:3, a:4, a:5 (+4 more in the JSON report)",
		"To look at (suspicious on their own, not a verdict)\n  #2 CLEAN medium  2021-03-03 06:42:05 UTC",
		"1 × encoding: g.log:3: encoding: invalid UTF-8",
		"5 × unreadable: f0.log: unreadable: permission denied; f1.log: unreadable: permission denied; f2.log: unreadable: permission denied; +2 more",
		"Read 12 files, 3.0 MiB, 100 lines (7 parsed) in 1.5s with 33 rules; 4 repeated findings summarised.",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("table lacks %q:\n%s", want, s)
		}
	}
	if strings.Index(s, "1 × encoding") > strings.Index(s, "5 × unreadable") {
		t.Errorf("problem kinds not in order")
	}
}

// --- sizes -----------------------------------------------------------------------------------

func TestBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
		bug  string
	}{
		{0, "0 B", ""},
		{1, "1 B", ""},
		{1023, "1023 B", ""},
		{1024, "1.0 KiB", ""},
		{1536, "1.5 KiB", ""},
		{10*1024 - 1, "10.0 KiB", ""},
		{1 << 20, "1.0 MiB", ""},
		{5*(1<<20) + 1<<19, "5.5 MiB", ""},
		{1 << 30, "1.0 GiB", ""},
		{1 << 40, "1.0 TiB", ""},
		{1 << 50, "1.0 PiB", ""},
		{1 << 60, "1.0 EiB", ""},
		{math.MaxInt64, "8.0 EiB", ""},
		{-5, "-5 B", ""},
		{1<<20 - 1, "1.0 MiB", "Bytes rounds to 1024.0 KiB: the unit is chosen before rounding"},
		{1<<30 - 1, "1.0 GiB", "Bytes rounds to 1024.0 MiB: the unit is chosen before rounding"},
	}
	for _, tc := range tests {
		t.Run(strconv.FormatInt(tc.n, 10), func(t *testing.T) {
			got := Bytes(tc.n)
			switch {
			case got == tc.want:
			default:
				t.Errorf("Bytes(%d) = %q, want %q", tc.n, got, tc.want)
			}
		})
	}
}

// --- Test-ProxyLogon style files ------------------------------------------------------------------

func TestPerCheckFiles(t *testing.T) {
	h := sampleHost()
	files := perCheckFiles(h)
	got := map[string]string{}
	var names []string
	for _, f := range files {
		var b bytes.Buffer
		if err := f.write(&b); err != nil {
			t.Fatal(err)
		}
		got[f.name] = b.String()
		names = append(names, f.name)
	}
	if want := []string{"EX01-Cve-2021-26855.csv", "EX01-Cve-2021-26858.log", "EX01-Cve-2021-27065.log"}; !cmp.Equal(names, want) {
		t.Errorf("files %q, want %q", names, want)
	}
	row := func(at, rid string) string {
		return `"` + at + `","` + rid + `","198.51.100.23","mail.contoso.com","/ecp/kq.js","","Agent ""quoted"", with comma","ServerInfo~a]@ex01:444/ecp/proxyLogon.ecp?#","241"` + "\r\n"
	}
	want26855 := `"DateTime","RequestId","ClientIPAddress","UrlHost","UrlStem","RoutingHint","UserAgent","AnchorMailbox","HttpStatus"` + "\r\n" +
		row("2021-03-03T06:42:05.731Z", "rid-8") + row("2021-03-03T06:43:05.731Z", "rid-11") + row("2021-03-03T06:44:05.731Z", "rid-12")
	if diff := cmp.Diff(want26855, got["EX01-Cve-2021-26855.csv"]); diff != "" {
		t.Errorf("26855 export (-want +got):\n%s", diff)
	}
	want26858 := "Program Files/Microsoft/Exchange Server/V15/Logging/OABGeneratorLog/OABGenerator20210303-1.LOG\n" +
		"Program Files/Microsoft/Exchange Server/V15/Logging/OABGeneratorLog/OABGenerator20210302-1.LOG\n"
	if diff := cmp.Diff(want26858, got["EX01-Cve-2021-26858.log"]); diff != "" {
		t.Errorf("26858 list (-want +got):\n%s", diff)
	}
	if want := "Program Files/Microsoft/Exchange Server/V15/Logging/ECP/Server/ECPServer2021030306-1.LOG\n"; got["EX01-Cve-2021-27065.log"] != want {
		t.Errorf("27065 list %q", got["EX01-Cve-2021-27065.log"])
	}

	// Only files with content, as Test-ProxyLogon does.
	h.Findings = h.Findings[:1] // the IIS finding: no per-check file
	if files := perCheckFiles(h); len(files) != 0 {
		t.Errorf("files for a host without HttpProxy, OAB or ECP findings: %v", files)
	}
	// Host names become safe file names.
	for host, want := range map[string]string{"": "host", "ex01.contoso.local": "ex01.contoso.local", `..\..\evil host`: ".._.._evil_host", "sérveur": "s_rveur"} {
		h := sampleHost()
		h.Host = host
		if f := perCheckFiles(h); len(f) == 0 || f[0].name != want+"-Cve-2021-26855.csv" {
			t.Errorf("host %q: files %v, want %s-Cve-2021-26855.csv", host, f, want)
		}
	}
}

// --- timeline ------------------------------------------------------------------------------------

func TestTimeline(t *testing.T) {
	other := sampleHost()
	other.Host = "EX02"
	other.Findings = []finding.Finding{{RuleID: "EXS-IIS-OWASSRF", Title: "OWASSRF", Source: "iis", Time: t0.Add(-24 * time.Hour), ClientIP: "203.0.113.60",
		Target: "POST /owa/x@y.com/powershell", Where: finding.Location{Path: "u_ex210302.log", Line: 5}, Supports: finding.SupportsCompromised, Severity: finding.Critical}}
	r := sampleReport(sampleHost(), other)
	var out bytes.Buffer
	if err := Timeline(&out, r); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantHead := []string{"datetime", "timestamp", "timestamp_desc", "source", "message", "host", "rule_id", "severity", "verdict", "incident", "client_ip", "user_agent", "path", "line", "evidence"}
	if !cmp.Equal(recs[0], wantHead) {
		t.Errorf("header %q", recs[0])
	}
	if len(recs)-1 != len(sampleHost().Findings)+1 {
		t.Fatalf("%d events", len(recs)-1)
	}
	var prev int64 = math.MinInt64
	for i, rec := range recs[1:] {
		ts, err := strconv.ParseInt(rec[1], 10, 64)
		if err != nil {
			t.Fatalf("event %d: timestamp %q", i, rec[1])
		}
		if ts < prev {
			t.Errorf("event %d out of order: %s after %d", i, rec[0], prev)
		}
		prev = ts
		tm, err := time.Parse("2006-01-02T15:04:05.000Z", rec[0])
		if err != nil || tm.UnixMicro() != ts {
			t.Errorf("event %d: datetime %q and timestamp %d disagree", i, rec[0], ts)
		}
	}
	first := recs[1]
	if first[5] != "EX02" || first[4] != "EXS-IIS-OWASSRF: OWASSRF | POST /owa/x@y.com/powershell | from 203.0.113.60" || first[2] != "IIS request time" || first[3] != "iis" {
		t.Errorf("first event %q", first)
	}
	if last := recs[len(recs)-1]; last[6] != "EXS-IIS-WEBSHELL-ASPNETCLIENT" {
		t.Errorf("last event %q", last)
	}
	// Stable for equal times: the two rules on one row keep their order.
	var sameRow []string
	for _, rec := range recs[1:] {
		if rec[0] == "2021-03-03T06:42:05.731Z" {
			sameRow = append(sameRow, rec[6])
		}
	}
	if !cmp.Equal(sameRow, []string{"EXS-HP-26855-PROXYLOGON-241", "EXS-HP-26855-SSRF"}) {
		t.Errorf("events at one time: %q", sameRow)
	}
}

// A finding without a time (a row whose date could not be read) must not be dated year 1 in a
// timeline tool.
func TestTimelineUndatedFinding(t *testing.T) {
	h := sampleHost()
	h.Findings = []finding.Finding{{RuleID: "X", Title: "undated", Source: "oab", Where: finding.Location{Path: "a.LOG", Line: 1}}}
	var out bytes.Buffer
	if err := Timeline(&out, sampleReport(h)); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[1][0] != "" {
		t.Errorf("datetime %q for an undated finding", recs[1][0])
	}
	if recs[1][1] != "" {
		t.Errorf("an undated finding gets timestamp %s (time.Time{}.UnixMicro()), not an empty cell", recs[1][1])
	}
}

// --- machine formats ------------------------------------------------------------------------------

func TestMachineFormats(t *testing.T) {
	h := sampleHost()
	h.Findings[1].Evidence = "raw \\xff row"
	r := sampleReport(h)

	t.Run("json", func(t *testing.T) {
		var out bytes.Buffer
		if err := WriteTo(&out, r, "json", false); err != nil {
			t.Fatal(err)
		}
		var back finding.Report
		if err := json.Unmarshal(out.Bytes(), &back); err != nil {
			t.Fatal(err)
		}
		if len(back.Hosts) != 1 || len(back.Hosts[0].Findings) != len(h.Findings) || back.Hosts[0].Verdict != finding.Compromised {
			t.Errorf("round trip lost data")
		}
		if strings.Contains(out.String(), `\u003c`) || !strings.Contains(out.String(), "\n  ") {
			t.Errorf("JSON escapes HTML or is not indented")
		}
	})
	t.Run("jsonl", func(t *testing.T) {
		var out bytes.Buffer
		if err := WriteTo(&out, r, "jsonl", false); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) != len(h.Findings)+1 {
			t.Fatalf("%d lines", len(lines))
		}
		for i, l := range lines {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("line %d: %v", i, err)
			}
			want := "finding"
			if i == len(lines)-1 {
				want = "host"
			}
			if m["type"] != want {
				t.Errorf("line %d type %v, want %s", i, m["type"], want)
			}
			if want == "host" && (m["verdict"] != "COMPROMISED" || m["tool"] != "exsweep" || m["findings"] != nil) {
				t.Errorf("host line %s", l)
			}
		}
	})
	t.Run("csv", func(t *testing.T) {
		var out bytes.Buffer
		if err := WriteTo(&out, r, "csv", false); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&out).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != len(h.Findings)+1 || recs[0][2] != "rule_id" || recs[1][0] != "EX01" {
			t.Errorf("csv %q", recs[:2])
		}
	})
	t.Run("unknown", func(t *testing.T) {
		if err := WriteTo(&bytes.Buffer{}, r, "xml", false); err == nil {
			t.Error("no error for an unknown format")
		}
	})
	for _, f := range Formats() {
		if err := WriteTo(&bytes.Buffer{}, r, f, false); err != nil {
			t.Errorf("format %s: %v", f, err)
		}
	}
}

// Unset times (no --since, a source without logs) must not be written as year 1.
func TestJSONOmitsZeroTimes(t *testing.T) {
	h := sampleHost()
	h.Windows = []finding.Window{{Source: "ecp"}}
	var out bytes.Buffer
	if err := JSON(&out, sampleReport(h)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "0001-01-01") {
		t.Errorf("zero times are written as 0001-01-01T00:00:00Z: `omitempty` has no effect on time.Time (HostResult.Since/Until, Window.First/Last); use `omitzero`")
	}
}

func TestWriteDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "folder")
	written, err := WriteDir(dir, sampleReport(sampleHost()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range written {
		if filepath.Dir(p) != dir {
			t.Errorf("wrote %s outside %s", p, dir)
		}
		names = append(names, filepath.Base(p))
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	want := []string{"report.json", "timeline.csv", "EX01-Cve-2021-26855.csv", "EX01-Cve-2021-26858.log", "EX01-Cve-2021-27065.log"}
	if !cmp.Equal(names, want) {
		t.Errorf("wrote %q, want %q", names, want)
	}
	// A folder that cannot be made is an error.
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	if _, err := WriteDir(filepath.Join(file, "sub"), sampleReport(sampleHost())); err == nil {
		t.Error("no error writing under a file")
	}
}
