// Package scan finds Exchange servers on the network, reads their exact build from the most
// precise signal they give, and decides for each fix family (ProxyLogon, ProxyShell, ...) whether
// the server is vulnerable, vulnerable but mitigated, fixed, or unknown with a reason. It never
// exploits: the only requests it can send are listed by Requests, all GET without a body.
//
// A scan is a bounded pool of workers, one host each; a host is one connection reused for a short
// ladder of requests (cheapest first, stop when the build is exact), with a deadline on every
// phase and on the whole host, so that a fleet of hostile servers costs at most the sum of its
// deadlines.
package scan

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"iter"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/exsweep/exsweep/internal/catalog"
	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/scan/target"
	"github.com/exsweep/exsweep/internal/scan/wire"
)

// Resolver looks up host names (net.DefaultResolver satisfies it; tests map names to loopback).
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Options configure a scan. The defaults are documented in docs/scan.md.
type Options struct {
	Limits      wire.Limits
	HostTimeout time.Duration // the whole host, every request included (default 30 s)
	Concurrency int           // hosts scanned at once (default 256)
	Rate        float64       // requests per second over the whole scan; 0 = no limit
	Retries     int           // retries of a connection after a transient local failure (the CLI's default is 2)
	Active      bool          // also send the active safe checks
	Exclude     *target.Exclusions
	Resolver    Resolver
	Catalog     *catalog.Catalog
	UserAgent   string
	// DialContext replaces the system dialer (tests count connections with it).
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Scanner scans hosts. It is safe for concurrent use.
type Scanner struct {
	opts    Options
	dialer  *wire.Dialer
	limiter *rate.Limiter
}

// New checks the options and fills the defaults.
func New(o Options) (*Scanner, error) {
	if o.Catalog == nil {
		return nil, errors.New("scan: no build catalog")
	}
	if o.HostTimeout <= 0 {
		o.HostTimeout = 30 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 256
	}
	if o.Retries < 0 {
		o.Retries = 0
	}
	if o.Rate < 0 {
		return nil, fmt.Errorf("scan: rate %v: want 0 (no limit) or more", o.Rate)
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	if o.UserAgent == "" {
		o.UserAgent = "exsweep (+https://github.com/exsweep/exsweep)"
	}
	s := &Scanner{opts: o, dialer: &wire.Dialer{Limits: o.Limits, DialContext: o.DialContext}}
	if o.Rate > 0 {
		burst := int(o.Rate / 10)
		if burst < 1 {
			burst = 1
		}
		s.limiter = rate.NewLimiter(rate.Limit(o.Rate), burst)
	}
	return s, nil
}

// Run scans every target the sequence yields, o.Concurrency at a time, and calls emit with each
// host's result as it finishes (from one goroutine at a time). A bad target is passed to bad and
// the scan goes on. Run returns when every started host has finished; when ctx is cancelled it
// starts no new host, the hosts under way end at their next read, and their results, cut short,
// are not emitted: a resumed scan does them again instead of trusting half a ladder.
func (s *Scanner) Run(ctx context.Context, targets iter.Seq2[target.Target, error], emit func(finding.ScanHost), bad func(error)) error {
	work := make(chan target.Target)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range s.opts.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range work {
				h := s.Host(ctx, t)
				if ctx.Err() != nil {
					continue
				}
				mu.Lock()
				if local(&h) {
					// Our own shortage (out of sockets), not the host's answer: not a result,
					// so that a resumed scan does it again.
					if bad != nil {
						bad(&NotScanned{Target: h.Target, Reason: h.Reason})
					}
				} else {
					emit(h)
				}
				mu.Unlock()
			}
		}()
	}

	// The targets are read in their own goroutine, so that Ctrl-C is seen even while the list
	// (a pipe, stdin) has nothing to give. If it is blocked in a read when the scan ends, it
	// stays so until the read returns.
	type item struct {
		t   target.Target
		err error
	}
	items := make(chan item)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(items)
		for t, err := range targets {
			select {
			case items <- item{t, err}:
			case <-done:
				return
			}
		}
	}()
	var err error
loop:
	for {
		select {
		case it, ok := <-items:
			if !ok {
				break loop
			}
			if it.err != nil {
				if bad != nil {
					mu.Lock()
					bad(it.err)
					mu.Unlock()
				}
				continue
			}
			select {
			case work <- it.t:
			case <-ctx.Done():
				err = ctx.Err()
				break loop
			}
		case <-ctx.Done():
			err = ctx.Err()
			break loop
		}
	}
	close(work)
	wg.Wait()
	return err
}

// NotScanned reports a target the scan could not do for a reason of its own (the local system
// ran out of sockets): it is not written, and a resumed scan does it again.
type NotScanned struct {
	Target, Reason string
}

func (e *NotScanned) Error() string {
	return e.Target + ": not scanned (" + e.Reason + " here, not at the host)"
}

