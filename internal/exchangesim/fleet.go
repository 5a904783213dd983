package exchangesim

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/exsweep/exsweep/internal/catalog"
)

// Options for Start.
type Options struct {
	// Catalog decides which safe checks a build fails; nil = catalog.Default().
	Catalog *catalog.Catalog
	// Record keeps every request received (for tests that assert what the scanner sends).
	Record bool
	// IdleTimeout bounds how long a connection may wait for a complete request, or for the peer
	// to take a write, before the emulator drops it; 0 = 30 s. It keeps a forgotten client from
	// holding a goroutine forever; Close does not wait for it.
	IdleTimeout time.Duration
}

// DefaultIdleTimeout is the idle deadline when Options.IdleTimeout is 0.
const DefaultIdleTimeout = 30 * time.Second

// Request is one request a simulated host received (Options.Record). Every request that was read
// is kept, aborted and hostile ones included; silent and tls-garbage hosts read none.
type Request struct {
	Host   netip.AddrPort // the listener that received it
	Method string
	Target string // request-URI as sent (path?query)
	// HostHeader is the Host header as sent (the parser moves it out of Header).
	HostHeader string
	Header     http.Header // as parsed; Host is in Header["Host"] only if the client sent it there
	BodyLen    int64       // bytes of body received (Content-Length or chunked; 0 for none; at most 1 MiB + 1)
	Time       time.Time
}

// Fleet is a set of running simulated hosts. Close it.
type Fleet struct {
	opts    Options
	idle    time.Duration
	assets  *assets
	servers []*server
	conns   map[netip.Addr]*atomic.Int64 // per address; read-only after Start
	done    chan struct{}                // closed by Close: wakes the slow and endless modes

	mu     sync.Mutex
	closed bool
	open   map[net.Conn]struct{}
	reqs   []Request

	wg sync.WaitGroup // accept loops and connections
}

// Start binds addr:port for each host and serves them until Close. Port 0 picks an ephemeral port
// (Hosts reports the real one). Only loopback addresses (127.0.0.0/8, ::1) are accepted. On any
// error nothing is left running.
func Start(hosts []Host, opts Options) (*Fleet, error) {
	for i := range hosts {
		if err := validate(&hosts[i]); err != nil {
			return nil, fmt.Errorf("exchangesim: host %d (%s): %w", i, netip.AddrPortFrom(hosts[i].Addr, hosts[i].Port), err)
		}
	}
	cat := opts.Catalog
	if cat == nil {
		var err error
		if cat, err = catalog.Default(); err != nil {
			return nil, fmt.Errorf("exchangesim: %w", err)
		}
	}
	as, err := newAssets(hosts)
	if err != nil {
		return nil, fmt.Errorf("exchangesim: %w", err)
	}
	f := &Fleet{
		opts:   opts,
		idle:   opts.IdleTimeout,
		assets: as,
		conns:  map[netip.Addr]*atomic.Int64{},
		done:   make(chan struct{}),
		open:   map[net.Conn]struct{}{},
	}
	if f.idle <= 0 {
		f.idle = DefaultIdleTimeout
	}
	// Bind everything first, so that a failure has no goroutine to stop.
	for i, h := range hosts {
		s, err := newServer(as, h, cat)
		if err != nil {
			f.closeListeners()
			return nil, fmt.Errorf("exchangesim: host %d (%s): %w", i, netip.AddrPortFrom(h.Addr, h.Port), err)
		}
		want := netip.AddrPortFrom(h.Addr.Unmap(), h.Port)
		ln, err := net.Listen("tcp", want.String())
		if err != nil {
			f.closeListeners()
			return nil, fmt.Errorf("exchangesim: host %d: listen on %s: %w", i, want, err)
		}
		s.f, s.ln = f, ln
		s.host.Port = uint16(ln.Addr().(*net.TCPAddr).Port)
		s.ap = netip.AddrPortFrom(want.Addr(), s.host.Port)
		if f.conns[s.ap.Addr()] == nil {
			f.conns[s.ap.Addr()] = new(atomic.Int64)
		}
		s.conns = f.conns[s.ap.Addr()]
		f.servers = append(f.servers, s)
	}
	for _, s := range f.servers {
		f.wg.Add(1)
		go f.accept(s)
	}
	return f, nil
}

