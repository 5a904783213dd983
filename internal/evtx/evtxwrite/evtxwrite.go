// Package evtxwrite writes valid Windows EVTX event log files for tests:
// file header, chunks, records and BinXML with templates.
//
// It exists because the project cannot commit event logs taken from other
// systems, yet the EVTX reader and the hunt rules need real files to read.
// Tests build their fixtures with this package and check them against an
// independent reader (libevtx's evtxexport).
//
// Files look like Windows' own (the layout was taken from real logs):
//   - Every record is a template instance of one System template, whose
//     last value is a BinXML value holding a second template instance for
//     the EventData or UserData part.
//   - Within a chunk, a template is defined inline at its first use and
//     later records refer to it by offset; names (element and attribute
//     names) are likewise defined once per chunk and shared, and the
//     chunk's string hash table links them. Options.Inline turns sharing
//     off (every record carries its own definitions and names), which
//     every reader must handle too.
//   - Manifest-style EventData is <Data Name="...">%n</Data> per field;
//     events whose fields are all unnamed (classic providers such as
//     MSExchange CmdletLogs) get one <Data> with a string array, as
//     Windows writes them, and Binary becomes <Binary>.
//
// Record (below Event) writes any BinXML document, for tests of readers:
// every token and value type, plain BinXML without templates, nested
// instances.
//
// Limits, all deliberate to keep the writer small:
//   - The chunk template table stays zero (its bucketing is undocumented
//     and no reader uses it); the string table is filled.
//   - Times are stored as FILETIME, so they are truncated to 100 ns.
//   - A record id that is not the previous one + 1 starts a new chunk,
//     because libevtx calls chunks with non-consecutive ids corrupted.
//   - Strings are UTF-16LE with surrogate pairs for characters outside the
//     BMP; evtxexport 20181227 mis-decodes those, so its checks use BMP text.
//   - A record must fit in one chunk (about 64 KiB); larger ones are an error.
//   - Files are written clean (no dirty or full flag) and never wrap around.
//   - No events gives a header-only file: evtxexport reads it as "no
//     records", but evtxinfo calls it corrupted.
package evtxwrite

import (
	"crypto/md5"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sort"
	"time"
	"unicode/utf16"
)

// Event is one event record to write.
type Event struct {
	Provider    string
	EventID     uint16
	Qualifiers  uint16 // written only when not 0 (classic providers)
	Level       uint8
	TimeCreated time.Time
	// RecordID is the event record identifier; 0 means "previous + 1"
	// (starting at 1), so callers only set it to make gaps or jumps.
	RecordID  uint64
	Computer  string
	Channel   string
	ProcessID uint32
	ThreadID  uint32
	UserID    string // a SID such as S-1-5-18; empty leaves Security@UserID out
	// Data becomes <EventData><Data Name="...">value</Data>...</EventData>;
	// a Field with an empty Name is an unnamed <Data>.
	Data []Field
	// Binary, when not nil, is EventData <Binary> (hex in renderings).
	Binary []byte
	// UserData, when not nil, replaces EventData.
	UserData *UserData
}

// Field is one EventData <Data Name=Name>Value</Data> element, or one
// UserData leaf element.
type Field struct{ Name, Value string }

// UserData is <UserData><Name xmlns=Namespace><F.Name>F.Value</F.Name>...
// </Name></UserData>, as Security 1102 (LogFileCleared) and System 104 use.
type UserData struct {
	Name      string
	Namespace string
	Fields    []Field
}

// Options change how files are written.
type Options struct {
	// Inline gives every record its own template definitions and names
	// instead of sharing them within the chunk.
	Inline bool
}

const (
	fileHeaderSize  = 4096 // the header occupies a full block
	chunkSize       = 65536
	chunkHeaderSize = 512 // 128-byte header + string table + template table
	recordHeader    = 24  // magic, size, record id, written time
	eventNamespace  = "http://schemas.microsoft.com/win/2004/08/events/event"
)

