package pageflow

import "bytes"

// processStmt analyses one statement: it computes, for every token, the features it carries
// (request data, process object, ...), then propagates them through assignments, foreach loops,
// stream copies and calls to the page's own methods, then checks the sinks. Every step is linear
// in the statement's length (ranges are answered by prefix sums, argument ends by a precomputed
// "next stop" table) and walks along member chains are bounded.
func (a *analyzer) processStmt(term byte) {
	n := len(a.toks)
	a.scratch(n)
	a.foldStrings()
	a.computeFeatures()
	a.computeStops()
	declIdx := -1
	if a.vb {
		declIdx = a.flowsVB()
	} else {
		declIdx = a.flowsC(term)
	}
	a.flowsCommon(declIdx)
	a.sinks()
	switch {
	case declIdx >= 0:
		a.pendingWeb = 0
	case a.stmtWeb:
		// An attribute on its own line (VB) or statement: the next method declaration gets it.
		a.pendingWeb = 2
	case a.pendingWeb > 0:
		a.pendingWeb--
	}
}

func (a *analyzer) scratch(n int) {
	grow := func(s []int) []int {
		if cap(s) < n+1 {
			return make([]int, n+1, max(n+1, 64))
		}
		return s[:n+1]
	}
	a.ns, a.ce, a.encl = grow(a.ns), grow(a.ce), grow(a.encl)
	for f := range a.pre {
		if cap(a.pre[f]) < n+1 {
			a.pre[f] = make([]int32, n+1, max(n+1, 64))
		}
		a.pre[f] = a.pre[f][:n+1]
	}
	if cap(a.san) < n+1 {
		a.san = make([]int32, n+1, max(n+1, 64))
	}
	a.san = a.san[:n+1]
	clear(a.san)
}

// has reports whether any token in [lo, hi) carries feature f.
func (a *analyzer) has(f int, lo, hi int) bool {
	n := len(a.toks)
	if lo < 0 {
		lo = 0
	}
	if hi > n {
		hi = n
	}
	return lo < hi && a.pre[f][hi] > a.pre[f][lo]
}

// rangeAttrs returns the attributes an expression in [lo, hi) passes to what it is assigned to.
func (a *analyzer) rangeAttrs(lo, hi int) uint16 {
	var attrs uint16
	for f := 0; f < nFeat; f++ {
		if a.has(f, lo, hi) {
			attrs |= 1 << f
		}
	}
	return attrs
}

// dot reports whether token i is a member access (preceded by '.').
func (a *analyzer) dot(i int) bool { return i >= 1 && a.toks[i-1].isPunct('.') }

// varUse reports whether identifier i names a variable rather than a member: not after a '.',
// except after this. / Me.
func (a *analyzer) varUse(i int) bool {
	return !a.dot(i) || (i >= 2 && a.toks[i-2].kw == kwThis)
}

func isCompare(t *tok) bool {
	if t.kind != tPunct {
		return false
	}
	switch t.op {
	case opEqEq, opNe, opVBNe, opLe, opGe:
		return true
	}
	return false
}

// foldStrings joins runs of string literals concatenated with + or & (bounded) and marks them
// when they name a shell object, JScriptEvaluate or ADODB.Stream: attackers split such names.
func (a *analyzer) foldStrings() {
	t := a.toks
	n := len(t)
	for i := 0; i < n; {
		if t[i].kind != tStr {
			i++
			continue
		}
		buf := a.appendContent(a.fold[:0], &t[i])
		j := i
		for j+2 < n && (t[j+1].isPunct('+') || t[j+1].isPunct('&')) && t[j+2].kind == tStr {
			j += 2
			if len(buf) < maxFold {
				buf = a.appendContent(buf, &t[j])
			}
		}
		a.fold = buf
		var f uint16
		if bytes.Contains(buf, []byte("wscript.shell")) || bytes.Contains(buf, []byte("shell.application")) {
			f |= vShell
		}
		if bytes.Contains(buf, []byte("jscriptevaluate")) {
			f |= vEval
		}
		if bytes.Contains(buf, []byte("adodb.stream")) {
			f |= vStream
		}
		for k := i; k <= j; k += 2 {
			t[k].feat = f
		}
		i = j + 1
	}
}

