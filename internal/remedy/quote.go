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

// shellArg quotes s for a POSIX shell or PowerShell command line when it needs quoting. The
// value comes from a report an attacker may have shaped (a root path): single quotes keep
// every character literal in both shells.
func shellArg(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:\\", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// cmdQuote quotes a service name for cmd.exe.
func cmdQuote(s string) string { return `"` + cmdText(s) + `"` }

// cmdText removes what cmd.exe would treat as syntax inside quotes (a quote ends them; % expands).
func cmdText(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '"', '%', '\r', '\n', '^', '&', '|', '<', '>':
			return -1
		}
		return r
	}, s)
}
