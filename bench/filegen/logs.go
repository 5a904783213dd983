package main

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Log kinds.
const (
	lkIIS = iota
	lkHTTPErr
	lkText
	lkProxy
	lkCSV
)

// Indexes in logFormats.
const (
	lfIISFront = iota
	lfIISBack
	lfHTTPErr
	lfCBS
	lfSetup
	lfProxyBase
)

var lfCSVBase = lfProxyBase + len(proxyProtocols)

// logFormat is one kind of log file: how it is named and what its rows hold. Every row is
// benign traffic of a healthy server; nothing here is meant to trip a hunt rule.
type logFormat struct {
	kind    int
	daily   bool
	back    bool
	prefix  string
	proto   string
	logType string
	fields  string
	cols    []colType
	consts  []string // per column, for ctVersion
}

// slots is how many hours (or days) of logs the server keeps: IIS and Windows logs since
// 2020-01-01, Exchange logs 30 days (their default retention).
func (lf *logFormat) slots() int {
	if lf.daily {
		return int((t2022 - t2020) / 86400)
	}
	return 30 * 24
}

// maxFiles is how many files a folder of this log can hold: one per day for daily logs, up to
// nine per hour (-1 to -9, as Exchange rolls a log over at its size limit) for hourly ones.
func (lf *logFormat) maxFiles() int {
	if lf.daily {
		return lf.slots()
	}
	return 9 * lf.slots()
}

var proxyProtocols = []struct {
	name string
	w    float64
}{{"Autodiscover", 1.2}, {"Eas", 4.8}, {"Ecp", 0.6}, {"Ews", 3.4}, {"Mapi", 4.4}, {"Oab", 0.4},
	{"Owa", 3}, {"OwaCalendar", 0.4}, {"PowerShell", 0.6}, {"RpcHttp", 1.2}}

// The HttpProxy header of Exchange 2016 CU23.
const proxyFields = "DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,ClientRequestId,Protocol,UrlHost,UrlStem,ProtocolAction,AuthenticationType,IsAuthenticated,AuthenticatedUser,Organization,AnchorMailbox,UserAgent,ClientIpAddress,ServerHostName,HttpStatus,BackEndStatus,ErrorCode,Method,ProxyAction,TargetServer,TargetServerVersion,RoutingType,RoutingHint,BackEndCookie,ServerLocatorHost,ServerLocatorLatency,RequestBytes,ResponseBytes,TargetOutstandingRequests,AuthModulePerfContext,HttpPipelineLatency,CalculateTargetBackEndLatency,GlsLatencyBreakup,TotalGlsLatency,AccountForestLatencyBreakup,TotalAccountForestLatency,ResourceForestLatencyBreakup,TotalResourceForestLatency,ADLatency,SharedCacheLatencyBreakup,TotalSharedCacheLatency,ActivityContextLifeTime,ModuleToHandlerSwitchingLatency,ClientReqStreamLatency,BackendReqInitLatency,BackendReqStreamLatency,BackendProcessingLatency,BackendRespInitLatency,BackendRespStreamLatency,ClientRespStreamLatency,KerberosAuthHeaderLatency,HandlerCompletionLatency,RequestHandlerLatency,HandlerToModuleSwitchingLatency,ProxyTime,CoreLatency,RoutingLatency,HttpProxyOverhead,TotalRequestTime,UrlQuery,BackEndGenericInfo,GenericInfo,GenericErrors"

