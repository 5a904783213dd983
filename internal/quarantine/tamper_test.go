package quarantine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/quarantine"
)

// storeWithLines quarantines the fixture tree (7 files, so 14 lines) and returns the store
// folder, its manifest lines (without newlines) and entries; the store is closed.
func storeWithLines(t *testing.T) (string, []string, []quarantine.Entry) {
	t.Helper()
	base := t.TempDir()
	tr := newTree(t, filepath.Join(base, "host"))
	storeDir := filepath.Join(base, "store")
	s := openStore(t, storeDir, quarantine.Options{})
	quarantineAll(t, s, tr)
	entries := s.Entries()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(storeDir, "manifest.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return storeDir, strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n"), entries
}

func writeLines(t *testing.T, storeDir string, lines []string, tail string) {
	t.Helper()
	text := strings.Join(lines, "\n") + "\n" + tail
	if len(lines) == 0 {
		text = tail
	}
	if err := os.WriteFile(filepath.Join(storeDir, "manifest.jsonl"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestTamperedManifestIsRefused(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(lines []string) ([]string, string)
		line     int // the line Open names and the first VerifyDir names
		problems int // how many lines VerifyDir reports
		says     string
	}{
		{"one byte of a value in a middle line", func(l []string) ([]string, string) {
			l[4] = strings.Replace(l[4], `"size":`, `"size":1`, 1)
			return l, ""
		}, 5, 1, "edited"},
		{"one byte breaking the JSON", func(l []string) ([]string, string) {
			l[6] = strings.Replace(l[6], `"kind"`, `"kind`, 1)
			return l, ""
		}, 7, 1, "not an entry"},
		{"a field added", func(l []string) ([]string, string) {
			l[2] = strings.Replace(l[2], `{"seq"`, `{"extra":1,"seq"`, 1)
			return l, ""
		}, 3, 1, "unknown field"},
		{"a middle line deleted", func(l []string) ([]string, string) {
			return append(l[:5:5], l[6:]...), ""
		}, 6, 1, "seq 7 follows 5"},
		{"the first line deleted", func(l []string) ([]string, string) {
			return l[1:], ""
		}, 1, 1, "prev"},
		{"two lines swapped", func(l []string) ([]string, string) {
			l[2], l[3] = l[3], l[2]
			return l, ""
		}, 3, 3, "seq"},
		{"a line repeated", func(l []string) ([]string, string) {
			return append(l[:4:4], append([]string{l[3]}, l[4:]...)...), ""
		}, 5, 1, "seq"},
		{"an empty line inserted", func(l []string) ([]string, string) {
			return append(l[:4:4], append([]string{""}, l[4:]...)...), ""
		}, 5, 1, "empty line"},
		{"hash removed", func(l []string) ([]string, string) {
			i := strings.LastIndex(l[8], `,"hash"`)
			l[8] = l[8][:i] + "}"
			return l, ""
		}, 9, 1, "hash"},
		{"garbage after the last line", func(l []string) ([]string, string) {
			return l, "MZ\x90\x00 not an entry"
		}, 15, 1, "unterminated"},
		{"a line longer than 1 MiB", func(l []string) ([]string, string) {
			l[9] = l[9][:len(l[9])-2] + strings.Repeat(" ", 1<<20) + `"}`
			return l, ""
		}, 10, 1, "longer than"},
		{"a whole line of binary", func(l []string) ([]string, string) {
			l[1] = "\xff\xfe\x00binary"
			return l, ""
		}, 2, 1, "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storeDir, lines, _ := storeWithLines(t)
			edited, tail := tt.edit(lines)
			writeLines(t, storeDir, edited, tail)
			_, err := quarantine.Open(storeDir, quarantine.Options{})
			var me *quarantine.ManifestError
			if !errors.As(err, &me) || me.Line != tt.line || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("Open: %v; want a ManifestError at line %d saying %q", err, tt.line, tt.says)
			}
			if !strings.Contains(err.Error(), "manifest.jsonl:") {
				t.Errorf("error %q does not name the file", err)
			}
			rep, err := quarantine.VerifyDir(context.Background(), storeDir)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Problems) != tt.problems || rep.Problems[0].Line != tt.line {
				t.Fatalf("VerifyDir problems %+v, want %d starting at line %d", rep.Problems, tt.problems, tt.line)
			}
		})
	}
}

