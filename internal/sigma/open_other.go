//go:build !unix

package sigma

import "os"

// openFile opens a rule file for reading (no FIFOs to worry about on these systems).
func openFile(path string) (*os.File, error) {
	return os.Open(path)
}
