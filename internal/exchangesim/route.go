package exchangesim

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// route decides the answer to one request from a host that is not hostile. It does no I/O, so
// tests and the fuzz target call it directly.
func (s *server) route(req *http.Request) *response {
	path := "/"
	if req.URL != nil && req.URL.Path != "" {
		path = req.URL.Path
	}
	// IIS matches paths without regard to case.
	p := strings.ToLower(path)
	switch s.host.Profile.Kind {
	case KindOnline:
		return s.online(req, p)
	case KindIIS:
		if p == "/" || p == "/iisstart.htm" {
			return s.plainIIS(200, iisStartPage)
		}
		return s.plainIIS(404, iis404Page)
	case KindWAF:
		return wafBlock()
	case KindLookalike:
		return lookalike(p)
	}
	return s.exchange(req, p)
}

// exchange answers as an on-premises Exchange server.
func (s *server) exchange(req *http.Request, p string) *response {
	prof := &s.host.Profile
	underECP := p == "/ecp" || strings.HasPrefix(p, "/ecp/")
	underOAB := p == "/oab" || strings.HasPrefix(p, "/oab/")
	// A firewall or publishing rule in front: /ecp/ never reaches Exchange.
	if underECP && prof.ECPBlocked {
		return s.plainIIS(404, iis404Page)
	}
	// A stopped application pool: HTTP.sys answers before IIS (and its URL Rewrite rules) runs.
	if (underECP || underOAB) && prof.PoolsStopped {
		return serviceUnavailable()
	}
	// Microsoft's URL Rewrite mitigations: AbortRequest, no answer at all.
	if prof.ProxyLogonRewrite && proxyLogonCookie(req) {
		return &response{abort: true}
	}
	if prof.ProxyNotShellRewrite && proxyNotShellURL(req.RequestURI) {
		return &response{abort: true}
	}
	legacy := s.major != 15
	switch {
	case p == "/":
		return s.plainIIS(200, iisStartPage)
	case p == "/owa/auth/logon.aspx":
		r := s.exResponse(200)
		if legacy {
			r.add("X-OWA-Version", s.owaVersion())
		}
		r.add("Content-Type", "text/html; charset=utf-8", "Cache-Control", "no-cache, no-store")
		r.body = s.logon
		return r
	case p == "/owa" || p == "/owa/":
		return s.toLogon(req, "/owa/")
	case p == "/ews/exchange.asmx" || strings.HasPrefix(p, "/ews/") ||
		p == "/autodiscover/autodiscover.xml" ||
		p == "/rpc" || strings.HasPrefix(p, "/rpc/") ||
		p == "/microsoft-server-activesync" || strings.HasPrefix(p, "/microsoft-server-activesync/") ||
		underOAB:
		return s.unauthorized(p == "/ews/exchange.asmx")
	case !legacy && (p == "/owa/service.svc" || p == "/mapi" || strings.HasPrefix(p, "/mapi/") ||
		p == "/powershell" || strings.HasPrefix(p, "/powershell/")):
		return s.unauthorized(false)
	case underECP:
		if p == "/ecp/current/exporttool/microsoft.exchange.ediscovery.exporttool.application" && !legacy {
			r := s.exResponse(200)
			r.add("Content-Type", "application/x-ms-application")
			r.body = s.manifest
			return r
		}
		if strings.HasPrefix(p, "/ecp/current/") || legacy && p != "/ecp" && p != "/ecp/" {
			return s.exResponse404()
		}
		return s.toLogon(req, "/ecp/")
	case p == "/owa/auth/x.js" && !legacy:
		if s.pl && beResourceCookie(req) {
			// The front end proxied to the back end the cookie named and says so.
			r := s.exResponse(500)
			r.add("X-CalculatedBETarget", "localhost", "Content-Type", "text/html")
			r.body = []byte(aspNetError)
			return r
		}
		return s.exResponse404()
	case p == "/autodiscover/autodiscover.json" && !legacy:
		return s.autodiscoverJSON(req)
	}
	return s.exResponse404()
}

// exResponse starts an answer from an Exchange virtual directory: 2013 and later add request-id
// and X-FEServer (the front end's NetBIOS name); 2007 and 2010 add neither.
func (s *server) exResponse(status int) *response {
	r := &response{status: status}
	r.add("Server", s.iis)
	if s.major == 15 {
		r.add("request-id", newGUID())
	} else {
		r.add("X-AspNet-Version", "2.0.50727")
	}
	r.add("X-Powered-By", "ASP.NET")
	if s.major == 15 {
		r.add("X-FEServer", s.fe)
	}
	return r
}

func (s *server) exResponse404() *response {
	r := s.exResponse(404)
	r.add("Content-Type", "text/html")
	r.body = []byte(iis404Page)
	return r
}

