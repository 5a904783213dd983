package target_test

import (
	"math"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/scan/target"
)

// keys expands a source without exclusion list and returns its targets' keys.
func keys(t *testing.T, s target.Source) []string {
	t.Helper()
	var out []string
	for tg := range s.All(target.Options{}) {
		out = append(out, tg.Key())
	}
	return out
}

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		token string
		opt   target.Options
		want  []string // keys, in order
	}{
		// Host names.
		{"mail.example.org", target.Options{}, []string{"https://mail.example.org:443"}},
		{"  Mail.Example.ORG.  ", target.Options{}, []string{"https://mail.example.org:443"}},
		{"localhost", target.Options{}, []string{"https://localhost:443"}},
		{"mail-1.example.org", target.Options{}, []string{"https://mail-1.example.org:443"}},
		{"web-1", target.Options{}, []string{"https://web-1:443"}},
		{"xn--bcher-kva.example", target.Options{}, []string{"https://xn--bcher-kva.example:443"}},
		{"1.2.3.a", target.Options{}, []string{"https://1.2.3.a:443"}},
		{strings.Repeat("a", 63) + ".org", target.Options{}, []string{"https://" + strings.Repeat("a", 63) + ".org:443"}},
		// Addresses.
		{"10.0.0.1", target.Options{}, []string{"https://10.0.0.1:443"}},
		{"2001:db8::1", target.Options{}, []string{"https://[2001:db8::1]:443"}},
		{"2001:DB8:0:0::1", target.Options{}, []string{"https://[2001:db8::1]:443"}},
		{"::ffff:10.0.0.1", target.Options{}, []string{"https://10.0.0.1:443"}},
		{"[2001:db8::1]", target.Options{}, []string{"https://[2001:db8::1]:443"}},
		// Default ports and their schemes.
		{"10.0.0.1", target.Options{Ports: []uint16{443, 80, 8080, 8443, 443}}, []string{
			"https://10.0.0.1:443", "http://10.0.0.1:80", "http://10.0.0.1:8080", "https://10.0.0.1:8443"}},
		{"mail.example.org", target.Options{Ports: []uint16{80}}, []string{"http://mail.example.org:80"}},
		// Explicit ports win over Options.Ports.
		{"10.0.0.1:8443", target.Options{Ports: []uint16{80, 443}}, []string{"https://10.0.0.1:8443"}},
		{"10.0.0.1:8080", target.Options{}, []string{"http://10.0.0.1:8080"}},
		{"[2001:db8::1]:8443", target.Options{}, []string{"https://[2001:db8::1]:8443"}},
		{"[::ffff:10.0.0.1]:443", target.Options{}, []string{"https://10.0.0.1:443"}},
		{"mail.example.org:8443", target.Options{Ports: []uint16{80}}, []string{"https://mail.example.org:8443"}},
		{"mail.example.org:00443", target.Options{}, []string{"https://mail.example.org:443"}},
		// URLs: the scheme is kept whatever the port; path, query and fragment are ignored.
		{"https://mail.example.org", target.Options{Ports: []uint16{80}}, []string{"https://mail.example.org:443"}},
		{"HTTPS://Mail.Example.org/", target.Options{}, []string{"https://mail.example.org:443"}},
		{"http://mail.example.org", target.Options{}, []string{"http://mail.example.org:80"}},
		{"http://10.0.0.1:8080/owa/", target.Options{}, []string{"http://10.0.0.1:8080"}},
		{"http://10.0.0.1:443", target.Options{}, []string{"http://10.0.0.1:443"}},
		{"https://10.0.0.1:80?x=1", target.Options{}, []string{"https://10.0.0.1:80"}},
		{"https://mail.example.org#frag", target.Options{}, []string{"https://mail.example.org:443"}},
		{"https://[2001:db8::1]:8443/owa", target.Options{}, []string{"https://[2001:db8::1]:8443"}},
		{"https://[2001:db8::1]", target.Options{}, []string{"https://[2001:db8::1]:443"}},
		{"https://10.0.0.0/24", target.Options{}, []string{"https://10.0.0.0:443"}}, // a path, not a prefix
		// CIDR prefixes.
		{"10.0.0.0/30", target.Options{}, []string{
			"https://10.0.0.0:443", "https://10.0.0.1:443", "https://10.0.0.2:443", "https://10.0.0.3:443"}},
		{"10.0.0.7/32", target.Options{}, []string{"https://10.0.0.7:443"}},
		{"10.0.0.5/30", target.Options{}, []string{ // host bits masked off
			"https://10.0.0.4:443", "https://10.0.0.5:443", "https://10.0.0.6:443", "https://10.0.0.7:443"}},
		{"10.0.0.0/31", target.Options{Ports: []uint16{443, 80}}, []string{
			"https://10.0.0.0:443", "http://10.0.0.0:80", "https://10.0.0.1:443", "http://10.0.0.1:80"}},
		{"10.0.0.0/31:8443", target.Options{Ports: []uint16{80}}, []string{
			"https://10.0.0.0:8443", "https://10.0.0.1:8443"}},
		{"2001:db8::/126", target.Options{}, []string{
			"https://[2001:db8::]:443", "https://[2001:db8::1]:443", "https://[2001:db8::2]:443", "https://[2001:db8::3]:443"}},
		{"2001:db8::/127:8443", target.Options{}, []string{"https://[2001:db8::]:8443", "https://[2001:db8::1]:8443"}},
		{"2001:db8::1/128", target.Options{}, []string{"https://[2001:db8::1]:443"}},
		{"::ffff:10.0.0.0/127", target.Options{}, []string{"https://10.0.0.0:443", "https://10.0.0.1:443"}},
		// IPv4 ranges.
		{"10.0.0.1-3", target.Options{}, []string{"https://10.0.0.1:443", "https://10.0.0.2:443", "https://10.0.0.3:443"}},
		{"10.0.0.9-9", target.Options{}, []string{"https://10.0.0.9:443"}},
		{"10.0.0.255-10.0.1.1", target.Options{}, []string{"https://10.0.0.255:443", "https://10.0.1.0:443", "https://10.0.1.1:443"}},
		{"10.0.0.1-2:8080", target.Options{}, []string{"http://10.0.0.1:8080", "http://10.0.0.2:8080"}},
	}
	for _, tc := range tests {
		t.Run(tc.token, func(t *testing.T) {
			s, err := target.Parse(tc.token, tc.opt)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := keys(t, s)
			if !slices.Equal(got, tc.want) {
				t.Errorf("keys\n got %q\nwant %q", got, tc.want)
			}
			if n := s.Count(); n != uint64(len(tc.want)) {
				t.Errorf("Count = %d, want %d", n, len(tc.want))
			}
			if s.String() != strings.TrimSpace(tc.token) {
				t.Errorf("String = %q", s.String())
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	long := strings.Repeat("a", 64)
	name254 := strings.Repeat(strings.Repeat("a", 49)+".", 5) + "abcd" // 5*50 + 4 = 254
	tests := []struct {
		token string
		opt   target.Options
		want  string
	}{
		{"", target.Options{}, `"": empty target`},
		{"   ", target.Options{}, `"": empty target`},
		// Prefixes.
		{"10.0.0.0/33", target.Options{}, `"10.0.0.0/33": prefix length 33 out of range for IPv4`},
		{"2001:db8::/129", target.Options{}, `"2001:db8::/129": prefix length 129 out of range for IPv6`},
		{"10.0.0.0/", target.Options{}, `"10.0.0.0/": invalid prefix length ""`},
		{"10.0.0.0/x", target.Options{}, `"10.0.0.0/x": invalid prefix length "x"`},
		{"10.0.0.0/-1", target.Options{}, `"10.0.0.0/-1": invalid prefix length "-1"`},
		{"10.0.0.0/0024", target.Options{}, `"10.0.0.0/0024": invalid prefix length "0024"`},
		{"10.0.0.0/24/8", target.Options{}, `"10.0.0.0/24/8": invalid prefix length "24/8"`},
		{"10.0.0.0/24:", target.Options{}, `"10.0.0.0/24:": missing port number after ':'`},
		{"10.0.0.0/24:0", target.Options{}, `"10.0.0.0/24:0": port 0 out of range 1-65535`},
		{"10.0.0/24", target.Options{}, `"10.0.0/24": not a CIDR prefix (for a URL, start it with https://)`},
		{"mail.example.org/owa", target.Options{}, `"mail.example.org/owa": not a CIDR prefix (for a URL, start it with https://)`},
		{"10.0.0.1:8443/owa", target.Options{}, `"10.0.0.1:8443/owa": not a CIDR prefix (for a URL, start it with https://)`},
		{"fe80::%eth0/64", target.Options{}, `"fe80::%eth0/64": IPv6 zone "eth0/64" not allowed`}, // netip reads it all as a zone
		{"2001:db8::/64", target.Options{}, `"2001:db8::/64": IPv6 prefix /64 too large: at most /104 (2^24 addresses) allowed`},
		{"2001:db8::/103", target.Options{}, `"2001:db8::/103": IPv6 prefix /103 too large: at most /104 (2^24 addresses) allowed`},
		{"2001:db8::/119", target.Options{MaxV6Prefix: 120}, `"2001:db8::/119": IPv6 prefix /119 too large: at most /120 (2^8 addresses) allowed`},
		{"::ffff:0:0/95", target.Options{}, `"::ffff:0:0/95": IPv6 prefix /95 too large: at most /104 (2^24 addresses) allowed`},
		// Ranges.
		{"10.0.0.20-5", target.Options{}, `"10.0.0.20-5": range end 10.0.0.5 is before start 10.0.0.20`},
		{"10.0.1.0-10.0.0.255", target.Options{}, `"10.0.1.0-10.0.0.255": range end 10.0.0.255 is before start 10.0.1.0`},
		{"10.0.0.1-256", target.Options{}, `"10.0.0.1-256": range end "256" out of range 0-255`},
		{"10.0.0.1-0255", target.Options{}, `"10.0.0.1-0255": range end "0255" out of range 0-255`},
		{"10.0.0.1-", target.Options{}, `"10.0.0.1-": missing range end`},
		{"10.0.0.1-10.0.0", target.Options{}, `"10.0.0.1-10.0.0": invalid range end "10.0.0"`},
		{"10.0.0.1-5:", target.Options{}, `"10.0.0.1-5:": missing port number after ':'`},
		{"10.0.0.1-5:99999", target.Options{}, `"10.0.0.1-5:99999": port 99999 out of range 1-65535`},
		{"2001:db8::1-2001:db8::9", target.Options{}, `"2001:db8::1-2001:db8::9": address ranges are IPv4 only (use a CIDR prefix for IPv6)`},
		{"2001:db8::1-9", target.Options{}, `"2001:db8::1-9": address ranges are IPv4 only (use a CIDR prefix for IPv6)`},
		// Ports.
		{"10.0.0.1:0", target.Options{}, `"10.0.0.1:0": port 0 out of range 1-65535`},
		{"10.0.0.1:65536", target.Options{}, `"10.0.0.1:65536": port 65536 out of range 1-65535`},
		{"10.0.0.1:99999999999999999999", target.Options{}, `"10.0.0.1:99999999999999999999": port 99999999999999999999 out of range 1-65535`},
		{"10.0.0.1:", target.Options{}, `"10.0.0.1:": missing port number after ':'`},
		{"10.0.0.1:https", target.Options{}, `"10.0.0.1:https": invalid port "https"`},
		{"10.0.0.1:+443", target.Options{}, `"10.0.0.1:+443": invalid port "+443"`},
		{"mail.example.org:-1", target.Options{}, `"mail.example.org:-1": invalid port "-1"`},
		{":443", target.Options{}, `":443": missing host`},
		{"10.0.0.1", target.Options{Ports: []uint16{443, 0}}, `"10.0.0.1": port 0 in Options.Ports`},
		// Brackets and IPv6.
		{"[2001:db8::1", target.Options{}, `"[2001:db8::1": missing ']'`},
		{"[2001:db8::1]8443", target.Options{}, `"[2001:db8::1]8443": unexpected "8443" after ']'`},
		{"[2001:db8::1]:", target.Options{}, `"[2001:db8::1]:": missing port number after ':'`},
		{"[10.0.0.1]:443", target.Options{}, `"[10.0.0.1]:443": brackets are only for IPv6 addresses`},
		{"[mail.example.org]", target.Options{}, `"[mail.example.org]": invalid IPv6 address in brackets`},
		{"[]:443", target.Options{}, `"[]:443": invalid IPv6 address in brackets`},
		{"[2001:db8::]/120", target.Options{}, `"[2001:db8::]/120": unexpected "/120" after ']'`},
		{"[fe80::1%eth0]:443", target.Options{}, `"[fe80::1%eth0]:443": IPv6 zone "eth0" not allowed`},
		{"fe80::1%eth0", target.Options{}, `"fe80::1%eth0": IPv6 zone "eth0" not allowed`},
		{"2001:db8::1::2", target.Options{}, `"2001:db8::1::2": invalid IPv6 address (for a port, write [address]:port)`},
		{"mail.example.org:443:1", target.Options{}, `"mail.example.org:443:1": invalid IPv6 address (for a port, write [address]:port)`},
		{"2001:db8::g", target.Options{}, `"2001:db8::g": invalid IPv6 address (for a port, write [address]:port)`},
		// Host names.
		{"999", target.Options{}, `"999": not an IP address or host name (a host name needs a letter)`},
		{"1.2.3", target.Options{}, `"1.2.3": not an IP address or host name (a host name needs a letter)`},
		{"10.0.0.256", target.Options{}, `"10.0.0.256": invalid IPv4 address`},
		{"010.0.0.1", target.Options{}, `"010.0.0.1": invalid IPv4 address`},
		{"10.0.0.1.", target.Options{}, `"10.0.0.1.": IP address with a trailing dot`},
		{"10.0.0.256:443", target.Options{}, `"10.0.0.256:443": invalid IPv4 address`},
		{"mail..example.org", target.Options{}, `"mail..example.org": empty label in host name`},
		{".example.org", target.Options{}, `".example.org": empty label in host name`},
		{"example.org..", target.Options{}, `"example.org..": empty label in host name`},
		{".", target.Options{}, `".": empty host name`},
		{"-mail.example.org", target.Options{}, `"-mail.example.org": label "-mail" starts or ends with a hyphen`},
		{"mail-.example.org", target.Options{}, `"mail-.example.org": label "mail-" starts or ends with a hyphen`},
		{"mail_1.example.org", target.Options{}, `"mail_1.example.org": invalid character '_' in host name`},
		{"mail example.org", target.Options{}, `"mail example.org": invalid character ' ' in host name`},
		{"mail.example.org\x00", target.Options{}, `"mail.example.org\x00": invalid character '\x00' in host name`},
		{"*.example.org", target.Options{}, `"*.example.org": invalid character '*' in host name`},
		{"mail.exämple.org", target.Options{}, `"mail.exämple.org": non-ASCII host name; give its punycode (xn--) form`},
		{"mail.ex\xffmple.org", target.Options{}, `"mail.ex\xffmple.org": non-ASCII host name; give its punycode (xn--) form`},
		{long + ".org", target.Options{}, `"` + long + `.org": label "` + long + `" longer than 63 characters`},
		{name254, target.Options{}, `"` + name254[:100] + `"...: host name longer than 253 characters`},
		// URLs.
		{"ftp://mail.example.org", target.Options{}, `"ftp://mail.example.org": unsupported scheme "ftp" (only http and https)`},
		{"://mail.example.org", target.Options{}, `"://mail.example.org": unsupported scheme "" (only http and https)`},
		{"https://", target.Options{}, `"https://": missing host in URL`},
		{"https:///owa", target.Options{}, `"https:///owa": missing host in URL`},
		{"https://:443", target.Options{}, `"https://:443": missing host in URL`},
		{"https://user:pw@mail.example.org", target.Options{}, `"https://user:pw@mail.example.org": credentials in a URL are not supported`},
		{"https://2001:db8::1/", target.Options{}, `"https://2001:db8::1/": an IPv6 address in a URL must be in brackets`},
		{"https://mail.example.org:0/", target.Options{}, `"https://mail.example.org:0/": port 0 out of range 1-65535`},
		{"https://mail.example.org:", target.Options{}, `"https://mail.example.org:": missing port number after ':'`},
		{"https://10.0.0.0-5", target.Options{}, `"https://10.0.0.0-5": invalid IPv4 address`},
		{"https://10.0.0-5", target.Options{}, `"https://10.0.0-5": not an IP address or host name (a host name needs a letter)`},
		{"https://mail_1.example.org", target.Options{}, `"https://mail_1.example.org": invalid character '_' in host name`},
	}
	for _, tc := range tests {
		t.Run(tc.token, func(t *testing.T) {
			s, err := target.Parse(tc.token, tc.opt)
			if err == nil {
				t.Fatalf("Parse accepted it: %q", keys(t, s))
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got %s\nwant %s", err, tc.want)
			}
		})
	}
}

func TestParseLongestName(t *testing.T) {
	name := strings.Repeat(strings.Repeat("a", 49)+".", 5) + "abc" // 253 characters
	s, err := target.Parse(name+".", target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(t, s); len(got) != 1 || got[0] != "https://"+name+":443" {
		t.Errorf("got %q", got)
	}
}

func TestTargetFields(t *testing.T) {
	s, err := target.Parse(" http://Mail.Example.org:8081/owa ", target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []target.Target
	for tg := range s.All(target.Options{}) {
		got = append(got, tg)
	}
	want := target.Target{Name: "mail.example.org", Port: 8081, Scheme: "http", Input: "http://Mail.Example.org:8081/owa"}
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %+v, want %+v", got, want)
	}

	s, err = target.Parse("::ffff:192.0.2.1", target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for tg := range s.All(target.Options{}) {
		if !tg.Addr.Is4() || tg.Addr != netip.MustParseAddr("192.0.2.1") || tg.Name != "" {
			t.Errorf("mapped address not unmapped: %+v", tg)
		}
	}
}

func TestKeyAndHostPort(t *testing.T) {
	tests := []struct {
		t       target.Target
		key, hp string
	}{
		{target.Target{Name: "mail.example.org", Port: 443, Scheme: "https"}, "https://mail.example.org:443", "mail.example.org:443"},
		{target.Target{Addr: netip.MustParseAddr("10.0.0.1"), Port: 443, Scheme: "https"}, "https://10.0.0.1:443", "10.0.0.1:443"},
		{target.Target{Addr: netip.MustParseAddr("2001:db8::1"), Port: 443, Scheme: "https"}, "https://[2001:db8::1]:443", "[2001:db8::1]:443"},
		{target.Target{Addr: netip.MustParseAddr("10.0.0.1"), Port: 8080, Scheme: "http"}, "http://10.0.0.1:8080", "10.0.0.1:8080"},
		// Name wins over Addr: a resolved target keeps the name's identity.
		{target.Target{Name: "mail.example.org", Addr: netip.MustParseAddr("10.0.0.1"), Port: 443, Scheme: "https"}, "https://mail.example.org:443", "mail.example.org:443"},
	}
	for _, tc := range tests {
		if got := tc.t.Key(); got != tc.key {
			t.Errorf("Key = %q, want %q", got, tc.key)
		}
		if got := tc.t.HostPort(); got != tc.hp {
			t.Errorf("HostPort = %q, want %q", got, tc.hp)
		}
		// A Key parses back to a target with the same Key.
		s, err := target.Parse(tc.key, target.Options{})
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.key, err)
		}
		if got := keys(t, s); len(got) != 1 || got[0] != tc.key {
			t.Errorf("Parse(%q) keys %q", tc.key, got)
		}
	}
}

func TestSchemeFor(t *testing.T) {
	for port, want := range map[uint16]string{80: "http", 8080: "http", 443: "https", 8443: "https", 81: "https", 1: "https", 65535: "https"} {
		if got := target.SchemeFor(port); got != want {
			t.Errorf("SchemeFor(%d) = %q, want %q", port, got, want)
		}
	}
}

func TestCountSlash8WithoutExpanding(t *testing.T) {
	s, err := target.Parse("10.0.0.0/8", target.Options{Ports: []uint16{443, 80}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Count(), uint64(2<<24); got != want {
		t.Errorf("Count = %d, want %d", got, want)
	}
	s, err = target.Parse("0.0.0.0/0", target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Count(), uint64(1<<32); got != want {
		t.Errorf("Count(/0) = %d, want %d", got, want)
	}
	// With the limit lifted, an IPv6 /0 saturates instead of overflowing.
	ports := make([]uint16, 100)
	for i := range ports {
		ports[i] = uint16(i + 1)
	}
	s, err = target.Parse("::/1", target.Options{MaxV6Prefix: 1, Ports: ports})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Count(); got != math.MaxUint64 {
		t.Errorf("Count(::/1) = %d, want saturation", got)
	}
	s, err = target.Parse("2001:db8::/64", target.Options{MaxV6Prefix: 64, Ports: []uint16{443, 80}})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Count(); got != math.MaxUint64 {
		t.Errorf("Count(/64 x 2 ports) = %d, want saturation", got)
	}
	s, err = target.Parse("2001:db8::/64", target.Options{MaxV6Prefix: 64})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Count(); got != math.MaxUint64 {
		t.Errorf("Count(/64) = %d, want saturation", got)
	}
	s, err = target.Parse("2001:db8::/65", target.Options{MaxV6Prefix: 64})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Count(); got != 1<<63 {
		t.Errorf("Count(/65) = %d, want 2^63", got)
	}
}

func TestLazySlash16StopsEarly(t *testing.T) {
	s, err := target.Parse("10.1.0.0/16", target.Options{Ports: []uint16{443, 80}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for tg := range s.All(target.Options{}) {
		got = append(got, tg.Key())
		if len(got) == 5 {
			break // the iterator must not call yield again (the runtime panics if it does)
		}
	}
	want := []string{"https://10.1.0.0:443", "http://10.1.0.0:80", "https://10.1.0.1:443", "http://10.1.0.1:80", "https://10.1.0.2:443"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// Stopping at the very first target of a name source too.
	s, err = target.Parse("mail.example.org", target.Options{Ports: []uint16{443, 80}})
	if err != nil {
		t.Fatal(err)
	}
	for range s.All(target.Options{}) {
		break
	}
}

func TestExpansionSkipsExclusions(t *testing.T) {
	ex, err := target.ParseExclusions([]string{"10.0.0.1", "10.0.0.4/31"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := target.Parse("10.0.0.0/29", target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for tg := range s.All(target.Options{Exclude: ex}) {
		got = append(got, tg.Addr.String())
	}
	want := []string{"10.0.0.0", "10.0.0.2", "10.0.0.3", "10.0.0.6", "10.0.0.7"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if s.Count() != 8 {
		t.Errorf("Count = %d: Count is before exclusions", s.Count())
	}

	// Names are not excluded here, whatever they resolve to.
	s, err = target.Parse("mail.example.org", target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(t, s); len(got) != 1 {
		t.Errorf("name excluded: %q", got)
	}
}

func TestExpansionSkipsNeverScanned(t *testing.T) {
	tests := []struct {
		token string
		want  []string
	}{
		{"0.0.0.0", nil},
		{"0.255.255.254/31", nil},
		{"255.255.255.255", nil},
		{"224.0.0.1", nil},
		{"223.255.255.254/31", []string{"223.255.255.254", "223.255.255.255"}},
		{"223.255.255.255-224.0.0.1", []string{"223.255.255.255"}},
		{"0.255.255.255-1.0.0.1", []string{"1.0.0.0", "1.0.0.1"}},
		{"::/127", []string{"::1"}},
		{"ff02::1", nil},
		{"feff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127", []string{"feff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120", nil},
	}
	for _, tc := range tests {
		s, err := target.Parse(tc.token, target.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for tg := range s.All(target.Options{}) {
			got = append(got, tg.Addr.String())
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.token, got, tc.want)
		}
	}
}

// A whole-space range with most of it excluded is walked by jumping over excluded runs: this
// finishes at once instead of stepping through four billion addresses.
func TestExpansionJumpsExcludedRuns(t *testing.T) {
	ex, err := target.ParseExclusions([]string{"0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3", "192.0.2.0/24"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := target.Parse("0.0.0.0/0", target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range s.All(target.Options{Exclude: ex}) {
		n++
	}
	// 192.0.0.0/3 covers 192-223; 224-255 are never scanned: nothing is left.
	if n != 0 {
		t.Errorf("yielded %d targets", n)
	}
	ex, err = target.ParseExclusions([]string{"10.0.0.0/9", "10.128.0.0/10", "10.192.0.0/11", "10.224.0.0/12", "10.240.0.0/13", "10.248.0.0/14", "10.252.0.0/15", "10.254.0.0/16", "10.255.0.0/17", "10.255.128.0/18", "10.255.192.0/19", "10.255.224.0/20", "10.255.240.0/21", "10.255.248.0/22", "10.255.252.0/23", "10.255.254.0/24", "10.255.255.0/25", "10.255.255.128/26", "10.255.255.192/27", "10.255.255.224/28", "10.255.255.240/29", "10.255.255.248/30", "10.255.255.252/31", "10.255.255.254"})
	if err != nil {
		t.Fatal(err)
	}
	s, err = target.Parse("10.0.0.0/8", target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for tg := range s.All(target.Options{Exclude: ex}) {
		got = append(got, tg.Addr.String())
	}
	if !slices.Equal(got, []string{"10.255.255.255"}) {
		t.Errorf("got %q", got)
	}
}

func TestZeroSource(t *testing.T) {
	var s target.Source
	if s.Count() != 0 {
		t.Errorf("Count = %d", s.Count())
	}
	for tg := range s.All(target.Options{}) {
		t.Errorf("zero Source yielded %+v", tg)
	}
}

// Options.Ports is copied: changing it afterwards does not change a parsed Source.
func TestPortsCopied(t *testing.T) {
	ports := []uint16{443, 8443}
	s, err := target.Parse("10.0.0.1", target.Options{Ports: ports})
	if err != nil {
		t.Fatal(err)
	}
	ports[0] = 80
	if got := keys(t, s); !slices.Equal(got, []string{"https://10.0.0.1:443", "https://10.0.0.1:8443"}) {
		t.Errorf("got %q", got)
	}
}
