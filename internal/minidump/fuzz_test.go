package minidump_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/exsweep/exsweep/internal/minidump"
	"github.com/exsweep/exsweep/internal/minidump/minidumptest"
)

// FuzzInspect feeds arbitrary bytes to Inspect, told the true size and an overstated one: no
// panic, the caps hold, and it agrees with Sniff on what is a minidump.
func FuzzInspect(f *testing.F) {
	f.Add(minidumptest.Build(minidumptest.LSASS()))
	f.Add(minidumptest.Build(minidumptest.Spec{Modules: []string{`C:\x\w3wp.exe`}, PID: 9}))
	f.Add([]byte("MDMP\x93\xa7\x00\x00\x0e\x00\x00\x00\x20\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := minidump.Inspect(bytes.NewReader(data), int64(len(data)))
		if err != nil && !errors.Is(err, minidump.ErrNotMinidump) {
			t.Fatalf("error other than ErrNotMinidump from a bytes.Reader: %v", err)
		}
		if (err == nil) != in.SignatureOK {
			t.Fatalf("err %v but SignatureOK %v", err, in.SignatureOK)
		}
		if len(data) >= 32 && (err == nil) != (minidump.Sniff(data) == minidump.KindMinidump) {
			t.Fatalf("Inspect err %v, Sniff %v", err, minidump.Sniff(data))
		}
		checkBounds(t, in)
		_ = in.ProcessName()

		over, err := minidump.Inspect(shortReader{data}, int64(len(data))+1000)
		if err != nil && !errors.Is(err, minidump.ErrNotMinidump) {
			t.Fatalf("overstated size: %v", err)
		}
		checkBounds(t, over)
	})
}

// FuzzSniff checks Sniff never panics and looks only at the first SniffLen bytes.
func FuzzSniff(f *testing.F) {
	f.Add([]byte("MDMP\x93\xa7\x00\x00"))
	f.Add([]byte("PAGEDU64\x0f\x00\x00\x00"))
	f.Add([]byte("PAGEDUMP"))
	f.Add([]byte("MZ"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k := minidump.Sniff(data)
		if len(data) < minidump.SniffLen {
			if k != minidump.KindNone {
				t.Fatalf("Sniff of %d bytes = %v", len(data), k)
			}
			return
		}
		if k2 := minidump.Sniff(data[:minidump.SniffLen]); k2 != k {
			t.Fatalf("Sniff depends on bytes past SniffLen: %v vs %v", k, k2)
		}
		if k.String() == "" {
			t.Fatal("empty String")
		}
	})
}
