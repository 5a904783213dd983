package exchangesim

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/exsweep/exsweep/internal/catalog"
)

// Read-side limits: a scanner under test must not be able to make the emulator buffer without
// bound either.
const (
	maxHeaderBytes = 64 << 10 // a request head bigger than this closes the connection
	maxBodyBytes   = 1 << 20  // bodies are counted and discarded; past this the connection closes
)

var errHeaderTooBig = errors.New("request header too big")

// server is one simulated host. Everything but counter is fixed at Start.
type server struct {
	f     *Fleet // nil when a test drives route directly
	host  Host   // Port is the real one
	ap    netip.AddrPort
	ln    net.Listener
	conns *atomic.Int64 // connections on this address

	major    int
	build    string // B, the product build
	reported string // R: Reported, else Build
	cu       string // the first three parts of B
	fe       string // X-FEServer
	be       string // Exchange Online's back-end name
	iis      string // the Server header of the IIS answers
	pl, ps   bool   // the build fails the ProxyLogon / ProxyShell safe check
	logon    []byte // shared by every host of the same version
	manifest []byte

	// counter advances on every answer that varies: the back end a load balancer picks, the
	// redirect loop's query, the bad-status variant.
	counter atomic.Uint64
}

// defaultHostileBuild is the build hostile hosts without one pretend to be in the answers they
// mangle: a real Exchange 2016 CU19 number, so the bait looks genuine.
const defaultHostileBuild = "15.1.2176.2"

// defaultOnlineBuild is Exchange Online's X-OWA-Version when the profile has none.
const defaultOnlineBuild = "15.20.8207.19"

func newServer(as *assets, h Host, cat *catalog.Catalog) (*server, error) {
	p := h.Profile
	s := &server{host: h, ap: netip.AddrPortFrom(h.Addr.Unmap(), h.Port), fe: p.Server}
	b := p.Build
	switch {
	case p.Kind == KindOnline && b == "":
		b = defaultOnlineBuild
	case b == "":
		b = defaultHostileBuild
	}
	v, err := catalog.ParseBuild(b)
	if err != nil {
		return nil, err
	}
	s.major, s.build, s.cu, s.reported = v.Major, b, v.CUString(), b
	if p.Reported != "" {
		s.reported = p.Reported
	}
	switch {
	case v.Major == 15 && v.Minor == 0:
		s.iis = "Microsoft-IIS/8.5"
	case v.Major == 14:
		s.iis = "Microsoft-IIS/7.5"
	case v.Major == 8:
		s.iis = "Microsoft-IIS/7.0"
	default:
		s.iis = "Microsoft-IIS/10.0"
	}
	if p.Kind == KindOnline {
		if s.fe == "" {
			s.fe = "BN6PR11CA0041"
		}
		s.be = onlineBackend(s.fe)
		return s, nil
	}
	if s.fe == "" {
		s.fe = "EX01"
	}
	if p.Kind != KindExchange {
		return s, nil
	}
	if res, err := cat.Lookup(v); err == nil {
		for _, fam := range res.Families {
			switch {
			case fam.Family == "ProxyLogon" && fam.Status == catalog.Vulnerable:
				s.pl = true
			case fam.Family == "ProxyShell" && fam.Status == catalog.Vulnerable:
				s.ps = true
			}
		}
	}
	switch s.major {
	case 15:
		s.logon = as.page("logon15|"+s.cu, func() []byte { return logonPage15(s.cu) })
		s.manifest = as.page("manifest|"+s.reported, func() []byte { return exportToolManifest(s.reported) })
	case 14:
		s.logon = as.page("logon14|"+s.reported, func() []byte { return logonPageLegacy(s.reported, "Outlook Web App") })
	default:
		s.logon = as.page("logon8|"+s.reported, func() []byte { return logonPageLegacy(s.reported, "Microsoft Exchange - Outlook Web Access") })
	}
	return s, nil
}

// onlineBackend derives a stable back-end mailbox server name from the front end's, in the shape
// Microsoft 365 uses (BN8PR04MB5890).
func onlineBackend(fe string) string {
	h := uint32(2166136261)
	for i := 0; i < len(fe); i++ {
		h = (h ^ uint32(fe[i])) * 16777619
	}
	prefix := "BN8"
	if len(fe) >= 3 {
		prefix = fe[:3]
	}
	return fmt.Sprintf("%sPR%02dMB%04d", prefix, h%20, (h/20)%10000)
}

// conn is one accepted connection.
type conn struct {
	s   *server
	raw net.Conn // the TCP connection: aborts reset it
	c   net.Conn // raw, or the TLS server on top of it
	lim *limitReader
	br  *bufio.Reader
	bw  *bufio.Writer
}

