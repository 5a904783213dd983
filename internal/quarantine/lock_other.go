//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || windows)

package quarantine

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("would block")

// lockFile does nothing where no per-open-file lock is available (exsweep is built for Linux,
// macOS and Windows; this only keeps other targets compiling): one run at a time is then the
// operator's business.
func lockFile(*os.File) error { return nil }
