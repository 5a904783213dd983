package sigma

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Bounds on what a rule set may cost. A rule file is written by someone else (a public
// collection, a CERT's feed): an oversize or hostile one is refused piece by piece, never
// allowed to exhaust memory or time.
const (
	MaxFileSize      = 1 << 20 // bytes of one rule file
	MaxDocuments     = 10000   // rule documents of one file
	MaxRules         = 100000  // rules (usable and not) of one Load
	maxValuesPerRule = 20000   // values of one rule, after expansions (base64offset, ...)
	maxValueLen      = 8192    // bytes of one value after transformations
	maxTokenPiece    = 1024    // runes of a value piece holding ? or windash dashes (slow path)
	maxRegexLen      = 65536   // bytes of one regular expression
	maxRegexInsts    = 20000   // compiled instructions of one regular expression
	maxCondLen       = 8192    // bytes of one condition
	maxCondDepth     = 64      // nesting of one condition
	maxSearches      = 1000    // searches of one detection
	maxLiterals      = 4096    // literals Literals may return
)

// LogSource is the rule's logsource section.
type LogSource struct{ Product, Category, Service string }

// Rule is one evaluable Sigma rule.
type Rule struct {
	ID, Title, Level, Status, Description string
	References, Tags                      []string
	LogSource                             LogSource
	// Path and Line say where the rule came from; Line is the line of the rule's document
	// (its first key), so rules of a multi-document file are told apart.
	Path string
	Line int

	cond     condNode
	events   *eventFilter // nil: the rule does not apply to Windows events
	web      bool         // category webserver: applies to IIS rows
	literals []string
	litOK    bool
}

// Unusable is a rule that cannot be evaluated, and why. Line is where the problem is (the
// document's line when the problem is the document as a whole; 0 for a whole file).
type Unusable struct {
	Path   string
	Line   int
	Title  string
	Reason string
}

func (u Unusable) String() string {
	t := ""
	if u.Title != "" {
		t = fmt.Sprintf(" (%s)", u.Title)
	}
	return fmt.Sprintf("%s:%d:%s %s", u.Path, u.Line, t, u.Reason)
}

// Set is what a load produced: the rules that can be evaluated and the ones that cannot.
type Set struct {
	Rules    []*Rule
	Unusable []Unusable
}

// Load reads rule files and directories (recursively: every *.yml and *.yaml file, in sorted
// order; directory links and hidden folders such as .git are not followed). It returns an error only when a given path cannot
// be read at all; a file inside a directory that cannot be read, is too large or holds bad rules
// becomes Unusable entries, and the rest still load.
func Load(paths []string) (*Set, error) {
	set := &Set{}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("sigma rules: %w", err)
		}
		if !st.IsDir() {
			if !st.Mode().IsRegular() {
				return nil, fmt.Errorf("sigma rules: %s is not a regular file", p)
			}
			data, err := readCapped(p)
			if err != nil && !errors.Is(err, errTooLarge) {
				return nil, fmt.Errorf("sigma rules: %w", err)
			}
			set.addFile(p, data, err)
			continue
		}
		files, problems, err := listRuleFiles(p)
		if err != nil {
			return nil, fmt.Errorf("sigma rules: %w", err)
		}
		set.Unusable = append(set.Unusable, problems...)
		for _, f := range files {
			data, err := readCapped(f)
			set.addFile(f, data, err)
		}
	}
	return set, nil
}

// addFile parses one file's bytes into the set, or records why it could not be read.
func (s *Set) addFile(path string, data []byte, readErr error) {
	if readErr != nil {
		s.Unusable = append(s.Unusable, Unusable{Path: path, Reason: readErr.Error()})
		return
	}
	if n := len(s.Rules) + len(s.Unusable); n >= MaxRules {
		s.Unusable = append(s.Unusable, Unusable{Path: path, Reason: fmt.Sprintf("not read: the limit of %d rules was reached", MaxRules)})
		return
	}
	one := Parse(data, path)
	s.Rules = append(s.Rules, one.Rules...)
	s.Unusable = append(s.Unusable, one.Unusable...)
}

