package target_test

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/exsweep/exsweep/internal/scan/target"
)

func TestExclusionsContains(t *testing.T) {
	ex, err := target.ParseExclusions([]string{
		"",
		"# partners",
		"  192.0.2.7  ",
		"198.51.100.0/24 # lab",
		"198.51.100.128/25", // inside the /24
		"203.0.113.0/26",
		"203.0.113.32/27", // nested in the /26 above
		"203.0.113.64/27", // adjacent to it
		"10.1.1.1-5",
		"10.1.1.4-8", // overlapping the range above
		"2001:db8::/120",
		"2001:db8:1::1",
		"::ffff:100.64.0.0/112", // IPv4-mapped prefix: excludes 100.64.0.0/16
		"::ffff:100.65.0.1",     // IPv4-mapped address
	})
	if err != nil {
		t.Fatal(err)
	}
	if ex.Len() != 12 {
		t.Errorf("Len = %d, want 12", ex.Len())
	}
	tests := []struct {
		addr string
		want bool
	}{
		{"192.0.2.7", true},
		{"192.0.2.6", false},
		{"192.0.2.8", false},
		{"198.51.99.255", false},
		{"198.51.100.0", true},
		{"198.51.100.255", true},
		{"198.51.101.0", false},
		{"203.0.113.0", true},
		{"203.0.113.95", true},
		{"203.0.113.96", false},
		{"10.1.1.0", false},
		{"10.1.1.1", true},
		{"10.1.1.5", true},
		{"10.1.1.6", true},
		{"10.1.1.8", true},
		{"10.1.1.9", false},
		{"2001:db8::", true},
		{"2001:db8::ff", true},
		{"2001:db8::100", false},
		{"2001:db8:1::1", true},
		{"2001:db8:1::2", false},
		{"100.64.0.0", true},
		{"100.64.255.255", true},
		{"100.65.0.0", false},
		{"100.65.0.1", true},
		{"::ffff:192.0.2.7", true}, // looked up as IPv4
		{"::ffff:192.0.2.8", false},
		{"fe80::1%eth0", false},
		{"8.8.8.8", false},
		// Never scanned, whatever the list says.
		{"0.0.0.0", true},
		{"0.1.2.3", true},
		{"0.255.255.255", true},
		{"1.0.0.0", false},
		{"223.255.255.255", false},
		{"224.0.0.0", true},
		{"239.255.255.250", true},
		{"240.0.0.1", true},
		{"255.255.255.255", true},
		{"::ffff:255.255.255.255", true},
		{"::", true},
		{"::1", false},
		{"ff02::1", true},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true},
		{"feff::1", false},
	}
	var nilEx *target.Exclusions
	for _, tc := range tests {
		a := netip.MustParseAddr(tc.addr)
		if got := ex.Contains(a); got != tc.want {
			t.Errorf("Contains(%s) = %v, want %v", tc.addr, got, tc.want)
		}
		// The nil list excludes exactly the never-scanned ranges.
		a4 := a.Unmap()
		never := a4.IsUnspecified() || a4.IsMulticast() || (a4.Is4() && (a4.As4()[0] == 0 || a4.As4()[0] >= 240))
		if got := nilEx.Contains(a); got != never {
			t.Errorf("nil Contains(%s) = %v, want %v", tc.addr, got, never)
		}
	}
	if !nilEx.Contains(netip.Addr{}) || !ex.Contains(netip.Addr{}) {
		t.Error("the invalid Addr is not excluded")
	}
	if nilEx.Len() != 0 {
		t.Error("nil Len != 0")
	}
}

