// Package minidumptest writes small, structurally valid user-mode minidumps for tests, so that
// tests anywhere in the module can plant an lsass.exe dump, a w3wp.exe crash dump or a damaged
// one in a fake server disk without committing binary files. It is written from the published
// structure layouts (minidumpapiset.h); it copies no real dump.
//
// It does not import package minidump, so that package's own tests can use it.
//
// Layout written by Build (little-endian, every structure starting 4-byte aligned):
//
//	0x00  MINIDUMP_HEADER, 32 bytes: Signature "MDMP" (0x504d444d), Version 0xa793 | writer<<16,
//	      NumberOfStreams, StreamDirectoryRva = 0x20, CheckSum 0, TimeDateStamp, Flags (u64)
//	0x20  MINIDUMP_DIRECTORY[NumberOfStreams], 12 bytes each: StreamType, DataSize, Rva;
//	      in this order, each only when asked for: SystemInfo (7), MiscInfo (15),
//	      ModuleList (4), Memory64List (9)
//	then  SystemInfoStream: MINIDUMP_SYSTEM_INFO, 56 bytes (AMD64, Windows Server 2016 build
//	      14393), followed by its empty CSDVersion MINIDUMP_STRING (6 bytes, padded to 8)
//	then  MiscInfoStream: MINIDUMP_MISC_INFO, 24 bytes: SizeOfInfo 24, Flags1 = PROCESS_ID (1),
//	      ProcessId, zero times
//	then  ModuleListStream: NumberOfModules (u32), MINIDUMP_MODULE[], 108 bytes each:
//	      BaseOfImage u64, SizeOfImage, CheckSum, TimeDateStamp, ModuleNameRva at offset 20,
//	      VS_FIXEDFILEINFO (52 bytes, signature 0xfeef04bd), CvRecord, MiscRecord, 2 x u64
//	      reserved
//	then  one MINIDUMP_STRING per module: Length in bytes (u32, without terminator), UTF-16LE,
//	      a NUL terminator, zero padding to 4
//	then  Memory64ListStream: NumberOfMemoryRanges (u64) = 1, BaseRva (u64), one
//	      MINIDUMP_MEMORY_DESCRIPTOR64 (StartOfMemoryRange u64, DataSize u64), 32 bytes
//	then  the memory range's bytes at BaseRva (a repeating pattern)
package minidumptest

import (
	"encoding/binary"
	"time"
	"unicode/utf16"
)

// Sizes of the structures Build writes, for tests that damage its output at known places.
const (
	HeaderSize         = 32
	DirectoryEntrySize = 12
	ModuleSize         = 108
	MiscInfoSize       = 24
	SystemInfoSize     = 56
	Memory64ListSize   = 32 // with its one descriptor
	ModuleNameRVAOff   = 20 // offset of ModuleNameRva inside a MINIDUMP_MODULE
)

// Stream types Build writes.
const (
	StreamModuleList   = 4
	StreamSystemInfo   = 7
	StreamMemory64List = 9
	StreamMiscInfo     = 15
)

// Spec says what Build puts in a dump.
type Spec struct {
	// Modules are the full module paths; the first is the dumped process's executable. Empty
	// writes a ModuleListStream with no modules; NoModuleList leaves the stream out.
	Modules      []string
	NoModuleList bool
	// PID, when not 0, writes a MiscInfoStream naming it.
	PID uint32
	// SystemInfo writes a SystemInfoStream.
	SystemInfo bool
	// MemoryBytes, when > 0, writes a Memory64ListStream with one range of that many bytes.
	MemoryBytes int
	// Time is the header's TimeDateStamp; the zero Time writes 0.
	Time time.Time
	// Flags is the header's MINIDUMP_TYPE (2 = MiniDumpWithFullMemory, what LSASS dumpers use).
	Flags uint64
	// WriterVersion goes in the high 16 bits of the header's Version.
	WriterVersion uint16
}

// Layout says where Build put each part, for tests that damage the output.
type Layout struct {
	DirectoryRVA    uint32
	Streams         int    // directory entries written
	SystemInfoRVA   uint32 // 0 when not written
	MiscInfoRVA     uint32 // 0 when not written
	ModuleListRVA   uint32 // 0 when not written
	ModuleNameRVAs  []uint32
	Memory64ListRVA uint32 // 0 when not written
	MemoryRVA       uint32 // 0 when not written
}

// LSASS is the spec of a full-memory dump of lsass.exe as procdump -ma or comsvcs.dll MiniDump
// would leave it.
func LSASS() Spec {
	return Spec{
		Modules: []string{
			`C:\Windows\System32\lsass.exe`,
			`C:\Windows\SYSTEM32\ntdll.dll`,
			`C:\Windows\System32\KERNEL32.DLL`,
			`C:\Windows\system32\lsasrv.dll`,
			`C:\Windows\system32\msv1_0.DLL`,
			`C:\Windows\system32\kerberos.DLL`,
			`C:\Windows\system32\wdigest.DLL`,
		},
		PID:         652,
		SystemInfo:  true,
		MemoryBytes: 4096,
		Time:        time.Date(2021, 3, 3, 4, 12, 9, 0, time.UTC),
		Flags:       0x2,
	}
}

// W3WP is the spec of a crash dump of the IIS worker process, as Windows Error Reporting or a
// debugger leaves it.
func W3WP() Spec {
	return Spec{
		Modules: []string{
			`c:\windows\system32\inetsrv\w3wp.exe`,
			`C:\Windows\SYSTEM32\ntdll.dll`,
			`C:\Windows\System32\KERNEL32.DLL`,
			`c:\windows\system32\inetsrv\iiscore.dll`,
			`C:\Windows\Microsoft.NET\Framework64\v4.0.30319\clr.dll`,
		},
		PID:         7312,
		SystemInfo:  true,
		MemoryBytes: 1024,
		Time:        time.Date(2020, 11, 17, 22, 5, 41, 0, time.UTC),
		Flags:       0x1826,
	}
}

