package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exsweep/exsweep/bench/internal/bytesize"
)

func testConfig(dir string) config {
	return config{
		Out:    dir,
		Size:   5 << 20,
		Seed:   7,
		Days:   3,
		Start:  time.Date(2021, 2, 27, 0, 0, 0, 0, time.UTC),
		Chains: 16,
		Jobs:   2,
		Rotate: 20 << 10, // small, so that rotation to -2, -3 happens
	}
}

var (
	sharedOnce sync.Once
	sharedDir  string
	sharedRes  *result
	sharedErr  error
)

// shared is one generation that the read-only tests inspect.
func shared(t *testing.T) (string, *result) {
	t.Helper()
	sharedOnce.Do(func() {
		sharedDir, sharedErr = os.MkdirTemp("", "loggen-test-")
		if sharedErr == nil {
			sharedRes, sharedErr = generate(testConfig(sharedDir))
		}
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedDir, sharedRes
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

// treeHash hashes every file's path and content.
func treeHash(t *testing.T, root string) string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	h := sha256.New()
	for _, p := range paths {
		rel, _ := filepath.Rel(root, p)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(rel), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestDeterministic(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	ca, cb, cc := testConfig(a), testConfig(b), testConfig(c)
	ca.Jobs, cb.Jobs = 1, 4 // the number of workers must not matter
	cc.Seed++
	for _, cfg := range []config{ca, cb, cc} {
		if _, err := generate(cfg); err != nil {
			t.Fatal(err)
		}
	}
	ha, hb, hc := treeHash(t, a), treeHash(t, b), treeHash(t, c)
	if ha != hb {
		t.Errorf("same seed, different output: %s vs %s", ha, hb)
	}
	if ha == hc {
		t.Errorf("different seeds, same output %s", ha)
	}
}

func TestSize(t *testing.T) {
	dir, res := shared(t)
	want := testConfig(dir).Size
	var onDisk int64
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != "ground-truth.json" {
			fi, _ := d.Info()
			onDisk += fi.Size()
		}
		return err
	})
	if onDisk != res.Bytes {
		t.Errorf("reported %d bytes, %d on disk", res.Bytes, onDisk)
	}
	if d := float64(onDisk-want) / float64(want); d < -0.1 || d > 0.1 {
		t.Errorf("wrote %d bytes for %d requested (%.1f%%)", onDisk, want, 100*d)
	}
	// The shares of the sources.
	var iis, proxy int64
	for si, b := range res.ByStream {
		switch streamDefs()[si].kind {
		case skIIS:
			iis += b
		case skProxy:
			proxy += b
		}
	}
	for name, got := range map[string]int64{"IIS": iis, "HttpProxy": proxy} {
		if f := float64(got) / float64(res.Bytes); f < 0.40 || f > 0.50 {
			t.Errorf("%s is %.1f%% of the bytes, want about 45%%", name, 100*f)
		}
	}
}

// logFile is a parsed log: header blocks and rows by line number.
type logFile struct {
	rel      string
	iis      bool
	lines    []string            // without CRLF; lines[0] is line 1
	rowCols  map[int][]string    // line -> values
	rowHdr   map[int][]string    // line -> the #Fields in force
	fieldSet map[string]struct{} // distinct #Fields lines
	headers  int                 // #Fields lines
}

func (f *logFile) get(line int, col string) (string, bool) {
	for i, n := range f.rowHdr[line] {
		if strings.EqualFold(n, col) {
			return f.rowCols[line][i], true
		}
	}
	return "", false
}

func parseLog(t *testing.T, root, rel string) *logFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatalf("%s: does not end in CRLF", rel)
	}
	f := &logFile{rel: rel, iis: strings.HasSuffix(rel, ".log"), rowCols: map[int][]string{}, rowHdr: map[int][]string{}, fieldSet: map[string]struct{}{}}
	f.lines = strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	var hdr []string
	var last string
	for i, l := range f.lines {
		n := i + 1
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("%s:%d: stray line break", rel, n)
		}
		if strings.HasPrefix(l, "#") {
			if rest, ok := strings.CutPrefix(l, "#Fields: "); ok {
				sep := ","
				if f.iis {
					sep = " "
				}
				hdr = strings.Split(rest, sep)
				f.headers++
				f.fieldSet[rest] = struct{}{}
			}
			continue
		}
		if hdr == nil {
			t.Fatalf("%s:%d: row before any #Fields line", rel, n)
		}
		var vals []string
		if f.iis {
			vals = strings.Split(l, " ")
		} else {
			r := csv.NewReader(strings.NewReader(l))
			r.FieldsPerRecord = -1
			vals, err = r.Read()
			if err != nil {
				t.Fatalf("%s:%d: %v", rel, n, err)
			}
		}
		if len(vals) != len(hdr) {
			t.Fatalf("%s:%d: %d values for %d columns", rel, n, len(vals), len(hdr))
		}
		f.rowCols[n], f.rowHdr[n] = vals, hdr
		ts := vals[0]
		if f.iis {
			ts = vals[0] + " " + vals[1]
		}
		if ts < last {
			t.Fatalf("%s:%d: time %s before %s", rel, n, ts, last)
		}
		last = ts
	}
	return f
}