// csvLogs are the other Exchange logs, as CSV with a #Fields header. Of these a hunt reads ECP
// server and OAB generator logs; their rows are benign too.
var csvLogs = []struct {
	dir, prefix, logType, fields string
	w, median                    float64
}{
	{exBase + "/Logging/RpcHttp/W3SVC1", "RpcHttp_", "RCA Logs", "DateTime,SessionId,RequestId,Method,ClientIp,ServerTarget,User,AuthenticationType,Status,HttpStatus,RpcStatus,ElapsedMs,Bytes,GenericInfo", 3, 2e6},
	{exBase + "/Logging/MapiHttp/Mailbox", "MapiHttp_", "MapiHttp Logs", "DateTime,RequestId,ClientRequestId,ActAsUserId,Protocol,ClientIp,ClientSoftware,ClientVersion,Operation,OperationLatency,StatusCode,Bytes,GenericInfo", 5, 3e6},
	{exBase + "/Logging/Ews", "Ews_", "EWS Logs", "DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,ClientRequestId,AuthenticationType,IsAuthenticated,AuthenticatedUser,Organization,UserAgent,VersionInfo,ClientIpAddress,ServerHostName,FrontEndServer,SoapAction,HttpStatus,RequestSize,ResponseSize,ErrorCode,ImpersonatedUser,ProxyAsUser,ActAsUser,Cookie,CorrelationGuid,PrimaryOrProxyServer,TaskType,RemoteBackendCount,LocalMailboxCount,RemoteMailboxCount,LocalIdCount,RemoteIdCount,BeginBudgetConnections,EndBudgetConnections,TotalDCRequestCount,TotalDCRequestLatency,TotalMBXRequestCount,TotalMBXRequestLatency,GenericInfo,GenericErrors", 5, 3e6},
	{exBase + "/Logging/Autodiscover", "Autodiscover_", "Autodiscover Logs", "DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,ClientRequestId,AuthenticatedUser,UserAgent,ClientIpAddress,ServerHostName,HttpStatus,ProtocolAction,TotalRequestTime,GenericInfo", 2, 1e6},
	{exBase + "/TransportRoles/Logs/MessageTracking", "MSGTRK", "Message Tracking Log", "date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,schema-version", 5, 2e6},
	{exBase + "/TransportRoles/Logs/FrontEnd/ProtocolLog/SmtpReceive", "RECV", "SMTP Receive Protocol Log", "date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context", 4, 2e6},
	{exBase + "/TransportRoles/Logs/Hub/ProtocolLog/SmtpSend", "SEND", "SMTP Send Protocol Log", "date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context", 3, 2e6},
	{exBase + "/Logging/Monitoring/Monitoring/MSExchangeHealthManager/ActiveMonitoringTraceLogs", "ActiveMonitoringTraceLog_", "Active Monitoring Trace Logs", "DateTime,ProcessId,ThreadId,Component,Level,Message", 5, 2e6},
	{exBase + "/Logging/MailboxAssistantsLog", "MailboxAssistantsLog_", "Mailbox Assistants Log", "DateTime,ServerName,Assistant,Event,MailboxGuid,Duration,Message", 2, 1e6},
	{exBase + "/Logging/ECP/Server", "ECPServer", "ECP Server Logs", "DateTime,ServerName,ProcessId,ThreadId,ClientIpAddress,UserName,ActivityId,RequestId,Event,Duration,GenericInfo", 2, 1e6},
	{exBase + "/Logging/OABGeneratorLog", "OABGenerator", "OAB Generator Logs", "DateTime,ServerName,ProcessId,ThreadId,Level,Message", 1, 5e5},
	{exBase + "/Logging/Store", "StoreLog_", "Store Logs", "DateTime,ProcessId,ThreadId,Database,MailboxGuid,Operation,Latency,Status,Message", 2, 1e6},
}

var logFormats = buildLogFormats()

func buildLogFormats() []logFormat {
	fs := []logFormat{
		lfIISFront: {kind: lkIIS, daily: true},
		lfIISBack:  {kind: lkIIS, daily: true, back: true},
		lfHTTPErr:  {kind: lkHTTPErr, daily: true},
		lfCBS:      {kind: lkText, daily: true, prefix: "CbsPersist_"},
		lfSetup:    {kind: lkText, daily: true, prefix: "ExchangeSetup.log"},
	}
	for _, pr := range proxyProtocols {
		f := logFormat{kind: lkProxy, prefix: "HttpProxy_", proto: pr.name, logType: "HttpProxy Logs", fields: proxyFields}
		f.cols, f.consts = colTypes(proxyFields)
		fs = append(fs, f)
	}
	for _, c := range csvLogs {
		f := logFormat{kind: lkCSV, prefix: c.prefix, logType: c.logType, fields: c.fields}
		f.cols, f.consts = colTypes(c.fields)
		fs = append(fs, f)
	}
	return fs
}

