package pageflow

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// tok is one token of the statement being collected. Identifiers carry their normalised name
// (lower case, unicode escapes decoded) as a range of the statement's name arena; strings carry
// the range of their contents in the page.
type tok struct {
	off   int // start offset in the page, for the evidence line
	a, b  int // identifier: name range in arena; string/number: content range in page
	cls   uint32
	kind  uint8
	op    uint8 // punctuation code
	kw    uint8
	verb  bool   // string without backslash escapes (C# verbatim, VB)
	vattr uint16 // attributes the variable had when the token was read
	feat  uint16 // features computed for the statement
}

func (t *tok) isPunct(op uint8) bool { return t.kind == tPunct && t.op == op }

func isOpener(t *tok) bool { return t.kind == tPunct && (t.op == '(' || t.op == '[' || t.op == '{') }
func isCloser(t *tok) bool { return t.kind == tPunct && (t.op == ')' || t.op == ']' || t.op == '}') }

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool       { return c >= '0' && c <= '9' }
func isHex(c byte) bool         { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// uescape decodes a C#/JScript unicode escape (\uXXXX or \UXXXXXXXX) at the start of s.
func uescape(s []byte) (rune, int) {
	if len(s) < 2 || s[0] != '\\' {
		return 0, 0
	}
	n := 0
	switch s[1] {
	case 'u':
		n = 4
	case 'U':
		n = 8
	default:
		return 0, 0
	}
	if len(s) < 2+n {
		return 0, 0
	}
	var r rune
	for _, c := range s[2 : 2+n] {
		if !isHex(c) {
			return 0, 0
		}
		r = r<<4 | rune(hexVal(c))
	}
	if r > unicode.MaxRune {
		return 0, 0
	}
	return r, 2 + n
}

func hexVal(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// isIdentRune reports runes allowed inside identifiers (letters, digits, combining marks,
// connectors). Formatting characters (Cf) are handled separately: C# ignores them.
func isIdentRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Pc)
}

// identStart reports whether an identifier starts at s[p].
func (a *analyzer) identStart(s []byte, p, hi int) bool {
	c := s[p]
	switch {
	case isASCIILetter(c) || c == '_':
		return true
	case c == '\\' && !a.vb:
		r, n := uescape(s[p:hi])
		return n > 0 && isIdentRune(r) && !unicode.IsDigit(r)
	case c == '@' && !a.vb:
		return p+1 < hi && (isASCIILetter(s[p+1]) || s[p+1] == '_' || s[p+1] == '\\')
	case c >= 0x80:
		r, _ := utf8.DecodeRune(s[p:hi])
		return r != utf8.RuneError && unicode.IsLetter(r)
	}
	return false
}

// lexIdent reads an identifier, appending its normalised name to the arena.
func (a *analyzer) lexIdent(p, hi int) int {
	s := a.page
	start := p
	ns := len(a.arena)
	if s[p] == '@' {
		p++
	}
	add := func(r rune) {
		if len(a.arena)-ns >= maxNameLen {
			return
		}
		if r < utf8.RuneSelf {
			a.arena = append(a.arena, lowerByte(byte(r)))
		} else {
			a.arena = utf8.AppendRune(a.arena, unicode.ToLower(r))
		}
	}
	for p < hi {
		c := s[p]
		if c < utf8.RuneSelf {
			if isASCIILetter(c) || isDigit(c) || c == '_' {
				add(rune(c))
				p++
				continue
			}
			if c == '\\' && !a.vb {
				if r, n := uescape(s[p:hi]); n > 0 {
					if unicode.Is(unicode.Cf, r) {
						p += n
						continue
					}
					if isIdentRune(r) {
						add(r)
						p += n
						continue
					}
				}
			}
			break
		}
		r, n := utf8.DecodeRune(s[p:hi])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		if unicode.Is(unicode.Cf, r) {
			// C# drops formatting characters (soft hyphen, zero-width joiner...) when comparing
			// identifiers: "Pro\u00ADcess" is Process.
			p += n
			continue
		}
		if !isIdentRune(r) {
			break
		}
		add(r)
		p += n
	}
	if a.vb && p < hi && s[p] == '$' {
		p++ // VB type character: Left$(...)
	}
	if p == start {
		p++ // cannot happen for a valid start; never loop
	}
	name := a.arena[ns:]
	if len(name) == 0 {
		a.arena = a.arena[:ns]
		return p
	}
	if a.vb && len(name) == 1 && name[0] == '_' {
		// VB line continuation: " _" at the end of a line.
		q := p
		for q < hi && (s[q] == ' ' || s[q] == '\t') {
			q++
		}
		if q >= hi || s[q] == '\r' || s[q] == '\n' {
			a.arena = a.arena[:ns]
			if q < hi && s[q] == '\r' {
				q++
			}
			if q < hi && s[q] == '\n' {
				q++
			}
			return q
		}
	}
	t := tok{kind: tIdent, off: start, a: ns, b: len(a.arena)}
	if len(name) <= maxKwLen {
		if info, ok := keywords[string(name)]; ok {
			t.kw, t.cls = info.id, info.cls
		}
	}
	if len(a.vars) > 0 {
		t.vattr = a.vars[string(name)]
	}
	if a.vb && t.kw == kwRem && len(a.toks) == 0 {
		// REM comment.
		if q := bytes.IndexByte(s[p:hi], '\n'); q >= 0 {
			return p + q
		}
		return hi
	}
	a.push(t)
	return p
}

