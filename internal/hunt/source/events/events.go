// Package events is the hunt's Windows event source: it turns one winevent.Event (read from an
// EVTX file or from exported JSON lines) into the record the rule pack's `event` rules read, and
// a matched event into a finding. It also defines the `event-gap` records: stretches of record
// numbers missing from a log, the trace of a partial clear.
//
// Rules name an event's data by Windows' own names (Image, CommandLine, TargetFilename, ...),
// and read derived fields that hide the differences between Security 4688 and Sysmon 1
// (process, parent, process-name, parent-name, pool) and between EVTX and exports.
package events

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/rules"
	"github.com/exsweep/exsweep/internal/winevent"
)

// Kind is the source kind of event rules; GapKind that of record-number gaps.
const (
	Kind    = "event"
	GapKind = "event-gap"
)

// dataColumns are the event data names rules and samples may use, as Windows spells them.
var dataColumns = []struct{ name, doc string }{
	{"Image", "Sysmon: the new process's executable"},
	{"CommandLine", "Sysmon 1 / Security 4688: the new process's command line"},
	{"ParentImage", "Sysmon 1: the parent's executable"},
	{"ParentCommandLine", "Sysmon 1: the parent's command line"},
	{"NewProcessName", "Security 4688: the new process's executable"},
	{"ParentProcessName", "Security 4688: the parent's executable (Windows 10 / Server 2016 and later)"},
	{"OriginalFileName", "Sysmon 1: the name the executable was built with (a renamed cmd.exe still says Cmd.Exe)"},
	{"TargetFilename", "Sysmon 11: the file created"},
	{"TargetImage", "Sysmon 10: the process accessed"},
	{"SourceImage", "Sysmon 10: the process that opened it"},
	{"ServiceName", "System 7045: the new service's name"},
	{"ImagePath", "System 7045: what the new service runs"},
	{"ScriptBlockText", "PowerShell 4104: the script block"},
	{"Threat Name", "Defender 1116/1117: the detection name"},
	{"Path", "Defender 1116/1117: what was detected (file:_C:\\...)"},
	{"SubjectUserName", "Security: the account that acted"},
	{"TargetUserName", "Security: the account acted on"},
	{"User", "Sysmon: the account of the process"},
}

// Fields are what event rules may name.
func Fields() []rules.Field {
	out := []rules.Field{
		{Name: "channel", Column: true, Doc: "the log: Security, System, Application, MSExchange Management, Microsoft-Windows-Sysmon/Operational, ..."},
		{Name: "provider", Column: true, Doc: "the event's provider (System/Provider Name)"},
		{Name: "event-id", Column: true, Doc: "the event id, decimal, without qualifiers"},
		{Name: "level", Column: true, Doc: "1 critical, 2 error, 3 warning, 4 information (decimal)"},
		{Name: "computer", Column: true, Doc: "the computer name the event carries"},
		{Name: "record-id", Column: true, Doc: "the event record number, decimal"},
		{Name: "message", Column: true, Doc: "the rendered message, when an export carries it (EVTX files never do)"},
		{Name: "cmdlet", Column: true, Doc: "MSExchange CmdletLogs: the first unnamed data value (the cmdlet); samples write it there"},
		{Name: "parameters", Column: true, Doc: "MSExchange CmdletLogs: the second unnamed data value (its parameters); samples write it there"},
	}
	for _, c := range dataColumns {
		out = append(out, rules.Field{Name: c.name, Column: true, Doc: c.doc})
	}
	out = append(out,
		rules.Field{Name: "process", Doc: "the new process's executable: Image, else NewProcessName"},
		rules.Field{Name: "process-name", Doc: "its lower-case base name (cmd.exe)"},
		rules.Field{Name: "original-name", Doc: "OriginalFileName in lower case (cmd.exe)"},
		rules.Field{Name: "parent", Doc: "the parent's executable: ParentImage, else ParentProcessName"},
		rules.Field{Name: "parent-name", Doc: "its lower-case base name (w3wp.exe)"},
		rules.Field{Name: "pool", Doc: "the IIS application pool named by the parent's command line (-ap \"MSExchangeOWAAppPool\"); empty when unknown"},
		rules.Field{Name: "file-place", Doc: "for TargetFilename: the folder class it sits in (aspnet-client, owa-auth, ...; as the file rules' place); empty when none"},
		rules.Field{Name: "file-name", Doc: "for TargetFilename: its lower-case base name"},
		rules.Field{Name: "file-ext", Doc: "for TargetFilename: its lower-case extension with the dot"},
		rules.Field{Name: "data", Doc: "every data value and the message, one per line"},
	)
	// A field is literal when its value is a substring (ASCII case aside) of the event's
	// evidence text (Evidence), so rule literals can pre-select events the way they pre-select
	// log lines. Level, computer and record number are not in that text, nor is the place name.
	for i := range out {
		switch out[i].Name {
		case "level", "computer", "record-id", "file-place":
		default:
			out[i].Literal = true
		}
	}
	return out
}

