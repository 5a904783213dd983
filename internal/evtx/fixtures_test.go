package evtx

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/exsweep/exsweep/internal/evtx/evtxexporttest"
	w "github.com/exsweep/exsweep/internal/evtx/evtxwrite"
	"github.com/exsweep/exsweep/internal/winevent"
)

func baseTime() time.Time { return time.Date(2021, 3, 3, 4, 5, 6, 123456700, time.UTC) }

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

// typedValue is one EventData value of a given BinXML type.
type typedValue struct {
	name string
	v    w.Value
}

func systime(y, mo, wd, d, h, mi, s, ms uint16) []byte {
	var b []byte
	for _, v := range []uint16{y, mo, wd, d, h, mi, s, ms} {
		b = binary.LittleEndian.AppendUint16(b, v)
	}
	return b
}

// allTypes is one value of every type (and arrays), with awkward values.
func allTypes() []typedValue {
	guid := []byte{0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}
	return []typedValue{
		{"String", w.String("héllo wörld")},
		{"Ansi", w.Value{Type: w.TypeAnsi, Data: []byte("caf\xe9 \x80 \x81 x")}},
		{"Int8", w.Value{Type: w.TypeInt8, Data: []byte{0x80}}},
		{"Uint8", w.Value{Type: w.TypeUint8, Data: []byte{0xff}}},
		{"Int16", w.Value{Type: w.TypeInt16, Data: le16(0x8000)}},
		{"Uint16", w.Value{Type: w.TypeUint16, Data: le16(0xffff)}},
		{"Int32", w.Value{Type: w.TypeInt32, Data: le32(0x80000000)}},
		{"Uint32", w.Value{Type: w.TypeUint32, Data: le32(4000000000)}},
		{"Int64", w.Value{Type: w.TypeInt64, Data: le64(1 << 63)}},
		{"Uint64", w.Value{Type: w.TypeUint64, Data: le64(math.MaxUint64)}},
		{"Real32", w.Value{Type: w.TypeReal32, Data: le32(math.Float32bits(-1.5))}},
		{"Real64", w.Value{Type: w.TypeReal64, Data: le64(math.Float64bits(1234567.125))}},
		{"BoolTrue", w.Value{Type: w.TypeBool, Data: le32(1)}},
		{"BoolFalse", w.Value{Type: w.TypeBool, Data: le32(0)}},
		{"Binary", w.Value{Type: w.TypeBinary, Data: []byte{0, 1, 0xab, 0xff}}},
		{"GUID", w.Value{Type: w.TypeGUID, Data: guid}},
		{"SizeT4", w.Value{Type: w.TypeSizeT, Data: le32(0xdeadbeef)}},
		{"SizeT8", w.Value{Type: w.TypeSizeT, Data: le64(0x1122334455667788)}},
		{"Filetime", w.Filetime(baseTime())},
		{"Systime", w.Value{Type: w.TypeSysTime, Data: systime(2021, 3, 3, 3, 4, 5, 6, 789)}},
		{"SID", w.SID("S-1-5-21-1004336348-1177238915-682003330-512")},
		{"Hex32", w.Value{Type: w.TypeHex32, Data: le32(0x2d)}},
		{"Hex64", w.Value{Type: w.TypeHex64, Data: le64(0x432c8)}},
	}
}

// typesRecord puts values into EventData Data elements of one template.
func typesRecord(vals []typedValue) w.Record {
	sys := &w.Elem{Name: "System", Children: []w.Node{
		&w.Elem{Name: "Provider", Attrs: []w.Attr{{Name: "Name", Value: []w.Node{w.Text("Types")}}}},
		&w.Elem{Name: "EventID", Children: []w.Node{w.Text("7")}},
		&w.Elem{Name: "Channel", Children: []w.Node{w.Text("Test")}},
		&w.Elem{Name: "Computer", Children: []w.Node{w.Text("HOST")}},
	}}
	ed := &w.Elem{Name: "EventData"}
	var values []w.Value
	for i, tv := range vals {
		ed.Children = append(ed.Children, &w.Elem{Name: "Data",
			Attrs:    []w.Attr{{Name: "Name", Value: []w.Node{w.Text(tv.name)}}},
			Children: []w.Node{w.Sub{Index: uint16(i), Type: tv.v.Type}}})
		values = append(values, tv.v)
	}
	tmpl := &w.Elem{Name: "Event", Children: []w.Node{sys, ed}}
	return w.Record{Written: baseTime(), Doc: &w.Instance{Template: tmpl, Values: values}}
}