type colType uint8

const (
	ctEmpty colType = iota
	ctTime
	ctGUID
	ctNum
	ctSmallNum
	ctUser
	ctIP
	ctEndpoint
	ctHost
	ctWord
	ctText
	ctBool
	ctStatus
	ctProto
	ctStem
	ctUA
	ctMethod
	ctVersion
	ctQuery
)

// colTypes guesses what each column holds from its name.
func colTypes(fields string) ([]colType, []string) {
	names := strings.Split(fields, ",")
	out := make([]colType, len(names))
	consts := make([]string, len(names))
	for i, n := range names {
		l := strings.ToLower(n)
		switch {
		case i == 0:
			out[i] = ctTime
		case l == "protocol":
			out[i] = ctProto
		case l == "urlstem":
			out[i] = ctStem
		case l == "urlquery":
			out[i] = ctQuery
		case l == "useragent" || l == "clientsoftware":
			out[i] = ctUA
		case l == "method":
			out[i] = ctMethod
		case l == "processid" || l == "threadid":
			out[i], consts[i] = ctSmallNum, "pid"
		case l == "isauthenticated":
			out[i] = ctBool
		case strings.Contains(l, "status") || l == "event-id" || l == "event":
			out[i] = ctStatus
		case strings.Contains(l, "version"):
			out[i] = ctVersion
			switch l {
			case "majorversion":
				consts[i] = "15"
			case "minorversion":
				consts[i] = "1"
			case "buildversion":
				consts[i] = "2507"
			case "revisionversion":
				consts[i] = "6"
			case "targetserverversion":
				consts[i] = "Version 15.1 (Build 2507.6)"
			case "clientversion":
				consts[i] = "16.0.13801.20864"
			default:
				consts[i] = "15.01.2507.006"
			}
		case strings.Contains(l, "endpoint"):
			out[i] = ctEndpoint
		case strings.HasSuffix(l, "ip") || strings.Contains(l, "ipaddress") || strings.Contains(l, "-ip"):
			out[i] = ctIP
		case strings.Contains(l, "user") || strings.Contains(l, "address") || strings.Contains(l, "mailbox") && !strings.Contains(l, "guid") || l == "return-path":
			out[i] = ctUser
		case strings.Contains(l, "guid") || strings.HasSuffix(l, "id") || strings.Contains(l, "-id"):
			out[i] = ctGUID
		case strings.Contains(l, "latency") || strings.Contains(l, "bytes") || strings.Contains(l, "size") || strings.Contains(l, "time") || strings.Contains(l, "duration") || strings.HasSuffix(l, "ms"):
			out[i] = ctNum
		case strings.Contains(l, "count") || strings.Contains(l, "number") || strings.Contains(l, "connections"):
			out[i] = ctSmallNum
		case strings.Contains(l, "host") || strings.Contains(l, "server") || strings.Contains(l, "target"):
			out[i] = ctHost
		case strings.Contains(l, "info") || strings.Contains(l, "message") || strings.Contains(l, "data") || strings.Contains(l, "context") || strings.Contains(l, "errors") || strings.Contains(l, "breakup") || strings.Contains(l, "subject"):
			out[i] = ctText
		case strings.Contains(l, "organization") || strings.Contains(l, "cookie") || strings.Contains(l, "reference") || strings.Contains(l, "custom"):
			out[i] = ctEmpty
		default:
			out[i] = ctWord
		}
	}
	return out, consts
}

