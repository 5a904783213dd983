package evtxwrite

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"time"
	"unicode/utf16"
)

// Record is one record holding any BinXML document.
type Record struct {
	// ID is the record identifier; 0 means "previous + 1".
	ID uint64
	// Written is the record header's time.
	Written time.Time
	// Doc is an *Instance (a template instance, as Windows writes every
	// record) or an *Elem (plain BinXML with literal values).
	Doc Node
	// event marks records made by Event.Record, whose System template
	// value subRecordID takes the record id once it is known.
	event bool
}

// Node is a BinXML node: *Elem, Text, CDATA, CharRef, EntityRef, PI, Sub,
// or *Instance.
type Node interface{ node() }

// Elem is an element.
type Elem struct {
	Name     string
	Attrs    []Attr
	Children []Node
}

// Attr is an attribute; its value is made of Text, Sub, CharRef and
// EntityRef nodes.
type Attr struct {
	Name  string
	Value []Node
}

// Text is a literal string value.
type Text string

// CDATA is a CDATA section.
type CDATA string

// CharRef is a character reference (&#N;).
type CharRef uint16

// EntityRef is an entity reference (&name;).
type EntityRef string

// PI is a processing instruction.
type PI struct{ Target, Data string }

// Sub is a substitution of the template's value Index, of declared Type;
// an Optional one whose value is NULL drops its element or attribute.
type Sub struct {
	Index    uint16
	Type     byte
	Optional bool
}

// Instance is a template instance: the template's body and the values that
// fill its substitutions.
type Instance struct {
	Template *Elem
	Values   []Value
}

func (*Elem) node()     {}
func (Text) node()      {}
func (CDATA) node()     {}
func (CharRef) node()   {}
func (EntityRef) node() {}
func (PI) node()        {}
func (Sub) node()       {}
func (*Instance) node() {}

// Value is one substitution value: Type and its bytes as stored, or for
// TypeBinXML a nested document (an *Instance or *Elem) in Nested.
type Value struct {
	Type   byte
	Data   []byte
	Nested Node
}

// BinXML value types.
const (
	TypeNull     byte = 0x00
	TypeString   byte = 0x01
	TypeAnsi     byte = 0x02
	TypeInt8     byte = 0x03
	TypeUint8    byte = 0x04
	TypeInt16    byte = 0x05
	TypeUint16   byte = 0x06
	TypeInt32    byte = 0x07
	TypeUint32   byte = 0x08
	TypeInt64    byte = 0x09
	TypeUint64   byte = 0x0a
	TypeReal32   byte = 0x0b
	TypeReal64   byte = 0x0c
	TypeBool     byte = 0x0d
	TypeBinary   byte = 0x0e
	TypeGUID     byte = 0x0f
	TypeSizeT    byte = 0x10
	TypeFiletime byte = 0x11
	TypeSysTime  byte = 0x12
	TypeSID      byte = 0x13
	TypeHex32    byte = 0x14
	TypeHex64    byte = 0x15
	TypeBinXML   byte = 0x21
	TypeArray    byte = 0x80
)

// Value constructors for the common types.

// String is a UTF-16 string value (no terminator, as Windows writes them).
func String(s string) Value { return Value{Type: TypeString, Data: utf16le(s)} }

// Uint8 is an unsigned 8-bit value.
func Uint8(v uint8) Value { return Value{Type: TypeUint8, Data: []byte{v}} }

// Uint16 is an unsigned 16-bit value.
func Uint16(v uint16) Value {
	return Value{Type: TypeUint16, Data: binary.LittleEndian.AppendUint16(nil, v)}
}

// Uint32 is an unsigned 32-bit value.
func Uint32(v uint32) Value {
	return Value{Type: TypeUint32, Data: binary.LittleEndian.AppendUint32(nil, v)}
}

// Uint64 is an unsigned 64-bit value.
func Uint64(v uint64) Value {
	return Value{Type: TypeUint64, Data: binary.LittleEndian.AppendUint64(nil, v)}
}

// Hex64 is a 64-bit value shown in hexadecimal.
func Hex64(v uint64) Value {
	return Value{Type: TypeHex64, Data: binary.LittleEndian.AppendUint64(nil, v)}
}

// Filetime is a FILETIME value.
func Filetime(t time.Time) Value {
	return Value{Type: TypeFiletime, Data: binary.LittleEndian.AppendUint64(nil, filetime(t))}
}

// GUID is a GUID value from its 16 stored bytes.
func GUID(b []byte) Value { return Value{Type: TypeGUID, Data: b[:16:16]} }

// Null is a NULL value.
func Null() Value { return Value{Type: TypeNull} }

// StringArray is an array of UTF-16 strings, each NUL-terminated.
func StringArray(items []string) Value {
	var b []byte
	for _, s := range items {
		b = append(b, utf16le(s)...)
		b = append(b, 0, 0)
	}
	return Value{Type: TypeString | TypeArray, Data: b}
}

