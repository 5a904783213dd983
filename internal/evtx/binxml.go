package evtx

import (
	"encoding/binary"
	"fmt"
)

// BinXML tokens; 0x40 on a token means "has attributes" (open start) or
// "more follows" (others), and is masked off unless it matters.
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
	tokMore         = 0x40
)

// opKind is one step of a compiled BinXML fragment. A fragment is compiled
// once into a flat list of ops (names decoded, roles of names classified,
// sizes checked) so that rendering a record is a walk over a few dozen ops
// with the record's substitution values, not a parse of bytes.
type opKind uint8

const (
	opStart    opKind = iota + 1 // element start; n = distance to its opEnd
	opAttr                       // attribute; n = distance to its opAttrEnd
	opAttrEnd                    //
	opEnd                        // element end
	opText                       // literal text (value token or CDATA)
	opSub                        // substitution: n = index, typ = declared type
	opCharRef                    // n = the character
	opEntity                     // entity reference: text = its name
	opInstance                   // template instance: n = definition offset, val = chunk offset of its value array
)

// op flags.
const (
	flagOptional = 1 << iota // opSub: optional substitution
	flagDrop                 // opStart/opAttr: content is exactly one optional substitution (sub)
	flagOneSub               // opStart/opAttr: content is exactly one substitution (sub)
	flagDropAny              // opStart/opAttr: content holds optional substitutions among other nodes
	flagLitName              // opStart of a Data element: its Name attribute is the literal lit
)

type op struct {
	kind  opKind
	name  nameKind // opStart, opAttr
	typ   byte     // opSub: declared value type
	flags uint8
	n     int32  // see opKind
	sub   int32  // opStart/opAttr with flagDrop or flagOneSub: the substitution index
	val   int32  // opInstance: chunk offset of the value array
	text  string // element/attribute/entity name, or literal text
	lit   string // opStart with flagLitName: the Name attribute's text
}

// nameKind classifies the element and attribute names the renderer acts on.
type nameKind uint8

const (
	nkOther nameKind = iota
	nkSystem
	nkEventData
	nkUserData
	nkProvider
	nkEventID
	nkLevel
	nkTimeCreated
	nkEventRecordID
	nkChannel
	nkComputer
	nkData
	nkBinary
	nkName
	nkSystemTime
)

func classify(name string) nameKind {
	switch name {
	case "System":
		return nkSystem
	case "EventData":
		return nkEventData
	case "UserData":
		return nkUserData
	case "Provider":
		return nkProvider
	case "EventID":
		return nkEventID
	case "Level":
		return nkLevel
	case "TimeCreated":
		return nkTimeCreated
	case "EventRecordID":
		return nkEventRecordID
	case "Channel":
		return nkChannel
	case "Computer":
		return nkComputer
	case "Data":
		return nkData
	case "Binary":
		return nkBinary
	case "Name":
		return nkName
	case "SystemTime":
		return nkSystemTime
	}
	return nkOther
}

// Limits on compiled fragments.
const (
	maxDepth         = 64   // element nesting, counted across nested fragments
	maxTemplateOps   = 8192 // ops in one compiled fragment
	maxInstanceDepth = 8    // template instances nested in BinXML values or templates
)

// parseError is a BinXML problem at a chunk offset.
type parseError struct {
	off int
	msg string
}

func (e *parseError) Error() string { return e.msg }

func errAt(off int, format string, args ...any) *parseError {
	return &parseError{off: off, msg: fmt.Sprintf(format, args...)}
}

// compiler turns BinXML bytes of one chunk into ops. It reads only
// c[pos:end]; names may live anywhere in the chunk.
type compiler struct {
	s   *Scratch
	c   []byte // the chunk
	end int
	pos int
	ops *[]op
}

func (x *compiler) u8() (byte, error) {
	if x.pos >= x.end {
		return 0, errAt(x.pos, "BinXML truncated")
	}
	b := x.c[x.pos]
	x.pos++
	return b, nil
}

func (x *compiler) u16() (uint16, error) {
	if x.end-x.pos < 2 {
		return 0, errAt(x.pos, "BinXML truncated")
	}
	v := binary.LittleEndian.Uint16(x.c[x.pos:])
	x.pos += 2
	return v, nil
}

func (x *compiler) u32() (uint32, error) {
	if x.end-x.pos < 4 {
		return 0, errAt(x.pos, "BinXML truncated")
	}
	v := binary.LittleEndian.Uint32(x.c[x.pos:])
	x.pos += 4
	return v, nil
}

func (x *compiler) emit(o op) (int32, error) {
	if len(*x.ops) >= x.s.opsLimit {
		return 0, errAt(x.pos, "BinXML has more than %d nodes", maxTemplateOps)
	}
	*x.ops = append(*x.ops, o)
	return int32(len(*x.ops) - 1), nil
}

