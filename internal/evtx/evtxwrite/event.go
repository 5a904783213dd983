package evtxwrite

import (
	"fmt"
	"strings"
)

// Substitution indexes of the System template, as Windows numbers them.
const (
	subLevel = iota
	subOpcode
	subTask
	subEventID
	subQualifiers
	subKeywords
	subTime
	subActivityID
	subProcessID
	subThreadID
	subRecordID
	subVersion
	subUserID
	subRelatedActivityID
	subProvider
	subProviderGUID
	subChannel
	subData // BinXML: the EventData or UserData instance
	subCount
)

func opt(i int, t byte) Sub { return Sub{Index: uint16(i), Type: t, Optional: true} }

func attr(name string, v ...Node) Attr { return Attr{Name: name, Value: v} }

// systemTemplate is the outer template of every event: System, then the
// EventData or UserData instance. Computer is literal text in it, as in
// Windows files, so a chunk has one per computer name (and per kind).
func systemTemplate(computer string, userData bool) *Elem {
	el := func(name string, attrs []Attr, children ...Node) *Elem {
		return &Elem{Name: name, Attrs: attrs, Children: children}
	}
	sys := el("System", nil,
		el("Provider", []Attr{attr("Name", opt(subProvider, TypeString)), attr("Guid", opt(subProviderGUID, TypeGUID))}),
		el("EventID", []Attr{attr("Qualifiers", opt(subQualifiers, TypeUint16))}, opt(subEventID, TypeUint16)),
		el("Version", nil, opt(subVersion, TypeUint8)),
		el("Level", nil, opt(subLevel, TypeUint8)),
		el("Task", nil, opt(subTask, TypeUint16)),
		el("Opcode", nil, opt(subOpcode, TypeUint8)),
		el("Keywords", nil, opt(subKeywords, TypeHex64)),
		el("TimeCreated", []Attr{attr("SystemTime", opt(subTime, TypeFiletime))}),
		el("EventRecordID", nil, opt(subRecordID, TypeUint64)),
		el("Correlation", []Attr{attr("ActivityID", opt(subActivityID, TypeGUID)), attr("RelatedActivityID", opt(subRelatedActivityID, TypeGUID))}),
		el("Execution", []Attr{attr("ProcessID", opt(subProcessID, TypeUint32)), attr("ThreadID", opt(subThreadID, TypeUint32))}),
		el("Channel", nil, opt(subChannel, TypeString)),
		el("Computer", nil, Text(computer)),
		el("Security", []Attr{attr("UserID", opt(subUserID, TypeSID))}),
	)
	var data Node = opt(subData, TypeBinXML)
	if userData {
		data = el("UserData", nil, data)
	}
	return el("Event", []Attr{attr("xmlns", Text(eventNamespace))}, sys, data)
}

// Record turns the event into the record Windows would write for it.
func (e *Event) Record() Record { return e.record(nil) }

// templates remembers the templates built for events, so that a writer
// builds (and keys) each shape once instead of once per event.
type templates map[string]*Elem

func (tc templates) get(sig string, build func() *Elem) *Elem {
	if tc == nil {
		return build()
	}
	t, ok := tc[sig]
	if !ok {
		t = build()
		tc[sig] = t
	}
	return t
}

