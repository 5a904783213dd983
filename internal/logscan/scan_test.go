package logscan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2021, 3, 3, 7, 0, 0, 0, time.UTC)

// alwaysTime gives every row a time, so the window is known after the first row and the
// prefilter's fast path (jumping from literal to literal) is used at once.
func alwaysTime(*Record) (time.Time, bool) { return t0, true }

// neverTime gives no row a time: the first 64 rows are parsed for the window, then the fast path.
func neverTime(*Record) (time.Time, bool) { return time.Time{}, false }

func field(t *testing.T, rows []gotRow, i int, name string) string {
	t.Helper()
	h := NewHeader(rows[i].Header)
	k, ok := h.Index(name)
	if !ok {
		t.Fatalf("row %d: no column %q in %q", i, name, rows[i].Header)
	}
	if k >= len(rows[i].Values) {
		return ""
	}
	return rows[i].Values[k]
}

func TestScanReadsColumnsByName(t *testing.T) {
	a := "#Software: Microsoft Exchange Server\n#Fields: DateTime,ClientIpAddress,AnchorMailbox,UrlStem\n" +
		"2021-03-03T07:12:46Z,198.51.100.7,ServerInfo~a]@ex01:444/ecp/y.js,/ecp/y.js\n"
	b := "#Software: Microsoft Exchange Server\n#Fields: UrlStem,AnchorMailbox,DateTime,ClientIpAddress,Extra\n" +
		"/ecp/y.js,ServerInfo~a]@ex01:444/ecp/y.js,2021-03-03T07:12:46Z,198.51.100.7,zzz\n"
	ra, _ := scanAll([]byte(a), Options{Dialect: ExchangeCSV()})
	rb, _ := scanAll([]byte(b), Options{Dialect: ExchangeCSV()})
	if len(ra) != 1 || len(rb) != 1 {
		t.Fatalf("rows: %v / %v", ra, rb)
	}
	for _, name := range []string{"datetime", "clientipaddress", "anchormailbox", "urlstem"} {
		if va, vb := field(t, ra, 0, name), field(t, rb, 0, name); va != vb || va == "" {
			t.Errorf("%s: %q in one file, %q in the other", name, va, vb)
		}
	}
}

