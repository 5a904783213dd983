package report

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/exsweep/exsweep/internal/finding"
)

// update is the package's one golden-file flag.
var update = flag.Bool("update", false, "rewrite testdata/report.golden.* from the current output (review the diff)")

// hostileStrings are what an attacker would put into any field a log row, a file name or a user
// rule pack lets them choose. Each is our own; none comes from a public sample.
var hostileStrings = []string{
	`<script>window.pwned=1</script>`,
	`"><img src=x onerror="window.pwned=1">`,
	`javascript:window.pwned=1`,
	`</textarea></title><svg onload="window.pwned=1">`,
	`]]><iframe src="javascript:window.pwned=1"></iframe>`,
	`[click](javascript:window.pwned=1) ![i](http://203.0.113.9/x.png)`,
	"``` ```` ` | # * _ ~ {} $x$ &amp; &lt;b&gt;",
	"- [x] 1. > # heading\n===\n    indented",
	"\u202Egnp.xpsa\u202C.aspx",
	"nul\x00bell\x07esc\x1b[31mred\r\nline",
	"bad\xff\xfe utf-8 \xc3",
}

// hostile returns the i-th hostile string, cycling.
func hostile(i int) string { return hostileStrings[i%len(hostileStrings)] }

var g0 = time.Date(2021, 3, 3, 7, 12, 46, 400_000_000, time.UTC)

