package logscan

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
)

// This file holds an obviously-correct model of what Scan must report, written line by line
// without chunks, and helpers to collect what Scan actually reports.

// gotRow is what a test keeps of one callback (Record is valid only during the callback).
type gotRow struct {
	Line   int64
	Offset int64
	Raw    string
	Values []string
	Which  []int // nil: every group
	Header []string
}

func (r gotRow) String() string {
	return fmt.Sprintf("line %d @%d %q which=%v", r.Line, r.Offset, r.Raw, r.Which)
}

// scanAll runs Scan over input and keeps every callback.
func scanAll(input []byte, opt Options) ([]gotRow, Result) {
	var rows []gotRow
	res := Scan(context.Background(), bytes.NewReader(input), "test.log", opt, func(rec *Record, which []int) {
		r := gotRow{Line: rec.Line, Offset: rec.Offset, Raw: string(rec.Raw), Values: slices.Clone(rec.Values)}
		if which != nil {
			r.Which = slices.Clone(which)
			slices.Sort(r.Which)
		}
		if rec.Header != nil {
			r.Header = rec.Header.Names
		}
		rows = append(rows, r)
	})
	return rows, res
}

// modelLine is one line of the input as the model sees it.
type modelLine struct {
	no     int64
	offset int64
	body   []byte // without '\n', '\r' kept
	long   bool
}

// modelLines splits input into lines; a line whose body is at least chunk bytes is long and is
// checked only in its first chunk bytes.
func modelLines(input []byte, chunk int) []modelLine {
	var out []modelLine
	off := 0
	for no := int64(1); off < len(input); no++ {
		end := bytes.IndexByte(input[off:], '\n')
		next := 0
		if end < 0 {
			end = len(input)
			next = len(input)
		} else {
			end += off
			next = end + 1
		}
		ml := modelLine{no: no, offset: int64(off), body: input[off:end]}
		if len(ml.body) >= chunk {
			ml.long = true
			ml.body = ml.body[:chunk]
		}
		out = append(out, ml)
		off = next
	}
	return out
}

