package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/exsweep/exsweep/internal/finding"
)

var (
	idPattern  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.:-]{2,80}$`)
	cvePattern = regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`)
)

// LoadFS reads every *.yaml / *.yml rule file in fsys (recursively), skipping pack.yaml, which
// describes a pack rather than holding rules. prefix is prepended to file names in errors.
func LoadFS(fsys fs.FS, prefix string, s Schema) ([]*Rule, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		ext := strings.ToLower(path.Ext(p))
		if !d.IsDir() && (ext == ".yaml" || ext == ".yml") && !strings.EqualFold(path.Base(p), "pack.yaml") {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var all []*Rule
	var problems []string
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", joinName(prefix, n), err))
			continue
		}
		rs, err := Parse(data, joinName(prefix, n), s)
		if err != nil {
			if le, ok := err.(*LoadError); ok {
				problems = append(problems, le.Problems...)
			} else {
				problems = append(problems, err.Error())
			}
			continue
		}
		all = append(all, rs...)
	}
	if len(problems) > 0 {
		return all, &LoadError{Problems: problems}
	}
	return all, nil
}

func joinName(prefix, n string) string {
	if prefix == "" {
		return n
	}
	return filepath.Join(prefix, filepath.FromSlash(n))
}

// LoadDir reads the rule files of a user's folder.
func LoadDir(dir string, s Schema) ([]*Rule, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		data, err := os.ReadFile(dir)
		if err != nil {
			return nil, err
		}
		return Parse(data, dir, s)
	}
	return LoadFS(os.DirFS(dir), dir, s)
}

// Parse reads one rule file. Every problem names the file, the line and the field.
func Parse(data []byte, name string, s Schema) ([]*Rule, error) {
	p := &parser{file: name, schema: s}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &LoadError{Problems: []string{fmt.Sprintf("%s:1: empty rule file", name)}}
		}
		line, msg := yamlErrorLine(err, data)
		return nil, &LoadError{Problems: []string{fmt.Sprintf("%s:%d: not valid YAML: %s", name, line, msg)}}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		// Rules in a second document, well-formed or not, would be silently ignored: say so.
		line := max(extra.Line, 1)
		if err != nil {
			line, _ = yamlErrorLine(err, data)
		}
		return nil, &LoadError{Problems: []string{fmt.Sprintf("%s:%d: a rule file holds one YAML document (found another after ---)", name, line)}}
	}
	if len(doc.Content) == 0 {
		return nil, &LoadError{Problems: []string{fmt.Sprintf("%s:1: empty rule file", name)}}
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		p.errorf(top, "", "a rule file is a mapping with keys schema and rules")
		return nil, p.err()
	}
	var rulesNode *yaml.Node
	schemaSeen := false
	forEachKey(top, func(k string, key, v *yaml.Node) {
		switch k {
		case "schema":
			schemaSeen = true
			var n int
			if v.Decode(&n) != nil || n != SchemaVersion {
				p.errorf(v, "schema", "this exsweep reads rule schema %d, the file says %q", SchemaVersion, v.Value)
			}
		case "rules":
			rulesNode = v
		default:
			p.errorf(key, k, "unknown key (want schema, rules)")
		}
	})
	if !schemaSeen {
		p.errorf(top, "schema", "missing (add `schema: %d`)", SchemaVersion)
	}
	if rulesNode == nil || rulesNode.Kind != yaml.SequenceNode {
		p.errorf(top, "rules", "missing or not a list")
		return nil, p.err()
	}
	var out []*Rule
	for _, rn := range rulesNode.Content {
		if r := p.rule(rn); r != nil {
			out = append(out, r)
		}
	}
	return out, p.err()
}

var yamlLine = regexp.MustCompile(`^yaml: line ([0-9]+): `)

// yamlErrorLine finds the line of a YAML syntax error: the one the parser names, else the first
// line holding a byte YAML refuses (invalid UTF-8, a control character), else line 1.
func yamlErrorLine(err error, data []byte) (int, string) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil && n > 0 {
			return n, "yaml: " + msg[len(m[0]):]
		}
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 || r < ' ' && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return 1 + bytes.Count(data[:i], []byte{'\n'}), msg
		}
		i += size
	}
	return 1, msg
}