func writeRecords(t *testing.T, recs []w.Record, opts w.Options) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := w.WriteRecords(&buf, recs, opts); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "fixture.evtx")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, buf.Bytes()
}

func txt(s string) []w.Node { return []w.Node{w.Text(s)} }

// variedEvents covers the event shapes the hunt reads, with awkward text.
func variedEvents() []w.Event {
	long := strings.Repeat("powershell -enc SQBFAFgA ", 1200) // 30,000 characters
	return []w.Event{
		{Provider: "Microsoft-Windows-Security-Auditing", EventID: 4688, TimeCreated: baseTime(),
			Computer: "EXCH01.corp.local", Channel: "Security", ProcessID: 4, ThreadID: 96,
			Data: []w.Field{
				{Name: "NewProcessName", Value: `C:\Windows\System32\cmd.exe`},
				{Name: "CommandLine", Value: `cmd.exe /c "whoami & net group ""Domain Admins"" /domain" > C:\inetpub\wwwroot\aspnet_client\a.txt`},
				{Name: "ParentProcessName", Value: `c:\windows\system32\inetsrv\w3wp.exe`},
				{Name: "TokenElevationType", Value: ""},
			}},
		{Provider: "Service Control Manager", EventID: 7045, Qualifiers: 16384, Level: 4, TimeCreated: baseTime().Add(time.Minute),
			Computer: "EXCH01.corp.local", Channel: "System",
			Data: []w.Field{{Name: "ServiceName", Value: "Dienst für Übung – 日本語"}, {Name: "ImagePath", Value: "%COMSPEC% /c <x>&amp;'\"\r\n\tnext line"}}},
		{Provider: "MSExchange CmdletLogs", EventID: 1, Qualifiers: 16384, Level: 4, TimeCreated: baseTime().Add(2 * time.Minute),
			Computer: "EXCH01.corp.local", Channel: "MSExchange Management",
			Data:   []w.Field{{Value: "New-MailboxExportRequest"}, {Value: `-Mailbox "admin" -FilePath "\\127.0.0.1\c$\inetpub\wwwroot\aspnet_client\s.aspx"`}, {Value: ""}, {Value: "EXCH01/Users/Administrator"}},
			Binary: []byte{0xde, 0xad, 0xbe, 0xef}},
		{Provider: "Microsoft-Windows-Eventlog", EventID: 1102, Level: 4, TimeCreated: baseTime().Add(3 * time.Minute),
			Computer: "EXCH01.corp.local", Channel: "Security", UserID: "S-1-5-18",
			UserData: &w.UserData{Name: "LogFileCleared", Namespace: "http://manifests.microsoft.com/win/2004/08/windows/eventlog",
				Fields: []w.Field{{Name: "SubjectUserSid", Value: "S-1-5-21-1-2-3-500"}, {Name: "SubjectUserName", Value: "Administrator"}, {Name: "SubjectDomainName", Value: "CORP"}, {Name: "SubjectLogonId", Value: "0x3e7"}}}},
		{Provider: "MSExchange Unified Messaging", EventID: 100, Level: 2, TimeCreated: baseTime().Add(3 * time.Hour),
			Computer: "ÉXCH-ü", Channel: "Application",
			Data: []w.Field{{Name: "Exception", Value: "System.InvalidCastException: Unable to cast object " + long}}},
		{Provider: "Microsoft-Windows-Eventlog", EventID: 104, TimeCreated: baseTime().Add(4 * time.Hour),
			Computer: "EXCH01.corp.local", Channel: "System"},
	}
}

