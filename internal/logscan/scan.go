package logscan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/textsearch"
)

// DefaultChunk is the read size, and so the longest line read whole. No real request row comes
// near it: IIS refuses URLs over 16 KiB by default.
const DefaultChunk = 1 << 20

// Record is one row of a log, valid only during the callback that receives it.
type Record struct {
	Path   string
	Line   int64 // 1-based line number in the file
	Offset int64 // byte offset of the row
	Raw    []byte
	Header *Header
	Values []string
	// Derived holds the fields a source computes from the row. It is empty and owned by the
	// scanner when the callback gets the record; sources add to it.
	Derived map[string]string
}

// Field returns a column or derived value by lower-case name; "raw" is the whole line.
// Derived fields and "raw" come first: a hostile #Fields line naming a column "raw" or "stem"
// must not be able to blind the rules that read them.
func (r *Record) Field(lower string) (string, bool) {
	if v, ok := r.Derived[lower]; ok {
		return v, true
	}
	if lower == "raw" {
		return string(r.Raw), true
	}
	if i, ok := r.Header.Index(lower); ok {
		if i < len(r.Values) {
			return r.Values[i], true
		}
		return "", true
	}
	return "", false
}

// Get is Field without the presence flag, for sources that know their columns.
func (r *Record) Get(lower string) string {
	v, _ := r.Field(lower)
	return v
}

// Options configure one scan.
type Options struct {
	Dialect Dialect
	// Prefilter selects candidate rows; nil passes every row.
	Prefilter *Prefilter
	// DefaultHeader is assumed (and reported) when rows come before any #Fields line.
	DefaultHeader *Header
	// Time reads a row's time, for the visibility window.
	Time func(*Record) (time.Time, bool)
	// Progress, when set, is told how many bytes were consumed, chunk by chunk.
	Progress func(n int64)
	// ChunkSize overrides DefaultChunk (tests use small chunks to exercise boundaries).
	ChunkSize int
	// Buffer, when at least ChunkSize long, is used for reading instead of a new one: a worker
	// reading thousands of small files reuses one buffer.
	Buffer []byte
	// Headers, when set, remembers parsed #Fields lines across files (thousands of files share
	// a few headers). It is not safe for concurrent use: one per worker.
	Headers *HeaderCache
}

// HeaderCache maps the text of a #Fields line to its parsed header.
type HeaderCache struct {
	m map[string]*Header
}

func (c *HeaderCache) parse(line []byte, d Dialect) *Header {
	if c == nil {
		return parseFieldsDirective(line, d)
	}
	if h, ok := c.m[string(line)]; ok {
		return h
	}
	h := parseFieldsDirective(line, d)
	// Real headers are short and few; a hostile file's huge or endless headers are parsed but
	// not kept, so the cache stays a few hundred KB.
	if len(line) <= 8<<10 {
		if c.m == nil || len(c.m) >= 64 {
			c.m = map[string]*Header{}
		}
		c.m[string(line)] = h
	}
	return h
}

// Result summarises one file.
type Result struct {
	Bytes       int64
	Lines       int64
	Candidates  int64
	First, Last time.Time
	Problems    []finding.Problem
}

