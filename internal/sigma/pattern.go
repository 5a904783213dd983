package sigma

import (
	"encoding/base64"
	"errors"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// A Sigma string value is a sequence of parts: literal text and the special parts wildcards
// (* and ?) and windash dashes leave. Transformations (base64, utf16, windash) work on parts, as
// pySigma's do, so a wildcard is never encoded and a literal never read as a wildcard.
type spKind uint8

const (
	spLit  spKind = iota
	spStar        // *: any run of characters
	spOne         // ?: exactly one character
	spDash        // windash: one of the dash characters
)

type spart struct {
	k spKind
	s string // spLit only
}

type sval []spart

// dashes are what the windash modifier accepts for a - or / (pySigma's list: hyphen-minus,
// slash, en dash, em dash, horizontal bar).
var dashes = [...]rune{'-', '/', '\u2013', '\u2014', '\u2015'}

func isDash(r rune) bool {
	for _, d := range dashes {
		if r == d {
			return true
		}
	}
	return false
}

// parseSigmaString reads a rule's string with Sigma's escaping: * and ? are wildcards, \*, \?
// and \\ stand for the character itself, a backslash before anything else is a backslash.
func parseSigmaString(s string) sval {
	var out sval
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			out = append(out, spart{k: spLit, s: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '?' || s[i+1] == '\\'):
			lit.WriteByte(s[i+1])
			i++
		case c == '*':
			flush()
			out = append(out, spart{k: spStar})
		case c == '?':
			flush()
			out = append(out, spart{k: spOne})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return out
}

// plain is a value without special parts (numbers, field names, encoded values).
func plain(s string) sval {
	if s == "" {
		return nil
	}
	return sval{{k: spLit, s: s}}
}

func (v sval) hasSpecial() bool {
	for _, p := range v {
		if p.k != spLit {
			return true
		}
	}
	return false
}

func (v sval) text() string {
	var b strings.Builder
	for _, p := range v {
		b.WriteString(p.s)
	}
	return b.String()
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r)
}

// windash turns every - or / that starts a word after a non-word character (pySigma's
// \B[-/]\b, applied to each literal part) into a dash part. Dash parts stay one part each,
// where pySigma expands to every permutation: five variants a dash would be 5^n values.
func windash(v sval) sval {
	var out sval
	for _, p := range v {
		if p.k != spLit {
			out = append(out, p)
			continue
		}
		s := p.s
		last := 0
		prevWord := false
		for i, r := range s {
			if (r == '-' || r == '/') && !prevWord {
				next, _ := utf8.DecodeRuneInString(s[i+1:])
				if i+1 < len(s) && isWordRune(next) {
					if last < i {
						out = append(out, spart{k: spLit, s: s[last:i]})
					}
					out = append(out, spart{k: spDash})
					last = i + 1
				}
			}
			prevWord = isWordRune(r)
		}
		if last < len(s) {
			out = append(out, spart{k: spLit, s: s[last:]})
		}
	}
	return out
}

var errEncodeSpecial = errors.New("cannot be combined with wildcards or windash in the value (the encoding of a wildcard is not a wildcard)")

// utf16Encode encodes the literal parts in UTF-16 (little or big endian), optionally with a byte
// order mark first; wildcards stay wildcards.
func utf16Encode(v sval, bigEndian, bom bool) (sval, error) {
	var out sval
	if bom {
		out = append(out, spart{k: spLit, s: "\xff\xfe"})
	}
	for _, p := range v {
		switch p.k {
		case spDash:
			return nil, errEncodeSpecial
		case spLit:
			var b []byte
			for _, u := range utf16.Encode([]rune(p.s)) {
				if bigEndian {
					b = append(b, byte(u>>8), byte(u))
				} else {
					b = append(b, byte(u), byte(u>>8))
				}
			}
			out = append(out, spart{k: spLit, s: string(b)})
		default:
			out = append(out, p)
		}
	}
	return out, nil
}

// base64Encode encodes the value whole, with padding, as pySigma's base64 modifier does.
func base64Encode(v sval) (sval, error) {
	if v.hasSpecial() {
		return nil, errEncodeSpecial
	}
	return plain(base64.StdEncoding.EncodeToString([]byte(v.text()))), nil
}

// base64Offsets returns the three encodings a value has inside a longer base64 string,
// depending on its offset modulo 3, without the characters its neighbours change (pySigma's
// base64offset: shift by 0..2 bytes, cut 0/2/3 characters at the start and 0/3/2 at the end).
func base64Offsets(v sval) ([]sval, error) {
	if v.hasSpecial() {
		return nil, errEncodeSpecial
	}
	b := []byte(v.text())
	starts := [3]int{0, 2, 3}
	ends := [3]int{0, 3, 2}
	var out []sval
	for i := 0; i < 3; i++ {
		shifted := append([]byte(strings.Repeat(" ", i)), b...)
		enc := base64.StdEncoding.EncodeToString(shifted)
		e := len(enc) - ends[(len(b)+i)%3]
		if starts[i] >= e {
			continue // a value of one or two bytes leaves nothing fixed at some offsets
		}
		out = append(out, plain(enc[starts[i]:e]))
	}
	if len(out) == 0 {
		return nil, errors.New("value too short for base64offset")
	}
	return out, nil
}

// foldRune maps a rune to the form case-insensitive comparison uses. A non-ASCII rune never folds
// to an ASCII one (the Kelvin sign does not become k): so an ASCII letter of a pattern matches
// only that ASCII letter in either case, which keeps Literals' ASCII case-insensitive promise.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	c := unicode.ToLower(unicode.ToUpper(r))
	if c < utf8.RuneSelf {
		return r
	}
	return c
}

