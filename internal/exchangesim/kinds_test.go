package exchangesim

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/catalog"
)

const (
	vulnerable2016 = "15.1.2176.2" // 2016 CU19 without the March 2021 SU: ProxyLogon and ProxyShell
	manifestPath   = "/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application"
	proxyLogonCk   = "X-AnonResource=true; X-AnonResource-Backend=localhost/ecp/default.flt?~3; X-BEResource=localhost/owa/auth/logon.aspx?~3;"
	psMAPI         = "/autodiscover/autodiscover.json?@test.com/mapi/nspi/?&Email=autodiscover/autodiscover.json%3F@test.com"
	psOWA          = "/autodiscover/autodiscover.json?@test.com/owa/?&Email=autodiscover/autodiscover.json%3F@test.com"
	psPowerShell   = "/autodiscover/autodiscover.json?@x.com/powershell/?&Email=autodiscover/autodiscover.json%3F@x.com"
)

var guidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// newestBuild is the newest build the catalog lists for product: fixed for every family.
func newestBuild(t *testing.T, product string) string {
	t.Helper()
	es := cat(t).Entries(product)
	return es[len(es)-1].Build
}

// check is one expectation on one request.
type check struct {
	name, path, cookie string
	status             int
	reset              bool              // no HTTP answer at all
	headers            map[string]string // exact values; "" = must be absent
	contains           []string          // in the body
	absent             []string          // not in the body
	values             map[string][]string
}

func runChecks(t *testing.T, h Host, checks []check) {
	t.Helper()
	c := client(t)
	for _, ck := range checks {
		t.Run(ck.name, func(t *testing.T) {
			a := get(t, c, baseURL(h)+ck.path, ck.cookie)
			if ck.reset {
				if a.err == nil {
					t.Fatalf("GET %s: got %d, want the connection aborted without an answer", ck.path, a.status)
				}
				return
			}
			if a.err != nil {
				t.Fatalf("GET %s: %v", ck.path, a.err)
			}
			if a.status != ck.status {
				t.Errorf("GET %s: status %d, want %d\n%v\n%s", ck.path, a.status, ck.status, a.header, a.body)
			}
			for k, want := range ck.headers {
				got, present := a.header.Get(k), len(a.header.Values(k)) > 0
				switch {
				case want == "" && present:
					t.Errorf("GET %s: header %s: %q, want none", ck.path, k, got)
				case want != "" && got != want:
					t.Errorf("GET %s: header %s: %q, want %q", ck.path, k, got, want)
				}
			}
			for k, want := range ck.values {
				if got := a.header.Values(k); !slices.Equal(got, want) {
					t.Errorf("GET %s: header %s: %q, want %q", ck.path, k, got, want)
				}
			}
			for _, s := range ck.contains {
				if !strings.Contains(a.body, s) {
					t.Errorf("GET %s: body lacks %q:\n%s", ck.path, s, a.body)
				}
			}
			for _, s := range ck.absent {
				if strings.Contains(a.body, s) {
					t.Errorf("GET %s: body has %q", ck.path, s)
				}
			}
		})
	}
}

