package remedy

import (
	"strings"
	"time"
)

// timeValue is a time that prints a date even when zero (the plan's commands need one).
type timeValue struct{ time.Time }

func (t timeValue) Format(layout string) string {
	if t.Time.IsZero() {
		return time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC).Format(layout) // first known exploitation was 6 January 2021
	}
	return t.Time.UTC().Format(layout)
}

// shellArg quotes s for a POSIX shell, and so that PowerShell reads it the same, when it needs
// quoting. The value comes from a report an attacker may have shaped (a root path): single
// quotes keep every character literal in both shells, except that PowerShell also ends a
// single-quoted string at the typographic quotes, and control characters do not belong in a
// command line: a value holding those is replaced by a placeholder the reader fills in.
func shellArg(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || r == '\u2018' || r == '\u2019' || r == '\u201a' || r == '\u201b':
			return "'<the folder>'"
		case !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:\\", r)):
			safe = false
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// cmdSafe reports whether s can go between double quotes on a cmd.exe line unchanged: no
// quote ends it, no % or ! expands in it, no control character breaks the line. Values that
// are not safe get no command at all: removing characters could name another, legitimate
// object (W32%Time would become W32Time).
func cmdSafe(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || strings.ContainsRune("\"%!^&|<>", r) {
			return false
		}
	}
	return true
}

// cmdQuote quotes a cmdSafe value for cmd.exe.
func cmdQuote(s string) string { return `"` + s + `"` }
