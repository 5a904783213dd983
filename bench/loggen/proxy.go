package main

import (
	"strings"
)

const proxyFields = "DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,ClientRequestId,Protocol,UrlHost,UrlStem,ProtocolAction,AuthenticationType,IsAuthenticated,AuthenticatedUser,Organization,AnchorMailbox,UserAgent,ClientIpAddress,ServerHostName,HttpStatus,BackEndStatus,ErrorCode,Method,ProxyAction,TargetServer,TargetServerVersion,RoutingType,RoutingHint,BackEndCookie,ServerLocatorHost,ServerLocatorLatency,RequestBytes,ResponseBytes,TargetOutstandingRequests,AuthModulePerfContext,HttpPipelineLatency,CalculateTargetBackEndLatency,GlsLatencyBreakup,TotalGlsLatency,AccountForestLatencyBreakup,TotalAccountForestLatency,ResourceForestLatencyBreakup,TotalResourceForestLatency,ADLatency,SharedCacheLatencyBreakup,TotalSharedCacheLatency,ActivityContextLifeTime,ModuleToHandlerSwitchingLatency,ClientReqStreamLatency,BackendReqInitLatency,BackendReqStreamLatency,BackendProcessingLatency,BackendRespInitLatency,BackendRespStreamLatency,ClientRespStreamLatency,KerberosAuthHeaderLatency,HandlerCompletionLatency,RequestHandlerLatency,HandlerToModuleSwitchingLatency,ProxyTime,CoreLatency,RoutingLatency,HttpProxyOverhead,TotalRequestTime,UrlQuery,BackEndGenericInfo,GenericInfo,GenericErrors"

const nProxyCols = 68

var proxyCols = strings.Split(proxyFields, ",")

// proxyCol is the canonical position of a HttpProxy column.
func proxyCol(name string) int {
	for i, c := range proxyCols {
		if c == name {
			return i
		}
	}
	panic("unknown HttpProxy column " + name)
}

// layout is the column set of one HttpProxy file, as the build that wrote it had it.
type layout struct {
	version   string
	build     string
	rev       string
	canonical bool
	cols      []int // canonical column, or -1 - index into extras
	extras    []string
	fields    string
}

// Cumulative updates add and drop columns; the layouts move the columns a position-based
// parser relies on.
var layouts = func() []layout {
	mk := func(version, build, rev string, drop []string, insertAfter string, extra string) layout {
		l := layout{version: version, build: build, rev: rev}
		dropped := map[string]bool{}
		for _, d := range drop {
			proxyCol(d)
			dropped[d] = true
		}
		var names []string
		for i, c := range proxyCols {
			if !dropped[c] {
				l.cols = append(l.cols, i)
				names = append(names, c)
			}
			if c == insertAfter {
				l.extras = append(l.extras, extra)
				l.cols = append(l.cols, -len(l.extras))
				names = append(names, extra)
			}
		}
		l.canonical = len(drop) == 0 && extra == ""
		l.fields = strings.Join(names, ",")
		return l
	}
	return []layout{
		mk("15.01.2176.002", "2176", "2", nil, "", ""),
		mk("15.01.2106.002", "2106", "2", []string{"GlsLatencyBreakup", "TotalGlsLatency", "KerberosAuthHeaderLatency"}, "", ""),
		mk("15.01.2044.004", "2044", "4", []string{"AccountForestLatencyBreakup", "TotalAccountForestLatency"}, "", ""),
		mk("15.01.2242.004", "2242", "4", nil, "CalculateTargetBackEndLatency", "CalculateTargetBackEndSecondRoundLatency"),
		mk("15.01.2308.008", "2308", "8", []string{"HandlerToModuleSwitchingLatency", "ModuleToHandlerSwitchingLatency"}, "ProtocolAction", "IsEnterpriseCustomer"),
	}
}()

// emitProxy writes the row in g.sc (canonical columns, ends in g.ends) in the file's layout.
func (g *streamGen) emitProxy() int {
	lay := g.lay
	if lay.canonical {
		g.sc = append(g.sc, '\r', '\n')
		return g.emit(g.sc)
	}
	b := g.tmp2[:0]
	for i, c := range lay.cols {
		if i > 0 {
			b = append(b, ',')
		}
		if c >= 0 {
			start := 0
			if c > 0 {
				start = g.ends[c-1] + 1
			}
			b = append(b, g.sc[start:g.ends[c]]...)
			continue
		}
		switch lay.extras[-c-1] {
		case "IsEnterpriseCustomer":
			b = append(b, "False"...)
		default:
			b = appendInt(b, g.r.IntN(3))
		}
	}
	b = append(b, '\r', '\n')
	g.tmp2 = b
	return g.emit(b)
}

