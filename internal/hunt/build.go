package hunt

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt/source/files"
	"github.com/exsweep/exsweep/internal/peversion"
)

// maxExSetupSize bounds what is handed to the PE reader: ExSetup.exe is a few tens of KiB; a
// file of gigabytes in its place is not it.
const maxExSetupSize = 256 << 20

// installBuild learns the exact build of the install at dir (absolute) from its disk, for the
// remediation plan: which update to install depends on it.
//
// The file version of <EX>Bin\ExSetup.exe is the product build with its security update
// (setup and every SU replace it); the registry says the same, but needs the hive and can be
// edited. Without a readable ExSetup.exe, the versioned resource folders OWA serves
// (FrontEnd\HttpProxy\owa\auth\<major.minor.build>) still name the cumulative update, not the
// security update: the plan then says what is known and asks for the exact build.
func installBuild(root, dir string) finding.InstallBuild {
	out := finding.InstallBuild{Install: rel(root, dir)}
	var why []string
	if p := ResolveCI(dir, "Bin/ExSetup.exe"); p != "" {
		v, err := exSetupVersion(p)
		if err == nil {
			out.Build, out.Source = v, "Bin/ExSetup.exe version resource"
			return out
		}
		why = append(why, fmt.Sprintf("Bin/ExSetup.exe: %v", err))
	} else {
		why = append(why, "no Bin/ExSetup.exe")
	}
	for _, folder := range []string{"FrontEnd/HttpProxy/owa/auth", "ClientAccess/Owa/auth", "ClientAccess/ecp"} {
		p := ResolveCI(dir, folder)
		if p == "" {
			continue
		}
		if v := newestVersionFolder(p); v != "" {
			out.Build, out.Source = v, folder+"/<version> resource folders"
			out.Note = "cumulative update only (these folders are not renamed by security updates): " + strings.Join(why, "; ")
			return out
		}
	}
	out.Source = "none"
	out.Note = strings.Join(why, "; ") + "; no versioned OWA/ECP resource folder either"
	return out
}

// exSetupVersion reads ExSetup.exe's file version and checks that it is an Exchange build.
func exSetupVersion(path string) (string, error) {
	// A FIFO or device in its place would block the open or the read forever.
	if fi, err := os.Lstat(path); err != nil {
		return "", err
	} else if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("not a regular file (%s)", fi.Mode().Type())
	}
	f, err := files.OpenNoFollow(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	if fi.Size() > maxExSetupSize {
		return "", fmt.Errorf("%d bytes: too large to be ExSetup.exe", fi.Size())
	}
	info, err := peversion.Read(f, fi.Size())
	if err != nil {
		return "", err
	}
	v := info.FileVersion
	if v == ([4]uint16{}) {
		v = info.ProductVersion
	}
	if !plausibleExchange(v[0], v[1]) {
		return "", errors.New("version " + peversion.FormatVersion(v) + " is no Exchange Server build")
	}
	return peversion.FormatVersion(v), nil
}

// plausibleExchange: 8.x Exchange 2007, 14.x 2010, 15.0-15.2 2013 to Subscription Edition.
// 15.20 is Exchange Online and never on a server's disk.
func plausibleExchange(major, minor uint16) bool {
	return major == 8 || major == 14 || (major == 15 && minor <= 2)
}

// newestVersionFolder returns the highest "15.x.y" or "15.x.y.z" folder name in dir.
func newestVersionFolder(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	var best []int
	bestName := ""
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		parts := strings.Split(e.Name(), ".")
		if len(parts) < 3 || len(parts) > 4 {
			continue
		}
		nums := make([]int, 0, 4)
		for _, s := range parts {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || n > 65535 {
				nums = nil
				break
			}
			nums = append(nums, n)
		}
		if nums == nil || !plausibleExchange(uint16(nums[0]), uint16(nums[1])) {
			continue
		}
		if best == nil || lessParts(best, nums) {
			best, bestName = nums, e.Name()
		}
	}
	return bestName
}

func lessParts(a, b []int) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}
