package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/hunt"
)

func TestProgressBarShowsShareRateAndTimeLeft(t *testing.T) {
	var out bytes.Buffer
	b := newProgressBar(&out)
	b.start = time.Now().Add(-2 * time.Second)
	b.update(hunt.Progress{Bytes: 50 << 20, TotalBytes: 100 << 20, Files: 3, TotalFiles: 7})
	line := out.String()
	for _, want := range []string{"\r[", " 50.0%", "50.0 MiB/100.0 MiB", "3/7 files", "/s", "ETA 2s"} {
		if !strings.Contains(line, want) {
			t.Errorf("progress line %q lacks %q", line, want)
		}
	}
	// Updates within a tenth of a second do not redraw: workers pay nothing for the bar.
	out.Reset()
	b.update(hunt.Progress{Bytes: 60 << 20, TotalBytes: 100 << 20})
	if out.Len() != 0 {
		t.Errorf("redrew within 100 ms: %q", out.String())
	}
	b.finish()
	if !strings.HasSuffix(out.String(), "\n") || !strings.Contains(out.String(), " 60.0%") {
		t.Errorf("finish should draw the last state and end the line: %q", out.String())
	}
}