func TestExchangeVulnerable(t *testing.T) {
	f := start(t, Options{}, Profile{Kind: KindExchange, Build: vulnerable2016, Server: "EX07"})
	h := f.Hosts()[0]
	fe := map[string]string{"X-FEServer": "EX07"}
	runChecks(t, h, []check{
		{name: "logon", path: "/owa/auth/logon.aspx?replaceCurrent=1", status: 200,
			headers:  map[string]string{"X-FEServer": "EX07", "X-Powered-By": "ASP.NET", "Server": "Microsoft-IIS/10.0", "X-OWA-Version": "", "Content-Type": "text/html; charset=utf-8"},
			contains: []string{"<title>Outlook</title>", "/owa/auth/15.1.2176/themes/resources/favicon.ico", "/owa/auth/15.1.2176/scripts/premium/flogon.js"},
			absent:   []string{"15.1.2176.2"}},
		{name: "logon any case", path: "/OWA/Auth/Logon.aspx", status: 200, headers: fe},
		{name: "owa redirects", path: "/owa/", status: 302,
			headers: map[string]string{"X-FEServer": "EX07", "Location": "https://" + hostport(h) + "/owa/auth/logon.aspx?url=https%3A%2F%2F" + strings.ReplaceAll(hostport(h), ":", "%3A") + "%2Fowa%2F&reason=0"}},
		{name: "owa without slash", path: "/owa", status: 302, headers: fe},
		{name: "ews", path: "/EWS/Exchange.asmx", status: 401,
			headers: map[string]string{"X-OWA-Version": vulnerable2016, "X-FEServer": "EX07", "X-Powered-By": "ASP.NET"},
			values:  map[string][]string{"Www-Authenticate": {"Negotiate", "NTLM"}}},
		{name: "owa service", path: "/owa/service.svc", status: 401, headers: map[string]string{"X-OWA-Version": vulnerable2016}},
		{name: "autodiscover xml", path: "/autodiscover/autodiscover.xml", status: 401, headers: map[string]string{"X-OWA-Version": vulnerable2016}},
		{name: "mapi", path: "/mapi/emsmdb/", status: 401, headers: map[string]string{"X-OWA-Version": vulnerable2016}},
		{name: "oab", path: "/oab/", status: 401, headers: fe},
		{name: "rpc", path: "/rpc/rpcproxy.dll", status: 401, headers: fe},
		{name: "activesync", path: "/Microsoft-Server-ActiveSync", status: 401, headers: fe},
		{name: "manifest", path: manifestPath, status: 200,
			headers: map[string]string{"Content-Type": "application/x-ms-application", "X-FEServer": "EX07"},
			contains: []string{`<assemblyIdentity name="microsoft.exchange.ediscovery.exporttool.application" version="15.1.2176.2" `,
				`<assemblyIdentity name="microsoft.exchange.ediscovery.exporttool" version="15.1.2176.2" `}},
		{name: "ecp redirects", path: "/ecp/", status: 302, headers: fe},
		{name: "proxylogon check", path: "/owa/auth/x.js", cookie: proxyLogonCk, status: 500,
			headers: map[string]string{"X-CalculatedBETarget": "localhost", "X-FEServer": "EX07"}},
		{name: "x.js without cookie", path: "/owa/auth/x.js", status: 404, headers: map[string]string{"X-CalculatedBETarget": "", "X-FEServer": "EX07"}},
		{name: "proxyshell check", path: psMAPI, status: 200, contains: []string{"<title>Exchange MAPI/HTTP Connectivity Endpoint</title>", "Version: 15.1.2176.2"}},
		{name: "proxyshell owa variant", path: psOWA, status: 302},
		{name: "proxyshell powershell variant", path: psPowerShell, status: 401},
		{name: "plain autodiscover.json", path: "/autodiscover/autodiscover.json", status: 400},
		{name: "unknown path", path: "/nothing/here", status: 404, headers: fe, contains: []string{"404 - File or directory not found."}},
	})
	// request-id is a fresh GUID on every answer.
	c := client(t)
	a, b := get(t, c, baseURL(h)+"/EWS/Exchange.asmx", ""), get(t, c, baseURL(h)+"/EWS/Exchange.asmx", "")
	for _, x := range []answer{a, b} {
		if !guidRE.MatchString(x.header.Get("request-id")) {
			t.Errorf("request-id %q is not a GUID", x.header.Get("request-id"))
		}
	}
	if a.header.Get("request-id") == b.header.Get("request-id") {
		t.Error("request-id repeats")
	}
}

func hostport(h Host) string { return baseURL(h)[len("https://"):] }

func TestExchangeFixed(t *testing.T) {
	build := newestBuild(t, catalog.Product2019)
	f := start(t, Options{}, Profile{Kind: KindExchange, Build: build})
	runChecks(t, f.Hosts()[0], []check{
		{name: "default server name", path: "/owa/auth/logon.aspx", status: 200, headers: map[string]string{"X-FEServer": "EX01"}},
		{name: "ews", path: "/EWS/Exchange.asmx", status: 401, headers: map[string]string{"X-OWA-Version": build}},
		{name: "proxylogon check", path: "/owa/auth/x.js", cookie: proxyLogonCk, status: 404, headers: map[string]string{"X-CalculatedBETarget": "", "X-FEServer": "EX01"}},
		{name: "proxyshell check", path: psMAPI, status: 400, absent: []string{"MAPI/HTTP"}},
		{name: "proxyshell owa variant", path: psOWA, status: 400},
		{name: "proxyshell powershell variant", path: psPowerShell, status: 400},
	})
}

func TestExchange2013Server(t *testing.T) {
	f := start(t, Options{}, Profile{Kind: KindExchange, Build: "15.0.1497.2"})
	runChecks(t, f.Hosts()[0], []check{
		{name: "iis 8.5", path: "/owa/auth/logon.aspx", status: 200, headers: map[string]string{"Server": "Microsoft-IIS/8.5"}, contains: []string{"/owa/auth/15.0.1497/themes/"}},
	})
}

