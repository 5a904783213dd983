package evtx

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/exsweep/exsweep/internal/winevent"
)

// Limits on rendering one record and one chunk. Real records are at most
// 64 KiB of BinXML and render to well under 200 KiB of text; these bound
// what a hostile template (one 60 KiB value referenced a thousand times,
// thousands of tiny records using a huge template) can cost.
const (
	maxRecordText  = 256 << 10 // rendered text per record, then the record is truncated
	maxChunkText   = 8 << 20   // rendered text per chunk, then records are skipped
	maxChunkSteps  = 2 << 20   // ops walked per chunk, then records are skipped
	maxFields      = 1024      // fields per record, then the record is truncated
	maxArrayItems  = 1024      // items of one array value
	maxRecordIssue = 4         // problems noted per record that does not stop it; the rest are dropped
)

// role is what an element means for the event: which field its text or
// attributes fill. Only elements with a role other than roleNone have their
// content rendered at all, which is most of the speed.
type role uint8

const (
	roleNone role = iota
	roleRoot
	roleSystem
	roleEventData
	roleUserData
	roleUDWrapper // the one element under UserData (LogFileCleared, ...)
	roleUDNode    // any element under the wrapper; a leaf becomes a field
	roleProvider
	roleEventID
	roleLevel
	roleTime
	roleRecordID
	roleChannel
	roleComputer
	roleData   // EventData/Data: Name attribute and text
	roleEDElem // other EventData children (Binary, ...): element name and text
)

// captures reports whether an element of role r has its text rendered.
func (r role) captures() bool {
	switch r {
	case roleEventID, roleLevel, roleRecordID, roleChannel, roleComputer, roleData, roleEDElem, roleUDWrapper, roleUDNode:
		return true
	}
	return false
}

func (r role) isField() bool {
	return r == roleData || r == roleEDElem || r == roleUDWrapper || r == roleUDNode
}

func childRole(parent role, k nameKind, top bool) role {
	if top {
		return roleRoot
	}
	switch parent {
	case roleRoot:
		switch k {
		case nkSystem:
			return roleSystem
		case nkEventData:
			return roleEventData
		case nkUserData:
			return roleUserData
		}
	case roleSystem:
		switch k {
		case nkProvider:
			return roleProvider
		case nkEventID:
			return roleEventID
		case nkLevel:
			return roleLevel
		case nkTimeCreated:
			return roleTime
		case nkEventRecordID:
			return roleRecordID
		case nkChannel:
			return roleChannel
		case nkComputer:
			return roleComputer
		}
	case roleEventData:
		if k == nkData {
			return roleData
		}
		return roleEDElem
	case roleUserData:
		return roleUDWrapper
	case roleUDWrapper, roleUDNode:
		return roleUDNode
	}
	return roleNone
}

// attribute captures.
const (
	capNone = iota
	capProvider
	capTime
	capDataName
)

type frame struct {
	role     role
	hasChild bool
	litName  bool  // a Data element whose name was known at compile time
	start    int32 // where this element's text starts in the text buffer
	name     string
	// A Data Name attribute rendered from a substitution lives in the
	// text buffer; nameEnd > nameStart then.
	nameStart, nameEnd int32
}

// value is one substitution value: its type and where its bytes are.
type value struct {
	typ  byte
	off  int32 // chunk offset
	size int32
}

type span struct{ start, end int32 }

// fieldRef is a field whose strings are cut from the record text at the end.
type fieldRef struct {
	name      string
	nameSpan  span // used when name is empty and the span is not
	valueSpan span
}

var (
	errTruncated = errors.New("rendered text over the record limit")
	errBudget    = errors.New("chunk work budget exhausted")
)

// walker renders one record.
type walker struct {
	s      *Scratch
	c      []byte
	frames []frame

	attrCap   int
	attrStart int32

	// Array element repetition: while item is set, substitution itemSub
	// renders only the bytes of the current item.
	itemSub  int32
	item     []byte
	itemType byte
	inItem   bool

	provider, channel, computer span
	eventID, level, recordID    uint64
	hasRecordID                 bool
	timeCreated                 time.Time
	hasTime                     bool

	issues int
	recOff int // chunk offset of the record, for problems
	recID  uint64
	cs     *chunkState
}

