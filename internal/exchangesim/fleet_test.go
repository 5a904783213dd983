package exchangesim

import (
	"bufio"
	"crypto/ed25519"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestStartRefusesNonLoopback(t *testing.T) {
	for _, a := range []string{"10.0.0.1", "0.0.0.0", "192.168.1.10", "::", "2001:db8::1", "::ffff:10.0.0.1", "fe80::1%lo"} {
		_, err := Start([]Host{{Addr: netip.MustParseAddr(a), Profile: Profile{Kind: KindIIS}}}, Options{})
		if err == nil || !strings.Contains(err.Error(), "loopback") && !strings.Contains(err.Error(), "zone") {
			t.Errorf("Start on %s: %v, want a refusal", a, err)
		}
	}
	if _, err := Start([]Host{{Profile: Profile{Kind: KindIIS}}}, Options{}); err == nil {
		t.Error("Start without an address succeeded")
	}
}

func TestStartRefusesBadProfiles(t *testing.T) {
	for name, p := range map[string]Profile{
		"no kind":            {},
		"unknown kind":       {Kind: "exchange-2000"},
		"exchange no build":  {Kind: KindExchange},
		"bad build":          {Kind: KindExchange, Build: "15.1.2176"},
		"not exchange build": {Kind: KindExchange, Build: "10.0.17763.1"},
		"bad backend":        {Kind: KindExchange, Build: vulnerable2016, Backends: []string{"x"}},
		"unknown hostile":    {Kind: KindIIS, Hostile: "rude"},
	} {
		if _, err := Start([]Host{{Addr: loop, Profile: p}}, Options{Catalog: cat(t)}); err == nil {
			t.Errorf("%s: Start succeeded", name)
		}
	}
}

func TestStartBindErrorNamesAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := uint16(ln.Addr().(*net.TCPAddr).Port)
	hosts := []Host{{Addr: loop, Profile: Profile{Kind: KindIIS}}, {Addr: loop, Port: port, Profile: Profile{Kind: KindIIS}}}
	_, err = Start(hosts, Options{Catalog: cat(t)})
	if want := fmt.Sprintf("127.0.0.1:%d", port); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Start on a busy port: %v, want an error naming %s", err, want)
	}
	// The first host's listener was released: its goroutines are gone too (goleak checks).
}

func TestRecord(t *testing.T) {
	f := startHosts(t, Options{Record: true},
		Host{Addr: loop, Profile: Profile{Kind: KindExchange, Build: vulnerable2016}},
		Host{Addr: loop, TLS: true, Profile: Profile{Kind: KindIIS}})
	hs := f.Hosts()
	c := dialTCP(t, hs[0])
	br := bufio.NewReader(c)
	rawGet(t, c, br, "/owa/auth/logon.aspx?x=1&y=%41", "User-Agent: exsweep-test\r\nCookie: a=b\r\n")
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "POST /EWS/Exchange.asmx HTTP/1.1\r\nHost: h\r\nContent-Length: 1234\r\n\r\n"+strings.Repeat("x", 1234))
	if _, err := http.ReadResponse(br, nil); err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n")
	if _, err := http.ReadResponse(br, nil); err != nil {
		t.Fatal(err)
	}
	get(t, client(t), baseURL(hs[1])+"/", "")

	reqs := f.Requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests recorded, want 4: %+v", len(reqs), reqs)
	}
	first := reqs[0]
	if first.Method != "GET" || first.Target != "/owa/auth/logon.aspx?x=1&y=%41" || first.Header.Get("User-Agent") != "exsweep-test" ||
		first.Header.Get("Cookie") != "a=b" || first.BodyLen != 0 || first.Host != netip.AddrPortFrom(loop, hs[0].Port) || first.Time.IsZero() {
		t.Errorf("first request: %+v", first)
	}
	if reqs[1].Method != "POST" || reqs[1].BodyLen != 1234 || reqs[2].BodyLen != 8 {
		t.Errorf("bodies: %+v / %+v", reqs[1], reqs[2])
	}
	if reqs[3].Host.Port() != hs[1].Port || reqs[3].Target != "/" {
		t.Errorf("TLS request: %+v", reqs[3])
	}
	for i := 1; i < len(reqs); i++ {
		if reqs[i].Time.Before(reqs[i-1].Time) {
			t.Error("requests not in arrival order")
		}
	}
	// Without Record nothing is kept.
	g := start(t, Options{}, Profile{Kind: KindIIS})
	get(t, client(t), baseURL(g.Hosts()[0])+"/", "")
	if n := len(g.Requests()); n != 0 {
		t.Errorf("%d requests kept without Record", n)
	}
}

