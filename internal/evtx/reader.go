// Package evtx reads Windows EVTX event log files into winevent.Events.
//
// It is written for hunting on copies of servers' logs, which are often
// dirty (copied while the service was writing), damaged or planted by an
// attacker. So every chunk is read on its own (chunks can be read in
// parallel, each caller with its own Scratch), damage is reported as a
// Problem naming the file offset and record, and reading goes on with the
// next record or chunk. Every size read from the file is checked before use
// and the work per chunk is bounded, whatever the bytes say.
//
// Speed comes from compiling each BinXML template once per chunk into a
// flat list of steps whose elements are already classified (which one is
// System/EventID, which is an EventData/Data, ...), so that a record is
// rendered by walking a few dozen steps with its substitution values, and
// only the values that become event fields are formatted at all.
//
// What becomes of an event: System's Provider@Name, EventID (its text;
// Qualifiers ignored), Level, TimeCreated@SystemTime (else the record
// header's time), EventRecordID (else the record header's id), Channel and
// Computer fill the winevent.Event fields; EventData <Data Name="X">
// becomes Field{X, text}, an unnamed <Data> Field{"", text}, <Binary> and
// other leaf elements Field{element name, text}; under UserData every leaf
// element below the wrapper becomes Field{element name, text}. An array
// value in an element of its own repeats the element (several fields of one
// name), as Windows renders it.
//
// Values are formatted as libevtx's evtxexport prints them, so that the two
// can be compared field by field in tests: decimal integers, hex types as
// 0x plus 8 or 16 lower-case digits, size_t decimal, floats as
// -1.500000e+000, booleans true/false, binary as upper-case hex, GUIDs
// {XXXXXXXX-XXXX-...} in upper case, SIDs S-1-..., FILETIME as
// 2006-01-02T15:04:05.123456700Z (nine fraction digits), SYSTEMTIME with
// three, strings up to their first NUL, 8-bit strings in code page 1252.
// Where evtxexport 20181227 is wrong (negative integers, float rounding,
// -Inf, very large FILETIMEs) the true value is printed (values_test.go).
package evtx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// File layout constants.
const (
	fileHeaderSize  = 4096
	chunkSize       = 65536
	chunkHeaderSize = 512
	recordHeader    = 24
)

// Signatures of the file header, chunks and records.
const (
	fileMagic   = "ElfFile\x00"
	chunkMagic  = "ElfChnk\x00"
	recordMagic = "\x2a\x2a\x00\x00"
)

// ErrNotEVTX is returned by NewReader for input that has neither the file
// header magic nor a chunk magic at any chunk position.
var ErrNotEVTX = errors.New("evtx: not an EVTX file (no file or chunk signature)")

// Header is what the file header claims. Nothing in it is trusted for
// reading: chunks are found by position and records by their own headers.
type Header struct {
	Magic        bool // "ElfFile\x00" present; the other fields are zero without it
	FirstChunk   uint64
	LastChunk    uint64
	NextRecordID uint64
	HeaderSize   uint32
	MinorVersion uint16
	MajorVersion uint16
	BlockSize    uint16
	ChunkCount   uint16
	Flags        uint32
	Dirty        bool // flag 1: the log was not closed cleanly (a live copy)
	Full         bool // flag 2
	CRCOK        bool // the CRC32 of bytes 0-120 matches
}

// Problem is damage or an oddity found while reading.
type Problem struct {
	Offset  int64  // file offset
	Record  uint64 // record id when known, else 0
	Message string
}

func (p Problem) String() string {
	if p.Record != 0 {
		return fmt.Sprintf("offset 0x%x (record %d): %s", p.Offset, p.Record, p.Message)
	}
	return fmt.Sprintf("offset 0x%x: %s", p.Offset, p.Message)
}

// Location is where a record sits in the file.
type Location struct {
	Offset   int64  // file offset of the record header
	RecordID uint64 // the record header's id
}

// IDRun is a run of consecutive record ids, First to Last inclusive.
type IDRun struct{ First, Last uint64 }

// ChunkResult is what reading one chunk found.
type ChunkResult struct {
	Offset int64
	// Empty is an all-zero chunk (allocated, never written): not a problem.
	Empty bool
	// FirstID and LastID are the ids of the first and last record found, in
	// file order; Runs lists the runs of consecutive ids in file order, so
	// that the caller can find gaps across chunks. A record whose header is
	// intact counts even when its event could not be decoded (it is then
	// in Skipped and in Problems): its id is in the file.
	FirstID, LastID uint64
	Runs            []IDRun
	// Records counts events passed to visit; Skipped counts records whose
	// event could not be decoded plus damaged byte ranges passed over.
	Records, Skipped int
	// Slack counts well-framed records found after the end of the chunk's
	// records (where the header's free space starts): stale records from
	// an earlier use of the chunk. They are not decoded.
	Slack    int
	Problems []Problem
}

