// Package iislog reads IIS W3C extended logs (inetpub\logs\LogFiles\W3SVC<n>\u_ex<yymmdd>.log),
// where web shell use, ProxyLogon, ProxyShell, ProxyNotShell and OWASSRF requests show.
package iislog

import (
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt/source"
	"github.com/exsweep/exsweep/internal/logscan"
	"github.com/exsweep/exsweep/internal/rules"
)

// Kind is the source kind rules name.
const Kind = "iis"

// defaultColumns is IIS's default field set, assumed for rows before any #Fields line.
func defaultColumns() []string {
	return []string{"date", "time", "s-ip", "cs-method", "cs-uri-stem", "cs-uri-query", "s-port", "cs-username", "c-ip", "cs(User-Agent)", "cs(Referer)", "sc-status", "sc-substatus", "sc-win32-status", "time-taken"}
}

// allColumns is every W3C field IIS can log; rules may use any of them.
func allColumns() []string {
	return append(defaultColumns(), "s-sitename", "s-computername", "cs-version", "cs(Cookie)", "cs-host", "sc-bytes", "cs-bytes", "X-Forwarded-For")
}

// Source is the IIS log source.
type Source struct{}

// Kind implements source.LogSource.
func (Source) Kind() string { return Kind }

// Describe implements source.LogSource.
func (Source) Describe() string {
	return `IIS W3C logs, inetpub\logs\LogFiles\W3SVC<n>\*.log (and log folders named in applicationHost.config)`
}

// Fields implements source.LogSource. The decoded URL fields are literal up to URL encoding: the
// scanner also searches '+' and %20 for spaces and parses every row with a percent-escape of a
// literal's character, so an escape cannot hide a request.
func (Source) Fields() []rules.Field {
	fields := source.Columns(allColumns())
	for i := range fields {
		// Values shared by most rows pick out nothing; conditions on them get no literals.
		switch fields[i].Name {
		case "date", "time", "s-ip", "cs-method", "s-port", "sc-status", "sc-substatus", "sc-win32-status", "time-taken", "sc-bytes", "cs-bytes", "cs-version":
			fields[i].Literal = false
		}
	}
	return append(fields,
		rules.Field{Name: "stem", Literal: true, Doc: "cs-uri-stem percent-decoded, backslashes read as /"},
		rules.Field{Name: "path", Doc: "stem as IIS serves it: dot segments and repeated slashes resolved"},
		rules.Field{Name: "url", Doc: "path and the decoded query joined by '?'"},
		rules.Field{Name: "uri-dir", Doc: "folder of the page path runs (path info cut off), ending in '/' (/owa/auth/)"},
		rules.Field{Name: "uri-name", Literal: true, Doc: "the page path runs: the first segment with a script extension, else the last segment (logon.aspx)"},
		rules.Field{Name: "uri-ext", Doc: "extension of uri-name with its dot, lower case (.aspx)"},
		rules.Field{Name: "query", Literal: true, Doc: "the percent-decoded query, '+' read as space, runs of whitespace collapsed to one space"},
	)
}

// Dialect implements source.LogSource.
func (Source) Dialect() logscan.Dialect { return logscan.W3C() }

// DefaultHeader implements source.LogSource.
func (Source) DefaultHeader() *logscan.Header { return logscan.NewHeader(defaultColumns()) }

// Time implements source.LogSource. IIS writes UTC.
func (Source) Time(rec *logscan.Record) (time.Time, bool) {
	d, t := rec.Get("date"), rec.Get("time")
	if len(d) != 10 || len(t) < 8 {
		return time.Time{}, false
	}
	ts, err := time.Parse("2006-01-02 15:04:05", d+" "+t[:8])
	if err != nil {
		return time.Time{}, false
	}
	return ts, true
}