// pf holds the parts of a benign HttpProxy row that differ by protocol.
type pf struct {
	host        string
	stem        []byte
	action      []byte
	authType    string
	user        []byte
	anchor      []byte
	ua          []byte
	ip          []byte
	status      int
	method      string
	routingType string
	routingHint string
	cookie      int // 0 none, 1 Database~, 2 server
	query       []byte
	reqBytes    int
	respBytes   int
	total       int // ms
	errCode     string
	genErr      string
	target      string
}

var (
	easCmds      = [][]byte{[]byte("Sync"), []byte("Ping"), []byte("FolderSync"), []byte("ItemOperations"), []byte("SendMail"), []byte("MoveItems"), []byte("GetItemEstimate"), []byte("Settings"), []byte("SmartReply")}
	easCmdPick   = newPicker([]float64{40, 35, 6, 5, 3, 3, 4, 2, 2})
	mapiActs     = [][]byte{[]byte("Execute"), []byte("NotificationWait"), []byte("Connect"), []byte("Disconnect"), []byte("Bind"), []byte("QueryRows"), []byte("ResolveNames")}
	mapiActPick  = newPicker([]float64{55, 30, 5, 3, 3, 2, 2})
	ewsActs      = [][]byte{[]byte("FindItem"), []byte("GetItem"), []byte("SyncFolderItems"), []byte("GetUserAvailability"), []byte("GetStreamingEvents"), []byte("Subscribe"), []byte("GetFolder"), []byte("CreateItem"), []byte("GetUserPhoto")}
	ewsActPick   = newPicker([]float64{18, 20, 18, 10, 12, 6, 8, 4, 4})
	owaActs      = [][]byte{[]byte("GetItem"), []byte("FindConversation"), []byte("GetConversationItems"), []byte("GetOwaUserConfiguration"), []byte("FindItem"), []byte("GetFileAttachment"), []byte("SubscribeToNotification"), []byte("CreateItem")}
	anchorTypes  = newPicker([]float64{55, 30, 15})
	routingHints = []string{"Url-Anchor", "AnchorMailbox-Header", "X-BackEndCookie", "Smtp-AutodiscoverHeader", "ExplicitLogon-SMTP-Header", "LogonUser"}

	genErr500 = `WebExceptionStatus=ProtocolError;ResponseStatusCode=500;WebException=System.Net.WebException: The remote server returned an error: (500) Internal Server Error., Message="Mailbox database is temporarily unavailable"`
	genErr503 = `WebExceptionStatus=ProtocolError;ResponseStatusCode=503;WebException=System.Net.WebException: The remote server returned an error: (503) Server Unavailable., HResult=-2146233079`
	genErr401 = `AuthFailure=TokenNotPresent;AuthType=Negotiate, NTLM`
)

