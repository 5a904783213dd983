package quarantine_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/quarantine"
)

func TestQuarantineRecordsEverything(t *testing.T) {
	base := t.TempDir()
	tr := newTree(t, filepath.Join(base, "host"))
	storeDir := filepath.Join(base, "store")
	now := time.Date(2024, 5, 6, 7, 8, 9, 10, time.UTC)
	s := openStore(t, storeDir, quarantine.Options{Tool: "exsweep 9.9.9", Now: func() time.Time { return now }})
	defer s.Close()
	results := quarantineAll(t, s, tr)
	for i, p := range tr.paths() {
		res, data := results[i], tr.files[p]
		e := res.Entry
		m5, s1 := md5.Sum(data), sha1.Sum(data)
		checks := []struct {
			what      string
			got, want any
		}{
			{"outcome", res.Outcome, quarantine.OutcomeQuarantined},
			{"kind", e.Kind, quarantine.KindQuarantined},
			{"path", e.Path, p},
			{"root", e.Root, tr.root},
			{"size", e.Size, int64(len(data))},
			{"sha256", e.SHA256, sum(data)},
			{"md5", e.MD5, hex.EncodeToString(m5[:])},
			{"sha1", e.SHA1, hex.EncodeToString(s1[:])},
			{"object", e.Object, "objects/" + sum(data) + ".exq"},
			{"modified", e.Modified.Time, fixtureMtime()},
			{"time", e.Time.Time, now},
			{"tool", e.Tool, "exsweep 9.9.9"},
			{"host", e.Host, "EX01"},
			{"findings", strings.Join(e.Findings, ","), "test-rule"},
			{"removed id", res.Removed.ID, e.ID},
			{"removed kind", res.Removed.Kind, quarantine.KindRemoved},
			{"removed seq", res.Removed.Seq, e.Seq + 1},
			{"removed prev", res.Removed.Prev, e.Hash},
			{"id length", len(e.ID), len("q-") + 12},
		}
		if runtime.GOOS != "windows" {
			checks = append(checks,
				struct {
					what      string
					got, want any
				}{"mode", e.Mode, "0640"},
				struct {
					what      string
					got, want any
				}{"uid", e.Owner.UID, strconv.Itoa(os.Getuid())},
				struct {
					what      string
					got, want any
				}{"accessed (read before the copy touched it)", e.Accessed.Time, fixtureAtime()})
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s: %s = %v, want %v", p, c.what, c.got, c.want)
			}
		}
		if _, err := os.Lstat(filepath.Join(tr.root, filepath.FromSlash(p))); !os.IsNotExist(err) {
			t.Errorf("%s: original still there (%v)", p, err)
		}
		st, err := os.Stat(filepath.Join(storeDir, filepath.FromSlash(e.Object)))
		if err != nil || st.Size() != e.StoredSize {
			t.Errorf("%s: object %v, size %d in the entry", p, err, e.StoredSize)
		}
		if !bytes.Equal(unwrapObject(t, storeDir, e.Object), data) {
			t.Errorf("%s: object does not unwrap to the original", p)
		}
		it, err := s.Item(strings.TrimPrefix(e.ID, "q-")[:8])
		if err != nil || it.Status != quarantine.StatusRemoved || len(it.History) != 2 {
			t.Errorf("%s: Item by prefix: %+v, %v", p, it, err)
		}
	}
	checkDone(t, tr, s)
	if _, err := os.Stat(filepath.Join(storeDir, "README.txt")); err != nil {
		t.Error(err)
	}
	// Inert: no object name runs, and no object holds the marker of the pages.
	objs, _ := os.ReadDir(filepath.Join(storeDir, "objects"))
	for _, o := range objs {
		b, _ := os.ReadFile(filepath.Join(storeDir, "objects", o.Name()))
		if !strings.HasSuffix(o.Name(), ".exq") || bytes.Contains(b, []byte("exsweep-marker")) {
			t.Errorf("object %s is not inert", o.Name())
		}
	}
	if fi, err := os.Stat(storeDir); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700) {
		t.Errorf("store folder: %v %v", fi.Mode(), err)
	}
}

