package main

// benign writes one benign row of the stream at time abs and returns its size.
func (g *streamGen) benign(abs int64) int {
	switch g.def.kind {
	case skProxy:
		return g.proxyRow(abs)
	case skECP:
		return g.ecpRow(abs)
	case skOAB:
		return g.oabRow(abs)
	default:
		if g.si == sIIS1 {
			return g.frontRow(abs)
		}
		return g.backRow(abs)
	}
}

// iisRow holds one W3C row's values, already in W3C spelling (no spaces); nil means '-'.
type iisRow struct {
	sip, method, stem, query, port, user, cip, ua, ref []byte
	status, sub, win32, taken                          int
}

func (g *streamGen) writeIIS(abs int64, x *iisRow) int {
	g.before(abs)
	b := g.sc[:0]
	b = g.clk.appendW3C(b, abs)
	for _, v := range [...][]byte{x.sip, x.method, x.stem, x.query, x.port, x.user, x.cip, x.ua, x.ref} {
		b = append(b, ' ')
		if len(v) == 0 {
			b = append(b, '-')
		} else {
			b = append(b, v...)
		}
	}
	b = append(b, ' ')
	b = appendInt(b, x.status)
	b = append(b, ' ')
	b = appendInt(b, x.sub)
	b = append(b, ' ')
	b = appendInt(b, x.win32)
	b = append(b, ' ')
	b = appendInt(b, x.taken)
	b = append(b, '\r', '\n')
	g.sc = b
	return g.emit(b)
}

func bs(s string) []byte { return []byte(s) }

var (
	bServerIP  = bs(serverIP)
	bPeerIP    = bs(peerIP)
	bLoop4     = bs("127.0.0.1")
	bLoop6     = bs("::1")
	bLB        = bs("10.0.1.5")
	bGET       = bs("GET")
	bPOST      = bs("POST")
	bOPTIONS   = bs("OPTIONS")
	b443       = bs("443")
	b444       = bs("444")
	b80        = bs("80")
	bOwaRef    = bs("https://mail.contoso.com/owa/")
	bEcpRef    = bs("https://mail.contoso.com/ecp/default.aspx")
	bRpcIn     = bs("RPC_IN_DATA")
	bRpcOut    = bs("RPC_OUT_DATA")
	owaResList = [][]byte{
		bs("/owa/auth/15.1.2176/themes/resources/segoeui-regular.ttf"),
		bs("/owa/auth/15.1.2176/themes/resources/segoeui-semilight.ttf"),
		bs("/owa/auth/15.1.2176/themes/resources/favicon.ico"),
		bs("/owa/auth/15.1.2176/themes/resources/owa_text_blue.png"),
		bs("/owa/auth/15.1.2176/themes/resources/sprites-flat.png"),
		bs("/owa/auth/15.1.2176/scripts/premium/flogon.js"),
		bs("/owa/prem/15.1.2176.2/scripts/boot.worldwide.0.mouse.js"),
		bs("/owa/prem/15.1.2176.2/resources/styles/0/boot.worldwide.mouse.css"),
	}
	frontPick = newPicker([]float64{
		26,  // 0 eas
		20,  // 1 mapi
		13,  // 2 ews
		15,  // 3 owa
		6,   // 4 autodiscover
		5,   // 5 rpc
		2,   // 6 oab
		2,   // 7 ecp
		0.8, // 8 powershell from the loopback address
		4,   // 9 health probes
		1.5, // 10 crawlers and internet noise
		0.3, // 11 aspnet_client scripts
		0.8, // 12 calendar
	})
	owaPick = newPicker([]float64{35, 20, 8, 6, 5, 10, 3, 0.5, 0.5, 0.3, 0.3, 0.2, 4, 3})
)

