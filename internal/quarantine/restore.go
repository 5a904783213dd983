package quarantine

import (
	"context"
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

	"github.com/exsweep/exsweep/internal/quarantine/wrap"
)

// Restore writes the stored copy of the item id back: to its original Root/Path when to is "",
// else to the file path to. The content is checked against the SHA-256 while it is written, the
// permission bits and the modified/accessed times (and the creation time on Windows) are put
// back, and missing folders are created. An existing file is never overwritten (fs.ErrExist),
// except that a file already holding exactly this content counts as restored (an interrupted
// restore is finished, a repeated one is a no-op). The object stays in the store. Owner and
// ACL are recorded at quarantine time but not put back.
func (s *Store) Restore(ctx context.Context, id, to string) (Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return Entry{}, err
	}
	it, err := s.chain.find(id)
	if err != nil {
		return Entry{}, err
	}
	q := s.chain.entries[it.q]
	rootDir, rel := q.Root, q.Path
	if to != "" {
		abs, err := filepath.Abs(to)
		if err != nil {
			return Entry{}, fmt.Errorf("restore %s: %w", q.ID, err)
		}
		rootDir, rel = filepath.Dir(abs), filepath.Base(abs)
		if err := CheckPath(rel); err != nil {
			return Entry{}, fmt.Errorf("restore %s to %s: %w", q.ID, abs, err)
		}
		if err := os.MkdirAll(rootDir, 0o755); err != nil {
			return Entry{}, fmt.Errorf("restore %s: %w", q.ID, err)
		}
	}
	target := filepath.Join(rootDir, filepath.FromSlash(rel))
	e, err := s.restore(ctx, it, rootDir, rel)
	if err != nil {
		return e, fmt.Errorf("restore %s to %s: %w", q.ID, target, err)
	}
	return e, nil
}

func (s *Store) restore(ctx context.Context, it *itemState, rootDir, rel string) (Entry, error) {
	q := s.chain.entries[it.q]
	r, err := os.OpenRoot(rootDir)
	if err != nil {
		return Entry{}, err
	}
	defer r.Close()
	dir := path.Dir(rel)
	if dir != "." {
		if err := r.MkdirAll(dir, 0o755); err != nil {
			return Entry{}, err
		}
	}
	if err := checkDirs(r, rel); err != nil {
		return Entry{}, err
	}
	if fi, err := r.Lstat(rel); err == nil {
		return s.restoredAlready(r, it, rootDir, rel, fi)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return Entry{}, err
	}
	obj, err := s.root.Open(q.Object)
	if err != nil {
		return Entry{}, fmt.Errorf("store: %w", err)
	}
	defer obj.Close()
	ofi, err := obj.Stat()
	if err != nil {
		return Entry{}, fmt.Errorf("store: %w", err)
	}
	if err := s.hook(StepRestoreWrite, rel); err != nil {
		return Entry{}, err
	}
	// A fixed temporary name per item: an interrupted restore's leftover is found and replaced
	// by the next attempt instead of piling up beside the target. It ends in .tmp, which no web
	// server runs.
	tmp := path.Join(dir, ".exsweep-restore-"+q.ID+".tmp")
	if err := r.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Entry{}, err
	}
	t, err := r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return Entry{}, err
	}
	placed := false
	defer func() {
		if !placed {
			_ = r.Remove(tmp)
		}
	}()
	if err := s.writeRestored(ctx, t, obj, ofi.Size(), q); err != nil {
		t.Close()
		return Entry{}, err
	}
	tfi, err := t.Stat()
	if err != nil {
		t.Close()
		return Entry{}, err
	}
	if err := t.Close(); err != nil {
		return Entry{}, err
	}
	if timeUsable(q.Modified.Time) {
		atime := q.Accessed.Time
		if !timeUsable(atime) {
			atime = q.Modified.Time
		}
		if err := r.Chtimes(tmp, atime, q.Modified.Time); err != nil {
			return Entry{}, err
		}
	}
	if err := s.hook(StepRestorePlace, rel); err != nil {
		return Entry{}, err
	}
	// Still our file? Chtimes and Link act on names, and the folder may be the intruder's.
	if now, err := r.Lstat(tmp); err != nil || !os.SameFile(now, tfi) {
		return Entry{}, fmt.Errorf("%w: the temporary copy %s was replaced", ErrChanged, tmp)
	}
	if err := placeNoReplace(r, tmp, rel); err != nil {
		return Entry{}, err
	}
	placed = true
	if err := syncDir(r, dir); err != nil {
		return Entry{}, err
	}
	return s.recordRestore(it, rootDir, rel, "")
}

