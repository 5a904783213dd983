package quarantine

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/exsweep/exsweep/internal/quarantine/wrap"
)

// Quarantine stores the file req names, records it and removes the original, following the
// protocol in the package comment. A re-run for a file an interrupted run already stored
// finishes the job (OutcomeCompleted); a re-run for a file already removed does nothing
// (OutcomeAlready). Errors name the file.
func (s *Store) Quarantine(ctx context.Context, req Request) (Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return Result{}, err
	}
	name := req.Root + "/" + req.Path // for messages until the root is known
	if err := req.check(); err != nil {
		return Result{}, fmt.Errorf("quarantine %q: %w", name, err)
	}
	req.SHA256 = strings.ToLower(req.SHA256)
	rootDir, err := filepath.Abs(req.Root)
	if err != nil {
		return Result{}, fmt.Errorf("quarantine %q: %w", name, err)
	}
	name = filepath.Join(rootDir, filepath.FromSlash(req.Path))
	r, err := os.OpenRoot(rootDir)
	if err != nil {
		return Result{}, fmt.Errorf("quarantine %s: %w", name, err)
	}
	defer r.Close()
	res, err := s.quarantine(ctx, r, rootDir, req)
	if err != nil {
		return res, fmt.Errorf("quarantine %s: %w", name, err)
	}
	return res, nil
}

func (req Request) check() error {
	bad := func(why string) error { return fmt.Errorf("%w: %s", ErrRequest, why) }
	switch {
	case req.Root == "" || len(req.Root) > maxRootBytes || !utf8.ValidString(req.Root) || strings.IndexByte(req.Root, 0) >= 0:
		return bad("root is empty, too long, or not UTF-8")
	case len(req.Host) > maxHost || !utf8.ValidString(req.Host):
		return bad("host name too long or not UTF-8")
	case len(req.Note) > maxNote || !utf8.ValidString(req.Note):
		return bad(fmt.Sprintf("note longer than %d bytes or not UTF-8", maxNote))
	case len(req.Findings) > maxFindings:
		return bad(fmt.Sprintf("more than %d findings", maxFindings))
	case req.SHA256 != "" && !isHex(strings.ToLower(req.SHA256), 64):
		return bad("sha256 is not 64 hex digits")
	}
	for _, f := range req.Findings {
		if f == "" || len(f) > maxFinding || !utf8.ValidString(f) {
			return bad("a finding id is empty, too long or not UTF-8")
		}
	}
	return CheckPath(req.Path)
}

// copied is what one read of an original produced.
type copied struct {
	tmp        string      // store-relative name of the wrapped copy in tmp/
	fi         fs.FileInfo // the original, as fstat saw it when the read began
	meta       fileMeta
	sha256     string
	md5, sha1  string
	size       int64
	storedSize int64
}

