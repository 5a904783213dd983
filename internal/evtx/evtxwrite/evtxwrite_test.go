package evtxwrite

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	evtxexport = "/usr/bin/evtxexport"
	evtxinfo   = "/usr/bin/evtxinfo"
)

// xEvent is the part of evtxexport's XML output the tests compare.
type xEvent struct {
	System struct {
		Provider struct {
			Name string `xml:"Name,attr"`
		}
		EventID     uint16
		Level       uint8
		TimeCreated struct {
			SystemTime string `xml:"SystemTime,attr"`
		}
		EventRecordID uint64
		Channel       string
		Computer      string
	}
	EventData struct {
		Data []struct {
			Name  string `xml:"Name,attr"`
			Value string `xml:",chardata"`
		}
	}
}

func needTool(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s not installed (Debian package libevtx-utils); cannot check fixtures against libevtx", path)
	}
}

// exportXML runs evtxexport -f xml on path and parses its events.
func exportXML(t *testing.T, path string) []xEvent {
	t.Helper()
	needTool(t, evtxexport)
	cmd := exec.Command(evtxexport, "-f", "xml", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("evtxexport %s: %v\n%s", path, err, stderr.String())
	}
	// The output is a banner line followed by <Event> documents.
	_, body, _ := strings.Cut(string(out), "\n")
	var doc struct {
		Events []xEvent `xml:"Event"`
	}
	if err := xml.Unmarshal([]byte("<Events>"+body+"</Events>"), &doc); err != nil {
		t.Fatalf("parse evtxexport output: %v\n%s", err, out)
	}
	return doc.Events
}

// checkInfo runs evtxinfo, which (unlike evtxexport) checks the chunk
// CRC32s and reports "Is corrupted" when one is wrong.
func checkInfo(t *testing.T, path string, records int) {
	t.Helper()
	needTool(t, evtxinfo)
	out, err := exec.Command(evtxinfo, path).CombinedOutput()
	if err != nil {
		t.Fatalf("evtxinfo: %v\n%s", err, out)
	}
	s := string(out)
	if strings.Contains(s, "corrupted") {
		t.Errorf("evtxinfo says the file is corrupted:\n%s", s)
	}
	if want := fmt.Sprintf("Number of records\t\t: %d\n", records); !strings.Contains(s, want) {
		t.Errorf("evtxinfo: want %q in\n%s", want, s)
	}
	if !strings.Contains(s, "Version\t\t\t\t: 3.1") {
		t.Errorf("evtxinfo: want version 3.1 in\n%s", s)
	}
}

func writeFile(t *testing.T, events []Event) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, events); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "fixture.evtx")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// compare checks evtxexport's view of the file against what was written.
func compare(t *testing.T, got []xEvent, want []Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("evtxexport found %d records, wrote %d", len(got), len(want))
	}
	var prev uint64
	for i, w := range want {
		g := got[i].System
		id := w.RecordID
		if id == 0 {
			id = prev + 1
		}
		prev = id
		wantTime := w.TimeCreated.UTC().Truncate(100 * time.Nanosecond)
		gotTime, err := time.Parse(time.RFC3339Nano, g.TimeCreated.SystemTime)
		if err != nil {
			t.Errorf("record %d: time %q: %v", i, g.TimeCreated.SystemTime, err)
		}
		if g.EventRecordID != id || g.EventID != w.EventID || g.Level != w.Level ||
			!gotTime.Equal(wantTime) || g.Provider.Name != w.Provider ||
			g.Computer != w.Computer || g.Channel != w.Channel {
			t.Errorf("record %d: got %+v, want id %d time %v and %+v", i, g, id, wantTime, w)
		}
		data := got[i].EventData.Data
		if len(data) != len(w.Data) {
			t.Errorf("record %d: %d Data elements, want %d", i, len(data), len(w.Data))
			continue
		}
		for j, f := range w.Data {
			if data[j].Name != f.Name || data[j].Value != f.Value {
				t.Errorf("record %d Data %d: got %s=%q, want %s=%q", i, j, data[j].Name, data[j].Value, f.Name, f.Value)
			}
		}
	}
}

func baseTime() time.Time { return time.Date(2021, 3, 3, 4, 5, 6, 123456700, time.UTC) }

