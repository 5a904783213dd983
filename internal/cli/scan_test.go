package cli_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/cli"
	"github.com/exsweep/exsweep/internal/exchangesim"
	"github.com/exsweep/exsweep/internal/finding"
)

// labFleet serves profiles on loopback addresses from base (ephemeral ports) for one test and
// returns the targets as URLs.
func labFleet(t *testing.T, base string, profiles ...exchangesim.Profile) (*exchangesim.Fleet, []string) {
	t.Helper()
	a := netip.MustParseAddr(base)
	hosts := make([]exchangesim.Host, len(profiles))
	for i, p := range profiles {
		hosts[i] = exchangesim.Host{Addr: a, TLS: true, Profile: p}
		a = a.Next()
	}
	f, err := exchangesim.Start(hosts, exchangesim.Options{})
	if err != nil {
		t.Skipf("cannot serve an emulated fleet on %s here: %v", base, err)
	}
	t.Cleanup(func() { f.Close() })
	var urls []string
	for _, h := range f.Hosts() {
		urls = append(urls, "https://"+netip.AddrPortFrom(h.Addr, h.Port).String())
	}
	return f, urls
}

func exchange(build string) exchangesim.Profile {
	return exchangesim.Profile{Kind: exchangesim.KindExchange, Build: build}
}

// quickScan keeps hostile hosts cheap.
var quickScan = []string{"--quiet", "--timeout", "3s", "--connect-timeout", "1s", "--tls-timeout", "1s", "--header-timeout", "1s", "--body-timeout", "1s", "--rate", "0"}

func scanArgs(extra ...string) []string {
	return append(append([]string{"scan"}, quickScan...), extra...)
}

func decodeHosts(t *testing.T, jsonl string) map[string]finding.ScanHost {
	t.Helper()
	out := map[string]finding.ScanHost{}
	sc := bufio.NewScanner(strings.NewReader(jsonl))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var h finding.ScanHost
		if err := json.Unmarshal(sc.Bytes(), &h); err != nil {
			t.Fatalf("not a host record: %v\n%s", err, sc.Text())
		}
		if _, dup := out[h.Target]; dup {
			t.Errorf("host %s written twice", h.Target)
		}
		out[h.Target] = h
	}
	return out
}

func TestScanJSONLines(t *testing.T) {
	_, urls := labFleet(t, "127.25.0.1", exchange("15.1.2176.2"), exchange("15.2.1544.4"), exchangesim.Profile{Kind: exchangesim.KindIIS})
	code, stdout, stderr := run(t, scanArgs(append([]string{"--format", "jsonl"}, urls...)...)...)
	if code != cli.ExitFindings {
		t.Fatalf("exit %d, want %d (a vulnerable server)\n%s", code, cli.ExitFindings, stderr)
	}
	hosts := decodeHosts(t, stdout)
	if len(hosts) != 3 {
		t.Fatalf("%d host records, want 3", len(hosts))
	}
	vuln, fixed, iis := hosts[urls[0]], hosts[urls[1]], hosts[urls[2]]
	if vuln.Status != "exchange" || vuln.Build != "15.1.2176.2" || vuln.Schema != finding.ScanSchema {
		t.Errorf("vulnerable host: %+v", vuln)
	}
	var pl *finding.FamilyStatus
	for i := range vuln.Families {
		if vuln.Families[i].Family == "ProxyLogon" {
			pl = &vuln.Families[i]
		}
	}
	if pl == nil || pl.Status != "vulnerable" || pl.Install == nil || pl.Install.KB == "" || pl.Install.Build != "15.1.2176.9" {
		t.Errorf("ProxyLogon on 2016 CU19 without the March 2021 update: %+v", pl)
	}
	for _, f := range fixed.Families {
		if f.Status != "fixed" && f.Status != "unknown" {
			t.Errorf("2019 CU14 Aug26-era build: %s %s", f.Family, f.Status)
		}
	}
	if iis.Status != "not-exchange" {
		t.Errorf("IIS: %q", iis.Status)
	}
	if len(vuln.Requests) < 2 || !strings.HasPrefix(vuln.Requests[0].Request, "GET /owa/auth/logon.aspx") {
		t.Errorf("requests not recorded: %+v", vuln.Requests)
	}
}

