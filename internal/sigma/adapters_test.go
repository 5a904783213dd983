package sigma

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/winevent"
)

func logsourceRule(t *testing.T, ls string) *Rule {
	t.Helper()
	set := Parse([]byte("title: L\nlogsource:\n"+ls+"detection:\n  k: ['x']\n  condition: k\n"), "l.yml")
	if len(set.Rules) != 1 {
		t.Fatalf("logsource %q: %v", ls, set.Unusable)
	}
	return set.Rules[0]
}

func TestForEvent(t *testing.T) {
	const sys = "Microsoft-Windows-Sysmon/Operational"
	ev := func(channel, provider string, id uint32, data ...winevent.Field) *winevent.Event {
		return &winevent.Event{Channel: channel, Provider: provider, EventID: id, Data: data}
	}
	sysmon1 := ev(sys, "Microsoft-Windows-Sysmon", 1)
	sec4688 := ev("Security", "Microsoft-Windows-Security-Auditing", 4688)
	sec4624 := ev("security", "", 4624)
	sysmon11 := ev(strings.ToUpper(sys), "", 11)
	noChannel1 := ev("", "Microsoft-Windows-Sysmon", 1)
	otherProvider1 := ev("", "MSExchange CmdletLogs", 1)
	bare1 := ev("", "", 1)
	cmdlet := ev("MSExchange Management", "MSExchange CmdletLogs", 1)
	ps4104 := ev("Microsoft-Windows-PowerShell/Operational", "", 4104)
	pscore4104 := ev("PowerShellCore/Operational", "", 4104)
	reg12add := ev(sys, "", 12, winevent.Field{Name: "EventType", Value: "CreateKey"})
	reg12del := ev(sys, "", 12, winevent.Field{Name: "EventType", Value: "DeleteValue"})
	reg13 := ev(sys, "", 13)
	system7045 := ev("System", "Service Control Manager", 7045)
	defender := ev("Microsoft-Windows-Windows Defender/Operational", "", 1116)
	all := []*winevent.Event{sysmon1, sec4688, sec4624, sysmon11, noChannel1, otherProvider1, bare1, cmdlet, ps4104, pscore4104, reg12add, reg12del, reg13, system7045, defender}
	name := map[*winevent.Event]string{sysmon1: "sysmon1", sec4688: "sec4688", sec4624: "sec4624", sysmon11: "sysmon11", noChannel1: "noChannel1",
		otherProvider1: "otherProvider1", bare1: "bare1", cmdlet: "cmdlet", ps4104: "ps4104", pscore4104: "pscore4104", reg12add: "reg12add",
		reg12del: "reg12del", reg13: "reg13", system7045: "system7045", defender: "defender"}
	cases := []struct {
		ls   string
		want []*winevent.Event
	}{
		{"  product: windows\n  category: process_creation\n", []*winevent.Event{sysmon1, sec4688, noChannel1, bare1}},
		{"  category: process_creation\n", []*winevent.Event{sysmon1, sec4688, noChannel1, bare1}},
		{"  product: windows\n  category: file_event\n", []*winevent.Event{sysmon11}},
		{"  product: windows\n  service: security\n", []*winevent.Event{sec4688, sec4624}},
		{"  product: windows\n  service: sysmon\n", []*winevent.Event{sysmon1, sysmon11, noChannel1, reg12add, reg12del, reg13}},
		{"  product: windows\n  service: msexchange-management\n", []*winevent.Event{otherProvider1, cmdlet}},
		{"  product: windows\n  category: ps_script\n", []*winevent.Event{ps4104, pscore4104}},
		{"  product: windows\n  category: registry_add\n", []*winevent.Event{reg12add}},
		{"  product: windows\n  category: registry_delete\n", []*winevent.Event{reg12del}},
		{"  product: windows\n  category: registry_event\n", []*winevent.Event{reg12add, reg12del, reg13}},
		{"  product: windows\n  service: system\n", []*winevent.Event{system7045}},
		{"  product: windows\n  service: windefend\n", []*winevent.Event{defender}},
		{"  product: windows\n  service: security\n  category: process_creation\n", []*winevent.Event{sec4688}},
		{"  product: windows\n", all},
		{"  {}\n", all},
		{"  category: webserver\n", nil},
	}
	for _, c := range cases {
		t.Run(strings.TrimSpace(c.ls), func(t *testing.T) {
			r := logsourceRule(t, c.ls)
			want := map[*winevent.Event]bool{}
			for _, e := range c.want {
				want[e] = true
			}
			for _, e := range all {
				if got := r.ForEvent(e); got != want[e] {
					t.Errorf("%s: ForEvent %v, want %v", name[e], got, want[e])
				}
			}
			if r.ForWeb() != strings.Contains(c.ls, "webserver") {
				t.Errorf("ForWeb %v", r.ForWeb())
			}
		})
	}
}

