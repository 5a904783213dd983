// Package eventjson reads Windows events exported as JSON by log collectors, SIEMs and EVTX
// converters, and turns each one into a winevent.Event, the one shape the hunt's event rules read.
//
// Responders often have no EVTX files, only an export, and exports come in many shapes. The
// shape is recognised per object, not per file, because exports get concatenated:
//
//   - EVTX converters (evtx_dump, Velociraptor, Chainsaw, xmltodict): an object with a "System"
//     object, at the top or under "Event". XML attributes may be spelled {"#attributes":{..}},
//     "@Name", "Provider_attributes" or plain keys; EventID may be a number, a string,
//     {"#text":..} or {"Value":..}; EventData a map of names or a "Data" list of
//     {"#attributes":{"Name":..},"#text":..} (unnamed when there is no name); UserData leaves
//     become fields named by their element.
//   - Winlogbeat / Elastic (any object with a "winlog" key, nested or as dotted keys such as
//     "winlog.event_data.Image"): system fields from winlog.*, event.code, host.name, log.level,
//     message and @timestamp; data from winlog.event_data and winlog.user_data only (the ECS
//     copies elsewhere in the object are duplicates).
//   - Flat (NXLog, SIEM exports, PowerShell ConvertTo-Json of Get-WinEvent or Get-EventLog):
//     known keys (Channel, EventID, Hostname, ProviderName, EventRecordID, Level, Message,
//     TimeCreated, ...; matched case-insensitively) are the system fields and every other key is
//     a data field. UtcTime is both the time of last resort and, as in Sysmon, a data field.
//
// Input framing: one object per line (JSON Lines), objects spread over several lines
// (pretty-printed), and JSON arrays of objects (PowerShell), streamed element by element: no
// input is ever held whole. The encoding is decided from the first bytes: UTF-8 with or without
// a byte order mark (a mark at the start of any later line is skipped too, as concatenation
// leaves them), or UTF-16LE/BE with a mark or recognisably without one (PowerShell's Out-File).
//
// Hostile input is normal input. Objects over MaxObject bytes, nested deeper than MaxDepth or
// holding more than maxValues JSON values are skipped with a problem naming their line and size
// (the splitter holds at most MaxObject bytes of one object and then only counts); lines that
// are not JSON are skipped with their line and column; invalid JSON with the line and column
// encoding/json reports. An object still open when a line starts (column 1) with "{" or "[" where
// no value can follow is taken as truncated, so one damaged line does not swallow the next.
// Commas between top-level objects are skipped ("{..},"-per-line exports). Invalid UTF-8 in
// strings becomes U+FFFD, as encoding/json does. Memory is bounded by MaxObject, the tree of one
// object and the read buffer; time is linear in the input; nothing panics.
//
// Decisions on values: numbers keep their JSON spelling ("7384"), true/false are "true"/"false",
// null is "". Arrays of scalars become one field with the values joined by "\n" (Get returns the
// first field of a name, so splitting an array into several same-named fields would hide all but
// one value from rules); arrays holding objects are flattened per element as name.0.sub,
// name.1.sub. Nested objects become dotted names (Parent.Child). Winlogbeat names the unnamed
// <Data> of classic providers (MSExchange CmdletLogs) param1, param2, ...; those become unnamed
// fields again, as in EVTX, so Event.Unnamed sees the cmdlet and its parameters. PowerShell's
// Properties list ([{"Value":..}]) and Get-EventLog's ReplacementStrings become unnamed fields
// too. EventID values over 65535 are classic InstanceIds (qualifiers in the top 16 bits): the
// low 16 bits are the event id. Times without a zone are taken as UTC (NXLog's EventTime is the
// collector's local time: the export does not say which zone that was).
package eventjson

import (
	"bufio"
	"context"
	"io"

	"github.com/exsweep/exsweep/internal/winevent"
)

// Bounds on hostile input.
const (
	// MaxObject is the largest JSON object (one event; usually one line) read. Real events are
	// a few KiB; Security 4104 script blocks are split by Windows at 32 KiB.
	MaxObject = 4 << 20
	// MaxDepth is the deepest nesting of objects and arrays read; real exports nest 5 or 6 levels.
	MaxDepth = 64
	// MaxFields is the largest number of data fields kept per event; the rest are dropped with
	// a problem.
	MaxFields = 1024
	// MaxProblems is the number of individual problems kept per input; more are counted.
	MaxProblems = 100
	// maxValues bounds the JSON values (tree nodes) of one object: 4 MiB of "[0,0,0,...]" would
	// otherwise cost two million nodes.
	maxValues = 1 << 16
	readSize  = 64 << 10
)

// Problem is something in the input that could not be read as an event. Line is 1-based;
// Offset is the byte offset in the input (in UTF-16 input, the offset of the line's start).
// Message names the input and the line.
type Problem struct {
	Line    int64
	Offset  int64
	Message string
}

// Stats counts what Read saw. Lines counts input lines (the last one even without a newline);
// Skipped counts objects and non-JSON lines that gave no event; Bytes counts input bytes.
type Stats struct{ Lines, Events, Skipped, Bytes int64 }

// Read reads events from r, whose name appears in problems, until the end of the input or until
// ctx is done (which adds a problem). visit is called once per event with the line the event's
// object starts on. The event and its Data slice are reused after visit returns: copy what must
// be kept (the strings themselves are never modified and may be kept). Problems come in input
// order: at most MaxProblems individual ones, then one counting the rest, then one per kind of
// repeated value problem (bad times, event ids, ...) with its first line and count.
func Read(ctx context.Context, r io.Reader, name string, visit func(ev *winevent.Event, line int64)) (Stats, []Problem) {
	rd := &reader{ctx: ctx, name: name, visit: visit}
	rd.m.probs = &rd.probs
	rd.run(bufio.NewReaderSize(r, readSize))
	return rd.stats, rd.probs.list()
}
