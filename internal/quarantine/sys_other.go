//go:build !unix

package quarantine

import "os"

const openFlags = 0

// syncDir does nothing: Windows cannot flush a directory handle opened for reading, and NTFS
// journals its metadata.
func syncDir(*os.Root, string) error { return nil }