func TestExclusionsMappedWideV6(t *testing.T) {
	// A prefix reaching over the IPv4-mapped block excludes all of IPv4.
	ex, err := target.ParseExclusions([]string{"::ffff:0:0/95"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"1.2.3.4", "203.0.113.1", "::fffe:0:1", "::ffff:1.2.3.4"} {
		if !ex.Contains(netip.MustParseAddr(s)) {
			t.Errorf("%s not excluded", s)
		}
	}
	if ex.Contains(netip.MustParseAddr("::1:0:0:0")) {
		t.Error("::1:0:0:0 excluded")
	}
}

func TestParseExclusionsErrors(t *testing.T) {
	tests := []struct {
		item, want string
	}{
		{"10.0.0.0/33", `exclusion "10.0.0.0/33": prefix length 33 out of range for IPv4`},
		{"mail.example.org", `exclusion "mail.example.org": not an IP address, CIDR prefix or IPv4 range`},
		{"10.0.0.1:443", `exclusion "10.0.0.1:443": not an IP address, CIDR prefix or IPv4 range`},
		{"10.0.0.0/24:443", `exclusion "10.0.0.0/24:443": an exclusion takes no port`},
		{"10.0.0.9-1", `exclusion "10.0.0.9-1": range end 10.0.0.1 is before start 10.0.0.9`},
		{"fe80::1%eth0", `exclusion "fe80::1%eth0": IPv6 zone "eth0" not allowed`},
		{"10.0.0.0/x # comment", `exclusion "10.0.0.0/x": invalid prefix length "x"`},
		{"-1", `exclusion "-1": not an IP address, CIDR prefix or IPv4 range`},
		{"mail-1.example.org", `exclusion "mail-1.example.org": not an IP address, CIDR prefix or IPv4 range`},
		{"10.0.0.1-+5", `exclusion "10.0.0.1-+5": range end "+5" out of range 0-255`},
		{"2001:db8::1-5", `exclusion "2001:db8::1-5": address ranges are IPv4 only (use a CIDR prefix for IPv6)`},
	}
	for _, tc := range tests {
		ex, err := target.ParseExclusions([]string{"192.0.2.1", tc.item})
		if err == nil {
			t.Errorf("%q accepted: %v", tc.item, ex)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("error\n got %s\nwant %s", err, tc.want)
		}
	}
	// IPv6 exclusions have no size limit: excluding a /32 is normal.
	if _, err := target.ParseExclusions([]string{"2001:db8::/32", "::/0"}); err != nil {
		t.Error(err)
	}
}

// randomPrefixes returns n random prefixes, many overlapping, and a reference lookup.
func randomPrefixes(r *rand.Rand, n int) ([]string, func(netip.Addr) bool) {
	var items []string
	var prefixes []netip.Prefix
	for range n {
		var p netip.Prefix
		if r.IntN(4) == 0 {
			var b [16]byte
			b[0], b[1], b[2], b[3] = 0x20, 0x01, 0x0d, 0xb8
			b[4], b[15] = byte(r.IntN(4)), byte(r.IntN(256))
			p = netip.PrefixFrom(netip.AddrFrom16(b), 100+r.IntN(29)).Masked()
		} else {
			// Dense in 10.0.0.0/12 so that prefixes overlap and touch.
			v := 10<<24 | r.Uint32N(1<<20)
			p = netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), 24+r.IntN(9)).Masked()
		}
		prefixes = append(prefixes, p)
		items = append(items, p.String())
	}
	// The reference: a bitmap of the IPv4 block, a linear scan of the (few) IPv6 prefixes.
	in4 := make([]bool, 1<<20)
	var v6 []netip.Prefix
	for _, p := range prefixes {
		if p.Addr().Is6() {
			v6 = append(v6, p)
			continue
		}
		for a := p.Addr(); p.Contains(a); a = a.Next() {
			in4[u32(a)-10<<24] = true
		}
	}
	return items, func(a netip.Addr) bool {
		if a.Is4() {
			return in4[u32(a)-10<<24]
		}
		for _, p := range v6 {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
}

func u32(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func randomAddr(r *rand.Rand) netip.Addr {
	if r.IntN(4) == 0 {
		var b [16]byte
		b[0], b[1], b[2], b[3] = 0x20, 0x01, 0x0d, 0xb8
		b[4], b[14], b[15] = byte(r.IntN(4)), byte(r.IntN(2)), byte(r.IntN(256))
		return netip.AddrFrom16(b)
	}
	v := 10<<24 | r.Uint32N(1<<20)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// Thousands of overlapping prefixes against a linear reference.
func TestExclusionsThousandsOfPrefixes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	items, ref := randomPrefixes(r, 5000)
	ex, err := target.ParseExclusions(items)
	if err != nil {
		t.Fatal(err)
	}
	if ex.Len() != 5000 {
		t.Errorf("Len = %d", ex.Len())
	}
	in := 0
	for range 20000 {
		a := randomAddr(r)
		want := ref(a)
		if got := ex.Contains(a); got != want {
			t.Fatalf("Contains(%s) = %v, want %v", a, got, want)
		}
		if want {
			in++
		}
	}
	if in == 0 || in == 20000 {
		t.Errorf("degenerate test: %d of 20000 excluded", in)
	}

	// Expanding a range against the same list agrees with the reference address by address.
	s, err := target.Parse("10.0.0.0/16", target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	next := netip.MustParseAddr("10.0.0.0")
	for tg := range s.All(target.Options{Exclude: ex}) {
		for ; next != tg.Addr; next = next.Next() {
			if !ref(next) {
				t.Fatalf("%s skipped but not excluded", next)
			}
		}
		if ref(tg.Addr) {
			t.Fatalf("%s yielded but excluded", tg.Addr)
		}
		next = next.Next()
	}
}

func BenchmarkExclusionsContains(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	items, _ := randomPrefixes(r, 10000)
	ex, err := target.ParseExclusions(items)
	if err != nil {
		b.Fatal(err)
	}
	addrs := make([]netip.Addr, 1024)
	for i := range addrs {
		addrs[i] = randomAddr(r)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ex.Contains(addrs[i%len(addrs)])
	}
}