var (
	logWords = []string{"Mailbox", "Default", "Success", "Completed", "Database", "Healthy", "Info", "Started",
		"Probe", "Monitor", "Responder", "Sync", "Folder", "Item", "Calendar", "Contacts", "Inbox", "Journal",
		"Notification", "Subscription", "Session", "Connection", "Queue", "Delivery", "Routing", "Resolver",
		"Categorizer", "Submission", "Retry", "Throttling", "Budget", "Policy", "Assistant", "Cache", "Refresh"}
	easDevices = []string{"iPhone", "Android", "iPad", "Outlook", "SAMSUNGSMG991B", "WindowsMail"}
	outlookUAs = []string{"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.13801; Pro)",
		"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.14326; Pro)",
		"Microsoft Office/15.0 (Windows NT 6.1; Microsoft Outlook 15.0.5319; Pro)"}
	mobileUAs = []string{"Apple-iPhone13C2/1805.114", "Apple-iPad8C1/1805.114", "Android-SAMSUNG-SM-G991B/101.10000",
		"Outlook-iOS-Android/1.0", "iOS/14.4.1 (18D61) dataaccessd/1.0"}
	browserUAs = []string{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/89.0.4389.82 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:86.0) Gecko/20100101 Firefox/86.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/89.0.4389.90 Safari/537.36 Edg/89.0.774.54",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/14.0.3 Safari/605.1.15"}
	smtpEvents = []string{"RECEIVE", "DELIVER", "SEND", "SUBMIT", "HAREDIRECT", "AGENTINFO", "RESOLVE", "EXPAND", "DSN"}
)

// logGen writes log rows into a sink.
type logGen struct {
	r   *rand.Rand
	src *rand.PCG
	lf  *logFormat
	row []byte
}

func appendUser(b []byte, r *rand.Rand) []byte {
	b = append(b, pick(r, firstNames)...)
	b = append(b, '.')
	b = append(b, pick(r, lastNames)...)
	return append(b, "@contoso.com"...)
}

func appendInternalIP(b []byte, r *rand.Rand) []byte {
	b = append(b, "10.1."...)
	b = strconv.AppendInt(b, int64(r.IntN(40)), 10)
	b = append(b, '.')
	return strconv.AppendInt(b, int64(1+r.IntN(250)), 10)
}

// appendClientIP is an address inside the company or one of the documentation ranges (no
// real address, none on any published indicator list).
func appendClientIP(b []byte, r *rand.Rand) []byte {
	if r.IntN(3) == 0 {
		b = append(b, pick(r, []string{"203.0.113.", "198.51.100.", "192.0.2."})...)
		return strconv.AppendInt(b, int64(1+r.IntN(250)), 10)
	}
	return appendInternalIP(b, r)
}

func appendISO(b []byte, t time.Time) []byte {
	b = t.AppendFormat(b, "2006-01-02T15:04:05.000")
	return append(b, 'Z')
}