// Build writes the dump spec describes.
func Build(spec Spec) []byte {
	b, _ := BuildLayout(spec)
	return b
}

// BuildLayout writes the dump spec describes and says where it put each part.
func BuildLayout(spec Spec) ([]byte, Layout) {
	le := binary.LittleEndian
	var lay Layout
	type entry struct{ typ, size, rva uint32 }
	var dir []entry
	if spec.SystemInfo {
		dir = append(dir, entry{typ: StreamSystemInfo, size: SystemInfoSize})
	}
	if spec.PID != 0 {
		dir = append(dir, entry{typ: StreamMiscInfo, size: MiscInfoSize})
	}
	if !spec.NoModuleList {
		dir = append(dir, entry{typ: StreamModuleList, size: uint32(4 + ModuleSize*len(spec.Modules))})
	}
	if spec.MemoryBytes > 0 {
		dir = append(dir, entry{typ: StreamMemory64List, size: Memory64ListSize})
	}
	lay.DirectoryRVA = HeaderSize
	lay.Streams = len(dir)

	out := make([]byte, HeaderSize+DirectoryEntrySize*len(dir))
	le.PutUint32(out[0:], 0x504d444d)
	le.PutUint32(out[4:], 0xa793|uint32(spec.WriterVersion)<<16)
	le.PutUint32(out[8:], uint32(len(dir)))
	le.PutUint32(out[12:], HeaderSize)
	if !spec.Time.IsZero() {
		le.PutUint32(out[20:], uint32(spec.Time.Unix()))
	}
	le.PutUint64(out[24:], spec.Flags)

	align := func() {
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	for i := range dir {
		align()
		e := &dir[i]
		e.rva = uint32(len(out))
		switch e.typ {
		case StreamSystemInfo:
			lay.SystemInfoRVA = e.rva
			s := make([]byte, SystemInfoSize)
			le.PutUint16(s[0:], 9) // PROCESSOR_ARCHITECTURE_AMD64
			le.PutUint16(s[2:], 6) // ProcessorLevel
			s[6] = 4               // NumberOfProcessors
			s[7] = 3               // VER_NT_SERVER
			le.PutUint32(s[8:], 10)
			le.PutUint32(s[12:], 0)
			le.PutUint32(s[16:], 14393)
			le.PutUint32(s[20:], 2)                    // VER_PLATFORM_WIN32_NT
			le.PutUint32(s[24:], e.rva+SystemInfoSize) // CSDVersionRva: the empty string below
			le.PutUint16(s[28:], 0x0110)               // SuiteMask
			le.PutUint32(s[32:], 0x756e6547)           // CPU vendor "Genu"...
			out = append(out, s...)
			out = append(out, 0, 0, 0, 0, 0, 0, 0, 0) // MINIDUMP_STRING "" + NUL + padding
		case StreamMiscInfo:
			lay.MiscInfoRVA = e.rva
			s := make([]byte, MiscInfoSize)
			le.PutUint32(s[0:], MiscInfoSize)
			le.PutUint32(s[4:], 1) // MINIDUMP_MISC1_PROCESS_ID
			le.PutUint32(s[8:], spec.PID)
			out = append(out, s...)
		case StreamModuleList:
			lay.ModuleListRVA = e.rva
			list := make([]byte, 4+ModuleSize*len(spec.Modules))
			le.PutUint32(list, uint32(len(spec.Modules)))
			// Names go after the table; their RVAs are filled in as they are written.
			tableAt := len(out) + 4
			out = append(out, list...)
			for k := range spec.Modules {
				m := out[tableAt+k*ModuleSize : tableAt+(k+1)*ModuleSize]
				le.PutUint64(m[0:], 0x7ff6_1000_0000+uint64(k)*0x100_0000)
				le.PutUint32(m[8:], 0x10_0000)
				le.PutUint32(m[16:], 0x5f3a_0000+uint32(k))
				le.PutUint32(m[24:], 0xfeef04bd) // VS_FIXEDFILEINFO.dwSignature
				le.PutUint32(m[28:], 0x0001_0000)
			}
			for k, name := range spec.Modules {
				align()
				rva := uint32(len(out))
				lay.ModuleNameRVAs = append(lay.ModuleNameRVAs, rva)
				le.PutUint32(out[tableAt+k*ModuleSize+ModuleNameRVAOff:], rva)
				u := utf16.Encode([]rune(name))
				out = le.AppendUint32(out, uint32(2*len(u)))
				for _, c := range u {
					out = le.AppendUint16(out, c)
				}
				out = append(out, 0, 0)
			}
		case StreamMemory64List:
			lay.Memory64ListRVA = e.rva
			memAt := e.rva + Memory64ListSize
			lay.MemoryRVA = memAt
			out = le.AppendUint64(out, 1)
			out = le.AppendUint64(out, uint64(memAt))
			out = le.AppendUint64(out, 0x7ff6_2000_0000)
			out = le.AppendUint64(out, uint64(spec.MemoryBytes))
			for k := range spec.MemoryBytes {
				out = append(out, byte(k*7+k>>8))
			}
		}
	}
	for i, e := range dir {
		at := HeaderSize + DirectoryEntrySize*i
		le.PutUint32(out[at:], e.typ)
		le.PutUint32(out[at+4:], e.size)
		le.PutUint32(out[at+8:], e.rva)
	}
	return out, lay
}
