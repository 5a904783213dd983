package hunt

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
)

func TestInParallel(t *testing.T) {
	items := make([]int, 1000)
	for i := range items {
		items[i] = i
	}
	var mu sync.Mutex
	seen := map[int]int{}
	var started, finished atomic.Int32
	inParallel(context.Background(), 4, items, func() *int { started.Add(1); return new(int) },
		func(n *int, it int) { *n++; mu.Lock(); seen[it]++; mu.Unlock() },
		func(*int) { finished.Add(1) })
	if len(seen) != 1000 || started.Load() != 4 || finished.Load() != 4 {
		t.Errorf("%d items seen, %d workers started, %d finished; want 1000, 4, 4", len(seen), started.Load(), finished.Load())
	}
	for it, n := range seen {
		if n != 1 {
			t.Errorf("item %d handled %d times", it, n)
		}
	}
	// A cancelled context stops handing out items; no item at all still starts one worker (and
	// returns).
	ctx, cancel := context.WithCancel(context.Background())
	var handled, atCancel atomic.Int32
	inParallel(ctx, 2, items, func() struct{} { return struct{}{} }, func(_ struct{}, it int) {
		if handled.Add(1) == 10 {
			cancel()
			// The other worker may have taken more items between the count and the cancel:
			// what counts is how many start after the cancel is visible.
			atCancel.Store(handled.Load())
		}
	}, nil)
	// After the cancel: the other worker's item in flight, and at most one more that the
	// feeder was already offering.
	if n, c := handled.Load(), atCancel.Load(); n < 10 || n > c+2 {
		t.Errorf("%d items handled, %d when the cancel was visible; want at most 2 more", n, c)
	}
	inParallel(context.Background(), 8, []int(nil), func() int { return 0 }, func(int, int) { t.Error("work on no items") }, nil)
}
