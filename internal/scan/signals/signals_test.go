package signals_test

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/exsweep/exsweep/internal/scan/signals"
)

func TestLogonPage(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		title  string
		owa    bool
		cu     string
		legacy string
		mixed  bool
	}{
		{"2016 page", `<html><head><title>Outlook</title><link rel="shortcut icon" href="/owa/auth/15.1.2176/themes/resources/favicon.ico"></head>
<script src="/owa/auth/15.1.2176/scripts/premium/flogon.js"></script>`, "Outlook", true, "15.1.2176", "", false},
		{"title with white space and case", "<TITLE>\r\n  Outlook Web App\n</TITLE><img src='/OWA/AUTH/15.02.0858/THEMES/resources/x.gif'>", "Outlook Web App", true, "15.2.858", "", false},
		{"2010 page", `<title>Outlook Web App</title><link href="/owa/14.3.513.0/themes/base/owafont.css">`, "Outlook Web App", true, "", "14.3.513.0", false},
		{"look-alike: title only", `<title>Outlook</title><form action="steal.php">`, "Outlook", true, "", "", false},
		{"stitched page", `<title>Outlook</title>/owa/auth/15.1.2176/themes/x /owa/auth/15.2.858/themes/y`, "Outlook", true, "", "", true},
		{"not OWA", `<title>IIS Windows Server</title>`, "IIS Windows Server", false, "", "", false},
		{"version-like junk", `<title>Outlook</title>/owa/auth/15.1.99999999/themes/`, "Outlook", true, "", "", false},
		{"control characters in title", "<title>Out\x00look\x1b[31m</title>", "Outlook[31m", false, "", "", false},
		{"empty", ``, "", false, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := signals.LogonPage([]byte(tt.body))
			if l.Title != tt.title || l.OWATitle != tt.owa || l.CU != tt.cu || l.Legacy != tt.legacy || l.Mixed != tt.mixed {
				t.Errorf("got %+v, want title %q owa %v cu %q legacy %q mixed %v", l, tt.title, tt.owa, tt.cu, tt.legacy, tt.mixed)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	tests := []struct {
		in    string
		parts int
		want  string
		ok    bool
	}{
		{"15.1.2176.9", 4, "15.1.2176.9", true},
		{" 15.02.0858.002 ", 4, "15.2.858.2", true},
		{"15.20.4200.11", 4, "15.20.4200.11", true},
		{"15.1.2176", 3, "15.1.2176", true},
		{"15.1.2176", 4, "", false},
		{"15.1.2176.9.1", 4, "", false},
		{"15.1.-2.9", 4, "", false},
		{"15.1.+2.9", 4, "", false},
		{"15.1..9", 4, "", false},
		{"15.1.1234567.9", 4, "", false},
		{"15.1.2176.9<script>", 4, "", false},
	}
	for _, tt := range tests {
		got, ok := signals.Version(tt.in, tt.parts)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Version(%q, %d) = %q, %v; want %q, %v", tt.in, tt.parts, got, ok, tt.want, tt.ok)
		}
	}
}

func TestManifest(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"real shape", `<?xml version="1.0" encoding="utf-8"?>
<asmv1:assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0">
  <assemblyIdentity name="microsoft.exchange.ediscovery.exporttool.application" version="15.2.986.5" publicKeyToken="b03f5f7f11d50a3a" language="neutral" processorArchitecture="msil" xmlns="urn:schemas-microsoft-com:asm.v1" />
</asmv1:assembly>`, "15.2.986.5"},
		{"attributes in another order, single quotes", `<assemblyIdentity version='15.1.2507.6' name='Microsoft.Exchange.EDiscovery.ExportTool' />`, "15.1.2507.6"},
		{"other assembly first", `<assemblyIdentity name="other" version="1.0.0.0"/><assemblyIdentity name="microsoft.exchange.ediscovery.exporttool" version="15.0.1497.2"/>`, "15.0.1497.2"},
		{"other assembly only", `<assemblyIdentity name="other" version="15.2.986.5"/>`, ""},
		{"bad version", `<assemblyIdentity name="microsoft.exchange.ediscovery.exporttool" version="15.2.x.5"/>`, ""},
		{"html error page", `<html><title>404</title></html>`, ""},
	}
	for _, tt := range tests {
		if got := signals.Manifest([]byte(tt.body)); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestHeaders(t *testing.T) {
	h := http.Header{}
	h.Set("X-OWA-Version", "15.1.2176.9")
	h.Set("X-FEServer", "EX01")
	h.Set("X-BEServer", "BN8PR04MB5890.namprd04.prod.outlook.com")
	h.Set("X-DiagInfo", "<script>")
	h.Set("request-id", "3f2504e0-4f89-11d3-9a0c-0305e82c3301")
	h.Add("WWW-Authenticate", "Negotiate")
	h.Add("WWW-Authenticate", "NTLM")
	h.Add("WWW-Authenticate", `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*"`)
	if v := signals.OWAVersion(h); v != "15.1.2176.9" {
		t.Errorf("OWAVersion = %q", v)
	}
	s := signals.Servers(h)
	if s["X-FEServer"] != "ex01" || s["X-BEServer"] != "bn8pr04mb5890.namprd04.prod.outlook.com" || s["X-DiagInfo"] != "" {
		t.Errorf("Servers = %v", s)
	}
	if !signals.OnlineName(s["X-BEServer"]) || signals.OnlineName("ex01.contoso.local") {
		t.Error("OnlineName")
	}
	if !signals.RequestID(h) {
		t.Error("RequestID")
	}
	c := signals.Challenges(h)
	if !c.Negotiate || !c.NTLM || c.Basic || !c.Online {
		t.Errorf("Challenges = %+v", c)
	}
	bad := http.Header{}
	bad.Set("X-OWA-Version", "15.1.2176.9; drop table")
	bad.Set("request-id", "not-a-guid")
	// Hybrid modern authentication on premises: the same client id, the tenant's own issuer.
	bad.Set("WWW-Authenticate", `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@8f4b2a6e-1111-2222-3333-444455556666"`)
	if signals.OWAVersion(bad) != "" || signals.RequestID(bad) || signals.Challenges(bad).Online {
		t.Error("malformed headers were accepted")
	}
}

func TestHasMAPITitle(t *testing.T) {
	if !signals.HasMAPITitle([]byte("<html><head><title>Exchange MAPI/HTTP Connectivity Endpoint</title>")) {
		t.Error("the ProxyShell page was not recognised")
	}
	if signals.HasMAPITitle([]byte("<title>Exchange MAPI/HTTP Connectivity Endpoint (fake)</title>")) {
		t.Error("another title was taken for the ProxyShell page")
	}
}

func FuzzLogonPage(f *testing.F) {
	f.Add([]byte(`<title>Outlook</title><link href="/owa/auth/15.1.2176/themes/resources/favicon.ico">`))
	f.Add([]byte(`<title>Outlook Web App</title>/owa/14.3.513.0/themes/base/x.css`))
	f.Add([]byte(`<assemblyIdentity name="microsoft.exchange.ediscovery.exporttool" version="15.2.986.5"/>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		l := signals.LogonPage(body)
		if !utf8.ValidString(l.Title) || len(l.Title) > 130 || strings.ContainsAny(l.Title, "\x00\x1b\r\n") {
			t.Fatalf("unsafe title %q", l.Title)
		}
		for _, v := range []struct {
			s     string
			parts int
		}{{l.CU, 3}, {l.Legacy, 4}, {signals.Manifest(body), 4}} {
			if v.s == "" {
				continue
			}
			if n, ok := signals.Version(v.s, v.parts); !ok || n != v.s {
				t.Fatalf("version %q is not a normalised %d-part version", v.s, v.parts)
			}
		}
		_ = signals.HasMAPITitle(body)
	})
}

func FuzzHeaders(f *testing.F) {
	f.Add("15.1.2176.9", "EX01", "Negotiate", "3f2504e0-4f89-11d3-9a0c-0305e82c3301")
	f.Add("15.20.4200.11", "BN6PR11CA0041.namprd11.prod.outlook.com", `Bearer client_id="00000002-0000-0ff1-ce00-000000000000"`, "")
	f.Fuzz(func(t *testing.T, owa, server, auth, reqID string) {
		h := http.Header{}
		h.Set("X-OWA-Version", owa)
		h.Set("X-FEServer", server)
		h.Set("X-CalculatedBETarget", server)
		h.Add("WWW-Authenticate", auth)
		h.Set("request-id", reqID)
		if v := signals.OWAVersion(h); v != "" {
			if n, ok := signals.Version(v, 4); !ok || n != v {
				t.Fatalf("OWAVersion %q not normalised", v)
			}
		}
		for _, s := range signals.Servers(h) {
			if strings.ContainsAny(s, " ;,<>\"'\x00\r\n") || len(s) > 253 {
				t.Fatalf("unsafe server name %q", s)
			}
		}
		_ = signals.Challenges(h)
		_ = signals.RequestID(h)
	})
}