func csvSafe(s string) string {
	if strings.ContainsAny(s, ",\"") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

func (g *logGen) header(w *sink, t time.Time) {
	b := w.buf
	switch g.lf.kind {
	case lkIIS:
		b = append(b, "#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: "...)
		b = t.AppendFormat(b, "2006-01-02 15:04:05")
		b = append(b, "\r\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r\n"...)
	case lkHTTPErr:
		b = append(b, "#Software: Microsoft HTTP API 2.0\r\n#Version: 1.0\r\n#Date: "...)
		b = t.AppendFormat(b, "2006-01-02 15:04:05")
		b = append(b, "\r\n#Fields: date time c-ip c-port s-ip s-port cs-version cs-method cs-uri streamid sc-status s-siteid s-reason s-queuename\r\n"...)
	case lkText:
	default:
		b = append(b, "#Software: Microsoft Exchange Server\r\n#Version: 15.01.2507.006\r\n#Log-type: "...)
		b = append(b, g.lf.logType...)
		b = append(b, "\r\n#Date: "...)
		b = appendISO(b, t)
		b = append(b, "\r\n#Fields: "...)
		b = append(b, g.lf.fields...)
		b = append(b, "\r\n"...)
	}
	w.buf = b
}

// writeLog fills w with rows whose times run through [t0, t0+span) in step with the bytes
// written, and stops at the last whole row that fits.
func writeLog(w *sink, r *rand.Rand, src *rand.PCG, lf *logFormat, t0, span int64) {
	g := &logGen{r: r, src: src, lf: lf, row: make([]byte, 0, 4096)}
	g.header(w, time.Unix(t0, 0).UTC())
	msBase := t0 * 1000
	for {
		frac := float64(w.n+int64(len(w.buf))) / float64(w.size)
		ms := msBase + int64(frac*float64(span*1000-1000)) + int64(r.IntN(900))
		g.row = g.appendRow(g.row[:0], time.UnixMilli(ms).UTC())
		if w.room() < int64(len(g.row)) {
			break
		}
		w.buf = append(w.buf, g.row...)
		w.flushIf()
		if w.err != nil {
			return
		}
	}
}

func (g *logGen) appendRow(b []byte, t time.Time) []byte {
	switch g.lf.kind {
	case lkIIS:
		return g.iisRow(b, t)
	case lkHTTPErr:
		b = t.AppendFormat(b, "2006-01-02 15:04:05 ")
		b = appendClientIP(b, g.r)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(49152+g.r.IntN(16000)), 10)
		b = append(b, " 10.1.0.10 443 HTTP/1.1 "...)
		b = append(b, pick(g.r, []string{"GET /owa/ - 1 - Timer_ConnectionIdle -", "POST /mapi/emsmdb/ - 1 - Timer_EntityBody MSExchangeMapiMailboxAppPool",
			"- - - - - - Timer_ConnectionIdle -", "GET /Microsoft-Server-ActiveSync/ - 1 - Request_Cancelled MSExchangeSyncAppPool",
			"- - - 400 - BadRequest -", "POST /EWS/Exchange.asmx - 1 - Connection_Dropped_List_Full MSExchangeServicesAppPool"})...)
		return append(b, "\r\n"...)
	case lkText:
		if g.lf.prefix == "CbsPersist_" {
			b = t.AppendFormat(b, "2006-01-02 15:04:05, ")
			b = append(b, pick(g.r, []string{"Info                  CBS    ", "Info                  CSI    ", "Info                  DPX    "})...)
			b = append(b, pick(g.r, []string{"Loaded Servicing Stack v10.0.14393.4530 with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.14393.4530_none_7f4fc5b5f0b4a8b7\\cbscore.dll",
				"Session: 30877123_", "Appl: detect Parent, Package: Package_for_RollupFix~31bf3856ad364e35~amd64~~14393.4283.1.8, Parent: Microsoft-Windows-ServerStandardEdition~31bf3856ad364e35~amd64~~10.0.14393.0",
				"Exec: Processing complete.  Session: 30877123_1234, Package: Package_for_KB5001078~31bf3856ad364e35~amd64~~14393.4283.1.3, hr: 0x0",
				"Startup processing thread terminated normally", "TI: --- Initializing Trusted Installer ---"})...)
			b = strconv.AppendInt(b, int64(g.r.IntN(100000)), 10)
			return append(b, "\r\n"...)
		}
		b = append(b, '[')
		b = t.AppendFormat(b, "01/02/2006 15:04:05.0000")
		b = append(b, "] ["...)
		b = strconv.AppendInt(b, int64(g.r.IntN(3)), 10)
		b = append(b, "] "...)
		b = append(b, pick(g.r, []string{"Executing: ", "Active Directory session settings for 'Get-ExchangeServer' are: ", "Processing component 'Mailbox Service Configuration' (Configuring Mailbox service).", "Beginning processing Install-ExchangeCertificate", "Setup is determining what organization-level operations to perform.", "Ending processing Set-WERRegistryMarkers"})...)
		b = append(b, pick(g.r, logWords)...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(g.r.IntN(100000)), 10)
		return append(b, "\r\n"...)
	}
	return g.csvRow(b, t)
}

