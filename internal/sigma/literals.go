package sigma

import (
	"regexp/syntax"
	"unicode"
	"unicode/utf8"
)

// Literal sets: a set S is "required" by a node when every record the node matches holds one of
// S's strings (ASCII case-insensitively) in one of its values. AND may pick any child's set (the
// best); OR needs the union of all children's; NOT and value-free tests give none.

// better reports whether set a is a better prefilter than b: its shortest literal is longer
// (fewer chance hits), then it has fewer literals.
func better(a, b []string) bool {
	ma, mb := minLen(a), minLen(b)
	if ma != mb {
		return ma > mb
	}
	return len(a) < len(b)
}

func minLen(s []string) int {
	m := -1
	for _, x := range s {
		if m < 0 || len(x) < m {
			m = len(x)
		}
	}
	return m
}

// usable reports whether a literal set can be promised: non-empty, no empty string (which
// would say nothing).
func usable(s []string) bool {
	if len(s) == 0 || len(s) > maxLiterals {
		return false
	}
	for _, x := range s {
		if x == "" {
			return false
		}
	}
	return true
}

func bestOf(sets [][]string) ([]string, bool) {
	var best []string
	found := false
	for _, s := range sets {
		if usable(s) && (!found || better(s, best)) {
			best, found = s, true
		}
	}
	return best, found
}

func unionOf(sets [][]string) ([]string, bool) {
	var out []string
	for _, s := range sets {
		if !usable(s) {
			return nil, false
		}
		out = append(out, s...)
		if len(out) > maxLiterals {
			return nil, false
		}
	}
	return out, len(out) > 0
}

func (n andNode) lits() ([]string, bool) {
	var sets [][]string
	for _, c := range n {
		if l, ok := c.lits(); ok {
			sets = append(sets, l)
		}
	}
	return bestOf(sets)
}

func (n orNode) lits() ([]string, bool) {
	var sets [][]string
	for _, c := range n {
		l, ok := c.lits()
		if !ok {
			return nil, false
		}
		sets = append(sets, l)
	}
	return unionOf(sets)
}

func (notNode) lits() ([]string, bool) { return nil, false }

func (s *search) lits() ([]string, bool) {
	if s.keyword != nil {
		return s.keyword.lits()
	}
	var sets [][]string
	for _, m := range s.maps {
		var inner [][]string
		for _, f := range m {
			if l, ok := f.lits(); ok {
				inner = append(inner, l)
			}
		}
		l, ok := bestOf(inner)
		if !ok {
			return nil, false
		}
		sets = append(sets, l)
	}
	return unionOf(sets)
}

func (f *fieldMatch) lits() ([]string, bool) {
	var sets [][]string
	for _, v := range f.vals {
		l, ok := v.lits(f.splitQ)
		if !ok {
			if !f.all {
				return nil, false
			}
			continue
		}
		sets = append(sets, l)
	}
	if f.all {
		return bestOf(sets)
	}
	return unionOf(sets)
}

func (m *strMatcher) lits(splitQ bool) ([]string, bool) {
	var sets [][]string
	for _, sv := range m.svs {
		l, ok := svalLits(sv, splitQ)
		if !ok {
			return nil, false
		}
		sets = append(sets, l)
	}
	return unionOf(sets)
}

// maxRunVariants bounds the strings a run with windash dashes expands into.
const maxRunVariants = 32

// svalLits returns the best literal set of a value: the fixed runs between wildcards, cut at
// non-ASCII bytes (case folding of non-ASCII text is not ASCII folding) and, for composite web
// fields, at '?'. A windash dash inside a run stands for its five spellings.
func svalLits(v sval, splitQ bool) ([]string, bool) {
	var candidates [][]string
	cur := []string{""}
	flush := func() {
		if usable(cur) {
			candidates = append(candidates, cur)
		}
		cur = []string{""}
	}
	for _, p := range v {
		switch p.k {
		case spStar, spOne:
			flush()
		case spDash:
			if len(cur)*len(dashes) > maxRunVariants {
				flush()
			}
			var next []string
			for _, c := range cur {
				for _, d := range dashes {
					next = append(next, c+string(d))
				}
			}
			cur = next
		case spLit:
			s := p.s
			start := 0
			for i := 0; i <= len(s); i++ {
				if i < len(s) && s[i] < utf8.RuneSelf && !(splitQ && s[i] == '?') {
					continue
				}
				// s[start:i] is a fixed ASCII piece; s[i] (if any) breaks the run.
				piece := lowerString(s[start:i])
				for j := range cur {
					cur[j] += piece
				}
				if i < len(s) {
					flush()
				}
				start = i + 1
			}
		}
	}
	flush()
	return bestOf(candidates)
}

