package evtx

import (
	"encoding/binary"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// BinXML value types (the low 7 bits; 0x80 marks an array of the type).
const (
	typeNull     = 0x00
	typeString   = 0x01 // UTF-16LE
	typeAnsi     = 0x02 // 8-bit string in the system code page
	typeInt8     = 0x03
	typeUint8    = 0x04
	typeInt16    = 0x05
	typeUint16   = 0x06
	typeInt32    = 0x07
	typeUint32   = 0x08
	typeInt64    = 0x09
	typeUint64   = 0x0a
	typeReal32   = 0x0b
	typeReal64   = 0x0c
	typeBool     = 0x0d
	typeBinary   = 0x0e
	typeGUID     = 0x0f
	typeSizeT    = 0x10
	typeFiletime = 0x11
	typeSysTime  = 0x12
	typeSID      = 0x13
	typeHex32    = 0x14
	typeHex64    = 0x15
	typeBinXML   = 0x21
	typeArray    = 0x80
)

// fixedSize is the size of one element of a fixed-size type, 0 for types
// whose size comes from the data (strings, binary, SID, size_t).
func fixedSize(t byte) int {
	switch t &^ typeArray {
	case typeInt8, typeUint8:
		return 1
	case typeInt16, typeUint16:
		return 2
	case typeInt32, typeUint32, typeReal32, typeBool, typeHex32:
		return 4
	case typeInt64, typeUint64, typeReal64, typeFiletime, typeHex64:
		return 8
	case typeGUID, typeSysTime:
		return 16
	}
	return 0
}

const hexDigitsUpper = "0123456789ABCDEF"
const hexDigitsLower = "0123456789abcdef"

// appendValue appends the text of one (non-array, non-BinXML) value of type
// t held in b, formatted as libevtx's evtxexport prints it, so the two can
// be compared value for value. It reports false when b does not have the
// size the type needs; the caller then shows the bytes in hex.
func appendValue(dst []byte, t byte, b []byte) ([]byte, bool) {
	le := binary.LittleEndian
	if n := fixedSize(t); n != 0 && len(b) != n {
		return dst, false
	}
	switch t {
	case typeNull:
		return dst, true
	case typeString:
		return appendUTF16(dst, b), true
	case typeAnsi:
		return appendANSI(dst, b), true
	case typeInt8:
		return strconv.AppendInt(dst, int64(int8(b[0])), 10), true
	case typeUint8:
		return strconv.AppendUint(dst, uint64(b[0]), 10), true
	case typeInt16:
		return strconv.AppendInt(dst, int64(int16(le.Uint16(b))), 10), true
	case typeUint16:
		return strconv.AppendUint(dst, uint64(le.Uint16(b)), 10), true
	case typeInt32:
		return strconv.AppendInt(dst, int64(int32(le.Uint32(b))), 10), true
	case typeUint32:
		return strconv.AppendUint(dst, uint64(le.Uint32(b)), 10), true
	case typeInt64:
		return strconv.AppendInt(dst, int64(le.Uint64(b)), 10), true
	case typeUint64:
		return strconv.AppendUint(dst, le.Uint64(b), 10), true
	case typeReal32:
		return appendFloat(dst, float64(math.Float32frombits(le.Uint32(b))), 32), true
	case typeReal64:
		return appendFloat(dst, math.Float64frombits(le.Uint64(b)), 64), true
	case typeBool:
		if le.Uint32(b) != 0 {
			return append(dst, "true"...), true
		}
		return append(dst, "false"...), true
	case typeBinary:
		return appendHex(dst, b), true
	case typeGUID:
		return appendGUID(dst, b), true
	case typeSizeT:
		switch len(b) {
		case 4:
			return strconv.AppendUint(dst, uint64(le.Uint32(b)), 10), true
		case 8:
			return strconv.AppendUint(dst, le.Uint64(b), 10), true
		}
		return dst, false
	case typeFiletime:
		return appendFiletime(dst, le.Uint64(b)), true
	case typeSysTime:
		return appendSystemtime(dst, b)
	case typeSID:
		return appendSID(dst, b)
	case typeHex32:
		return appendHexInt(dst, uint64(le.Uint32(b)), 8), true
	case typeHex64:
		return appendHexInt(dst, le.Uint64(b), 16), true
	}
	return dst, false
}

// appendFloat prints six decimals and an exponent of at least three
// digits (-1.500000e+000), as evtxexport does. Unlike evtxexport it rounds
// correctly (9.9999996 is 1.000000e+001, not ":.000000e+000") and keeps
// the sign of -Inf.
func appendFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-Inf"...)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'e', 6, bits)
	// Go writes at least two exponent digits; pad to three.
	e := start
	for e < len(dst) && dst[e] != 'e' {
		e++
	}
	if digits := len(dst) - e - 2; digits == 2 {
		dst = append(dst, 0)
		copy(dst[e+3:], dst[e+2:len(dst)-1])
		dst[e+2] = '0'
	}
	return dst
}

