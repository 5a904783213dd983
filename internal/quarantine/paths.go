package quarantine

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"
)

const (
	maxPathBytes      = 32 << 10 // NTFS allows 32,767 UTF-16 units
	maxComponentBytes = 1024     // 255 UTF-16 units can take 765 UTF-8 bytes
	maxDepth          = 256
)

// CheckPath reports whether p can name a file under a host root: a slash-separated relative
// path, as hunt findings name files. Refused: empty, absolute (/x, C:/x, //server), any "." or
// ".." component or empty component, a backslash (Windows would read it as a separator that
// this check did not see), a colon (drive letters and NTFS alternate streams), a NUL byte,
// invalid UTF-8 (the manifest is JSON and could not hold the name exactly), and names longer or
// deeper than any file system allows. The error wraps ErrUnsafePath.
//
// CheckPath is only the lexical half of path safety: the file is then reached through os.Root,
// which refuses anything that resolves outside the root, and every folder on the way is
// Lstat-ed so that no link is followed even inside it.
func CheckPath(p string) error {
	bad := func(why string) error { return fmt.Errorf("%w: %q: %s", ErrUnsafePath, p, why) }
	switch {
	case p == "":
		return bad("empty")
	case len(p) > maxPathBytes:
		return bad(fmt.Sprintf("longer than %d bytes", maxPathBytes))
	case !utf8.ValidString(p):
		return bad("not valid UTF-8")
	case strings.IndexByte(p, 0) >= 0:
		return bad("holds a NUL byte")
	case strings.IndexByte(p, '\\') >= 0:
		return bad(`holds a backslash (paths are slash-separated)`)
	case strings.IndexByte(p, ':') >= 0:
		return bad("holds a colon (a drive letter or an NTFS alternate stream)")
	case p[0] == '/':
		return bad("absolute")
	}
	depth := 0
	for part := range strings.SplitSeq(p, "/") {
		depth++
		switch {
		case part == "":
			return bad("empty component (// or a trailing /)")
		case part == "." || part == "..":
			return bad("dot component")
		case len(part) > maxComponentBytes:
			return bad(fmt.Sprintf("a component is longer than %d bytes", maxComponentBytes))
		case depth > maxDepth:
			return bad(fmt.Sprintf("deeper than %d components", maxDepth))
		}
	}
	return nil
}

// lstatNoLinks checks every folder on the way to p (relative to r, already CheckPath-ed) and p
// itself with Lstat: each folder must be a plain directory (not a symlink, junction or other
// reparse point, even one pointing inside the root: findings never name a file through a link,
// and the manifest must name the file where it really is), and p a regular file. It returns
// p's Lstat.
func lstatNoLinks(r *os.Root, p string) (fs.FileInfo, error) {
	if err := checkDirs(r, p); err != nil {
		return nil, err
	}
	fi, err := r.Lstat(p)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is %s", ErrNotRegular, p, describeMode(fi.Mode()))
	}
	return fi, nil
}

// checkDirs checks the folders on the way to p, not p itself.
func checkDirs(r *os.Root, p string) error {
	for i := 0; i < len(p); i++ {
		if p[i] != '/' {
			continue
		}
		fi, err := r.Lstat(p[:i])
		if err != nil {
			return err
		}
		if fi.Mode().Type() != fs.ModeDir {
			return fmt.Errorf("%w: folder %s is %s", ErrNotRegular, p[:i], describeMode(fi.Mode()))
		}
	}
	return nil
}

func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeIrregular != 0:
		return "a reparse point or other irregular file"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsRegular():
		return "a regular file"
	}
	return "not a regular file (" + m.String() + ")"
}
