//go:build unix

package quarantine

import "os/user"

// unixOwner names uid and gid as this machine resolves them. On a mounted image or a triage
// copy that is this machine's view, not the server's; the numbers are kept either way.
func unixOwner(uid, gid uint32) Owner {
	var o Owner
	o.UID, o.GID = uidGid(uid, gid)
	if u, err := user.LookupId(o.UID); err == nil {
		o.User = u.Username
	}
	if g, err := user.LookupGroupId(o.GID); err == nil {
		o.Group = g.Name
	}
	return o
}
