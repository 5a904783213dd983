package eventjson

import (
	"slices"
	"strconv"
	"strings"

	"github.com/exsweep/exsweep/internal/winevent"
)

// sysField is a system field of an event.
type sysField int

const (
	sChannel sysField = iota
	sProvider
	sComputer
	sEventID
	sRecordID
	sLevel
	sTime
	sMessage
	numSys
)

// maxName caps a data field's name: dotted names of nested objects grow with their keys, which
// an export does not bound.
const maxName = 256

// candidate is the best value seen so far for a system field: a node and the priority of the
// key it came under (lower wins).
type candidate struct {
	node int32
	prio int
}

// mapper turns a parsed object into an Event, whichever shape it has.
type mapper struct {
	t      tree
	ev     winevent.Event
	probs  *problems
	line   int64
	off    int64
	cand   [numSys]candidate
	low    []byte
	params []param
	over   bool // MaxFields reached
}

// param is a Winlogbeat paramN value waiting to become an unnamed field.
type param struct {
	n   int
	val string
}

// build fills m.ev from the tree of the object at a line and input offset.
func (m *mapper) build(line, off int64) {
	m.line, m.off = line, off
	m.ev = winevent.Event{Data: m.ev.Data[:0]}
	m.over = false
	for i := range m.cand {
		m.cand[i] = candidate{node: -1}
	}
	const root = 0
	t := &m.t
	switch {
	case t.isObj(t.child(root, "System")):
		m.evtx(root)
	case t.isObj(t.child(t.child(root, "Event"), "System")):
		m.evtx(t.child(root, "Event"))
		if m.cand[sMessage].node < 0 {
			m.offer(sMessage, 0, m.scalar(t.child(root, "Message"), ""))
		}
	case m.isWinlog(root):
		m.walk(root, "", true)
	default:
		m.walk(root, "", false)
	}
	m.apply()
	if m.over {
		m.probs.value(tooManyFields, m.line, m.off, "")
	}
}

// add appends a data field, up to MaxFields.
func (m *mapper) add(name, value string) {
	if len(m.ev.Data) >= MaxFields {
		m.over = true
		return
	}
	m.ev.Data = append(m.ev.Data, winevent.Field{Name: name, Value: value})
}

// offer proposes node n as the value of system field f.
func (m *mapper) offer(f sysField, prio int, n int32) {
	if n < 0 {
		return
	}
	if c := m.cand[f]; c.node < 0 || prio < c.prio {
		m.cand[f] = candidate{node: n, prio: prio}
	}
}

// --- EVTX converters -------------------------------------------------------------------------

// evtx maps {"System":{..},"EventData":{..}|"UserData":{..}} (ev is the object holding them).
func (m *mapper) evtx(ev int32) {
	t := &m.t
	sys := t.child(ev, "System")
	m.offer(sChannel, 0, m.scalar(t.child(sys, "Channel"), ""))
	m.offer(sComputer, 0, m.scalar(t.child(sys, "Computer"), ""))
	m.offer(sEventID, 0, m.scalar(t.child(sys, "EventID"), ""))
	m.offer(sRecordID, 0, m.scalar(t.child(sys, "EventRecordID"), ""))
	m.offer(sLevel, 0, m.scalar(t.child(sys, "Level"), ""))
	m.offer(sProvider, 0, m.elemAttr(sys, "Provider", "Name"))
	m.offer(sTime, 0, m.elemAttr(sys, "TimeCreated", "SystemTime"))
	m.offer(sMessage, 0, m.scalar(t.child(ev, "Message"), ""))
	m.offer(sMessage, 1, m.scalar(t.child(t.child(ev, "RenderingInfo"), "Message"), ""))
	for c := t.nodes[ev].first; c >= 0; c = t.nodes[c].next {
		switch k := t.nodes[c].key; {
		case strings.EqualFold(k, "EventData"):
			m.eventData(c)
		case strings.EqualFold(k, "UserData"):
			m.userData(c, false)
		}
	}
}