// limitReader fails once n bytes are read; conn resets n before each request head.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errHeaderTooBig
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// serve runs one connection until it closes, the peer goes idle or the fleet closes.
func (s *server) serve(raw net.Conn) {
	switch s.host.Profile.Hostile {
	case HostileSilent:
		s.silent(raw)
		return
	case HostileTLSJunk:
		s.tlsGarbage(raw)
		return
	}
	switch s.host.Profile.Hostile {
	case HostileEndless, HostileGzipBomb, HostileHugeHead:
		// A small send buffer: when the scanner hangs up after its cap, the emulator has
		// encrypted and written little in vain (a benchmark runs both on the same cores).
		if tc, ok := raw.(*net.TCPConn); ok {
			tc.SetWriteBuffer(64 << 10)
		}
	}
	cn := &conn{s: s, raw: raw, c: raw}
	if s.host.TLS {
		raw.SetDeadline(time.Now().Add(s.f.idle))
		tc := tls.Server(raw, s.f.assets.tls)
		if err := tc.Handshake(); err != nil {
			return
		}
		raw.SetDeadline(time.Time{})
		cn.c = tc
	}
	cn.lim = &limitReader{r: cn.c}
	cn.br = bufio.NewReaderSize(cn.lim, 4096)
	cn.bw = bufio.NewWriterSize(cn.c, 4096)
	for {
		cn.lim.n = maxHeaderBytes
		raw.SetReadDeadline(time.Now().Add(s.f.idle))
		req, err := http.ReadRequest(cn.br)
		if err != nil {
			if !quietReadError(err) {
				// A request HTTP.sys would refuse: answer as it does, then hang up.
				cn.write(badRequest(), false, true)
			}
			return
		}
		cn.lim.n = maxBodyBytes + maxHeaderBytes
		n, err := io.Copy(io.Discard, io.LimitReader(req.Body, maxBodyBytes+1))
		closeAfter := req.Close || err != nil || n > maxBodyBytes
		if s.f.opts.Record {
			s.f.record(Request{
				Host: s.ap, Method: req.Method, Target: req.RequestURI, HostHeader: req.Host, Header: req.Header.Clone(),
				BodyLen: n, Time: time.Now(),
			})
		}
		if !cn.respond(req, closeAfter) || closeAfter {
			return
		}
	}
}

// quietReadError: the peer left, stalled or overran a limit; no answer is owed.
func quietReadError(err error) bool {
	var ne net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errHeaderTooBig) ||
		errors.Is(err, net.ErrClosed) || errors.As(err, &ne)
}

// respond answers one request; false means the connection is finished (aborted or closed).
func (cn *conn) respond(req *http.Request, closeAfter bool) bool {
	head := req.Method == http.MethodHead
	switch cn.s.host.Profile.Hostile {
	case HostileNone:
	case HostileRedirect:
		return cn.write(cn.s.redirectLoop(req), head, closeAfter)
	default:
		cn.hostile(req)
		return false
	}
	r := cn.s.route(req)
	if r.abort {
		cn.abort()
		return false
	}
	return cn.write(r, head, closeAfter || r.close)
}

// write sends a well-formed response; false when the connection is finished.
func (cn *conn) write(r *response, head, closeAfter bool) bool {
	cn.raw.SetWriteDeadline(time.Now().Add(cn.s.f.idle))
	return r.writeTo(cn.bw, head, closeAfter) == nil && !closeAfter
}

// abort is IIS URL Rewrite's AbortRequest: no answer at all, the TCP connection reset (linger
// 0 makes close send RST). With TLS the reset happens under the TLS layer, without close_notify.
func (cn *conn) abort() {
	if tc, ok := cn.raw.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	cn.raw.Close()
}

// response is one answer: status, headers in order (duplicates allowed: WWW-Authenticate comes
// twice), body. abort means no answer but a reset.
type response struct {
	abort  bool
	close  bool
	framed bool // the headers carry the framing (Transfer-Encoding, Content-Length): add none
	status int
	reason string // "" = the standard reason phrase
	header []string
	body   []byte
}

func (r *response) add(kv ...string) { r.header = append(r.header, kv...) }

// writeTo writes r as HTTP/1.1 with Date, Content-Length and, when the connection is to close,
// Connection: close.
func (r *response) writeTo(w *bufio.Writer, head, closeConn bool) error {
	reason := r.reason
	if reason == "" {
		reason = http.StatusText(r.status)
	}
	w.WriteString("HTTP/1.1 ")
	w.WriteString(strconv.Itoa(r.status))
	w.WriteByte(' ')
	w.WriteString(reason)
	w.WriteString("\r\n")
	for i := 0; i+1 < len(r.header); i += 2 {
		w.WriteString(r.header[i])
		w.WriteString(": ")
		w.WriteString(r.header[i+1])
		w.WriteString("\r\n")
	}
	w.WriteString("Date: ")
	w.WriteString(time.Now().UTC().Format(http.TimeFormat))
	w.WriteString("\r\n")
	if !r.framed {
		w.WriteString("Content-Length: ")
		w.WriteString(strconv.Itoa(len(r.body)))
		w.WriteString("\r\n")
	}
	if closeConn {
		w.WriteString("Connection: close\r\n")
	}
	w.WriteString("\r\n")
	if !head {
		w.Write(r.body)
	}
	return w.Flush()
}

// bytes renders r to a buffer (hostile modes send it piecemeal).
func (r *response) bytes(closeConn bool) []byte {
	var b bytesBuffer
	w := bufio.NewWriterSize(&b, 4096)
	r.writeTo(w, false, closeConn)
	return b.buf
}

type bytesBuffer struct{ buf []byte }

func (b *bytesBuffer) Write(p []byte) (int, error) { b.buf = append(b.buf, p...); return len(p), nil }

// badRequest is HTTP.sys's answer to a request it cannot parse.
func badRequest() *response {
	r := &response{status: 400, close: true}
	r.add("Content-Type", "text/html; charset=us-ascii", "Server", "Microsoft-HTTPAPI/2.0")
	r.body = []byte(httpAPIError("Bad Request", "Bad Request - Invalid URL", "HTTP Error 400. The request URL is invalid."))
	return r
}
