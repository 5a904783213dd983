//go:build linux

package quarantine

import (
	"io/fs"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// readMeta uses statx on the open file: it is the only way to the birth time on Linux, where the
// file system keeps one.
func readMeta(f *os.File, fi fs.FileInfo) fileMeta {
	var m fileMeta
	var stx unix.Statx_t
	var serr error = syscall.ENOSYS
	if rc, err := f.SyscallConn(); err == nil {
		_ = rc.Control(func(fd uintptr) {
			serr = unix.Statx(int(fd), "", unix.AT_EMPTY_PATH, unix.STATX_BASIC_STATS|unix.STATX_BTIME, &stx)
		})
	}
	if serr == nil {
		if stx.Mask&unix.STATX_ATIME != 0 {
			m.accessed = time.Unix(stx.Atime.Sec, int64(stx.Atime.Nsec)).UTC()
		}
		if stx.Mask&unix.STATX_BTIME != 0 {
			m.created = time.Unix(stx.Btime.Sec, int64(stx.Btime.Nsec)).UTC()
		}
		m.owner = unixOwner(stx.Uid, stx.Gid)
		return m
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok { // kernels before 4.11
		m.accessed = time.Unix(st.Atim.Sec, st.Atim.Nsec).UTC()
		m.owner = unixOwner(st.Uid, st.Gid)
	}
	return m
}
