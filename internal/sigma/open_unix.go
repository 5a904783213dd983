//go:build unix

package sigma

import (
	"os"
	"syscall"
)

// openFile opens without blocking: a rule file swapped for a FIFO between the listing and the
// open would otherwise hang the load. Links are followed: rule folders are often linked in.
func openFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
