package iisconfig

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Rules in the shape of Microsoft's published mitigations (our own text).
const (
	plAnon = `<rule name="X-AnonResource-Backend Abort - inbound"><match url=".*" /><conditions>
  <add input="{HTTP_COOKIE}" pattern="(.*)X-AnonResource-Backend(.*)" /></conditions><action type="AbortRequest" /></rule>`
	plBE = `<rule name="X-BEResource Abort - inbound" stopProcessing="true"><match url=".*" /><conditions>
  <add input="{HTTP_COOKIE}" pattern="(.*)X-BEResource=(.+)/(.+)~(.+)" /></conditions><action type="AbortRequest" /></rule>`
	pnsFirst = `<rule name="PowerShell - inbound" stopProcessing="true"><match url=".*" /><conditions>
  <add input="{REQUEST_URI}" pattern=".*autodiscover\.json.*\@.*Powershell.*" /></conditions><action type="AbortRequest" /></rule>`
	pnsLater = `<rule name="PowerShell - inbound" stopProcessing="true"><match url=".*" /><conditions>
  <add input="{UrlDecode:{REQUEST_URI}}" pattern="(?=.*autodiscover)(?=.*powershell)" /></conditions><action type="AbortRequest" /></rule>`
)

func rulesOf(t *testing.T, inner string) []RewriteRule {
	t.Helper()
	w, err := ParseWebConfig([]byte("<configuration><system.webServer><rewrite><rules>" + inner + "</rules></rewrite></system.webServer></configuration>"))
	if err != nil {
		t.Fatal(err)
	}
	return w.Rewrite
}

// got is a compact view of a result: family:status[rules], plus notes matched by substring.
type mitView struct {
	Family, Status string
	Rules          []string
}

func view(ms []Mitigation) []mitView {
	var out []mitView
	for _, m := range ms {
		out = append(out, mitView{m.Family, m.Status, m.Rules})
	}
	return out
}

