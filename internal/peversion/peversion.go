// Package peversion reads the version resource (VS_VERSIONINFO) of a Windows PE executable.
//
// It exists to learn a server's exact Exchange build from a copy of its disk: the file version
// of <Exchange install>\Bin\ExSetup.exe is the Exchange build number (for example 15.2.986.5
// for Exchange Server 2019, 15.1.2176.2 for Exchange Server 2016), which says which security
// updates the server had. Reading it from the image needs no Windows API and no trust in the
// registry, which an intruder may have edited.
//
// The file is hostile input (an attacker may control the disk): every offset and size read from
// it is checked against the section holding it and against the file size before anything is
// read, the resource tree is walked exactly three levels (type, name, language), so a directory
// that points back at itself cannot loop, the version data is at most 64 KiB (its length field
// is 16 bits) and string keys and values are capped. A malformed structure yields a
// *FormatError naming the file offset; nothing panics.
//
// Layout reference (little-endian):
//
//	IMAGE_RESOURCE_DIRECTORY        16 bytes: ..., NumberOfNamedEntries u16 at 12,
//	                                NumberOfIdEntries u16 at 14; then the entries, named first
//	IMAGE_RESOURCE_DIRECTORY_ENTRY  8 bytes: Name (bit 31: name string, else ID), OffsetToData
//	                                (bit 31: subdirectory, else data entry; offsets are relative
//	                                to the root of the resource directory)
//	IMAGE_RESOURCE_DATA_ENTRY       16 bytes: OffsetToData (an RVA), Size, CodePage, Reserved
//	version block                   wLength u16, wValueLength u16, wType u16 (1 text, 0 binary),
//	                                NUL-terminated UTF-16LE key, pad to 4, value, pad to 4,
//	                                children (each 4-byte aligned); alignment is relative to the
//	                                start of the version data
//	VS_VERSION_INFO                 value is VS_FIXEDFILEINFO, 52 bytes: dwSignature 0xFEEF04BD,
//	                                dwStrucVersion, dwFileVersionMS, dwFileVersionLS,
//	                                dwProductVersionMS, dwProductVersionLS, ...; children
//	                                StringFileInfo -> StringTable ("040904B0") -> String blocks
//	                                (value length counted in UTF-16 units), and VarFileInfo
package peversion

import (
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
)

// RTVersion is the resource type ID of a version resource.
const RTVersion = 16

// Caps on what a hostile file can make Read handle.
const (
	maxDirEntries = 4096 // entries looked at in one resource directory
	maxKeyUnits   = 128  // UTF-16 units of a block key
	maxValueUnits = 4096 // UTF-16 units of a string value
	maxStrings    = 512  // strings kept across all StringTables
	maxBlocks     = 4096 // blocks visited in the version data
)

var (
	// ErrNotPE is returned when the file is not a PE image debug/pe can open.
	ErrNotPE = errors.New("peversion: not a PE file")
	// ErrNoVersion is returned when the file has no resource directory or no RT_VERSION
	// resource in it.
	ErrNoVersion = errors.New("peversion: no version resource")
	// ErrBadSignature is returned when VS_FIXEDFILEINFO's signature is not 0xFEEF04BD.
	ErrBadSignature = errors.New("peversion: VS_FIXEDFILEINFO signature is not 0xFEEF04BD")
)

// FormatError reports a truncated or malformed structure at a file offset.
type FormatError struct {
	Offset int64  // file offset of the structure or field at fault
	Msg    string // what is wrong
	Err    error  // a sentinel such as ErrBadSignature, or nil
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("peversion: at file offset %#x: %s", e.Offset, e.Msg)
}

func (e *FormatError) Unwrap() error { return e.Err }

// Info is what Read found in the version resource.
type Info struct {
	FileVersion    [4]uint16 // VS_FIXEDFILEINFO file version: major, minor, build, revision
	ProductVersion [4]uint16 // VS_FIXEDFILEINFO product version
	// Strings holds the StringFileInfo pairs (FileVersion, ProductVersion, ProductName,
	// CompanyName, OriginalFilename, FileDescription, ...). With several StringTables the
	// first one to hold a key wins. It is never nil after a successful Read.
	Strings map[string]string
}

