package eventjson

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/exsweep/exsweep/internal/winevent"
)

// ids summarises events as "line:eventid:recordid".
func ids(evs []got) []string {
	var out []string
	for _, e := range evs {
		out = append(out, fmt.Sprintf("%d:%d:%d", e.Line, e.Ev.EventID, e.Ev.RecordID))
	}
	return out
}

func encodeUTF16(s string, bigEndian, bom bool) string {
	u := utf16.Encode([]rune(s))
	if bom {
		u = append([]uint16{0xFEFF}, u...)
	}
	b := make([]byte, 0, 2*len(u))
	for _, x := range u {
		if bigEndian {
			b = append(b, byte(x>>8), byte(x))
		} else {
			b = append(b, byte(x), byte(x>>8))
		}
	}
	return string(b)
}

const (
	ev1 = `{"EventID":1,"RecordNumber":10,"TimeCreated":"2021-03-03T04:00:00Z"}`
	ev2 = `{"EventID":2,"RecordNumber":11,"TimeCreated":"2021-03-03T04:00:01Z"}`
	ev3 = `{"EventID":3,"RecordNumber":12,"TimeCreated":"2021-03-03T04:00:02Z"}`
)

// PowerShell's ConvertTo-Json layout: an array, four-space indents, two spaces after colons.
const psArray = "[\r\n" +
	"    {\r\n" +
	"        \"Id\":  4688,\r\n" +
	"        \"RecordId\":  20,\r\n" +
	"        \"TimeCreated\":  \"\\/Date(1614744753123)\\/\",\r\n" +
	"        \"Properties\":  [\r\n" +
	"                           {\r\n" +
	"                               \"Value\":  \"S-1-5-18\"\r\n" +
	"                           }\r\n" +
	"                       ]\r\n" +
	"    },\r\n" +
	"    {\r\n" +
	"        \"Id\":  4689,\r\n" +
	"        \"RecordId\":  21,\r\n" +
	"        \"TimeCreated\":  \"2021-03-03T04:12:34.0000000+00:00\"\r\n" +
	"    }\r\n" +
	"]\r\n"

// Every framing reads the same events without problems.
func TestFraming(t *testing.T) {
	jsonl := ev1 + "\n" + ev2 + "\n" + ev3 + "\n"
	std := []string{"1:1:10", "2:2:11", "3:3:12"}
	tests := []struct {
		name  string
		in    string
		want  []string
		lines int64
	}{
		{"JSON lines", jsonl, std, 3},
		{"CRLF and blank lines", ev1 + "\r\n\r\n" + ev2 + "\r\n  \t\r\n" + ev3 + "\r\n", []string{"1:1:10", "3:2:11", "5:3:12"}, 5},
		{"no final newline", ev1 + "\n" + ev2 + "\n" + ev3, std, 3},
		{"UTF-8 byte order mark", "\xEF\xBB\xBF" + jsonl, std, 3},
		{"concatenated files each with a byte order mark", "\xEF\xBB\xBF" + ev1 + "\n\xEF\xBB\xBF" + ev2 + "\n" + ev3 + "\n", std, 3},
		{"two objects on one line", ev1 + ev2 + " " + ev3 + "\n", []string{"1:1:10", "1:2:11", "1:3:12"}, 1},
		{"compact array on one line", "[" + ev1 + "," + ev2 + "," + ev3 + "]\n", []string{"1:1:10", "1:2:11", "1:3:12"}, 1},
		{"array one element a line", "[\n" + ev1 + ",\n" + ev2 + ",\n" + ev3 + "\n]", []string{"2:1:10", "3:2:11", "4:3:12"}, 5},
		{"objects with trailing commas, no brackets", ev1 + ",\n" + ev2 + ",\n" + ev3 + "\n", std, 3},
		{"empty array", "[]\n" + ev1 + "\n", []string{"2:1:10"}, 2},
		{"PowerShell ConvertTo-Json array", psArray, []string{"2:4688:20", "12:4689:21"}, 17},
		{"array file then JSON lines file", psArray + jsonl, []string{"2:4688:20", "12:4689:21", "18:1:10", "19:2:11", "20:3:12"}, 20},
		{"pretty-printed object", "{\n  \"EventID\": 7,\n  \"@timestamp\": 0,\n  \"EventData\": {\n    \"Data\": [\n      \"a\"\n    ]\n  }\n}\n" + ev1 + "\n", []string{"1:7:0", "10:1:10"}, 10},
		{"unindented nested objects (Python indent=0)", "{\n\"EventID\": 8,\n\"@timestamp\": 0,\n\"EventData\": {\n\"Data\": [\n{\n\"@Name\": \"a\",\n\"#text\": \"b\"\n}\n]\n}\n}\n", []string{"1:8:0"}, 12},
		{"UTF-16LE with BOM (PowerShell Out-File)", encodeUTF16(jsonl, false, true), std, 3},
		{"UTF-16LE without BOM", encodeUTF16(jsonl, false, false), std, 3},
		{"UTF-16BE with BOM", encodeUTF16(jsonl, true, true), std, 3},
		{"UTF-16LE PowerShell array", encodeUTF16(psArray, false, true), []string{"2:4688:20", "12:4689:21"}, 17},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			evs, st, probs := readAll(t, tc.in)
			if len(probs) != 0 {
				t.Errorf("problems: %v", probs)
			}
			if d := cmp.Diff(tc.want, ids(evs)); d != "" {
				t.Errorf("events (-want +got):\n%s", d)
			}
			want := Stats{Lines: tc.lines, Events: int64(len(tc.want)), Bytes: int64(len(tc.in))}
			if st != want {
				t.Errorf("stats %+v, want %+v", st, want)
			}
		})
	}
}