// frontRow writes one benign row of the front-end site (W3SVC1, port 443).
func (g *streamGen) frontRow(abs int64) int {
	r, pl := g.r, g.pl
	u := &pl.users[r.IntN(len(pl.users))]
	x := iisRow{sip: bServerIP, method: bPOST, port: b443, user: u.smtp, cip: u.deskIP, status: 200, taken: 15 + r.IntN(300)}
	q := g.tmp2[:0]
	switch frontPick.pick(r) {
	case 0:
		g.easQuery(&x, u, &q, bs("/Microsoft-Server-ActiveSync/default.eas"))
	case 1:
		x.stem = bs("/mapi/emsmdb/")
		if r.IntN(8) == 0 {
			x.stem = bs("/mapi/nspi/")
		}
		q = append(q, "MailboxId="...)
		q = append(q, u.mbx...)
		q = append(q, "@contoso.com"...)
		x.user, x.ua = u.win, u.deskUA.w3c
		if r.IntN(10) == 0 {
			x.user, x.status, x.sub, x.win32 = nil, 401, 1, 2148074254
		}
	case 2:
		x.stem = bs("/EWS/Exchange.asmx")
		x.user, x.ua = u.win, pl.ewsUAs[r.IntN(len(pl.ewsUAs))].w3c
		if r.IntN(3) == 0 {
			x.cip = u.mobIP
		}
		if r.IntN(10) == 0 {
			x.user, x.status, x.sub, x.win32 = nil, 401, 1, 2148074254
		}
	case 3:
		g.owaFront(&x, u, &q)
	case 4:
		x.ua = u.deskUA.w3c
		switch k := r.IntN(10); {
		case k < 5:
			x.stem = bs("/autodiscover/autodiscover.xml")
		case k < 6:
			x.stem = bs("/Autodiscover/Autodiscover.svc")
			x.ua = pl.ewsUAs[r.IntN(len(pl.ewsUAs))].w3c
		case k < 8:
			// Outlook mobile's lookups: benign, though they look like the ProxyShell URL.
			x.stem, x.method, x.cip, x.ua, x.user = bs("/autodiscover/autodiscover.json"), bGET, u.mobIP, outlookMobileUA, nil
			q = append(q, "Email="...)
			q = append(q, u.smtpURL...)
			q = append(q, "&Protocol=ActiveSync&RedirectCount=1"...)
		default:
			x.stem = append(append(g.tmp[:0], "/autodiscover/autodiscover.json/v1.0/"...), u.smtpURL...)
			x.method, x.cip, x.ua, x.user = bGET, u.mobIP, outlookMobileUA, nil
			q = append(q, "Protocol=AutodiscoverV1&RedirectCount=1"...)
		}
		if r.IntN(5) == 0 && x.method[0] == 'P' {
			x.user, x.status, x.sub, x.win32 = nil, 401, 1, 2148074254
		}
	case 5:
		x.stem, x.user, x.ua = bs("/rpc/rpcproxy.dll"), u.win, pl.msrpc.w3c
		x.method = bRpcIn
		if r.IntN(2) == 0 {
			x.method = bRpcOut
		}
		q = append(q, u.mbx...)
		q = append(q, "@contoso.com:6001"...)
		x.taken = 1000 + r.IntN(900000)
	case 6:
		x.stem = append(append(append(g.tmp[:0], "/OAB/"...), pl.oabGUIDs[r.IntN(len(pl.oabGUIDs))]...), "/oab.xml"...)
		x.method, x.user, x.ua = bGET, u.win, u.deskUA.w3c
	case 7:
		a := &pl.admins[r.IntN(len(pl.admins))]
		x.user, x.cip, x.ua, x.ref = a.smtp, a.deskIP, a.webUA.w3c, bEcpRef
		switch k := r.IntN(10); {
		case k < 3:
			x.stem, x.method = bs("/ecp/default.aspx"), bGET
		case k < 8:
			x.stem = bs("/ecp/DDI/DDIService.svc/GetList")
			q = append(q, "schema=Mailboxes&msExchEcpCanary="...)
			q = append(q, pl.canaries[r.IntN(len(pl.canaries))]...)
		default:
			// An admin saving a mailbox: SetObject, but no Reset*VirtualDirectory schema.
			x.stem = bs("/ecp/DDI/DDIService.svc/SetObject")
			q = append(q, "schema=MailboxPropertiesSlab&msExchEcpCanary="...)
			q = append(q, pl.canaries[r.IntN(len(pl.canaries))]...)
		}
	case 8:
		a := &pl.admins[r.IntN(len(pl.admins))]
		x.stem, x.port, x.user, x.cip, x.ua = bs("/powershell"), b80, a.win, bLoop4, pl.winRM.w3c
		q = append(q, "serializationLevel=Full;ExchClientVer=15.1.2176.2;clientApplication=ManagementShell;TargetServer=;PSVersion=5.1.17763.1490"...)
	case 9:
		g.probeFront(&x)
	case 10:
		g.noiseFront(&x)
	case 11:
		x.stem, x.method, x.user, x.ua = bs("/aspnet_client/system_web/4_0_30319/WebUIValidation.js"), bGET, nil, u.webUA.w3c
		x.ref = bs("https://mail.contoso.com/owa/auth/logon.aspx")
		if r.IntN(3) == 0 {
			x.status = 304
		}
	case 12:
		x.stem = append(append(append(g.tmp[:0], "/owa/calendar/"...), pl.calGUIDs[r.IntN(len(pl.calGUIDs))]...), "@contoso.com/calendar.ics"...)
		x.method, x.user, x.cip, x.ua = bGET, nil, pl.publicIPs[r.IntN(len(pl.publicIPs))], pl.calUAs[r.IntN(len(pl.calUAs))].w3c
	}
	x.query = q
	g.tmp2 = q
	return g.writeIIS(abs, &x)
}

