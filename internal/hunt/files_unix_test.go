//go:build unix

package hunt

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/rules"
)

// TestFileHuntHostileTree: links out of the root and in loops, a FIFO, a 20 GB sparse file,
// unreadable files, non-UTF-8 and very long names. Each is named in the report, nothing hangs,
// and the shell beside them is still found.
func TestFileHuntHostileTree(t *testing.T) {
	root := t.TempDir()
	ac := filepath.Join(root, "inetpub", "wwwroot", "aspnet_client")
	long := strings.Repeat("d", 60)
	longDir := filepath.Join(ac, long, long, long, long, long)
	writeTree(t, root, map[string][]byte{
		"inetpub/wwwroot/aspnet_client/shell.aspx":  corpusFile(t, "malicious/chopper-01-classic.aspx"),
		"inetpub/wwwroot/aspnet_client/locked.aspx": []byte("<%@ Page %>"),
	}, time.Now())
	if err := os.MkdirAll(longDir, 0o755); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(longDir, "deep.aspx"), []byte("x"), 0o644))
	must(os.WriteFile(filepath.Join(ac, "\xff\xfe\x1b[31m.aspx"), []byte("x"), 0o644))
	must(os.Symlink("/etc/passwd", filepath.Join(ac, "out.aspx")))
	must(os.Symlink("loop-b.aspx", filepath.Join(ac, "loop-a.aspx")))
	must(os.Symlink("loop-a.aspx", filepath.Join(ac, "loop-b.aspx")))
	must(syscall.Mkfifo(filepath.Join(ac, "pipe.aspx"), 0o644))
	big, err := os.Create(filepath.Join(ac, "huge.aspx"))
	must(err)
	must(big.Truncate(20 << 30))
	must(big.Close())
	must(os.Chmod(filepath.Join(ac, "locked.aspx"), 0))

	pack, err := rules.Default(Schema())
	must(err)
	type result struct {
		res *finding.HostResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := Run(context.Background(), Options{Root: root, Pack: pack})
		done <- result{res, err}
	}()
	var res *finding.HostResult
	select {
	case r := <-done:
		must(r.err)
		res = r.res
	case <-time.After(2 * time.Minute):
		t.Fatal("the hunt hung on the hostile tree")
	}
	probs := map[string]string{}
	for _, p := range res.Problems {
		probs[p.Path] = p.Kind
	}
	ac0 := "inetpub/wwwroot/aspnet_client/"
	for name, kind := range map[string]string{"out.aspx": "link", "loop-a.aspx": "link", "loop-b.aspx": "link", "pipe.aspx": "not-a-file", "huge.aspx": "over-cap"} {
		if probs[ac0+name] != kind {
			t.Errorf("%s: problem %q, want %q (all: %v)", name, probs[ac0+name], kind, probs)
		}
	}
	if os.Geteuid() != 0 && probs[ac0+"locked.aspx"] != "unreadable" {
		t.Errorf("locked.aspx: problem %q, want unreadable", probs[ac0+"locked.aspx"])
	}
	at := rulesAt(res)
	if !hasRule(at[ac0+"shell.aspx"], "EXS-FILE-JSCRIPT-EVAL-UNSAFE") {
		t.Errorf("the shell beside the hostile files was missed: %v", at)
	}
	if !hasRule(at[ac0+strings.Repeat(long+"/", 5)+"deep.aspx"], "EXS-FILE-ASPNETCLIENT-PAGE") {
		t.Errorf("the page at the end of a %d-character path was missed", len(longDir))
	}
	if !hasRule(at[ac0+"huge.aspx"], "EXS-FILE-ASPNETCLIENT-PAGE") {
		t.Error("the 20 GB page was not reported")
	}
	escaped := false
	for _, f := range res.Findings {
		if strings.Contains(f.Where.Path, "\x1b") {
			t.Errorf("terminal escape in a reported path: %q", f.Where.Path)
		}
		if strings.Contains(f.Target, `\xff\xfe\x1b`) {
			escaped = true
		}
	}
	if !escaped {
		t.Error("the non-UTF-8 name was not reported escaped")
	}
	if res.Stats.FileBytes > 64<<20 {
		t.Errorf("read %d bytes: the 20 GB file was not capped", res.Stats.FileBytes)
	}
	if !res.Partial {
		t.Error("a capped, unreadable file must make the result partial")
	}
}