var iisFront = []string{
	"POST /Microsoft-Server-ActiveSync/default.eas Cmd=Sync&User=%u&DeviceId=%d&DeviceType=%t",
	"POST /Microsoft-Server-ActiveSync/default.eas Cmd=Ping&User=%u&DeviceId=%d&DeviceType=%t",
	"POST /mapi/emsmdb/ mailboxId=%g@contoso.com&CorrelationID=<empty>;&cafeReqId=%g;",
	"POST /mapi/nspi/ MailboxId=%g@contoso.com&CorrelationID=<empty>;&cafeReqId=%g;",
	"POST /EWS/Exchange.asmx &CorrelationID=<empty>;&cafeReqId=%g;",
	"POST /owa/service.svc action=GetConversationItems&UA=0&app=Mail&n=%n",
	"POST /owa/service.svc action=FindItem&UA=0&app=Mail&n=%n",
	"GET /owa/ &ExchClientVer=15.1.2507.6",
	"GET /owa/auth/logon.aspx url=https%3a%2f%2fmail.contoso.com%2fowa%2f&reason=0",
	"POST /owa/auth.owa &ClientId=%G&CorrelationID=<empty>;",
	"GET /owa/auth/15.1.2507/themes/resources/logon.css &CorrelationID=<empty>;",
	"POST /Autodiscover/Autodiscover.xml &CorrelationID=<empty>;&cafeReqId=%g;",
	"RPC_IN_DATA /rpc/rpcproxy.dll %g@contoso.com:6001&CorrelationID=<empty>;",
	"GET /OAB/%g/oab.xml &CorrelationID=<empty>;",
	"GET /ecp/ &ExchClientVer=15.1.2507.6",
	"GET /owa/healthcheck.htm -",
}

func (g *logGen) fill(b []byte, tmpl string, user []byte) []byte {
	r := g.r
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c != '%' || i+1 == len(tmpl) {
			b = append(b, c)
			continue
		}
		i++
		switch tmpl[i] {
		case 'u':
			b = append(b, user...)
		case 'd':
			b = append(b, strings.ToUpper(hexN(r, 16))...)
		case 't':
			b = append(b, pick(r, easDevices)...)
		case 'g':
			b = appendGUID(b, g.src)
		case 'G':
			b = append(b, strings.ToUpper(hexN(r, 32))...)
		case 'n':
			b = strconv.AppendInt(b, int64(r.IntN(500)), 10)
		default:
			b = append(b, '%', tmpl[i])
		}
	}
	return b
}

func w3c(s string) string { return strings.ReplaceAll(s, " ", "+") }

func (g *logGen) iisRow(b []byte, t time.Time) []byte {
	r := g.r
	b = t.AppendFormat(b, "2006-01-02 15:04:05 ")
	b = append(b, "10.1.0.10 "...)
	k := r.IntN(len(iisFront))
	tmpl := iisFront[k]
	user := appendUser(nil, r)
	b = g.fill(b, tmpl, user)
	port := " 443 "
	if g.lf.back {
		port = " 444 "
	}
	b = append(b, port...)
	status := 200
	switch {
	case k == 15:
		b = append(b, "- 127.0.0.1 AMProbe/Local/ClientAccess - 200 0 0 "...)
		return append(strconv.AppendInt(b, int64(r.IntN(30)), 10), "\r\n"...)
	case k == 8 || k == 10:
		b = append(b, "- "...)
	case k == 7 || k == 14:
		status = 302
		b = append(b, "CONTOSO\\"...)
		b = append(b, user[:len(user)-len("@contoso.com")]...)
		b = append(b, ' ')
	default:
		b = append(b, user...)
		b = append(b, ' ')
	}
	if g.lf.back {
		b = append(b, "10.1.0.11 "...)
	} else {
		b = appendClientIP(b, r)
		b = append(b, ' ')
	}
	switch {
	case k <= 1:
		b = append(b, pick(r, mobileUAs)...)
	case k <= 4 || k == 11 || k == 12 || k == 13:
		b = append(b, w3c(pick(r, outlookUAs))...)
	default:
		b = append(b, w3c(pick(r, browserUAs))...)
	}
	b = append(b, " - "...)
	if k == 9 {
		status = 302
	}
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, " 0 0 "...)
	b = strconv.AppendInt(b, int64(r.IntN(400)), 10)
	return append(b, "\r\n"...)
}

var proxyStems = map[string][]string{
	"Autodiscover": {"/Autodiscover/Autodiscover.xml", "/autodiscover/autodiscover.xml"},
	"Eas":          {"/Microsoft-Server-ActiveSync/default.eas"},
	"Ecp":          {"/ecp/", "/ecp/default.aspx", "/ecp/PersonalSettings/HomePage.aspx"},
	"Ews":          {"/EWS/Exchange.asmx"},
	"Mapi":         {"/mapi/emsmdb/", "/mapi/nspi/"},
	"Oab":          {"/OAB/%g/oab.xml"},
	"Owa":          {"/owa/service.svc", "/owa/", "/owa/ev.owa2"},
	"OwaCalendar":  {"/owa/calendar/%g/service.svc"},
	"PowerShell":   {"/PowerShell"},
	"RpcHttp":      {"/rpc/rpcproxy.dll"},
}