// rawHit reports whether a line (ASCII lower-cased) holds a literal as a prefilter finds it:
// as written, for URL-encoded dialects also with spaces written '+' or %20, or with any of its
// slashes written '\'.
func rawHit(line, lit string, d Dialect) bool {
	lit = asciiOnlyLower([]byte(lit))
	if strings.Contains(line, lit) {
		return true
	}
	if !d.URLEncoded {
		return false
	}
	if strings.Contains(lit, " ") && (strings.Contains(line, strings.ReplaceAll(lit, " ", "+")) || strings.Contains(line, strings.ReplaceAll(lit, " ", "%20"))) {
		return true
	}
	if n := strings.Count(lit, "/"); n > 4 {
		return strings.Contains(line, slashForms(lit)[0]) // the longest part without a slash
	}
	return strings.Contains(lit, "/") && strings.Contains(strings.ReplaceAll(line, `\`, "/"), lit)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// urlDecode is what a URL-encoded source makes of a value, roughly: '+' is a space, '\' a '/',
// and %XX escapes are undone once.
func urlDecode(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '%' && i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]):
			hi, _ := unhex(b[i+1])
			lo, _ := unhex(b[i+2])
			c = hi<<4 | lo
			i += 2
		case c == '+':
			c = ' '
		}
		if c == '\\' { // written or escaped (%5C)
			c = '/'
		}
		out = append(out, c)
	}
	return out
}

var unicodeFold = strings.NewReplacer("\u017f", "s", "\u212a", "k", "\u0130", "i")

// modelRow is a row the model expects, and whether a prefilter must let it through.
type modelRow struct {
	gotRow
	must  bool
	which []int // groups whose literal the row holds as written (what a prefilter can name)
	needs []int // groups whose literal the row holds as written or once decoded
}

// modelRows lists the rows Scan reads (non-empty, not a directive); with literal groups, a row
// must pass the prefilter when it holds a literal (ASCII case-insensitively), for URL-encoded
// dialects also once decoded. A prefilter may pass more rows (it is a prefilter), never fewer.
func modelRows(input []byte, chunk int, d Dialect, groups [][]string) []modelRow {
	filter := groups != nil
	for _, g := range groups {
		if g == nil {
			filter = false
		}
	}
	var out []modelRow
	for _, ml := range modelLines(input, chunk) {
		raw := ml.body
		if n := len(raw); n > 0 && raw[n-1] == '\r' {
			raw = raw[:n-1]
		}
		if len(raw) == 0 || raw[0] == '#' {
			continue
		}
		r := modelRow{gotRow: gotRow{Line: ml.no, Offset: ml.offset, Raw: string(raw)}, must: true}
		if filter {
			r.must = false
			views := []string{asciiOnlyLower(ml.body)}
			if d.URLEncoded {
				// W3C fields are separated by spaces and decoded one by one: a literal can
				// span the spaces it decodes to, never a separator ("a +b" is the fields "a"
				// and " b", not "a  b").
				for _, f := range bytes.Split(ml.body, []byte(" ")) {
					views = append(views, asciiOnlyLower(urlDecode(f)))
				}
			}
			// Rules compare as Go does: ſ is s, the Kelvin sign k, İ i.
			for _, v := range views {
				views = append(views, unicodeFold.Replace(v))
			}
			for gi, g := range groups {
				for vi, v := range views {
					hit := false
					for _, lit := range g {
						if vi == 0 && rawHit(v, lit, d) || strings.Contains(v, asciiOnlyLower([]byte(lit))) {
							hit = true
						}
					}
					if hit {
						r.must = true
						if vi == 0 {
							r.which = append(r.which, gi)
						}
						if !slices.Contains(r.needs, gi) {
							r.needs = append(r.needs, gi)
						}
					}
				}
			}
		}
		out = append(out, r)
	}
	return out
}

// checkRows compares what Scan passed with the model: exactly the model's rows without a
// prefilter; with one, a subset of them in order holding every row that must pass, each naming
// the groups it holds literals of (or nil: all groups).
func checkRows(got []gotRow, want []modelRow, filtered bool) (string, bool) {
	if !filtered {
		var w []gotRow
		for _, r := range want {
			w = append(w, r.gotRow)
		}
		return sameRows(got, w)
	}
	j := 0
	for _, g := range got {
		for j < len(want) && want[j].Line < g.Line {
			if want[j].must {
				return fmt.Sprintf("row %s must pass the prefilter (needs groups %v); got %v", want[j].gotRow, want[j].needs, got), false
			}
			j++
		}
		if j == len(want) || want[j].Line != g.Line || want[j].Offset != g.Offset || want[j].Raw != g.Raw {
			return fmt.Sprintf("got %s, which is not a row of the input", g), false
		}
		w := want[j]
		if g.Which != nil {
			if len(g.Which) == 0 || !slices.Equal(g.Which, w.which) {
				return fmt.Sprintf("%s: which=%v, want %v", g, g.Which, w.which), false
			}
			for _, n := range w.needs {
				if !slices.Contains(g.Which, n) {
					return fmt.Sprintf("%s: which=%v misses group %d (decoded)", g, g.Which, n), false
				}
			}
		}
		j++
	}
	for ; j < len(want); j++ {
		if want[j].must {
			return fmt.Sprintf("row %s must pass the prefilter (needs groups %v); got %v", want[j].gotRow, want[j].needs, got), false
		}
	}
	return "", true
}

func asciiOnlyLower(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = lower(c)
	}
	return string(out)
}

// sameRows compares rows by position, raw text and rule groups.
func sameRows(got, want []gotRow) (string, bool) {
	n := max(len(got), len(want))
	for i := 0; i < n; i++ {
		var g, w string
		if i < len(got) {
			g = got[i].String()
		}
		if i < len(want) {
			w = want[i].String()
		}
		if g != w {
			return fmt.Sprintf("row %d: got  %s\n        want %s\n(got %d rows, want %d)", i, g, w, len(got), len(want)), false
		}
	}
	return "", true
}

// problemsOf lists the problems of one kind as "line:kind".
func problemsOf(res Result, kind string) []string {
	var out []string
	for _, p := range res.Problems {
		if p.Kind == kind {
			out = append(out, fmt.Sprintf("%d:%s", p.Line, p.Kind))
		}
	}
	return out
}