func (a *analyzer) lexNumber(p, hi int) int {
	s := a.page
	start := p
	for p < hi && (isASCIILetter(s[p]) || isDigit(s[p]) || s[p] == '_' || s[p] == '.' && p+1 < hi && isDigit(s[p+1])) {
		p++
	}
	a.push(tok{kind: tNum, off: start, a: start, b: p})
	return p
}

// lexPunct reads one operator or punctuation token.
func (a *analyzer) lexPunct(p, hi int) int {
	s := a.page
	c := s[p]
	var n1, n2 byte
	if p+1 < hi {
		n1 = s[p+1]
	}
	if p+2 < hi {
		n2 = s[p+2]
	}
	op, n := c, 1
	switch c {
	case '=':
		switch n1 {
		case '=':
			op, n = opEqEq, 2
			if n2 == '=' {
				n = 3
			}
		case '>':
			op, n = opArrow, 2
		}
	case '!':
		if n1 == '=' {
			op, n = opNe, 2
			if n2 == '=' {
				n = 3
			}
		}
	case '<':
		switch n1 {
		case '>':
			op, n = opVBNe, 2
		case '=':
			op, n = opLe, 2
		}
	case '>':
		if n1 == '=' {
			op, n = opGe, 2
		}
	case '+', '-':
		switch {
		case n1 == '=':
			op, n = opCompound, 2
		case n1 == c:
			op, n = opIncDec, 2
		case c == '-' && n1 == '>':
			op, n = opPtr, 2
		}
	case '*', '/', '%', '^':
		if n1 == '=' {
			op, n = opCompound, 2
		}
	case '&':
		switch n1 {
		case '=':
			op, n = opCompound, 2
		case '&':
			op, n = opAndAnd, 2
		}
	case '|':
		switch n1 {
		case '=':
			op, n = opCompound, 2
		case '|':
			op, n = opOrOr, 2
		}
	case '?':
		switch {
		case n1 == '?' && n2 == '=':
			op, n = opCompound, 3
		case n1 == '?':
			op, n = opCoalesce, 2
		case n1 == '.' || n1 == '[':
			// Null-conditional access: Request?.Form is Request.Form.
			op, n = n1, 2
		}
	case ':':
		switch n1 {
		case ':':
			op, n = opScope, 2
		case '=':
			op, n = opColonEq, 2
		}
	}
	a.push(tok{kind: tPunct, op: op, off: p})
	return p + n
}

