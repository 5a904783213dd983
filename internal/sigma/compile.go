package sigma

import (
	"fmt"
	"math"
	"net/netip"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"

	sigmago "github.com/bradleyjkemp/sigma-go"
	"gopkg.in/yaml.v3"
)

// problem is a reason a rule cannot be evaluated, with the line it concerns (0: the document's).
type problem struct {
	line int
	msg  string
}

func (p *problem) Error() string { return p.msg }

func problemf(line int, format string, args ...any) *problem {
	return &problem{line: line, msg: fmt.Sprintf(format, args...)}
}

// compileDocument turns one document into a Rule, or says why it cannot.
func compileDocument(d document, path string) (*Rule, *Unusable) {
	title := titleOf(d.root)
	fail := func(p *problem) (*Rule, *Unusable) {
		line := p.line
		if line == 0 {
			line = d.line
		}
		return nil, &Unusable{Path: path, Line: line, Title: title, Reason: p.msg}
	}
	r, p := compileRule(d, path)
	if p != nil {
		return fail(p)
	}
	return r, nil
}

func compileRule(d document, path string) (*Rule, *problem) {
	root := d.root
	// Sigma 2 documents that are not single-event rules.
	if k := mapKey(root, "correlation"); k != nil {
		return nil, problemf(k.Line, "correlation rule: it counts or orders events across many records; exsweep evaluates single records")
	}
	if k := mapKey(root, "filter"); k != nil && mapKey(root, "detection") == nil {
		return nil, problemf(k.Line, "filter document (it amends other rules): not applied by exsweep")
	}
	det := resolve(mapGet(root, "detection"))
	if det == nil {
		return nil, problemf(0, "no detection section")
	}
	detLine := mapKey(root, "detection").Line
	if det.Kind != yaml.MappingNode {
		return nil, problemf(detLine, "detection is not a mapping")
	}
	if k := mapKey(det, "timeframe"); k != nil {
		return nil, problemf(k.Line, "timeframe: the rule aggregates events over time; exsweep evaluates single records")
	}
	if n := expandedSize(det, 4*maxValuesPerRule); n > 4*maxValuesPerRule {
		return nil, problemf(detLine, "detection too large (more than %d values once YAML aliases are expanded)", maxValuesPerRule)
	}
	condNodeRaw := mapGet(det, "condition")
	if condNodeRaw == nil {
		return nil, problemf(detLine, "detection has no condition")
	}

	// sigma-go reads the document: metadata, log source and the searches. The condition and
	// timeframe are taken out first (our parser reads the condition; sigma-go's rejects valid
	// ones and mis-decodes timeframe), and a search written as a single scalar becomes a
	// one-keyword list (pySigma accepts it, sigma-go does not).
	searchesNode := mapWithout(det, "condition", "timeframe")
	for i := 1; i < len(searchesNode.Content); i += 2 {
		v := resolve(searchesNode.Content[i]) // sigma-go does not follow an aliased search
		if v == nil {
			return nil, problemf(searchesNode.Content[i-1].Line, "search %q is an unresolvable alias", searchesNode.Content[i-1].Value)
		}
		if v.Kind == yaml.ScalarNode {
			v = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: v.Line, Column: v.Column, Content: []*yaml.Node{v}}
		}
		searchesNode.Content[i] = v
	}
	if len(searchesNode.Content)/2 > maxSearches {
		return nil, problemf(detLine, "more than %d searches", maxSearches)
	}
	// Metadata exsweep does not use (related, author) is left out, so a malformed entry there
	// does not cost the rule; a single reference or tag written as a scalar becomes a list.
	doc := mapWithout(root, "detection", "action", "related", "author")
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if k, v := doc.Content[i], resolve(doc.Content[i+1]); (k.Value == "references" || k.Value == "tags") && v != nil && v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
			doc.Content[i+1] = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: v.Line, Content: []*yaml.Node{v}}
		}
	}
	doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "detection"}, searchesNode)
	var sr sigmago.Rule
	if err := decodeNode(doc, &sr); err != nil {
		return nil, problemf(errorLine(err, 1), "rule not readable by sigma-go: %s", cleanYAMLError(err))
	}

	r := &Rule{
		ID:          sr.ID,
		Title:       sr.Title,
		Level:       sr.Level,
		Status:      sr.Status,
		Description: sr.Description,
		References:  sr.References,
		Tags:        sr.Tags,
		LogSource:   LogSource{Product: sr.Logsource.Product, Category: sr.Logsource.Category, Service: sr.Logsource.Service},
		Path:        path,
		Line:        d.line,
	}
	if r.Title == "" {
		r.Title = fmt.Sprintf("%s:%d", filepath.Base(path), d.line)
	}
	// Deprecated rules were withdrawn or replaced by their authors (SigmaHQ keeps them in a
	// separate folder), and "unsupported" ones need features no converter has: evaluating them
	// would report findings their authors disowned, or twice. They are listed, not loaded.
	switch strings.ToLower(r.Status) {
	case "deprecated", "unsupported":
		line := 0
		if k := mapKey(root, "status"); k != nil {
			line = k.Line
		}
		return nil, problemf(line, "status %s: not evaluated", strings.ToLower(r.Status))
	}
	ev, web, err := resolveLogSource(r.LogSource)
	if err != nil {
		line := 0
		if k := mapKey(root, "logsource"); k != nil {
			line = k.Line
		}
		return nil, problemf(line, "%s", err)
	}
	r.events, r.web = ev, web

	// Searches, in document order (sigma-go keeps them in a map).
	c := &compiler{}
	searches := make(map[string]*search)
	var names []string
	for i := 0; i+1 < len(searchesNode.Content); i += 2 {
		k := searchesNode.Content[i]
		name := k.Value
		if _, dup := searches[name]; dup {
			return nil, problemf(k.Line, "search %q is defined twice", name)
		}
		s, ok := sr.Detection.Searches[name]
		if !ok {
			return nil, problemf(k.Line, "search %q not read", name)
		}
		cs, p := c.compileSearch(name, s, searchesNode.Content[i+1], k.Line)
		if p != nil {
			return nil, p
		}
		searches[name] = cs
		names = append(names, name)
	}
	if len(names) == 0 {
		return nil, problemf(detLine, "detection has no search")
	}

	cond, p := parseConditions(condNodeRaw, searches, names)
	if p != nil {
		return nil, p
	}
	r.cond = cond
	r.literals, r.litOK = cond.lits()
	if r.litOK {
		r.literals = dedupe(r.literals)
		if len(r.literals) == 0 || len(r.literals) > maxLiterals {
			r.literals, r.litOK = nil, false
		}
	}
	return r, nil
}