// elemAttr finds attribute attr of element name under parent, in any of the spellings
// converters use: a plain string element, {"Name":..}, {"@Name":..},
// {"#attributes":{"Name":..}}, or a sibling "Provider_attributes":{"Name":..}.
func (m *mapper) elemAttr(parent int32, name, attr string) int32 {
	t := &m.t
	if v := m.scalar(t.child(parent, name), attr); v >= 0 {
		return v
	}
	return m.scalar(t.child(t.child(parent, name+"_attributes"), attr), "")
}

// scalar returns the node holding element n's value: n itself when it is a string, number or
// boolean; for an object, its attribute attr (when attr is set), else its #text or Value. -1
// when there is none (null, arrays, empty objects).
func (m *mapper) scalar(n int32, attr string) int32 {
	t := &m.t
	if n < 0 {
		return -1
	}
	switch t.nodes[n].kind {
	case kStr, kNum, kBool:
		return n
	case kObj:
		if attr != "" {
			for _, v := range []int32{t.child(n, attr), t.child(n, "@"+attr), t.child(t.child(n, "#attributes"), attr)} {
				if v >= 0 {
					return m.scalar(v, "")
				}
			}
			return -1
		}
		for _, k := range []string{"#text", "Value", "#value"} {
			if v := t.child(n, k); v >= 0 {
				return m.scalar(v, "")
			}
		}
	}
	return -1
}

// isAttrKey says whether a member is an XML attribute or namespace a converter kept beside the
// elements, not event data.
func isAttrKey(k string) bool {
	return k == "#attributes" || strings.HasPrefix(k, "@") || strings.HasSuffix(k, "_attributes") ||
		k == "xmlns" || strings.HasPrefix(k, "xmlns:")
}

// eventData maps EventData: a map of names, a "Data" list (named or unnamed), or a bare list.
func (m *mapper) eventData(n int32) {
	t := &m.t
	switch t.nodes[n].kind {
	case kObj:
		for c := t.nodes[n].first; c >= 0; c = t.nodes[c].next {
			k := t.nodes[c].key
			switch {
			case isAttrKey(k):
			case strings.EqualFold(k, "Data"):
				m.dataElems(c)
			case strings.EqualFold(k, "Binary") && t.nodes[c].kind == kNull:
			default:
				m.named(k, c)
			}
		}
	case kArr:
		m.dataElems(n)
	case kStr, kNum, kBool:
		m.add("", t.nodes[n].val)
	}
}

// dataElems maps the value of "Data": one element or a list of them.
func (m *mapper) dataElems(n int32) {
	t := &m.t
	switch t.nodes[n].kind {
	case kArr:
		for c := t.nodes[n].first; c >= 0; c = t.nodes[c].next {
			m.dataElem(c)
		}
	case kNull:
	default:
		m.dataElem(n)
	}
}

// dataElem maps one <Data>: a bare value (unnamed), {"Name":..,"#text":..} in any attribute
// spelling, {"#text":[..]} (several unnamed values), or a map of names.
func (m *mapper) dataElem(n int32) {
	t := &m.t
	switch t.nodes[n].kind {
	case kStr, kNum, kBool:
		m.add("", t.nodes[n].val)
	case kNull:
		m.add("", "") // an empty <Data/>: kept, so later unnamed values keep their positions
	case kArr:
		m.dataElems(n)
	case kObj:
		name := m.scalar(n, "Name")
		text := t.child(n, "#text")
		if text < 0 {
			text = t.child(n, "Value")
		}
		switch {
		case name >= 0:
			m.add(t.nodes[name].val, m.text(text))
		case text >= 0 && t.nodes[text].kind == kArr:
			m.dataElems(text)
		case text >= 0:
			m.add("", m.text(text))
		default:
			for c := t.nodes[n].first; c >= 0; c = t.nodes[c].next {
				if !isAttrKey(t.nodes[c].key) {
					m.named(t.nodes[c].key, c)
				}
			}
		}
	}
}

