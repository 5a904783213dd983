package target

import (
	"errors"
	"fmt"
	"iter"
	"net/netip"
	"strconv"
	"strings"
)

const (
	maxNameLen  = 253 // DNS limit on a name's text form without the trailing dot
	maxLabelLen = 63
)

// Source is one parsed token: a host name, a single address, or an address range, with the ports
// to scan on it. It holds no addresses beyond the range's ends, whatever the range's size.
type Source struct {
	input       string
	name        string     // host name; first and last are zero
	first, last netip.Addr // address range, inclusive; first == last for a single address
	ports       []uint16
	scheme      string // from a URL; "" means SchemeFor each port
}

// String is the token the source was parsed from.
func (s Source) String() string { return s.input }

// single reports whether the source names one host (a name or one address). Only those are
// deduplicated by a stream: remembering every address of every range would defeat streaming.
func (s Source) single() bool { return s.name != "" || s.first == s.last }

// Count is the number of targets the source expands to before exclusions (hosts x ports),
// saturating at MaxUint64.
func (s Source) Count() uint64 {
	hosts := uint64(1)
	if s.name == "" {
		if !s.first.IsValid() {
			return 0
		}
		hosts = spanCount(s.first, s.last)
	}
	return satMul(hosts, uint64(len(s.ports)))
}

// All yields the source's targets lazily, in address order and for each address in port order,
// skipping addresses that opt.Exclude (or the never-scanned ranges) contain. Host names are never
// excluded here: the scanner checks the addresses they resolve to. Only opt.Exclude is consulted;
// the ports were fixed by Parse.
func (s Source) All(opt Options) iter.Seq[Target] {
	return func(yield func(Target) bool) {
		s.walk(opt.Exclude, func(uint64) {}, yield)
	}
}

// target is the source's target on address a (or its name) and port p.
func (s Source) target(a netip.Addr, p uint16) Target {
	scheme := s.scheme
	if scheme == "" {
		scheme = SchemeFor(p)
	}
	return Target{Name: s.name, Addr: a, Port: p, Scheme: scheme, Input: s.input}
}

// walk yields the targets of s not excluded by ex and reports the number of targets skipped to
// skipped, one call per excluded run. An excluded run is jumped over in one step, so a /8 minus
// an excluded /9 costs one lookup, not eight million. It returns false if yield did.
func (s Source) walk(ex *Exclusions, skipped func(uint64), yield func(Target) bool) bool {
	if s.name != "" {
		for _, p := range s.ports {
			if !yield(s.target(netip.Addr{}, p)) {
				return false
			}
		}
		return true
	}
	if !s.first.IsValid() {
		return true
	}
	nports := uint64(len(s.ports))
	a := s.first
	for {
		if end, ok := ex.excludedThrough(a); ok {
			if end.Compare(s.last) >= 0 {
				skipped(satMul(spanCount(a, s.last), nports))
				return true
			}
			skipped(satMul(spanCount(a, end), nports))
			a = end.Next()
			continue
		}
		// A wide IPv6 range may run through the IPv4-mapped block; those are IPv4 targets.
		host := a.Unmap()
		for _, p := range s.ports {
			if !yield(s.target(host, p)) {
				return false
			}
		}
		if a == s.last {
			return true
		}
		a = a.Next()
	}
}

// Parse parses one token into a Source without expanding it. Accepted forms:
//
//	mail.example.org                     host name (LDH labels; IDNs in punycode, xn--)
//	10.0.0.1, 2001:db8::1                address (IPv4-mapped IPv6 is unmapped)
//	10.0.0.0/24, 2001:db8::/120          CIDR prefix (host bits are masked off, as nmap does)
//	10.0.0.1-20, 10.0.0.250-10.0.1.5     IPv4 range, inclusive
//	10.0.0.1:8443, [2001:db8::1]:8443    any of the above with a port: mail.example.org:8443,
//	10.0.0.0/24:8443                     10.0.0.1-20:8443, 2001:db8::/120:8443
//	https://mail.example.org             URL (http or https; port defaults to the scheme's,
//	http://10.0.0.1:8080/owa/            path, query and fragment are ignored)
//
// Tokens without a port get opt.Ports; a port or URL in the token replaces them. An IPv6 prefix
// shorter than opt.MaxV6Prefix is refused. Errors start with the quoted token.
func Parse(token string, opt Options) (Source, error) {
	return newParser(opt).parse(token)
}