// local reports a result that says more about this machine than about the host.
func local(h *finding.ScanHost) bool {
	return h.Reason == wire.KindTransient
}

// Host scans one target. Its deadline is o.HostTimeout of its own time: waiting for the global
// rate limiter does not count against it, so a polite --rate never turns servers into timeouts.
func (s *Scanner) Host(ctx context.Context, t target.Target) finding.ScanHost {
	start := time.Now()
	h := finding.ScanHost{Schema: finding.ScanSchema, Target: t.Key(), Input: t.Input, Name: t.Name,
		Port: t.Port, Scheme: t.Scheme, Started: start.UTC(), Requests: []finding.Exchange{}}
	s.host(ctx, start.Add(s.opts.HostTimeout), t, &h)
	h.Duration = time.Since(start).Seconds()
	if len(h.Families) == 0 {
		h.Families = s.unknownAll(h.Reason)
	}
	return h
}

func (s *Scanner) host(ctx context.Context, deadline time.Time, t target.Target, h *finding.ScanHost) {
	addr := t.Addr
	if !addr.IsValid() {
		rctx, cancel := context.WithDeadline(ctx, deadline)
		a, status, reason := s.resolve(rctx, t.Name)
		cancel()
		if status != "" {
			h.Status, h.Reason = status, reason
			return
		}
		addr = a
	}
	h.IP = addr.String()
	hostHeader := t.Name
	if hostHeader == "" {
		hostHeader = addr.String()
		if addr.Is6() {
			hostHeader = "[" + hostHeader + "]"
		}
	}
	if (t.Scheme == "https" && t.Port != 443) || (t.Scheme == "http" && t.Port != 80) {
		hostHeader += ":" + strconv.Itoa(int(t.Port))
	}
	ses := &session{s: s, ctx: ctx, deadline: deadline, addr: netip.AddrPortFrom(addr, t.Port), tls: t.Scheme == "https", sni: t.Name, host: hostHeader, h: h}
	defer ses.close()
	ladder(ses, h, s.opts.Catalog, s.opts.Active)
}

// resolve looks a name up and picks its first address not excluded.
func (s *Scanner) resolve(ctx context.Context, name string) (netip.Addr, string, string) {
	lim := s.dialer.Limits
	if lim.Connect <= 0 {
		lim = wire.DefaultLimits()
	}
	rctx, cancel := context.WithTimeout(ctx, lim.Connect)
	defer cancel()
	addrs, err := s.opts.Resolver.LookupNetIP(rctx, "ip", name)
	if err != nil || len(addrs) == 0 {
		var dnsErr *net.DNSError
		switch {
		case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
			return netip.Addr{}, finding.ScanUnreachable, "dns-not-found"
		case rctx.Err() != nil:
			return netip.Addr{}, finding.ScanUnreachable, "timeout-dns"
		}
		return netip.Addr{}, finding.ScanUnreachable, "dns-error"
	}
	for _, a := range addrs {
		a = a.Unmap()
		if !s.opts.Exclude.Contains(a) {
			return a, "", ""
		}
	}
	return netip.Addr{}, finding.ScanExcluded, "every address of the name is excluded"
}

// unknownAll answers unknown(reason) for every family.
func (s *Scanner) unknownAll(reason string) []finding.FamilyStatus {
	if reason == "" {
		reason = "not-scanned"
	}
	out := make([]finding.FamilyStatus, 0, len(s.opts.Catalog.Families))
	for _, f := range s.opts.Catalog.Families {
		out = append(out, finding.FamilyStatus{Family: f.Name, CVEs: f.CVEs, Status: finding.FixUnknown, Reason: reason})
	}
	return out
}

// session is one host's connection and the record of what was sent.
type session struct {
	s *Scanner
	// ctx is the scan's; deadline is the host's, pushed back by time spent waiting for the rate
	// limiter. Every request runs under both.
	ctx      context.Context
	deadline time.Time
	addr     netip.AddrPort
	tls      bool
	sni      string
	host     string
	h        *finding.ScanHost
	conn     *wire.Conn
	// buf is the host's body buffer: each response body is used before the next request.
	buf []byte
	// sessions holds this host's TLS session, so that its later connections (the second 401
	// sample, the abort checks) resume it instead of a full handshake. Per host: a session is
	// never offered to another server.
	sessions tls.ClientSessionCache
	// connected: some connection was made. A host that never accepted one is unreachable;
	// one that did and then failed is failed.
	connected bool
	answered  int // responses received
}

func (ss *session) close() {
	if ss.conn != nil {
		ss.conn.Close()
		ss.conn = nil
	}
}

// stopped reports whether the ladder should stop: the scan was cancelled or the host's time is up.
func (ss *session) stopped() bool {
	return ss.ctx.Err() != nil || !time.Now().Before(ss.deadline)
}

