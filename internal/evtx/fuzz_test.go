package evtx

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	w "github.com/exsweep/exsweep/internal/evtx/evtxwrite"
	"github.com/exsweep/exsweep/internal/winevent"
)

// checkRead reads every chunk of raw twice, once with a fresh Scratch and
// once with one dirtied by an earlier read of other data, and checks what
// must hold for any input: no panic, the same result both times (no state
// leaks between chunks), valid UTF-8 text, offsets inside the file.
func checkRead(t *testing.T, raw []byte, dirty *Scratch) {
	rd, err := NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		if err != ErrNotEVTX {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	for _, p := range rd.Problems() {
		if p.Offset < 0 || p.Offset > int64(len(raw)) {
			t.Errorf("file problem outside the file: %s", p)
		}
	}
	var fresh Scratch
	for i := 0; i < rd.Chunks(); i++ {
		var a, b []winevent.Event
		start := fileHeaderSize + int64(i)*chunkSize
		ra := rd.ReadChunk(i, &fresh, func(ev *winevent.Event, at Location) {
			if at.Offset < start || at.Offset >= int64(len(raw)) {
				t.Errorf("record offset 0x%x outside chunk %d", at.Offset, i)
			}
			a = append(a, *ev)
		})
		rb := rd.ReadChunk(i, dirty, func(ev *winevent.Event, _ Location) { b = append(b, *ev) })
		if d := cmpEvents(a, b); d != "" {
			t.Fatalf("chunk %d read differently with a used Scratch:\n%s", i, d)
		}
		if ra.Records != len(a) || ra.Records != rb.Records || ra.Skipped != rb.Skipped || len(ra.Problems) != len(rb.Problems) {
			t.Fatalf("chunk %d: results differ: %+v vs %+v", i, ra, rb)
		}
		for _, p := range ra.Problems {
			if p.Offset < ra.Offset || p.Offset > ra.Offset+chunkSize {
				t.Errorf("chunk %d problem outside the chunk: %s", i, p)
			}
		}
		for _, ev := range a {
			strs := []string{ev.Provider, ev.Channel, ev.Computer}
			for _, f := range ev.Data {
				strs = append(strs, f.Name, f.Value)
			}
			for _, s := range strs {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 %q", s)
				}
			}
			if len(ev.Data) > maxFields {
				t.Fatalf("%d fields", len(ev.Data))
			}
		}
	}
}

// seedFile is a small valid file for seeds: a few varied events.
func seedFile(t testing.TB) []byte {
	var buf bytes.Buffer
	if err := w.Write(&buf, variedEvents()[:4]); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzReader reads arbitrary bytes as a whole file.
func FuzzReader(f *testing.F) {
	raw := seedFile(f)
	f.Add(raw[:fileHeaderSize+6000])
	f.Add(raw[:100])
	var dirty Scratch
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, data, &dirty)
	})
}

// chunkFile puts data in a file as its only chunk, behind a valid header.
func chunkFile(data []byte) []byte {
	raw := make([]byte, fileHeaderSize, fileHeaderSize+len(data))
	copy(raw, fileMagic)
	le := binary.LittleEndian
	le.PutUint32(raw[32:], 128)
	le.PutUint16(raw[38:], 3)
	le.PutUint16(raw[40:], fileHeaderSize)
	le.PutUint16(raw[42:], 1)
	le.PutUint32(raw[124:], crc32.ChecksumIEEE(raw[:120]))
	return append(raw, data...)
}

// FuzzChunk reads arbitrary bytes as one chunk.
func FuzzChunk(f *testing.F) {
	raw := seedFile(f)
	f.Add(raw[fileHeaderSize : fileHeaderSize+5000])
	var dirty Scratch
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > chunkSize {
			data = data[:chunkSize]
		}
		checkRead(t, chunkFile(data), &dirty)
	})
}

// binXMLChunk makes a chunk of one record holding bx as its BinXML, with
// fixed header fields and CRCs so that only the BinXML is in question.
func binXMLChunk(bx []byte) []byte {
	le := binary.LittleEndian
	size := recordHeader + len(bx) + 4
	c := make([]byte, chunkSize)
	copy(c, chunkMagic)
	le.PutUint64(c[8:], 1)
	le.PutUint64(c[16:], 1)
	le.PutUint64(c[24:], 1)
	le.PutUint64(c[32:], 1)
	le.PutUint32(c[40:], 128)
	le.PutUint32(c[44:], chunkHeaderSize)
	le.PutUint32(c[48:], uint32(chunkHeaderSize+size))
	r := c[chunkHeaderSize:]
	copy(r, recordMagic)
	le.PutUint32(r[4:], uint32(size))
	le.PutUint64(r[8:], 1)
	copy(r[recordHeader:], bx)
	le.PutUint32(r[size-4:], uint32(size))
	le.PutUint32(c[52:], crc32.ChecksumIEEE(c[chunkHeaderSize:chunkHeaderSize+size]))
	crc := crc32.Update(0, crc32.IEEETable, c[:120])
	crc = crc32.Update(crc, crc32.IEEETable, c[128:chunkHeaderSize])
	le.PutUint32(c[124:], crc)
	return c
}

// FuzzBinXML reads arbitrary bytes as the BinXML of a record that sits
// where a chunk's first record does, so that seeds taken from real first
// records keep their offsets.
func FuzzBinXML(f *testing.F) {
	raw := seedFile(f)
	le := binary.LittleEndian
	first := raw[fileHeaderSize+chunkHeaderSize:]
	size := int(le.Uint32(first[4:]))
	f.Add(first[recordHeader : size-4])
	var dirty Scratch
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > chunkSize-chunkHeaderSize-recordHeader-4 {
			return
		}
		raw := chunkFile(binXMLChunk(data))
		checkRead(t, raw, &dirty)
		// The record is well framed: it is either read or skipped.
		rd, _ := NewReader(bytes.NewReader(raw), int64(len(raw)))
		res := rd.ReadChunk(0, &dirty, func(*winevent.Event, Location) {})
		if res.Records+res.Skipped != 1 {
			t.Fatalf("one record: %d read, %d skipped", res.Records, res.Skipped)
		}
	})
}

func cmpEvents(a, b []winevent.Event) string {
	if reflect.DeepEqual(a, b) {
		return ""
	}
	return cmp.Diff(a, b)
}