// lexC tokenises C#, JScript (and unknown C-like) code in s[lo:hi]. depth counts nesting of
// interpolated-string holes, which are lexed recursively.
func (a *analyzer) lexC(lo, hi, depth int) {
	s := a.page
	for p := lo; p < hi; {
		c := s[p]
		switch {
		case c <= ' ' || c == 0x7f:
			p++
		case c == '/' && p+1 < hi && s[p+1] == '/':
			if q := bytes.IndexByte(s[p:hi], '\n'); q >= 0 {
				p += q
			} else {
				p = hi
			}
		case c == '/' && p+1 < hi && s[p+1] == '*':
			if q := bytes.Index(s[p+2:hi], []byte("*/")); q >= 0 {
				p += 2 + q + 2
			} else {
				p = hi
			}
		case c == '"' || c == '\'':
			p = a.lexCString(p, p, hi, false)
		case c == '@' && p+1 < hi && s[p+1] == '"':
			p = a.lexCString(p, p+1, hi, true)
		case c == '$' && p+1 < hi && s[p+1] == '"':
			p = a.lexInterp(p, p+1, hi, false, depth)
		case (c == '$' && p+2 < hi && s[p+1] == '@' && s[p+2] == '"') || (c == '@' && p+2 < hi && s[p+1] == '$' && s[p+2] == '"'):
			p = a.lexInterp(p, p+2, hi, true, depth)
		case isDigit(c):
			p = a.lexNumber(p, hi)
		case a.identStart(s, p, hi):
			p = a.lexIdent(p, hi)
		case c >= utf8.RuneSelf:
			_, n := utf8.DecodeRune(s[p:hi])
			p += n
		default:
			p = a.lexPunct(p, hi)
		}
	}
}

// lexCString reads a quoted string whose opening quote is at q (start is where the token
// starts, before any @ prefix). Regular strings end at the closing quote or, unterminated, at the
// end of the line, so a stray quote cannot swallow the rest of the page.
func (a *analyzer) lexCString(start, q, hi int, verbatim bool) int {
	s := a.page
	quote := s[q]
	if !verbatim && quote == '"' && q+2 < hi && s[q+1] == '"' && s[q+2] == '"' {
		// C# 11 raw string: a run of n >= 3 quotes up to the next run of n quotes.
		n := 3
		for q+n < hi && s[q+n] == '"' {
			n++
		}
		body := q + n
		end := bytes.Index(s[body:hi], bytes.Repeat([]byte{'"'}, n))
		if end < 0 {
			a.push(tok{kind: tStr, off: start, a: body, b: hi, verb: true})
			return hi
		}
		a.push(tok{kind: tStr, off: start, a: body, b: body + end, verb: true})
		return body + end + n
	}
	p := q + 1
	for p < hi {
		c := s[p]
		if verbatim {
			if c == quote {
				if p+1 < hi && s[p+1] == quote {
					p += 2
					continue
				}
				break
			}
			p++
			continue
		}
		if c == '\\' {
			p += 2
			continue
		}
		if c == quote || c == '\n' {
			break
		}
		p++
	}
	if p > hi {
		p = hi
	}
	a.push(tok{kind: tStr, off: start, a: q + 1, b: p, verb: verbatim})
	if p < hi && s[p] == quote {
		return p + 1
	}
	return p
}

// lexInterp reads an interpolated string ($"..{expr}.."): the literal becomes one string token
// and each hole is lexed as code inside parentheses, so request data in a hole is seen. The
// string is scanned twice (once for its end, once for its holes), which keeps the work linear
// without a cap on the number of holes.
func (a *analyzer) lexInterp(start, q, hi int, verbatim bool, depth int) int {
	end, holes := a.interpScan(q, hi, verbatim, -1)
	a.push(tok{kind: tStr, off: start, a: q + 1, b: end, verb: true})
	if holes {
		if depth < maxInterpDepth {
			a.interpScan(q, end, verbatim, depth)
		} else {
			a.capped = true
		}
	}
	if end < hi && a.page[end] == a.page[q] {
		return end + 1
	}
	return end
}