// Reader reads one EVTX file. Its methods may be called concurrently.
type Reader struct {
	r        io.ReaderAt
	size     int64
	header   Header
	chunks   int
	problems []Problem
}

// NewReader checks the file header and counts the chunks. It fails only
// when the input is not EVTX at all; a damaged header is a Problem and the
// chunks are then found by their magic.
func NewReader(r io.ReaderAt, size int64) (*Reader, error) {
	if size < 0 {
		return nil, fmt.Errorf("evtx: negative file size %d", size)
	}
	rd := &Reader{r: r, size: size}
	if size > fileHeaderSize {
		rd.chunks = int((size - fileHeaderSize + chunkSize - 1) / chunkSize)
	}
	h := make([]byte, min(size, fileHeaderSize))
	if n, err := r.ReadAt(h, 0); n < len(h) {
		return nil, fmt.Errorf("evtx: reading the file header: %w", err)
	}
	if len(h) >= 8 && string(h[:8]) == fileMagic {
		rd.readHeader(h)
		return rd, nil
	}
	// No file header: accept the file if any chunk position holds a chunk.
	found := false
	var m [8]byte
	for i := 0; i < rd.chunks && !found; i++ {
		off := fileHeaderSize + int64(i)*chunkSize
		if n, _ := r.ReadAt(m[:], off); n == 8 && string(m[:]) == chunkMagic {
			found = true
		}
	}
	if !found {
		return nil, ErrNotEVTX
	}
	rd.problem(0, "no file header signature (ElfFile): header ignored, chunks found by their own signature")
	return rd, nil
}

func (rd *Reader) problem(off int64, format string, args ...any) {
	rd.problems = append(rd.problems, Problem{Offset: off, Message: fmt.Sprintf(format, args...)})
}

func (rd *Reader) readHeader(h []byte) {
	le := binary.LittleEndian
	hd := &rd.header
	hd.Magic = true
	if len(h) < 128 {
		rd.problem(0, "file ends inside the file header (%d bytes)", len(h))
		return
	}
	hd.FirstChunk = le.Uint64(h[8:])
	hd.LastChunk = le.Uint64(h[16:])
	hd.NextRecordID = le.Uint64(h[24:])
	hd.HeaderSize = le.Uint32(h[32:])
	hd.MinorVersion = le.Uint16(h[36:])
	hd.MajorVersion = le.Uint16(h[38:])
	hd.BlockSize = le.Uint16(h[40:])
	hd.ChunkCount = le.Uint16(h[42:])
	hd.Flags = le.Uint32(h[120:])
	hd.Dirty = hd.Flags&1 != 0
	hd.Full = hd.Flags&2 != 0
	hd.CRCOK = le.Uint32(h[124:]) == crc32.ChecksumIEEE(h[:120])
	if !hd.CRCOK {
		rd.problem(124, "file header CRC32 mismatch: the header was altered or damaged")
	}
	if hd.MajorVersion != 3 {
		rd.problem(38, "file format version %d.%d (expected 3.x)", hd.MajorVersion, hd.MinorVersion)
	}
	if hd.HeaderSize != 128 || hd.BlockSize != fileHeaderSize {
		rd.problem(32, "file header claims header size %d and block size %d (expected 128 and 4096)", hd.HeaderSize, hd.BlockSize)
	}
	if len(h) < fileHeaderSize {
		rd.problem(int64(len(h)), "file ends inside the file header (%d bytes)", len(h))
	}
	// A live copy has more chunks than the header counts (the header is
	// updated late), so only fewer is worth a word: the file was cut.
	if hd.CRCOK && int(hd.ChunkCount) > rd.chunks {
		rd.problem(rd.size, "file holds %d chunks, its header counts %d: truncated copy?", rd.chunks, hd.ChunkCount)
	}
}

// Header returns what the file header claims.
func (rd *Reader) Header() Header { return rd.header }

// Chunks returns the number of chunk positions: every 64 KiB block after
// the 4 KiB header up to the end of the file (a last partial block too),
// whatever the header counts.
func (rd *Reader) Chunks() int { return rd.chunks }

// Problems returns the file-level problems found by NewReader.
func (rd *Reader) Problems() []Problem { return rd.problems }

// Size returns the file size given to NewReader.
func (rd *Reader) Size() int64 { return rd.size }
