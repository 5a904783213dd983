package eventjson

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/exsweep/exsweep/internal/winevent"
)

// wantProblem is a problem expected at a line and offset, its message holding every part.
type wantProblem struct {
	line, off int64
	parts     []string
}

func checkProblems(t *testing.T, got []Problem, want []wantProblem) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d problems, want %d:", len(got), len(want))
		for _, p := range got {
			t.Logf("  %d@%d %s", p.Line, p.Offset, p.Message)
		}
		return
	}
	for i, w := range want {
		p := got[i]
		if p.Line != w.line || p.Offset != w.off {
			t.Errorf("problem %d at line %d offset %d, want line %d offset %d: %s", i, p.Line, p.Offset, w.line, w.off, p.Message)
		}
		if strings.HasPrefix(p.Message, "t.json") {
			t.Errorf("problem %d %q repeats the input's name: the caller prints it", i, p.Message)
		}
		for _, part := range w.parts {
			if !strings.Contains(p.Message, part) {
				t.Errorf("problem %d %q lacks %q", i, p.Message, part)
			}
		}
	}
}

func TestHostile(t *testing.T) {
	// Lines are joined with "\n"; offsets below are counted by hand from these lengths.
	good := `{"EventID":1,"@timestamp":"2021-03-03T04:00:00Z"}` // 49 bytes, 50 with its newline
	long := `{"EventID":9,"@timestamp":"2021-03-03T04:00:00Z","x":"` + strings.Repeat("A", MaxObject) + `"}`
	deep := `{"EventID":9,"a":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`
	many := `{"EventID":9,"a":[` + strings.Repeat("0,", maxValues) + `0]}`
	tests := []struct {
		name    string
		lines   []string
		events  []string // line:eventid:recordid
		skipped int64
		want    []wantProblem
	}{
		{
			name:    "a line that is not JSON",
			lines:   []string{good, "2021-03-03 04:00:00 W3SVC1 GET /owa/auth/x.js", good},
			events:  []string{"1:1:0", "3:1:0"},
			skipped: 1,
			want:    []wantProblem{{2, 50, []string{"column 1", "not a JSON object", `"2021-03-03 04:00:00 W3SV"`}}},
		},
		{
			name:    "invalid JSON: the parser's column",
			lines:   []string{good, `{"EventID":1,,"x":2}`, good},
			events:  []string{"1:1:0", "3:1:0"},
			skipped: 1,
			want:    []wantProblem{{2, 50 + 13, []string{"column 14", "invalid character ','"}}},
		},
		{
			name:    "a truncated line does not swallow the next",
			lines:   []string{good, `{"EventID":1,"EventData":{"a":"b"}`, good},
			events:  []string{"1:1:0", "3:1:0"},
			skipped: 1,
			want:    []wantProblem{{2, 50, []string{"not closed before the next line", "(line 2)"}}},
		},
		{
			name:    "a line cut inside a string",
			lines:   []string{`{"EventID":1,"CommandLine":"cmd /c who`, good},
			events:  []string{"2:1:0"},
			skipped: 1,
			want:    []wantProblem{{1, 38, []string{"column 39", `invalid character '\n' in string literal`}}},
		},
		{
			name:    "a line over the cap, then the next line",
			lines:   []string{long, good},
			events:  []string{"2:1:0"},
			skipped: 1,
			want:    []wantProblem{{1, 0, []string{fmt.Sprintf("is %d bytes, over the %d-byte cap", len(long), MaxObject)}}},
		},
		{
			name:    "nesting deeper than the cap",
			lines:   []string{good, deep, good},
			events:  []string{"1:1:0", "3:1:0"},
			skipped: 1,
			want:    []wantProblem{{2, 50, []string{"nests deeper than 64 levels"}}},
		},
		{
			name:    "too many values",
			lines:   []string{many, good},
			events:  []string{"2:1:0"},
			skipped: 1,
			want:    []wantProblem{{1, 0, []string{"holds more than 65536 JSON values"}}},
		},
		{
			name:    "NUL bytes: a line of them, and one in a string",
			lines:   []string{"\x00\x00\x00\x00", `{"EventID":1,"a":"` + "\x00" + `"}`, good},
			events:  []string{"3:1:0"},
			skipped: 2,
			want: []wantProblem{
				{1, 0, []string{"column 1", "not a JSON object", `"\x00\x00\x00\x00"`}},
				{2, 5 + 18, []string{"column 19", `invalid character '\x00' in string literal`}},
			},
		},
		{
			name:    "trailing data after an object",
			lines:   []string{good + ` xyz`, good},
			events:  []string{"1:1:0", "2:1:0"},
			skipped: 1,
			want:    []wantProblem{{1, 50, []string{"column 51", `"xyz"`}}},
		},
		{
			name:    "the input ends inside an object",
			lines:   []string{good, `{"EventID":1,"a":[1,2`},
			events:  []string{"1:1:0"},
			skipped: 1,
			want:    []wantProblem{{2, 50, []string{"the input ends inside the object"}}},
		},
		{
			name:   "an array not closed at the end",
			lines:  []string{"[", good + ",", good + ","},
			events: []string{"2:1:0", "3:1:0"},
			want:   []wantProblem{{1, 0, []string{"JSON array that starts here is not closed"}}},
		},
		{
			name:    "a bracketed log line is not an array",
			lines:   []string{"[2021-03-03 04:00:00] INFO started", good},
			events:  []string{"2:1:0"},
			skipped: 1,
			want:    []wantProblem{{1, 1, []string{"column 2", "not a JSON object"}}},
		},
		{
			name:    "array elements that are not objects",
			lines:   []string{"[", good + ",", "2,", `"x",`, good, "]"},
			events:  []string{"2:1:0", "5:1:0"},
			skipped: 2,
			want:    []wantProblem{{3, 53, []string{"2 array elements that are not objects", `"2,"`}}},
		},
		{
			name:    "a stray byte order mark start",
			lines:   []string{"\xEF\xBB" + good, good},
			events:  []string{"2:1:0"},
			skipped: 1,
			want:    []wantProblem{{1, 0, []string{"column 1", "not a JSON object"}}},
		},
		{
			name:   "invalid UTF-8 becomes U+FFFD, the event is kept",
			lines:  []string{`{"EventID":1,"@timestamp":"2021-03-03T04:00:00Z","CommandLine":"a` + "\xff\xfe" + `b"}`},
			events: []string{"1:1:0"},
		},
		{
			name:   "bad and missing values: one problem per kind with its first line and count",
			lines:  []string{`{"EventID":"x","TimeCreated":"yesterday","Level":"loud","EventRecordID":"r"}`, `{"EventID":1}`, `{"EventID":"y","TimeCreated":"3/3/21"}`, `{}`},
			events: []string{"1:0:0", "2:1:0", "3:0:0", "4:0:0"},
			want: []wantProblem{
				{1, 0, []string{"2 events with a time in no known format", `"yesterday"`}},
				{2, 77, []string{"2 events without a time field"}},
				{1, 0, []string{"2 events whose event id is not a number", `"x"`}},
				{4, 130, []string{"1 event without an event id"}},
				{1, 0, []string{"1 event with a level", `"loud"`}},
				{1, 0, []string{"1 event whose record id is not a number", `"r"`}},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := strings.Join(tc.lines, "\n") + "\n"
			evs, st, probs := readAll(t, in)
			if d := cmp.Diff(tc.events, ids(evs)); d != "" {
				t.Errorf("events (-want +got):\n%s", d)
			}
			if st.Skipped != tc.skipped || st.Lines != int64(len(tc.lines)) || st.Bytes != int64(len(in)) {
				t.Errorf("stats %+v", st)
			}
			checkProblems(t, probs, tc.want)
		})
	}
}

