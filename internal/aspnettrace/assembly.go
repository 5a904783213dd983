package aspnettrace

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Caps for PagesInAssembly. App_Web_*.dll assemblies are a few KiB to a few hundred KiB.
const (
	// MaxAssemblyScan is how many bytes of an assembly are scanned.
	MaxAssemblyScan = 16 << 20
	// DefaultMaxPages is the number of results when PagesInAssembly is given max <= 0.
	DefaultMaxPages = 256
	// MaxPages caps the max given to PagesInAssembly.
	MaxPages = 4096
	// maxPathChars is the longest page path taken, in characters.
	maxPathChars = 1024
	// maxClassChars is the longest class name taken after "ASP.", in characters.
	maxClassChars = 512
)

// PagesInAssembly finds the pages an ASP.NET assembly (App_Web_*.dll) was compiled from: the
// page paths it holds as UTF-16LE user strings (the compiler writes the app-relative path,
// "~/auth/x.aspx", into the page's constructor) or as ASCII/UTF-8 text, and the page classes it
// names ("ASP.auth_x_aspx", also from the factory methods "Create_ASP_auth_x_aspx" that
// ASP.NET generates, which are returned as "ASP.auth_x_aspx").
//
// A page path starts with "~/" or "/" and ends in .aspx, .ashx, .asmx, .asax, .ascx, .master,
// .svc, .cshtml or .vbhtml (any case) not followed by a letter, digit, '_', '-', '.' or '/'.
// A class is "ASP." not preceded by an identifier character or '.', then an identifier ending
// in _aspx, _ashx, ... (the same extensions). Results are distinct, in the order they are found
// in the file, at most max of them (DefaultMaxPages when max <= 0, never more than MaxPages);
// only the first MaxAssemblyScan bytes are scanned. The scan is one pass and linear in the
// bytes scanned whatever they hold.
func PagesInAssembly(data []byte, max int) []string {
	if max <= 0 {
		max = DefaultMaxPages
	}
	max = min(max, MaxPages)
	if len(data) > MaxAssemblyScan {
		data = data[:MaxAssemblyScan]
	}
	s := pageScan{
		max:  max,
		seen: map[string]bool{},
		// floor[k] is where the last page path found in view k ended: the next path's
		// backward walk stops there, so walks never overlap and the scan stays linear.
		// View 0 is bytes, views 1 and 2 are UTF-16LE at even and odd offsets.
		floor: [3]int{0, 0, 1},
	}
	byteView := view{b: data, stride: 1}
	wideView := view{b: data, stride: 2}
	for p := 0; p < len(data) && len(s.out) < max; p++ {
		wide := p+1 < len(data) && data[p+1] == 0
		switch data[p] {
		case '.':
			s.path(byteView, 0, p)
			if wide {
				s.path(wideView, 1+p%2, p)
			}
		case 'A', 'C':
			s.class(byteView, p)
			if wide {
				s.class(wideView, p)
			}
		}
	}
	return s.out
}

type pageScan struct {
	max   int
	out   []string
	seen  map[string]bool
	floor [3]int
}

func (s *pageScan) add(v string) {
	if len(s.out) >= s.max || s.seen[v] {
		return
	}
	s.seen[v] = true
	s.out = append(s.out, v)
}

// view reads the data either as bytes (UTF-8) or as UTF-16LE code units.
type view struct {
	b      []byte
	stride int
}

// at returns the character starting at p and its width in bytes, or (-1, 1) past either end.
// As UTF-16 a surrogate is returned as itself (never a path or identifier character).
func (v view) at(p int) (rune, int) {
	if p < 0 || p+v.stride > len(v.b) {
		return -1, 1
	}
	if v.stride == 2 {
		return rune(v.b[p]) | rune(v.b[p+1])<<8, 2
	}
	if v.b[p] < utf8.RuneSelf {
		return rune(v.b[p]), 1
	}
	return utf8.DecodeRune(v.b[p:])
}

// before returns the character ending just before p and its width, or (-1, 1) at the start.
func (v view) before(p int) (rune, int) {
	if p-v.stride < 0 || p > len(v.b) {
		return -1, 1
	}
	if v.stride == 2 {
		return rune(v.b[p-2]) | rune(v.b[p-1])<<8, 2
	}
	if v.b[p-1] < utf8.RuneSelf {
		return rune(v.b[p-1]), 1
	}
	return utf8.DecodeLastRune(v.b[:p])
}