// writeRestored unwraps the object into t, checking it against the entry, sets the mode and the
// creation time, and fsyncs.
func (s *Store) writeRestored(ctx context.Context, t *os.File, obj io.ReaderAt, size int64, q Entry) error {
	h, err := wrap.Unwrap(ctxWriter{ctx, t}, obj, size)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrVerify, q.Object, err)
	}
	if h.Sum() != q.SHA256 || h.Size != q.Size {
		return fmt.Errorf("%w: %s holds %d bytes with SHA-256 %s, the entry says %d bytes, %s", ErrVerify, q.Object, h.Size, h.Sum(), q.Size, q.SHA256)
	}
	if err := t.Sync(); err != nil {
		return err
	}
	if q.Mode != "" {
		if m, err := strconv.ParseUint(q.Mode, 8, 32); err == nil {
			if err := t.Chmod(fs.FileMode(m) & fs.ModePerm); err != nil {
				return err
			}
		}
	}
	return setCreated(t, q)
}

// placeNoReplace moves tmp to rel unless rel exists. A hard link fails on an existing name
// atomically; where links are not supported (FAT, some shares) a check-then-rename is the best
// left.
func placeNoReplace(r *os.Root, tmp, rel string) error {
	err := r.Link(tmp, rel)
	if err == nil {
		return r.Remove(tmp)
	}
	if errors.Is(err, fs.ErrExist) {
		return err
	}
	if _, lerr := r.Lstat(rel); lerr == nil {
		return fs.ErrExist
	}
	return r.Rename(tmp, rel)
}

// restoredAlready handles a target that exists: the same content means done (finish the record
// if an interrupted restore placed it), anything else is refused.
func (s *Store) restoredAlready(r *os.Root, it *itemState, rootDir, rel string, fi fs.FileInfo) (Entry, error) {
	q := s.chain.entries[it.q]
	if !fi.Mode().IsRegular() || fi.Size() != q.Size {
		return Entry{}, fmt.Errorf("%w: will not overwrite it", fs.ErrExist)
	}
	sum, err := hashFile(r, rel)
	if err != nil {
		return Entry{}, err
	}
	if sum != q.SHA256 {
		return Entry{}, fmt.Errorf("%w: it holds other content; will not overwrite it", fs.ErrExist)
	}
	for _, i := range it.restored {
		if e := s.chain.entries[i]; e.Root == rootDir && e.Path == rel {
			return e, nil
		}
	}
	return s.recordRestore(it, rootDir, rel, "completed by a later run: the file was already in place")
}

func (s *Store) recordRestore(it *itemState, rootDir, rel, note string) (Entry, error) {
	if err := s.hook(StepRestoreRecord, rel); err != nil {
		return Entry{}, err
	}
	q := s.chain.entries[it.q]
	return s.append(Entry{Kind: KindRestored, ID: q.ID, Root: rootDir, Path: rel, Size: q.Size, Mode: q.Mode,
		Modified: q.Modified, Accessed: q.Accessed, Created: q.Created, SHA256: q.SHA256, Note: note}, rel)
}

func hashFile(r *os.Root, p string) (string, error) {
	f, err := r.OpenFile(p, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