// A read error is a problem at the position reached; what was read before it counts.
func TestReadError(t *testing.T) {
	good := `{"EventID":1,"@timestamp":"2021-03-03T04:00:00Z"}` + "\n"
	var n int
	st, probs := Read(context.Background(), io.MultiReader(strings.NewReader(good+good), iotest.ErrReader(errors.New("device not ready"))), "t.json",
		func(*winevent.Event, int64) { n++ })
	if n != 2 || st.Events != 2 || st.Lines != 2 || st.Bytes != 100 {
		t.Errorf("%d events, %+v", n, st)
	}
	checkProblems(t, probs, []wantProblem{{3, 100, []string{"read error: device not ready"}}})
}

func TestInvalidUTF8Value(t *testing.T) {
	evs, _, _ := readAll(t, `{"EventID":1,"CommandLine":"a`+"\xff\xfe"+`b","K\u00e9y\ud800":"\ud83d\ude00"}`)
	if len(evs) != 1 {
		t.Fatal(evs)
	}
	want := fields("CommandLine", "a\uFFFD\uFFFDb", "Kéy\uFFFD", "😀")
	if d := cmp.Diff(want, evs[0].Ev.Data); d != "" {
		t.Error(d)
	}
}

// More than MaxFields data fields: the first MaxFields are kept, the event is not lost.
func TestTooManyFields(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`{"EventID":4688,"@timestamp":"2021-03-03T04:00:00Z"`)
	for i := range MaxFields + 100 {
		fmt.Fprintf(&sb, `,"f%d":"v"`, i)
	}
	sb.WriteString("}\n")
	evs, _, probs := readAll(t, sb.String())
	if len(evs) != 1 || len(evs[0].Ev.Data) != MaxFields || evs[0].Ev.EventID != 4688 {
		t.Fatalf("%d events", len(evs))
	}
	checkProblems(t, probs, []wantProblem{{1, 0, []string{"1 event with more than 1024 data fields"}}})
}

