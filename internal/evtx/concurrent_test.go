package evtx

import (
	"bytes"
	"sync"
	"testing"

	"go.uber.org/goleak"

	w "github.com/exsweep/exsweep/internal/evtx/evtxwrite"
	"github.com/exsweep/exsweep/internal/winevent"
)

// TestConcurrentChunks reads the chunks of one file from several
// goroutines, each with its own Scratch, and checks the events are those
// of a sequential read (run with -race).
func TestConcurrentChunks(t *testing.T) {
	defer goleak.VerifyNone(t)
	var buf bytes.Buffer
	if err := w.Write(&buf, manyEvents(1500)); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	rd, err := NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	read := func(i int, s *Scratch) []winevent.Event {
		var out []winevent.Event
		rd.ReadChunk(i, s, func(ev *winevent.Event, _ Location) { out = append(out, *ev) })
		return out
	}
	var s Scratch
	want := make([][]winevent.Event, rd.Chunks())
	for i := range want {
		want[i] = read(i, &s)
	}
	got := make([][]winevent.Event, rd.Chunks())
	var wg sync.WaitGroup
	const workers = 4
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var s Scratch
			for i := k; i < rd.Chunks(); i += workers {
				got[i] = read(i, &s)
			}
		}()
	}
	wg.Wait()
	for i := range want {
		if len(want[i]) == 0 {
			t.Fatalf("chunk %d: no events", i)
		}
		if d := cmpEvents(want[i], got[i]); d != "" {
			t.Errorf("chunk %d differs:\n%s", i, d)
		}
	}
}