var errTooLarge = fmt.Errorf("file is larger than the %d-byte cap for rule files", MaxFileSize)

// readCapped reads at most MaxFileSize bytes; a larger file is refused whole (half a rule file
// would be a different rule set).
func readCapped(path string) ([]byte, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, errTooLarge
	}
	return data, nil
}

// listRuleFiles walks a directory for *.yml/*.yaml files, sorted by path. Unreadable
// subdirectories become problems; an unreadable root is an error.
func listRuleFiles(root string) ([]string, []Unusable, error) {
	var files []string
	var problems []Unusable
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root {
				return err
			}
			problems = append(problems, Unusable{Path: path, Reason: "cannot read: " + err.Error()})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			// Hidden folders (.git, .github with its workflow YAML) hold no rules.
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(filepath.Ext(path))
		if ext != ".yml" && ext != ".yaml" {
			return nil
		}
		t := d.Type()
		if t&fs.ModeSymlink != 0 {
			// A link to a file is read; a link to a directory is not followed.
			st, err := os.Stat(path)
			if err != nil {
				problems = append(problems, Unusable{Path: path, Reason: "cannot read: " + err.Error()})
				return nil
			}
			if !st.Mode().IsRegular() {
				return nil
			}
		} else if !t.IsRegular() {
			problems = append(problems, Unusable{Path: path, Reason: "not a regular file"})
			return nil
		}
		files = append(files, path)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(files)
	return files, problems, nil
}

// Parse reads one file's rule documents. It never fails: every document becomes a Rule or an
// Unusable entry naming path and line.
func Parse(data []byte, path string) *Set {
	set := &Set{}
	if len(data) > MaxFileSize {
		set.Unusable = append(set.Unusable, Unusable{Path: path, Reason: errTooLarge.Error()})
		return set
	}
	loadDocuments(data, path, set, func(d document) {
		r, u := compileDocument(d, path)
		if u != nil {
			set.Unusable = append(set.Unusable, *u)
			return
		}
		set.Rules = append(set.Rules, r)
	})
	// YAML also ends lines at a lone CR, which editors and users do not count: a line past the
	// last newline-counted line is reported as the last line.
	last := bytes.Count(data, []byte{'\n'}) + 1
	for i := range set.Unusable {
		set.Unusable[i].Line = min(set.Unusable[i].Line, last)
	}
	for _, r := range set.Rules {
		r.Line = min(r.Line, last)
	}
	return set
}

// ForWeb reports whether the rule applies to IIS W3C rows (logsource category webserver).
func (r *Rule) ForWeb() bool { return r.web }

// Literals returns lower-case strings of which at least one occurs (ASCII case-insensitively)
// in the values of every record the rule can match, or nil when no such set can be derived
// (negations, exists, null, numeric comparisons, CIDR, field references, regexes without a
// fixed part). "The values" are the values the Record offers: for WebRecord that includes the
// URL-decoded spellings and user agents with '+' read as a space, so a prefilter over raw IIS
// lines must also accept the encoded spellings of a literal (internal/logscan does: '+'/%20 for
// spaces, and rows holding a percent-escape are parsed whole). Literals never span the '?' that
// WebRecord puts between stem and query, so each literal lies inside one raw column.
func (r *Rule) Literals() []string {
	if !r.litOK {
		return nil
	}
	return append([]string(nil), r.literals...)
}

// Record is one record a rule is evaluated against.
type Record interface {
	// Field returns the values of a field named as the rule spells it, ok false when the record
	// has no such field. There is more than one value when the field repeats or when the
	// adapter offers several spellings of one value (raw and URL-decoded, ...); a rule's value
	// matches when it matches any of them. The adapter decides case-insensitivity of names and
	// the mapping of Sigma's names onto its own.
	Field(name string) (values []string, ok bool)
	// Keywords returns the values keyword searches look in.
	Keywords() []string
}

// Match reports whether the record matches the rule's detection. It does not check the log
// source: callers pick records with ForEvent or ForWeb first.
func (r *Rule) Match(rec Record) bool {
	if r.cond == nil {
		return false
	}
	return r.cond.eval(rec)
}
