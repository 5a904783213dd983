package sigma

import (
	"fmt"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/winevent"
)

// benchRules writes n process-creation rules of the usual public shapes (image endings,
// command-line pieces, a filter), each with its own values.
func benchRules(n int) []byte {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `---
title: bench rule %d
level: high
logsource:
  product: windows
  category: process_creation
detection:
  selection_img:
    - Image|endswith:
        - '\tool%da.exe'
        - '\tool%db.exe'
    - OriginalFileName: 'Tool%d.exe'
  selection_cli:
    CommandLine|windash|contains:
      - ' -dump%d '
      - ' -export%d'
  filter_main:
    ParentImage|startswith: 'C:\Program Files\Vendor%d\'
  condition: all of selection_* and not 1 of filter_*
`, i, i, i, i, i, i, i)
	}
	return []byte(b.String())
}

func benchEvent() *winevent.Event {
	return &winevent.Event{Channel: "Microsoft-Windows-Sysmon/Operational", Provider: "Microsoft-Windows-Sysmon", EventID: 1, Data: []winevent.Field{
		{Name: "RuleName", Value: "-"}, {Name: "UtcTime", Value: "2021-03-03 04:12:33.123"},
		{Name: "ProcessGuid", Value: "{8f2a1c3e-0a11-6040-2c01-000000000600}"}, {Name: "ProcessId", Value: "7000"},
		{Name: "Image", Value: `C:\Windows\System32\cmd.exe`}, {Name: "OriginalFileName", Value: "Cmd.Exe"},
		{Name: "CommandLine", Value: `cmd /c "whoami /all > C:\inetpub\wwwroot\aspnet_client\o.txt"`},
		{Name: "CurrentDirectory", Value: `c:\windows\system32\inetsrv\`}, {Name: "User", Value: `NT AUTHORITY\SYSTEM`},
		{Name: "ParentImage", Value: `C:\Windows\System32\inetsrv\w3wp.exe`},
		{Name: "ParentCommandLine", Value: `c:\windows\system32\inetsrv\w3wp.exe -ap "MSExchangeOWAAppPool" -v "v4.0"`},
	}}
}

// BenchmarkEventRules is one event against 500 rules: the per-event cost of an event-log hunt.
func BenchmarkEventRules(b *testing.B) {
	set := Parse(benchRules(500), "bench.yml")
	if len(set.Rules) != 500 {
		b.Fatalf("%d rules: %v", len(set.Rules), set.Unusable[:1])
	}
	e := benchEvent()
	b.ReportAllocs()
	for b.Loop() {
		rec := EventRecord(e)
		for _, r := range set.Rules {
			if r.ForEvent(e) && r.Match(rec) {
				b.Fatal("matched")
			}
		}
	}
}

// BenchmarkParse is loading 500 rules.
func BenchmarkParse(b *testing.B) {
	data := benchRules(500)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if s := Parse(data, "bench.yml"); len(s.Rules) != 500 {
			b.Fatal(len(s.Rules))
		}
	}
}

// BenchmarkWebRecord is adapting and matching one IIS row against a web rule.
func BenchmarkWebRecord(b *testing.B) {
	set := Parse([]byte("title: w\nlogsource: {category: webserver}\ndetection:\n  s:\n    cs-uri-query|contains: ['/ecp/x.aspx?cmd=', 'exec=']\n    c-useragent|contains: 'python'\n  condition: s\n"), "w.yml")
	row := map[string]string{"date": "2021-03-03", "time": "04:12:33", "s-ip": "10.0.0.5", "cs-method": "POST",
		"cs-uri-stem": "/ecp/DDI/DDIService.svc/SetObject", "cs-uri-query": "schema=ResetOABVirtualDirectory&msExchEcpCanary=abc%20def",
		"s-port": "443", "cs-username": "-", "c-ip": "203.0.113.9", "cs(user-agent)": "Mozilla/5.0+(Windows+NT+10.0)", "sc-status": "200"}
	b.ReportAllocs()
	for b.Loop() {
		if set.Rules[0].Match(WebRecord(row)) {
			b.Fatal("matched")
		}
	}
}