func TestManifestLinesChain(t *testing.T) {
	base := t.TempDir()
	tr := newTree(t, filepath.Join(base, "host"))
	s := openStore(t, filepath.Join(base, "store"), quarantine.Options{})
	quarantineAll(t, s, tr)
	entries := s.Entries()
	s.Close()
	raw, err := os.ReadFile(filepath.Join(base, "store", "manifest.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(lines) != len(entries) || len(entries) != 2*len(tr.files) {
		t.Fatalf("%d lines, %d entries, %d files", len(lines), len(entries), len(tr.files))
	}
	prev := ""
	for i, e := range entries {
		if e.Seq != int64(i+1) || e.Line != i+1 || e.Prev != prev || !strings.HasSuffix(lines[i], `,"hash":"`+e.Hash+`"}`) {
			t.Fatalf("line %d: seq %d line %d prev %q (want %q), text %s", i+1, e.Seq, e.Line, e.Prev, prev, lines[i])
		}
		if !strings.Contains(lines[i], `"time":"2`) || (e.Kind == quarantine.KindQuarantined && !strings.Contains(lines[i], `"modified":"2021-03-03T04:05:06.123456789Z"`)) {
			t.Fatalf("line %d: times not RFC 3339 with nanoseconds: %s", i+1, lines[i])
		}
		prev = e.Hash
	}
	// Reopening reads the same entries back.
	s2 := openStore(t, filepath.Join(base, "store"), quarantine.Options{})
	defer s2.Close()
	if got := s2.Entries(); fmt.Sprint(got) != fmt.Sprint(entries) {
		t.Fatalf("reopened entries differ:\n%v\n%v", got, entries)
	}
}

func TestRerunIsANoOp(t *testing.T) {
	for _, withSum := range []bool{true, false} {
		t.Run(fmt.Sprintf("sha256 given %v", withSum), func(t *testing.T) {
			base := t.TempDir()
			tr := newTree(t, filepath.Join(base, "host"))
			s := openStore(t, filepath.Join(base, "store"), quarantine.Options{})
			defer s.Close()
			first := quarantineAll(t, s, tr)
			n := len(s.Entries())
			for i, p := range tr.paths() {
				req := quarantine.Request{Root: tr.root, Path: p}
				if withSum {
					req.SHA256 = strings.ToUpper(sum(tr.files[p])) // case does not matter
				}
				res, err := s.Quarantine(context.Background(), req)
				if err != nil || res.Outcome != quarantine.OutcomeAlready || res.Entry.ID != first[i].Entry.ID {
					t.Fatalf("%s: %+v %v", p, res, err)
				}
			}
			if len(s.Entries()) != n {
				t.Fatalf("a re-run wrote %d entries", len(s.Entries())-n)
			}
		})
	}
}

func TestReplantedFileIsQuarantinedAgain(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "host")
	page := shellPage(9)
	writeFile(t, root, "owa/auth/x.aspx", page, 0o644)
	s := openStore(t, filepath.Join(base, "store"), quarantine.Options{})
	defer s.Close()
	req := quarantine.Request{Root: root, Path: "owa/auth/x.aspx", SHA256: sum(page)}
	first, err := s.Quarantine(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, root, "owa/auth/x.aspx", page, 0o644) // the intruder puts it back
	second, err := s.Quarantine(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if second.Outcome != quarantine.OutcomeQuarantined || second.Entry.ID == first.Entry.ID || second.Entry.Object != first.Entry.Object {
		t.Fatalf("second: %+v\nfirst: %+v", second, first)
	}
	if items := s.Items(); len(items) != 2 || items[0].Status != quarantine.StatusRemoved || items[1].Status != quarantine.StatusRemoved {
		t.Fatalf("items: %+v", items)
	}
	if objs, _ := os.ReadDir(filepath.Join(base, "store", "objects")); len(objs) != 1 {
		t.Fatalf("%d objects for one content", len(objs))
	}
}

func TestRefusals(t *testing.T) {
	page := shellPage(5)
	tests := []struct {
		name  string
		setup func(t *testing.T, root string) quarantine.Request
		want  error
	}{
		{"content is not what the hunt saw", func(t *testing.T, root string) quarantine.Request {
			writeFile(t, root, "a.aspx", page, 0o644)
			return quarantine.Request{Root: root, Path: "a.aspx", SHA256: sum([]byte("other"))}
		}, quarantine.ErrChanged},
		{"missing file", func(t *testing.T, root string) quarantine.Request {
			return quarantine.Request{Root: root, Path: "gone.aspx"}
		}, os.ErrNotExist},
		{"directory", func(t *testing.T, root string) quarantine.Request {
			os.MkdirAll(filepath.Join(root, "dir.aspx"), 0o755)
			return quarantine.Request{Root: root, Path: "dir.aspx"}
		}, quarantine.ErrNotRegular},
		{"bad sha256", func(t *testing.T, root string) quarantine.Request {
			writeFile(t, root, "a.aspx", page, 0o644)
			return quarantine.Request{Root: root, Path: "a.aspx", SHA256: "abc"}
		}, quarantine.ErrRequest},
		{"note not UTF-8", func(t *testing.T, root string) quarantine.Request {
			writeFile(t, root, "a.aspx", page, 0o644)
			return quarantine.Request{Root: root, Path: "a.aspx", Note: "\xff"}
		}, quarantine.ErrRequest},
		{"empty finding id", func(t *testing.T, root string) quarantine.Request {
			writeFile(t, root, "a.aspx", page, 0o644)
			return quarantine.Request{Root: root, Path: "a.aspx", Findings: []string{""}}
		}, quarantine.ErrRequest},
		{"no root", func(t *testing.T, root string) quarantine.Request {
			return quarantine.Request{Path: "a.aspx"}
		}, quarantine.ErrRequest},
		{"root missing", func(t *testing.T, root string) quarantine.Request {
			return quarantine.Request{Root: filepath.Join(root, "nope"), Path: "a.aspx"}
		}, os.ErrNotExist},
	}
	if runtime.GOOS == "linux" {
		tests = append(tests, struct {
			name  string
			setup func(t *testing.T, root string) quarantine.Request
			want  error
		}{"size changes while read (a /proc file says 0 bytes and has more)", func(t *testing.T, root string) quarantine.Request {
			return quarantine.Request{Root: "/proc/self", Path: "status"}
		}, quarantine.ErrBusy})
	}
	if runtime.GOOS != "windows" {
		tests = append(tests, struct {
			name  string
			setup func(t *testing.T, root string) quarantine.Request
			want  error
		}{"named pipe", func(t *testing.T, root string) quarantine.Request {
			if err := mkfifo(filepath.Join(root, "pipe.aspx")); err != nil {
				t.Skip(err)
			}
			return quarantine.Request{Root: root, Path: "pipe.aspx"}
		}, quarantine.ErrNotRegular})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := t.TempDir()
			root := filepath.Join(base, "host")
			os.MkdirAll(root, 0o755)
			req := tt.setup(t, root)
			before := snapshot(t, root)
			s := openStore(t, filepath.Join(base, "store"), quarantine.Options{})
			defer s.Close()
			_, err := s.Quarantine(context.Background(), req)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), filepath.Base(req.Path)) {
				t.Errorf("error %q does not name the file", err)
			}
			if len(s.Entries()) != 0 {
				t.Errorf("entries written: %v", s.Entries())
			}
			if fmt.Sprint(snapshot(t, root)) != fmt.Sprint(before) {
				t.Error("the host tree changed")
			}
			for _, d := range []string{"objects", "tmp"} {
				if left, _ := os.ReadDir(filepath.Join(base, "store", d)); len(left) != 0 {
					t.Errorf("%s/ holds %d files", d, len(left))
				}
			}
		})
	}
}