func fewEvents() []Event {
	return []Event{
		{Provider: "Microsoft-Windows-Security-Auditing", EventID: 4688, Level: 0, TimeCreated: baseTime(),
			Computer: "EXCH01.corp.local", Channel: "Security",
			Data: []Field{
				{"NewProcessName", `C:\Windows\System32\cmd.exe`},
				{"CommandLine", `cmd.exe /c "whoami & net group ""Domain Admins"" /domain" > C:\inetpub\wwwroot\aspnet_client\a.txt`},
				{"ParentProcessName", `c:\windows\system32\inetsrv\w3wp.exe`},
				{"TokenElevationType", ""},
			}},
		{Provider: "Service Control Manager", EventID: 7045, Level: 4, TimeCreated: baseTime().Add(time.Minute),
			Computer: "EXCH01.corp.local", Channel: "System",
			Data: []Field{{"ServiceName", "Dienst für Übung – 日本語"}, {"ImagePath", `%COMSPEC% /c <x>&amp;'"`}}},
		{Provider: "Microsoft-Windows-Eventlog", EventID: 1102, Level: 4, TimeCreated: baseTime().Add(2 * time.Minute),
			RecordID: 1000, Computer: "EXCH01", Channel: "Security"},
		{Provider: "MSExchange Unified Messaging", EventID: 100, Level: 2, TimeCreated: baseTime().Add(3 * time.Hour),
			Computer: "ÉXCH-ü", Channel: "Application",
			Data: []Field{{"Exception", "System.InvalidCastException: Unable to cast object"}}},
	}
}

func TestFewEvents(t *testing.T) {
	events := fewEvents()
	path := writeFile(t, events)
	compare(t, exportXML(t, path), events)
	checkInfo(t, path, len(events))
}

