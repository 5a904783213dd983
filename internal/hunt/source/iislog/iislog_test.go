package iislog

import (
	"context"
	"maps"
	"math/rand/v2"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/hunt/source"
	"github.com/exsweep/exsweep/internal/logscan"
)

const fieldsLine = "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status\n"

func iisRow(stem, query string) string {
	if stem == "" {
		stem = "-"
	}
	if query == "" {
		query = "-"
	}
	return "2021-03-03 07:20:01 10.0.0.5 POST " + stem + " " + query + " 443 - 198.51.100.7 python-requests/2.25.1 200\n"
}

// scanRow reads one IIS row as the hunt does, optionally behind a prefilter, and returns the
// derived fields of every row passed.
func scanRow(row string, pf *logscan.Prefilter) []map[string]string {
	var out []map[string]string
	src := Source{}
	opt := logscan.Options{Dialect: src.Dialect(), DefaultHeader: src.DefaultHeader(), Prefilter: pf,
		Time: func(*logscan.Record) (time.Time, bool) { return time.Unix(1, 0), true }}
	logscan.Scan(context.Background(), strings.NewReader(fieldsLine+row), "u_ex210303.log", opt, func(rec *logscan.Record, _ []int) {
		src.Derive(rec, &source.File{})
		d := maps.Clone(rec.Derived)
		d["cs(user-agent)"] = rec.Get("cs(user-agent)")
		out = append(out, d)
	})
	return out
}

func TestDerive(t *testing.T) {
	tests := []struct {
		stem, query string
		want        map[string]string
	}{
		{"/owa/auth/logon.aspx", "", map[string]string{"uri-dir": "/owa/auth/", "uri-name": "logon.aspx", "uri-ext": ".aspx", "query": ""}},
		{"/aspnet_client/system_web/Ab3xK9qZ.ASPX", "cmd=whoami", map[string]string{"uri-dir": "/aspnet_client/system_web/", "uri-name": "Ab3xK9qZ.ASPX", "uri-ext": ".aspx", "query": "cmd=whoami"}},
		{"/aspnet%5Fclient/x.aspx", "", map[string]string{"stem": "/aspnet_client/x.aspx", "uri-dir": "/aspnet_client/"}},
		{`\aspnet_client\x.aspx`, "", map[string]string{"stem": "/aspnet_client/x.aspx", "uri-dir": "/aspnet_client/"}},
		{"/owa/auth/..%2F..%2Faspnet_client/x.aspx", "", map[string]string{"uri-dir": "/aspnet_client/", "uri-name": "x.aspx"}},
		{"/owa/auth%5C..%5C..%5Caspnet_client/x.aspx", "", map[string]string{"uri-dir": "/aspnet_client/"}},
		{"/x.aspx", "c=net+user+%2Fadd", map[string]string{"query": "c=net user /add"}},
		{"/x.aspx", "c=net++user%09%20x", map[string]string{"query": "c=net user x"}},
		{"/bad%zz%2", "q=%", map[string]string{"stem": "/bad%zz%2", "query": "q=%"}},
		{"", "", map[string]string{"stem": "", "uri-dir": "", "uri-name": ""}},
	}
	for _, tc := range tests {
		rows := scanRow(iisRow(tc.stem, tc.query), nil)
		if len(rows) != 1 {
			t.Fatalf("%q: %d rows", tc.stem, len(rows))
		}
		for k, v := range tc.want {
			if rows[0][k] != v {
				t.Errorf("%s?%s: %s = %q, want %q (all: %q)", tc.stem, tc.query, k, rows[0][k], v, rows[0])
			}
		}
	}
	if ua := scanRow(iisRow("/x", ""), nil)[0]["cs(user-agent)"]; ua != "python-requests/2.25.1" {
		t.Errorf("user agent %q", ua)
	}
}

