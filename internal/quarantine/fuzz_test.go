package quarantine_test

import (
	"context"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/quarantine"
)

// FuzzPath: whatever CheckPath accepts is a clean, local, slash-separated path that stays
// under any root it is joined to, on this system and on Windows.
func FuzzPath(f *testing.F) {
	for _, p := range []string{"inetpub/wwwroot/x.aspx", "../x", "a/../b", `a\b`, "C:/x", "/x", "a\x00", "a:b", "a//b", "./a", "é/x", "..a/b..", "NUL", "a/.../b"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		err := quarantine.CheckPath(p)
		if err != nil {
			if !errors.Is(err, quarantine.ErrUnsafePath) {
				t.Fatalf("error %v does not wrap ErrUnsafePath", err)
			}
			return
		}
		// On Windows filepath.IsLocal also refuses device names (NUL, COM1); CheckPath leaves
		// those to os.Root, which refuses them there, as on Linux they are names like any other.
		local := filepath.IsLocal(filepath.FromSlash(p)) || filepath.Separator == '\\'
		if path.Clean(p) != p || path.IsAbs(p) || filepath.IsAbs(filepath.FromSlash(p)) || !local {
			t.Fatalf("accepted %q, which is not clean and local", p)
		}
		if strings.ContainsAny(p, "\\:\x00") || p == ".." || strings.HasPrefix(p, "../") || strings.Contains(p, "/../") {
			t.Fatalf("accepted %q", p)
		}
		if j := path.Join("/root", p); !strings.HasPrefix(j, "/root/") {
			t.Fatalf("%q leaves the root: %s", p, j)
		}
	})
}

// TestOpenOnManifestSeeds runs Open and VerifyDir on every committed FuzzManifest input as a
// store's manifest: no panic, and Open either works or names a line that exists.
func TestOpenOnManifestSeeds(t *testing.T) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzManifest", "*"))
	if err != nil || len(seeds) < 5 {
		t.Fatalf("%d seeds, %v", len(seeds), err)
	}
	for _, seed := range seeds {
		raw, err := os.ReadFile(seed)
		if err != nil {
			t.Fatal(err)
		}
		text, ok := strings.CutPrefix(string(raw), "go test fuzz v1\n[]byte(")
		data, err := strconv.Unquote(strings.TrimSuffix(strings.TrimSpace(text), ")"))
		if !ok || err != nil {
			t.Fatalf("%s: not a []byte corpus file", seed)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "manifest.jsonl"), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		lines := strings.Count(data, "\n") + 1
		if _, err := quarantine.VerifyDir(context.Background(), dir); err != nil {
			t.Fatalf("%s: VerifyDir: %v", seed, err)
		}
		s, err := quarantine.Open(dir, quarantine.Options{})
		if err != nil {
			var me *quarantine.ManifestError
			if !errors.As(err, &me) || me.Line < 1 || me.Line > lines {
				t.Fatalf("%s: Open: %v", seed, err)
			}
			continue
		}
		s.Close()
	}
}
