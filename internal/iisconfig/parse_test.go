package iisconfig

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
)

const corpus = "../../testdata/files-corpus"

func readCorpus(t testing.TB, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpus, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// utf16Bytes encodes s as UTF-16 with or without a byte order mark.
func utf16Bytes(s string, bigEndian, bom bool) []byte {
	var out []byte
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func TestParseAppHostCorpus(t *testing.T) {
	a, err := ParseAppHost(readCorpus(t, "benign/config-04-iis/applicationHost.config"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Site{{
		Name: "Default Web Site", ID: "1", Line: 16,
		Bindings: []Binding{{Protocol: "http", BindingInformation: "*:80:", Line: 21}},
		Apps: []Application{{Path: "/", Line: 17, VDirs: []VirtualDirectory{
			{Path: "/", PhysicalPath: `%SystemDrive%\inetpub\wwwroot`, Line: 18},
		}}},
	}, {
		Name: "Intranet", ID: "2", Line: 24, LogDirectory: `D:\Logs\IIS`,
		Bindings: []Binding{{Protocol: "https", BindingInformation: "*:443:intranet.contoso.com", Line: 33}},
		Apps: []Application{{Path: "/", ApplicationPool: "Intranet", Line: 25, VDirs: []VirtualDirectory{
			{Path: "/", PhysicalPath: `D:\Sites\Intranet`, Line: 26},
			{Path: "/docs", PhysicalPath: `\\fs01.corp.contoso.com\Docs$`, Line: 27},
		}}, {Path: "/reports", ApplicationPool: "Intranet", Line: 29, VDirs: []VirtualDirectory{
			{Path: "/", PhysicalPath: `D:\Sites\Reports`, Line: 30},
		}}},
	}}
	if d := cmp.Diff(want, a.Sites); d != "" {
		t.Errorf("sites (-want +got):\n%s", d)
	}
	if a.DefaultLogDirectory != `%SystemDrive%\inetpub\logs\LogFiles` || a.DefaultAppPool != "DefaultAppPool" {
		t.Errorf("defaults: %q %q", a.DefaultLogDirectory, a.DefaultAppPool)
	}
	if got := a.SiteLogDirectory(a.Sites[0]); got != a.DefaultLogDirectory {
		t.Errorf("site 1 logs to %q", got)
	}
	if got := a.SiteLogDirectory(a.Sites[1]); got != `D:\Logs\IIS` {
		t.Errorf("site 2 logs to %q", got)
	}
	if got := (&AppHost{}).SiteLogDirectory(Site{}); got != `%SystemDrive%\inetpub\logs\LogFiles` {
		t.Errorf("built-in default: %q", got)
	}
	if len(a.Rewrite)+len(a.Handlers)+len(a.Locations) != 0 || a.Dropped.Any() {
		t.Errorf("unexpected extras: %+v", a)
	}
	// None of its folders is in ProgramData, and only the Default Web Site's is on C:.
	for _, s := range a.Sites {
		for _, app := range s.Apps {
			for _, vd := range app.VDirs {
				rel, ok, _ := ResolvePath(vd.PhysicalPath, Env{})
				if ok && IntoProgramData(rel) {
					t.Errorf("%s resolved into ProgramData", vd.PhysicalPath)
				}
				if ok != (vd.PhysicalPath == `%SystemDrive%\inetpub\wwwroot`) {
					t.Errorf("%s: ok=%v", vd.PhysicalPath, ok)
				}
			}
		}
	}
}

// exchangeAppHost is an applicationHost.config in the shape of an Exchange server's, with a
// ProxyShell-era virtual directory into ProgramData, rules and handlers in <location> sections.
const exchangeAppHost = `<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.applicationHost>
    <sites>
      <site name="Default Web Site" id="1">
        <application path="/" applicationPool="DefaultAppPool">
          <virtualDirectory path="/" physicalPath="%SystemDrive%\inetpub\wwwroot" />
        </application>
        <application path="/owa" applicationPool="MSExchangeOWAAppPool">
          <virtualDirectory path="/" physicalPath="%ExchangeInstallPath%FrontEnd\HttpProxy\owa" />
          <virtualDirectory path="/cache" physicalPath="C:\ProgramData\COM\" />
        </application>
        <bindings>
          <binding protocol="https" bindingInformation="*:443:" />
        </bindings>
        <logFile directory="E:\IISLogs" />
      </site>
      <site name="Exchange Back End" id="2">
        <application path="/" applicationPool="MSExchangeServicesAppPool">
          <virtualDirectory path="/" physicalPath="C:\Program Files\Microsoft\Exchange Server\V15\ClientAccess\" />
          <virtualDirectory path="/x" physicalPath="C:\Users\All Users\x" />
        </application>
      </site>
      <siteDefaults><logFile directory="%SystemDrive%\inetpub\logs\LogFiles" /></siteDefaults>
    </sites>
  </system.applicationHost>
  <system.webServer>
    <handlers accessPolicy="Read, Script">
      <add name="PageHandlerFactory-Integrated" path="*.aspx" verb="GET,HEAD,POST,DEBUG" type="System.Web.UI.PageHandlerFactory" preCondition="integratedMode" />
    </handlers>
    <rewrite>
      <globalRules>
        <rule name="g1"><match url=".*" /><action type="None" /></rule>
      </globalRules>
    </rewrite>
  </system.webServer>
  <location path="Default Web Site" overrideMode="Allow">
    <system.webServer>
      <rewrite>
        <rules>
          <rule name="a" enabled="FALSE" stopProcessing="True"><match url="x" negate="true" ignoreCase="false" /><action type="AbortRequest" /></rule>
          <remove name="inherited" />
        </rules>
      </rewrite>
    </system.webServer>
  </location>
  <location path="Default Web Site/ecp">
    <system.webServer><handlers><clear /><add name="gif" path="*.gif" verb="*" modules="IsapiModule" scriptProcessor="%windir%\system32\inetsrv\asp.dll" resourceType="Unspecified" /></handlers></system.webServer>
  </location>
  <location path="Default Web Site/owa">
    <system.webServer><security /></system.webServer>
  </location>
</configuration>
`

func TestParseAppHostLocations(t *testing.T) {
	a, err := ParseAppHost([]byte(exchangeAppHost))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Sites) != 2 || len(a.Sites[0].Apps) != 2 || len(a.Sites[0].Apps[1].VDirs) != 2 || a.Sites[0].LogDirectory != `E:\IISLogs` {
		t.Fatalf("sites: %+v", a.Sites)
	}
	want := []Location{{Path: "Default Web Site", Line: 37}, {Path: "Default Web Site/ecp", Line: 47}}
	if d := cmp.Diff(want, a.Locations); d != "" {
		t.Errorf("locations (-want +got):\n%s", d)
	}
	if len(a.Rewrite) != 2 {
		t.Fatalf("rules: %+v", a.Rewrite)
	}
	g, r := a.Rewrite[0], a.Rewrite[1]
	if !g.Global || g.InLocation || g.Section != "system.webServer/rewrite/globalRules" || !g.Enabled {
		t.Errorf("global rule: %+v", g)
	}
	wantRule := RewriteRule{
		Scope: Scope{InLocation: true, Location: "Default Web Site", Section: "system.webServer/rewrite/rules", Line: 41},
		Name:  "a", Enabled: false, StopProcessing: true,
		Match:  Match{URL: "x", Negate: true, IgnoreCase: false, Written: true},
		Action: Action{Type: "AbortRequest"},
	}
	if d := cmp.Diff(wantRule, r); d != "" {
		t.Errorf("rule (-want +got):\n%s", d)
	}
	if got := r.Where(); got != `location "Default Web Site": system.webServer/rewrite/rules` {
		t.Errorf("Where: %s", got)
	}
	if len(a.Handlers) != 2 || a.Handlers[0].AccessPolicy != "Read, Script" || a.Handlers[1].ScriptProcessor != `%windir%\system32\inetsrv\asp.dll` ||
		a.Handlers[1].Location != "Default Web Site/ecp" || a.Handlers[1].RemovedAt != 0 {
		t.Errorf("handlers: %+v", a.Handlers)
	}
	if len(a.Removals) != 2 || a.Removals[0].Key != "inherited" || a.Removals[0].Clear || !a.Removals[1].Clear {
		t.Errorf("removals: %+v", a.Removals)
	}
	var into []string
	for _, s := range a.Sites {
		for _, app := range s.Apps {
			for _, vd := range app.VDirs {
				if rel, ok, _ := ResolvePath(vd.PhysicalPath, Env{ExchangeInstallPath: "Program Files/Microsoft/Exchange Server/V15"}); ok && IntoProgramData(rel) {
					into = append(into, s.Name+app.Path+vd.Path)
				}
			}
		}
	}
	if d := cmp.Diff([]string{"Default Web Site/owa/cache", "Exchange Back End//x"}, into); d != "" {
		t.Errorf("virtual directories into ProgramData (-want +got):\n%s", d)
	}
}

func TestParseWebConfigCorpus(t *testing.T) {
	type summary struct {
		Rules, Handlers, BuildProviders, Removals int
		HandlerPaths                              []string
	}
	tests := []struct {
		file string
		want summary
	}{
		{"benign/webconfig-01-https-redirect/web.config", summary{Rules: 2}},
		{"benign/webconfig-02-proxylogon-mitigation/web.config", summary{Rules: 2}},
		{"benign/webconfig-03-aspnet-app/web.config", summary{Handlers: 2, Removals: 1, HandlerPaths: []string{"thumb.axd", "*."}}},
		{"benign/webconfig-04-owa-like/web.config", summary{Handlers: 4, Removals: 1, HandlerPaths: []string{"auth.owa", "ev.owa", "*.aspx", "*"}}},
		{"benign/webconfig-05-combined-mitigations/web.config", summary{Rules: 4, Removals: 1}},
		{"malicious/handler-config-01-gif-pages/web.config", summary{Handlers: 1, BuildProviders: 1, HandlerPaths: []string{"*.gif"}}},
		{"malicious/handler-config-02-config-runs-asp/web.config", summary{Handlers: 1, HandlerPaths: []string{"*.config"}}},
		{"malicious/handler-config-03-txt-pages/web.config", summary{Handlers: 3, BuildProviders: 1, Removals: 1, HandlerPaths: []string{"*.txt", "*.txt", "*"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			w, err := ParseWebConfig(readCorpus(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got := summary{Rules: len(w.Rewrite), Handlers: len(w.Handlers), BuildProviders: len(w.BuildProviders), Removals: len(w.Removals)}
			for _, h := range w.Handlers {
				got.HandlerPaths = append(got.HandlerPaths, h.Path)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}

	w, _ := ParseWebConfig(readCorpus(t, "malicious/handler-config-02-config-runs-asp/web.config"))
	want := Handler{
		Scope: Scope{Section: "system.webServer/handlers", Line: 5},
		Name:  "cfg_asp", Path: "*.config", Verb: "*", Modules: "IsapiModule",
		ScriptProcessor: `%windir%\system32\inetsrv\asp.dll`, ResourceType: "Unspecified", PreCondition: "bitness64",
		RequireAccess: "Write", AccessPolicy: "Read, Script, Write",
	}
	if d := cmp.Diff(want, w.Handlers[0]); d != "" {
		t.Errorf("handler (-want +got):\n%s", d)
	}
	w, _ = ParseWebConfig(readCorpus(t, "malicious/handler-config-03-txt-pages/web.config"))
	if h := w.Handlers[0]; h.Section != "system.web/httpHandlers" || h.Type != "System.Web.UI.PageHandlerFactory" || h.Name != "" {
		t.Errorf("httpHandlers entry: %+v", h)
	}
	if bp := w.BuildProviders[0]; bp.Extension != ".txt" || bp.Type != "System.Web.Compilation.PageBuildProvider" {
		t.Errorf("build provider: %+v", bp)
	}
	w, _ = ParseWebConfig(readCorpus(t, "benign/webconfig-01-https-redirect/web.config"))
	wantRule := RewriteRule{
		Scope: Scope{Section: "system.webServer/rewrite/rules", Line: 6},
		Name:  "Redirect to HTTPS", Enabled: true, StopProcessing: true,
		Match: Match{URL: "(.*)", IgnoreCase: true, Written: true},
		Conditions: Conditions{LogicalGrouping: "MatchAll", Items: []Condition{
			{Input: "{HTTPS}", Pattern: "^OFF$", IgnoreCase: true, Line: 9},
			{Input: "{HTTP_HOST}", Pattern: "^localhost$", Negate: true, IgnoreCase: true, Line: 10},
		}},
		Action: Action{Type: "Redirect", URL: "https://{HTTP_HOST}/{R:1}", RedirectType: "Permanent"},
	}
	if d := cmp.Diff(wantRule, w.Rewrite[0]); d != "" {
		t.Errorf("rule (-want +got):\n%s", d)
	}
}

func TestParseWebConfigRulesAndRemovals(t *testing.T) {
	const doc = `<configuration xmlns="http://schemas.microsoft.com/.NetConfiguration/v2.0" xmlns:xdt="http://schemas.microsoft.com/XML-Document-Transform">
<system.webServer><rewrite><rules>
  <rule name="one" enabled="yes" patternSyntax="Wildcard" xdt:Transform="Insert">
    <match url="*" /><match url="again" />
    <conditions logicalGrouping="MatchAny" trackAllCaptures="true">
      <add input="{HTTP_COOKIE}" pattern="*x*" negate="TRUE" ignoreCase="False" matchType="Pattern" />
      <add input="{REQUEST_FILENAME}" matchType="IsFile" />
    </conditions>
    <action type="CustomResponse" statusCode="403" subStatusCode="0" statusReason="Forbidden" statusDescription="no" />
  </rule>
  <rule name="One"><match url="x" /><action type="Rewrite" url="/y" /></rule>
  <rule name="two"><match url="x" /></rule>
  <remove name="TWO" />
  <rule name="three"><match url="x" /></rule>
  <clear />
  <rule name="four"><match url="x" /></rule>
</rules></rewrite></system.webServer>
<location path="owa"><system.web><httpHandlers><add path="*.gif" verb="*" type="T" /><remove path="*.gif" verb="*" /></httpHandlers></system.web></location>
</configuration>`
	w, err := ParseWebConfig([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Rewrite) != 5 {
		t.Fatalf("rules: %d", len(w.Rewrite))
	}
	one := w.Rewrite[0]
	if !one.Enabled || one.PatternSyntax != "Wildcard" || one.Match.URL != "*" || one.Conditions.LogicalGrouping != "MatchAny" ||
		len(one.Conditions.Items) != 2 || !one.Conditions.Items[0].Negate || one.Conditions.Items[0].IgnoreCase ||
		one.Conditions.Items[1].MatchType != "IsFile" || one.Action.StatusCode != "403" || one.Action.StatusReason != "Forbidden" {
		t.Errorf("rule one: %+v", one)
	}
	if len(one.Problems) != 2 || !strings.Contains(one.Problems[0], `enabled="yes"`) || !strings.Contains(one.Problems[1], "more than one <match>") {
		t.Errorf("problems: %q", one.Problems)
	}
	if p := w.Rewrite[1].Problems; len(p) != 1 || !strings.Contains(p[0], "duplicate") {
		t.Errorf("duplicate name not noticed: %q", p)
	}
	removed := []int{}
	for _, r := range w.Rewrite {
		removed = append(removed, r.RemovedAt)
	}
	if d := cmp.Diff([]int{15, 15, 13, 15, 0}, removed); d != "" {
		t.Errorf("RemovedAt (-want +got):\n%s", d)
	}
	if len(w.Handlers) != 1 || w.Handlers[0].RemovedAt != 18 || !w.Handlers[0].InLocation || w.Handlers[0].Location != "owa" {
		t.Errorf("handlers: %+v", w.Handlers)
	}
	if len(w.Locations) != 1 || w.Locations[0].Path != "owa" {
		t.Errorf("locations: %+v", w.Locations)
	}
	// Sites are not read from a web.config.
	w2, err := ParseWebConfig([]byte(exchangeAppHost))
	if err != nil || len(w2.Rewrite) != 2 {
		t.Errorf("apphost as web.config: %v %d", err, len(w2.Rewrite))
	}
}

func TestEncodings(t *testing.T) {
	doc := `<?xml version="1.0" encoding="utf-16"?>` + "\r\n" + `<configuration><system.webServer><handlers><add name="h€𝄞" path="*.gif" /></handlers></system.webServer></configuration>`
	utf8doc := strings.Replace(doc, "utf-16", "utf-8", 1)
	tests := []struct {
		name    string
		data    []byte
		wantErr error // nil: the handler must be read
		partial bool  // with wantErr: the handler is still read
	}{
		{"utf-8", []byte(utf8doc), nil, false},
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, utf8doc...), nil, false},
		{"no declaration", []byte(utf8doc[strings.Index(utf8doc, "<configuration"):]), nil, false},
		{"utf-16le bom", utf16Bytes(doc, false, true), nil, false},
		{"utf-16be bom", utf16Bytes(doc, true, true), nil, false},
		{"utf-16le no bom", utf16Bytes(doc, false, false), nil, false},
		{"utf-16be no bom", utf16Bytes(doc, true, false), nil, false},
		{"utf-16 declared on utf-8 text", []byte(doc), nil, false},
		{"utf-16 odd length", append(utf16Bytes(doc, false, true), 'x'), ErrEncoding, true},
		{"windows-1252", []byte(strings.Replace(utf8doc, "utf-8", "windows-1252", 1)), ErrEncoding, false},
		{"iso-8859-1 in utf-16", utf16Bytes(strings.Replace(doc, "utf-16", "ISO-8859-1", 1), false, true), ErrEncoding, false},
		{"ebcdic", []byte(strings.Replace(utf8doc, "utf-8", "IBM037", 1)), ErrEncoding, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := ParseWebConfig(tt.data)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
			} else if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			got := w != nil && len(w.Handlers) == 1 && w.Handlers[0].Name == "h€𝄞"
			if want := tt.wantErr == nil || tt.partial; got != want {
				t.Errorf("handler read: %v, want %v (%+v)", got, want, w)
			}
		})
	}
}

func TestHostile(t *testing.T) {
	nest := func(n int) string {
		return "<configuration>" + strings.Repeat("<a>", n) + strings.Repeat("</a>", n) + "</configuration>"
	}
	lol := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">` +
		`<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
		`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">` +
		`<!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>` +
		`<configuration><system.webServer><handlers><add name="&lol9;" /></handlers></system.webServer></configuration>`
	huge := strings.Repeat("A", 4<<20)
	tests := []struct {
		name     string
		data     string
		wantErr  string // substring; "" for success
		wantLine int    // for syntax errors: the line named
		handlers int    // handlers read
	}{
		{"huge attribute", `<configuration><system.webServer><handlers><add name="` + huge + `" path="*" /></handlers></system.webServer></configuration>`, "", 0, 1},
		{"deep but allowed", nest(MaxDepth - 2), "", 0, 0},
		{"too deep", nest(MaxDepth + 5), "nested more than", 1, 0},
		{"unknown entity", "<configuration>\n<system.webServer><handlers><add name=\"&foo;\" /></handlers></system.webServer></configuration>", "invalid character entity &foo;", 2, 0},
		{"predefined entities", `<configuration><system.webServer><handlers><add name="&lt;&amp;&#65;&#x42;" /></handlers></system.webServer></configuration>`, "", 0, 1},
		{"doctype without use", `<!DOCTYPE configuration [<!ENTITY x SYSTEM "file:///c:/windows/win.ini">]><configuration><system.webServer><handlers><add name="x" /></handlers></system.webServer></configuration>`, "", 0, 1},
		{"external entity used", `<!DOCTYPE configuration [<!ENTITY x SYSTEM "file:///c:/windows/win.ini">]><configuration><system.webServer><handlers><add name="&x;" /></handlers></system.webServer></configuration>`, "invalid character entity &x;", 1, 0},
		{"billion laughs", lol, "invalid character entity &lol9;", 1, 0},
		{"truncated", "<configuration>\n<system.webServer>\n<handlers>\n<add name=\"a\" />\n<add name=\"b\"", "unexpected EOF", 5, 1},
		{"truncated in tag name", "<configuration><system.webServer><handlers><add name=\"a\" /></handlers></sys", "unexpected EOF", 1, 1},
		{"mismatched end", "<configuration>\n<system.webServer><handlers><add name=\"a\" /></system.webServer>", "element <handlers> closed by </system.webServer>", 2, 1},
		{"binary garbage", "\x00\x01\x02\xff\xfe\x89PNG\r\n\x1a\n", "illegal character", 0, 0},
		{"invalid utf-8", "<configuration>\n<system.webServer><handlers><add name=\"a\xff\xfe\" /></handlers></system.webServer></configuration>", "invalid UTF-8", 2, 0},
		{"nul byte", "<configuration>\x00</configuration>", "illegal character code U+0000", 1, 0},
		{"empty", "", "no <configuration> element", 1, 0},
		{"only a comment", "<!-- nothing -->", "no <configuration> element", 1, 0},
		{"not configuration", "<html><body/></html>", "root element is not <configuration>", 0, 0},
		{"second root", "<configuration/>\n<configuration/>", "second root element", 2, 0},
		{"text after root", "<configuration/>\ntrailing", "text outside the root element", 2, 0},
		{"unquoted attribute", "<configuration><system.webServer><handlers><add name=a /></handlers></system.webServer></configuration>", "unquoted or missing attribute value", 1, 0},
		{"xml 1.1", `<?xml version="1.1"?><configuration/>`, "unsupported version", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			w, err := ParseWebConfig([]byte(tt.data))
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("took %v", el)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
			var se *SyntaxError
			if tt.wantLine > 0 {
				if !errors.As(err, &se) || se.Line != tt.wantLine {
					t.Errorf("want a SyntaxError at line %d, got %#v", tt.wantLine, err)
				}
				if !strings.Contains(err.Error(), fmt.Sprintf("line %d ", tt.wantLine)) {
					t.Errorf("error does not say where: %v", err)
				}
			}
			if w == nil {
				t.Fatal("nil result")
			}
			if len(w.Handlers) != tt.handlers {
				t.Errorf("handlers read: %d, want %d", len(w.Handlers), tt.handlers)
			}
		})
	}
}

func TestTooLarge(t *testing.T) {
	data := bytes.Repeat([]byte(" "), MaxInputSize+1)
	copy(data, "<configuration>")
	a, err := ParseAppHost(data)
	if !errors.Is(err, ErrTooLarge) || a != nil {
		t.Errorf("ParseAppHost: %v %v", a, err)
	}
	w, err := ParseWebConfig(data)
	if !errors.Is(err, ErrTooLarge) || w != nil {
		t.Errorf("ParseWebConfig: %v %v", w, err)
	}
}

func TestCaps(t *testing.T) {
	n := MaxItems + 7
	var b strings.Builder
	b.WriteString(`<configuration><system.applicationHost><sites><site name="big"><application path="/">`)
	b.WriteString(strings.Repeat(`<virtualDirectory path="/" physicalPath="C:\x" />`, n))
	b.WriteString(`</application>`)
	b.WriteString(strings.Repeat(`<application path="/a" />`, n))
	b.WriteString(`<bindings>` + strings.Repeat(`<binding protocol="http" />`, n) + `</bindings></site>`)
	for i := range n {
		fmt.Fprintf(&b, `<site name="s%d" id="%d" />`, i, i)
	}
	b.WriteString(`</sites></system.applicationHost>`)
	for i := range n {
		fmt.Fprintf(&b, `<location path="p%d"><system.web><compilation><buildProviders><add extension=".e%d" /></buildProviders></compilation></system.web></location>`, i, i)
		fmt.Fprintf(&b, `<location path="q%d"><system.web><compilation><buildProviders><clear/></buildProviders></compilation></system.web></location>`, i)
	}
	b.WriteString(`<system.webServer><rewrite><rules><rule name="many"><match url="x" /><conditions>`)
	b.WriteString(strings.Repeat(`<add input="{URL}" pattern="y" />`, n))
	b.WriteString(`</conditions><action type="AbortRequest" /></rule>`)
	for i := range n {
		fmt.Fprintf(&b, `<rule name="r%d"><match url="x" /><action type="AbortRequest" /></rule>`, i)
	}
	b.WriteString("</rules></rewrite><handlers>")
	for i := range n {
		fmt.Fprintf(&b, `<add name="h%d" path="*.x" /><remove name="none%d" />`, i, i)
	}
	b.WriteString("</handlers></system.webServer></configuration>")
	start := time.Now()
	a, err := ParseAppHost([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	checkCaps(t, a.Sites, a.Rewrite, a.Handlers, a.BuildProviders, a.Removals, a.Locations)
	d := a.Dropped
	for name, v := range map[string]int{
		"sites": d.Sites, "apps": d.Applications, "vdirs": d.VirtualDirectories, "bindings": d.Bindings, "rules": d.Rules,
		"conditions": d.Conditions, "handlers": d.Handlers, "buildProviders": d.BuildProviders, "removals": d.Removals, "locations": d.Locations,
	} {
		if v == 0 {
			t.Errorf("nothing dropped for %s: %+v", name, d)
		}
	}
	if !d.Any() || len(a.Sites) != MaxItems || len(a.Rewrite) != MaxItems || len(a.Handlers) != MaxItems || len(a.Locations) != MaxItems {
		t.Errorf("kept: %d sites, %d rules, %d handlers, %d locations", len(a.Sites), len(a.Rewrite), len(a.Handlers), len(a.Locations))
	}
	// Mitigations on the maximum number of rules stays fast (the rules share one pattern).
	if m := Mitigations(a.Rewrite); m != nil {
		t.Errorf("mitigations: %+v", m)
	}
	if el := time.Since(start); el > 20*time.Second {
		t.Errorf("took %v", el)
	}
}

// checkCaps checks that no list holds more than MaxItems entries, in total per kind.
func checkCaps(t testing.TB, sites []Site, rules []RewriteRule, handlers []Handler, bps []BuildProvider, rem []Removal, locs []Location) {
	t.Helper()
	var apps, vdirs, bindings, conds int
	for _, s := range sites {
		apps += len(s.Apps)
		bindings += len(s.Bindings)
		for _, a := range s.Apps {
			vdirs += len(a.VDirs)
		}
	}
	for _, r := range rules {
		conds += len(r.Conditions.Items)
		if len(r.Problems) > maxProblems {
			t.Errorf("rule with %d problems", len(r.Problems))
		}
	}
	for _, h := range handlers {
		if len(h.Problems) > maxProblems {
			t.Errorf("handler with %d problems", len(h.Problems))
		}
	}
	for name, n := range map[string]int{
		"sites": len(sites), "apps": apps, "vdirs": vdirs, "bindings": bindings, "rules": len(rules), "conditions": conds,
		"handlers": len(handlers), "buildProviders": len(bps), "removals": len(rem), "locations": len(locs),
	} {
		if n > MaxItems {
			t.Errorf("%s: %d kept, cap %d", name, n, MaxItems)
		}
	}
}

func TestPartialAppHost(t *testing.T) {
	// A damaged applicationHost.config still tells which folders were served before the damage.
	data := readCorpus(t, "benign/config-04-iis/applicationHost.config")
	cut := bytes.Index(data, []byte(`<application path="/reports"`))
	a, err := ParseAppHost(data[:cut+20])
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 29 || se.Offset <= 0 {
		t.Fatalf("err = %#v", err)
	}
	if a == nil || len(a.Sites) != 2 || len(a.Sites[1].Apps) != 1 || len(a.Sites[1].Apps[0].VDirs) != 2 {
		t.Fatalf("partial result: %+v", a)
	}
	// UTF-16 errors say so.
	_, err = ParseAppHost(utf16Bytes("<configuration><x></configuration>", false, true))
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "UTF-16") {
		t.Errorf("err = %v", err)
	}
}
