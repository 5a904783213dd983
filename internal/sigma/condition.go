package sigma

import (
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// parseConditions reads the condition (a string, or a list of strings that are ORed) against
// the rule's searches.
func parseConditions(n *yaml.Node, searches map[string]*search, names []string) (condNode, *problem) {
	var items []*yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		items = []*yaml.Node{n}
	case yaml.SequenceNode:
		for _, x := range n.Content {
			items = append(items, resolve(x))
		}
	default:
		return nil, problemf(n.Line, "condition is neither a string nor a list of strings")
	}
	if len(items) == 0 {
		return nil, problemf(n.Line, "condition is empty")
	}
	var or orNode
	for _, it := range items {
		if it == nil || it.Kind != yaml.ScalarNode {
			return nil, problemf(n.Line, "condition list holds something other than strings")
		}
		c, err := parseCondition(it.Value, searches, names)
		if err != nil {
			return nil, problemf(it.Line, "condition %q: %s", shorten(it.Value, 120), err.msg)
		}
		or = append(or, c)
	}
	if len(or) == 1 {
		return or[0], nil
	}
	return or, nil
}

func shorten(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// condParser is a recursive-descent parser for Sigma conditions:
//
//	expr    = and { "or" and }
//	and     = not { "and" not }
//	not     = "not" not | primary
//	primary = "(" expr ")" | ("1" | "any" | "all") "of" (name | pattern | "them") | name
//
// Operators are case-insensitive; names are compared exactly. A pipe starts an aggregation
// ("| count() by x > 5") or a near clause, which need many events: such rules are unusable.
type condParser struct {
	toks     []string
	pos      int
	searches map[string]*search
	names    []string
}

func parseCondition(s string, searches map[string]*search, names []string) (condNode, *problem) {
	if len(s) > maxCondLen {
		return nil, problemf(0, "longer than %d bytes", maxCondLen)
	}
	if i := strings.IndexByte(s, '|'); i >= 0 {
		return nil, problemf(0, "aggregation %q: it counts events across many records; exsweep evaluates single records", strings.TrimSpace(s[i:]))
	}
	p := &condParser{toks: tokenize(s), searches: searches, names: names}
	if len(p.toks) == 0 {
		return nil, problemf(0, "empty")
	}
	c, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, problemf(0, "unexpected %q", p.toks[p.pos])
	}
	return c, nil
}

func tokenize(s string) []string {
	var out []string
	start := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '(' || c == ')':
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
			out = append(out, s[i:i+1])
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
		default:
			if start < 0 {
				start = i
			}
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

func (p *condParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *condParser) isOp(op string) bool { return strings.EqualFold(p.peek(), op) }

func (p *condParser) expr(depth int) (condNode, *problem) {
	if depth > maxCondDepth {
		return nil, problemf(0, "nested more than %d deep", maxCondDepth)
	}
	first, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	or := orNode{first}
	for p.isOp("or") {
		p.pos++
		c, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		or = append(or, c)
	}
	if len(or) == 1 {
		return first, nil
	}
	return or, nil
}

func (p *condParser) and(depth int) (condNode, *problem) {
	first, err := p.not(depth)
	if err != nil {
		return nil, err
	}
	and := andNode{first}
	for p.isOp("and") {
		p.pos++
		c, err := p.not(depth)
		if err != nil {
			return nil, err
		}
		and = append(and, c)
	}
	if len(and) == 1 {
		return first, nil
	}
	return and, nil
}

func (p *condParser) not(depth int) (condNode, *problem) {
	if p.isOp("not") {
		if depth > maxCondDepth {
			return nil, problemf(0, "nested more than %d deep", maxCondDepth)
		}
		p.pos++
		c, err := p.not(depth + 1)
		if err != nil {
			return nil, err
		}
		return notNode{c}, nil
	}
	return p.primary(depth)
}

func (p *condParser) primary(depth int) (condNode, *problem) {
	t := p.peek()
	switch {
	case t == "":
		return nil, problemf(0, "ends where a search name was expected")
	case t == "(":
		p.pos++
		c, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, problemf(0, "missing )")
		}
		p.pos++
		return c, nil
	case t == ")":
		return nil, problemf(0, "unexpected )")
	case isKeyword(t):
		return nil, problemf(0, "unexpected %q", t)
	}
	// A quantifier: "1 of", "any of", "all of".
	if (t == "1" || strings.EqualFold(t, "any") || strings.EqualFold(t, "all")) && p.pos+1 < len(p.toks) && strings.EqualFold(p.toks[p.pos+1], "of") {
		all := strings.EqualFold(t, "all")
		p.pos += 2
		target := p.peek()
		if target == "" || target == "(" || target == ")" || (isKeyword(target) && !strings.EqualFold(target, "them")) {
			return nil, problemf(0, "%q of what?", t)
		}
		p.pos++
		var picked []string
		switch {
		case strings.EqualFold(target, "them"):
			// Sigma: "them" is every search except those whose name starts with "_".
			for _, n := range p.names {
				if !strings.HasPrefix(n, "_") {
					picked = append(picked, n)
				}
			}
		case strings.ContainsAny(target, "*?["):
			for _, n := range p.names {
				if ok, _ := path.Match(escapeForMatch(target), n); ok {
					picked = append(picked, n)
				}
			}
		default:
			if _, ok := p.searches[target]; ok {
				picked = []string{target}
			}
		}
		if len(picked) == 0 {
			return nil, problemf(0, "%q matches no search", target)
		}
		sort.Strings(picked)
		var nodes []condNode
		for _, n := range picked {
			nodes = append(nodes, p.searches[n])
		}
		if len(nodes) == 1 {
			return nodes[0], nil
		}
		if all {
			return andNode(nodes), nil
		}
		return orNode(nodes), nil
	}
	p.pos++
	s, ok := p.searches[t]
	if !ok {
		return nil, problemf(0, "names %q, which the detection does not define", t)
	}
	return s, nil
}

// escapeForMatch keeps * as the only wildcard of a name pattern (path.Match would also read ?,
// [ and \).
func escapeForMatch(pattern string) string {
	var b strings.Builder
	for _, r := range pattern {
		switch r {
		case '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isKeyword(t string) bool {
	for _, k := range []string{"and", "or", "not", "of", "them"} {
		if strings.EqualFold(t, k) {
			return true
		}
	}
	return false
}