func (g *streamGen) easQuery(x *iisRow, u *user, q *[]byte, stem []byte) {
	r := g.r
	cmd := easCmds[easCmdPick.pick(r)]
	x.stem, x.ua, x.cip = stem, u.devUA.w3c, u.mobIP
	*q = append(*q, "Cmd="...)
	*q = append(*q, cmd...)
	*q = append(*q, "&User="...)
	*q = append(*q, u.smtpURL...)
	*q = append(*q, "&DeviceId="...)
	*q = append(*q, u.devID...)
	*q = append(*q, "&DeviceType="...)
	*q = append(*q, u.devType...)
	if cmd[0] == 'P' {
		x.taken = 470000 + r.IntN(480000)
	}
	if r.IntN(20) == 0 {
		x.user, x.status, x.sub, x.win32 = nil, 401, 2, 5
	}
}

func (g *streamGen) owaFront(x *iisRow, u *user, q *[]byte) {
	r, pl := g.r, g.pl
	x.ua, x.ref = u.webUA.w3c, bOwaRef
	if r.IntN(3) == 0 {
		x.cip = u.mobIP
	}
	switch owaPick.pick(r) {
	case 0:
		x.stem = bs("/owa/service.svc")
		*q = append(*q, "action="...)
		*q = append(*q, owaActs[r.IntN(len(owaActs))]...)
		*q = append(*q, "&ID=-"...)
		*q = appendInt(*q, 1+r.IntN(200))
		*q = append(*q, "&AC=1"...)
	case 1:
		x.stem = bs("/owa/ev.owa2")
		*q = append(*q, "ns=PendingRequest&ev=FinishNotificationRequest&UA=0&cid="...)
		*q = appendGUID(*q, r)
		x.taken = 60000 + r.IntN(700000)
	case 2:
		x.stem, x.method, x.ref = bs("/owa/"), bGET, nil
		if r.IntN(3) == 0 {
			x.user, x.status = nil, 302
		}
	case 3:
		x.stem, x.user, x.status = bs("/owa/auth.owa"), nil, 302
		x.ref = bs("https://mail.contoso.com/owa/auth/logon.aspx?replaceCurrent=1&url=https%3a%2f%2fmail.contoso.com%2fowa%2f")
	case 4:
		x.stem, x.method, x.user = bs("/owa/auth/logon.aspx"), bGET, nil
		*q = append(*q, "url=https%3a%2f%2fmail.contoso.com%2fowa%2f&reason=0"...)
		x.ref = nil
	case 5:
		x.stem, x.method, x.user = owaResList[r.IntN(len(owaResList))], bGET, nil
		if r.IntN(4) == 0 {
			x.status = 304
		}
	case 6:
		x.stem, x.method = bs("/owa/auth/logoff.aspx"), bGET
		*q = append(*q, "Cmd=logoff&src=exch"...)
	case 7:
		x.stem, x.method, x.user = bs("/owa/auth/errorFE.aspx"), bGET, nil
		*q = append(*q, "httpCode=500"...)
	case 8:
		x.stem, x.method, x.user = bs("/owa/auth/TimeoutLogout.aspx"), bGET, nil
	case 9:
		x.stem, x.method = bs("/owa/auth/RedirSuiteServiceProxy.aspx"), bGET
	case 10:
		x.stem, x.method, x.user = bs("/owa/auth/ExpiredPassword.aspx"), bGET, nil
		*q = append(*q, "url=%2fowa%2f"...)
	case 11:
		x.stem, x.method, x.user = bs("/owa/auth/OutlookCN.aspx"), bGET, nil
	case 12:
		x.stem = bs("/owa/sessiondata.ashx")
		*q = append(*q, "appcacheclient=0"...)
	default:
		x.stem, x.method = bs("/owa/service.svc/s/GetFileAttachment"), bGET
		*q = append(*q, "id=AAMkAG"...)
		*q = append(*q, hexdig[r.IntN(16)], hexdig[r.IntN(16)], hexdig[r.IntN(16)])
		*q = append(*q, "%3D&X-OWA-CANARY="...)
		*q = append(*q, pl.canaries[r.IntN(len(pl.canaries))]...)
	}
	if x.status == 200 && x.user != nil && r.IntN(100) < 4 {
		x.status = 440
	}
}

