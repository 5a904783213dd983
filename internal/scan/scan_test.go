package scan_test

import (
	"bytes"
	"context"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/exsweep/exsweep/internal/catalog"
	"github.com/exsweep/exsweep/internal/exchangesim"
	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/scan"
	"github.com/exsweep/exsweep/internal/scan/target"
	"github.com/exsweep/exsweep/internal/scan/wire"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func defaultCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startFleet serves hosts on 127.0.0.0/8 from base, ephemeral ports, and closes them at the end.
func startFleet(t testing.TB, base string, profiles []exchangesim.Profile, tlsOn bool) *exchangesim.Fleet {
	t.Helper()
	a := netip.MustParseAddr(base)
	hosts := make([]exchangesim.Host, len(profiles))
	for i, p := range profiles {
		hosts[i] = exchangesim.Host{Addr: a, TLS: tlsOn, Profile: p}
		a = a.Next()
	}
	f, err := exchangesim.Start(hosts, exchangesim.Options{Record: true})
	if err != nil {
		if i := strings.Index(err.Error(), "127."); i >= 0 && strings.Contains(err.Error(), "assign") {
			t.Skipf("this system cannot bind loopback addresses other than 127.0.0.1: %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func targetOf(h exchangesim.Host) target.Target {
	scheme := "http"
	if h.TLS {
		scheme = "https"
	}
	return target.Target{Addr: h.Addr, Port: h.Port, Scheme: scheme, Input: h.Addr.String()}
}

// quickLimits keep hostile hosts cheap in tests.
func quickLimits() wire.Limits {
	return wire.Limits{Connect: time.Second, TLS: time.Second, Headers: 500 * time.Millisecond, Body: 500 * time.Millisecond, MaxHeader: 64 << 10, MaxBody: 256 << 10}
}

func newScanner(t testing.TB, active bool) *scan.Scanner {
	t.Helper()
	s, err := scan.New(scan.Options{Limits: quickLimits(), HostTimeout: 5 * time.Second, Concurrency: 64, Active: active, Catalog: defaultCatalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func family(h finding.ScanHost, name string) string {
	for _, f := range h.Families {
		if f.Family == name {
			if f.Status == finding.FixUnknown {
				return "unknown(" + f.Reason + ")"
			}
			return f.Status
		}
	}
	return "(none)"
}

func mitigations(h finding.ScanHost) string {
	var out []string
	for _, m := range h.Mitigations {
		out = append(out, m.Name)
	}
	return strings.Join(out, ",")
}

func TestVerdicts(t *testing.T) {
	type want struct {
		status   string
		build    string
		exact    bool
		families map[string]string
		mit      string
		reason   string // substring of Reason
	}
	tests := []struct {
		name    string
		profile exchangesim.Profile
		active  bool
		want    want
	}{
		{"2016 CU19 Mar21SU: ProxyLogon fixed, ProxyShell open",
			exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.9"}, false,
			want{status: "exchange", build: "15.1.2176.9", exact: true, families: map[string]string{"ProxyLogon": "fixed", "ProxyShell": "vulnerable"}}},
		{"2016 CU19 before March 2021: every family open",
			exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.2"}, false,
			want{status: "exchange", build: "15.1.2176.2", exact: true, families: map[string]string{"ProxyLogon": "vulnerable", "ProxyShell": "vulnerable", "ProxyNotShell": "vulnerable"}}},
		{"2019 CU9 answering 15.2.858.2: the product build 15.2.858.5 has the ProxyLogon fix",
			exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.2.858.5", Reported: "15.2.858.2"}, false,
			want{status: "exchange", build: "15.2.858.2", exact: true, families: map[string]string{"ProxyLogon": "fixed"}}},
		{"load balancer: the lowest back end decides",
			exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.14", Backends: []string{"15.1.2176.14", "15.1.2176.9"}}, false,
			want{status: "exchange", build: "15.1.2176.9", exact: true, families: map[string]string{"ProxyShell": "vulnerable"}}},
		{"ECP blocked changes nothing when the 401 names the build",
			exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.2.1118.7", ECPBlocked: true}, false,
			want{status: "exchange", build: "15.2.1118.7", exact: true, families: map[string]string{"ProxyLogon": "fixed", "ProxyShell": "fixed"}}},
		{"active: the ProxyLogon check confirms an open server",
			exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.2"}, true,
			want{status: "exchange", build: "15.1.2176.2", exact: true, families: map[string]string{"ProxyLogon": "vulnerable", "ProxyShell": "vulnerable"}}},
		{"active: the URL Rewrite mitigation is seen as an abort",
			exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.2", ProxyLogonRewrite: true}, true,
			want{status: "exchange", build: "15.1.2176.2", exact: true, families: map[string]string{"ProxyLogon": "vulnerable-mitigated", "ProxyShell": "vulnerable"}, mit: "proxylogon-url-rewrite"}},
		{"active: stopped ECP/OAB pools",
			exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.9", PoolsStopped: true}, true,
			want{status: "exchange", build: "15.1.2176.9", exact: true, families: map[string]string{"ProxyLogon": "fixed"}, mit: "ecp-oab-pools-stopped"}},
		{"active: ProxyNotShell rewrite mitigates ProxyNotShell, not OWASSRF",
			exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.2.1118.7", ProxyNotShellRewrite: true}, true,
			want{status: "exchange", build: "15.2.1118.7", exact: true, families: map[string]string{"ProxyNotShell": "vulnerable-mitigated", "OWASSRF": "vulnerable", "ProxyShell": "fixed"}, mit: "proxynotshell-url-rewrite"}},
		{"passive: the mitigations are invisible without --active",
			exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.2", ProxyLogonRewrite: true}, false,
			want{status: "exchange", build: "15.1.2176.2", exact: true, families: map[string]string{"ProxyLogon": "vulnerable"}}},
		{"Exchange 2010 from its four-part resource path and header",
			exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "14.3.513.0"}, false,
			want{status: "exchange", build: "14.3.513.0", exact: true}},
		{"Exchange Online",
			exchangesim.Profile{Kind: exchangesim.KindOnline, Build: "15.20.4200.11"}, false,
			want{status: "exchange-online", reason: "Exchange Online"}},
		{"plain IIS", exchangesim.Profile{Kind: exchangesim.KindIIS}, false,
			want{status: "not-exchange", reason: "no Exchange marker"}},
		{"WAF block page", exchangesim.Profile{Kind: exchangesim.KindWAF}, false,
			want{status: "not-exchange", reason: "no Exchange marker"}},
		{"look-alike logon page", exchangesim.Profile{Kind: exchangesim.KindLookalike}, true,
			want{status: "not-exchange", reason: "look-alike"}},
		{"silent", exchangesim.Profile{Hostile: exchangesim.HostileSilent}, false, want{status: "failed", reason: "timeout-tls"}},
		{"one byte a second", exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.9", Hostile: exchangesim.HostileSlow}, false, want{status: "failed", reason: "timeout-headers"}},
		{"TLS garbage", exchangesim.Profile{Hostile: exchangesim.HostileTLSJunk}, false, want{status: "failed", reason: "tls-error"}},
		{"malformed status line", exchangesim.Profile{Hostile: exchangesim.HostileBadStatus}, false, want{status: "failed", reason: "malformed"}},
		{"1 MB header", exchangesim.Profile{Hostile: exchangesim.HostileHugeHead}, false, want{status: "failed", reason: "too-large"}},
		{"reset mid-response", exchangesim.Profile{Hostile: exchangesim.HostileReset}, false, want{status: "failed", reason: "reset"}},
		{"endless body", exchangesim.Profile{Hostile: exchangesim.HostileEndless}, false, want{status: "not-exchange", reason: "one Exchange marker"}},
		{"gzip bomb", exchangesim.Profile{Hostile: exchangesim.HostileGzipBomb}, false, want{status: "not-exchange", reason: "one Exchange marker"}},
		{"redirect loop", exchangesim.Profile{Hostile: exchangesim.HostileRedirect}, false, want{status: "not-exchange", reason: "one Exchange marker"}},
	}
	profiles := make([]exchangesim.Profile, len(tests))
	for i, tt := range tests {
		profiles[i] = tt.profile
		if profiles[i].Kind == "" {
			profiles[i].Kind = exchangesim.KindExchange
			profiles[i].Build = "15.1.2176.9"
		}
	}
	fleet := startFleet(t, "127.20.0.1", profiles, true)
	hosts := fleet.Hosts()
	passive, active := newScanner(t, false), newScanner(t, true)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := passive
			if tt.active {
				s = active
			}
			h := s.Host(context.Background(), targetOf(hosts[i]))
			if h.Status != tt.want.status {
				t.Fatalf("status %q (%s), want %q; requests %+v", h.Status, h.Reason, tt.want.status, h.Requests)
			}
			if tt.want.reason != "" && !strings.Contains(h.Reason, tt.want.reason) {
				t.Errorf("reason %q, want it to hold %q", h.Reason, tt.want.reason)
			}
			if h.Build != tt.want.build || h.BuildExact != tt.want.exact {
				t.Errorf("build %q exact %v (%s), want %q exact %v; seen %+v", h.Build, h.BuildExact, h.BuildFrom, tt.want.build, tt.want.exact, h.BuildsSeen)
			}
			for fam, st := range tt.want.families {
				if got := family(h, fam); got != st {
					t.Errorf("%s: %s, want %s (checks %+v)", fam, got, st, h.Checks)
				}
			}
			if got := mitigations(h); got != tt.want.mit {
				t.Errorf("mitigations %q, want %q", got, tt.want.mit)
			}
			if len(h.Families) == 0 {
				t.Error("no family statuses: every host gets one per family, unknown(reason) at least")
			}
			if h.Status == "exchange" && len(h.Markers) < 2 {
				t.Errorf("Exchange on %d markers", len(h.Markers))
			}
		})
	}
}

// TestNeverSendsAnythingElse scans a mixed fleet with every check on and looks at every request
// the emulator received: only the listed ones, GET, no body, no credentials.
func TestNeverSendsAnythingElse(t *testing.T) {
	cat := defaultCatalog(t)
	hosts, err := exchangesim.GenerateFleet(200, netip.MustParseAddr("127.21.0.1"), 0, 7, 0.2, cat)
	if err != nil {
		t.Fatal(err)
	}
	fleet, err := exchangesim.Start(hosts, exchangesim.Options{Record: true, Catalog: cat})
	if err != nil {
		t.Skipf("cannot serve the fleet here: %v", err)
	}
	defer fleet.Close()
	s, err := scan.New(scan.Options{Limits: quickLimits(), HostTimeout: 4 * time.Second, Concurrency: 200, Active: true, Catalog: cat, UserAgent: "exsweep-test"})
	if err != nil {
		t.Fatal(err)
	}
	var list []target.Target
	for _, h := range fleet.Hosts() {
		list = append(list, targetOf(h))
	}
	var results []finding.ScanHost
	err = s.Run(context.Background(), func(yield func(target.Target, error) bool) {
		for _, t := range list {
			if !yield(t, nil) {
				return
			}
		}
	}, func(h finding.ScanHost) { results = append(results, h) }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(list) {
		t.Fatalf("%d results for %d targets", len(results), len(list))
	}
	allowed := map[string]string{}
	for _, r := range scan.Requests() {
		allowed[r.Target+"\x00"+r.Cookie] = r.Name
	}
	reqs := fleet.Requests()
	if len(reqs) < 400 {
		t.Fatalf("only %d requests reached the fleet: the test would prove nothing", len(reqs))
	}
	seen := map[string]bool{}
	for _, r := range reqs {
		key := r.Target + "\x00" + r.Header.Get("Cookie")
		name, ok := allowed[key]
		if !ok {
			t.Errorf("unlisted request %s %q cookie %q to %v", r.Method, r.Target, r.Header.Get("Cookie"), r.Host)
			continue
		}
		seen[name] = true
		if r.Method != "GET" || r.BodyLen != 0 || r.Header.Get("Content-Length") != "" || r.Header.Get("Transfer-Encoding") != "" {
			t.Errorf("%s: method %s, body %d bytes", name, r.Method, r.BodyLen)
		}
		if r.Header.Get("Authorization") != "" || r.Header.Get("User-Agent") != "exsweep-test" {
			t.Errorf("%s: headers %v", name, r.Header)
		}
		for k := range r.Header {
			switch k {
			case "Host", "User-Agent", "Accept", "Cookie":
			default:
				t.Errorf("%s: unexpected header %s", name, k)
			}
		}
	}
	// Every listed request was exercised, so the list is not wider than what the test saw.
	for _, r := range scan.Requests() {
		if !seen[r.Name] {
			t.Errorf("request %s was never sent to this fleet: the fleet lacks a case for it", r.Name)
		}
	}
}

// TestHostileFleetBounded: every hostile mode at once, and each host costs at most its deadline.
func TestHostileFleetBounded(t *testing.T) {
	var profiles []exchangesim.Profile
	for range 3 {
		for _, m := range exchangesim.HostileModes() {
			profiles = append(profiles, exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.9", Hostile: m})
		}
	}
	fleet := startFleet(t, "127.22.0.1", profiles, true)
	const hostTimeout = 2 * time.Second
	s, err := scan.New(scan.Options{Limits: quickLimits(), HostTimeout: hostTimeout, Concurrency: len(profiles), Active: true, Catalog: defaultCatalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	n := 0
	err = s.Run(context.Background(), func(yield func(target.Target, error) bool) {
		for _, h := range fleet.Hosts() {
			if !yield(targetOf(h), nil) {
				return
			}
		}
	}, func(h finding.ScanHost) {
		n++
		if h.Duration > (hostTimeout + 500*time.Millisecond).Seconds() {
			t.Errorf("%s: %.2f s, over the host deadline", h.Target, h.Duration)
		}
		if h.Status == finding.ScanExchange {
			t.Errorf("%s: a hostile host judged Exchange", h.Target)
		}
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(profiles) {
		t.Fatalf("%d results for %d hosts", n, len(profiles))
	}
	if took := time.Since(start); took > hostTimeout+2*time.Second {
		t.Errorf("the fleet took %v with every host at once: deadlines did not hold", took)
	}
}

func TestExcludedNamesAndClosedPorts(t *testing.T) {
	fleet := startFleet(t, "127.23.0.1", []exchangesim.Profile{{Kind: exchangesim.KindExchange, Build: "15.1.2176.9"}}, true)
	h := fleet.Hosts()[0]
	excl, err := target.ParseExclusions([]string{h.Addr.String()})
	if err != nil {
		t.Fatal(err)
	}
	resolver := mapResolver{"mail.lab.exsweep.test": {h.Addr}}
	s, err := scan.New(scan.Options{Limits: quickLimits(), Catalog: defaultCatalog(t), Exclude: excl, Resolver: resolver})
	if err != nil {
		t.Fatal(err)
	}
	got := s.Host(context.Background(), target.Target{Name: "mail.lab.exsweep.test", Port: h.Port, Scheme: "https"})
	if got.Status != finding.ScanExcluded {
		t.Errorf("a name resolving to an excluded address: %q", got.Status)
	}
	if n := fleet.Connections(h.Addr); n != 0 {
		t.Errorf("the excluded address got %d connections", n)
	}
	// A name that does not resolve.
	got = s.Host(context.Background(), target.Target{Name: "nowhere.lab.exsweep.test", Port: 443, Scheme: "https"})
	if got.Status != finding.ScanUnreachable || got.Reason != "dns-not-found" {
		t.Errorf("unresolvable name: %q %q", got.Status, got.Reason)
	}
	// A closed port: refused.
	got = s.Host(context.Background(), target.Target{Addr: netip.MustParseAddr("127.23.0.99"), Port: 9, Scheme: "https"})
	if got.Status != finding.ScanUnreachable || got.Reason != "refused" {
		t.Errorf("closed port: %q %q", got.Status, got.Reason)
	}
}

func TestNameGoesIntoSNIAndHost(t *testing.T) {
	fleet := startFleet(t, "127.24.0.1", []exchangesim.Profile{{Kind: exchangesim.KindExchange, Build: "15.1.2176.9"}}, true)
	h := fleet.Hosts()[0]
	s, err := scan.New(scan.Options{Limits: quickLimits(), Catalog: defaultCatalog(t), Resolver: mapResolver{"mail.lab.exsweep.test": {h.Addr}}})
	if err != nil {
		t.Fatal(err)
	}
	got := s.Host(context.Background(), target.Target{Name: "mail.lab.exsweep.test", Port: h.Port, Scheme: "https"})
	if got.Status != finding.ScanExchange || got.IP != h.Addr.String() {
		t.Fatalf("status %q ip %q", got.Status, got.IP)
	}
	for _, r := range fleet.Requests() {
		if want := "mail.lab.exsweep.test:" + strconv.Itoa(int(h.Port)); r.HostHeader != want {
			t.Errorf("Host %q, want %q", r.HostHeader, want)
		}
	}
	if len(got.CertNames) == 0 {
		t.Error("the certificate's names were not recorded")
	}
}

type mapResolver map[string][]netip.Addr

func (m mapResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if a, ok := m[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// TestTransientDialFailuresRetried: running out of sockets is the scanner's own trouble, not the
// host's; it is retried with backoff. A refused connection is an answer and is not retried.
func TestTransientDialFailuresRetried(t *testing.T) {
	fleet := startFleet(t, "127.27.0.1", []exchangesim.Profile{{Kind: exchangesim.KindExchange, Build: "15.1.2176.9"}}, true)
	h := fleet.Hosts()[0]
	attempts := 0
	var d net.Dialer
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		attempts++
		if attempts <= 2 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("socket", syscall.EMFILE)}
		}
		return d.DialContext(ctx, network, addr)
	}
	s, err := scan.New(scan.Options{Limits: quickLimits(), Catalog: defaultCatalog(t), DialContext: dial, Retries: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := s.Host(context.Background(), targetOf(h))
	// Three attempts for the first connection, one for the second 401 sample's own connection.
	if got.Status != finding.ScanExchange || attempts != 4 {
		t.Errorf("status %q after %d dial attempts, want exchange after 4", got.Status, attempts)
	}

	attempts = 0
	refused := func(ctx context.Context, network, addr string) (net.Conn, error) {
		attempts++
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	}
	s, err = scan.New(scan.Options{Limits: quickLimits(), Catalog: defaultCatalog(t), DialContext: refused, Retries: 2})
	if err != nil {
		t.Fatal(err)
	}
	got = s.Host(context.Background(), targetOf(h))
	if got.Status != finding.ScanUnreachable || got.Reason != "refused" || attempts != 1 {
		t.Errorf("refused: status %q %q after %d attempts, want unreachable/refused after 1", got.Status, got.Reason, attempts)
	}
}

func FuzzFinished(f *testing.F) {
	f.Add([]byte("{\"schema\":1,\"target\":\"https://10.0.0.1:443\",\"status\":\"exchange\"}\n{\"schema\":1,\"target\":\"https://10.0.0.2:443\",\"sta"))
	f.Add([]byte("\n\n{\"schema\":1,\"target\":\"x\",\"status\":\"failed\"}\r\n"))
	f.Add([]byte("{\"schema\":2,\"target\":\"x\",\"status\":\"failed\"}\n"))
	f.Add([]byte("not json\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		done, good, err := scan.Finished(bytes.NewReader(data), "scan.jsonl", nil)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "scan.jsonl") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if good < 0 || good > int64(len(data)) || (good > 0 && data[good-1] != '\n') {
			t.Fatalf("good length %d of %d bytes does not end a line", good, len(data))
		}
		if len(done) > bytes.Count(data, []byte("\n")) {
			t.Fatalf("%d targets from %d lines", len(done), bytes.Count(data, []byte("\n")))
		}
	})
}
