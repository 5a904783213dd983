package sigma

import (
	"strconv"
	"strings"

	"github.com/exsweep/exsweep/internal/winevent"
)

// eventRecord adapts a Windows event to Sigma's field names. It is built whole by EventRecord
// and only read afterwards, so one record may be matched from several goroutines.
type eventRecord struct {
	e       *winevent.Event
	kw      []string  // every data value (in Data order), then the message
	sys     [6]string // EventID, Channel, Provider_Name, Computer, Level, EventRecordID
	has     [6]bool
	sec4688 bool
}

// systemFields are the System header names Sigma rules use (Sigma joins XML element and
// attribute names with '_': Provider_Name).
var systemFields = [6]string{"EventID", "Channel", "Provider_Name", "Computer", "Level", "EventRecordID"}

// EventRecord adapts an event for Match. Field names are compared case-insensitively. It offers:
//   - the System fields EventID, Channel, Provider_Name, Computer, Level and EventRecordID;
//   - every EventData / UserData value by its name (a repeated name gives several values);
//   - for Security 4688, the names Sigma's process_creation rules use, as Sigma's Windows audit
//     mapping does: Image (NewProcessName), ProcessId (NewProcessId), ParentImage
//     (ParentProcessName), ParentProcessId (the event's ProcessId), LogonId (SubjectLogonId),
//     IntegrityLevel (MandatoryLabel, also as Low/Medium/High/System) and User (SubjectUserName,
//     also as DOMAIN\name). The event's own names still answer.
//
// Keywords are every data value (named or not) and the rendered message; an event without a
// message offers its data values joined by spaces instead.
func EventRecord(e *winevent.Event) Record {
	r := &eventRecord{e: e}
	r.kw = make([]string, 0, len(e.Data)+1)
	for _, f := range e.Data {
		r.kw = append(r.kw, f.Value)
	}
	if e.Message != "" {
		r.kw = append(r.kw, e.Message)
	} else if len(e.Data) > 1 {
		// Without a rendered message (EVTX never has one), the data values joined by spaces
		// stand in for the event text a SIEM's full-text search sees: keywords such as
		// ' -Mailbox ' span the cmdlet name and its parameters in MSExchange CmdletLogs.
		r.kw = append(r.kw, strings.Join(r.kw, " "))
	}
	r.sys = [6]string{strconv.FormatUint(uint64(e.EventID), 10), e.Channel, e.Provider, e.Computer, strconv.Itoa(int(e.Level)), strconv.FormatUint(e.RecordID, 10)}
	r.has = [6]bool{true, e.Channel != "", e.Provider != "", e.Computer != "", true, e.RecordID != 0}
	r.sec4688 = e.EventID == 4688 && (strings.EqualFold(e.Channel, chSecurity) ||
		(e.Channel == "" && (e.Provider == "" || strings.EqualFold(e.Provider, provSecurity[0]))))
	return r
}

func (r *eventRecord) Keywords() []string { return r.kw }

func (r *eventRecord) Field(name string) ([]string, bool) {
	for i, s := range systemFields {
		if strings.EqualFold(name, s) {
			if !r.has[i] {
				return nil, false
			}
			return r.sys[i : i+1 : i+1], true
		}
	}
	if r.sec4688 {
		if v, ok, mapped := r.field4688(name); mapped {
			return v, ok
		}
	}
	return r.data(name)
}

// data returns the values of the data fields with this name.
func (r *eventRecord) data(name string) ([]string, bool) {
	var out []string
	first := -1
	for i := range r.e.Data {
		if r.e.Data[i].Name == "" || !strings.EqualFold(r.e.Data[i].Name, name) {
			continue
		}
		if first < 0 {
			first = i
			continue
		}
		if out == nil {
			out = append(out, r.kw[first])
		}
		out = append(out, r.kw[i])
	}
	switch {
	case first < 0:
		return nil, false
	case out == nil:
		return r.kw[first : first+1 : first+1], true
	}
	return out, true
}

// integrityLevels names the mandatory-label SIDs of Security 4688 as Sysmon writes them.
var integrityLevels = map[string]string{
	"S-1-16-0":     "Untrusted",
	"S-1-16-4096":  "Low",
	"S-1-16-8192":  "Medium",
	"S-1-16-8448":  "MediumPlus",
	"S-1-16-12288": "High",
	"S-1-16-16384": "System",
	"S-1-16-20480": "Protected",
}

// field4688 answers the Sysmon-style names of a Security 4688 event; mapped is false for names
// it does not map.
func (r *eventRecord) field4688(name string) (vals []string, ok, mapped bool) {
	src := ""
	switch strings.ToLower(name) {
	case "image":
		src = "NewProcessName"
	case "processid":
		// 4688's ProcessId is the parent's: the rule's ProcessId is NewProcessId.
		src = "NewProcessId"
	case "parentimage":
		src = "ParentProcessName"
	case "parentprocessid":
		src = "ProcessId"
	case "logonid":
		src = "SubjectLogonId"
	case "integritylevel":
		v, ok := r.data("MandatoryLabel")
		if !ok {
			return nil, false, true
		}
		out := append([]string(nil), v...)
		for _, x := range v {
			if n, known := integrityLevels[strings.ToUpper(strings.TrimSpace(x))]; known {
				out = append(out, n)
			}
		}
		return out, true, true
	case "user":
		v, ok := r.data("SubjectUserName")
		if !ok {
			return nil, false, true
		}
		out := append([]string(nil), v...)
		if d, ok := r.data("SubjectDomainName"); ok && len(d) > 0 && d[0] != "" {
			for _, x := range v {
				out = append(out, d[0]+`\`+x)
			}
		}
		return out, true, true
	default:
		return nil, false, false
	}
	v, ok := r.data(src)
	return v, ok, true
}
