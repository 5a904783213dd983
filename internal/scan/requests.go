package scan

// Request is one request the scanner can send. This list is complete: the scanner has no other
// way to build a request (see Requests), a test asserts that nothing else reaches the emulator,
// and docs/scan.md prints the same table.
type Request struct {
	Name   string // short name used in reports
	Target string // request-URI, sent verbatim
	Cookie string // Cookie header, "" for none
	Active bool   // sent only with --active
	Why    string
}

// Names of the requests.
const (
	reqLogon       = "owa-logon"
	reqEWS         = "ews"
	reqOWAService  = "owa-service"
	reqManifest    = "exporttool-manifest"
	reqSSRF        = "proxylogon-ssrf"
	reqSSRFControl = "proxylogon-control"
	reqShell       = "proxyshell-ssrf"
	reqShellOWA    = "proxyshell-ssrf-owa"
	reqNotShell    = "proxynotshell-mitigation"
	reqECP         = "ecp-pool"
	reqOAB         = "oab-pool"
)

// proxyLogonCookie is the ProxyLogon check's cookie (scan spec, "Active checks").
const proxyLogonCookie = "X-AnonResource=true; X-AnonResource-Backend=localhost/ecp/default.flt?~3; X-BEResource=localhost/owa/auth/logon.aspx?~3;"

// Requests returns every request the scanner can send, in ladder order. All are GET, without a
// body, without credentials, and none makes the target fetch an outside address.
func Requests() []Request {
	all := requests()
	return all[:]
}

// requests is the list as an array value: looking a request up allocates nothing.
func requests() [11]Request {
	return [11]Request{
		{Name: reqLogon, Target: "/owa/auth/logon.aspx",
			Why: "the OWA logon page: title, /owa/auth/<CU>/ resource paths (the CU), X-FEServer; 2007/2010: four-part /owa/<build>/ paths and X-OWA-Version"},
		{Name: reqEWS, Target: "/EWS/Exchange.asmx",
			Why: "anonymous, so 401: X-OWA-Version (four parts, the back end that answered), X-FEServer, request-id, WWW-Authenticate offers (Bearer with Microsoft's client id = Exchange Online)"},
		{Name: reqOWAService, Target: "/owa/service.svc",
			Why: "a second 401 sample: behind a load balancer another back end may answer with another build; the lowest is used"},
		{Name: reqManifest, Target: "/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application",
			Why: "the export tool's ClickOnce manifest names the build (four parts); asked only when the 401s gave no build"},
		{Name: reqSSRF, Target: "/owa/auth/x.js", Cookie: proxyLogonCookie, Active: true,
			Why: "ProxyLogon (CVE-2021-26855): vulnerable iff X-CalculatedBETarget names localhost; no response at all = Microsoft's URL Rewrite mitigation"},
		{Name: reqSSRFControl, Target: "/owa/auth/x.js", Active: true,
			Why: "the same request without the cookie, only when the check got no response: answered = the mitigation, not a dead server"},
		{Name: reqShell, Target: "/autodiscover/autodiscover.json?@test.com/mapi/nspi/?&Email=autodiscover/autodiscover.json%3F@test.com", Active: true,
			Why: "ProxyShell (CVE-2021-34473): vulnerable iff 200 with the title \"Exchange MAPI/HTTP Connectivity Endpoint\""},
		{Name: reqShellOWA, Target: "/autodiscover/autodiscover.json?@test.com/owa/?&Email=autodiscover/autodiscover.json%3F@test.com", Active: true,
			Why: "second opinion when the first is not conclusive: 302 = vulnerable, 400 = not"},
		{Name: reqNotShell, Target: "/autodiscover/autodiscover.json?@x.com/powershell/?&Email=autodiscover/autodiscover.json%3F@x.com", Active: true,
			Why: "ProxyNotShell mitigation: aborted (while the ProxyShell check was answered) = the URL Rewrite rule or the Emergency Mitigation Service is in place"},
		{Name: reqECP, Target: "/ecp/", Active: true,
			Why: "interim ProxyLogon mitigation: 503 from /ecp/ and /oab/ while OWA answers = their application pools are stopped"},
		{Name: reqOAB, Target: "/oab/", Active: true,
			Why: "see ecp-pool"},
	}
}

func requestByName(name string) Request {
	for _, r := range requests() {
		if r.Name == name {
			return r
		}
	}
	panic("scan: no request named " + name) // a programming error, caught by every test
}