func (s *Store) quarantine(ctx context.Context, r *os.Root, rootDir string, req Request) (Result, error) {
	key := placeKey(rootDir, req.Path)
	latest := s.chain.latest[key]
	matches := func(it *itemState) bool {
		return it != nil && (req.SHA256 == "" || s.chain.entries[it.q].SHA256 == req.SHA256)
	}
	lfi, err := lstatNoLinks(r, req.Path)
	if errors.Is(err, fs.ErrNotExist) {
		switch {
		case matches(latest) && latest.removed < 0:
			// Stored and recorded by a run that was stopped after removing the original but
			// before recording that: record it now.
			return s.recordRemoval(latest, req.Path, "completed by a later run: the original was already gone")
		case matches(latest):
			q := s.chain.entries[latest.q]
			return Result{Entry: q, Removed: s.chain.entries[latest.removed], Outcome: OutcomeAlready}, nil
		}
		return Result{}, err
	}
	if err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	if err := s.hook(StepRead, req.Path); err != nil {
		return Result{}, err
	}
	// Removing an NTFS file removes its alternate data streams, which this store does not
	// copy (a download's Zone.Identifier, a payload hidden in a stream): such a file is
	// refused rather than losing them.
	if names, err := extraStreams(filepath.Join(rootDir, filepath.FromSlash(req.Path))); err != nil {
		return Result{}, err
	} else if len(names) > 0 {
		return Result{}, fmt.Errorf("%w (%s): keep them first (Get-Item -Stream * ; Get-Content -Stream NAME), then quarantine by hand", ErrStreams, strings.Join(names, ", "))
	}
	c, err := s.copyIn(ctx, r, req.Path, lfi)
	if c.tmp != "" {
		defer s.root.Remove(c.tmp) // gone already when it became the object
	}
	if err != nil {
		return Result{}, err
	}
	if req.SHA256 != "" && c.sha256 != req.SHA256 {
		return Result{}, fmt.Errorf("%w: its SHA-256 is %s, the hunt saw %s; nothing done", ErrChanged, c.sha256, req.SHA256)
	}
	if latest != nil && latest.removed < 0 && s.chain.entries[latest.q].SHA256 == c.sha256 {
		// An earlier run stored and recorded this very content and was stopped before the
		// removal: make sure the object is sound (this copy repairs it if not), then remove.
		if err := s.placeObject(c, req.Path); err != nil {
			return Result{}, err
		}
		return s.remove(r, latest, req.Path, c.fi, OutcomeCompleted)
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	if err := s.placeObject(c, req.Path); err != nil {
		return Result{}, err
	}
	e := Entry{
		Kind:       KindQuarantined,
		Host:       req.Host,
		Root:       rootDir,
		Path:       req.Path,
		Size:       c.size,
		Mode:       formatMode(c.fi.Mode()),
		Modified:   Stamp{c.fi.ModTime().UTC()},
		Accessed:   Stamp{c.meta.accessed},
		Created:    Stamp{c.meta.created},
		Owner:      c.meta.owner,
		Attributes: c.meta.attributes,
		SHA256:     c.sha256,
		MD5:        c.md5,
		SHA1:       c.sha1,
		Object:     objectName(c.sha256),
		StoredSize: c.storedSize,
		Findings:   req.Findings,
		Note:       req.Note,
	}
	e.ID = s.newID(rootDir, req.Path, c.sha256)
	if err := s.hook(StepRecord, req.Path); err != nil {
		return Result{}, err
	}
	if _, err := s.append(e, req.Path); err != nil {
		return Result{}, err
	}
	return s.remove(r, s.chain.byID[e.ID], req.Path, c.fi, OutcomeQuarantined)
}

// newID derives a short, typeable id; on the rare collision it grows.
func (s *Store) newID(root, p, sum string) string {
	h := sha256.Sum256([]byte(root + "\x00" + p + "\x00" + sum + "\x00" + strconv.FormatInt(s.chain.seq+1, 10)))
	x := hex.EncodeToString(h[:])
	for n := 12; ; n += 4 {
		if id := "q-" + x[:n]; s.chain.byID[id] == nil || n >= 64 {
			return id
		}
	}
}

func formatMode(m fs.FileMode) string { return fmt.Sprintf("%04o", m.Perm()) }

// copyIn reads the original once: the three hashes and the wrapped copy in tmp/ come from the
// same pass, and the copy is fsynced. The file must be the one lstatNoLinks saw, and must not
// change while it is read.
func (s *Store) copyIn(ctx context.Context, r *os.Root, p string, lfi fs.FileInfo) (copied, error) {
	var c copied
	f, err := r.OpenFile(p, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return c, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return c, err
	}
	if !fi.Mode().IsRegular() {
		return c, fmt.Errorf("%w: it became %s after it was checked", ErrNotRegular, describeMode(fi.Mode()))
	}
	if !os.SameFile(lfi, fi) {
		return c, fmt.Errorf("%w: it was replaced while being opened; nothing done", ErrBusy)
	}
	c.fi, c.meta = fi, readMeta(f, fi)
	c.tmp = tmpDir + "/" + randomHex(16) + ".part"
	t, err := s.root.OpenFile(c.tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		c.tmp = ""
		return c, fmt.Errorf("store: %w", err)
	}
	defer t.Close()
	if s.wrapper == nil {
		s.wrapper, err = wrap.NewWriter(t, rand.Reader)
		s.buf = make([]byte, 128<<10)
	} else {
		err = s.wrapper.Reset(t, rand.Reader)
	}
	if err != nil {
		return c, fmt.Errorf("store: %w", err)
	}
	w := s.wrapper
	md5h, sha1h := md5.New(), sha1.New()
	n, err := io.CopyBuffer(io.MultiWriter(w, md5h, sha1h), ctxReader{ctx, f}, s.buf)
	if err != nil {
		return c, fmt.Errorf("reading at offset %d: %w", n, err)
	}
	hdr, err := w.Close()
	if err != nil {
		return c, fmt.Errorf("store: %w", err)
	}
	if err := t.Sync(); err != nil {
		return c, fmt.Errorf("store: %w", err)
	}
	after, err := f.Stat()
	if err != nil {
		return c, err
	}
	if n != fi.Size() || after.Size() != fi.Size() || !after.ModTime().Equal(fi.ModTime()) {
		return c, fmt.Errorf("%w (%d bytes, %d read, %d now): it is being written; nothing kept", ErrBusy, fi.Size(), n, after.Size())
	}
	c.sha256, c.size, c.storedSize = hdr.Sum(), n, w.Size()
	c.md5, c.sha1 = hex.EncodeToString(md5h.Sum(nil)), hex.EncodeToString(sha1h.Sum(nil))
	return c, nil
}

// placeObject makes objects/<sha256>.exq hold c's content: an existing object that verifies is
// kept (content-addressed: the same bytes quarantined twice are stored once), a damaged one is
// replaced by the fresh copy, which must verify.
func (s *Store) placeObject(c copied, p string) error {
	obj := objectName(c.sha256)
	if err := s.hook(StepStore, p); err != nil {
		return err
	}
	if _, err := s.root.Lstat(obj); err == nil {
		if err := s.hook(StepVerify, p); err != nil {
			return err
		}
		if s.verifyObject(context.Background(), obj, c.sha256) == nil {
			return nil
		}
		// A stored object that no longer verifies is evidence of damage or tampering, and
		// earlier entries may point at it: it is set aside, never deleted or overwritten.
		aside := fmt.Sprintf("%s.damaged-%d", obj, s.now().UnixNano())
		if err := s.root.Rename(obj, aside); err != nil {
			return fmt.Errorf("store: setting aside the damaged %s: %w", obj, err)
		}
	}
	if err := s.root.Rename(c.tmp, obj); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := syncDir(s.root, objectsDir); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := s.hook(StepVerify, p); err != nil {
		return err
	}
	if err := s.verifyObject(context.Background(), obj, c.sha256); err != nil {
		_ = s.root.Remove(obj) // this call's own copy, which does not verify: not evidence; the original stays
		return fmt.Errorf("%w: %v", ErrVerify, err)
	}
	return nil
}

// verifyObject unwraps the object and checks it holds the content with this SHA-256.
func (s *Store) verifyObject(ctx context.Context, obj, sum string) error {
	return checkObject(ctx, s.root, obj, sum)
}

func checkObject(ctx context.Context, root *os.Root, obj, sum string) error {
	fi, err := root.Lstat(obj)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is %s", obj, describeMode(fi.Mode()))
	}
	f, err := root.Open(obj)
	if err != nil {
		return err
	}
	defer f.Close()
	h, err := wrap.Unwrap(ctxWriter{ctx, io.Discard}, f, fi.Size())
	if err != nil {
		return fmt.Errorf("%s: %w", obj, err)
	}
	if h.Sum() != sum {
		return fmt.Errorf("%s holds content with SHA-256 %s", obj, h.Sum())
	}
	return nil
}