// appendUTF16 decodes UTF-16LE text up to the first NUL (values often carry
// their terminator) straight into dst. Unpaired surrogates become U+FFFD.
func appendUTF16(dst []byte, b []byte) []byte {
	n := len(b) &^ 1
	i := 0
	// Most text is ASCII: take four code units at a time while each has a
	// zero high byte and a low byte in 1-0x7f.
	for ; i+8 <= n; i += 8 {
		v := binary.LittleEndian.Uint64(b[i:])
		if v&0xff80ff80ff80ff80 != 0 {
			break
		}
		// A zero low byte is a NUL (end of string): leave it to the loop below.
		if (v-0x0001000100010001)&^v&0x0080008000800080 != 0 {
			break
		}
		dst = append(dst, byte(v), byte(v>>16), byte(v>>32), byte(v>>48))
	}
	for ; i < n; i += 2 {
		c := uint16(b[i]) | uint16(b[i+1])<<8
		switch {
		case c == 0:
			return dst
		case c < 0x80:
			dst = append(dst, byte(c))
		case c < 0xd800 || c >= 0xe000:
			dst = utf8.AppendRune(dst, rune(c))
		case c < 0xdc00 && i+3 < n:
			c2 := uint16(b[i+2]) | uint16(b[i+3])<<8
			if c2 >= 0xdc00 && c2 < 0xe000 {
				dst = utf8.AppendRune(dst, 0x10000+(rune(c-0xd800)<<10|rune(c2-0xdc00)))
				i += 2
				continue
			}
			dst = append(dst, "\uFFFD"...)
		default:
			dst = append(dst, "\uFFFD"...)
		}
	}
	return dst
}

// cp1252 maps bytes 0x80-0x9f of Windows code page 1252 (evtxexport's
// default code page for 8-bit strings); the five bytes it leaves undefined
// become U+FFFD, as in evtxexport.
func cp1252(c byte) rune {
	return [32]rune{
		0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
		0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
		0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
		0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
	}[c-0x80]
}

// appendANSI decodes a code page 1252 string up to the first NUL.
func appendANSI(dst []byte, b []byte) []byte {
	for _, c := range b {
		switch {
		case c == 0:
			return dst
		case c < 0x80:
			dst = append(dst, c)
		case c < 0xa0:
			dst = utf8.AppendRune(dst, cp1252(c))
		default:
			dst = utf8.AppendRune(dst, rune(c))
		}
	}
	return dst
}

func appendHex(dst []byte, b []byte) []byte {
	for _, c := range b {
		dst = append(dst, hexDigitsUpper[c>>4], hexDigitsUpper[c&15])
	}
	return dst
}

// appendHexInt prints 0x and width lower-case hex digits (evtxexport's
// "0x%08x" / "0x%016x").
func appendHexInt(dst []byte, v uint64, width int) []byte {
	dst = append(dst, '0', 'x')
	for i := width - 1; i >= 0; i-- {
		dst = append(dst, hexDigitsLower[(v>>(uint(i)*4))&15])
	}
	return dst
}