var (
	parsedOnce sync.Once
	parsed     map[string]*logFile
)

func allLogs(t *testing.T) map[string]*logFile {
	t.Helper()
	dir, _ := shared(t)
	parsedOnce.Do(func() {
		parsed = map[string]*logFile{}
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if n := d.Name(); strings.HasSuffix(n, ".LOG") || strings.HasSuffix(n, ".log") {
				rel, _ := filepath.Rel(dir, p)
				rel = filepath.ToSlash(rel)
				parsed[rel] = parseLog(t, dir, rel)
			}
			return nil
		})
	})
	if len(parsed) == 0 {
		t.Fatal("no log files")
	}
	return parsed
}

func TestTree(t *testing.T) {
	dir, _ := shared(t)
	for _, p := range []string{
		"Program Files/Microsoft/Exchange Server/V15/Bin/ExSetup.exe",
		"Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Eas",
		"Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Mapi",
		"Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/RpcHttp",
		"Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/OwaCalendar",
		"Program Files/Microsoft/Exchange Server/V15/Logging/ECP/Server",
		"Program Files/Microsoft/Exchange Server/V15/Logging/OABGeneratorLog",
		"inetpub/logs/LogFiles/W3SVC1/u_ex210227.log",
		"inetpub/logs/LogFiles/W3SVC2/u_ex210301.log",
		"Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Eas/HttpProxy_2021030110-1.LOG",
	} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			t.Error(err)
		}
	}
}

func TestHeadersAndRows(t *testing.T) {
	logs := allLogs(t)
	var variant, restarted, rotated int
	var proxyFiles int
	for rel, f := range logs {
		// Every file starts with its header block.
		if !strings.HasPrefix(f.lines[0], "#Software: ") {
			t.Errorf("%s: first line %q", rel, f.lines[0])
		}
		if strings.Contains(rel, "/HttpProxy/") {
			proxyFiles++
			for fl := range f.fieldSet {
				if fl != proxyFields {
					variant++
					break
				}
			}
		}
		if f.headers > 1 {
			restarted++
		}
		if strings.HasSuffix(rel, "-2.LOG") {
			rotated++
		}
	}
	if share := float64(variant) / float64(proxyFiles); share < 0.08 || share > 0.25 {
		t.Errorf("%d of %d HttpProxy files have another column set, want 10-20%%", variant, proxyFiles)
	}
	if restarted == 0 || rotated == 0 {
		t.Errorf("restarted files %d, rotated files %d: want some of each", restarted, rotated)
	}
}

// docRanges are where the attack chains come from; benign traffic never does.
var docRanges = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::/32")}