// interpScan walks an interpolated string from its opening quote at q and returns the position
// of its closing quote (or where it stops) and whether it has holes. With depth >= 0 it also
// lexes each hole.
func (a *analyzer) interpScan(q, hi int, verbatim bool, depth int) (int, bool) {
	s := a.page
	quote := s[q]
	p := q + 1
	holes := false
	for p < hi {
		c := s[p]
		if c == quote {
			if (verbatim || a.vb) && p+1 < hi && s[p+1] == quote {
				p += 2
				continue
			}
			break
		}
		if c == '\\' && !verbatim && !a.vb {
			p += 2
			continue
		}
		if c == '\n' && !verbatim {
			break
		}
		if c == '{' {
			if p+1 < hi && s[p+1] == '{' {
				p += 2
				continue
			}
			e, next := a.holeEnd(p+1, hi)
			holes = true
			if depth >= 0 {
				a.push(tok{kind: tPunct, op: '(', off: p})
				if a.vb {
					a.lexVB(p+1, e, depth+1)
				} else {
					a.lexC(p+1, e, depth+1)
				}
				a.push(tok{kind: tPunct, op: ')', off: e})
			}
			p = next
			continue
		}
		p++
	}
	if p > hi {
		p = hi
	}
	return p, holes
}

// holeEnd finds the end of an interpolation hole's expression (before a ':' format or ',' width
// at brace depth 0) and the position after its closing '}'.
func (a *analyzer) holeEnd(p, hi int) (exprEnd, next int) {
	s := a.page
	exprEnd = -1
	depth := 0
	for p < hi {
		switch c := s[p]; c {
		case '"', '\'':
			q := p + 1
			for q < hi && s[q] != c && s[q] != '\n' {
				if s[q] == '\\' {
					q++
				}
				q++
			}
			p = q + 1
			continue
		case '(', '[', '{':
			depth++
		case ')', ']':
			depth--
		case '}':
			if depth == 0 {
				if exprEnd < 0 {
					exprEnd = p
				}
				return exprEnd, p + 1
			}
			depth--
		case ':', ',':
			if depth == 0 && exprEnd < 0 {
				exprEnd = p
			}
		case '\n':
			if exprEnd < 0 {
				exprEnd = p
			}
			return exprEnd, p
		}
		p++
	}
	if p > hi {
		p = hi
	}
	if exprEnd < 0 {
		exprEnd = p
	}
	return exprEnd, p
}

// lexVB tokenises VB.NET and VBScript. Statements end at line ends (unless continued) and at
// ':'; comments start with an apostrophe or REM.
func (a *analyzer) lexVB(lo, hi, depth int) {
	s := a.page
	for p := lo; p < hi; {
		c := s[p]
		switch {
		case c == '\n':
			a.vbNewline()
			p++
		case c <= ' ' || c == 0x7f:
			p++
		case c == '\'':
			if q := bytes.IndexByte(s[p:hi], '\n'); q >= 0 {
				p += q
			} else {
				p = hi
			}
		case c == 0xE2 && p+2 < hi && s[p+1] == 0x80 && (s[p+2] == 0x98 || s[p+2] == 0x99):
			// Curly apostrophes also start VB comments.
			if q := bytes.IndexByte(s[p:hi], '\n'); q >= 0 {
				p += q
			} else {
				p = hi
			}
		case c == '"':
			p = a.lexVBString(p, hi)
		case c == '$' && p+1 < hi && s[p+1] == '"':
			p = a.lexInterp(p, p+1, hi, true, depth)
		case c == '[' && p+1 < hi && (isASCIILetter(s[p+1]) || s[p+1] == '_'):
			// Escaped identifier: [Assembly].Load
			q := p + 1
			for q < hi && (isASCIILetter(s[q]) || isDigit(s[q]) || s[q] == '_') {
				q++
			}
			if q < hi && s[q] == ']' {
				a.lexIdent(p+1, q)
				p = q + 1
			} else {
				p = a.lexPunct(p, hi)
			}
		case c == '&' && p+1 < hi && (s[p+1] == 'H' || s[p+1] == 'h' || s[p+1] == 'O' || s[p+1] == 'o') && p+2 < hi && isHex(s[p+2]):
			p = a.lexNumber(p+1, hi)
		case isDigit(c):
			p = a.lexNumber(p, hi)
		case a.identStart(s, p, hi):
			p = a.lexIdent(p, hi)
		case c >= utf8.RuneSelf:
			_, n := utf8.DecodeRune(s[p:hi])
			p += n
		default:
			p = a.lexPunct(p, hi)
		}
	}
}

