package evtx

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	w "github.com/exsweep/exsweep/internal/evtx/evtxwrite"
	"github.com/exsweep/exsweep/internal/winevent"
)

// span of one record in a file.
type recSpan struct {
	off, size int // file offset and size
	id        uint64
}

// spans lists the well-framed records of chunk i of a clean file.
func spans(raw []byte, i int) []recSpan {
	le := binary.LittleEndian
	base := fileHeaderSize + i*chunkSize
	c := raw[base : base+chunkSize]
	free := int(le.Uint32(c[48:]))
	var out []recSpan
	for pos := chunkHeaderSize; pos < free; {
		size := int(le.Uint32(c[pos+4:]))
		out = append(out, recSpan{off: base + pos, size: size, id: le.Uint64(c[pos+8:])})
		pos += size
	}
	return out
}

// fixCRCs recomputes both CRC32s of chunk i after a deliberate edit, so a
// test sees only the damage it means.
func fixCRCs(raw []byte, i int) {
	le := binary.LittleEndian
	c := raw[fileHeaderSize+i*chunkSize:][:chunkSize]
	if free := int(le.Uint32(c[48:])); free >= chunkHeaderSize && free <= chunkSize {
		le.PutUint32(c[52:], crc32.ChecksumIEEE(c[chunkHeaderSize:free]))
	}
	crc := crc32.Update(0, crc32.IEEETable, c[:120])
	crc = crc32.Update(crc, crc32.IEEETable, c[128:chunkHeaderSize])
	le.PutUint32(c[124:], crc)
}

// readResult is everything reading a file gave.
type readResult struct {
	err      error
	header   []Problem
	chunks   []ChunkResult
	events   []winevent.Event
	records  int
	skipped  int
	problems []Problem // file and chunk problems, in order
}

func readBytes(raw []byte) readResult {
	var r readResult
	rd, err := NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		r.err = err
		return r
	}
	r.header = rd.Problems()
	r.problems = append(r.problems, r.header...)
	var s Scratch
	for i := 0; i < rd.Chunks(); i++ {
		res := rd.ReadChunk(i, &s, func(ev *winevent.Event, at Location) {
			r.events = append(r.events, *ev)
		})
		r.chunks = append(r.chunks, res)
		r.records += res.Records
		r.skipped += res.Skipped
		r.problems = append(r.problems, res.Problems...)
	}
	return r
}

// damageBase is a clean file of several chunks.
func damageBase(t *testing.T) ([]byte, []w.Event) {
	t.Helper()
	evs := manyEvents(600)
	var buf bytes.Buffer
	if err := w.Write(&buf, evs); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	if n := (len(raw) - fileHeaderSize) / chunkSize; n < 4 {
		t.Fatalf("base file has %d chunks, want >= 4", n)
	}
	return raw, evs
}

// wantProblems checks that the problems are exactly those listed, each
// given as a substring of the message and the file offset.
func wantProblems(t *testing.T, got []Problem, want ...Problem) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = strings.Contains(got[i].Message, want[i].Message) && got[i].Offset == want[i].Offset && got[i].Record == want[i].Record
	}
	if !ok {
		var b strings.Builder
		for _, p := range got {
			fmt.Fprintf(&b, "\n  %s", p)
		}
		t.Errorf("problems:%s\nwant %d: %v", b.String(), len(want), want)
	}
}

