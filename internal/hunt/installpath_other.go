//go:build !windows

package hunt

// LiveInstallPaths returns nothing off Windows: there is no live Exchange to ask.
func LiveInstallPaths() []string { return nil }
