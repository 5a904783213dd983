// Package aspnettrace reads the traces the ASP.NET compiler leaves under
// Windows\Microsoft.NET\Framework64\v4.0.30319\Temporary ASP.NET Files\<app>\<hash>\<hash>\
// when a page is requested for the first time.
//
// It exists because those traces outlive the pages: an attacker who requested a web shell under
// owa\auth and then deleted it still leaves a <name>.aspx.<hash>.compiled file naming the
// page's virtual path, and an App_Web_*.dll assembly holding the page's path and class name.
// Reading them tells the hunt which pages were ever served, so a shell that is gone is still
// found, and its time says when it was first used.
//
// Both kinds of file are hostile input (anyone who can write a web shell can write these too):
// the parsers cap how much they read and what they return, never allocate by a count found in
// the file, run in time linear in the bytes they look at, and return valid UTF-8 without
// control characters so results can go straight into reports.
package aspnettrace

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Caps for ParseCompiled. A real .compiled file is under 1 KiB.
const (
	// MaxCompiledBytes is how much of a .compiled file is looked at.
	MaxCompiledBytes = 1 << 20
	// MaxAttrBytes is the longest attribute value kept, in bytes of the file; longer values are
	// cut and Compiled.Truncated is set.
	MaxAttrBytes = 4 << 10
	// MaxFileDeps is how many <filedep> names are kept.
	MaxFileDeps = 256
	// maxAttrs bounds the attributes read from one element.
	maxAttrs = 64
)

// ErrNotCompiled is returned by ParseCompiled when the data holds no <preserve> element.
var ErrNotCompiled = errors.New("aspnettrace: no <preserve> element")

// Compiled is what a .compiled file says about one compiled page (or other build result).
type Compiled struct {
	// VirtualPath is the page's path in the site, "/owa/auth/x.aspx"; "" when not written.
	VirtualPath string
	// ResultType is the BuildResultTypeCode as written: "3" for a page or control compiled
	// into a type, "8" for global.asax, "1" and "6" for whole assemblies.
	ResultType string
	// Assembly is the assembly the result went to, "App_Web_ab1cd2ef" for pages.
	Assembly string
	// Type is the compiled class, "ASP.auth_x_aspx".
	Type string
	// Hash and FileHash are the compiler's hashes of the dependencies and of the files.
	Hash     string
	FileHash string
	// Flags is the flags attribute as written.
	Flags string
	// FileDeps are the names of the <filedep> elements: the page and what it includes.
	FileDeps []string
	// Truncated is set when the file ended inside the <preserve> element, an attribute value
	// was cut at MaxAttrBytes, or the input was cut at MaxCompiledBytes.
	Truncated bool
}

// ParseCompiled reads a .compiled file: the attributes of its <preserve> element and the names
// of its <filedep> elements. It is a tolerant scanner, not an XML parser: ASP.NET writes these
// files with one fixed shape, and a damaged or hand-written one should still give up its
// virtual path. It accepts a UTF-8 or UTF-16LE byte-order mark, element and attribute names in
// any case, single or double quotes, and stops at the end of the data wherever that is.
// Entities (&amp; &lt; &gt; &quot; &apos; &#n; &#xn;) in values are decoded.
func ParseCompiled(data []byte) (Compiled, error) {
	var c Compiled
	if len(data) > MaxCompiledBytes {
		data = data[:MaxCompiledBytes]
		c.Truncated = true
	}
	data = toUTF8(data)
	p := &scanner{b: data}
	if !p.findElement("preserve") {
		return Compiled{}, ErrNotCompiled
	}
	attrs, closed := p.attrs()
	if !closed {
		c.Truncated = true
	}
	for _, a := range attrs {
		if a.cut {
			c.Truncated = true
		}
		var dst *string
		switch strings.ToLower(a.name) {
		case "virtualpath":
			dst = &c.VirtualPath
		case "resulttype":
			dst = &c.ResultType
		case "assembly":
			dst = &c.Assembly
		case "type":
			dst = &c.Type
		case "hash":
			dst = &c.Hash
		case "filehash":
			dst = &c.FileHash
		case "flags":
			dst = &c.Flags
		default:
			continue
		}
		if *dst == "" { // the first of duplicated attributes wins, as in the XML reader
			*dst = a.value
		}
	}
	for len(c.FileDeps) < MaxFileDeps && p.findElement("filedep") {
		attrs, closed := p.attrs()
		if !closed {
			c.Truncated = true
		}
		for _, a := range attrs {
			if strings.EqualFold(a.name, "name") {
				c.Truncated = c.Truncated || a.cut
				c.FileDeps = append(c.FileDeps, a.value)
				break
			}
		}
	}
	return c, nil
}

// toUTF8 drops a UTF-8 byte-order mark, and turns UTF-16LE (with its mark) into UTF-8.
func toUTF8(b []byte) []byte {
	switch {
	case bytes.HasPrefix(b, []byte("\xef\xbb\xbf")):
		return b[3:]
	case bytes.HasPrefix(b, []byte("\xff\xfe")):
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
		}
		return []byte(string(utf16.Decode(u)))
	}
	return b
}

// scanner walks the input once; every method moves pos forward or stops at the end, so the
// whole parse is linear in the input.
type scanner struct {
	b   []byte
	pos int
}

