//go:build darwin || freebsd || netbsd

package files

import (
	"os"
	"syscall"
	"time"
)

// birthTime reads the creation time APFS, HFS+ and UFS2 keep in stat.
func birthTime(path string) time.Time {
	fi, err := os.Lstat(path)
	if err != nil {
		return time.Time{}
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return time.Time{}
	}
	return time.Unix(st.Birthtimespec.Unix()).UTC()
}
