//go:build unix

package files

import (
	"os"
	"syscall"
)

// openFile opens for reading without blocking: a file swapped for a FIFO between the listing and
// the open would otherwise hang the worker forever. O_NOFOLLOW refuses a file swapped for a link.
func openFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
}

// OpenNoFollow opens a file for reading the way the walk does: without following a final link
// and without blocking on a FIFO that took a file's place.
func OpenNoFollow(path string) (*os.File, error) { return openFile(path) }
