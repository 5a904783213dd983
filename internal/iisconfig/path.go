package iisconfig

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Env is what ResolvePath knows of the Windows installation whose configuration it reads.
type Env struct {
	// SystemDrive is the system drive's letter, "C" or "C:"; "" means C.
	SystemDrive string
	// ExchangeInstallPath is Exchange's install folder relative to the system drive, with
	// slashes or backslashes ("Program Files/Microsoft/Exchange Server/V15"), or absolute
	// ("D:\Exchange"). "" means unknown: paths using %ExchangeInstallPath% then do not resolve.
	ExchangeInstallPath string
	// Vars sets or overrides environment variables (names compared case-insensitively), with
	// values as Windows holds them: "D:\Tools", "C:\ProgramData". They win over the above and
	// over the standard values.
	Vars map[string]string
}

// maxPathLen is Windows' longest path, in UTF-16 units (the limit of \\?\ paths).
const maxPathLen = 32767

// ResolvePath turns a Windows path from a configuration file into a slash-separated path
// relative to the system drive's root ("inetpub/wwwroot"; "." for the root itself), which
// satisfies io/fs.ValidPath. It never touches the file system.
//
// It expands %VAR% (SystemDrive, SystemRoot, windir, ProgramData, ALLUSERSPROFILE, PUBLIC,
// ProgramFiles, ProgramFiles(x86), ProgramW6432, CommonProgramFiles, CommonProgramFiles(x86),
// CommonProgramW6432, ExchangeInstallPath, and Env.Vars) as Windows does, accepts forward
// slashes, surrounding quotes and blanks, repeated and trailing separators, "." and "..",
// \\?\, \??\ and \\.\ prefixes, and \\localhost\C$ style administrative shares; like Windows it
// drops trailing dots and spaces from names (except after \\?\, which Windows takes literally).
// Case is kept as written: compare case-insensitively.
//
// ok is false, with why saying so in words a report can show, for other drives, UNC shares,
// unknown variables, ".." above the root, relative paths, NUL bytes, invalid characters or
// UTF-8, and paths longer than Windows allows. When ok is true, why is usually empty but may
// hold a caveat (an 8.3 short name such as PROGRA~3 that only the disk can resolve, a path
// without drive letter taken as the system drive).
func ResolvePath(p string, env Env) (rel string, ok bool, why string) {
	fail := func(format string, args ...any) (string, bool, string) {
		return "", false, fmt.Sprintf(format, args...)
	}
	switch {
	case strings.IndexByte(p, 0) >= 0:
		return fail("the path contains a NUL byte")
	case len(p) > 3*maxPathLen:
		return fail("the path is longer than Windows allows (%d bytes)", len(p))
	case !utf8.ValidString(p):
		return fail("the path is not valid UTF-8")
	}
	drive, okDrive := driveLetter(env.SystemDrive)
	if !okDrive {
		return fail("Env.SystemDrive %q is not a drive letter", clip(env.SystemDrive))
	}
	s := strings.TrimSpace(p)
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if s == "" {
		return fail("the path is empty")
	}
	s, why = expand(s, drive, env)
	if why != "" {
		return "", false, why
	}
	switch {
	case strings.TrimSpace(s) == "":
		return fail("the path is empty once its variables are expanded")
	case strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s):
		return fail("a variable in the path has a NUL byte or invalid UTF-8 in its value")
	}
	if n := utf16Len(s); n > maxPathLen {
		return fail("the path is longer than Windows allows (%d characters)", n)
	}
	s = strings.ReplaceAll(s, "/", `\`)

	literal := false
	var caveats []string
	switch {
	case strings.HasPrefix(s, `\\?\`) || strings.HasPrefix(s, `\??\`) || strings.HasPrefix(s, `\\.\`):
		literal = s[2] == '?' || s[1] == '?'
		s = s[4:]
		if len(s) >= 4 && strings.EqualFold(s[:4], `UNC\`) {
			return fail("%s is a network share, not on this disk", clip(p))
		}
		if !hasDrive(s) {
			return fail("%s is a device or volume path, not a drive path", clip(p))
		}
	case strings.HasPrefix(s, `\\`):
		server, rest, _ := strings.Cut(s[2:], `\`)
		share, rest, _ := strings.Cut(rest, `\`)
		if isLocalHost(server) && len(share) == 2 && share[1] == '$' && isLetter(share[0]) {
			s = share[:1] + `:\` + rest
			caveats = append(caveats, fmt.Sprintf(`\\%s\%s is this machine's administrative share of drive %c:`, server, share, upper(share[0])))
			break
		}
		return fail(`\\%s\%s is a network share, not on this disk`, clip(server), clip(share))
	}
	switch {
	case hasDrive(s):
		if d := upper(s[0]); d != drive {
			return fail("%s is on drive %c:, not on the system drive %c:", clip(p), d, drive)
		}
		s = s[2:]
		if s != "" && s[0] != '\\' {
			return fail("%s is relative to the current folder of drive %c:, which is not known", clip(p), drive)
		}
	case s[0] == '\\':
		caveats = append(caveats, "no drive letter: taken as the system drive, where IIS's worker process runs")
	default:
		return fail("%s is a relative path: it depends on a folder this check does not know", clip(p))
	}

	var out []string
	for seg := range strings.SplitSeq(s, `\`) {
		switch seg {
		case "", ".":
			continue
		case "..":
			if len(out) == 0 {
				return fail("%s climbs above the root of the drive", clip(p))
			}
			out = out[:len(out)-1]
			continue
		}
		if !literal {
			// Windows drops trailing dots and spaces from names, so "ProgramData." is ProgramData.
			t := strings.TrimRight(seg, ". ")
			if t == "" {
				return fail("%s has a name made only of dots and spaces", clip(p))
			}
			seg = t
		}
		for _, r := range seg {
			switch {
			case r < 0x20:
				return fail("%s holds a control character", clip(p))
			case r == ':':
				return fail("%s has a ':' inside a name (an alternate data stream?)", clip(p))
			case strings.ContainsRune(`<>"|?*`, r):
				return fail("%s holds the character %q, which Windows does not allow in names", clip(p), r)
			}
		}
		if utf16Len(seg) > 255 {
			return fail("%s has a name longer than 255 characters", clip(p))
		}
		if isShortName(seg) {
			c := fmt.Sprintf("%s looks like an 8.3 short name: only the disk says which folder it is", seg)
			if !slices.Contains(caveats, c) {
				caveats = append(caveats, c)
			}
		}
		out = append(out, seg)
	}
	if len(out) == 0 {
		return ".", true, strings.Join(caveats, "; ")
	}
	return strings.Join(out, "/"), true, strings.Join(caveats, "; ")
}