type parser struct {
	file     string
	schema   Schema
	problems []string
}

func (p *parser) errorf(n *yaml.Node, field, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if field != "" {
		msg = "field " + field + ": " + msg
	}
	p.problems = append(p.problems, fmt.Sprintf("%s:%d: %s", p.file, n.Line, msg))
}

func (p *parser) err() error {
	if len(p.problems) == 0 {
		return nil
	}
	return &LoadError{Problems: p.problems}
}

func forEachKey(m *yaml.Node, fn func(k string, key, v *yaml.Node)) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		fn(m.Content[i].Value, m.Content[i], m.Content[i+1])
	}
}

// strs reads a scalar or a list of scalars.
func (p *parser) strs(n *yaml.Node, field string) []string {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return []string{n.Value}
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				p.errorf(c, field, "want a string")
				continue
			}
			out = append(out, c.Value)
		}
		return out
	}
	p.errorf(n, field, "want a string or a list of strings")
	return nil
}

func (p *parser) rule(n *yaml.Node) *Rule {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "", "a rule is a mapping")
		return nil
	}
	before := len(p.problems)
	r := &Rule{File: p.file, Line: n.Line}
	var condNode, samplesNode *yaml.Node
	seen := map[string]bool{}
	forEachKey(n, func(k string, key, v *yaml.Node) {
		if seen[k] {
			p.errorf(key, k, "given twice")
		}
		seen[k] = true
		switch k {
		case "id":
			r.ID = v.Value
			if !idPattern.MatchString(r.ID) {
				p.errorf(v, k, "%q is not a valid id (letters, digits, . _ : -, 3 to 81 characters, starting with a letter)", v.Value)
			}
		case "title":
			r.Title = strings.TrimSpace(v.Value)
		case "severity":
			sev, err := finding.ParseSeverity(v.Value)
			if err != nil {
				p.errorf(v, k, "%v", err)
			}
			r.Severity = sev
		case "verdict":
			sup, err := finding.ParseSupport(v.Value)
			if err != nil {
				p.errorf(v, k, "%v", err)
			}
			r.Supports = sup
		case "cve":
			r.CVEs = p.strs(v, k)
			for _, c := range r.CVEs {
				if !cvePattern.MatchString(c) {
					p.errorf(v, k, "%q is not a CVE id", c)
				}
			}
		case "references":
			r.References = p.strs(v, k)
			for _, ref := range r.References {
				if !strings.HasPrefix(ref, "https://") && !strings.HasPrefix(ref, "http://") {
					p.errorf(v, k, "%q is not a link", ref)
				}
			}
		case "source":
			r.Source = v.Value
			if _, ok := p.schema[v.Value]; !ok {
				p.errorf(v, k, "unknown source kind %q (known: %s)", v.Value, strings.Join(p.schema.Kinds(), ", "))
			}
		case "why":
			r.Why = strings.TrimSpace(v.Value)
		case "provenance":
			r.Provenance = strings.TrimSpace(v.Value)
		case "condition":
			condNode = v
		case "samples":
			samplesNode = v
		default:
			p.errorf(key, k, "unknown key (want id, title, severity, verdict, cve, references, source, why, provenance, condition, samples)")
		}
	})
	for _, need := range []string{"id", "title", "severity", "verdict", "source", "why", "condition", "samples"} {
		if !seen[need] {
			p.errorf(n, need, "missing in rule %q", r.ID)
		}
	}
	if condNode != nil && r.Source != "" {
		r.Condition = p.cond(condNode, r.Source)
		if out, err := yaml.Marshal(condNode); err == nil {
			r.conditionSrc = string(out)
		}
	}
	if samplesNode != nil {
		p.samples(samplesNode, r)
	}
	if len(p.problems) > before {
		return nil
	}
	return r
}