// text turns the characters in [from, to) into a string, cleaned of control characters.
func (v view) text(from, to int) string {
	if v.stride == 1 {
		return clean(string(v.b[from:to]))
	}
	rs := make([]rune, 0, (to-from)/2)
	for p := from; p+1 < to; p += 2 {
		rs = append(rs, rune(v.b[p])|rune(v.b[p+1])<<8)
	}
	return clean(string(rs)) // lone surrogates came out as U+FFFD
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// isPathChar says whether r can be part of a page path: ASCII letters, digits, the punctuation
// seen in URL paths, the space, and non-ASCII letters and digits (pages may be named in any
// script). Quotes, '<', '>', '\', ':' and control characters end a path.
func isPathChar(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(r) || r >= 0 && strings.ContainsRune("/._-~$@+!(),;=&%[]{}# ", r)
	}
	return r != utf8.RuneError && (r < 0xd800 || r > 0xdfff) && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// continuesName says whether r after an extension makes it not one (".aspx.cs", ".aspxx",
// ".aspx/info"). Non-ASCII counts as an end: in the UTF-16 user-string heap the unit after a
// string is its flag byte and the next string's length byte, which can look like any letter.
func continuesName(r rune) bool {
	return isASCIIAlnum(r) || r == '_' || r == '-' || r == '.' || r == '/'
}

// pageExt returns the length in characters of the page extension (without the separator)
// starting at p in v, or 0. Extensions are ASCII, so characters are compared per unit.
func pageExt(v view, p int) int {
	if p >= len(v.b) {
		return 0
	}
	switch v.b[p] | 0x20 { // every extension starts with one of these: most dots end here
	case 'a', 'm', 's', 'c', 'v':
	default:
		return 0
	}
	var buf [7]byte
	n := 0
	for ; n < len(buf); n++ {
		r, _ := v.at(p + n*v.stride)
		if r < 0 || r >= utf8.RuneSelf {
			break
		}
		buf[n] = byte(r) | 0x20 // ASCII lower case; non-letters never match an extension anyway
	}
	for _, e := range [...]string{"aspx", "ashx", "asmx", "asax", "ascx", "master", "svc", "cshtml", "vbhtml"} {
		if n >= len(e) && string(buf[:len(e)]) == e {
			if r, _ := v.at(p + len(e)*v.stride); !continuesName(r) {
				return len(e)
			}
		}
	}
	return 0
}

// path looks for a page path whose extension's dot is at p in view v (floor index k).
func (s *pageScan) path(v view, k, p int) {
	n := pageExt(v, p+v.stride)
	if n == 0 {
		return
	}
	end := p + (1+n)*v.stride
	// Walk back over path characters, at most maxPathChars with the extension, never past the
	// floor.
	start, chars, capped := p, 0, false
	for start > s.floor[k] {
		r, w := v.before(start)
		if !isPathChar(r) {
			break
		}
		if chars++; chars > maxPathChars-(1+n) {
			capped = true
			break
		}
		start -= w
	}
	s.floor[k] = end
	// The path begins at the leftmost "/" or "~/" that starts the run (unless the run was cut
	// at the cap) or follows a space or a non-ASCII character, so "see /owa/x.aspx" gives
	// "/owa/x.aspx" and a "~/x.aspx" user string preceded by its length unit is found too.
	for q := start; q < p; {
		r, w := v.at(q)
		prev, _ := v.before(q)
		boundary := (q == start && !capped) || prev == ' ' || prev >= utf8.RuneSelf
		if boundary && (r == '/' || r == '~' && next(v, q+w) == '/') {
			name, _ := v.before(p)
			if name != '/' && name != '~' {
				s.add(v.text(q, end))
			}
			return
		}
		q += w
	}
}

func next(v view, p int) rune {
	r, _ := v.at(p)
	return r
}

func isIdentChar(v view, r rune) bool {
	if isASCIIAlnum(r) || r == '_' {
		return true
	}
	// UTF-8 identifiers may hold letters of any script; in UTF-16 a non-ASCII unit may be a
	// length byte (see continuesName), so identifiers there are ASCII.
	return v.stride == 1 && r >= utf8.RuneSelf && r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// hasPrefix reports whether the ASCII string pre is at p in v.
func hasPrefix(v view, p int, pre string) bool {
	for i := range len(pre) {
		if r, _ := v.at(p + i*v.stride); r != rune(pre[i]) {
			return false
		}
	}
	return true
}

// class looks for "ASP.<ident>" or "Create_ASP_<ident>" starting at p in view v.
func (s *pageScan) class(v view, p int) {
	if q := p + v.stride; q >= len(v.b) || v.b[q] != 'S' && v.b[q] != 'r' { // "ASP." or "Create_ASP_"
		return
	}
	var skip int
	switch {
	case hasPrefix(v, p, "ASP."):
		skip = 4
	case hasPrefix(v, p, "Create_ASP_"):
		skip = 11
	default:
		return
	}
	if prev, _ := v.before(p); isIdentChar(v, prev) || prev == '.' {
		return
	}
	from := p + skip*v.stride
	q, chars := from, 0
	for ; chars <= maxClassChars; chars++ {
		r, w := v.at(q)
		if !isIdentChar(v, r) {
			break
		}
		q += w
	}
	if chars == 0 || chars > maxClassChars {
		return
	}
	ident := v.text(from, q)
	if i := strings.LastIndexByte(ident, '_'); i > 0 {
		switch strings.ToLower(ident[i+1:]) {
		case "aspx", "ashx", "asmx", "asax", "ascx", "master", "svc", "cshtml", "vbhtml":
			s.add("ASP." + ident)
		}
	}
}

// VirtualPathFromTraceName gives the page a .compiled trace file is named after:
// "x.aspx.cdcab7d2.compiled" gives "x.aspx". The name is <page>.<hash>.compiled, where the
// hash is 1 to 16 hex digits and the page has a name and an extension; folders before the
// name (either separator) are ignored. Other .compiled files (App_global.asax.compiled,
// App_Code.compiled) give ok false.
func VirtualPathFromTraceName(fileName string) (page string, ok bool) {
	if i := strings.LastIndexAny(fileName, `\/`); i >= 0 {
		fileName = fileName[i+1:]
	}
	const suffix = ".compiled"
	if len(fileName) <= len(suffix) || !strings.EqualFold(fileName[len(fileName)-len(suffix):], suffix) {
		return "", false
	}
	stem := fileName[:len(fileName)-len(suffix)]
	i := strings.LastIndexByte(stem, '.')
	if i < 0 || !isHex(stem[i+1:]) {
		return "", false
	}
	page = stem[:i]
	if j := strings.LastIndexByte(page, '.'); j <= 0 || j == len(page)-1 {
		return "", false
	}
	return clean(page), true
}

func isHex(s string) bool {
	if len(s) == 0 || len(s) > 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
