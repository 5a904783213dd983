//go:build unix && !linux && !darwin && !freebsd && !netbsd

package quarantine

import (
	"io/fs"
	"os"
	"syscall"
)

// readMeta records the owner only: struct stat's time fields are spelled differently on every
// remaining system, and none of them keeps a birth time.
func readMeta(_ *os.File, fi fs.FileInfo) fileMeta {
	var m fileMeta
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		m.owner = unixOwner(st.Uid, st.Gid)
	}
	return m
}