// name reads a name reference. A name whose offset is the position right
// after the reference is defined inline and skipped; others were defined
// earlier in the chunk (Windows shares names within a chunk).
func (x *compiler) name() (string, error) {
	at := x.pos
	off, err := x.u32()
	if err != nil {
		return "", err
	}
	s, size, err := x.s.chunkName(x.c, int(off), at)
	if err != nil {
		return "", err
	}
	if int(off) == x.pos {
		if x.end-x.pos < size {
			return "", errAt(x.pos, "inline name runs past the end of its BinXML")
		}
		x.pos += size
	}
	return s, nil
}

// utf16Text reads a character count and that many UTF-16 characters.
func (x *compiler) utf16Text() (string, error) {
	n, err := x.u16()
	if err != nil {
		return "", err
	}
	if x.end-x.pos < 2*int(n) {
		return "", errAt(x.pos, "text of %d characters runs past the end of its BinXML", n)
	}
	b := x.c[x.pos : x.pos+2*int(n)]
	x.pos += 2 * int(n)
	x.s.tmp = appendUTF16(x.s.tmp[:0], b)
	return x.s.intern(x.s.tmp), nil
}

// fragment compiles a BinXML fragment or a bare element sequence up to the
// end-of-fragment token (or the end of the data).
func (x *compiler) fragment(depth int) error {
	for x.pos < x.end {
		t := x.c[x.pos]
		switch t &^ tokMore {
		case tokEOF:
			x.pos++
			return nil
		case tokFragment:
			if x.end-x.pos < 4 {
				return errAt(x.pos, "fragment header truncated")
			}
			x.pos += 4
		case tokOpenStart:
			if err := x.element(depth); err != nil {
				return err
			}
		case tokTemplate:
			if err := x.instance(); err != nil {
				return err
			}
		case tokValue, tokCDATA, tokCharRef, tokEntityRef, tokSubstitution, tokOptionalSub, tokPITarget, tokPIData:
			// Text outside any element is not part of an event; read and drop it.
			if _, err := x.content(t, false); err != nil {
				return err
			}
		default:
			return errAt(x.pos, "unexpected BinXML token 0x%02x", t)
		}
	}
	return nil
}

// instance compiles a template instance: the definition is compiled when a
// record is rendered (once per chunk), here its place and its value array
// are noted and the bytes skipped.
func (x *compiler) instance() error {
	start := x.pos
	if x.end-x.pos < 10 {
		return errAt(x.pos, "template instance truncated")
	}
	x.pos += 2 // token, unknown byte
	x.pos += 4 // template id
	def, _ := x.u32()
	if int(def) == x.pos {
		// The definition follows inline: next offset, GUID, data size, data.
		if x.end-x.pos < 24 {
			return errAt(x.pos, "inline template definition truncated")
		}
		size := int(binary.LittleEndian.Uint32(x.c[x.pos+20:]))
		if size > x.end-x.pos-24 {
			return errAt(x.pos, "inline template definition of %d bytes runs past the end of its BinXML", size)
		}
		x.pos += 24 + size
	}
	valAt := x.pos
	n, err := x.u32()
	if err != nil {
		return err
	}
	if int(n) > (x.end-x.pos)/4 {
		return errAt(valAt, "template instance claims %d values, more than its BinXML can hold", n)
	}
	total := 0
	for i := 0; i < int(n); i++ {
		total += int(binary.LittleEndian.Uint16(x.c[x.pos+4*i:]))
	}
	x.pos += 4 * int(n)
	if total > x.end-x.pos {
		return errAt(valAt, "template values (%d bytes) run past the end of their BinXML", total)
	}
	x.pos += total
	_, err = x.emit(op{kind: opInstance, n: int32(def), val: int32(valAt), sub: int32(start)})
	return err
}

