package hunt

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt/source"
	"github.com/exsweep/exsweep/internal/hunt/source/files"
)

// Layout is what the hunt found in a host tree: Exchange installs and IIS log folders.
type Layout struct {
	Root     string
	Installs []*source.Install
	IISDirs  []string // W3SVC<n> folders
	Warnings []string
	Problems []finding.Problem
}

// maxDepth bounds the search for installs: a drive root, a triage collection's C\ or
// uploads\auto\C%3A\ prefix, then Program Files\Microsoft\Exchange Server\V15.
const maxDepth = 9

// skipDirs are never searched for installs or logs: huge, and never where Exchange lives.
func skipDir(lower string) bool {
	switch lower {
	case "windows", "winsxs", "$recycle.bin", "system volume information", "users", "programdata",
		"$windows.~bt", "$windows.~ws", "recovery", "perflogs", "node_modules", ".git":
		return true
	}
	return false
}

var w3svcName = regexp.MustCompile(`(?i)^w3svc\d+$`)

// DiscoverOptions override what discovery would find.
type DiscoverOptions struct {
	ExchangePaths []string // --exchange-path: <EX> folders (replace the search)
	IISLogDirs    []string // --iis-logs: folders holding W3SVC<n> folders or log files
	// KnownInstalls are added to what the search finds (the live server's registry), so an
	// install on another drive than the root is read too.
	KnownInstalls []string
}

// Discover finds Exchange installs (by their marker folders, at any depth and in any case) and
// IIS log folders in the tree at root. It never follows links.
func Discover(root string, opt DiscoverOptions) (*Layout, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("root %s: %w", root, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("root %s is not a folder", root)
	}
	l := &Layout{Root: root}
	searchInstalls := len(opt.ExchangePaths) == 0
	searchIIS := len(opt.IISLogDirs) == 0
	for _, p := range opt.ExchangePaths {
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("--exchange-path %s: not a folder", p)
		}
		l.Installs = append(l.Installs, &source.Install{Dir: p})
	}
	for _, p := range opt.IISLogDirs {
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("--iis-logs %s: not a folder", p)
		}
		l.addIISDirs(p)
	}
	if searchInstalls || searchIIS {
		l.walk(root, searchInstalls, searchIIS)
	}
	for _, p := range opt.KnownInstalls {
		if st, err := os.Stat(p); err != nil || !st.IsDir() || l.hasInstall(p) {
			continue
		}
		l.Installs = append(l.Installs, &source.Install{Dir: p})
	}
	sort.Slice(l.Installs, func(i, j int) bool { return l.Installs[i].Dir < l.Installs[j].Dir })
	sort.Strings(l.IISDirs)
	if searchIIS {
		l.checkIISConfig()
	}
	return l, nil
}

func (l *Layout) hasInstall(dir string) bool {
	for _, in := range l.Installs {
		a, _ := filepath.Abs(in.Dir)
		b, _ := filepath.Abs(dir)
		if strings.EqualFold(filepath.Clean(a), filepath.Clean(b)) {
			return true
		}
	}
	return false
}

// addIISDirs accepts a folder of W3SVC<n> folders, a W3SVC<n> folder, or any folder of logs.
func (l *Layout) addIISDirs(p string) {
	entries, err := os.ReadDir(p)
	if err != nil {
		l.Problems = append(l.Problems, finding.Problem{Path: p, Kind: "unreadable", Message: err.Error()})
		return
	}
	found := false
	for _, e := range entries {
		if e.IsDir() && w3svcName.MatchString(e.Name()) {
			l.IISDirs = append(l.IISDirs, filepath.Join(p, e.Name()))
			found = true
		}
	}
	if !found {
		l.IISDirs = append(l.IISDirs, p)
	}
}

func (l *Layout) walk(root string, installs, iis bool) {
	seenIIS := map[string]bool{}
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			// A folder the search cannot enter (ACLs on a live C:\) is noted, not a partial
			// result: unreadable log folders and files are reported where they are listed.
			l.Problems = append(l.Problems, finding.Problem{Path: rel(root, p), Kind: "walk", Message: err.Error()})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		depth := 0
		if p != root {
			// The root itself is never skipped: it may be an install or a W3SVC folder.
			depth = strings.Count(rel(root, p), "/") + 1
			if skipDir(strings.ToLower(d.Name())) || depth > maxDepth {
				return fs.SkipDir
			}
		}
		if iis && w3svcName.MatchString(d.Name()) {
			if !seenIIS[p] {
				seenIIS[p] = true
				l.IISDirs = append(l.IISDirs, p)
			}
			return fs.SkipDir
		}
		if installs && isInstall(p) {
			l.Installs = append(l.Installs, &source.Install{Dir: p})
			return fs.SkipDir
		}
		return nil
	})
}

