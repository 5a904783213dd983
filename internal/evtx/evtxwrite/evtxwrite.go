// Package evtxwrite writes small, valid Windows EVTX event log files for
// tests: file header, chunks, records and BinXML with templates.
//
// It exists because the project cannot commit event logs taken from other
// systems, yet the EVTX reader and the hunt rules need real files to read.
// Tests build their fixtures with this package and check them against an
// independent reader (libevtx's evtxexport).
//
// Limits, all deliberate to keep the writer small:
//   - Every record carries its own inline template definition (no template
//     or string sharing between records, the chunk string and template
//     tables stay zero). Files are therefore larger than Windows' own, but
//     every reader must handle inline definitions anyway.
//   - Only one event shape is written: System with Provider Name, EventID,
//     Level, TimeCreated SystemTime, EventRecordID, Channel and Computer,
//     then EventData with <Data Name="...">value</Data> string fields.
//     No UserData, Security, Execution, Keywords or Provider GUID.
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
	"time"
	"unicode/utf16"
)

// Event is one event record to write.
type Event struct {
	Provider    string
	EventID     uint16
	Level       uint8
	TimeCreated time.Time
	// RecordID is the event record identifier; 0 means "previous + 1"
	// (starting at 1), so callers only set it to make gaps or jumps.
	RecordID uint64
	Computer string
	Channel  string
	// Data becomes <EventData><Data Name="...">value</Data>...</EventData>.
	Data []Field
}

// Field is one EventData <Data Name=Name>Value</Data> element.
type Field struct{ Name, Value string }

const (
	fileHeaderSize  = 4096 // the header occupies a full block
	chunkSize       = 65536
	chunkHeaderSize = 512 // 128-byte header + string table + template table
	recordHeader    = 24  // magic, size, record id, written time
	eventNamespace  = "http://schemas.microsoft.com/win/2004/08/events/event"
)

// ErrRecordTooLarge reports an event whose record cannot fit in one chunk.
var ErrRecordTooLarge = errors.New("evtxwrite: event record does not fit in a chunk")

// Write writes a complete EVTX file holding events to w. It buffers the
// chunks in memory because the file header, which comes first, needs the
// chunk count; use NewWriter to stream large files to a seekable writer.
func Write(w io.Writer, events []Event) error {
	var chunks [][]byte
	b := chunkBuilder{emit: func(c []byte) error {
		chunks = append(chunks, c)
		return nil
	}}
	for i := range events {
		if err := b.add(&events[i]); err != nil {
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
	chunks int
	err    error
}

// NewWriter starts an EVTX file at the current position of w (normally 0).
func NewWriter(w io.WriteSeeker) (*Writer, error) {
	wr := &Writer{w: w}
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
	if wr.err != nil {
		return wr.err
	}
	wr.err = wr.b.add(&e)
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
	emit    func([]byte) error
	chunk   []byte // nil when no chunk is open
	free    int    // offset of the free space in chunk
	lastOff int    // offset of the last record in chunk
	firstID uint64
	lastID  uint64
	nextID  uint64 // next record id to assign; 0 before the first event
}

func (b *chunkBuilder) add(e *Event) error {
	id := e.RecordID
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
		if rec, ok := buildRecord(e, id, b.free); ok {
			b.put(rec, id)
			return nil
		}
		if err := b.flush(); err != nil {
			return err
		}
	}
	b.chunk = make([]byte, chunkSize)
	b.free = chunkHeaderSize
	b.firstID = id
	rec, ok := buildRecord(e, id, b.free)
	if !ok {
		return fmt.Errorf("%w: record id %d", ErrRecordTooLarge, id)
	}
	b.put(rec, id)
	return nil
}

func (b *chunkBuilder) put(rec []byte, id uint64) {
	copy(b.chunk[b.free:], rec)
	b.lastOff = b.free
	b.free += len(rec)
	b.lastID = id
	b.nextID = id + 1
}

// flush finishes the open chunk (header fields and both CRC32s) and emits it.
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
	le.PutUint32(c[52:], crc32.ChecksumIEEE(c[chunkHeaderSize:b.free]))
	// The header CRC covers bytes 0-120 and 128-512, skipping the flags
	// and the CRC itself.
	crc := crc32.Update(0, crc32.IEEETable, c[:120])
	crc = crc32.Update(crc, crc32.IEEETable, c[128:chunkHeaderSize])
	le.PutUint32(c[124:], crc)
	return b.emit(c)
}