// named maps a data value under a name: scalars as they are, null as "", an element object by
// its text, other objects and arrays flattened.
func (m *mapper) named(name string, n int32) {
	t := &m.t
	switch t.nodes[n].kind {
	case kObj:
		if v := m.scalar(n, ""); v >= 0 {
			m.add(name, t.nodes[v].val)
			return
		}
		m.flatData(n, cutName(name))
	case kArr:
		m.array(cutName(name), n)
	default:
		m.add(name, t.nodes[n].val)
	}
}

// text is the value of a scalar node, "" for anything else.
func (m *mapper) text(n int32) string {
	if v := m.scalar(n, ""); v >= 0 {
		return m.t.nodes[v].val
	}
	return ""
}

// userData maps UserData (and Winlogbeat's user_data): every leaf element becomes a field named
// by its element, as in EVTX; attributes are dropped.
func (m *mapper) userData(n int32, winlog bool) {
	t := &m.t
	if t.nodes[n].kind != kObj {
		if t.nodes[n].kind != kNull {
			m.leaves(n, "UserData")
		}
		return
	}
	for c := t.nodes[n].first; c >= 0; c = t.nodes[c].next {
		k := t.nodes[c].key
		if isAttrKey(k) || (winlog && k == "xml_name") {
			continue
		}
		m.leaves(c, k)
	}
}

func (m *mapper) leaves(n int32, name string) {
	t := &m.t
	switch t.nodes[n].kind {
	case kObj:
		only := true // only #text and attributes: a leaf element with attributes
		for c := t.nodes[n].first; c >= 0; c = t.nodes[c].next {
			if k := t.nodes[c].key; k != "#text" && !isAttrKey(k) {
				only = false
				break
			}
		}
		if only {
			m.add(name, m.text(t.child(n, "#text")))
			return
		}
		for c := t.nodes[n].first; c >= 0; c = t.nodes[c].next {
			if k := t.nodes[c].key; !isAttrKey(k) {
				m.leaves(c, k)
			}
		}
	case kArr:
		if m.scalarsOnly(n) {
			m.add(name, m.join(n))
			return
		}
		for c := t.nodes[n].first; c >= 0; c = t.nodes[c].next {
			m.leaves(c, name)
		}
	default:
		m.add(name, t.nodes[n].val)
	}
}

// --- Winlogbeat and flat exports -------------------------------------------------------------

// isWinlog says whether an object is Winlogbeat's: a "winlog" object or dotted "winlog." keys.
func (m *mapper) isWinlog(root int32) bool {
	t := &m.t
	for c := t.nodes[root].first; c >= 0; c = t.nodes[c].next {
		k := t.nodes[c].key
		if (strings.EqualFold(k, "winlog") && t.nodes[c].kind == kObj) || hasPrefixFold(k, "winlog.") {
			return true
		}
	}
	return false
}

// walk visits the members of object n (whose dotted name is prefix): system fields by their
// known names at any depth (host.name), the rest as data. In Winlogbeat objects only
// winlog.event_data and winlog.user_data are data.
func (m *mapper) walk(n int32, prefix string, winlog bool) {
	t := &m.t
	for c := t.nodes[n].first; c >= 0; c = t.nodes[c].next {
		key := t.nodes[c].key
		if m.system(prefix, key, c) {
			continue
		}
		kd := t.nodes[c].kind
		if winlog {
			name := joinName(prefix, key)
			switch {
			case strings.EqualFold(name, "winlog.event_data"):
				m.paramsMap(c)
			case strings.EqualFold(name, "winlog.user_data"):
				m.userData(c, true)
			case hasPrefixFold(name, "winlog.event_data."):
				m.paramOrNamed(name[len("winlog.event_data."):], c)
			case hasPrefixFold(name, "winlog.user_data."):
				m.leaves(c, lastSegment(name))
			case kd == kObj:
				m.walk(c, name, true)
			}
			continue
		}
		if prefix == "" {
			switch {
			case strings.EqualFold(key, "EventData"):
				m.eventData(c)
				continue
			case strings.EqualFold(key, "event_data") && kd == kObj:
				// Winlogbeat before 7 (and NXLog's copies of it): event_data at the top.
				m.paramsMap(c)
				continue
			case strings.EqualFold(key, "user_data") && kd == kObj:
				m.userData(c, true)
				continue
			case strings.EqualFold(key, "UserData"):
				m.userData(c, false)
				continue
			case strings.EqualFold(key, "Properties") && kd == kArr, strings.EqualFold(key, "ReplacementStrings") && kd == kArr:
				// PowerShell: Get-WinEvent's Properties ([{"Value":..}]) and Get-EventLog's
				// ReplacementStrings are the event's unnamed data.
				for e := t.nodes[c].first; e >= 0; e = t.nodes[e].next {
					m.add("", m.text(e))
				}
				continue
			case isParam(key) > 0 && kd != kObj && kd != kArr:
				m.params = append(m.params, param{isParam(key), t.nodes[c].val})
				continue
			}
		}
		switch kd {
		case kObj:
			m.walk(c, joinName(prefix, key), false)
		case kArr:
			m.array(joinName(prefix, key), c)
		default:
			m.add(joinName(prefix, key), t.nodes[c].val)
		}
	}
	if prefix == "" {
		m.flushParams()
	}
}

