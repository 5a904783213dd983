package wrap_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	mrand "math/rand/v2"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/quarantine/wrap"
)

// buffer is an in-memory File.
type buffer struct{ b []byte }

func (f *buffer) Write(p []byte) (int, error) { f.b = append(f.b, p...); return len(p), nil }
func (f *buffer) WriteAt(p []byte, off int64) (int, error) {
	if int(off)+len(p) > len(f.b) {
		return 0, errors.New("write past end")
	}
	return copy(f.b[off:], p), nil
}

func wrapBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var f buffer
	w, err := wrap.NewWriter(&f, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	// Odd write sizes: the writer must not depend on how the original arrives.
	for rest := data; len(rest) > 0; {
		n := min(len(rest), 1+len(rest)%7919)
		if _, err := w.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	h, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if h.Size != int64(len(data)) || h.SHA256 != sha256.Sum256(data) || w.Size() != int64(len(f.b)) {
		t.Fatalf("header %+v for %d bytes, object %d bytes (writer says %d)", h, len(data), len(f.b), w.Size())
	}
	return f.b
}

func TestRoundTripIsBitExact(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(1, 2))
	random := make([]byte, 3<<20)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	shell := []byte(`<%@ Page Language="C#" %><script runat="server">void Page_Load(){ /* test fixture */ }</script>`)
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"one byte", []byte{0}},
		{"small page", shell},
		{"incompressible 3 MiB", random},
		{"zeros 40 MiB", make([]byte, 40<<20)}, // near deflate's best ratio: the size bound must allow it
		{"repeated page", bytes.Repeat(shell, 5000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := wrapBytes(t, tt.data)
			var out bytes.Buffer
			h, err := wrap.Unwrap(&out, bytes.NewReader(obj), int64(len(obj)))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), tt.data) {
				t.Fatalf("unwrapped %d bytes, want %d (bytes differ)", out.Len(), len(tt.data))
			}
			if h.Size != int64(len(tt.data)) {
				t.Fatalf("header size %d", h.Size)
			}
		})
	}
}

// TestObjectIsInert: no run of 8 bytes of the original appears in the object, so a signature
// scanner cannot recognise the evidence.
func TestObjectIsInert(t *testing.T) {
	page := bytes.Repeat([]byte("eval(Request.Item[\"exsweep-test-marker\"],\"unsafe\");\n"), 50)
	obj := wrapBytes(t, page)
	for i := 0; i+8 <= len(page); i++ {
		if bytes.Contains(obj, page[i:i+8]) {
			t.Fatalf("object holds %q of the original", page[i:i+8])
		}
	}
	if bytes.Contains(obj, []byte("Request")) || bytes.Contains(obj, []byte("unsafe")) {
		t.Fatal("object holds words of the original")
	}
}

// fixCRC recomputes the header checksum after a deliberate header change, so the check behind
// it is reached.
func fixCRC(b []byte) {
	binary.LittleEndian.PutUint32(b[116:], crc32.ChecksumIEEE(b[:116]))
}

