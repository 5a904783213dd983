//go:build linux

package files

import (
	"time"

	"golang.org/x/sys/unix"
)

// birthTime asks statx for the creation time, which ext4, XFS, btrfs and NTFS (ntfs3) keep.
// It never follows a link.
func birthTime(path string) time.Time {
	var st unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW|unix.AT_STATX_DONT_SYNC, unix.STATX_BTIME, &st); err != nil {
		return time.Time{}
	}
	if st.Mask&unix.STATX_BTIME == 0 {
		return time.Time{}
	}
	return time.Unix(st.Btime.Sec, int64(st.Btime.Nsec)).UTC()
}