// manyEvents makes enough events, with uneven sizes, to span several chunks.
func manyEvents(n int) []w.Event {
	events := make([]w.Event, n)
	for i := range events {
		events[i] = w.Event{
			Provider: "Microsoft-Windows-Sysmon", EventID: uint16(1 + i%25), Level: 4,
			TimeCreated: baseTime().Add(time.Duration(i) * 1337 * time.Millisecond),
			Computer:    fmt.Sprintf("HOST-%03d", i%7), Channel: "Microsoft-Windows-Sysmon/Operational",
			ProcessID: uint32(1000 + i), ThreadID: uint32(i % 97), UserID: "S-1-5-18",
			Data: []w.Field{
				{Name: "RuleName", Value: ""},
				{Name: "ProcessId", Value: fmt.Sprint(1000 + i)},
				{Name: "Image", Value: `C:\Windows\System32\` + strings.Repeat("x", i%300) + ".exe"},
				{Name: "CommandLine", Value: fmt.Sprintf("powershell -enc %d ÄÖÜ", i)},
			},
		}
	}
	return events
}

// gapEvents has jumps in record ids (deleted records).
func gapEvents() []w.Event {
	evs := manyEvents(40)
	evs[10].RecordID = 100
	evs[25].RecordID = 5000
	return evs
}

func records(evs []w.Event) []w.Record {
	recs := make([]w.Record, len(evs))
	for i := range evs {
		recs[i] = evs[i].Record()
	}
	return recs
}

// semanticsRecords exercise BinXML beyond what events need: optional
// substitutions with NULL and empty values, names from values, entities,
// processing instructions, arrays, nested BinXML with plain elements, and
// a record without a template (UserData leaves at several depths). Mixed
// text and values, CDATA and character references, which evtxexport
// 20181227 renders wrongly or rejects, are in TestReaderOnlySemantics.
func semanticsRecords() []w.Record {
	sys := &w.Elem{Name: "System", Children: []w.Node{
		&w.Elem{Name: "Provider", Attrs: []w.Attr{{Name: "Name", Value: []w.Node{w.Sub{Index: 0, Type: w.TypeString, Optional: true}}}}},
		&w.Elem{Name: "EventID", Children: txt("7")},
		&w.Elem{Name: "Computer", Children: txt("HOST")},
	}}
	data := func(name string, children ...w.Node) *w.Elem {
		return &w.Elem{Name: "Data", Attrs: []w.Attr{{Name: "Name", Value: txt(name)}}, Children: children}
	}
	ed := &w.Elem{Name: "EventData", Children: []w.Node{
		data("OptNull", w.Sub{Index: 1, Type: w.TypeString, Optional: true}),
		data("OptEmpty", w.Sub{Index: 2, Type: w.TypeString, Optional: true}),
		data("MixedNull", w.Text("a="), w.Sub{Index: 3, Type: w.TypeString}, w.Sub{Index: 1, Type: w.TypeString, Optional: true}),
		&w.Elem{Name: "Data", Children: []w.Node{w.Sub{Index: 3, Type: w.TypeString}}},
		&w.Elem{Name: "Data", Attrs: []w.Attr{{Name: "Name", Value: []w.Node{w.Sub{Index: 4, Type: w.TypeString}}}}, Children: txt("named by value")},
		&w.Elem{Name: "Data", Attrs: []w.Attr{{Name: "Name", Value: []w.Node{w.Sub{Index: 1, Type: w.TypeString, Optional: true}}}}, Children: txt("name dropped")},
		data("Ent", w.EntityRef("lt"), w.EntityRef("gt"), w.EntityRef("quot"), w.EntityRef("apos"), w.EntityRef("amp"), w.PI{Target: "pi", Data: "data"}, w.Text("x")),
		data("Arr", w.Sub{Index: 5, Type: w.TypeUint16 | w.TypeArray}),
		data("StrArr", w.Sub{Index: 6, Type: w.TypeString | w.TypeArray, Optional: true}),
		&w.Elem{Name: "Binary", Children: []w.Node{w.Sub{Index: 7, Type: w.TypeBinary}}},
		&w.Elem{Name: "Nested", Children: []w.Node{w.Sub{Index: 8, Type: w.TypeBinXML}}},
		data("After", w.Sub{Index: 9, Type: w.TypeUint64}),
	}}
	tmpl := &w.Elem{Name: "Event", Children: []w.Node{sys, ed}}
	nested := &w.Elem{Name: "Inner", Attrs: []w.Attr{{Name: "a", Value: txt("b")}}, Children: txt("inner text")}
	vals := []w.Value{w.String("Prov"), w.Null(), w.String(""), w.String("v3"), w.String("NameFromValue"),
		{Type: w.TypeUint16 | w.TypeArray, Data: append(le16(1), le16(2)...)}, w.StringArray([]string{"a", "", "c"}),
		{Type: w.TypeBinary, Data: []byte{1, 2}}, {Type: w.TypeBinXML, Nested: nested}, w.Uint64(42)}
	plain := &w.Elem{Name: "Event", Children: []w.Node{
		&w.Elem{Name: "System", Children: []w.Node{
			&w.Elem{Name: "Provider", Attrs: []w.Attr{{Name: "Name", Value: txt("Plain")}}},
			&w.Elem{Name: "EventID", Children: txt("9")},
			&w.Elem{Name: "TimeCreated", Attrs: []w.Attr{{Name: "SystemTime", Value: txt("2021-03-03T04:05:06.5Z")}}},
		}},
		&w.Elem{Name: "UserData", Children: []w.Node{&w.Elem{Name: "Wrap", Children: []w.Node{
			&w.Elem{Name: "A", Children: txt("1")},
			&w.Elem{Name: "B", Children: []w.Node{&w.Elem{Name: "C", Children: txt("2")}, &w.Elem{Name: "D"}}},
			&w.Elem{Name: "E", Children: txt("é<")},
		}}}},
	}}
	return []w.Record{
		{Written: baseTime(), Doc: &w.Instance{Template: tmpl, Values: vals}},
		{Written: baseTime().Add(time.Second), Doc: plain},
	}
}

// typeRecords holds every value type whose text evtxexport prints right
// (the others are in TestValueText).
func typeRecords() []w.Record {
	arrays := []typedValue{
		{"ArrU16", w.Value{Type: w.TypeUint16 | w.TypeArray, Data: append(le16(1), le16(65535)...)}},
		{"ArrHex32", w.Value{Type: w.TypeHex32 | w.TypeArray, Data: append(le32(1), le32(0xabcdef01)...)}},
		{"ArrGUID", w.Value{Type: w.TypeGUID | w.TypeArray, Data: append(make([]byte, 16), allTypes()[15].v.Data...)}},
		{"ArrAnsi", w.Value{Type: w.TypeAnsi | w.TypeArray, Data: []byte("x\x00yy\x00")}},
		{"ArrFiletime", w.Value{Type: w.TypeFiletime | w.TypeArray, Data: append(le64(0), w.Filetime(baseTime()).Data...)}},
		{"BinEmpty", w.Value{Type: w.TypeBinary}},
		{"StrEmpty", w.String("")},
		{"Real0", w.Value{Type: w.TypeReal64, Data: le64(0)}},
		{"RealSmall", w.Value{Type: w.TypeReal64, Data: le64(math.Float64bits(1.5e-300))}},
		{"RealNaN", w.Value{Type: w.TypeReal64, Data: le64(math.Float64bits(math.NaN()))}},
		{"Bool2", w.Value{Type: w.TypeBool, Data: le32(2)}},
		{"Ft0", w.Value{Type: w.TypeFiletime, Data: le64(0)}},
	}
	return []w.Record{typesRecord(allTypes()), typesRecord(arrays)}
}

type fixture struct {
	name string
	recs []w.Record
	opts w.Options
}

func fixtures() []fixture {
	return []fixture{
		{"varied", records(variedEvents()), w.Options{}},
		{"varied-inline", records(variedEvents()), w.Options{Inline: true}},
		{"many", records(manyEvents(3000)), w.Options{}},
		{"many-inline", records(manyEvents(700)), w.Options{Inline: true}},
		{"gaps", records(gapEvents()), w.Options{}},
		{"semantics", semanticsRecords(), w.Options{}},
		{"types", typeRecords(), w.Options{}},
		{"types-inline", typeRecords(), w.Options{Inline: true}},
	}
}

func TestFixturesAgainstEvtxexport(t *testing.T) {
	evtxexporttest.Need(t, evtxexporttest.Evtxexport)
	for _, fx := range fixtures() {
		t.Run(fx.name, func(t *testing.T) {
			path, _ := writeRecords(t, fx.recs, fx.opts)
			evs, problems := readAll(t, path)
			for _, p := range problems {
				t.Errorf("problem: %s", p)
			}
			if len(evs) != len(fx.recs) {
				t.Errorf("read %d events, wrote %d", len(evs), len(fx.recs))
			}
			compareWithExport(t, fx.name, evs, evtxexporttest.Export(t, path))
		})
	}
}

// TestReaderOnlySemantics covers BinXML that evtxexport 20181227 cannot
// serve as a reference for: it renders mixed text and values wrongly
// ("a=v3;x!" comes out as "Nam!"), prints CDATA outside its element, and
// rejects character references outright.
func TestReaderOnlySemantics(t *testing.T) {
	data := func(name string, children ...w.Node) *w.Elem {
		return &w.Elem{Name: "Data", Attrs: []w.Attr{{Name: "Name", Value: txt(name)}}, Children: children}
	}
	sys := &w.Elem{Name: "System", Children: []w.Node{
		&w.Elem{Name: "Provider", Attrs: []w.Attr{{Name: "Name", Value: []w.Node{w.Text("P"), w.CharRef('-'), w.Sub{Index: 0, Type: w.TypeString}}}}},
		&w.Elem{Name: "EventID", Children: []w.Node{w.Text(" 4"), w.CharRef('6'), w.Text("88 ")}},
		&w.Elem{Name: "Level", Children: []w.Node{w.Sub{Index: 3, Type: w.TypeString}}},
		&w.Elem{Name: "TimeCreated", Attrs: []w.Attr{{Name: "SystemTime", Value: []w.Node{w.Sub{Index: 4, Type: w.TypeSysTime}}}}},
		&w.Elem{Name: "Channel", Children: []w.Node{w.CDATA("Sec"), w.EntityRef("amp"), w.Text("urity")}},
		&w.Elem{Name: "Computer", Children: []w.Node{w.Text("HO"), w.CharRef(0xe9), w.EntityRef("nbsp")}},
		&w.Elem{Name: "EventRecordID", Children: []w.Node{w.Sub{Index: 5, Type: w.TypeHex64}}},
	}}
	ed := &w.Elem{Name: "EventData", Children: []w.Node{
		data("Mixed", w.Text("a="), w.Sub{Index: 1, Type: w.TypeString}, w.Text(";"), w.Sub{Index: 2, Type: w.TypeUint32}, w.Text("!")),
		data("CDATA", w.CDATA("<not markup> & more")),
		data("Refs", w.CharRef(0x41), w.CharRef(0x20ac), w.CharRef(0xd800)),
		data("ArrMixed", w.Text("["), w.Sub{Index: 6, Type: w.TypeUint16 | w.TypeArray}, w.Text("]")),
		&w.Elem{Name: "Data", Attrs: []w.Attr{{Name: "Name", Value: []w.Node{w.Sub{Index: 6, Type: w.TypeUint16 | w.TypeArray}}}}, Children: txt("array name")},
		data("EmptyArr", w.Sub{Index: 7, Type: w.TypeUint32 | w.TypeArray}),
		data("NUL", w.Sub{Index: 8, Type: w.TypeString}),
		data("AnsiNUL", w.Sub{Index: 9, Type: w.TypeAnsi}),
		data("NullNormal", w.Sub{Index: 10, Type: w.TypeString}),
		data("OutOfRange", w.Sub{Index: 99, Type: w.TypeString}),
	}}
	vals := []w.Value{w.String("Q"), w.String("v1"), w.Uint32(7), w.String("3"),
		{Type: w.TypeSysTime, Data: systime(2020, 2, 6, 29, 23, 59, 58, 7)}, w.Hex64(0x1234),
		{Type: w.TypeUint16 | w.TypeArray, Data: append(le16(1), le16(2)...)}, {Type: w.TypeUint32 | w.TypeArray},
		{Type: w.TypeString, Data: append(w.String("cut").Data, 0, 0, 'x', 0)},
		{Type: w.TypeAnsi, Data: []byte("ab\x00cd")}, w.Null()}
	rec := w.Record{Written: baseTime(), Doc: &w.Instance{Template: &w.Elem{Name: "Event", Children: []w.Node{sys, ed}}, Values: vals}}
	path, _ := writeRecords(t, []w.Record{rec}, w.Options{})
	evs, problems := readAll(t, path)
	if len(evs) != 1 {
		t.Fatalf("read %d events, want 1 (problems %v)", len(evs), problems)
	}
	want := winevent.Event{
		Provider: "P-Q", EventID: 4688, Level: 3, Channel: "Sec&urity", Computer: "HOé&nbsp;", RecordID: 0x1234,
		Time: time.Date(2020, 2, 29, 23, 59, 58, 7000000, time.UTC),
		Data: []winevent.Field{
			{Name: "Mixed", Value: "a=v1;7!"},
			{Name: "CDATA", Value: "<not markup> & more"},
			{Name: "Refs", Value: "A€\uFFFD"},
			{Name: "ArrMixed", Value: "[1, 2]"},
			{Name: "1, 2", Value: "array name"},
			{Name: "EmptyArr", Value: ""},
			{Name: "NUL", Value: "cut"},
			{Name: "AnsiNUL", Value: "ab"},
			{Name: "NullNormal", Value: ""},
			{Name: "OutOfRange", Value: ""},
		},
	}
	if d := cmp.Diff(want, evs[0].ev); d != "" {
		t.Errorf("event (-want +got):\n%s", d)
	}
	// Only the substitution index out of range is a problem.
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "out of range") || problems[0].Record != 1 {
		t.Errorf("problems %v, want one about the substitution out of range, naming record 1", problems)
	}
}

// TestFixturesRoundTrip checks the reader against what was written,
// without any other tool.
func TestFixturesRoundTrip(t *testing.T) {
	for _, set := range []struct {
		name string
		evs  []w.Event
		opts w.Options
	}{
		{"varied", variedEvents(), w.Options{}},
		{"varied-inline", variedEvents(), w.Options{Inline: true}},
		{"many", manyEvents(3000), w.Options{}},
		{"gaps", gapEvents(), w.Options{}},
	} {
		t.Run(set.name, func(t *testing.T) {
			path, _ := writeRecords(t, records(set.evs), set.opts)
			evs, problems := readAll(t, path)
			for _, p := range problems {
				t.Errorf("problem: %s", p)
			}
			if len(evs) != len(set.evs) {
				t.Fatalf("read %d events, wrote %d", len(evs), len(set.evs))
			}
			var prev uint64
			for i, want := range set.evs {
				id := want.RecordID
				if id == 0 {
					id = prev + 1
				}
				prev = id
				got := evs[i].ev
				if msg := diffEvent(got, want, id); msg != "" {
					t.Errorf("record %d: %s", i, msg)
				}
				if evs[i].at.RecordID != id {
					t.Errorf("record %d: location id %d, want %d", i, evs[i].at.RecordID, id)
				}
			}
		})
	}
}

// diffEvent compares a read event with the event written.
func diffEvent(got winevent.Event, want w.Event, id uint64) string {
	var wantData []winevent.Field
	fields := want.Data
	if want.UserData != nil {
		fields = want.UserData.Fields
	}
	for _, f := range fields {
		wantData = append(wantData, winevent.Field{Name: f.Name, Value: f.Value})
	}
	if want.Binary != nil {
		wantData = append(wantData, winevent.Field{Name: "Binary", Value: fmt.Sprintf("%X", want.Binary)})
	}
	exp := winevent.Event{
		Channel: want.Channel, Provider: want.Provider, Computer: want.Computer, EventID: uint32(want.EventID),
		Level: want.Level, RecordID: id, Time: want.TimeCreated.Truncate(100 * time.Nanosecond), Data: wantData,
	}
	if !got.Time.Equal(exp.Time) {
		return fmt.Sprintf("time %v, want %v", got.Time, exp.Time)
	}
	got.Time = exp.Time
	return cmp.Diff(exp, got)
}