// dial connects, retrying transient local failures (out of sockets) with backoff.
func (ss *session) dial(ctx context.Context) (*wire.Conn, error) {
	var err error
	for attempt := 0; attempt <= ss.s.opts.Retries; attempt++ {
		if attempt > 0 {
			t := time.NewTimer(time.Duration(50<<attempt) * time.Millisecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, err
			case <-t.C:
			}
		}
		var c *wire.Conn
		if ss.tls && ss.sessions == nil {
			ss.sessions = tls.NewLRUClientSessionCache(2)
		}
		c, err = ss.s.dialer.Dial(ctx, ss.addr, ss.tls, ss.sni, ss.sessions)
		if err == nil || wire.KindOf(err) == wire.KindTLS || (wire.KindOf(err) == wire.KindTimeout && phaseOf(err) == "tls") {
			ss.connected = true // TCP was accepted, even if TLS then failed
		}
		if err == nil {
			if c.TLS != nil && len(ss.h.CertNames) == 0 && len(c.TLS.PeerCertificates) > 0 {
				ss.h.CertNames = certNames(c.TLS)
			}
			return c, nil
		}
		if wire.KindOf(err) != wire.KindTransient {
			break
		}
	}
	return nil, err
}

// get sends one of the listed requests. fresh asks for a new connection (the abort checks must
// not mistake a keep-alive connection closed by the server for an abort).
func (ss *session) get(name string, fresh bool) (*wire.Response, error) {
	req := requestByName(name)
	resp, resend, err := ss.attempt(req, fresh)
	if resend {
		// The server closed a kept-alive connection as the request went out: not an answer.
		// Once more on a new connection, recorded and paced like any request.
		resp, _, err = ss.attempt(req, true)
	}
	return resp, err
}

// attempt sends req once and records it. resend reports a request lost on a reused connection.
func (ss *session) attempt(req Request, fresh bool) (resp *wire.Response, resend bool, err error) {
	ex := finding.Exchange{Request: "GET " + req.Target}
	if ss.stopped() {
		// The host's time is up: the step is recorded as not done, so it counts as no answer.
		ex.Error = "timeout-host"
		if ss.ctx.Err() != nil {
			ex.Error = "canceled"
		}
		ss.h.Requests = append(ss.h.Requests, ex)
		return nil, false, &wire.Error{Phase: "host", Kind: wire.KindTimeout, Err: errors.New(ex.Error)}
	}
	if ss.s.limiter != nil {
		// Wait on the scan's context, not the host's deadline, and give the host back the time.
		waitStart := time.Now()
		if err := ss.s.limiter.Wait(ss.ctx); err != nil {
			return nil, false, &wire.Error{Phase: "rate", Kind: wire.KindCanceled, Err: err}
		}
		ss.deadline = ss.deadline.Add(time.Since(waitStart))
	}
	ctx, cancel := context.WithDeadline(ss.ctx, ss.deadline)
	defer cancel()
	start := time.Now()
	reused := !fresh && ss.conn != nil && ss.conn.Reusable()
	resp, err = ss.send(ctx, req, fresh)
	ex.Seconds = time.Since(start).Seconds()
	if err != nil {
		var we *wire.Error
		switch {
		case errors.As(err, &we) && we.Kind == wire.KindTimeout && !time.Now().Before(ss.deadline):
			// The host's own deadline cut the phase short: say so, not "the connect timed out".
			ex.Error = "timeout-host"
		case we != nil:
			ex.Error = we.Short()
		default:
			ex.Error = err.Error()
		}
		resend = reused && (wire.KindOf(err) == wire.KindAborted || wire.KindOf(err) == wire.KindReset)
		if resend {
			ex.Error += " (on a kept-alive connection: sent again)"
		}
	} else {
		ex.Status = resp.Status
		if resp.BodyErr != "" {
			ex.Error = "body: " + resp.BodyErr
		} else if resp.Truncated {
			ex.Error = "body-truncated"
		}
		ss.answered++
	}
	ss.h.Requests = append(ss.h.Requests, ex)
	return resp, resend, err
}

func (ss *session) send(ctx context.Context, req Request, fresh bool) (*wire.Response, error) {
	var extra [][2]string
	if req.Cookie != "" {
		extra = [][2]string{{"Cookie", req.Cookie}}
	}
	if fresh || ss.conn == nil || !ss.conn.Reusable() {
		ss.close()
		c, err := ss.dial(ctx)
		if err != nil {
			return nil, err
		}
		ss.conn = c
	}
	resp, err := ss.conn.Get(ctx, ss.host, req.Target, ss.s.opts.UserAgent, extra, ss.buf)
	if resp != nil && cap(resp.Body) > cap(ss.buf) {
		ss.buf = resp.Body[:0] // keep the grown buffer for the next request
	}
	if err != nil || !ss.conn.Reusable() {
		ss.close()
	}
	return resp, err
}

// phaseOf is the phase of a wire error, "" for others.
func phaseOf(err error) string {
	var we *wire.Error
	if errors.As(err, &we) {
		return we.Phase
	}
	return ""
}
