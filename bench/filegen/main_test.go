package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exsweep/exsweep/bench/internal/bytesize"
)

// repoCorpus is the repository's labelled corpus, seen from this package's folder. The tests
// work whether it is there or not.
const repoCorpus = "../../testdata/files-corpus"

func tinyConfig(dir string) config {
	return config{
		Out: filepath.Join(dir, "C"), Files: 300, Bytes: 20 << 20, Seed: 7,
		Corpus: repoCorpus, Plant: 40, Benign: 40, ShellTraces: 0.5,
		Truth: filepath.Join(dir, "truth.jsonl"), Workers: 2,
	}
}

var (
	sharedOnce sync.Once
	sharedCfg  config
	sharedRes  *result
	sharedErr  error
)

// shared is one tiny generation that the read-only tests inspect.
func shared(t *testing.T) (config, *result) {
	t.Helper()
	sharedOnce.Do(func() {
		var dir string
		dir, sharedErr = os.MkdirTemp("", "filegen-test-")
		if sharedErr == nil {
			sharedCfg = tinyConfig(dir)
			sharedRes, sharedErr = generate(sharedCfg)
		}
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedCfg, sharedRes
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedCfg.Out != "" {
		os.RemoveAll(filepath.Dir(sharedCfg.Out))
	}
	os.Exit(code)
}

func readTruth(t *testing.T, file string) []truthLine {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []truthLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l truthLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("truth line %q: %v", sc.Text(), err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// treeHash hashes every file's path, size, time and content, and every folder's path and time.
func treeHash(t *testing.T, root string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if p != root {
			fmt.Fprintf(h, "%s\x00%v\x00%d\x00", filepath.ToSlash(rel), d.IsDir(), fi.ModTime().UnixNano())
		}
		if !d.IsDir() {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%d\x00", fi.Size())
			_, err = io.Copy(h, f)
			f.Close()
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestDeterministic(t *testing.T) {
	var hashes, truths [3]string
	for i := range hashes {
		cfg := tinyConfig(t.TempDir())
		cfg.Workers = []int{1, 4, 2}[i] // the number of workers must not matter
		if i == 2 {
			cfg.Seed++
		}
		if _, err := generate(cfg); err != nil {
			t.Fatal(err)
		}
		hashes[i] = treeHash(t, cfg.Out)
		b, err := os.ReadFile(cfg.Truth)
		if err != nil {
			t.Fatal(err)
		}
		truths[i] = string(b)
	}
	if hashes[0] != hashes[1] {
		t.Errorf("same seed, different trees: %s vs %s", hashes[0], hashes[1])
	}
	if truths[0] != truths[1] {
		t.Error("same seed, different ground truth")
	}
	if hashes[0] == hashes[2] || truths[0] == truths[2] {
		t.Error("different seeds, same tree")
	}
}

func TestTruthMatchesTree(t *testing.T) {
	cfg, res := shared(t)
	lines := readTruth(t, cfg.Truth)
	if len(lines) != cfg.Files || res.Files != cfg.Files {
		t.Errorf("%d truth lines, %d files reported, want %d", len(lines), res.Files, cfg.Files)
	}
	seen := map[string]bool{}
	var total int64
	for _, l := range lines {
		if seen[strings.ToLower(l.Path)] {
			t.Errorf("%s: two files with this name on Windows", l.Path)
		}
		seen[strings.ToLower(l.Path)] = true
		full := filepath.Join(cfg.Out, filepath.FromSlash(l.Path))
		b, err := os.ReadFile(full)
		if err != nil {
			t.Errorf("truth names %s: %v", l.Path, err)
			continue
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != l.SHA256 || int64(len(b)) != l.Size {
			t.Errorf("%s: on disk %d bytes sha256 %x, truth %d bytes %s", l.Path, len(b), sum, l.Size, l.SHA256)
		}
		fi, _ := os.Stat(full)
		mt, err := time.Parse(time.RFC3339Nano, l.MTime)
		if err != nil || !fi.ModTime().Equal(mt) {
			t.Errorf("%s: modified %v on disk, %s in the truth", l.Path, fi.ModTime(), l.MTime)
		}
		if mt.Year() < 2020 || mt.Year() > 2021 {
			t.Errorf("%s: time %s outside 2020-2021", l.Path, l.MTime)
		}
		total += l.Size
		switch {
		case l.PlantedAs != "malicious" && l.PlantedAs != "benign" && l.PlantedAs != "filler":
			t.Errorf("%s: planted_as %q", l.Path, l.PlantedAs)
		case l.Expect != "detect" && l.Expect != "clean" && l.Expect != "suspicious":
			t.Errorf("%s: expect %q", l.Path, l.Expect)
		case (l.PlantedAs == "malicious") != (l.Expect == "detect"):
			t.Errorf("%s: planted as %s but expect %s", l.Path, l.PlantedAs, l.Expect)
		}
	}
	// Every file on disk is in the truth; no two folders differ only in case.
	n := 0
	dirs := map[string]string{}
	filepath.WalkDir(cfg.Out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			if other, ok := dirs[strings.ToLower(p)]; ok {
				t.Errorf("folders %s and %s are one on Windows", other, p)
			}
			dirs[strings.ToLower(p)] = p
		}
		if err == nil && !d.IsDir() {
			n++
			rel, _ := filepath.Rel(cfg.Out, p)
			if !seen[strings.ToLower(filepath.ToSlash(rel))] {
				t.Errorf("%s is not in the truth", rel)
			}
		}
		return err
	})
	if n != len(lines) {
		t.Errorf("%d files on disk, %d truth lines", n, len(lines))
	}
	// Logs end at a whole row, so a tree may be a little short of -bytes, never over.
	if total > cfg.Bytes || float64(total) < 0.99*float64(cfg.Bytes) {
		t.Errorf("wrote %d bytes, want about %d", total, cfg.Bytes)
	}
	if total != res.Bytes {
		t.Errorf("truth sums to %d bytes, result says %d", total, res.Bytes)
	}
}

func inWebFolder(p string) bool {
	for _, w := range webFolders {
		if strings.HasPrefix(p, w+"/") {
			return true
		}
	}
	return false
}

func TestPlantedOnlyInWebFolders(t *testing.T) {
	cfg, res := shared(t)
	if res.PlantedMalicious == 0 {
		t.Skip("no corpus at " + repoCorpus)
	}
	var mal, ben int
	for _, l := range readTruth(t, cfg.Truth) {
		if l.PlantedAs == "filler" {
			if l.Source != "" || l.Kind == "corpus" {
				t.Errorf("%s: filler with a corpus source", l.Path)
			}
			continue
		}
		if l.Source == "" || l.SHA256 == "" {
			t.Errorf("%s: planted without a source", l.Path)
		}
		switch {
		case l.Kind == "compiled":
			if !strings.HasPrefix(l.Path, aspTemp+"/") || !strings.HasSuffix(l.Path, ".compiled") || l.VirtualPath == "" {
				t.Errorf("%s: a trace outside Temporary ASP.NET Files or without its page", l.Path)
			}
			b, _ := os.ReadFile(filepath.Join(cfg.Out, filepath.FromSlash(l.Path)))
			if !bytes.Contains(b, []byte(`virtualPath="`+l.VirtualPath+`"`)) {
				t.Errorf("%s does not name %s", l.Path, l.VirtualPath)
			}
		case l.PlantedAs == "malicious":
			mal++
			if !inWebFolder(l.Path) || strings.HasPrefix(l.Path, wwwroot+"/") && !strings.HasPrefix(l.Path, aspnetClient+"/") {
				t.Errorf("%s: a planted shell outside aspnet_client, owa/auth, ecp/auth, ClientAccess/ecp, ClientAccess/Oab", l.Path)
			}
			if !strings.HasPrefix(l.MTime, "2021-03-") {
				t.Errorf("%s: planted shell dated %s, not March 2021", l.Path, l.MTime)
			}
			src, err := os.ReadFile(filepath.Join(repoCorpus, filepath.FromSlash(l.Source)))
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(filepath.Join(cfg.Out, filepath.FromSlash(l.Path))); !bytes.Equal(got, src) {
				t.Errorf("%s differs from its source %s", l.Path, l.Source)
			}
		default:
			ben++
			if !inWebFolder(l.Path) && !(strings.HasPrefix(l.Path, "Users/") && strings.HasSuffix(l.Path, ".pst")) {
				t.Errorf("%s: a benign sample outside the web folders", l.Path)
			}
		}
	}
	if mal != res.PlantedMalicious || ben != res.PlantedBenign || mal < cfg.Plant {
		t.Errorf("%d malicious and %d benign in the truth, result says %d and %d, -plant %d", mal, ben, res.PlantedMalicious, res.PlantedBenign, cfg.Plant)
	}
}

func TestLayout(t *testing.T) {
	cfg, _ := shared(t)
	for _, p := range []string{aspnetClient + "/system_web/4_0_30319", "inetpub/logs/LogFiles/W3SVC1",
		exBase + "/Bin", owaAuth + "/" + owaBuild + "/themes/resources", ecpAuth, caECP, caOab,
		exBase + "/Logging/HttpProxy", "Windows/System32", "Windows/Temp", "ProgramData", "Users/Public", aspTemp + "/owa"} {
		if fi, err := os.Stat(filepath.Join(cfg.Out, filepath.FromSlash(p))); err != nil || !fi.IsDir() {
			t.Errorf("no folder %s", p)
		}
	}
	// Every physical path of the IIS configuration is in the tree.
	conf, err := os.ReadFile(filepath.Join(cfg.Out, "Windows/System32/inetsrv/config/applicationHost.config"))
	if err != nil {
		t.Fatal(err)
	}
	lower := map[string]bool{}
	filepath.WalkDir(cfg.Out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			rel, _ := filepath.Rel(cfg.Out, p)
			lower[strings.ToLower(filepath.ToSlash(rel))] = true
		}
		return err
	})
	for _, m := range regexp.MustCompile(`physicalPath="([^"]+)"`).FindAllStringSubmatch(string(conf), -1) {
		p := strings.ToLower(strings.ReplaceAll(m[1], `\`, "/"))
		p = strings.TrimPrefix(strings.TrimPrefix(p, "c:/"), "%systemdrive%/")
		if !lower[p] {
			t.Errorf("applicationHost.config names %s, not in the tree", m[1])
		}
	}
	kinds := map[string]int{}
	var mdmp, kernel int
	for _, l := range readTruth(t, cfg.Truth) {
		kinds[l.Kind]++
		if l.PlantedAs != "filler" {
			continue
		}
		full := filepath.Join(cfg.Out, filepath.FromSlash(l.Path))
		head := make([]byte, 512)
		f, err := os.Open(full)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.ReadFull(f, head)
		f.Close()
		head = head[:n]
		switch l.Kind {
		case "pe":
			lfanew := int(binary.LittleEndian.Uint32(head[0x3C:]))
			if !bytes.HasPrefix(head, []byte("MZ")) || lfanew+4 > len(head) || string(head[lfanew:lfanew+4]) != "PE\x00\x00" {
				t.Errorf("%s: no MZ/PE header", l.Path)
			}
		case "dump":
			switch {
			case bytes.HasPrefix(head, []byte("MDMP")):
				mdmp++
			case bytes.HasPrefix(head, []byte("PAGEDU64")):
				kernel++
			}
		case "pst":
			if !bytes.HasPrefix(head, []byte("!BDN")) {
				t.Errorf("%s: not a PST", l.Path)
			}
		case "archive":
			if !bytes.HasPrefix(head, []byte("PK\x03\x04")) && !bytes.HasPrefix(head, []byte("7z\xbc\xaf")) {
				t.Errorf("%s: not an archive", l.Path)
			}
			if !strings.HasPrefix(l.Path, "ProgramData/") || l.Expect != "suspicious" {
				t.Errorf("%s: an archive outside ProgramData or not suspicious", l.Path)
			}
		case "log":
			if !bytes.HasPrefix(head, []byte("#Software: ")) && !strings.Contains(l.Path, "/CBS/") && !strings.Contains(l.Path, "ExchangeSetupLogs") {
				t.Errorf("%s: a log without its header", l.Path)
			}
		}
	}
	if mdmp == 0 || kernel == 0 {
		t.Errorf("dumps: %d MDMP, %d PAGEDU64; want some of each", mdmp, kernel)
	}
	for _, k := range []string{"pe", "log", "data", "page", "image", "compiled", "archive", "dump", "pst", "config"} {
		if kinds[k] == 0 {
			t.Errorf("no file of kind %s (%v)", k, kinds)
		}
	}
	for _, pg := range owaAuthPages {
		if _, err := os.Stat(filepath.Join(cfg.Out, filepath.FromSlash(owaAuth+"/"+pg.name))); err != nil {
			t.Errorf("owa/auth lacks %s", pg.name)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(cfg.Out, filepath.FromSlash(aspnetClient+"/system_web/4_0_30319"))); len(entries) > 0 {
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".aspx") && !strings.HasSuffix(e.Name(), ".js") && !strings.HasSuffix(e.Name(), ".asp") && e.Name() != "web.config" && !strings.HasSuffix(e.Name(), ".ashx") && !strings.HasSuffix(e.Name(), ".asmx") && !strings.HasSuffix(e.Name(), ".gif") && !strings.HasSuffix(e.Name(), ".txt") {
				t.Errorf("aspnet_client holds %s", e.Name())
			}
		}
	}
}

func TestWithoutCorpus(t *testing.T) {
	empty := t.TempDir()
	labelsOnly := t.TempDir()
	os.WriteFile(filepath.Join(labelsOnly, "labels.tsv"), []byte("malicious/gone.aspx\tmalicious\tchopper\tmissing file\n"), 0o644)
	for name, c := range map[string]struct {
		corpus   string
		required bool
	}{
		"off":            {"", false},
		"default absent": {filepath.Join(empty, "nowhere"), false},
		"empty":          {empty, true},
		"labels only":    {labelsOnly, true},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := tinyConfig(t.TempDir())
			cfg.Corpus, cfg.CorpusRequired = c.corpus, c.required
			res, err := generate(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if res.PlantedMalicious != 0 || res.PlantedBenign != 0 || res.Files != cfg.Files {
				t.Errorf("planted %d/%d, %d files", res.PlantedMalicious, res.PlantedBenign, res.Files)
			}
			for _, l := range readTruth(t, cfg.Truth) {
				if l.PlantedAs != "filler" || l.Expect == "detect" {
					t.Errorf("%s: %s/%s without a corpus", l.Path, l.PlantedAs, l.Expect)
				}
			}
			if c.corpus != "" && len(res.Notes) == 0 {
				t.Error("no note says nothing was planted")
			}
		})
	}
	cfg := tinyConfig(t.TempDir())
	cfg.Corpus, cfg.CorpusRequired = filepath.Join(empty, "nowhere"), true
	if _, err := generate(cfg); err == nil {
		t.Error("an explicit -corpus that does not exist is accepted")
	}
}

func TestCorpusWithoutLabels(t *testing.T) {
	c := t.TempDir()
	os.MkdirAll(filepath.Join(c, "malicious", "sub"), 0o755)
	os.MkdirAll(filepath.Join(c, "benign"), 0o755)
	shell := []byte("<%@ Page Language=\"Jscript\"%><%eval(Request.Item[\"q\"],\"unsafe\");%>")
	os.WriteFile(filepath.Join(c, "malicious", "one.aspx"), shell, 0o644)
	os.WriteFile(filepath.Join(c, "malicious", "README.md"), []byte("not a sample"), 0o644)
	os.WriteFile(filepath.Join(c, "benign", "page.aspx"), []byte("<html></html>"), 0o644)
	cfg := tinyConfig(t.TempDir())
	cfg.Corpus, cfg.Plant, cfg.Benign = c, 7, 3
	res, err := generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.PlantedMalicious != 7 || res.DistinctMalicious != 1 || res.PlantedBenign != 3 {
		t.Fatalf("planted %d (%d distinct) malicious, %d benign", res.PlantedMalicious, res.DistinctMalicious, res.PlantedBenign)
	}
	names := map[string]bool{}
	for _, l := range readTruth(t, cfg.Truth) {
		if l.PlantedAs == "malicious" && l.Kind == "corpus" {
			if l.Source != "malicious/one.aspx" || names[l.Path] || !strings.HasSuffix(l.Path, ".aspx") {
				t.Errorf("bad plant %+v", l)
			}
			names[l.Path] = true
		}
	}
}

func TestSparseBig(t *testing.T) {
	dir := t.TempDir()
	cfg := config{Out: dir, Seed: 1, SparseBig: true}
	s := &spec{rel: "big.edb", gen: gEDB, size: bigThreshold + 12345, mtime: t2020}
	buf := make([]byte, 0, chunk+64<<10)
	wr, err := writeFile(cfg, s, buf, sha256.New())
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "big.edb"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if !wr.sparse || wr.size != s.size || int64(len(b)) != s.size || sum != wr.sum {
		t.Errorf("sparse file: %d bytes, sparse %v, hash match %v", len(b), wr.sparse, sum == wr.sum)
	}
	if !bytes.Equal(b[4:8], []byte("\xef\xcd\xab\x89")) || bytes.ContainsFunc(b[chunk:], func(r rune) bool { return r != 0 }) {
		t.Error("a sparse file is its head then zeros")
	}
}

func TestFitSizes(t *testing.T) {
	var ss []*spec
	for i := 0; i < 1000; i++ {
		ss = append(ss, &spec{raw: float64(1 + i*i)})
	}
	fitSizes(ss, 50<<20, 1000, 1<<20)
	var sum int64
	for _, s := range ss {
		sum += s.size
		if s.size < 1000 || s.size > 1<<20 {
			t.Fatalf("size %d out of bounds", s.size)
		}
	}
	if sum != 50<<20 {
		t.Errorf("sizes sum to %d, want %d", sum, 50<<20)
	}
}

func TestRunFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run([]string{"-h"}, &out, &errb); !errors.Is(err, flag.ErrHelp) || !strings.Contains(errb.String(), "-sparse-big") {
		t.Errorf("-h: %v, usage %q", err, errb.String())
	}
	if err := run(nil, &out, &errb); err == nil {
		t.Error("no -out accepted")
	}
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "x"), nil, 0o644)
	if err := run([]string{"-out", full, "-files", "300", "-bytes", "20MB"}, &out, &errb); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("a non-empty -out: %v", err)
	}
	d := t.TempDir()
	if err := run([]string{"-out", d, "-truth", filepath.Join(d, "t.jsonl")}, &out, &errb); err == nil {
		t.Error("a truth file inside -out accepted")
	}
	d = t.TempDir()
	out.Reset()
	err := run([]string{"-out", filepath.Join(d, "C"), "-files", "400", "-bytes", "10MB", "-corpus", "", "-quiet", "-workers", "3"}, &out, &errb)
	if err != nil || !strings.Contains(out.String(), "filegen: 400 files") {
		t.Errorf("run: %v\n%s", err, out.String())
	}
	if _, err := os.Stat(filepath.Join(d, "C.truth.jsonl")); err != nil {
		t.Errorf("default truth file: %v", err)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"20MB": 20 << 20, "5GB": 5 << 30, "1.5GiB": 3 << 29, "64K": 64 << 10, "1000": 1000} {
		if got, err := bytesize.Parse(in); err != nil || got != want {
			t.Errorf("bytesize.Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "-1GB", "0"} {
		if _, err := bytesize.Parse(in); err == nil {
			t.Errorf("bytesize.Parse(%q) accepted", in)
		}
	}
}

func TestPlainName(t *testing.T) {
	for in, want := range map[string]string{"benign/admin-01-users.aspx": "users.aspx", "benign/inline-image-02-newsletter.aspx": "newsletter.aspx",
		"benign/login-02-codebehind.aspx.cs": "codebehind.aspx.cs", "x/plain.aspx": "plain.aspx"} {
		if got := plainName(in); got != want {
			t.Errorf("plainName(%q) = %q, want %q", in, got, want)
		}
	}
}
