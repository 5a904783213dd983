package evtx

import (
	"encoding/binary"

	"github.com/exsweep/exsweep/internal/winevent"
)

// Scratch holds the buffers and per-chunk caches one goroutine uses to read
// chunks, so that decoding allocates little once warm. A Scratch must not
// be used by two ReadChunk calls at the same time; the zero value is ready.
type Scratch struct {
	chunk []byte

	// Per chunk: compiled templates by definition offset, decoded names by
	// offset, and the ops templates compile into.
	tmpls map[uint32]tmplEntry
	names map[uint32]nameEntry
	tops  []op

	// Per record: ops of the record's own BinXML and of BinXML values.
	rops []op
	vals []value

	// Strings seen in names and literal text, shared across chunks so that
	// a field name is allocated once, not once per chunk. Bounded.
	interned map[string]string
	last     [3]string // Provider, Channel, Computer of the previous record

	opsLimit int
	tmp      []byte
	buf      []byte // the record's rendered text
	fields   []fieldRef
	frames   []frame

	// Work done in the current chunk, against the chunk limits.
	compiled int
	steps    int
	rendered int

	ev winevent.Event
}

type tmplEntry struct {
	start, end int32 // in tops
	err        *parseError
}

type nameEntry struct {
	s    string
	size int // bytes of the name structure, to skip an inline definition
	err  *parseError
}

const maxInterned = 8192

// maxCompileFactor bounds the BinXML compiled per chunk (records, BinXML
// values, template definitions) to this many times the chunk's size. A
// real chunk compiles each byte at most about three times (a template
// inside a BinXML value inside a record).
const maxCompileFactor = 8

// resetChunk clears the per-chunk caches.
func (s *Scratch) resetChunk() {
	if s.tmpls == nil {
		s.tmpls = make(map[uint32]tmplEntry)
		s.names = make(map[uint32]nameEntry)
		s.interned = make(map[string]string)
	}
	clear(s.tmpls)
	clear(s.names)
	s.tops = s.tops[:0]
	s.compiled, s.steps, s.rendered = 0, 0, 0
}

// intern returns b as a string, allocating only the first time it is seen.
func (s *Scratch) intern(b []byte) string {
	if v, ok := s.interned[string(b)]; ok {
		return v
	}
	if len(s.interned) >= maxInterned {
		clear(s.interned)
	}
	v := string(b)
	s.interned[v] = v
	return v
}

// sticky returns b as a string, reusing the previous record's string in
// the same slot when equal: Provider, Channel and Computer rarely change.
func (s *Scratch) sticky(slot int, b []byte) string {
	if s.last[slot] != string(b) {
		s.last[slot] = string(b)
	}
	return s.last[slot]
}

// chunkName decodes the name structure at chunk offset off (next offset,
// hash, character count, UTF-16 characters, NUL). ref is where the
// reference to it sits, for problems.
func (s *Scratch) chunkName(c []byte, off, ref int) (string, int, error) {
	if e, ok := s.names[uint32(off)]; ok {
		if e.err != nil {
			return "", 0, e.err
		}
		return e.s, e.size, nil
	}
	var e nameEntry
	switch {
	case off < 0 || off > len(c)-8:
		e.err = errAt(ref, "name offset 0x%x outside the chunk", off)
	default:
		n := int(binary.LittleEndian.Uint16(c[off+6:]))
		size := 8 + 2*n + 2
		if n == 0 {
			// XML has no empty names; this is zeroed or overwritten space.
			e.err = errAt(ref, "empty name at 0x%x (overwritten?)", off)
			break
		}
		if size > len(c)-off {
			e.err = errAt(ref, "name at 0x%x of %d characters runs past the end of the chunk", off, n)
			break
		}
		s.tmp = appendUTF16(s.tmp[:0], c[off+8:off+8+2*n])
		e.s, e.size = s.intern(s.tmp), size
	}
	s.names[uint32(off)] = e
	if e.err != nil {
		return "", 0, e.err
	}
	return e.s, e.size, nil
}

// template returns the compiled ops of the template defined at chunk
// offset def, compiling it on first use in the chunk. ref is where the
// instance that wants it sits: problems with the definition's place point
// there, problems inside it point inside it.
func (s *Scratch) template(c []byte, def, ref int) ([]op, error) {
	if def < 0 || def > len(c)-24 {
		return nil, errAt(ref, "template definition offset 0x%x outside the chunk", def)
	}
	if e, ok := s.tmpls[uint32(def)]; ok {
		if e.err != nil {
			return nil, e.err
		}
		return s.tops[e.start:e.end], nil
	}
	e := tmplEntry{}
	size := int(binary.LittleEndian.Uint32(c[def+20:]))
	body := def + 24
	if size > len(c)-body {
		e.err = errAt(def, "template definition at 0x%x of %d bytes runs past the end of the chunk", def, size)
		s.tmpls[uint32(def)] = e
		return nil, e.err
	}
	s.compiled += size
	if s.compiled > maxCompileFactor*len(c) {
		// Real chunks hold each template definition and each record once;
		// only overlapping fakes or repeated references add up to this.
		return nil, errBudget
	}
	start := len(s.tops)
	s.opsLimit = start + maxTemplateOps
	x := compiler{s: s, c: c, pos: body, end: body + size, ops: &s.tops}
	err := x.fragment(0)
	if err != nil {
		s.tops = s.tops[:start]
		e.err = err.(*parseError)
		s.tmpls[uint32(def)] = e
		return nil, err
	}
	if len(s.tops) == start || s.tops[start].kind != opStart {
		// A template is one element; nothing here means the definition was
		// zeroed or overwritten.
		s.tops = s.tops[:start]
		e.err = errAt(def, "template definition at 0x%x holds no element (overwritten?)", def)
		s.tmpls[uint32(def)] = e
		return nil, e.err
	}
	e.start, e.end = int32(start), int32(len(s.tops))
	s.tmpls[uint32(def)] = e
	return s.tops[start:], nil
}

// compileFragment compiles the record-lifetime BinXML c[start:end]. Its
// bytes count against the chunk's compile budget with the templates': a
// template may refer to one BinXML value many times.
func (s *Scratch) compileFragment(c []byte, start, end int) ([]op, error) {
	s.compiled += end - start
	if s.compiled > maxCompileFactor*len(c) {
		return nil, errBudget
	}
	base := len(s.rops)
	s.opsLimit = base + maxTemplateOps
	x := compiler{s: s, c: c, pos: start, end: end, ops: &s.rops}
	if err := x.fragment(0); err != nil {
		return nil, err
	}
	return s.rops[base:], nil
}