func TestEventRecord(t *testing.T) {
	e := &winevent.Event{
		Channel: "Security", Provider: "Microsoft-Windows-Security-Auditing", Computer: "EX01.corp.example",
		EventID: 4688, Level: 0, RecordID: 42, Message: "A new process has been created.",
		Data: []winevent.Field{
			{Name: "SubjectUserName", Value: "EX01$"},
			{Name: "SubjectDomainName", Value: "CORP"},
			{Name: "SubjectLogonId", Value: "0x3e7"},
			{Name: "NewProcessId", Value: "0x1cd8"},
			{Name: "NewProcessName", Value: `C:\Windows\System32\cmd.exe`},
			{Name: "ProcessId", Value: "0x1900"},
			{Name: "CommandLine", Value: "cmd /c whoami"},
			{Name: "MandatoryLabel", Value: "S-1-16-16384"},
			{Name: "ParentProcessName", Value: `C:\Windows\System32\inetsrv\w3wp.exe`},
			{Name: "Repeated", Value: "one"},
			{Name: "", Value: "unnamed value"},
			{Name: "repeated", Value: "two"},
		},
	}
	r := EventRecord(e)
	cases := []struct {
		name string
		want []string // nil: absent
	}{
		{"EventID", []string{"4688"}},
		{"eventid", []string{"4688"}},
		{"Channel", []string{"Security"}},
		{"Provider_Name", []string{"Microsoft-Windows-Security-Auditing"}},
		{"Computer", []string{"EX01.corp.example"}},
		{"Level", []string{"0"}},
		{"EventRecordID", []string{"42"}},
		{"Image", []string{`C:\Windows\System32\cmd.exe`}},
		{"ProcessId", []string{"0x1cd8"}},
		{"ParentProcessId", []string{"0x1900"}},
		{"ParentImage", []string{`C:\Windows\System32\inetsrv\w3wp.exe`}},
		{"LogonId", []string{"0x3e7"}},
		{"IntegrityLevel", []string{"S-1-16-16384", "System"}},
		{"User", []string{"EX01$", `CORP\EX01$`}},
		{"NewProcessName", []string{`C:\Windows\System32\cmd.exe`}},
		{"commandline", []string{"cmd /c whoami"}},
		{"Repeated", []string{"one", "two"}},
		{"ParentCommandLine", nil},
		{"", nil},
	}
	for _, c := range cases {
		got, ok := r.Field(c.name)
		if ok != (c.want != nil) || strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("Field(%q) = %q, %v; want %q", c.name, got, ok, c.want)
		}
	}
	kw := r.Keywords()
	if len(kw) != len(e.Data)+1 || kw[len(kw)-1] != e.Message || kw[10] != "unnamed value" {
		t.Errorf("keywords %q", kw)
	}
	// Without a message, the joined data values stand in for the event text.
	noMsg := EventRecord(&winevent.Event{Data: []winevent.Field{{Value: "Set-Thing"}, {Value: "-Name x"}}})
	if got := noMsg.Keywords(); len(got) != 3 || got[2] != "Set-Thing -Name x" {
		t.Errorf("keywords without a message %q", got)
	}

	// The mapping is for Security 4688 only: Sysmon's own names stay as they are.
	s := EventRecord(&winevent.Event{Channel: "Microsoft-Windows-Sysmon/Operational", EventID: 1, Data: []winevent.Field{
		{Name: "ProcessId", Value: "7000"}, {Name: "Image", Value: `C:\x.exe`}}})
	if v, _ := s.Field("ProcessId"); len(v) != 1 || v[0] != "7000" {
		t.Errorf("Sysmon ProcessId %q", v)
	}
	// System fields that the input did not have are absent.
	bare := EventRecord(&winevent.Event{EventID: 7})
	for _, n := range []string{"Channel", "Provider_Name", "Computer", "EventRecordID"} {
		if _, ok := bare.Field(n); ok {
			t.Errorf("%s present on a bare event", n)
		}
	}
	if len(bare.Keywords()) != 0 {
		t.Errorf("bare keywords %q", bare.Keywords())
	}
}