// TestFileReplacedAfterStoring: the intruder rewrites the shell between its copy and its removal;
// the new file is not removed unseen, the stored one stays recorded, and a later run takes the new one.
func TestFileReplacedAfterStoring(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "host")
	writeFile(t, root, "x.aspx", shellPage(1), 0o644)
	armed := true
	s := openStore(t, filepath.Join(base, "store"), quarantine.Options{Hook: func(step quarantine.Step, p string) error {
		if armed && step == quarantine.StepRemove {
			armed = false
			writeFile(t, root, "x.aspx", shellPage(2), 0o644)
		}
		return nil
	}})
	defer s.Close()
	_, err := s.Quarantine(context.Background(), quarantine.Request{Root: root, Path: "x.aspx"})
	if !errors.Is(err, quarantine.ErrChanged) {
		t.Fatalf("error %v, want ErrChanged", err)
	}
	if got, _ := os.ReadFile(filepath.Join(root, "x.aspx")); !bytes.Equal(got, shellPage(2)) {
		t.Fatal("the replacement was touched")
	}
	if items := s.Items(); len(items) != 1 || items[0].Status != quarantine.StatusStored || items[0].Entry.SHA256 != sum(shellPage(1)) {
		t.Fatalf("items %+v", items)
	}
	res, err := s.Quarantine(context.Background(), quarantine.Request{Root: root, Path: "x.aspx"})
	if err != nil || res.Outcome != quarantine.OutcomeQuarantined || res.Entry.SHA256 != sum(shellPage(2)) {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestLockHeldByAnotherStore(t *testing.T) {
	dir := t.TempDir()
	s1 := openStore(t, dir, quarantine.Options{})
	_, err := quarantine.Open(dir, quarantine.Options{})
	if !errors.Is(err, quarantine.ErrLocked) || !strings.Contains(err.Error(), "process "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("second Open: %v, want ErrLocked naming this process", err)
	}
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := openStore(t, dir, quarantine.Options{})
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Quarantine(context.Background(), quarantine.Request{Root: dir, Path: "x"}); !errors.Is(err, quarantine.ErrClosed) {
		t.Fatalf("use after close: %v", err)
	}
}

func TestItemLookup(t *testing.T) {
	base := t.TempDir()
	tr := newTree(t, filepath.Join(base, "host"))
	s := openStore(t, filepath.Join(base, "store"), quarantine.Options{})
	defer s.Close()
	quarantineAll(t, s, tr)
	id := s.Items()[2].Entry.ID
	tests := []struct {
		query string
		want  error
	}{
		{id, nil},
		{strings.ToUpper(id), nil},
		{strings.TrimPrefix(id, "q-"), nil},
		{id[:10], nil},
		{"q-", quarantine.ErrAmbiguous},
		{"", quarantine.ErrAmbiguous},
		{"q-zzzz", quarantine.ErrNotFound},
	}
	for _, tt := range tests {
		it, err := s.Item(tt.query)
		if !errors.Is(err, tt.want) || (err == nil && it.Entry.ID != id) {
			t.Errorf("Item(%q) = %s, %v; want %s, %v", tt.query, it.Entry.ID, err, id, tt.want)
		}
	}
}

// TestConcurrentUse: one Store used from several goroutines keeps one valid chain.
func TestConcurrentUse(t *testing.T) {
	base := t.TempDir()
	tr := manyTree(t, filepath.Join(base, "host"), 24, 3)
	s := openStore(t, filepath.Join(base, "store"), quarantine.Options{})
	defer s.Close()
	var wg sync.WaitGroup
	errs := make(chan error, len(tr.files))
	for _, p := range tr.paths() {
		wg.Go(func() {
			_, err := s.Quarantine(context.Background(), quarantine.Request{Root: tr.root, Path: p})
			errs <- err
			s.Items()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	checkDone(t, tr, s)
}

func TestCancelledContextKeepsNothing(t *testing.T) {
	base := t.TempDir()
	tr := newTree(t, filepath.Join(base, "host"))
	s := openStore(t, filepath.Join(base, "store"), quarantine.Options{})
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Quarantine(ctx, quarantine.Request{Root: tr.root, Path: "ProgramData/dump.bin"})
	if !errors.Is(err, context.Canceled) || len(s.Entries()) != 0 {
		t.Fatalf("%v, %d entries", err, len(s.Entries()))
	}
	checkInvariant(t, tr, s.Dir(), nil)
}
