package evtx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/exsweep/exsweep/internal/winevent"
)

// maxChunkProblems bounds the problems listed per chunk; a chunk of garbage
// gets a handful and a count, not thousands.
const maxChunkProblems = 64

// chunkState is one ReadChunk call in progress.
type chunkState struct {
	res      ChunkResult
	dropped  int // problems beyond maxChunkProblems
	c        []byte
	s        *Scratch
	exhaust  bool // a chunk work budget ran out: records are only counted
	recordID uint64
}

func (cs *chunkState) problem(chunkOff int, rec uint64, format string, args ...any) {
	if len(cs.res.Problems) >= maxChunkProblems {
		cs.dropped++
		return
	}
	cs.res.Problems = append(cs.res.Problems, Problem{
		Offset: cs.res.Offset + int64(chunkOff), Record: rec, Message: fmt.Sprintf(format, args...),
	})
}

// ReadChunk reads chunk i and calls visit for each event in it, in file
// order. Calls for different chunks may run concurrently, each with its own
// Scratch.
//
// The *winevent.Event passed to visit is reused for the next record: copy
// the struct to keep it (a shallow copy is enough). Its strings and its
// Data slice are fresh for every record and may be kept.
func (rd *Reader) ReadChunk(i int, s *Scratch, visit func(ev *winevent.Event, at Location)) ChunkResult {
	cs := chunkState{s: s}
	cs.res.Offset = fileHeaderSize + int64(i)*chunkSize
	if i < 0 || i >= rd.chunks {
		cs.problem(0, 0, "no chunk %d (the file has %d)", i, rd.chunks)
		return cs.res
	}
	n := int(min(chunkSize, rd.size-cs.res.Offset))
	if cap(s.chunk) < chunkSize {
		s.chunk = make([]byte, chunkSize)
	}
	c := s.chunk[:n]
	if got, err := rd.r.ReadAt(c, cs.res.Offset); got < n {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		cs.problem(got, 0, "read error: %v", err)
		c = c[:got]
	}
	cs.c = c
	cs.read(visit)
	if cs.dropped > 0 {
		cs.res.Problems = append(cs.res.Problems, Problem{
			Offset: cs.res.Offset, Message: fmt.Sprintf("%d further problems in this chunk not listed", cs.dropped),
		})
	}
	return cs.res
}

func allZero(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b) != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func (cs *chunkState) read(visit func(*winevent.Event, Location)) {
	c := cs.c
	le := binary.LittleEndian
	if allZero(c) {
		cs.res.Empty = true
		return
	}
	if len(c) < chunkSize {
		cs.problem(len(c), 0, "chunk truncated: the file ends %d bytes into it", len(c))
	}
	if len(c) < chunkHeaderSize {
		return
	}
	free := len(c)
	known := false // whether free comes from the chunk header
	if string(c[:8]) != chunkMagic {
		// The header is gone, but records after it may be intact: look for
		// them by their own signature.
		cs.problem(0, 0, "no chunk signature (ElfChnk): looking for records anyway")
	} else {
		crc := crc32.Update(0, crc32.IEEETable, c[:120])
		crc = crc32.Update(crc, crc32.IEEETable, c[128:chunkHeaderSize])
		if crc != le.Uint32(c[124:]) {
			cs.problem(124, 0, "chunk header CRC32 mismatch")
		}
		f := int(le.Uint32(c[48:]))
		switch {
		case f < chunkHeaderSize || f > chunkSize:
			cs.problem(48, 0, "chunk free space offset 0x%x is outside the chunk: records found by their signature", f)
		case f > len(c):
			// Truncated chunk: already reported; the CRC cannot be checked.
		default:
			free, known = f, true
			if crc32.ChecksumIEEE(c[chunkHeaderSize:free]) != le.Uint32(c[52:]) {
				cs.problem(52, 0, "event records CRC32 mismatch (normal in a copy of a live log, else altered records)")
			}
		}
	}
	cs.s.resetChunk()
	pos := chunkHeaderSize
	for pos+recordHeader <= len(c) {
		size, reason := cs.recordAt(pos)
		if reason == "" {
			cs.record(pos, size, visit)
			pos += size
			continue
		}
		if !known && allZero(c[pos:]) {
			// No header to say where the records end: the zeros that
			// follow the last one are the free space.
			break
		}
		if pos >= free {
			// Past the records the header counts: slack. Stale records of
			// an earlier use of the chunk may lie there; count them.
			for p := cs.resync(pos); p >= 0; {
				size, _ := cs.recordAt(p)
				cs.res.Slack++
				p = cs.resync(p + size)
			}
			break
		}
		cs.problem(pos, 0, "bad record: %s", reason)
		next := cs.resync(pos + 8)
		cs.res.Skipped++
		if next < 0 {
			break
		}
		pos = next
	}
}