// ErrRecordTooLarge reports an event whose record cannot fit in one chunk.
var ErrRecordTooLarge = errors.New("evtxwrite: event record does not fit in a chunk")

// Write writes a complete EVTX file holding events to w.
func Write(w io.Writer, events []Event) error { return WriteOptions(w, events, Options{}) }

// WriteOptions is Write with options.
func WriteOptions(w io.Writer, events []Event, opts Options) error {
	recs := make([]Record, len(events))
	tc := templates{}
	for i := range events {
		recs[i] = events[i].record(tc)
	}
	return WriteRecords(w, recs, opts)
}

// WriteRecords writes a complete EVTX file holding recs. It buffers the
// chunks in memory because the file header, which comes first, needs the
// chunk count; use NewWriter to stream large files to a seekable writer.
func WriteRecords(w io.Writer, recs []Record, opts Options) error {
	var chunks [][]byte
	b := chunkBuilder{opts: opts, keys: keyCache{}, emit: func(c []byte) error {
		chunks = append(chunks, c)
		return nil
	}}
	for i := range recs {
		if err := b.add(&recs[i]); err != nil {
			return err
		}
	}
	if err := b.flush(); err != nil {
		return err
	}
	if _, err := w.Write(fileHeader(len(chunks), b.nextID)); err != nil {
		return err
	}
	for _, c := range chunks {
		if _, err := w.Write(c); err != nil {
			return err
		}
	}
	return nil
}

// Writer streams events to a seekable destination, one chunk in memory at a
// time, so benchmarks can generate files of any size. The file header is
// rewritten by Close once the chunk count is known.
type Writer struct {
	w      io.WriteSeeker
	b      chunkBuilder
	tc     templates
	chunks int
	err    error
}

// NewWriter starts an EVTX file at the current position of w (normally 0).
func NewWriter(w io.WriteSeeker) (*Writer, error) { return NewWriterOptions(w, Options{}) }

// NewWriterOptions is NewWriter with options.
func NewWriterOptions(w io.WriteSeeker, opts Options) (*Writer, error) {
	wr := &Writer{w: w, tc: templates{}}
	wr.b.opts = opts
	wr.b.keys = keyCache{}
	wr.b.emit = func(c []byte) error {
		wr.chunks++
		_, err := w.Write(c)
		return err
	}
	// Placeholder header; Close writes the real one.
	if _, err := w.Write(make([]byte, fileHeaderSize)); err != nil {
		return nil, err
	}
	return wr, nil
}

// Add appends one event. After an error the Writer keeps returning it.
func (wr *Writer) Add(e Event) error {
	return wr.AddRecord(e.record(wr.tc))
}

// AddRecord appends one record.
func (wr *Writer) AddRecord(r Record) error {
	if wr.err != nil {
		return wr.err
	}
	wr.err = wr.b.add(&r)
	return wr.err
}

// Close writes the last chunk and the file header and leaves w positioned
// at the end of the file. It does not close w; a second Close is an error.
func (wr *Writer) Close() error {
	if wr.err != nil {
		return wr.err
	}
	if wr.err = wr.b.flush(); wr.err != nil {
		return wr.err
	}
	end, err := wr.w.Seek(0, io.SeekCurrent)
	if err != nil {
		wr.err = err
		return err
	}
	start := end - fileHeaderSize - int64(wr.chunks)*chunkSize
	if _, err := wr.w.Seek(start, io.SeekStart); err != nil {
		wr.err = err
		return err
	}
	if _, err := wr.w.Write(fileHeader(wr.chunks, wr.b.nextID)); err != nil {
		wr.err = err
		return err
	}
	if _, err := wr.w.Seek(end, io.SeekStart); err != nil {
		wr.err = err
		return err
	}
	// Further Add or Close calls would corrupt the finished file.
	wr.err = errors.New("evtxwrite: writer closed")
	return nil
}