func (e *Event) record(tc templates) Record {
	vals := make([]Value, subCount)
	vals[subLevel] = Uint8(e.Level)
	vals[subOpcode] = Uint8(0)
	vals[subTask] = Uint16(0)
	vals[subEventID] = Uint16(e.EventID)
	vals[subQualifiers] = Null()
	if e.Qualifiers != 0 {
		vals[subQualifiers] = Uint16(e.Qualifiers)
	}
	vals[subKeywords] = Hex64(0x8000000000000000)
	vals[subTime] = Filetime(e.TimeCreated)
	vals[subActivityID] = Null()
	vals[subProcessID] = Uint32(e.ProcessID)
	vals[subThreadID] = Uint32(e.ThreadID)
	vals[subRecordID] = Null() // filled by the writer once the id is known
	vals[subVersion] = Uint8(0)
	vals[subUserID] = Null()
	if e.UserID != "" {
		vals[subUserID] = SID(e.UserID)
	}
	vals[subRelatedActivityID] = Null()
	vals[subProvider] = String(e.Provider)
	vals[subProviderGUID] = GUID(md5GUID(e.Provider))
	vals[subChannel] = String(e.Channel)
	vals[subData] = Value{Type: TypeBinXML, Nested: e.data(tc)}
	sys := tc.get(fmt.Sprintf("system\x00%s\x00%v", e.Computer, e.UserData != nil), func() *Elem {
		return systemTemplate(e.Computer, e.UserData != nil)
	})
	return Record{
		ID:      e.RecordID,
		Written: e.TimeCreated,
		Doc:     &Instance{Template: sys, Values: vals},
		event:   true,
	}
}

// data builds the EventData or UserData instance. An event with neither
// gets an empty <EventData/>: a NULL value there makes evtxexport 20181227
// fail the record ("Unable to export record").
func (e *Event) data(tc templates) *Instance {
	var sig strings.Builder
	if u := e.UserData; u != nil {
		sig.WriteString("user\x00" + u.Name + "\x00" + u.Namespace)
		vals := make([]Value, len(u.Fields))
		for i, f := range u.Fields {
			sig.WriteString("\x00" + f.Name)
			vals[i] = String(f.Value)
		}
		t := tc.get(sig.String(), func() *Elem {
			w := &Elem{Name: u.Name}
			if u.Namespace != "" {
				w.Attrs = []Attr{attr("xmlns", Text(u.Namespace))}
			}
			for i, f := range u.Fields {
				w.Children = append(w.Children, &Elem{Name: f.Name, Children: []Node{Sub{Index: uint16(i), Type: TypeString}}})
			}
			return w
		})
		return &Instance{Template: t, Values: vals}
	}
	unnamed := len(e.Data) > 0
	for _, f := range e.Data {
		if f.Name != "" {
			unnamed = false
		}
	}
	var vals []Value
	if unnamed {
		// Classic providers: one <Data> holding a string array, which
		// renders as one <Data> per string.
		sig.WriteString("classic")
		items := make([]string, len(e.Data))
		for i, f := range e.Data {
			items[i] = f.Value
		}
		vals = append(vals, StringArray(items))
	} else {
		sig.WriteString("manifest")
		for _, f := range e.Data {
			sig.WriteString("\x00" + f.Name)
			vals = append(vals, String(f.Value))
		}
	}
	if e.Binary != nil {
		sig.WriteString("\x00\x01binary")
		vals = append(vals, Value{Type: TypeBinary, Data: e.Binary})
	}
	t := tc.get(sig.String(), func() *Elem {
		ed := &Elem{Name: "EventData"}
		if unnamed {
			ed.Children = append(ed.Children, &Elem{Name: "Data", Children: []Node{opt(0, TypeString|TypeArray)}})
		} else {
			for i, f := range e.Data {
				// Normal, not optional, substitutions: an empty value must
				// still render as <Data Name="..."/>, as Windows shows it; an
				// optional one with a NULL value would drop the element, and
				// libevtx rejects NULL in a normal one, so empty values are
				// empty strings.
				d := &Elem{Name: "Data", Children: []Node{Sub{Index: uint16(i), Type: TypeString}}}
				if f.Name != "" {
					d.Attrs = []Attr{attr("Name", Text(f.Name))}
				}
				ed.Children = append(ed.Children, d)
			}
		}
		if e.Binary != nil {
			ed.Children = append(ed.Children, &Elem{Name: "Binary", Children: []Node{opt(len(vals)-1, TypeBinary)}})
		}
		return ed
	})
	return &Instance{Template: t, Values: vals}
}