// parser holds what Parse derives from Options, so that a Reader derives it once per list and
// not once per token. Sources of one parser share the (read-only) default port slice.
type parser struct {
	ports    []uint16 // normalised Options.Ports
	portsErr error
	minV6    int
}

func newParser(opt Options) parser {
	ports, err := normalizePorts(opt.Ports)
	return parser{ports: ports, portsErr: err, minV6: opt.minV6Bits()}
}

func (p parser) parse(token string) (Source, error) {
	tok := strings.TrimSpace(token)
	s, err := p.parseToken(tok)
	if err != nil {
		return Source{}, fmt.Errorf("%s: %w", quote(tok), err)
	}
	s.input = tok
	return s, nil
}

// quote quotes a token for a message, cutting very long ones so that one bad 4 KiB line does
// not flood the log.
func quote(tok string) string {
	const limit = 100
	if len(tok) > limit {
		return strconv.Quote(tok[:limit]) + "..."
	}
	return strconv.Quote(tok)
}

func (p parser) parseToken(tok string) (Source, error) {
	if tok == "" {
		return Source{}, errors.New("empty target")
	}
	if scheme, rest, ok := strings.Cut(tok, "://"); ok {
		return parseURL(scheme, rest)
	}
	if p.portsErr != nil {
		return Source{}, p.portsErr
	}
	defPorts := p.ports
	// A bare IPv6 address first: its colons would otherwise read as a port separator.
	if a, err := netip.ParseAddr(tok); err == nil {
		a, err := checkAddr(a)
		if err != nil {
			return Source{}, err
		}
		return Source{first: a, last: a, ports: defPorts}, nil
	}
	if strings.HasPrefix(tok, "[") {
		return parseHostPort(tok, defPorts)
	}
	if strings.Contains(tok, "/") {
		first, last, port, err := parsePrefix(tok, p.minV6)
		if err != nil {
			return Source{}, err
		}
		return rangeSource(first, last, port, defPorts)
	}
	if start, end, ok := strings.Cut(tok, "-"); ok && looksLikeRangeEnd(end) && isAddr(start) {
		first, last, port, err := parseRange4(start, end)
		if err != nil {
			return Source{}, err
		}
		return rangeSource(first, last, port, defPorts)
	}
	if strings.Count(tok, ":") > 1 {
		if start, _, ok := strings.Cut(tok, "-"); ok && isIPv6(start) {
			return Source{}, errors.New("address ranges are IPv4 only (use a CIDR prefix for IPv6)")
		}
		return Source{}, errors.New("invalid IPv6 address (for a port, write [address]:port)")
	}
	return parseHostPort(tok, defPorts)
}

// rangeSource builds an address source; port is "" when the token carried none.
func rangeSource(first, last netip.Addr, port string, defPorts []uint16) (Source, error) {
	s := Source{first: first, last: last, ports: defPorts}
	if port != "" {
		p, err := parsePort(port)
		if err != nil {
			return Source{}, err
		}
		s.ports = []uint16{p}
	}
	return s, nil
}

// parseHostPort parses host, host:port, [v6] and [v6]:port for one host.
func parseHostPort(hp string, defPorts []uint16) (Source, error) {
	host, port, hasPort, err := splitHostPort(hp)
	if err != nil {
		return Source{}, err
	}
	name, a, err := parseHost(host)
	if err != nil {
		return Source{}, err
	}
	s := Source{name: name, first: a, last: a, ports: defPorts}
	if hasPort {
		s.ports = []uint16{port}
	}
	return s, nil
}