func TestMitigations(t *testing.T) {
	rename := func(s, name string) string {
		i := strings.Index(s, `name="`) + len(`name="`)
		j := strings.Index(s[i:], `"`)
		return s[:i] + name + s[i+j:]
	}
	anonName, beName, pnsName := "X-AnonResource-Backend Abort - inbound", "X-BEResource Abort - inbound", "PowerShell - inbound"
	pl := func(status string, rules ...string) mitView { return mitView{FamilyProxyLogon, status, rules} }
	pns := func(status string, rules ...string) mitView { return mitView{FamilyProxyNotShell, status, rules} }
	tests := []struct {
		name  string
		rules string
		want  []mitView
		notes []string // substrings each to be found in some note
		none  bool     // no notes at all
	}{
		{"proxylogon", plAnon + plBE, []mitView{pl(StatusPresent, anonName, beName)}, nil, true},
		{"renamed", rename(plAnon, "a") + rename(plBE, "b"), []mitView{pl(StatusPresent, "a", "b")}, nil, true},
		{"named like it but harmless", rename(`<rule name="x"><match url=".*" /><action type="None" /></rule>`, anonName), nil, nil, false},
		{"only anon", plAnon, []mitView{pl(StatusPartial, anonName)}, []string{"no rule blocks the X-BEResource cookie"}, false},
		{"only be", plBE, []mitView{pl(StatusPartial, beName)}, []string{"no rule blocks the X-AnonResource-Backend cookie"}, false},
		{"one disabled", strings.Replace(plAnon, "<rule ", `<rule enabled="false" `, 1) + plBE, []mitView{pl(StatusPartial, anonName, beName)}, []string{"is disabled"}, false},
		{"both disabled", strings.ReplaceAll(plAnon+plBE, "<rule ", `<rule enabled="False" `), []mitView{pl(StatusDisabled, anonName, beName)}, nil, false},
		{"cleared after", plAnon + plBE + `<clear />`, []mitView{pl(StatusDisabled, anonName, beName)}, []string{"<clear/> or <remove/> at line 3"}, false},
		{"one removed", plAnon + plBE + `<remove name="x-beresource abort - inbound" />`, []mitView{pl(StatusPartial, anonName, beName)}, nil, false},
		{"disabled copy and enabled copy", strings.ReplaceAll(rename(plAnon, "old")+rename(plBE, "old2"), "<rule ", `<rule enabled="false" `) + plAnon + plBE,
			[]mitView{pl(StatusPresent, anonName, beName)}, nil, true},
		{"action none", strings.ReplaceAll(plAnon+plBE, "AbortRequest", "None"), nil, nil, false},
		{"action redirect", strings.ReplaceAll(plAnon+plBE, `type="AbortRequest"`, `type="Redirect" url="/"`), nil, nil, false},
		{"custom 403", strings.ReplaceAll(plAnon+plBE, `type="AbortRequest"`, `type="CustomResponse" statusCode="403"`),
			[]mitView{pl(StatusPresent, anonName, beName)}, []string{"instead of aborting"}, false},
		{"custom 200", strings.ReplaceAll(plAnon+plBE, `type="AbortRequest"`, `type="CustomResponse" statusCode="200"`), nil, nil, false},
		{"negated condition", strings.ReplaceAll(plAnon+plBE, `<add input`, `<add negate="true" input`), nil, nil, false},
		{"cookie pattern too broad", strings.ReplaceAll(plAnon, `(.*)X-AnonResource-Backend(.*)`, `.*`), nil, nil, false},
		{"cookie alternation with ordinary cookie", strings.ReplaceAll(plAnon, `(.*)X-AnonResource-Backend(.*)`, `X-AnonResource-Backend|ClientId`), nil, nil, false},
		{"condition on wrong input", strings.ReplaceAll(plAnon+plBE, `{HTTP_COOKIE}`, `{QUERY_STRING}`), nil, nil, false},
		{"case of input and type", strings.ReplaceAll(strings.ReplaceAll(plAnon+plBE, `{HTTP_COOKIE}`, `{http_cookie}`), "AbortRequest", "abortrequest"),
			[]mitView{pl(StatusPresent, anonName, beName)}, nil, true},
		{"wildcard syntax", `<rule name="w" patternSyntax="Wildcard"><match url="*" /><conditions><add input="{HTTP_COOKIE}" pattern="*X-AnonResource-Backend*" /></conditions><action type="AbortRequest" /></rule>` + plBE,
			[]mitView{pl(StatusPresent, "w", beName)}, nil, true},
		{"one rule both cookies", `<rule name="both"><match url=".*" /><conditions logicalGrouping="MatchAny">
			<add input="{HTTP_COOKIE}" pattern="X-AnonResource-Backend" /><add input="{HTTP_COOKIE}" pattern="X-BEResource=.+/.+~.+" /></conditions><action type="AbortRequest" /></rule>`,
			[]mitView{pl(StatusPresent, "both")}, nil, true},
		{"both cookies under MatchAll", `<rule name="both"><match url=".*" /><conditions>
			<add input="{HTTP_COOKIE}" pattern="X-AnonResource-Backend" /><add input="{HTTP_COOKIE}" pattern="X-BEResource=.+/.+~.+" /></conditions><action type="AbortRequest" /></rule>`,
			[]mitView{pl(StatusPartial, "both")}, []string{`rule "both" does not block a request for /ecp/y.js with an X-AnonResource-Backend cookie`}, false},
		{"narrowed match url", strings.Replace(plAnon, `url=".*"`, `url="^ecp/"`, 1) + plBE, []mitView{pl(StatusPartial, anonName, beName)},
			[]string{"does not block a request for /owa/auth/x.js"}, false},
		{"negated match url", strings.Replace(plAnon, `<match url=".*" />`, `<match url=".*" negate="true" />`, 1) + plBE, []mitView{pl(StatusPartial, anonName, beName)}, nil, false},
		{"extra host condition", strings.Replace(plAnon, `</conditions>`, `<add input="{HTTP_HOST}" pattern="^mail\.contoso\.com$" /></conditions>`, 1) + plBE,
			[]mitView{pl(StatusPartial, anonName, beName)}, []string{"may not block"}, false},
		{"extra host condition, MatchAny", strings.Replace(strings.Replace(plAnon, `</conditions>`, `<add input="{HTTP_HOST}" pattern="^mail$" /></conditions>`, 1), "<conditions>", `<conditions logicalGrouping="MatchAny">`, 1) + plBE,
			[]mitView{pl(StatusPresent, anonName, beName)}, nil, true},
		{"shadowed", `<rule name="pass" stopProcessing="true"><match url="^(ecp|owa)/" /><action type="None" /></rule>` + plAnon + plBE,
			[]mitView{pl(StatusPartial, anonName, beName)}, []string{`earlier rule "pass" stops rule processing`}, false},
		{"earlier rule with condition does not shadow", `<rule name="https" stopProcessing="true"><match url="(.*)" /><conditions><add input="{HTTPS}" pattern="^OFF$" /></conditions><action type="Rewrite" url="x" /></rule>` + plAnon + plBE,
			[]mitView{pl(StatusPresent, anonName, beName)}, nil, true},
		{"unevaluable pattern judged by text", strings.Replace(plAnon, `(.*)X-AnonResource-Backend(.*)`, `(.*)X-AnonResource-Backend(.*)\1`, 1) + plBE,
			[]mitView{pl(StatusPartial, anonName, beName)}, []string{"recognised by its text"}, false},
		{"invalid boolean", strings.Replace(plAnon, "<rule ", `<rule stopProcessing="yes" `, 1) + plBE, []mitView{pl(StatusPresent, anonName, beName)}, []string{"is not a boolean"}, false},

		{"proxynotshell first", pnsFirst, []mitView{pns(StatusPresent, pnsName)}, []string{"percent-encoded"}, false},
		{"proxynotshell later", pnsLater, []mitView{pns(StatusPresent, pnsName)}, nil, true},
		{"proxynotshell lookahead anchored", strings.Replace(pnsLater, `(?=.*autodiscover)`, `^(?=.*autodiscover)`, 1), []mitView{pns(StatusPresent, pnsName)}, nil, true},
		{"proxynotshell url input", strings.Replace(pnsFirst, "{REQUEST_URI}", "{URL}", 1), []mitView{pns(StatusPartial, pnsName)}, []string{"hold only the path"}, false},
		{"proxynotshell template match url", `<rule name="RequestBlockingRule1" stopProcessing="true"><match url=".*autodiscover\.json.*\@.*Powershell.*" /><action type="CustomResponse" statusCode="403" statusReason="Forbidden" /></rule>`,
			[]mitView{pns(StatusPartial, "RequestBlockingRule1")}, []string{"hold only the path", "instead of aborting"}, false},
		{"proxynotshell either word", strings.Replace(pnsFirst, `.*autodiscover\.json.*\@.*Powershell.*`, `autodiscover|powershell`, 1), nil, nil, false},
		{"proxynotshell only autodiscover", strings.Replace(pnsFirst, `.*autodiscover\.json.*\@.*Powershell.*`, `autodiscover\.json`, 1), nil, nil, false},
		{"proxynotshell 404", strings.Replace(pnsLater, `type="AbortRequest"`, `type="CustomResponse" statusCode="404"`, 1), []mitView{pns(StatusPresent, pnsName)}, []string{"instead of aborting"}, false},
		{"proxynotshell case-sensitive", strings.Replace(pnsFirst, `<add input`, `<add ignoreCase="false" input`, 1), []mitView{pns(StatusPresent, pnsName)}, []string{"in lower case"}, false},
		{"proxynotshell disabled", strings.Replace(pnsLater, "<rule ", `<rule enabled="false" `, 1), []mitView{pns(StatusDisabled, pnsName)}, []string{"is disabled"}, false},
		{"proxynotshell negated", strings.Replace(pnsLater, "<add ", `<add negate="true" `, 1), nil, nil, false},
		{"proxynotshell MatchAny with both inputs", `<rule name="p"><match url=".*" /><conditions logicalGrouping="MatchAny">
			<add input="{REQUEST_URI}" pattern=".*autodiscover\.json.*Powershell.*" /><add input="{UrlDecode:{REQUEST_URI}}" pattern=".*autodiscover\.json.*Powershell.*" />
			</conditions><action type="AbortRequest" /></rule>`, []mitView{pns(StatusPresent, "p")}, nil, true},
		{"all three", pnsLater + plAnon + plBE, []mitView{pl(StatusPresent, anonName, beName), pns(StatusPresent, pnsName)}, nil, true},
		{"nothing", `<rule name="r"><match url="^$" /><action type="Redirect" url="/owa/" /></rule>`, nil, nil, true},
		{"empty", ``, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := Mitigations(rulesOf(t, tt.rules))
			if d := cmp.Diff(tt.want, view(ms)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			var notes []string
			for _, m := range ms {
				notes = append(notes, m.Notes...)
				if m.Where != "system.webServer/rewrite/rules" {
					t.Errorf("Where = %q", m.Where)
				}
			}
			for _, n := range tt.notes {
				found := false
				for _, got := range notes {
					found = found || strings.Contains(got, n)
				}
				if !found {
					t.Errorf("no note contains %q; notes: %q", n, notes)
				}
			}
			if tt.none && len(notes) > 0 {
				t.Errorf("unexpected notes: %q", notes)
			}
		})
	}
}

