// Package signals reads Exchange's identity out of HTTP responses: the logon page's title and
// resource paths, the version headers, the export tool manifest, the back-end names. Every input
// comes from a server that may be hostile or a honeypot, so each function takes bytes already
// capped by the wire package, never panics, and returns only what it can vouch for: a version
// string is returned only when it parses as numbers, never as raw attacker text.
package signals

import (
	"bytes"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// maxTitle bounds how much of a <title> is kept.
const maxTitle = 120

var (
	// <assemblyIdentity name="microsoft.exchange.ediscovery.exporttool" version="15.2.986.5" .../>,
	// attributes in any order.
	assemblyRE = regexp.MustCompile(`(?is)<assemblyIdentity\b([^>]{0,1000})>`)
	nameAttrRE = regexp.MustCompile(`(?is)\bname\s*=\s*["']([^"']{0,200})["']`)
	verAttrRE  = regexp.MustCompile(`(?is)\bversion\s*=\s*["']([^"']{0,40})["']`)
	guidRE     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	nameRE     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.\-]{0,252}$`)
)

// OnlineClientID is the application id Exchange Online names in its Bearer challenge.
const OnlineClientID = "00000002-0000-0ff1-ce00-000000000000"

// Logon is what an OWA logon page shows.
type Logon struct {
	Title    string // cleaned, at most maxTitle characters
	OWATitle bool   // the title is one Exchange uses
	CU       string // three parts from /owa/auth/<CU>/ resource paths (2013+), "" if absent or inconsistent
	Legacy   string // four parts from /owa/<build>/ resource paths (2007, 2010)
	// Mixed: several different resource versions on one page (a copied or stitched page).
	Mixed bool
}

// LogonPage reads a logon page body. It runs on every host that answers, so it looks for the
// few fixed markers by hand instead of running regular expressions over the page.
func LogonPage(body []byte) Logon {
	var l Logon
	l.Title = Title(body)
	if l.Title != "" {
		t := strings.ToLower(l.Title)
		l.OWATitle = t == "outlook" || t == "outlook web app" || t == "exchange log in" ||
			strings.HasPrefix(t, "outlook web access") || strings.HasPrefix(t, "microsoft exchange - outlook web access") ||
			t == "exchange admin center"
	}
	// Resource paths: /owa/auth/<3 parts>/<dir>/ (2013+) and /owa/<4 parts>/<dir>/ (2007, 2010).
	for i, seen := 0, 0; seen < 64; {
		j := indexFold(body[i:], "/owa/")
		if j < 0 {
			break
		}
		i += j + len("/owa/")
		rest := body[i:]
		parts := 4
		if hasPrefixFold(rest, "auth/") {
			rest = rest[len("auth/"):]
			parts = 3
		}
		v, after, ok := dottedPrefix(rest, parts)
		if !ok || !resourceDir(after) {
			continue
		}
		seen++
		dst := &l.Legacy
		if parts == 3 {
			dst = &l.CU
		}
		switch {
		case *dst == "":
			*dst = v
		case *dst != v:
			l.Mixed = true
		}
	}
	if l.Mixed {
		// A page that refers to several versions vouches for none of them.
		l.CU, l.Legacy = "", ""
	}
	return l
}

// dottedPrefix reads parts dot-separated numbers at the start of b (at most 3 digits for the
// first two, 6 after), followed by '/'.
func dottedPrefix(b []byte, parts int) (v string, rest []byte, ok bool) {
	end := 0
	for p := 0; p < parts; p++ {
		limit := 6
		if p < 2 {
			limit = 3
		}
		n := 0
		for end < len(b) && b[end] >= '0' && b[end] <= '9' {
			end++
			n++
		}
		if n == 0 || n > limit {
			return "", nil, false
		}
		sep := byte('.')
		if p == parts-1 {
			sep = '/'
		}
		if end >= len(b) || b[end] != sep {
			return "", nil, false
		}
		end++
	}
	s, ok := Version(string(b[:end-1]), parts)
	return s, b[end:], ok
}

// resourceDir: the path goes on into one of the folders OWA serves its resources from.
func resourceDir(b []byte) bool {
	for _, d := range []string{"themes/", "scripts/", "resources/", "prem/"} {
		if hasPrefixFold(b, d) {
			return true
		}
	}
	return false
}

// indexFold finds an ASCII needle in b, ignoring ASCII case, without copying b.
func indexFold(b []byte, needle string) int {
	first := needle[0]
	for i := 0; i+len(needle) <= len(b); {
		j := bytes.IndexByte(b[i:], first) // needles here start with '/', which has no case
		if j < 0 {
			return -1
		}
		i += j
		if hasPrefixFold(b[i:], needle) {
			return i
		}
		i++
	}
	return -1
}

// hasPrefixFold is bytes.HasPrefix ignoring ASCII case.
func hasPrefixFold(b []byte, prefix string) bool {
	if len(b) < len(prefix) {
		return false
	}
	for k := 0; k < len(prefix); k++ {
		c := b[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[k] {
			return false
		}
	}
	return true
}

// Version normalises a dotted version of exactly parts numeric parts (each at most 6 digits)
// and returns it without leading zeros; ok is false for anything else.
func Version(s string, parts int) (string, bool) {
	s = strings.TrimSpace(s)
	f := strings.Split(s, ".")
	if len(f) != parts {
		return "", false
	}
	out := make([]string, parts)
	for i, p := range f {
		if p == "" || len(p) > 6 {
			return "", false
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || strings.ContainsAny(p, "+-") {
			return "", false
		}
		out[i] = strconv.Itoa(n)
	}
	return strings.Join(out, "."), true
}

// OWAVersion reads X-OWA-Version (four parts) from a header; "" when absent or malformed.
func OWAVersion(h http.Header) string {
	v, _ := Version(h.Get("X-OWA-Version"), 4)
	return v
}

// Manifest reads the export tool manifest: the version of the
// microsoft.exchange.ediscovery.exporttool assembly, four parts; "" when the body is no such
// manifest.
func Manifest(body []byte) string {
	for _, m := range assemblyRE.FindAllSubmatch(body, 32) {
		attrs := m[1]
		n := nameAttrRE.FindSubmatch(attrs)
		if n == nil || !bytes.HasPrefix(bytes.ToLower(n[1]), []byte("microsoft.exchange.ediscovery.exporttool")) {
			continue
		}
		if v := verAttrRE.FindSubmatch(attrs); v != nil {
			if s, ok := Version(string(v[1]), 4); ok {
				return s
			}
		}
	}
	return ""
}

// ServerName cleans a server name from a header (X-FEServer, X-BEServer, X-DiagInfo,
// X-CalculatedBETarget): "" unless it looks like a host name.
func ServerName(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexAny(v, ";, "); i >= 0 {
		v = v[:i]
	}
	if !nameRE.MatchString(v) {
		return ""
	}
	return strings.ToLower(v)
}

// ServerHeaders are the headers that name front and back ends, in the order reports list them.
func ServerHeaders() []string {
	return []string{"X-FEServer", "X-BEServer", "X-DiagInfo", "X-CalculatedBETarget"}
}

// Servers lists the cleaned front-end and back-end names of a response, header by header.
func Servers(h http.Header) map[string]string {
	out := map[string]string{}
	for _, k := range ServerHeaders() {
		if s := ServerName(h.Get(k)); s != "" {
			out[k] = s
		}
	}
	return out
}

// RequestID reports whether the response carries Exchange's request-id header (a GUID).
func RequestID(h http.Header) bool {
	return guidRE.MatchString(strings.TrimSpace(h.Get("request-id")))
}

// Challenge describes a 401's WWW-Authenticate offers.
type Challenge struct {
	Negotiate, NTLM, Basic bool
	// Online: a Bearer offer naming Exchange Online's client id with the any-tenant issuer
	// ("...@*"). On-premises servers in hybrid modern authentication offer the same client id,
	// but with their own tenant's id after the @.
	Online bool
}

// Challenges reads every WWW-Authenticate header.
func Challenges(h http.Header) Challenge {
	var c Challenge
	for _, v := range h.Values("WWW-Authenticate") {
		l := strings.ToLower(strings.TrimSpace(v))
		switch {
		case strings.HasPrefix(l, "negotiate"):
			c.Negotiate = true
		case strings.HasPrefix(l, "ntlm"):
			c.NTLM = true
		case strings.HasPrefix(l, "basic"):
			c.Basic = true
		case strings.HasPrefix(l, "bearer") && strings.Contains(l, OnlineClientID) && strings.Contains(l, "@*"):
			c.Online = true
		}
	}
	return c
}

// OnlineName reports whether a back-end name belongs to Exchange Online.
func OnlineName(s string) bool {
	return strings.HasSuffix(s, ".outlook.com") || strings.HasSuffix(s, ".outlook.office365.com")
}

// Title returns a page's cleaned <title>: the first one, when it is at most 400 bytes.
func Title(body []byte) string {
	for i := 0; i < len(body); {
		j := bytes.IndexByte(body[i:], '<')
		if j < 0 {
			return ""
		}
		i += j + 1
		if len(body)-i < 5 || !bytes.EqualFold(body[i:i+5], []byte("title")) {
			continue
		}
		k := i + 5
		if k < len(body) && body[k] != '>' && body[k] != ' ' && body[k] != '\t' && body[k] != '\r' && body[k] != '\n' {
			continue // <titlebar> is another element
		}
		gt := bytes.IndexByte(body[k:], '>')
		if gt < 0 {
			return ""
		}
		start := k + gt + 1
		end := bytes.IndexByte(body[start:], '<')
		if end < 0 || end > 400 {
			return ""
		}
		if !bytes.EqualFold(body[start+end:min(len(body), start+end+8)], []byte("</title>")) {
			return ""
		}
		return clean(string(body[start : start+end]))
	}
	return ""
}

// HasMAPITitle reports the page the ProxyShell check looks for.
func HasMAPITitle(body []byte) bool {
	return strings.EqualFold(Title(body), "Exchange MAPI/HTTP Connectivity Endpoint")
}

// clean collapses white space, drops control characters and invalid UTF-8, and caps the length.
func clean(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == '\uFFFD' || r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f || r >= 0x80 && r < 0xa0:
			continue
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
		if b.Len() >= maxTitle {
			break
		}
	}
	return b.String()
}