// GapFields are what event-gap rules may name.
func GapFields() []rules.Field {
	return []rules.Field{
		{Name: "channel", Column: true, Doc: "the log the records are missing from"},
		{Name: "file", Column: true, Doc: "the EVTX file, root-relative"},
		{Name: "missing", Column: true, Doc: "how many record numbers are missing in all, decimal"},
		{Name: "gaps", Column: true, Doc: "in how many separate stretches, decimal"},
		{Name: "after", Column: true, Doc: "the last record number before the first gap"},
		{Name: "before", Column: true, Doc: "the first record number after it"},
	}
}

// Record is one event as rules see it.
type Record struct {
	Event *winevent.Event
	// PlaceOf classifies a root-relative path (forward slashes) into a file place; the hunt
	// supplies the file source's classifier, which sources do not import from each other.
	PlaceOf func(path string) string
}

// Field returns the value of a field by its lower-case name.
func (r *Record) Field(name string) (string, bool) {
	e := r.Event
	switch name {
	case "channel":
		return e.Channel, true
	case "provider":
		return e.Provider, true
	case "event-id":
		return strconv.FormatUint(uint64(e.EventID), 10), true
	case "level":
		return strconv.FormatUint(uint64(e.Level), 10), true
	case "computer":
		return e.Computer, true
	case "record-id":
		return strconv.FormatUint(e.RecordID, 10), true
	case "message":
		return e.Message, true
	case "cmdlet":
		return unnamed(e, 0), true
	case "parameters":
		return unnamed(e, 1), true
	case "process":
		return first(e, "Image", "NewProcessName"), true
	case "process-name":
		return baseName(first(e, "Image", "NewProcessName")), true
	case "original-name":
		return strings.ToLower(first(e, "OriginalFileName")), true
	case "parent":
		return first(e, "ParentImage", "ParentProcessName"), true
	case "parent-name":
		return baseName(first(e, "ParentImage", "ParentProcessName")), true
	case "pool":
		return appPool(first(e, "ParentCommandLine")), true
	case "file-place":
		p := first(e, "TargetFilename")
		if p == "" || r.PlaceOf == nil {
			return "", true
		}
		return r.PlaceOf(driveRelative(p)), true
	case "file-name":
		return baseName(first(e, "TargetFilename")), true
	case "file-ext":
		b := baseName(first(e, "TargetFilename"))
		if i := strings.LastIndexByte(b, '.'); i >= 0 {
			return b[i:], true
		}
		return "", true
	case "data":
		var sb strings.Builder
		for _, f := range e.Data {
			sb.WriteString(f.Value)
			sb.WriteByte('\n')
		}
		sb.WriteString(e.Message)
		return sb.String(), true
	}
	return e.Get(name)
}

func first(e *winevent.Event, names ...string) string {
	for _, n := range names {
		if v, ok := e.Get(n); ok && v != "" {
			return v
		}
	}
	return ""
}

// unnamed returns the i-th unnamed data value ("" when there is none).
func unnamed(e *winevent.Event, i int) string {
	for _, f := range e.Data {
		if f.Name != "" {
			continue
		}
		if i == 0 {
			return f.Value
		}
		i--
	}
	return ""
}

// baseName is the lower-case last element of a Windows or Unix path.
func baseName(p string) string {
	if i := strings.LastIndexAny(p, `\/`); i >= 0 {
		p = p[i+1:]
	}
	return strings.ToLower(strings.TrimSpace(strings.Trim(p, `"`)))
}

// driveRelative turns C:\inetpub\x (or \\?\C:\inetpub\x) into inetpub/x.
func driveRelative(p string) string {
	p = strings.TrimPrefix(p, `\\?\`)
	if len(p) >= 2 && p[1] == ':' {
		p = p[2:]
	}
	p = strings.ReplaceAll(p, `\`, "/")
	return strings.TrimLeft(p, "/")
}

// appPool finds the application pool a w3wp.exe command line names: -ap "Name" (the quotes are
// optional).
func appPool(cmd string) string {
	low := strings.ToLower(cmd)
	i := strings.Index(low, "-ap ")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(cmd[i+4:], " ")
	if strings.HasPrefix(rest, `"`) {
		rest = rest[1:]
		if j := strings.IndexByte(rest, '"'); j >= 0 {
			return rest[:j]
		}
		return rest
	}
	if j := strings.IndexByte(rest, ' '); j >= 0 {
		return rest[:j]
	}
	return rest
}

