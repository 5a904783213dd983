// Package minidump recognises Windows memory dumps found on a copy of a server's disk and reads
// just enough of a user-mode minidump to say whose memory it holds.
//
// It exists because the most damaging step after an Exchange compromise is dumping LSASS
// (procdump, comsvcs.dll MiniDump, Task Manager) to take credentials away, and that leaves a
// .dmp file that looks exactly like the crash dumps Windows and IIS write for w3wp.exe. File
// names are chosen by the attacker; the module list inside the dump is written by the dumping
// API and names the dumped process's executable first. Reading it lets the hunt tell an LSASS
// credential dump from a crash dump without trusting the name. Kernel dumps (PAGEDUMP,
// PAGEDU64) are written by the system itself and are only recognised, not parsed.
//
// Every dump is hostile input: counts, offsets and lengths come from the file, so each is
// checked against the size of the file and against the fixed caps below before anything is read
// or allocated, and every loop is bounded by one of those caps. What could not be read is
// reported in Info.Problems instead of failing the whole file.
//
// Layout reference (all little-endian, structures packed to 4 bytes):
//
//	MINIDUMP_HEADER      32 bytes: Signature "MDMP", Version (low 16 bits 0xa793),
//	                     NumberOfStreams, StreamDirectoryRva, CheckSum, TimeDateStamp, Flags (u64)
//	MINIDUMP_DIRECTORY   12 bytes: StreamType, DataSize, Rva
//	ModuleListStream (4): NumberOfModules (u32), then MINIDUMP_MODULE[] of 108 bytes each;
//	                     ModuleNameRva at offset 20 of a module
//	MINIDUMP_STRING      Length in bytes (u32, without the terminator), then UTF-16LE
//	MiscInfoStream (15): SizeOfInfo, Flags1, ProcessId (valid when Flags1 & 1), ...
//	SystemInfoStream (7): ProcessorArchitecture (u16) ..., MajorVersion at 8, MinorVersion at
//	                     12, BuildNumber at 16
package minidump

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf16"
)

// Caps on what Inspect reads from a dump. Real dumps stay far below them: dbghelp writes about
// 10 to 20 streams, a busy w3wp.exe loads a few hundred modules and a module path is under 260
// characters.
const (
	// MaxStreams is how many directory entries are read, whatever NumberOfStreams says.
	MaxStreams = 64
	// MaxModules is how many entries of the module list are read.
	MaxModules = 4096
	// MaxNameBytes is how many bytes of one module name are read (512 UTF-16 code units).
	MaxNameBytes = 1024
	// MaxNameBytesTotal is how many name bytes are read for all modules together, so a list of
	// MaxModules entries all pointing at huge names costs at most this much.
	MaxNameBytesTotal = 1 << 20
	// MaxProblems is how many problems are kept in Info.Problems; one more line counts the rest.
	MaxProblems = 32
)

// SniffLen is how many leading bytes Sniff needs to recognise every kind.
const SniffLen = 8

// Sizes of the structures Inspect reads.
const (
	headerSize    = 32
	dirEntrySize  = 12
	moduleSize    = 108
	moduleNameOff = 20
	miscInfoSize  = 24 // MINIDUMP_MISC_INFO; later versions only append fields
	sysInfoSize   = 56
)

const (
	signature      = 0x504d444d // "MDMP" read as a little-endian uint32
	versionLow     = 0xa793     // MINIDUMP_VERSION, the low 16 bits of Version
	miscProcessID  = 0x1        // MINIDUMP_MISC1_PROCESS_ID in MiscInfo Flags1
	minMiscForPID  = 12         // SizeOfInfo, Flags1, ProcessId
	minSysForBuild = 20         // up to and including BuildNumber
)

// ErrNotMinidump is returned by Inspect when the data does not start with a user-mode minidump
// header (too short, wrong signature or wrong version).
var ErrNotMinidump = errors.New("minidump: not a user-mode minidump")

// Kind is what the first bytes of a file say it is.
type Kind uint8

// The kinds Sniff tells apart.
const (
	KindNone     Kind = iota // not a memory dump
	KindMinidump             // user-mode minidump: "MDMP", version 0xa793 (LSASS dumps, crash dumps)
	KindKernel32             // 32-bit kernel dump: "PAGEDUMP"
	KindKernel64             // 64-bit kernel dump: "PAGEDU64"
)