// Scan reads r to the end (or until ctx is done) and calls fn for every candidate row, with the
// indices of the prefilter groups (rules) that may match it; which is nil when all may.
func Scan(ctx context.Context, r io.Reader, path string, opt Options, fn func(rec *Record, which []int)) Result {
	chunk := opt.ChunkSize
	if chunk <= 0 {
		chunk = DefaultChunk
	}
	s := &scanner{opt: opt, path: path, fn: fn, header: nil, lineNo: 1}
	buf := opt.Buffer
	if len(buf) < chunk {
		buf = make([]byte, chunk)
	}
	buf = buf[:chunk]
	carry := 0
	skipping := false // inside an over-long line, discarding to its end
	for {
		if err := ctx.Err(); err != nil {
			s.problem(0, s.offset, "cancelled", "scan stopped before the end of the file: "+err.Error())
			break
		}
		n, err := io.ReadFull(r, buf[carry:])
		data := buf[:carry+n]
		eof := false
		if err != nil {
			eof = true
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				s.problem(s.lineNo, s.offset+int64(len(data)), "read-error", err.Error())
			}
		}
		if opt.Progress != nil && n > 0 {
			opt.Progress(int64(n))
		}
		if skipping {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				s.offset += int64(len(data))
				carry = 0
				if eof {
					s.lastPartial = true // the long line was the last, without a newline
					break
				}
				continue
			}
			s.offset += int64(i + 1)
			s.lineNo++
			data = data[i+1:]
			skipping = false
		}
		end := len(data)
		if !eof {
			end = bytes.LastIndexByte(data, '\n') + 1
			if end == 0 && len(data) == len(buf) {
				// A full buffer without a newline: a line longer than we read whole. (What is
				// left after the end of a skipped long line may lack a newline too: it is only
				// the start of the next line, carried like any other.)
				s.problem(s.lineNo, s.offset, "long-line", fmt.Sprintf("line is longer than %d bytes: only its first %d bytes were checked", chunk, chunk))
				s.chunk(data, false)
				s.offset += int64(len(data))
				carry = 0
				skipping = true
				continue
			}
		}
		s.chunk(data[:end], eof)
		s.offset += int64(end)
		carry = copy(buf, data[end:])
		if eof {
			break
		}
	}
	s.res.Bytes = s.offset
	s.res.Lines = s.lineNo - 1
	if s.lastPartial {
		s.res.Lines++
	}
	return s.res
}

type scanner struct {
	opt    Options
	path   string
	fn     func(*Record, []int)
	res    Result
	header *Header
	offset int64 // file offset of the chunk being processed
	lineNo int64 // line number of the chunk's first byte

	rec         Record
	vals        []string
	derived     map[string]string // reused row to row: sources fill it in Derive
	which       []int
	pats        []int
	firstDone   int // data rows tried for the first time
	noHeader    bool
	badQuote    bool
	badUTF8     bool
	nulSeen     bool
	lastPartial bool
}

func (s *scanner) problem(line, off int64, kind, msg string) {
	s.res.Problems = append(s.res.Problems, finding.Problem{Path: s.path, Line: line, Offset: off, Kind: kind, Message: msg})
}

// chunk processes whole lines (the last may lack its newline at EOF or when truncated).
func (s *scanner) chunk(data []byte, final bool) {
	if len(data) == 0 {
		return
	}
	if !s.nulSeen {
		if i := bytes.IndexByte(data, 0); i >= 0 {
			s.nulSeen = true
			s.problem(0, s.offset+int64(i), "binary", "NUL bytes in a text log (a damaged or pre-allocated file, or planted data); rows around them are still read")
		}
	}
	counted := 0       // position up to which newlines were counted into lineNo
	lineAt := s.lineNo // line number at `counted`
	lineOf := func(pos int) int64 {
		lineAt += int64(bytes.Count(data[counted:pos], []byte{'\n'}))
		counted = pos
		return lineAt
	}
	pf := s.opt.Prefilter
	if pf.Disabled() {
		pf = nil
	}
	pos := 0
	hit, pct, dir, plus := -2, -2, -2, -2 // cached next positions; -2 = not computed, -1 = none
	fold := -2                            // next rune that folds onto an ASCII letter
	for pos < len(data) {
		at := pos
		if pf != nil && !s.wantForWindow() {
			if hit != -1 && hit < pos {
				hit, _ = pf.m.Find(data, pos)
			}
			if s.opt.Dialect.URLEncoded && pct != -1 && pct < pos {
				pct = pf.nextPercent(data, pos, &plus)
			}
			if dir != -1 && dir < pos {
				dir = nextDirective(data, pos)
			}
			if fold != -1 && fold < pos {
				fold = nextFoldRune(data, pos)
			}
			// The next row worth reading: a literal, a telling escape, or a directive line
			// (a new #Fields header must be seen even when no row near it is a candidate).
			at = minPos(minPos(minPos(hit, pct), dir), fold)
			if at < 0 {
				break
			}
		}
		ls := bytes.LastIndexByte(data[:at], '\n') + 1
		le := bytes.IndexByte(data[at:], '\n')
		if le < 0 {
			le = len(data)
		} else {
			le += at
		}
		line := data[ls:le]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		pos = le + 1
		if len(line) == 0 {
			continue
		}
		if line[0] == '#' {
			if bytes.HasPrefix(line, []byte("#Fields:")) {
				s.header = s.opt.Headers.parse(line, s.opt.Dialect)
			}
			continue
		}
		which, all := s.candidateRules(pf, data, ls, le)
		if !all && len(which) == 0 && !s.wantForWindow() {
			continue
		}
		s.row(line, lineOf(ls), s.offset+int64(ls), which, all)
	}
	if final && len(data) > 0 && data[len(data)-1] != '\n' {
		s.lastPartial = true
	}
	lineOf(len(data))
	s.lineNo = lineAt
	s.windowFromLastRow(data)
}