// decodeNode decodes with yaml.v3 and sigma-go's unmarshalers, turning a panic in that
// third-party code into an error.
func decodeNode(n *yaml.Node, out any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("parser failed: %v", p)
		}
	}()
	return n.Decode(out)
}

// compiler carries what a rule's compilation counts.
type compiler struct {
	values int
}

// compileSearch compiles one search from sigma-go's reading of it and the raw node (for lines
// and the spelling of numbers, which sigma-go's decoding loses).
func (c *compiler) compileSearch(name string, s sigmago.Search, raw *yaml.Node, line int) (*search, *problem) {
	cs := &search{name: name}
	raw = resolve(raw)
	if s.Keywords != nil {
		var vals []valMatcher
		for _, kw := range s.Keywords {
			m, p := c.stringMatcher(kw, modifiers{anchor: "contains"}, line)
			if p != nil {
				return nil, p
			}
			vals = append(vals, m)
		}
		if len(vals) == 0 {
			return nil, problemf(line, "search %q is an empty list", name)
		}
		cs.keyword = &fieldMatch{keyword: true, vals: vals}
		return cs, nil
	}
	if len(s.EventMatchers) == 0 {
		return nil, problemf(line, "search %q is empty", name)
	}
	// The raw maps, in the order sigma-go read them.
	var rawMaps []*yaml.Node
	switch raw.Kind {
	case yaml.MappingNode:
		rawMaps = []*yaml.Node{raw}
	case yaml.SequenceNode:
		for _, x := range raw.Content {
			rawMaps = append(rawMaps, resolve(x))
		}
	}
	if len(rawMaps) != len(s.EventMatchers) {
		return nil, problemf(line, "search %q: structure not understood", name)
	}
	for i, em := range s.EventMatchers {
		rm := rawMaps[i]
		if rm == nil || rm.Kind != yaml.MappingNode || len(rm.Content)/2 != len(em) {
			return nil, problemf(line, "search %q: structure not understood", name)
		}
		if len(em) == 0 {
			return nil, problemf(rm.Line, "search %q has an empty map", name)
		}
		var ands []*fieldMatch
		for j, fm := range em {
			key, val := rm.Content[2*j], resolve(rm.Content[2*j+1])
			f, p := c.compileField(fm, key, val)
			if p != nil {
				return nil, p
			}
			ands = append(ands, f)
		}
		cs.maps = append(cs.maps, ands)
	}
	return cs, nil
}

