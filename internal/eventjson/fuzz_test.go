package eventjson

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/winevent"
)

// FuzzRead feeds arbitrary bytes to Read and checks what must hold for any input: no panic,
// every byte and line counted, problems bounded and placed inside the input, events in line
// order. When the input is clean JSON Lines (every line one valid object), it also checks that
// every line gave an event and, for flat objects, that each plain string member came through
// with encoding/json's own decoding (escapes, surrogates, invalid UTF-8).
func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"EventID":1,"Channel":"Security","@timestamp":"2021-03-03T04:00:00Z","CommandLine":"a\u00e9\ud83d\ude00\"b"}` + "\n"))
	f.Add([]byte("[\n {\"Id\": 4688, \"Properties\": [{\"Value\": \"x\"}]},\n 2\n]"))
	f.Add([]byte("\xff\xfe{\x00}\x00\n\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var lines []int64
		var evs []winevent.Event
		st, probs := Read(context.Background(), bytes.NewReader(data), "f.json", func(ev *winevent.Event, line int64) {
			lines = append(lines, line)
			e := *ev
			e.Data = slices.Clone(ev.Data)
			evs = append(evs, e)
			if len(ev.Data) > MaxFields {
				t.Fatalf("%d fields", len(ev.Data))
			}
		})
		if st.Bytes != int64(len(data)) || st.Events != int64(len(lines)) {
			t.Fatalf("stats %+v for %d bytes, %d events", st, len(data), len(lines))
		}
		_, utf16 := openSource(bufio.NewReader(bytes.NewReader(data))).(*utf16Source)
		if !utf16 {
			want := int64(bytes.Count(data, []byte{'\n'}))
			if len(data) > 0 && data[len(data)-1] != '\n' {
				want++
			}
			if st.Lines != want {
				t.Fatalf("%d lines, want %d", st.Lines, want)
			}
		}
		if len(probs) > MaxProblems+1+int(numValueKinds) {
			t.Fatalf("%d problems", len(probs))
		}
		for _, p := range probs {
			if p.Line < 0 || p.Line > st.Lines+1 || p.Offset < 0 || p.Offset > int64(len(data)) ||
				p.Message == "" {
				t.Fatalf("problem %+v outside the input (%+v)", p, st)
			}
		}
		if !slices.IsSorted(lines) || (len(lines) > 0 && (lines[0] < 1 || lines[len(lines)-1] > st.Lines)) {
			t.Fatalf("event lines %v, %d lines", lines, st.Lines)
		}
		if !utf16 {
			checkCleanLines(t, data, lines, evs, st, probs)
		}
	})
}

// checkCleanLines is the differential part of FuzzRead, for inputs that are clean JSON Lines.
func checkCleanLines(t *testing.T, data []byte, lines []int64, evs []winevent.Event, st Stats, probs []Problem) {
	var want []int64
	var objs [][]byte
	for i, line := range bytes.Split(data, []byte{'\n'}) {
		for {
			l := bytes.TrimLeft(line, " \t\r")
			l = bytes.TrimPrefix(l, []byte("\xEF\xBB\xBF"))
			if len(l) == len(line) {
				break
			}
			line = l
		}
		line = bytes.TrimRight(line, " \t\r")
		if len(line) == 0 {
			continue
		}
		if line[0] != '{' || !json.Valid(line) || depth(line) > MaxDepth || (bytes.Count(line, []byte{','})+1)*(MaxDepth+1) > maxValues {
			return // not clean: nothing to compare
		}
		want = append(want, int64(i+1))
		objs = append(objs, line)
	}
	if !slices.Equal(lines, want) || st.Skipped != 0 {
		t.Fatalf("clean JSON lines: events on lines %v, want %v; %+v %v", lines, want, st, probs)
	}
	for _, p := range probs {
		if !strings.Contains(p.Message, " event") { // only per-kind value problems are allowed
			t.Fatalf("clean JSON lines: problem %v", p)
		}
	}
	for i, obj := range objs {
		checkFlatStrings(t, obj, &evs[i])
	}
}

// checkFlatStrings checks that a flat object's plain string members are data fields with the
// values encoding/json decodes.
func checkFlatStrings(t *testing.T, obj []byte, ev *winevent.Event) {
	var m map[string]any
	if json.Unmarshal(obj, &m) != nil || len(m) > MaxFields/2 {
		return
	}
	seen := map[string]bool{}
	for k, v := range m {
		low := strings.ToLower(k)
		if _, ok := v.(map[string]any); ok && (low == "system" || low == "event") {
			return // an EVTX converter's shape
		}
		if low == "winlog" || strings.HasPrefix(low, "winlog.") || seen[low] {
			return // Winlogbeat's shape, or names that differ only in case
		}
		seen[low] = true
	}
	if len(m) != countKeys(obj) {
		return // duplicate keys: encoding/json keeps the last, Event.Get finds the first
	}
	for k, v := range m {
		s, ok := v.(string)
		low := strings.ToLower(k)
		_, _, sys := alias([]byte(low))
		if !ok || k == "" || len(k) > maxName || (sys && low != "utctime") || isParam(k) > 0 || low == "eventdata" || low == "userdata" {
			continue
		}
		// A nested member of another key may be flattened to the same name ({"":[[0]],"1":""}
		// gives "1" twice): the member's own value must be among the fields of that name.
		var got []string
		for _, f := range ev.Data {
			if f.Name == k {
				got = append(got, f.Value)
			}
		}
		if len(got) == 0 {
			t.Fatalf("field %q missing from %+v", k, ev.Data)
		}
		if !slices.Contains(got, s) {
			t.Fatalf("field %q = %q, encoding/json says %q", k, got, s)
		}
	}
}

// countKeys counts the members of a valid JSON object.
func countKeys(obj []byte) int {
	d := json.NewDecoder(bytes.NewReader(obj))
	if _, err := d.Token(); err != nil {
		return -1
	}
	n := 0
	for d.More() {
		if _, err := d.Token(); err != nil {
			return -1
		}
		var skip json.RawMessage
		if err := d.Decode(&skip); err != nil {
			return -1
		}
		n++
	}
	return n
}

// depth is the deepest nesting of a valid JSON text.
func depth(b []byte) int {
	d, most, inStr, esc := 0, 0, false, false
	for _, c := range b {
		switch {
		case esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '{' || c == '[':
			d++
			most = max(most, d)
		case c == '}' || c == ']':
			d--
		}
	}
	return most
}

// FuzzParse holds the tree parser against encoding/json: for any valid JSON value within the
// depth cap, the tree rebuilt as Go values equals what encoding/json decodes (numbers by their
// spelling, duplicate keys last-wins in both).
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"a":[1,-2.5e3,true,false,null,{"b":"c\u00e9\ud83d\ude00\ud800"}],"a":"dup","":{}}`))
	f.Add([]byte(`"x\"\\\/\b\f\n\r\t` + "\xff" + `"`))
	f.Add([]byte(` [ [] , { } , 0 ] `))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) || depth(data) > MaxDepth {
			return
		}
		var tr tree
		if err := tr.parse(data); err != nil {
			if err != errTooManyValues {
				t.Fatal(err)
			}
			return
		}
		d := json.NewDecoder(bytes.NewReader(data))
		d.UseNumber()
		var want any
		if err := d.Decode(&want); err != nil {
			t.Fatal(err)
		}
		got := rebuild(&tr, 0)
		if !reflectEqual(got, want) {
			t.Fatalf("tree %#v, encoding/json %#v", got, want)
		}
	})
}

func rebuild(tr *tree, n int32) any {
	nd := tr.nodes[n]
	switch nd.kind {
	case kNull:
		return nil
	case kBool:
		return nd.val == "true"
	case kNum:
		return json.Number(nd.val)
	case kStr:
		return nd.val
	case kObj:
		m := map[string]any{}
		for c := nd.first; c >= 0; c = tr.nodes[c].next {
			m[tr.nodes[c].key] = rebuild(tr, c)
		}
		return m
	}
	s := []any{}
	for c := nd.first; c >= 0; c = tr.nodes[c].next {
		s = append(s, rebuild(tr, c))
	}
	return s
}

func reflectEqual(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !reflectEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !reflectEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}