// goldenReport is a report built for the golden files: a compromised host with three incidents
// (one only suspicious), findings inside and outside them, a plan with every section, done tasks
// and commands of each language, hostile strings in every attacker-written field; and a host
// without findings and without a plan.
func goldenReport() (*finding.Report, []finding.Plan) {
	n := 0
	next := func() string { n++; return hostile(n) }
	mk := func(rule string, sev finding.Severity, sup finding.Support, at time.Duration, inc int, path string, line int64) finding.Finding {
		return finding.Finding{
			RuleID: rule, Title: "Title of " + rule + " " + next(), Severity: sev, Supports: sup, CVEs: []string{"CVE-2021-26855"},
			Why: "Why " + rule + " matters " + next(), References: []string{"https://example.invalid/" + rule, next()},
			Source: "iis", Where: finding.Location{Path: path + next(), Line: line, Offset: 100 * line},
			Time: g0.Add(at), ClientIP: "198.51.100.7" + next(), User: "CORP\\admin" + next(), UserAgent: "Mozilla/5.0 " + next(),
			Target: "POST /ecp/y.js?" + next(), Evidence: "2021-03-03 07:12:46 POST /ecp/y.js " + next() + " 200",
			Fields:   map[string]string{"cs-uri-stem": "/ecp/" + next(), "c-ip": "198.51.100.7", "empty": "", next(): "key was hostile"},
			Incident: inc,
		}
	}
	iis := "inetpub/logs/LogFiles/W3SVC1/u_ex210303.log"
	fs := []finding.Finding{
		mk("EXS-IIS-PROXYLOGON-ECP-JS", finding.High, finding.SupportsAttempted, 0, 1, iis, 46),
		mk("EXS-IIS-WEBSHELL-ASPNETCLIENT", finding.Critical, finding.SupportsCompromised, 12*time.Minute, 1, iis, 55),
		mk("EXS-IIS-WEBSHELL-ASPNETCLIENT", finding.Critical, finding.SupportsCompromised, 13*time.Minute, 1, iis, 56),
		mk("EXS-HP-26855-PROBE", finding.Low, finding.SupportsProbed, 35*time.Hour, 2, "Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Owa/HttpProxy_2021030400-1.LOG", 26),
		mk("EXS-IIS-UA-EXPLOIT-SCRIPT", finding.Medium, finding.SupportsSuspicious, 36*time.Hour, 3, iis, 80),
		mk("EXS-FILE-PAGE-IN-ASPNETCLIENT", finding.Critical, finding.SupportsCompromised, 0, 0, "inetpub/wwwroot/aspnet_client/", 0),
		mk("EXS-EVT-LOG-CLEARED", finding.High, finding.SupportsSuspicious, 17*time.Minute, 0, "Windows/System32/winevt/Logs/Security.evtx", 0),
	}
	fs[5].Time = time.Time{} // a file finding without a time
	fs[6].Where.Record = "1"
	fs[6].Evidence = strings.Repeat("long evidence row ", 150) + next() // over the 2 KiB cap
	h := finding.HostResult{
		Host: "EX01" + next(), Root: "/mnt/ex01/" + next(), Verdict: finding.Compromised, Partial: true,
		Reason:   "evidence of a successful intrusion in 1 incident(s): rows from " + next(),
		Installs: []string{"Program Files/Microsoft/Exchange Server/V15" + next()},
		Builds:   []finding.InstallBuild{{Install: "Program Files/Microsoft/Exchange Server/V15", Build: "15.1.2176.2", Source: "Bin/ExSetup.exe version resource"}},
		Windows: []finding.Window{
			{Source: "iis", Files: 7, Bytes: 186933, First: g0.Add(-96 * time.Hour), Last: g0.Add(40 * time.Hour), Days: 5.7,
				Gaps: []finding.Gap{{From: g0.Add(-50 * time.Hour), To: g0.Add(-26 * time.Hour)}}},
			{Source: "events: " + next(), Files: 1, Bytes: 69632, First: g0.Add(-24 * time.Hour), Last: g0.Add(24 * time.Hour), Days: 2},
			{Source: "oab"},
		},
		Warnings: []string{"the logs start after the first known exploitation: " + next()},
		Incidents: []finding.Incident{
			{ID: 2, Verdict: finding.Probed, Severity: finding.Low, Summary: "probe from " + next(), FirstSeen: g0.Add(35 * time.Hour), LastSeen: g0.Add(35 * time.Hour),
				ClientIPs: []string{"203.0.113.99"}, UserAgents: []string{next()}, Rules: []string{"EXS-HP-26855-PROBE"}, Findings: 1, Evidence: []string{"HttpProxy_2021030400-1.LOG:26"}},
			{ID: 1, Verdict: finding.Compromised, Severity: finding.Critical, Summary: "web shell used after ProxyLogon " + next(), FirstSeen: g0, LastSeen: g0.Add(13 * time.Minute),
				ClientIPs: []string{"198.51.100.7", next()}, UserAgents: []string{"ExchangeServicesClient/0.0.0.0", next()}, Rules: []string{"EXS-IIS-PROXYLOGON-ECP-JS", "EXS-IIS-WEBSHELL-ASPNETCLIENT"},
				CVEs: []string{"CVE-2021-26855"}, Findings: 14,
				Evidence: []string{iis + ":46", iis + ":47", iis + ":48", iis + ":49", iis + ":50", iis + ":51", iis + ":52", iis + ":53", iis + ":54", iis + ":55", iis + ":56", next() + ":1"}},
			{ID: 3, Verdict: finding.Clean, Severity: finding.Medium, Summary: "tool user agent " + next(), FirstSeen: g0.Add(36 * time.Hour), LastSeen: g0.Add(36 * time.Hour),
				Rules: []string{"EXS-IIS-UA-EXPLOIT-SCRIPT"}, Findings: 1, Evidence: []string{iis + ":80"}},
		},
		Findings: fs,
		Problems: []finding.Problem{
			{Path: "inetpub/logs/" + next(), Line: 12, Kind: "long-line", Message: "line longer than 1 MiB: " + next()},
			{Path: "Windows/System32/winevt/Logs/System.evtx", Offset: 69632, Kind: "damaged", Message: "chunk checksum " + next()},
		},
		Mitigations: []finding.ConfigMitigation{{Family: "ProxyLogon", Status: "partial", Rules: []string{"X-AnonResource-Backend Abort"}, Where: "inetpub/wwwroot/web.config" + next(), Notes: []string{next()}}},
		WebFiles: []finding.FileEntry{
			{Path: "inetpub/wwwroot/aspnet_client/" + next(), Place: "aspnet_client", Size: 4242, Created: g0.Add(11 * time.Minute), Rules: []string{"EXS-FILE-PAGE-IN-ASPNETCLIENT"}},
			{Path: "FrontEnd/HttpProxy/owa/auth/" + next(), Place: "owa-auth", Size: 10, Modified: g0.Add(-time.Hour)},
		},
		RulesSkipped: []finding.SkippedRule{{Path: "sigma/x.yml", Reason: "unsupported modifier " + next()}},
		Stats:        finding.Stats{Files: 45, Bytes: 700000, Lines: 9000, Candidates: 120, Suppressed: 3, FilesExamined: 800, FilesRead: 120, EventFiles: 3, Events: 12000, RulesLoaded: 140, Duration: 1234 * time.Millisecond},
	}
	clean := finding.HostResult{Host: "EX02 " + next(), Root: "/mnt/ex02", Verdict: finding.Clean, Reason: "no finding", Findings: []finding.Finding{}, Problems: []finding.Problem{}}
	rep := &finding.Report{Schema: finding.ReportSchema, Tool: "exsweep", Version: "0.1.0", RulePack: "pack " + next(), Generated: g0.Add(72 * time.Hour), Hosts: []finding.HostResult{h, clean}}
	task := func(text string, done bool, cmds ...finding.Command) finding.PlanTask {
		return finding.PlanTask{Text: text + " " + next(), Why: "because " + next(), Done: done, Paths: []string{next(), next()}, Rules: []string{"EXS-IIS-WEBSHELL-ASPNETCLIENT"}, Commands: cmds}
	}
	plan := finding.Plan{
		Host: h.Host, Verdict: h.Verdict, Headline: "Intruders got in and left a web shell: take the server off the internet now. " + next(),
		Builds: []finding.InstallBuild{{Install: "Program Files/Microsoft/Exchange Server/V15", Build: "15.1.2176.2", Source: "Bin/ExSetup.exe version resource", Note: next()}},
		Sections: []finding.PlanSection{
			{ID: "contain", Title: "Contain", Why: "Stop the intruders using what they left " + next(), Tasks: []finding.PlanTask{
				task("Block port 443 from the internet", false, finding.Command{Lang: "powershell", Title: "on the firewall", Text: "New-NetFirewallRule -DisplayName 'Block 443' -Direction Inbound -LocalPort 443 -Protocol TCP -Action Block\r\nWrite-Host `\"done`\" # " + next()}),
			}},
			{ID: "remove", Title: "Remove the backdoors", Tasks: []finding.PlanTask{
				task("Quarantined the web shell", true),
				task("Remove the other page", false, finding.Command{Lang: "cmd", Text: "del /f \"C:\\inetpub\\wwwroot\\aspnet_client\\" + next() + "\""}),
			}},
			{ID: "patch", Title: "Patch", Why: "The build is vulnerable.", Tasks: []finding.PlanTask{task("Install the March 2021 security update", false)}},
			{ID: "mitigate", Title: "Mitigate while patching waits", Tasks: []finding.PlanTask{
				task("Add the URL Rewrite rule", false, finding.Command{Lang: "xml", Title: "web.config", Text: "<rule name=\"" + next() + "\">\n  <match url=\".*\" />\n</rule>"}),
			}},
			{ID: "undo", Title: "Undo what they changed", Tasks: []finding.PlanTask{
				task("Reset the OAB virtual directory", false, finding.Command{Lang: "shell", Text: "echo " + next()}, finding.Command{Lang: next(), Text: "?"}),
			}},
			{ID: "credentials", Title: "Reset credentials", Tasks: []finding.PlanTask{task("Reset every administrator's password", false)}},
			{ID: "check", Title: "Check afterwards", Tasks: []finding.PlanTask{task("Hunt again in a week", false, finding.Command{Lang: "powershell", Text: strings.Repeat("x", maxCommandShown+1)})}},
		},
	}
	return rep, []finding.Plan{plan}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", name, diff)
	}
}

