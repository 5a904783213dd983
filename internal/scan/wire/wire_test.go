package wire_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/exsweep/exsweep/internal/scan/wire"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// serve runs a raw TCP server on 127.0.0.1 that answers each connection with handle, and returns
// its address. At the end of the test every connection is closed and every handler has returned.
func serve(t *testing.T, handle func(c net.Conn)) netip.AddrPort {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() { defer wg.Done(); handle(c) }()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return netip.MustParseAddrPort(ln.Addr().String())
}

// hold keeps a connection open and silent for d, or until the test closes it.
func hold(c net.Conn, d time.Duration) {
	c.SetReadDeadline(time.Now().Add(d))
	io.Copy(io.Discard, c)
}

// readRequest reads one request's head.
func readRequest(c net.Conn) (*http.Request, error) {
	return http.ReadRequest(bufio.NewReader(c))
}

func quick() wire.Limits {
	return wire.Limits{Connect: time.Second, TLS: time.Second, Headers: 300 * time.Millisecond, Body: 300 * time.Millisecond, MaxHeader: 8 << 10, MaxBody: 4 << 10}
}

func dial(t *testing.T, addr netip.AddrPort, lim wire.Limits) *wire.Conn {
	t.Helper()
	d := &wire.Dialer{Limits: lim}
	c, err := d.Dial(context.Background(), addr, false, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestGetSendsOnlyAGet(t *testing.T) {
	got := make(chan *http.Request, 1)
	addr := serve(t, func(c net.Conn) {
		r, err := readRequest(c)
		if err != nil {
			return
		}
		got <- r
		io.WriteString(c, "HTTP/1.1 401 Unauthorized\r\nX-OWA-Version: 15.1.2176.9\r\nContent-Length: 0\r\n\r\n")
	})
	c := dial(t, addr, quick())
	resp, err := c.Get(context.Background(), "mail.example.org", "/EWS/Exchange.asmx", "exsweep-test", [][2]string{{"Cookie", "a=b"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 401 || resp.Header.Get("X-OWA-Version") != "15.1.2176.9" {
		t.Errorf("response %+v", resp)
	}
	r := <-got
	if r.Method != "GET" || r.RequestURI != "/EWS/Exchange.asmx" || r.Host != "mail.example.org" || r.ContentLength != 0 ||
		r.Header.Get("User-Agent") != "exsweep-test" || r.Header.Get("Cookie") != "a=b" || r.Header.Get("Accept-Encoding") != "" {
		t.Errorf("request %s %s host %q len %d headers %v", r.Method, r.RequestURI, r.Host, r.ContentLength, r.Header)
	}
	if !c.Reusable() {
		t.Error("a clean Content-Length response left the connection unusable")
	}
}

func TestKeepAlive(t *testing.T) {
	addr := serve(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			if _, err := http.ReadRequest(br); err != nil {
				return
			}
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		}
	})
	c := dial(t, addr, quick())
	for i := range 3 {
		resp, err := c.Get(context.Background(), "h", "/owa/auth/logon.aspx", "ua", nil, nil)
		if err != nil || string(resp.Body) != "ok" {
			t.Fatalf("request %d: %v %+v", i, err, resp)
		}
	}
	if c.Used() != 3 {
		t.Errorf("used %d", c.Used())
	}
}

func TestHostileResponses(t *testing.T) {
	gz := func() []byte {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(make([]byte, 50<<20))
		zw.Close()
		return b.Bytes()
	}()
	tests := []struct {
		name      string
		handle    func(c net.Conn)
		kind      string // wire error kind, "" for a response
		truncated bool
		maxTime   time.Duration
	}{
		{"silent", func(c net.Conn) { readRequest(c); hold(c, 5*time.Second) }, wire.KindTimeout, false, 2 * time.Second},
		{"closed before answering (abort)", func(c net.Conn) { readRequest(c); c.Close() }, wire.KindAborted, false, time.Second},
		{"reset before answering (abort)", func(c net.Conn) {
			readRequest(c)
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}, wire.KindAborted, false, time.Second},
		{"reset mid-header", func(c net.Conn) {
			readRequest(c)
			io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Half: yes\r\n")
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}, wire.KindReset, false, time.Second},
		{"malformed status line", func(c net.Conn) {
			readRequest(c)
			io.WriteString(c, "XTTP/9 ok\r\n\r\n")
		}, wire.KindMalformed, false, time.Second},
		{"one byte a second", func(c net.Conn) {
			readRequest(c)
			for _, b := range []byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") {
				if _, err := c.Write([]byte{b}); err != nil {
					return
				}
				c.SetReadDeadline(time.Now().Add(time.Second))
				if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
					return // closed by the test
				}
			}
		}, wire.KindTimeout, false, 2 * time.Second},
		{"huge header", func(c net.Conn) {
			readRequest(c)
			io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Big: "+strings.Repeat("a", 1<<20)+"\r\n\r\n")
		}, wire.KindTooLarge, false, 2 * time.Second},
		{"endless body", func(c net.Conn) {
			readRequest(c)
			io.WriteString(c, "HTTP/1.1 200 OK\r\n\r\n")
			chunk := bytes.Repeat([]byte("x"), 4096)
			for {
				if _, err := c.Write(chunk); err != nil {
					return
				}
			}
		}, "", true, time.Second},
		{"gzip bomb", func(c net.Conn) {
			readRequest(c)
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: "+itoa(len(gz))+"\r\n\r\n")
			c.Write(gz)
		}, "", true, 2 * time.Second},
		{"twenty thousand short headers", func(c net.Conn) {
			readRequest(c)
			io.WriteString(c, "HTTP/1.1 200 OK\r\n"+strings.Repeat("X-A: b\r\n", 20000)+"\r\n")
		}, wire.KindTooLarge, false, 2 * time.Second},
		{"chunked body over the cap", func(c net.Conn) {
			readRequest(c)
			io.WriteString(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
			for range 4096 {
				if _, err := io.WriteString(c, "1\r\nx\r\n"); err != nil {
					return
				}
			}
		}, "", true, time.Second},
		{"reset mid-body", func(c net.Conn) {
			readRequest(c)
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nhalf")
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}, "", true, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serve(t, tt.handle)
			c := dial(t, addr, quick())
			start := time.Now()
			resp, err := c.Get(context.Background(), "h", "/", "ua", nil, nil)
			if took := time.Since(start); took > tt.maxTime {
				t.Errorf("took %v, want under %v", took, tt.maxTime)
			}
			if tt.kind != "" {
				if wire.KindOf(err) != tt.kind {
					t.Fatalf("error %v (kind %q), want kind %q", err, wire.KindOf(err), tt.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.Truncated != tt.truncated {
				t.Errorf("truncated %v, want %v", resp.Truncated, tt.truncated)
			}
			if int64(len(resp.Body)) > quick().MaxBody {
				t.Errorf("kept %d bytes of body, cap %d", len(resp.Body), quick().MaxBody)
			}
			if c.Reusable() {
				t.Error("a broken response left the connection reusable")
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestNoReuseAfterUnaskedBytes(t *testing.T) {
	// A response followed at once by a second one nobody asked for: the second must never be
	// taken for the answer to the next request.
	addr := serve(t, func(c net.Conn) {
		readRequest(c)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 401 Unauthorized\r\nX-OWA-Version: 15.1.2176.9\r\nContent-Length: 0\r\n\r\n")
		hold(c, 2*time.Second)
	})
	c := dial(t, addr, quick())
	resp, err := c.Get(context.Background(), "h", "/", "ua", nil, nil)
	if err != nil || resp.Status != 200 {
		t.Fatalf("%v %+v", err, resp)
	}
	if c.Reusable() {
		t.Error("a connection holding unasked bytes was kept for the next request")
	}
}

func TestInterimResponsesSkipped(t *testing.T) {
	addr := serve(t, func(c net.Conn) {
		readRequest(c)
		io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")
	})
	c := dial(t, addr, quick())
	resp, err := c.Get(context.Background(), "h", "/", "ua", nil, nil)
	if err != nil || resp.Status != 401 {
		t.Fatalf("got %v %+v, want the final 401", err, resp)
	}
}

func TestServerNameInTLS(t *testing.T) {
	cert, err := tls.X509KeyPair(testCert())
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	addr := serve(t, func(c net.Conn) {
		tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}, GetConfigForClient: func(hi *tls.ClientHelloInfo) (*tls.Config, error) {
			got <- hi.ServerName
			return nil, nil
		}})
		tc.Handshake()
		hold(tc, 2*time.Second)
	})
	d := &wire.Dialer{Limits: quick()}
	c, err := d.Dial(context.Background(), addr, true, "mail.example.org", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if sni := <-got; sni != "mail.example.org" {
		t.Errorf("SNI %q", sni)
	}
	if c.TLS == nil || len(c.TLS.PeerCertificates) == 0 {
		t.Error("the handshake state (certificate) is not kept")
	}
}

func TestSessionResumed(t *testing.T) {
	cert, err := tls.X509KeyPair(testCert())
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	addr := serve(t, func(c net.Conn) {
		tc := tls.Server(c, cfg)
		if tc.Handshake() == nil {
			// TLS 1.3 sends the ticket after the handshake; the client takes it on its first read.
			readRequest(tc)
			io.WriteString(tc, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
		}
		hold(tc, 2*time.Second)
	})
	d := &wire.Dialer{Limits: quick()}
	cache := tls.NewLRUClientSessionCache(2)
	var resumed []bool
	for range 2 {
		c, err := d.Dial(context.Background(), addr, true, "", cache)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Get(context.Background(), "h", "/", "ua", nil, nil); err != nil {
			t.Fatal(err)
		}
		resumed = append(resumed, c.TLS.DidResume)
		c.Close()
	}
	if resumed[0] || !resumed[1] {
		t.Errorf("resumed %v, want [false true]: the second connection to a host resumes the first's session", resumed)
	}
}

func TestDialErrors(t *testing.T) {
	// A port nobody listens on: refused at once.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := netip.MustParseAddrPort(ln.Addr().String())
	ln.Close()
	d := &wire.Dialer{Limits: quick()}
	if _, err := d.Dial(context.Background(), addr, false, "", nil); wire.KindOf(err) != wire.KindRefused {
		t.Errorf("closed port: %v (kind %q), want refused", err, wire.KindOf(err))
	}

	// TLS to a server that sends garbage.
	junk := serve(t, func(c net.Conn) { c.Write(bytes.Repeat([]byte{0x42}, 512)); c.Close() })
	if _, err := d.Dial(context.Background(), junk, true, "x", nil); wire.KindOf(err) != wire.KindTLS {
		t.Errorf("TLS garbage: %v (kind %q), want tls-error", err, wire.KindOf(err))
	}

	// TLS to a server that never speaks: the TLS deadline.
	silent := serve(t, func(c net.Conn) { hold(c, 3*time.Second) })
	start := time.Now()
	if _, err := d.Dial(context.Background(), silent, true, "x", nil); wire.KindOf(err) != wire.KindTimeout {
		t.Errorf("silent TLS: %v, want timeout", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("silent TLS took %v", took)
	}
}

func TestCancelInterruptsARead(t *testing.T) {
	addr := serve(t, func(c net.Conn) { readRequest(c); hold(c, 5*time.Second) })
	lim := quick()
	lim.Headers = 10 * time.Second
	c := dial(t, addr, lim)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Get(ctx, "h", "/", "ua", nil, nil)
	if wire.KindOf(err) != wire.KindCanceled {
		t.Errorf("error %v, want canceled", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("cancel took %v to be noticed", took)
	}
	var we *wire.Error
	if !errors.As(err, &we) || we.Phase != "headers" {
		t.Errorf("phase of %v", err)
	}
}

func FuzzResponse(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	f.Add([]byte("HTTP/1.1 401 Unauthorized\r\nX-OWA-Version: 15.1.2176.9\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\n\x1f\x8b\x08\x00\x00"))
	f.Add([]byte("HTTP/1.0 302\r\nLocation: /x\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		// A connection that answers with raw and then ends: each input runs in microseconds,
		// with no goroutine and no deadline to wait for.
		conn := &rawConn{r: bytes.NewReader(raw)}
		d := &wire.Dialer{Limits: quick(), DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) { return conn, nil }}
		c, err := d.Dial(context.Background(), netip.MustParseAddrPort("127.0.0.1:1"), false, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Get(context.Background(), "h", "/", "ua", nil, nil)
		if err == nil && int64(len(resp.Body)) > quick().MaxBody {
			t.Fatalf("body of %d bytes over the cap", len(resp.Body))
		}
	})
}

// rawConn is a net.Conn that reads a fixed answer and swallows what is written.
type rawConn struct{ r *bytes.Reader }

func (c *rawConn) Read(p []byte) (int, error)       { return c.r.Read(p) }
func (c *rawConn) Write(p []byte) (int, error)      { return len(p), nil }
func (c *rawConn) Close() error                     { return nil }
func (c *rawConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *rawConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *rawConn) SetDeadline(time.Time) error      { return nil }
func (c *rawConn) SetReadDeadline(time.Time) error  { return nil }
func (c *rawConn) SetWriteDeadline(time.Time) error { return nil }

// testCert makes a throwaway self-signed certificate for "localhost" (ECDSA P-256).
func testCert() ([]byte, []byte) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	kd, _ := x509.MarshalECPrivateKey(key)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kd})
}