// note records a problem that does not stop the record.
func (w *walker) note(off int, msg string) {
	w.issues++
	if w.issues <= maxRecordIssue {
		w.cs.problem(off, w.recID, "%s", msg)
	}
}

// decode renders the record BinXML c[start:end].
func (w *walker) decode(start, end int) error {
	ops, err := w.s.compileFragment(w.c, start, end)
	if err != nil {
		return err
	}
	return w.walk(ops, nil, 0)
}

func (w *walker) top() *frame {
	if len(w.frames) == 0 {
		return nil
	}
	return &w.frames[len(w.frames)-1]
}

// capturing reports whether text met now is rendered.
func (w *walker) capturing() bool {
	if w.attrCap != capNone {
		return true
	}
	f := w.top()
	return f != nil && f.role.captures()
}

func (w *walker) isNull(vals []value, i int32) bool {
	return int(i) >= len(vals) || vals[i].typ == typeNull
}

// dropped reports whether the element or attribute ops[0] (ops running to
// its end) is left out because an optional substitution in its direct
// content has a NULL value.
func (w *walker) dropped(ops []op, vals []value) bool {
	o := &ops[0]
	switch {
	case o.flags&flagDrop != 0:
		return w.isNull(vals, o.sub)
	case o.flags&flagDropAny == 0:
		return false
	}
	for i := 1; i < len(ops); i++ {
		switch ops[i].kind {
		case opAttr, opStart:
			i += int(ops[i].n) // attributes and children decide for themselves
		case opSub:
			if ops[i].flags&flagOptional != 0 && w.isNull(vals, ops[i].n) {
				return true
			}
		}
	}
	return false
}

// walk renders ops with substitution values vals. depth counts template
// instances, to stop a template that (through values or its own body)
// instantiates itself.
func (w *walker) walk(ops []op, vals []value, depth int) error {
	s := w.s
	for i := 0; i < len(ops); i++ {
		o := &ops[i]
		s.steps++
		if s.steps > maxChunkSteps {
			return errBudget
		}
		switch o.kind {
		case opStart:
			if w.dropped(ops[i:i+int(o.n)+1], vals) {
				i += int(o.n)
				continue
			}
			if o.flags&flagOneSub != 0 && !w.inItem && int(o.sub) < len(vals) && vals[o.sub].typ&typeArray != 0 {
				if err := w.repeat(ops[i:i+int(o.n)+1], vals, depth); err != nil {
					return err
				}
				i += int(o.n)
				continue
			}
			if err := w.push(o); err != nil {
				return err
			}
		case opAttr:
			if w.dropped(ops[i:i+int(o.n)+1], vals) {
				i += int(o.n)
				continue
			}
			cp := capNone
			if f := w.top(); f != nil {
				switch {
				case f.role == roleProvider && o.name == nkName:
					cp = capProvider
				case f.role == roleTime && o.name == nkSystemTime:
					cp = capTime
					if o.flags&flagOneSub != 0 && int(o.sub) < len(vals) && w.fastTime(vals[o.sub]) {
						i += int(o.n)
						continue
					}
				case f.role == roleData && o.name == nkName && !f.litName:
					cp = capDataName
				}
			}
			if cp == capNone {
				i += int(o.n)
				continue
			}
			w.attrCap = cp
			w.attrStart = int32(len(s.buf))
		case opAttrEnd:
			w.endAttr()
		case opEnd:
			if err := w.pop(); err != nil {
				return err
			}
		case opText:
			if w.capturing() {
				s.buf = append(s.buf, o.text...)
			}
		case opCharRef:
			if w.capturing() {
				s.buf = appendRune(s.buf, rune(o.n))
			}
		case opEntity:
			if w.capturing() {
				s.buf = appendEntity(s.buf, o.text)
			}
		case opSub:
			if int(o.n) >= len(vals) {
				w.note(w.recOff, "substitution index out of range of the template values")
				continue
			}
			v := vals[o.n]
			if v.typ == typeBinXML && w.attrCap == capNone {
				if err := w.nested(v, depth); err != nil {
					return err
				}
				continue
			}
			if w.capturing() {
				w.renderValue(v, o.n)
			}
		case opInstance:
			if err := w.instance(o, depth); err != nil {
				return err
			}
		}
		if len(s.buf) > maxRecordText {
			return errTruncated
		}
	}
	return nil
}