// appendContent appends a string literal's contents, lower-cased, with C-like escapes decoded,
// stopping at maxFold bytes.
func (a *analyzer) appendContent(buf []byte, x *tok) []byte {
	s := a.page[x.a:x.b]
	for p := 0; p < len(s) && len(buf) < maxFold; {
		c := s[p]
		if c == '\\' && !x.verb && p+1 < len(s) {
			if r, n := uescape(s[p:]); n > 0 {
				if r < 0x80 {
					buf = append(buf, lowerByte(byte(r)))
				}
				p += n
				continue
			}
			if s[p+1] == 'x' && p+3 < len(s) && isHex(s[p+2]) && isHex(s[p+3]) {
				buf = append(buf, lowerByte(hexVal(s[p+2])<<4|hexVal(s[p+3])))
				p += 4
				continue
			}
			buf = append(buf, lowerByte(s[p+1]))
			p += 2
			continue
		}
		buf = append(buf, lowerByte(c))
		p++
	}
	return buf
}

// computeFeatures sets each token's features and the prefix sums over them.
func (a *analyzer) computeFeatures() {
	t := a.toks
	n := len(t)
	// Request data inside int.Parse(...), CInt(...), String.IsNullOrEmpty(...) and the like
	// yields a number, date or bool: it cannot carry a command line or code.
	for i := 0; i+1 < n; i++ {
		if t[i].kind == tIdent && t[i].cls&cSanitize != 0 && t[i+1].isPunct('(') {
			if m := a.match[i+1]; m > i+1 {
				a.san[i+2]++
				a.san[m]--
			}
		}
	}
	a.stmtWeb = false
	var depth int32
	for i := 0; i < n; i++ {
		depth += a.san[i]
		x := &t[i]
		var f uint16
		switch x.kind {
		case tStr:
			f = x.feat
		case tIdent:
			if a.varUse(i) {
				f |= x.vattr &^ vTaint
			}
			if depth == 0 && a.isSource(i) {
				f |= vTaint
			}
			next := byte(0)
			if i+1 < n && t[i+1].kind == tPunct {
				next = t[i+1].op
			}
			switch x.kw {
			case kwProcessStartInfo, kwProcess:
				if next == '(' || next == '{' {
					f |= vProc
				}
			case kwFileStream, kwWriterCtor:
				if next == '(' {
					f |= vWriter
				}
			case kwFileMethod:
				if a.dot(i) && i >= 2 && t[i-2].kw == kwFile && x.cls&(cFileWrite|cFileOpen) != 0 {
					f |= vWriter
				}
			case kwCreateTextFile, kwOpenTextFile:
				if a.dot(i) {
					f |= vWriter
				}
			case kwGetMethod:
				if a.dot(i) {
					f |= vRefl
				}
			case kwJScriptEvaluate:
				f |= vEval
			case kwWebMethod:
				a.stmtWeb = true
			}
			if x.cls&cControlType != 0 {
				f |= vControl
			}
		}
		x.feat = f
		for k := 0; k < nFeat; k++ {
			a.pre[k][i+1] = a.pre[k][i] + int32(f>>k&1)
		}
	}
}

// isSource reports whether identifier i starts request data: Request[..], Request(..),
// Request.Form..., a tainted variable, or an input control's .Text/.Value. A source that is only
// compared (Request["a"] == "x") or measured (.Length, .Count, .Equals) passes nothing on.
func (a *analyzer) isSource(i int) bool {
	t := a.toks
	n := len(t)
	x := &t[i]
	end := -1
	switch {
	case x.kw == kwRequest:
		if i+1 >= n {
			return false
		}
		switch {
		case t[i+1].isPunct('[') || t[i+1].isPunct('('):
			end = i
		case t[i+1].isPunct('.') && i+2 < n && t[i+2].cls&cReqMember != 0:
			end = i + 2
		default:
			return false
		}
	case x.vattr&vTaint != 0 && a.varUse(i):
		end = i
	case x.vattr&vControl != 0 && a.varUse(i) && i+2 < n && t[i+1].isPunct('.') && t[i+2].cls&cCtlMember != 0:
		if i+3 < n && (t[i+3].isPunct('=') || t[i+3].isPunct(opCompound)) {
			return false // writing the control, not reading it
		}
		end = i + 2
	default:
		return false
	}
	if i > 0 && isCompare(&t[i-1]) {
		return false
	}
	j := end
	for steps := 0; steps < maxWalk; steps++ {
		if j+1 < n && (t[j+1].isPunct('[') || t[j+1].isPunct('(')) {
			m := a.match[j+1]
			if m < 0 {
				break
			}
			j = m
			continue
		}
		if j+2 < n && t[j+1].isPunct('.') && t[j+2].kind == tIdent {
			if t[j+2].cls&cBoolish != 0 {
				return false
			}
			j += 2
			continue
		}
		break
	}
	return !(j+1 < n && isCompare(&t[j+1]))
}

