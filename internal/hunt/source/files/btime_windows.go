//go:build windows

package files

import (
	"os"
	"syscall"
	"time"
)

// birthTime reads NTFS's creation time from the attributes Lstat already fetched.
func birthTime(path string) time.Time {
	fi, err := os.Lstat(path)
	if err != nil {
		return time.Time{}
	}
	d, ok := fi.Sys().(*syscall.Win32FileAttributeData)
	if !ok {
		return time.Time{}
	}
	return time.Unix(0, d.CreationTime.Nanoseconds()).UTC()
}
