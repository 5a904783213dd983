//go:build windows

package quarantine

import (
	"os"

	"golang.org/x/sys/windows"
)

var errWouldBlock = windows.ERROR_LOCK_VIOLATION

// lockFile takes an exclusive LockFileEx on one byte far past the end of the file: Windows
// locks are mandatory, and locking the start would stop others reading who holds the lock.
// The system drops the lock when the handle (or the process) goes away.
func lockFile(f *os.File) error {
	ol := &windows.Overlapped{OffsetHigh: 1 << 8} // byte 2^40
	return windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
}
