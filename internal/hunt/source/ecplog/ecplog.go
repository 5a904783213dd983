// Package ecplog reads the Exchange control panel's server logs (<EX>Logging\ECP\Server\), where
// CVE-2021-27065 shows as a Set-*VirtualDirectory cmdlet carrying script in a URL, followed by the
// reset (Remove-/New-*VirtualDirectory) that writes the script into a file.
package ecplog

import (
	"strings"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt/source"
	"github.com/exsweep/exsweep/internal/logscan"
	"github.com/exsweep/exsweep/internal/rules"
)

// Kind is the source kind rules name.
const Kind = "ecp"

func columns() []string {
	return []string{"DateTime", "ServerName", "ProcessId", "ThreadId", "ClientIpAddress", "UserName", "ActivityId", "RequestId", "Event", "Duration", "GenericInfo"}
}

// Source is the ECP server log source.
type Source struct{}

// Kind implements source.LogSource.
func (Source) Kind() string { return Kind }

// Describe implements source.LogSource.
func (Source) Describe() string {
	return `Exchange control panel server logs, <EX>Logging\ECP\Server\*.LOG`
}

// Fields implements source.LogSource.
func (Source) Fields() []rules.Field {
	return append(source.Columns(columns()),
		rules.Field{Name: "Command", Doc: "the cmdlet text of an 'S:CMD=...' entry, quoting undone"},
		rules.Field{Name: "Cmdlet", Doc: "the cmdlet name of that entry (Set-OabVirtualDirectory)"},
	)
}

// Dialect implements source.LogSource.
func (Source) Dialect() logscan.Dialect { return logscan.ExchangeCSV() }

// DefaultHeader implements source.LogSource.
func (Source) DefaultHeader() *logscan.Header { return logscan.NewHeader(columns()) }

// Time implements source.LogSource.
func (Source) Time(rec *logscan.Record) (time.Time, bool) {
	if t, ok := source.ParseExchangeTime(rec.Get("datetime")); ok {
		return t, true
	}
	return source.LeadingTime(rec.Raw)
}

// Derive implements source.LogSource.
func (Source) Derive(rec *logscan.Record, _ *source.File) {
	if rec.Derived == nil {
		rec.Derived = make(map[string]string, 8)
	}
	cmd, found := "", false
	for _, v := range rec.Values {
		if cmd, found = Command(v); found {
			break
		}
	}
	if !found {
		// No column held it (an unknown layout or broken quoting): undo CSV quoting on the raw line.
		cmd, _ = Command(strings.ReplaceAll(string(rec.Raw), `""`, `"`))
	}
	name := cmd
	if i := strings.IndexAny(name, ". "); i >= 0 {
		name = name[:i]
	}
	rec.Derived["command"] = cmd
	rec.Derived["cmdlet"] = name
}

// Command extracts the cmdlet text from an ECP log value holding 'S:CMD=<cmdlet>.<Param>=”v”...'.
// Exchange doubles single quotes inside the token; the token ends at a single quote that is not
// doubled, or at the end of the value.
func Command(v string) (string, bool) {
	// Upper-case ASCII only: strings.ToUpper changes the length of invalid UTF-8 and of some
	// letters (ı, ȿ), and the index must hold in v.
	i := strings.Index(upperASCII(v), "S:CMD=")
	if i < 0 {
		return "", false
	}
	rest := v[i+len("S:CMD="):]
	var sb strings.Builder
	for j := 0; j < len(rest); j++ {
		c := rest[j]
		if c == '\'' {
			if j+1 < len(rest) && rest[j+1] == '\'' {
				sb.WriteByte('\'')
				j++
				continue
			}
			break
		}
		sb.WriteByte(c)
	}
	return sb.String(), true
}

func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}

// Fill implements source.LogSource.
func (s Source) Fill(rec *logscan.Record, f *finding.Finding) {
	f.Time, _ = s.Time(rec)
	f.ClientIP = rec.Get("clientipaddress")
	f.User = rec.Get("username")
	f.Target = rec.Get("command")
	f.Fields = map[string]string{"DateTime": rec.Get("datetime"), "Cmdlet": rec.Get("cmdlet"), "Command": rec.Get("command")}
}
