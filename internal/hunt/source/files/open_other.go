//go:build !unix

package files

import "os"

// openFile opens for reading. Windows has no FIFOs in the file system to block on.
func openFile(path string) (*os.File, error) { return os.Open(path) }

// OpenNoFollow opens a file for reading the way the walk does: without following a final link
// and without blocking on a FIFO that took a file's place.
func OpenNoFollow(path string) (*os.File, error) { return openFile(path) }
