//go:build unix

package quarantine_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/exsweep/exsweep/internal/quarantine"
)

// A store folder that exists already (made by hand, or by an older run) is made private too:
// it will hold credentials (LSASS dumps) and the evidence's only copy.
func TestStoreFolderIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, dir, quarantine.Options{})
	defer s.Close()
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("store folder mode %v, want 0700", fi.Mode().Perm())
	}
}