type attr struct {
	name, value string
	cut         bool
}

// findElement moves past the next "<name" followed by a space, '/', '>' or the end (ASCII case
// ignored) and reports whether there was one.
func (p *scanner) findElement(name string) bool {
	for p.pos < len(p.b) {
		i := bytes.IndexByte(p.b[p.pos:], '<')
		if i < 0 {
			p.pos = len(p.b)
			return false
		}
		p.pos += i + 1
		rest := p.b[p.pos:]
		if len(rest) < len(name) || !bytes.EqualFold(rest[:len(name)], []byte(name)) {
			continue
		}
		if len(rest) > len(name) && !isSpace(rest[len(name)]) && rest[len(name)] != '/' && rest[len(name)] != '>' {
			continue // <preserveX> or <filedeps>
		}
		p.pos += len(name)
		return true
	}
	return false
}

// attrs reads attributes up to the end of the element (> or />). closed says whether that end
// was found; at most maxAttrs are kept, the rest are skipped.
func (p *scanner) attrs() (as []attr, closed bool) {
	for p.pos < len(p.b) {
		p.skipSpace()
		if p.pos >= len(p.b) {
			break
		}
		switch c := p.b[p.pos]; {
		case c == '>':
			p.pos++
			return as, true
		case c == '/' || c == '?':
			p.pos++
			continue
		case c == '<':
			return as, false // a new element: this one was never closed
		}
		start := p.pos
		for p.pos < len(p.b) && !isSpace(p.b[p.pos]) && !strings.ContainsRune("=>/<", rune(p.b[p.pos])) {
			p.pos++
		}
		name := string(p.b[start:min(p.pos, start+64)])
		p.skipSpace()
		if p.pos >= len(p.b) || p.b[p.pos] != '=' {
			continue // a bare word: not an attribute, skipped
		}
		p.pos++
		p.skipSpace()
		raw, cut, ok := p.value()
		if len(as) < maxAttrs {
			as = append(as, attr{name: name, value: clean(decodeEntities(raw)), cut: cut})
		}
		if !ok {
			return as, false
		}
	}
	return as, false
}

// value reads a quoted (or, leniently, unquoted) attribute value starting at pos. It returns
// at most MaxAttrBytes of it; cut is set when it was longer or the data ended inside it, ok is
// false when the data ended inside it.
func (p *scanner) value() (raw []byte, cut, ok bool) {
	if p.pos >= len(p.b) {
		return nil, false, false
	}
	q := p.b[p.pos]
	var end int
	if q == '"' || q == '\'' {
		p.pos++
		i := bytes.IndexByte(p.b[p.pos:], q)
		if i < 0 {
			end, ok = len(p.b), false
		} else {
			end, ok = p.pos+i, true
		}
	} else {
		end = p.pos
		for end < len(p.b) && !isSpace(p.b[end]) && p.b[end] != '>' && p.b[end] != '<' {
			end++
		}
		ok = end < len(p.b)
	}
	raw = p.b[p.pos:end]
	cut = !ok
	if len(raw) > MaxAttrBytes {
		raw, cut = raw[:MaxAttrBytes], true
	}
	p.pos = end
	if ok && (q == '"' || q == '\'') {
		p.pos++ // past the closing quote
	}
	return raw, cut, ok
}

func (p *scanner) skipSpace() {
	for p.pos < len(p.b) && isSpace(p.b[p.pos]) {
		p.pos++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// decodeEntities decodes the XML predefined entities and character references; anything else
// that starts with '&' is kept as written.
func decodeEntities(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	var out strings.Builder
	out.Grow(len(b))
	for i := 0; i < len(b); {
		if b[i] != '&' {
			out.WriteByte(b[i])
			i++
			continue
		}
		semi := bytes.IndexByte(b[i:min(len(b), i+12)], ';')
		if semi < 0 {
			out.WriteByte('&')
			i++
			continue
		}
		ent := string(b[i+1 : i+semi])
		if r, ok := entity(ent); ok {
			out.WriteRune(r)
			i += semi + 1
			continue
		}
		out.WriteByte('&')
		i++
	}
	return out.String()
}

func entity(e string) (rune, bool) {
	switch e {
	case "amp":
		return '&', true
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if len(e) < 2 || e[0] != '#' {
		return 0, false
	}
	base, digits := 10, e[1:]
	if digits[0] == 'x' || digits[0] == 'X' {
		base, digits = 16, digits[1:]
	}
	if digits == "" {
		return 0, false
	}
	var n rune
	for _, c := range digits {
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case base == 16 && c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		n = n*rune(base) + d
		if n > utf8.MaxRune {
			return 0, false
		}
	}
	return n, true
}

// clean makes s valid UTF-8 and replaces control characters with U+FFFD: values go into
// reports and terminals, and no real path or name holds them.
func clean(s string) string {
	for _, r := range s {
		if r == utf8.RuneError || isControl(r) {
			var b strings.Builder
			b.Grow(len(s))
			for _, r := range s { // invalid bytes come out as U+FFFD
				if isControl(r) {
					r = utf8.RuneError
				}
				b.WriteRune(r)
			}
			return b.String()
		}
	}
	return s
}

func isControl(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) }
