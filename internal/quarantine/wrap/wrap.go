// Package wrap is the format of an object in the quarantine store: one evidence file made inert.
//
// Why wrap at all: a web shell copied verbatim into a folder is still a web shell. An antivirus
// deletes it (and the evidence with it), a backup agent flags it, and a web server pointed at the
// folder by mistake could serve or run it. A wrapped object is deflate-compressed (BestSpeed: the
// store is written while an incident is handled, speed matters more than a few bytes) and then
// encrypted with AES-256-CTR under a random key kept in the object's own header. That is not
// secrecy (anyone with this package unwraps it); it only makes sure no byte pattern of the
// original survives, so nothing recognises, serves or runs it.
//
// Layout, integers little-endian, a 120-byte header then the body:
//
//	0    8  magic "EXSWEEPQ"
//	8    2  format version (1)
//	10   2  header length (120)
//	12   4  flags (bit 0: body is deflate-compressed; always set in version 1)
//	16   8  size of the original
//	24   8  size of the body (the bytes after the header)
//	32  32  SHA-256 of the original
//	64  32  AES-256 key
//	96  16  CTR initial counter block
//	112  4  reserved, zero
//	116  4  CRC-32 (IEEE) of bytes 0..115
//
// The header names the original's size and SHA-256 and Unwrap checks both, so an object that
// unwraps without error is the original, bit for bit. Objects are hostile input like everything
// else (a store can be tampered with): the body size must match the file, the declared size can
// not exceed what the body can inflate to (deflate expands at most 1032:1), output stops at the
// declared size, and every error is a *FormatError naming the offset, or ErrMismatch.
package wrap

import (
	"bufio"
	"compress/flate"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
)

// Magic opens every object.
const Magic = "EXSWEEPQ"

// HeaderSize is the length of the version-1 header.
const HeaderSize = 120

const (
	version     = 1
	flagDeflate = 1
	// maxRatio bounds how far deflate can expand: a 258-byte match costs at least two bits, so
	// one body byte yields at most 1032 bytes. A header claiming more is lying.
	maxRatio = 1032
)

// ErrMismatch means the object unwrapped but what came out is not what its header promises
// (size or SHA-256): the body was altered.
var ErrMismatch = errors.New("content does not match the object header")

// FormatError is a structural problem of an object, at a byte offset of the object file.
type FormatError struct {
	Offset int64
	Msg    string
}

func (e *FormatError) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

// Header is what an object says about the original it holds.
type Header struct {
	Version  int
	Size     int64    // bytes of the original
	BodySize int64    // bytes after the header
	SHA256   [32]byte // of the original
	key      [32]byte
	iv       [16]byte
}

// Sum is the SHA-256 of the original in lower-case hex.
func (h Header) Sum() string { return hex.EncodeToString(h.SHA256[:]) }

// File is where a Writer puts an object: the header is written last, at offset 0, once the
// size and hash of the original are known (the original is read only once).
type File interface {
	io.Writer
	io.WriterAt
}

// Writer wraps one original, streamed through Write.
type Writer struct {
	dst    File
	hdr    Header
	sum    hash.Hash
	body   *countWriter
	flate  *flate.Writer
	closed bool
}

// NewWriter starts an object in dst, which must be empty; random supplies the key and counter
// block (crypto/rand.Reader in production).
func NewWriter(dst File, random io.Reader) (*Writer, error) {
	w := &Writer{}
	if err := w.Reset(dst, random); err != nil {
		return nil, err
	}
	return w, nil
}

