package ecplog

import (
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/hunt/source"
	"github.com/exsweep/exsweep/internal/logscan"
)

func TestCommand(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{`S:CMD=Set-OabVirtualDirectory.ExternalUrl=''http://f/<script language="JScript" runat="server">function Page_Load(){eval(Request["p"],"unsafe");}</script>''.Identity=''9b5c7ba1''`,
			`Set-OabVirtualDirectory.ExternalUrl='http://f/<script language="JScript" runat="server">function Page_Load(){eval(Request["p"],"unsafe");}</script>'.Identity='9b5c7ba1'`, true},
		{`'S:CMD=Get-Mailbox.Identity=''x'''`, `Get-Mailbox.Identity='x'`, true},
		{`s:cmd=Remove-OabVirtualDirectory.Identity=''a''';S:ACTIVITY=1`, `Remove-OabVirtualDirectory.Identity='a'`, true},
		{`S:CMD=`, ``, true},
		{`S:CMD=New-OabVirtualDirectory`, `New-OabVirtualDirectory`, true},
		{`no command here`, ``, false},
		{``, ``, false},
		// Bytes whose upper case is longer or shorter must not shift the command.
		{"\xff\xff\xffS:CMD=Set-X", `Set-X`, true},
		{"ıııııııS:CMD=Set-Y", `Set-Y`, true},
		{"ȿȿȿS:CMD=Set-Z'", `Set-Z`, true},
		{"\xffS:CMD", ``, false},
	}
	for _, tc := range tests {
		got, ok := Command(tc.in)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("Command(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}

func deriveRow(t *testing.T, header []string, vals []string) map[string]string {
	t.Helper()
	rec := &logscan.Record{Header: logscan.NewHeader(header), Values: vals, Raw: []byte(logscan.FormatRow(vals, logscan.ExchangeCSV()))}
	Source{}.Derive(rec, &source.File{})
	return rec.Derived
}

func TestDerive(t *testing.T) {
	cols := columns()
	vals := make([]string, len(cols))
	vals[len(cols)-1] = `S:CMD=Set-OabVirtualDirectory.ExternalUrl=''http://f/<script>''`
	d := deriveRow(t, cols, vals)
	if d["cmdlet"] != "Set-OabVirtualDirectory" || !strings.Contains(d["command"], "<script>") {
		t.Errorf("derived %q", d)
	}
	// No column holds it (quoting broken): the raw line is read.
	rec := &logscan.Record{Header: logscan.NewHeader([]string{"x"}), Values: []string{"a"}, Raw: []byte(`a,"S:CMD=Set-EcpVirtualDirectory.InternalUrl=''<%eval%>''`)}
	Source{}.Derive(rec, &source.File{})
	if rec.Derived["cmdlet"] != "Set-EcpVirtualDirectory" {
		t.Errorf("derived %q", rec.Derived)
	}
}

func FuzzECPCommand(f *testing.F) {
	f.Add(`S:CMD=Set-OabVirtualDirectory.ExternalUrl=''http://f/<script language="JScript">''.Identity=''x''`)
	f.Add(`'S:CMD=Get-Mailbox.Identity=''x'''`)
	f.Add("\xff\xffS:CMD=Set-X")
	f.Add("ıS:cmd=''''")
	f.Fuzz(func(t *testing.T, v string) {
		cmd, ok := Command(v)
		i := strings.Index(strings.ToUpper(asciiOnly(v)), "S:CMD=")
		if ok != (i >= 0) {
			t.Fatalf("Command(%q) ok=%v, but S:CMD= is at %d", v, ok, i)
		}
		if !ok {
			if cmd != "" {
				t.Fatalf("Command(%q) = %q without a command", v, cmd)
			}
			return
		}
		// The command is the text after the first S:CMD=, quotes undone: doubling its single
		// quotes gives back a prefix of that text.
		rest := v[i+len("S:CMD="):]
		if redone := strings.ReplaceAll(cmd, "'", "''"); !strings.HasPrefix(rest, redone) {
			t.Fatalf("Command(%q) = %q, not the start of %q", v, cmd, rest)
		}
		if len(cmd) > len(rest) {
			t.Fatalf("Command(%q) = %q is longer than the text", v, cmd)
		}
		// Derive on a row holding the value never panics and agrees with Command.
		d := deriveRow(t, []string{"DateTime", "GenericInfo"}, []string{"2021-03-03T07:00:00Z", v})
		if d["command"] != cmd || !strings.HasPrefix(cmd, d["cmdlet"]) {
			t.Fatalf("Derive: %q, Command: %q", d, cmd)
		}
	})
}

// asciiOnly replaces every non-ASCII byte with '?', keeping byte positions.
func asciiOnly(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 0x80 {
			b[i] = '?'
		}
	}
	return string(b)
}
