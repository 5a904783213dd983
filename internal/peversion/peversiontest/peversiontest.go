// Package peversiontest writes small, structurally valid PE32+ executables whose .rsrc section
// holds a version resource, so tests can read a version without committing Microsoft binaries.
// It is written from the published PE/COFF and VS_VERSIONINFO layouts; it copies no real file.
//
// It does not import package peversion, so that package's own tests can use it.
//
// File layout written by Build (little-endian):
//
//	0x000  DOS header "MZ", e_lfanew = 0x40
//	0x040  "PE\0\0", COFF header (AMD64, 2 sections, SizeOfOptionalHeader 0xF0)
//	0x058  PE32+ optional header, 16 data directories; [2] (resource) = .rsrc RVA and size
//	0x148  section headers: .text (RVA 0x1000, file 0x200), .rsrc (RVA 0x2000, file 0x400)
//	0x200  .text: one RET and zero padding
//	0x400  .rsrc (RsrcOffset), laid out as:
//	       +0   root IMAGE_RESOURCE_DIRECTORY (16 bytes), then its ID entries (8 bytes each):
//	            RT_VERSION (16) when Spec.Versions is not empty, then RT_MANIFEST (24)
//	       then per type: a name directory with one ID entry (1), then a language directory with
//	            one entry per language; then the IMAGE_RESOURCE_DATA_ENTRY records (16 bytes);
//	            then the data blobs, each 8-byte aligned
//	       the section's raw size is padded to FileAlignment (0x200)
package peversiontest

import (
	"encoding/binary"
	"unicode/utf16"
)

// Layout constants, for tests that damage Build's output at known places.
const (
	RsrcOffset = 0x400  // file offset of the .rsrc section's raw data
	RsrcRVA    = 0x2000 // its relative virtual address
	// RootEntries is the offset, inside .rsrc, of the root directory's first entry.
	RootEntries = 16
	// FixedSignature is VS_FIXEDFILEINFO.dwSignature.
	FixedSignature = 0xFEEF04BD
)

// String is one key/value pair of a StringTable.
type String struct{ Key, Value string }

// Version is the version resource written for one language.
type Version struct {
	Lang           uint16    // language ID of the resource directory entry; 0 writes 0x409
	FileVersion    [4]uint16 // VS_FIXEDFILEINFO dwFileVersionMS/LS
	ProductVersion [4]uint16 // dwProductVersionMS/LS
	Signature      uint32    // dwSignature; 0 writes FixedSignature
	Tables         []Table   // StringTables; nil writes none
}

// Table is one StringTable, keyed by language and code page in hex ("040904B0").
type Table struct {
	Key     string
	Strings []String
}

// Spec says what Build writes.
type Spec struct {
	// Versions are the language entries of the RT_VERSION resource, in order. None writes a
	// resource section with only an RT_MANIFEST.
	Versions []Version
}

