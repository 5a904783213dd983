package exchangesim

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/tls"
	"errors"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

const ewsRequest = "GET /EWS/Exchange.asmx HTTP/1.1\r\nHost: mail.lab.exsweep.test\r\n\r\n"

// dialTCP opens a plain TCP connection to h, whatever h speaks.
func dialTCP(t *testing.T, h Host) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", netip.AddrPortFrom(h.Addr, h.Port).String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// hostile starts one hostile host (plain HTTP unless tlsOn).
func hostile(t *testing.T, mode Hostile, tlsOn bool) (*Fleet, Host) {
	t.Helper()
	f := startHosts(t, Options{}, Host{Addr: loop, TLS: tlsOn, Profile: Profile{Kind: KindExchange, Build: vulnerable2016, Hostile: mode}})
	return f, f.Hosts()[0]
}

// closesPromptly closes f and fails if that takes long (a goroutine stuck in a hostile mode).
func closesPromptly(t *testing.T, f *Fleet) {
	t.Helper()
	begin := time.Now()
	if err := f.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if d := time.Since(begin); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
}

func TestAbortIsReset(t *testing.T) {
	f := startHosts(t, Options{}, Host{Addr: loop, Profile: Profile{Kind: KindExchange, Build: vulnerable2016, ProxyLogonRewrite: true}})
	c := dialTCP(t, f.Hosts()[0])
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "GET /owa/auth/x.js HTTP/1.1\r\nHost: x\r\nCookie: "+proxyLogonCk+"\r\n\r\n")
	b, err := io.ReadAll(c)
	if len(b) != 0 || err == nil {
		t.Fatalf("read %q, %v: want nothing and a reset", b, err)
	}
	if runtime.GOOS != "windows" && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("error %v: want ECONNRESET", err)
	}
}