// remove removes the original of a recorded item, if it is still the file that was read, and
// records the removal.
func (s *Store) remove(r *os.Root, it *itemState, p string, read fs.FileInfo, outcome Outcome) (Result, error) {
	if err := s.hook(StepRemove, p); err != nil {
		return Result{}, err
	}
	now, err := lstatNoLinks(r, p)
	if err != nil {
		return Result{}, err
	}
	if !os.SameFile(now, read) || now.Size() != read.Size() || !now.ModTime().Equal(read.ModTime()) {
		return Result{}, fmt.Errorf("%w: replaced after it was stored (%s); the new file was not removed", ErrChanged, s.chain.entries[it.q].ID)
	}
	// Remove through a handle on the file's own folder, checked to be the folder just
	// inspected: os.Root follows links inside the root, so a folder on the way swapped for a
	// link after the checks above would otherwise make the removal hit another file.
	dir, base := path.Split(p)
	folder := r
	if dir != "" {
		dir = strings.TrimSuffix(dir, "/")
		want, err := r.Lstat(dir)
		if err != nil {
			return Result{}, err
		}
		sub, err := r.OpenRoot(dir)
		if err != nil {
			return Result{}, err
		}
		defer sub.Close()
		got, err := sub.Stat(".")
		if err != nil {
			return Result{}, err
		}
		if want.Mode().Type() != fs.ModeDir || !os.SameFile(want, got) {
			return Result{}, fmt.Errorf("%w: folder %s was replaced while the file was stored; nothing removed", ErrChanged, dir)
		}
		folder = sub
	}
	last, err := folder.Lstat(base)
	if err != nil {
		return Result{}, err
	}
	if !os.SameFile(last, read) {
		return Result{}, fmt.Errorf("%w: replaced after it was stored (%s); the new file was not removed", ErrChanged, s.chain.entries[it.q].ID)
	}
	if err := folder.Remove(base); err != nil {
		return Result{}, err
	}
	if err := syncDir(r, path.Dir(p)); err != nil {
		return Result{}, err
	}
	note := ""
	if outcome == OutcomeCompleted {
		note = "completed by a later run"
	}
	res, err := s.recordRemoval(it, p, note)
	res.Outcome = outcome
	return res, err
}