func TestRecordField(t *testing.T) {
	var got []string
	in := "#Fields: a B c\nx - \n"
	Scan(context.Background(), strings.NewReader(in), "f", Options{Dialect: W3C()}, func(rec *Record, _ []int) {
		rec.Derived = map[string]string{"d": "derived"}
		for _, k := range []string{"a", "b", "c", "d", "raw", "missing"} {
			v, ok := rec.Field(k)
			got = append(got, fmt.Sprintf("%s=%q/%v", k, v, ok))
		}
	})
	want := []string{`a="x"/true`, `b=""/true`, `c=""/true`, `d="derived"/true`, `raw="x - "/true`, `missing=""/false`}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestScanHeaderChangesMidFile(t *testing.T) {
	in := "#Fields: date time cs-uri-stem\n2021-03-03 07:00:00 /a.aspx\n" +
		"#Software: IIS restarted\n#Fields: cs-uri-stem date time c-ip\n/b.aspx 2021-03-04 08:00:00 192.0.2.1\n"
	for _, opt := range []Options{{Dialect: W3C()}, {Dialect: W3C(), Time: alwaysTime, Prefilter: NewPrefilter([][]string{{".aspx"}}, W3C())}} {
		rows, res := scanAll([]byte(in), opt)
		if len(rows) != 2 {
			t.Fatalf("rows: %v", rows)
		}
		if s := field(t, rows, 0, "cs-uri-stem"); s != "/a.aspx" {
			t.Errorf("first row stem %q", s)
		}
		if s, d := field(t, rows, 1, "cs-uri-stem"), field(t, rows, 1, "date"); s != "/b.aspx" || d != "2021-03-04" {
			t.Errorf("second row stem %q date %q", s, d)
		}
		if len(res.Problems) != 0 {
			t.Errorf("problems: %v", res.Problems)
		}
	}
}

// A #Fields line must be seen even when the prefilter skips every row around it.
func TestScanHeaderChangeSeenByPrefilter(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("#Fields: a b\n")
	for i := 0; i < 200; i++ {
		sb.WriteString("boring row\n")
	}
	sb.WriteString("#Fields: b a\nwhoami first\n")
	rows, _ := scanAll([]byte(sb.String()), Options{Dialect: W3C(), Time: alwaysTime, Prefilter: NewPrefilter([][]string{{"whoami"}}, W3C())})
	if len(rows) != 1 || field(t, rows, 0, "b") != "whoami" {
		t.Fatalf("rows: %v", rows)
	}
}

func TestScanRowsBeforeFields(t *testing.T) {
	def := NewHeader([]string{"DateTime", "UrlStem"})
	in := "#Software: x\n2021-03-03T07:00:00Z,/ecp/y.js\n#Fields: UrlStem,DateTime\n/ecp/z.js,2021-03-04T00:00:00Z\n"
	rows, res := scanAll([]byte(in), Options{Dialect: ExchangeCSV(), DefaultHeader: def})
	if len(rows) != 2 {
		t.Fatalf("rows: %v", rows)
	}
	if field(t, rows, 0, "urlstem") != "/ecp/y.js" || field(t, rows, 1, "urlstem") != "/ecp/z.js" {
		t.Errorf("rows: %v", rows)
	}
	if got := problemsOf(res, "no-header"); !slices.Equal(got, []string{"2:no-header"}) {
		t.Errorf("no-header problems %v (all: %v)", got, res.Problems)
	}
	// Without a default header the raw line is still there, and the problem says so.
	var raw string
	res = Scan(context.Background(), strings.NewReader("plain row\n"), "f", Options{Dialect: ExchangeCSV()}, func(rec *Record, _ []int) {
		raw = rec.Get("raw")
		if _, ok := rec.Field("datetime"); ok {
			t.Error("a column without any header")
		}
	})
	if raw != "plain row" || len(problemsOf(res, "no-header")) != 1 {
		t.Errorf("raw %q problems %v", raw, res.Problems)
	}
}

func TestScanCRLFAndLastLine(t *testing.T) {
	in := "#Fields: a,b\r\nx,1\r\n\r\ny,2\r\nz,3"
	rows, res := scanAll([]byte(in), Options{Dialect: ExchangeCSV()})
	want := []gotRow{
		{Line: 2, Offset: 14, Raw: "x,1"},
		{Line: 4, Offset: 21, Raw: "y,2"},
		{Line: 5, Offset: 26, Raw: "z,3"},
	}
	if msg, ok := sameRows(rows, want); !ok {
		t.Fatal(msg)
	}
	if field(t, rows, 0, "b") != "1" || field(t, rows, 2, "b") != "3" {
		t.Errorf("values: %v", rows)
	}
	if res.Lines != 5 || res.Bytes != int64(len(in)) || res.Candidates != 3 {
		t.Errorf("result: %+v", res)
	}
	if len(res.Problems) != 0 {
		t.Errorf("problems: %v", res.Problems)
	}
}

func TestScanLineCount(t *testing.T) {
	for _, tc := range []struct {
		in    string
		lines int64
	}{{"", 0}, {"\n", 1}, {"a", 1}, {"a\n", 1}, {"a\nb", 2}, {"a\n\n", 2}, {"\n\n\n", 3}} {
		for _, cs := range []int{1, 2, 3, 16, 0} {
			_, res := scanAll([]byte(tc.in), Options{Dialect: W3C(), ChunkSize: cs})
			if res.Lines != tc.lines || res.Bytes != int64(len(tc.in)) {
				t.Errorf("%q chunk %d: %d lines %d bytes, want %d lines", tc.in, cs, res.Lines, res.Bytes, tc.lines)
			}
		}
	}
}

func TestScanNULBytes(t *testing.T) {
	in := "#Fields: a b\nx 1\n\x00\x00\x00\x00\nevil\x00row 2\ny 3\n"
	rows, res := scanAll([]byte(in), Options{Dialect: W3C()})
	var raws []string
	for _, r := range rows {
		raws = append(raws, r.Raw)
	}
	if !slices.Equal(raws, []string{"x 1", "\x00\x00\x00\x00", "evil\x00row 2", "y 3"}) {
		t.Errorf("rows %q", raws)
	}
	var binary []int64
	for _, p := range res.Problems {
		if p.Kind == "binary" {
			binary = append(binary, p.Offset)
		}
	}
	if !slices.Equal(binary, []int64{17}) {
		t.Errorf("binary problems at %v, want one at offset 17 (all: %v)", binary, res.Problems)
	}
}

func TestScanInvalidUTF8(t *testing.T) {
	in := "#Fields: a b\nok row\nbad \xff\xfe row\nbad \xc3 again\n"
	rows, res := scanAll([]byte(in), Options{Dialect: W3C()})
	if len(rows) != 3 || rows[1].Raw != "bad \xff\xfe row" || field(t, rows, 1, "b") != "\xff\xfe" {
		t.Errorf("rows %v", rows)
	}
	if got := problemsOf(res, "encoding"); !slices.Equal(got, []string{"3:encoding"}) {
		t.Errorf("encoding problems %v (all %v)", got, res.Problems)
	}
}

func TestScanBadQuoting(t *testing.T) {
	in := "#Fields: a,b\nx,\"open\n y,\"also open\nz,1\n"
	rows, res := scanAll([]byte(in), Options{Dialect: ExchangeCSV()})
	if len(rows) != 3 || field(t, rows, 0, "b") != "open" {
		t.Errorf("rows %v", rows)
	}
	if got := problemsOf(res, "bad-quoting"); !slices.Equal(got, []string{"2:bad-quoting"}) {
		t.Errorf("problems %v", res.Problems)
	}
}

func TestScanLongLine(t *testing.T) {
	long := strings.Repeat("A", 100)
	// After the long line come rows of every length up to the chunk, so that the rest of the
	// buffer after the long line's end holds a partial row at every possible point.
	var sb strings.Builder
	sb.WriteString("#Fields: a,b\n")
	sb.WriteString("first,1\n")
	sb.WriteString(long + ",whoami\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&sb, "r%s,%d\n", strings.Repeat("x", i), i)
	}
	sb.WriteString(long + long) // last line, long, without newline
	in := []byte(sb.String())
	for _, cs := range []int{16, 17, 31, 32, 33, 64, 99, 100, 101, 102, 1000} {
		t.Run(fmt.Sprint(cs), func(t *testing.T) {
			rows, res := scanAll(in, Options{Dialect: ExchangeCSV(), ChunkSize: cs})
			if msg, ok := checkRows(rows, modelRows(in, cs, ExchangeCSV(), nil), false); !ok {
				t.Fatal(msg)
			}
			var wantLong []string
			for _, ml := range modelLines(in, cs) {
				if ml.long {
					wantLong = append(wantLong, fmt.Sprintf("%d:long-line", ml.no))
				}
			}
			if got := problemsOf(res, "long-line"); !slices.Equal(got, wantLong) {
				t.Errorf("long-line problems %v, want %v", got, wantLong)
			}
			if res.Lines != 43 || res.Bytes != int64(len(in)) {
				t.Errorf("lines %d bytes %d, want 43 and %d", res.Lines, res.Bytes, len(in))
			}
		})
	}
}

func TestScanLineNumbersAndOffsets(t *testing.T) {
	in := "#Software: x\n#Fields: a b\n\nrow one\r\n#comment\nrow two\n\n\nrow three"
	want := []gotRow{
		{Line: 4, Offset: int64(strings.Index(in, "row one")), Raw: "row one"},
		{Line: 6, Offset: int64(strings.Index(in, "row two")), Raw: "row two"},
		{Line: 9, Offset: int64(strings.Index(in, "row three")), Raw: "row three"},
	}
	for _, cs := range []int{10, 11, 12, 13, 16, 64, 0} {
		rows, res := scanAll([]byte(in), Options{Dialect: W3C(), ChunkSize: cs})
		if msg, ok := sameRows(rows, want); !ok {
			t.Errorf("chunk %d: %s", cs, msg)
		}
		if res.Lines != 9 {
			t.Errorf("chunk %d: %d lines", cs, res.Lines)
		}
	}
}

// randomLog makes a log-like input: directives, rows with literals in any case, escapes,
// CRLF, NULs, invalid UTF-8, empty lines, lines of every length up to maxLine.
func randomLog(r *rand.Rand, lines, maxLine int) []byte {
	pieces := []string{"whoami", "WhoAmI", "%77hoami", "wh%6Fami", "%2577", "serverinfo~", "SERVERINFO~", "/ecp/", `\ecp\`, `/ecp\`, `\ecp/`,
		"net user", "net+user", "net%20user", "\u017ferverinfo~", "WHOAM\u0130", "net u\u017fer", "%C5%BFerverinfo~", "whoam%C4%B0", "%", "%4", "%zz", ",", `"`, `""`, " ", "-", "\x00", "\xff", "\xc3", "\r", "#", "x", "abc", "0"}
	var b []byte
	for i := 0; i < lines; i++ {
		switch r.IntN(12) {
		case 0:
			b = append(b, "#Fields: a b c\n"...)
			continue
		case 1:
			b = append(b, '\n')
			continue
		case 2:
			b = append(b, "#Software: x\r\n"...)
			continue
		}
		n := r.IntN(maxLine + 1)
		start := len(b)
		for len(b)-start < n {
			if r.IntN(3) == 0 {
				b = append(b, pieces[r.IntN(len(pieces))]...)
			} else {
				b = append(b, byte('a'+r.IntN(26)))
			}
		}
		b = b[:start+n] // a piece may overshoot
		if r.IntN(4) == 0 && n > 0 {
			b[len(b)-1] = '\r'
		}
		b = append(b, '\n')
	}
	if r.IntN(2) == 0 && len(b) > 0 {
		b = b[:len(b)-1] // last line without newline
	}
	return b
}

var chunkSizes = []int{16, 17, 64, 1000, 1 << 20}

// iterations scales random tests down under -short and the race detector.
func iterations(n int) int {
	if testing.Short() || raceEnabled {
		return n / 5
	}
	return n
}

// Chunk boundaries must never lose, duplicate, cut or misnumber a row.
func TestScanSameRowsForEveryChunkSize(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	groups := [][]string{{"whoami"}, {"serverinfo~", "/ecp/"}, {"net user"}}
	times := []func(*Record) (time.Time, bool){nil, alwaysTime, neverTime}
	for iter := 0; iter < iterations(150); iter++ {
		// Lines no longer than the smallest chunk: every chunk size must give the same rows.
		in := randomLog(r, 1+r.IntN(80), 14)
		for _, d := range []Dialect{ExchangeCSV(), W3C()} {
			for _, g := range [][][]string{nil, groups} {
				var first []gotRow
				for ci, cs := range chunkSizes {
					for _, tf := range [][]func(*Record) (time.Time, bool){times, times[iter%3 : iter%3+1]}[min(ci, 1)] {
						opt := Options{Dialect: d, ChunkSize: cs, Time: tf}
						if g != nil {
							opt.Prefilter = NewPrefilter(g, d)
						}
						rows, res := scanAll(in, opt)
						if ci == 0 && tf == nil {
							first = rows
							if msg, ok := checkRows(rows, modelRows(in, cs, d, g), g != nil); !ok {
								t.Fatalf("%s groups=%v input %q:\n%s", d.Name, g, in, msg)
							}
						} else if msg, ok := sameRows(rows, first); !ok {
							t.Fatalf("%s chunk %d groups=%v input %q:\n%s", d.Name, cs, g, in, msg)
						}
						if len(problemsOf(res, "long-line")) != 0 {
							t.Fatalf("long-line problem with short lines: %v", res.Problems)
						}
						if res.Bytes != int64(len(in)) {
							t.Fatalf("bytes %d of %d", res.Bytes, len(in))
						}
					}
				}
			}
		}
	}
}

// With lines of any length, every chunk size gives what the model says: long lines are
// checked in their first chunk bytes and the rows after them are intact.
func TestScanMatchesModelWithLongLines(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	groups := [][]string{{"whoami"}, {"serverinfo~", "/ecp/"}, {"net user"}}
	for iter := 0; iter < iterations(200); iter++ {
		in := randomLog(r, 1+r.IntN(60), 60)
		for _, d := range []Dialect{ExchangeCSV(), W3C()} {
			for _, g := range [][][]string{nil, groups} {
				for _, cs := range []int{16, 17, 23, 64, 1000} {
					opt := Options{Dialect: d, ChunkSize: cs, Time: neverTime}
					if g != nil {
						opt.Prefilter = NewPrefilter(g, d)
					}
					rows, res := scanAll(in, opt)
					if msg, ok := checkRows(rows, modelRows(in, cs, d, g), g != nil); !ok {
						t.Fatalf("%s chunk %d groups=%v input %q:\n%s", d.Name, cs, g, in, msg)
					}
					var wantLong []string
					lines := modelLines(in, cs)
					for _, ml := range lines {
						if ml.long {
							wantLong = append(wantLong, fmt.Sprintf("%d:long-line", ml.no))
						}
					}
					if got := problemsOf(res, "long-line"); !slices.Equal(got, wantLong) {
						t.Fatalf("chunk %d input %q: long-line problems %v, want %v", cs, in, got, wantLong)
					}
					if res.Lines != int64(len(lines)) || res.Bytes != int64(len(in)) {
						t.Fatalf("chunk %d input %q: %d lines %d bytes, want %d, %d", cs, in, res.Lines, res.Bytes, len(lines), len(in))
					}
				}
			}
		}
	}
}

func TestPrefilterPassesEveryRowWithALiteral(t *testing.T) {
	lits := [][]string{{"whoami"}, {"serverinfo~"}, {"/aspnet_client/"}, {"net user"}}
	rows := []struct {
		d    Dialect
		row  string
		want bool
	}{
		{W3C(), "GET /x.aspx cmd=whoami", true},
		{W3C(), "GET /x.aspx cmd=WHOAMI", true},
		{W3C(), "GET /x.aspx cmd=WhoAmI", true},
		{W3C(), "GET /x.aspx cmd=%77hoami", true},
		{W3C(), "GET /x.aspx cmd=%57HOAMI", true},
		{W3C(), "GET /x.aspx cmd=wh%6fami", true},
		{W3C(), "GET /x.aspx cmd=whoam%69", true},
		{W3C(), "GET /x.aspx cmd=net+user", true},
		{W3C(), "GET /x.aspx cmd=net%20user", true},
		{W3C(), "GET /x.aspx cmd=NET+%55SER", true},
		{W3C(), `GET \aspnet_client\x.aspx -`, true},
		{W3C(), `GET /aspnet_client\x.aspx -`, true},
		{W3C(), `GET \aspnet_client/x.aspx -`, true},
		{W3C(), "GET /aspnet%5Fclient/x.aspx -", true},
		{W3C(), "GET /aspnet_client%5Cx.aspx -", true},
		{W3C(), "GET %5caspnet_client%5cx.aspx -", true},
		{W3C(), "GET /owa/auth/logon.aspx -", false},
		{W3C(), "GET /x.aspx q=%51%5A", false}, // escapes of bytes no literal holds
		{ExchangeCSV(), "a,ServerInfo~a]@ex:444/ecp/y.js,b", true},
		{ExchangeCSV(), "a,SERVERINFO~localhost/ecp,b", true},
		{ExchangeCSV(), "a,%53erverInfo~x,b", false}, // CSV logs are not URL-encoded
		{ExchangeCSV(), "a,b,c", false},
		// Rules compare as Go does, where ſ is s, the Kelvin sign k and İ i.
		{ExchangeCSV(), "a,\u017ferverInfo~x/ecp,b", true},
		{W3C(), "GET /x.aspx cmd=WHOAM\u0130", true},
		{W3C(), "GET /x.aspx cmd=whoam%C4%B0", true},
		{W3C(), "GET /x.aspx cmd=net+u\u017fer", true},
		{W3C(), "GET /x.aspx cmd=net+u%C5%BFer", true},
		{W3C(), "GET /\u212a.aspx -", true},
	}
	for _, tc := range rows {
		for _, cs := range []int{48, 1000} {
			for _, tf := range []func(*Record) (time.Time, bool){nil, alwaysTime, neverTime} {
				in := "#Fields: a b c\n" + strings.Repeat("boring row here\n", 70) + tc.row + "\n" + strings.Repeat("boring row here\n", 3)
				got, _ := scanAll([]byte(in), Options{Dialect: tc.d, ChunkSize: cs, Time: tf, Prefilter: NewPrefilter(lits, tc.d)})
				found := false
				for _, r := range got {
					if r.Raw == tc.row {
						found = true
						if r.Line != 72 {
							t.Errorf("%q at line %d", tc.row, r.Line)
						}
					} else {
						t.Errorf("%q passed the prefilter", r.Raw)
					}
				}
				if found != tc.want {
					t.Errorf("%s %q (chunk %d): passed=%v, want %v", tc.d.Name, tc.row, cs, found, tc.want)
				}
			}
		}
	}
}

func TestPrefilterNamesTheRules(t *testing.T) {
	pf := NewPrefilter([][]string{{"whoami", "certutil"}, {"certutil"}, {"serverinfo~"}}, W3C())
	in := "#Fields: x\nCERTUTIL+-urlcache\nwhoami\nserverinfo~+whoami\nnothing\n"
	rows, _ := scanAll([]byte(in), Options{Dialect: W3C(), Prefilter: pf, Time: alwaysTime})
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprint(r.Which))
	}
	if !slices.Equal(got, []string{"[0 1]", "[0]", "[0 2]"}) {
		t.Fatalf("which: %v", got)
	}
	// A group without literals turns the prefilter off: every row, which=nil.
	pf = NewPrefilter([][]string{{"whoami"}, nil}, W3C())
	if !pf.Disabled() {
		t.Fatal("prefilter with a literal-less group is enabled")
	}
	rows, _ = scanAll([]byte(in), Options{Dialect: W3C(), Prefilter: pf})
	if len(rows) != 4 || rows[0].Which != nil {
		t.Fatalf("rows: %v", rows)
	}
}

