package peversion_test

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/exsweep/exsweep/internal/peversion"
	"github.com/exsweep/exsweep/internal/peversion/peversiontest"
)

// FuzzRead feeds arbitrary bytes to Read: no panic, a typed error or bounded results.
func FuzzRead(f *testing.F) {
	f.Add(peversiontest.Build(spec{Versions: []ver{exchange()}}))
	f.Add(peversiontest.Build(spec{}))
	f.Add([]byte("MZ"))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := peversion.Read(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			var fe *peversion.FormatError
			if !errors.As(err, &fe) && !errors.Is(err, peversion.ErrNotPE) && !errors.Is(err, peversion.ErrNoVersion) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		if info.Strings == nil || len(info.Strings) > 512 {
			t.Fatalf("Strings: %d entries (nil %v)", len(info.Strings), info.Strings == nil)
		}
		for k, v := range info.Strings {
			if utf8.RuneCountInString(k) > 128 || utf8.RuneCountInString(v) > 4096 {
				t.Fatalf("string over cap: %d, %d runes", len(k), len(v))
			}
		}
		_ = info.String()
	})
}
