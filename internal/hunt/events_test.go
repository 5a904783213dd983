package hunt

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/evtx/evtxwrite"
	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/sigma"
)

const (
	sysmonChannel = "Microsoft-Windows-Sysmon/Operational"
	sysmonFile    = "Windows/System32/winevt/Logs/Microsoft-Windows-Sysmon%4Operational.evtx"
	securityFile  = "Windows/System32/winevt/Logs/Security.evtx"
)

// evtxBytes writes events as an EVTX file with the fixture writer.
func evtxBytes(t *testing.T, evs []evtxwrite.Event) string {
	t.Helper()
	var b bytes.Buffer
	if err := evtxwrite.Write(&b, evs); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func at(s string) time.Time {
	t, err := time.Parse(time.DateTime, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func sysmon(id uint16, when string, data ...string) evtxwrite.Event {
	e := evtxwrite.Event{Provider: "Microsoft-Windows-Sysmon", EventID: id, Level: 4, TimeCreated: at(when), Computer: "EX01.corp.example", Channel: sysmonChannel}
	for i := 0; i+1 < len(data); i += 2 {
		e.Data = append(e.Data, evtxwrite.Field{Name: data[i], Value: data[i+1]})
	}
	return e
}

func security(id uint16, rec uint64, when string, data ...string) evtxwrite.Event {
	e := evtxwrite.Event{Provider: "Microsoft-Windows-Security-Auditing", EventID: id, Level: 0, TimeCreated: at(when), RecordID: rec, Computer: "EX01.corp.example", Channel: "Security"}
	for i := 0; i+1 < len(data); i += 2 {
		e.Data = append(e.Data, evtxwrite.Field{Name: data[i], Value: data[i+1]})
	}
	return e
}

// compromisedEventsTree is a server whose event logs saw a ProxyLogon-era attack: a shell page
// created in aspnet_client two days before it was used, w3wp starting cmd.exe right after the
// request that ran it, a cleared and cut Security log, an OAB URL set to script, and the UM
// deserialization error. The IIS log has the request.
func compromisedEventsTree(t *testing.T) string {
	return mkTree(t, map[string]string{
		sysmonFile: evtxBytes(t, []evtxwrite.Event{
			sysmon(11, "2021-03-01 10:00:00", "Image", "System", "TargetFilename", `C:\inetpub\wwwroot\aspnet_client\system_web\Zq8r.aspx`),
			sysmon(1, "2021-03-02 09:00:00", "Image", `C:\Windows\System32\notepad.exe`, "CommandLine", "notepad.exe", "ParentImage", `C:\Windows\explorer.exe`),
			sysmon(1, "2021-03-03 07:20:30", "Image", `C:\Windows\System32\cmd.exe`, "CommandLine", `cmd /c whoami > C:\inetpub\wwwroot\aspnet_client\o.txt`,
				"ParentImage", `c:\windows\system32\inetsrv\w3wp.exe`, "ParentCommandLine", `c:\windows\system32\inetsrv\w3wp.exe -ap "MSExchangeOWAAppPool" -v "v4.0"`),
		}),
		securityFile: evtxBytes(t, []evtxwrite.Event{
			security(4624, 1, "2021-03-02 08:00:00", "TargetUserName", "alice"),
			security(4624, 2, "2021-03-02 08:01:00", "TargetUserName", "bob"),
			security(4624, 3, "2021-03-02 08:02:00", "TargetUserName", "carol"),
			// records 4 to 8 were cut out
			security(4688, 9, "2021-03-03 07:25:00", "NewProcessName", `C:\Windows\System32\rundll32.exe`,
				"CommandLine", `rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump 640 C:\ProgramData\l.dmp full`, "ParentProcessName", `C:\Windows\System32\cmd.exe`),
			security(4624, 10, "2021-03-03 07:26:00", "TargetUserName", "dave"),
		}),
		"Windows/System32/winevt/Logs/MSExchange Management.evtx": evtxBytes(t, []evtxwrite.Event{{
			Provider: "MSExchange CmdletLogs", EventID: 1, Level: 4, TimeCreated: at("2021-03-03 07:15:00"), Computer: "EX01.corp.example", Channel: "MSExchange Management",
			Data: []evtxwrite.Field{{Value: "Set-OabVirtualDirectory"}, {Value: `-ExternalUrl "http://f/<script language=""JScript"" runat=""server"">function Page_Load(){eval(Request[""p""],""unsafe"");}</script>" -Identity "OAB (Default Web Site)"`}},
		}}),
		"Windows/System32/winevt/Logs/Application.evtx": evtxBytes(t, []evtxwrite.Event{{
			Provider: "MSExchange Unified Messaging", EventID: 1400, Level: 2, TimeCreated: at("2021-03-03 07:10:00"), Computer: "EX01.corp.example", Channel: "Application",
			Data: []evtxwrite.Field{{Value: "System.InvalidCastException: Unable to cast object of type 'System.Windows.Data.ObjectDataProvider'."}},
		}}),
		"Windows/System32/winevt/Logs/System.evtx": evtxBytes(t, []evtxwrite.Event{{
			Provider: "Microsoft-Windows-Eventlog", EventID: 104, Level: 4, TimeCreated: at("2021-03-03 08:00:00"), Computer: "EX01.corp.example", Channel: "System",
			Data: []evtxwrite.Field{{Name: "SubjectUserName", Value: "EX01$"}, {Name: "Channel", Value: "Security"}},
		}}),
		"inetpub/logs/LogFiles/W3SVC1/u_ex210303.log": iisLog(append(benignIIS("2021-03-03", 20),
			"2021-03-03 07:20:01 POST /aspnet_client/system_web/Zq8r.aspx - 198.51.100.7 200")...),
		"Program Files/Microsoft/Exchange Server/V15/Bin/ExSetup.exe": "MZ",
	})
}

func findingsOf(res *finding.HostResult, rule string) []finding.Finding {
	var out []finding.Finding
	for _, f := range res.Findings {
		if f.RuleID == rule {
			out = append(out, f)
		}
	}
	return out
}

func TestHuntEventsFindsTheAttackAndJoinsIncidents(t *testing.T) {
	root := compromisedEventsTree(t)
	res := hunt(t, Options{Root: root, NoFiles: true})
	if res.Verdict != finding.Compromised {
		t.Errorf("verdict %s, want COMPROMISED: %s", res.Verdict, res.Reason)
	}
	if res.Partial {
		t.Errorf("partial, want complete: %+v", res.Problems)
	}
	if res.Stats.EventFiles != 5 || res.Stats.Events != 11 {
		t.Errorf("read %d event files, %d events; want 5, 11", res.Stats.EventFiles, res.Stats.Events)
	}
	want := map[string]string{ // rule -> where (file, record)
		"EXS-EVT-PAGE-CREATED-SHELL-FOLDER":  sysmonFile + " record 1",
		"EXS-EVT-PROC-EXCHANGE-WORKER-SHELL": sysmonFile + " record 3",
		"EXS-EVT-PROC-LSASS-DUMP":            securityFile + " record 9",
		"EXS-EVT-RECORD-GAP":                 securityFile + " record 4-8",
		"EXS-EVT-CMDLET-VDIR-SCRIPT":         "Windows/System32/winevt/Logs/MSExchange Management.evtx record 1",
		"EXS-EVT-UM-INVALIDCAST":             "Windows/System32/winevt/Logs/Application.evtx record 1",
		"EXS-EVT-LOG-CLEARED":                "Windows/System32/winevt/Logs/System.evtx record 1",
	}
	for rule, where := range want {
		fs := findingsOf(res, rule)
		if len(fs) != 1 {
			t.Errorf("%s: %d findings, want 1", rule, len(fs))
			continue
		}
		if got := fs[0].Where.Path + " record " + fs[0].Where.Record; got != where {
			t.Errorf("%s at %q, want %q", rule, got, where)
		}
	}
	if n := len(findingsOf(res, "EXS-EVT-PROC-EXCHANGE-WORKER-SHELL")); n == 1 {
		f := findingsOf(res, "EXS-EVT-PROC-EXCHANGE-WORKER-SHELL")[0]
		if !strings.Contains(f.Target, "whoami") || f.Fields["ParentCommandLine"] == "" || !f.Time.Equal(at("2021-03-03 07:20:30")) {
			t.Errorf("worker-shell finding lacks its command, parent or time: %+v", f)
		}
	}
	// One incident: the request to the shell (client 198.51.100.7), the shell's creation two
	// days earlier (same page name), the cmd.exe a few seconds later (time), the LSASS dump.
	shell := findingsOf(res, "EXS-IIS-WEBSHELL-ASPNETCLIENT")
	if len(shell) != 1 {
		t.Fatalf("IIS shell request: %d findings, want 1", len(shell))
	}
	inc := shell[0].Incident
	for _, rule := range []string{"EXS-EVT-PAGE-CREATED-SHELL-FOLDER", "EXS-EVT-PROC-EXCHANGE-WORKER-SHELL", "EXS-EVT-PROC-LSASS-DUMP"} {
		if fs := findingsOf(res, rule); len(fs) == 1 && fs[0].Incident != inc {
			t.Errorf("%s in incident %d, want %d (the shell request's)", rule, fs[0].Incident, inc)
		}
	}
	var sources []string
	for _, w := range res.Windows {
		sources = append(sources, w.Source)
	}
	for _, s := range []string{"events: Security", "events: " + sysmonChannel, "events: MSExchange Management"} {
		if !slices.Contains(sources, s) {
			t.Errorf("no coverage window %q in %q", s, sources)
		}
	}
}

func TestHuntEventsOnlyAndLooseInputs(t *testing.T) {
	root := compromisedEventsTree(t)
	res := hunt(t, Options{Root: root, NoFiles: true, NoEvents: true})
	if res.Stats.EventFiles != 0 || len(findingsOf(res, "EXS-EVT-PROC-LSASS-DUMP")) != 0 {
		t.Errorf("NoEvents read %d event files", res.Stats.EventFiles)
	}
	// Loose EVTX files in a folder of their own (a collection), with logs and files left out.
	loose := t.TempDir()
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(securityFile)))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(loose, "sec.EVTX"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	res = hunt(t, Options{Root: empty, NoFiles: true, NoLogs: true, EVTX: []string{loose}})
	if fs := findingsOf(res, "EXS-EVT-PROC-LSASS-DUMP"); len(fs) != 1 || fs[0].Where.Path != filepath.ToSlash(filepath.Join(loose, "sec.EVTX")) {
		t.Errorf("loose EVTX: %+v", fs)
	}
	if res.Verdict != finding.Compromised {
		t.Errorf("loose EVTX verdict %s", res.Verdict)
	}
}

func TestHuntEventsExportedJSON(t *testing.T) {
	dir := t.TempDir()
	lines := strings.Join([]string{
		// flat (NXLog-like)
		`{"@timestamp":"2021-03-03T07:20:30Z","Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"Hostname":"EX01","Image":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd /c net group \"domain admins\" /domain","ParentImage":"c:\\windows\\system32\\inetsrv\\w3wp.exe"}`,
		// nested (Winlogbeat)
		`{"@timestamp":"2021-03-03T07:21:00.000Z","winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":11,"computer_name":"EX01","record_id":77,"event_data":{"Image":"System","TargetFilename":"C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\out1.aspx"}}}`,
		`not json at all`,
		`{"@timestamp":"2021-03-03T07:22:00Z","Channel":"Security","EventID":4624,"TargetUserName":"alice"}`,
	}, "\n") + "\n"
	p := filepath.Join(dir, "export.jsonl")
	if err := os.WriteFile(p, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	res := hunt(t, Options{Root: t.TempDir(), NoFiles: true, NoLogs: true, EventFiles: []string{p}})
	if res.Stats.Events != 3 {
		t.Errorf("%d events, want 3", res.Stats.Events)
	}
	for _, rule := range []string{"EXS-EVT-PROC-EXCHANGE-WORKER-SHELL", "EXS-EVT-PAGE-CREATED-AUTH-FOLDER"} {
		if fs := findingsOf(res, rule); len(fs) != 1 || fs[0].Where.Line == 0 {
			t.Errorf("%s: %+v, want one finding with its line", rule, fs)
		}
	}
	bad := false
	for _, pr := range res.Problems {
		if pr.Line == 3 && strings.HasSuffix(pr.Path, "export.jsonl") {
			bad = true
		}
	}
	if !bad {
		t.Errorf("no problem for the bad line 3: %+v", res.Problems)
	}
}

func TestHuntEventsDamagedFilesAreProblemsNotFailures(t *testing.T) {
	good := evtxBytes(t, []evtxwrite.Event{
		security(4688, 1, "2021-03-03 07:25:00", "NewProcessName", `C:\root\procdump64.exe`, "CommandLine", `procdump64.exe -ma lsass.exe C:\root\x.dmp`),
	})
	root := mkTree(t, map[string]string{
		securityFile: good,
		"Windows/System32/winevt/Logs/Garbage.evtx":   strings.Repeat("not an event log ", 500),
		"Windows/System32/winevt/Logs/Truncated.evtx": good[:4096+600],
	})
	res := hunt(t, Options{Root: root, NoFiles: true})
	if len(findingsOf(res, "EXS-EVT-PROC-LSASS-DUMP")) != 1 {
		t.Errorf("the intact log's finding is missing: %+v", res.Findings)
	}
	kinds := map[string]string{}
	for _, p := range res.Problems {
		kinds[p.Path] = p.Kind
	}
	if kinds["Windows/System32/winevt/Logs/Garbage.evtx"] != "not-evtx" {
		t.Errorf("garbage file: problems %+v", res.Problems)
	}
	if k := kinds["Windows/System32/winevt/Logs/Truncated.evtx"]; k != "damaged" {
		t.Errorf("truncated file: kind %q, want damaged; problems %+v", k, res.Problems)
	}
	if !res.Partial {
		t.Error("a damaged event log must make the result partial")
	}
}

// mkTarget is mkF with a target (a URL, a file path, a command line).
func mkTarget(rule, ip, target string, at time.Duration, sup finding.Support) finding.Finding {
	f := mkF(rule, ip, at, sup, finding.High)
	f.Target = target
	return f
}

// incidentOf builds the incidents of fs and returns each rule's incident.
func incidentOf(fs []finding.Finding) ([]finding.Incident, map[string]int) {
	sort.SliceStable(fs, func(i, j int) bool { return finding.Less(&fs[i], &fs[j]) })
	incs := buildIncidents(fs, nil)
	inc := map[string]int{}
	for _, f := range fs {
		inc[f.RuleID] = f.Incident
	}
	return incs, inc
}

func TestPageNames(t *testing.T) {
	tests := []struct {
		target string
		want   []string
	}{
		{"POST /aspnet_client/system_web/Zq8r.aspx", []string{"zq8r.aspx"}},
		{`C:\inetpub\wwwroot\aspnet_client\A.ASPX`, []string{"a.aspx"}},
		{`New-MailboxExportRequest -FilePath "\\localhost\c$\x\rhj.aspx" -Mailbox a`, []string{"rhj.aspx"}},
		{"GET /owa/auth/logon.aspx?replaceCurrent=1", nil}, // every server has it
		{"GET /ecp/y.js", nil},
		{"file:_C:\\x\\s.ashx, t.asmx", []string{"s.ashx", "t.asmx"}},
	}
	for _, tc := range tests {
		if got := pageNames(tc.target); !slices.Equal(got, tc.want) {
			t.Errorf("pageNames(%q) = %q, want %q", tc.target, got, tc.want)
		}
	}
}

// A finding without a client that names a page joins the incident that used the page, even days
// apart and even when another incident is nearer in time; a common page name ties nothing.
func TestIncidentsJoinByPageName(t *testing.T) {
	day := 24 * time.Hour
	fs := []finding.Finding{
		mkTarget("SYSMON-11", "", `C:\inetpub\wwwroot\aspnet_client\Zq8r.aspx`, 0, finding.SupportsCompromised),
		mkTarget("OTHER-ATTACK", "203.0.113.9", "POST /ecp/y.js", time.Hour, finding.SupportsAttempted),
		mkTarget("SHELL-USE", "198.51.100.7", "POST /aspnet_client/Zq8r.aspx", 2*day, finding.SupportsCompromised),
		mkTarget("LOGON-PAGE", "", `C:\x\owa\auth\logon.aspx`, 2*day+time.Hour, finding.SupportsSuspicious),
		mkTarget("TOO-LATE", "", `C:\inetpub\wwwroot\aspnet_client\Zq8r.aspx`, 40*day, finding.SupportsCompromised),
	}
	_, inc := incidentOf(fs)
	if inc["SYSMON-11"] != inc["SHELL-USE"] {
		t.Errorf("the shell's creation is in incident %d, its use in %d: want one", inc["SYSMON-11"], inc["SHELL-USE"])
	}
	if inc["SYSMON-11"] == inc["OTHER-ATTACK"] {
		t.Error("joined the nearer incident instead of the one that used the page")
	}
	if inc["LOGON-PAGE"] != inc["SHELL-USE"] { // no page tie: by time, within 2 h of the shell use
		t.Errorf("logon.aspx finding in incident %d, want the nearest in time (%d)", inc["LOGON-PAGE"], inc["SHELL-USE"])
	}
	if inc["TOO-LATE"] == inc["SHELL-USE"] {
		t.Error("a page named 38 days after its use joined the incident (window 30 days)")
	}
}

// Sigma rules run over the events their logsource selects and over IIS rows; a hit is a
// suspicious finding with the rule's title and level; a rule that cannot run is listed.
func TestHuntEventsSigma(t *testing.T) {
	dir := t.TempDir()
	rulesText := map[string]string{
		"proc.yml": `title: Recon command from a web worker
id: 11111111-2222-3333-4444-555555555555
status: test
level: high
references: [https://example.org/recon]
logsource:
  category: process_creation
  product: windows
detection:
  selection:
    ParentImage|endswith: '\w3wp.exe'
    CommandLine|contains|all: ['cmd', 'whoami']
  condition: selection
`,
		"web.yml": `title: Page requested in aspnet_client
id: 66666666-7777-8888-9999-000000000000
level: medium
logsource:
  category: webserver
detection:
  selection:
    cs-uri-query|contains: '/aspnet_client/'
    cs-method: POST
  condition: selection
`,
		"agg.yml": `title: Many logons
logsource:
  product: windows
  service: security
detection:
  selection:
    EventID: 4624
  condition: selection | count() by TargetUserName > 10
`,
	}
	for name, text := range rulesText {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := sigma.Load([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	res := hunt(t, Options{Root: compromisedEventsTree(t), NoFiles: true, Sigma: set})
	proc := findingsOf(res, "sigma:11111111-2222-3333-4444-555555555555")
	if len(proc) != 1 || proc[0].Severity != finding.High || proc[0].Supports != finding.SupportsSuspicious ||
		proc[0].Source != "event" || !slices.Contains(proc[0].References, "https://example.org/recon") {
		t.Errorf("process rule: %+v", proc)
	}
	web := findingsOf(res, "sigma:66666666-7777-8888-9999-000000000000")
	if len(web) != 1 || web[0].ClientIP != "198.51.100.7" || web[0].Source != "iis" || web[0].Where.Line == 0 {
		t.Errorf("webserver rule: %+v", web)
	}
	if res.Stats.SigmaRules != 2 || len(res.RulesSkipped) != 1 || !strings.HasSuffix(res.RulesSkipped[0].Path, "agg.yml") || res.RulesSkipped[0].Reason == "" {
		t.Errorf("sigma rules %d, skipped %+v; want 2 and agg.yml with a reason", res.Stats.SigmaRules, res.RulesSkipped)
	}
	// The Sigma hit joins the incident of the attack it belongs to.
	if len(proc) == 1 && len(web) == 1 && proc[0].Incident != web[0].Incident {
		t.Errorf("sigma hits in incidents %d and %d, want one", proc[0].Incident, web[0].Incident)
	}
}

// Sigma web rules see IIS rows through the same prefilter as the pack's rules: a command spelt
// with percent-escapes in the query must still reach the rule.
func TestHuntSigmaWebEncoded(t *testing.T) {
	dir := t.TempDir()
	rule := `title: whoami in a query
id: web-whoami
level: high
logsource:
  category: webserver
detection:
  selection:
    cs-uri-query|contains: 'whoami /all'
  condition: selection
`
	if err := os.WriteFile(filepath.Join(dir, "r.yml"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := sigma.Load([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	root := mkTree(t, map[string]string{
		"inetpub/logs/LogFiles/W3SVC1/u_ex210303.log": iisLog(append(benignIIS("2021-03-03", 50),
			"2021-03-03 07:20:01 GET /owa/auth/x.aspx c=%77hoami+%2fall 198.51.100.7 200",
			"2021-03-03 07:20:02 GET /owa/auth/x.aspx c=whoami%20/all 198.51.100.8 200",
			"2021-03-03 07:20:03 GET /owa/auth/x.aspx c=who+ami 198.51.100.9 200")...),
	})
	res := hunt(t, Options{Root: root, NoFiles: true, NoEvents: true, Sigma: set})
	var clients []string
	for _, f := range findingsOf(res, "sigma:web-whoami") {
		clients = append(clients, f.ClientIP)
	}
	if !slices.Equal(clients, []string{"198.51.100.7", "198.51.100.8"}) {
		t.Errorf("sigma hits from %q, want the two encoded spellings", clients)
	}
}

// A scanner's failed request for a shell name must not pull the shell's creation (weeks later,
// by someone else) into the scanner's incident.
func TestIncidentsPageJoinNeedsSuccess(t *testing.T) {
	day := 24 * time.Hour
	fs := []finding.Finding{
		mkTarget("SHELL-404", "198.51.100.50", "GET /aspnet_client/shell.aspx", 0, finding.SupportsAttempted),
		mkTarget("DDI-RESET", "203.0.113.9", "POST /ecp/DDI/DDIService.svc/SetObject", 19*day, finding.SupportsCompromised),
		mkTarget("SYSMON-11", "", `C:\inetpub\wwwroot\aspnet_client\shell.aspx`, 19*day+time.Minute, finding.SupportsCompromised),
	}
	_, inc := incidentOf(fs)
	if inc["SYSMON-11"] != inc["DDI-RESET"] {
		t.Errorf("the creation joined incident %d, want the reset's %d (the scanner's is %d)", inc["SYSMON-11"], inc["DDI-RESET"], inc["SHELL-404"])
	}
}

// Review cases: the same log named twice is read once; a forged date does not stretch the
// coverage; a wiped newest chunk shows as damage and as records missing at the end.
func TestHuntEventsReviewCases(t *testing.T) {
	root := compromisedEventsTree(t)
	res := hunt(t, Options{Root: root, NoFiles: true, NoLogs: true, EVTX: []string{filepath.Join(root, "Windows", "System32", "winevt", "Logs") + "/./"}})
	if res.Stats.EventFiles != 5 || len(findingsOf(res, "EXS-EVT-PROC-LSASS-DUMP")) != 1 {
		t.Errorf("root logs also named with --evtx: %d files, %d LSASS findings; want 5 and 1", res.Stats.EventFiles, len(findingsOf(res, "EXS-EVT-PROC-LSASS-DUMP")))
	}

	odd := mkTree(t, map[string]string{securityFile: evtxBytes(t, []evtxwrite.Event{
		security(4624, 1, "1601-01-01 00:00:00", "TargetUserName", "x"),
		security(4624, 2, "2026-01-01 00:00:00", "TargetUserName", "y"),
	})})
	res = hunt(t, Options{Root: odd, NoFiles: true})
	for _, w := range res.Windows {
		if !w.First.IsZero() && w.First.Year() < 2000 {
			t.Errorf("window %s starts %s", w.Source, w.First)
		}
	}
	if !slices.ContainsFunc(res.Warnings, func(s string) bool { return strings.Contains(s, "1 events are dated before 2000") }) {
		t.Errorf("no warning about the odd date: %q", res.Warnings)
	}

	// Two chunks (the record number jump starts the second), the second wiped.
	two := evtxBytes(t, []evtxwrite.Event{
		security(4624, 1, "2021-03-03 07:00:00", "TargetUserName", "a"),
		security(4624, 2, "2021-03-03 07:01:00", "TargetUserName", "b"),
		security(4688, 100, "2021-03-03 07:20:00", "NewProcessName", `C:\Windows\System32\cmd.exe`, "ParentProcessName", `C:\Windows\System32\inetsrv\w3wp.exe`),
	})
	if len(two) < 4096+2*65536 {
		t.Fatalf("fixture has %d bytes, want two chunks", len(two))
	}
	wiped := two[:4096+65536] + strings.Repeat("\x00", len(two)-4096-65536)
	res = hunt(t, Options{Root: mkTree(t, map[string]string{securityFile: wiped}), NoFiles: true})
	blank := slices.ContainsFunc(res.Problems, func(p finding.Problem) bool {
		return p.Kind == "damaged" && strings.Contains(p.Message, "chunk 1 is blank")
	})
	if !blank || !res.Partial {
		t.Errorf("wiped chunk: problems %+v, partial %v", res.Problems, res.Partial)
	}
	gap := findingsOf(res, "EXS-EVT-RECORD-GAP")
	if len(gap) != 1 || gap[0].Where.Record != "3-100" || !strings.Contains(gap[0].Evidence, "newest") {
		t.Errorf("records lost at the end: %+v", gap)
	}
}

// A shell's creation joined by page name widens its incident, but not the stretch of time other
// clientless findings attach to: another attacker's cmd.exe during those days is not A's.
func TestIncidentsPageJoinDoesNotStretchAttachment(t *testing.T) {
	day := 24 * time.Hour
	fs := []finding.Finding{
		mkTarget("A-SHELL-CREATED", "", `C:\inetpub\wwwroot\aspnet_client\a.aspx`, 0, finding.SupportsCompromised),
		mkTarget("B-EXPLOIT", "203.0.113.9", "POST /ecp/y.js", 15*day, finding.SupportsAttempted),
		mkTarget("B-CMD", "", "cmd.exe /c whoami", 15*day+20*time.Minute, finding.SupportsCompromised),
		mkTarget("A-SHELL-USE", "198.51.100.7", "POST /aspnet_client/a.aspx", 25*day, finding.SupportsCompromised),
	}
	incs, inc := incidentOf(fs)
	if inc["A-SHELL-CREATED"] != inc["A-SHELL-USE"] || inc["B-CMD"] != inc["B-EXPLOIT"] || inc["B-CMD"] == inc["A-SHELL-USE"] {
		t.Errorf("incidents %v: want A's creation with A's use, B's cmd with B's exploit", inc)
	}
	for _, in := range incs {
		if in.ID == inc["A-SHELL-USE"] && !in.FirstSeen.Equal(t0) {
			t.Errorf("A's incident starts %s, want the shell's creation %s", in.FirstSeen, t0)
		}
	}
}

// An EVTX file given to --events and an export given to --evtx are read for what they are.
func TestHuntEventsFlagsMixedUp(t *testing.T) {
	dir := t.TempDir()
	ev := filepath.Join(dir, "sec.evtx")
	js := filepath.Join(dir, "export.json")
	if err := os.WriteFile(ev, []byte(evtxBytes(t, []evtxwrite.Event{
		security(4688, 1, "2021-03-03 07:25:00", "NewProcessName", `C:\root\procdump64.exe`, "CommandLine", `procdump64.exe -ma lsass.exe x.dmp`),
	})), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(js, []byte(`{"Channel":"Security","EventID":4688,"@timestamp":"2021-03-03T07:26:00Z","CommandLine":"rundll32 comsvcs.dll MiniDump 1 x full"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := hunt(t, Options{Root: t.TempDir(), NoFiles: true, NoLogs: true, EVTX: []string{js}, EventFiles: []string{ev}})
	if n := len(findingsOf(res, "EXS-EVT-PROC-LSASS-DUMP")); n != 2 || len(res.Problems) != 0 {
		t.Errorf("%d LSASS findings (want 2: one per file), problems %+v", n, res.Problems)
	}
}