func (s *scanner) wantForWindow() bool { return s.firstDone < 64 && s.res.First.IsZero() }

// candidateRules returns the rules whose literals occur in the line, or all=true.
func (s *scanner) candidateRules(pf *Prefilter, data []byte, ls, le int) (which []int, all bool) {
	if pf == nil {
		return nil, true
	}
	line := data[:le]
	if plus := -2; s.opt.Dialect.URLEncoded && pf.nextPercent(line, ls, &plus) >= 0 {
		return nil, true
	}
	if nextFoldRune(line, ls) >= 0 {
		return nil, true
	}
	s.pats = s.pats[:0]
	for from := ls; ; {
		st, _ := pf.m.Find(line, from)
		if st < 0 {
			break
		}
		s.pats = pf.m.AllAt(line, st, s.pats)
		from = st + 1
	}
	s.which = s.which[:0]
	for _, p := range s.pats {
		for _, g := range pf.patGroups[p] {
			if !slices.Contains(s.which, g) {
				s.which = append(s.which, g)
			}
		}
	}
	return s.which, false
}

func (s *scanner) row(line []byte, lineNo, off int64, which []int, all bool) {
	h := s.header
	if h == nil {
		if s.opt.DefaultHeader != nil {
			h = s.opt.DefaultHeader
		}
		if !s.noHeader {
			s.noHeader = true
			msg := "rows before any #Fields line: only the raw line can be matched"
			if h != nil {
				msg = "rows before any #Fields line: assumed the default columns"
			}
			s.problem(lineNo, off, "no-header", msg)
		}
	}
	var ok bool
	s.vals, ok = SplitFields(line, s.opt.Dialect, s.vals)
	if !ok && !s.badQuote {
		s.badQuote = true
		s.problem(lineNo, off, "bad-quoting", "a quoted field is not closed: the rest of the line was taken as its value (first such line)")
	}
	if s.derived == nil {
		s.derived = make(map[string]string, 8)
	}
	clear(s.derived)
	s.rec = Record{Path: s.path, Line: lineNo, Offset: off, Raw: line, Header: h, Values: s.vals, Derived: s.derived}
	if s.opt.Time != nil && s.res.First.IsZero() {
		s.firstDone++
		if t, ok := s.opt.Time(&s.rec); ok {
			s.noteTime(t)
		}
	}
	if !all && len(which) == 0 {
		return // read only for the window
	}
	s.res.Candidates++
	if !s.badUTF8 && !utf8.Valid(line) {
		s.badUTF8 = true
		s.problem(lineNo, off, "encoding", "invalid UTF-8 in a row: evidence shows such bytes as \\xNN (first such row)")
	}
	if all {
		which = nil
	}
	s.fn(&s.rec, which)
}