func TestDamage(t *testing.T) {
	raw0, evs := damageBase(t)
	total := len(evs)
	chunk1 := spans(raw0, 1)
	mid := chunk1[20] // a record that defines nothing shared
	c1 := int64(fileHeaderSize + chunkSize)
	lastChunk := (len(raw0)-fileHeaderSize)/chunkSize - 1
	rng := rand.New(rand.NewPCG(1, 2))

	for _, c := range []struct {
		name    string
		damage  func(raw []byte) []byte
		records int // events read
		skipped int
		check   func(t *testing.T, r readResult, raw []byte)
	}{
		{
			name:    "clean",
			damage:  func(raw []byte) []byte { return raw },
			records: total,
			check: func(t *testing.T, r readResult, _ []byte) {
				wantProblems(t, r.problems)
				for i := 1; i < len(r.events); i++ {
					if r.events[i].RecordID != r.events[i-1].RecordID+1 {
						t.Fatalf("event %d: id %d after %d", i, r.events[i].RecordID, r.events[i-1].RecordID)
					}
				}
			},
		},
		{
			name: "truncated mid-chunk",
			damage: func(raw []byte) []byte {
				return raw[:mid.off+mid.size/2]
			},
			records: len(spans(raw0, 0)) + 20,
			skipped: 1,
			check: func(t *testing.T, r readResult, raw []byte) {
				wantProblems(t, r.problems,
					Problem{Offset: int64(len(raw)), Message: fmt.Sprintf("file holds 2 chunks, its header counts %d", lastChunk+1)},
					Problem{Offset: int64(len(raw)), Message: "chunk truncated"},
					Problem{Offset: int64(mid.off), Message: "bad record: record size"},
				)
			},
		},
		{
			name: "bad file header magic",
			damage: func(raw []byte) []byte {
				copy(raw, "XXXXXXXX")
				return raw
			},
			records: total,
			check: func(t *testing.T, r readResult, _ []byte) {
				wantProblems(t, r.problems, Problem{Offset: 0, Message: "no file header signature"})
			},
		},
		{
			name: "bad file header CRC",
			damage: func(raw []byte) []byte {
				raw[24]++ // next record id
				return raw
			},
			records: total,
			check: func(t *testing.T, r readResult, _ []byte) {
				wantProblems(t, r.problems, Problem{Offset: 124, Message: "file header CRC32 mismatch"})
			},
		},
		{
			name: "bad chunk header CRC",
			damage: func(raw []byte) []byte {
				raw[c1+128+4*63] ^= 0x55 // a string table bucket: not used for reading
				return raw
			},
			records: total,
			check: func(t *testing.T, r readResult, _ []byte) {
				wantProblems(t, r.problems, Problem{Offset: c1 + 124, Message: "chunk header CRC32 mismatch"})
			},
		},
		{
			name: "altered record (records CRC)",
			damage: func(raw []byte) []byte {
				// The last byte of the record's BinXML before its EOF and size
				// copy is inside the last value (CommandLine text).
				raw[mid.off+mid.size-8] ^= 0x01
				return raw
			},
			records: total,
			check: func(t *testing.T, r readResult, _ []byte) {
				wantProblems(t, r.problems, Problem{Offset: c1 + 52, Message: "event records CRC32 mismatch"})
			},
		},
		{
			name: "zeroed record",
			damage: func(raw []byte) []byte {
				clear(raw[mid.off : mid.off+mid.size])
				fixCRCs(raw, 1)
				return raw
			},
			records: total - 1,
			skipped: 1,
			check: func(t *testing.T, r readResult, _ []byte) {
				wantProblems(t, r.problems, Problem{Offset: int64(mid.off), Message: "bad record: no record signature"})
				runs := r.chunks[1].Runs
				if len(runs) != 2 || runs[0].Last != mid.id-1 || runs[1].First != mid.id+1 {
					t.Errorf("chunk 1 runs %v, want a gap at %d", runs, mid.id)
				}
			},
		},
		{
			name: "zeroed record defining the chunk's templates",
			damage: func(raw []byte) []byte {
				first := chunk1[0]
				clear(raw[first.off : first.off+first.size])
				fixCRCs(raw, 1)
				return raw
			},
			// Every other record of the chunk uses names or templates the
			// first one defined: none can be decoded, and each says so.
			records: total - len(chunk1),
			skipped: len(chunk1),
			check: func(t *testing.T, r readResult, _ []byte) {
				p := r.chunks[1].Problems
				if len(p) != maxChunkProblems+1 || !strings.Contains(p[0].Message, "no record signature") ||
					!strings.Contains(p[1].Message, "record not decoded") || p[1].Record != chunk1[1].id ||
					!strings.Contains(p[maxChunkProblems].Message, fmt.Sprintf("%d further problems", len(chunk1)-maxChunkProblems)) {
					t.Errorf("chunk 1 problems: %d, first %v, last %v", len(p), p[:2], p[len(p)-1])
				}
				// Ids of records with intact headers still count as present.
				if runs := r.chunks[1].Runs; len(runs) != 1 || runs[0].First != chunk1[1].id || runs[0].Last != chunk1[len(chunk1)-1].id {
					t.Errorf("chunk 1 runs %v", runs)
				}
			},
		},
		{
			name: "absurd record size",
			damage: func(raw []byte) []byte {
				binary.LittleEndian.PutUint32(raw[mid.off+4:], 0x7fffffff)
				fixCRCs(raw, 1)
				return raw
			},
			records: total - 1,
			skipped: 1,
			check: func(t *testing.T, r readResult, _ []byte) {
				wantProblems(t, r.problems, Problem{Offset: int64(mid.off), Message: "record size 2147483647 does not fit"})
			},
		},
		{
			name: "garbage in place of a record",
			damage: func(raw []byte) []byte {
				for i := mid.off; i < mid.off+mid.size; i++ {
					raw[i] = byte(rng.IntN(256))
				}
				// Looks like a record, but its size is not repeated at the end.
				copy(raw[mid.off:], recordMagic)
				binary.LittleEndian.PutUint32(raw[mid.off+4:], uint32(mid.size))
				binary.LittleEndian.PutUint32(raw[mid.off+mid.size-4:], 0xffffffff)
				fixCRCs(raw, 1)
				return raw
			},
			records: total - 1,
			skipped: 1,
			check: func(t *testing.T, r readResult, _ []byte) {
				wantProblems(t, r.problems, Problem{Offset: int64(mid.off), Message: "not repeated at the record's end"})
			},
		},
		{
			name: "chunk of random bytes",
			damage: func(raw []byte) []byte {
				for i := c1; i < c1+chunkSize; i++ {
					raw[i] = byte(rng.IntN(256))
				}
				return raw
			},
			records: total - len(chunk1),
			skipped: 1,
			check: func(t *testing.T, r readResult, _ []byte) {
				wantProblems(t, r.problems,
					Problem{Offset: c1, Message: "no chunk signature"},
					Problem{Offset: c1 + chunkHeaderSize, Message: "bad record: no record signature"})
			},
		},
		{
			name: "all-zero chunk",
			damage: func(raw []byte) []byte {
				clear(raw[c1 : c1+chunkSize])
				return raw
			},
			records: total - len(chunk1),
			check: func(t *testing.T, r readResult, _ []byte) {
				wantProblems(t, r.problems)
				if !r.chunks[1].Empty {
					t.Error("zeroed chunk not reported Empty")
				}
			},
		},
		{
			name: "chunk header overwritten, records intact",
			damage: func(raw []byte) []byte {
				clear(raw[c1 : c1+chunkHeaderSize])
				return raw
			},
			records: total,
			check: func(t *testing.T, r readResult, _ []byte) {
				wantProblems(t, r.problems, Problem{Offset: c1, Message: "no chunk signature"})
			},
		},
		{
			name: "free space offset out of the chunk",
			damage: func(raw []byte) []byte {
				binary.LittleEndian.PutUint32(raw[c1+48:], 0xffffff)
				fixCRCs(raw, 1)
				return raw
			},
			records: total,
			check: func(t *testing.T, r readResult, _ []byte) {
				wantProblems(t, r.problems,
					Problem{Offset: c1 + 48, Message: "free space offset 0xffffff is outside the chunk"})
			},
		},
		{
			name: "records past the free space offset (dirty chunk)",
			damage: func(raw []byte) []byte {
				// The header stops counting 5 records early, as when a live
				// log is copied between a write and the header update.
				binary.LittleEndian.PutUint32(raw[c1+48:], uint32(chunk1[len(chunk1)-5].off-int(c1)))
				fixCRCs(raw, 1)
				return raw
			},
			records: total,
			check: func(t *testing.T, r readResult, _ []byte) {
				wantProblems(t, r.problems)
			},
		},
		{
			name:    "not EVTX",
			damage:  func(raw []byte) []byte { return bytes.Repeat([]byte("MZ\x90\x00"), 40000) },
			records: 0,
			check: func(t *testing.T, r readResult, _ []byte) {
				if r.err != ErrNotEVTX {
					t.Errorf("err %v, want ErrNotEVTX", r.err)
				}
			},
		},
		{
			name:    "header only, cut",
			damage:  func(raw []byte) []byte { return raw[:100] },
			records: 0,
			check: func(t *testing.T, r readResult, _ []byte) {
				wantProblems(t, r.problems, Problem{Offset: 0, Message: "file ends inside the file header (100 bytes)"})
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw := c.damage(bytes.Clone(raw0))
			r := readBytes(raw)
			if r.records != c.records || r.skipped != c.skipped || len(r.events) != c.records {
				t.Errorf("records %d (events %d), skipped %d; want %d, %d", r.records, len(r.events), r.skipped, c.records, c.skipped)
			}
			// Every event read is intact: it is one of those written.
			for _, ev := range r.events {
				i := int(ev.RecordID) - 1
				if i < 0 || i >= len(evs) {
					t.Fatalf("event with id %d", ev.RecordID)
				}
				if c.name == "altered record (records CRC)" && ev.RecordID == mid.id {
					continue
				}
				if d := diffEvent(ev, evs[i], ev.RecordID); d != "" {
					t.Errorf("event %d: %s", ev.RecordID, d)
				}
			}
			c.check(t, r, raw)
		})
	}
}

