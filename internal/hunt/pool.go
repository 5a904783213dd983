package hunt

import (
	"context"
	"sync"
)

// inParallel hands the items to at most workers goroutines (at least one), each with its own
// state made by start, until all are handed out or ctx ends; finish runs in each goroutine after
// its last item, and inParallel returns when all are done. The hunt's three pools (log files,
// EVTX chunks, exported event files) are this one loop.
func inParallel[T, S any](ctx context.Context, workers int, items []T, start func() S, work func(S, T), finish func(S)) {
	next := make(chan T)
	var wg sync.WaitGroup
	for range min(workers, max(len(items), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := start()
			for it := range next {
				work(s, it)
			}
			if finish != nil {
				finish(s)
			}
		}()
	}
feed:
	for _, it := range items {
		// select picks at random among ready cases: without this check a cancelled pool
		// would go on handing out items to every worker that is free.
		if ctx.Err() != nil {
			break
		}
		select {
		case next <- it:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
}
