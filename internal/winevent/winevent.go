// Package winevent is the one shape of a Windows event, whichever way it reached exsweep: read
// from an EVTX file (internal/evtx) or from JSON lines exported by a log collector
// (internal/eventjson). Rules and Sigma read this shape, never the input formats.
package winevent

import (
	"strings"
	"time"
)

// Event is one Windows event record.
type Event struct {
	Channel  string // "Security", "Microsoft-Windows-Sysmon/Operational", ...
	Provider string // System/Provider@Name
	Computer string
	EventID  uint32 // without qualifiers
	Level    uint8
	RecordID uint64 // EventRecordID; 0 when the input has none
	Time     time.Time
	// Data holds EventData <Data Name=..> values and UserData leaf elements in document
	// order. Unnamed <Data> values (classic providers such as MSExchange CmdletLogs) have an
	// empty Name.
	Data []Field
	// Message is the rendered message when the input carries one (exports usually do; EVTX
	// files never do).
	Message string
}

// Field is one named value of an event.
type Field struct{ Name, Value string }

// Get returns the first data value with the given name, compared case-insensitively.
func (e *Event) Get(name string) (string, bool) {
	for i := range e.Data {
		if strings.EqualFold(e.Data[i].Name, name) {
			return e.Data[i].Value, true
		}
	}
	return "", false
}

// Unnamed returns the values of the unnamed data elements, in order.
func (e *Event) Unnamed() []string {
	var out []string
	for _, f := range e.Data {
		if f.Name == "" {
			out = append(out, f.Value)
		}
	}
	return out
}
