package target

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"sort"
	"strings"
)

// Exclusions is a set of addresses never to touch: an operator's "do not scan" list (partners,
// fragile devices, other people's networks inside a range). It is stored as sorted, merged,
// disjoint intervals per family, so a lookup is one binary search however many thousands of
// prefixes the list has, and overlapping or adjacent entries cost nothing extra.
//
// A nil *Exclusions excludes only the never-scanned ranges. An Exclusions is read-only after
// ParseExclusions and safe for concurrent use.
type Exclusions struct {
	v4 []span4
	v6 []span6
	n  int
}

type span4 struct{ lo, hi uint32 }

type span6 struct{ lo, hi u128 }

// The low halves of the first and last address of the IPv4-mapped block ::ffff:0.0.0.0/96,
// whose addresses are looked up as IPv4.
const (
	mappedLo = 0xffff_0000_0000
	mappedHi = 0xffff_ffff_ffff
)

// ParseExclusions parses addresses, CIDR prefixes (IPv4 or IPv6, any size; host bits are masked
// off, which excludes more, never less) and IPv4 ranges (10.0.0.1-20). Blank items and comments
// ('#' to the end of the item) are ignored, so the lines of an exclusion file can be passed
// as they are. IPv4-mapped IPv6 addresses and prefixes are unmapped. The error names the bad item.
func ParseExclusions(items []string) (*Exclusions, error) {
	e := &Exclusions{}
	for _, item := range items {
		s, _, _ := strings.Cut(item, "#")
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		first, last, err := parseAddrSet(s)
		if err != nil {
			return nil, fmt.Errorf("exclusion %s: %w", quote(s), err)
		}
		e.add(first, last)
		e.n++
	}
	e.v4 = merge4(e.v4)
	e.v6 = merge6(e.v6)
	return e, nil
}

// parseAddrSet parses one exclusion item into an inclusive address range.
func parseAddrSet(s string) (first, last netip.Addr, err error) {
	if a, perr := netip.ParseAddr(s); perr == nil {
		a, err = checkAddr(a)
		return a, a, err
	}
	port := ""
	switch {
	case strings.Contains(s, "/"):
		first, last, port, err = parsePrefix(s, 0)
	case strings.Contains(s, "-") && isAddr(s[:strings.IndexByte(s, '-')]):
		start, end, _ := strings.Cut(s, "-")
		first, last, port, err = parseRange4(start, end)
	default:
		return first, last, errors.New("not an IP address, CIDR prefix or IPv4 range")
	}
	if err == nil && port != "" {
		err = errors.New("an exclusion takes no port")
	}
	return first, last, err
}

func (e *Exclusions) add(first, last netip.Addr) {
	if first.Is4() {
		e.v4 = append(e.v4, span4{u32Of(first), u32Of(last)})
		return
	}
	lo, hi := u128Of(first), u128Of(last)
	e.v6 = append(e.v6, span6{lo, hi})
	// The part inside the IPv4-mapped block also excludes the IPv4 addresses it maps, because
	// Contains unmaps before looking up.
	mlo, mhi := u128{0, mappedLo}, u128{0, mappedHi}
	if lo.cmp(mhi) <= 0 && hi.cmp(mlo) >= 0 {
		if lo.cmp(mlo) < 0 {
			lo = mlo
		}
		if hi.cmp(mhi) > 0 {
			hi = mhi
		}
		e.v4 = append(e.v4, span4{uint32(lo.lo), uint32(hi.lo)})
	}
}

// merge4 sorts spans and merges overlapping and adjacent ones.
func merge4(s []span4) []span4 {
	slices.SortFunc(s, func(a, b span4) int {
		switch {
		case a.lo < b.lo:
			return -1
		case a.lo > b.lo:
			return 1
		}
		return 0
	})
	out := s[:0]
	for _, x := range s {
		if n := len(out); n > 0 && (out[n-1].hi == math.MaxUint32 || x.lo <= out[n-1].hi+1) {
			out[n-1].hi = max(out[n-1].hi, x.hi)
			continue
		}
		out = append(out, x)
	}
	return slices.Clip(out)
}

func merge6(s []span6) []span6 {
	slices.SortFunc(s, func(a, b span6) int { return a.lo.cmp(b.lo) })
	out := s[:0]
	for _, x := range s {
		if n := len(out); n > 0 && (out[n-1].hi.isMax() || x.lo.cmp(out[n-1].hi.next()) <= 0) {
			if x.hi.cmp(out[n-1].hi) > 0 {
				out[n-1].hi = x.hi
			}
			continue
		}
		out = append(out, x)
	}
	return slices.Clip(out)
}

// Len is the number of entries (addresses, prefixes, ranges) the list was built from.
func (e *Exclusions) Len() int {
	if e == nil {
		return 0
	}
	return e.n
}

// Contains reports whether a must not be scanned: it is in the list, or it is in a range that
// is never scanned whatever the list says, because no host answers there and sending to it is
// at best noise: the unspecified addresses (0.0.0.0, ::), 0.0.0.0/8 ("this network"),
// multicast (224.0.0.0/4, ff00::/8) and 240.0.0.0/4 (reserved, with the limited broadcast
// 255.255.255.255). An invalid Addr is also excluded. IPv4-mapped IPv6 is looked up as IPv4.
func (e *Exclusions) Contains(a netip.Addr) bool {
	if !a.IsValid() {
		return true
	}
	_, ok := e.excludedThrough(a.WithZone("").Unmap())
	return ok
}

// excludedThrough reports whether a is excluded and, if so, the last address of the excluded
// run that starts at a, so that a range walk can jump over the whole run. The run may end
// early (the next run may follow at once); the caller loops.
func (e *Exclusions) excludedThrough(a netip.Addr) (netip.Addr, bool) {
	switch {
	case a.Is4():
		v := u32Of(a)
		end, ok := reserved4(v)
		if e != nil {
			i := sort.Search(len(e.v4), func(i int) bool { return e.v4[i].hi >= v })
			if i < len(e.v4) && e.v4[i].lo <= v && (!ok || e.v4[i].hi > end) {
				end, ok = e.v4[i].hi, true
			}
		}
		return addrOf32(end), ok
	case a.Is4In6():
		// Only a wide IPv6 range walk gets here; step one address at a time.
		return a, e.Contains(a)
	case a.Is6():
		v := u128Of(a)
		end, ok := reserved6(v)
		if e != nil {
			i := sort.Search(len(e.v6), func(i int) bool { return e.v6[i].hi.cmp(v) >= 0 })
			if i < len(e.v6) && e.v6[i].lo.cmp(v) <= 0 && (!ok || e.v6[i].hi.cmp(end) > 0) {
				end, ok = e.v6[i].hi, true
			}
		}
		return end.addr(), ok
	}
	return a, true
}

// reserved4 reports whether v is in a never-scanned IPv4 range and where that range ends.
func reserved4(v uint32) (end uint32, ok bool) {
	switch {
	case v>>24 == 0: // 0.0.0.0/8, including 0.0.0.0
		return 0x00ff_ffff, true
	case v >= 0xe000_0000: // 224.0.0.0/4 multicast and 240.0.0.0/4 reserved, to 255.255.255.255
		return math.MaxUint32, true
	}
	return 0, false
}

// reserved6 reports whether v is in a never-scanned IPv6 range and where that range ends.
func reserved6(v u128) (end u128, ok bool) {
	switch {
	case v == u128{}: // ::
		return v, true
	case v.hi>>56 == 0xff: // ff00::/8 multicast, to the top of the space
		return u128{math.MaxUint64, math.MaxUint64}, true
	}
	return u128{}, false
}
