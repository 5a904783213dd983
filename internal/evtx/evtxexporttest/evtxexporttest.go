// Package evtxexporttest runs libevtx's evtxexport (Debian package
// libevtx-utils) and parses what it prints, for tests that check EVTX
// files written by evtxwrite, or read by evtx, against an independent
// implementation.
//
// It reads the XML output into the same shape the reader produces: the
// System fields, EventData <Data> values (named or not) and other EventData
// elements by element name, and the leaf elements under UserData.
package evtxexporttest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Paths of the tools; CI installs libevtx-utils.
const (
	Evtxexport = "/usr/bin/evtxexport"
	Evtxinfo   = "/usr/bin/evtxinfo"
)

// Need skips the test when tool is not installed.
func Need(t testing.TB, tool string) {
	t.Helper()
	if _, err := os.Stat(tool); err != nil {
		t.Skipf("%s not installed (Debian package libevtx-utils); cannot check against libevtx", tool)
	}
}

// Field is one EventData or UserData value.
type Field struct{ Name, Value string }

// Record is evtxexport's view of one event record.
type Record struct {
	Provider      string
	EventID       uint32
	Level         uint8
	SystemTime    string // TimeCreated@SystemTime as printed
	EventRecordID uint64
	Channel       string
	Computer      string
	Data          []Field
}

// Time parses SystemTime; the zero Time when absent.
func (r Record) Time() (time.Time, error) {
	if r.SystemTime == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, r.SystemTime)
}

// Export runs evtxexport -f xml on path and parses every event. Anything
// evtxexport writes to stderr fails the test, since it means a record it
// could not read.
func Export(t testing.TB, path string) []Record {
	t.Helper()
	out, stderr := run(t, path)
	if stderr != "" {
		t.Fatalf("evtxexport %s wrote to stderr:\n%s", path, stderr)
	}
	recs, err := Parse(out)
	if err != nil {
		t.Fatalf("parse evtxexport output for %s: %v", path, err)
	}
	return recs
}

// ExportLoose is Export for damaged files: stderr is returned, not fatal.
func ExportLoose(t testing.TB, path string) ([]Record, string) {
	t.Helper()
	out, stderr := run(t, path)
	recs, err := Parse(out)
	if err != nil {
		t.Fatalf("parse evtxexport output for %s: %v", path, err)
	}
	return recs, stderr
}

func run(t testing.TB, path string) ([]byte, string) {
	t.Helper()
	Need(t, Evtxexport)
	cmd := exec.Command(Evtxexport, "-f", "xml", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && len(out) == 0 {
		t.Fatalf("evtxexport %s: %v\n%s", path, err, stderr.String())
	}
	return out, stderr.String()
}

// node is one element of the output.
type node struct {
	name     string
	attrs    []xml.Attr
	text     strings.Builder
	children []*node
}

func (n *node) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

func (n *node) child(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// Parse reads evtxexport's XML output: a banner line, then <Event>
// documents one after the other.
func Parse(out []byte) ([]Record, error) {
	_, body, _ := bytes.Cut(out, []byte("\n"))
	dec := xml.NewDecoder(bytes.NewReader(sanitize(body, true)))
	dec.Strict = true
	var recs []Record
	var stack []*node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			n := &node{name: tk.Name.Local, attrs: tk.Attr}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			}
			stack = append(stack, n)
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(tk)
			}
		case xml.EndElement:
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				r, err := record(n)
				if err != nil {
					return nil, err
				}
				recs = append(recs, r)
			}
		}
	}
	return recs, nil
}

