package target

import (
	"encoding/binary"
	"math"
	"math/bits"
	"net/netip"
)

// u128 is an IPv6 address as a number, so that range sizes and range ends can be computed
// without stepping through the range.
type u128 struct{ hi, lo uint64 }

func u128Of(a netip.Addr) u128 {
	b := a.As16()
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

func (u u128) addr() netip.Addr {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], u.hi)
	binary.BigEndian.PutUint64(b[8:], u.lo)
	return netip.AddrFrom16(b)
}

func (u u128) cmp(v u128) int {
	switch {
	case u.hi < v.hi:
		return -1
	case u.hi > v.hi:
		return 1
	case u.lo < v.lo:
		return -1
	case u.lo > v.lo:
		return 1
	}
	return 0
}

func (u u128) sub(v u128) u128 {
	lo, borrow := bits.Sub64(u.lo, v.lo, 0)
	hi, _ := bits.Sub64(u.hi, v.hi, borrow)
	return u128{hi, lo}
}

func (u u128) isMax() bool { return u.hi == math.MaxUint64 && u.lo == math.MaxUint64 }

// next is u+1; callers check isMax first.
func (u u128) next() u128 {
	lo, carry := bits.Add64(u.lo, 1, 0)
	return u128{u.hi + carry, lo}
}

// hostMask6 has the low 128-bits bits set: OR it into a prefix's first address for its last.
func hostMask6(prefixBits int) u128 {
	n := 128 - prefixBits
	if n >= 64 {
		// For n == 128 the shift by 64 yields 0 and the subtraction wraps to all ones.
		return u128{1<<(n-64) - 1, math.MaxUint64}
	}
	return u128{0, 1<<n - 1}
}

func u32Of(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

func addrOf32(v uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return netip.AddrFrom4(b)
}

// prefixRange is the first and last address of a masked prefix.
func prefixRange(p netip.Prefix) (first, last netip.Addr) {
	first = p.Addr()
	if first.Is4() {
		// For /0 the shift by 32 yields 0 and the subtraction wraps to all ones.
		mask := uint32(1)<<(32-p.Bits()) - 1
		return first, addrOf32(u32Of(first) | mask)
	}
	u, m := u128Of(first), hostMask6(p.Bits())
	return first, u128{u.hi | m.hi, u.lo | m.lo}.addr()
}

// spanCount is the number of addresses from first to last inclusive (same family, first <=
// last), saturating at MaxUint64 for IPv6 ranges that hold more.
func spanCount(first, last netip.Addr) uint64 {
	if first.Is4() {
		return uint64(u32Of(last)-u32Of(first)) + 1
	}
	d := u128Of(last).sub(u128Of(first))
	if d.hi != 0 || d.lo == math.MaxUint64 {
		return math.MaxUint64
	}
	return d.lo + 1
}

func satAdd(a, b uint64) uint64 {
	s, carry := bits.Add64(a, b, 0)
	if carry != 0 {
		return math.MaxUint64
	}
	return s
}

func satMul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}
