package exchangesim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"

	"github.com/exsweep/exsweep/internal/catalog"
)

// GenerateFleet returns n hosts at base, base+1, ... (skipping .0 and .255 in the last octet),
// all on port, all with TLS, in a mix fixed by seed: mostly on-premises Exchange (2013, 2016,
// 2019, SE and a few 2010) at builds from cat, vulnerable and fixed, some reporting a lagging
// number, some load-balanced over two builds of one CU, some with /ecp/ blocked, some with each
// of the three mitigations; plus Exchange Online, plain IIS, WAF and look-alike hosts; and
// round(n*hostileFrac) hostile hosts (at least one when hostileFrac > 0), the modes handed out
// round-robin. cat nil = catalog.Default().
//
// The first non-hostile hosts (in a shuffled order, not address order) walk through every
// feature once, so a fleet of 16 or more non-hostile hosts holds every kind and every mitigation,
// and a fleet with at least len(HostileModes()) hostile hosts holds every mode. Load-balanced
// hosts have Build = the lower of their two Backends: the scanner should report the lowest.
func GenerateFleet(n int, base netip.Addr, port uint16, seed int64, hostileFrac float64, cat *catalog.Catalog) ([]Host, error) {
	if n < 0 {
		return nil, fmt.Errorf("exchangesim: %d hosts", n)
	}
	if !(hostileFrac >= 0 && hostileFrac <= 1) {
		return nil, fmt.Errorf("exchangesim: hostile fraction %v: want 0 to 1", hostileFrac)
	}
	addrs, err := fleetAddrs(base, n)
	if err != nil {
		return nil, err
	}
	if cat == nil {
		if cat, err = catalog.Default(); err != nil {
			return nil, fmt.Errorf("exchangesim: %w", err)
		}
	}
	g := &generator{rng: rand.New(rand.NewPCG(uint64(seed), 0x65787377656570)), cat: cat}
	g.index()
	nHostile := int(math.Round(float64(n) * hostileFrac))
	if hostileFrac > 0 && nHostile == 0 && n > 0 {
		nHostile = 1
	}
	hosts := make([]Host, n)
	order := g.rng.Perm(n)
	modes := HostileModes()
	for i, at := range order {
		h := Host{Addr: addrs[at], Port: port, TLS: true}
		switch {
		case i < nHostile:
			h.Profile = g.exchange(g.product())
			h.Profile.Hostile = modes[i%len(modes)]
		default:
			h.Profile = g.profile(i - nHostile)
		}
		hosts[at] = h
	}
	return hosts, nil
}