// validate checks one host's profile before anything is bound.
func validate(h *Host) error {
	a := h.Addr.Unmap()
	switch {
	case !a.IsValid():
		return errors.New("no address")
	case a.Zone() != "":
		return fmt.Errorf("address %s: zones are not accepted", h.Addr)
	case !a.IsLoopback():
		return fmt.Errorf("address %s is not a loopback address: the emulator only serves 127.0.0.0/8 and ::1", h.Addr)
	}
	p := &h.Profile
	switch p.Hostile {
	case HostileNone, HostileSilent, HostileSlow, HostileEndless, HostileGzipBomb, HostileHugeHead,
		HostileBadStatus, HostileTLSJunk, HostileRedirect, HostileReset:
	default:
		return fmt.Errorf("hostile mode %q: want one of %v", p.Hostile, HostileModes())
	}
	switch p.Kind {
	case KindExchange:
		if p.Build == "" && p.Hostile == HostileNone {
			return errors.New("an Exchange host needs a build")
		}
	case KindOnline, KindIIS, KindWAF, KindLookalike:
	default:
		return fmt.Errorf("kind %q: want exchange, exchange-online, iis, waf or lookalike", p.Kind)
	}
	for _, b := range append([]string{p.Build, p.Reported}, p.Backends...) {
		if b == "" {
			continue
		}
		v, err := catalog.ParseBuild(b)
		if err != nil {
			return err
		}
		if p.Kind == KindExchange && v.Major != 8 && v.Major != 14 && v.Major != 15 {
			return fmt.Errorf("build %s: not an Exchange Server version (want 8.x, 14.x or 15.x)", b)
		}
	}
	return nil
}

// HostileModes lists every hostile mode, in the order GenerateFleet hands them out.
func HostileModes() []Hostile {
	return []Hostile{HostileSilent, HostileSlow, HostileEndless, HostileGzipBomb, HostileHugeHead,
		HostileBadStatus, HostileTLSJunk, HostileRedirect, HostileReset}
}

// Hosts returns the hosts as served, with the real ports.
func (f *Fleet) Hosts() []Host {
	out := make([]Host, len(f.servers))
	for i, s := range f.servers {
		out[i] = s.host
	}
	return out
}

// Requests returns every request received so far, in arrival order, all hosts (Options.Record;
// nil otherwise).
func (f *Fleet) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.reqs...)
}

// Connections returns how many connections were accepted on addr so far (every port).
func (f *Fleet) Connections(addr netip.Addr) int {
	if n := f.conns[addr.Unmap()]; n != nil {
		return int(n.Load())
	}
	return 0
}

// Close closes every listener and open connection, and waits for every goroutine of the fleet.
// It interrupts every mode at once, the slow and endless ones included. Calling it again is a no-op.
func (f *Fleet) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		f.wg.Wait()
		return nil
	}
	f.closed = true
	close(f.done)
	open := make([]net.Conn, 0, len(f.open))
	for c := range f.open {
		open = append(open, c)
	}
	f.mu.Unlock()

	err := f.closeListeners()
	for _, c := range open {
		c.Close()
	}
	f.wg.Wait()
	return err
}

func (f *Fleet) closeListeners() error {
	var first error
	for _, s := range f.servers {
		if s.ln == nil {
			continue
		}
		if err := s.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) && first == nil {
			first = fmt.Errorf("exchangesim: close %s: %w", s.ap, err)
		}
	}
	return first
}

// accept runs one listener: one goroutine per connection.
func (f *Fleet) accept(s *server) {
	defer f.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and the like: wait a little rather than spin.
			t := time.NewTimer(20 * time.Millisecond)
			select {
			case <-f.done:
				t.Stop()
				return
			case <-t.C:
			}
			continue
		}
		s.conns.Add(1)
		if !f.track(c) {
			c.Close()
			return
		}
		go func() {
			defer f.wg.Done()
			defer f.untrack(c)
			s.serve(c)
		}()
	}
}

// track registers a new connection so Close can interrupt it; false once the fleet is closing.
func (f *Fleet) track(c net.Conn) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	f.open[c] = struct{}{}
	f.wg.Add(1)
	return true
}

func (f *Fleet) untrack(c net.Conn) {
	f.mu.Lock()
	delete(f.open, c)
	f.mu.Unlock()
	c.Close()
}

func (f *Fleet) record(r Request) {
	f.mu.Lock()
	f.reqs = append(f.reqs, r)
	f.mu.Unlock()
}
