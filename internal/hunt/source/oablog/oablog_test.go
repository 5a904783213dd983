package oablog

import (
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/hunt/source"
	"github.com/exsweep/exsweep/internal/logscan"
)

const ex = `C:\Program Files\Microsoft\Exchange Server\V15\`

func TestInsideOAB(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{ex + `ClientAccess\OAB\Temp\a.tmp`, true},
		{`c:\program files\microsoft\exchange server\v15\clientaccess\oab\x`, true},
		{`D:\Exchange\ClientAccess\OAB\x`, true}, // installed elsewhere
		{`C:/Program Files/Microsoft/Exchange Server/V15/ClientAccess/OAB/x`, true},
		{`\\?\C:\Program Files\Microsoft\Exchange Server\V15\ClientAccess\OAB\x`, true},
		{`//?/C:/Exchange/ClientAccess/OAB/x`, true},
		{`C:\inetpub\wwwroot\aspnet_client\shell.aspx`, false},
		{ex + `FrontEnd\HttpProxy\owa\auth\shell.aspx`, false},
		{ex + `ClientAccess\OAB\..\..\FrontEnd\HttpProxy\owa\auth\x.aspx`, false},
		{ex + `ClientAccess\OAB\x\..`, false},
		{ex + `ClientAccess\OABX\x`, false},
		{ex + `ClientAccess\OAB`, false},
		{`\\127.0.0.1\c$\Program Files\Microsoft\Exchange Server\V15\ClientAccess\OAB\x`, false},
		{`//127.0.0.1/c$/x/ClientAccess/OAB/x`, false},
		// UNC paths in other spellings are UNC paths too.
		{`\\?\UNC\127.0.0.1\c$\inetpub\wwwroot\aspnet_client\ClientAccess\OAB\x.aspx`, false},
		{`\\?\unc\127.0.0.1\c$\x\ClientAccess\OAB\x`, false},
		{`\/127.0.0.1\c$\x\ClientAccess\OAB\x`, false},
		{`/\127.0.0.1\c$\x\ClientAccess\OAB\x`, false},
		{`//?/UNC/127.0.0.1/c$/x/ClientAccess/OAB/x`, false},
		// Climbing out, also as Windows reads names with trailing dots and spaces.
		{`..\x\ClientAccess\OAB\y`, false},
		{ex + `ClientAccess\OAB\.. \.. \FrontEnd\x.aspx`, false},
		{ex + `ClientAccess\OAB\...\x.aspx`, false},
		{ex + `ClientAccess\OAB\a..b\x.tmp`, true},
		{"", false},
	}
	for _, tc := range tests {
		if got := InsideOAB(tc.path); got != tc.want {
			t.Errorf("InsideOAB(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}

func derive(raw string) map[string]string {
	rec := &logscan.Record{Header: logscan.NewHeader(columns()), Raw: []byte(raw)}
	New().Derive(rec, &source.File{})
	return rec.Derived
}

func TestDerive(t *testing.T) {
	tests := []struct {
		raw                     string
		tempFile, inOAB, relPth string
	}{
		{`2021-03-03T07:00:00Z,EX01,1,2,Warning,"Download failed and temporary file 'C:\inetpub\wwwroot\aspnet_client\shell.aspx' needs to be removed"`,
			`C:\inetpub\wwwroot\aspnet_client\shell.aspx`, "false", "false"},
		{`x,"Download failed and temporary file '` + ex + `ClientAccess\OAB\a\b.tmp' needs to be removed"`,
			ex + `ClientAccess\OAB\a\b.tmp`, "true", "false"},
		{`x,"Download failed and TEMPORARY FILE  '""shell.aspx""' needs to be removed"`, `shell.aspx`, "", "true"},
		{`x,"Download failed and temporary file '' needs to be removed"`, "", "", "true"},
		{`x,nothing to see`, "", "", ""},
	}
	for _, tc := range tests {
		d := derive(tc.raw)
		if d["tempfile"] != tc.tempFile || d["tempfileinoab"] != tc.inOAB || d["tempfilerelative"] != tc.relPth {
			t.Errorf("Derive(%q) = %q", tc.raw, d)
		}
	}
}

func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func FuzzInsideOAB(f *testing.F) {
	f.Add(ex + `ClientAccess\OAB\Temp\a.tmp`)
	f.Add(`C:\inetpub\wwwroot\aspnet_client\shell.aspx`)
	f.Add(ex + `ClientAccess\OAB\..\x`)
	f.Add(`\\?\UNC\h\c$\ClientAccess\OAB\x`)
	f.Add(`/\h\s\ClientAccess\OAB\x`)
	f.Fuzz(func(t *testing.T, p string) {
		in := InsideOAB(p)
		// The answer does not depend on the spelling of slashes or the case of letters.
		for _, v := range []string{strings.ReplaceAll(p, `\`, "/"), strings.ReplaceAll(p, "/", `\`), asciiUpper(p)} {
			if got := InsideOAB(v); got != in {
				t.Fatalf("InsideOAB(%q) = %v but InsideOAB(%q) = %v", p, in, v, got)
			}
		}
		if !in {
			return
		}
		n := strings.ToLower(strings.ReplaceAll(p, "/", `\`))
		// Never inside: a UNC path (a share can be anywhere), a path climbing out with "..".
		if strings.HasPrefix(n, `\\`) && !strings.HasPrefix(n, `\\?\`) || strings.HasPrefix(n, `\\?\unc\`) {
			t.Fatalf("InsideOAB(%q) for a UNC path", p)
		}
		for _, part := range strings.Split(n, `\`) {
			if strings.TrimRight(part, " ") == ".." {
				t.Fatalf("InsideOAB(%q) for a path climbing with ..", p)
			}
		}
		if !strings.Contains(n, `\clientaccess\oab\`) {
			t.Fatalf("InsideOAB(%q) without ClientAccess\\OAB", p)
		}
	})
}

// Derive on any message never panics, and for a plain path agrees with InsideOAB.
func FuzzOABDerive(f *testing.F) {
	f.Add(ex + `ClientAccess\OAB\Temp\a.tmp`)
	f.Add(`C:\inetpub\wwwroot\aspnet_client\shell.aspx`)
	f.Add(`'"`)
	f.Fuzz(func(t *testing.T, p string) {
		d := derive(`x,"Download failed and temporary file '` + strings.ReplaceAll(p, `"`, `""`) + `' needs to be removed"`)
		if strings.ContainsAny(p, "'\"\r\n") {
			return
		}
		want := strings.TrimSpace(p)
		if d["tempfile"] != want {
			t.Fatalf("tempfile %q, want %q", d["tempfile"], want)
		}
		switch {
		case d["tempfilerelative"] == "true":
			if d["tempfileinoab"] != "" {
				t.Fatalf("relative path %q judged inside=%q", want, d["tempfileinoab"])
			}
		case d["tempfileinoab"] != map[bool]string{true: "true", false: "false"}[InsideOAB(want)]:
			t.Fatalf("Derive %q, InsideOAB(%q) = %v", d, want, InsideOAB(want))
		}
	})
}