// Build returns the bytes of a PE32+ file described by s.
func Build(s Spec) []byte {
	rsrc := buildRsrc(s)
	rawRsrc := align(len(rsrc), 0x200)
	out := make([]byte, RsrcOffset+rawRsrc)
	le := binary.LittleEndian

	copy(out, "MZ")
	le.PutUint32(out[0x3C:], 0x40)
	copy(out[0x40:], "PE\x00\x00")
	fh := out[0x44:]
	le.PutUint16(fh[0:], 0x8664) // Machine AMD64
	le.PutUint16(fh[2:], 2)      // NumberOfSections
	le.PutUint32(fh[4:], 0x5F000000)
	le.PutUint16(fh[16:], 0xF0)   // SizeOfOptionalHeader
	le.PutUint16(fh[18:], 0x0022) // EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE

	oh := out[0x58:]
	le.PutUint16(oh[0:], 0x20B)                                     // PE32+
	oh[2] = 14                                                      // linker version
	le.PutUint32(oh[4:], 0x200)                                     // SizeOfCode
	le.PutUint32(oh[8:], uint32(rawRsrc))                           // SizeOfInitializedData
	le.PutUint32(oh[16:], 0x1000)                                   // AddressOfEntryPoint
	le.PutUint32(oh[20:], 0x1000)                                   // BaseOfCode
	le.PutUint64(oh[24:], 0x140000000)                              // ImageBase
	le.PutUint32(oh[32:], 0x1000)                                   // SectionAlignment
	le.PutUint32(oh[36:], 0x200)                                    // FileAlignment
	le.PutUint16(oh[40:], 6)                                        // OS version
	le.PutUint16(oh[48:], 6)                                        // subsystem version
	le.PutUint32(oh[56:], uint32(RsrcRVA+align(len(rsrc), 0x1000))) // SizeOfImage
	le.PutUint32(oh[60:], 0x200)                                    // SizeOfHeaders
	le.PutUint16(oh[68:], 3)                                        // console subsystem
	le.PutUint16(oh[70:], 0x8160)                                   // DllCharacteristics
	le.PutUint64(oh[72:], 0x100000)                                 // stack reserve
	le.PutUint64(oh[80:], 0x1000)                                   // stack commit
	le.PutUint64(oh[88:], 0x100000)                                 // heap reserve
	le.PutUint64(oh[96:], 0x1000)                                   // heap commit
	le.PutUint32(oh[108:], 16)                                      // NumberOfRvaAndSizes
	le.PutUint32(oh[112+2*8:], RsrcRVA)                             // DataDirectory[RESOURCE]
	le.PutUint32(oh[112+2*8+4:], uint32(len(rsrc)))

	sh := out[0x148:]
	section(sh, ".text", 1, 0x1000, 0x200, 0x200, 0x60000020)
	section(sh[40:], ".rsrc", len(rsrc), RsrcRVA, rawRsrc, RsrcOffset, 0x40000040)
	out[0x200] = 0xC3
	copy(out[RsrcOffset:], rsrc)
	return out
}

func section(b []byte, name string, vsize, rva, rawSize, rawOff int, chars uint32) {
	le := binary.LittleEndian
	copy(b[0:8], name)
	le.PutUint32(b[8:], uint32(vsize))
	le.PutUint32(b[12:], uint32(rva))
	le.PutUint32(b[16:], uint32(rawSize))
	le.PutUint32(b[20:], uint32(rawOff))
	le.PutUint32(b[36:], chars)
}

type blob struct {
	lang uint16
	data []byte
}

// buildRsrc lays out the resource tree described in the package comment.
func buildRsrc(s Spec) []byte {
	type typ struct {
		id    uint32
		blobs []blob
	}
	var types []typ
	if len(s.Versions) > 0 {
		t := typ{id: 16}
		for _, v := range s.Versions {
			lang := v.Lang
			if lang == 0 {
				lang = 0x409
			}
			t.blobs = append(t.blobs, blob{lang, VersionInfo(v)})
		}
		types = append(types, t)
	}
	types = append(types, typ{id: 24, blobs: []blob{{0x409, []byte("<assembly/>")}}})

	le := binary.LittleEndian
	var out []byte
	dir := func(n int) int { // appends a directory with n ID entries, returns its offset
		off := len(out)
		out = append(out, make([]byte, 16+8*n)...)
		le.PutUint16(out[off+14:], uint16(n))
		return off
	}
	root := dir(len(types))
	var dataEntries []int // offset of each data entry's OffsetToData field, in blob order
	var blobs [][]byte
	for i, t := range types {
		nameDir := dir(1)
		le.PutUint32(out[root+16+8*i:], t.id)
		le.PutUint32(out[root+16+8*i+4:], 0x80000000|uint32(nameDir))
		langDir := dir(len(t.blobs))
		le.PutUint32(out[nameDir+16:], 1)
		le.PutUint32(out[nameDir+20:], 0x80000000|uint32(langDir))
		for j, b := range t.blobs {
			le.PutUint32(out[langDir+16+8*j:], uint32(b.lang))
			dataEntries = append(dataEntries, langDir+16+8*j+4) // filled below
			blobs = append(blobs, b.data)
		}
	}
	entryOffs := make([]int, len(blobs))
	for i := range blobs {
		entryOffs[i] = len(out)
		out = append(out, make([]byte, 16)...)
		le.PutUint32(out[dataEntries[i]:], uint32(entryOffs[i]))
	}
	for i, b := range blobs {
		out = append(out, make([]byte, align(len(out), 8)-len(out))...)
		le.PutUint32(out[entryOffs[i]:], uint32(RsrcRVA+len(out)))
		le.PutUint32(out[entryOffs[i]+4:], uint32(len(b)))
		le.PutUint32(out[entryOffs[i]+8:], 1200) // code page: UTF-16LE
		out = append(out, b...)
	}
	return out
}