func TestExchangeReported(t *testing.T) {
	f := start(t, Options{}, Profile{Kind: KindExchange, Build: "15.2.858.5", Reported: "15.2.858.2"})
	runChecks(t, f.Hosts()[0], []check{
		{name: "logon has the CU", path: "/owa/auth/logon.aspx", status: 200, contains: []string{"/owa/auth/15.2.858/themes/resources/"}},
		{name: "ews reports the lagging number", path: "/EWS/Exchange.asmx", status: 401, headers: map[string]string{"X-OWA-Version": "15.2.858.2"}},
		{name: "manifest too", path: manifestPath, status: 200, contains: []string{`name="microsoft.exchange.ediscovery.exporttool" version="15.2.858.2"`}},
		// 15.2.858.5 shipped with the ProxyLogon fix.
		{name: "fixed", path: "/owa/auth/x.js", cookie: proxyLogonCk, status: 404},
	})
}

func TestExchangeBackends(t *testing.T) {
	backends := []string{"15.1.2176.2", "15.1.2176.14"}
	f := start(t, Options{}, Profile{Kind: KindExchange, Build: "15.1.2176.2", Backends: backends})
	c := client(t)
	var got []string
	for range 4 {
		got = append(got, get(t, c, baseURL(f.Hosts()[0])+"/EWS/Exchange.asmx", "").header.Get("X-OWA-Version"))
	}
	if want := append(slices.Clone(backends), backends...); !slices.Equal(got, want) {
		t.Errorf("X-OWA-Version over four requests: %q, want %q", got, want)
	}
}

func TestExchangeMitigations(t *testing.T) {
	noFE := map[string]string{"X-FEServer": ""}
	t.Run("ecp blocked", func(t *testing.T) {
		f := start(t, Options{}, Profile{Kind: KindExchange, Build: vulnerable2016, ECPBlocked: true})
		runChecks(t, f.Hosts()[0], []check{
			{name: "manifest", path: manifestPath, status: 404, headers: noFE},
			{name: "ecp", path: "/ecp/", status: 404, headers: noFE},
			{name: "owa works", path: "/owa/auth/logon.aspx", status: 200},
		})
	})
	t.Run("pools stopped", func(t *testing.T) {
		f := start(t, Options{}, Profile{Kind: KindExchange, Build: vulnerable2016, PoolsStopped: true, ProxyLogonRewrite: true})
		unavailable := map[string]string{"X-FEServer": "", "Server": "Microsoft-HTTPAPI/2.0"}
		runChecks(t, f.Hosts()[0], []check{
			{name: "ecp", path: "/ecp/", status: 503, headers: unavailable, contains: []string{"Service Unavailable"}},
			{name: "manifest", path: manifestPath, status: 503, headers: unavailable},
			{name: "oab", path: "/oab/", status: 503, headers: unavailable},
			{name: "owa works", path: "/owa/auth/logon.aspx", status: 200, headers: map[string]string{"X-FEServer": "EX01"}},
		})
	})
	for _, tlsOn := range []bool{true, false} {
		name := map[bool]string{true: "https", false: "http"}[tlsOn]
		t.Run("proxylogon rewrite "+name, func(t *testing.T) {
			f := startHosts(t, Options{}, Host{Addr: loop, TLS: tlsOn, Profile: Profile{Kind: KindExchange, Build: vulnerable2016, ProxyLogonRewrite: true}})
			runChecks(t, f.Hosts()[0], []check{
				{name: "check aborted", path: "/owa/auth/x.js", cookie: proxyLogonCk, reset: true},
				{name: "backend cookie alone", path: "/owa/auth/logon.aspx", cookie: "x-anonresource-backend=1", reset: true},
				{name: "beresource rule", path: "/owa/", cookie: "a=1; X-BEResource=a/b~c", reset: true},
				{name: "beresource without the shape", path: "/owa/auth/x.js", cookie: "X-BEResource=localhost", status: 500},
				{name: "without the cookie", path: "/owa/auth/x.js", status: 404},
				{name: "logon works", path: "/owa/auth/logon.aspx", status: 200},
			})
		})
	}
	t.Run("proxynotshell rewrite", func(t *testing.T) {
		f := start(t, Options{}, Profile{Kind: KindExchange, Build: vulnerable2016, ProxyNotShellRewrite: true})
		runChecks(t, f.Hosts()[0], []check{
			{name: "probe aborted", path: psPowerShell, reset: true},
			{name: "encoded", path: "/AutoDiscover/autodiscover.json?@x/%50owershell/", reset: true},
			{name: "mapi probe answers", path: psMAPI, status: 200},
			{name: "powershell alone", path: "/powershell/", status: 401},
		})
	})
}