func (s *Store) recordRemoval(it *itemState, p, note string) (Result, error) {
	if err := s.hook(StepRecordRemoved, p); err != nil {
		return Result{}, err
	}
	q := s.chain.entries[it.q]
	e, err := s.append(Entry{Kind: KindRemoved, ID: q.ID, Host: q.Host, Root: q.Root, Path: q.Path, Size: q.Size, SHA256: q.SHA256, Note: note}, p)
	if err != nil {
		return Result{}, err
	}
	return Result{Entry: q, Removed: e, Outcome: OutcomeCompleted}, nil
}

// append writes e as the next manifest line and fsyncs it. A failed write is taken back
// (truncated), so the manifest stays whole entries for the rest of the run; if even that fails
// the store refuses further work until reopened (Open then drops the torn line).
func (s *Store) append(e Entry, hookPath string) (Entry, error) {
	e.Seq, e.Prev = s.chain.seq+1, s.chain.last
	e.Time = Stamp{s.now()}
	e.Tool = s.opt.Tool
	line, hash, err := encodeEntry(e)
	if err != nil {
		return e, err
	}
	e.Hash, e.Line = hash, len(s.chain.entries)+1
	if err := s.chain.check(e); err != nil {
		return e, fmt.Errorf("entry refused before writing (a bug): %w", err)
	}
	if len(line) > maxLine {
		return e, fmt.Errorf("entry of %d bytes is longer than the %d a manifest line may have", len(line), maxLine)
	}
	// Open refuses a manifest beyond maxManifest, so nothing may grow it past that: a new
	// file is refused (before anything is removed) while room remains for the removal and a
	// restore of every file already in it.
	reserve := int64(0)
	if e.Kind == KindQuarantined {
		reserve = 2 * maxLine
	}
	if s.size+int64(len(line))+1+reserve > maxManifest {
		return e, fmt.Errorf("the manifest is full (%d MiB): quarantine further files into a new folder", maxManifest>>20)
	}
	line = append(line, '\n')
	if err := s.writeLine(line, hookPath); err != nil {
		if terr := s.manifest.Truncate(s.size); terr != nil {
			s.broken = fmt.Errorf("manifest could not be restored after a failed write (%v); reopen the store", terr)
		} else if serr := s.manifest.Sync(); serr != nil {
			s.broken = fmt.Errorf("manifest could not be restored after a failed write (%v); reopen the store", serr)
		}
		return e, fmt.Errorf("manifest: %w", err)
	}
	s.size += int64(len(line))
	s.chain.add(e)
	return e, nil
}

func (s *Store) writeLine(line []byte, hookPath string) error {
	off := s.size
	if s.opt.Hook != nil {
		half := len(line) / 2
		if _, err := s.manifest.WriteAt(line[:half], off); err != nil {
			return err
		}
		if err := s.hook(StepMidWrite, hookPath); err != nil {
			return err
		}
		line, off = line[half:], off+int64(half)
	}
	if _, err := s.manifest.WriteAt(line, off); err != nil {
		return err
	}
	return s.manifest.Sync()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+: it crashes the program instead)
	return hex.EncodeToString(b)
}

// ctxReader and ctxWriter stop a long copy when the context is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
