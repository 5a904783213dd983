package wrap_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/exsweep/exsweep/internal/quarantine/wrap"
)

// FuzzUnwrap feeds arbitrary bytes as an object: a typed error, or output that is exactly what
// the header promises; the output never exceeds the 1032:1 bound over the file size.
func FuzzUnwrap(f *testing.F) {
	f.Add(wrapBytes(f, []byte("seed original")))
	f.Add(wrapBytes(f, nil))
	f.Add([]byte(wrap.Magic))
	f.Fuzz(func(t *testing.T, obj []byte) {
		var out bytes.Buffer
		h, err := wrap.Unwrap(&out, bytes.NewReader(obj), int64(len(obj)))
		if int64(out.Len()) > int64(len(obj))*1032 {
			t.Fatalf("%d bytes out of a %d-byte object", out.Len(), len(obj))
		}
		if err != nil {
			var fe *wrap.FormatError
			if !errors.As(err, &fe) && !errors.Is(err, wrap.ErrMismatch) {
				t.Fatalf("untyped error: %v", err)
			}
			if fe != nil && (fe.Offset < 0 || fe.Offset > int64(len(obj))) {
				t.Fatalf("offset %d outside a %d-byte object", fe.Offset, len(obj))
			}
			return
		}
		if h.Size != int64(out.Len()) || h.SHA256 != sha256.Sum256(out.Bytes()) {
			t.Fatalf("accepted object whose output does not match its header")
		}
	})
}