// Derive implements source.LogSource.
func (Source) Derive(rec *logscan.Record, _ *source.File) {
	if rec.Derived == nil {
		rec.Derived = make(map[string]string, 8)
	}
	// IIS writes spaces in header values as '+'.
	for _, k := range []string{"cs(user-agent)", "cs(referer)", "cs(cookie)"} {
		if i, ok := rec.Header.Index(k); ok && i < len(rec.Values) {
			rec.Values[i] = strings.ReplaceAll(rec.Values[i], "+", " ")
		}
	}
	// Decode first, then read '\' as '/': "%5C" is a backslash too.
	stem := strings.ReplaceAll(decode(rec.Get("cs-uri-stem"), false), `\`, "/")
	query := collapseSpaces(decode(rec.Get("cs-uri-query"), true))
	clean := ""
	if stem != "" {
		clean = path.Clean("/" + stem) // what IIS serves: no dot segments, no repeated slashes
	}
	u := clean
	if query != "" {
		u += "?" + query
	}
	dir, name := path.Split(scriptPath(clean))
	ext := strings.ToLower(path.Ext(name))
	d := rec.Derived
	d["stem"], d["path"], d["url"], d["query"] = stem, clean, u, query
	d["uri-dir"], d["uri-name"], d["uri-ext"] = dir, name, ext
}

// scriptPath cuts path info off a URL path: in /aspnet_client/shell.aspx/x/y IIS runs
// shell.aspx, so the page is the first segment with a page extension.
func scriptPath(p string) string {
	for i := 1; i < len(p); i++ {
		if p[i] != '/' {
			continue
		}
		if isPageExt(path.Ext(p[:i])) {
			return p[:i]
		}
	}
	return p
}

// isPageExt reports extensions IIS hands to a script engine (ASP.NET, ASP, handlers).
func isPageExt(ext string) bool {
	switch strings.ToLower(ext) {
	case ".aspx", ".ashx", ".asmx", ".asp", ".aspq", ".axd", ".cshtml", ".vbhtml", ".soap", ".rem", ".svc", ".cer", ".asa", ".xamlx":
		return true
	}
	return false
}

// collapseSpaces turns every run of whitespace into one space, so rules can spell "net user"
// once for every spacing an attacker might choose. (The scanner parses every row holding a run
// of encoded spaces, so such rows reach the rules.)
func collapseSpaces(s string) string {
	if !strings.Contains(s, "  ") && !strings.ContainsAny(s, "\t\r\n\v\f") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// decode undoes percent-escapes once, as IIS does, keeping malformed escapes as they are. In
// queries (plusIsSpace) it also reads ASP.NET's %uXXXX escapes.
func decode(s string, plusIsSpace bool) string {
	if plusIsSpace {
		s = strings.ReplaceAll(s, "+", " ")
	}
	if !strings.Contains(s, "%") {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' {
			if plusIsSpace && i+5 < len(s) && (s[i+1] == 'u' || s[i+1] == 'U') {
				if r, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
					sb.WriteRune(rune(r))
					i += 5
					continue
				}
			}
			if i+2 < len(s) {
				if b, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
					sb.WriteByte(byte(b))
					i += 2
					continue
				}
			}
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}

// Fill implements source.LogSource.
func (s Source) Fill(rec *logscan.Record, f *finding.Finding) {
	f.Time, _ = s.Time(rec)
	f.ClientIP = rec.Get("c-ip")
	f.User = rec.Get("cs-username")
	f.UserAgent = rec.Get("cs(user-agent)")
	f.Target = strings.TrimSpace(rec.Get("cs-method") + " " + rec.Get("url"))
	f.Fields = map[string]string{}
	for _, k := range []string{"date", "time", "cs-method", "cs-uri-stem", "cs-uri-query", "c-ip", "cs(User-Agent)", "sc-status", "cs-username", "s-port", "X-Forwarded-For"} {
		if v, ok := rec.Field(strings.ToLower(k)); ok && v != "" {
			f.Fields[k] = v
		}
	}
}
