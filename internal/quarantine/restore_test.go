package quarantine_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/quarantine"
)

func TestRestore(t *testing.T) {
	const p = "Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth/b2.aspx"
	tests := []struct {
		name   string
		to     func(base string) string // "" = the original place
		before func(t *testing.T, target string)
		want   error
	}{
		{"to its original place, folders recreated", func(string) string { return "" }, func(t *testing.T, target string) {
			os.RemoveAll(filepath.Join(filepath.Dir(target), "..", ".."))
		}, nil},
		{"elsewhere, into new folders", func(base string) string { return filepath.Join(base, "analysis", "deep", "b2.aspx.txt") }, nil, nil},
		{"refuses to overwrite other content", func(string) string { return "" }, func(t *testing.T, target string) {
			os.WriteFile(target, []byte("the admin put a good file here"), 0o644)
		}, fs.ErrExist},
		{"refuses to overwrite a folder", func(base string) string { return filepath.Join(base, "dir") }, func(t *testing.T, target string) {
			os.MkdirAll(filepath.Join(target, "x"), 0o755)
		}, fs.ErrExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := t.TempDir()
			tr := newTree(t, filepath.Join(base, "host"))
			s := openStore(t, filepath.Join(base, "store"), quarantine.Options{})
			defer s.Close()
			results := quarantineAll(t, s, tr)
			var q quarantine.Entry
			for _, r := range results {
				if r.Entry.Path == p {
					q = r.Entry
				}
			}
			to := tt.to(base)
			target := to
			if to == "" {
				target = filepath.Join(tr.root, filepath.FromSlash(p))
			}
			if tt.before != nil {
				tt.before(t, target)
			}
			existing := snapshotString(t, filepath.Dir(target))
			n := len(s.Entries())
			e, err := s.Restore(context.Background(), q.ID[:8], to)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Restore: %v, want %v", err, tt.want)
			}
			if err != nil {
				if len(s.Entries()) != n || snapshotString(t, filepath.Dir(target)) != existing {
					t.Fatal("a refused restore changed something")
				}
				return
			}
			if runtime.GOOS == "linux" { // before anything reads the file
				if at := accessTime(t, target); !at.Equal(fixtureAtime()) {
					t.Errorf("atime %v, want %v", at, fixtureAtime())
				}
			}
			got, err := os.ReadFile(target)
			if err != nil || !bytes.Equal(got, tr.files[p]) {
				t.Fatalf("restored content differs (%v)", err)
			}
			fi, _ := os.Stat(target)
			if !fi.ModTime().Equal(fixtureMtime()) {
				t.Errorf("mtime %v, want %v", fi.ModTime(), fixtureMtime())
			}
			if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o640 {
				t.Errorf("mode %v", fi.Mode())
			}
			wantRoot, wantPath := tr.root, p
			if to != "" {
				wantRoot, wantPath = filepath.Dir(to), filepath.Base(to)
			}
			if e.Kind != quarantine.KindRestored || e.ID != q.ID || e.Root != wantRoot || e.Path != wantPath || e.SHA256 != q.SHA256 {
				t.Errorf("restored entry %+v", e)
			}
			it, _ := s.Item(q.ID)
			if it.Status != quarantine.StatusRestored || len(it.History) != 3 {
				t.Errorf("item %+v", it)
			}
			// The copy stays in the store, nothing is left beside the target.
			if !bytes.Equal(unwrapObject(t, s.Dir(), q.Object), tr.files[p]) {
				t.Error("object gone after restore")
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(target), ".exsweep-restore-*")); len(left) != 0 {
				t.Errorf("temporary left: %v", left)
			}
			// Again: the same content is there, so it is a no-op returning the same entry.
			again, err := s.Restore(context.Background(), q.ID, to)
			if err != nil || again.Seq != e.Seq || len(s.Entries()) != n+1 {
				t.Fatalf("second restore: %+v %v (%d entries)", again, err, len(s.Entries())-n)
			}
			rep, err := s.Verify(context.Background())
			if err != nil || !rep.OK() {
				t.Fatalf("verify %+v %v", rep, err)
			}
		})
	}
}

func TestRestoreOfDamagedObjectWritesNothing(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "host")
	writeFile(t, root, "x.aspx", bytes.Repeat(shellPage(1), 100), 0o644)
	s := openStore(t, filepath.Join(base, "store"), quarantine.Options{})
	defer s.Close()
	res, err := s.Quarantine(context.Background(), quarantine.Request{Root: root, Path: "x.aspx"})
	if err != nil {
		t.Fatal(err)
	}
	obj := filepath.Join(s.Dir(), filepath.FromSlash(res.Entry.Object))
	b, _ := os.ReadFile(obj)
	b[len(b)-10] ^= 0xff
	os.WriteFile(obj, b, 0o600)
	if _, err := s.Restore(context.Background(), res.Entry.ID, ""); !errors.Is(err, quarantine.ErrVerify) {
		t.Fatalf("%v, want ErrVerify", err)
	}
	if left, _ := os.ReadDir(root); len(left) != 0 {
		t.Fatalf("left in the root: %v", left)
	}
}

func TestRestoreUnknownID(t *testing.T) {
	s := openStore(t, t.TempDir(), quarantine.Options{})
	defer s.Close()
	if _, err := s.Restore(context.Background(), "q-0123456789ab", ""); !errors.Is(err, quarantine.ErrNotFound) {
		t.Fatalf("%v", err)
	}
}

func snapshotString(t *testing.T, dir string) string {
	if _, err := os.Stat(dir); err != nil {
		return "missing"
	}
	return mapString(snapshot(t, dir))
}

func mapString(m map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b.WriteString(k + "=" + m[k] + ";")
	}
	return b.String()
}
