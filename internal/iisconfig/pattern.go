package iisconfig

import (
	"regexp"
	"strings"
)

// tri is a three-valued truth: a rule may depend on something this package cannot know (the
// Host header, whether a file exists, a pattern Go's regexp cannot run).
type tri int8

const (
	no tri = iota
	yes
	unknown
)

func (t tri) not() tri {
	switch t {
	case yes:
		return no
	case no:
		return yes
	}
	return unknown
}

func and(a, b tri) tri {
	switch {
	case a == no || b == no:
		return no
	case a == unknown || b == unknown:
		return unknown
	}
	return yes
}

func or(a, b tri) tri {
	switch {
	case a == yes || b == yes:
		return yes
	case a == unknown || b == unknown:
		return unknown
	}
	return no
}

// maxPatternLen bounds the patterns compiled. Microsoft's mitigation patterns are under 60
// characters; compiling thousands of huge hostile patterns would only cost time.
const maxPatternLen = 1024

// pattern is a URL Rewrite pattern compiled for evaluation.
type pattern struct {
	// all must match (several when lookaheads were split off, see compileRegexp).
	all   []*regexp.Regexp
	exact string // for ExactMatch
	isEx  bool
	fold  bool
	why   string // non-empty when the pattern cannot be evaluated
}

// compilePattern compiles a pattern in the rule's patternSyntax: ECMAScript (the default, run
// with Go's regexp, which shares the syntax of the patterns that matter here), Wildcard ('*'
// matches anything, the whole input must match) or ExactMatch.
func compilePattern(pat, syntax string, ignoreCase bool) pattern {
	syntax = strings.TrimSpace(syntax)
	switch {
	case syntax == "" || strings.EqualFold(syntax, "ECMAScript"):
		return compileRegexp(pat, ignoreCase)
	case strings.EqualFold(syntax, "ExactMatch"):
		return pattern{exact: pat, isEx: true, fold: ignoreCase}
	case strings.EqualFold(syntax, "Wildcard"):
		parts := strings.Split(pat, "*")
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		return compileRegexp("^"+strings.Join(parts, "(.*)")+"$", ignoreCase)
	}
	return pattern{why: "unknown patternSyntax " + clip(syntax)}
}

// compileRegexp compiles an ECMAScript pattern. Go's regexp has no lookahead, which the later
// ProxyNotShell pattern "(?=.*autodiscover)(?=.*powershell)" uses; a pattern made of leading
// positive lookaheads followed by a plain rest is split into parts that must all match. Without
// a '^' this is an approximation (each part may match at a different place), exact for the
// ".*word" lookaheads that occur in practice.
func compileRegexp(pat string, ignoreCase bool) pattern {
	if len(pat) > maxPatternLen {
		return pattern{why: "pattern longer than 1024 bytes"}
	}
	prefix := ""
	if ignoreCase {
		prefix = "(?i)"
	}
	parts := []string{pat}
	anchored := false
	if strings.Contains(pat, "(?=") {
		var heads []string
		var rest string
		var ok bool
		anchored, heads, rest, ok = splitLookaheads(pat)
		if !ok {
			return pattern{why: "lookahead in a form this check cannot evaluate"}
		}
		parts = heads
		if rest != "" {
			parts = append(parts, rest)
		}
	}
	var p pattern
	for _, part := range parts {
		if anchored {
			part = "^(?:" + part + ")"
		}
		re, err := regexp.Compile(prefix + part)
		if err != nil {
			return pattern{why: "pattern not understood: " + clip(err.Error())}
		}
		p.all = append(p.all, re)
	}
	return p
}

// splitLookaheads splits "^?(?=A)(?=B)rest" into A, B and rest.
func splitLookaheads(pat string) (anchored bool, heads []string, rest string, ok bool) {
	i := 0
	if strings.HasPrefix(pat, "^") {
		anchored, i = true, 1
	}
	for strings.HasPrefix(pat[i:], "(?=") {
		end := closeParen(pat, i+3)
		if end < 0 {
			return false, nil, "", false
		}
		heads = append(heads, pat[i+3:end])
		i = end + 1
	}
	return anchored, heads, pat[i:], len(heads) > 0
}

// closeParen is the index of the ')' closing a group whose body starts at i, or -1. Escapes
// and character classes are skipped.
func closeParen(s string, i int) int {
	depth := 1
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '[':
			i++
			if i < len(s) && s[i] == '^' {
				i++
			}
			if i < len(s) && s[i] == ']' {
				i++
			}
			for i < len(s) && s[i] != ']' {
				if s[i] == '\\' {
					i++
				}
				i++
			}
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

func (p pattern) match(s string) tri {
	switch {
	case p.why != "":
		return unknown
	case p.isEx:
		if s == p.exact || p.fold && strings.EqualFold(s, p.exact) {
			return yes
		}
		return no
	}
	for _, re := range p.all {
		if !re.MatchString(s) {
			return no
		}
	}
	return yes
}

// patterns caches compiled patterns for one Mitigations call. Real configurations repeat a few
// short patterns (".*", the cookie patterns); only those are kept, so that thousands of long
// hostile patterns cannot pile up compiled programs in memory.
type patterns map[string]pattern

const (
	maxCached       = 256
	maxCachedLength = 256
)

func (c patterns) get(pat, syntax string, ignoreCase bool) pattern {
	key := syntax + "\x00" + pat
	if ignoreCase {
		key = "i" + key
	}
	if p, ok := c[key]; ok {
		return p
	}
	p := compilePattern(pat, syntax, ignoreCase)
	if len(c) < maxCached && len(pat) <= maxCachedLength {
		c[key] = p
	}
	return p
}

// urlDecode decodes %XX escapes leniently, as IIS's UrlDecode function does: a malformed escape
// stays as it is.
func urlDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	unhex := func(c byte) (byte, bool) {
		switch {
		case '0' <= c && c <= '9':
			return c - '0', true
		case 'a' <= c && c <= 'f':
			return c - 'a' + 10, true
		case 'A' <= c && c <= 'F':
			return c - 'A' + 10, true
		}
		return 0, false
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			h, ok1 := unhex(s[i+1])
			l, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				b.WriteByte(h<<4 | l)
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
