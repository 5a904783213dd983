package scan_test

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/exchangesim"
	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/scan"
	"github.com/exsweep/exsweep/internal/scan/target"
)

// TestFleetWithinDeadlines scans 10,000 hosts of which 20 % are hostile (every mode) and checks
// the promise of docs/scan.md: the scan ends within the sum of its deadlines,
// ceil(hosts / concurrency) x host timeout, no host overruns its own, every well-behaved Exchange
// server is still recognised with its build, and no goroutine is left behind (TestMain).
// Under the race detector (ten times slower) it scans 1,000; CI runs the full size without it.
func TestFleetWithinDeadlines(t *testing.T) {
	n, concurrency := 10000, 2000
	if raceEnabled || testing.Short() {
		n, concurrency = 1000, 500
	}
	cat := defaultCatalog(t)
	modes := exchangesim.HostileModes()
	hosts := make([]exchangesim.Host, n)
	a := netip.MustParseAddr("127.26.0.1")
	for i := range hosts {
		for a.As4()[3] == 0 || a.As4()[3] == 255 {
			a = a.Next()
		}
		p := exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.9"}
		switch {
		case i%5 == 0: // 20 % hostile, every mode
			p.Hostile = modes[(i/5)%len(modes)]
		case i%5 == 1:
			p.Build = "15.2.1118.7"
		case i%5 == 2:
			p = exchangesim.Profile{Kind: exchangesim.KindIIS}
		}
		hosts[i] = exchangesim.Host{Addr: a, Profile: p} // plain HTTP: the deadlines are the subject, not TLS
		a = a.Next()
	}
	fleet, err := exchangesim.Start(hosts, exchangesim.Options{Catalog: cat})
	if err != nil {
		if strings.Contains(err.Error(), "too many open files") || strings.Contains(err.Error(), "assign") {
			t.Skipf("this system cannot serve %d loopback hosts (raise the open files limit): %v", n, err)
		}
		t.Fatal(err)
	}
	defer fleet.Close()

	// Phase deadlines with room for a loaded CI machine (emulator and scanner share its cores):
	// what is tested is that nothing outlives its deadline, and that healthy hosts are still
	// read right while hostile ones hold their slots.
	const hostTimeout = 4 * time.Second
	lim := quickLimits()
	lim.Connect, lim.Headers, lim.Body = 2*time.Second, 2*time.Second, 2*time.Second
	s, err := scan.New(scan.Options{Limits: lim, HostTimeout: hostTimeout, Concurrency: concurrency, Rate: 0, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]exchangesim.Host{}
	for _, h := range fleet.Hosts() {
		want[targetOf(h).Key()] = h
	}
	start := time.Now()
	statuses := map[string]int{}
	var problems []string
	err = s.Run(context.Background(), func(yield func(target.Target, error) bool) {
		for _, h := range fleet.Hosts() {
			if !yield(targetOf(h), nil) {
				return
			}
		}
	}, func(h finding.ScanHost) {
		statuses[h.Status]++
		if h.Duration > (hostTimeout + 300*time.Millisecond).Seconds() {
			problems = append(problems, fmt.Sprintf("%s took %.2f s, over its %v deadline", h.Target, h.Duration, hostTimeout))
		}
		w, ok := want[h.Target]
		if !ok {
			problems = append(problems, "result for an unknown target "+h.Target)
			return
		}
		delete(want, h.Target)
		if w.Profile.Kind == exchangesim.KindExchange && w.Profile.Hostile == "" && (h.Status != finding.ScanExchange || h.Build != w.Profile.Build) {
			problems = append(problems, fmt.Sprintf("%s: Exchange %s judged %s %q (%s)", h.Target, w.Profile.Build, h.Status, h.Build, h.Reason))
		}
		if w.Profile.Hostile != "" && h.Status == finding.ScanExchange {
			problems = append(problems, fmt.Sprintf("%s: hostile (%s) judged Exchange", h.Target, w.Profile.Hostile))
		}
	}, nil)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 0 {
		t.Errorf("%d hosts got no result", len(want))
	}
	for i, p := range problems {
		if i == 20 {
			t.Errorf("... and %d more", len(problems)-20)
			break
		}
		t.Error(p)
	}
	bound := time.Duration((n+concurrency-1)/concurrency) * hostTimeout
	t.Logf("%d hosts (20%% hostile) in %v, bound %v: %v", n, elapsed.Round(time.Millisecond), bound, statuses)
	if elapsed > bound+time.Second {
		t.Errorf("the scan took %v, over the sum of its deadlines (%v)", elapsed, bound)
	}
}