func TestExchangeLegacy(t *testing.T) {
	f := start(t, Options{},
		Profile{Kind: KindExchange, Build: "14.3.513.0"},
		Profile{Kind: KindExchange, Build: "8.3.83.6"})
	e2010, e2007 := f.Hosts()[0], f.Hosts()[1]
	legacy := map[string]string{"X-FEServer": "", "request-id": "", "X-OWA-Version": "14.3.513.0"}
	runChecks(t, e2010, []check{
		{name: "logon", path: "/owa/auth/logon.aspx", status: 200, headers: legacy,
			contains: []string{"<title>Outlook Web App</title>", "/owa/14.3.513.0/themes/base/"}},
		{name: "ews", path: "/EWS/Exchange.asmx", status: 401, headers: legacy, values: map[string][]string{"Www-Authenticate": {"Negotiate", "NTLM"}}},
		{name: "no manifest", path: manifestPath, status: 404},
		{name: "no x.js", path: "/owa/auth/x.js", cookie: proxyLogonCk, status: 404},
	})
	runChecks(t, e2007, []check{
		{name: "logon", path: "/owa/auth/logon.aspx", status: 200, headers: map[string]string{"X-OWA-Version": "8.3.83.6", "X-FEServer": ""},
			contains: []string{"<title>Microsoft Exchange - Outlook Web Access</title>", "/owa/8.3.83.6/themes/base/"}},
	})
}

func TestOtherKinds(t *testing.T) {
	f := start(t, Options{},
		Profile{Kind: KindOnline, Build: "15.20.8207.19", Server: "BN6PR11CA0041"},
		Profile{Kind: KindIIS},
		Profile{Kind: KindWAF},
		Profile{Kind: KindLookalike})
	hs := f.Hosts()
	bearer := `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"`
	t.Run("online", func(t *testing.T) {
		runChecks(t, hs[0], []check{
			{name: "logon", path: "/owa/auth/logon.aspx", status: 302, headers: map[string]string{"Location": "https://outlook.office365.com/owa/"}},
			{name: "owa", path: "/owa/", status: 302, headers: map[string]string{"Location": "https://outlook.office365.com/owa/"}},
			{name: "ews", path: "/EWS/Exchange.asmx", status: 401,
				headers: map[string]string{"WWW-Authenticate": bearer, "X-OWA-Version": "15.20.8207.19", "X-FEServer": "BN6PR11CA0041"}},
			{name: "autodiscover", path: "/autodiscover/autodiscover.xml", status: 401, headers: map[string]string{"X-OWA-Version": "15.20.8207.19"}},
		})
		a := get(t, client(t), baseURL(hs[0])+"/owa/service.svc", "")
		be := a.header.Get("X-BEServer")
		if !regexp.MustCompile(`^[A-Z0-9]{3}PR\d\dMB\d{4}$`).MatchString(be) || a.header.Get("X-DiagInfo") != be ||
			a.header.Get("X-CalculatedBETarget") != strings.ToLower(be)+".namprd04.prod.outlook.com" {
			t.Errorf("back-end headers: %v", a.header)
		}
	})
	exchangeHeaders := map[string]string{"X-FEServer": "", "X-OWA-Version": "", "request-id": ""}
	t.Run("iis", func(t *testing.T) {
		runChecks(t, hs[1], []check{
			{name: "root", path: "/", status: 200, headers: map[string]string{"Server": "Microsoft-IIS/10.0", "X-FEServer": ""}, contains: []string{"<title>IIS Windows Server</title>"}},
			{name: "owa", path: "/owa/auth/logon.aspx", status: 404, headers: exchangeHeaders},
			{name: "ews", path: "/EWS/Exchange.asmx", status: 404, headers: exchangeHeaders},
		})
	})
	t.Run("waf", func(t *testing.T) {
		for _, p := range []string{"/", "/owa/auth/logon.aspx", "/EWS/Exchange.asmx", manifestPath} {
			runChecks(t, hs[2], []check{{name: p, path: p, status: 403, headers: map[string]string{"Server": "BigIP", "X-FEServer": ""}, contains: []string{"Request Rejected", "support ID"}}})
		}
	})
	t.Run("lookalike", func(t *testing.T) {
		runChecks(t, hs[3], []check{
			{name: "logon", path: "/owa/auth/logon.aspx", status: 200, headers: map[string]string{"Server": "nginx", "X-FEServer": "", "X-OWA-Version": ""},
				contains: []string{"<title>Outlook</title>", "<form"}, absent: []string{"/owa/auth/15."}},
			{name: "ews", path: "/EWS/Exchange.asmx", status: 404, headers: exchangeHeaders},
		})
	})
}

func TestLogonPageSize(t *testing.T) {
	for _, p := range [][]byte{logonPage15("15.2.1544"), logonPageLegacy("14.3.513.0", "Outlook Web App")} {
		if len(p) < 3000 || len(p) > 12000 {
			t.Errorf("logon page of %d bytes", len(p))
		}
	}
}
