//go:build darwin || freebsd || netbsd

package quarantine

import (
	"io/fs"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// readMeta reads the birth time these systems keep in struct stat.
func readMeta(f *os.File, _ fs.FileInfo) fileMeta {
	var m fileMeta
	var st unix.Stat_t
	var serr error = unix.ENOSYS
	if rc, err := f.SyscallConn(); err == nil {
		_ = rc.Control(func(fd uintptr) { serr = unix.Fstat(int(fd), &st) })
	}
	if serr != nil {
		return m
	}
	m.accessed = time.Unix(st.Atim.Unix()).UTC()
	if st.Btim.Sec != 0 || st.Btim.Nsec != 0 {
		m.created = time.Unix(st.Btim.Unix()).UTC()
	}
	m.owner = unixOwner(st.Uid, st.Gid)
	return m
}
