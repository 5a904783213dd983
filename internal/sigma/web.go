package sigma

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// webRecord adapts one IIS W3C row to Sigma's webserver field names. Everything is computed by
// WebRecord; the record is only read afterwards (safe for concurrent matching).
type webRecord struct {
	fields map[string]string
	stem   []string // raw, then percent-decoded when different
	query  []string // raw, then form-decoded (%XX and '+') when different; nil without a query
	uri    []string // stem + "?" + query in both spellings; the stem alone without a query
	kw     []string
}

// WebRecord adapts an IIS W3C row. fields are the row's columns by their lower-case W3C names
// (cs-uri-stem, cs-uri-query, c-ip, cs(user-agent), sc-status, cs-method, cs-username, ...) with
// values as written in the log; "-" (IIS's "no value") counts as an absent field.
//
// Sigma's webserver rules use the proxy taxonomy's names; they are answered as follows (names
// compared case-insensitively):
//   - cs-uri-stem, c-uri-stem: the stem, raw and percent-decoded (%XX and IIS's %uXXXX).
//   - cs-uri-query, c-uri-query: the query alone (raw and decoded, '+' read as a space), and
//     stem + "?" + query (raw and decoded; the stem alone when the row has no query), because
//     many public rules match paths in cs-uri-query.
//   - c-uri, cs-uri, uri, url: stem + "?" + query as above.
//   - c-uri-extension: the decoded stem's extension, without the dot.
//   - c-useragent, cs-user-agent, user-agent: cs(user-agent); cs-referer, cs-referrer: cs(referer);
//     cs-cookie: cs(cookie); cs-host, r-dns: cs-host or cs(host); src_ip: c-ip; dst_ip: s-ip;
//     dst_port: s-port.
//   - any other name: the column of that name.
//
// Values of cs(...) header columns are also offered with '+' read as a space (IIS writes spaces
// in headers as '+') and form-decoded. Keywords are every column's values in those spellings.
func WebRecord(fields map[string]string) Record {
	r := &webRecord{fields: fields}
	if s, ok := r.col("cs-uri-stem"); ok {
		r.stem = spellings(s, percentDecode(s, false))
	}
	if q, ok := r.col("cs-uri-query"); ok {
		r.query = spellings(q, percentDecode(q, true))
	}
	switch {
	case r.stem != nil && r.query != nil:
		r.uri = spellings(r.stem[0]+"?"+r.query[0], r.stem[len(r.stem)-1]+"?"+r.query[len(r.query)-1])
	case r.stem != nil:
		r.uri = r.stem
	case r.query != nil:
		r.uri = r.query
	}
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if v, ok := r.col(k); ok {
			r.kw = append(r.kw, r.colValues(strings.ToLower(k), v)...)
		}
	}
	return r
}

// spellings returns raw, and alt when it differs.
func spellings(raw, alt string) []string {
	if alt == raw {
		return []string{raw}
	}
	return []string{raw, alt}
}

// col returns a column's value; "-" and missing columns are absent.
func (r *webRecord) col(name string) (string, bool) {
	v, ok := r.fields[name]
	if !ok || v == "-" {
		return "", false
	}
	return v, true
}

// colValues returns the spellings a column's value is offered in.
func (r *webRecord) colValues(name, v string) []string {
	switch {
	case name == "cs-uri-stem":
		return r.stem
	case name == "cs-uri-query":
		return r.query
	case strings.HasPrefix(name, "cs("):
		out := spellings(v, strings.ReplaceAll(v, "+", " "))
		if d := percentDecode(v, true); d != out[len(out)-1] && d != v {
			out = append(out, d)
		}
		return out
	}
	return []string{v}
}

func (r *webRecord) Keywords() []string { return r.kw }

// present implements presenter: cs-uri-query offers the stem to string matchers when the row has
// no query, but for null and exists the query is absent.
func (r *webRecord) present(name string) bool {
	switch strings.ToLower(name) {
	case "cs-uri-query", "c-uri-query":
		return r.query != nil
	}
	_, ok := r.Field(name)
	return ok
}

func (r *webRecord) Field(name string) ([]string, bool) {
	n := strings.ToLower(name)
	var cols []string
	switch n {
	case "cs-uri-stem", "c-uri-stem":
		return r.stem, r.stem != nil
	case "cs-uri-query", "c-uri-query":
		if r.uri == nil {
			return nil, false
		}
		if r.query == nil {
			return r.uri, true
		}
		return append(append([]string(nil), r.query...), r.uri...), true
	case "c-uri", "cs-uri", "uri", "url":
		return r.uri, r.uri != nil
	case "c-uri-extension", "cs-uri-extension":
		if r.stem == nil {
			return nil, false
		}
		s := r.stem[len(r.stem)-1]
		s = s[strings.LastIndexAny(s, `/\`)+1:]
		i := strings.LastIndexByte(s, '.')
		if i < 0 || i == len(s)-1 {
			return nil, false
		}
		return []string{s[i+1:]}, true
	case "c-useragent", "cs-user-agent", "cs(user-agent)", "user-agent", "useragent":
		cols = []string{"cs(user-agent)"}
	case "cs-referer", "cs-referrer", "cs(referer)", "referer", "referrer":
		cols = []string{"cs(referer)"}
	case "cs-cookie", "cs(cookie)", "cookie":
		cols = []string{"cs(cookie)"}
	case "cs-host", "cs(host)", "r-dns", "host":
		cols = []string{"cs-host", "cs(host)"}
	case "c-ip", "src_ip", "clientip":
		cols = []string{"c-ip"}
	case "s-ip", "dst_ip":
		cols = []string{"s-ip"}
	case "s-port", "dst_port":
		cols = []string{"s-port"}
	default:
		cols = []string{n}
	}
	for _, c := range cols {
		if v, ok := r.col(c); ok {
			return r.colValues(c, v), true
		}
	}
	return nil, false
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// percentDecode decodes %XX and IIS's %uXXXX once, leaving malformed escapes as written; with
// form, '+' is a space (query strings). One level only: IIS itself decodes once, so a doubly
// encoded value reaches the application still encoded once.
func percentDecode(s string, form bool) string {
	if !strings.ContainsRune(s, '%') && (!form || !strings.ContainsRune(s, '+')) {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+' && form:
			b = append(b, ' ')
		case c == '%' && i+5 < len(s) && (s[i+1] == 'u' || s[i+1] == 'U'):
			var r rune
			ok := true
			for j := 2; j < 6; j++ {
				h, hok := unhex(s[i+j])
				ok = ok && hok
				r = r<<4 | rune(h)
			}
			if !ok {
				b = append(b, c)
				continue
			}
			b = utf8.AppendRune(b, r)
			i += 5
		case c == '%' && i+2 < len(s):
			h, ok1 := unhex(s[i+1])
			l, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				b = append(b, c)
				continue
			}
			b = append(b, h<<4|l)
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}