// computeStops fills ns (where the expression starting at i ends: the next ',' ';' Then/Else or
// unmatched closer at its own nesting level), ce (VB clause ends) and encl (the innermost open
// bracket around i).
func (a *analyzer) computeStops() {
	t := a.toks
	n := len(t)
	a.ns[n], a.ce[n] = n, n
	for i := n - 1; i >= 0; i-- {
		x := &t[i]
		clause := a.vb && (x.kw == kwThen || x.kw == kwElse)
		switch {
		case x.isPunct(',') || x.isPunct(';') || isCloser(x) || clause:
			a.ns[i] = i
		case isOpener(x) && a.match[i] > i:
			a.ns[i] = a.ns[a.match[i]+1]
		default:
			a.ns[i] = a.ns[i+1]
		}
		if clause {
			a.ce[i] = i
		} else {
			a.ce[i] = a.ce[i+1]
		}
	}
	stk := a.stk[:0]
	for i := 0; i < n; i++ {
		for len(stk) > 0 && a.match[stk[len(stk)-1]] < i {
			stk = stk[:len(stk)-1]
		}
		a.encl[i] = -1
		if len(stk) > 0 {
			a.encl[i] = stk[len(stk)-1]
		}
		if isOpener(&t[i]) && a.match[i] > i {
			stk = append(stk, i)
		}
	}
	a.stk = stk
}

// lhs describes an assignment target: root receives the attributes, last is the final member
// (FileName in psi.FileName).
type lhs struct {
	root, last        int
	dotted, startInfo bool
	leadingDot        bool // VB With block member: .Arguments = ...
}

func (a *analyzer) chainBack(p int) lhs {
	t := a.toks
	c := lhs{root: -1, last: -1}
	if p >= 0 && t[p].kind == tIdent {
		c.last = p
	}
	for steps := 0; p >= 0 && steps < maxWalk; steps++ {
		x := &t[p]
		if x.kind == tIdent {
			c.root = p
			if x.kw == kwStartInfo {
				c.startInfo = true
			}
			if a.dot(p) {
				c.dotted = true
				if p >= 2 && (t[p-2].kind == tIdent || isCloser(&t[p-2])) {
					p -= 2
					continue
				}
				c.leadingDot = true
			}
			break
		}
		if isCloser(x) {
			if m := a.match[p]; m >= 1 && (t[m-1].kind == tIdent || isCloser(&t[m-1])) {
				p = m - 1
				continue
			}
			c.root = -1 // a parenthesised expression: ((T)x).y = ...
		}
		break
	}
	if r := c.root; r >= 0 && t[r].kw == kwThis && r+2 < len(t) && t[r+1].isPunct('.') && t[r+2].kind == tIdent {
		c.root = r + 2
	}
	return c
}

// chainStart returns the first token of the member chain ending at p (context.Request.InputStream).
func (a *analyzer) chainStart(p int) int {
	t := a.toks
	start := p
	for steps := 0; p >= 0 && steps < maxWalk; steps++ {
		if t[p].kind == tIdent {
			start = p
			if a.dot(p) && p >= 2 && (t[p-2].kind == tIdent || isCloser(&t[p-2])) {
				p -= 2
				continue
			}
			break
		}
		if isCloser(&t[p]) {
			m := a.match[p]
			if m < 0 {
				break
			}
			start = m
			if m >= 1 && (t[m-1].kind == tIdent || isCloser(&t[m-1])) {
				p = m - 1
				continue
			}
		}
		break
	}
	return start
}

