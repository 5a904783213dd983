package quarantine_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/exsweep/exsweep/internal/quarantine"
)

// A damaged object is evidence too (of tampering, or of a failing disk), and earlier entries
// point at it: storing the same content again sets it aside and never deletes it.
func TestDamagedObjectIsSetAsideNotDeleted(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "host")
	page := shellPage(10)
	writeFile(t, root, "a/one.aspx", page, 0o644)
	storeDir := filepath.Join(base, "store")
	s := openStore(t, storeDir, quarantine.Options{})
	r, err := s.Quarantine(context.Background(), quarantine.Request{Root: root, Path: "a/one.aspx"})
	if err != nil {
		t.Fatal(err)
	}
	obj := filepath.Join(storeDir, filepath.FromSlash(r.Entry.Object))
	damaged, err := os.ReadFile(obj)
	if err != nil {
		t.Fatal(err)
	}
	damaged[len(damaged)-1] ^= 0x55
	if err := os.WriteFile(obj, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	writeFile(t, root, "b/two.aspx", page, 0o644)
	if _, err := s.Quarantine(context.Background(), quarantine.Request{Root: root, Path: "b/two.aspx"}); err != nil {
		t.Fatal(err)
	}
	aside, _ := filepath.Glob(obj + ".damaged-*")
	if len(aside) != 1 {
		t.Fatalf("damaged object not set aside: %v", aside)
	}
	if got, _ := os.ReadFile(aside[0]); string(got) != string(damaged) {
		t.Error("the damaged object was changed")
	}
	if got := unwrapObject(t, storeDir, r.Entry.Object); string(got) != string(page) {
		t.Error("the fresh object does not hold the page")
	}
}
