package events

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/winevent"
)

func fld(name, value string) winevent.Field { return winevent.Field{Name: name, Value: value} }

func TestRecordFields(t *testing.T) {
	sysmon1 := &winevent.Event{Channel: "Microsoft-Windows-Sysmon/Operational", EventID: 1, Data: []winevent.Field{
		fld("Image", `C:\Windows\System32\CMD.EXE`), fld("CommandLine", "cmd /c whoami"),
		fld("ParentImage", `c:\windows\system32\inetsrv\w3wp.exe`),
		fld("ParentCommandLine", `c:\windows\system32\inetsrv\w3wp.exe -ap "MSExchangeECPAppPool" -v "v4.0"`),
	}}
	sec4688 := &winevent.Event{Channel: "Security", EventID: 4688, Data: []winevent.Field{
		fld("NewProcessName", `C:\Windows\System32\whoami.exe`), fld("ParentProcessName", `C:\Program Files\Microsoft\Exchange Server\V15\Bin\UMWorkerProcess.exe`),
	}}
	sysmon11 := &winevent.Event{EventID: 11, Data: []winevent.Field{fld("Image", "System"), fld("TargetFilename", `\\?\C:\inetpub\wwwroot\aspnet_client\X.ASPX`)}}
	cmdlet := &winevent.Event{Provider: "MSExchange CmdletLogs", Data: []winevent.Field{fld("", "Set-OabVirtualDirectory"), fld("", "-ExternalUrl x"), fld("", "caller")}}
	unquotedPool := &winevent.Event{Data: []winevent.Field{fld("ParentCommandLine", `w3wp.exe -ap MSExchangeOWAAppPool -v v4.0`)}}
	var placed []string
	placeOf := func(p string) string { placed = append(placed, p); return "aspnet-client" }
	tests := []struct {
		ev          *winevent.Event
		field, want string
	}{
		{sysmon1, "process", `C:\Windows\System32\CMD.EXE`},
		{sysmon1, "process-name", "cmd.exe"},
		{sysmon1, "parent-name", "w3wp.exe"},
		{sysmon1, "pool", "MSExchangeECPAppPool"},
		{sysmon1, "event-id", "1"},
		{sysmon1, "commandline", "cmd /c whoami"}, // data names in any case
		{sec4688, "process-name", "whoami.exe"},
		{sec4688, "parent-name", "umworkerprocess.exe"},
		{sec4688, "pool", ""},
		{sysmon11, "file-place", "aspnet-client"},
		{sysmon11, "file-name", "x.aspx"},
		{sysmon11, "file-ext", ".aspx"},
		{sysmon11, "process-name", "system"},
		{cmdlet, "cmdlet", "Set-OabVirtualDirectory"},
		{cmdlet, "parameters", "-ExternalUrl x"},
		{cmdlet, "data", "Set-OabVirtualDirectory\n-ExternalUrl x\ncaller\n"},
		{unquotedPool, "pool", "MSExchangeOWAAppPool"},
		{sec4688, "cmdlet", ""},
	}
	for _, tc := range tests {
		r := &Record{Event: tc.ev, PlaceOf: placeOf}
		if got, _ := r.Field(tc.field); got != tc.want {
			t.Errorf("%s of %+v = %q, want %q", tc.field, tc.ev.Data, got, tc.want)
		}
	}
	if len(placed) != 1 || placed[0] != "inetpub/wwwroot/aspnet_client/X.ASPX" {
		t.Errorf("place looked up for %q, want the drive-relative path", placed)
	}
}

// Literal fields must be substrings of the evidence text (ASCII case aside): that is what makes
// selecting rules by their literals in it sound. Random events check it field by field.
func TestLiteralFieldsAreInTheEvidence(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		const alpha = `abcXYZ019 \/."=-:;é`
		n := rnd.IntN(12)
		var b strings.Builder
		for range n {
			b.WriteByte(alpha[rnd.IntN(len(alpha))])
		}
		return b.String()
	}
	for range 2000 {
		e := &winevent.Event{Channel: word(), Provider: word(), EventID: uint32(rnd.IntN(10000)), Message: word()}
		for range rnd.IntN(6) {
			name := ""
			if rnd.IntN(3) > 0 {
				name = dataColumns[rnd.IntN(len(dataColumns))].name
			}
			e.Data = append(e.Data, winevent.Field{Name: name, Value: word()})
		}
		text := bytes.ToLower(AppendEvidence(nil, e))
		r := &Record{Event: e}
		for _, f := range Fields() {
			if !f.Literal {
				continue
			}
			v, _ := r.Field(strings.ToLower(f.Name))
			for _, line := range strings.Split(v, "\n") { // data: values one per line
				if !bytes.Contains(text, []byte(strings.ToLower(line))) {
					t.Fatalf("field %s = %q is not in the evidence %q", f.Name, line, text)
				}
			}
		}
	}
}

func TestSampleEvent(t *testing.T) {
	e := SampleEvent(map[string]string{"channel": "MSExchange Management", "event-id": "6", "cmdlet": "Set-X", "parameters": "-A b", "commandline": "c"})
	if e.Channel != "MSExchange Management" || e.EventID != 6 {
		t.Errorf("system fields: %+v", e)
	}
	want := []winevent.Field{fld("", "Set-X"), fld("", "-A b"), fld("CommandLine", "c")}
	if len(e.Data) != len(want) {
		t.Fatalf("data %+v, want %+v", e.Data, want)
	}
	for i := range want {
		if e.Data[i] != want[i] {
			t.Errorf("data[%d] = %+v, want %+v", i, e.Data[i], want[i])
		}
	}
}

func TestGapFields(t *testing.T) {
	g := Gaps{Channel: "Security", File: "S.evtx", List: []Gap{{After: 10, Before: 21}, {After: 30, Before: 32}}}
	for f, want := range map[string]string{"missing": "11", "gaps": "2", "after": "10", "before": "21", "channel": "Security", "file": "S.evtx"} {
		if got, _ := g.Field(f); got != want {
			t.Errorf("%s = %q, want %q", f, got, want)
		}
	}
}

func TestFill(t *testing.T) {
	e := &winevent.Event{Channel: "Security", EventID: 4624, RecordID: 42, Provider: "Microsoft-Windows-Security-Auditing",
		Data: []winevent.Field{fld("TargetUserName", "alice"), fld("IpAddress", "::ffff:198.51.100.7"), fld("SubjectUserName", "EX01$")}}
	var f finding.Finding
	Fill(e, "Security.evtx", 4096+512, 0, &f)
	if f.ClientIP != "198.51.100.7" || f.User != "EX01$" || f.Where.Record != "42" || f.Where.Offset != 4608 || f.Fields["TargetUserName"] != "alice" || f.Fields["event_id"] != "4624" {
		t.Errorf("filled %+v", f)
	}
	e.Data[1].Value = "-" // Windows writes "-" for no address
	f = finding.Finding{}
	Fill(e, "Security.evtx", 0, 0, &f)
	if f.ClientIP != "" {
		t.Errorf("client %q from %q", f.ClientIP, "-")
	}
}