// procProperty checks a write to a process's FileName or Arguments: a property sink.
func (a *analyzer) procProperty(c lhs, attrs uint16) {
	t := a.toks
	if c.last < 0 || t[c.last].kw != kwProcProp || attrs&vTaint == 0 {
		return
	}
	switch {
	case c.dotted:
		if c.startInfo || (c.root >= 0 && c.root != c.last && t[c.root].vattr&vProc != 0) || (c.leadingDot && a.withProc) {
			a.report(sProc, t[c.last].off)
		}
	case c.last >= 1 && (t[c.last-1].isPunct('{') || t[c.last-1].isPunct(',')):
		// Object initializer: new ProcessStartInfo { FileName = ..., Arguments = ... }
		if e := a.encl[c.last]; e >= 1 && t[e].isPunct('{') {
			p := e - 1
			if t[p].isPunct(')') && a.match[p] >= 1 {
				p = a.match[p] - 1
			}
			if t[p].kw == kwProcessStartInfo {
				a.report(sProc, t[c.last].off)
			}
		}
	}
}

// flowsC handles C# and JScript assignments and declarations; it returns the index of the
// declared method's name when the statement declares one.
func (a *analyzer) flowsC(term byte) int {
	t := a.toks
	n := len(t)
	for i := 0; i < n; i++ {
		x := &t[i]
		switch {
		case x.kind == tPunct && (x.op == '=' || x.op == opCompound) && i > 0:
			a.assignC(i)
		case x.kind == tIdent && x.cls&cControlType != 0 && i+1 < n && t[i+1].kind == tIdent && t[i+1].kw == kwNone:
			// protected TextBox txtCmd;
			if i+2 == n || t[i+2].isPunct(',') || t[i+2].isPunct('=') {
				a.markTok(i+1, vControl)
			}
		}
	}
	return a.methodDeclC(term)
}

func (a *analyzer) assignC(i int) {
	t := a.toks
	attrs := a.rangeAttrs(i+1, a.ns[i+1])
	k := i - 1
	if a.lang == langJS || a.lang == langUnknown {
		// JScript .NET: var x : T = ..., var x : T[] = ...
		q := k
		if q >= 1 && t[q].isPunct(']') && a.match[q] == q-1 {
			q -= 2
		}
		for steps := 0; q >= 2 && steps < maxWalk && t[q].kind == tIdent && t[q-1].isPunct('.'); steps++ {
			q -= 2
		}
		if q >= 3 && t[q].kind == tIdent && t[q-1].isPunct(':') && t[q-2].kind == tIdent && t[q-3].kw == kwVar {
			k = q - 2
		}
	}
	if k < 0 {
		return
	}
	c := a.chainBack(k)
	a.procProperty(c, attrs)
	r := c.root
	if r < 0 {
		return
	}
	if !c.dotted && r >= 1 {
		prev := &t[r-1]
		if prev.isPunct('?') && r >= 2 {
			prev = &t[r-2]
		}
		if prev.kind == tIdent && prev.cls&cScalar != 0 {
			attrs &^= vTaint // int n = ...: a number carries no command
		}
		if prev.kind == tIdent && prev.cls&cControlType != 0 {
			attrs |= vControl
		}
	}
	a.markTok(r, attrs)
}

// flowsVB splits a VB statement into clauses at Then/Else and analyses each.
func (a *analyzer) flowsVB() int {
	n := len(a.toks)
	decl := -1
	for cs := 0; cs < n; {
		e := a.ce[cs]
		if e == cs {
			cs++
			continue
		}
		if d := a.vbClause(cs, e); d >= 0 {
			decl = d
		}
		cs = e + 1
	}
	return decl
}