// SID encodes a SID written as S-1-<authority>-<sub>...; it panics on
// malformed text (tests pass constants).
func SID(s string) Value {
	var rev, auth uint64
	var subs []uint32
	var rest string
	if _, err := fmt.Sscanf(s, "S-%d-%d%s", &rev, &auth, &rest); err != nil && err.Error() != "unexpected EOF" {
		panic(fmt.Sprintf("evtxwrite.SID(%q): %v", s, err))
	}
	for len(rest) > 0 {
		var v uint32
		n, _ := fmt.Sscanf(rest, "-%d", &v)
		if n != 1 {
			panic(fmt.Sprintf("evtxwrite.SID(%q): bad sub-authority", s))
		}
		subs = append(subs, v)
		rest = rest[1+len(fmt.Sprint(v)):]
	}
	b := []byte{byte(rev), byte(len(subs)), byte(auth >> 40), byte(auth >> 32), byte(auth >> 24), byte(auth >> 16), byte(auth >> 8), byte(auth)}
	for _, v := range subs {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return Value{Type: TypeSID, Data: b}
}

// BinXML tokens.
const (
	tokEOF          = 0x00
	tokOpenStart    = 0x01
	tokCloseStart   = 0x02
	tokCloseEmpty   = 0x03
	tokEnd          = 0x04
	tokValue        = 0x05
	tokAttribute    = 0x06
	tokCDATA        = 0x07
	tokCharRef      = 0x08
	tokEntityRef    = 0x09
	tokPITarget     = 0x0a
	tokPIData       = 0x0b
	tokTemplate     = 0x0c
	tokSubstitution = 0x0d
	tokOptionalSub  = 0x0e
	tokFragment     = 0x0f
	flagMore        = 0x40 // "has attributes" / "more attributes follow"
)

// encoder accumulates BinXML whose first byte sits at chunk offset base.
type encoder struct {
	base   int
	buf    []byte
	sh     *sharing // nil: nothing shared (template keys)
	inline bool
	keys   keyCache // may be nil
}

// tkey is a template's identity: its key and the GUID derived from it.
type tkey struct {
	key string
	sum [16]byte
}

// keyCache remembers the keys of templates by pointer: events of one shape
// share one template tree, so each is encoded for its key once.
type keyCache map[*Elem]tkey

func (kc keyCache) get(t *Elem) (tkey, error) {
	if k, ok := kc[t]; ok {
		return k, nil
	}
	key, err := templateKey(t)
	if err != nil {
		return tkey{}, err
	}
	k := tkey{key: key, sum: md5.Sum([]byte(key))}
	if kc != nil {
		kc[t] = k
	}
	return k, nil
}

func (x *encoder) pos() int  { return x.base + len(x.buf) }
func (x *encoder) u8(v byte) { x.buf = append(x.buf, v) }
func (x *encoder) u16(v uint16) {
	x.buf = binary.LittleEndian.AppendUint16(x.buf, v)
}
func (x *encoder) u32(v uint32) {
	x.buf = binary.LittleEndian.AppendUint32(x.buf, v)
}

// patch32 stores, at index at, the number of bytes written after it.
func (x *encoder) patch32(at int) {
	binary.LittleEndian.PutUint32(x.buf[at:], uint32(len(x.buf)-at-4))
}

func (x *encoder) fragment() { x.buf = append(x.buf, tokFragment, 1, 1, 0) }

func (x *encoder) sharing() bool { return x.sh != nil && !x.inline }

// name writes a name reference: the offset of a name defined earlier in
// the chunk, or an offset pointing just past itself followed by the name
// structure (next offset, hash, length, UTF-16 text, NUL).
func (x *encoder) name(s string) {
	if x.sharing() {
		if off, ok := x.sh.names[s]; ok {
			x.u32(uint32(off))
			return
		}
		x.sh.names[s] = x.pos() + 4
		x.sh.addedNames = append(x.sh.addedNames, s)
	}
	u := utf16.Encode([]rune(s))
	x.u32(uint32(x.pos() + 4))
	x.u32(0) // next string in the hash bucket; flush links them
	var h uint32
	for _, c := range u {
		h = h*65599 + uint32(c)
	}
	x.u16(uint16(h))
	x.u16(uint16(len(u)))
	for _, c := range u {
		x.u16(c)
	}
	x.u16(0)
}

func (x *encoder) doc(n Node) error {
	switch d := n.(type) {
	case *Instance:
		return x.instance(d)
	case *Elem:
		return x.element(d)
	case nil:
		return nil
	}
	return fmt.Errorf("evtxwrite: a document is an *Instance or an *Elem, not %T", n)
}

// element writes <name attrs...> children </name>; no children means an
// empty element. Sizes are patched afterwards since they cover nested
// content.
func (x *encoder) element(e *Elem) error {
	tok := byte(tokOpenStart)
	if len(e.Attrs) > 0 {
		tok |= flagMore
	}
	x.u8(tok)
	x.u16(0xffff) // dependency identifier: none
	sizeAt := len(x.buf)
	x.u32(0)
	x.name(e.Name)
	if len(e.Attrs) > 0 {
		listAt := len(x.buf)
		x.u32(0)
		for i, a := range e.Attrs {
			t := byte(tokAttribute)
			if i < len(e.Attrs)-1 {
				t |= flagMore
			}
			x.u8(t)
			x.name(a.Name)
			for _, v := range a.Value {
				if err := x.content(v); err != nil {
					return err
				}
			}
		}
		x.patch32(listAt)
	}
	if len(e.Children) == 0 {
		x.u8(tokCloseEmpty)
	} else {
		x.u8(tokCloseStart)
		for _, c := range e.Children {
			if err := x.content(c); err != nil {
				return err
			}
		}
		x.u8(tokEnd)
	}
	x.patch32(sizeAt)
	return nil
}

func (x *encoder) text(s string) {
	u := utf16.Encode([]rune(s))
	for _, c := range u {
		x.u16(c)
	}
}

func (x *encoder) content(n Node) error {
	switch v := n.(type) {
	case *Elem:
		return x.element(v)
	case Text:
		x.u8(tokValue)
		x.u8(TypeString)
		x.u16(uint16(len(utf16.Encode([]rune(string(v))))))
		x.text(string(v))
	case CDATA:
		x.u8(tokCDATA)
		x.u16(uint16(len(utf16.Encode([]rune(string(v))))))
		x.text(string(v))
	case CharRef:
		x.u8(tokCharRef)
		x.u16(uint16(v))
	case EntityRef:
		x.u8(tokEntityRef)
		x.name(string(v))
	case PI:
		x.u8(tokPITarget)
		x.name(v.Target)
		x.u8(tokPIData)
		x.u16(uint16(len(utf16.Encode([]rune(v.Data)))))
		x.text(v.Data)
	case Sub:
		t := byte(tokSubstitution)
		if v.Optional {
			t = tokOptionalSub
		}
		x.u8(t)
		x.u16(v.Index)
		x.u8(v.Type)
	case *Instance:
		return x.instance(v)
	default:
		return fmt.Errorf("evtxwrite: unknown node %T", n)
	}
	return nil
}

// templateKey identifies a template body: its encoding with nothing
// shared, at offset 0.
func templateKey(t *Elem) (string, error) {
	k := encoder{}
	if err := k.element(t); err != nil {
		return "", err
	}
	return string(k.buf), nil
}

// instance writes a template instance: the definition inline at first use
// in the chunk (or always, with Inline), else a reference to it, then the
// value array.
func (x *encoder) instance(in *Instance) error {
	if in.Template == nil {
		return fmt.Errorf("evtxwrite: template instance without a template")
	}
	tk, err := x.keys.get(in.Template)
	if err != nil {
		return err
	}
	key, sum := tk.key, tk.sum
	// A content-derived GUID keeps output deterministic; its first four
	// bytes double as the template id, as in Windows files.
	x.u8(tokTemplate)
	x.u8(1) // unknown, always 1 in Windows files
	x.buf = append(x.buf, sum[:4]...)
	def, shared := 0, false
	if x.sharing() {
		def, shared = x.sh.templates[key]
	}
	if shared {
		x.u32(uint32(def))
	} else {
		def = x.pos() + 4
		x.u32(uint32(def))
		if x.sharing() {
			x.sh.templates[key] = def
			x.sh.addedTemplates = append(x.sh.addedTemplates, key)
		}
		x.u32(0) // next template definition
		x.buf = append(x.buf, sum[:]...)
		dataAt := len(x.buf)
		x.u32(0)
		x.fragment()
		if err := x.element(in.Template); err != nil {
			return err
		}
		x.u8(tokEOF)
		x.patch32(dataAt)
	}
	// Values: count, (size, type, 0) descriptors, then the data. A nested
	// document is encoded at the place it will occupy.
	n := len(in.Values)
	x.u32(uint32(n))
	descAt := len(x.buf)
	x.buf = append(x.buf, make([]byte, 4*n)...)
	for i, v := range in.Values {
		start := len(x.buf)
		if v.Type == TypeBinXML && v.Nested != nil {
			sub := encoder{base: x.pos(), sh: x.sh, inline: x.inline, keys: x.keys}
			sub.fragment()
			if err := sub.doc(v.Nested); err != nil {
				return err
			}
			x.buf = append(x.buf, sub.buf...)
		} else {
			x.buf = append(x.buf, v.Data...)
		}
		size := len(x.buf) - start
		if size > 0xffff {
			return fmt.Errorf("%w: a value of %d bytes", ErrRecordTooLarge, size)
		}
		binary.LittleEndian.PutUint16(x.buf[descAt+4*i:], uint16(size))
		x.buf[descAt+4*i+2] = v.Type
	}
	return nil
}