// proxyRow writes one benign HttpProxy row.
func (g *streamGen) proxyRow(abs int64) int {
	r, pl := g.r, g.pl
	var f pf
	f.host = mailHost
	f.method = "POST"
	f.status = 200
	f.target = serverFQ
	f.routingType = "Smtp"
	f.routingHint = routingHints[r.IntN(4)]
	f.reqBytes = 200 + r.IntN(3000)
	f.respBytes = 300 + r.IntN(20000)
	f.total = 5 + r.IntN(200)
	f.authType = "Negotiate"
	u := &pl.users[r.IntN(len(pl.users))]
	f.user = u.smtp
	f.anchor = u.anchors[anchorTypes.pick(r)]
	q := g.tmp2[:0]
	roll := r.IntN(1000)
	if roll < 40 { // Exchange's own health probes: benign, from the loopback address
		g.probeFields(&f)
	} else {
		switch g.si {
		case sEas:
			cmd := easCmds[easCmdPick.pick(r)]
			f.stem = []byte("/Microsoft-Server-ActiveSync/default.eas")
			f.action = cmd
			f.ua = u.devUA.csv
			f.ip = u.mobIP
			f.authType = "Basic"
			f.routingHint = "Url-Anchor"
			q = append(q, "?Cmd="...)
			q = append(q, cmd...)
			q = append(q, "&User="...)
			q = append(q, u.smtpURL...)
			q = append(q, "&DeviceId="...)
			q = append(q, u.devID...)
			q = append(q, "&DeviceType="...)
			q = append(q, u.devType...)
			if cmd[0] == 'P' {
				f.total = 470000 + r.IntN(480000)
			}
			switch x := r.IntN(100); {
			case x < 5:
				f.status = 401
			case x < 6:
				f.status = 449
			case x < 7:
				f.status = 503
				f.genErr = genErr503
			}
		case sMapi:
			act := mapiActs[mapiActPick.pick(r)]
			if act[0] == 'B' || act[0] == 'Q' || act[0] == 'R' {
				f.stem = []byte("/mapi/nspi/")
			} else {
				f.stem = []byte("/mapi/emsmdb/")
			}
			f.action = act
			f.ua = u.deskUA.csv
			f.ip = u.deskIP
			f.routingType = "MailboxGuidWithDomain"
			q = append(q, "?MailboxId="...)
			q = append(q, u.mbx...)
			q = append(q, "@contoso.com"...)
			if act[0] == 'N' {
				f.total = 30000 + r.IntN(1200000)
			}
			if r.IntN(100) < 8 {
				f.status = 401
			}
		case sEws:
			f.stem = []byte("/EWS/Exchange.asmx")
			f.action = ewsActs[ewsActPick.pick(r)]
			f.ua = pl.ewsUAs[r.IntN(len(pl.ewsUAs))].csv
			f.ip = u.deskIP
			if r.IntN(3) == 0 {
				f.ip = u.mobIP
			}
			if r.IntN(100) < 10 {
				f.status = 401
			}
			if r.IntN(2000) == 0 {
				// Server-to-server traffic anchors on a server: no '/', benign.
				f.anchor = []byte("ServerInfo~ex02.contoso.local")
				f.routingType = "Server"
			}
		case sOwa:
			g.owaFields(&f, u, &q)
		case sOwaCalendar:
			f.stem = append(append(append(append(g.tmp[:0], "/owa/calendar/"...), pl.calGUIDs[r.IntN(len(pl.calGUIDs))]...), "@contoso.com/"...), "calendar.ics"...)
			f.method = "GET"
			f.ua = pl.calUAs[r.IntN(len(pl.calUAs))].csv
			f.ip = pl.publicIPs[r.IntN(len(pl.publicIPs))]
			f.user = nil
			f.authType = ""
			f.routingType = "Url"
			f.routingHint = "Url-Anchor"
			if r.IntN(20) == 0 {
				f.status = 404
			}
		case sEcp:
			a := &pl.admins[r.IntN(len(pl.admins))]
			f.user, f.anchor, f.ua, f.ip = a.smtp, a.anchors[0], a.webUA.csv, a.deskIP
			f.authType = "Cookie"
			f.method = "POST"
			switch x := r.IntN(10); {
			case x < 3:
				f.stem = []byte("/ecp/default.aspx")
				f.method = "GET"
			case x < 8:
				f.stem = []byte("/ecp/DDI/DDIService.svc/GetList")
				q = append(q, "?schema=Mailboxes&msExchEcpCanary="...)
				q = append(q, pl.canaries[r.IntN(len(pl.canaries))]...)
			default:
				f.stem = []byte("/ecp/DDI/DDIService.svc/SetObject")
				q = append(q, "?schema=MailboxPropertiesSlab&msExchEcpCanary="...)
				q = append(q, pl.canaries[r.IntN(len(pl.canaries))]...)
			}
			if r.IntN(10) == 0 {
				f.status = 302
			}
		case sAutodiscover:
			f.ip = u.deskIP
			switch x := r.IntN(10); {
			case x < 5:
				f.stem = []byte("/autodiscover/autodiscover.xml")
				f.ua = u.deskUA.csv
			case x < 7:
				f.stem = []byte("/Autodiscover/Autodiscover.svc")
				f.ua = pl.ewsUAs[r.IntN(len(pl.ewsUAs))].csv
			default:
				// Outlook mobile asks the JSON endpoint for an address: benign.
				f.stem = []byte("/autodiscover/autodiscover.json")
				f.method = "GET"
				f.ua = outlookMobileUA
				f.ip = u.mobIP
				q = append(q, "?Email="...)
				q = append(q, u.smtpURL...)
				q = append(q, "&Protocol=ActiveSync&RedirectCount=1"...)
			}
			f.routingHint = "Smtp-AutodiscoverHeader"
			if r.IntN(5) == 0 {
				f.status = 401
			}
		case sOab:
			f.stem = append(append(append(g.tmp[:0], "/OAB/"...), pl.oabGUIDs[r.IntN(len(pl.oabGUIDs))]...), "/oab.xml"...)
			f.method = "GET"
			f.ua = u.deskUA.csv
			f.ip = u.deskIP
			f.routingType = "Url"
			if r.IntN(10) == 0 {
				f.status = 401
			}
		case sPowerShell:
			a := &pl.admins[r.IntN(len(pl.admins))]
			f.stem = []byte("/powershell")
			f.user, f.anchor, f.ua = a.win, a.anchors[1], pl.winRM.csv
			f.authType = "Kerberos"
			f.ip = a.deskIP
			if r.IntN(3) == 0 {
				f.ip = []byte("127.0.0.1")
				f.host = serverFQ
			}
			q = append(q, "?serializationLevel=Full;ExchClientVer=15.1.2176.2;clientApplication=ManagementShell;TargetServer=;PSVersion=5.1.17763.1490"...)
			if r.IntN(500) == 0 {
				f.anchor = []byte("ServerInfo~ex01.contoso.local")
				f.routingType = "Server"
			}
		case sRpcHttp:
			f.stem = []byte("/rpc/rpcproxy.dll")
			f.ua = pl.msrpc.csv
			f.ip = u.deskIP
			f.authType = "NTLM"
			if r.IntN(2) == 0 {
				f.method = "RPC_IN_DATA"
			} else {
				f.method = "RPC_OUT_DATA"
			}
			q = append(q, '?')
			q = append(q, u.mbx...)
			q = append(q, "@contoso.com:6001"...)
			if r.IntN(10) == 0 {
				f.status = 401
			}
		}
	}
	if f.status == 401 {
		f.user = nil
		f.target = ""
		f.genErr = genErr401
	}
	if f.status == 200 && r.IntN(400) == 0 {
		f.status = 500
		f.genErr = genErr500
	}
	if f.status >= 500 {
		f.errCode = "ServerNotFound"
	}
	if f.status == 200 {
		switch x := r.IntN(10); {
		case x < 2:
			f.cookie = 1
		case x < 3:
			f.cookie = 2
		}
	}
	f.query = q
	g.tmp2 = q
	return g.appendProxy(abs, &f, u)
}