// modifiers is a parsed modifier chain.
type modifiers struct {
	op         string // "", re, cidr, lt, lte, gt, gte, exists, fieldref
	anchor     string // "", contains, startswith, endswith
	all, cased bool
	reFlags    string   // i, m, s
	transforms []string // in order: base64, base64offset, utf16le, utf16be, utf16, wide, windash
}

func parseModifiers(mods []string, line int) (modifiers, *problem) {
	var m modifiers
	for _, raw := range mods {
		mod := strings.ToLower(raw)
		switch mod {
		case "contains", "startswith", "endswith":
			if m.anchor != "" && m.anchor != mod {
				return m, problemf(line, "modifiers %s and %s cannot be combined", m.anchor, mod)
			}
			m.anchor = mod
		case "re", "cidr", "lt", "lte", "gt", "gte", "exists", "fieldref":
			if m.op != "" && m.op != mod {
				return m, problemf(line, "modifiers %s and %s cannot be combined", m.op, mod)
			}
			m.op = mod
		case "all":
			m.all = true
		case "cased":
			m.cased = true
		case "i", "m", "s":
			m.reFlags += mod
		case "base64", "base64offset", "utf16le", "utf16be", "utf16", "wide", "windash":
			m.transforms = append(m.transforms, mod)
		case "expand":
			return m, problemf(line, "modifier expand: placeholders need values from a conversion pipeline, which exsweep does not have")
		case "":
			return m, problemf(line, "empty modifier")
		default:
			return m, problemf(line, "unknown modifier %q", raw)
		}
	}
	if m.reFlags != "" && m.op != "re" {
		return m, problemf(line, "modifiers i, m and s apply to re only")
	}
	// fieldref takes an anchor (fieldref|startswith compares with the start of the other
	// field's value); the other operators take neither anchors nor transformations.
	if m.op != "" && m.op != "fieldref" && m.anchor != "" {
		return m, problemf(line, "modifiers %s and %s cannot be combined", m.op, m.anchor)
	}
	if m.op != "" && len(m.transforms) > 0 {
		return m, problemf(line, "modifiers %s and %s cannot be combined", m.op, m.transforms[0])
	}
	if len(m.transforms) > 8 {
		return m, problemf(line, "too many modifiers")
	}
	return m, nil
}

// compileField compiles one "field|modifiers: values" entry.
func (c *compiler) compileField(fm sigmago.FieldMatcher, key, val *yaml.Node) (*fieldMatch, *problem) {
	line := key.Line
	m, p := parseModifiers(fm.Modifiers, line)
	if p != nil {
		return nil, p
	}
	f := &fieldMatch{field: fm.Field, keyword: fm.Field == "", all: m.all}
	// Cut literals at the stem/query '?' whatever the logsource: a record adapter may build the
	// field either way, and a shorter literal is only a little less selective.
	f.splitQ = isCompositeURIField(fm.Field)
	if f.keyword && (m.op == "exists" || m.op == "fieldref") {
		return nil, problemf(line, "modifier %s needs a field name", m.op)
	}
	if f.keyword && m.op == "" && m.anchor == "" {
		// Keywords ('|all': [...]) are searched for anywhere in the record's values.
		m.anchor = "contains"
	}
	// Raw value nodes, in the order of sigma-go's values.
	var rawVals []*yaml.Node
	switch {
	case val == nil:
	case val.Kind == yaml.SequenceNode:
		rawVals = val.Content
	default:
		rawVals = []*yaml.Node{val}
	}
	if len(fm.Values) == 0 {
		return nil, problemf(line, "field %q has an empty list of values", fm.Field)
	}
	if len(rawVals) != len(fm.Values) {
		return nil, problemf(line, "field %q: values not understood", fm.Field)
	}
	for i, v := range fm.Values {
		rv := resolve(rawVals[i])
		vm, p := c.compileValue(f, m, v, rv, line)
		if p != nil {
			return nil, p
		}
		f.vals = append(f.vals, vm)
	}
	return f, nil
}

