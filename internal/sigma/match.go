package sigma

import (
	"net/netip"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
)

// condNode is a compiled condition.
type condNode interface {
	eval(rec Record) bool
	// lits returns literals one of which occurs in every record the node matches; ok false
	// when none can be derived.
	lits() (lits []string, ok bool)
}

type andNode []condNode
type orNode []condNode
type notNode struct{ c condNode }

func (n andNode) eval(rec Record) bool {
	for _, c := range n {
		if !c.eval(rec) {
			return false
		}
	}
	return true
}

func (n orNode) eval(rec Record) bool {
	for _, c := range n {
		if c.eval(rec) {
			return true
		}
	}
	return false
}

func (n notNode) eval(rec Record) bool { return !n.c.eval(rec) }

// search is one named search of the detection: a keyword list, or maps (OR) of fields (AND).
type search struct {
	name    string
	keyword *fieldMatch
	maps    [][]*fieldMatch
}

func (s *search) eval(rec Record) bool {
	if s.keyword != nil {
		return s.keyword.eval(rec)
	}
	for _, m := range s.maps {
		ok := true
		for _, f := range m {
			if !f.eval(rec) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// fieldMatch is one field with its values: any value matching (all of them with |all).
type fieldMatch struct {
	field   string
	keyword bool // search the record's keyword values instead of a field
	all     bool
	vals    []valMatcher
	splitQ  bool // web composite URI field: literals must not span the stem/query '?'
}

func (f *fieldMatch) eval(rec Record) bool {
	var vals []string
	present := true
	if f.keyword {
		vals = rec.Keywords()
	} else {
		vals, present = rec.Field(f.field)
	}
	for _, v := range f.vals {
		p := present
		switch v.(type) {
		case nullMatcher, existsMatcher:
			// A field an adapter fills in from another (the web cs-uri-query offering the stem
			// when there is no query) is still absent for null and exists.
			if pr, ok := rec.(presenter); ok && !f.keyword {
				p = pr.present(f.field)
			}
		}
		if v.match(vals, p, rec) != f.all {
			return !f.all
		}
	}
	return f.all
}

// presenter is an adapter that knows when a field it offers values for is absent from the record.
type presenter interface {
	present(name string) bool
}

// valMatcher is one compiled value.
type valMatcher interface {
	// match reports whether the value matches a field with these values (present false: the
	// record has no such field).
	match(vals []string, present bool, rec Record) bool
	lits(splitQ bool) ([]string, bool)
}

// strMatcher matches when any of its alternative patterns matches any of the field's values.
type strMatcher struct {
	pats  []*strPat
	svs   []sval // the values the patterns came from, for Literals
	cased bool
}

func (m *strMatcher) match(vals []string, present bool, _ Record) bool {
	for _, v := range vals {
		for _, p := range m.pats {
			if p.match(v) {
				return true
			}
		}
	}
	return false
}

// nullMatcher is Sigma's null: the field is absent or empty.
type nullMatcher struct{}

func (nullMatcher) match(vals []string, present bool, _ Record) bool {
	if !present {
		return true
	}
	for _, v := range vals {
		if v == "" {
			return true
		}
	}
	return false
}

func (nullMatcher) lits(bool) ([]string, bool) { return nil, false }

// existsMatcher is the exists modifier.
type existsMatcher struct{ want bool }

func (m existsMatcher) match(_ []string, present bool, _ Record) bool { return present == m.want }
func (existsMatcher) lits(bool) ([]string, bool)                      { return nil, false }

// numMatcher is lt, lte, gt and gte. Values are read as decimal numbers, or integers with a 0x
// prefix (Windows writes access masks and ids that way); other values do not match.
type numMatcher struct {
	op string
	x  float64
}

func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X") {
		u, err := strconv.ParseUint(s[2:], 16, 64)
		return float64(u), err == nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f {
		return 0, false
	}
	return f, true
}

func (m numMatcher) match(vals []string, _ bool, _ Record) bool {
	for _, v := range vals {
		f, ok := parseNumber(v)
		if !ok {
			continue
		}
		switch m.op {
		case "lt":
			ok = f < m.x
		case "lte":
			ok = f <= m.x
		case "gt":
			ok = f > m.x
		case "gte":
			ok = f >= m.x
		}
		if ok {
			return true
		}
	}
	return false
}

func (numMatcher) lits(bool) ([]string, bool) { return nil, false }

// cidrMatcher is the cidr modifier. IPv4-mapped IPv6 addresses count as IPv4; zones are ignored.
type cidrMatcher struct{ p netip.Prefix }

func (m cidrMatcher) match(vals []string, _ bool, _ Record) bool {
	for _, v := range vals {
		a, err := netip.ParseAddr(strings.TrimSpace(v))
		if err != nil {
			continue
		}
		a = a.WithZone("")
		if m.p.Contains(a) || m.p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

func (cidrMatcher) lits(bool) ([]string, bool) { return nil, false }

// reMatcher is the re modifier: the expression matches anywhere in the value.
type reMatcher struct {
	re     *regexp.Regexp
	parsed *syntax.Regexp
}

func (m *reMatcher) match(vals []string, _ bool, _ Record) bool {
	for _, v := range vals {
		if m.re.MatchString(v) {
			return true
		}
	}
	return false
}

// refMatcher is the fieldref modifier: the field equals (starts with, ...) another field's value.
type refMatcher struct {
	other  string
	anchor string // "", contains, startswith, endswith
	cased  bool
}

func (m refMatcher) match(vals []string, present bool, rec Record) bool {
	if !present {
		return false
	}
	others, ok := rec.Field(m.other)
	if !ok {
		return false
	}
	for _, v := range vals {
		for _, o := range others {
			if !m.cased {
				v, o = foldString(v), foldString(o)
			}
			var hit bool
			switch m.anchor {
			case "contains":
				hit = strings.Contains(v, o)
			case "startswith":
				hit = strings.HasPrefix(v, o)
			case "endswith":
				hit = strings.HasSuffix(v, o)
			default:
				hit = v == o
			}
			if hit {
				return true
			}
		}
	}
	return false
}

func (refMatcher) lits(bool) ([]string, bool) { return nil, false }
