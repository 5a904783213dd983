package main

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/catalog"
	"github.com/exsweep/exsweep/internal/exchangesim"
	"github.com/exsweep/exsweep/internal/finding"
)

func TestExpect(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	host := func(p exchangesim.Profile) exchangesim.Host {
		return exchangesim.Host{Addr: netip.MustParseAddr("127.16.0.1"), Port: 8443, TLS: true, Profile: p}
	}
	for _, tc := range []struct {
		name     string
		p        exchangesim.Profile
		active   bool
		status   string
		build    string
		families map[string]string
	}{
		{name: "silent", p: exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.2", Hostile: exchangesim.HostileSilent}, status: finding.ScanFailed},
		{name: "gzip bomb", p: exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.2", Hostile: exchangesim.HostileGzipBomb}, status: finding.ScanNotExchange},
		{name: "online", p: exchangesim.Profile{Kind: exchangesim.KindOnline, Build: "15.20.8207.19"}, status: finding.ScanOnline},
		{name: "lookalike", p: exchangesim.Profile{Kind: exchangesim.KindLookalike}, status: finding.ScanNotExchange},
		{name: "plain", p: exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.2"}, status: finding.ScanExchange, build: "15.1.2176.2",
			families: map[string]string{"ProxyLogon": "vulnerable"}},
		{name: "reported", p: exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.2.858.5", Reported: "15.2.858.2"}, status: finding.ScanExchange, build: "15.2.858.2"},
		{name: "balanced: the lowest back end, numerically", p: exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.9", Backends: []string{"15.1.2176.9", "15.1.2176.12"}},
			status: finding.ScanExchange, build: "15.1.2176.9"},
		{name: "ProxyLogon rewrite, passive", p: exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.2", ProxyLogonRewrite: true}, status: finding.ScanExchange, build: "15.1.2176.2",
			families: map[string]string{"ProxyLogon": "vulnerable"}},
		{name: "ProxyLogon rewrite, active", p: exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.2", ProxyLogonRewrite: true}, active: true, status: finding.ScanExchange, build: "15.1.2176.2",
			families: map[string]string{"ProxyLogon": "vulnerable-mitigated"}},
		{name: "pools stopped alone changes nothing", p: exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.2", PoolsStopped: true}, active: true, status: finding.ScanExchange, build: "15.1.2176.2",
			families: map[string]string{"ProxyLogon": "vulnerable"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := expect(cat, host(tc.p), tc.active)
			if err != nil {
				t.Fatal(err)
			}
			if e.status != tc.status || e.build != tc.build {
				t.Errorf("status %q build %q, want %q %q", e.status, e.build, tc.status, tc.build)
			}
			for f, want := range tc.families {
				if e.families[f] != want {
					t.Errorf("%s = %q, want %q", f, e.families[f], want)
				}
			}
			if tc.build != "" && len(e.order) != len(cat.Families) {
				t.Errorf("%d families, want %d", len(e.order), len(cat.Families))
			}
		})
	}
}

// TestRun checks the exit codes and the report: a matching scan, then one host wrong and one
// missing.
func TestRun(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	hosts := []exchangesim.Host{
		{Addr: netip.MustParseAddr("127.16.0.1"), Port: 8443, TLS: true, Profile: exchangesim.Profile{Kind: exchangesim.KindExchange, Build: "15.1.2176.2"}},
		{Addr: netip.MustParseAddr("127.16.0.2"), Port: 8443, TLS: true, Profile: exchangesim.Profile{Kind: exchangesim.KindIIS}},
	}
	var truth bytes.Buffer
	for _, h := range hosts {
		b, _ := json.Marshal(h)
		truth.Write(append(b, '\n'))
	}
	truthPath := filepath.Join(dir, "truth.jsonl")
	if err := os.WriteFile(truthPath, truth.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := cat.Lookup(catalog.Version{Major: 15, Minor: 1, Build: 2176, Revision: 2})
	if err != nil {
		t.Fatal(err)
	}
	ex := finding.ScanHost{IP: "127.16.0.1", Port: 8443, Status: finding.ScanExchange, Build: "15.1.2176.2", BuildExact: true}
	for _, f := range res.Families {
		ex.Families = append(ex.Families, finding.FamilyStatus{Family: f.Family, Status: string(f.Status), Reason: f.Reason})
	}
	iis := finding.ScanHost{IP: "127.16.0.2", Port: 8443, Status: finding.ScanNotExchange}
	write := func(name string, hs ...finding.ScanHost) string {
		var b bytes.Buffer
		for _, h := range hs {
			j, _ := json.Marshal(h)
			b.Write(append(j, '\n'))
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	var out bytes.Buffer
	code, err := run([]string{"-truth", truthPath, "-scan", write("good.jsonl", ex, iis)}, &out)
	if err != nil || code != 0 {
		t.Fatalf("good scan: code %d, err %v\n%s", code, err, out.String())
	}
	if !strings.Contains(out.String(), "hosts 2, matched 2, mismatched 0, missing 0") {
		t.Errorf("good scan:\n%s", out.String())
	}

	bad := ex
	bad.Families = append([]finding.FamilyStatus(nil), ex.Families...)
	bad.Families[0].Status = finding.FixFixed
	out.Reset()
	code, err = run([]string{"-truth", truthPath, "-scan", write("bad.jsonl", bad)}, &out)
	if err != nil || code != 1 {
		t.Fatalf("bad scan: code %d, err %v\n%s", code, err, out.String())
	}
	for _, s := range []string{"hosts 2, matched 0, mismatched 1, missing 1", "family:" + bad.Families[0].Family, "127.16.0.2:8443 [iis] missing"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("bad scan: no %q in\n%s", s, out.String())
		}
	}
}