func TestMarkdownGolden(t *testing.T) {
	rep, plans := goldenReport()
	var a, b bytes.Buffer
	if err := Markdown(&a, rep, plans); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&b, rep, plans); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two runs wrote different documents")
	}
	golden(t, "report.golden.md", a.Bytes())
	checkMarkdownInert(t, a.String())
}

// checkMarkdownInert checks, without a Markdown parser, that the document holds no markup but
// ours: outside code fences, every character a renderer would act on is escaped or ours, every
// & starts an entity we write, and no line starts a block we did not mean.
func checkMarkdownInert(t *testing.T, doc string) {
	t.Helper()
	if !utf8.ValidString(doc) {
		t.Error("invalid UTF-8")
	}
	for i, l := range strings.Split(doc, "\n") {
		if r := rawControl(strings.ReplaceAll(l, "\t", " ")); r >= 0 {
			t.Errorf("line %d: raw control %U: %q", i+1, r, l)
		}
	}
	inCode := fenceLines(doc)
	for i, l := range strings.Split(doc, "\n") {
		if inCode[i] {
			continue
		}
		if bad := strayEntity(l); bad != "" {
			t.Errorf("line %d: & not one of our entities (%q): %q", i+1, bad, l)
		}
		if strings.Contains(l, "<") || strings.Contains(l, ">") {
			t.Errorf("line %d: raw < or > outside code: %q", i+1, l)
		}
	}
}

