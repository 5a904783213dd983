// Package httpproxy reads the front-end proxy logs of Exchange (<EX>Logging\HttpProxy\<Protocol>\),
// where CVE-2021-26855 (the ProxyLogon server-side request forgery) shows as forged back-end
// targets in AnchorMailbox, RoutingHint and BackEndCookie.
package httpproxy

import (
	"strings"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt/source"
	"github.com/exsweep/exsweep/internal/logscan"
	"github.com/exsweep/exsweep/internal/rules"
)

// Kind is the source kind rules name.
const Kind = "httpproxy"

// columns is the header of Exchange 2016/2019 HttpProxy logs, used when a file has none and to
// write rule samples. Real files are always read by their own #Fields line.
func columns() []string {
	return []string{"DateTime", "RequestId", "MajorVersion", "MinorVersion", "BuildVersion", "RevisionVersion", "ClientRequestId", "Protocol", "UrlHost", "UrlStem", "ProtocolAction", "AuthenticationType", "IsAuthenticated", "AuthenticatedUser", "Organization", "AnchorMailbox", "UserAgent", "ClientIpAddress", "ServerHostName", "HttpStatus", "BackEndStatus", "ErrorCode", "Method", "ProxyAction", "TargetServer", "TargetServerVersion", "RoutingType", "RoutingHint", "BackEndCookie", "ServerLocatorHost", "ServerLocatorLatency", "RequestBytes", "ResponseBytes", "TargetOutstandingRequests", "AuthModulePerfContext", "HttpPipelineLatency", "CalculateTargetBackEndLatency", "GlsLatencyBreakup", "TotalGlsLatency", "AccountForestLatencyBreakup", "TotalAccountForestLatency", "ResourceForestLatencyBreakup", "TotalResourceForestLatency", "ADLatency", "SharedCacheLatencyBreakup", "TotalSharedCacheLatency", "ActivityContextLifeTime", "ModuleToHandlerSwitchingLatency", "ClientReqStreamLatency", "BackendReqInitLatency", "BackendReqStreamLatency", "BackendProcessingLatency", "BackendRespInitLatency", "BackendRespStreamLatency", "ClientRespStreamLatency", "KerberosAuthHeaderLatency", "HandlerCompletionLatency", "RequestHandlerLatency", "HandlerToModuleSwitchingLatency", "ProxyTime", "CoreLatency", "RoutingLatency", "HttpProxyOverhead", "TotalRequestTime", "UrlQuery", "BackEndGenericInfo", "GenericInfo", "GenericErrors"}
}

// Source is the HttpProxy log source.
type Source struct{}

// Kind implements source.LogSource.
func (Source) Kind() string { return Kind }

// Describe implements source.LogSource.
func (Source) Describe() string {
	return `Exchange front-end proxy logs, <EX>Logging\HttpProxy\<Protocol>\*.LOG`
}

// Fields implements source.LogSource.
func (Source) Fields() []rules.Field {
	fields := source.Columns(columns())
	for i := range fields {
		// Values shared by most rows pick out nothing; conditions on them get no literals.
		switch fields[i].Name {
		case "HttpStatus", "BackEndStatus", "Method", "MajorVersion", "MinorVersion", "BuildVersion", "RevisionVersion", "IsAuthenticated", "ProtocolAction", "AuthenticationType", "Protocol":
			fields[i].Literal = false
		}
	}
	return append(fields,
		rules.Field{Name: "ProtocolFolder", Doc: "the protocol folder the file sits in (Ecp, Owa, Mapi, ...)"},
		rules.Field{Name: "SsrfHost", Doc: "for AnchorMailbox ServerInfo~<target>: the forged back-end host, port and user part removed"},
		rules.Field{Name: "SsrfPath", Doc: "for AnchorMailbox ServerInfo~<target>: the forged back-end path and query"},
	)
}

// Dialect implements source.LogSource.
func (Source) Dialect() logscan.Dialect { return logscan.ExchangeCSV() }

// DefaultHeader implements source.LogSource.
func (Source) DefaultHeader() *logscan.Header { return logscan.NewHeader(columns()) }

// Time implements source.LogSource.
func (Source) Time(rec *logscan.Record) (time.Time, bool) {
	return source.ParseExchangeTime(rec.Get("datetime"))
}

// Derive implements source.LogSource.
func (Source) Derive(rec *logscan.Record, f *source.File) {
	if rec.Derived == nil {
		rec.Derived = make(map[string]string, 8)
	}
	host, path := ParseServerInfo(rec.Get("anchormailbox"))
	rec.Derived["protocolfolder"] = f.Group
	rec.Derived["ssrfhost"] = host
	rec.Derived["ssrfpath"] = path
}

// ParseServerInfo splits an AnchorMailbox of the form ServerInfo~<target> into the forged host
// and path. The exploit hides the real host behind a fake user part ("a]@ex01:444/..."), as a
// URL parser would read it; the last '@' before the path separates them.
func ParseServerInfo(anchor string) (host, path string) {
	const prefix = "serverinfo~"
	if len(anchor) < len(prefix) || !strings.EqualFold(anchor[:len(prefix)], prefix) {
		return "", ""
	}
	t := anchor[len(prefix):]
	authority := t
	if i := strings.IndexAny(t, "/?#"); i >= 0 {
		authority, path = t[:i], t[i:]
	}
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		authority = authority[i+1:]
	}
	host = authority
	if strings.HasPrefix(host, "[") {
		if i := strings.IndexByte(host, ']'); i > 0 {
			host = host[1:i]
		}
	} else if i := strings.LastIndexByte(host, ':'); i >= 0 && strings.Count(host, ":") == 1 {
		host = host[:i]
	}
	return strings.ToLower(host), path
}

// Fill implements source.LogSource.
func (s Source) Fill(rec *logscan.Record, f *finding.Finding) {
	f.Time, _ = s.Time(rec)
	f.ClientIP = rec.Get("clientipaddress")
	f.User = rec.Get("authenticateduser")
	f.UserAgent = rec.Get("useragent")
	f.Target = rec.Get("urlstem")
	if a := rec.Get("anchormailbox"); a != "" {
		f.Target += " -> " + a
	}
	f.Fields = map[string]string{}
	for _, k := range []string{"DateTime", "RequestId", "ClientIpAddress", "UrlHost", "UrlStem", "RoutingHint", "UserAgent", "AnchorMailbox", "HttpStatus", "AuthenticatedUser", "BackEndCookie", "Method", "TargetServer", "Protocol"} {
		if v, ok := rec.Field(strings.ToLower(k)); ok {
			f.Fields[k] = v
		}
	}
}