// sanitize prepares evtxexport's output for Go's XML decoder:
//   - characters XML 1.0 forbids, which evtxexport copies from values as
//     they are, become their own escape (\xNN); callers compare with the
//     same replacement applied (Sanitize);
//   - a carriage return becomes the character reference &#13;, which XML's
//     end-of-line normalisation leaves alone, so values keep their CR LF.
func sanitize(b []byte, crRef bool) []byte {
	var out []byte
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == '\r' && crRef {
			if out == nil {
				out = append(out, b[:i]...)
			}
			out = append(out, "&#13;"...)
			i++
			continue
		}
		if !legal(r, n) {
			if out == nil {
				out = append(out, b[:i]...)
			}
			out = fmt.Appendf(out, `\x%02X`, b[i])
			i++
			continue
		}
		if out != nil {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	if out == nil {
		return b
	}
	return out
}

func legal(r rune, n int) bool {
	if r == utf8.RuneError && n <= 1 {
		return false
	}
	return r == 0x09 || r == 0x0a || r == 0x0d || (r >= 0x20 && r <= 0xd7ff) ||
		(r >= 0xe000 && r <= 0xfffd) || (r >= 0x10000 && r <= 0x10ffff)
}

// Sanitize applies to a value the replacement of forbidden characters
// Parse applies to evtxexport's output.
func Sanitize(s string) string {
	return string(sanitize([]byte(s), false))
}

func record(ev *node) (Record, error) {
	var r Record
	if sys := ev.child("System"); sys != nil {
		if p := sys.child("Provider"); p != nil {
			r.Provider, _ = p.attr("Name")
		}
		if e := sys.child("EventID"); e != nil {
			if _, err := fmt.Sscan(e.text.String(), &r.EventID); err != nil {
				return r, fmt.Errorf("EventID %q: %v", e.text.String(), err)
			}
		}
		if e := sys.child("Level"); e != nil {
			if _, err := fmt.Sscan(e.text.String(), &r.Level); err != nil {
				return r, fmt.Errorf("Level %q: %v", e.text.String(), err)
			}
		}
		if e := sys.child("TimeCreated"); e != nil {
			r.SystemTime, _ = e.attr("SystemTime")
		}
		if e := sys.child("EventRecordID"); e != nil {
			if _, err := fmt.Sscan(e.text.String(), &r.EventRecordID); err != nil {
				return r, fmt.Errorf("EventRecordID %q: %v", e.text.String(), err)
			}
		}
		if e := sys.child("Channel"); e != nil {
			r.Channel = e.text.String()
		}
		if e := sys.child("Computer"); e != nil {
			r.Computer = e.text.String()
		}
	}
	if ed := ev.child("EventData"); ed != nil {
		for _, d := range ed.children {
			name := d.name
			if name == "Data" {
				name, _ = d.attr("Name")
			} else if len(d.children) > 0 {
				continue // a structure, not a value
			}
			r.Data = append(r.Data, Field{name, d.text.String()})
		}
	}
	if ud := ev.child("UserData"); ud != nil {
		for _, w := range ud.children {
			r.Data = appendLeaves(r.Data, w)
		}
	}
	return r, nil
}

// appendLeaves adds every element without element children under n (n
// itself when it has none), in document order.
func appendLeaves(out []Field, n *node) []Field {
	if len(n.children) == 0 {
		return append(out, Field{n.name, n.text.String()})
	}
	for _, c := range n.children {
		out = appendLeaves(out, c)
	}
	return out
}

// WrittenTimes reads the record ids and record header times ("Written
// time", not TimeCreated) from evtxexport's text output.
func WrittenTimes(t testing.TB, path string) (ids []uint64, times []time.Time) {
	t.Helper()
	Need(t, Evtxexport)
	out, err := exec.Command(Evtxexport, path).Output()
	if err != nil {
		t.Fatalf("evtxexport: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		switch strings.TrimSpace(key) {
		case "Event number":
			var id uint64
			if _, err := fmt.Sscan(val, &id); err != nil {
				t.Fatalf("event number %q: %v", val, err)
			}
			ids = append(ids, id)
		case "Written time":
			// The value itself contains colons; take the whole rest.
			_, val, _ = strings.Cut(line, ": ")
			tm, err := time.Parse("Jan 02, 2006 15:04:05.000000000 UTC", val)
			if err != nil {
				t.Fatalf("written time %q: %v", val, err)
			}
			times = append(times, tm)
		}
	}
	return ids, times
}

// Info runs evtxinfo, which (unlike evtxexport) checks the chunk CRC32s and
// reports "Is corrupted" when one is wrong, and returns its output.
func Info(t testing.TB, path string) string {
	t.Helper()
	Need(t, Evtxinfo)
	out, err := exec.Command(Evtxinfo, path).CombinedOutput()
	if err != nil {
		t.Fatalf("evtxinfo: %v\n%s", err, out)
	}
	return string(out)
}
