package quarantine_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/quarantine"
	"github.com/exsweep/exsweep/internal/quarantine/wrap"
)

// Fixture content is written here, not copied from any public sample: a page shaped like a
// one-line shell (with a harmless marker) and filler.
func shellPage(n int) []byte {
	return []byte(`<%@ Page Language="Jscript"%><% /* exsweep test fixture ` + strings.Repeat("#", n) + ` */ Response.Write("exsweep-marker"); %>` + "\n")
}

// The fixture's times, with nanoseconds, so that restoring them is checked to the last digit.
func fixtureMtime() time.Time { return time.Date(2021, 3, 3, 4, 5, 6, 123456789, time.UTC) }
func fixtureAtime() time.Time { return time.Date(2021, 3, 4, 1, 2, 3, 987654321, time.UTC) }

// tree is a host root with known files.
type tree struct {
	root  string
	files map[string][]byte // slash path -> content
}

func (tr tree) paths() []string {
	ps := make([]string, 0, len(tr.files))
	for p := range tr.files {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

func writeFile(t testing.TB, root, p string, data []byte, mode os.FileMode) {
	t.Helper()
	full := filepath.Join(root, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(full, mode); err != nil { // umask
		t.Fatal(err)
	}
	if err := os.Chtimes(full, fixtureAtime(), fixtureMtime()); err != nil {
		t.Fatal(err)
	}
}

// newTree makes a root holding a small compromised-host layout: pages, a duplicate pair (one
// object for two files), an empty file, a binary dump and a deep path with spaces.
func newTree(t testing.TB, dir string) tree {
	t.Helper()
	rng := mrand.New(mrand.NewPCG(7, 7))
	dump := make([]byte, 300<<10)
	for i := range dump {
		dump[i] = byte(rng.Uint32())
	}
	tr := tree{root: dir, files: map[string][]byte{
		"inetpub/wwwroot/aspnet_client/system_web/a1.aspx":                                shellPage(1),
		"Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth/b2.aspx": shellPage(2),
		"ProgramData/dump.bin":   dump,
		"Windows/Temp/dup1.aspx": shellPage(3),
		"Windows/Temp/dup2.aspx": shellPage(3),
		"empty.aspx":             nil,
		"Program Files/Microsoft/Exchange Server/V15/ClientAccess/ecp/auth/TimeoutLogout.aspx": shellPage(4),
	}}
	for p, data := range tr.files {
		writeFile(t, dir, p, data, 0o640)
	}
	return tr
}

// manyTree makes n files with content from seed; every fifth repeats an earlier content.
func manyTree(t testing.TB, dir string, n int, seed0 uint64) tree {
	t.Helper()
	rng := mrand.New(mrand.NewPCG(seed0, 99))
	tr := tree{root: dir, files: map[string][]byte{}}
	var prev []byte
	for i := range n {
		var data []byte
		if i%5 == 4 && prev != nil {
			data = prev
		} else {
			data = make([]byte, rng.IntN(12<<10))
			var seed [32]byte
			seed[0], seed[1] = byte(i), byte(seed0)
			_, _ = mrand.NewChaCha8(seed).Read(data)
			for j := range data {
				data[j] &= 63 // compressible, like text
			}
		}
		prev = data
		p := filepath.ToSlash(filepath.Join("site", string(rune('a'+i%4)), "f"+string(rune('a'+i))+".aspx"))
		tr.files[p] = data
		writeFile(t, dir, p, data, 0o644)
	}
	return tr
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func openStore(t testing.TB, dir string, opt quarantine.Options) *quarantine.Store {
	t.Helper()
	if opt.Tool == "" {
		opt.Tool = "exsweep test"
	}
	s, err := quarantine.Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// unwrapObject reads an object straight from the store folder.
func unwrapObject(t testing.TB, storeDir, object string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(storeDir, filepath.FromSlash(object)))
	if err != nil {
		t.Fatalf("object %s: %v", object, err)
	}
	var out bytes.Buffer
	if _, err := wrap.Unwrap(&out, bytes.NewReader(b), int64(len(b))); err != nil {
		t.Fatalf("object %s: %v", object, err)
	}
	return out.Bytes()
}

// checkInvariant is the promise of the package: every file is either in place with its original
// bytes, or gone with a complete "quarantined" entry whose object holds those bytes.
func checkInvariant(t testing.TB, tr tree, storeDir string, entries []quarantine.Entry) {
	t.Helper()
	for _, p := range tr.paths() {
		want := tr.files[p]
		got, err := os.ReadFile(filepath.Join(tr.root, filepath.FromSlash(p)))
		if err == nil {
			if !bytes.Equal(got, want) {
				t.Fatalf("%s: in place but its content changed", p)
			}
			continue
		}
		if !os.IsNotExist(err) {
			t.Fatal(err)
		}
		found := false
		for _, e := range entries {
			if e.Kind == quarantine.KindQuarantined && e.Path == p && e.SHA256 == sum(want) {
				if !bytes.Equal(unwrapObject(t, storeDir, e.Object), want) {
					t.Fatalf("%s: gone, and its object does not hold it", p)
				}
				found = true
			}
		}
		if !found {
			t.Fatalf("%s: LOST: gone without a complete quarantined entry", p)
		}
	}
}

// checkDone: everything stored exactly once, removed, the store verifies, nothing left over.
func checkDone(t testing.TB, tr tree, s *quarantine.Store) {
	t.Helper()
	counts := map[string][2]int{}
	for _, e := range s.Entries() {
		c := counts[e.Path]
		switch e.Kind {
		case quarantine.KindQuarantined:
			c[0]++
		case quarantine.KindRemoved:
			c[1]++
		}
		counts[e.Path] = c
	}
	contents := map[string]bool{}
	for _, p := range tr.paths() {
		if c := counts[p]; c != [2]int{1, 1} {
			t.Fatalf("%s: %d quarantined and %d removed entries, want 1 and 1", p, c[0], c[1])
		}
		if _, err := os.Lstat(filepath.Join(tr.root, filepath.FromSlash(p))); !os.IsNotExist(err) {
			t.Fatalf("%s: still there (%v)", p, err)
		}
		contents[sum(tr.files[p])] = true
	}
	rep, err := s.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || len(rep.Orphans) != 0 || rep.Torn != 0 {
		t.Fatalf("verify: %+v", rep)
	}
	if rep.Objects != len(contents) {
		t.Fatalf("%d objects for %d distinct contents", rep.Objects, len(contents))
	}
	objs, _ := os.ReadDir(filepath.Join(s.Dir(), "objects"))
	if len(objs) != len(contents) {
		t.Fatalf("objects/ holds %d files for %d distinct contents", len(objs), len(contents))
	}
}

func quarantineAll(t testing.TB, s *quarantine.Store, tr tree) []quarantine.Result {
	t.Helper()
	var out []quarantine.Result
	for _, p := range tr.paths() {
		res, err := s.Quarantine(context.Background(), quarantine.Request{Root: tr.root, Path: p, Host: "EX01", Findings: []string{"test-rule"}, SHA256: sum(tr.files[p])})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, res)
	}
	return out
}

// snapshot lists every file under dir with its content hash, to prove nothing changed there.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			out[rel] = "link:" + l
		case d.IsDir():
			out[rel] = "dir"
		case !d.Type().IsRegular():
			out[rel] = d.Type().String() // a FIFO: opening it would block
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = sum(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
