package evtxwrite

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/evtx/evtxexporttest"
)

// checkInfo runs evtxinfo, which (unlike evtxexport) checks the chunk
// CRC32s and reports "Is corrupted" when one is wrong.
func checkInfo(t *testing.T, path string, records int) {
	t.Helper()
	s := evtxexporttest.Info(t, path)
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
func compare(t *testing.T, got []evtxexporttest.Record, want []Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("evtxexport found %d records, wrote %d", len(got), len(want))
	}
	var prev uint64
	for i, w := range want {
		g := got[i]
		id := w.RecordID
		if id == 0 {
			id = prev + 1
		}
		prev = id
		wantTime := w.TimeCreated.UTC().Truncate(100 * time.Nanosecond)
		gotTime, err := g.Time()
		if err != nil {
			t.Errorf("record %d: time %q: %v", i, g.SystemTime, err)
		}
		if g.EventRecordID != id || g.EventID != uint32(w.EventID) || g.Level != w.Level ||
			!gotTime.Equal(wantTime) || g.Provider != w.Provider ||
			g.Computer != w.Computer || g.Channel != w.Channel {
			t.Errorf("record %d: got %+v, want id %d time %v and %+v", i, g, id, wantTime, w)
		}
		wantData := w.Data
		if w.UserData != nil {
			wantData = w.UserData.Fields
		}
		var want []evtxexporttest.Field
		for _, f := range wantData {
			want = append(want, evtxexporttest.Field{Name: f.Name, Value: f.Value})
		}
		if w.Binary != nil {
			want = append(want, evtxexporttest.Field{Name: "Binary", Value: fmt.Sprintf("%X", w.Binary)})
		}
		if fmt.Sprintf("%q", g.Data) != fmt.Sprintf("%q", want) {
			t.Errorf("record %d: fields %q, want %q", i, g.Data, want)
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
	compare(t, evtxexporttest.Export(t, path), events)
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
	compare(t, evtxexporttest.Export(t, path), events)
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
	evtxexporttest.Need(t, evtxexporttest.Evtxinfo)
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
	out, _ := exec.Command(evtxexporttest.Evtxinfo, path).CombinedOutput()
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

func TestRecordHeaders(t *testing.T) {
	events := fewEvents()
	path := writeFile(t, events)
	ids, times := evtxexporttest.WrittenTimes(t, path)
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

// shapes covers every event shape the writer knows: manifest EventData,
// classic unnamed Data with Qualifiers and Binary, UserData, a user SID.
func shapes() []Event {
	return []Event{
		{Provider: "MSExchange CmdletLogs", EventID: 1, Qualifiers: 16384, Level: 4, TimeCreated: baseTime(),
			Computer: "EXCH01.corp.local", Channel: "MSExchange Management",
			Data: []Field{
				{"", "Set-OabVirtualDirectory"},
				{"", `-ExternalUrl "http://x/#<script language=""JScript"" runat=""server"">function Page_Load(){}</script>" -Identity "OAB (Default Web Site)"`},
				{"", "EXCH01/Users/Administrator"},
				{"", ""},
			},
			Binary: []byte{0x01, 0x02, 0xfe, 0xff}},
		{Provider: "Microsoft-Windows-Eventlog", EventID: 1102, Level: 4, TimeCreated: baseTime().Add(time.Second),
			Computer: "EXCH01.corp.local", Channel: "Security", ProcessID: 1064, ThreadID: 4232,
			UserData: &UserData{Name: "LogFileCleared", Namespace: "http://manifests.microsoft.com/win/2004/08/windows/eventlog",
				Fields: []Field{{"SubjectUserSid", "S-1-5-21-1-2-3-500"}, {"SubjectUserName", "Administrator"}, {"SubjectDomainName", "CORP"}, {"SubjectLogonId", "0x3e7"}}}},
		{Provider: "Microsoft-Windows-Sysmon", EventID: 1, Level: 4, TimeCreated: baseTime().Add(2 * time.Second),
			Computer: "EXCH01.corp.local", Channel: "Microsoft-Windows-Sysmon/Operational", UserID: "S-1-5-18",
			Data: []Field{{"Image", `C:\Windows\System32\cmd.exe`}, {"ParentImage", `C:\Windows\System32\inetsrv\w3wp.exe`}}},
		{Provider: "Service Control Manager", EventID: 7045, TimeCreated: baseTime().Add(3 * time.Second),
			Computer: "EXCH01.corp.local", Channel: "System"},
	}
}

func TestShapes(t *testing.T) {
	events := shapes()
	for _, opts := range []Options{{}, {Inline: true}} {
		var buf bytes.Buffer
		if err := WriteOptions(&buf, events, opts); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "shapes.evtx")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		compare(t, evtxexporttest.Export(t, path), events)
		checkInfo(t, path, len(events))
		checkCRCs(t, buf.Bytes())
	}
}

// TestSharing checks that a chunk defines each template and name once: the
// shared file holds many more records per chunk than the inline one, both
// read the same in evtxexport, and the string table links every name.
func TestSharing(t *testing.T) {
	events := manyEvents(3000)
	var shared, inline bytes.Buffer
	if err := Write(&shared, events); err != nil {
		t.Fatal(err)
	}
	if err := WriteOptions(&inline, events, Options{Inline: true}); err != nil {
		t.Fatal(err)
	}
	ns, ni := (shared.Len()-fileHeaderSize)/chunkSize, (inline.Len()-fileHeaderSize)/chunkSize
	if ns*2 > ni {
		t.Errorf("sharing: %d chunks, inline: %d; want sharing to need less than half", ns, ni)
	}
	raw := shared.Bytes()
	le := binary.LittleEndian
	// Names: every name structure reachable from the table sits in its
	// hash bucket, and the element names of the System template are there.
	c := raw[fileHeaderSize : fileHeaderSize+chunkSize]
	found := map[string]bool{}
	for b := 0; b < 64; b++ {
		for off, n := le.Uint32(c[128+4*b:]), 0; off != 0; off, n = le.Uint32(c[off:]), n+1 {
			if n > 100 || int(off)+8 > len(c) {
				t.Fatalf("bucket %d: bad chain at 0x%x", b, off)
			}
			if int(le.Uint16(c[off+4:]))%64 != b {
				t.Errorf("name at 0x%x in bucket %d has hash %d", off, b, le.Uint16(c[off+4:]))
			}
			size := int(le.Uint16(c[off+6:]))
			found[string(utf16Decode(c[off+8:off+8+uint32(2*size)]))] = true
		}
	}
	for _, name := range []string{"Event", "System", "Provider", "EventID", "TimeCreated", "EventData", "Data", "Name", "Computer"} {
		if !found[name] {
			t.Errorf("name %q not in the chunk string table", name)
		}
	}
	// Each System template (one per computer name, as in Windows files) is
	// defined once in a shared chunk, once per record in an inline one.
	ic := inline.Bytes()[fileHeaderSize : fileHeaderSize+chunkSize]
	inlineDefs := 0
	for i := 0; i < 7; i++ {
		key, err := templateKey(systemTemplate(events[i].Computer, false))
		if err != nil {
			t.Fatal(err)
		}
		sum := md5GUID(key)
		if n := bytes.Count(c, sum); n != 1 {
			t.Errorf("System template of %s found %d times in chunk 0, want 1", events[i].Computer, n)
		}
		inlineDefs += bytes.Count(ic, sum)
	}
	if recs := int(le.Uint64(ic[32:]) - le.Uint64(ic[24:]) + 1); inlineDefs != recs || recs < 2 {
		t.Errorf("inline: %d System template definitions in chunk 0 of %d records, want one per record", inlineDefs, recs)
	}
	paths := []string{filepath.Join(t.TempDir(), "shared.evtx"), filepath.Join(t.TempDir(), "inline.evtx")}
	for i, b := range [][]byte{shared.Bytes(), inline.Bytes()} {
		if err := os.WriteFile(paths[i], b, 0o644); err != nil {
			t.Fatal(err)
		}
		compare(t, evtxexporttest.Export(t, paths[i]), events)
	}
}

func utf16Decode(b []byte) []rune {
	var r []rune
	for i := 0; i+1 < len(b); i += 2 {
		r = append(r, rune(binary.LittleEndian.Uint16(b[i:])))
	}
	return r
}

// TestSIDValue checks the SID encoder against a known SID's bytes.
func TestSIDValue(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []byte
	}{
		{"S-1-5-18", []byte{1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}},
		{"S-1-5-21-1-2-3-500", []byte{1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xf4, 1, 0, 0}},
		{"S-1-1-0", []byte{1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}},
	} {
		if got := SID(c.in).Data; !bytes.Equal(got, c.want) {
			t.Errorf("SID(%q) = % x, want % x", c.in, got, c.want)
		}
	}
}

func TestRecordErrors(t *testing.T) {
	big := make([]byte, 70000)
	for _, c := range []struct {
		name string
		rec  Record
		want string
	}{
		{"text document", Record{Doc: Text("x")}, "a document is an *Instance or an *Elem"},
		{"instance without template", Record{Doc: &Instance{}}, "without a template"},
		{"value over 64 KiB", Record{Doc: &Instance{Template: &Elem{Name: "E"}, Values: []Value{{Type: TypeBinary, Data: big}}}}, "does not fit"},
		{"record over a chunk", Record{Doc: &Elem{Name: "E", Children: []Node{Text(strings.Repeat("x", 20000)), Text(strings.Repeat("y", 20000))}}}, "does not fit"},
	} {
		err := WriteRecords(&bytes.Buffer{}, []Record{c.rec}, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

// TestStreamingRecords checks that Writer.AddRecord with options writes
// what WriteRecords writes.
func TestStreamingRecords(t *testing.T) {
	recs := make([]Record, 0, 800)
	for _, e := range manyEvents(800) {
		recs = append(recs, e.Record())
	}
	for _, opts := range []Options{{}, {Inline: true}} {
		var want bytes.Buffer
		if err := WriteRecords(&want, recs, opts); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(t.TempDir(), "stream.evtx"))
		if err != nil {
			t.Fatal(err)
		}
		wr, err := NewWriterOptions(f, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if err := wr.AddRecord(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := wr.Close(); err != nil {
			t.Fatal(err)
		}
		if err := wr.Close(); err == nil {
			t.Error("second Close succeeded")
		}
		f.Close()
		got, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("inline=%v: Writer output (%d bytes) differs from WriteRecords (%d bytes)", opts.Inline, len(got), want.Len())
		}
	}
}
