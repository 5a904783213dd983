package pageflow

import "bytes"

// region is one stretch of server code: the inside of <% %>, of <script runat="server">, or the
// body of a handler or code file.
type region struct {
	lo, hi   int
	lang     lang
	databind bool // <%# %>: Eval there is TemplateControl.Eval, never a sink
}

// finder finds the next occurrence of a fixed pattern at or after a position that only grows
// (the scan moves forward), remembering its last answer. A page full of "<%" with no "%>" would
// otherwise cost one full search per "<%": quadratic.
type finder struct {
	pat      string
	fold     bool // ASCII case-insensitive
	pos      int  // last match, valid while >= the asked position
	none     bool // no match at or after noneFrom
	noneFrom int
}

func newFinder(pat string, fold bool) finder { return finder{pat: pat, fold: fold, pos: -1} }

func (f *finder) find(s []byte, from int) int {
	if from >= len(s) {
		return -1
	}
	if f.pos >= from {
		return f.pos
	}
	if f.none && from >= f.noneFrom {
		return -1
	}
	var k int
	if f.fold {
		k = indexFold(s[from:], f.pat)
	} else {
		k = bytes.Index(s[from:], []byte(f.pat))
	}
	if k < 0 {
		f.none, f.noneFrom = true, from
		return -1
	}
	f.pos = from + k
	return f.pos
}

