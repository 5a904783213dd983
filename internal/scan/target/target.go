// Package target turns what `exsweep scan` is asked to scan into host:port targets: host names,
// IP addresses, CIDR prefixes, IPv4 ranges, host:port pairs and URLs, given on the command line
// or in a list file, minus an exclusion list of addresses that must never be touched.
//
// Everything streams, because the inputs are internet-sized: a CERT may hand over 10.0.0.0/8
// (16.7 million addresses) or a file of 400,000 names. A parsed token (Source) is two addresses
// and a port list; its targets are produced one at a time by an iterator, Count answers "how
// many?" by arithmetic, and exclusions are skipped a whole excluded run at a time. Memory
// therefore never grows with the size of a range. The one thing a stream remembers is the set of
// single targets it has already yielded (for dedupe), which grows with the number of tokens in
// the list, never with the number of addresses a range holds.
package target

import (
	"net/netip"
	"strconv"
	"strings"
)

// Target is one host:port to scan.
type Target struct {
	// Name is the host name as given, lower-cased, without a trailing dot; "" for address
	// targets. The scanner resolves it and uses it for SNI and the Host header.
	Name string
	// Addr is the address when the token gave one literally (IPv4-mapped IPv6 addresses are
	// unmapped); the zero Addr when Name must be resolved.
	Addr   netip.Addr
	Port   uint16
	Scheme string // "https" or "http"
	Input  string // the token the target came from, for messages
}

// Key is the target's stable identity, used for resume and dedupe: scheme://host:port with the
// host being Name if set, else Addr (IPv6 in brackets), e.g. "https://[2001:db8::1]:443".
// Parse accepts a Key and gives back a target with the same Key.
func (t Target) Key() string {
	// One allocation: a Reader computes a Key for every single target it dedupes.
	var buf [maxNameLen + 16]byte
	hp := t.appendHostPort(buf[:0])
	var sb strings.Builder
	sb.Grow(len(t.Scheme) + len("://") + len(hp))
	sb.WriteString(t.Scheme)
	sb.WriteString("://")
	sb.Write(hp)
	return sb.String()
}

// HostPort is Name (or Addr) and port in net.JoinHostPort form, for messages.
func (t Target) HostPort() string { return string(t.appendHostPort(nil)) }

// appendHostPort appends what net.JoinHostPort would return.
func (t Target) appendHostPort(b []byte) []byte {
	switch {
	case t.Name != "":
		b = append(b, t.Name...)
	case t.Addr.Is6():
		b = append(b, '[')
		b = t.Addr.AppendTo(b)
		b = append(b, ']')
	default:
		b = t.Addr.AppendTo(b)
	}
	b = append(b, ':')
	return strconv.AppendUint(b, uint64(t.Port), 10)
}

// SchemeFor is the scheme used for a port when a token does not name one: plain HTTP on 80 and
// 8080, where Exchange (or the proxy in front of it) answers without TLS, HTTPS everywhere else.
func SchemeFor(port uint16) string {
	if port == 80 || port == 8080 {
		return "http"
	}
	return "https"
}

// DefaultMaxV6Prefix is the shortest IPv6 prefix accepted when Options.MaxV6Prefix is 0: a /104
// holds 2^24 addresses, as many as an IPv4 /8. Sweeping IPv6 space address by address is
// hopeless beyond that, so a shorter prefix is almost always a typo.
const DefaultMaxV6Prefix = 104

// Options control how tokens are expanded.
type Options struct {
	// Ports are used for tokens that do not carry a port (a port in the token or a URL wins).
	// Default []uint16{443}. Duplicates are ignored; 0 is an error.
	Ports []uint16
	// Exclude lists addresses never to scan. Nil still skips the never-scanned ranges (see
	// Exclusions.Contains).
	Exclude *Exclusions
	// MaxV6Prefix is the shortest IPv6 prefix length accepted (the largest range); 0 means
	// DefaultMaxV6Prefix, values above 128 mean 128.
	MaxV6Prefix int
}

// minV6Bits is the effective MaxV6Prefix.
func (o Options) minV6Bits() int {
	switch {
	case o.MaxV6Prefix <= 0:
		return DefaultMaxV6Prefix
	case o.MaxV6Prefix > 128:
		return 128
	}
	return o.MaxV6Prefix
}