func (p *parser) cond(n *yaml.Node, kind string) Cond {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "condition", "want a mapping: all, any, not, or field with one operator")
		return nil
	}
	keys := map[string]*yaml.Node{}
	keyNodes := map[string]*yaml.Node{}
	forEachKey(n, func(k string, key, v *yaml.Node) {
		keys[k] = v
		keyNodes[k] = key
	})
	switch {
	case keys["all"] != nil || keys["any"] != nil:
		word := "all"
		if keys["any"] != nil {
			word = "any"
		}
		if len(keys) != 1 {
			p.errorf(n, word, "%s must stand alone in its mapping", word)
		}
		list := keys[word]
		if list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
			p.errorf(list, word, "want a non-empty list of conditions")
			return nil
		}
		var subs []Cond
		for _, c := range list.Content {
			subs = append(subs, p.cond(c, kind))
		}
		if word == "all" {
			return allCond(subs)
		}
		return anyCond(subs)
	case keys["not"] != nil:
		if len(keys) != 1 {
			p.errorf(n, "not", "not must stand alone in its mapping")
		}
		return notCond{p.cond(keys["not"], kind)}
	case keys["field"] != nil:
		fname := keys["field"].Value
		if _, ok := p.schema.field(kind, fname); !ok {
			var names []string
			for _, f := range p.schema[kind] {
				names = append(names, f.Name)
			}
			p.errorf(keys["field"], "field", "source %s has no field %q (it has: %s)", kind, fname, strings.Join(names, ", "))
		}
		var op opKind
		var vals *yaml.Node
		for k, v := range keys {
			if k == "field" {
				continue
			}
			known := false
			for _, o := range leafOps {
				if string(o) == k {
					known = true
				}
			}
			if !known {
				p.errorf(keyNodes[k], k, "unknown operator (want one of equals, prefix, suffix, contains, glob, regex, lookalike, cidr)")
				continue
			}
			if op != "" {
				p.errorf(keyNodes[k], k, "one operator per condition (also has %s); combine with all/any", op)
				continue
			}
			op, vals = opKind(k), v
		}
		if op == "" {
			p.errorf(n, "field", "condition on %q has no operator", fname)
			return nil
		}
		values := p.strs(vals, string(op))
		if len(values) == 0 {
			p.errorf(vals, string(op), "no values")
			return nil
		}
		l, err := newLeaf(fname, op, values)
		if err != nil {
			p.errorf(vals, string(op), "%v", err)
			return nil
		}
		return l
	}
	p.errorf(n, "condition", "want all, any, not, or field with one operator")
	return nil
}

func (p *parser) samples(n *yaml.Node, r *Rule) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "samples", "want a mapping with match and no_match lists")
		return
	}
	forEachKey(n, func(k string, key, v *yaml.Node) {
		var dst *[]Sample
		switch k {
		case "match":
			dst = &r.Match
		case "no_match":
			dst = &r.NoMatch
		default:
			p.errorf(key, "samples."+k, "unknown key (want match, no_match)")
			return
		}
		if v.Kind != yaml.SequenceNode {
			p.errorf(v, "samples."+k, "want a list of samples")
			return
		}
		for _, sn := range v.Content {
			s := Sample{Line: sn.Line}
			switch sn.Kind {
			case yaml.ScalarNode:
				s.Raw = sn.Value
			case yaml.MappingNode:
				s.Fields = map[string]string{}
				forEachKey(sn, func(fk string, fkey, fv *yaml.Node) {
					if f, ok := p.schema.field(r.Source, fk); (!ok || !f.Column) && p.schema[r.Source] != nil {
						p.errorf(fkey, "samples."+k, "source %s has no log column %q (samples set columns; derived fields are computed from them)", r.Source, fk)
					}
					if fv.Kind != yaml.ScalarNode {
						p.errorf(fv, "samples."+k, "field %s: want a string", fk)
					}
					s.Fields[fk] = fv.Value
				})
			default:
				p.errorf(sn, "samples."+k, "a sample is a raw line (string) or a mapping of field values")
				continue
			}
			*dst = append(*dst, s)
		}
	})
	if len(r.Match) == 0 {
		p.errorf(n, "samples.match", "every rule needs at least one sample it must match")
	}
	if len(r.NoMatch) == 0 {
		p.errorf(n, "samples.no_match", "every rule needs at least one sample it must not match")
	}
}
