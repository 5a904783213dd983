package exchangesim

import (
	"bytes"
	"compress/flate"
	"crypto/rand"
	"encoding/binary"
	"hash/crc32"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Timing of the hostile modes. A scanner under test must give up on each of them through its
// own deadlines and caps; these values only make sure the emulator never gives up first.
const (
	slowInterval  = time.Second // HostileSlow: one byte of the answer per interval
	hugeHeaderLen = 1 << 20     // HostileHugeHead: the size of the one giant header's value
	endlessChunk  = 32 << 10    // HostileEndless: bytes per chunk, sent as fast as the peer reads
	garbageLen    = 1024        // HostileTLSJunk: random bytes sent before hanging up
	garbageLinger = 5 * time.Second
	resetPause    = 100 * time.Millisecond // HostileReset: between the half answer and the reset
)

// The gzip bomb: bombChunks blocks of bombChunk zero bytes each, 10 GiB expanded, about 10 MB on
// the wire (deflate cannot do better than about 1:1032).
const (
	bombChunk  = 1 << 20
	bombChunks = 10 << 10
)

// silent accepts and never answers. It reads and drops what the peer sends (without a TLS
// handshake: no byte ever goes back) only to notice when the peer gives up, so the goroutine ends
// with the peer rather than at the idle deadline.
func (s *server) silent(raw net.Conn) {
	buf := make([]byte, 512)
	for {
		raw.SetReadDeadline(time.Now().Add(s.f.idle))
		if _, err := raw.Read(buf); err != nil {
			return
		}
	}
}

// tlsGarbage answers the connection with random bytes instead of a ServerHello (or an HTTP
// status line), then hangs up. It waits a little for the peer's first flight before closing, so
// the peer reads the garbage instead of a reset caused by its unread ClientHello.
func (s *server) tlsGarbage(raw net.Conn) {
	b := make([]byte, garbageLen)
	rand.Read(b)
	// Never a valid TLS record type (20-24) nor the start of "HTTP/".
	b[0] = 0x5a
	raw.SetWriteDeadline(time.Now().Add(s.f.idle))
	if _, err := raw.Write(b); err != nil {
		return
	}
	raw.SetReadDeadline(time.Now().Add(min(garbageLinger, s.f.idle)))
	for {
		if _, err := raw.Read(b); err != nil {
			return
		}
	}
}

// hostile answers one request in a per-request hostile mode; the connection always ends after.
func (cn *conn) hostile(req *http.Request) {
	s := cn.s
	switch s.host.Profile.Hostile {
	case HostileSlow:
		cn.slow(s.unauthorized(true).bytes(true))
	case HostileEndless:
		cn.endless()
	case HostileGzipBomb:
		cn.gzipBomb()
	case HostileHugeHead:
		cn.hugeHeader()
	case HostileBadStatus:
		cn.badStatus()
	case HostileReset:
		b := s.unauthorized(true).bytes(false)
		cn.raw.SetWriteDeadline(time.Now().Add(s.f.idle))
		if _, err := cn.c.Write(b[:len(b)/2]); err != nil {
			return
		}
		// Let the half answer reach the peer first: a reset discards whatever is still unsent.
		t := time.NewTimer(resetPause)
		select {
		case <-s.f.done:
		case <-t.C:
		}
		t.Stop()
		cn.abort()
	}
}

// stopped reports whether the fleet is closing, without waiting.
func (cn *conn) stopped() bool {
	select {
	case <-cn.s.f.done:
		return true
	default:
		return false
	}
}

// send writes b with a fresh write deadline: a peer that stops reading is dropped after the idle
// timeout, one that reads slowly is served for as long as it reads.
func (cn *conn) send(b []byte) bool {
	cn.raw.SetWriteDeadline(time.Now().Add(cn.s.f.idle))
	_, err := cn.c.Write(b)
	return err == nil && !cn.stopped()
}

// slow writes a valid answer one byte per slowInterval; Close interrupts the wait.
func (cn *conn) slow(b []byte) {
	t := time.NewTicker(slowInterval)
	defer t.Stop()
	for i := range b {
		if !cn.send(b[i : i+1]) {
			return
		}
		if i == len(b)-1 {
			return
		}
		select {
		case <-cn.s.f.done:
			return
		case <-t.C:
		}
	}
}

// okHead is a 200 from an Exchange front end with the framing header given instead of a length.
func (cn *conn) okHead(framing ...string) []byte {
	r := cn.s.exResponse(200)
	r.add("Content-Type", "text/html; charset=utf-8")
	r.add(framing...)
	r.framed = true
	return r.bytes(true)
}

// endless sends valid chunked headers, then chunks forever.
func (cn *conn) endless() {
	if !cn.send(cn.okHead("Transfer-Encoding", "chunked")) {
		return
	}
	pattern := []byte("<div class=\"row\">" + strings.Repeat("exsweep endless body ", 8) + "</div>\n")
	body := make([]byte, endlessChunk)
	for i := 0; i < len(body); i += copy(body[i:], pattern) {
	}
	chunk := strconv.AppendInt(nil, endlessChunk, 16)
	chunk = append(chunk, "\r\n"...)
	chunk = append(chunk, body...)
	chunk = append(chunk, "\r\n"...)
	for cn.send(chunk) {
	}
}

// gzipBomb sends a well-formed gzip body of zeros that expands to 10 GiB.
func (cn *conn) gzipBomb() {
	b := cn.s.f.assets.bomb
	if !cn.send(cn.okHead("Content-Encoding", "gzip", "Content-Length", strconv.FormatInt(b.size, 10))) || !cn.send(b.head) {
		return
	}
	for range b.n {
		if !cn.send(b.chunk) {
			return
		}
	}
	cn.send(b.tail)
}

// hugeHeader sends a status line, one header of a megabyte, then the rest of a valid answer.
func (cn *conn) hugeHeader() {
	if !cn.send([]byte("HTTP/1.1 200 OK\r\nX-Padding: ")) {
		return
	}
	pad := bytes.Repeat([]byte("A"), 32<<10)
	for sent := 0; sent < hugeHeaderLen; sent += len(pad) {
		if !cn.send(pad) {
			return
		}
	}
	r := cn.s.exResponse(200)
	r.add("Content-Type", "text/html; charset=utf-8")
	r.body = []byte("<html><head><title>Outlook</title></head><body></body></html>\n")
	rest := r.bytes(true)
	rest = rest[bytes.IndexByte(rest, '\n')+1:] // the status line was sent already
	cn.send(append([]byte("\r\n"), rest...))
}

// badStatus sends an answer whose status line is malformed, alternating between a status code
// with letters in it and a protocol that is not HTTP.
func (cn *conn) badStatus() {
	b := cn.s.unauthorized(true).bytes(true)
	rest := b[bytes.IndexByte(b, '\n')+1:]
	line := "HTTP/1.1 2OO OK\r\n"
	if cn.s.counter.Add(1)%2 == 0 {
		line = "XTTP/9 ok\r\n"
	}
	cn.send(append([]byte(line), rest...))
}

// redirectLoop answers every request with a 302 to another URL of the same host.
func (s *server) redirectLoop(req *http.Request) *response {
	n := s.counter.Add(1)
	loc := s.scheme() + "://" + s.hostOf(req) + "/owa/auth/logon.aspx?loop=" + strconv.FormatUint(n, 10)
	r := s.exResponse(302)
	r.add("Location", loc, "Content-Type", "text/html; charset=utf-8")
	r.body = []byte(movedPage(loc))
	return r
}

// gzipBomb is a gzip stream of n*chunkSize zero bytes, kept as its repeating part.
type gzipBomb struct {
	head, chunk, tail []byte
	n                 int
	size              int64 // bytes on the wire
	expanded          int64
}

// newGzipBomb compresses chunkSize zeros once. The deflate blocks for them end byte-aligned (a
// sync flush) and refer to nothing before their own start, so the same bytes repeated n times
// are a valid deflate stream of n*chunkSize zeros. The trailer's CRC-32 is computed without
// touching 10 GiB, by combining CRCs.
func newGzipBomb(chunkSize, n int) (*gzipBomb, error) {
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := fw.Write(make([]byte, chunkSize)); err != nil {
		return nil, err
	}
	if err := fw.Flush(); err != nil {
		return nil, err
	}
	b := &gzipBomb{
		head:     []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff},
		chunk:    buf.Bytes(),
		n:        n,
		expanded: int64(chunkSize) * int64(n),
	}
	crc := crcRepeat(crc32.ChecksumIEEE(make([]byte, chunkSize)), int64(chunkSize), n)
	// The last block: stored, final, empty.
	b.tail = []byte{1, 0, 0, 0xff, 0xff}
	b.tail = binary.LittleEndian.AppendUint32(b.tail, crc)
	b.tail = binary.LittleEndian.AppendUint32(b.tail, uint32(b.expanded))
	b.size = int64(len(b.head)) + int64(len(b.chunk))*int64(n) + int64(len(b.tail))
	return b, nil
}

// crcRepeat is the CRC-32 of n copies of a block of length l whose CRC-32 is c, by doubling.
func crcRepeat(c uint32, l int64, n int) uint32 {
	var out uint32 // CRC-32 of nothing
	for ; n > 0; n >>= 1 {
		if n&1 != 0 {
			out = crc32Combine(out, c, l)
		}
		c = crc32Combine(c, c, l)
		l *= 2
	}
	return out
}

// crc32Combine returns the CRC-32 (IEEE) of A followed by B from crc(A), crc(B) and len(B): it
// shifts crc(A) through len(B) zero bytes with GF(2) matrix powers (the method of zlib's
// crc32_combine).
func crc32Combine(crcA, crcB uint32, lenB int64) uint32 {
	if lenB <= 0 {
		return crcA ^ crcB
	}
	var even, odd [32]uint32
	odd[0] = 0xedb88320 // the reversed IEEE polynomial: the operator for one zero bit
	row := uint32(1)
	for i := 1; i < 32; i++ {
		odd[i] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four zero bits
	for {
		gf2Square(&even, &odd) // first pass: one zero byte
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[32]uint32) {
	for i := range 32 {
		square[i] = gf2Times(mat, mat[i])
	}
}
