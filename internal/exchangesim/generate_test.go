package exchangesim

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/exsweep/exsweep/internal/catalog"
)

func TestGenerateFleetDeterministic(t *testing.T) {
	base := netip.MustParseAddr("127.16.0.1")
	a, err := GenerateFleet(300, base, 8443, 42, 0.1, cat(t))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := GenerateFleet(300, base, 8443, 42, 0.1, cat(t))
	if !reflect.DeepEqual(a, b) {
		t.Error("two fleets from one seed differ")
	}
	c, _ := GenerateFleet(300, base, 8443, 43, 0.1, cat(t))
	if reflect.DeepEqual(a, c) {
		t.Error("two seeds give the same fleet")
	}
}

func TestGenerateFleetMix(t *testing.T) {
	c := cat(t)
	const n = 400
	hosts, err := GenerateFleet(n, netip.MustParseAddr("127.16.0.250"), 8443, 1, 0.1, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(hosts) != n {
		t.Fatalf("%d hosts", len(hosts))
	}
	kinds := map[Kind]int{}
	modes := map[Hostile]int{}
	products := map[string]int{}
	var reported, balanced, ecp, plRewrite, pools, pnsRewrite, plVulnerable, plFixed int
	seen := map[netip.Addr]bool{}
	prev := netip.Addr{}
	for i := range hosts {
		h := &hosts[i]
		if b := h.Addr.As4(); b[3] == 0 || b[3] == 255 || seen[h.Addr] || h.Port != 8443 || !h.TLS {
			t.Errorf("host %d: %s:%d tls %v", i, h.Addr, h.Port, h.TLS)
		}
		if prev.IsValid() && !prev.Less(h.Addr) {
			t.Errorf("addresses out of order at %d", i)
		}
		seen[h.Addr], prev = true, h.Addr
		if err := validate(h); err != nil {
			t.Errorf("host %d: %v", i, err)
		}
		p := h.Profile
		if p.Hostile != HostileNone {
			modes[p.Hostile]++
			continue
		}
		kinds[p.Kind]++
		if p.Kind != KindExchange {
			continue
		}
		v, err := catalog.ParseBuild(p.Build)
		if err != nil {
			t.Fatal(err)
		}
		products[catalog.ProductOf(v)]++
		if p.Reported != "" {
			reported++
			if r, _ := catalog.ParseBuild(p.Reported); c.Entry(r) == nil || c.Entry(r).SameAs != p.Build {
				t.Errorf("host %d: reported %s is not a same_as number of %s", i, p.Reported, p.Build)
			}
		}
		if len(p.Backends) > 0 {
			balanced++
			if len(p.Backends) != 2 {
				t.Errorf("host %d: backends %v", i, p.Backends)
			}
			for _, b := range p.Backends {
				bv, _ := catalog.ParseBuild(b)
				if !bv.SameCU(v) || bv.Less(v) {
					t.Errorf("host %d: build %s, backends %v: want the same CU, Build the lowest", i, p.Build, p.Backends)
				}
			}
		}
		for _, flag := range []struct {
			on bool
			n  *int
		}{{p.ECPBlocked, &ecp}, {p.ProxyLogonRewrite, &plRewrite}, {p.PoolsStopped, &pools}, {p.ProxyNotShellRewrite, &pnsRewrite}} {
			if flag.on {
				*flag.n++
			}
		}
		res, err := c.Lookup(v)
		if err != nil {
			t.Fatalf("host %d: %v", i, err)
		}
		for _, f := range res.Families {
			if f.Family == "ProxyLogon" && f.Status == catalog.Vulnerable {
				plVulnerable++
			}
			if f.Family == "ProxyLogon" && f.Status == catalog.Fixed {
				plFixed++
			}
		}
	}
	for _, k := range []Kind{KindExchange, KindOnline, KindIIS, KindWAF, KindLookalike} {
		if kinds[k] == 0 {
			t.Errorf("no %s host", k)
		}
	}
	if kinds[KindExchange] < n*6/10 {
		t.Errorf("%d Exchange hosts of %d: want most", kinds[KindExchange], n)
	}
	for _, m := range HostileModes() {
		if modes[m] == 0 {
			t.Errorf("no %s host", m)
		}
	}
	if total := sum(modes); total != n/10 {
		t.Errorf("%d hostile hosts, want %d", total, n/10)
	}
	for _, p := range []string{catalog.Product2010, catalog.Product2013, catalog.Product2016, catalog.Product2019, catalog.ProductSE} {
		if products[p] == 0 {
			t.Errorf("no Exchange %s host", p)
		}
	}
	for name, v := range map[string]int{"reported": reported, "load-balanced": balanced, "ecp blocked": ecp, "proxylogon rewrite": plRewrite,
		"pools stopped": pools, "proxynotshell rewrite": pnsRewrite, "proxylogon vulnerable": plVulnerable, "proxylogon fixed": plFixed} {
		if v == 0 {
			t.Errorf("no %s host", name)
		}
	}
	t.Logf("kinds %v, hostile %v, products %v, PL vulnerable %d fixed %d", kinds, modes, products, plVulnerable, plFixed)
}

func sum[K comparable](m map[K]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// A small fleet still shows every kind; with a hostile fraction there is at least one.
func TestGenerateFleetSmall(t *testing.T) {
	hosts, err := GenerateFleet(16, netip.MustParseAddr("127.16.0.1"), 8443, 1, 0.01, cat(t))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[Kind]bool{}
	hostile := 0
	for _, h := range hosts {
		if h.Profile.Hostile != HostileNone {
			hostile++
			continue
		}
		kinds[h.Profile.Kind] = true
	}
	if hostile != 1 || len(kinds) != 5 {
		t.Errorf("%d hostile, kinds %v", hostile, kinds)
	}
	none, _ := GenerateFleet(16, netip.MustParseAddr("127.16.0.1"), 8443, 1, 0, cat(t))
	for _, h := range none {
		if h.Profile.Hostile != HostileNone {
			t.Error("a hostile host with fraction 0")
		}
	}
}

func TestGenerateFleetErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		n    int
		base string
		frac float64
	}{
		"not loopback":    {4, "10.0.0.1", 0},
		"ipv6 many":       {2, "::1", 0},
		"past 127/8":      {600, "127.255.255.1", 0},
		"fraction over 1": {4, "127.0.0.1", 1.5},
		"negative":        {-1, "127.0.0.1", 0},
	} {
		if _, err := GenerateFleet(tc.n, netip.MustParseAddr(tc.base), 0, 1, tc.frac, cat(t)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if hs, err := GenerateFleet(1, netip.IPv6Loopback(), 0, 1, 0, cat(t)); err != nil || len(hs) != 1 {
		t.Errorf("::1 alone: %v", err)
	}
}