// repeat renders an element whose content is one array value once per
// item, as Windows and libevtx do (several Data elements of one name).
func (w *walker) repeat(ops []op, vals []value, depth int) error {
	v := vals[ops[0].sub]
	b := w.c[v.off : v.off+v.size]
	t := v.typ &^ typeArray
	w.inItem, w.itemSub, w.itemType = true, ops[0].sub, t
	defer func() { w.inItem, w.item = false, nil }()
	n := 0
	for len(b) > 0 {
		item, rest, ok := nextItem(t, b)
		if !ok {
			w.note(int(v.off), "array value does not split into items of its type")
			break
		}
		n++
		if n > maxArrayItems {
			w.note(int(v.off), "array value with more items than the limit: rest dropped")
			break
		}
		w.item = item
		if err := w.walk(ops, vals, depth); err != nil {
			return err
		}
		b = rest
	}
	if n == 0 {
		// An empty array still shows the element once, empty.
		w.item = b[:0]
		return w.walk(ops, vals, depth)
	}
	return nil
}

// nextItem cuts the first item off an array of type t.
func nextItem(t byte, b []byte) (item, rest []byte, ok bool) {
	switch t {
	case typeString:
		for i := 0; i+1 < len(b); i += 2 {
			if b[i] == 0 && b[i+1] == 0 {
				return b[:i], b[i+2:], true
			}
		}
		return b, nil, true
	case typeAnsi:
		for i, c := range b {
			if c == 0 {
				return b[:i], b[i+1:], true
			}
		}
		return b, nil, true
	case typeSID:
		if len(b) < 8 {
			return nil, nil, false
		}
		n := 8 + 4*int(b[1])
		if n > len(b) {
			return nil, nil, false
		}
		return b[:n], b[n:], true
	case typeSizeT:
		n := 8
		if len(b)%8 != 0 {
			n = 4
		}
		if len(b) < n {
			return nil, nil, false
		}
		return b[:n], b[n:], true
	}
	n := fixedSize(t)
	if n == 0 {
		// Binary and other variable types cannot be split: one item.
		return b, nil, true
	}
	if len(b) < n {
		return nil, nil, false
	}
	return b[:n], b[n:], true
}

func (w *walker) push(o *op) error {
	if len(w.frames) >= maxDepth {
		return errAt(w.recOff, "elements nested deeper than %d", maxDepth)
	}
	var r role
	if f := w.top(); f != nil {
		f.hasChild = true
		r = childRole(f.role, o.name, false)
	} else {
		r = roleRoot
	}
	fr := frame{role: r, start: int32(len(w.s.buf))}
	switch {
	case r == roleEDElem || r == roleUDWrapper || r == roleUDNode:
		fr.name = o.text
	case r == roleData && o.flags&flagLitName != 0:
		fr.name, fr.litName = o.lit, true
	}
	w.frames = append(w.frames, fr)
	return nil
}

func (w *walker) endAttr() {
	cp := w.attrCap
	if cp == capNone {
		return
	}
	w.attrCap = capNone
	s := w.s
	sp := span{w.attrStart, int32(len(s.buf))}
	f := w.top()
	switch cp {
	case capProvider:
		w.provider = sp
	case capTime:
		if t, ok := parseISO(s.buf[sp.start:sp.end]); ok {
			w.timeCreated, w.hasTime = t, true
		}
		s.buf = s.buf[:sp.start]
	case capDataName:
		f.nameStart, f.nameEnd = sp.start, sp.end
	}
	// The element's own text starts after its attributes.
	f.start = int32(len(s.buf))
}