// fenceLines marks the lines inside code fences (the fences included), as CommonMark reads
// backtick fences: opened by 3 or more backticks (info string without backticks), closed by a
// line of at least as many backticks.
func fenceLines(doc string) map[int]bool {
	in := map[int]bool{}
	open := 0
	for i, l := range strings.Split(doc, "\n") {
		tl := strings.TrimLeft(l, " ")
		run := len(tl) - len(strings.TrimLeft(tl, "`"))
		switch {
		case open == 0 && run >= 3 && !strings.Contains(tl[run:], "`"):
			open = run
			in[i] = true
		case open > 0:
			in[i] = true
			if run >= open && strings.TrimSpace(tl[run:]) == "" {
				open = 0
			}
		}
	}
	return in
}

func strayEntity(l string) string {
	for i := 0; i < len(l); i++ {
		if l[i] != '&' {
			continue
		}
		ok := false
		for _, e := range []string{"&amp;", "&lt;", "&gt;", "&#32;", "&#9;", "&#8288;"} {
			if strings.HasPrefix(l[i:], e) {
				ok = true
			}
		}
		if !ok {
			return l[i:min(len(l), i+8)]
		}
	}
	return ""
}

// activeMarkdown counts the characters of a line a Markdown renderer acts on (backslash-escaped
// ones are inert).
func activeMarkdown(l string) int {
	n := 0
	for i := 0; i < len(l); i++ {
		c := l[i]
		if strings.HasPrefix(l[i:], "&#32;") || strings.HasPrefix(l[i:], "&#9;") || strings.HasPrefix(l[i:], "&#8288;") {
			i += strings.IndexByte(l[i:], ';')
			continue
		}
		if c == '\\' && i+1 < len(l) && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", l[i+1]) >= 0 {
			i++
			continue
		}
		if strings.IndexByte("*_[]|#`~!<>{}$", c) >= 0 {
			n++
		}
	}
	return n
}