// Reset starts a new object in dst with a fresh key, reusing the compressor: a deflate writer
// is most of a megabyte of tables, not worth allocating again for every file of a clean-up.
func (w *Writer) Reset(dst File, random io.Reader) error {
	w.dst, w.closed, w.hdr = dst, false, Header{Version: version}
	if w.sum == nil {
		w.sum = sha256.New()
	}
	w.sum.Reset()
	if _, err := io.ReadFull(random, w.hdr.key[:]); err != nil {
		return fmt.Errorf("object key: %w", err)
	}
	if _, err := io.ReadFull(random, w.hdr.iv[:]); err != nil {
		return fmt.Errorf("object counter block: %w", err)
	}
	// A zero header first: an object whose Close never happened has a bad magic and CRC, so it
	// can never pass for a complete one.
	if _, err := dst.Write(make([]byte, HeaderSize)); err != nil {
		return err
	}
	block, err := aes.NewCipher(w.hdr.key[:])
	if err != nil {
		return err
	}
	w.body = &countWriter{w: cipher.StreamWriter{S: cipher.NewCTR(block, w.hdr.iv[:]), W: dst}}
	if w.flate == nil {
		w.flate, err = flate.NewWriter(w.body, flate.BestSpeed)
		return err
	}
	w.flate.Reset(w.body)
	return nil
}

// Write adds bytes of the original.
func (w *Writer) Write(p []byte) (int, error) {
	if w.closed {
		return 0, errors.New("wrap: write after close")
	}
	n, err := w.flate.Write(p)
	w.sum.Write(p[:n])
	w.hdr.Size += int64(n)
	return n, err
}

// Close ends the body and writes the header. It does not close or sync dst. The returned
// header describes the object (its Sum is the SHA-256 of everything written).
func (w *Writer) Close() (Header, error) {
	if w.closed {
		return w.hdr, errors.New("wrap: closed twice")
	}
	w.closed = true
	if err := w.flate.Close(); err != nil {
		return w.hdr, err
	}
	w.hdr.BodySize = w.body.n
	copy(w.hdr.SHA256[:], w.sum.Sum(nil))
	if _, err := w.dst.WriteAt(encodeHeader(w.hdr), 0); err != nil {
		return w.hdr, err
	}
	return w.hdr, nil
}

// Size is the length of the object file written so far.
func (w *Writer) Size() int64 { return HeaderSize + w.body.n }

func encodeHeader(h Header) []byte {
	b := make([]byte, HeaderSize)
	copy(b, Magic)
	binary.LittleEndian.PutUint16(b[8:], version)
	binary.LittleEndian.PutUint16(b[10:], HeaderSize)
	binary.LittleEndian.PutUint32(b[12:], flagDeflate)
	binary.LittleEndian.PutUint64(b[16:], uint64(h.Size))
	binary.LittleEndian.PutUint64(b[24:], uint64(h.BodySize))
	copy(b[32:], h.SHA256[:])
	copy(b[64:], h.key[:])
	copy(b[96:], h.iv[:])
	binary.LittleEndian.PutUint32(b[116:], crc32.ChecksumIEEE(b[:116]))
	return b
}

