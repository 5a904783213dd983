package exchangesim

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// routeServers is one server of every kind and feature, for the fuzz target.
func routeServers(t testing.TB) []*server {
	c := cat(t)
	as := &assets{pages: map[string][]byte{}}
	var out []*server
	for _, p := range []Profile{
		{Kind: KindExchange, Build: vulnerable2016},
		{Kind: KindExchange, Build: vulnerable2016, ProxyLogonRewrite: true, ProxyNotShellRewrite: true},
		{Kind: KindExchange, Build: vulnerable2016, ECPBlocked: true},
		{Kind: KindExchange, Build: vulnerable2016, PoolsStopped: true, Backends: []string{"15.1.2176.2", "15.1.2176.14"}},
		{Kind: KindExchange, Build: "15.2.858.5", Reported: "15.2.858.2"},
		{Kind: KindExchange, Build: "14.3.513.0"},
		{Kind: KindExchange, Build: "8.3.83.6"},
		{Kind: KindOnline},
		{Kind: KindIIS},
		{Kind: KindWAF},
		{Kind: KindLookalike},
	} {
		for _, tlsOn := range []bool{true, false} {
			s, err := newServer(as, Host{Addr: loop, Port: 443, TLS: tlsOn, Profile: p}, c)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
	}
	return out
}

// FuzzRoute: for any request target, cookie and Host, every simulated host either aborts or
// produces a well-formed HTTP/1.1 answer whose framing matches its body.
func FuzzRoute(f *testing.F) {
	f.Add("/owa/auth/x.js", proxyLogonCk, "mail.lab.exsweep.test")
	f.Add(psMAPI, "", "127.0.0.1:8443")
	f.Add("/owa/", "", "evil\x00host")
	servers := routeServers(f)
	f.Fuzz(func(t *testing.T, target, cookie, host string) {
		raw := "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nCookie: " + cookie + "\r\n\r\n"
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			return
		}
		for _, s := range servers {
			r := s.route(req)
			if r.abort {
				continue
			}
			b := r.bytes(false)
			resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(b)), req)
			if err != nil {
				t.Fatalf("%s: the answer does not parse: %v\n%q", s.host.Profile.Kind, err, b)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil || !bytes.Equal(body, r.body) || resp.StatusCode != r.status {
				t.Fatalf("%s: status %d body %d bytes (%v), want %d and %d bytes", s.host.Profile.Kind, resp.StatusCode, len(body), err, r.status, len(r.body))
			}
			if loc := resp.Header.Get("Location"); strings.ContainsAny(loc, "\r\n ") {
				t.Fatalf("Location %q", loc)
			}
		}
	})
}

// FuzzBEResourceRule: the hand-written matcher agrees with IIS's rule as a regular expression.
func FuzzBEResourceRule(f *testing.F) {
	for _, s := range []string{"X-BEResource=localhost/owa/auth/logon.aspx?~3", "x-beresource=/a~b", "X-BEResource=a/~b", "x-beresource=x-beresource=a/b~c", "X-BERe\u017fource=a/b~c"} {
		f.Add(s)
	}
	// IIS ignores case; ASCII letters only, as asciiLower does.
	rule := regexp.MustCompile(`[Xx]-[Bb][Ee][Rr][Ee][Ss][Oo][Uu][Rr][Cc][Ee]=(.+)/(.+)~(.+)`)
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, "\r\n") {
			return // header values never hold line breaks
		}
		want := rule.MatchString(s)
		if got := beResourceRule(asciiLower(s)); got != want {
			t.Fatalf("%q: matcher %v, regexp %v", s, got, want)
		}
	})
}