// recordAt checks the record framing at pos: signature, a size that fits
// the chunk, and the copy of the size at the record's end. It returns the
// size, or why there is no record.
func (cs *chunkState) recordAt(pos int) (int, string) {
	c := cs.c
	if string(c[pos:pos+4]) != recordMagic {
		return 0, "no record signature"
	}
	size := int(binary.LittleEndian.Uint32(c[pos+4:]))
	if size < recordHeader+4 || size > len(c)-pos {
		return 0, fmt.Sprintf("record size %d does not fit the chunk", size)
	}
	if int(binary.LittleEndian.Uint32(c[pos+size-4:])) != size {
		return 0, fmt.Sprintf("record size %d not repeated at the record's end", size)
	}
	return size, ""
}

// resync finds the next well-framed record at or after pos. Windows
// places records on 8-byte boundaries, but other writers may not, and a
// search for the signature at every offset costs little.
func (cs *chunkState) resync(pos int) int {
	for pos+recordHeader <= len(cs.c) {
		i := bytes.Index(cs.c[pos:], []byte(recordMagic))
		if i < 0 {
			return -1
		}
		pos += i
		if pos+recordHeader > len(cs.c) {
			return -1
		}
		if _, reason := cs.recordAt(pos); reason == "" {
			return pos
		}
		pos++
	}
	return -1
}

func (cs *chunkState) noteID(id uint64) {
	r := &cs.res
	if len(r.Runs) == 0 {
		r.FirstID = id
	}
	r.LastID = id
	if k := len(r.Runs) - 1; k >= 0 && r.Runs[k].Last+1 == id {
		r.Runs[k].Last = id
		return
	}
	r.Runs = append(r.Runs, IDRun{First: id, Last: id})
}

// record decodes the record at pos and passes its event to visit.
func (cs *chunkState) record(pos, size int, visit func(*winevent.Event, Location)) {
	c, s := cs.c, cs.s
	le := binary.LittleEndian
	id := le.Uint64(c[pos+8:])
	cs.noteID(id)
	if cs.exhaust {
		cs.res.Skipped++
		return
	}
	s.rops, s.vals, s.buf, s.fields, s.frames = s.rops[:0], s.vals[:0], s.buf[:0], s.fields[:0], s.frames[:0]
	w := walker{s: s, c: c, recOff: pos, cs: cs, recID: id, frames: s.frames}
	err := w.decode(pos+recordHeader, pos+size-4)
	s.frames = w.frames[:0]
	s.rendered += len(s.buf)
	if s.rendered > maxChunkText && err == nil {
		err = errBudget
	}
	var pe *parseError
	switch {
	case err == nil:
	case errors.Is(err, errTruncated):
		w.note(pos, "record truncated: more than the limit of rendered text or fields; the fields before the cut are kept")
	case errors.Is(err, errBudget):
		cs.problem(pos, id, "chunk work limit reached (hostile templates?): this and the remaining records of the chunk are not decoded")
		cs.exhaust = true
		cs.res.Skipped++
		return
	case errors.As(err, &pe):
		cs.problem(pe.off, id, "record not decoded: %s", pe.msg)
		cs.res.Skipped++
		return
	default:
		cs.problem(pos, id, "record not decoded: %v", err)
		cs.res.Skipped++
		return
	}
	written := filetimeToTime(le.Uint64(c[pos+16:]))
	w.event(&s.ev, written, id)
	cs.res.Records++
	visit(&s.ev, Location{Offset: cs.res.Offset + int64(pos), RecordID: id})
}
