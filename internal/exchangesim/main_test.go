package exchangesim

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/exsweep/exsweep/internal/catalog"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var loop = netip.MustParseAddr("127.0.0.1")

// testCatalog is the built-in catalog, parsed once for all tests (parsing is slow under -race).
var testCatalog = sync.OnceValues(catalog.Default)

func cat(t testing.TB) *catalog.Catalog {
	t.Helper()
	c, err := testCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// start serves hosts on 127.0.0.1 at ephemeral ports (what every OS offers) and closes them when
// the test ends.
func start(t *testing.T, opts Options, profiles ...Profile) *Fleet {
	t.Helper()
	hosts := make([]Host, len(profiles))
	for i, p := range profiles {
		hosts[i] = Host{Addr: loop, TLS: true, Profile: p}
	}
	return startHosts(t, opts, hosts...)
}

func startHosts(t *testing.T, opts Options, hosts ...Host) *Fleet {
	t.Helper()
	if opts.Catalog == nil {
		opts.Catalog = cat(t)
	}
	f, err := Start(hosts, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := f.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return f
}

// client is a scanner-like HTTP client: no certificate check, no redirects followed, no
// transparent decompression. Its idle connections are closed when the test ends.
func client(t *testing.T) *http.Client {
	t.Helper()
	tr := &http.Transport{
		TLSClientConfig:    &tls.Config{InsecureSkipVerify: true},
		DisableCompression: true,
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{
		Transport:     tr,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func baseURL(h Host) string {
	scheme := "https"
	if !h.TLS {
		scheme = "http"
	}
	return scheme + "://" + netip.AddrPortFrom(h.Addr, h.Port).String()
}

type answer struct {
	status int
	header http.Header
	body   string
	err    error
}

// get sends one GET with optional Cookie and reads at most 1 MB of the body.
func get(t *testing.T, c *http.Client, url, cookie string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := c.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b), err: err}
}

// dial opens a raw connection to h (TLS when h has it, without a certificate check).
func dial(t *testing.T, h Host) net.Conn {
	t.Helper()
	addr := netip.AddrPortFrom(h.Addr, h.Port).String()
	var c net.Conn
	var err error
	if h.TLS {
		c, err = tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, &tls.Config{InsecureSkipVerify: true})
	} else {
		c, err = net.DialTimeout("tcp", addr, 5*time.Second)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// rawGet writes one request on c and reads the answer.
func rawGet(t *testing.T, c net.Conn, br *bufio.Reader, target string, extra ...string) (*http.Response, string) {
	t.Helper()
	req := "GET " + target + " HTTP/1.1\r\nHost: mail.lab.exsweep.test\r\n" + strings.Join(extra, "") + "\r\n"
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}