// String returns the file version in dotted form, e.g. "15.1.2176.2".
func (i Info) String() string { return FormatVersion(i.FileVersion) }

// FormatVersion returns v in dotted form, e.g. "15.2.986.5".
func FormatVersion(v [4]uint16) string {
	b := make([]byte, 0, 24)
	for k, p := range v {
		if k > 0 {
			b = append(b, '.')
		}
		b = strconv.AppendUint(b, uint64(p), 10)
	}
	return string(b)
}

// Read parses the PE file in r (size bytes long) and returns its version resource: the first
// name, first language of resource type RT_VERSION. Nothing beyond size is read.
func Read(r io.ReaderAt, size int64) (Info, error) {
	if size < 0 {
		return Info{}, fmt.Errorf("%w: negative size %d", ErrNotPE, size)
	}
	sr := io.NewSectionReader(r, 0, size)
	f, err := pe.NewFile(sr)
	if err != nil {
		return Info{}, fmt.Errorf("%w: %v", ErrNotPE, err)
	}
	var dd pe.DataDirectory
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		if oh.NumberOfRvaAndSizes > pe.IMAGE_DIRECTORY_ENTRY_RESOURCE {
			dd = oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE]
		}
	case *pe.OptionalHeader64:
		if oh.NumberOfRvaAndSizes > pe.IMAGE_DIRECTORY_ENTRY_RESOURCE {
			dd = oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE]
		}
	}
	if dd.VirtualAddress == 0 {
		return Info{}, fmt.Errorf("%w: no resource directory", ErrNoVersion)
	}
	im := &image{r: sr, size: size, sections: f.Sections}
	data, off, err := im.findVersion(dd.VirtualAddress)
	if err != nil {
		return Info{}, err
	}
	return parseVersionInfo(data, off)
}

// image maps relative virtual addresses to the file through the section table.
type image struct {
	r        io.ReaderAt
	size     int64
	sections []*pe.Section
}

// read returns n bytes at rva, all of which must lie in one section's raw data and in the file.
func (im *image) read(rva uint32, n uint32, what string) ([]byte, int64, error) {
	for _, s := range im.sections {
		if rva < s.VirtualAddress {
			continue
		}
		delta := uint64(rva - s.VirtualAddress)
		avail := uint64(s.Size) // raw bytes in the file; beyond VirtualSize the loader maps nothing
		if s.VirtualSize != 0 && uint64(s.VirtualSize) < avail {
			avail = uint64(s.VirtualSize)
		}
		if delta >= avail {
			continue
		}
		off := int64(s.Offset) + int64(delta)
		if delta+uint64(n) > avail {
			return nil, off, &FormatError{Offset: off, Msg: fmt.Sprintf("%s (%d bytes at RVA %#x) runs past the end of section %q", what, n, rva, s.Name)}
		}
		if off+int64(n) > im.size {
			return nil, off, &FormatError{Offset: off, Msg: fmt.Sprintf("%s (%d bytes) runs past the end of the file (%d bytes)", what, n, im.size)}
		}
		b := make([]byte, n)
		if _, err := im.r.ReadAt(b, off); err != nil {
			return nil, off, &FormatError{Offset: off, Msg: fmt.Sprintf("reading %s: %v", what, err)}
		}
		return b, off, nil
	}
	return nil, -1, &FormatError{Offset: -1, Msg: fmt.Sprintf("%s at RVA %#x lies in no section's file data", what, rva)}
}

// dirEntry is one IMAGE_RESOURCE_DIRECTORY_ENTRY.
type dirEntry struct {
	name, target uint32
	off          int64 // file offset of the entry
}

func (e dirEntry) isDir() bool { return e.target&0x80000000 != 0 }