// genReader streams n bytes of 'A' then tail, without holding them.
type genReader struct {
	n    int64
	tail []byte
}

func (g *genReader) Read(p []byte) (int, error) {
	if g.n > 0 {
		k := int(min(int64(len(p)), g.n))
		for i := range p[:k] {
			p[i] = 'A'
		}
		g.n -= int64(k)
		return k, nil
	}
	if len(g.tail) == 0 {
		return 0, io.EOF
	}
	k := copy(p, g.tail)
	g.tail = g.tail[k:]
	return k, nil
}

// A 1 GiB line streams through the default 1 MiB buffer: the scan ends, reports the line and
// reads the rows after it, without holding the line.
func TestScanHugeLineStreams(t *testing.T) {
	size := int64(1 << 30)
	if testing.Short() || raceEnabled {
		size = 256 << 20 // the race detector slows the byte loop down
	}
	g := &genReader{n: size, tail: []byte("\nserverinfo~after,1\nlast,2\n")}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	var rows []gotRow
	res := Scan(context.Background(), g, "huge.log", Options{Dialect: ExchangeCSV()}, func(rec *Record, _ []int) {
		rows = append(rows, gotRow{Line: rec.Line, Offset: rec.Offset, Raw: fmt.Sprintf("%.10s/%d", rec.Raw, len(rec.Raw))})
	})
	runtime.ReadMemStats(&after)
	t.Logf("%d MiB line: %v, %d KiB allocated, heap %d KiB", size>>20, time.Since(start), (after.TotalAlloc-before.TotalAlloc)>>10, after.HeapAlloc>>10)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("allocated %d MiB for a streamed line", alloc>>20)
	}
	want := []gotRow{
		{Line: 1, Offset: 0, Raw: fmt.Sprintf("AAAAAAAAAA/%d", DefaultChunk)},
		{Line: 2, Offset: size + 1, Raw: "serverinfo/18"},
		{Line: 3, Offset: size + 20, Raw: "last,2/6"},
	}
	if msg, ok := sameRows(rows, want); !ok {
		t.Error(msg)
	}
	if got := problemsOf(res, "long-line"); !slices.Equal(got, []string{"1:long-line"}) {
		t.Errorf("problems: %v", res.Problems)
	}
	if res.Lines != 3 || res.Bytes != size+int64(len("\nserverinfo~after,1\nlast,2\n")) {
		t.Errorf("result %+v", res)
	}
}

