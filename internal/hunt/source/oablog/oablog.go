// Package oablog reads the offline address book generator's logs (<EX>Logging\OABGeneratorLog\),
// where CVE-2021-26858 (arbitrary file write) shows as a failed download whose temporary file
// lies outside the OAB folder.
package oablog

import (
	"regexp"
	"strings"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt/source"
	"github.com/exsweep/exsweep/internal/logscan"
	"github.com/exsweep/exsweep/internal/rules"
)

// Kind is the source kind rules name.
const Kind = "oab"

func columns() []string {
	return []string{"DateTime", "ServerName", "ProcessId", "ThreadId", "Level", "Message"}
}

// Source is the OABGenerator log source.
type Source struct {
	tempFile *regexp.Regexp
}

// New makes the source.
func New() *Source {
	return &Source{tempFile: regexp.MustCompile(`(?i)temporary file\s+'([^']*)'`)}
}

// Kind implements source.LogSource.
func (*Source) Kind() string { return Kind }

// Describe implements source.LogSource.
func (*Source) Describe() string {
	return `Exchange OAB generator logs, <EX>Logging\OABGeneratorLog\*`
}

// Fields implements source.LogSource.
func (*Source) Fields() []rules.Field {
	return append(source.Columns(columns()),
		rules.Field{Name: "TempFile", Doc: "the path in \"temporary file '<path>'\""},
		rules.Field{Name: "TempFileInOab", Doc: "true when TempFile lies inside an ...\\ClientAccess\\OAB\\ folder, false when outside, empty without a path"},
		rules.Field{Name: "TempFileRelative", Doc: "true when the message names a temporary file with an empty or relative path"},
	)
}

// Dialect implements source.LogSource.
func (*Source) Dialect() logscan.Dialect { return logscan.ExchangeCSV() }

// DefaultHeader implements source.LogSource.
func (*Source) DefaultHeader() *logscan.Header { return logscan.NewHeader(columns()) }

// Time implements source.LogSource.
func (*Source) Time(rec *logscan.Record) (time.Time, bool) {
	for _, k := range []string{"datetime", "date-time", "timestamp"} {
		if t, ok := source.ParseExchangeTime(rec.Get(k)); ok {
			return t, true
		}
	}
	return source.LeadingTime(rec.Raw)
}

// Derive implements source.LogSource.
func (s *Source) Derive(rec *logscan.Record, _ *source.File) {
	if rec.Derived == nil {
		rec.Derived = make(map[string]string, 8)
	}
	d := rec.Derived
	d["tempfile"], d["tempfileinoab"], d["tempfilerelative"] = "", "", ""
	m := s.tempFile.FindSubmatch(rec.Raw)
	if m == nil {
		return
	}
	p := strings.Trim(strings.TrimSpace(string(m[1])), `"`)
	d["tempfile"] = p
	if !isAbsoluteWindowsPath(p) {
		d["tempfilerelative"] = "true"
		return
	}
	d["tempfilerelative"] = "false"
	if InsideOAB(p) {
		d["tempfileinoab"] = "true"
	} else {
		d["tempfileinoab"] = "false"
	}
}

func isAbsoluteWindowsPath(p string) bool {
	if strings.HasPrefix(p, `\\`) || strings.HasPrefix(p, `//`) {
		return true
	}
	return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/')
}

// normalize lower-cases a Windows path, uses backslashes and drops the drive letter and the \\?\
// prefix, so paths can be compared whatever drive the image was mounted from.
func normalize(p string) string {
	p = strings.ToLower(strings.ReplaceAll(p, "/", `\`))
	p = strings.TrimPrefix(p, `\\?\`)
	if len(p) >= 2 && p[1] == ':' {
		p = p[2:]
	}
	return p
}

// InsideOAB reports whether a Windows path lies inside an Exchange OAB folder
// (...\ClientAccess\OAB\...). The install path is not compared: from an image or a collection
// it can only be guessed, and a wrong guess would turn every routine cleanup row into a false
// compromise. UNC paths (\\127.0.0.1\c$\...) and paths climbing with .. are never inside.
func InsideOAB(p string) bool {
	// Windows reads '/' as '\': "\/host/share", "//?/UNC/host/share" are UNC paths too.
	q := strings.ToLower(strings.ReplaceAll(p, "/", `\`))
	if strings.HasPrefix(q, `\\`) && !strings.HasPrefix(q, `\\?\`) || strings.HasPrefix(q, `\\?\unc\`) {
		return false
	}
	n := normalize(p)
	if strings.Contains(n, `\..\`) || strings.HasSuffix(n, `\..`) || strings.Contains(n, `\.\`) {
		return false
	}
	for _, part := range strings.Split(n, `\`) {
		// ".." anywhere, also as Windows reads ".. " and "...": it drops a name's trailing dots
		// and spaces.
		if strings.Count(part, ".") >= 2 && strings.Trim(part, ". ") == "" {
			return false
		}
	}
	return strings.Contains(n, `\clientaccess\oab\`)
}

// Fill implements source.LogSource.
func (s *Source) Fill(rec *logscan.Record, f *finding.Finding) {
	f.Time, _ = s.Time(rec)
	f.Target = rec.Get("tempfile")
	f.Fields = map[string]string{"DateTime": rec.Get("datetime"), "TempFile": rec.Get("tempfile"), "Message": rec.Get("message")}
}