func TestScanCSVAndTable(t *testing.T) {
	_, urls := labFleet(t, "127.25.1.1", exchange("15.1.2176.2"), exchangesim.Profile{Kind: exchangesim.KindWAF})
	code, stdout, _ := run(t, scanArgs(append([]string{"--format", "csv"}, urls...)...)...)
	if code != cli.ExitFindings {
		t.Fatalf("exit %d", code)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d CSV rows, want a header and 2 hosts:\n%s", len(rows), stdout)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, name := range []string{"target", "status", "build", "install", "ProxyLogon", "ProxyShell", "ProxyNotShell", "OWASSRF"} {
		if _, ok := col[name]; !ok {
			t.Errorf("no CSV column %q in %v", name, rows[0])
		}
	}
	for _, r := range rows[1:] {
		if r[col["target"]] == urls[0] && (r[col["ProxyLogon"]] != "vulnerable" || !strings.Contains(r[col["install"]], "KB")) {
			t.Errorf("vulnerable row: %v", r)
		}
		if r[col["target"]] == urls[1] && (r[col["status"]] != "not-exchange" || r[col["ProxyLogon"]] != "unknown(no Exchange marker)") {
			t.Errorf("WAF row: %v", r)
		}
	}

	code, stdout, _ = run(t, scanArgs(append([]string{"--format", "table"}, urls...)...)...)
	if code != cli.ExitFindings {
		t.Fatalf("table: exit %d", code)
	}
	for _, want := range []string{urls[0], "Exchange Server 2016 CU19", "ProxyLogon", "vulnerable", "install", "not-exchange", "fix family", "hosts: exchange 1, not-exchange 1"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
}

func TestScanNothingVulnerableExitsZero(t *testing.T) {
	_, urls := labFleet(t, "127.25.2.1", exchangesim.Profile{Kind: exchangesim.KindIIS}, exchangesim.Profile{Kind: exchangesim.KindOnline, Build: "15.20.4200.11"})
	code, stdout, stderr := run(t, scanArgs(append([]string{"--format", "jsonl"}, urls...)...)...)
	if code != cli.ExitClean {
		t.Fatalf("exit %d, want 0\n%s", code, stderr)
	}
	hosts := decodeHosts(t, stdout)
	if hosts[urls[1]].Status != "exchange-online" {
		t.Errorf("Online: %+v", hosts[urls[1]])
	}
}

func TestScanTargetsFromFileAndResume(t *testing.T) {
	var profiles []exchangesim.Profile
	for range 6 {
		profiles = append(profiles, exchange("15.1.2176.9"))
	}
	fleet, urls := labFleet(t, "127.25.3.1", profiles...)
	dir := t.TempDir()
	list := filepath.Join(dir, "targets.txt")
	if err := os.WriteFile(list, []byte("# the fleet\n"+strings.Join(urls, "\n")+"\n999.1.2.3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "scan.jsonl")
	code, _, stderr := run(t, scanArgs("-i", list, "--out", out)...)
	if code != cli.ExitFindings {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if len(decodeHosts(t, string(data))) != 6 {
		t.Fatalf("first run: %d hosts, want 6", len(decodeHosts(t, string(data))))
	}
	// An interrupted scan: two complete lines and half of the third.
	cut := lines[0] + lines[1] + lines[2][:len(lines[2])/2]
	if err := os.WriteFile(out, []byte(cut), 0o644); err != nil {
		t.Fatal(err)
	}
	before := map[netip.Addr]int{}
	for _, h := range fleet.Hosts() {
		before[h.Addr] = fleet.Connections(h.Addr)
	}
	var prev map[string]finding.ScanHost = decodeHosts(t, lines[0]+lines[1])
	args := append([]string{"scan"}, quickScan...)
	args = append(args[:len(args):len(args)], "-i", list, "--resume", out)
	code, _, stderr = run(t, args...)
	if code != cli.ExitFindings {
		t.Fatalf("resume: exit %d\n%s", code, stderr)
	}
	data, err = os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	hosts := decodeHosts(t, string(data)) // also fails on a host written twice
	if len(hosts) != 6 {
		t.Errorf("after resume: %d hosts, want 6", len(hosts))
	}
	for _, h := range fleet.Hosts() {
		key := "https://" + netip.AddrPortFrom(h.Addr, h.Port).String()
		_, done := prev[key]
		if extra := fleet.Connections(h.Addr) - before[h.Addr]; done && extra != 0 {
			t.Errorf("%s was finished before the interruption and was scanned again", key)
		} else if !done && extra == 0 {
			t.Errorf("%s was not scanned by the resumed run", key)
		}
	}

	// --resume refuses a file that is not scan output.
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"hello\": 1}\n"), 0o644)
	code, _, stderr = run(t, "scan", "--quiet", "--resume", bad, urls[0])
	if code != cli.ExitError || !strings.Contains(stderr, "bad.jsonl:1") {
		t.Errorf("resume of a foreign file: exit %d, %s", code, stderr)
	}
}

func TestScanExcludeNeverTouches(t *testing.T) {
	fleet, urls := labFleet(t, "127.25.4.1", exchange("15.1.2176.9"), exchange("15.1.2176.9"))
	hosts := fleet.Hosts()
	code, stdout, stderr := run(t, scanArgs("--format", "jsonl", "--exclude", hosts[1].Addr.String()+"/32", urls[0], urls[1])...)
	if code != cli.ExitFindings {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if n := fleet.Connections(hosts[1].Addr); n != 0 {
		t.Errorf("the excluded address got %d connections", n)
	}
	if got := decodeHosts(t, stdout); len(got) != 1 {
		t.Errorf("%d hosts written, want 1 (the other is excluded)", len(got))
	}

	// The same from a file, as a CERT keeps its list, with a range.
	before := fleet.Connections(hosts[0].Addr) + fleet.Connections(hosts[1].Addr)
	file := filepath.Join(t.TempDir(), "exclude.txt")
	os.WriteFile(file, []byte("# never touch\n"+hosts[0].Addr.String()+"/31, "+hosts[1].Addr.String()+"\n"), 0o644)
	code, stdout, _ = run(t, scanArgs("--format", "jsonl", "--exclude-file", file, urls[0], urls[1])...)
	if got := decodeHosts(t, stdout); code != cli.ExitClean || len(got) != 0 {
		t.Errorf("exit %d, %d hosts written; want 0 and none (all excluded)", code, len(got))
	}
	if n := fleet.Connections(hosts[0].Addr) + fleet.Connections(hosts[1].Addr) - before; n != 0 {
		t.Errorf("%d connections to excluded addresses", n)
	}
}

func TestScanInterruptedExit(t *testing.T) {
	_, urls := labFleet(t, "127.25.5.1", exchangesim.Profile{Hostile: exchangesim.HostileSilent, Kind: exchangesim.KindExchange, Build: "15.1.2176.9"},
		exchangesim.Profile{Kind: exchangesim.KindIIS})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	code, stdout, stderr := runCtx(t, ctx, "scan", "--format", "jsonl", "--timeout", "60s", "--tls-timeout", "60s", urls[0], urls[1])
	// The IIS host finished and is written; the silent one was cut short and is not.
	if got := decodeHosts(t, stdout); len(got) != 1 || got[urls[1]].Status != "not-exchange" {
		t.Errorf("written after the interruption: %+v", got)
	}
	if code != cli.ExitPartialClean {
		t.Errorf("exit %d, want %d (interrupted, nothing vulnerable)\n%s", code, cli.ExitPartialClean, stderr)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("an interrupted scan took %v to stop", took)
	}
	if !strings.Contains(stderr, "--resume") {
		t.Errorf("stderr does not say how to continue: %s", stderr)
	}
}

func TestScanRateLimit(t *testing.T) {
	var profiles []exchangesim.Profile
	for range 4 {
		profiles = append(profiles, exchange("15.1.2176.9"))
	}
	_, urls := labFleet(t, "127.25.6.1", profiles...)
	// 4 Exchange hosts x 3 requests = 12 requests at 20 per second (burst 2): at least 0.5 s.
	args := append([]string{"scan", "--quiet", "--format", "jsonl", "--rate", "20"}, urls...)
	start := time.Now()
	code, stdout, _ := run(t, args...)
	if code != cli.ExitFindings {
		t.Fatalf("exit %d", code)
	}
	requests := 0
	for _, h := range decodeHosts(t, stdout) {
		requests += len(h.Requests)
	}
	if requests != 12 {
		t.Fatalf("%d requests, want 12", requests)
	}
	if took := time.Since(start); took < 450*time.Millisecond {
		t.Errorf("12 requests at --rate 20 took %v: the rate limit did not hold", took)
	}
}

func TestScanUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"scan"}, "no targets"},
		{[]string{"scan", "-p", "0", "127.0.0.1"}, "is not a port"},
		{[]string{"scan", "-p", "http", "127.0.0.1"}, "is not a port"},
		{[]string{"scan", "--exclude", "10.0.0.0/40", "127.0.0.1"}, "--exclude"},
		{[]string{"scan", "--concurrency", "0", "127.0.0.1"}, "--concurrency"},
		{[]string{"scan", "--format", "xml", "127.0.0.1"}, "unknown format"},
		{[]string{"scan", "--resume", "x.jsonl", "--format", "csv", "127.0.0.1"}, "--format must be jsonl"},
		{[]string{"scan", "--timeout", "-1s", "127.0.0.1"}, "positive"},
		{[]string{"scan", "-i", "/nonexistent/targets.txt"}, "no such file"},
	}
	for _, tt := range tests {
		code, _, stderr := run(t, tt.args...)
		if code != cli.ExitError || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
}

