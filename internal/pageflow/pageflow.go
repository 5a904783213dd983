package pageflow

import (
	"bytes"
	"unicode/utf8"
)

// Sink kinds, the fixed vocabulary of Result.Kinds.
const (
	KindAssemblyLoad = "assembly-load" // Assembly.Load*, AppDomain.Load, CodeDom compilation, reflection on request data
	KindEval         = "eval"          // JScript eval, VBScript Eval/Execute/ExecuteGlobal, JScriptEvaluate
	KindFileWrite    = "file-write"    // File.Write*/Create/Copy/Move, FileStream, StreamWriter, SaveAs, FSO, ADODB.Stream
	KindProcessStart = "process-start" // Process.Start, ProcessStartInfo, WScript.Shell Run/Exec
)

// Sink indexes, in the sorted order of their names.
const (
	sAsm = iota
	sEval
	sFile
	sProc
	nSinks
)

var kindNames = [nSinks]string{KindAssemblyLoad, KindEval, KindFileWrite, KindProcessStart}

// Sink is the first place (in page order) where request data reaches one kind of sink.
type Sink struct {
	Kind     string // one of the Kind constants
	Line     int    // 1-based line of the sink in the page
	Evidence string // that line, trimmed, at most 200 bytes of valid UTF-8
}

// Result is the answer for one page.
type Result struct {
	// Kinds lists the sink kinds reached, sorted and de-duplicated; nil when none is.
	Kinds []string
	// Sinks holds one entry per element of Kinds, in the same order.
	Sinks []Sink
	// Incomplete says a cap was hit (tracked names, methods, statement length or passes): flows
	// may have been missed, so an empty Kinds is weaker evidence than usual.
	Incomplete bool
}

// Caps. Each keeps work linear in the page size or memory bounded whatever the input.
const (
	maxPasses      = 8    // fixed-point passes over the page
	maxVars        = 4096 // names with attributes (tainted, process object, ...)
	maxMethods     = 1024 // method declarations remembered for argument-to-parameter taint
	maxParams      = 16   // parameters per method
	maxStmtToks    = 4096 // tokens per statement; a longer one is analysed in pieces
	maxNameLen     = 256  // bytes of a normalised identifier (longer ones are truncated)
	maxFold        = 256  // bytes of a folded string concatenation
	maxWalk        = 32   // tokens walked back or forward along a member chain
	maxModeScan    = 64   // tokens scanned for a file-mode word
	maxInterpDepth = 2    // nesting of interpolated strings lexed as code
	maxEvidence    = 200  // bytes of evidence
	guessWindow    = 64 << 10
)

// Analyze reports which sinks request data reaches in one ASP.NET or classic ASP page.
func Analyze(page []byte) Result {
	a := &analyzer{page: page, vars: map[string]uint16{}, methods: map[string][]string{}}
	for k := range a.found {
		a.found[k] = -1
	}
	a.pageLang = scanDirectives(page)
	if ok, l := looksLikeSourceFile(page); ok {
		regions := 0
		a.walkRegions(func(region) { regions++ })
		if regions == 0 {
			a.wholeFile = true
			if a.pageLang == langUnknown {
				a.pageLang = l
			}
		}
	}
	a.scanControls()
	for pass := 1; ; pass++ {
		a.changed = false
		a.pendingWeb, a.withProc = 0, false
		a.walkRegions(a.lexRegion)
		if !a.changed {
			break
		}
		if pass == maxPasses {
			a.capped = true
			break
		}
	}
	return a.result()
}

// analyzer holds the state of one Analyze call. Nothing is shared between calls.
type analyzer struct {
	page      []byte
	pageLang  lang
	wholeFile bool

	vars    map[string]uint16   // name -> attributes; grows monotonically across passes
	methods map[string][]string // method name -> parameter names
	changed bool                // this pass added an attribute or a method
	capped  bool

	// Current region.
	lang     lang
	vb       bool
	databind bool

	// Current statement.
	toks  []tok
	match []int // matching bracket of each bracket token, -1 if none
	stack []int // open brackets while collecting
	arena []byte

	// Carried from statement to statement.
	pendingWeb int  // a [WebMethod] attribute is waiting for its method
	withProc   bool // inside a VB With block on a process object
	stmtWeb    bool

	// Per-statement scratch, reused.
	pre   [nFeat][]int32
	san   []int32
	ns    []int // end of the expression starting at i (next ',' ';' or unmatched closer)
	ce    []int // VB: end of the clause containing i (next Then/Else)
	encl  []int // innermost open bracket around i
	stk   []int
	fold  []byte
	pbuf  []int
	found [nSinks]int // offset of the first sink of each kind, -1 if none
}