// indexFold is bytes.Index ignoring ASCII case; pat must be lower case and start with a
// non-letter (it is only used for "</script").
func indexFold(s []byte, pat string) int {
	for p := 0; p+len(pat) <= len(s); {
		q := bytes.IndexByte(s[p:], pat[0])
		if q < 0 {
			return -1
		}
		p += q
		if hasPrefixFold(s[p:], pat) {
			return p
		}
		p++
	}
	return -1
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// hasPrefixFold reports whether s starts with the lower-case ASCII pat, ignoring case.
func hasPrefixFold(s []byte, pat string) bool {
	if len(s) < len(pat) {
		return false
	}
	for i := 0; i < len(pat); i++ {
		if lowerByte(s[i]) != pat[i] {
			return false
		}
	}
	return true
}

func equalFold(b []byte, s string) bool { return len(b) == len(s) && hasPrefixFold(b, s) }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' }

// parseAttrs calls fn for each name[=value] pair of a tag or directive body. Values may be
// double-, single- or un-quoted; an unterminated quote runs to the end of b.
func parseAttrs(b []byte, fn func(name, val []byte)) {
	p := 0
	for p < len(b) {
		for p < len(b) && !isNameByte(b[p]) {
			p++
		}
		ns := p
		for p < len(b) && isNameByte(b[p]) {
			p++
		}
		if ns == p {
			break
		}
		name := b[ns:p]
		for p < len(b) && isSpace(b[p]) {
			p++
		}
		if p >= len(b) || b[p] != '=' {
			fn(name, nil)
			continue
		}
		p++
		for p < len(b) && isSpace(b[p]) {
			p++
		}
		if p >= len(b) {
			fn(name, nil)
			break
		}
		var val []byte
		if q := b[p]; q == '"' || q == '\'' {
			e := bytes.IndexByte(b[p+1:], q)
			if e < 0 {
				val, p = b[p+1:], len(b)
			} else {
				val, p = b[p+1:p+1+e], p+2+e
			}
		} else {
			vs := p
			for p < len(b) && !isSpace(b[p]) && b[p] != '/' {
				p++
			}
			val = b[vs:p]
		}
		fn(name, val)
	}
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == ':' || c == '-' || c == '.'
}

// langOf maps a Language attribute to a language.
func langOf(v []byte) lang {
	v = bytes.TrimSpace(v)
	switch {
	case equalFold(v, "c#"), equalFold(v, "cs"), equalFold(v, "csharp"):
		return langCS
	case equalFold(v, "vb"), equalFold(v, "vbnet"), equalFold(v, "vb.net"), equalFold(v, "visualbasic"):
		return langVB
	case equalFold(v, "jscript"), equalFold(v, "js"), equalFold(v, "javascript"), equalFold(v, "jscript.net"), equalFold(v, "jscript.encode"):
		return langJS
	case equalFold(v, "vbscript"), equalFold(v, "vbs"), equalFold(v, "vbscript.encode"):
		return langVBS
	}
	return langUnknown
}

// directive is what the analysis needs from <%@ ... %>.
type directive struct {
	name string // lower case: "page", "webhandler", ...; "" for the classic <%@ Language=X %>
	lang lang
}

func parseDirective(b []byte) directive {
	var d directive
	p := 0
	for p < len(b) && isSpace(b[p]) {
		p++
	}
	ns := p
	for p < len(b) && isNameByte(b[p]) {
		p++
	}
	q := p
	for q < len(b) && isSpace(b[q]) {
		q++
	}
	if ns < p && (q >= len(b) || b[q] != '=') {
		w := b[ns:p]
		for _, n := range [...]string{"page", "control", "master", "webhandler", "webservice", "application", "import", "assembly", "register", "implements", "reference", "outputcache", "mastertype", "previouspagetype"} {
			if equalFold(w, n) {
				d.name = n
				break
			}
		}
		if d.name == "" {
			d.name = "other"
		}
		b = b[p:]
	}
	parseAttrs(b, func(name, val []byte) {
		if equalFold(name, "language") && d.lang == langUnknown {
			d.lang = langOf(val)
		}
	})
	return d
}

// isASPNETDirective reports directives whose presence means the page is ASP.NET (C# by default).
func isASPNETDirective(n string) bool {
	switch n {
	case "page", "control", "master", "webhandler", "webservice", "application":
		return true
	}
	return false
}

// scanDirectives finds the page's default language: the first Language attribute of any
// directive, else C# when an ASP.NET directive is present, else unknown (classic ASP or a
// fragment).
func scanDirectives(s []byte) lang {
	aspnet := false
	for i := 0; i < len(s); {
		j := bytes.Index(s[i:], []byte("<%@"))
		if j < 0 {
			break
		}
		j += i + 3
		k := bytes.Index(s[j:], []byte("%>"))
		if k < 0 {
			break
		}
		d := parseDirective(s[j : j+k])
		if d.lang != langUnknown {
			return d.lang
		}
		if isASPNETDirective(d.name) {
			aspnet = true
		}
		i = j + k + 2
	}
	if aspnet {
		return langCS
	}
	return langUnknown
}

// tagEnd returns the index of the '>' closing a tag that starts at j, or -1 when a '<' comes
// first (or nothing does). Stopping at '<' keeps tag parsing linear: no byte belongs to two tags.
func tagEnd(s []byte, j int) int {
	for p := j + 1; p < len(s); p++ {
		switch s[p] {
		case '>':
			return p
		case '<':
			return -1
		}
	}
	return -1
}

// walkRegions calls fn for every server-code region of the page, in order. It is re-run on each
// analysis pass instead of storing the regions: a page of millions of tiny "<%%>" blocks would
// otherwise need memory proportional to their number.
func (a *analyzer) walkRegions(fn func(region)) {
	s := a.page
	if a.wholeFile {
		fn(region{lo: 0, hi: len(s), lang: a.pageLang})
		return
	}
	pctClose := newFinder("%>", false)
	cmtClose := newFinder("--%>", false)
	scriptClose := newFinder("</script", true)
	for i := 0; i < len(s); {
		j := bytes.IndexByte(s[i:], '<')
		if j < 0 {
			return
		}
		j += i
		if j+1 >= len(s) {
			return
		}
		switch c := s[j+1]; {
		case c == '%':
			if bytes.HasPrefix(s[j:], []byte("<%--")) {
				// A server-side comment: its contents never run.
				k := cmtClose.find(s, j+4)
				if k < 0 {
					return
				}
				i = k + 4
				continue
			}
			k := pctClose.find(s, j+2)
			if k < 0 {
				// An unterminated block is a parse error: the page does not run at all.
				return
			}
			body := j + 2
			if body < k && s[body] == '@' {
				d := parseDirective(s[body+1 : k])
				if d.name == "webhandler" || d.name == "webservice" {
					// .ashx / .asmx: everything after the directive is code.
					l := d.lang
					if l == langUnknown {
						l = langCS
					}
					fn(region{lo: k + 2, hi: len(s), lang: l})
					return
				}
				i = k + 2
				continue
			}
			r := region{lo: body, hi: k, lang: a.pageLang}
			if body < k {
				switch s[body] {
				case '=', ':':
					r.lo++
				case '#':
					r.lo++
					r.databind = true
					if r.lo < k && s[r.lo] == ':' {
						r.lo++
					}
				}
			}
			fn(r)
			i = k + 2
		case c == 's' || c == 'S':
			if !hasPrefixFold(s[j:], "<script") || j+7 >= len(s) || !(isSpace(s[j+7]) || s[j+7] == '>') {
				i = j + 1
				continue
			}
			e := tagEnd(s, j)
			if e < 0 {
				i = j + 1
				continue
			}
			server, l := false, a.pageLang
			parseAttrs(s[j+7:e], func(name, val []byte) {
				switch {
				case equalFold(name, "runat"):
					server = equalFold(bytes.TrimSpace(val), "server")
				case equalFold(name, "language"):
					if v := langOf(val); v != langUnknown {
						l = v
					}
				}
			})
			if !server || (e > j && s[e-1] == '/') {
				// Client-side script (or a self-closed tag): not server code, but <% %> inside
				// it still is, so keep scanning from the tag's end.
				i = e + 1
				continue
			}
			k := scriptClose.find(s, e+1)
			if k < 0 {
				i = e + 1
				continue
			}
			fn(region{lo: e + 1, hi: k, lang: l})
			i = k + len("</script")
		default:
			i = j + 1
		}
	}
}

// sourceMarkers say a file with no page markup is a code file (App_Code .cs/.vb, a code-behind)
// and so is code from its first byte. Plain .js, .json and .xml files must not be read as code:
// client-side script is not server code.
var sourceMarkers = [...]string{"using System", "Imports System", "IHttpHandler", "System.Web.UI.Page", "partial class", "Partial Class", "public class", "Public Class", "Inherits Page"}

// vbFileMarkers tell a VB.NET code file from a C# one.
var vbFileMarkers = [...]string{"Imports System", "End Class", "End Sub", "End Function", "End Module", "Partial Class", "Public Class"}

func looksLikeSourceFile(s []byte) (bool, lang) {
	// Markup (HTML, XML, a page) starts with '<'; a code file starts with using, namespace,
	// Imports, a comment or an attribute.
	t := bytes.TrimLeft(bytes.TrimPrefix(s, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(t) == 0 || t[0] == '<' {
		return false, langUnknown
	}
	found := false
	for _, m := range sourceMarkers {
		if bytes.Contains(s, []byte(m)) {
			found = true
			break
		}
	}
	if !found {
		return false, langUnknown
	}
	for _, m := range vbFileMarkers {
		if bytes.Contains(s, []byte(m)) {
			return true, langVB
		}
	}
	return true, langCS
}

// controlTags are the server controls whose .Text / .Value is typed by the client.
var controlTags = [...]string{"<asp:textbox", "<asp:hiddenfield", "<input", "<textarea", "<select"}

// scanControls records the IDs of input server controls declared in the markup.
func (a *analyzer) scanControls() {
	s := a.page
	for i := 0; i < len(s); {
		j := bytes.IndexByte(s[i:], '<')
		if j < 0 {
			return
		}
		j += i
		i = j + 1
		tag := ""
		for _, t := range controlTags {
			if hasPrefixFold(s[j:], t) && j+len(t) < len(s) && (isSpace(s[j+len(t)]) || s[j+len(t)] == '/' || s[j+len(t)] == '>') {
				tag = t
				break
			}
		}
		if tag == "" {
			continue
		}
		e := tagEnd(s, j)
		if e < 0 {
			continue
		}
		i = e + 1
		var id []byte
		server := false
		parseAttrs(s[j+len(tag):e], func(name, val []byte) {
			switch {
			case equalFold(name, "id"):
				id = val
			case equalFold(name, "runat"):
				server = equalFold(bytes.TrimSpace(val), "server")
			}
		})
		if !server || len(id) == 0 || len(id) > maxNameLen {
			continue
		}
		a.markName(string(bytes.ToLower(id)), vControl)
	}
}