func TestMitigationParts(t *testing.T) {
	w, err := ParseWebConfig([]byte(`<configuration>
<location path="Default Web Site"><system.webServer><rewrite><rules>` + plAnon + `</rules></rewrite></system.webServer></location>
<location path="Other"><system.webServer><rewrite><rules>` + plBE + `</rules></rewrite></system.webServer></location>
</configuration>`))
	if err != nil {
		t.Fatal(err)
	}
	ms := Mitigations(w.Rewrite)
	if len(ms) != 1 {
		t.Fatalf("%+v", ms)
	}
	m := ms[0]
	want := []MitigationPart{
		{Scope: Scope{InLocation: true, Location: "Default Web Site", Section: "system.webServer/rewrite/rules", Line: 2}, Role: "X-AnonResource-Backend cookie", Rule: "X-AnonResource-Backend Abort - inbound", Active: true},
		{Scope: Scope{InLocation: true, Location: "Other", Section: "system.webServer/rewrite/rules", Line: 4}, Role: "X-BEResource cookie", Rule: "X-BEResource Abort - inbound", Active: true},
	}
	if d := cmp.Diff(want, m.Parts); d != "" {
		t.Errorf("parts (-want +got):\n%s", d)
	}
	if m.Where != `location "Default Web Site": system.webServer/rewrite/rules; location "Other": system.webServer/rewrite/rules` {
		t.Errorf("Where = %q", m.Where)
	}
	if len(m.Notes) != 1 || !strings.Contains(m.Notes[0], "different <location> sections") {
		t.Errorf("notes: %q", m.Notes)
	}
}