// entries reads the directory at offset rel (relative to the resource root at root).
func (im *image) entries(root, rel uint32, level string) ([]dirEntry, error) {
	rva := uint64(root) + uint64(rel)
	if rva > 0xFFFFFFFF-16 {
		return nil, &FormatError{Offset: -1, Msg: fmt.Sprintf("%s directory offset %#x overflows", level, rel)}
	}
	h, off, err := im.read(uint32(rva), 16, level+" directory")
	if err != nil {
		return nil, err
	}
	n := uint32(binary.LittleEndian.Uint16(h[12:])) + uint32(binary.LittleEndian.Uint16(h[14:]))
	if n == 0 {
		return nil, nil
	}
	if n > maxDirEntries {
		return nil, &FormatError{Offset: off, Msg: fmt.Sprintf("%s directory has %d entries (cap %d)", level, n, maxDirEntries)}
	}
	b, _, err := im.read(uint32(rva)+16, 8*n, level+" directory entries")
	if err != nil {
		return nil, err
	}
	es := make([]dirEntry, n)
	for i := range es {
		es[i] = dirEntry{
			name:   binary.LittleEndian.Uint32(b[8*i:]),
			target: binary.LittleEndian.Uint32(b[8*i+4:]),
			off:    off + 16 + int64(8*i),
		}
	}
	return es, nil
}

// findVersion walks type -> name -> language, exactly three levels, and returns the data of the
// first language of the first name of RT_VERSION with its file offset.
func (im *image) findVersion(root uint32) ([]byte, int64, error) {
	types, err := im.entries(root, 0, "root")
	if err != nil {
		return nil, 0, err
	}
	var e *dirEntry
	for i := range types {
		if types[i].name == RTVersion { // an ID entry; named entries have bit 31 set
			e = &types[i]
			break
		}
	}
	if e == nil {
		return nil, 0, fmt.Errorf("%w: no RT_VERSION entry among %d resource types", ErrNoVersion, len(types))
	}
	for _, level := range []string{"name", "language"} {
		if !e.isDir() {
			return nil, 0, &FormatError{Offset: e.off, Msg: fmt.Sprintf("RT_VERSION entry leads to data where a %s directory belongs", level)}
		}
		es, err := im.entries(root, e.target&0x7FFFFFFF, level)
		if err != nil {
			return nil, 0, err
		}
		if len(es) == 0 {
			return nil, 0, fmt.Errorf("%w: empty %s directory under RT_VERSION", ErrNoVersion, level)
		}
		e = &es[0]
	}
	if e.isDir() {
		return nil, 0, &FormatError{Offset: e.off, Msg: "RT_VERSION language entry leads to a fourth directory level (a loop or a malformed tree)"}
	}
	rva := uint64(root) + uint64(e.target)
	if rva > 0xFFFFFFFF-16 {
		return nil, 0, &FormatError{Offset: e.off, Msg: fmt.Sprintf("data entry offset %#x overflows", e.target)}
	}
	de, deOff, err := im.read(uint32(rva), 16, "resource data entry")
	if err != nil {
		return nil, 0, err
	}
	dataRVA := binary.LittleEndian.Uint32(de[0:])
	n := binary.LittleEndian.Uint32(de[4:])
	if n > 0xFFFF { // VS_VERSIONINFO.wLength is 16 bits; real data is never larger
		n = 0xFFFF
	}
	if n < 6 {
		return nil, 0, &FormatError{Offset: deOff, Msg: fmt.Sprintf("version resource is %d bytes, too short for a block header", n)}
	}
	return im.read(dataRVA, n, "version resource data")
}

// parser reads version blocks from the resource data b, found at file offset base.
type parser struct {
	b      []byte
	base   int64
	blocks int
	info   Info
}

func (p *parser) errf(pos int, format string, a ...any) error {
	return &FormatError{Offset: p.base + int64(pos), Msg: fmt.Sprintf(format, a...)}
}

// block is one version block's header and where its parts lie in p.b.
type block struct {
	start, end   int // the block, end = start + wLength
	valueLen     int // wValueLength as stored
	typ          uint16
	key          string
	value        int // offset of the value
	childrenFrom int // offset of the first child (value end, aligned)
}

