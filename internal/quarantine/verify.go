package quarantine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// VerifyReport is the result of checking a whole store.
type VerifyReport struct {
	Entries int    // manifest lines read
	Items   int    // quarantined files
	Objects int    // distinct objects checked
	Head    string // hash of the last entry: keep it elsewhere to detect a truncated manifest later
	Torn    int    // line number of a torn final line (an interrupted write, dropped by the next Open); 0 if none
	Orphans []string
	// Problems found, in manifest order; object problems are listed once per entry naming the
	// object. Empty means the chain is intact and every object unwraps to its entry's content.
	Problems []Problem
}

// Problem is one thing wrong in a store.
type Problem struct {
	Line   int    // manifest line, 0 when not about one
	ID     string // quarantined file, when known
	Object string // store-relative object, when about one
	What   string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "%s:%d: ", manifestName, p.Line)
	}
	if p.ID != "" {
		b.WriteString(p.ID + ": ")
	}
	b.WriteString(p.What)
	return b.String()
}

// OK reports whether no problem was found.
func (r VerifyReport) OK() bool { return len(r.Problems) == 0 }

// Verify checks the whole manifest chain as it is on disk now (not as Open read it) and
// re-reads, unwraps and hashes every object. It reports every problem, not the first; the error
// is for what stops it (I/O, cancellation).
func (s *Store) Verify(ctx context.Context) (VerifyReport, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return VerifyReport{}, ErrClosed
	}
	return verifyRoot(ctx, s.root)
}

// VerifyDir verifies the store at dir read-only: no lock, no repair, no temporary-file cleanup.
// It works on a store that Open refuses (that is when it is needed) and alongside a running one.
func VerifyDir(ctx context.Context, dir string) (VerifyReport, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return VerifyReport{}, fmt.Errorf("quarantine store: %w", err)
	}
	defer root.Close()
	return verifyRoot(ctx, root)
}

func verifyRoot(ctx context.Context, root *os.Root) (VerifyReport, error) {
	var rep VerifyReport
	name := filepath.Join(root.Name(), manifestName)
	f, err := root.Open(manifestName)
	if err != nil {
		return rep, err
	}
	defer f.Close()
	sc, err := scanManifest(ctxReader{ctx, f}, func(line int, err error) bool {
		rep.Problems = append(rep.Problems, Problem{Line: line, What: err.Error()})
		return true
	})
	if err != nil {
		return rep, fmt.Errorf("%s: %w", name, err)
	}
	c := sc.chain
	rep.Entries, rep.Items, rep.Head, rep.Torn = sc.lines, len(c.items), c.last, sc.tornLine
	var order []string
	users := map[string][]Entry{}
	for _, e := range c.entries {
		// Only names the entry's own hash gives are opened: a forged entry cannot make Verify
		// read outside objects/ (checkFields already reported it).
		if e.Kind != KindQuarantined || !isHex(e.SHA256, 64) || e.Object != objectName(e.SHA256) {
			continue
		}
		if users[e.Object] == nil {
			order = append(order, e.Object)
		}
		users[e.Object] = append(users[e.Object], e)
	}
	for _, obj := range order {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		rep.Objects++
		es := users[obj]
		err := checkObject(ctx, root, obj, es[0].SHA256)
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		var size int64 = -1
		if fi, serr := root.Lstat(obj); serr == nil {
			size = fi.Size()
		}
		for _, e := range es {
			switch {
			case err != nil:
				rep.Problems = append(rep.Problems, Problem{Line: e.Line, ID: e.ID, Object: obj, What: "stored copy: " + err.Error()})
			case e.StoredSize != size:
				rep.Problems = append(rep.Problems, Problem{Line: e.Line, ID: e.ID, Object: obj, What: fmt.Sprintf("stored copy is %d bytes, the entry says %d", size, e.StoredSize)})
			}
		}
	}
	sort.SliceStable(rep.Problems, func(i, j int) bool { return rep.Problems[i].Line < rep.Problems[j].Line })
	rep.Orphans, err = orphans(root, users)
	return rep, err
}

// orphans lists files in objects/ no entry names: copies an interrupted run stored before it
// could record them (harmless, reused by the next run), or files someone else put there.
func orphans(root *os.Root, used map[string][]Entry) ([]string, error) {
	d, err := root.Open(objectsDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // a store that never stored anything
	}
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var out []string
	for {
		names, err := d.Readdirnames(1024)
		for _, n := range names {
			if used[objectsDir+"/"+n] == nil {
				out = append(out, objectsDir+"/"+n)
			}
		}
		if err == io.EOF || len(names) == 0 {
			sort.Strings(out)
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}