// String names the kind with a short stable token for reports.
func (k Kind) String() string {
	switch k {
	case KindNone:
		return "none"
	case KindMinidump:
		return "minidump"
	case KindKernel32:
		return "kernel-dump-32"
	case KindKernel64:
		return "kernel-dump-64"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// IsKernel reports whether k is a kernel (whole-system) dump.
func (k Kind) IsKernel() bool { return k == KindKernel32 || k == KindKernel64 }

// Sniff says what kind of dump head (the first bytes of a file, at least SniffLen of them to
// recognise anything) starts. A minidump needs both the "MDMP" signature and the 0xa793 version
// in the low 16 bits of the next uint32, as dbghelp checks; the high 16 bits are the writer's own
// and are ignored.
func Sniff(head []byte) Kind {
	if len(head) < SniffLen {
		return KindNone
	}
	if binary.LittleEndian.Uint32(head) == signature && binary.LittleEndian.Uint32(head[4:])&0xffff == versionLow {
		return KindMinidump
	}
	switch string(head[:8]) {
	case "PAGEDU64":
		return KindKernel64
	case "PAGEDUMP":
		return KindKernel32
	}
	return KindNone
}

// StreamType is a MINIDUMP_STREAM_TYPE.
type StreamType uint32

// The stream types this package reads or reports.
const (
	StreamUnused       StreamType = 0
	StreamThreadList   StreamType = 3
	StreamModuleList   StreamType = 4
	StreamMemoryList   StreamType = 5
	StreamException    StreamType = 6
	StreamSystemInfo   StreamType = 7
	StreamMemory64List StreamType = 9
	StreamHandleData   StreamType = 12
	StreamMiscInfo     StreamType = 15
)

// String names the well-known stream types and gives the number of the others.
func (t StreamType) String() string {
	switch t {
	case StreamUnused:
		return "Unused"
	case StreamThreadList:
		return "ThreadList"
	case StreamModuleList:
		return "ModuleList"
	case StreamMemoryList:
		return "MemoryList"
	case StreamException:
		return "Exception"
	case StreamSystemInfo:
		return "SystemInfo"
	case StreamMemory64List:
		return "Memory64List"
	case StreamHandleData:
		return "HandleData"
	case StreamMiscInfo:
		return "MiscInfo"
	}
	return fmt.Sprintf("stream(%d)", uint32(t))
}

// Stream is one entry of the stream directory, as written (not checked against the file).
type Stream struct {
	Type StreamType
	Size uint32 // DataSize
	RVA  uint32 // offset from the start of the file
}

// SystemInfo is the part of the SystemInfoStream the hunt reports.
type SystemInfo struct {
	Present               bool
	ProcessorArchitecture uint16 // 9 = AMD64, 0 = x86, 12 = ARM64
	MajorVersion          uint32
	MinorVersion          uint32
	BuildNumber           uint32 // 14393 = Windows Server 2016, 17763 = 2019
}

// Info is what Inspect read from a user-mode minidump.
type Info struct {
	// SignatureOK is set when the header has the "MDMP" signature and the 0xa793 version.
	SignatureOK bool
	// Version is the header's whole Version field (the high 16 bits are the writer's).
	Version uint32
	// Streams is NumberOfStreams as written; Directory holds the entries read.
	Streams      uint32
	DirectoryRVA uint32
	Directory    []Stream
	// Time is the header's TimeDateStamp (when the dump was written), UTC; zero when 0.
	Time time.Time
	// Flags is the header's MINIDUMP_TYPE (0x2 = MiniDumpWithFullMemory).
	Flags uint64
	// ProcessID is the dumped process's id from the MiscInfoStream, valid when HasProcessID.
	ProcessID    uint32
	HasProcessID bool
	// ModuleCount is NumberOfModules as written in the ModuleListStream; Modules holds the paths
	// read, in list order, "" where a name could not be read. The first is the executable.
	ModuleCount uint32
	Modules     []string
	System      SystemInfo
	// Problems lists what did not add up and which caps were hit, in the order found.
	Problems []string
}

// MainModule is the full path of the dumped process's executable (the first module), or "".
func (in Info) MainModule() string {
	if len(in.Modules) == 0 {
		return ""
	}
	return in.Modules[0]
}

// ProcessName is the lower-case base name of the main module ("lsass.exe"), or "". Both `\`
// and `/` separate folders, since either may appear in a path an attacker's tool wrote.
func (in Info) ProcessName() string {
	return strings.ToLower(baseName(in.MainModule()))
}

// HasStream reports whether the directory read holds a non-empty stream of type t.
func (in Info) HasStream(t StreamType) bool {
	for _, s := range in.Directory {
		if s.Type == t && s.Size > 0 {
			return true
		}
	}
	return false
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `\/`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// problem notes what did not add up, keeping at most MaxProblems lines: a file can be built to
// make every one of MaxModules names fail.
func (d *dump) problem(format string, args ...any) {
	if len(d.info.Problems) >= MaxProblems {
		d.omitted++
		return
	}
	d.info.Problems = append(d.info.Problems, fmt.Sprintf(format, args...))
}

// Inspect reads the header, stream directory, module list, MiscInfo and SystemInfo streams of
// the user-mode minidump held in r, whose length is size. It never reads at or past size.
//
// It returns ErrNotMinidump (with SignatureOK false) when there is no minidump header, and a
// wrapped I/O error when r fails for a reason other than io.EOF; in both cases Info holds what
// was read before. Everything else wrong with the file (offsets outside it, counts past the
// caps, overlapping streams, short reads when size overstates the data) is listed in
// Info.Problems and the rest is still read.
func Inspect(r io.ReaderAt, size int64) (Info, error) {
	d := &dump{r: r, size: size}
	err := d.inspect()
	if d.omitted > 0 {
		d.info.Problems = append(d.info.Problems, fmt.Sprintf("%d more problems not listed", d.omitted))
	}
	if err == nil && d.err != nil {
		err = fmt.Errorf("minidump: reading: %w", d.err)
	}
	return d.info, err
}

// dump is the state of one Inspect call.
type dump struct {
	r         io.ReaderAt
	size      int64
	info      Info
	err       error // first I/O error other than io.EOF; stops further reads
	nameBytes int   // name bytes read so far, against MaxNameBytesTotal
	omitted   int   // problems past MaxProblems
}

// read returns the n bytes at off, or false when they are not all inside the file or could not
// be read. n is always bounded by a cap by the caller.
func (d *dump) read(off int64, n int) ([]byte, bool) {
	if d.err != nil || off < 0 || n < 0 || off > d.size || int64(n) > d.size-off {
		return nil, false
	}
	b := make([]byte, n)
	got, err := d.r.ReadAt(b, off)
	if got == n {
		return b, true // io.ReaderAt may return io.EOF with a full read
	}
	if err != nil && !errors.Is(err, io.EOF) {
		d.err = err
	}
	return nil, false
}

// avail is how many bytes of s lie inside the file.
func (d *dump) avail(s Stream) int64 {
	end := int64(s.RVA) + int64(s.Size)
	if int64(s.RVA) >= d.size {
		return 0
	}
	return min(end, d.size) - int64(s.RVA)
}

func (d *dump) inspect() error {
	in := &d.info
	h, ok := d.read(0, headerSize)
	if !ok {
		if d.err != nil {
			return fmt.Errorf("minidump: reading header: %w", d.err)
		}
		return ErrNotMinidump
	}
	le := binary.LittleEndian
	in.Version = le.Uint32(h[4:])
	if le.Uint32(h) != signature || in.Version&0xffff != versionLow {
		return ErrNotMinidump
	}
	in.SignatureOK = true
	in.Streams = le.Uint32(h[8:])
	in.DirectoryRVA = le.Uint32(h[12:])
	if ts := le.Uint32(h[20:]); ts != 0 {
		in.Time = time.Unix(int64(ts), 0).UTC()
	}
	in.Flags = le.Uint64(h[24:])

	d.directory()
	d.checkOverlaps()

	// The first stream of each type is the one read: dbghelp writes each once, and a second
	// copy can only be planted to make two readers disagree.
	readers := map[StreamType]func(int, Stream){StreamModuleList: d.modules, StreamMiscInfo: d.miscInfo, StreamSystemInfo: d.systemInfo}
	seen := map[StreamType]bool{}
	for i, s := range in.Directory {
		read, ok := readers[s.Type]
		if !ok {
			continue
		}
		if seen[s.Type] {
			d.problem("stream %d: second %s stream ignored", i, s.Type)
			continue
		}
		seen[s.Type] = true
		read(i, s)
	}
	if !seen[StreamModuleList] {
		d.problem("no ModuleList stream: the dumped process is not named")
	}
	return nil
}

// directory reads at most MaxStreams entries, and no more than fit in the file.
func (d *dump) directory() {
	in := &d.info
	n := int64(in.Streams)
	if n > MaxStreams {
		d.problem("header lists %d streams; read the first %d", in.Streams, MaxStreams)
		n = MaxStreams
	}
	rva := int64(in.DirectoryRVA)
	if rva < headerSize && n > 0 {
		d.problem("stream directory at %#x overlaps the header", rva)
	}
	if fit := max(0, d.size-rva) / dirEntrySize; n > fit {
		d.problem("stream directory at %#x: room in the file for %d of %d entries", rva, fit, n)
		n = fit
	}
	if n == 0 {
		return
	}
	b, ok := d.read(rva, int(n)*dirEntrySize)
	if !ok {
		d.problem("stream directory at %#x could not be read", rva)
		return
	}
	in.Directory = make([]Stream, 0, n)
	for i := range int(n) {
		e := b[i*dirEntrySize:]
		s := Stream{
			Type: StreamType(binary.LittleEndian.Uint32(e)),
			Size: binary.LittleEndian.Uint32(e[4:]),
			RVA:  binary.LittleEndian.Uint32(e[8:]),
		}
		if s.Size > 0 && int64(s.RVA)+int64(s.Size) > d.size {
			d.problem("stream %d (%s) at %#x+%d runs past the end of the file (%d bytes)", i, s.Type, s.RVA, s.Size, d.size)
		}
		in.Directory = append(in.Directory, s)
	}
}

// checkOverlaps notes the first pair of non-empty streams sharing bytes, or a stream over the
// header or directory. dbghelp never writes such files; a crafted one may, to show one reader a
// different module list than another.
func (d *dump) checkOverlaps() {
	in := &d.info
	dirEnd := int64(in.DirectoryRVA) + int64(len(in.Directory))*dirEntrySize
	for i, a := range in.Directory {
		if a.Size == 0 {
			continue
		}
		aEnd := int64(a.RVA) + int64(a.Size)
		if int64(a.RVA) < headerSize || (int64(a.RVA) < dirEnd && aEnd > int64(in.DirectoryRVA)) {
			d.problem("stream %d (%s) at %#x+%d overlaps the header or directory", i, a.Type, a.RVA, a.Size)
			return
		}
		for j := i + 1; j < len(in.Directory); j++ {
			b := in.Directory[j]
			if b.Size == 0 {
				continue
			}
			if int64(a.RVA) < int64(b.RVA)+int64(b.Size) && int64(b.RVA) < aEnd {
				d.problem("streams %d (%s) and %d (%s) overlap", i, a.Type, j, b.Type)
				return
			}
		}
	}
}

// modules reads the module list of stream s (index i in the directory).
func (d *dump) modules(i int, s Stream) {
	in := &d.info
	avail := d.avail(s)
	if avail < 4 {
		d.problem("stream %d (ModuleList) at %#x+%d holds no module count", i, s.RVA, s.Size)
		return
	}
	b, ok := d.read(int64(s.RVA), 4)
	if !ok {
		d.problem("stream %d (ModuleList): count could not be read", i)
		return
	}
	in.ModuleCount = binary.LittleEndian.Uint32(b)
	start := int64(s.RVA) + 4
	// Some 64-bit writers pad the count to 8 bytes (breakpad accepts the same); the size then
	// says so exactly.
	if int64(s.Size) == 8+int64(in.ModuleCount)*moduleSize {
		start += 4
	}
	n := int64(in.ModuleCount)
	if n > MaxModules {
		d.problem("module list holds %d modules; read the first %d", in.ModuleCount, MaxModules)
		n = MaxModules
	}
	if fit := (int64(s.RVA) + avail - start) / moduleSize; n > fit {
		d.problem("module list holds %d modules; room in the stream and file for %d", in.ModuleCount, max(fit, 0))
		n = max(fit, 0)
	}
	if n == 0 {
		return
	}
	table, ok := d.read(start, int(n)*moduleSize)
	if !ok {
		d.problem("module list at %#x could not be read", start)
		return
	}
	in.Modules = make([]string, 0, n)
	for k := range int(n) {
		rva := binary.LittleEndian.Uint32(table[k*moduleSize+moduleNameOff:])
		in.Modules = append(in.Modules, d.name(k, rva))
	}
}

// name reads the MINIDUMP_STRING at rva: a byte length, then UTF-16LE. The length decides the
// end; a terminator is not needed and a NUL inside ends the name early, as for the Windows API
// that would use it.
func (d *dump) name(k int, rva uint32) string {
	if d.nameBytes >= MaxNameBytesTotal {
		if d.nameBytes == MaxNameBytesTotal {
			d.problem("module %d: %d bytes of names read; later names skipped", k, MaxNameBytesTotal)
			d.nameBytes++ // say it once
		}
		return ""
	}
	b, ok := d.read(int64(rva), 4)
	if !ok {
		d.problem("module %d: name at %#x is outside the file", k, rva)
		return ""
	}
	n := int64(binary.LittleEndian.Uint32(b))
	if n%2 != 0 {
		d.problem("module %d: name length %d is odd", k, n)
		n--
	}
	if n > MaxNameBytes {
		d.problem("module %d: name of %d bytes cut to %d", k, n, MaxNameBytes)
		n = MaxNameBytes
	}
	if room := (d.size - int64(rva) - 4) &^ 1; n > room {
		d.problem("module %d: name of %d bytes at %#x runs past the end of the file", k, n, rva)
		n = max(room, 0)
	}
	n = min(n, int64(MaxNameBytesTotal-d.nameBytes)&^1)
	d.nameBytes += int(n)
	if n == 0 {
		return ""
	}
	b, ok = d.read(int64(rva)+4, int(n))
	if !ok {
		d.problem("module %d: name at %#x could not be read", k, rva)
		return ""
	}
	return decodeName(b)
}

// decodeName turns UTF-16LE into UTF-8 up to the first NUL. Unpaired surrogates and control
// characters become U+FFFD: the name ends up in reports and terminals, and no real path holds
// them.
func decodeName(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	rs := utf16.Decode(u)
	for i, r := range rs {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			rs[i] = '\uFFFD'
		}
	}
	return string(rs)
}

func (d *dump) miscInfo(i int, s Stream) {
	in := &d.info
	avail := d.avail(s)
	if avail < minMiscForPID {
		d.problem("stream %d (MiscInfo) at %#x+%d is too short for a process id", i, s.RVA, s.Size)
		return
	}
	b, ok := d.read(int64(s.RVA), int(min(avail, miscInfoSize)))
	if !ok {
		d.problem("stream %d (MiscInfo) could not be read", i)
		return
	}
	if binary.LittleEndian.Uint32(b[4:])&miscProcessID != 0 {
		in.ProcessID = binary.LittleEndian.Uint32(b[8:])
		in.HasProcessID = true
	}
}

func (d *dump) systemInfo(i int, s Stream) {
	in := &d.info
	avail := d.avail(s)
	if avail < minSysForBuild {
		d.problem("stream %d (SystemInfo) at %#x+%d is too short", i, s.RVA, s.Size)
		return
	}
	b, ok := d.read(int64(s.RVA), int(min(avail, sysInfoSize)))
	if !ok {
		d.problem("stream %d (SystemInfo) could not be read", i)
		return
	}
	le := binary.LittleEndian
	in.System = SystemInfo{
		Present:               true,
		ProcessorArchitecture: le.Uint16(b),
		MajorVersion:          le.Uint32(b[8:]),
		MinorVersion:          le.Uint32(b[12:]),
		BuildNumber:           le.Uint32(b[16:]),
	}
}