// compileValue compiles one value of a field under its modifiers.
func (c *compiler) compileValue(f *fieldMatch, m modifiers, v any, raw *yaml.Node, line int) (valMatcher, *problem) {
	if raw != nil && raw.Line > 0 {
		line = raw.Line
	}
	c.values++
	if c.values > maxValuesPerRule {
		return nil, problemf(line, "more than %d values in one rule", maxValuesPerRule)
	}
	// The value's text as written, for numbers and booleans (sigma-go turns 0x10 into 16).
	rawText := ""
	if raw != nil && raw.Kind == yaml.ScalarNode {
		rawText = raw.Value
	}
	switch m.op {
	case "exists":
		b, ok := v.(bool)
		if !ok {
			return nil, problemf(line, "exists needs true or false")
		}
		return existsMatcher{want: b}, nil
	case "lt", "lte", "gt", "gte":
		x, ok := toFloat(v)
		if !ok {
			return nil, problemf(line, "%s needs a number", m.op)
		}
		return numMatcher{op: m.op, x: x}, nil
	}
	if v == nil {
		if m.op != "" || m.anchor != "" || len(m.transforms) > 0 {
			return nil, problemf(line, "null cannot take modifiers")
		}
		return nullMatcher{}, nil
	}
	var s string
	number := false
	switch x := v.(type) {
	case string:
		s = x
	case bool:
		s = rawText
		if s == "" {
			s = strconv.FormatBool(x)
		}
	case int, int64, uint64, float64:
		number = true
		s = rawText
		if s == "" {
			s = fmt.Sprint(x)
		}
	default:
		return nil, problemf(line, "value of %q is a %T, not a string, number or null", f.field, v)
	}
	switch {
	case m.op == "re":
		return compileRegex(s, m.reFlags, line)
	case m.op == "cidr":
		pfx, err := netip.ParsePrefix(strings.TrimSpace(s))
		if err != nil {
			a, aerr := netip.ParseAddr(strings.TrimSpace(s))
			if aerr != nil {
				return nil, problemf(line, "cidr: %q is not a network", s)
			}
			pfx = netip.PrefixFrom(a, a.BitLen())
		}
		return cidrMatcher{p: pfx.Masked()}, nil
	case m.op == "fieldref":
		return refMatcher{other: s, anchor: m.anchor, cased: m.cased}, nil
	}
	if number && m.anchor == "" && len(m.transforms) == 0 {
		// A YAML number matches its spelling in the rule and its decimal value: 4688 matches
		// "4688"; 0x10 matches "0x10" and "16".
		alts := []string{s}
		if d := fmt.Sprint(v); d != s {
			alts = append(alts, d)
		}
		var svs []sval
		for _, a := range alts {
			svs = append(svs, plain(a))
		}
		return c.patterns(svs, m, line)
	}
	return c.stringMatcher(s, m, line)
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, !math.IsNaN(x)
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil && !math.IsNaN(f)
	}
	return 0, false
}

