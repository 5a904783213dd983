package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestScanBar(t *testing.T) {
	var out bytes.Buffer
	b := newScanBar(&out, 100)
	b.start = time.Now().Add(-2 * time.Second)
	for range 50 {
		b.add()
	}
	b.finish()
	s := out.String()
	for _, want := range []string{"50/100 hosts", "hosts/s", "ETA", "[=============="} {
		if !strings.Contains(s, want) {
			t.Errorf("bar %q lacks %q", s, want)
		}
	}
	if !strings.HasSuffix(s, "\n") {
		t.Error("finish does not end the line")
	}

	// Unknown total (targets from stdin): count and rate, no ETA.
	out.Reset()
	b = newScanBar(&out, 0)
	b.start = time.Now().Add(-time.Second)
	b.add()
	b.finish()
	if s := out.String(); !strings.Contains(s, "1 hosts") || strings.Contains(s, "ETA") {
		t.Errorf("bar without a total: %q", s)
	}
}