// system checks whether member key of an object at prefix is a system field, and offers it.
// It returns true when the member is consumed (an object that holds no value for the field,
// such as Elastic's "host":{"name":..}, is walked instead). UtcTime is offered but stays data,
// since Sysmon events carry it as data.
func (m *mapper) system(prefix, key string, c int32) bool {
	if len(prefix)+len(key) >= 40 {
		return false // no known name is that long
	}
	m.low = m.low[:0]
	if prefix != "" {
		m.low = appendLower(m.low, prefix)
		m.low = append(m.low, '.')
	}
	m.low = appendLower(m.low, key)
	f, prio, ok := alias(m.low)
	if !ok {
		return false
	}
	t := &m.t
	attr := ""
	switch f {
	case sProvider:
		attr = "Name"
	case sTime:
		attr = "SystemTime"
	}
	v := m.scalar(c, attr)
	if v < 0 && t.nodes[c].kind == kObj {
		return false
	}
	m.offer(f, prio, v)
	return !(f == sTime && prio == prioUtcTime)
}

const prioUtcTime = 4

// alias maps a lower-case dotted key to the system field it names, with its priority.
func alias(k []byte) (sysField, int, bool) {
	switch string(k) {
	case "channel", "winlog.channel":
		return sChannel, 0, true
	case "logname", "log_name":
		return sChannel, 1, true
	case "providername", "provider_name", "winlog.provider_name":
		return sProvider, 0, true
	case "provider", "provider.name":
		return sProvider, 1, true
	case "sourcename", "source_name":
		return sProvider, 2, true
	case "source", "event.provider":
		return sProvider, 3, true
	case "computer", "computername", "computer_name", "winlog.computer_name":
		return sComputer, 0, true
	case "hostname", "machinename":
		return sComputer, 1, true
	case "host.name", "host.hostname":
		return sComputer, 2, true
	case "host":
		return sComputer, 3, true
	case "eventid", "event_id", "winlog.event_id":
		return sEventID, 0, true
	case "eventcode", "event.code":
		return sEventID, 1, true
	case "instanceid":
		return sEventID, 2, true
	case "id":
		return sEventID, 3, true
	case "eventrecordid", "recordnumber", "recordid", "record_id", "record_number", "winlog.record_id":
		return sRecordID, 0, true
	case "level", "winlog.level":
		return sLevel, 0, true
	case "log.level":
		return sLevel, 1, true
	case "leveldisplayname", "levelname", "level_name":
		return sLevel, 2, true
	case "timecreated", "time_created", "winlog.time_created":
		return sTime, 0, true
	case "eventtime", "systemtime", "timegenerated", "event_time":
		return sTime, 1, true
	case "@timestamp", "_time": // _time: Splunk's exports
		return sTime, 2, true
	case "timestamp", "timewritten":
		return sTime, 3, true
	case "utctime":
		return sTime, prioUtcTime, true
	case "eventreceivedtime":
		return sTime, 5, true
	case "message":
		return sMessage, 0, true
	}
	return 0, 0, false
}

