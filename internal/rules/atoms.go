package rules

import (
	"fmt"
	"regexp/syntax"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MinAtomLen is the shortest literal worth pre-selecting lines with; shorter ones match too much.
const MinAtomLen = 3

// Atoms returns lower-case literals of which at least one appears in the raw text of any record
// the rule can match, or nil when the rule could match a line holding none of them (then every
// line must be parsed for it). The scanner uses them to skip lines without parsing them.
func (r *Rule) Atoms(s Schema) []string {
	a := r.Condition.atoms(s, r.Source)
	if a == nil {
		return nil
	}
	return dedupe(a)
}

func (c allCond) atoms(s Schema, kind string) []string {
	var best []string
	for _, x := range c {
		a := x.atoms(s, kind)
		if a != nil && (best == nil || better(a, best)) {
			best = a
		}
	}
	return best
}

func (c anyCond) atoms(s Schema, kind string) []string {
	var out []string
	for _, x := range c {
		a := x.atoms(s, kind)
		if a == nil {
			return nil
		}
		out = append(out, a...)
	}
	return out
}

func (c notCond) atoms(Schema, string) []string { return nil }

func (l *leaf) atoms(s Schema, kind string) []string {
	f, ok := s.field(kind, l.field)
	if !ok || !f.Literal {
		return nil
	}
	var out []string
	switch l.op {
	case opEquals, opPrefix, opSuffix, opContains:
		out = append(out, l.values...)
	case opGlob, opRegex:
		out = requiredLiterals(l.op, l.src)
		if out == nil {
			return nil
		}
	case opCIDR:
		for _, n := range l.nets {
			// A single IPv4 address is written one way in logs; IPv6 has several spellings
			// (zeros, case, mapped forms), and a network matches many strings.
			if !n.IsSingleIP() || !n.Addr().Is4() {
				return nil
			}
			a4 := n.Addr().As4()
			// The dotted form, and the hex spelling of its IPv4-mapped IPv6 form.
			out = append(out, n.Addr().String(), fmt.Sprintf("::ffff:%x:%x", uint16(a4[0])<<8|uint16(a4[1]), uint16(a4[2])<<8|uint16(a4[3])))
		}
	default:
		return nil
	}
	for i, a := range out {
		out[i] = searchablePart(a)
		if len(out[i]) < MinAtomLen {
			return nil
		}
	}
	return out
}

// searchablePart cuts an atom to its longest part a prefilter that folds ASCII case only can
// find as written. A non-ASCII letter with other cases (é, É) may be written in any of them, and
// in a regex U+FFFD stands for any invalid byte, so neither can be searched. (The ASCII letters
// Unicode folds with non-ASCII runes, s ſ, k K, i İ, stay: the scanner parses every row that
// holds ſ, K or İ.)
func searchablePart(a string) string {
	best, start := "", 0
	for i := 0; i < len(a); {
		r, size := utf8.DecodeRuneInString(a[i:])
		if r >= utf8.RuneSelf && (r == utf8.RuneError || unicode.SimpleFold(r) != r || unicode.ToLower(r) != r || unicode.ToUpper(r) != r) {
			if i-start > len(best) {
				best = a[start:i]
			}
			start = i + size
		}
		i += size
	}
	if len(a)-start > len(best) {
		best = a[start:]
	}
	return best
}

// better prefers the atom set whose shortest member is longest (fewer chance hits), then the
// smaller set.
func better(a, b []string) bool {
	ma, mb := minLen(a), minLen(b)
	if ma != mb {
		return ma > mb
	}
	return len(a) < len(b)
}

func minLen(a []string) int {
	m := -1
	for _, s := range a {
		if m < 0 || len(s) < m {
			m = len(s)
		}
	}
	return m
}

// requiredLiterals returns, for a list of globs or regexes, literals one of which every match
// contains; nil when some expression has none (then the expression always runs).
func requiredLiterals(op opKind, values []string) []string {
	var out []string
	for _, v := range values {
		switch op {
		case opGlob:
			lit := longestGlobLiteral(v)
			if lit == "" {
				return nil
			}
			out = append(out, lit)
		case opRegex:
			re, err := syntax.Parse("(?i)"+v, syntax.Perl)
			if err != nil {
				return nil
			}
			a := regexAtoms(re.Simplify())
			if a == nil {
				return nil
			}
			out = append(out, a...)
		}
	}
	return out
}

func longestGlobLiteral(g string) string {
	best := ""
	for _, part := range strings.FieldsFunc(g, func(r rune) bool { return r == '*' || r == '?' }) {
		if len(part) > len(best) {
			best = part
		}
	}
	return strings.ToLower(best)
}

// maxExpansion bounds the strings a regex fragment is expanded into.
const maxExpansion = 64

// regexAtoms finds literals required by a regular expression: one of the returned strings must
// occur in any text the expression matches. nil means none is known.
func regexAtoms(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return regexAtoms(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return regexAtoms(re.Sub[0])
		}
		return nil
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			a := regexAtoms(sub)
			if a == nil || minLen(a) < MinAtomLen {
				return nil
			}
			out = append(out, a...)
		}
		return out
	case syntax.OpLiteral, syntax.OpCharClass, syntax.OpQuest, syntax.OpConcat:
		return concatAtoms(re)
	}
	return nil
}