// isInstall reports whether dir is an Exchange install folder (<EX>): it holds Bin\ExSetup.exe,
// Logging\HttpProxy or FrontEnd\HttpProxy, in any case.
func isInstall(dir string) bool {
	return ResolveCI(dir, "Bin/ExSetup.exe") != "" ||
		ResolveCI(dir, "Logging/HttpProxy") != "" ||
		ResolveCI(dir, "FrontEnd/HttpProxy") != ""
}

// ResolveCI finds a relative path under base whatever the case of each element; "" when absent.
// Links are not followed.
func ResolveCI(base, relPath string) string {
	cur := base
	for _, part := range strings.Split(relPath, "/") {
		switch part {
		case "":
			continue
		case ".", "..":
			return "" // a path from a hostile config must not climb out of the tree
		}
		if strings.ContainsAny(part, `\:`) {
			return ""
		}
		exact := filepath.Join(cur, part)
		// Links and (on Windows) junctions, which report ModeIrregular, are never followed.
		if fi, err := os.Lstat(exact); err == nil && fi.Mode()&(fs.ModeSymlink|fs.ModeIrregular) == 0 {
			cur = exact
			continue
		}
		entries, err := os.ReadDir(cur)
		if err != nil {
			return ""
		}
		next := ""
		for _, e := range entries {
			if strings.EqualFold(e.Name(), part) && e.Type()&(fs.ModeSymlink|fs.ModeIrregular) == 0 {
				next = filepath.Join(cur, e.Name())
				break
			}
		}
		if next == "" {
			return ""
		}
		cur = next
	}
	return cur
}

// rel gives p relative to root with forward slashes, for reports.
func rel(root, p string) string {
	r, err := filepath.Rel(root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	if r == "." {
		return ""
	}
	return filepath.ToSlash(r)
}

var logFileDirAttr = regexp.MustCompile(`(?is)<logFile\b[^>]*?\bdirectory\s*=\s*"([^"]+)"`)

// checkIISConfig reads applicationHost.config for log folders and warns about those the tree
// does not hold, so a hunt never reports CLEAN over logs it could not see.
func (l *Layout) checkIISConfig() {
	cfg := ResolveCI(l.Root, "Windows/System32/inetsrv/config/applicationHost.config")
	if cfg == "" {
		return
	}
	data, err := readCapped(cfg, 16<<20)
	if err != nil {
		l.Problems = append(l.Problems, finding.Problem{Path: rel(l.Root, cfg), Kind: "unreadable", Message: err.Error()})
		return
	}
	for _, m := range logFileDirAttr.FindAllSubmatch(data, -1) {
		dir := string(m[1])
		low := strings.ToLower(strings.ReplaceAll(dir, "/", `\`))
		var relDir string
		switch {
		case strings.HasPrefix(low, `%systemdrive%\`):
			relDir = dir[len(`%SystemDrive%\`):]
		case strings.HasPrefix(low, `c:\`):
			relDir = dir[3:]
		default:
			l.Warnings = append(l.Warnings, fmt.Sprintf("IIS writes logs to %s (applicationHost.config), outside this tree: add them with --iis-logs", dir))
			continue
		}
		found := ResolveCI(l.Root, strings.ReplaceAll(relDir, `\`, "/"))
		if found == "" || !inside(l.Root, found) {
			l.Warnings = append(l.Warnings, fmt.Sprintf("IIS log folder %s named in applicationHost.config is not in this tree", dir))
			continue
		}
		before := len(l.IISDirs)
		for _, d := range l.IISDirs {
			if strings.HasPrefix(d, found) {
				before = -1
				break
			}
		}
		if before >= 0 {
			l.addIISDirs(found)
		}
	}
}

func readCapped(path string, limit int64) ([]byte, error) {
	// A configuration file in the tree may be a FIFO or a device planted to stop the hunt.
	f, err := files.OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}