func isDoc(s string) bool {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return false
	}
	for _, p := range docRanges {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func clientIP(f *logFile, line int) string {
	for _, c := range []string{"c-ip", "ClientIpAddress"} {
		if v, ok := f.get(line, c); ok {
			return v
		}
	}
	return ""
}

func TestGroundTruth(t *testing.T) {
	dir, res := shared(t)
	logs := allLogs(t)
	b, err := os.ReadFile(filepath.Join(dir, "ground-truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var gt groundTruth
	if err := json.Unmarshal(b, &gt); err != nil {
		t.Fatal(err)
	}
	if gt.Generator != "exsweep-loggen" || gt.Seed != 7 || gt.SizeBytes != res.Bytes || len(gt.Chains) != 16 {
		t.Fatalf("header: %+v", gt)
	}
	ips := map[string]int{}
	truthRows := map[string]bool{}
	kinds := map[string]string{}
	for _, c := range gt.Chains {
		if !isDoc(c.ClientIP) {
			t.Errorf("chain %d: address %s not from a documentation range", c.ID, c.ClientIP)
		}
		if prev, dup := ips[c.ClientIP]; dup {
			t.Errorf("chains %d and %d share %s", prev, c.ID, c.ClientIP)
		}
		ips[c.ClientIP] = c.ID
		kinds[c.Kind] = c.Expected
		if len(c.Rows) == 0 || c.First == "" || c.First > c.Last {
			t.Errorf("chain %d: %d rows, first %s last %s", c.ID, len(c.Rows), c.First, c.Last)
		}
		for _, r := range c.Rows {
			f := logs[r.File]
			if f == nil {
				t.Errorf("chain %d: no file %s", c.ID, r.File)
				continue
			}
			if r.Line < 1 || r.Line > len(f.lines) {
				t.Errorf("chain %d: %s has no line %d", c.ID, r.File, r.Line)
				continue
			}
			truthRows[fmt.Sprintf("%s:%d", r.File, r.Line)] = true
			if _, isRow := f.rowCols[r.Line]; !isRow {
				t.Errorf("chain %d: %s:%d is not a row: %q", c.ID, r.File, r.Line, f.lines[r.Line-1])
				continue
			}
			if r.Marker != "" {
				if !strings.Contains(f.lines[r.Line-1], r.Marker) {
					t.Errorf("chain %d: %s:%d lacks marker %q", c.ID, r.File, r.Line, r.Marker)
				}
				continue
			}
			if got := clientIP(f, r.Line); got != c.ClientIP {
				t.Errorf("chain %d: %s:%d has client %q, want %s", c.ID, r.File, r.Line, got, c.ClientIP)
			}
			if ts := f.rowCols[r.Line][0]; !strings.HasPrefix(strings.ReplaceAll(r.Time, "T", " "), strings.ReplaceAll(strings.TrimSuffix(ts, "Z"), "T", " ")[:10]) {
				t.Errorf("chain %d: %s:%d time %s vs row %s", c.ID, r.File, r.Line, r.Time, ts)
			}
		}
	}
	for _, k := range chainKinds {
		if kinds[k.kind] != k.verdict {
			t.Errorf("kind %s: expected verdict %q, want %q", k.kind, kinds[k.kind], k.verdict)
		}
	}
	// Benign rows never come from the documentation ranges, and every row from them is listed.
	for rel, f := range logs {
		for line := range f.rowCols {
			if ip := clientIP(f, line); isDoc(ip) && !truthRows[fmt.Sprintf("%s:%d", rel, line)] {
				t.Errorf("%s:%d: client %s from a documentation range is not in the ground truth", rel, line, ip)
			}
		}
	}
}

// TestBenignNearMisses checks that the traps the hunt must not fall into are present.
func TestBenignNearMisses(t *testing.T) {
	logs := allLogs(t)
	want := map[string]int{
		"AMProbe/Local/ClientAccess":                                     0,
		"/autodiscover/autodiscover.json Email=user":                     0,
		"/owa/auth/logon.aspx url=":                                      0,
		"/owa/auth/logoff.aspx Cmd=logoff":                               0,
		"WebUIValidation.js":                                             0,
		"ServerInfo~ex0":                                                 0,
		"ExchangeServicesClient/15.":                                     0,
		"/ecp/DDI/DDIService.svc/SetObject schema=MailboxPropertiesSlab": 0,
		"Download failed and temporary file":                             0,
		"Set-OwaVirtualDirectory.ExternalUrl=''https://":                 0,
	}
	for _, f := range logs {
		for _, l := range f.lines {
			for k := range want {
				if strings.Contains(l, k) {
					want[k]++
				}
			}
		}
	}
	rare := map[string]bool{"Set-OwaVirtualDirectory.ExternalUrl=''https://": true, "ServerInfo~ex0": true}
	for k, n := range want {
		if n == 0 && !rare[k] {
			t.Errorf("no benign row with %q", k)
		}
	}
	// Attack tools' user agents only ever come from the chains.
	for rel, f := range logs {
		for line, vals := range f.rowCols {
			l := strings.Join(vals, " ")
			if (strings.Contains(l, "python-requests") || strings.Contains(l, "ExchangeServicesClient/0.0.0.0") ||
				strings.Contains(l, "antSword")) && !isDoc(clientIP(f, line)) {
				t.Errorf("%s:%d: attack tool outside a chain", rel, line)
			}
		}
	}
}

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		err  bool
	}{
		{"500MB", 500 << 20, false}, {"2GB", 2 << 30, false}, {"8gb", 8 << 30, false}, {"1.5GiB", 3 << 29, false},
		{"64K", 64 << 10, false}, {"123456", 123456, false}, {" 5 MB ", 5 << 20, false}, {"", 0, true}, {"-1GB", 0, true}, {"lots", 0, true},
	} {
		got, err := bytesize.Parse(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("bytesize.Parse(%q) = %d, %v", tc.in, got, err)
		}
	}
}

func TestCSVField(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                      "plain",
		"a,b":                        `"a,b"`,
		`say "hi"`:                   `"say ""hi"""`,
		"KHTML, like Gecko":          `"KHTML, like Gecko"`,
		"'S:CMD=Get-Mailbox.X=''a''": "'S:CMD=Get-Mailbox.X=''a''",
	} {
		if got := csvField(in); got != want {
			t.Errorf("csvField(%q) = %q, want %q", in, got, want)
		}
	}
	if got := string(appendCSVQuoted(nil, []byte(`<script language="JScript">`))); got != `"<script language=""JScript"">"` {
		t.Errorf("appendCSVQuoted: %s", got)
	}
}

func BenchmarkGenerate(b *testing.B) {
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		cfg := testConfig(dir)
		cfg.Size, cfg.Jobs, cfg.Rotate = 64<<20, 1, 16<<20
		res, err := generate(cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(res.Bytes)
	}
}