func (g *logGen) csvRow(b []byte, t time.Time) []byte {
	r := g.r
	user := appendUser(nil, r)
	proto := g.lf.proto
	for i, ct := range g.lf.cols {
		if i > 0 {
			b = append(b, ',')
		}
		switch ct {
		case ctTime:
			b = appendISO(b, t)
		case ctGUID:
			b = appendGUID(b, g.src)
		case ctNum:
			b = strconv.AppendInt(b, int64(r.IntN(2000)), 10)
		case ctSmallNum:
			b = strconv.AppendInt(b, int64(r.IntN(8)), 10)
			if g.lf.consts[i] == "pid" {
				b = strconv.AppendInt(b, int64(r.IntN(1000)), 10)
			}
		case ctUser:
			b = append(b, user...)
		case ctIP:
			if proto == "PowerShell" {
				b = append(b, "10.1.0.10"...)
			} else {
				b = appendClientIP(b, r)
			}
		case ctEndpoint:
			b = appendInternalIP(b, r)
			b = append(b, ':')
			b = append(b, pick(r, []string{"25", "2525", "587", "475"})...)
		case ctHost:
			b = append(b, pick(r, []string{"EX01", "EX02", "ex01.contoso.com", "ex02.contoso.com"})...)
		case ctWord:
			b = append(b, pick(r, logWords)...)
		case ctText:
			if r.IntN(3) == 0 {
				b = append(b, pick(r, logWords)...)
				b = append(b, '=')
				b = strconv.AppendInt(b, int64(r.IntN(1000)), 10)
				b = append(b, ';')
				b = append(b, pick(r, logWords)...)
				b = append(b, '=')
				b = append(b, pick(r, logWords)...)
				b = append(b, ';')
			}
		case ctBool:
			b = append(b, "True"...)
		case ctStatus:
			if g.lf.prefix == "ECPServer" {
				b = append(b, pick(r, []string{"Request", "Cmdlet"})...)
			} else if strings.HasPrefix(g.lf.prefix, "MSGTRK") {
				b = append(b, pick(r, smtpEvents)...)
			} else if g.lf.prefix == "RECV" || g.lf.prefix == "SEND" {
				b = append(b, pick(r, []string{"+", "*", ">", "<", "-"})...)
			} else {
				b = append(b, pick(r, []string{"200", "200", "200", "200", "302", "401"})...)
			}
		case ctProto:
			if proto != "" {
				b = append(b, proto...)
			} else {
				b = append(b, pick(r, []string{"MapiHttp", "RpcHttp"})...)
			}
		case ctStem:
			stems := proxyStems[proto]
			if len(stems) == 0 {
				stems = []string{"/"}
			}
			b = g.fill(b, pick(r, stems), user)
		case ctQuery:
			switch proto {
			case "Eas":
				b = g.fill(b, "?Cmd=Sync&User=%u&DeviceId=%d&DeviceType=%t", user)
			case "Owa":
				b = append(b, "?action=GetConversationItems&app=Mail"...)
			}
		case ctUA:
			switch proto {
			case "Eas":
				b = append(b, pick(r, mobileUAs)...)
			case "Owa", "OwaCalendar", "Ecp":
				b = append(b, csvSafe(pick(r, browserUAs))...)
			case "PowerShell":
				b = append(b, "Microsoft WinRM Client"...)
			default:
				b = append(b, csvSafe(pick(r, outlookUAs))...)
			}
		case ctMethod:
			if proto == "Owa" || proto == "Ecp" || proto == "Oab" {
				b = append(b, pick(r, []string{"GET", "POST"})...)
			} else {
				b = append(b, "POST"...)
			}
		case ctVersion:
			b = append(b, g.lf.consts[i]...)
		}
	}
	return append(b, "\r\n"...)
}