var probeStems = []struct {
	stem, method []byte
}{
	{bs("/owa/"), bGET}, {bs("/ecp/"), bGET}, {bs("/EWS/Exchange.asmx"), bPOST},
	{bs("/Microsoft-Server-ActiveSync/default.eas"), bOPTIONS}, {bs("/mapi/emsmdb/"), bPOST},
	{bs("/autodiscover/autodiscover.xml"), bPOST}, {bs("/rpc/rpcproxy.dll"), bRpcIn}, {bs("/OAB/"), bGET},
}

// probeFront: Exchange's managed-availability probes and the load balancer's health check.
func (g *streamGen) probeFront(x *iisRow) {
	r, pl := g.r, g.pl
	if r.IntN(5) == 0 {
		x.stem, x.method, x.user, x.cip, x.ua = bs("/owa/healthcheck.htm"), bGET, nil, bLB, pl.lbProbe.w3c
		x.taken = r.IntN(3)
		return
	}
	p := probeStems[r.IntN(len(probeStems))]
	x.stem, x.method = p.stem, p.method
	x.user = pl.health[r.IntN(len(pl.health))]
	x.cip = bLoop4
	if r.IntN(3) == 0 {
		x.cip = bLoop6
	}
	x.ua = pl.amProbe.w3c
}

var noiseStems = [][]byte{bs("/"), bs("/owa/"), bs("/robots.txt"), bs("/favicon.ico"), bs("/.env"), bs("/wp-login.php"), bs("/owa/auth/logon.aspx")}

// noiseFront: search engines and internet-wide scanners, always GET.
func (g *streamGen) noiseFront(x *iisRow) {
	r, pl := g.r, g.pl
	x.method, x.user = bGET, nil
	x.cip = pl.publicIPs[r.IntN(len(pl.publicIPs))]
	k := r.IntN(len(noiseStems))
	x.stem = noiseStems[k]
	if r.IntN(2) == 0 {
		x.ua = pl.crawlerUAs[r.IntN(len(pl.crawlerUAs))].w3c
	} else {
		x.ua = pl.noiseUAs[r.IntN(len(pl.noiseUAs))].w3c
	}
	switch k {
	case 0:
		x.status = 403
		x.sub = 14
	case 1:
		x.status = 302
	case 2, 3, 4, 5:
		x.status, x.sub, x.win32 = 404, 0, 2
	}
}

