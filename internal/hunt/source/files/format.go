package files

import (
	"bytes"
	"encoding/binary"
	"unicode/utf16"
	"unicode/utf8"
)

// Sniff names a file's format from its first bytes. Names, not extensions: a PST renamed to
// .aspx (ProxyShell) is still a pst.
func Sniff(head []byte) string {
	switch {
	case len(head) == 0:
		return "empty"
	case len(head) >= 8 && binary.LittleEndian.Uint32(head) == 0x504d444d && binary.LittleEndian.Uint16(head[4:]) == 0xa793:
		return "minidump"
	case bytes.HasPrefix(head, []byte("PAGEDU64")) || bytes.HasPrefix(head, []byte("PAGEDUMP")):
		return "kernel-dump"
	case bytes.HasPrefix(head, []byte("!BDN")):
		return "pst"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return "zip"
	case bytes.HasPrefix(head, []byte("7z\xbc\xaf\x27\x1c")):
		return "7z"
	case bytes.HasPrefix(head, []byte("Rar!\x1a\x07")):
		return "rar"
	case bytes.HasPrefix(head, []byte("\x1f\x8b")):
		return "gzip"
	case bytes.HasPrefix(head, []byte("MZ")):
		return "pe"
	case isDER(head):
		return "der"
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}) || bytes.HasPrefix(head, []byte{0xfe, 0xff}) || looksUTF16LE(head):
		return "utf16-text"
	case looksText(head):
		return "text"
	}
	return "binary"
}

// isDER recognises a DER SEQUENCE with a long-form length that covers the rest of a small file:
// a certificate request or certificate (ProxyShell wrote pages inside them).
func isDER(h []byte) bool {
	if len(h) < 4 || h[0] != 0x30 {
		return false
	}
	switch h[1] {
	case 0x81:
		return h[2] >= 0x80 && h[3] == 0x30
	case 0x82:
		return len(h) >= 5 && h[4] == 0x30 && (h[2] != 0 || h[3] >= 0x80)
	case 0x83:
		return len(h) >= 6 && h[5] == 0x30 && h[2] != 0
	}
	return false
}

// looksUTF16LE: text saved as UTF-16 without a byte order mark has a zero in every odd byte.
func looksUTF16LE(h []byte) bool {
	n := min(len(h), 512) &^ 1
	if n < 16 {
		return false
	}
	zeros := 0
	for i := 1; i < n; i += 2 {
		if h[i] == 0 && h[i-1] != 0 {
			zeros++
		}
	}
	return zeros*10 >= (n/2)*9
}

func looksText(h []byte) bool {
	n := min(len(h), 1024)
	bad := 0
	for i := 0; i < n; i++ {
		c := h[i]
		if c == 0 {
			return false
		}
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			bad++
		}
	}
	return bad*20 <= n && (utf8.Valid(h[:n]) || bad == 0)
}

// decodeUTF16 turns UTF-16 text (with or without a byte order mark) into UTF-8 in dst, so
// content rules written for text see a page saved as UTF-16 (which ASP.NET compiles happily).
// Unpaired surrogates become U+FFFD; an odd final byte is dropped.
func decodeUTF16(dst, src []byte) []byte {
	be := false
	switch {
	case bytes.HasPrefix(src, []byte{0xff, 0xfe}):
		src = src[2:]
	case bytes.HasPrefix(src, []byte{0xfe, 0xff}):
		src, be = src[2:], true
	}
	dst = dst[:0]
	var u [2]uint16
	var buf [4]byte
	for i := 0; i+1 < len(src); i += 2 {
		c := binary.LittleEndian.Uint16(src[i:])
		if be {
			c = binary.BigEndian.Uint16(src[i:])
		}
		r := rune(c)
		if utf16.IsSurrogate(r) && i+3 < len(src) {
			u[0] = c
			u[1] = binary.LittleEndian.Uint16(src[i+2:])
			if be {
				u[1] = binary.BigEndian.Uint16(src[i+2:])
			}
			if p := utf16.DecodeRune(rune(u[0]), rune(u[1])); p != utf8.RuneError {
				r = p
				i += 2
			} else {
				r = utf8.RuneError
			}
		} else if utf16.IsSurrogate(r) {
			r = utf8.RuneError
		}
		n := utf8.EncodeRune(buf[:], r)
		dst = append(dst, buf[:n]...)
	}
	return dst
}