// fastTime takes TimeCreated straight from a FILETIME or SYSTEMTIME value.
func (w *walker) fastTime(v value) bool {
	b := w.c[v.off : v.off+v.size]
	switch {
	case v.typ == typeFiletime && len(b) == 8:
		w.timeCreated, w.hasTime = filetimeToTime(binary.LittleEndian.Uint64(b)), true
		return true
	case v.typ == typeSysTime && len(b) == 16:
		if t, ok := systemtime(b); ok {
			w.timeCreated, w.hasTime = t, true
		}
		return true
	}
	return false
}

func (w *walker) pop() error {
	n := len(w.frames)
	if n == 0 {
		return errAt(w.recOff, "element end without a start")
	}
	f := w.frames[n-1]
	w.frames = w.frames[:n-1]
	s := w.s
	text := s.buf[f.start:]
	switch f.role {
	case roleEventID:
		w.eventID, _ = parseUint(text)
		s.buf = s.buf[:f.start]
	case roleLevel:
		w.level, _ = parseUint(text)
		s.buf = s.buf[:f.start]
	case roleRecordID:
		if v, ok := parseUint(text); ok {
			w.recordID, w.hasRecordID = v, true
		}
		s.buf = s.buf[:f.start]
	case roleChannel:
		w.channel = span{f.start, int32(len(s.buf))}
	case roleComputer:
		w.computer = span{f.start, int32(len(s.buf))}
	case roleData, roleEDElem, roleUDWrapper, roleUDNode:
		if f.hasChild && f.role != roleData {
			return nil // not a leaf: its children were the fields, or nothing
		}
		if len(s.fields) >= maxFields {
			return errTruncated
		}
		fr := fieldRef{name: f.name, valueSpan: span{f.start, int32(len(s.buf))}}
		if f.role == roleData {
			fr.nameSpan = span{f.nameStart, f.nameEnd}
		}
		if f.role == roleEDElem && f.name == "Binary" {
			fr.name = "Binary"
		}
		s.fields = append(s.fields, fr)
	}
	return nil
}

// renderValue appends the text of substitution value v.
func (w *walker) renderValue(v value, idx int32) {
	s := w.s
	b := w.c[v.off : v.off+v.size]
	t := v.typ
	if w.inItem && idx == w.itemSub {
		if len(w.item) == 0 {
			return // the one empty showing of an empty array
		}
		b, t = w.item, w.itemType
	}
	if t&typeArray != 0 {
		// An array outside an element of its own (in an attribute or next
		// to other text): its items joined by ", ".
		et := t &^ typeArray
		for n := 0; len(b) > 0 && n < maxArrayItems; n++ {
			item, rest, ok := nextItem(et, b)
			if !ok {
				w.note(int(v.off), "array value does not split into items of its type")
				break
			}
			if n > 0 {
				s.buf = append(s.buf, ", "...)
			}
			w.appendScalar(et, item, v.off)
			b = rest
		}
		return
	}
	w.appendScalar(t, b, v.off)
}

func (w *walker) appendScalar(t byte, b []byte, off int32) {
	s := w.s
	if t == typeBinXML {
		// BinXML inside an attribute: no text.
		return
	}
	out, ok := appendValue(s.buf, t, b)
	if !ok {
		w.note(int(off), "value of type 0x"+string(hexDigitsLower[t>>4])+string(hexDigitsLower[t&15])+" has a size its type does not allow: shown as hex")
		out = appendHex(s.buf, b)
	}
	s.buf = out
}

// nested renders a BinXML value (a fragment, often holding a template
// instance of its own) as content of the current element.
func (w *walker) nested(v value, depth int) error {
	if depth+1 > maxInstanceDepth {
		return errAt(int(v.off), "BinXML values nested deeper than %d (a template that contains itself?)", maxInstanceDepth)
	}
	ops, err := w.s.compileFragment(w.c, int(v.off), int(v.off+v.size))
	if err != nil {
		return err
	}
	return w.walk(ops, nil, depth+1)
}