// Fill completes a finding from a matched event: time, place, user, target, evidence fields.
func Fill(e *winevent.Event, display string, offset int64, line int64, f *finding.Finding) {
	f.Time = e.Time
	f.Where = finding.Location{Path: display, Offset: offset, Line: line}
	if e.RecordID != 0 {
		f.Where.Record = strconv.FormatUint(e.RecordID, 10)
	}
	f.User = first(e, "SubjectUserName", "User")
	// An address in the event (a logon's source, a connection's peer) makes it a client's
	// finding, so it joins the incident of that client's requests.
	// (Only a logon's IpAddress: a connection event's SourceIp is often the server itself.)
	if a, err := netip.ParseAddr(strings.TrimPrefix(first(e, "IpAddress"), "::ffff:")); err == nil {
		f.ClientIP = a.String()
	}
	switch {
	case first(e, "CommandLine") != "":
		f.Target = first(e, "CommandLine")
	case first(e, "TargetFilename") != "":
		f.Target = first(e, "TargetFilename")
	case first(e, "ImagePath") != "":
		f.Target = first(e, "ImagePath")
	case first(e, "Path") != "":
		f.Target = first(e, "Path")
	case unnamed(e, 0) != "":
		f.Target = strings.TrimSpace(unnamed(e, 0) + " " + unnamed(e, 1))
	case e.Message != "":
		// Exports that flatten a cmdlet event into its message: the message names the files.
		f.Target = e.Message
	}
	f.Fields = map[string]string{
		"channel":  e.Channel,
		"event_id": strconv.FormatUint(uint64(e.EventID), 10),
		"provider": e.Provider,
	}
	if e.Computer != "" {
		f.Fields["computer"] = e.Computer
	}
	for i, d := range e.Data {
		if i >= maxEvidenceFields {
			break
		}
		if d.Name != "" && len(d.Value) <= maxFieldValue {
			f.Fields[d.Name] = d.Value
		}
	}
}

// Bounds on what a finding carries of an event; the evidence line has the rest (cut by the hunt).
const (
	maxEvidenceFields = 32
	maxFieldValue     = 2048
)

// AppendEvidence renders an event as one line, appended to dst: what a responder reads first,
// and the text rule literals are searched in (see Fields).
func AppendEvidence(dst []byte, e *winevent.Event) []byte {
	b := append(dst, e.Channel...)
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(e.EventID), 10)
	if e.Provider != "" {
		b = append(b, " ("...)
		b = append(b, e.Provider...)
		b = append(b, ')')
	}
	if e.RecordID != 0 {
		b = append(b, " record "...)
		b = strconv.AppendUint(b, e.RecordID, 10)
	}
	b = append(b, ':')
	for _, d := range e.Data {
		b = append(b, ' ')
		if d.Name != "" {
			b = append(b, d.Name...)
			b = append(b, '=')
		}
		b = append(b, d.Value...)
		b = append(b, ';')
	}
	if e.Message != "" {
		b = append(b, " message: "...)
		b = append(b, e.Message...)
	}
	return b
}

// SampleEvent builds the event a rule sample describes: the system columns set the system
// fields, cmdlet and parameters become the first two unnamed data values, every other column
// a named data value.
func SampleEvent(fields map[string]string) *winevent.Event {
	e := &winevent.Event{Time: time.Date(2021, 3, 3, 4, 0, 0, 0, time.UTC)}
	var named []winevent.Field
	for k, v := range fields {
		switch strings.ToLower(k) {
		case "channel":
			e.Channel = v
		case "provider":
			e.Provider = v
		case "event-id":
			n, _ := strconv.ParseUint(v, 10, 32)
			e.EventID = uint32(n)
		case "level":
			n, _ := strconv.ParseUint(v, 10, 8)
			e.Level = uint8(n)
		case "computer":
			e.Computer = v
		case "record-id":
			e.RecordID, _ = strconv.ParseUint(v, 10, 64)
		case "message":
			e.Message = v
		case "cmdlet", "parameters":
		default:
			named = append(named, winevent.Field{Name: canonical(k), Value: v})
		}
	}
	for _, k := range []string{"cmdlet", "parameters"} {
		if v, ok := lookup(fields, k); ok {
			e.Data = append(e.Data, winevent.Field{Value: v})
		}
	}
	e.Data = append(e.Data, named...)
	return e
}

func lookup(m map[string]string, key string) (string, bool) {
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return "", false
}

// canonical spells a data column as Windows does.
func canonical(name string) string {
	for _, c := range dataColumns {
		if strings.EqualFold(c.name, name) {
			return c.name
		}
	}
	return name
}

// Gap is a stretch of record numbers missing from one log file.
type Gap struct {
	After, Before uint64    // the record numbers on either side
	From, To      time.Time // the times of those records
}

// Missing is the number of record numbers the gap lacks.
func (g Gap) Missing() uint64 { return g.Before - g.After - 1 }

// Gaps are the stretches of record numbers missing from one log file, earliest first: one
// event-gap record per file, however many stretches (a filtered export has hundreds).
type Gaps struct {
	Channel, File string
	List          []Gap
}

// Missing is the number of record numbers missing in all.
func (g Gaps) Missing() uint64 {
	var n uint64
	for _, x := range g.List {
		n += x.Missing()
	}
	return n
}

// Field returns the value of an event-gap field by its lower-case name.
func (g Gaps) Field(name string) (string, bool) {
	var first Gap
	if len(g.List) > 0 {
		first = g.List[0]
	}
	switch name {
	case "channel":
		return g.Channel, true
	case "file":
		return g.File, true
	case "missing":
		return strconv.FormatUint(g.Missing(), 10), true
	case "gaps":
		return strconv.Itoa(len(g.List)), true
	case "after":
		return strconv.FormatUint(first.After, 10), true
	case "before":
		return strconv.FormatUint(first.Before, 10), true
	}
	return "", false
}