func (g *streamGen) probeFields(f *pf) {
	r := g.r
	f.user = g.pl.health[r.IntN(len(g.pl.health))]
	f.anchor = append(append(g.tmp[:0], "Smtp~"...), f.user...)
	f.ua = g.pl.amProbe.csv
	f.host = "localhost"
	if r.IntN(3) == 0 {
		f.ip = []byte("::1")
	} else {
		f.ip = []byte("127.0.0.1")
	}
	f.authType = "Basic"
	f.routingHint = "AnchorMailbox-Header"
	f.method = "GET"
	switch g.si {
	case sEas:
		f.stem, f.method = []byte("/Microsoft-Server-ActiveSync/default.eas"), "OPTIONS"
	case sMapi:
		f.stem, f.method = []byte("/mapi/emsmdb/"), "POST"
	case sEws:
		f.stem, f.method = []byte("/EWS/Exchange.asmx"), "POST"
		f.action = []byte("GetFolder")
	case sOwa:
		f.stem = []byte("/owa/")
	case sOwaCalendar:
		f.stem = []byte("/owa/calendar/")
	case sEcp:
		f.stem = []byte("/ecp/")
	case sAutodiscover:
		f.stem, f.method = []byte("/autodiscover/autodiscover.xml"), "POST"
	case sOab:
		f.stem = []byte("/OAB/")
	case sPowerShell:
		f.stem = []byte("/powershell")
		f.user = []byte(`CONTOSO\HealthMailboxc0d6a58`)
	case sRpcHttp:
		f.stem, f.method = []byte("/rpc/rpcproxy.dll"), "RPC_IN_DATA"
	}
}

