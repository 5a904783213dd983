package quarantine

import (
	"strconv"
	"time"
)

// fileMeta is what the platform tells about an original beyond os.FileInfo. Reading it is best
// effort: a missing owner or creation time never stops a quarantine.
type fileMeta struct {
	accessed   time.Time
	created    time.Time
	owner      Owner
	attributes []string
}

// timeUsable reports whether t can be handed to the system's time setters: they go through
// UnixNano, which only spans 1678 to 2262. A time-stomped value outside is recorded, not restored.
func timeUsable(t time.Time) bool {
	y := t.Year()
	return !t.IsZero() && y > 1678 && y < 2262
}

func uidGid(uid, gid uint32) (string, string) {
	return strconv.FormatUint(uint64(uid), 10), strconv.FormatUint(uint64(gid), 10)
}