// lexVBString reads a VB string ("" escapes a quote); it ends at the line end if unterminated.
func (a *analyzer) lexVBString(q, hi int) int {
	s := a.page
	p := q + 1
	for p < hi {
		if s[p] == '"' {
			if p+1 < hi && s[p+1] == '"' {
				p += 2
				continue
			}
			break
		}
		if s[p] == '\n' {
			break
		}
		p++
	}
	a.push(tok{kind: tStr, off: q, a: q + 1, b: p, verb: true})
	if p < hi && s[p] == '"' {
		return p + 1
	}
	return p
}

// vbNewline ends the VB statement unless the line is continued: inside brackets, or after an
// operator, comma or And/Or (VB 10 implicit continuation).
func (a *analyzer) vbNewline() {
	if len(a.stack) > 0 || len(a.toks) == 0 {
		return
	}
	last := &a.toks[len(a.toks)-1]
	switch last.kind {
	case tPunct:
		switch last.op {
		case ',', '(', '[', '{', '.', '&', '+', '-', '*', '/', '=', '<', '>', opLe, opGe, opVBNe, opCompound, opColonEq:
			return
		}
	case tIdent:
		if last.cls&cVBCont != 0 {
			return
		}
	}
	a.endStmt(0)
}

// push adds a token to the current statement, tracking bracket nesting and ending the statement
// at C-like ';' and block braces (and VB ':').
func (a *analyzer) push(t tok) {
	if t.kind == tPunct {
		switch t.op {
		case '(', '[':
			a.stack = append(a.stack, len(a.toks))
		case ')', ']', '}':
			want := byte('(')
			if t.op == ']' {
				want = '['
			} else if t.op == '}' {
				want = '{'
			}
			if n := len(a.stack); n > 0 && a.toks[a.stack[n-1]].op == want {
				o := a.stack[n-1]
				a.stack = a.stack[:n-1]
				a.match[o] = len(a.toks)
				a.toks = append(a.toks, t)
				a.match = append(a.match, o)
				return
			}
			if t.op == '}' && !a.vb {
				// A block end (or a brace that cannot belong to this statement).
				a.endStmt('}')
				return
			}
		case '{':
			if a.vb || len(a.stack) > 0 || a.initBrace() {
				a.stack = append(a.stack, len(a.toks))
			} else {
				a.endStmt('{')
				return
			}
		case ';':
			if !a.vb && len(a.stack) == 0 {
				a.endStmt(';')
				return
			}
		case ':':
			if a.vb && len(a.stack) == 0 {
				a.endStmt(':')
				return
			}
		}
	}
	a.toks = append(a.toks, t)
	a.match = append(a.match, -1)
	if len(a.toks) >= maxStmtToks {
		a.capped = true
		a.endStmt(0)
	}
}

// initBrace reports whether a '{' at bracket depth 0 opens an initializer (new T { ... },
// x = { ... }) rather than a block, so that it stays inside the statement.
func (a *analyzer) initBrace() bool {
	n := len(a.toks)
	if n == 0 {
		return false
	}
	p := n - 1
	t := &a.toks[p]
	if t.kind == tPunct {
		switch t.op {
		case '=', ',', '(', '[', '?', opCoalesce, opCompound:
			return true
		case ')':
			if a.match[p] < 0 {
				return false
			}
			p = a.match[p] - 1
		case ']', '>':
		default:
			return false
		}
	} else if t.kw == kwReturn {
		return true
	}
	// Walk back over a type name (dots, generics, array brackets) looking for "new".
	for steps := 0; p >= 0 && steps < maxWalk; steps++ {
		t := &a.toks[p]
		switch {
		case t.kw == kwNew:
			return true
		case t.kind == tIdent, t.isPunct('.'), t.isPunct('<'), t.isPunct('>'), t.isPunct(','), t.isPunct('['), t.isPunct(']'), t.isPunct(opScope):
			p--
		default:
			return false
		}
	}
	return false
}