// blockKind is how a line would start a Markdown block.
func blockKind(l string) string {
	switch {
	case strings.HasPrefix(l, "    ") || strings.HasPrefix(l, "\t"):
		return "indented"
	case l == "":
		return "blank"
	}
	t := strings.TrimLeft(l, " ")
	for _, p := range []string{"- [ ] ", "- [x] ", "- ", "* ", "+ ", "#", ">", "```", "~~~", "|", "<", "=", "-", "**"} {
		if strings.HasPrefix(t, p) {
			return p
		}
	}
	d := len(t) - len(strings.TrimLeft(t, "0123456789"))
	// CommonMark: 1 to 9 digits, '.' or ')', then a blank or the end of the line.
	if d > 0 && d <= 9 && d < len(t) && (t[d] == '.' || t[d] == ')') && (d+1 == len(t) || t[d+1] == ' ' || t[d+1] == '\t') {
		return "ordered"
	}
	return "text"
}

func TestMdText(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"plain text 1.2.3.4", "plain text 1.2.3.4"},
		{`<script>alert(1)</script>`, `&lt;script&gt;alert(1)&lt;/script&gt;`},
		{`"><img src=x onerror=alert(1)>`, `"&gt;&lt;img src=x onerror=alert(1)&gt;`},
		{`javascript:alert(1)`, `javascript:alert(1)`},
		{`</textarea>`, `&lt;/textarea&gt;`},
		{`]]>`, `\]\]&gt;`},
		{`[x](javascript:alert(1))`, `\[x\](javascript:alert(1))`},
		{"a`b``c", "a\\`b\\`\\`c"},
		{`C:\inetpub\x.aspx`, `C:\\inetpub\\x.aspx`},
		{"*bold* _em_ ~~s~~ | # ! {x} $m$", `\*bold\* \_em\_ \~\~s\~\~ \| \# \! \{x\} \$m\$`},
		{"&amp; &lt;", "&amp;amp; &amp;lt;"},
		{"line\nbreak\r\n", `line\\x0abreak\\x0d\\x0a`},
		{"nul\x00 esc\x1b", `nul\\x00 esc\\x1b`},
		{"\u202Egnp.aspx", `\\u202egnp.aspx`},
		{"bad\xffutf8", `bad\\xffutf8`},
		{"- item", `\- item`},
		{"+ item", `\+ item`},
		{"===", `\===`},
		{"---", `\---`},
		{"1. one", `1\. one`},
		{"12) twelve", `12\) twelve`},
		{"a-b+c=d", "a-b+c=d"},
		{"   - indented item", `&#32;&#32;&#32;\- indented item`},
		{"\tcode", `&#9;code`},
		{"# heading", `\# heading`},
		{"> quote", `&gt; quote`},
		{"https://evil.example/login?x=1", `https\://evil.example/login?x=1`},
		{"see WWW.evil.example now", `see WWW\.evil.example now`},
		{"admin@evil.example", `admin&#8288;@evil.example`},
		{"10:30 a:b", "10:30 a:b"},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got := mdText(tc.in)
			if got != tc.want {
				t.Errorf("mdText(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if n := activeMarkdown(got); n != 0 {
				t.Errorf("mdText(%q) = %q leaves %d active characters", tc.in, got, n)
			}
			if k := blockKind(got); k != "text" && k != "blank" {
				t.Errorf("mdText(%q) = %q starts a block (%s)", tc.in, got, k)
			}
		})
	}
	long := strings.Repeat("<a>`|", 2000) // 10 KB
	if got := mdText(long); activeMarkdown(got) != 0 || strings.ContainsAny(got, "<>") {
		t.Errorf("10 KB string not fully escaped")
	}
}

func TestMarkdownFence(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		fence string
	}{
		{"no backticks", []string{"GET /owa"}, "```"},
		{"a run of two", []string{"a``b"}, "```"},
		{"a run of three", []string{"```"}, "````"},
		{"a run of seven on the second line", []string{"x", "```````y"}, "````````"},
		{"powershell escapes", []string{"Write-Host `\"x`\""}, "```"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			m := &mdWriter{w: bufio.NewWriter(&b)}
			m.fence("  ", "text", tc.lines)
			_ = m.w.Flush()
			got := strings.Split(b.String(), "\n")
			if got[0] != "  "+tc.fence+"text" || got[len(tc.lines)+1] != "  "+tc.fence {
				t.Errorf("fence = %q, want %s", got, tc.fence)
			}
			in := fenceLines(b.String())
			for i := range tc.lines {
				if !in[i+1] {
					t.Errorf("line %d escaped the fence: %q", i+1, b.String())
				}
			}
			if in[len(tc.lines)+2] {
				t.Errorf("fence not closed: %q", b.String())
			}
		})
	}
}