// checkDerived holds the shape every derived record must have.
func checkDerived(t *testing.T, d map[string]string) {
	t.Helper()
	for _, k := range []string{"stem", "url", "uri-dir", "uri-name", "uri-ext", "query"} {
		if _, ok := d[k]; !ok {
			t.Fatalf("no %s in %q", k, d)
		}
	}
	stem, dir, name := d["stem"], d["uri-dir"], d["uri-name"]
	if strings.Contains(stem, `\`) {
		t.Fatalf("stem %q holds a backslash", stem)
	}
	if stem != "" {
		if !strings.HasPrefix(dir, "/") || !strings.HasSuffix(dir, "/") {
			t.Fatalf("uri-dir %q of %q", dir, stem)
		}
		if strings.Contains(dir, "//") || strings.Contains(dir, "/../") || strings.Contains(dir, "/./") {
			t.Fatalf("uri-dir %q of %q is not clean", dir, stem)
		}
	}
	if strings.Contains(name, "/") {
		t.Fatalf("uri-name %q", name)
	}
	if ext := d["uri-ext"]; ext != strings.ToLower(path.Ext(name)) {
		t.Fatalf("uri-ext %q of %q", ext, name)
	}
	if q := d["query"]; strings.Contains(q, "  ") || strings.ContainsAny(q, "\t\r\n\v\f") {
		t.Fatalf("query %q holds a run of spaces", q)
	}
	if q := d["query"]; q != "" && !strings.HasSuffix(d["url"], "?"+q) {
		t.Fatalf("url %q does not end with query %q", d["url"], q)
	}
}

// literalOf picks an ASCII piece of a derived value that a rule could name, lower-cased as rule
// values are.
func literalOf(v string, r *rand.Rand) string {
	if len(v) < 3 {
		return ""
	}
	i := r.IntN(len(v) - 2)
	j := i + 3 + r.IntN(min(len(v)-i-3, 12)+1)
	lit := strings.ToLower(v[i:j])
	for k := 0; k < len(lit); k++ {
		if lit[k] < 0x20 || lit[k] >= 0x7f {
			return ""
		}
	}
	if strings.TrimSpace(lit) == "" {
		return ""
	}
	return lit
}

func FuzzIISDerive(f *testing.F) {
	f.Add("/aspnet_client/system_web/x.aspx", "cmd=whoami", uint64(1))
	f.Add("/owa/auth%5C..%5Cx.aspx", "c=net++user", uint64(2))
	f.Add(`\owa/auth\x.aspx/a/b`, "c=%6eet%20%20user", uint64(3))
	f.Add("/%2e%2e/%u0061.aspx", "q=%zz+%09x", uint64(4))
	f.Add("/x.aspx", "c=net+%2B+user", uint64(5))
	f.Fuzz(func(t *testing.T, stem, query string, seed uint64) {
		// A W3C field holds no separator or line break, and "-" is an empty value.
		for _, s := range []string{stem, query} {
			if strings.ContainsAny(s, " \n\r") || strings.HasPrefix(s, "#") {
				return
			}
		}
		row := iisRow(stem, query)
		rows := scanRow(row, nil)
		if len(rows) != 1 {
			t.Fatalf("row %q read as %d rows", row, len(rows))
		}
		d := rows[0]
		checkDerived(t, d)
		// A rule naming a piece of a literal field must see the row through the prefilter.
		// (IIS never logs raw control characters in a URL: http.sys refuses the request.)
		if strings.ContainsFunc(stem+query, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
			return
		}
		r := rand.New(rand.NewPCG(seed, 1))
		for _, k := range []string{"stem", "query", "uri-name"} {
			for n := 0; n < 3; n++ {
				lit := literalOf(d[k], r)
				if lit == "" || !strings.Contains(strings.ToLower(d[k]), lit) {
					continue
				}
				pf := logscan.NewPrefilter([][]string{{lit}}, Source{}.Dialect())
				if got := scanRow(row, pf); len(got) != 1 {
					t.Fatalf("%s %q holds %q, but the prefilter dropped the row %q", k, d[k], lit, row)
				}
			}
		}
	})
}
