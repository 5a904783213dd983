// Package finding is the vocabulary every part of exsweep shares: a Finding (one piece of evidence
// that a rule recognised), its Severity, the Verdict it supports, and the Problems met while
// reading hostile input. Hunts, scans, the cleaner and the report writers all speak it, so it
// holds only data and the small rules that order it, never I/O.
package finding

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Severity says how urgent a finding is. The order matters: sorting and "worst of" use it.
type Severity int

// Severities from least to most urgent.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name, case-insensitively.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(n, name) {
			return Severity(i), nil
		}
	}
	return Info, fmt.Errorf("unknown severity %q (want one of %s)", name, strings.Join(severityNames[:], ", "))
}

// MarshalText writes the severity's name, so JSON and YAML carry words, not numbers.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// Verdict is the answer for a whole host. The order is by gravity: CLEAN < PROBED < ATTEMPTED <
// COMPROMISED, so the host verdict is the maximum of what its findings support.
type Verdict int

// Host verdicts.
const (
	Clean Verdict = iota
	Probed
	Attempted
	Compromised
)

var verdictNames = [...]string{"CLEAN", "PROBED", "ATTEMPTED", "COMPROMISED"}

func (v Verdict) String() string {
	if v < Clean || v > Compromised {
		return fmt.Sprintf("verdict(%d)", int(v))
	}
	return verdictNames[v]
}

// MarshalText writes the verdict's name.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText reads a verdict's name, case-insensitively.
func (v *Verdict) UnmarshalText(b []byte) error {
	for i, n := range verdictNames {
		if strings.EqualFold(n, string(b)) {
			*v = Verdict(i)
			return nil
		}
	}
	return fmt.Errorf("unknown verdict %q", b)
}

// Support is what one finding contributes to the host verdict. "suspicious" findings are things to
// look at: on their own they never make a verdict worse than CLEAN.
type Support string

// The verdict contributions a rule can declare.
const (
	SupportsCompromised Support = "compromised"
	SupportsAttempted   Support = "attempted"
	SupportsProbed      Support = "probed"
	SupportsSuspicious  Support = "suspicious"
)

// ParseSupport validates a rule's declared verdict contribution.
func ParseSupport(s string) (Support, error) {
	switch Support(strings.ToLower(s)) {
	case SupportsCompromised, SupportsAttempted, SupportsProbed, SupportsSuspicious:
		return Support(strings.ToLower(s)), nil
	}
	return "", fmt.Errorf("unknown verdict %q (want compromised, attempted, probed or suspicious)", s)
}

// Verdict is the host verdict this contribution alone would give.
func (s Support) Verdict() Verdict {
	switch s {
	case SupportsCompromised:
		return Compromised
	case SupportsAttempted:
		return Attempted
	case SupportsProbed:
		return Probed
	}
	return Clean
}

// Location says where a finding's evidence sits: a file and line (log rows) or byte offset.
type Location struct {
	Path   string `json:"path"`             // as the user named it (root-relative where possible)
	Line   int64  `json:"line,omitempty"`   // 1-based; 0 when not line-oriented
	Offset int64  `json:"offset"`           // byte offset of the evidence in the file
	Record string `json:"record,omitempty"` // record number or id, for event logs
}

func (l Location) String() string {
	if l.Line > 0 {
		return fmt.Sprintf("%s:%d", l.Path, l.Line)
	}
	if l.Record != "" {
		return fmt.Sprintf("%s#%s", l.Path, l.Record)
	}
	return fmt.Sprintf("%s@%d", l.Path, l.Offset)
}

// Finding is one piece of evidence matched by one rule.
type Finding struct {
	RuleID     string            `json:"rule_id"`
	Title      string            `json:"title"`
	Severity   Severity          `json:"severity"`
	Supports   Support           `json:"verdict"`
	CVEs       []string          `json:"cves,omitempty"`
	Why        string            `json:"why"`
	References []string          `json:"references,omitempty"`
	Source     string            `json:"source"` // source kind: httpproxy, ecp, oab, iis, ...
	Where      Location          `json:"where"`
	Time       time.Time         `json:"time,omitzero"` // zero when the evidence has no time
	ClientIP   string            `json:"client_ip,omitempty"`
	User       string            `json:"user,omitempty"`
	UserAgent  string            `json:"user_agent,omitempty"`
	Target     string            `json:"target,omitempty"` // what was touched: URL path, file path, cmdlet
	Evidence   string            `json:"evidence"`         // the raw row, invalid bytes escaped
	Fields     map[string]string `json:"fields,omitempty"` // named values of the row, for per-check exports
	Incident   int               `json:"incident,omitempty"`
}

// Problem is something exsweep could not read or had to skip. Problems make a result partial; they
// never stop the rest of the work.
type Problem struct {
	Path    string `json:"path"`
	Line    int64  `json:"line,omitempty"`
	Offset  int64  `json:"offset,omitempty"`
	Kind    string `json:"kind"` // unreadable, binary, long-line, grew, truncated, vanished, loop, ...
	Message string `json:"message"`
}

func (p Problem) String() string {
	pos := p.Path
	if p.Line > 0 {
		pos = fmt.Sprintf("%s:%d", p.Path, p.Line)
	} else if p.Offset > 0 {
		pos = fmt.Sprintf("%s@%d", p.Path, p.Offset)
	}
	return fmt.Sprintf("%s: %s: %s", pos, p.Kind, p.Message)
}

// Less orders findings for stable output: by time, then place, then rule.
func Less(a, b *Finding) bool {
	if !a.Time.Equal(b.Time) {
		return a.Time.Before(b.Time)
	}
	if a.Where.Path != b.Where.Path {
		return a.Where.Path < b.Where.Path
	}
	if a.Where.Line != b.Where.Line {
		return a.Where.Line < b.Where.Line
	}
	if a.Where.Offset != b.Where.Offset {
		return a.Where.Offset < b.Where.Offset
	}
	return a.RuleID < b.RuleID
}

// EscapeBytes turns attacker-written bytes into a printable string without losing any of them:
// valid UTF-8 stays as it is; invalid bytes and ASCII control characters become \xNN; C1
// controls and format characters (U+202E and its kin reorder text on screen) become \uNNNN.
// Backslashes are kept as they are, because Windows paths are full of them. This is the one
// escaping policy of exsweep: JSON, CSV and the terminal all show what it makes.
func EscapeBytes(b []byte) string {
	clean := true
	for _, c := range b {
		if c < 0x20 && c != '\t' || c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + 16)
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x80 {
			if c < 0x20 && c != '\t' || c == 0x7f {
				fmt.Fprintf(&sb, `\x%02x`, c)
			} else {
				sb.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&sb, `\x%02x`, c)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			fmt.Fprintf(&sb, `\u%04x`, r)
		default:
			sb.Write(b[i : i+size])
		}
		i += size
	}
	return sb.String()
}

// EscapeString is EscapeBytes for text already held as a string.
func EscapeString(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c >= 0x7f {
			return EscapeBytes([]byte(s))
		}
	}
	return s
}
