package quarantine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/quarantine"
)

func TestCheckPath(t *testing.T) {
	tests := []struct {
		path string
		ok   bool
	}{
		{"inetpub/wwwroot/aspnet_client/system_web/x.aspx", true},
		{"Program Files/Microsoft/Exchange Server/V15/x.aspx", true},
		{"ünïcode/päge.aspx", true},
		{"line\nbreak.aspx", true}, // legal on Linux; JSON escapes it
		{"", false},
		{"/etc/passwd", false},
		{"//server/share/x", false},
		{"..", false},
		{"../x", false},
		{"a/../../x", false},
		{"a/./b", false},
		{"./a", false},
		{"a//b", false},
		{"a/", false},
		{`a\..\..\x`, false},
		{`C:\Windows\win.ini`, false},
		{"C:/Windows/win.ini", false},
		{"shell.aspx:hidden", false},
		{"a\x00b", false},
		{"bad\xffutf8", false},
		{strings.Repeat("d/", 300) + "x", false},
		{strings.Repeat("x", 1025), false},
		{strings.Repeat("x", 1024), true},
	}
	for _, tt := range tests {
		err := quarantine.CheckPath(tt.path)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, quarantine.ErrUnsafePath)) {
			t.Errorf("CheckPath(%q) = %v, want ok=%v", tt.path, err, tt.ok)
		}
	}
}

// TestPathSafety: nothing that leads through or to a link, or out of the root, is read, removed
// or recorded; nothing is written outside the store.
func TestPathSafety(t *testing.T) {
	base := t.TempDir()
	root, outside, storeDir := filepath.Join(base, "host"), filepath.Join(base, "outside"), filepath.Join(base, "store")
	writeFile(t, outside, "secret.txt", []byte("outside the root"), 0o644)
	writeFile(t, root, "sub/page.aspx", shellPage(1), 0o644)
	links := map[string]string{
		"link-out.aspx":     filepath.Join("..", "outside", "secret.txt"),
		"abs-link.aspx":     filepath.Join(outside, "secret.txt"),
		"link-in.aspx":      filepath.Join("sub", "page.aspx"),
		"linkdir-out":       filepath.Join("..", "outside"),
		"linkdir-in":        "sub",
		"sub/link-up.aspx":  filepath.Join("..", "..", "outside", "secret.txt"),
		"dangling.aspx":     "nowhere",
		"linkdir-abs":       outside,
		"sub/linkdir-self":  ".",
		"sub/linkdir-root":  "..",
		"sub/linkdir-outer": filepath.Join("..", ".."),
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Skipf("symlinks unavailable: %v", err)
		}
	}
	tests := []struct {
		path string
		want error
	}{
		{"link-out.aspx", quarantine.ErrNotRegular},
		{"abs-link.aspx", quarantine.ErrNotRegular},
		{"link-in.aspx", quarantine.ErrNotRegular},
		{"dangling.aspx", quarantine.ErrNotRegular},
		{"linkdir-out/secret.txt", quarantine.ErrNotRegular},
		{"linkdir-abs/secret.txt", quarantine.ErrNotRegular},
		{"linkdir-in/page.aspx", quarantine.ErrNotRegular},
		{"sub/link-up.aspx", quarantine.ErrNotRegular},
		{"sub/linkdir-self/page.aspx", quarantine.ErrNotRegular},
		{"sub/linkdir-root/sub/page.aspx", quarantine.ErrNotRegular},
		{"sub/linkdir-outer/outside/secret.txt", quarantine.ErrNotRegular},
		{"../outside/secret.txt", quarantine.ErrUnsafePath},
		{"sub/../../outside/secret.txt", quarantine.ErrUnsafePath},
		{filepath.ToSlash(filepath.Join(outside, "secret.txt")), quarantine.ErrUnsafePath},
		{`sub\..\..\outside\secret.txt`, quarantine.ErrUnsafePath},
		{"sub/page.aspx\x00", quarantine.ErrUnsafePath},
		{"C:/outside/secret.txt", quarantine.ErrUnsafePath},
		{"sub/page.aspx:stream", quarantine.ErrUnsafePath},
		{"sub//page.aspx", quarantine.ErrUnsafePath},
		{"./sub/page.aspx", quarantine.ErrUnsafePath},
	}
	beforeOut, beforeRoot := snapshot(t, outside), snapshot(t, root)
	s := openStore(t, storeDir, quarantine.Options{})
	defer s.Close()
	for _, tt := range tests {
		_, err := s.Quarantine(context.Background(), quarantine.Request{Root: root, Path: tt.path})
		if !errors.Is(err, tt.want) {
			t.Errorf("%q: %v, want %v", tt.path, err, tt.want)
		}
	}
	if n := len(s.Entries()); n != 0 {
		t.Fatalf("%d entries written", n)
	}
	if fmt.Sprint(snapshot(t, outside)) != fmt.Sprint(beforeOut) || fmt.Sprint(snapshot(t, root)) != fmt.Sprint(beforeRoot) {
		t.Fatal("a file outside the store changed")
	}
	if left, _ := os.ReadDir(filepath.Join(storeDir, "objects")); len(left) != 0 {
		t.Fatalf("objects stored: %v", left)
	}
	// The only things in the temporary folder are the three trees.
	if got, _ := os.ReadDir(base); len(got) != 3 {
		t.Fatalf("base holds %v", got)
	}
}

// TestRestoreRefusesALinkedFolder: os.Root refuses to create the target's folders through a link
// that now points outside the original root (the intruder swapped a folder for one); nothing
// is written there.
func TestRestoreRefusesALinkedFolder(t *testing.T) {
	base := t.TempDir()
	root, outside := filepath.Join(base, "host"), filepath.Join(base, "outside")
	writeFile(t, root, "owa/auth/x.aspx", shellPage(1), 0o644)
	os.MkdirAll(outside, 0o755)
	s := openStore(t, filepath.Join(base, "store"), quarantine.Options{})
	defer s.Close()
	res, err := s.Quarantine(context.Background(), quarantine.Request{Root: root, Path: "owa/auth/x.aspx"})
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{outside, filepath.Join("..", "..", "outside")} {
		os.RemoveAll(filepath.Join(root, "owa", "auth"))
		if err := os.Symlink(target, filepath.Join(root, "owa", "auth")); err != nil {
			t.Skip(err)
		}
		_, err = s.Restore(context.Background(), res.Entry.ID, "")
		if err == nil {
			t.Fatalf("restored through a link to %s", target)
		}
		if left, _ := os.ReadDir(outside); len(left) != 0 {
			t.Fatalf("written outside the root: %v", left)
		}
	}
}