func TestShowCut(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		n       int
		want    string
		wantCut bool
	}{
		{"short", "abc", 10, "abc", false},
		{"exactly n", "abcde", 5, "abcde", false},
		{"cut", "abcdefgh", 5, "abcde … (cut: 8 bytes in all)", true},
		{"escape grows past n", "ab\x00", 5, `ab\x0 … (cut: 3 bytes in all)`, true},
		{"never splits a rune", "aé€", 4, "aé … (cut: 6 bytes in all)", true},
		{"keeps a whole rune at the end", "aébbbbbbbbbb", 3, "aé … (cut: 13 bytes in all)", true},
		{"an escape cut through", "abc\xffdefgh", 5, `abc\x … (cut: 9 bytes in all)`, true},
		{"huge", strings.Repeat("€", 1<<20), 8, "€€ … (cut: 3145728 bytes in all)", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, cut := showCut(tc.in, tc.n)
			if got != tc.want || cut != tc.wantCut {
				t.Errorf("showCut(%.20q, %d) = %q, %v; want %q, %v", tc.in, tc.n, got, cut, tc.want, tc.wantCut)
			}
			if !utf8.ValidString(got) {
				t.Errorf("invalid UTF-8: %q", got)
			}
		})
	}
}

func TestFairShares(t *testing.T) {
	tests := []struct {
		sizes  []int
		budget int
		want   []int
	}{
		{nil, 500, []int{}},
		{[]int{3, 4}, 500, []int{3, 4}},
		{[]int{30000, 3}, 500, []int{497, 3}},
		{[]int{3, 30000, 100}, 500, []int{3, 397, 100}},
		{[]int{1000, 1000}, 500, []int{250, 250}},
		{[]int{10, 10, 10}, 2, []int{1, 1, 0}},
		{[]int{0, 5}, 3, []int{0, 3}},
	}
	for _, tc := range tests {
		got := fairShares(tc.sizes, tc.budget)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("fairShares(%v, %d): -want +got\n%s", tc.sizes, tc.budget, diff)
		}
	}
}

// TestFindingsCapped: 30,000 probes and one web shell: the page stays small, says what it left
// out, and the web shell is on it.
func TestFindingsCapped(t *testing.T) {
	h := finding.HostResult{Host: "EX01", Verdict: finding.Compromised, Incidents: []finding.Incident{{ID: 1, Verdict: finding.Probed, FirstSeen: g0, LastSeen: g0.Add(30000 * time.Second)}}}
	for i := range 30000 {
		h.Findings = append(h.Findings, finding.Finding{RuleID: "EXS-PROBE", Severity: finding.Low, Time: g0.Add(time.Duration(i) * time.Second), Incident: 1,
			Evidence: strings.Repeat("e", 3000), Where: finding.Location{Path: "a.log", Line: int64(i + 1)}})
	}
	h.Findings = append(h.Findings, finding.Finding{RuleID: "EXS-WEBSHELL", Severity: finding.Critical, Time: g0.Add(time.Hour), Incident: 1, Evidence: "the shell row"})
	rep := &finding.Report{Hosts: []finding.HostResult{h}}
	for _, w := range []struct {
		name  string
		write func(*bytes.Buffer) error
		limit int
	}{
		{"markdown", func(b *bytes.Buffer) error { return Markdown(b, rep, nil) }, 2 << 20},
		{"html", func(b *bytes.Buffer) error { return HTML(b, rep, nil) }, 2 << 20},
	} {
		t.Run(w.name, func(t *testing.T) {
			var b bytes.Buffer
			start := time.Now()
			if err := w.write(&b); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d bytes in %v", b.Len(), time.Since(start))
			if b.Len() > w.limit {
				t.Errorf("%d bytes, over %d", b.Len(), w.limit)
			}
			s := b.String()
			for _, want := range []string{"30001 findings; 500 shown here", "29501 more findings of this group in report.json", "the shell row", "(cut: 3000 bytes in all)"} {
				if !strings.Contains(s, want) {
					t.Errorf("lacks %q", want)
				}
			}
		})
	}
}

