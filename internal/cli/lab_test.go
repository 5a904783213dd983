package cli_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/cli"
	"github.com/exsweep/exsweep/internal/exchangesim"
)

func TestLabFlags(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"help", []string{"lab", "-h"}, cli.ExitClean, "--targets"},
		{"not loopback", []string{"lab", "--base", "10.0.0.1"}, cli.ExitError, "loopback"},
		{"not an address", []string{"lab", "--base", "mail.example.com"}, cli.ExitError, "--base"},
		{"hostile fraction", []string{"lab", "--hostile", "1.5"}, cli.ExitError, "--hostile"},
		{"hosts", []string{"lab", "--hosts", "0"}, cli.ExitError, "--hosts"},
		{"port", []string{"lab", "--port", "70000"}, cli.ExitError, "--port"},
		{"bad build", []string{"lab", "--build", "15.1"}, cli.ExitError, "--build"},
		{"online build", []string{"lab", "--build", "15.20.8207.19"}, cli.ExitError, "not an on-premises"},
		{"stray argument", []string{"lab", "extra"}, cli.ExitError, `unexpected argument "extra"`},
		{"past 127/8", []string{"lab", "--base", "127.255.255.250", "--hosts", "10"}, cli.ExitError, "127.255.255.254"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, want %d; stderr lacks %q?\n%s", code, tc.code, tc.stderr, stderr)
			}
			if code == cli.ExitError && stdout != "" {
				t.Errorf("an error wrote to stdout: %s", stdout)
			}
		})
	}
}

func TestLabServes(t *testing.T) {
	// Linux routes all of 127.0.0.0/8 to loopback; elsewhere only 127.0.0.1 may exist.
	base, hosts := "127.16.9.1", "4"
	if ln, err := net.Listen("tcp", "127.16.9.2:0"); err != nil {
		base, hosts = "127.0.0.1", "1"
	} else {
		ln.Close()
	}
	dir := t.TempDir()
	targets, truth := filepath.Join(dir, "targets.txt"), filepath.Join(dir, "truth.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	go func() {
		code, stdout, stderr := runCtx(t, ctx, "lab", "--hosts", hosts, "--base", base, "--port", "0", "--hostile", "0",
			"--build", "15.1.2176.2", "--targets", targets, "--truth", truth)
		done <- result{code, stdout, stderr}
	}()

	var urls []string
	for deadline := time.Now().Add(20 * time.Second); ; {
		if b, err := os.ReadFile(targets); err == nil {
			urls = strings.Fields(string(b))
			break
		}
		select {
		case r := <-done:
			t.Fatalf("lab ended early: %d\n%s\n%s", r.code, r.stdout, r.stderr)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("no targets file after 20 s")
		}
	}
	if want := map[string]int{"4": 4, "1": 1}[hosts]; len(urls) != want {
		t.Fatalf("%d targets, want %d: %q", len(urls), want, urls)
	}

	// The truth file says what each host is; every Exchange host answers at the --build.
	f, err := os.Open(truth)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	sc := bufio.NewScanner(f)
	lines := 0
	for sc.Scan() {
		var h exchangesim.Host
		if err := json.Unmarshal(sc.Bytes(), &h); err != nil {
			t.Fatalf("truth line %q: %v", sc.Text(), err)
		}
		if h.Port == 0 || !h.TLS || !strings.HasPrefix(urls[lines], "https://") || !strings.HasSuffix(urls[lines], ":"+itoa(h.Port)) {
			t.Errorf("truth %+v, target %s", h, urls[lines])
		}
		lines++
		if h.Profile.Kind != exchangesim.KindExchange {
			continue
		}
		if h.Profile.Build != "15.1.2176.2" {
			t.Errorf("build %s, want the --build", h.Profile.Build)
		}
		resp, err := c.Get(urls[lines-1] + "/EWS/Exchange.asmx")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if v := resp.Header.Get("X-OWA-Version"); resp.StatusCode != 401 || v != "15.1.2176.2" {
			t.Errorf("%s: %d, X-OWA-Version %q", urls[lines-1], resp.StatusCode, v)
		}
	}
	if lines != len(urls) {
		t.Errorf("%d truth lines for %d targets", lines, len(urls))
	}
	tr.CloseIdleConnections()

	cancel()
	var r result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("lab did not stop after cancel")
	}
	if r.code != cli.ExitClean {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
	for _, s := range []string{"emulated hosts on " + base, "scan it: exsweep scan -i " + targets, "lab stopped."} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
		}
	}
}

func itoa(p uint16) string { return strconv.Itoa(int(p)) }