func TestDamagedObjectsAreReported(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, path string)
		says   string
	}{
		{"a byte changed", func(t *testing.T, p string) {
			b, _ := os.ReadFile(p)
			b[len(b)-3] ^= 0x10
			os.WriteFile(p, b, 0o600)
		}, "stored copy"},
		{"truncated", func(t *testing.T, p string) {
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)-5], 0o600)
		}, "body size"},
		{"deleted", func(t *testing.T, p string) { os.Remove(p) }, "stored copy"},
		{"replaced by another object", func(t *testing.T, p string) {
			others, _ := filepath.Glob(filepath.Join(filepath.Dir(p), "*.exq"))
			for _, o := range others {
				if o != p {
					b, _ := os.ReadFile(o)
					os.WriteFile(p, b, 0o600)
					return
				}
			}
		}, "holds content with SHA-256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storeDir, _, entries := storeWithLines(t)
			// The duplicate pair shares one object: both entries must be reported.
			var dup string
			seen := map[string]int{}
			for _, e := range entries {
				if e.Kind == quarantine.KindQuarantined {
					if seen[e.Object]++; seen[e.Object] == 2 {
						dup = e.Object
					}
				}
			}
			tt.damage(t, filepath.Join(storeDir, filepath.FromSlash(dup)))
			s := openStore(t, storeDir, quarantine.Options{}) // the manifest is intact: Open works
			defer s.Close()
			rep, err := s.Verify(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Problems) != 2 {
				t.Fatalf("problems %+v, want one per entry of the object", rep.Problems)
			}
			for _, p := range rep.Problems {
				e := entries[p.Line-1]
				if p.Object != dup || e.Object != dup || p.ID != e.ID || !strings.Contains(p.What, tt.says) {
					t.Errorf("problem %+v (%s), want %s saying %q", p, p, dup, tt.says)
				}
			}
			if rep.Entries != 14 || rep.Items != 7 || rep.Objects != 6 || rep.Head != entries[13].Hash {
				t.Errorf("report %+v", rep)
			}
		})
	}
}

// TestTornFinalLineIsRepaired: a write interrupted inside the last line (its first bytes are
// there, its newline is not) is dropped by Open and reported; nothing else is touched.
func TestTornFinalLineIsRepaired(t *testing.T) {
	for _, cut := range []int{1, 7, 20, 200} {
		storeDir, lines, entries := storeWithLines(t)
		last := lines[len(lines)-1]
		writeLines(t, storeDir, lines[:len(lines)-1], last[:min(cut, len(last)-1)])
		rep, err := quarantine.VerifyDir(context.Background(), storeDir)
		if err != nil || !rep.OK() || rep.Torn != 14 {
			t.Fatalf("cut %d: VerifyDir %+v %v", cut, rep, err)
		}
		s := openStore(t, storeDir, quarantine.Options{})
		if got := len(s.Entries()); got != 13 || len(s.Repairs()) != 1 || !strings.Contains(s.Repairs()[0], ":14:") {
			t.Fatalf("cut %d: %d entries, repairs %v", cut, got, s.Repairs())
		}
		// The store works on: the next entry continues the chain after line 13.
		os.WriteFile(filepath.Join(t.TempDir(), "x"), nil, 0o644)
		root := t.TempDir()
		writeFile(t, root, "new.aspx", shellPage(8), 0o644)
		res, err := s.Quarantine(context.Background(), quarantine.Request{Root: root, Path: "new.aspx"})
		if err != nil || res.Entry.Seq != 14 || res.Entry.Prev != entries[12].Hash {
			t.Fatalf("cut %d: %+v %v", cut, res.Entry, err)
		}
		s.Close()
		if rep, err := quarantine.VerifyDir(context.Background(), storeDir); err != nil || !rep.OK() || rep.Torn != 0 {
			t.Fatalf("cut %d: after repair %+v %v", cut, rep, err)
		}
	}
}

// TestOpenCleansLeftovers: temporary copies of an interrupted run go; orphan objects (stored,
// never recorded) stay and are reported, never deleted.
func TestOpenCleansLeftovers(t *testing.T) {
	storeDir, _, _ := storeWithLines(t)
	os.WriteFile(filepath.Join(storeDir, "tmp", "abc.part"), []byte("half a copy"), 0o600)
	orphan := filepath.Join(storeDir, "objects", strings.Repeat("ab", 32)+".exq")
	os.WriteFile(orphan, []byte("not recorded"), 0o600)
	s := openStore(t, storeDir, quarantine.Options{})
	defer s.Close()
	if left, _ := os.ReadDir(filepath.Join(storeDir, "tmp")); len(left) != 0 {
		t.Fatalf("tmp/ still holds %v", left)
	}
	rep, err := s.Verify(context.Background())
	if err != nil || !rep.OK() || len(rep.Orphans) != 1 || !strings.HasSuffix(rep.Orphans[0], ".exq") {
		t.Fatalf("%+v %v", rep, err)
	}
	if _, err := os.Stat(orphan); err != nil {
		t.Fatal("the orphan was deleted")
	}
}
