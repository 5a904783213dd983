package events

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/winevent"
)

func TestRecordFields(t *testing.T) {
	sysmon1 := &winevent.Event{Channel: "Microsoft-Windows-Sysmon/Operational", EventID: 1, Data: []winevent.Field{
		{"Image", `C:\Windows\System32\CMD.EXE`}, {"CommandLine", "cmd /c whoami"},
		{"ParentImage", `c:\windows\system32\inetsrv\w3wp.exe`},
		{"ParentCommandLine", `c:\windows\system32\inetsrv\w3wp.exe -ap "MSExchangeECPAppPool" -v "v4.0"`},
	}}
	sec4688 := &winevent.Event{Channel: "Security", EventID: 4688, Data: []winevent.Field{
		{"NewProcessName", `C:\Windows\System32\whoami.exe`}, {"ParentProcessName", `C:\Program Files\Microsoft\Exchange Server\V15\Bin\UMWorkerProcess.exe`},
	}}
	sysmon11 := &winevent.Event{EventID: 11, Data: []winevent.Field{{"Image", "System"}, {"TargetFilename", `\\?\C:\inetpub\wwwroot\aspnet_client\X.ASPX`}}}
	cmdlet := &winevent.Event{Provider: "MSExchange CmdletLogs", Data: []winevent.Field{{"", "Set-OabVirtualDirectory"}, {"", "-ExternalUrl x"}, {"", "caller"}}}
	unquotedPool := &winevent.Event{Data: []winevent.Field{{"ParentCommandLine", `w3wp.exe -ap MSExchangeOWAAppPool -v v4.0`}}}
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
	want := []winevent.Field{{"", "Set-X"}, {"", "-A b"}, {"CommandLine", "c"}}
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
	g := Gap{Channel: "Security", File: "S.evtx", After: 10, Before: 21}
	for f, want := range map[string]string{"missing": "10", "after": "10", "before": "21", "channel": "Security", "file": "S.evtx"} {
		if got, _ := g.Field(f); got != want {
			t.Errorf("%s = %q, want %q", f, got, want)
		}
	}
}