// fleetAddrs returns n consecutive usable addresses from base: 127.0.0.0/8 only (or ::1 alone).
func fleetAddrs(base netip.Addr, n int) ([]netip.Addr, error) {
	base = base.Unmap()
	if base == netip.IPv6Loopback() {
		if n > 1 {
			return nil, errors.New("exchangesim: ::1 is a single address: use a base in 127.0.0.0/8 for more than one host")
		}
		return []netip.Addr{base}[:n], nil
	}
	if !base.Is4() || !base.IsLoopback() {
		return nil, fmt.Errorf("exchangesim: base address %s: want an address of 127.0.0.0/8", base)
	}
	out := make([]netip.Addr, 0, n)
	for a := base; len(out) < n; a = a.Next() {
		if !a.IsValid() || !a.IsLoopback() {
			return nil, fmt.Errorf("exchangesim: %d hosts from %s run past 127.255.255.254", n, base)
		}
		if b := a.As4(); b[3] == 0 || b[3] == 255 {
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

type generator struct {
	rng *rand.Rand
	cat *catalog.Catalog
	// Candidate builds per product, with their verdicts, and the builds some other catalog
	// entry reports as (same_as).
	builds   map[string][]candidate
	reported map[string]string // product build -> the lagging number it reports
}

type candidate struct {
	e          *catalog.Entry
	vulnerable map[string]bool // family -> vulnerable
}

type weighted struct {
	product string
	weight  int
}

// productMix is the products in the mix and their weights (percent).
func productMix() []weighted {
	return []weighted{{catalog.Product2016, 36}, {catalog.Product2019, 30}, {catalog.Product2013, 14}, {catalog.ProductSE, 12}, {catalog.Product2010, 8}}
}

func (g *generator) index() {
	g.builds = map[string][]candidate{}
	g.reported = map[string]string{}
	for _, pm := range productMix() {
		for _, e := range g.cat.Entries(pm.product) {
			if e.SameAs != "" {
				g.reported[e.SameAs] = e.Build
				continue
			}
			c := candidate{e: e, vulnerable: map[string]bool{}}
			if res, err := g.cat.Lookup(e.Version()); err == nil {
				for _, f := range res.Families {
					c.vulnerable[f.Family] = f.Status == catalog.Vulnerable
				}
			}
			g.builds[pm.product] = append(g.builds[pm.product], c)
		}
	}
}

func (g *generator) product() string {
	r := g.rng.IntN(100)
	for _, pm := range productMix() {
		if r < pm.weight {
			return pm.product
		}
		r -= pm.weight
	}
	return catalog.Product2016
}

// pick chooses a build of product: with want set, one for which want says yes when there is one.
// Two in five come from the product's five newest builds, so fixed servers are common too.
func (g *generator) pick(product string, want func(candidate) bool) *catalog.Entry {
	cs := g.builds[product]
	if want != nil {
		var ok []candidate
		for _, c := range cs {
			if want(c) {
				ok = append(ok, c)
			}
		}
		if len(ok) > 0 {
			cs = ok
		}
	}
	if len(cs) == 0 {
		return nil
	}
	if want == nil && len(cs) > 5 && g.rng.IntN(5) < 2 {
		cs = cs[len(cs)-5:]
	}
	return cs[g.rng.IntN(len(cs))].e
}

// serverName picks a NetBIOS name from a small pool, as real fleets reuse the same few names; it
// also keeps the shared certificate's name list short.
func (g *generator) serverName() string {
	names := [...]string{"EX01", "EX02", "EXCH01", "EXCH02", "MAIL01", "MAIL02", "MBX01", "MBX02",
		"EXCAS01", "EX2016-01", "EX2019-01", "EXSRV", "SRV-EX01", "MSG01", "OWA01", "HQ-EX01"}
	return names[g.rng.IntN(len(names))]
}

// exchange is an on-premises server of product at a build from the catalog.
func (g *generator) exchange(product string, want ...func(candidate) bool) Profile {
	var w func(candidate) bool
	if len(want) > 0 {
		w = want[0]
	}
	e := g.pick(product, w)
	if e == nil {
		e = g.pick(catalog.Product2016, nil)
	}
	p := Profile{Kind: KindExchange, Build: e.Build, Server: g.serverName()}
	if r, ok := g.reported[e.Build]; ok && g.rng.IntN(2) == 0 {
		p.Reported = r
	}
	return p
}

func vulnerableTo(family string) func(candidate) bool {
	return func(c candidate) bool { return c.vulnerable[family] }
}

func fixedFor(family string) func(candidate) bool {
	return func(c candidate) bool { return !c.vulnerable[family] && c.e.Update != "" }
}

// profile is the i-th non-hostile host: first a tour of every feature, then a random mix.
func (g *generator) profile(i int) Profile {
	switch i {
	case 0:
		return g.exchange(catalog.Product2016, vulnerableTo("ProxyLogon"))
	case 1:
		return g.exchange(catalog.Product2019, fixedFor("ProxyNotShell"))
	case 2:
		return g.online()
	case 3:
		return Profile{Kind: KindIIS}
	case 4:
		return Profile{Kind: KindWAF}
	case 5:
		return Profile{Kind: KindLookalike}
	case 6:
		if p, ok := g.lagging(); ok {
			return p
		}
		return g.exchange(catalog.Product2019)
	case 7:
		return g.balanced(g.exchange(catalog.Product2016))
	case 8:
		p := g.exchange(catalog.Product2019)
		p.ECPBlocked = true
		return p
	case 9:
		p := g.exchange(catalog.Product2016, vulnerableTo("ProxyLogon"))
		p.ProxyLogonRewrite = true
		return p
	case 10:
		p := g.exchange(catalog.Product2013, vulnerableTo("ProxyLogon"))
		p.PoolsStopped = true
		return p
	case 11:
		p := g.exchange(catalog.Product2019, vulnerableTo("ProxyNotShell"))
		p.ProxyNotShellRewrite = true
		return p
	case 12:
		return g.exchange(catalog.Product2013)
	case 13:
		return g.exchange(catalog.ProductSE)
	case 14:
		return g.exchange(catalog.Product2010)
	case 15:
		return g.exchange(catalog.Product2016, vulnerableTo("ProxyShell"))
	}
	r := g.rng.IntN(100)
	switch {
	case r < 5:
		return g.online()
	case r < 10:
		return Profile{Kind: KindIIS}
	case r < 14:
		return Profile{Kind: KindWAF}
	case r < 18:
		return Profile{Kind: KindLookalike}
	}
	p := g.exchange(g.product())
	if g.rng.IntN(100) < 8 {
		p = g.balanced(p)
	}
	if g.rng.IntN(100) < 15 {
		p.ECPBlocked = true
	}
	if g.rng.IntN(100) < 5 {
		p.ProxyLogonRewrite = true
	}
	if g.rng.IntN(100) < 3 {
		p.PoolsStopped = true
	}
	if g.rng.IntN(100) < 8 {
		p.ProxyNotShellRewrite = true
	}
	return p
}

// lagging is a server whose build the catalog knows under a second, lower number.
func (g *generator) lagging() (Profile, bool) {
	for _, pm := range productMix() {
		for _, c := range g.builds[pm.product] {
			if r, ok := g.reported[c.e.Build]; ok {
				return Profile{Kind: KindExchange, Build: c.e.Build, Reported: r, Server: g.serverName()}, true
			}
		}
	}
	return Profile{}, false
}

// balanced puts p behind a load balancer with a second back end on the same CU at another
// build when the catalog has one; Build becomes the lower of the two.
func (g *generator) balanced(p Profile) Profile {
	v, err := catalog.ParseBuild(p.Build)
	if err != nil {
		return p
	}
	var same []string
	for _, e := range g.cat.Entries(catalog.ProductOf(v)) {
		if e.SameAs == "" && e.Version().SameCU(v) && e.Build != p.Build {
			same = append(same, e.Build)
		}
	}
	other := p.Build
	if len(same) > 0 {
		other = same[g.rng.IntN(len(same))]
	}
	p.Backends = []string{p.Build, other}
	if o, err := catalog.ParseBuild(other); err == nil && o.Less(v) {
		p.Build = other
	}
	p.Reported = ""
	return p
}

func (g *generator) online() Profile {
	regions := []string{"BN6", "DM5", "AM6", "CH2", "SN4", "DB8"}
	fe := fmt.Sprintf("%sPR%02dCA%04d", regions[g.rng.IntN(len(regions))], g.rng.IntN(20), g.rng.IntN(10000))
	builds := [...]string{"15.20.7452.28", "15.20.7918.24", "15.20.8207.19", "15.20.8534.20", "15.20.8769.22"}
	return Profile{Kind: KindOnline, Build: builds[g.rng.IntN(len(builds))], Server: fe}
}
