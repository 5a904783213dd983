// Package textsearch finds many literal strings at once in a byte buffer, ignoring ASCII case.
// It is the prefilter in front of every log parser: a line that holds none of the rules' literals
// cannot match, so it is never parsed.
//
// The algorithm is Wu-Manber with blocks of two bytes: a shift table over the (case-folded)
// two-byte blocks of every pattern's first m bytes (m = the shortest pattern's length) lets the
// scan jump up to m-1 bytes at a time, and only windows whose last block ends some pattern's
// m-byte prefix are verified. It is pure Go, allocation-free while scanning, and safe for
// concurrent use once built.
package textsearch

import "sort"

// maxWindow caps m: longer windows give longer jumps but a wider shift table is not needed.
const maxWindow = 32

// Matcher searches for a fixed set of patterns.
type Matcher struct {
	m        int
	fold     [256]byte
	shift    []uint8 // indexed by the folded two-byte block
	bucketAt []int32 // bucket of block h is bucketPat[bucketAt[h]:bucketAt[h+1]]
	buckPat  []int32
	pats     [][]byte
}

// New builds a matcher. Patterns shorter than 2 bytes are rejected by returning nil, as are empty
// pattern sets: callers then treat every line as a candidate.
func New(patterns []string) *Matcher {
	if len(patterns) == 0 {
		return nil
	}
	mt := &Matcher{m: maxWindow}
	for i := range mt.fold {
		c := byte(i)
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		mt.fold[i] = c
	}
	for _, p := range patterns {
		if len(p) < 2 {
			return nil
		}
		b := make([]byte, len(p))
		for i := range b {
			b[i] = mt.fold[p[i]]
		}
		mt.pats = append(mt.pats, b)
		mt.m = min(mt.m, len(p))
	}
	mt.shift = make([]uint8, 1<<16)
	def := uint8(mt.m - 1)
	for i := range mt.shift {
		mt.shift[i] = def
	}
	type entry struct {
		h   uint16
		pat int32
	}
	var zero []entry
	for pi, p := range mt.pats {
		for j := 1; j < mt.m; j++ {
			// The table is indexed by raw text bytes, so every case spelling of the block gets
			// the shift: the scan loop then needs no folding at all.
			for _, a := range mt.spellings(p[j-1]) {
				for _, b := range mt.spellings(p[j]) {
					h := uint16(a)<<8 | uint16(b)
					if s := uint8(mt.m - 1 - j); s < mt.shift[h] {
						mt.shift[h] = s
					}
				}
			}
		}
		zero = append(zero, entry{uint16(p[mt.m-2])<<8 | uint16(p[mt.m-1]), int32(pi)})
	}
	sort.Slice(zero, func(i, j int) bool {
		if zero[i].h != zero[j].h {
			return zero[i].h < zero[j].h
		}
		return zero[i].pat < zero[j].pat
	})
	mt.bucketAt = make([]int32, 1<<16+1)
	for _, e := range zero {
		mt.bucketAt[int(e.h)+1]++
		mt.buckPat = append(mt.buckPat, e.pat)
	}
	for i := 1; i < len(mt.bucketAt); i++ {
		mt.bucketAt[i] += mt.bucketAt[i-1]
	}
	return mt
}

// spellings lists the raw bytes that fold to c.
func (mt *Matcher) spellings(c byte) []byte {
	if c >= 'a' && c <= 'z' {
		return []byte{c, c - ('a' - 'A')}
	}
	return []byte{c}
}

// Len is the number of patterns.
func (mt *Matcher) Len() int { return len(mt.pats) }

// Find returns the start of the leftmost-starting window at or after from where some pattern
// matches, and that pattern's index; (-1, -1) when there is none.
func (mt *Matcher) Find(t []byte, from int) (start, pat int) {
	m := mt.m
	n := len(t)
	shift := mt.shift[:1<<16]
	fold := &mt.fold
	for pos := from + m - 1; pos < n; {
		if s := shift[uint16(t[pos-1])<<8|uint16(t[pos])]; s != 0 {
			pos += int(s)
			continue
		}
		h := uint16(fold[t[pos-1]])<<8 | uint16(fold[t[pos]])
		st := pos - m + 1
		for _, pi := range mt.buckPat[mt.bucketAt[h]:mt.bucketAt[int(h)+1]] {
			if mt.equalAt(t, st, mt.pats[pi]) {
				return st, int(pi)
			}
		}
		pos++
	}
	return -1, -1
}

// AllAt appends to dst the index of every pattern that matches t at position start.
func (mt *Matcher) AllAt(t []byte, start int, dst []int) []int {
	if start < 0 || start+mt.m > len(t) {
		return dst
	}
	h := uint16(mt.fold[t[start+mt.m-2]])<<8 | uint16(mt.fold[t[start+mt.m-1]])
	for _, pi := range mt.buckPat[mt.bucketAt[h]:mt.bucketAt[int(h)+1]] {
		if mt.equalAt(t, start, mt.pats[pi]) {
			dst = append(dst, int(pi))
		}
	}
	return dst
}

func (mt *Matcher) equalAt(t []byte, st int, p []byte) bool {
	if st+len(p) > len(t) {
		return false
	}
	w := t[st : st+len(p)]
	for i, c := range p {
		if mt.fold[w[i]] != c {
			return false
		}
	}
	return true
}