func (g *streamGen) owaFields(f *pf, u *user, q *[]byte) {
	r, pl := g.r, g.pl
	f.ua = u.webUA.csv
	f.ip = u.deskIP
	if r.IntN(3) == 0 {
		f.ip = u.mobIP
	}
	f.authType = "Cookie"
	f.routingHint = "X-BackEndCookie"
	switch x := r.IntN(100); {
	case x < 45:
		f.stem = []byte("/owa/service.svc")
		act := owaActs[r.IntN(len(owaActs))]
		f.action = act
		*q = append(*q, "?action="...)
		*q = append(*q, act...)
		*q = append(*q, "&ID=-"...)
		*q = appendInt(*q, 1+r.IntN(200))
		*q = append(*q, "&AC=1"...)
	case x < 65:
		f.stem = []byte("/owa/ev.owa2")
		*q = append(*q, "?ns=PendingRequest&ev=FinishNotificationRequest&UA=0&cid="...)
		*q = appendGUID(*q, r)
		f.total = 60000 + r.IntN(700000)
	case x < 78:
		f.stem = []byte("/owa/")
		f.method = "GET"
		if r.IntN(4) == 0 {
			f.status = 302
		}
	case x < 85:
		f.stem = []byte("/owa/auth.owa")
		f.status = 302
		f.user = nil
		f.anchor = nil
	case x < 92:
		f.stem = []byte("/owa/sessiondata.ashx")
		*q = append(*q, "?appcacheclient=0"...)
	default:
		f.stem = []byte("/owa/service.svc/s/GetFileAttachment")
		f.method = "GET"
		*q = append(*q, "?id=AAMkAG"...)
		*q = append(*q, hexdig[r.IntN(16)], hexdig[r.IntN(16)], hexdig[r.IntN(16)])
		*q = append(*q, "%3D&X-OWA-CANARY="...)
		*q = append(*q, pl.canaries[r.IntN(len(pl.canaries))]...)
	}
	if f.status == 200 {
		switch x := r.IntN(100); {
		case x < 6:
			f.status = 440 // login timeout
		case x < 8:
			f.status = 401
		}
	}
	_ = pl
}

var (
	versionServer   = []byte("Version 15.1 (Build 2176.2)")
	outlookMobileUA = []byte("Outlook-iOS-Android/1.0")
)

