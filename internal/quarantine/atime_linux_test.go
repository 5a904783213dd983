package quarantine_test

import (
	"syscall"
	"testing"
	"time"
)

func accessTime(t *testing.T, path string) time.Time {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	return time.Unix(st.Atim.Sec, st.Atim.Nsec).UTC()
}