// appendGUID prints {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX} in upper case:
// the first three groups are little-endian integers, the rest bytes.
func appendGUID(dst []byte, b []byte) []byte {
	le := binary.LittleEndian
	put := func(v uint64, width int) {
		for i := width - 1; i >= 0; i-- {
			dst = append(dst, hexDigitsUpper[(v>>(uint(i)*4))&15])
		}
	}
	dst = append(dst, '{')
	put(uint64(le.Uint32(b)), 8)
	dst = append(dst, '-')
	put(uint64(le.Uint16(b[4:])), 4)
	dst = append(dst, '-')
	put(uint64(le.Uint16(b[6:])), 4)
	dst = append(dst, '-')
	dst = appendHex(dst, b[8:10])
	dst = append(dst, '-')
	dst = appendHex(dst, b[10:16])
	return append(dst, '}')
}

// filetimeEpochDelta is the number of seconds from 1601-01-01 to 1970-01-01.
const filetimeEpochDelta = 11644473600

// filetimeToTime converts 100-ns intervals since 1601 to a UTC time. Every
// uint64 is representable: the largest is in the year 60056.
func filetimeToTime(ft uint64) time.Time {
	secs := int64(ft/10000000) - filetimeEpochDelta
	return time.Unix(secs, int64(ft%10000000)*100).UTC()
}

// appendFiletime prints 2006-01-02T15:04:05.123456700Z with all seven
// decimal digits of the 100-ns count followed by "00", as evtxexport does.
func appendFiletime(dst []byte, ft uint64) []byte {
	t := filetimeToTime(ft)
	return appendISO(dst, t, int(ft%10000000)*100)
}

// appendISO prints t as YYYY-MM-DDThh:mm:ss.nnnnnnnnnZ.
func appendISO(dst []byte, t time.Time, nanos int) []byte {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	dst = appendPad(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPad(dst, int(mo), 2)
	dst = append(dst, '-')
	dst = appendPad(dst, d, 2)
	dst = append(dst, 'T')
	dst = appendPad(dst, h, 2)
	dst = append(dst, ':')
	dst = appendPad(dst, mi, 2)
	dst = append(dst, ':')
	dst = appendPad(dst, s, 2)
	dst = append(dst, '.')
	dst = appendPad(dst, nanos, 9)
	return append(dst, 'Z')
}

func appendPad(dst []byte, v, width int) []byte {
	var tmp [20]byte
	b := strconv.AppendInt(tmp[:0], int64(v), 10)
	for i := len(b); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, b...)
}

// systemtime decodes a SYSTEMTIME (year, month, weekday, day, hour,
// minute, second, milliseconds; eight uint16). It reports false for field
// values out of range.
func systemtime(b []byte) (time.Time, bool) {
	le := binary.LittleEndian
	y, mo, d := int(le.Uint16(b)), int(le.Uint16(b[2:])), int(le.Uint16(b[6:]))
	h, mi, s, ms := int(le.Uint16(b[8:])), int(le.Uint16(b[10:])), int(le.Uint16(b[12:])), int(le.Uint16(b[14:]))
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 || ms > 999 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, ms*1000000, time.UTC), true
}

// appendSystemtime prints milliseconds, as the type holds them:
// 2021-03-03T04:05:06.789Z.
func appendSystemtime(dst []byte, b []byte) ([]byte, bool) {
	t, ok := systemtime(b)
	if !ok {
		return dst, false
	}
	dst = appendISO(dst, t, t.Nanosecond())
	// appendISO wrote nine fraction digits and Z: keep three.
	dst = dst[:len(dst)-7]
	return append(dst, 'Z'), true
}

// appendSID prints S-1-<authority>-<sub>...; the authority is 48-bit
// big-endian, sub-authorities 32-bit little-endian.
func appendSID(dst []byte, b []byte) ([]byte, bool) {
	if len(b) < 8 || len(b) != 8+4*int(b[1]) {
		return dst, false
	}
	var auth uint64
	for _, c := range b[2:8] {
		auth = auth<<8 | uint64(c)
	}
	dst = append(dst, 'S', '-')
	dst = strconv.AppendUint(dst, uint64(b[0]), 10)
	dst = append(dst, '-')
	dst = strconv.AppendUint(dst, auth, 10)
	for i := 8; i < len(b); i += 4 {
		dst = append(dst, '-')
		dst = strconv.AppendUint(dst, uint64(binary.LittleEndian.Uint32(b[i:])), 10)
	}
	return dst, true
}
