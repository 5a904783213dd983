//go:build windows

package quarantine

import "golang.org/x/sys/windows"

// storeSDDL gives the store's folder a protected DACL: full control for SYSTEM and the
// Administrators group, inherited by everything in it, nothing for anyone else. Windows ignores
// the 0700 of MkdirAll, and the default place (C:\exsweep-quarantine) would otherwise inherit
// C:\'s "Authenticated Users: Modify": any user could read the stored LSASS dumps (their
// key is in each object's header) or rewrite the manifest.
const storeSDDL = "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"

// restrictDir sets that DACL on the folder (each Open: a store created by an older run or
// by hand gets it too).
func restrictDir(dir string) error {
	sd, err := windows.SecurityDescriptorFromString(storeSDDL)
	if err != nil {
		return err
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return err
	}
	return windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil)
}