// paramsMap maps Winlogbeat's event_data: names as they are, except param1, param2, ...,
// Winlogbeat's names for unnamed <Data>, which become unnamed fields in their number's order.
func (m *mapper) paramsMap(n int32) {
	t := &m.t
	switch t.nodes[n].kind {
	case kObj:
		for c := t.nodes[n].first; c >= 0; c = t.nodes[c].next {
			m.paramOrNamed(t.nodes[c].key, c)
		}
		m.flushParams()
	default:
		m.eventData(n)
	}
}

func (m *mapper) paramOrNamed(key string, c int32) {
	if p := isParam(key); p > 0 && m.t.nodes[c].kind != kObj && m.t.nodes[c].kind != kArr {
		m.params = append(m.params, param{p, m.t.nodes[c].val})
		return
	}
	m.named(key, c)
}

// flushParams adds the collected paramN values as unnamed fields, in number order (exports
// that sort keys put param10 before param2).
func (m *mapper) flushParams() {
	if len(m.params) == 0 {
		return
	}
	slices.SortStableFunc(m.params, func(a, b param) int { return a.n - b.n })
	for _, p := range m.params {
		m.add("", p.val)
	}
	m.params = m.params[:0]
}

// isParam returns N for a key "paramN" (N from 1 to 999), else 0.
func isParam(k string) int {
	if len(k) < 6 || len(k) > 8 || !strings.EqualFold(k[:5], "param") || k[5] == '0' {
		return 0
	}
	n, err := strconv.Atoi(k[5:])
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// flatData flattens a nested data object into dotted names.
func (m *mapper) flatData(n int32, prefix string) {
	t := &m.t
	for c := t.nodes[n].first; c >= 0; c = t.nodes[c].next {
		name := joinName(prefix, t.nodes[c].key)
		switch t.nodes[c].kind {
		case kObj:
			m.flatData(c, name)
		case kArr:
			m.array(name, c)
		default:
			m.add(name, t.nodes[c].val)
		}
	}
}

// array maps an array under a name: scalars joined by "\n" into one field; elements that are
// objects or arrays flattened as name.0, name.1, ...
func (m *mapper) array(name string, n int32) {
	t := &m.t
	if m.scalarsOnly(n) {
		if t.nodes[n].first >= 0 {
			m.add(name, m.join(n))
		}
		return
	}
	i := 0
	for c := t.nodes[n].first; c >= 0; c = t.nodes[c].next {
		if m.over {
			return
		}
		el := joinName(name, strconv.Itoa(i))
		i++
		switch t.nodes[c].kind {
		case kObj:
			m.flatData(c, el)
		case kArr:
			m.array(el, c)
		default:
			m.add(el, t.nodes[c].val)
		}
	}
}

func (m *mapper) scalarsOnly(n int32) bool {
	t := &m.t
	for c := t.nodes[n].first; c >= 0; c = t.nodes[c].next {
		if k := t.nodes[c].kind; k == kObj || k == kArr {
			return false
		}
	}
	return true
}

// join joins the values of an array of scalars with "\n".
func (m *mapper) join(n int32) string {
	t := &m.t
	c := t.nodes[n].first
	if c >= 0 && t.nodes[c].next < 0 {
		return t.nodes[c].val
	}
	var sb strings.Builder
	for ; c >= 0; c = t.nodes[c].next {
		if sb.Len() > 0 || c != t.nodes[n].first {
			sb.WriteByte('\n')
		}
		sb.WriteString(t.nodes[c].val)
	}
	return sb.String()
}

// joinName joins a dotted name, cut at maxName bytes.
func joinName(prefix, key string) string {
	if prefix == "" {
		return cutName(key)
	}
	if len(prefix) >= maxName {
		return prefix
	}
	if len(prefix)+1+len(key) <= maxName {
		return prefix + "." + key
	}
	return cutName(prefix + "." + key[:maxName-len(prefix)-1])
}

// cutName cuts a name at maxName bytes, on a rune boundary.
func cutName(s string) string {
	if len(s) <= maxName {
		return s
	}
	i := maxName
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i]
}

func lastSegment(s string) string {
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}