// ReadHeader reads and checks the header of the object r, which is size bytes long.
func ReadHeader(r io.ReaderAt, size int64) (Header, error) {
	var h Header
	if size < HeaderSize {
		return h, &FormatError{0, fmt.Sprintf("%d bytes: too short for an object header (%d)", size, HeaderSize)}
	}
	b := make([]byte, HeaderSize)
	if n, err := r.ReadAt(b, 0); n < HeaderSize {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return h, &FormatError{int64(n), "reading the header: " + err.Error()}
	}
	if string(b[:8]) != Magic {
		return h, &FormatError{0, "not a quarantine object (no " + Magic + " magic)"}
	}
	if v := binary.LittleEndian.Uint16(b[8:]); v != version {
		return h, &FormatError{8, fmt.Sprintf("format version %d is not supported (only %d)", v, version)}
	}
	if l := binary.LittleEndian.Uint16(b[10:]); l != HeaderSize {
		return h, &FormatError{10, fmt.Sprintf("header length %d, want %d", l, HeaderSize)}
	}
	if got, want := crc32.ChecksumIEEE(b[:116]), binary.LittleEndian.Uint32(b[116:]); got != want {
		return h, &FormatError{116, fmt.Sprintf("header checksum %08x does not match %08x (header damaged)", want, got)}
	}
	if f := binary.LittleEndian.Uint32(b[12:]); f != flagDeflate {
		return h, &FormatError{12, fmt.Sprintf("flags %#x: unknown", f)}
	}
	if binary.LittleEndian.Uint32(b[112:]) != 0 {
		return h, &FormatError{112, "reserved field is not zero"}
	}
	h.Version = version
	orig, body := binary.LittleEndian.Uint64(b[16:]), binary.LittleEndian.Uint64(b[24:])
	if body != uint64(size-HeaderSize) {
		return h, &FormatError{24, fmt.Sprintf("body size %d does not match the file (%d bytes after the header)", body, size-HeaderSize)}
	}
	if body == 0 || orig/maxRatio > body {
		return h, &FormatError{16, fmt.Sprintf("declared size %d cannot come out of a %d-byte body", orig, body)}
	}
	h.Size, h.BodySize = int64(orig), int64(body)
	copy(h.SHA256[:], b[32:])
	copy(h.key[:], b[64:])
	copy(h.iv[:], b[96:])
	return h, nil
}

// Unwrap writes the original held by the object r (size bytes long) to dst and checks it
// against the header: the size, the SHA-256, and that the compressed stream ends exactly at the
// end of the file. dst sees at most the declared size. On error dst may have received part of
// the output; callers write to a temporary file and discard it.
func Unwrap(dst io.Writer, r io.ReaderAt, size int64) (Header, error) {
	h, err := ReadHeader(r, size)
	if err != nil {
		return h, err
	}
	block, err := aes.NewCipher(h.key[:])
	if err != nil {
		return h, err
	}
	// The body is read through a counter under a bufio.Reader: flate reads byte by byte from a
	// ByteReader and never past the end of its stream, so what is left over afterwards is
	// exactly the trailing garbage, and the count gives offsets for errors.
	counted := &countReader{r: io.NewSectionReader(r, HeaderSize, h.BodySize)}
	br := bufio.NewReaderSize(cipher.StreamReader{S: cipher.NewCTR(block, h.iv[:]), R: counted}, 32<<10)
	offset := func() int64 { return HeaderSize + counted.n - int64(br.Buffered()) }
	fr := flate.NewReader(br)
	defer fr.Close()
	sum := sha256.New()
	n, err := io.CopyN(io.MultiWriter(dst, sum), fr, h.Size)
	if err != nil {
		if err == io.EOF {
			return h, fmt.Errorf("%w: %d bytes, header says %d", ErrMismatch, n, h.Size)
		}
		var ce flate.CorruptInputError
		if errors.As(err, &ce) || errors.Is(err, io.ErrUnexpectedEOF) {
			return h, &FormatError{offset(), "compressed data: " + err.Error()}
		}
		return h, err // dst failed (cancelled, disk full): not the object's fault
	}
	// The stream must end right at the declared size. flate may answer (0, nil) before it
	// reports the end, so ask a few times; a stream that keeps doing so is broken.
	var one [1]byte
	end := errors.New("the compressed data does not end")
	for range 8 {
		m, err := fr.Read(one[:])
		if m > 0 {
			return h, fmt.Errorf("%w: more than the %d bytes the header says", ErrMismatch, h.Size)
		}
		if err != nil {
			end = err
			break
		}
	}
	if end != io.EOF {
		return h, &FormatError{offset(), "compressed data: " + end.Error()}
	}
	if _, err := br.ReadByte(); err == nil {
		return h, &FormatError{offset() - 1, "bytes after the end of the compressed data"}
	}
	if got := sum.Sum(nil); string(got) != string(h.SHA256[:]) {
		return h, fmt.Errorf("%w: SHA-256 %x, header says %x", ErrMismatch, got, h.SHA256)
	}
	return h, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