func TestEventRuleEndToEnd(t *testing.T) {
	set, err := Load([]string{"testdata/rules/windows/process.yml", "testdata/rules/windows/multi.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	proc, cmdlet := set.Rules[0], set.Rules[1]
	// The same attack seen by Security 4688 and by Sysmon 1.
	parentCmd := `c:\windows\system32\inetsrv\w3wp.exe -ap "MSExchangeOWAAppPool"`
	sec := &winevent.Event{Channel: "Security", EventID: 4688, Data: []winevent.Field{
		{Name: "NewProcessName", Value: `C:\Windows\System32\cmd.exe`},
		{Name: "ParentProcessName", Value: `C:\Windows\System32\inetsrv\w3wp.exe`},
	}}
	sysmon := &winevent.Event{Channel: "Microsoft-Windows-Sysmon/Operational", EventID: 1, Data: []winevent.Field{
		{Name: "Image", Value: `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`},
		{Name: "ParentImage", Value: `C:\Windows\System32\inetsrv\w3wp.exe`},
		{Name: "ParentCommandLine", Value: parentCmd},
	}}
	benign := &winevent.Event{Channel: "Microsoft-Windows-Sysmon/Operational", EventID: 1, Data: []winevent.Field{
		{Name: "Image", Value: `C:\Windows\System32\csc.exe`},
		{Name: "ParentImage", Value: `C:\Windows\System32\inetsrv\w3wp.exe`},
		{Name: "ParentCommandLine", Value: parentCmd},
	}}
	if !proc.ForEvent(sysmon) || !proc.Match(EventRecord(sysmon)) {
		t.Error("Sysmon 1 shell under w3wp not found")
	}
	if !proc.ForEvent(sec) || proc.Match(EventRecord(sec)) {
		t.Error("4688 has no parent command line: the rule cannot match it")
	}
	if proc.Match(EventRecord(benign)) {
		t.Error("csc.exe under w3wp is not a shell")
	}
	mgmt := &winevent.Event{Channel: "MSExchange Management", Provider: "MSExchange CmdletLogs", EventID: 1, Data: []winevent.Field{
		{Value: "Set-OabVirtualDirectory"}, {Value: `-ExternalUrl "http://x/<script language=JScript runat=server>"`}, {Value: "admin"},
	}}
	if !cmdlet.ForEvent(mgmt) || !cmdlet.Match(EventRecord(mgmt)) {
		t.Error("OAB virtual directory script not found by keywords")
	}
	mgmt.Data[1].Value = `-ExternalUrl "https://mail.example/oab"`
	if cmdlet.Match(EventRecord(mgmt)) {
		t.Error("a plain OAB URL change matched")
	}
	// A keyword with a leading space spans the cmdlet name and its parameters (EVTX events
	// carry no rendered message).
	export := ruleFrom(t, "k:\n  '|all':\n    - 'New-MailboxExportRequest'\n    - ' -FilePath '\ncondition: k")
	exportEvent := &winevent.Event{Channel: "MSExchange Management", EventID: 1, Data: []winevent.Field{
		{Value: "New-MailboxExportRequest"}, {Value: `-FilePath "\\127.0.0.1\c$\inetpub\x.aspx" -Mailbox "admin"`}, {Value: "admin"},
	}}
	if !export.Match(EventRecord(exportEvent)) {
		t.Error("keyword spanning data values not found")
	}
	exportEvent.Data[1].Value = `-Mailbox "admin"`
	if export.Match(EventRecord(exportEvent)) {
		t.Error("export without a file path matched")
	}
}

func TestWebRecord(t *testing.T) {
	row := map[string]string{
		"date": "2021-03-03", "time": "04:12:33", "s-ip": "10.0.0.5", "cs-method": "POST",
		"cs-uri-stem": "/ecp/%73hell.aspx", "cs-uri-query": "cmd=who%61mi+/all&x=%u0041", "s-port": "443",
		"cs-username": "-", "c-ip": "203.0.113.9", "cs(user-agent)": "Mozilla/5.0+(Windows+NT)",
		"cs(referer)": "-", "sc-status": "200", "cs-host": "mail.example",
	}
	r := WebRecord(row)
	cases := []struct {
		name string
		want []string
	}{
		{"cs-uri-stem", []string{"/ecp/%73hell.aspx", "/ecp/shell.aspx"}},
		{"c-uri-stem", []string{"/ecp/%73hell.aspx", "/ecp/shell.aspx"}},
		{"cs-uri-query", []string{"cmd=who%61mi+/all&x=%u0041", "cmd=whoami /all&x=A", "/ecp/%73hell.aspx?cmd=who%61mi+/all&x=%u0041", "/ecp/shell.aspx?cmd=whoami /all&x=A"}},
		{"c-uri", []string{"/ecp/%73hell.aspx?cmd=who%61mi+/all&x=%u0041", "/ecp/shell.aspx?cmd=whoami /all&x=A"}},
		{"c-uri-extension", []string{"aspx"}},
		{"c-useragent", []string{"Mozilla/5.0+(Windows+NT)", "Mozilla/5.0 (Windows NT)"}},
		{"cs-user-agent", []string{"Mozilla/5.0+(Windows+NT)", "Mozilla/5.0 (Windows NT)"}},
		{"cs(User-Agent)", []string{"Mozilla/5.0+(Windows+NT)", "Mozilla/5.0 (Windows NT)"}},
		{"src_ip", []string{"203.0.113.9"}},
		{"c-ip", []string{"203.0.113.9"}},
		{"dst_ip", []string{"10.0.0.5"}},
		{"cs-method", []string{"POST"}},
		{"SC-STATUS", []string{"200"}},
		{"cs-host", []string{"mail.example"}},
		{"r-dns", []string{"mail.example"}},
		{"cs-username", nil},
		{"cs-referer", nil},
		{"cs-cookie", nil},
	}
	for _, c := range cases {
		got, ok := r.Field(c.name)
		if ok != (c.want != nil) || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("Field(%q) = %q, %v; want %q", c.name, got, ok, c.want)
		}
	}
	kw := append([]string(nil), r.Keywords()...)
	sort.Strings(kw)
	for _, want := range []string{"/ecp/shell.aspx", "cmd=whoami /all&x=A", "Mozilla/5.0 (Windows NT)", "POST"} {
		if i := sort.SearchStrings(kw, want); i == len(kw) || kw[i] != want {
			t.Errorf("keywords %q lack %q", kw, want)
		}
	}
	for _, k := range kw {
		if k == "-" || strings.Contains(k, "?") {
			t.Errorf("keyword %q: no '-' placeholders, no composite URIs", k)
		}
	}
	// Without a query, cs-uri-query offers the stem (path rules written against cs-uri-query).
	r = WebRecord(map[string]string{"cs-uri-stem": "/owa/auth/x.aspx", "cs-uri-query": "-"})
	if got, ok := r.Field("cs-uri-query"); !ok || fmt.Sprint(got) != "[/owa/auth/x.aspx]" {
		t.Errorf("query of a query-less row: %q", got)
	}
	// Malformed escapes stay as written.
	if got := percentDecode("%zz%4%u12%u00e9%41", true); got != "%zz%4%u12éA" {
		t.Errorf("percentDecode = %q", got)
	}
}

func TestWebRulesEndToEnd(t *testing.T) {
	set, err := Load([]string{"testdata/rules/other/deeper/webshell.YML", "testdata/rules/web/probe.yaml"})
	if err != nil || len(set.Rules) != 2 {
		t.Fatal(err, set)
	}
	query, agent := set.Rules[0], set.Rules[1]
	cases := []struct {
		r   *Rule
		row map[string]string
		hit bool
	}{
		{query, map[string]string{"cs-method": "GET", "cs-uri-stem": "/owa/auth/x.aspx", "cs-uri-query": "cmd=whoami"}, true},
		{query, map[string]string{"cs-method": "GET", "cs-uri-stem": "/owa/auth/x.aspx", "cs-uri-query": "CMD=%77hoami"}, true},
		{query, map[string]string{"cs-method": "POST", "cs-uri-stem": "/owa/auth/x.aspx", "cs-uri-query": "cmd=whoami"}, false},
		{query, map[string]string{"cs-method": "GET", "cs-uri-stem": "/owa/auth/x.aspx", "cs-uri-query": "cmd=dir"}, false},
		{agent, map[string]string{"cs(user-agent)": "ProbeScanner/1.4+(compatible)"}, true},
		{agent, map[string]string{"cs(user-agent)": "ProbeScanner/2.0"}, false},
		{agent, map[string]string{"cs(user-agent)": "-"}, false},
	}
	for i, c := range cases {
		if !c.r.ForWeb() {
			t.Fatalf("%s: not a web rule", c.r.Title)
		}
		if got := c.r.Match(WebRecord(c.row)); got != c.hit {
			t.Errorf("case %d: %s on %v = %v", i, c.r.Title, c.row, got)
		}
	}
}

// cs-uri-query offers the stem to string matchers when a row has no query, yet for null and
// exists the query is absent.
func TestWebQueryNullAndExists(t *testing.T) {
	set := Parse([]byte(`title: page without a query
logsource: {category: webserver}
detection:
  page: {cs-uri-stem|endswith: .aspx}
  noq: {cs-uri-query: null}
  condition: page and noq
---
title: query exists
logsource: {category: webserver}
detection:
  q: {cs-uri-query|exists: true}
  condition: q
`), "t.yml")
	if len(set.Rules) != 2 {
		t.Fatalf("rules %d, unusable %+v", len(set.Rules), set.Unusable)
	}
	noQuery, hasQuery := set.Rules[0], set.Rules[1]
	without := WebRecord(map[string]string{"cs-uri-stem": "/aspnet_client/x.aspx", "cs-uri-query": "-"})
	with := WebRecord(map[string]string{"cs-uri-stem": "/aspnet_client/x.aspx", "cs-uri-query": "a=1"})
	for _, c := range []struct {
		r    *Rule
		rec  Record
		want bool
	}{{noQuery, without, true}, {noQuery, with, false}, {hasQuery, without, false}, {hasQuery, with, true}} {
		if got := c.r.Match(c.rec); got != c.want {
			t.Errorf("%s: %v, want %v", c.r.Title, got, c.want)
		}
	}
}
