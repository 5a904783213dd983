//go:build !windows

package quarantine

import "os"

// restrictDir makes the store's folder private to its owner (MkdirAll's 0700 does not change
// an existing folder).
func restrictDir(dir string) error { return os.Chmod(dir, 0o700) }
