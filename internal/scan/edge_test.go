package scan_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/exchangesim"
	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/scan"
	"github.com/exsweep/exsweep/internal/scan/target"
)

// answer is one scripted response.
type answer struct {
	status int
	header map[string][]string
	body   string
	hang   bool // never answer (until the test ends)
	drop   bool // close the connection without an answer
}

// scripted serves answers by path on 127.0.0.1 over plain HTTP: the cases the emulator does not
// play (mixed, contradictory or hybrid signals).
func scripted(t *testing.T, answers map[string]answer) target.Target {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := answers[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if a.drop {
			c, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				c.Close()
			}
			return
		}
		if a.hang {
			select {
			case <-done:
			case <-r.Context().Done():
			}
			return
		}
		for k, vs := range a.header {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		w.WriteHeader(a.status)
		w.Write([]byte(a.body))
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	ap := netip.MustParseAddrPort(strings.TrimPrefix(srv.URL, "http://"))
	return target.Target{Addr: ap.Addr(), Port: ap.Port(), Scheme: "http"}
}

func logonPage(cu string) string {
	return `<html><head><title>Outlook</title><link rel="shortcut icon" href="/owa/auth/` + cu + `/themes/resources/favicon.ico"></head></html>`
}

const requestID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"

func challenge(version string, extra map[string][]string) answer {
	h := map[string][]string{"WWW-Authenticate": {"Negotiate", "NTLM"}, "Request-Id": {requestID}, "X-FEServer": {"EX01"}}
	if version != "" {
		h["X-OWA-Version"] = []string{version}
	}
	for k, v := range extra {
		h[k] = v
	}
	return answer{status: 401, header: h}
}

func TestMixedAndContradictorySignals(t *testing.T) {
	fe := map[string][]string{"X-FEServer": {"EX01"}}
	tests := []struct {
		name    string
		answers map[string]answer
		active  bool
		status  string
		reason  string            // substring
		fams    map[string]string // family -> status text
		warning string            // substring of a warning
	}{
		{
			name: "a front end older than every back end: the worse answer per family",
			answers: map[string]answer{
				"/owa/auth/logon.aspx": {status: 200, header: fe, body: logonPage("15.1.1979")}, // 2016 CU16
				"/EWS/Exchange.asmx":   challenge("15.1.2176.9", nil),
				"/owa/service.svc":     challenge("15.1.2176.9", nil),
			},
			status:  finding.ScanExchange,
			fams:    map[string]string{"ProxyLogon": "unknown(needs-su-level-evidence)", "ProxyShell": "vulnerable"},
			warning: "several CUs answered",
		},
		{
			name: "a pool of two CUs: CU20 RTM lacks the ProxyShell fix CU19 May21SU has",
			answers: map[string]answer{
				"/owa/auth/logon.aspx": {status: 200, header: fe, body: logonPage("15.1.2176")},
				"/EWS/Exchange.asmx":   challenge("15.1.2176.14", nil),
				"/owa/service.svc":     challenge("15.1.2242.4", nil),
			},
			status:  finding.ScanExchange,
			fams:    map[string]string{"ProxyShell": "vulnerable", "ProxyLogon": "fixed"},
			warning: "several CUs answered",
		},
		{
			name: "a pool of two products: the 2019 back end lacks the ProxyNotShell fix",
			answers: map[string]answer{
				"/owa/auth/logon.aspx": {status: 200, header: fe, body: logonPage("15.1.2507")},
				"/EWS/Exchange.asmx":   challenge("15.1.2507.16", nil),
				"/owa/service.svc":     challenge("15.2.1118.7", nil),
			},
			status:  finding.ScanExchange,
			fams:    map[string]string{"ProxyNotShell": "vulnerable", "OWASSRF": "vulnerable"},
			warning: "different products",
		},
		{
			name: "an Online build next to an on-premises CU does not hide the CU",
			answers: map[string]answer{
				"/owa/auth/logon.aspx": {status: 200, header: fe, body: logonPage("15.1.1979")},
				"/EWS/Exchange.asmx":   challenge("15.20.4200.11", nil),
				"/owa/service.svc":     challenge("15.20.4200.11", nil),
			},
			status:  finding.ScanExchange,
			fams:    map[string]string{"ProxyShell": "vulnerable", "ProxyLogon": "unknown(needs-su-level-evidence)"},
			warning: "judged as on-premises",
		},
		{
			name: "hybrid modern authentication: Online's headers on an on-premises server",
			answers: map[string]answer{
				"/owa/auth/logon.aspx": {status: 200, header: fe, body: logonPage("15.1.2176")},
				"/EWS/Exchange.asmx": challenge("15.1.2176.2", map[string][]string{
					"WWW-Authenticate": {"Negotiate", `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*"`},
					"X-BEServer":       {"BN8PR04MB5890.namprd04.prod.outlook.com"}}),
				"/owa/service.svc": challenge("15.1.2176.2", nil),
			},
			status:  finding.ScanExchange,
			fams:    map[string]string{"ProxyLogon": "vulnerable"},
			warning: "judged as on-premises",
		},
		{
			name: "Windows authentication and a version header without request-id: one marker",
			answers: map[string]answer{
				"/EWS/Exchange.asmx": {status: 401, header: map[string][]string{"WWW-Authenticate": {"NTLM"}, "X-OWA-Version": {"15.1.2176.2"}}},
				"/owa/service.svc":   {status: 401, header: map[string][]string{"WWW-Authenticate": {"NTLM"}, "X-OWA-Version": {"15.1.2176.2"}}},
			},
			status: finding.ScanNotExchange,
			reason: "look-alike",
		},
		{
			name: "one marker, then no answer: failed, not a look-alike",
			answers: map[string]answer{
				"/owa/auth/logon.aspx": {status: 404, header: fe},
				"/EWS/Exchange.asmx":   {hang: true},
			},
			status: finding.ScanFailed,
			reason: "then timeout-headers",
		},
		{
			name: "a 15.20 logon page is Exchange Online",
			answers: map[string]answer{
				"/owa/auth/logon.aspx": {status: 200, header: fe, body: logonPage("15.20.4200")},
			},
			status: finding.ScanOnline,
		},
		{
			name: "a whole site answering 503 is not stopped pools",
			answers: map[string]answer{
				"/owa/auth/logon.aspx": {status: 503, header: fe},
				"/EWS/Exchange.asmx":   challenge("15.1.2176.2", nil),
				"/owa/service.svc":     challenge("15.1.2176.2", nil),
				"/ecp/":                {status: 503},
				"/oab/":                {status: 503},
			},
			active: true,
			status: finding.ScanExchange,
			fams:   map[string]string{"ProxyLogon": "vulnerable"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := scripted(t, tt.answers)
			s, err := scan.New(scan.Options{Limits: quickLimits(), HostTimeout: 3 * time.Second, Active: tt.active, Catalog: defaultCatalog(t)})
			if err != nil {
				t.Fatal(err)
			}
			h := s.Host(context.Background(), tg)
			if h.Status != tt.status || !strings.Contains(h.Reason, tt.reason) {
				t.Fatalf("status %q (%s), want %q with %q; markers %+v", h.Status, h.Reason, tt.status, tt.reason, h.Markers)
			}
			for fam, want := range tt.fams {
				if got := family(h, fam); got != want {
					t.Errorf("%s: %s, want %s", fam, got, want)
				}
			}
			if tt.warning != "" && !strings.Contains(strings.Join(h.Warnings, "\n"), tt.warning) {
				t.Errorf("warnings %q lack %q", h.Warnings, tt.warning)
			}
			if len(h.Mitigations) != 0 {
				t.Errorf("mitigations %+v", h.Mitigations)
			}
		})
	}
}

// TestRateWaitIsNotATimeout: at a polite rate, hosts wait for the limiter far longer than their
// own deadline; every one must still be judged on all its answers.
func TestRateWaitIsNotATimeout(t *testing.T) {
	var profiles []exchangesim.Profile
	for range 8 {
		profiles = append(profiles, exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.9"})
	}
	fleet := startFleet(t, "127.28.0.1", profiles, true)
	s, err := scan.New(scan.Options{Limits: quickLimits(), HostTimeout: time.Second, Concurrency: 8, Rate: 8, Catalog: defaultCatalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	var got []finding.ScanHost
	s.Run(context.Background(), func(yield func(target.Target, error) bool) {
		for _, h := range fleet.Hosts() {
			if !yield(targetOf(h), nil) {
				return
			}
		}
	}, func(h finding.ScanHost) { got = append(got, h) }, nil)
	if len(got) != 8 {
		t.Fatalf("%d results", len(got))
	}
	for _, h := range got {
		if h.Status != finding.ScanExchange || len(h.Requests) != 3 {
			t.Errorf("%s: %s (%s) after %d requests", h.Target, h.Status, h.Reason, len(h.Requests))
		}
	}
}

// TestCancelledHostsAreNotWritten: a host cut short by Ctrl-C is not a result (a resumed scan
// must do it again); the hosts that finished are.
func TestCancelledHostsAreNotWritten(t *testing.T) {
	profiles := []exchangesim.Profile{
		{Kind: exchangesim.KindExchange, Build: "15.1.2176.9"},
		{Kind: exchangesim.KindExchange, Build: "15.1.2176.9", Hostile: exchangesim.HostileSilent},
		{Kind: exchangesim.KindExchange, Build: "15.1.2176.9", Hostile: exchangesim.HostileSlow},
	}
	fleet := startFleet(t, "127.29.0.1", profiles, true)
	lim := quickLimits()
	lim.TLS, lim.Headers = 30*time.Second, 30*time.Second
	s, err := scan.New(scan.Options{Limits: lim, HostTimeout: time.Minute, Concurrency: 3, Catalog: defaultCatalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)
	var got []finding.ScanHost
	start := time.Now()
	err = s.Run(ctx, func(yield func(target.Target, error) bool) {
		for _, h := range fleet.Hosts() {
			if !yield(targetOf(h), nil) {
				return
			}
		}
	}, func(h finding.ScanHost) { got = append(got, h) }, nil)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("cancel took %v to end the scan", took)
	}
	if len(got) != 1 || got[0].Status != finding.ScanExchange {
		t.Errorf("results %+v, want only the finished Exchange host", got)
	}
	_ = err
}

func TestProxyShellRedirectElsewhereDecidesNothing(t *testing.T) {
	fe := map[string][]string{"X-FEServer": {"EX01"}}
	tg := scripted(t, map[string]answer{
		"/owa/auth/logon.aspx":            {status: 200, header: fe, body: logonPage("15.1.2507")},
		"/EWS/Exchange.asmx":              challenge("15.1.2507.16", nil),
		"/owa/service.svc":                challenge("15.1.2507.16", nil),
		"/autodiscover/autodiscover.json": {status: 302, header: map[string][]string{"Location": {"https://sso.example.org/login?next=/autodiscover"}}},
	})
	s, err := scan.New(scan.Options{Limits: quickLimits(), HostTimeout: 5 * time.Second, Active: true, Catalog: defaultCatalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Host(context.Background(), tg)
	if got := family(h, "ProxyShell"); got != "fixed" {
		t.Errorf("ProxyShell %s on a fixed build behind a single sign-on redirect; checks %+v", got, h.Checks)
	}
}

func TestHostDeadlineCutsTheLadder(t *testing.T) {
	fe := map[string][]string{"X-FEServer": {"EX01"}}
	tg := scripted(t, map[string]answer{
		"/owa/auth/logon.aspx": {status: 404, header: fe},
		"/EWS/Exchange.asmx":   {hang: true},
	})
	lim := quickLimits()
	lim.Headers = 5 * time.Second
	s, err := scan.New(scan.Options{Limits: lim, HostTimeout: 400 * time.Millisecond, Catalog: defaultCatalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Host(context.Background(), tg)
	if h.Status != finding.ScanFailed || !strings.Contains(h.Reason, "timeout-host") {
		t.Errorf("status %q (%s); want failed by the host deadline; requests %+v", h.Status, h.Reason, h.Requests)
	}
}

func TestResentRequestIsRecorded(t *testing.T) {
	fe := map[string][]string{"X-FEServer": {"EX01"}}
	tg := scripted(t, map[string]answer{
		"/owa/auth/logon.aspx": {status: 200, header: fe, body: logonPage("15.1.2507")},
		"/EWS/Exchange.asmx":   {drop: true},
	})
	s, err := scan.New(scan.Options{Limits: quickLimits(), Catalog: defaultCatalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Host(context.Background(), tg)
	var ews []finding.Exchange
	for _, r := range h.Requests {
		if strings.Contains(r.Request, "/EWS/") {
			ews = append(ews, r)
		}
	}
	if len(ews) != 2 || !strings.Contains(ews[0].Error, "sent again") {
		t.Errorf("EWS requests recorded: %+v; want the lost one and the one sent again", ews)
	}
}
