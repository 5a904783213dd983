package remedy

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/exsweep/exsweep/internal/catalog"
	"github.com/exsweep/exsweep/internal/finding"
)

func isPSQuote(r rune) bool {
	return r == '\'' || r == '\u2018' || r == '\u2019' || r == '\u201a' || r == '\u201b'
}

// psEnd tokenises a PowerShell single-quoted string starting at q[0] the way PowerShell does
// (a quote character followed by another one stands for one; any other quote ends the string)
// and returns the byte index just past its end, or -1 if it never ends.
func psEnd(q string) int {
	rs := []rune(q)
	if len(rs) == 0 || !isPSQuote(rs[0]) {
		return -1
	}
	off := utf8.RuneLen(rs[0])
	for i := 1; i < len(rs); i++ {
		off += utf8.RuneLen(rs[i])
		if isPSQuote(rs[i]) {
			if i+1 < len(rs) && isPSQuote(rs[i+1]) {
				i++
				off += utf8.RuneLen(rs[i])
				continue
			}
			return off
		}
	}
	return -1
}

// posixUnquote reads one POSIX shell word made of single-quoted parts and "'" parts, as
// shellArg writes them, and returns the text and whether the word is exactly that.
func posixUnquote(w string) (string, bool) {
	var b strings.Builder
	for len(w) > 0 {
		switch {
		case strings.HasPrefix(w, `"'"`):
			b.WriteByte('\'')
			w = w[3:]
		case w[0] == '\'':
			end := strings.IndexByte(w[1:], '\'')
			if end < 0 {
				return "", false
			}
			b.WriteString(w[1 : 1+end])
			w = w[2+end:]
		default:
			return "", false
		}
	}
	return b.String(), true
}

// Values from the evidence (file, service and site names an attacker chose) must stay one
// literal argument in every command the plan prints.
func FuzzQuoting(f *testing.F) {
	for _, s := range []string{"", "plain", "it's", "a\u2019b\u2018", "$(calc)", "x\r\ny", `"&calc&"`, "%PATH%", "^|<>", "'''", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "?")
		}
		q := psQuote(s)
		if end := psEnd(q); end != len(q) {
			t.Fatalf("psQuote(%q) = %q ends at %d of %d", s, q, end, len(q))
		}
		if cmdSafe(s) && strings.ContainsAny(s, "\"%!\r\n^&|<>") {
			t.Fatalf("cmdSafe(%q) although it holds cmd.exe syntax", s)
		}
		a := shellArg(s)
		if strings.ContainsAny(a, " \t\n$`;&|<>(){}*?!~#") && !strings.HasPrefix(a, "'") {
			t.Fatalf("shellArg(%q) = %q unquoted", s, a)
		}
		if strings.ContainsAny(s, "\u2018\u2019\u201a\u201b") && a != "'<the folder>'" {
			t.Fatalf("shellArg(%q) = %q: PowerShell ends a quoted string at typographic quotes", s, a)
		}
		if strings.HasPrefix(a, "'") && a != "'<the folder>'" {
			if got, ok := posixUnquote(a); !ok || got != s {
				t.Fatalf("shellArg(%q) = %q reads back as %q (%v)", s, a, got, ok)
			}
		}
	})
}

// Any hunt result, however hostile its strings, gives a plan without panicking, and the
// attacker's service name never reaches a command unquoted.
func FuzzPlan(f *testing.F) {
	f.Add("inetpub/wwwroot/aspnet_client/a.aspx", "aspnet-client", "evil svc", "15.1.2176.2", "Set-OabVirtualDirectory x", "alice")
	f.Add("Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth/logon.aspx", "owa-auth", "\"&x", "15.1", "", "")
	cat, err := catalog.Default() // once: parsing the catalog costs more than a plan
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, path, place, svc, build, target, user string) {
		res := &finding.HostResult{
			Host: path, Root: path, Verdict: finding.Compromised, Reason: target,
			Installs: []string{"Program Files/Microsoft/Exchange Server/V15"},
			Builds:   []finding.InstallBuild{{Install: "Program Files/Microsoft/Exchange Server/V15", Build: build}},
			Findings: []finding.Finding{
				{RuleID: "EXS-FILE-EVAL-REQUEST", Source: "file", Supports: finding.SupportsCompromised, Where: finding.Location{Path: path}, Fields: map[string]string{"place": place, "size": build}},
				{RuleID: "EXS-EVT-SERVICE-SHELL", Source: "event", Supports: finding.SupportsCompromised, Fields: map[string]string{"ServiceName": svc}, User: user},
				{RuleID: "EXS-EVT-CMDLET-VDIR-SCRIPT", Source: "event", Supports: finding.SupportsCompromised, Target: target},
				{RuleID: "EXS-IIS-VDIR-PROGRAMDATA", Source: "iis-config", Supports: finding.SupportsCompromised, Target: target, Fields: map[string]string{"site": svc, "physical_path": path}},
			},
		}
		p := Build(res, cat, Options{Report: path})
		for _, s := range p.Sections {
			for _, task := range s.Tasks {
				for _, c := range task.Commands {
					if c.Lang != "cmd" {
						continue
					}
					for _, line := range strings.Split(c.Text, "\r\n") {
						if strings.Count(line, `"`)%2 != 0 {
							t.Fatalf("cmd line with unbalanced quotes: %q", line)
						}
					}
				}
			}
		}
	})
}
