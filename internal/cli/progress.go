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

// liveLine redraws one status line on a terminal, at most ten times a second, so the workers
// that report progress pay nothing for it. render is called with the lock held.
type liveLine struct {
	w      io.Writer
	render func(elapsed float64) string
	mu     sync.Mutex
	start  time.Time
	last   time.Time
	drawn  bool
}

func newLiveLine(w io.Writer, render func(elapsed float64) string) *liveLine {
	return &liveLine{w: w, render: render, start: time.Now()}
}

// update applies change to the state the line shows, and redraws if a tenth of a second passed.
func (l *liveLine) update(change func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	change()
	if now := time.Now(); now.Sub(l.last) >= 100*time.Millisecond {
		l.last = now
		l.draw(now)
	}
}

func (l *liveLine) draw(now time.Time) {
	fmt.Fprintf(l.w, "\r%s   ", l.render(now.Sub(l.start).Seconds()))
	l.drawn = true
}

// finish draws the last state and ends the line (nothing if it never drew).
func (l *liveLine) finish() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.drawn {
		l.draw(time.Now())
		fmt.Fprintln(l.w)
	}
}

// gauge is "[=====     ]" for a share between 0 and 1.
func gauge(frac float64) string {
	const width = 28
	filled := min(max(int(frac*width), 0), width)
	return "[" + strings.Repeat("=", filled) + strings.Repeat(" ", width-filled) + "]"
}

// eta is the time left at rate for left units, "--" when unknown.
func eta(left, rate float64) string {
	if rate <= 0 || left < 0 {
		return "--"
	}
	return time.Duration(left / rate * float64(time.Second)).Round(time.Second).String()
}

// progressBar is the hunt's line: bytes read of total, files, rate and time left.
type progressBar struct {
	*liveLine
	p hunt.Progress
}

func newProgressBar(w io.Writer) *progressBar {
	b := &progressBar{}
	b.liveLine = newLiveLine(w, b.render)
	return b
}

func (b *progressBar) update(p hunt.Progress) { b.liveLine.update(func() { b.p = p }) }

func (b *progressBar) render(elapsed float64) string {
	p := b.p
	frac, rate := 0.0, 0.0
	if p.TotalBytes > 0 {
		frac = float64(p.Bytes) / float64(p.TotalBytes)
	}
	if elapsed > 0 {
		rate = float64(p.Bytes) / elapsed
	}
	return fmt.Sprintf("%s %5.1f%% %s/%s, %d/%d files, %s/s, ETA %s", gauge(frac), frac*100,
		report.Bytes(p.Bytes), report.Bytes(p.TotalBytes), p.Files, p.TotalFiles, report.Bytes(int64(rate)),
		eta(float64(p.TotalBytes-p.Bytes), rate))
}

// scanBar is the scan's line: hosts done of total, the rate and the time left (count and rate
// only when the total is unknown: targets from stdin).
type scanBar struct {
	*liveLine
	total, done uint64
}

func newScanBar(w io.Writer, total uint64) *scanBar {
	b := &scanBar{total: total}
	b.liveLine = newLiveLine(w, b.render)
	return b
}

func (b *scanBar) add() { b.update(func() { b.done++ }) }

func (b *scanBar) render(elapsed float64) string {
	rate := 0.0
	if elapsed > 0 {
		rate = float64(b.done) / elapsed
	}
	if b.total == 0 || b.done > b.total {
		return fmt.Sprintf("%d hosts, %.0f hosts/s", b.done, rate)
	}
	return fmt.Sprintf("%s %d/%d hosts, %.0f hosts/s, ETA %s", gauge(float64(b.done)/float64(b.total)),
		b.done, b.total, rate, eta(float64(b.total-b.done), rate))
}