// --- fuzzing: hostile strings in every attacker-written field -------------------------------

// fuzzReport puts s into every field an attacker can write, and t1, t2 (Unix seconds) into the
// times.
func fuzzReport(s string, t1, t2 int64) (*finding.Report, []finding.Plan) {
	a, b := time.Unix(t1, 0).UTC(), time.Unix(t2, 0).UTC()
	f := finding.Finding{
		RuleID: s, Title: s, Severity: finding.High, Supports: finding.SupportsCompromised, CVEs: []string{s}, Why: s,
		References: []string{"https://example.invalid/" + s, s}, Source: s, Where: finding.Location{Path: s, Line: 3, Record: s},
		Time: a, ClientIP: s, User: s, UserAgent: s, Target: s, Evidence: s, Fields: map[string]string{"k1": s, s + "x": s}, Incident: 1,
	}
	g := f
	g.Time, g.Incident, g.Where = b, 0, finding.Location{Path: s, Record: s}
	orphan := f
	orphan.Incident = 7
	h := finding.HostResult{
		Host: s, Root: s, Verdict: finding.Compromised, Reason: s, Partial: true, Installs: []string{s},
		Builds:       []finding.InstallBuild{{Install: s, Build: s, Source: s, Note: s}},
		Windows:      []finding.Window{{Source: s, First: a, Last: b, Gaps: []finding.Gap{{From: a, To: b}}}},
		Warnings:     []string{s},
		Incidents:    []finding.Incident{{ID: 1, Verdict: finding.Compromised, Summary: s, FirstSeen: a, LastSeen: b, ClientIPs: []string{s}, UserAgents: []string{s}, Rules: []string{s}, CVEs: []string{s}, Evidence: []string{s}, Findings: 1}},
		Findings:     []finding.Finding{f, g, orphan},
		Problems:     []finding.Problem{{Path: s, Line: 1, Kind: s, Message: s}},
		Mitigations:  []finding.ConfigMitigation{{Family: s, Status: s, Rules: []string{s}, Where: s, Notes: []string{s}}},
		WebFiles:     []finding.FileEntry{{Path: s, Place: s, Modified: a, Rules: []string{s}}},
		RulesSkipped: []finding.SkippedRule{{Path: s, Title: s, Reason: s}},
	}
	rep := &finding.Report{Tool: s, Version: s, RulePack: s, Generated: a, Hosts: []finding.HostResult{h, {Host: s + "2", Root: s}}}
	plan := finding.Plan{Host: s, Headline: s, Builds: h.Builds, Sections: []finding.PlanSection{{ID: s, Title: s, Why: s, Tasks: []finding.PlanTask{
		{Text: s, Why: s, Done: true, Paths: []string{s}, Rules: []string{s}, Commands: []finding.Command{{Lang: s, Title: s, Text: "Remove-Item '" + s + "'"}}},
	}}}}
	return rep, []finding.Plan{plan}
}

// benign is s with every byte but line ends replaced by 'a': the same lengths and the same lines,
// no markup. A document's structure must not depend on which of the two it shows.
func benign(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c != '\n' && c != '\r' {
			b[i] = 'a'
		}
	}
	return string(b)
}