// TestMitigationsCorpus: of our sample configs, exactly the two mitigation samples carry
// mitigations, and they are recognised in full.
func TestMitigationsCorpus(t *testing.T) {
	pl := mitView{FamilyProxyLogon, StatusPresent, []string{"X-AnonResource-Backend Abort - inbound", "X-BEResource Abort - inbound"}}
	tests := []struct {
		file string
		want []mitView
	}{
		{"benign/webconfig-01-https-redirect/web.config", nil},
		{"benign/webconfig-02-proxylogon-mitigation/web.config", []mitView{pl}},
		{"benign/webconfig-03-aspnet-app/web.config", nil},
		{"benign/webconfig-04-owa-like/web.config", nil},
		{"benign/webconfig-05-combined-mitigations/web.config", []mitView{pl, {FamilyProxyNotShell, StatusPresent, []string{"PowerShell - inbound"}}}},
		{"malicious/handler-config-01-gif-pages/web.config", nil},
		{"malicious/handler-config-02-config-runs-asp/web.config", nil},
		{"malicious/handler-config-03-txt-pages/web.config", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			w, err := ParseWebConfig(readCorpus(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			ms := Mitigations(w.Rewrite)
			if d := cmp.Diff(tt.want, view(ms)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			for _, m := range ms {
				if len(m.Notes) > 0 {
					t.Errorf("notes: %q", m.Notes)
				}
			}
		})
	}
	// The applicationHost.config sample has no rules at all.
	a, err := ParseAppHost(readCorpus(t, "benign/config-04-iis/applicationHost.config"))
	if err != nil || Mitigations(a.Rewrite) != nil {
		t.Errorf("apphost: %v", err)
	}
}

func TestPatterns(t *testing.T) {
	tests := []struct {
		pat, syntax string
		fold        bool
		in          string
		want        tri
	}{
		{`(.*)X-BEResource=(.+)/(.+)~(.+)`, "", true, "x-beresource=a/b~1", yes},
		{`(.*)X-BEResource=(.+)/(.+)~(.+)`, "ECMAScript", false, "x-beresource=a/b~1", no},
		{`(?=.*autodiscover)(?=.*powershell)`, "", true, "/Autodiscover/x?PowerShell", yes},
		{`(?=.*autodiscover)(?=.*powershell)`, "", true, "/autodiscover/x", no},
		{`^(?=.*a)(?=.*[)])b`, "", false, "b)a", yes},
		{`(?=.*a`, "", false, "a", unknown},
		{`(?!x)`, "", false, "a", unknown},
		{`(a)\1`, "", false, "aa", unknown},
		{strings.Repeat("a", maxPatternLen+1), "", false, "a", unknown},
		{`*.aspx`, "wildcard", true, "X.ASPX", yes},
		{`*.aspx`, "Wildcard", true, "x.aspx.txt", no},
		{`a.b`, "Wildcard", false, "axb", no},
		{`Exact`, "ExactMatch", true, "exact", yes},
		{`Exact`, "ExactMatch", false, "exact", no},
		{`x`, "Perl", false, "x", unknown},
	}
	for _, tt := range tests {
		if got := compilePattern(tt.pat, tt.syntax, tt.fold).match(tt.in); got != tt.want {
			t.Errorf("%q (%s, fold %v) on %q: %v, want %v", tt.pat, tt.syntax, tt.fold, tt.in, got, tt.want)
		}
	}
	inputs := []struct {
		in, name string
		fns      []string
		ok       bool
	}{
		{"{HTTP_COOKIE}", "HTTP_COOKIE", nil, true},
		{" {UrlDecode:{REQUEST_URI}} ", "REQUEST_URI", []string{"UrlDecode"}, true},
		{"{ToLower:{UrlDecode:{URL}}}", "URL", []string{"ToLower", "UrlDecode"}, true},
		{"{HTTP_HOST}{REQUEST_URI}", "", nil, false},
		{"literal", "", nil, false},
		{"{}", "", nil, false},
		{"{a:{b:{c:{d:{e:{F}}}}}}", "", nil, false},
	}
	for _, tt := range inputs {
		name, fns, ok := parseInput(tt.in)
		if name != tt.name || ok != tt.ok || !cmp.Equal(fns, tt.fns) {
			t.Errorf("parseInput(%q) = %q %q %v", tt.in, name, fns, ok)
		}
	}
	for in, want := range map[string]string{"%50ower%2fshell": "Power/shell", "%zz%4": "%zz%4", "a%": "a%", "%41%": "A%"} {
		if got := urlDecode(in); got != want {
			t.Errorf("urlDecode(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMitigationsAtScale: thousands of rules, each with a long distinct pattern that
// plays a part, interleaved with rules that stop processing, stay within time and memory (the
// shadowing check is linear, long patterns are not cached).
func TestMitigationsAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	var b strings.Builder
	b.WriteString("<configuration><system.webServer><rewrite><rules>")
	for i := range 1000 {
		pat := fmt.Sprintf("(r%d)?(.*)X-AnonResource-Backend", i) + strings.Repeat("(x?)", 100)
		fmt.Fprintf(&b, `<rule name="r%d"><match url=".*" /><conditions logicalGrouping="MatchAny"><add input="{HTTP_COOKIE}" pattern="%s" />`+
			`<add input="{REQUEST_URI}" pattern="%s" /></conditions><action type="AbortRequest" /></rule>`, i, pat, pat)
		fmt.Fprintf(&b, `<rule name="s%d" stopProcessing="true"><match url="^nope%s" /><action type="None" /></rule>`, i, pat)
	}
	b.WriteString("</rules></rewrite></system.webServer></configuration>")
	w, err := ParseWebConfig([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ms := Mitigations(w.Rewrite)
	if el := time.Since(start); el > time.Minute {
		t.Errorf("took %v", el)
	}
	if d := cmp.Diff([]mitView{{FamilyProxyLogon, StatusPartial, []string{"r0"}}}, view(ms)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