// TestResumeCountsWhatTheFileHolds: a vulnerable server found before the interruption still
// makes the exit code 1 and stays in the summary, though the rest of the scan is clean.
func TestResumeCountsWhatTheFileHolds(t *testing.T) {
	_, urls := labFleet(t, "127.25.7.1", exchangesim.Profile{Kind: exchangesim.KindIIS})
	out := filepath.Join(t.TempDir(), "scan.jsonl")
	earlier := `{"schema":1,"target":"https://192.0.2.7:443","ip":"192.0.2.7","port":443,"scheme":"https","status":"exchange","families":[{"family":"ProxyLogon","status":"vulnerable"}],"requests":[]}` + "\n"
	if err := os.WriteFile(out, []byte(earlier), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "scan", "--resume", out, "--timeout", "3s", "--rate", "0", urls[0])
	if code != cli.ExitFindings {
		t.Errorf("exit %d, want 1: the file holds a vulnerable server\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "hosts: exchange 1, not-exchange 1") {
		t.Errorf("the summary does not count the earlier host:\n%s", stderr)
	}
}

func TestScanNoValidTarget(t *testing.T) {
	code, _, stderr := run(t, "scan", "--quiet", "999.1.2.3", "mail..example.org")
	if code != cli.ExitError || !strings.Contains(stderr, "no valid target") {
		t.Errorf("exit %d, %s; want 2 and \"no valid target\"", code, stderr)
	}
}
