// Package rules is exsweep's rule pack: detection rules written as YAML data, their schema,
// loading with errors that name file, line and field, compiled conditions, and the literal
// "atoms" a fast scanner can look for before it parses anything.
//
// A rule reads records of one source kind (httpproxy, ecp, oab, iis, ...). A record is a set of
// named fields; the rules package does not know how records are made. The caller says which
// fields each source offers (a Schema), so a misspelt field is an error at load time, not a rule
// that silently never fires.
package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/exsweep/exsweep/internal/finding"
)

// SchemaVersion is the version of the rule file format this build reads.
const SchemaVersion = 1

// Record is what a condition is evaluated against. Field names are given in lower case.
type Record interface {
	Field(name string) (string, bool)
}

// Field describes one field a source offers to rules.
type Field struct {
	Name string
	// Literal is true when the field's value appears as it is (up to the source's encodings)
	// in the raw line, so literals from conditions on it can pre-select lines. Computed fields
	// (a yes/no answer, a decoded URL) are not literal.
	Literal bool
	// Column is true for the columns of the source's own log lines (what a sample may set);
	// false for fields the source derives from them.
	Column bool
	Doc    string
}

// Schema lists, per source kind, the fields rules may use.
type Schema map[string][]Field

func (s Schema) field(kind, name string) (Field, bool) {
	for _, f := range s[kind] {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Field{}, false
}

// Kinds lists the source kinds in the schema, sorted.
func (s Schema) Kinds() []string {
	var out []string
	for k := range s {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Rule is one detection rule.
type Rule struct {
	ID           string
	Title        string
	Severity     finding.Severity
	Supports     finding.Support
	CVEs         []string
	References   []string
	Source       string // source kind it reads
	Why          string // why a match matters, shown with every finding
	Provenance   string // where indicator data in the rule comes from, when it carries any
	Condition    Cond
	Match        []Sample // samples the rule must match
	NoMatch      []Sample // samples it must not match
	File         string   // where the rule was defined
	Line         int
	conditionSrc string
}

// Sample is one test record for a rule: either named field values or a raw line in the source's
// native format.
type Sample struct {
	Fields map[string]string
	Raw    string
	Line   int // line of the sample in the rule file
}

// Finding makes the finding skeleton for a match of this rule; the caller fills in place and time.
func (r *Rule) Finding() finding.Finding {
	return finding.Finding{
		RuleID:     r.ID,
		Title:      r.Title,
		Severity:   r.Severity,
		Supports:   r.Supports,
		CVEs:       r.CVEs,
		Why:        r.Why,
		References: r.References,
		Source:     r.Source,
	}
}

// ConditionText is the condition as written in the rule file, for `rules show`.
func (r *Rule) ConditionText() string { return r.conditionSrc }

// Pack is a loaded set of rules.
type Pack struct {
	Schema  int
	Version string // version of the built-in pack
	Rules   []*Rule
}

// Rule returns the rule with the given id, case-insensitively.
func (p *Pack) Rule(id string) *Rule {
	for _, r := range p.Rules {
		if strings.EqualFold(r.ID, id) {
			return r
		}
	}
	return nil
}

// ForSource returns the rules that read the given source kind, in pack order.
func (p *Pack) ForSource(kind string) []*Rule {
	var out []*Rule
	for _, r := range p.Rules {
		if r.Source == kind {
			out = append(out, r)
		}
	}
	return out
}

// Add merges other rules into the pack; an id defined twice is an error naming both places.
func (p *Pack) Add(rules []*Rule) error {
	seen := make(map[string]*Rule, len(p.Rules))
	for _, r := range p.Rules {
		seen[strings.ToLower(r.ID)] = r
	}
	var errs []string
	for _, r := range rules {
		if prev, ok := seen[strings.ToLower(r.ID)]; ok {
			errs = append(errs, fmt.Sprintf("%s:%d: field id: rule %q is already defined at %s:%d", r.File, r.Line, r.ID, prev.File, prev.Line))
			continue
		}
		seen[strings.ToLower(r.ID)] = r
		p.Rules = append(p.Rules, r)
	}
	if len(errs) > 0 {
		return &LoadError{Problems: errs}
	}
	return nil
}

// LoadError collects every problem found in rule files, each naming file, line and field.
type LoadError struct {
	Problems []string
}

func (e *LoadError) Error() string {
	if len(e.Problems) == 1 {
		return "invalid rule: " + e.Problems[0]
	}
	return fmt.Sprintf("%d rule problems:\n  %s", len(e.Problems), strings.Join(e.Problems, "\n  "))
}