// unauthorized is the anonymous answer of EWS, Autodiscover, MAPI, OAB, RPC and ActiveSync: 401
// with Negotiate and NTLM offered, and the answering back end's build in X-OWA-Version.
func (s *server) unauthorized(ews bool) *response {
	r := &response{status: 401}
	r.add("Server", s.iis)
	if s.major == 15 {
		r.add("request-id", newGUID())
	}
	if ews {
		r.add("X-WSSecurity-Enabled", "True", "X-WSSecurity-For", "None")
	}
	r.add("WWW-Authenticate", "Negotiate", "WWW-Authenticate", "NTLM")
	r.add("X-Powered-By", "ASP.NET")
	r.add("X-OWA-Version", s.owaVersion())
	if s.major == 15 {
		r.add("X-FEServer", s.fe)
	}
	return r
}

// owaVersion is the build of the back end that answers: behind a load balancer it changes from
// one request to the next.
func (s *server) owaVersion() string {
	if b := s.host.Profile.Backends; len(b) > 0 {
		return b[(s.counter.Add(1)-1)%uint64(len(b))]
	}
	return s.reported
}

// toLogon is the anonymous redirect of /owa/ and /ecp/ to the forms logon page.
func (s *server) toLogon(req *http.Request, back string) *response {
	r := s.exResponse(302)
	host := s.hostOf(req)
	loc := s.scheme() + "://" + host + "/owa/auth/logon.aspx?url=" + url.QueryEscape(s.scheme()+"://"+host+back) + "&reason=0"
	if s.major != 15 {
		r.add("X-OWA-Version", s.owaVersion())
	}
	r.add("Location", loc, "Content-Type", "text/html; charset=utf-8")
	r.body = []byte(movedPage(loc))
	return r
}

// autodiscoverJSON plays the ProxyShell safe check. On a vulnerable build the front end takes
// the path after "@" (once "autodiscover/autodiscover.json" is cut from the Email parameter)
// as the back-end path, so the request lands anonymously on /mapi/nspi/, /owa/ or /powershell/.
func (s *server) autodiscoverJSON(req *http.Request) *response {
	q := strings.ToLower(req.URL.RawQuery)
	if dq, err := url.QueryUnescape(q); err == nil {
		q = dq
	}
	ssrf := strings.HasPrefix(q, "@") && strings.Contains(q, "email=autodiscover/autodiscover.json")
	if !s.ps || !ssrf {
		r := s.exResponse(400)
		r.add("Content-Type", "application/json; charset=utf-8")
		r.body = []byte(`{"ErrorCode":"InvalidRequest","ErrorMessage":"The request is invalid."}`)
		return r
	}
	switch {
	case strings.Contains(q, "/mapi/nspi"):
		r := s.exResponse(200)
		r.add("Content-Type", "text/html")
		r.body = []byte(mapiEndpointPage(s.reported, s.fe))
		return r
	case strings.Contains(q, "/owa/"):
		return s.toLogon(req, "/owa/")
	case strings.Contains(q, "/powershell"):
		return s.unauthorized(false)
	}
	return s.exResponse404()
}

// proxyLogonCookie: either of Microsoft's ProxyLogon URL Rewrite rules matches a Cookie header,
// (.*)X-AnonResource-Backend(.*) or (.*)X-BEResource=(.+)/(.+)~(.+), ignoring case as IIS does.
func proxyLogonCookie(req *http.Request) bool {
	for _, c := range req.Header.Values("Cookie") {
		lc := asciiLower(c)
		if strings.Contains(lc, "x-anonresource-backend") || beResourceRule(lc) {
			return true
		}
	}
	return false
}

// beResourceRule matches x-beresource=(.+)/(.+)~(.+) anywhere in lc (ASCII lower case, no line
// breaks: header values have none). Taking the first "/" after at least one character leaves the most
// room for the rest, so one position per occurrence decides.
func beResourceRule(lc string) bool {
	const key = "x-beresource="
	for i := strings.Index(lc, key); i >= 0; {
		rest := lc[i+len(key):]
		if j := strings.IndexByte(rest[min(1, len(rest)):], '/'); j >= 0 {
			j += min(1, len(rest))
			if j+2 < len(rest) && strings.IndexByte(rest[j+2:len(rest)-1], '~') >= 0 {
				return true
			}
		}
		k := strings.Index(rest, key)
		if k < 0 {
			break
		}
		i += len(key) + k
	}
	return false
}

// asciiLower folds A-Z only and keeps every other byte: the rules match ASCII names, and
// Unicode folding (the long s, the Kelvin sign) would both change lengths and match what IIS
// does not.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// beResourceCookie: the request carries one of the cookies the ProxyLogon check sets.
func beResourceCookie(req *http.Request) bool {
	for _, c := range req.Header.Values("Cookie") {
		lc := asciiLower(c)
		if strings.Contains(lc, "x-beresource") || strings.Contains(lc, "x-anonresource") {
			return true
		}
	}
	return false
}