func TestScanCancelled(t *testing.T) {
	in := []byte("#Fields: a\n" + strings.Repeat("row\n", 10000))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	res := Scan(ctx, bytes.NewReader(in), "f", Options{Dialect: W3C(), ChunkSize: 64}, func(*Record, []int) {
		n++
		if n == 3 {
			cancel()
		}
	})
	if n >= 10000 || n < 3 {
		t.Errorf("%d rows after cancel", n)
	}
	if got := problemsOf(res, "cancelled"); len(got) != 1 {
		t.Errorf("problems %v", res.Problems)
	}
	if res.Bytes >= int64(len(in)) {
		t.Errorf("read all %d bytes", res.Bytes)
	}

	// Cancelled before it starts: nothing is read.
	n = 0
	res = Scan(ctx, bytes.NewReader(in), "f", Options{Dialect: W3C()}, func(*Record, []int) { n++ })
	if n != 0 || len(problemsOf(res, "cancelled")) != 1 || res.Bytes != 0 {
		t.Errorf("pre-cancelled scan: %d rows, %+v", n, res)
	}
}

type failingReader struct {
	data []byte
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestScanReadError(t *testing.T) {
	rows, res := func() ([]gotRow, Result) {
		var rows []gotRow
		res := Scan(context.Background(), &failingReader{data: []byte("a\nb\npartial")}, "f", Options{Dialect: W3C()}, func(rec *Record, _ []int) {
			rows = append(rows, gotRow{Line: rec.Line, Raw: string(rec.Raw)})
		})
		return rows, res
	}()
	if len(rows) != 3 || rows[2].Raw != "partial" {
		t.Errorf("rows %v", rows)
	}
	if len(problemsOf(res, "read-error")) != 1 {
		t.Errorf("problems %v", res.Problems)
	}
}

func TestScanWindow(t *testing.T) {
	tm := func(rec *Record) (time.Time, bool) {
		t, err := time.Parse("2006-01-02", rec.Get("date"))
		return t, err == nil
	}
	var sb strings.Builder
	sb.WriteString("#Fields: date x\n")
	for d := 1; d <= 28; d++ {
		fmt.Fprintf(&sb, "2021-02-%02d row\n", d)
	}
	sb.WriteString("garbage\n#end\n")
	for _, cs := range []int{32, 100, 0} {
		_, res := scanAll([]byte(sb.String()), Options{Dialect: W3C(), Time: tm, ChunkSize: cs, Prefilter: NewPrefilter([][]string{{"nothing-matches"}}, W3C())})
		if res.First.Format("01-02") != "02-01" || res.Last.Format("01-02") != "02-28" || res.Candidates != 0 {
			t.Errorf("chunk %d: window %v..%v, %d candidates", cs, res.First, res.Last, res.Candidates)
		}
	}
}

func TestScanProgress(t *testing.T) {
	in := strings.Repeat("row\n", 100)
	var total int64
	Scan(context.Background(), strings.NewReader(in), "f", Options{Dialect: W3C(), ChunkSize: 37, Progress: func(n int64) { total += n }}, func(*Record, []int) {})
	if total != int64(len(in)) {
		t.Errorf("progress %d of %d", total, len(in))
	}
}

func TestSlashForms(t *testing.T) {
	got := slashForms("/owa/auth/")
	if len(got) != 7 || !slices.Contains(got, `/owa/auth\`) || !slices.Contains(got, `\owa\auth\`) || !slices.Contains(got, `\owa/auth/`) {
		t.Errorf("slashForms = %q", got)
	}
	if got := slashForms("/a/bb/ccc/dddd/e/"); !slices.Equal(got, []string{"dddd"}) {
		t.Errorf("many slashes: %q", got)
	}
	if slashForms("whoami") != nil {
		t.Error("no slash, no forms")
	}
	// Only one-byte parts: no usable literal, so every row is parsed.
	if pf := NewPrefilter([][]string{{"/a/b/c/d/e/"}}, W3C()); !pf.Disabled() {
		t.Error("prefilter on with no usable literal")
	}
	if pf := NewPrefilter([][]string{{"/a/b/c/d/e/"}}, ExchangeCSV()); pf.Disabled() {
		t.Error("CSV logs are not URL-encoded: the literal is searched as written")
	}
}