// foldString folds every rune; bytes that are not UTF-8 stay as they are.
func foldString(s string) string {
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			break
		}
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	b = append(b, s[:i]...)
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, c)
			i++
			continue
		}
		b = utf8.AppendRune(b, foldRune(r))
		i += size
	}
	return string(b)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// eqFoldASCII reports whether s equals p (lower-case ASCII) ignoring ASCII case. Bytes of
// multi-byte runes never equal an ASCII byte, so this is exact for ASCII patterns.
func eqFoldASCII(s, p string) bool {
	if len(s) != len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if lowerASCII(s[i]) != p[i] {
			return false
		}
	}
	return true
}

// indexFoldASCII finds p (lower-case ASCII) in s ignoring ASCII case.
func indexFoldASCII(s, p string) int {
	if len(p) == 0 {
		return 0
	}
	if len(p) > 64 {
		// Long patterns: the standard library's search is linear; the candidate loop below is
		// not, on hostile text.
		return strings.Index(foldASCII(s), p)
	}
	// Candidates are the positions of p's first byte in either case, found with IndexByte
	// (vectorised); each case's next position is kept until it is passed.
	c0, c1 := p[0], p[0]
	if 'a' <= c0 && c0 <= 'z' {
		c1 = c0 - ('a' - 'A')
	}
	end := len(s) - len(p) + 1 // candidates start before end
	if end <= 0 {
		return -1
	}
	next0, next1 := -2, -2 // -2: not looked up yet; -1: none left
	for at := 0; at < end; {
		if next0 != -1 && next0 < at {
			next0 = strings.IndexByte(s[at:end], c0)
			if next0 >= 0 {
				next0 += at
			}
		}
		if c1 != c0 && next1 != -1 && next1 < at {
			next1 = strings.IndexByte(s[at:end], c1)
			if next1 >= 0 {
				next1 += at
			}
		}
		i := next0
		if c1 != c0 && next1 >= 0 && (i < 0 || next1 < i) {
			i = next1
		}
		if i < 0 {
			return -1
		}
		if eqFoldASCII(s[i+1:i+len(p)], p[1:]) {
			return i
		}
		at = i + 1
	}
	return -1
}

// foldASCII lower-cases ASCII letters only (byte offsets stay the same).
func foldASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lowerASCII(b[j])
			}
			return string(b)
		}
	}
	return s
}

// A compiled string pattern: pieces separated by stars. The first piece must match at the
// start, the last at the end, the middle ones anywhere in between, in order (leftmost match is
// always right for globs).
type strPat struct {
	pieces []piece
	// mode: how values are compared.
	//   cmpExact: bytes as they are (the cased modifier)
	//   cmpASCII: ASCII case folding on the raw value (pattern is ASCII and lower-case)
	//   cmpFold:  the value is folded with foldString first (pattern has non-ASCII text)
	mode uint8
}

const (
	cmpExact uint8 = iota
	cmpASCII
	cmpFold
)

// piece is a run between stars: literal text only (lit), or tokens when it holds ? or dashes.
type piece struct {
	lit  string
	toks []tok // nil: the piece is lit
	// anchor is the index of the longest literal token, -1 when there is none: a token piece
	// is searched for by its anchor (a fast literal search), then checked around it.
	anchor int
}

type tok struct {
	k spKind // spLit, spOne or spDash
	s string // spLit
}

// compileStr builds the pattern of a transformed value.
func compileStr(v sval, cased bool) (*strPat, error) {
	p := &strPat{mode: cmpExact}
	if !cased {
		p.mode = cmpASCII
		for _, x := range v {
			for i := 0; i < len(x.s); i++ {
				if x.s[i] >= utf8.RuneSelf {
					p.mode = cmpFold
				}
			}
		}
	}
	size := 0
	cur := piece{}
	runes := 0
	flush := func() {
		cur.anchor = -1
		for i, t := range cur.toks {
			if t.k == spLit && (cur.anchor < 0 || len(t.s) > len(cur.toks[cur.anchor].s)) {
				cur.anchor = i
			}
		}
		p.pieces = append(p.pieces, cur)
		cur = piece{}
		runes = 0
	}
	for _, x := range v {
		size += len(x.s) + 1
		switch x.k {
		case spStar:
			flush()
		case spLit:
			s := x.s
			if p.mode != cmpExact {
				s = foldString(s)
			}
			if cur.toks != nil {
				cur.toks = append(cur.toks, tok{k: spLit, s: s})
			} else {
				cur.lit += s
			}
			runes += utf8.RuneCountInString(s)
		default:
			if cur.toks == nil {
				cur.toks = []tok{}
				if cur.lit != "" {
					cur.toks = append(cur.toks, tok{k: spLit, s: cur.lit})
					cur.lit = ""
				}
			}
			cur.toks = append(cur.toks, tok{k: x.k})
			runes++
		}
		if cur.toks != nil && runes > maxTokenPiece {
			return nil, errors.New("value with ? wildcards or windash dashes is too long")
		}
	}
	flush()
	if size > maxValueLen {
		return nil, errors.New("value is too long")
	}
	return p, nil
}