func TestHostileSilent(t *testing.T) {
	for _, tlsOn := range []bool{false, true} {
		f, h := hostile(t, HostileSilent, tlsOn)
		c := dialTCP(t, h)
		if tlsOn {
			tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true})
			tc.SetDeadline(time.Now().Add(300 * time.Millisecond))
			if err := tc.Handshake(); err == nil || !isTimeout(err) {
				t.Errorf("TLS handshake with a silent host: %v, want a timeout", err)
			}
		} else {
			io.WriteString(c, ewsRequest)
			c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
			if n, err := c.Read(make([]byte, 10)); n != 0 || !isTimeout(err) {
				t.Errorf("read %d bytes, %v: want a timeout and nothing", n, err)
			}
		}
		// A reader still waiting when the fleet closes is released.
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		done := make(chan error, 1)
		go func() { _, err := c.Read(make([]byte, 10)); done <- err }()
		closesPromptly(t, f)
		if err := <-done; err == nil || isTimeout(err) {
			t.Errorf("read after Close: %v, want the connection closed", err)
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestHostileSlow(t *testing.T) {
	f, h := hostile(t, HostileSlow, true)
	c := dial(t, h)
	io.WriteString(c, ewsRequest)
	c.SetReadDeadline(time.Now().Add(1500 * time.Millisecond))
	got, err := io.ReadAll(c)
	if !isTimeout(err) {
		t.Fatalf("read %q, %v: want a timeout", got, err)
	}
	if len(got) < 1 || len(got) > 3 || !strings.HasPrefix("HTTP/1.1 401", string(got)) {
		t.Errorf("in 1.5 s: %q, want 2 bytes of a 401", got)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	done := make(chan struct{})
	go func() { io.ReadAll(c); close(done) }()
	closesPromptly(t, f)
	<-done
}

func TestHostileEndless(t *testing.T) {
	f, h := hostile(t, HostileEndless, true)
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get(baseURL(h) + "/owa/auth/logon.aspx")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.ContentLength != -1 || resp.Header.Get("X-FEServer") == "" {
		t.Errorf("status %d, length %d, headers %v", resp.StatusCode, resp.ContentLength, resp.Header)
	}
	const want = 8 << 20
	if n, err := io.CopyN(io.Discard, resp.Body, want); n != want {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	// The client stops reading; the emulator is blocked writing.
	closesPromptly(t, f)
}

func TestHostileGzipBomb(t *testing.T) {
	f, h := hostile(t, HostileGzipBomb, true)
	c := dial(t, h)
	io.WriteString(c, "GET /owa/auth/logon.aspx HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n")
	cr := &countReader{r: c}
	resp, err := http.ReadResponse(bufio.NewReader(cr), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.ContentLength < 8<<20 || resp.ContentLength > 16<<20 {
		t.Errorf("Content-Encoding %q, Content-Length %d", resp.Header.Get("Content-Encoding"), resp.ContentLength)
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	const want = 64 << 20
	if n, err := io.CopyN(zeroCheck{t}, zr, want); n != want {
		t.Fatalf("expanded %d bytes: %v", n, err)
	}
	if cr.n > want/500 {
		t.Errorf("%d bytes read for %d expanded: not a bomb", cr.n, want)
	}
	closesPromptly(t, f)
}

type countReader struct {
	r io.Reader
	n int
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

type zeroCheck struct{ t *testing.T }

func (z zeroCheck) Write(p []byte) (int, error) {
	if bytes.IndexFunc(p, func(r rune) bool { return r != 0 }) >= 0 {
		z.t.Fatal("the bomb expands to something other than zeros")
	}
	return len(p), nil
}

// A small bomb built the same way is a complete, valid gzip stream: the CRC and size check.
func TestGzipBombIsValid(t *testing.T) {
	b, err := newGzipBomb(64<<10, 37)
	if err != nil {
		t.Fatal(err)
	}
	stream := append([]byte(nil), b.head...)
	for range b.n {
		stream = append(stream, b.chunk...)
	}
	stream = append(stream, b.tail...)
	if int64(len(stream)) != b.size {
		t.Errorf("size %d, stream %d bytes", b.size, len(stream))
	}
	zr, err := gzip.NewReader(bytes.NewReader(stream))
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(zeroCheck{t}, zr)
	if err != nil || n != 37*64<<10 {
		t.Errorf("expanded %d bytes, %v", n, err)
	}
	big, err := newGzipBomb(bombChunk, bombChunks)
	if err != nil {
		t.Fatal(err)
	}
	if big.expanded != 10<<30 || big.size > 12<<20 {
		t.Errorf("the real bomb: %d bytes expanding to %d", big.size, big.expanded)
	}
}

func TestCRC32Combine(t *testing.T) {
	data := []byte(strings.Repeat("exsweep crc combine ", 500))
	for _, cut := range []int{0, 1, 7, 4096, len(data) - 1, len(data)} {
		a, b := data[:cut], data[cut:]
		got := crc32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), int64(len(b)))
		if want := crc32.ChecksumIEEE(data); got != want {
			t.Errorf("cut %d: %08x, want %08x", cut, got, want)
		}
	}
	block := []byte("0123456789abcdef-")
	for _, n := range []int{0, 1, 2, 3, 10, 33} {
		got := crcRepeat(crc32.ChecksumIEEE(block), int64(len(block)), n)
		if want := crc32.ChecksumIEEE(bytes.Repeat(block, n)); got != want {
			t.Errorf("%d copies: %08x, want %08x", n, got, want)
		}
	}
}

func TestHostileHugeHeader(t *testing.T) {
	_, h := hostile(t, HostileHugeHead, true)
	c := dial(t, h)
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, ewsRequest)
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	head, body, ok := bytes.Cut(b, []byte("\r\n\r\n"))
	if !ok || !bytes.HasPrefix(head, []byte("HTTP/1.1 200 OK\r\nX-Padding: AAAA")) || len(head) < hugeHeaderLen {
		t.Fatalf("head of %d bytes: %.60q", len(head), head)
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(b)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("X-FEServer") == "" || !bytes.Contains(body, []byte("<title>Outlook</title>")) {
		t.Errorf("the rest of the answer: %v %q", resp.Header, body)
	}
}

func TestHostileBadStatus(t *testing.T) {
	_, h := hostile(t, HostileBadStatus, false)
	var lines []string
	for range 2 {
		c := dialTCP(t, h)
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, ewsRequest)
		b, err := io.ReadAll(c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(b)), nil); err == nil {
			t.Errorf("%q parses as HTTP", b)
		}
		line, _, _ := strings.Cut(string(b), "\r\n")
		lines = append(lines, line)
		if !strings.Contains(string(b), "X-OWA-Version: "+vulnerable2016) {
			t.Errorf("the rest is not an Exchange answer: %q", b)
		}
	}
	if lines[0] != "HTTP/1.1 2OO OK" || lines[1] != "XTTP/9 ok" {
		t.Errorf("status lines %q", lines)
	}
}

func TestHostileTLSGarbage(t *testing.T) {
	for _, tlsOn := range []bool{true, false} {
		_, h := hostile(t, HostileTLSJunk, tlsOn)
		c := dialTCP(t, h)
		c.SetDeadline(time.Now().Add(5 * time.Second))
		if tlsOn {
			err := tls.Client(c, &tls.Config{InsecureSkipVerify: true}).Handshake()
			if err == nil {
				t.Fatal("TLS handshake with garbage succeeded")
			}
			continue
		}
		b := make([]byte, garbageLen)
		if _, err := io.ReadFull(c, b); err != nil || b[0] != 0x5a {
			t.Errorf("read %q (%v)", b, err)
		}
	}
}

func TestHostileRedirectLoop(t *testing.T) {
	_, h := hostile(t, HostileRedirect, true)
	c := client(t)
	var locs []string
	for range 3 {
		a := get(t, c, baseURL(h)+"/owa/auth/logon.aspx", "")
		if a.status != 302 {
			t.Fatalf("status %d", a.status)
		}
		locs = append(locs, a.header.Get("Location"))
	}
	for i, l := range locs {
		if want := baseURL(h) + "/owa/auth/logon.aspx?loop=" + string(rune('1'+i)); l != want {
			t.Errorf("Location %q, want %q", l, want)
		}
	}
	// A client that follows redirects never gets anything else.
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	defer tr.CloseIdleConnections()
	if _, err := (&http.Client{Transport: tr}).Get(baseURL(h) + "/owa/"); err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("following: %v", err)
	}
}

func TestHostileReset(t *testing.T) {
	_, h := hostile(t, HostileReset, false)
	c := dialTCP(t, h)
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, ewsRequest)
	b, err := io.ReadAll(c)
	if !bytes.HasPrefix(b, []byte("HTTP/1.1 401 Unauthorized\r\n")) || bytes.Contains(b, []byte("\r\n\r\n")) {
		t.Errorf("read %q: want the first half of a 401", b)
	}
	if runtime.GOOS != "windows" && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("error %v: want ECONNRESET", err)
	}
}