// instance renders a template instance: its template (compiled once per
// chunk) with the values that follow the instance.
func (w *walker) instance(o *op, depth int) error {
	if depth+1 > maxInstanceDepth {
		return errAt(int(o.sub), "template instances nested deeper than %d (a template that contains itself?)", maxInstanceDepth)
	}
	tops, err := w.s.template(w.c, int(o.n), int(o.sub))
	if err != nil {
		return err
	}
	s := w.s
	base := len(s.vals)
	at := int(o.val)
	n := int(binary.LittleEndian.Uint32(w.c[at:]))
	data := at + 4 + 4*n
	for i := 0; i < n; i++ {
		d := w.c[at+4+4*i:]
		size := int32(binary.LittleEndian.Uint16(d))
		s.vals = append(s.vals, value{typ: d[2], off: int32(data), size: size})
		data += int(size)
	}
	vals := s.vals[base:]
	err = w.walk(tops, vals, depth+1)
	s.vals = s.vals[:base]
	return err
}

func appendRune(dst []byte, r rune) []byte {
	if r < 0x80 {
		return append(dst, byte(r))
	}
	return appendUTF16(dst, []byte{byte(r), byte(r >> 8)})
}

// appendEntity resolves the five predefined XML entities; any other name
// is kept as written.
func appendEntity(dst []byte, name string) []byte {
	switch name {
	case "amp":
		return append(dst, '&')
	case "lt":
		return append(dst, '<')
	case "gt":
		return append(dst, '>')
	case "quot":
		return append(dst, '"')
	case "apos":
		return append(dst, '\'')
	}
	dst = append(dst, '&')
	dst = append(dst, name...)
	return append(dst, ';')
}

// parseUint reads a decimal number, or a 0x-prefixed hex one, ignoring
// surrounding spaces.
func parseUint(b []byte) (uint64, bool) {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	if len(b) > 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X') {
		for _, c := range b[2:] {
			var d byte
			switch {
			case c >= '0' && c <= '9':
				d = c - '0'
			case c >= 'a' && c <= 'f':
				d = c - 'a' + 10
			case c >= 'A' && c <= 'F':
				d = c - 'A' + 10
			default:
				return 0, false
			}
			if v>>60 != 0 {
				return 0, false
			}
			v = v<<4 | uint64(d)
		}
		return v, true
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (1<<64-1)/10 {
			return 0, false
		}
		v2 := v*10 + uint64(c-'0')
		if v2 < v {
			return 0, false
		}
		v = v2
	}
	return v, true
}

// parseISO reads the time format values are printed in (and the common
// RFC 3339 forms a string value may hold).
func parseISO(b []byte) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// event fills ev from what the walk found; s.buf holds the record's text,
// which becomes one string that every field value is cut from (one
// allocation for all values, and callers may keep them).
func (w *walker) event(ev *winevent.Event, written time.Time, headerID uint64) {
	s := w.s
	text := string(s.buf)
	ev.Provider = s.sticky(0, s.buf[w.provider.start:w.provider.end])
	ev.Channel = s.sticky(1, s.buf[w.channel.start:w.channel.end])
	ev.Computer = s.sticky(2, s.buf[w.computer.start:w.computer.end])
	ev.EventID = uint32(w.eventID)
	ev.Level = uint8(w.level)
	ev.RecordID = headerID
	if w.hasRecordID {
		ev.RecordID = w.recordID
	}
	ev.Time = written
	if w.hasTime {
		ev.Time = w.timeCreated
	}
	ev.Message = ""
	ev.Data = nil
	if len(s.fields) == 0 {
		return
	}
	data := make([]winevent.Field, len(s.fields))
	for i, f := range s.fields {
		name := f.name
		if f.nameSpan.end > f.nameSpan.start {
			name = s.intern(s.buf[f.nameSpan.start:f.nameSpan.end])
		}
		data[i] = winevent.Field{Name: name, Value: text[f.valueSpan.start:f.valueSpan.end]}
	}
	ev.Data = data
}