func (a *analyzer) lexRegion(r region) {
	a.lang, a.databind = r.lang, r.databind
	switch r.lang {
	case langVB, langVBS:
		a.vb = true
	case langCS, langJS:
		a.vb = false
	default:
		a.vb = guessVB(a.page[r.lo:r.hi])
	}
	if a.vb {
		a.lexVB(r.lo, r.hi, 0)
	} else {
		a.lexC(r.lo, r.hi, 0)
	}
	a.endStmt(0)
}

// guessVB decides the family of a region whose language no directive names: classic ASP pages
// are VBScript unless they look C-like.
func guessVB(b []byte) bool {
	if len(b) > guessWindow {
		b = b[:guessWindow]
	}
	if bytes.IndexByte(b, ';') < 0 && bytes.IndexByte(b, '{') < 0 {
		return true
	}
	for _, m := range [...]string{"end if", "end sub", "end function", "\ndim ", "wend", "set server"} {
		if containsFold(b, m) {
			return true
		}
	}
	return false
}

func containsFold(b []byte, pat string) bool {
	for i := 0; i+len(pat) <= len(b); i++ {
		if lowerByte(b[i]) == pat[0] && hasPrefixFold(b[i:], pat) {
			return true
		}
	}
	return false
}

func (a *analyzer) endStmt(term byte) {
	if len(a.toks) > 0 {
		a.processStmt(term)
	}
	a.toks, a.match, a.stack, a.arena = a.toks[:0], a.match[:0], a.stack[:0], a.arena[:0]
}

func (a *analyzer) name(i int) []byte { return a.arena[a.toks[i].a:a.toks[i].b] }

// markName gives a name attributes; it reports growth through a.changed so that another pass
// runs.
func (a *analyzer) markName(name string, attrs uint16) {
	if attrs == 0 || name == "" {
		return
	}
	old, ok := a.vars[name]
	if ok && old&attrs == attrs {
		return
	}
	if !ok && len(a.vars) >= maxVars {
		a.capped = true
		return
	}
	a.vars[name] = old | attrs
	a.changed = true
}

func (a *analyzer) markTok(i int, attrs uint16) {
	x := &a.toks[i]
	if attrs == 0 || x.kind != tIdent || x.kw == kwRequest || x.kw == kwThis || x.kw == kwFramework || x.vattr&attrs == attrs {
		return
	}
	name := a.name(i)
	if len(name) == 0 {
		return
	}
	if old, ok := a.vars[string(name)]; ok && old&attrs == attrs {
		return
	}
	a.markName(string(name), attrs)
}

func (a *analyzer) report(kind int, off int) {
	if a.found[kind] < 0 || off < a.found[kind] {
		a.found[kind] = off
	}
}

func (a *analyzer) result() Result {
	var r Result
	for k := 0; k < nSinks; k++ {
		if a.found[k] < 0 {
			continue
		}
		line, ev := evidence(a.page, a.found[k])
		r.Kinds = append(r.Kinds, kindNames[k])
		r.Sinks = append(r.Sinks, Sink{Kind: kindNames[k], Line: line, Evidence: ev})
	}
	r.Incomplete = a.capped
	return r
}

// evidence returns the 1-based line number of off and its line, trimmed; a long line is cut to
// a window starting a little before off.
func evidence(s []byte, off int) (int, string) {
	line := 1 + bytes.Count(s[:off], []byte{'\n'})
	ls := bytes.LastIndexByte(s[:off], '\n') + 1
	le := len(s)
	if k := bytes.IndexByte(s[off:], '\n'); k >= 0 {
		le = off + k
	}
	for ls < off && (isSpace(s[ls]) || s[ls] == '\v') {
		ls++
	}
	for le > off && (isSpace(s[le-1]) || s[le-1] == '\v') {
		le--
	}
	if le-ls > maxEvidence && off-ls > maxEvidence/4 {
		ls = off - maxEvidence/4
		for ls < off && !utf8.RuneStart(s[ls]) {
			ls++
		}
	}
	return line, cleanText(s[ls:le], maxEvidence)
}

// cleanText makes evidence printable: valid UTF-8, control characters as spaces, at most max
// bytes.
func cleanText(b []byte, max int) string {
	out := make([]byte, 0, min(len(b), max))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		switch {
		case r == utf8.RuneError && n <= 1:
			r = '?'
		case r < 0x20 || r == 0x7f:
			r = ' '
		}
		if len(out)+utf8.RuneLen(r) > max {
			break
		}
		out = utf8.AppendRune(out, r)
	}
	return string(bytes.TrimSpace(out))
}