var backPick = newPicker([]float64{28, 24, 15, 16, 6, 5, 2, 2, 2})

// backRow writes one benign row of the back-end site (W3SVC2, port 444): the front end proxies
// every request there, so the client is a front-end server.
func (g *streamGen) backRow(abs int64) int {
	r, pl := g.r, g.pl
	u := &pl.users[r.IntN(len(pl.users))]
	x := iisRow{sip: bServerIP, method: bPOST, port: b444, user: u.win, status: 200, taken: 10 + r.IntN(250)}
	switch r.IntN(3) {
	case 0:
		x.cip = bPeerIP
	default:
		x.cip = bServerIP
	}
	q := g.tmp2[:0]
	switch backPick.pick(r) {
	case 0:
		g.easQuery(&x, u, &q, bs("/Microsoft-Server-ActiveSync/Proxy/default.eas"))
		x.user = u.win
		x.cip = bServerIP
		if x.status == 401 {
			x.status, x.sub, x.win32 = 200, 0, 0
		}
	case 1:
		x.stem, x.ua = bs("/mapi/emsmdb/"), u.deskUA.w3c
		q = append(q, "mailboxId="...)
		q = append(q, u.mbx...)
		q = append(q, "@contoso.com"...)
	case 2:
		x.stem, x.ua = bs("/EWS/Exchange.asmx"), pl.ewsUAs[r.IntN(len(pl.ewsUAs))].w3c
	case 3:
		x.ua = u.webUA.w3c
		if r.IntN(2) == 0 {
			x.stem = bs("/owa/service.svc")
			q = append(q, "action="...)
			q = append(q, owaActs[r.IntN(len(owaActs))]...)
			q = append(q, "&ID=-"...)
			q = appendInt(q, 1+r.IntN(200))
			q = append(q, "&AC=1"...)
		} else {
			x.stem = bs("/owa/ev.owa2")
			q = append(q, "ns=PendingRequest&ev=FinishNotificationRequest&UA=0&cid="...)
			q = appendGUID(q, r)
			x.taken = 60000 + r.IntN(700000)
		}
	case 4:
		x.stem, x.ua = bs("/Autodiscover/Autodiscover.xml"), u.deskUA.w3c
	case 5:
		x.stem, x.ua = bs("/rpc/rpcproxy.dll"), pl.msrpc.w3c
		x.method = bRpcIn
		if r.IntN(2) == 0 {
			x.method = bRpcOut
		}
		q = append(q, u.mbx...)
		q = append(q, "@contoso.com:6001"...)
	case 6:
		a := &pl.admins[r.IntN(len(pl.admins))]
		x.stem, x.user, x.ua = bs("/ecp/DDI/DDIService.svc/GetList"), a.win, a.webUA.w3c
		q = append(q, "schema=Mailboxes&msExchEcpCanary="...)
		q = append(q, pl.canaries[r.IntN(len(pl.canaries))]...)
	case 7:
		a := &pl.admins[r.IntN(len(pl.admins))]
		x.stem, x.user, x.ua = bs("/PowerShell/"), a.win, pl.winRM.w3c
		q = append(q, "serializationLevel=Full;ExchClientVer=15.1.2176.2;clientApplication=ManagementShell;TargetServer=;PSVersion=5.1.17763.1490"...)
	default:
		x.stem = append(append(append(g.tmp[:0], "/OAB/"...), pl.oabGUIDs[r.IntN(len(pl.oabGUIDs))]...), "/oab.xml"...)
		x.method, x.ua = bGET, u.deskUA.w3c
	}
	if r.IntN(25) == 0 {
		// Managed-availability probes reach the back end too.
		x.user, x.cip, x.ua = pl.health[r.IntN(len(pl.health))], bLoop6, pl.amProbe.w3c
	}
	x.query = q
	g.tmp2 = q
	return g.writeIIS(abs, &x)
}