func (a *analyzer) vbClause(cs, ce int) int {
	t := a.toks
	j := cs
	decl := false
	if t[j].isPunct('<') {
		// Attribute list: <WebMethod()> Public Function ...
		for p, steps := j+1, 0; p < ce && steps < maxWalk; p, steps = p+1, steps+1 {
			if t[p].isPunct('>') {
				j = p + 1
				break
			}
			if isOpener(&t[p]) && a.match[p] > p {
				p = a.match[p]
			}
		}
	}
	for j < ce && t[j].kind == tIdent && t[j].cls&(cVBDecl|cVBSet) != 0 {
		if t[j].cls&cVBDecl != 0 {
			decl = true
		}
		j++
	}
	if j >= ce {
		return -1
	}
	x := &t[j]
	switch {
	case x.kw == kwSubFunc:
		return a.methodDeclVB(j, ce)
	case x.kw == kwWith && j == cs:
		a.withProc = a.has(fProc, j+1, ce)
		return -1
	case x.kw == kwEnd:
		if j+1 < ce && t[j+1].kw == kwWith {
			a.withProc = false
		}
		return -1
	case x.kind == tIdent && x.cls&cVBNoAssign != 0:
		return -1
	}
	eq := -1
	for p := j; p < ce; p++ {
		if t[p].isPunct('=') || t[p].isPunct(opCompound) {
			eq = p
			break
		}
		if isOpener(&t[p]) && a.match[p] > p {
			p = a.match[p]
		}
	}
	if decl {
		if x.kind != tIdent {
			return -1
		}
		end := ce
		if eq >= 0 {
			end = eq
		}
		var attrs uint16
		scalar := false
		for p := j + 1; p < end; p++ {
			if t[p].kw != kwAs || p+1 >= end {
				continue
			}
			q := p + 1
			if t[q].kw == kwNew {
				if eq < 0 {
					attrs |= a.rangeAttrs(q, ce) // Dim p As New Process()
				}
				q++
			}
			if q < end && t[q].cls&cScalar != 0 {
				scalar = true
			}
			if a.has(fControl, q, end) {
				attrs |= vControl
			}
			break
		}
		if eq >= 0 {
			attrs |= a.rangeAttrs(eq+1, ce)
		}
		if scalar {
			attrs &^= vTaint
		}
		a.markTok(j, attrs)
		return -1
	}
	if eq < 0 {
		return -1
	}
	attrs := a.rangeAttrs(eq+1, ce)
	c := a.chainBack(eq - 1)
	a.procProperty(c, attrs)
	if c.root >= 0 {
		a.markTok(c.root, attrs)
	}
	return -1
}

// methodDeclC recognises "T Name(params) {" and JScript "function Name(params) {".
func (a *analyzer) methodDeclC(term byte) int {
	t := a.toks
	e := len(t) - 1
	if term != '{' || e < 2 {
		return -1
	}
	if t[e].kind == tIdent && t[e-1].isPunct(':') && t[e-2].isPunct(')') {
		e -= 2 // JScript return type
	}
	if t[e].isPunct(')') {
		if m := a.match[e]; m >= 3 && (t[m-1].kw == kwBase || t[m-1].kw == kwThis) && t[m-2].isPunct(':') && t[m-3].isPunct(')') {
			e = m - 3 // constructor initializer
		}
	}
	if !t[e].isPunct(')') {
		return -1
	}
	m := a.match[e]
	if m < 2 {
		return -1
	}
	name := m - 1
	if t[name].kind != tIdent || t[name].cls&cNotMethod != 0 {
		return -1
	}
	prev := &t[name-1]
	js := prev.kw == kwSubFunc
	if !js && !(prev.kind == tIdent && prev.cls&cNotMethod == 0) && !prev.isPunct('>') && !prev.isPunct(']') && !prev.isPunct('?') {
		return -1
	}
	a.declare(name, a.paramList(m, e, js))
	return name
}

func (a *analyzer) methodDeclVB(j, ce int) int {
	t := a.toks
	if j+2 >= ce || t[j+1].kind != tIdent || !t[j+2].isPunct('(') {
		return -1
	}
	m := a.match[j+2]
	if m < 0 {
		return -1
	}
	a.declare(j+1, a.paramList(j+2, m, true))
	return j + 1
}

// paramList returns the tokens naming the parameters between brackets open and close: the last
// identifier of each (C#: "string cmd = null"), or the first one that is not a modifier (VB
// "ByVal cmd As String", JScript "cmd : String").
func (a *analyzer) paramList(open, close int, first bool) []int {
	t := a.toks
	ps := a.pbuf[:0]
	for start := open + 1; start < close && len(ps) < maxParams; {
		stop := min(a.ns[start], close)
		pick := -1
		for p := start; p < stop; p++ {
			x := &t[p]
			if x.isPunct('=') {
				break
			}
			if x.kind != tIdent || x.cls&cParamMod != 0 {
				continue
			}
			pick = p
			if first {
				break
			}
		}
		if pick >= 0 {
			ps = append(ps, pick)
		}
		if stop >= close || !t[stop].isPunct(',') {
			break
		}
		start = stop + 1
	}
	a.pbuf = ps
	return ps
}