func FuzzMarkdown(f *testing.F) {
	for i, s := range hostileStrings {
		f.Add(s, int64(1614755566+i*3600), int64(1614755566-i*86400*400))
	}
	f.Add("", int64(0), int64(0))
	f.Add("```\n```", int64(-62135596800), int64(253402300799))
	f.Fuzz(func(t *testing.T, s string, t1, t2 int64) {
		var got, want bytes.Buffer
		rep, plans := fuzzReport(s, t1, t2)
		if err := Markdown(&got, rep, plans); err != nil {
			t.Fatal(err)
		}
		rep, plans = fuzzReport(benign(s), t1, t2)
		if err := Markdown(&want, rep, plans); err != nil {
			t.Fatal(err)
		}
		checkMarkdownInert(t, got.String())
		gl, wl := strings.Split(got.String(), "\n"), strings.Split(want.String(), "\n")
		if len(gl) != len(wl) {
			t.Fatalf("%d lines, %d with a benign string: a line break got through", len(gl), len(wl))
		}
		gin, win := fenceLines(got.String()), fenceLines(want.String())
		for i := range gl {
			if gin[i] != win[i] {
				t.Fatalf("line %d: code fences differ from the benign document's: %q", i+1, gl[i])
			}
			if gin[i] {
				continue
			}
			if g, w := activeMarkdown(gl[i]), activeMarkdown(wl[i]); g != w {
				t.Errorf("line %d: %d active Markdown characters, %d with a benign string: %q", i+1, g, w, gl[i])
			}
			if g, w := blockKind(gl[i]), blockKind(wl[i]); g != w {
				t.Errorf("line %d starts a %q block, %q with a benign string: %q", i+1, g, w, gl[i])
			}
		}
	})
}

// TestListsSayWhatIsLeftOut: every capped list says how much it left out, in both formats.
func TestListsSayWhatIsLeftOut(t *testing.T) {
	h := finding.HostResult{Host: "EX01", Verdict: finding.Attempted}
	for i := range 400 {
		h.Findings = append(h.Findings, finding.Finding{RuleID: fmt.Sprintf("R%03d", i), Time: g0})
	}
	for i := range 60 {
		h.Installs = append(h.Installs, fmt.Sprintf("install %d", i))
	}
	for i := range 150 {
		h.Warnings = append(h.Warnings, fmt.Sprintf("warning %d", i))
	}
	for i := range 300 {
		h.Problems = append(h.Problems, finding.Problem{Path: fmt.Sprintf("p%d", i), Kind: "unreadable"})
	}
	for i := range 250 {
		h.Incidents = append(h.Incidents, finding.Incident{ID: i + 1, Verdict: finding.Probed, FirstSeen: g0, LastSeen: g0})
	}
	for i := range 30 {
		h.WebFiles = append(h.WebFiles, finding.FileEntry{Path: fmt.Sprintf("f%d", i), Modified: g0})
	}
	var paths []string
	for i := range 80 {
		paths = append(paths, fmt.Sprintf("shell%d.aspx", i))
	}
	plan := finding.Plan{Host: "EX01", Sections: []finding.PlanSection{{ID: "remove", Title: "Remove", Tasks: []finding.PlanTask{{Text: "Remove", Paths: paths}}}}}
	rep := &finding.Report{Hosts: []finding.HostResult{h}}
	for _, w := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"markdown", func(b *bytes.Buffer) error { return Markdown(b, rep, []finding.Plan{plan}) }},
		{"html", func(b *bytes.Buffer) error { return HTML(b, rep, []finding.Plan{plan}) }},
	} {
		t.Run(w.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := w.write(&b); err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{
				"(10 more in report.json)", // installs
				"(50 more in report.json)", // warnings
				"100 more rules",           // rules explained
				"100 more problems in report.json",
				"50 more incidents in report.json",
				"10 more in report.json", // web files
				"(30 more in the plan)",  // paths of a task
			} {
				if !strings.Contains(b.String(), want) {
					t.Errorf("lacks %q", want)
				}
			}
		})
	}
}