func TestDamagedObjectsAreRefused(t *testing.T) {
	good := wrapBytes(t, bytes.Repeat([]byte("evidence line\n"), 2000))
	other := wrapBytes(t, []byte("a different original"))
	tests := []struct {
		name     string
		damage   func([]byte) []byte
		offset   int64 // for a *FormatError; -1: ErrMismatch expected
		contains string
	}{
		{"empty file", func(b []byte) []byte { return nil }, 0, "too short"},
		{"header only", func(b []byte) []byte { return b[:wrap.HeaderSize] }, 24, "body size"},
		{"wrong magic", func(b []byte) []byte { b[0] = 'X'; return b }, 0, "magic"},
		{"future version", func(b []byte) []byte { b[8] = 2; fixCRC(b); return b }, 8, "version 2"},
		{"header length", func(b []byte) []byte { b[10] = 64; fixCRC(b); return b }, 10, "header length"},
		{"header byte flipped", func(b []byte) []byte { b[40] ^= 1; return b }, 116, "checksum"},
		{"unknown flag", func(b []byte) []byte { b[12] |= 4; fixCRC(b); return b }, 12, "flags"},
		{"reserved set", func(b []byte) []byte { b[112] = 1; fixCRC(b); return b }, 112, "reserved"},
		{"truncated body", func(b []byte) []byte { return b[:len(b)-5] }, 24, "body size"},
		{"appended byte", func(b []byte) []byte { return append(b, 0) }, 24, "body size"},
		{"huge declared size", func(b []byte) []byte {
			binary.LittleEndian.PutUint64(b[16:], 1<<62)
			fixCRC(b)
			return b
		}, 16, "cannot come out"},
		{"declared size one less", func(b []byte) []byte {
			binary.LittleEndian.PutUint64(b[16:], binary.LittleEndian.Uint64(b[16:])-1)
			fixCRC(b)
			return b
		}, -1, "more than"},
		{"declared size one more", func(b []byte) []byte {
			binary.LittleEndian.PutUint64(b[16:], binary.LittleEndian.Uint64(b[16:])+1)
			fixCRC(b)
			return b
		}, -1, "bytes, header says"},
		{"hash of another original", func(b []byte) []byte { copy(b[32:64], other[32:64]); fixCRC(b); return b }, -1, "SHA-256"},
		{"body byte flipped", func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b }, -2, ""},
		{"last body byte flipped", func(b []byte) []byte { b[len(b)-1] ^= 0x01; return b }, -2, ""},
		{"other key", func(b []byte) []byte { copy(b[64:96], other[64:96]); fixCRC(b); return b }, -2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := tt.damage(bytes.Clone(good))
			_, err := wrap.Unwrap(io.Discard, bytes.NewReader(obj), int64(len(obj)))
			if err == nil {
				t.Fatal("damaged object unwrapped without error")
			}
			var fe *wrap.FormatError
			switch {
			case tt.offset == -2: // either kind, as long as it is one of the two
				if !errors.As(err, &fe) && !errors.Is(err, wrap.ErrMismatch) {
					t.Fatalf("untyped error %v", err)
				}
			case tt.offset == -1:
				if !errors.Is(err, wrap.ErrMismatch) {
					t.Fatalf("error %v, want ErrMismatch", err)
				}
			default:
				if !errors.As(err, &fe) || fe.Offset != tt.offset {
					t.Fatalf("error %v, want a FormatError at offset %d", err, tt.offset)
				}
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Fatalf("error %q does not say %q", err, tt.contains)
			}
		})
	}
}

// TestTrailingDataAfterStream: bytes after the end of the compressed stream, with a header that
// counts them, are found and located.
func TestTrailingDataAfterStream(t *testing.T) {
	obj := wrapBytes(t, []byte("short original"))
	end := int64(len(obj))
	obj = append(obj, 1, 2, 3)
	binary.LittleEndian.PutUint64(obj[24:], uint64(len(obj)-wrap.HeaderSize))
	fixCRC(obj)
	_, err := wrap.Unwrap(io.Discard, bytes.NewReader(obj), int64(len(obj)))
	var fe *wrap.FormatError
	if !errors.As(err, &fe) || fe.Offset != end || !strings.Contains(err.Error(), "after the end") {
		t.Fatalf("error %v, want bytes after the end at offset %d", err, end)
	}
}

// TestOutputStopsAtDeclaredSize: a body that inflates to more than the header says is cut at
// the declared size: the writer never receives more.
func TestOutputStopsAtDeclaredSize(t *testing.T) {
	obj := wrapBytes(t, make([]byte, 1<<20))
	binary.LittleEndian.PutUint64(obj[16:], 1000)
	fixCRC(obj)
	var out countingWriter
	_, err := wrap.Unwrap(&out, bytes.NewReader(obj), int64(len(obj)))
	if !errors.Is(err, wrap.ErrMismatch) || out.n != 1000 {
		t.Fatalf("error %v after %d bytes out, want ErrMismatch after 1000", err, out.n)
	}
}

type countingWriter struct{ n int }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

func TestWriterMisuse(t *testing.T) {
	var f buffer
	if _, err := wrap.NewWriter(&f, strings.NewReader("too short for a key")); err == nil {
		t.Fatal("a short random source was accepted")
	}
	w, err := wrap.NewWriter(&f, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("x")); err == nil {
		t.Fatal("write after close accepted")
	}
	if _, err := w.Close(); err == nil {
		t.Fatal("second close accepted")
	}
}

// TestWriterReset: a reused Writer makes objects as good as a new one, each with its own key.
func TestWriterReset(t *testing.T) {
	var w *wrap.Writer
	var keys [][]byte
	for i, data := range [][]byte{bytes.Repeat([]byte("first original "), 900), nil, []byte("third")} {
		var f buffer
		var err error
		if i == 0 {
			w, err = wrap.NewWriter(&f, rand.Reader)
		} else {
			err = w.Reset(&f, rand.Reader)
		}
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		if _, err := w.Close(); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := wrap.Unwrap(&out, bytes.NewReader(f.b), int64(len(f.b))); err != nil || !bytes.Equal(out.Bytes(), data) {
			t.Fatalf("object %d: %v", i, err)
		}
		for _, k := range keys {
			if bytes.Equal(k, f.b[64:96]) {
				t.Fatal("key reused")
			}
		}
		keys = append(keys, f.b[64:96])
	}
}
