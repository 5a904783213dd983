package evtx

import (
	"encoding/binary"
	"math"
	"testing"
	"time"
	"unicode/utf16"
)

func utf16le(s string) []byte {
	var b []byte
	for _, c := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return b
}

// TestValueText pins the text of every value type. Where evtxexport
// 20181227 prints something else, the case says what and why we differ.
func TestValueText(t *testing.T) {
	guid := []byte{0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}
	for _, c := range []struct {
		name string
		typ  byte
		b    []byte
		want string
		ok   bool
	}{
		{"null", typeNull, nil, "", true},
		{"utf16", typeString, []byte{'a', 0, 0xe9, 0, 0xac, 0x20}, "aé€", true},
		{"utf16 pair", typeString, []byte{0x3d, 0xd8, 0x00, 0xde}, "😀", true},
		{"utf16 lone high", typeString, []byte{0x3d, 0xd8, 'a', 0}, "\uFFFDa", true},
		{"utf16 lone low", typeString, []byte{0x00, 0xde}, "\uFFFD", true},
		{"utf16 odd byte dropped", typeString, []byte{'a', 0, 'b'}, "a", true},
		{"utf16 stops at NUL", typeString, []byte{'a', 0, 0, 0, 'b', 0}, "a", true},
		{"utf16 long ASCII", typeString, utf16le("abcdefghijklmnopq"), "abcdefghijklmnopq", true},
		{"utf16 NUL in a fast block", typeString, utf16le("abcdefgh\x00jklmnop"), "abcdefgh", true},
		{"utf16 NUL at block start", typeString, utf16le("\x00bcdefgh"), "", true},
		{"utf16 non-ASCII in a block", typeString, utf16le("abcdéfghijk€"), "abcdéfghijk€", true},
		{"utf16 DEL and controls", typeString, utf16le("\x7f\x01\x1fabcde\u0080"), "\x7f\x01\x1fabcde\u0080", true},
		{"ansi 1252", typeAnsi, []byte("caf\xe9 \x80\x9f"), "café €Ÿ", true},
		{"ansi undefined", typeAnsi, []byte{0x81, 0x8d, 0x8f, 0x90, 0x9d}, "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD", true},
		{"ansi stops at NUL", typeAnsi, []byte("ab\x00cd"), "ab", true},
		// evtxexport prints -1 as -127, -32767, -2147483647 and
		// -9223372036854775807 (it clears the sign bit instead of
		// negating); these are the true values.
		{"int8 -1", typeInt8, []byte{0xff}, "-1", true},
		{"int16 -1", typeInt16, le16(0xffff), "-1", true},
		{"int32 -1", typeInt32, le32(0xffffffff), "-1", true},
		{"int64 -2", typeInt64, le64(math.MaxUint64 - 1), "-2", true},
		{"int32 min", typeInt32, le32(0x80000000), "-2147483648", true},
		{"uint64 max", typeUint64, le64(math.MaxUint64), "18446744073709551615", true},
		{"real32", typeReal32, le32(math.Float32bits(-1.5)), "-1.500000e+000", true},
		{"real64 exp 3 digits", typeReal64, le64(math.Float64bits(1.5e-300)), "1.500000e-300", true},
		// evtxexport: ":.000000e+000" (its rounding carries past '9').
		{"real64 rounding", typeReal64, le64(math.Float64bits(9.9999996)), "1.000000e+001", true},
		{"real NaN", typeReal64, le64(math.Float64bits(math.NaN())), "NaN", true},
		{"real +Inf", typeReal64, le64(math.Float64bits(math.Inf(1))), "Inf", true},
		// evtxexport: "Inf" (sign lost).
		{"real -Inf", typeReal32, le32(math.Float32bits(float32(math.Inf(-1)))), "-Inf", true},
		{"bool", typeBool, le32(2), "true", true},
		{"bool false", typeBool, le32(0), "false", true},
		{"binary", typeBinary, []byte{0, 1, 0xab}, "0001AB", true},
		{"guid", typeGUID, guid, "{00112233-4455-6677-8899-AABBCCDDEEFF}", true},
		{"size_t 4", typeSizeT, le32(0xdeadbeef), "3735928559", true},
		{"size_t 8", typeSizeT, le64(1 << 40), "1099511627776", true},
		{"filetime", typeFiletime, le64(0x01d53e403efdee8a), "2019-07-19T14:42:53.295578600Z", true},
		{"filetime 0", typeFiletime, le64(0), "1601-01-01T00:00:00.000000000Z", true},
		// evtxexport: "(0xffffffff 0xffffffff)"; the date is representable.
		{"filetime max", typeFiletime, le64(math.MaxUint64), "60056-05-28T05:36:10.955161500Z", true},
		{"systemtime", typeSysTime, systime(2021, 3, 3, 3, 4, 5, 6, 789), "2021-03-03T04:05:06.789Z", true},
		{"sid", typeSID, []byte{1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 2, 0, 0}, "S-1-5-32-544", true},
		{"sid big authority", typeSID, []byte{1, 0, 1, 2, 3, 4, 5, 6}, "S-1-1108152157446", true},
		{"hex32", typeHex32, le32(0xABCDEF01), "0xabcdef01", true},
		{"hex64", typeHex64, le64(0x432c8), "0x00000000000432c8", true},

		// Sizes the type does not allow: the caller shows hex and notes a
		// problem. (evtxexport rejects the whole record.)
		{"uint32 short", typeUint32, []byte{1, 2}, "", false},
		{"guid short", typeGUID, guid[:15], "", false},
		{"size_t 3", typeSizeT, []byte{1, 2, 3}, "", false},
		{"sid truncated", typeSID, []byte{1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0}, "", false},
		{"sid short", typeSID, []byte{1, 0}, "", false},
		// evtxexport: "(0x01f9 ...)", a dump of other fields.
		{"systemtime month 13", typeSysTime, systime(2021, 13, 0, 1, 0, 0, 0, 0), "", false},
		{"systemtime day 0", typeSysTime, systime(2021, 1, 0, 0, 0, 0, 0, 0), "", false},
		{"unknown type", 0x1f, []byte{1}, "", false},
	} {
		got, ok := appendValue(nil, c.typ, c.b)
		if string(got) != c.want || ok != c.ok {
			t.Errorf("%s: got %q, %v; want %q, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestParseUint(t *testing.T) {
	for _, c := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"4688", 4688, true},
		{" 7\r\n", 7, true},
		{"0x1f", 31, true},
		{"0XFFFFFFFFFFFFFFFF", math.MaxUint64, true},
		{"0x10000000000000000", 0, false},
		{"18446744073709551615", math.MaxUint64, true},
		{"18446744073709551616", 0, false},
		{"99999999999999999999", 0, false},
		{"", 0, false},
		{"12a", 0, false},
		{"-1", 0, false},
	} {
		got, ok := parseUint([]byte(c.in))
		if got != c.want || ok != c.ok {
			t.Errorf("parseUint(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestFiletimeToTime(t *testing.T) {
	for _, c := range []struct {
		ft   uint64
		want time.Time
	}{
		{0, time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC)},
		{116444736000000000, time.Unix(0, 0).UTC()},
		{0x01d53e403efdee8a, time.Date(2019, 7, 19, 14, 42, 53, 295578600, time.UTC)},
	} {
		if got := filetimeToTime(c.ft); !got.Equal(c.want) {
			t.Errorf("filetimeToTime(%#x) = %v, want %v", c.ft, got, c.want)
		}
	}
}