// buildRecord encodes e as a record starting at chunk offset off. It
// reports false when the record would run past the end of the chunk. The
// offset matters because BinXML names and templates are addressed by their
// offset from the start of the chunk.
func buildRecord(e *Event, id uint64, off int) ([]byte, bool) {
	x := binXML{base: off + recordHeader}
	x.event(e, id)
	size := recordHeader + len(x.buf) + 4
	if off+size > chunkSize {
		return nil, false
	}
	r := make([]byte, size)
	le := binary.LittleEndian
	copy(r, "\x2a\x2a\x00\x00")
	le.PutUint32(r[4:], uint32(size))
	le.PutUint64(r[8:], id)
	le.PutUint64(r[16:], filetime(e.TimeCreated))
	copy(r[recordHeader:], x.buf)
	le.PutUint32(r[size-4:], uint32(size))
	return r, true
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

// BinXML tokens and value types used here.
const (
	tokEOF          = 0x00
	tokOpenStart    = 0x01
	tokCloseStart   = 0x02
	tokCloseEmpty   = 0x03
	tokEnd          = 0x04
	tokValue        = 0x05
	tokAttribute    = 0x06
	tokTemplate     = 0x0c
	tokSubstitution = 0x0d
	tokFragment     = 0x0f
	flagMore        = 0x40 // "has attributes" / "more attributes follow"

	typeString   = 0x01
	typeUint8    = 0x04
	typeUint16   = 0x06
	typeUint64   = 0x0a
	typeFiletime = 0x11
)

// binXML accumulates BinXML whose first byte sits at chunk offset base.
type binXML struct {
	base int
	buf  []byte
}

func (x *binXML) pos() int  { return x.base + len(x.buf) }
func (x *binXML) u8(v byte) { x.buf = append(x.buf, v) }
func (x *binXML) u16(v uint16) {
	x.buf = binary.LittleEndian.AppendUint16(x.buf, v)
}
func (x *binXML) u32(v uint32) {
	x.buf = binary.LittleEndian.AppendUint32(x.buf, v)
}

// patch32 stores, at index at, the number of bytes written after it.
func (x *binXML) patch32(at int) {
	binary.LittleEndian.PutUint32(x.buf[at:], uint32(len(x.buf)-at-4))
}

func (x *binXML) fragment() { x.buf = append(x.buf, tokFragment, 1, 1, 0) }

// name writes a name offset pointing just past itself, followed by the name
// structure (next offset, hash, length, UTF-16 text, NUL): the inline form,
// so no chunk string table is needed.
func (x *binXML) name(s string) {
	u := utf16.Encode([]rune(s))
	x.u32(uint32(x.pos() + 4))
	x.u32(0) // next string in the hash bucket
	var h uint32
	for _, c := range u {
		h = h*65599 + uint32(c)
	}
	x.u16(uint16(h))
	x.u16(uint16(len(u)))
	for _, c := range u {
		x.u16(c)
	}
	x.u16(0)
}

// attr is one attribute: a literal text value, or a substitution when
// text is empty and sub >= 0.
type attr struct {
	name string
	text string
	sub  int
	typ  byte
}

// element writes <name attrs...> body </name>; body nil means an empty
// element. Sizes are patched afterwards since they cover nested content.
func (x *binXML) element(name string, attrs []attr, body func()) {
	tok := byte(tokOpenStart)
	if len(attrs) > 0 {
		tok |= flagMore
	}
	x.u8(tok)
	x.u16(0xffff) // dependency identifier: none
	sizeAt := len(x.buf)
	x.u32(0)
	x.name(name)
	if len(attrs) > 0 {
		listAt := len(x.buf)
		x.u32(0)
		for i, a := range attrs {
			t := byte(tokAttribute)
			if i < len(attrs)-1 {
				t |= flagMore
			}
			x.u8(t)
			x.name(a.name)
			if a.sub >= 0 {
				x.subst(tokSubstitution, a.sub, a.typ)
			} else {
				x.text(a.text)
			}
		}
		x.patch32(listAt)
	}
	if body == nil {
		x.u8(tokCloseEmpty)
	} else {
		x.u8(tokCloseStart)
		body()
		x.u8(tokEnd)
	}
	x.patch32(sizeAt)
}

func (x *binXML) text(s string) {
	u := utf16.Encode([]rune(s))
	x.u8(tokValue)
	x.u8(typeString)
	x.u16(uint16(len(u)))
	for _, c := range u {
		x.u16(c)
	}
}

func (x *binXML) subst(tok byte, id int, typ byte) {
	x.u8(tok)
	x.u16(uint16(id))
	x.u8(typ)
}

// value is one entry of the substitution array.
type value struct {
	typ  byte
	data []byte
}

func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(u))
	for _, c := range u {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return b
}

