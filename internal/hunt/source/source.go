// Package source is the contract between the hunt and its inputs. Each input (HttpProxy logs,
// ECP logs, IIS logs, ...) lives in its own package under source/ and implements LogSource; the
// hunt finds the files, scans them with logscan and evaluates the rule pack. Sources never
// import each other.
package source

import (
	"time"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/logscan"
	"github.com/exsweep/exsweep/internal/rules"
)

// Install is one Exchange installation found in the host tree.
type Install struct {
	Dir string // local path of <EX>
}

// File is one log file to read.
type File struct {
	Path    string // local path to open
	Display string // root-relative path, Windows separators kept as '/', for reports
	Size    int64
	Install *Install // the Exchange install it belongs to (nil for IIS logs)
	Group   string   // protocol folder (HttpProxy) or site folder (IIS W3SVC1)
}

// LogSource is one kind of text log.
type LogSource interface {
	Kind() string
	// Describe is one line for humans: what the source is and where it lives.
	Describe() string
	Fields() []rules.Field
	Dialect() logscan.Dialect
	// DefaultHeader is assumed for rows before any #Fields line, and used to write samples.
	DefaultHeader() *logscan.Header
	Time(rec *logscan.Record) (time.Time, bool)
	// Derive fills rec.Derived with the fields the source computes from the row.
	Derive(rec *logscan.Record, f *File)
	// Fill completes a finding from the row: time, client, user agent, target and named fields.
	Fill(rec *logscan.Record, f *finding.Finding)
}

// Columns turns column names into rule fields that are both columns and literal.
func Columns(names []string) []rules.Field {
	out := make([]rules.Field, 0, len(names)+1)
	for _, n := range names {
		out = append(out, rules.Field{Name: n, Literal: true, Column: true})
	}
	return append(out, rules.Field{Name: "raw", Literal: true, Doc: "the whole line as written"})
}

// SampleFile renders a rule sample as a complete log file of the source: directives, the
// default #Fields line and one row (or the sample's raw line as it is).
func SampleFile(src LogSource, s rules.Sample) []byte {
	d := src.Dialect()
	h := src.DefaultHeader()
	out := "#Software: exsweep rule sample\n" + logscan.FieldsLine(h.Names, d) + "\n"
	if s.Raw != "" {
		return []byte(out + s.Raw + "\n")
	}
	vals := make([]string, len(h.Names))
	for k, v := range s.Fields {
		if i, ok := h.Index(lowerASCII(k)); ok {
			vals[i] = v
		}
	}
	return []byte(out + logscan.FormatRow(vals, d) + "\n")
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// ParseExchangeTime reads the ISO 8601 times of Exchange's logs (2021-03-03T07:12:46.713Z).
func ParseExchangeTime(v string) (time.Time, bool) {
	if len(v) < 19 {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// LeadingTime reads an ISO 8601 time at the start of a raw line, for logs without a usable
// DateTime column.
func LeadingTime(raw []byte) (time.Time, bool) {
	end := 0
	for end < len(raw) && end < 40 && raw[end] != ',' && raw[end] != ' ' {
		end++
	}
	return ParseExchangeTime(string(raw[:end]))
}
