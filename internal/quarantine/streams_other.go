//go:build !windows

package quarantine

// extraStreams: only Windows lists NTFS alternate data streams. On a mounted image (ntfs-3g)
// they are extended attributes, which this code does not read: see docs/clean.md.
func extraStreams(string) ([]string, error) { return nil, nil }