func (s *scanner) noteTime(t time.Time) {
	if s.res.First.IsZero() || t.Before(s.res.First) {
		s.res.First = t
	}
	if t.After(s.res.Last) {
		s.res.Last = t
	}
}

// windowFromLastRow reads the time of the chunk's last data row: files are written in time
// order, so first and last rows bound the window without parsing the rows between.
func (s *scanner) windowFromLastRow(data []byte) {
	if s.opt.Time == nil {
		return
	}
	end := len(data)
	for tries := 0; end > 0 && tries < 8; tries++ {
		for end > 0 && (data[end-1] == '\n' || data[end-1] == '\r') {
			end--
		}
		ls := bytes.LastIndexByte(data[:end], '\n') + 1
		line := data[ls:end]
		end = ls
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		h := s.header
		if h == nil {
			h = s.opt.DefaultHeader
		}
		vals, _ := SplitFields(line, s.opt.Dialect, nil)
		rec := Record{Path: s.path, Raw: line, Header: h, Values: vals}
		if t, ok := s.opt.Time(&rec); ok {
			s.noteTime(t)
			return
		}
	}
}

// foldRunes are the runes Go's case-insensitive comparisons (regexp's (?i), strings.EqualFold,
// strings.ToLower), and so the rules, take for an ASCII letter: ſ for s, the Kelvin sign for k,
// İ for i. The literal search folds ASCII only, so a row holding one is parsed whatever the search
// said, as a row with a telling percent-escape is.
var foldRunes = [...][]byte{[]byte("\u017f"), []byte("\u212a"), []byte("\u0130")}

func nextFoldRune(data []byte, pos int) int {
	next := -1
	for _, r := range foldRunes {
		if i := bytes.Index(data[pos:], r); i >= 0 && (next < 0 || pos+i < next) {
			next = pos + i
		}
	}
	return next
}

func nextDirective(data []byte, pos int) int {
	for pos < len(data) {
		i := bytes.IndexByte(data[pos:], '#')
		if i < 0 {
			return -1
		}
		i += pos
		if i == 0 || data[i-1] == '\n' {
			return i
		}
		pos = i + 1
	}
	return -1
}

func minPos(a, b int) int {
	switch {
	case a < 0:
		return b
	case b < 0:
		return a
	}
	return min(a, b)
}

// Prefilter selects the rows worth parsing: those holding a literal of some rule (group).
type Prefilter struct {
	m         *textsearch.Matcher
	patGroups [][]int // pattern -> groups (rules) it stands for
	always    bool    // some group has no literals: every row is a candidate
	pctBytes  [256]bool
	// mixedSpaces: some literal holds two spaces or more, so one value can spell them "+" and
	// "%20" in turn ("net+user%20/add"), which no single variant covers: every %20 is a reason
	// to parse the row.
	mixedSpaces bool
}

// NewPrefilter builds a prefilter from per-group literal sets; a nil set means the group can
// match rows without any literal, which turns the prefilter off.
func NewPrefilter(groups [][]string, d Dialect) *Prefilter {
	pf := &Prefilter{}
	index := map[string]int{}
	var pats []string
	add := func(p string, g int) {
		i, ok := index[p]
		if !ok {
			i = len(pats)
			index[p] = i
			pats = append(pats, p)
			pf.patGroups = append(pf.patGroups, nil)
		}
		if !slices.Contains(pf.patGroups[i], g) {
			pf.patGroups[i] = append(pf.patGroups[i], g)
		}
	}
	for g, atoms := range groups {
		if atoms == nil {
			pf.always = true
			continue
		}
		for _, a := range atoms {
			add(a, g)
			if d.Quoted && strings.Contains(a, `"`) {
				add(strings.ReplaceAll(a, `"`, `""`), g) // inside a quoted CSV value
			}
			if d.URLEncoded {
				// A path written with backslashes, both kinds of slash mixed, or %5C: sources
				// read '\\' as '/'.
				for _, v := range slashForms(a) {
					add(v, g)
					pf.pctBytes['\\'] = true
				}
				if bytes.IndexByte([]byte(a), ' ') >= 0 {
					add(string(bytes.ReplaceAll([]byte(a), []byte(" "), []byte("+"))), g)
					add(string(bytes.ReplaceAll([]byte(a), []byte(" "), []byte("%20"))), g)
				}
				if strings.Count(a, " ") >= 2 {
					pf.mixedSpaces = true
				}
				for i := 0; i < len(a); i++ {
					pf.pctBytes[lower(a[i])] = true
				}
			}
		}
	}
	pf.pctBytes[' '] = false // '+' and %20 variants are searched directly
	if d.URLEncoded {
		for _, r := range foldRunes {
			pf.pctBytes[r[0]] = true // an escaped ſ, K or İ
		}
	}
	if len(pats) == 0 && !pf.always {
		pf.always = true
	}
	if !pf.always {
		pf.m = textsearch.New(pats)
		if pf.m == nil {
			pf.always = true
		}
	}
	return pf
}

