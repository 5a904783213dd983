//go:build unix

package quarantine

import (
	"os"
	"syscall"
)

// openFlags for reading an original: a file swapped for a FIFO between the Lstat and the open
// would otherwise block the open forever.
const openFlags = syscall.O_NONBLOCK

// syncDir makes a rename, creation or removal in dir durable.
func syncDir(r *os.Root, dir string) error {
	d, err := r.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
