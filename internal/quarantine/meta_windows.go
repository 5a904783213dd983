//go:build windows

package quarantine

import (
	"io/fs"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/windows"
)

// readMeta reads times and attributes from the handle's stat and the owner and DACL from the
// handle's security descriptor (GetSecurityInfo on the open handle, not on a path that could be
// swapped). The SACL is left out: reading it needs SeSecurityPrivilege.
func readMeta(f *os.File, fi fs.FileInfo) fileMeta {
	var m fileMeta
	if d, ok := fi.Sys().(*syscall.Win32FileAttributeData); ok {
		m.accessed = time.Unix(0, d.LastAccessTime.Nanoseconds()).UTC()
		m.created = time.Unix(0, d.CreationTime.Nanoseconds()).UTC()
		m.attributes = attributeNames(d.FileAttributes)
	}
	sd, err := windows.GetSecurityInfo(windows.Handle(f.Fd()), windows.SE_FILE_OBJECT,
		windows.OWNER_SECURITY_INFORMATION|windows.GROUP_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return m
	}
	if s := sd.String(); len(s) <= maxSDDL {
		m.owner.SDDL = s
	}
	if sid, _, err := sd.Owner(); err == nil && sid != nil {
		m.owner.SID = sid.String()
		if account, domain, _, err := sid.LookupAccount(""); err == nil {
			m.owner.User = account
			if domain != "" {
				m.owner.User = domain + `\` + account
			}
		}
	}
	return m
}

// attributeNames spells the attributes that say something about a file (attackers hide shells
// with hidden+system).
func attributeNames(a uint32) []string {
	names := []struct {
		bit  uint32
		name string
	}{
		{windows.FILE_ATTRIBUTE_READONLY, "readonly"},
		{windows.FILE_ATTRIBUTE_HIDDEN, "hidden"},
		{windows.FILE_ATTRIBUTE_SYSTEM, "system"},
		{windows.FILE_ATTRIBUTE_ARCHIVE, "archive"},
		{windows.FILE_ATTRIBUTE_TEMPORARY, "temporary"},
		{windows.FILE_ATTRIBUTE_SPARSE_FILE, "sparse"},
		{windows.FILE_ATTRIBUTE_REPARSE_POINT, "reparse-point"},
		{windows.FILE_ATTRIBUTE_COMPRESSED, "compressed"},
		{windows.FILE_ATTRIBUTE_OFFLINE, "offline"},
		{windows.FILE_ATTRIBUTE_NOT_CONTENT_INDEXED, "not-content-indexed"},
		{windows.FILE_ATTRIBUTE_ENCRYPTED, "encrypted"},
	}
	var out []string
	for _, n := range names {
		if a&n.bit != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// setCreated puts the creation time back on the restored copy, through its handle; atime and
// mtime are set by Chtimes after the handle is closed (closing may touch them).
func setCreated(f *os.File, e Entry) error {
	if !timeUsable(e.Created.Time) {
		return nil
	}
	c := syscall.NsecToFiletime(e.Created.UnixNano())
	return syscall.SetFileTime(syscall.Handle(f.Fd()), &c, nil, nil)
}