func parseURL(scheme, rest string) (Source, error) {
	scheme = strings.ToLower(scheme)
	if scheme != "https" && scheme != "http" {
		return Source{}, fmt.Errorf("unsupported scheme %q (only http and https)", scheme)
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	if strings.Contains(authority, "@") {
		// The scanner never authenticates; credentials in a target list are a mistake to flag.
		return Source{}, errors.New("credentials in a URL are not supported")
	}
	if authority == "" || strings.HasPrefix(authority, ":") {
		return Source{}, errors.New("missing host in URL")
	}
	if !strings.HasPrefix(authority, "[") && strings.Count(authority, ":") > 1 {
		return Source{}, errors.New("an IPv6 address in a URL must be in brackets")
	}
	host, port, hasPort, err := splitHostPort(authority)
	if err != nil {
		return Source{}, err
	}
	name, a, err := parseHost(host)
	if err != nil {
		return Source{}, err
	}
	if !hasPort {
		port = 443
		if scheme == "http" {
			port = 80
		}
	}
	return Source{name: name, first: a, last: a, ports: []uint16{port}, scheme: scheme}, nil
}

// splitHostPort splits host[:port] or [v6][:port]; with brackets the host must be IPv6.
func splitHostPort(s string) (host string, port uint16, hasPort bool, err error) {
	rest := ""
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", 0, false, errors.New("missing ']'")
		}
		host, rest = s[1:end], s[end+1:]
		a, err := netip.ParseAddr(host)
		if err != nil {
			return "", 0, false, errors.New("invalid IPv6 address in brackets")
		}
		if a.Is4() {
			return "", 0, false, errors.New("brackets are only for IPv6 addresses")
		}
		if rest != "" && rest[0] != ':' {
			return "", 0, false, fmt.Errorf("unexpected %q after ']'", rest)
		}
	} else {
		i := strings.IndexByte(s, ':')
		if i < 0 {
			return s, 0, false, nil
		}
		host, rest = s[:i], s[i:]
	}
	if rest == "" {
		return host, 0, false, nil
	}
	port, err = parsePort(rest[1:])
	if err != nil {
		return "", 0, false, err
	}
	return host, port, true, nil
}

// parseHost parses one host: an address (returned unmapped) or a validated host name (returned
// lower-cased without its trailing dot).
func parseHost(h string) (name string, a netip.Addr, err error) {
	if a, err := netip.ParseAddr(h); err == nil {
		a, err = checkAddr(a)
		return "", a, err
	}
	if h == "" {
		return "", netip.Addr{}, errors.New("missing host")
	}
	if strings.Contains(h, ":") {
		return "", netip.Addr{}, errors.New("invalid IPv6 address")
	}
	name, err = parseName(h)
	return name, netip.Addr{}, err
}

// checkAddr refuses zoned addresses (a link-local zone means nothing to a network sweep and
// does not survive Key) and unmaps IPv4-mapped IPv6, so that 10.0.0.1 and ::ffff:10.0.0.1 are
// one target and meet the same exclusions.
func checkAddr(a netip.Addr) (netip.Addr, error) {
	if z := a.Zone(); z != "" {
		return netip.Addr{}, fmt.Errorf("IPv6 zone %q not allowed", z)
	}
	return a.Unmap(), nil
}

// parseName validates a host name: LDH labels of 1 to 63 characters, at most 253 in all, and a
// letter somewhere so that a mistyped address ("10.0.0.256", "999") is not sent to DNS.
func parseName(h string) (string, error) {
	for i := 0; i < len(h); i++ {
		if h[i] >= 0x80 {
			return "", errors.New("non-ASCII host name; give its punycode (xn--) form")
		}
	}
	n := strings.TrimSuffix(h, ".")
	if n == "" {
		return "", errors.New("empty host name")
	}
	if isAddr(n) {
		return "", errors.New("IP address with a trailing dot")
	}
	if len(n) > maxNameLen {
		return "", fmt.Errorf("host name longer than %d characters", maxNameLen)
	}
	letter := false
	for label := range strings.SplitSeq(n, ".") {
		if label == "" {
			return "", errors.New("empty label in host name")
		}
		if len(label) > maxLabelLen {
			return "", fmt.Errorf("label %s longer than %d characters", quote(label), maxLabelLen)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			switch {
			case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
				letter = true
			case '0' <= c && c <= '9', c == '-':
			default:
				return "", fmt.Errorf("invalid character %q in host name", rune(c))
			}
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return "", fmt.Errorf("label %q starts or ends with a hyphen", label)
		}
	}
	if !letter {
		if strings.Count(n, ".") == 3 {
			return "", errors.New("invalid IPv4 address")
		}
		return "", errors.New("not an IP address or host name (a host name needs a letter)")
	}
	return strings.ToLower(n), nil
}

// parsePort parses a decimal port 1-65535.
func parsePort(p string) (uint16, error) {
	if p == "" {
		return 0, errors.New("missing port number after ':'")
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return 0, fmt.Errorf("invalid port %s", quote(p))
		}
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("port %s out of range 1-65535", p)
	}
	return uint16(n), nil
}

