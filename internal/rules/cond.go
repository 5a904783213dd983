package rules

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// Cond is a compiled condition. Every string comparison is ASCII case-insensitive: attackers
// choose the case of what they send, and Windows ignores it.
type Cond interface {
	Match(r Record) bool
	// atoms returns literals of which at least one appears in any raw line the condition can
	// match, or nil when no such set is known.
	atoms(s Schema, kind string) []string
}

type allCond []Cond
type anyCond []Cond
type notCond struct{ c Cond }

func (c allCond) Match(r Record) bool {
	for _, x := range c {
		if !x.Match(r) {
			return false
		}
	}
	return true
}

func (c anyCond) Match(r Record) bool {
	for _, x := range c {
		if x.Match(r) {
			return true
		}
	}
	return false
}

func (c notCond) Match(r Record) bool { return !c.c.Match(r) }

// opKind names a leaf comparison.
type opKind string

const (
	opEquals    opKind = "equals"
	opPrefix    opKind = "prefix"
	opSuffix    opKind = "suffix"
	opContains  opKind = "contains"
	opGlob      opKind = "glob"
	opRegex     opKind = "regex"
	opLookalike opKind = "lookalike"
	opCIDR      opKind = "cidr"
)

var leafOps = []opKind{opEquals, opPrefix, opSuffix, opContains, opGlob, opRegex, opLookalike, opCIDR}

// leaf compares one field with a list of values; any value matching is a match.
type leaf struct {
	field  string // lower case
	op     opKind
	values []string // lower case
	src    []string // as written: patterns must keep their case (\S is not \s)
	res    []*regexp.Regexp
	nets   []netip.Prefix
	need   []string // for glob and regex: literals one of which any match contains (nil: unknown)
}

// containsFold reports whether s contains the lower-case needle, ignoring ASCII case, without
// allocating.
func containsFold(s, needle string) bool {
	n := len(needle)
	if n == 0 {
		return true
	}
	first := needle[0]
	upper := first
	if first >= 'a' && first <= 'z' {
		upper = first - ('a' - 'A')
	}
	for i := 0; i+n <= len(s); i++ {
		if c := s[i]; c != first && c != upper {
			continue
		}
		if equalFoldASCII(s[i:i+n], needle) {
			return true
		}
	}
	return false
}

// equalFoldASCII compares ignoring ASCII case only, as the docs promise and the prefilter does:
// Unicode folding would make "ſ" equal "s", a match the literal search could not foresee.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func containsAnyFold(s string, needles []string) bool {
	for _, n := range needles {
		if containsFold(s, n) {
			return true
		}
	}
	return false
}

func (l *leaf) Match(r Record) bool {
	v, ok := r.Field(l.field)
	if !ok {
		v = ""
	}
	switch l.op {
	case opEquals:
		for _, want := range l.values {
			if equalFoldASCII(v, want) {
				return true
			}
		}
	case opPrefix:
		for _, want := range l.values {
			if len(v) >= len(want) && equalFoldASCII(v[:len(want)], want) {
				return true
			}
		}
	case opSuffix:
		for _, want := range l.values {
			if len(v) >= len(want) && equalFoldASCII(v[len(v)-len(want):], want) {
				return true
			}
		}
	case opContains:
		for _, want := range l.values {
			if containsFold(v, want) {
				return true
			}
		}
	case opGlob, opRegex:
		if l.need != nil && !containsAnyFold(v, l.need) {
			return false // the expression cannot match without one of its literals
		}
		for _, re := range l.res {
			if re.MatchString(v) {
				return true
			}
		}
	case opLookalike:
		return isLookalike(v, l.values)
	case opCIDR:
		addr, err := netip.ParseAddr(strings.Trim(strings.TrimSpace(v), "[]"))
		if err != nil {
			return false
		}
		addr = addr.Unmap()
		for _, n := range l.nets {
			if n.Contains(addr) {
				return true
			}
		}
	}
	return false
}

// isLookalike reports whether name is close to one of the known names without being any of
// them: attackers name shells after legitimate pages (RedirSuiteServerProxy.aspx beside the real
// RedirSuiteServiceProxy.aspx). The allowed distance grows with the name's length.
func isLookalike(name string, known []string) bool {
	n := strings.ToLower(name)
	if n == "" {
		return false
	}
	for _, k := range known {
		if n == k {
			return false
		}
	}
	for _, k := range known {
		limit := 1 + len(k)/10
		if d := editDistance(n, k, limit); d > 0 && d <= limit {
			return true
		}
	}
	return false
}

// editDistance is the optimal-string-alignment distance (substitution, insertion, deletion and
// transposition of neighbours), giving up early once it must exceed limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// globToRegexp turns a glob with * and ? into an anchored, case-insensitive regular expression.
func globToRegexp(g string) (*regexp.Regexp, error) {
	var sb strings.Builder
	sb.WriteString(`(?is)\A`)
	for _, r := range g {
		switch r {
		case '*':
			sb.WriteString(`.*`)
		case '?':
			sb.WriteString(`.`)
		default:
			sb.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	sb.WriteString(`\z`)
	return regexp.Compile(sb.String())
}

func newLeaf(field string, op opKind, values []string) (*leaf, error) {
	l := &leaf{field: strings.ToLower(field), op: op}
	for _, v := range values {
		switch op {
		case opGlob:
			re, err := globToRegexp(v)
			if err != nil {
				return nil, fmt.Errorf("glob %q: %v", v, err)
			}
			l.res = append(l.res, re)
		case opRegex:
			re, err := regexp.Compile("(?i)" + v)
			if err != nil {
				return nil, fmt.Errorf("regex %q: %v", v, err)
			}
			l.res = append(l.res, re)
		case opCIDR:
			p, err := netip.ParsePrefix(v)
			if err != nil {
				a, aerr := netip.ParseAddr(v)
				if aerr != nil {
					return nil, fmt.Errorf("cidr %q: not an address or network", v)
				}
				p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
			}
			l.nets = append(l.nets, p.Masked())
		}
		l.values = append(l.values, strings.ToLower(v))
		l.src = append(l.src, v)
	}
	if op == opRegex || op == opGlob {
		l.need = requiredLiterals(op, l.src)
	}
	return l, nil
}
