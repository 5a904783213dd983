//go:build !unix

package files

import "os"

// openFile opens for reading. Windows has no FIFOs in the file system to block on.
func openFile(path string) (*os.File, error) { return os.Open(path) }
