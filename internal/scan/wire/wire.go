// Package wire sends one HTTP/1.1 GET at a time over a connection it owns, with a deadline on
// every phase (connect, TLS, headers, body) and a cap on every read. The scanner talks to
// servers run by strangers: a server that never answers, trickles one byte a second, sends a
// megabyte of header, an endless body or a gzip bomb must cost a bounded amount of time and
// memory. net/http's client hides the connection (and starts goroutines per connection), so the
// few lines of HTTP the scanner needs are written here, where every byte is accounted for.
//
// Only GET without a body can be expressed: the API has no method and no body parameter, which
// is the first half of the promise that the scanner never sends anything else.
package wire

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// Limits bound one host's exchanges. Zero fields take the defaults of DefaultLimits.
type Limits struct {
	Connect   time.Duration // TCP connect
	TLS       time.Duration // TLS handshake
	Headers   time.Duration // from the request written to the end of the response header
	Body      time.Duration // reading the body
	MaxHeader int           // bytes of status line and header
	MaxBody   int64         // bytes of body kept (after gzip decoding, if any); the rest is not read
}

// DefaultLimits are the documented defaults (docs/scan.md).
func DefaultLimits() Limits {
	return Limits{Connect: 5 * time.Second, TLS: 5 * time.Second, Headers: 10 * time.Second, Body: 10 * time.Second,
		MaxHeader: 64 << 10, MaxBody: 256 << 10}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.Connect <= 0 {
		l.Connect = d.Connect
	}
	if l.TLS <= 0 {
		l.TLS = d.TLS
	}
	if l.Headers <= 0 {
		l.Headers = d.Headers
	}
	if l.Body <= 0 {
		l.Body = d.Body
	}
	if l.MaxHeader <= 0 {
		l.MaxHeader = d.MaxHeader
	}
	if l.MaxBody <= 0 {
		l.MaxBody = d.MaxBody
	}
	return l
}

// Error kinds: a small vocabulary the scanner turns into "unknown(reason)".
const (
	KindRefused   = "refused"      // connection refused
	KindTimeout   = "timeout"      // a deadline passed
	KindAborted   = "aborted"      // the server closed or reset the connection before any response byte
	KindReset     = "reset"        // the connection broke in the middle of a response
	KindTLS       = "tls-error"    // the TLS handshake failed
	KindTooLarge  = "too-large"    // the response header exceeded MaxHeader
	KindMalformed = "malformed"    // not HTTP
	KindNetwork   = "network"      // other dial errors (no route, unreachable)
	KindCanceled  = "canceled"     // the caller gave up
	KindTransient = "out-of-files" // the local system ran out of sockets or file descriptors
)

// Error says which phase of an exchange failed and how.
type Error struct {
	Phase string // connect, tls, write, headers, body
	Kind  string
	Err   error
}