// proxyNotShellURL is the ProxyNotShell URL Rewrite rule: the decoded request-URI holds both
// "autodiscover" and "powershell".
func proxyNotShellURL(target string) bool {
	u := target
	if d, err := url.PathUnescape(target); err == nil {
		u = d
	}
	u = asciiLower(u)
	return strings.Contains(u, "autodiscover") && strings.Contains(u, "powershell")
}

// hostOf is the Host the client asked for, for redirects; anything odd in it is replaced by the
// listener's address so a fuzzed Host cannot break the answer's framing.
func (s *server) hostOf(req *http.Request) string {
	h := req.Host
	if h == "" || len(h) > 255 {
		return s.ap.String()
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(".-_:[]", c) >= 0
		if !ok {
			return s.ap.String()
		}
	}
	return h
}

func (s *server) scheme() string {
	if s.host.TLS {
		return "https"
	}
	return "http"
}

// online answers as Exchange Online: redirects to Microsoft 365 and Bearer challenges carrying
// the back end's names.
func (s *server) online(req *http.Request, p string) *response {
	r := &response{}
	add := func() {
		r.add("Server", "Microsoft-IIS/10.0", "request-id", newGUID(),
			"X-CalculatedBETarget", strings.ToLower(s.be)+".namprd04.prod.outlook.com",
			"X-BackEndHttpStatus", strconv.Itoa(r.status),
			"X-OWA-Version", s.owaVersion(),
			"X-DiagInfo", s.be, "X-BEServer", s.be, "X-FEServer", s.fe,
			"X-Powered-By", "ASP.NET")
	}
	switch {
	case p == "/owa/auth/logon.aspx" || p == "/owa" || p == "/owa/":
		r.status = 302
		add()
		r.add("Location", "https://outlook.office365.com/owa/", "Content-Type", "text/html; charset=utf-8")
		r.body = []byte(movedPage("https://outlook.office365.com/owa/"))
	case strings.HasPrefix(p, "/ews/") || p == "/owa/service.svc" || strings.HasPrefix(p, "/autodiscover/"):
		r.status = 401
		add()
		r.add("WWW-Authenticate", `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"`)
	default:
		r.status = 404
		r.add("Server", "Microsoft-IIS/10.0", "request-id", newGUID(), "X-FEServer", s.fe, "Content-Type", "text/html")
		r.body = []byte(iis404Page)
	}
	return r
}

// plainIIS is IIS answering by itself: no Exchange module adds headers.
func (s *server) plainIIS(status int, body string) *response {
	r := &response{status: status}
	r.add("Content-Type", "text/html", "Server", "Microsoft-IIS/10.0")
	if status == 200 {
		r.add("Last-Modified", "Sat, 09 Jan 2021 09:12:41 GMT", "Accept-Ranges", "bytes", "ETag", `"a8b2c3d4e5f6d71:0"`)
	}
	r.add("X-Powered-By", "ASP.NET")
	r.body = []byte(body)
	return r
}

// serviceUnavailable is HTTP.sys's answer for an application pool that is stopped.
func serviceUnavailable() *response {
	r := &response{status: 503}
	r.add("Content-Type", "text/html; charset=us-ascii", "Server", "Microsoft-HTTPAPI/2.0")
	r.body = []byte(httpAPIError("Service Unavailable", "Service Unavailable", "HTTP Error 503. The service is unavailable."))
	return r
}

// wafBlock is a web application firewall's answer to everything.
func wafBlock() *response {
	r := &response{status: 403}
	r.add("Content-Type", "text/html; charset=utf-8", "Server", "BigIP", "Cache-Control", "no-cache", "Pragma", "no-cache")
	id := make([]byte, 8)
	rand.Read(id)
	n := uint64(0)
	for _, b := range id {
		n = n<<8 | uint64(b)
	}
	r.body = []byte(fmt.Sprintf(wafPage, n%10000000000000000000))
	return r
}

// lookalike is a honeypot or phishing kit: an "Outlook" form, nothing else that agrees.
func lookalike(p string) *response {
	r := &response{}
	if p == "/owa/auth/logon.aspx" {
		r.status = 200
		r.add("Server", "nginx", "Content-Type", "text/html; charset=utf-8")
		r.body = []byte(lookalikePage)
		return r
	}
	r.status = 404
	r.add("Server", "nginx", "Content-Type", "text/html")
	r.body = []byte(nginx404Page)
	return r
}

// newGUID is a random request-id, as Exchange sends one per request.
func newGUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