// parsePrefix parses addr/bits, optionally followed by :port (returned unparsed). IPv6 prefixes
// shorter than minV6 are refused (0: any). An IPv4-mapped prefix of /96 or longer becomes the
// IPv4 prefix it denotes.
func parsePrefix(s string, minV6 int) (first, last netip.Addr, port string, err error) {
	addrPart, bitsPart, _ := strings.Cut(s, "/")
	bitsPart, port, hasPort := strings.Cut(bitsPart, ":")
	if hasPort && port == "" {
		return first, last, "", errors.New("missing port number after ':'")
	}
	a, perr := netip.ParseAddr(addrPart)
	if perr != nil {
		return first, last, "", errors.New("not a CIDR prefix (for a URL, start it with https://)")
	}
	if z := a.Zone(); z != "" {
		return first, last, "", fmt.Errorf("IPv6 zone %q not allowed", z)
	}
	if bitsPart == "" || len(bitsPart) > 3 || strings.Trim(bitsPart, "0123456789") != "" {
		return first, last, "", fmt.Errorf("invalid prefix length %s", quote(bitsPart))
	}
	n, _ := strconv.Atoi(bitsPart)
	family, width := "IPv6", 128
	if a.Is4() {
		family, width = "IPv4", 32
	}
	if n > width {
		return first, last, "", fmt.Errorf("prefix length %d out of range for %s", n, family)
	}
	if a.Is4In6() && n >= 96 {
		a, n = a.Unmap(), n-96
	}
	if a.Is6() && n < minV6 {
		return first, last, "", fmt.Errorf("IPv6 prefix /%d too large: at most /%d (2^%d addresses) allowed",
			n, minV6, 128-minV6)
	}
	first, last = prefixRange(netip.PrefixFrom(a, n).Masked())
	return first, last, port, nil
}

// looksLikeRangeEnd tells an IPv4 range end ("20", "10.0.0.20", either with ":port") from the
// rest of a host name containing a hyphen ("mail-1.example.org"); the caller also checks that
// the start is an address, so "web-1" stays a name.
func looksLikeRangeEnd(end string) bool {
	end, _, _ = strings.Cut(end, ":")
	return strings.Trim(end, "0123456789.") == ""
}

// parseRange4 parses the IPv4 range start-end, where end is a last octet or a full address and
// may carry :port (returned unparsed).
func parseRange4(start, end string) (first, last netip.Addr, port string, err error) {
	first, perr := netip.ParseAddr(start)
	if perr != nil || !first.Is4() {
		if isIPv6(start) {
			return first, last, "", errors.New("address ranges are IPv4 only (use a CIDR prefix for IPv6)")
		}
		return first, last, "", errors.New("invalid IPv4 range start")
	}
	end, port, hasPort := strings.Cut(end, ":")
	if hasPort && port == "" {
		return first, last, "", errors.New("missing port number after ':'")
	}
	switch {
	case end == "":
		return first, last, "", errors.New("missing range end")
	case !strings.Contains(end, "."):
		n, aerr := strconv.Atoi(end)
		if aerr != nil || n > 255 || len(end) > 3 || strings.Trim(end, "0123456789") != "" {
			return first, last, "", fmt.Errorf("range end %s out of range 0-255", quote(end))
		}
		b := first.As4()
		b[3] = byte(n)
		last = netip.AddrFrom4(b)
	default:
		last, perr = netip.ParseAddr(end)
		if perr != nil || !last.Is4() {
			return first, last, "", fmt.Errorf("invalid range end %s", quote(end))
		}
	}
	if last.Less(first) {
		return first, last, "", fmt.Errorf("range end %s is before start %s", last, first)
	}
	return first, last, port, nil
}

func isAddr(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}

func isIPv6(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6()
}

// normalizePorts applies the default, drops duplicates (keeping the first) and refuses 0. The
// result is a fresh slice, so a Source does not change if the caller reuses Options.Ports.
func normalizePorts(ports []uint16) ([]uint16, error) {
	if len(ports) == 0 {
		return []uint16{443}, nil
	}
	out := make([]uint16, 0, len(ports))
	var seen [65536 / 64]uint64
	for _, p := range ports {
		if p == 0 {
			return nil, errors.New("port 0 in Options.Ports")
		}
		if seen[p/64]&(1<<(p%64)) != 0 {
			continue
		}
		seen[p/64] |= 1 << (p % 64)
		out = append(out, p)
	}
	return out, nil
}