// hostileFile writes records into a file.
func hostileFile(t *testing.T, recs ...w.Record) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := w.WriteRecords(&buf, recs, w.Options{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestHostileTemplates covers the limits on what one record or chunk may
// cost: recursion through templates, rendered text, fields, nesting, work.
func TestHostileTemplates(t *testing.T) {
	huge := strings.Repeat("A", 30000)
	sub0 := func() []w.Node { return []w.Node{w.Sub{Index: 0, Type: w.TypeString}} }

	t.Run("template that contains itself", func(t *testing.T) {
		// Record 1 defines template U; record 2's template T holds an
		// instance of U by reference, which is then pointed at T itself.
		u := &w.Elem{Name: "U", Children: txt("u")}
		tt := &w.Elem{Name: "Event", Children: []w.Node{&w.Elem{Name: "EventData"}, &w.Instance{Template: u}}}
		raw := hostileFile(t,
			w.Record{Written: baseTime(), Doc: &w.Instance{Template: u}},
			w.Record{Written: baseTime(), Doc: &w.Instance{Template: tt}},
		)
		recs := spans(raw, 0)
		le := binary.LittleEndian
		// Find the definition offsets: U's is in record 1, T's in record 2;
		// the reference to U inside T is the second occurrence of U's offset
		// in record 2 after T's definition.
		uDef := le.Uint32(raw[recs[0].off+24+4+6:])
		r2 := raw[recs[1].off : recs[1].off+recs[1].size]
		tDef := le.Uint32(r2[24+4+6:])
		ref := bytes.Index(r2[24+4+10:], le.AppendUint32(nil, uDef))
		if ref < 0 {
			t.Fatal("reference to U not found in record 2")
		}
		le.PutUint32(r2[24+4+10+ref:], tDef)
		fixCRCs(raw, 0)
		r := readBytes(raw)
		if r.records != 1 || r.skipped != 1 {
			t.Errorf("records %d, skipped %d; want 1, 1", r.records, r.skipped)
		}
		// The problem points at the instance inside T.
		wantProblems(t, r.problems, Problem{Offset: int64(recs[1].off + 24 + 4 + 10 + ref - 6), Record: 2, Message: "template instances nested deeper than 8"})
	})

	t.Run("self-nesting through values", func(t *testing.T) {
		// A BinXML value holding an instance of the same template, twelve
		// deep: legal bytes, but deeper than the limit.
		tmpl := &w.Elem{Name: "Event", Children: []w.Node{w.Sub{Index: 0, Type: w.TypeBinXML}}}
		var in *w.Instance
		for i := 0; i < 12; i++ {
			vals := []w.Value{w.Null()}
			if in != nil {
				vals[0] = w.Value{Type: w.TypeBinXML, Nested: in}
			}
			in = &w.Instance{Template: tmpl, Values: vals}
		}
		raw := hostileFile(t, w.Record{Written: baseTime(), Doc: in})
		r := readBytes(raw)
		if r.records != 0 || r.skipped != 1 || len(r.problems) != 1 || !strings.Contains(r.problems[0].Message, "nested deeper than 8") {
			t.Errorf("records %d, skipped %d, problems %v", r.records, r.skipped, r.problems)
		}
	})

	t.Run("huge value referenced many times", func(t *testing.T) {
		ed := &w.Elem{Name: "EventData"}
		for i := 0; i < 10; i++ {
			ed.Children = append(ed.Children, &w.Elem{Name: "Data", Attrs: []w.Attr{{Name: "Name", Value: txt(fmt.Sprint("D", i))}}, Children: sub0()})
		}
		raw := hostileFile(t, w.Record{Written: baseTime(), Doc: &w.Instance{
			Template: &w.Elem{Name: "Event", Children: []w.Node{ed}}, Values: []w.Value{w.String(huge)}}})
		r := readBytes(raw)
		// 30,000 bytes a field: the ninth passes the 256 KiB limit.
		if r.records != 1 || len(r.events) != 1 || len(r.events[0].Data) != 8 || r.events[0].Data[7].Value != huge {
			t.Fatalf("records %d, events %d", r.records, len(r.events))
		}
		wantProblems(t, r.problems, Problem{Offset: int64(spans(raw, 0)[0].off), Record: 1, Message: "record truncated"})
	})

	t.Run("too many fields", func(t *testing.T) {
		ed := &w.Elem{Name: "EventData"}
		for i := 0; i < maxFields+100; i++ {
			ed.Children = append(ed.Children, &w.Elem{Name: "Data", Children: sub0()})
		}
		raw := hostileFile(t, w.Record{Written: baseTime(), Doc: &w.Instance{
			Template: &w.Elem{Name: "Event", Children: []w.Node{ed}}, Values: []w.Value{w.String("x")}}})
		r := readBytes(raw)
		if r.records != 1 || len(r.events[0].Data) != maxFields {
			t.Fatalf("records %d, fields %d", r.records, len(r.events[0].Data))
		}
		wantProblems(t, r.problems, Problem{Offset: int64(spans(raw, 0)[0].off), Record: 1, Message: "record truncated"})
	})

	t.Run("too deep", func(t *testing.T) {
		e := &w.Elem{Name: "E"}
		for i := 0; i < maxDepth; i++ {
			e = &w.Elem{Name: "E", Children: []w.Node{e}}
		}
		raw := hostileFile(t, w.Record{Written: baseTime(), Doc: e})
		r := readBytes(raw)
		if r.records != 0 || r.skipped != 1 || len(r.problems) != 1 || !strings.Contains(r.problems[0].Message, "nested deeper than 64") {
			t.Errorf("records %d, skipped %d, problems %v", r.records, r.skipped, r.problems)
		}
	})

	t.Run("BinXML value referenced many times", func(t *testing.T) {
		// A 20 KB nested fragment substituted 3,000 times: each reference
		// would compile it again (60 MB of parsing for one record).
		inner := &w.Elem{Name: "Inner"}
		for i := 0; i < 900; i++ {
			inner.Children = append(inner.Children, &w.Elem{Name: "X", Children: txt("y")})
		}
		outer := &w.Elem{Name: "Event"}
		for i := 0; i < 3000; i++ {
			outer.Children = append(outer.Children, w.Sub{Index: 0, Type: w.TypeBinXML})
		}
		raw := hostileFile(t, w.Record{Written: baseTime(), Doc: &w.Instance{Template: outer,
			Values: []w.Value{{Type: w.TypeBinXML, Nested: inner}}}})
		start := time.Now()
		r := readBytes(raw)
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("reading took %v", el)
		}
		if r.records != 0 || r.skipped != 1 || len(r.problems) != 1 || !strings.Contains(r.problems[0].Message, "chunk work limit") {
			t.Errorf("records %d, skipped %d, problems %v", r.records, r.skipped, r.problems)
		}
	})

	t.Run("work budget", func(t *testing.T) {
		// One template of thousands of elements, and as many tiny records
		// using it as fit the chunk: walking them all would cost millions
		// of steps; the chunk stops at its budget.
		big := &w.Elem{Name: "Event"}
		for i := 0; i < 3000; i++ {
			big.Children = append(big.Children, &w.Elem{Name: "E"})
		}
		var recs []w.Record
		for i := 0; i < 800; i++ {
			recs = append(recs, w.Record{Written: baseTime(), Doc: &w.Instance{Template: big}})
		}
		raw := hostileFile(t, recs...)
		n := len(spans(raw, 0))
		start := time.Now()
		r := readBytes(raw)
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("reading took %v", el)
		}
		res := r.chunks[0]
		if res.Records+res.Skipped != n || res.Skipped == 0 || res.Records == 0 {
			t.Errorf("chunk of %d records: %d read, %d skipped", n, res.Records, res.Skipped)
		}
		if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Message, "chunk work limit") {
			t.Errorf("problems %v", res.Problems)
		}
	})
}
