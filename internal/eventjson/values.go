package eventjson

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// apply sets the event's system fields from the chosen candidates, counting values that do not
// parse.
func (m *mapper) apply() {
	t := &m.t
	for f := range numSys {
		c := m.cand[f]
		if c.node < 0 {
			switch f {
			case sTime:
				m.probs.value(noTime, m.line, m.off, "")
			case sEventID:
				m.probs.value(noEventID, m.line, m.off, "")
			}
			continue
		}
		n := t.nodes[c.node]
		v := n.val
		switch f {
		case sChannel:
			m.ev.Channel = v
		case sProvider:
			m.ev.Provider = v
		case sComputer:
			m.ev.Computer = v
		case sMessage:
			m.ev.Message = v
		case sEventID:
			id, ok := parseEventID(v)
			if !ok {
				m.probs.value(badEventID, m.line, m.off, v)
			}
			m.ev.EventID = id
		case sRecordID:
			id, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
			if err != nil {
				m.probs.value(badRecordID, m.line, m.off, v)
			}
			m.ev.RecordID = id
		case sLevel:
			l, ok := parseLevel(v)
			if !ok {
				m.probs.value(badLevel, m.line, m.off, v)
			}
			m.ev.Level = l
		case sTime:
			var ts time.Time
			ok := false
			switch n.kind {
			case kNum:
				ts, ok = parseEpoch(v)
			case kStr:
				ts, ok = parseTime(v)
			}
			if !ok {
				m.probs.value(badTime, m.line, m.off, v)
			}
			m.ev.Time = ts
		}
	}
}

// parseEventID reads an event id. Ids over 65535 are classic InstanceIds (Get-EventLog), whose
// top 16 bits are qualifiers: the event id is the low 16 bits, as Event Viewer shows it.
func parseEventID(s string) (uint32, bool) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
	if err != nil {
		return 0, false
	}
	if n > 0xFFFF {
		n &= 0xFFFF
	}
	return uint32(n), true
}

// parseLevel reads a level number or name (Winlogbeat's log.level, PowerShell's
// LevelDisplayName).
func parseLevel(s string) (uint8, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseUint(s, 10, 8); err == nil {
		return uint8(n), true
	}
	switch strings.ToLower(s) {
	case "logalways", "log always", "audit success", "audit failure", "successaudit", "failureaudit":
		return 0, true
	case "critical":
		return 1, true
	case "error":
		return 2, true
	case "warning", "warn":
		return 3, true
	case "information", "informational", "info":
		return 4, true
	case "verbose":
		return 5, true
	}
	return 0, false
}

// parseTime reads the time spellings exports use: RFC 3339 with or without fraction and zone,
// a space instead of the T, PowerShell 5's "/Date(ms)/", US "1/2/2006 3:04:05 PM" (PowerShell's
// default culture), and epoch numbers in a string. Times without a zone are UTC.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if rest, ok := strings.CutPrefix(s, "/Date("); ok {
		inner, _, ok := strings.Cut(rest, ")")
		if !ok {
			return time.Time{}, false
		}
		if n := len(inner); n > 5 && (inner[n-5] == '+' || inner[n-5] == '-') {
			inner = inner[:n-5] // a zone offset: the milliseconds are UTC anyway
		}
		ms, err := strconv.ParseInt(inner, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.UnixMilli(ms).UTC(), true
	}
	if c := s[0]; c >= '0' && c <= '9' && strings.Trim(s, "0123456789.") == "" {
		return parseEpoch(s)
	}
	if len(s) >= 19 && s[4] == '-' && s[7] == '-' {
		var layouts [3]string
		switch s[10] {
		case 'T', 't':
			layouts = [3]string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04:05Z0700"}
			if s[10] == 't' {
				s = s[:10] + "T" + s[11:]
			}
		case ' ':
			layouts = [3]string{"2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05", "2006-01-02 15:04:05Z0700"}
		default:
			return time.Time{}, false
		}
		if t, ok := strings.CutSuffix(s, " UTC"); ok {
			s = t + "Z"
		} else if t, ok := strings.CutSuffix(s, " Z"); ok {
			s = t + "Z"
		}
		for _, l := range layouts {
			if ts, err := time.Parse(l, s); err == nil {
				return ts.UTC(), true
			}
		}
		// A 7-digit fraction followed by a space-separated zone and the like are not worth
		// a layout each; they are counted as unparseable.
		return time.Time{}, false
	}
	if strings.Count(s, "/") == 2 {
		for _, l := range []string{"1/2/2006 3:04:05 PM", "1/2/2006 15:04:05"} {
			if ts, err := time.Parse(l, s); err == nil {
				return ts.UTC(), true
			}
		}
	}
	return time.Time{}, false
}

// parseEpoch reads an epoch number; its magnitude says the unit: seconds (Velociraptor writes
// fractional seconds) up to 1e11, then milliseconds, microseconds, nanoseconds.
func parseEpoch(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		switch {
		case n < 0:
			return time.Time{}, false
		case n < 1e11:
			return time.Unix(n, 0).UTC(), true
		case n < 1e14:
			return time.UnixMilli(n).UTC(), true
		case n < 1e17:
			return time.UnixMicro(n).UTC(), true
		default:
			return time.Unix(0, n).UTC(), true
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f >= 9e18 {
		return time.Time{}, false
	}
	secs := f // the unit, by magnitude, as for integers
	switch {
	case f >= 1e17:
		secs = f / 1e9
	case f >= 1e14:
		secs = f / 1e6
	case f >= 1e11:
		secs = f / 1e3
	}
	sec := math.Floor(secs)
	frac := math.Round((secs - sec) * 1e9)
	return time.Unix(int64(sec), int64(frac)).UTC(), true
}