// parseBlock reads the block at pos, which must end by limit.
func (p *parser) parseBlock(pos, limit int) (block, error) {
	p.blocks++
	if p.blocks > maxBlocks {
		return block{}, p.errf(pos, "more than %d version blocks", maxBlocks)
	}
	if pos+6 > limit {
		return block{}, p.errf(pos, "block header truncated (%d bytes left)", limit-pos)
	}
	le := binary.LittleEndian
	bl := block{start: pos}
	wLen := int(le.Uint16(p.b[pos:]))
	bl.valueLen = int(le.Uint16(p.b[pos+2:]))
	bl.typ = le.Uint16(p.b[pos+4:])
	if wLen < 6 {
		return block{}, p.errf(pos, "block length %d is shorter than its header", wLen)
	}
	if pos+wLen > limit {
		return block{}, p.errf(pos, "block length %d runs past its container (%d bytes left)", wLen, limit-pos)
	}
	bl.end = pos + wLen
	key, next, ok := utf16z(p.b[:bl.end], pos+6, maxKeyUnits)
	if !ok {
		return block{}, p.errf(pos+6, "block key not NUL-terminated within %d units and the block", maxKeyUnits)
	}
	bl.key = key
	bl.value = min(align4(next), bl.end)
	vbytes := bl.valueLen
	if bl.typ == 1 {
		vbytes *= 2 // text values are counted in UTF-16 units
	}
	bl.childrenFrom = min(align4(bl.value+vbytes), bl.end)
	return bl, nil
}

// children calls fn for each child block of bl.
func (p *parser) children(bl block, fn func(block) error) error {
	for pos := bl.childrenFrom; pos < bl.end; {
		c, err := p.parseBlock(pos, bl.end)
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
		pos = align4(c.end) // wLength >= 6, so this always moves forward
	}
	return nil
}

func parseVersionInfo(b []byte, base int64) (Info, error) {
	p := &parser{b: b, base: base, info: Info{Strings: map[string]string{}}}
	root, err := p.parseBlock(0, len(b))
	if err != nil {
		return Info{}, err
	}
	if root.key != "VS_VERSION_INFO" {
		return Info{}, p.errf(6, "root block key is %q, not VS_VERSION_INFO", root.key)
	}
	if root.valueLen < 52 || root.value+52 > root.end {
		return Info{}, p.errf(root.value, "VS_FIXEDFILEINFO missing or truncated (value length %d)", root.valueLen)
	}
	fx := b[root.value:]
	le := binary.LittleEndian
	if sig := le.Uint32(fx); sig != 0xFEEF04BD {
		return Info{}, &FormatError{Offset: base + int64(root.value), Msg: fmt.Sprintf("VS_FIXEDFILEINFO signature %#x, want 0xfeef04bd", sig), Err: ErrBadSignature}
	}
	split := func(ms, ls uint32) [4]uint16 {
		return [4]uint16{uint16(ms >> 16), uint16(ms), uint16(ls >> 16), uint16(ls)}
	}
	p.info.FileVersion = split(le.Uint32(fx[8:]), le.Uint32(fx[12:]))
	p.info.ProductVersion = split(le.Uint32(fx[16:]), le.Uint32(fx[20:]))
	// Root value is binary whatever wType says; skip exactly its 52+ bytes.
	root.childrenFrom = min(align4(root.value+root.valueLen), root.end)

	err = p.children(root, func(sfi block) error {
		if sfi.key != "StringFileInfo" {
			return nil // VarFileInfo or unknown: nothing we need
		}
		return p.children(sfi, func(table block) error {
			return p.children(table, p.addString)
		})
	})
	if err != nil {
		return Info{}, err
	}
	return p.info, nil
}

// addString records one String block. Its value runs from the aligned end of the key to the
// end of the block and stops at the first NUL: some resource compilers store wValueLength in
// bytes, not units, so the NUL and the block length are what is trusted.
func (p *parser) addString(s block) error {
	if len(p.info.Strings) >= maxStrings {
		return p.errf(s.start, "more than %d version strings", maxStrings)
	}
	limit := s.end
	if s.valueLen == 0 {
		limit = s.value
	}
	v, _, _ := utf16z(p.b[:limit], s.value, maxValueUnits)
	if _, dup := p.info.Strings[s.key]; !dup {
		p.info.Strings[s.key] = v
	}
	return nil
}

// utf16z decodes UTF-16LE from b[pos:] up to a NUL, at most max units, and returns the text and
// the offset after the NUL. ok is false when no NUL came first; the text is then what was read.
func utf16z(b []byte, pos, max int) (s string, next int, ok bool) {
	var u []uint16
	for i := pos; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			return string(utf16.Decode(u)), i + 2, true
		}
		if len(u) == max {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u)), len(b), false
}

func align4(n int) int { return (n + 3) &^ 3 }