func (e *Error) Error() string { return fmt.Sprintf("%s %s: %v", e.Phase, e.Kind, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// Short is the error as one token for reports: "timeout-headers", "aborted", "tls-error".
func (e *Error) Short() string {
	switch e.Kind {
	case KindTimeout:
		return "timeout-" + e.Phase
	case KindReset, KindMalformed, KindTooLarge:
		return e.Kind + "-" + e.Phase
	}
	return e.Kind
}

// KindOf returns the kind of a wire error, or "" for other errors.
func KindOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

// Response is what came back.
type Response struct {
	Status    int
	Header    http.Header
	Body      []byte
	Truncated bool // the body was longer than MaxBody (or did not end before the deadline)
	BodyErr   string
}

// Conn is one connection to one server.
type Conn struct {
	nc       net.Conn
	br       *bufio.Reader
	meter    *meter
	limits   Limits
	reusable bool
	used     int
	// TLS is the handshake's state (nil for plain HTTP): the scanner reads the certificate's names.
	TLS *tls.ConnectionState
}

// meter counts the bytes read from the connection and refuses to read beyond a budget: it is
// what bounds a megabyte header, since the standard response parser has no limit of its own.
type meter struct {
	r      io.Reader
	n      int64 // bytes read in total
	budget int64 // bytes that may still be read
	// err is the last error of the connection. The standard parser can hide it: bufio hands
	// over a partial line without its error, and the parser then calls that line malformed,
	// when the truth is that the server stopped sending (a deadline passed, a reset).
	err error
}

var errBudget = errors.New("read budget exhausted")

func (m *meter) Read(p []byte) (int, error) {
	if m.budget <= 0 {
		m.err = errBudget
		return 0, errBudget
	}
	if int64(len(p)) > m.budget {
		p = p[:m.budget]
	}
	n, err := m.r.Read(p)
	m.n += int64(n)
	m.budget -= int64(n)
	if err != nil && err != io.EOF {
		m.err = err
	}
	return n, err
}

// Dialer opens connections.
type Dialer struct {
	Limits Limits
	// DialContext replaces net.Dialer (tests); nil uses a net.Dialer.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Dial connects to addr, with TLS when tlsOn. serverName goes into SNI (empty for an address
// target). Certificates are never verified: the scanner reads self-signed and expired ones too.
// sessions, when not nil, lets a later connection to the same host resume this one's TLS session
// (a server that cannot, such as another back end behind a load balancer, does a full handshake).
func (d *Dialer) Dial(ctx context.Context, addr netip.AddrPort, tlsOn bool, serverName string, sessions tls.ClientSessionCache) (*Conn, error) {
	lim := d.Limits.withDefaults()
	dctx, cancel := context.WithTimeout(ctx, lim.Connect)
	defer cancel()
	var nc net.Conn
	var err error
	if d.DialContext != nil {
		nc, err = d.DialContext(dctx, "tcp", addr.String())
	} else {
		var nd net.Dialer
		nc, err = nd.DialContext(dctx, "tcp", addr.String())
	}
	if err != nil {
		return nil, classify("connect", err, ctx)
	}
	c := &Conn{nc: nc, limits: lim}
	if tlsOn {
		tc := tls.Client(nc, &tls.Config{
			ServerName:         serverName,
			InsecureSkipVerify: true, // #nosec: a scanner must read every certificate, valid or not
			MinVersion:         tls.VersionTLS10,
			// Classic key exchange only (Go orders these itself): the scanner reads public
			// pages, and the post-quantum hybrid Go adds by default cost a fifth of the scan's
			// CPU in the fleet benchmark (4.5 s against 3.5 s for 4,096 hosts).
			CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP256, tls.CurveP384},
			// Every suite Go has, the insecure ones included: the servers that only speak RSA key
			// exchange or 3DES (old Windows, 2007 and 2010 set-ups) are the unpatched ones.
			CipherSuites:       allSuites(),
			ClientSessionCache: sessions,
		})
		stop := watch(ctx, nc, lim.TLS)
		err := tc.HandshakeContext(ctx)
		stop()
		if err != nil {
			nc.Close()
			return nil, classify("tls", err, ctx)
		}
		st := tc.ConnectionState()
		c.TLS = &st
		c.nc = tc
	}
	c.meter = &meter{r: c.nc}
	c.br = bufio.NewReaderSize(c.meter, 4096)
	return c, nil
}

// allSuites lists every TLS 1.0-1.2 cipher suite Go implements (1.3 suites are not configurable).
func allSuites() []uint16 {
	var ids []uint16
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		ids = append(ids, cs.ID)
	}
	return ids
}

// watch sets the phase deadline on nc (bounded by ctx's) and makes ctx's cancellation interrupt
// the blocked read or write at once. The returned func must be called when the phase ends. It
// takes the connection as a value: the callback may run while Dial swaps in the TLS layer.
func watch(ctx context.Context, nc net.Conn, phase time.Duration) func() bool {
	dl := time.Now().Add(phase)
	if d, ok := ctx.Deadline(); ok && d.Before(dl) {
		dl = d
	}
	nc.SetDeadline(dl)
	return context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
}

// Reusable reports whether another request may go over this connection.
func (c *Conn) Reusable() bool { return c.reusable }

// Used is how many requests went over this connection.
func (c *Conn) Used() int { return c.used }

// Close closes the connection.
func (c *Conn) Close() error { c.reusable = false; return c.nc.Close() }

// Get sends "GET target HTTP/1.1" with the Host header host and the extra header lines, and reads
// the response within the limits. After an error the connection is not reusable. The body is read
// into scratch (grown as needed; nil is fine) and Response.Body shares its memory: it is valid
// until scratch is used again. A scan reads a few bodies per host, one after the other, so one
// buffer per host spares the collector most of a scan's garbage.
func (c *Conn) Get(ctx context.Context, host, target, userAgent string, extra [][2]string, scratch []byte) (*Response, error) {
	c.reusable = false
	c.used++
	var b strings.Builder
	b.WriteString("GET ")
	b.WriteString(target)
	b.WriteString(" HTTP/1.1\r\nHost: ")
	b.WriteString(host)
	b.WriteString("\r\nUser-Agent: ")
	b.WriteString(userAgent)
	b.WriteString("\r\nAccept: */*\r\n")
	for _, h := range extra {
		b.WriteString(h[0])
		b.WriteString(": ")
		b.WriteString(h[1])
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")

	stop := watch(ctx, c.nc, c.limits.Headers)
	defer func() { stop() }()
	if _, err := io.WriteString(c.nc, b.String()); err != nil {
		return nil, classify("write", err, ctx)
	}
	before := c.meter.n
	c.meter.budget = int64(c.limits.MaxHeader)
	c.meter.err = nil
	resp, err := http.ReadResponse(c.br, nil)
	// Interim 1xx answers (100 Continue, 103 Early Hints) are not the answer: read on, a few.
	for informational := 0; err == nil && resp.StatusCode >= 100 && resp.StatusCode < 200 && resp.StatusCode != 101 && informational < 4; informational++ {
		resp, err = http.ReadResponse(c.br, nil)
	}
	if err != nil {
		got := c.meter.n - before
		if got == 0 && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isReset(err)) {
			return nil, &Error{Phase: "headers", Kind: KindAborted, Err: err}
		}
		if errors.Is(err, errBudget) || errors.Is(c.meter.err, errBudget) {
			return nil, &Error{Phase: "headers", Kind: KindTooLarge, Err: fmt.Errorf("response header over %d bytes", c.limits.MaxHeader)}
		}
		if c.meter.err != nil {
			err = c.meter.err
		}
		return nil, classify("headers", err, ctx)
	}
	out := &Response{Status: resp.StatusCode, Header: resp.Header}
	stop()
	stop = watch(ctx, c.nc, c.limits.Body)

	// The body: never more than MaxBody bytes off the wire, and never more than MaxBody once
	// decoded. A gzip bomb costs MaxBody of memory and a few milliseconds.
	// The meter's budget leaves room for chunk framing; the body itself is capped below.
	c.meter.budget = 2*c.limits.MaxBody + 64<<10
	c.meter.err = nil
	var body io.Reader = resp.Body
	gz := strings.EqualFold(strings.TrimSpace(resp.Header.Get("Content-Encoding")), "gzip")
	if gz {
		zr, zerr := gzip.NewReader(io.LimitReader(resp.Body, c.limits.MaxBody))
		if zerr != nil {
			out.BodyErr = "gzip: " + zerr.Error()
			resp.Body.Close()
			return out, nil
		}
		body = zr
	}
	data, rerr := readAll(io.LimitReader(body, c.limits.MaxBody+1), scratch[:0])
	if int64(len(data)) > c.limits.MaxBody {
		data = data[:c.limits.MaxBody]
		out.Truncated = true
	}
	out.Body = data
	if rerr != nil {
		out.Truncated = true
		// Our own caps (the meter, or the compressed bytes of a gzip body cut at MaxBody) are
		// not the server's fault: truncated, no error.
		ownCap := errors.Is(c.meter.err, errBudget) || (gz && errors.Is(rerr, io.ErrUnexpectedEOF) && c.meter.err == nil)
		if e := classify("body", rerr, ctx); e != nil && !ownCap {
			out.BodyErr = e.(*Error).Short()
		}
	}
	// Reuse only when the body ended cleanly where the server said it would, nothing more came
	// with it (a second response that no request asked for), and it was a final answer.
	if !out.Truncated && rerr == nil && !gz && !resp.Close && c.br.Buffered() == 0 && resp.StatusCode >= 200 {
		var probe [1]byte
		if n, _ := resp.Body.Read(probe[:]); n == 0 {
			c.reusable = true
		}
	}
	resp.Body.Close()
	return out, nil
}

func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE)
}

