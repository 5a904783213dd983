package logscan

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzScan feeds arbitrary bytes through Scan with both dialects, with and without a prefilter,
// at a chunk size the fuzzer picks, and holds the result against the line-by-line model: no
// panic, every row passed is a line of the input at its true line number and offset, in order,
// none lost, none duplicated, and every row holding a literal passes the prefilter.
func FuzzScan(f *testing.F) {
	f.Add([]byte("#Fields: a,b\nx,ServerInfo~a]@ex:444/ecp/y.js\n"), uint16(16), false, "serverinfo~")
	f.Add([]byte("#Fields: date cs-uri-stem cs-uri-query\r\n2021-03-03 /x.aspx cmd=%77hoami\r\nlast"), uint16(17), true, "whoami")
	f.Add([]byte(strings.Repeat("A", 100)+"\nabcdefghij\nnet+user\n"), uint16(16), true, "net user")
	f.Add([]byte("a\x00b\n\xff\xfe\n\"open,\n"), uint16(3), false, "")
	f.Add([]byte("GET /owa/auth\\x.aspx\n"), uint16(64), true, "/owa/auth/")
	f.Fuzz(fuzzScanOne)
}

func fuzzScanOne(t *testing.T, data []byte, chunk uint16, w3c bool, lit string) {
	{
		cs := int(chunk%1024) + 1
		d := ExchangeCSV()
		if w3c {
			d = W3C()
		}
		groups := [][]string{{"whoami"}, {"serverinfo~", "/ecp/"}, {"net user"}}
		if len(lit) > 64 {
			lit = lit[:64] // rule literals are short; a long one only makes the search slow
		}
		if len(lit) >= 2 {
			groups = append(groups, []string{lit})
		}
		lines := modelLines(data, cs)
		for _, g := range [][][]string{nil, groups} {
			for _, tf := range []func(*Record) (time.Time, bool){nil, alwaysTime} {
				opt := Options{Dialect: d, ChunkSize: cs, Time: tf}
				if g != nil {
					opt.Prefilter = NewPrefilter(g, d)
				}
				rows, res := scanAll(data, opt)
				checkRowsAreLines(t, data, rows)
				if msg, ok := checkRows(rows, modelRows(data, cs, d, g), g != nil); !ok {
					t.Fatalf("chunk %d %s groups %q:\n%s", cs, d.Name, g, msg)
				}
				if res.Bytes != int64(len(data)) || res.Lines != int64(len(lines)) {
					t.Fatalf("chunk %d: %d bytes %d lines, want %d, %d", cs, res.Bytes, res.Lines, len(data), len(lines))
				}
				var wantLong []string
				for _, ml := range lines {
					if ml.long {
						wantLong = append(wantLong, fmt.Sprintf("%d:long-line", ml.no))
					}
				}
				if got := problemsOf(res, "long-line"); !slices.Equal(got, wantLong) {
					t.Fatalf("chunk %d: long-line problems %v, want %v", cs, got, wantLong)
				}
			}
		}
	}
}

// checkRowsAreLines checks, independently of the model, that rows come in order and that each
// is (the start of) a line of the input at its offset, numbered by the newlines before it.
func checkRowsAreLines(t *testing.T, data []byte, rows []gotRow) {
	t.Helper()
	var prevLine, prevOff int64 = 0, -1
	counted, newlines := int64(0), int64(0) // newlines in data[:counted]
	for _, r := range rows {
		if r.Line <= prevLine || r.Offset <= prevOff {
			t.Fatalf("%s after line %d @%d", r, prevLine, prevOff)
		}
		prevLine, prevOff = r.Line, r.Offset
		if r.Offset > int64(len(data)) || !bytes.HasPrefix(data[r.Offset:], []byte(r.Raw)) {
			t.Fatalf("%s is not in the input", r)
		}
		if r.Offset > 0 && data[r.Offset-1] != '\n' {
			t.Fatalf("%s does not start a line", r)
		}
		newlines += int64(bytes.Count(data[counted:r.Offset], []byte{'\n'}))
		counted = r.Offset
		if want := newlines + 1; r.Line != want {
			t.Fatalf("%s: line number %d, want %d", r, r.Line, want)
		}
		if strings.ContainsRune(r.Raw, '\n') {
			t.Fatalf("%s holds a newline", r)
		}
	}
}