// declare remembers a method's parameters (so that calls passing request data taint them) and
// taints them outright when the method is a [WebMethod]: its arguments come from the client.
func (a *analyzer) declare(name int, params []int) {
	key := a.name(name)
	if _, ok := a.methods[string(key)]; !ok {
		if len(a.methods) >= maxMethods {
			a.capped = true
		} else {
			names := make([]string, len(params))
			for k, p := range params {
				names[k] = string(a.name(p))
			}
			a.methods[string(key)] = names
			a.changed = true
		}
	}
	if a.stmtWeb || a.pendingWeb > 0 {
		for _, p := range params {
			a.markTok(p, vTaint)
		}
	}
}

// flowsCommon handles the flows shared by all languages: foreach / For Each, stream copies into
// a buffer, writes into an ADODB.Stream, and calls to the page's own methods.
func (a *analyzer) flowsCommon(declIdx int) {
	t := a.toks
	n := len(t)
	for i := 0; i < n; i++ {
		x := &t[i]
		if x.kind != tIdent {
			continue
		}
		switch x.kw {
		case kwIn:
			k := i - 1
			if k >= 2 && t[k].kind == tIdent && t[k-1].kw == kwAs {
				k -= 2 // For Each x As T In ...
			}
			if k >= 0 && t[k].kind == tIdent && t[k].cls&cNotMethod == 0 {
				hi := a.ns[i+1]
				if a.vb {
					hi = a.ce[i+1]
				}
				a.markTok(k, a.rangeAttrs(i+1, hi))
			}
		case kwCopyTo, kwRead:
			// context.Request.InputStream.CopyTo(ms), stream.Read(buf, ...): the buffer now
			// holds request data.
			if a.dot(i) && i >= 2 && i+2 < n && t[i+1].isPunct('(') && a.has(fSrc, a.chainStart(i-2), i-1) {
				j := i + 2
				if t[j].kind == tIdent && j+1 < n && (t[j+1].isPunct(',') || t[j+1].isPunct(')')) {
					a.markTok(j, vTaint)
					if t[j].vattr&vWriter != 0 {
						a.report(sFile, x.off)
					}
				}
			}
		case kwOutRef:
			// Decrypt(Request["x"], out plain): the callee fills plain from request data. The
			// sanitiser mask keeps int.TryParse(Request["n"], out n) clean.
			if e := a.encl[i]; e >= 1 && t[e].isPunct('(') && t[e-1].kind == tIdent && a.has(fSrc, e+1, a.match[e]) {
				j := i + 1
				if j+1 < n && t[j].kind == tIdent && t[j+1].kind == tIdent {
					j++ // out var x, out string x
				}
				if j < n && t[j].kind == tIdent {
					a.markTok(j, vTaint)
				}
			}
		case kwWrite:
			if a.dot(i) && i >= 2 && t[i-2].kind == tIdent && a.varUse(i-2) && t[i-2].vattr&vStream != 0 {
				if lo, hi, ok := a.args(i, a.vb); ok && a.has(fSrc, lo, hi) {
					a.markTok(i-2, vTaint)
				}
			}
		}
		if i != declIdx && i+1 < n && t[i+1].isPunct('(') && a.varUse(i) && len(a.methods) > 0 {
			a.callArgs(i)
		}
	}
}

// callArgs taints the parameters of a page method called with request data.
func (a *analyzer) callArgs(i int) {
	params, ok := a.methods[string(a.name(i))]
	if !ok || len(params) == 0 {
		return
	}
	t := a.toks
	m := a.match[i+1]
	if m < 0 {
		m = len(t)
	}
	for k, start := 0, i+2; k < len(params) && start < m; k++ {
		stop := min(a.ns[start], m)
		if a.has(fSrc, start, stop) {
			a.markName(params[k], vTaint)
		}
		if stop >= m || !t[stop].isPunct(',') {
			break
		}
		start = stop + 1
	}
}