// VersionInfo returns the VS_VERSIONINFO structure for v, as stored in the resource data.
func VersionInfo(v Version) []byte {
	le := binary.LittleEndian
	fixed := make([]byte, 52)
	sig := v.Signature
	if sig == 0 {
		sig = FixedSignature
	}
	le.PutUint32(fixed[0:], sig)
	le.PutUint32(fixed[4:], 0x00010000) // dwStrucVersion
	le.PutUint32(fixed[8:], uint32(v.FileVersion[0])<<16|uint32(v.FileVersion[1]))
	le.PutUint32(fixed[12:], uint32(v.FileVersion[2])<<16|uint32(v.FileVersion[3]))
	le.PutUint32(fixed[16:], uint32(v.ProductVersion[0])<<16|uint32(v.ProductVersion[1]))
	le.PutUint32(fixed[20:], uint32(v.ProductVersion[2])<<16|uint32(v.ProductVersion[3]))
	le.PutUint32(fixed[24:], 0x3F)       // FileFlagsMask
	le.PutUint32(fixed[32:], 0x00040004) // VOS_NT_WINDOWS32
	le.PutUint32(fixed[36:], 1)          // VFT_APP

	var children [][]byte
	if len(v.Tables) > 0 {
		var tables [][]byte
		for _, t := range v.Tables {
			var strs [][]byte
			for _, s := range t.Strings {
				val := utf16z(s.Value)
				strs = append(strs, Block(s.Key, 1, val, uint16(len(val)/2), nil))
			}
			tables = append(tables, Block(t.Key, 1, nil, 0, strs))
		}
		children = append(children, Block("StringFileInfo", 1, nil, 0, tables))
	}
	tr := make([]byte, 4)
	le.PutUint16(tr[0:], 0x409)
	le.PutUint16(tr[2:], 1200)
	children = append(children, Block("VarFileInfo", 1, nil, 0, [][]byte{Block("Translation", 0, tr, 4, nil)}))
	return Block("VS_VERSION_INFO", 0, fixed, 52, children)
}

// Block returns one version-resource block: wLength, wValueLength, wType, the NUL-terminated
// UTF-16LE key, padding to 4 and the value (when there is one), then the children, each after
// padding to 4. wLength counts no trailing padding: the parent pads before the next child.
// It is exported so tests can build damaged blocks.
func Block(key string, typ uint16, value []byte, valueLen uint16, children [][]byte) []byte {
	b := make([]byte, 6)
	b = append(b, utf16z(key)...)
	if len(value) > 0 {
		b = pad4(b)
		b = append(b, value...)
	}
	for _, c := range children {
		b = pad4(b)
		b = append(b, c...)
	}
	le := binary.LittleEndian
	le.PutUint16(b[0:], uint16(len(b)))
	le.PutUint16(b[2:], valueLen)
	le.PutUint16(b[4:], typ)
	return b
}

func utf16z(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u)+2)
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

func pad4(b []byte) []byte { return append(b, make([]byte, align(len(b), 4)-len(b))...) }

func align(n, a int) int { return (n + a - 1) / a * a }