func lowerString(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return foldASCII(s)
		}
	}
	return s
}

func (m *reMatcher) lits(splitQ bool) ([]string, bool) {
	info := regexInfo(m.parsed.Simplify(), 0)
	var sets [][]string
	if info.exact != nil {
		sets = append(sets, info.exact)
	}
	if info.req != nil {
		sets = append(sets, info.req)
	}
	best, ok := bestOf(sets)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(best))
	for _, s := range best {
		if splitQ && containsByte(s, '?') {
			return nil, false
		}
		out = append(out, lowerString(s))
	}
	return out, true
}

func containsByte(s string, b byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return true
		}
	}
	return false
}

// reInfo describes a regex node: exact is every string it can match (nil when unknown or too
// many); req is a set one of which occurs in every match (nil when unknown).
type reInfo struct {
	exact []string
	req   []string
}

const maxRegexExpansion = 64

// asciiFoldSafe reports whether a rune under case folding matches only ASCII runes, so an ASCII
// case-insensitive search finds every spelling (k is not: the Kelvin sign folds to it).
func asciiFoldSafe(r rune) bool {
	if r >= utf8.RuneSelf {
		return false
	}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func regexInfo(re *syntax.Regexp, depth int) reInfo {
	if depth > 200 {
		return reInfo{}
	}
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return reInfo{exact: []string{""}}
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase == 0 {
			return reInfo{exact: []string{string(re.Rune)}}
		}
		// Case-folded: only runes whose every case variant is ASCII are safe to search for.
		var best, run []rune
		safe := true
		for _, r := range re.Rune {
			if asciiFoldSafe(r) {
				run = append(run, r)
				continue
			}
			safe = false
			if len(run) > len(best) {
				best = run
			}
			run = nil
		}
		if safe {
			return reInfo{exact: []string{string(re.Rune)}}
		}
		if len(run) > len(best) {
			best = run
		}
		if len(best) == 0 {
			return reInfo{}
		}
		return reInfo{req: []string{string(best)}}
	case syntax.OpCharClass:
		// The parser already expanded case folding into the class's ranges.
		var out []string
		seen := map[string]bool{}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] > 16 {
				return reInfo{}
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				s := lowerString(string(r))
				if !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
				if len(out) > 8 {
					return reInfo{}
				}
			}
		}
		if len(out) == 0 {
			return reInfo{}
		}
		return reInfo{exact: out}
	case syntax.OpCapture:
		return regexInfo(re.Sub[0], depth+1)
	case syntax.OpPlus:
		return reInfo{req: required(regexInfo(re.Sub[0], depth+1))}
	case syntax.OpQuest:
		sub := regexInfo(re.Sub[0], depth+1)
		if sub.exact != nil && len(sub.exact) < maxRegexExpansion {
			return reInfo{exact: append([]string{""}, sub.exact...)}
		}
		return reInfo{}
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return reInfo{req: required(regexInfo(re.Sub[0], depth+1))}
		}
		return reInfo{}
	case syntax.OpConcat:
		cur := []string{""}
		allExact := true
		var candidates [][]string
		for _, sub := range re.Sub {
			si := regexInfo(sub, depth+1)
			if si.exact != nil && len(cur)*len(si.exact) <= maxRegexExpansion {
				var next []string
				for _, a := range cur {
					for _, b := range si.exact {
						next = append(next, a+b)
					}
				}
				cur = next
				continue
			}
			allExact = false
			candidates = append(candidates, cur)
			if si.exact != nil {
				cur = si.exact
				continue
			}
			cur = []string{""}
			if si.req != nil {
				candidates = append(candidates, si.req)
			}
		}
		if allExact {
			return reInfo{exact: cur}
		}
		candidates = append(candidates, cur)
		best, _ := bestOf(candidates)
		return reInfo{req: best}
	case syntax.OpAlternate:
		var exact []string
		allExact := true
		var reqs [][]string
		for _, sub := range re.Sub {
			si := regexInfo(sub, depth+1)
			if si.exact != nil {
				exact = append(exact, si.exact...)
			} else {
				allExact = false
			}
			r := required(si)
			reqs = append(reqs, r)
		}
		if allExact && len(exact) <= maxRegexExpansion {
			return reInfo{exact: exact}
		}
		u, ok := unionOf(reqs)
		if !ok {
			return reInfo{}
		}
		return reInfo{req: u}
	}
	return reInfo{}
}

// required is the best set a node guarantees (its exact strings or its required set).
func required(i reInfo) []string {
	var sets [][]string
	if i.exact != nil {
		sets = append(sets, i.exact)
	}
	if i.req != nil {
		sets = append(sets, i.req)
	}
	b, _ := bestOf(sets)
	return b
}