// args returns the argument range of a call at name token i: the bracketed list, or (VB,
// VBScript, "eval x") the rest of the clause when the call has no parentheses.
func (a *analyzer) args(i int, noParen bool) (lo, hi int, ok bool) {
	t := a.toks
	n := len(t)
	if i+1 >= n {
		return 0, 0, false
	}
	if t[i+1].isPunct('(') {
		m := a.match[i+1]
		if m < 0 {
			m = n
		}
		return i + 2, m, true
	}
	if !noParen {
		return 0, 0, false
	}
	switch x := &t[i+1]; x.kind {
	case tIdent:
		if x.kw == kwThen || x.kw == kwElse || x.cls&cVBCont != 0 {
			return 0, 0, false
		}
	case tStr, tNum:
	default:
		return 0, 0, false
	}
	if a.vb {
		return i + 1, a.ce[i+1], true
	}
	return i + 1, a.ns[i+1], true
}

func (a *analyzer) sinkArgs(kind, i int, noParen bool) {
	if lo, hi, ok := a.args(i, noParen); ok && a.has(fSrc, lo, hi) {
		a.report(kind, a.toks[i].off)
	}
}

// scanCls reports whether a token of class cls occurs in [lo, hi), looking at most maxModeScan
// tokens.
func (a *analyzer) scanCls(lo, hi int, cls uint32) bool {
	for p := lo; p < hi && p < lo+maxModeScan; p++ {
		if a.toks[p].cls&cls != 0 {
			return true
		}
	}
	return false
}

// secondArgWrites reports whether an OpenTextFile call opens for writing: its second argument
// is 2 (ForWriting), 8 (ForAppending) or names one of them.
func (a *analyzer) secondArgWrites(lo, hi int) bool {
	t := a.toks
	if lo >= hi {
		return false
	}
	e := a.ns[lo]
	if e >= hi || !t[e].isPunct(',') {
		return false
	}
	stop := min(a.ns[e+1], hi, e+1+maxModeScan)
	for p := e + 1; p < stop; p++ {
		x := &t[p]
		if x.kind == tNum {
			v := a.page[x.a:x.b]
			if string(v) == "2" || string(v) == "8" {
				return true
			}
		}
		if x.cls&cWriteMode != 0 {
			return true
		}
	}
	return false
}

// shellRecv reports whether token r (the receiver of .Run/.Exec) is a shell object: a variable
// created from WScript.Shell, or CreateObject("WScript.Shell") itself.
func (a *analyzer) shellRecv(r int) bool {
	t := a.toks
	x := &t[r]
	if x.kind == tIdent {
		return a.varUse(r) && x.vattr&vShell != 0
	}
	if isCloser(x) {
		m := a.match[r]
		return m >= 0 && a.has(fShell, m, r)
	}
	return false
}

func (a *analyzer) evalLang() bool {
	return a.lang == langJS || a.lang == langVBS || a.lang == langUnknown
}