// element compiles one element and its content.
func (x *compiler) element(depth int) error {
	if depth >= maxDepth {
		return errAt(x.pos, "elements nested deeper than %d", maxDepth)
	}
	t := x.c[x.pos]
	x.pos++
	// Dependency identifier and data size: neither is needed to parse.
	if x.end-x.pos < 6 {
		return errAt(x.pos, "element start truncated")
	}
	x.pos += 6
	name, err := x.name()
	if err != nil {
		return err
	}
	start, err := x.emit(op{kind: opStart, name: classify(name), text: name})
	if err != nil {
		return err
	}
	if t&tokMore != 0 {
		if _, err := x.u32(); err != nil { // attribute list size
			return err
		}
		for x.pos < x.end && x.c[x.pos]&^tokMore == tokAttribute {
			x.pos++
			an, err := x.name()
			if err != nil {
				return err
			}
			at, err := x.emit(op{kind: opAttr, name: classify(an), text: an})
			if err != nil {
				return err
			}
			for x.pos < x.end {
				tt := x.c[x.pos] &^ tokMore
				if tt != tokValue && tt != tokSubstitution && tt != tokOptionalSub && tt != tokCharRef && tt != tokEntityRef {
					break
				}
				if _, err := x.content(x.c[x.pos], true); err != nil {
					return err
				}
			}
			end, err := x.emit(op{kind: opAttrEnd})
			if err != nil {
				return err
			}
			x.markSingle(at, end)
			// <Data Name="literal">: the name is known now, not per record.
			ops := *x.ops
			if ops[start].name == nkData && ops[at].name == nkName && end == at+2 && ops[at+1].kind == opText {
				ops[start].flags |= flagLitName
				ops[start].lit = ops[at+1].text
			}
		}
	}
	c, err := x.u8()
	if err != nil {
		return err
	}
	switch c {
	case tokCloseEmpty:
	case tokCloseStart:
		for {
			if x.pos >= x.end {
				return errAt(x.pos, "element <%s> not closed", name)
			}
			tt := x.c[x.pos]
			switch tt &^ tokMore {
			case tokEnd:
				x.pos++
			case tokOpenStart:
				if err := x.element(depth + 1); err != nil {
					return err
				}
				continue
			case tokTemplate:
				if err := x.instance(); err != nil {
					return err
				}
				continue
			case tokFragment:
				if x.end-x.pos < 4 {
					return errAt(x.pos, "fragment header truncated")
				}
				x.pos += 4
				continue
			default:
				if _, err := x.content(tt, true); err != nil {
					return err
				}
				continue
			}
			break
		}
	default:
		return errAt(x.pos-1, "unexpected BinXML token 0x%02x after the attributes of <%s>", c, name)
	}
	end, err := x.emit(op{kind: opEnd})
	if err != nil {
		return err
	}
	x.markSingle(start, end)
	return nil
}

// markSingle notes on an element or attribute whose direct content holds
// optional substitutions that a NULL value in any of them drops the node
// (as Windows and libevtx render it), and, when the content is exactly
// one substitution, which one: the fast path for the drop test, and an
// array value then repeats the element.
func (x *compiler) markSingle(start, end int32) {
	ops := *x.ops
	ops[start].n = end - start
	first := start + 1
	if ops[start].kind == opStart {
		// Skip the attributes.
		for first < end && ops[first].kind == opAttr {
			first += ops[first].n + 1
		}
	}
	if end-first == 1 && ops[first].kind == opSub {
		ops[start].flags |= flagOneSub
		ops[start].sub = ops[first].n
		if ops[first].flags&flagOptional != 0 {
			ops[start].flags |= flagDrop
		}
		return
	}
	for i := first; i < end; i++ {
		switch ops[i].kind {
		case opStart:
			i += ops[i].n // a child's content is its own
		case opSub:
			if ops[i].flags&flagOptional != 0 {
				ops[start].flags |= flagDropAny
				return
			}
		}
	}
}

// content compiles one text-like token: value, substitution, CDATA,
// character or entity reference, processing instruction (dropped).
func (x *compiler) content(t byte, inElement bool) (int32, error) {
	at := x.pos
	x.pos++
	switch t &^ tokMore {
	case tokValue:
		vt, err := x.u8()
		if err != nil {
			return 0, err
		}
		if vt != typeString {
			// Windows writes only UTF-16 strings as value tokens; the size of
			// any other type would have to be guessed.
			return 0, errAt(at, "value token of type 0x%02x (only strings are defined)", vt)
		}
		s, err := x.utf16Text()
		if err != nil {
			return 0, err
		}
		return x.emit(op{kind: opText, text: s})
	case tokCDATA:
		s, err := x.utf16Text()
		if err != nil {
			return 0, err
		}
		return x.emit(op{kind: opText, text: s})
	case tokCharRef:
		v, err := x.u16()
		if err != nil {
			return 0, err
		}
		return x.emit(op{kind: opCharRef, n: int32(v)})
	case tokEntityRef:
		n, err := x.name()
		if err != nil {
			return 0, err
		}
		return x.emit(op{kind: opEntity, text: n})
	case tokSubstitution, tokOptionalSub:
		idx, err := x.u16()
		if err != nil {
			return 0, err
		}
		vt, err := x.u8()
		if err != nil {
			return 0, err
		}
		o := op{kind: opSub, n: int32(idx), typ: vt}
		if t&^tokMore == tokOptionalSub {
			o.flags = flagOptional
		}
		return x.emit(o)
	case tokPITarget:
		_, err := x.name()
		return -1, err
	case tokPIData:
		_, err := x.utf16Text()
		return -1, err
	}
	return 0, errAt(at, "unexpected BinXML token 0x%02x", t)
}