func (p *strPat) hasPrefixAt(v string, at int, s string) bool {
	if len(v)-at < len(s) {
		return false
	}
	if p.mode == cmpASCII {
		return eqFoldASCII(v[at:at+len(s)], s)
	}
	return v[at:at+len(s)] == s
}

func (p *strPat) index(v, s string) int {
	if p.mode == cmpASCII {
		return indexFoldASCII(v, s)
	}
	return strings.Index(v, s)
}

// matchForward matches a piece at v[at:], returning where it ends.
func (p *strPat) matchForward(pc *piece, v string, at int) (int, bool) {
	if pc.toks == nil {
		if !p.hasPrefixAt(v, at, pc.lit) {
			return 0, false
		}
		return at + len(pc.lit), true
	}
	return p.forwardToks(pc.toks, v, at)
}

// forwardToks matches tokens at v[at:], each token one literal or one rune.
func (p *strPat) forwardToks(toks []tok, v string, at int) (int, bool) {
	for _, t := range toks {
		switch t.k {
		case spLit:
			if !p.hasPrefixAt(v, at, t.s) {
				return 0, false
			}
			at += len(t.s)
		default:
			if at >= len(v) {
				return 0, false
			}
			r, size := utf8.DecodeRuneInString(v[at:])
			if t.k == spDash && !isDash(r) {
				return 0, false
			}
			at += size
		}
	}
	return at, true
}

// matchBackward matches a piece so that it ends exactly at end, returning where it starts.
func (p *strPat) matchBackward(pc *piece, v string, end int) (int, bool) {
	if pc.toks == nil {
		start := end - len(pc.lit)
		if start < 0 || !p.hasPrefixAt(v, start, pc.lit) {
			return 0, false
		}
		return start, true
	}
	return p.backwardToks(pc.toks, v, end)
}

// backwardToks matches tokens so that they end exactly at end, returning where they start.
func (p *strPat) backwardToks(toks []tok, v string, end int) (int, bool) {
	for i := len(toks) - 1; i >= 0; i-- {
		t := toks[i]
		switch t.k {
		case spLit:
			start := end - len(t.s)
			if start < 0 || !p.hasPrefixAt(v, start, t.s) {
				return 0, false
			}
			end = start
		default:
			if end <= 0 {
				return 0, false
			}
			r, size := utf8.DecodeLastRuneInString(v[:end])
			if t.k == spDash && !isDash(r) {
				return 0, false
			}
			end -= size
		}
	}
	return end, true
}

// find returns the leftmost match of a piece inside v[from:limit].
func (p *strPat) find(pc *piece, v string, from, limit int) (start, end int, ok bool) {
	w := v[:limit]
	if pc.toks == nil {
		i := p.index(w[from:], pc.lit)
		if i < 0 {
			return 0, 0, false
		}
		return from + i, from + i + len(pc.lit), true
	}
	if pc.anchor >= 0 {
		// Every token takes one rune, so a match's start moves with its anchor's position:
		// the first anchor occurrence that checks out around it is the leftmost match.
		a := pc.toks[pc.anchor].s
		for at := from; at <= len(w); {
			i := p.index(w[at:], a)
			if i < 0 {
				return 0, 0, false
			}
			pos := at + i
			start, ok := p.backwardToks(pc.toks[:pc.anchor], w, pos)
			if ok && start >= from {
				if e, ok := p.forwardToks(pc.toks[pc.anchor+1:], w, pos+len(a)); ok {
					return start, e, true
				}
			}
			at = pos + 1
		}
		return 0, 0, false
	}
	for at := from; at < len(w); {
		if e, ok := p.matchForward(pc, w, at); ok {
			return at, e, true
		}
		_, size := utf8.DecodeRuneInString(w[at:])
		at += size
	}
	return 0, 0, false
}

// match reports whether the whole value matches the pattern.
func (p *strPat) match(v string) bool {
	if p.mode == cmpFold {
		v = foldString(v)
	}
	n := len(p.pieces)
	if n == 1 {
		e, ok := p.matchForward(&p.pieces[0], v, 0)
		return ok && e == len(v)
	}
	pos, ok := p.matchForward(&p.pieces[0], v, 0)
	if !ok {
		return false
	}
	limit, ok := p.matchBackward(&p.pieces[n-1], v, len(v))
	if !ok || limit < pos {
		return false
	}
	for i := 1; i < n-1; i++ {
		pc := &p.pieces[i]
		if pc.toks == nil && pc.lit == "" {
			continue
		}
		_, e, ok := p.find(pc, v, pos, limit)
		if !ok {
			return false
		}
		pos = e
	}
	return true
}
