package quarantine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Inspect is Quarantine's dry run for one file: the same checks (a safe relative path, no link
// on the way, a regular file, opened without blocking) and, when sha256 is set, the same
// "still the file the hunt saw" test. Nothing is written anywhere. It returns the file's size;
// errors wrap fs.ErrNotExist, ErrUnsafePath, ErrNotRegular or ErrChanged like Quarantine's.
func Inspect(ctx context.Context, root, p, sum string) (int64, error) {
	if err := CheckPath(p); err != nil {
		return 0, err
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return 0, err
	}
	r, err := os.OpenRoot(abs)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	lfi, err := lstatNoLinks(r, p)
	if err != nil {
		return 0, err
	}
	if names, err := extraStreams(filepath.Join(abs, filepath.FromSlash(p))); err != nil {
		return 0, err
	} else if len(names) > 0 {
		return 0, fmt.Errorf("%w (%s)", ErrStreams, strings.Join(names, ", "))
	}
	if sum == "" {
		return lfi.Size(), nil
	}
	f, err := r.OpenFile(p, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if !fi.Mode().IsRegular() || !os.SameFile(lfi, fi) {
		return 0, fmt.Errorf("%w: it was replaced while being opened", ErrBusy)
	}
	h := sha256.New()
	if _, err := io.Copy(h, ctxReader{ctx, f}); err != nil {
		return 0, err
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, sum) {
		return 0, fmt.Errorf("%w: its SHA-256 is %s, expected %s", ErrChanged, got, strings.ToLower(sum))
	}
	return fi.Size(), nil
}