func TestKeepAliveAndConnections(t *testing.T) {
	f := startHosts(t, Options{}, Host{Addr: loop, TLS: true, Profile: Profile{Kind: KindExchange, Build: vulnerable2016}})
	h := f.Hosts()[0]
	c := dial(t, h)
	br := bufio.NewReader(c)
	for range 3 {
		resp, _ := rawGet(t, c, br, "/EWS/Exchange.asmx")
		if resp.StatusCode != 401 || resp.Close {
			t.Fatalf("status %d, close %v", resp.StatusCode, resp.Close)
		}
	}
	resp, _ := rawGet(t, c, br, "/owa/auth/logon.aspx", "Connection: close\r\n")
	if !resp.Close {
		t.Error("no Connection: close in the answer to a request that asked for it")
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("after Connection: close: %v, want EOF", err)
	}
	// HEAD: headers and length, no body.
	c2 := dial(t, h)
	c2.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c2, "HEAD /owa/auth/logon.aspx HTTP/1.1\r\nHost: h\r\n\r\nGET /EWS/Exchange.asmx HTTP/1.1\r\nHost: h\r\n\r\n")
	br2 := bufio.NewReader(c2)
	head, err := http.ReadResponse(br2, &http.Request{Method: "HEAD"})
	if err != nil || head.StatusCode != 200 || head.ContentLength < 1000 {
		t.Fatalf("HEAD: %v %+v", err, head)
	}
	if next, err := http.ReadResponse(br2, nil); err != nil || next.StatusCode != 401 {
		t.Errorf("pipelined request after HEAD: %v %+v", err, next)
	}
	if n := f.Connections(loop); n != 2 {
		t.Errorf("%d connections counted, want 2", n)
	}
	if n := f.Connections(netip.MustParseAddr("127.0.0.9")); n != 0 {
		t.Errorf("%d connections on an address not served", n)
	}
}

func TestReadLimits(t *testing.T) {
	f := startHosts(t, Options{}, Host{Addr: loop, Profile: Profile{Kind: KindExchange, Build: vulnerable2016}})
	h := f.Hosts()[0]
	t.Run("header", func(t *testing.T) {
		c := dialTCP(t, h)
		c.SetDeadline(time.Now().Add(5 * time.Second))
		go io.WriteString(c, "GET / HTTP/1.1\r\nHost: h\r\nX-Big: "+strings.Repeat("a", 70<<10)+"\r\n\r\n")
		if b, _ := io.ReadAll(c); len(b) != 0 {
			t.Errorf("answered a 70 KiB head: %.40q", b)
		}
	})
	t.Run("body", func(t *testing.T) {
		c := dialTCP(t, h)
		c.SetDeadline(time.Now().Add(5 * time.Second))
		go func() {
			io.WriteString(c, fmt.Sprintf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n", 2<<20))
			c.Write(make([]byte, 2<<20))
		}()
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || !resp.Close {
			t.Errorf("a body over the limit: %v %+v, want an answer that closes", err, resp)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		c := dialTCP(t, h)
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, "GARBAGE\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != 400 || resp.Header.Get("Server") != "Microsoft-HTTPAPI/2.0" {
			t.Errorf("%v %+v", err, resp)
		}
	})
}

func TestIdleTimeout(t *testing.T) {
	f := startHosts(t, Options{IdleTimeout: 100 * time.Millisecond}, Host{Addr: loop, Profile: Profile{Kind: KindIIS}})
	c := dialTCP(t, f.Hosts()[0])
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "GET / HTTP/1.1\r\n") // never finished
	begin := time.Now()
	if b, err := io.ReadAll(c); len(b) != 0 || err != nil {
		t.Errorf("read %q, %v: want a quiet close", b, err)
	}
	if d := time.Since(begin); d > 2*time.Second {
		t.Errorf("dropped after %v", d)
	}
}

func TestTLSCertificate(t *testing.T) {
	f := start(t, Options{}, Profile{Kind: KindExchange, Build: vulnerable2016, Server: "EX-Mail_02"}, Profile{Kind: KindExchange, Build: vulnerable2016}, Profile{Kind: KindIIS})
	for _, h := range f.Hosts() {
		st := dial(t, h).(*tls.Conn).ConnectionState()
		cert := st.PeerCertificates[0]
		if want := []string{"*.lab.exsweep.test", "mail.lab.exsweep.test"}; !slices.Equal(cert.DNSNames, want) {
			t.Errorf("names %q, want %q", cert.DNSNames, want)
		}
		_, ok := cert.PublicKey.(ed25519.PublicKey)
		if now := time.Now(); !ok || now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
			t.Errorf("certificate: %T, valid %v to %v", cert.PublicKey, cert.NotBefore, cert.NotAfter)
		}
	}
}

// A fleet the size of a small benchmark starts, answers and closes.
func TestLargeFleet(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	if ln, err := net.Listen("tcp", "127.16.0.2:0"); err != nil {
		t.Skipf("cannot bind 127.16.0.2 (%v): this OS serves only 127.0.0.1 on loopback (macOS: add aliases with ifconfig lo0 alias)", err)
	} else {
		ln.Close()
	}
	const n = 2048
	hosts, err := GenerateFleet(n, netip.MustParseAddr("127.16.0.1"), 0, 7, 0.05, cat(t))
	if err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	f, err := Start(hosts, Options{Catalog: cat(t)})
	if err != nil {
		if strings.Contains(err.Error(), "too many open files") {
			t.Skipf("file descriptor limit: %v", err)
		}
		t.Fatal(err)
	}
	started := time.Since(begin)
	c := client(t)
	checked := 0
	for _, h := range f.Hosts() {
		if h.Profile.Hostile != HostileNone || h.Profile.Kind != KindExchange {
			continue
		}
		a := get(t, c, baseURL(h)+"/EWS/Exchange.asmx", "")
		if a.err != nil || a.status != 401 {
			t.Errorf("%s: %d %v", h.Addr, a.status, a.err)
		}
		if checked++; checked == 20 {
			break
		}
	}
	c.Transport.(*http.Transport).CloseIdleConnections()
	begin = time.Now()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%d hosts: started in %v, closed in %v, heap in use %d MB", n, started, time.Since(begin), ms.HeapInuse>>20)
}