// fileHeader builds the 4096-byte file header for a file of n chunks.
func fileHeader(n int, nextID uint64) []byte {
	h := make([]byte, fileHeaderSize)
	le := binary.LittleEndian
	copy(h, "ElfFile\x00")
	le.PutUint64(h[8:], 0) // first chunk number
	last := uint64(0)
	if n > 0 {
		last = uint64(n - 1)
	}
	le.PutUint64(h[16:], last)
	if nextID == 0 {
		nextID = 1
	}
	le.PutUint64(h[24:], nextID)
	le.PutUint32(h[32:], 128) // header size
	le.PutUint16(h[36:], 1)   // minor version
	le.PutUint16(h[38:], 3)   // major version
	le.PutUint16(h[40:], fileHeaderSize)
	le.PutUint16(h[42:], uint16(n)) // number of chunks (wraps past 65535, as in Windows)
	le.PutUint32(h[120:], 0)        // flags: clean, not full
	le.PutUint32(h[124:], crc32.ChecksumIEEE(h[:120]))
	return h
}

// chunkBuilder fills one chunk at a time and hands finished chunks to emit.
type chunkBuilder struct {
	opts    Options
	keys    keyCache
	emit    func([]byte) error
	chunk   []byte // nil when no chunk is open
	free    int    // offset of the free space in chunk
	lastOff int    // offset of the last record in chunk
	firstID uint64
	lastID  uint64
	nextID  uint64 // next record id to assign; 0 before the first event
	shared  sharing
}

// sharing is what the open chunk has defined: name and template offsets.
type sharing struct {
	names     map[string]int
	templates map[string]int
	// added lists the keys registered while encoding the current record,
	// so that a record that does not fit can be taken back.
	addedNames, addedTemplates []string
}

func (sh *sharing) reset() {
	sh.names = map[string]int{}
	sh.templates = map[string]int{}
	sh.addedNames, sh.addedTemplates = nil, nil
}

func (sh *sharing) rollback() {
	for _, k := range sh.addedNames {
		delete(sh.names, k)
	}
	for _, k := range sh.addedTemplates {
		delete(sh.templates, k)
	}
	sh.addedNames, sh.addedTemplates = nil, nil
}

func (b *chunkBuilder) add(r *Record) error {
	id := r.ID
	if id == 0 {
		id = b.nextID
		if id == 0 {
			id = 1
		}
	}
	// libevtx reports a chunk whose record ids are not consecutive as
	// corrupted, so a jump in ids (how tests model deleted records)
	// starts a new chunk instead.
	if b.chunk != nil && id != b.lastID+1 {
		if err := b.flush(); err != nil {
			return err
		}
	}
	if b.chunk != nil {
		rec, ok, err := b.buildRecord(r, id)
		if err != nil {
			return err
		}
		if ok {
			b.put(rec, id)
			return nil
		}
		if err := b.flush(); err != nil {
			return err
		}
	}
	b.open(id)
	rec, ok, err := b.buildRecord(r, id)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: record id %d", ErrRecordTooLarge, id)
	}
	b.put(rec, id)
	return nil
}

func (b *chunkBuilder) open(id uint64) {
	b.chunk = make([]byte, chunkSize)
	b.free = chunkHeaderSize
	b.firstID = id
	b.shared.reset()
}

func (b *chunkBuilder) put(rec []byte, id uint64) {
	copy(b.chunk[b.free:], rec)
	b.lastOff = b.free
	b.free += len(rec)
	b.lastID = id
	b.nextID = id + 1
	b.shared.addedNames, b.shared.addedTemplates = nil, nil
}