// Substitution indexes of the System values; EventData values follow.
const (
	subProvider = iota
	subEventID
	subLevel
	subTime
	subRecordID
	subChannel
	subComputer
	subFirstData
)

// event writes the fragment header, a template instance with an inline
// template definition, and the substitution values.
func (x *binXML) event(e *Event, id uint64) {
	x.fragment()
	x.u8(tokTemplate)
	x.u8(1) // unknown, always 1 in Windows files
	idAt := len(x.buf)
	x.u32(0)                   // template id, patched below
	x.u32(uint32(x.pos() + 4)) // definition follows inline
	defAt := len(x.buf)
	x.u32(0)                                   // next template definition
	x.buf = append(x.buf, make([]byte, 16)...) // GUID, patched below
	dataAt := len(x.buf)
	x.u32(0)
	x.fragment()
	content := func(id int, typ byte) func() {
		return func() { x.subst(tokSubstitution, id, typ) }
	}
	x.element("Event", []attr{{name: "xmlns", text: eventNamespace, sub: -1}}, func() {
		x.element("System", nil, func() {
			x.element("Provider", []attr{{name: "Name", sub: subProvider, typ: typeString}}, nil)
			x.element("EventID", nil, content(subEventID, typeUint16))
			x.element("Level", nil, content(subLevel, typeUint8))
			x.element("TimeCreated", []attr{{name: "SystemTime", sub: subTime, typ: typeFiletime}}, nil)
			x.element("EventRecordID", nil, content(subRecordID, typeUint64))
			x.element("Channel", nil, content(subChannel, typeString))
			x.element("Computer", nil, content(subComputer, typeString))
		})
		var body func()
		if len(e.Data) > 0 {
			body = func() {
				for i, f := range e.Data {
					// Normal, not optional, substitution: an empty value
					// must still render as <Data Name="..."/>, as Windows
					// shows it; an optional one with a NULL value would
					// drop the element, and libevtx rejects NULL in a
					// normal one, so empty values are empty strings.
					x.element("Data", []attr{{name: "Name", text: f.Name, sub: -1}}, func() {
						x.subst(tokSubstitution, subFirstData+i, typeString)
					})
				}
			}
		}
		x.element("EventData", nil, body)
	})
	x.u8(tokEOF)
	x.patch32(dataAt)
	// A content-derived GUID keeps output deterministic; its first four
	// bytes double as the template id, as in Windows files.
	sum := md5.Sum(x.buf[dataAt+4:])
	copy(x.buf[defAt+4:], sum[:])
	copy(x.buf[idAt:], sum[:4])

	le := binary.LittleEndian
	vals := []value{
		{typeString, utf16le(e.Provider)},
		{typeUint16, le.AppendUint16(nil, e.EventID)},
		{typeUint8, []byte{e.Level}},
		{typeFiletime, le.AppendUint64(nil, filetime(e.TimeCreated))},
		{typeUint64, le.AppendUint64(nil, id)},
		{typeString, utf16le(e.Channel)},
		{typeString, utf16le(e.Computer)},
	}
	for _, f := range e.Data {
		vals = append(vals, value{typeString, utf16le(f.Value)})
	}
	x.u32(uint32(len(vals)))
	for _, v := range vals {
		x.u16(uint16(len(v.data)))
		x.u8(v.typ)
		x.u8(0)
	}
	for _, v := range vals {
		x.buf = append(x.buf, v.data...)
	}
	// The document continues after the template instance; end it.
	x.u8(tokEOF)
}