// concatAtoms expands runs of a concatenation into the exact strings they can spell (literals,
// optional parts, small alternations and classes), and returns the best run's strings, or the
// best required set of a child that cannot be expanded.
func concatAtoms(re *syntax.Regexp) []string {
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	var best []string
	consider := func(a []string) {
		if a != nil && minLen(a) >= MinAtomLen && (best == nil || better(a, best)) {
			best = a
		}
	}
	run := []string{""}
	flush := func() {
		if len(run) > 0 && !(len(run) == 1 && run[0] == "") {
			consider(dedupe(run))
		}
		run = []string{""}
	}
	for _, sub := range subs {
		switch sub.Op {
		case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
			syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpEmptyMatch:
			continue // zero width: the run goes on
		case syntax.OpPlus:
			// At least one copy is certain, and the last copy touches what follows: "net +user"
			// gives both "net " and " user".
			if e := expand(sub.Sub[0]); e != nil && cross(&run, e) {
				flush()
				run = append([]string(nil), e...)
				continue
			}
		default:
			if e := expand(sub); e != nil && cross(&run, e) {
				continue
			}
		}
		flush()
		if sub != re { // a lone fragment that does not expand has nothing more to give
			consider(regexAtoms(sub))
		}
	}
	flush()
	return best
}

// cross appends every string of e to every string of run; false when that grows too large.
func cross(run *[]string, e []string) bool {
	if len(*run)*len(e) > maxExpansion {
		return false
	}
	var out []string
	for _, a := range *run {
		for _, b := range e {
			out = append(out, a+b)
		}
	}
	*run = out
	return true
}

// expand lists every string a fragment can match, lower-cased, or nil when it is not a small
// finite set.
func expand(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(re.Rune))}
	case syntax.OpEmptyMatch:
		return []string{""}
	case syntax.OpCapture:
		return expand(re.Sub[0])
	case syntax.OpQuest:
		if e := expand(re.Sub[0]); e != nil {
			return append([]string{""}, e...)
		}
	case syntax.OpCharClass:
		var out []string
		seen := map[string]bool{}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				c := strings.ToLower(string(r))
				if !seen[c] {
					seen[c] = true
					out = append(out, c)
				}
				if len(out) > 4 {
					return nil
				}
			}
		}
		return out
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			e := expand(sub)
			if e == nil {
				return nil
			}
			out = append(out, e...)
		}
		if len(out) <= maxExpansion {
			return out
		}
	case syntax.OpConcat:
		run := []string{""}
		for _, sub := range re.Sub {
			e := expand(sub)
			if e == nil || !cross(&run, e) {
				return nil
			}
		}
		return run
	}
	return nil
}

func dedupe(in []string) []string {
	seen := make(map[string]bool, len(in))
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
