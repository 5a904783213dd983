// Package logscan reads the text logs of Exchange and IIS: files that start with '#' directive
// lines, whose "#Fields:" line names the columns of the rows that follow. Rows are found by
// header name, never by position, because columns come and go between versions and cumulative
// updates, and a header can change in the middle of a file when the service restarts.
//
// A scan reads each file once in large chunks. Lines are not parsed unless a prefilter (the rules'
// literals, plus percent-encodings that could hide them) says they could match; the visibility
// window (first and last row time) comes from the first and last rows. Everything an attacker
// can put in a log (a 1 GB line, NUL bytes, invalid UTF-8, broken quoting) becomes a Problem
// naming the file and position, and the scan goes on.
package logscan

import (
	"strings"
)

// Dialect is the syntax of one family of logs.
type Dialect struct {
	Name string
	// Sep separates fields: ',' for Exchange's CSV logs, ' ' for IIS W3C logs.
	Sep byte
	// Quoted fields may hold the separator and doubled quotes (Exchange CSV).
	Quoted bool
	// URLEncoded values may carry %XX escapes and '+' for spaces (IIS). Literals with spaces are
	// also searched with '+', and lines with percent-escapes of literal characters are always
	// parsed, so an escape cannot hide a request from the prefilter.
	URLEncoded bool
	// Dash means an empty value (IIS writes "-").
	Dash bool
}

// ExchangeCSV is the dialect of Exchange's own CSV logs (HttpProxy, ECP, OABGenerator, ...).
func ExchangeCSV() Dialect { return Dialect{Name: "exchange-csv", Sep: ',', Quoted: true} }

// W3C is the dialect of IIS's W3C extended logs.
func W3C() Dialect { return Dialect{Name: "w3c", Sep: ' ', URLEncoded: true, Dash: true} }

// FormatRow writes values as one row of the dialect (for rule samples and test fixtures).
func FormatRow(vals []string, d Dialect) string {
	var sb strings.Builder
	for i, v := range vals {
		if i > 0 {
			sb.WriteByte(d.Sep)
		}
		switch {
		case d.Dash && v == "":
			sb.WriteByte('-')
		case d.Quoted && strings.ContainsAny(v, "\",\r\n"):
			sb.WriteByte('"')
			sb.WriteString(strings.ReplaceAll(v, `"`, `""`))
			sb.WriteByte('"')
		case d.Sep == ' ':
			sb.WriteString(strings.ReplaceAll(v, " ", "+"))
		default:
			sb.WriteString(v)
		}
	}
	return sb.String()
}

// FieldsLine writes the "#Fields:" directive for a header.
func FieldsLine(names []string, d Dialect) string {
	return "#Fields: " + strings.Join(names, string(d.Sep))
}

// Header is the column layout announced by a "#Fields:" line.
type Header struct {
	Names []string       // as written
	index map[string]int // lower-case name -> column
}

// NewHeader makes a header from column names.
func NewHeader(names []string) *Header {
	h := &Header{Names: names, index: make(map[string]int, len(names))}
	for i, n := range names {
		k := strings.ToLower(strings.TrimSpace(n))
		if _, dup := h.index[k]; !dup {
			h.index[k] = i
		}
	}
	return h
}

// Index returns the column of a field, by lower-case name.
func (h *Header) Index(lower string) (int, bool) {
	if h == nil {
		return 0, false
	}
	i, ok := h.index[lower]
	return i, ok
}

// parseFieldsDirective reads "#Fields: a,b,c" (or space separated for W3C).
func parseFieldsDirective(line []byte, d Dialect) *Header {
	s := strings.TrimSpace(string(line))
	s = strings.TrimSpace(s[len("#Fields:"):])
	var names []string
	if d.Sep == ' ' {
		names = strings.Fields(s)
	} else {
		for _, n := range strings.Split(s, string(d.Sep)) {
			names = append(names, strings.TrimSpace(n))
		}
	}
	if len(names) > maxColumns {
		names = names[:maxColumns] // a real log has under a hundred; a hostile one is not indexed whole
	}
	return NewHeader(names)
}

// maxColumns bounds the columns a #Fields line may declare.
const maxColumns = 1024

// SplitFields splits a row into values. For quoted dialects it honours double quotes and doubled
// quotes inside them; ok is false when a quote is left open (the rest of the line is then the
// last value, so nothing is lost). Values share one string made from the line: a row costs one
// allocation, plus one per quoted value that needs unescaping.
func SplitFields(line []byte, d Dialect, dst []string) (vals []string, ok bool) {
	vals = dst[:0]
	ok = true
	s := string(line)
	if !d.Quoted {
		start := 0
		for i := 0; i <= len(s); i++ {
			if i == len(s) || s[i] == d.Sep {
				v := s[start:i]
				if d.Dash && v == "-" {
					v = ""
				}
				vals = append(vals, v)
				start = i + 1
			}
		}
		return vals, ok
	}
	i := 0
	for {
		if i < len(s) && s[i] == '"' {
			i++
			start := i
			var sb *strings.Builder // only when the value holds a doubled quote
			closed := false
			for i < len(s) {
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						if sb == nil {
							sb = &strings.Builder{}
						}
						sb.WriteString(s[start : i+1])
						i += 2
						start = i
						continue
					}
					closed = true
					break
				}
				i++
			}
			end := i
			if closed {
				i++ // the closing quote
			} else {
				ok = false
			}
			// Anything between the closing quote and the separator belongs to the value too.
			tail := i
			for i < len(s) && s[i] != d.Sep {
				i++
			}
			var v string
			switch {
			case sb == nil && tail == i:
				v = s[start:end]
			default:
				if sb == nil {
					sb = &strings.Builder{}
				}
				sb.WriteString(s[start:end])
				sb.WriteString(s[tail:i])
				v = sb.String()
			}
			vals = append(vals, v)
		} else {
			start := i
			for i < len(s) && s[i] != d.Sep {
				i++
			}
			vals = append(vals, s[start:i])
		}
		if i >= len(s) {
			return vals, ok
		}
		i++ // the separator
	}
}