// slashForms lists the other spellings of a literal holding '/', for sources that read '\' as
// '/' ("/owa/auth\x.aspx" is "/owa/auth/x.aspx"): every mix of the two slashes, or when there are
// too many, the longest part without a slash (shorter than 2 bytes, it turns the prefilter off).
func slashForms(a string) []string {
	n := strings.Count(a, "/")
	if n == 0 {
		return nil
	}
	if n > 4 {
		longest := ""
		for _, part := range strings.Split(a, "/") {
			if len(part) > len(longest) {
				longest = part
			}
		}
		return []string{longest}
	}
	var out []string
	for mask := 1; mask < 1<<n; mask++ {
		b := []byte(a)
		k := 0
		for i, c := range b {
			if c == '/' {
				if mask>>k&1 == 1 {
					b[i] = '\\'
				}
				k++
			}
		}
		out = append(out, string(b))
	}
	return out
}

// Disabled reports whether every row must be parsed.
func (pf *Prefilter) Disabled() bool { return pf == nil || pf.always }

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// nextPercent finds the next encoding that could hide a literal: a %XX escape whose byte occurs
// in some literal, or a run of encoded spaces ("++", "%20%20", "%09": sources collapse runs of
// whitespace, so "net++user" must reach the rule for "net user"). Such a row is parsed and
// decoded whatever the literal search said. plus caches the next "++" across calls (-2: not yet
// searched), so a chunk without one is searched once, not once per call.
func (pf *Prefilter) nextPercent(data []byte, pos int, plus *int) int {
	if *plus != -1 && *plus < pos {
		*plus = bytes.Index(data[pos:], []byte("++"))
		if *plus >= 0 {
			*plus += pos
		}
	}
	for pos < len(data) {
		i := bytes.IndexByte(data[pos:], '%')
		if i < 0 {
			return *plus
		}
		i += pos
		if *plus >= 0 && *plus < i {
			return *plus
		}
		if i+5 < len(data) && (data[i+1] == 'u' || data[i+1] == 'U') && isHex4(data[i+2:i+6]) {
			return i // %uXXXX: ASP.NET decodes it in query strings
		}
		if i+2 < len(data) {
			hi, ok1 := unhex(data[i+1])
			lo, ok2 := unhex(data[i+2])
			if ok1 && ok2 {
				c := lower(hi<<4 | lo)
				if pf.pctBytes[c] || isSpace(c) || c == ' ' && pf.mixedSpaces {
					return i
				}
				// %20 next to another encoded space: a run of spaces.
				if c == ' ' && (i > 0 && data[i-1] == '+' || i+3 < len(data) && (data[i+3] == '+' || data[i+3] == '%')) {
					return i
				}
			}
		}
		pos = i + 1
	}
	return -1
}

func isHex4(b []byte) bool {
	for _, c := range b[:4] {
		if _, ok := unhex(c); !ok {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool { return c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' }