// Problems are capped: MaxProblems listed, then one counting the rest from the first dropped.
func TestProblemCap(t *testing.T) {
	in := strings.Repeat("not json\n", 300)
	_, st, probs := readAll(t, in)
	if st.Skipped != 300 || len(probs) != MaxProblems+1 {
		t.Fatalf("%+v, %d problems", st, len(probs))
	}
	last := probs[MaxProblems]
	if last.Line != MaxProblems+1 || last.Offset != 9*MaxProblems || !strings.Contains(last.Message, "200 more problem(s)") {
		t.Errorf("%+v", last)
	}
}

// endless yields n bytes of one byte value without ever holding them.
type endless struct {
	n int64
	c byte
}

func (e *endless) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), e.n)
	for i := range p[:k] {
		p[i] = e.c
	}
	e.n -= k
	return int(k), nil
}

// A huge line (far over the cap, no newline anywhere) costs time, not memory, and is one problem.
func TestHugeLines(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    io.Reader
		want []string
	}{
		{"one open string", io.MultiReader(strings.NewReader(`{"a":"`), &endless{64 << 20, 'A'}), []string{"over the 4194304-byte cap", "input ends inside the object"}},
		{"garbage without a newline", &endless{64 << 20, 'x'}, []string{"not a JSON object"}},
		{"open brackets", io.MultiReader(strings.NewReader(`{"a":`), &endless{64 << 20, '['}), []string{"nests deeper than 64", "input ends inside"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			st, probs := Read(context.Background(), tc.r, "t.json", func(*winevent.Event, int64) { t.Error("an event") })
			if len(probs) != 1 || st.Lines != 1 || st.Skipped != 1 {
				t.Fatalf("%+v %v", st, probs)
			}
			for _, w := range tc.want {
				if !strings.Contains(probs[0].Message, w) {
					t.Errorf("%q lacks %q", probs[0].Message, w)
				}
			}
			t.Logf("%d MiB in %v", st.Bytes>>20, time.Since(start))
		})
	}
}

// Random binary input: no panic, bounded problems, every byte counted.
func TestBinaryGarbage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		b := make([]byte, 1<<16)
		for j := range b {
			b[j] = byte(rng.Uint32())
			if i%2 == 0 && j%7 == 0 {
				b[j] = "{}[]\",:\n\\"[rng.IntN(9)]
			}
		}
		_, st, probs := readAll(t, string(b))
		if st.Bytes != int64(len(b)) || st.Lines != int64(bytes.Count(b, []byte{'\n'}))+1 || len(probs) > MaxProblems+1+int(numValueKinds) {
			t.Fatalf("%+v, %d problems", st, len(probs))
		}
	}
}

func TestCancel(t *testing.T) {
	in := strings.Repeat(`{"EventID":1,"@timestamp":"2021-03-03T04:00:00Z"}`+"\n", 100000)
	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		st, probs := Read(ctx, strings.NewReader(in), "t.json", func(*winevent.Event, int64) { t.Error("an event") })
		checkProblems(t, probs, []wantProblem{{1, 0, []string{"reading stopped before the end of the input: context canceled"}}})
		if st.Events != 0 {
			t.Errorf("%+v", st)
		}
	})
	t.Run("during", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		n := 0
		st, probs := Read(ctx, strings.NewReader(in), "t.json", func(*winevent.Event, int64) {
			n++
			if n == 1000 {
				cancel()
			}
		})
		// The context is checked every 256 objects.
		if st.Events < 1000 || st.Events > 1256 || len(probs) != 1 || !strings.Contains(probs[0].Message, "context canceled") {
			t.Fatalf("%+v %v", st, probs)
		}
		if p := probs[0]; p.Line != st.Events || p.Offset != 50*st.Events-1 {
			t.Errorf("stopped at line %d offset %d after %d events", p.Line, p.Offset, st.Events)
		}
	})
}