// Close returns at once with clients stuck in every mode that holds a connection open: waiting
// for a silent host, mid-way through a slow answer, and not reading an endless body or a bomb
// (the emulator is then blocked writing).
func TestCloseInterruptsHostileModes(t *testing.T) {
	modes := []Hostile{HostileSilent, HostileSlow, HostileEndless, HostileGzipBomb, HostileTLSJunk}
	var hosts []Host
	for _, m := range modes {
		hosts = append(hosts, Host{Addr: loop, TLS: true, Profile: Profile{Kind: KindExchange, Build: vulnerable2016, Hostile: m}})
	}
	f, err := Start(hosts, Options{Catalog: cat(t)})
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	for i, h := range f.Hosts() {
		var c net.Conn
		switch modes[i] {
		case HostileSilent, HostileTLSJunk:
			c = dialTCP(t, h)
			io.WriteString(c, "\x16\x03\x01") // the start of a ClientHello, then nothing
		default:
			c = dial(t, h)
			io.WriteString(c, ewsRequest)
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := io.ReadFull(c, make([]byte, 1)); err != nil {
				t.Fatalf("%s: %v", modes[i], err)
			}
		}
		conns = append(conns, c)
	}
	for deadline := time.Now().Add(5 * time.Second); f.Connections(loop) < len(hosts) && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // the endless and bomb writers fill the socket buffers
	closesPromptly(t, f)
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.Copy(io.Discard, c); isTimeout(err) {
			t.Errorf("%s: the connection is still open after Close", modes[i])
		}
	}
}