// classify turns an I/O error into an *Error with a kind.
func classify(phase string, err error, ctx context.Context) error {
	if err == nil {
		return nil
	}
	var ne net.Error
	switch {
	case ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &Error{Phase: phase, Kind: KindCanceled, Err: err}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout(), ctx.Err() != nil:
		return &Error{Phase: phase, Kind: KindTimeout, Err: err}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &Error{Phase: phase, Kind: KindRefused, Err: err}
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE), errors.Is(err, syscall.EADDRNOTAVAIL), errors.Is(err, syscall.ENOBUFS):
		return &Error{Phase: phase, Kind: KindTransient, Err: err}
	case isReset(err), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		if phase == "tls" {
			return &Error{Phase: phase, Kind: KindTLS, Err: err}
		}
		return &Error{Phase: phase, Kind: KindReset, Err: err}
	case phase == "tls":
		return &Error{Phase: phase, Kind: KindTLS, Err: err}
	case phase == "connect":
		return &Error{Phase: phase, Kind: KindNetwork, Err: err}
	}
	return &Error{Phase: phase, Kind: KindMalformed, Err: err}
}

// readAll is io.ReadAll into buf.
func readAll(r io.Reader, buf []byte) ([]byte, error) {
	if cap(buf) == 0 {
		buf = make([]byte, 0, 4096)
	}
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return buf, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}