// Values survive the UTF-16 decoding: characters outside the BMP (surrogate pairs), and an
// unpaired surrogate becomes U+FFFD.
func TestUTF16Values(t *testing.T) {
	in := encodeUTF16(`{"EventID":1,"TimeCreated":"2021-03-03T04:00:00Z","Path":"C:\\Temp\\ü😀.aspx"}`+"\n", false, true)
	lone := "\xFF\xFE" + encodeUTF16(`{"EventID":2,"TimeCreated":"2021-03-03T04:00:00Z","P":"`, false, false) + "\x00\xD8" + encodeUTF16(`x"}`+"\n", false, false)
	evs, _, probs := readAll(t, in)
	if len(probs) != 0 || len(evs) != 1 {
		t.Fatalf("%v %v", evs, probs)
	}
	if v, _ := evs[0].Ev.Get("Path"); v != `C:\Temp\ü😀.aspx` {
		t.Errorf("Path %q", v)
	}
	evs, _, probs = readAll(t, lone)
	if len(probs) != 0 || len(evs) != 1 {
		t.Fatalf("%v %v", evs, probs)
	}
	if v, _ := evs[0].Ev.Get("P"); v != "\uFFFDx" {
		t.Errorf("P %q", v)
	}
}

// countingReader counts the bytes handed out.
type countingReader struct {
	r *strings.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// A large array is streamed: its first event arrives after little more than one read buffer.
func TestArrayStreams(t *testing.T) {
	const n = 20000
	var sb strings.Builder
	sb.WriteString("[\n")
	for i := range n {
		if i > 0 {
			sb.WriteString(",\n")
		}
		fmt.Fprintf(&sb, `  {"EventID":%d,"TimeCreated":"2021-03-03T04:00:00Z","CommandLine":"%s"}`, i%65536, strings.Repeat("x", 200))
	}
	sb.WriteString("\n]\n")
	cr := &countingReader{r: strings.NewReader(sb.String())}
	var readAtFirst, events int64 = -1, 0
	var last int64
	st, probs := Read(context.Background(), cr, "big.json", func(ev *winevent.Event, line int64) {
		if readAtFirst < 0 {
			readAtFirst = cr.n
		}
		events++
		last = line
	})
	if len(probs) != 0 || st.Events != n || events != n || last != n+1 || st.Bytes != int64(sb.Len()) {
		t.Fatalf("%+v %v events %d last line %d", st, probs, events, last)
	}
	if readAtFirst > 2*readSize {
		t.Errorf("the first event came after %d of %d bytes were read", readAtFirst, sb.Len())
	}
}

// In UTF-16 input, problems carry the input offset of their line's start and the column in
// decoded text.
func TestUTF16Problems(t *testing.T) {
	lines := ev1 + "\n" + "oops\n" + ev2 + "\n" + `{"EventID":3,,}` + "\n"
	in := encodeUTF16(lines, false, true)
	evs, st, probs := readAll(t, in)
	if d := cmp.Diff([]string{"1:1:10", "3:2:11"}, ids(evs)); d != "" {
		t.Error(d)
	}
	line2 := int64(2 + 2*(len(ev1)+1))
	line4 := line2 + int64(2*(5+len(ev2)+1))
	checkProblems(t, probs, []wantProblem{
		{2, line2, []string{"column 1", `"oops"`}},
		{4, line4, []string{"column 14", "invalid character ','"}},
	})
	if st.Lines != 4 || st.Bytes != int64(len(in)) {
		t.Errorf("%+v", st)
	}
}