// sinks checks every sink call of the statement.
func (a *analyzer) sinks() {
	t := a.toks
	n := len(t)
	for i := 0; i < n; i++ {
		x := &t[i]
		if x.kind != tIdent || x.kw == kwNone {
			continue
		}
		dot := a.dot(i)
		recv := -1
		if dot && i >= 2 {
			recv = i - 2
		}
		switch x.kw {
		case kwEval:
			// eval in JScript and VBScript; in C# and VB.NET pages (and in <%# %> data
			// binding) Eval("Name") is TemplateControl.Eval, a property lookup.
			if !dot && a.evalLang() && !a.databind {
				a.sinkArgs(sEval, i, true)
			}
		case kwExecute:
			// VBScript's Execute/ExecuteGlobal statements; cmd.Execute (ADODB) has a receiver.
			if !dot && (a.lang == langVBS || a.lang == langUnknown) {
				a.sinkArgs(sEval, i, true)
			}
		case kwJScriptEvaluate:
			a.sinkArgs(sEval, i, false)
		case kwLoad:
			if recv >= 0 && (t[recv].kw == kwAssembly || t[recv].kw == kwDomain) {
				a.sinkArgs(sAsm, i, a.vb)
			}
		case kwCompile, kwCreateInstance, kwGetType, kwInvokeMember:
			if dot {
				a.sinkArgs(sAsm, i, false)
			}
		case kwInvoke:
			a.invokeSink(i, recv)
		case kwStart:
			if recv < 0 {
				break
			}
			if t[recv].kw == kwProcess {
				a.sinkArgs(sProc, i, a.vb)
			} else if t[recv].kind == tIdent && a.varUse(recv) && t[recv].vattr&(vProc|vTaint) == vProc|vTaint {
				a.report(sProc, x.off) // p.Start() on a process whose StartInfo holds request data
			}
		case kwProcessStartInfo:
			if i+1 < n && t[i+1].isPunct('(') {
				a.sinkArgs(sProc, i, false)
			}
		case kwShellCall:
			if recv >= 0 && a.shellRecv(recv) {
				a.sinkArgs(sProc, i, a.vb || a.lang == langUnknown)
			}
		case kwShell:
			// VB.NET's Shell() / Interaction.Shell().
			if a.vb && a.lang != langVBS && (!dot || (recv >= 0 && t[recv].kw == kwInteraction)) {
				a.sinkArgs(sProc, i, true)
			}
		case kwFileMethod:
			if recv < 0 || t[recv].kw != kwFile {
				break
			}
			if x.cls&cFileWrite != 0 {
				a.sinkArgs(sFile, i, a.vb)
			} else if lo, hi, ok := a.args(i, a.vb); ok && a.scanCls(lo, hi, cWriteMode) && a.has(fSrc, lo, hi) {
				a.report(sFile, x.off) // File.Open(path, FileMode.Create)
			}
		case kwFileStream:
			if i+1 < n && t[i+1].isPunct('(') {
				lo, hi, _ := a.args(i, false)
				// FileMode.Open without a write access is a read.
				if a.has(fSrc, lo, hi) && (a.scanCls(lo, hi, cWriteMode) || !a.scanCls(lo, hi, cFileOpen)) {
					a.report(sFile, x.off)
				}
			}
		case kwWriterCtor:
			if i+1 < n && t[i+1].isPunct('(') {
				a.sinkArgs(sFile, i, false)
			}
		case kwSaveAs, kwCreateTextFile, kwFsoCopy, kwDownloadFile:
			if dot {
				a.sinkArgs(sFile, i, a.vb)
			}
		case kwOpenTextFile:
			if lo, hi, ok := a.args(i, a.vb); dot && ok && a.has(fSrc, lo, hi) && a.secondArgWrites(lo, hi) {
				a.report(sFile, x.off)
			}
		case kwSaveToFile:
			if !dot {
				break
			}
			if recv >= 0 && t[recv].kind == tIdent && a.varUse(recv) && t[recv].vattr&(vStream|vTaint) == vStream|vTaint {
				a.report(sFile, x.off) // an ADODB.Stream filled with request data
			} else {
				a.sinkArgs(sFile, i, a.vb)
			}
		case kwWrite:
			if recv >= 0 && t[recv].kind == tIdent && a.varUse(recv) && t[recv].vattr&vWriter != 0 {
				a.sinkArgs(sFile, i, a.vb)
			}
		}
	}
}

// invokeSink handles MethodInfo.Invoke: a method obtained by reflection (GetMethod) invoked with
// request data loads and runs arbitrary code; when the method is JScriptEvaluate it is eval.
func (a *analyzer) invokeSink(i, recv int) {
	if recv < 0 {
		return
	}
	t := a.toks
	r := &t[recv]
	evalish, recvTaint := false, false
	switch {
	case r.kind == tIdent && a.varUse(recv) && r.vattr&(vRefl|vEval) != 0:
		evalish, recvTaint = r.vattr&vEval != 0, r.vattr&vTaint != 0
	case isCloser(r) && a.match[recv] >= 1 && t[a.match[recv]-1].kw == kwGetMethod:
		evalish = a.has(fEval, a.match[recv], recv)
	default:
		return
	}
	kind := sAsm
	if evalish {
		kind = sEval
	}
	if lo, hi, ok := a.args(i, false); recvTaint || (ok && a.has(fSrc, lo, hi)) {
		a.report(kind, t[i].off)
	}
}