// appendProxy builds the canonical row in g.sc and writes it.
func (g *streamGen) appendProxy(abs int64, f *pf, u *user) int {
	g.before(abs)
	r := g.r
	b := g.sc[:0]
	i := 0
	mark := func() {
		g.ends[i] = len(b)
		i++
		if i < nProxyCols {
			b = append(b, ',')
		}
	}
	b = g.clk.appendISO(b, abs)
	mark()
	b = appendGUID(b, r)
	mark()
	b = append(b, '1', '5')
	mark()
	b = append(b, '1')
	mark()
	b = append(b, g.lay.build...)
	mark()
	b = append(b, g.lay.rev...)
	mark()
	if r.IntN(3) == 0 { // ClientRequestId
		b = appendGUID(b, r)
	}
	mark()
	b = append(b, g.def.name...)
	mark()
	b = append(b, f.host...)
	mark()
	b = append(b, f.stem...)
	mark()
	b = append(b, f.action...)
	mark()
	auth := f.status != 401 && f.user != nil
	if auth {
		b = append(b, f.authType...)
	}
	mark()
	if auth {
		b = append(b, "True"...)
	} else {
		b = append(b, "False"...)
	}
	mark()
	if auth {
		b = append(b, f.user...)
	}
	mark()
	mark() // Organization
	b = append(b, f.anchor...)
	mark()
	b = append(b, f.ua...)
	mark()
	b = append(b, f.ip...)
	mark()
	b = append(b, "EX01"...)
	mark()
	b = appendInt(b, f.status)
	mark()
	if f.target != "" {
		b = appendInt(b, f.status)
	}
	mark()
	b = append(b, f.errCode...)
	mark()
	b = append(b, f.method...)
	mark()
	if f.target != "" {
		b = append(b, "Proxy"...)
	}
	mark()
	b = append(b, f.target...)
	mark()
	if f.target != "" {
		b = append(b, versionServer...)
	}
	mark()
	b = append(b, f.routingType...)
	mark()
	b = append(b, f.routingHint...)
	mark()
	switch f.cookie {
	case 1:
		b = append(b, "Database~"...)
		b = append(b, g.pl.dbGUIDs[int(abs>>10)%len(g.pl.dbGUIDs)]...)
		b = append(b, "~~"...)
		b = g.clk.appendISO(b, abs+600000)
	case 2:
		b = append(b, "EX01~1941996219~"...)
		b = g.clk.appendISO(b, abs+600000)
	}
	mark()
	b = append(b, serverFQ...)
	mark()
	b = appendInt(b, r.IntN(3)) // ServerLocatorLatency
	mark()
	b = appendInt(b, f.reqBytes)
	mark()
	b = appendInt(b, f.respBytes)
	mark()
	b = appendInt(b, 1+r.IntN(4)) // TargetOutstandingRequests
	mark()
	mark()                      // AuthModulePerfContext
	b = appendInt(b, r.IntN(2)) // HttpPipelineLatency
	mark()
	b = appendInt(b, r.IntN(3)) // CalculateTargetBackEndLatency
	mark()
	for k := 0; k < 9; k++ { // Gls .. TotalSharedCacheLatency: usually empty
		mark()
	}
	total := f.total
	b = appendInt(b, total) // ActivityContextLifeTime
	mark()
	b = append(b, '0') // ModuleToHandlerSwitchingLatency
	mark()
	b = appendInt(b, r.IntN(3)) // ClientReqStreamLatency
	mark()
	b = append(b, '0') // BackendReqInitLatency
	mark()
	b = appendInt(b, r.IntN(2)) // BackendReqStreamLatency
	mark()
	be := total - total/20 - 2
	if be < 0 {
		be = 0
	}
	b = appendInt(b, be) // BackendProcessingLatency
	mark()
	b = append(b, '0') // BackendRespInitLatency
	mark()
	b = appendInt(b, r.IntN(3)) // BackendRespStreamLatency
	mark()
	b = appendInt(b, r.IntN(2)) // ClientRespStreamLatency
	mark()
	b = append(b, '0') // KerberosAuthHeaderLatency
	mark()
	b = append(b, '0') // HandlerCompletionLatency
	mark()
	b = appendInt(b, r.IntN(5)) // RequestHandlerLatency
	mark()
	b = append(b, '0') // HandlerToModuleSwitchingLatency
	mark()
	b = appendInt(b, be+1) // ProxyTime
	mark()
	b = appendInt(b, total/20+1) // CoreLatency
	mark()
	b = appendInt(b, r.IntN(2)) // RoutingLatency
	mark()
	b = appendInt(b, total/20+1) // HttpProxyOverhead
	mark()
	b = appendInt(b, total) // TotalRequestTime
	mark()
	b = append(b, f.query...)
	mark()
	mark() // BackEndGenericInfo
	// GenericInfo: long, ';'-separated, with the request's own timestamps.
	begin := abs - int64(total)
	b = append(b, ";ActivityContextLifeTime="...)
	b = appendInt(b, total)
	b = append(b, ";BeginRequest="...)
	b = g.clk.appendISO(b, begin)
	b = append(b, ";CorrelationID=<empty>;"...)
	if f.status == 401 {
		b = append(b, "NoAuth=401;"...)
	} else {
		b = append(b, "ProxyState-Run=None;FEAuth=BEVersion-1941997236;S:ServiceCommonMetadata.HttpMethod="...)
		b = append(b, f.method...)
		b = append(b, ";ProxyToDownLevel=False;BeginGetResponse="...)
		b = g.clk.appendISO(b, begin+2)
		b = append(b, ";OnResponseReady="...)
		b = g.clk.appendISO(b, abs-1)
		b = append(b, ";EndGetResponse="...)
		b = g.clk.appendISO(b, abs-1)
		b = append(b, ";ProxyState-Complete=ProxyResponseData;SharedCacheGuard=0;"...)
	}
	b = append(b, "EndRequest="...)
	b = g.clk.appendISO(b, abs)
	b = append(b, ";I32:ADS.C[DC01]="...)
	b = appendInt(b, 1+r.IntN(3))
	b = append(b, ";F:ADS.AL[DC01]="...)
	b = appendInt(b, r.IntN(3))
	b = append(b, '.')
	b = appendInt(b, 1000+r.IntN(9000))
	mark()
	b = append(b, csvQuoted(f.genErr)...)
	mark()
	g.sc = b
	return g.emitProxy()
}

var csvCache = map[string][]byte{}

func init() {
	for _, s := range []string{genErr500, genErr503, genErr401} {
		csvCache[s] = []byte(csvField(s))
	}
}

func csvQuoted(s string) []byte {
	if s == "" {
		return nil
	}
	return csvCache[s]
}