// manyEvents makes enough events, with uneven sizes, to span several chunks.
func manyEvents(n int) []Event {
	events := make([]Event, n)
	for i := range events {
		events[i] = Event{
			Provider: "Microsoft-Windows-Sysmon", EventID: uint16(1 + i%25), Level: 4,
			TimeCreated: baseTime().Add(time.Duration(i) * 1337 * time.Millisecond),
			Computer:    fmt.Sprintf("HOST-%03d", i%7), Channel: "Microsoft-Windows-Sysmon/Operational",
			Data: []Field{
				{"RuleName", ""},
				{"ProcessId", fmt.Sprint(1000 + i)},
				{"Image", `C:\Windows\System32\` + strings.Repeat("x", i%300) + ".exe"},
				{"CommandLine", fmt.Sprintf("powershell -enc %d ÄÖÜ", i)},
			},
		}
	}
	return events
}

func TestManyChunks(t *testing.T) {
	events := manyEvents(3000)
	path := writeFile(t, events)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	chunks := (len(raw) - fileHeaderSize) / chunkSize
	if chunks < 3 || (len(raw)-fileHeaderSize)%chunkSize != 0 {
		t.Fatalf("file of %d bytes: want >= 3 whole chunks", len(raw))
	}
	checkCRCs(t, raw)
	compare(t, exportXML(t, path), events)
	checkInfo(t, path, len(events))
}

// checkCRCs recomputes the checksums independently of the writer, since
// evtxexport does not verify them.
func checkCRCs(t *testing.T, raw []byte) {
	t.Helper()
	le := binary.LittleEndian
	if got, want := le.Uint32(raw[124:]), crc32.ChecksumIEEE(raw[:120]); got != want {
		t.Errorf("file header CRC %08x, want %08x", got, want)
	}
	n := int(le.Uint16(raw[42:]))
	if int(le.Uint64(raw[16:]))+1 != n || (len(raw)-fileHeaderSize)/chunkSize != n {
		t.Errorf("file header: %d chunks, last chunk %d, file has %d", n, le.Uint64(raw[16:]), (len(raw)-fileHeaderSize)/chunkSize)
	}
	for i := 0; i < n; i++ {
		c := raw[fileHeaderSize+i*chunkSize:][:chunkSize]
		free := le.Uint32(c[48:])
		if got, want := le.Uint32(c[52:]), crc32.ChecksumIEEE(c[512:free]); got != want {
			t.Errorf("chunk %d records CRC %08x, want %08x", i, got, want)
		}
		h := append(append([]byte{}, c[:120]...), c[128:512]...)
		if got, want := le.Uint32(c[124:]), crc32.ChecksumIEEE(h); got != want {
			t.Errorf("chunk %d header CRC %08x, want %08x", i, got, want)
		}
	}
}

// TestCorruptionDetected makes sure checkInfo would notice a bad CRC, so
// its silence on the fixtures means something.
func TestCorruptionDetected(t *testing.T) {
	needTool(t, evtxinfo)
	var buf bytes.Buffer
	if err := Write(&buf, fewEvents()); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	raw[fileHeaderSize+52] ^= 0xff // chunk 0 records CRC
	path := filepath.Join(t.TempDir(), "bad.evtx")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(evtxinfo, path).CombinedOutput()
	if !strings.Contains(string(out), "Is corrupted") {
		t.Errorf("evtxinfo did not notice a bad chunk CRC:\n%s", out)
	}
}

func TestDeterministic(t *testing.T) {
	events := append(fewEvents(), manyEvents(500)...)
	var a, b bytes.Buffer
	if err := Write(&a, events); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, events); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two writes of the same events differ")
	}
}

// TestStreamingWriter checks that Writer produces the same bytes as Write.
func TestStreamingWriter(t *testing.T) {
	events := manyEvents(1200)
	var want bytes.Buffer
	if err := Write(&want, events); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "stream.evtx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if err := w.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("Writer output (%d bytes) differs from Write (%d bytes)", len(got), want.Len())
	}
}

func TestRecordTooLarge(t *testing.T) {
	big := Event{Provider: "P", TimeCreated: baseTime(), Data: []Field{{"Big", strings.Repeat("a", 40000)}}}
	err := Write(&bytes.Buffer{}, []Event{big})
	if err == nil || !strings.Contains(err.Error(), "does not fit") {
		t.Fatalf("want ErrRecordTooLarge, got %v", err)
	}
}

// writtenTimes reads the record ids and the record header times
// ("Written time", not TimeCreated) from evtxexport's text output.
func writtenTimes(t *testing.T, path string) (ids []uint64, times []time.Time) {
	t.Helper()
	needTool(t, evtxexport)
	out, err := exec.Command(evtxexport, path).Output()
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

func TestRecordHeaders(t *testing.T) {
	events := fewEvents()
	path := writeFile(t, events)
	ids, times := writtenTimes(t, path)
	wantIDs := []uint64{1, 2, 1000, 1001}
	if fmt.Sprint(ids) != fmt.Sprint(wantIDs) || len(times) != len(events) {
		t.Fatalf("evtxexport: ids %v (want %v), %d times", ids, wantIDs, len(times))
	}
	for i, e := range events {
		if want := e.TimeCreated.Truncate(100 * time.Nanosecond); !times[i].Equal(want) {
			t.Errorf("record %d written time %v, want %v", i, times[i], want)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The jump to 1000 must have started a second chunk.
	if n := (len(raw) - fileHeaderSize) / chunkSize; n != 2 {
		t.Errorf("%d chunks, want 2", n)
	}
	checkCRCs(t, raw)
}

func TestNonBMPEncoding(t *testing.T) {
	var buf bytes.Buffer
	e := Event{Provider: "P", TimeCreated: baseTime(), Data: []Field{{"S", "😀"}}}
	if err := Write(&buf, []Event{e}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte{0x3d, 0xd8, 0x00, 0xde}) {
		t.Error("U+1F600 not written as the surrogate pair D83D DE00")
	}
}

func TestFiletime(t *testing.T) {
	for _, c := range []struct {
		t    time.Time
		want uint64
	}{
		{time.Time{}, 0},
		{time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{time.Unix(0, 0), 116444736000000000},
		{time.Date(2019, 7, 19, 14, 42, 53, 295578600, time.UTC), 0x01d53e403efdee8a},
	} {
		if got := filetime(c.t); got != c.want {
			t.Errorf("filetime(%v) = %#x, want %#x", c.t, got, c.want)
		}
	}
}