// expand replaces %NAME% as ExpandEnvironmentStrings does, except that an unknown variable is
// an error (Windows would leave it in place, naming a folder that does not exist). A '%' that
// does not start a variable name stays as it is: '%' is allowed in file names.
func expand(s string, drive byte, env Env) (string, string) {
	if !strings.Contains(s, "%") {
		return s, ""
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			b.WriteString(s)
			return b.String(), ""
		}
		j := strings.IndexByte(s[i+1:], '%')
		if j < 0 {
			b.WriteString(s)
			return b.String(), ""
		}
		name := s[i+1 : i+1+j]
		if name == "" || strings.ContainsAny(name, `\/:`) {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		v, why := lookupVar(name, drive, env)
		if why != "" {
			return "", why
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = s[i+2+j:]
		if b.Len() > 3*maxPathLen {
			return "", "the path is longer than Windows allows once its variables are expanded"
		}
	}
}

// lookupVar is a variable's value: from Env.Vars, else its standard value on the system drive.
func lookupVar(name string, drive byte, env Env) (string, string) {
	keys := make([]string, 0, len(env.Vars))
	for k := range env.Vars {
		if strings.EqualFold(k, name) {
			keys = append(keys, k)
		}
	}
	if len(keys) > 0 {
		slices.Sort(keys) // deterministic when names differ only in case
		return env.Vars[keys[0]], ""
	}
	d := string(drive) + ":"
	switch strings.ToLower(name) {
	case "systemdrive", "homedrive":
		return d, ""
	case "systemroot", "windir":
		return d + `\Windows`, ""
	case "programdata", "allusersprofile":
		return d + `\ProgramData`, ""
	case "public":
		return d + `\Users\Public`, ""
	case "programfiles", "programw6432":
		return d + `\Program Files`, ""
	case "programfiles(x86)":
		return d + `\Program Files (x86)`, ""
	case "commonprogramfiles", "commonprogramw6432":
		return d + `\Program Files\Common Files`, ""
	case "commonprogramfiles(x86)":
		return d + `\Program Files (x86)\Common Files`, ""
	case "exchangeinstallpath":
		x := strings.TrimSpace(env.ExchangeInstallPath)
		if x == "" {
			return "", "%ExchangeInstallPath% is not known (Exchange's install folder was not found)"
		}
		x = strings.ReplaceAll(x, "/", `\`)
		if hasDrive(x) {
			return strings.TrimRight(x, `\`) + `\`, "" // Windows' value ends in a backslash
		}
		return d + `\` + strings.Trim(x, `\`) + `\`, ""
	}
	return "", fmt.Sprintf("%%%s%% is not a variable this check knows", clip(name))
}

func driveLetter(s string) (byte, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), ":")
	switch {
	case s == "":
		return 'C', true
	case len(s) == 1 && isLetter(s[0]):
		return upper(s[0]), true
	}
	return 0, false
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

func hasDrive(s string) bool { return len(s) >= 2 && isLetter(s[0]) && s[1] == ':' }

func isLocalHost(server string) bool {
	switch strings.ToLower(server) {
	case "localhost", "127.0.0.1", "::1", "[::1]", "0--1.ipv6-literal.net":
		return true
	}
	return false
}

// isShortName: NAME~N[.EXT] with at most 6 characters before the '~'.
func isShortName(seg string) bool {
	i := strings.IndexByte(seg, '~')
	if i < 1 || i > 6 || i+1 >= len(seg) {
		return false
	}
	rest := seg[i+1:]
	n := 0
	for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
		n++
	}
	if n == 0 {
		return false
	}
	rest = rest[n:]
	return rest == "" || rest[0] == '.' && len(rest) <= 4
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// IntoProgramData reports whether a path resolved by ResolvePath lies in ProgramData, or in
// Users\All Users or Documents and Settings\All Users, the junctions that lead there: IIS virtual
// directories pointing there were a ProxyShell-era persistence trick (files dropped in
// ProgramData become reachable from the web). Case-insensitive; slashes or backslashes.
func IntoProgramData(rel string) bool {
	var segs []string
	for _, s := range strings.FieldsFunc(rel, func(r rune) bool { return r == '/' || r == '\\' }) {
		if s != "." {
			segs = append(segs, s)
		}
	}
	switch {
	case len(segs) == 0:
		return false
	case strings.EqualFold(segs[0], "ProgramData"):
		return true
	case len(segs) >= 2 && strings.EqualFold(segs[1], "All Users"):
		return strings.EqualFold(segs[0], "Users") || strings.EqualFold(segs[0], "Documents and Settings")
	}
	return false
}