// flush finishes the open chunk (string table, header fields and both
// CRC32s) and emits it.
func (b *chunkBuilder) flush() error {
	c := b.chunk
	if c == nil {
		return nil
	}
	b.chunk = nil
	le := binary.LittleEndian
	copy(c, "ElfChnk\x00")
	// Record numbers and identifiers are the same thing in files that
	// never wrapped, which is all this package writes.
	le.PutUint64(c[8:], b.firstID)
	le.PutUint64(c[16:], b.lastID)
	le.PutUint64(c[24:], b.firstID)
	le.PutUint64(c[32:], b.lastID)
	le.PutUint32(c[40:], 128)
	le.PutUint32(c[44:], uint32(b.lastOff))
	le.PutUint32(c[48:], uint32(b.free))
	b.stringTable(c)
	le.PutUint32(c[52:], crc32.ChecksumIEEE(c[chunkHeaderSize:b.free]))
	// The header CRC covers bytes 0-120 and 128-512, skipping the flags
	// and the CRC itself.
	crc := crc32.Update(0, crc32.IEEETable, c[:120])
	crc = crc32.Update(crc, crc32.IEEETable, c[128:chunkHeaderSize])
	le.PutUint32(c[124:], crc)
	return b.emit(c)
}

// stringTable fills the 64 buckets at 128 (by name hash modulo 64), each
// the head of a chain linked through the names' "next" fields.
func (b *chunkBuilder) stringTable(c []byte) {
	le := binary.LittleEndian
	offs := make([]int, 0, len(b.shared.names))
	for _, off := range b.shared.names {
		offs = append(offs, off)
	}
	sort.Ints(offs)
	for _, off := range offs {
		bucket := int(le.Uint16(c[off+4:])) % 64
		le.PutUint32(c[off:], le.Uint32(c[128+4*bucket:]))
		le.PutUint32(c[128+4*bucket:], uint32(off))
	}
}

// buildRecord encodes r as a record at the free offset of the open chunk.
// It reports false when the record would run past the end of the chunk
// (the chunk's sharing state is then as before).
func (b *chunkBuilder) buildRecord(r *Record, id uint64) ([]byte, bool, error) {
	off := b.free
	doc := r.Doc
	if in, ok := doc.(*Instance); ok && r.event {
		vals := append([]Value(nil), in.Values...)
		vals[subRecordID] = Uint64(id)
		doc = &Instance{Template: in.Template, Values: vals}
	}
	x := encoder{base: off + recordHeader, sh: &b.shared, inline: b.opts.Inline, keys: b.keys}
	x.fragment()
	if err := x.doc(doc); err != nil {
		b.shared.rollback()
		return nil, false, err
	}
	x.u8(tokEOF)
	// Windows pads records to a multiple of 8 bytes (zeros after the
	// BinXML, before the size copy).
	size := (recordHeader + len(x.buf) + 4 + 7) &^ 7
	// A record ending exactly at the end of the chunk is valid, but
	// libevtx 20181227 drops it; never fill a chunk completely.
	if off+size >= chunkSize {
		b.shared.rollback()
		return nil, false, nil
	}
	rec := make([]byte, size)
	le := binary.LittleEndian
	copy(rec, "\x2a\x2a\x00\x00")
	le.PutUint32(rec[4:], uint32(size))
	le.PutUint64(rec[8:], id)
	le.PutUint64(rec[16:], filetime(r.Written))
	copy(rec[recordHeader:], x.buf)
	le.PutUint32(rec[size-4:], uint32(size))
	return rec, true, nil
}

// filetime converts t to 100-ns intervals since 1601-01-01 UTC. It goes
// through Unix seconds because UnixNano overflows outside 1678-2262; times
// before 1601 (including the zero Time) become 0.
func filetime(t time.Time) uint64 {
	const secs1601To1970 = 11644473600
	s := t.Unix() + secs1601To1970
	if s < 0 {
		return 0
	}
	return uint64(s)*10000000 + uint64(t.Nanosecond()/100)
}

func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(u))
	for _, c := range u {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return b
}

// md5GUID derives a stable GUID-sized value from s.
func md5GUID(s string) []byte {
	sum := md5.Sum([]byte(s))
	return sum[:]
}