// stringMatcher compiles a Sigma string value: wildcards and escapes, then the transformations
// in the order written, then the anchoring of contains/startswith/endswith.
func (c *compiler) stringMatcher(s string, m modifiers, line int) (valMatcher, *problem) {
	if len(s) > maxValueLen {
		return nil, problemf(line, "value longer than %d bytes", maxValueLen)
	}
	alts := []sval{parseSigmaString(s)}
	for _, t := range m.transforms {
		var next []sval
		for _, a := range alts {
			var err error
			switch t {
			case "windash":
				next = append(next, windash(a))
			case "utf16le", "wide":
				a, err = utf16Encode(a, false, false)
				next = append(next, a)
			case "utf16be":
				a, err = utf16Encode(a, true, false)
				next = append(next, a)
			case "utf16":
				a, err = utf16Encode(a, false, true)
				next = append(next, a)
			case "base64":
				a, err = base64Encode(a)
				next = append(next, a)
			case "base64offset":
				var more []sval
				more, err = base64Offsets(a)
				next = append(next, more...)
			}
			if err != nil {
				return nil, problemf(line, "modifier %s: %v", t, err)
			}
		}
		alts = next
	}
	star := spart{k: spStar}
	for i, a := range alts {
		switch m.anchor {
		case "contains":
			alts[i] = append(append(sval{star}, a...), star)
		case "startswith":
			alts[i] = append(append(sval(nil), a...), star)
		case "endswith":
			alts[i] = append(sval{star}, a...)
		}
	}
	return c.patterns(alts, m, line)
}

// patterns compiles alternative values into one matcher (any alternative matching).
func (c *compiler) patterns(alts []sval, m modifiers, line int) (valMatcher, *problem) {
	sm := &strMatcher{cased: m.cased}
	for _, a := range alts {
		c.values++
		if c.values > maxValuesPerRule {
			return nil, problemf(line, "more than %d values in one rule", maxValuesPerRule)
		}
		p, err := compileStr(a, m.cased)
		if err != nil {
			return nil, problemf(line, "%v", err)
		}
		sm.pats = append(sm.pats, p)
		sm.svs = append(sm.svs, a)
	}
	return sm, nil
}

// pcreOnly finds constructs Go's RE2 syntax lacks, to say why a rule's regex is refused.
var pcreOnly = regexp.MustCompile(`\(\?<?[=!]|\(\?>|\\[1-9]|\\k<|[*+?}][+]`)

// compileRegex compiles a re value. Go's regexp is RE2 (linear time, no backtracking):
// lookaround and backreferences do not exist there, and such rules are unusable.
func compileRegex(src, flags string, line int) (valMatcher, *problem) {
	if len(src) > maxRegexLen {
		return nil, problemf(line, "regular expression longer than %d bytes", maxRegexLen)
	}
	full := src
	if flags != "" {
		full = "(?" + dedupeFlags(flags) + ")" + src
	}
	re, err := syntax.Parse(full, syntax.Perl)
	if err != nil {
		if loc := pcreOnly.FindString(src); loc != "" {
			return nil, problemf(line, "regular expression uses %q (lookaround, backreference or possessive/atomic group), which Go's RE2 engine does not support", loc)
		}
		return nil, problemf(line, "regular expression: %v", err)
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil, problemf(line, "regular expression: %v", err)
	}
	if len(prog.Inst) > maxRegexInsts {
		return nil, problemf(line, "regular expression too large (%d instructions, limit %d)", len(prog.Inst), maxRegexInsts)
	}
	compiled, err := regexp.Compile(full)
	if err != nil {
		return nil, problemf(line, "regular expression: %v", err)
	}
	return &reMatcher{re: compiled, parsed: re}, nil
}

func dedupeFlags(f string) string {
	out := ""
	for _, c := range "ims" {
		if strings.ContainsRune(f, c) {
			out += string(c)
		}
	}
	return out
}

// isCompositeURIField names the web fields WebRecord builds as stem + "?" + query: a literal
// must not span that '?', which is a space in the raw log line.
func isCompositeURIField(name string) bool {
	switch strings.ToLower(name) {
	case "cs-uri-query", "c-uri-query", "c-uri", "cs-uri", "uri", "url":
		return true
	}
	return false
}

// dedupe sorts and removes repeated literals.
func dedupe(in []string) []string {
	sort.Strings(in)
	out := in[:0]
	for i, s := range in {
		if i == 0 || s != in[i-1] {
			out = append(out, s)
		}
	}
	return out
}
