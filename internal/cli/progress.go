package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/exsweep/exsweep/internal/hunt"
	"github.com/exsweep/exsweep/internal/report"
)

// progressBar draws one line on a terminal: bytes read of total, files, rate and time left.
// It redraws at most ten times a second, so the hunt's workers pay nothing for it.
type progressBar struct {
	w     io.Writer
	mu    sync.Mutex
	start time.Time
	last  time.Time
	p     hunt.Progress
	drawn bool
}

func newProgressBar(w io.Writer) *progressBar {
	return &progressBar{w: w, start: time.Now()}
}

func (b *progressBar) update(p hunt.Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.p = p
	if now := time.Now(); now.Sub(b.last) >= 100*time.Millisecond {
		b.last = now
		b.draw(now)
	}
}

func (b *progressBar) draw(now time.Time) {
	p := b.p
	frac := 0.0
	if p.TotalBytes > 0 {
		frac = float64(p.Bytes) / float64(p.TotalBytes)
	}
	const width = 28
	filled := int(frac * width)
	elapsed := now.Sub(b.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(p.Bytes) / elapsed
	}
	eta := "--"
	if rate > 0 && p.TotalBytes >= p.Bytes {
		eta = time.Duration(float64(p.TotalBytes-p.Bytes) / rate * float64(time.Second)).Round(time.Second).String()
	}
	fmt.Fprintf(b.w, "\r[%s%s] %5.1f%% %s/%s, %d/%d files, %s/s, ETA %s   ",
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), frac*100,
		report.Bytes(p.Bytes), report.Bytes(p.TotalBytes), p.Files, p.TotalFiles, report.Bytes(int64(rate)), eta)
	b.drawn = true
}

func (b *progressBar) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		b.draw(time.Now())
		fmt.Fprintln(b.w)
	}
}
