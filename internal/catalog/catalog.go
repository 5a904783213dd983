// Package catalog is exsweep's catalog of Exchange Server builds: every known cumulative update
// (CU) and security update (SU) with its build number and date, and for each fix family
// (ProxyLogon, ProxyShell, ...) the build that first shipped the fix on each CU. It answers
// "what is build X, and which fixes does it lack?" following the decision rule Microsoft's own
// support tools use (docs: the scan spec, "Which fixes does a build lack?").
//
// The data is versioned and embedded (data/catalog.yaml, produced by ./gen from Microsoft's
// public build table); Load reads a newer file in the same schema.
package catalog

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"

	"gopkg.in/yaml.v3"
)

// Schema is the catalog schema this exsweep reads.
const Schema = 1

//go:embed data/catalog.yaml
var embedded []byte

// Embedded returns the raw bytes of the built-in catalog.
func Embedded() []byte { return bytes.Clone(embedded) }

// File is the catalog as stored.
type File struct {
	Schema    int      `yaml:"schema" json:"schema"`
	Version   string   `yaml:"version" json:"version"`
	Changelog []string `yaml:"changelog" json:"changelog"`
	Sources   []string `yaml:"sources,omitempty" json:"sources,omitempty"`
	Builds    []Entry  `yaml:"builds" json:"builds"`
	Families  []Family `yaml:"families" json:"families"`
}

// Entry is one known build.
type Entry struct {
	Product string `yaml:"product" json:"product"` // 2007, 2010, 2013, 2016, 2019, SE
	CU      string `yaml:"cu" json:"cu"`           // CU8, RTM, SP1, Preview; service pack for 2007/2010
	Update  string `yaml:"update" json:"update"`   // Mar21SU, Apr25HU; "" for the CU's own release
	Name    string `yaml:"name" json:"name"`       // the source's full name, verbatim
	KB      string `yaml:"kb,omitempty" json:"kb,omitempty"`
	Build   string `yaml:"build" json:"build"`
	Date    string `yaml:"date" json:"date"` // as the source gives it: 2021-03-02 or 2021-03
	// SameAs: this number is what a server at build SameAs reports (e.g. 2019 CU9 reports
	// 15.2.858.2 in some places, product build 15.2.858.5); verdicts use SameAs.
	SameAs string `yaml:"same_as,omitempty" json:"same_as,omitempty"`
	Source string `yaml:"source,omitempty" json:"source,omitempty"` // "" = Microsoft's table
	Note   string `yaml:"note,omitempty" json:"note,omitempty"`

	v Version
}

// Version is the parsed build.
func (e *Entry) Version() Version { return e.v }

// Family is a group of CVEs fixed together, with the build that first fixed it on each CU.
type Family struct {
	Name     string   `yaml:"name" json:"name"`
	CVEs     []string `yaml:"cves" json:"cves"`
	FirstFix string   `yaml:"first_fix" json:"first_fix"` // month of the first fixing update, 2021-03
	Note     string   `yaml:"note,omitempty" json:"note,omitempty"`
	Fixes    []Fix    `yaml:"fixes" json:"fixes"`
}

// Fix is the first build of one CU that contains a family's fix: an SU on that CU, or the CU's
// own release when the CU shipped after the fix.
type Fix struct {
	Product string `yaml:"product" json:"product"`
	CU      string `yaml:"cu" json:"cu"`
	Update  string `yaml:"update" json:"update"`
	Name    string `yaml:"name" json:"name"`
	KB      string `yaml:"kb,omitempty" json:"kb,omitempty"`
	Build   string `yaml:"build" json:"build"`
	// AltBuild: another source names a different build for the same update. Builds between the
	// two are "unknown (build-ambiguous)", never a guess.
	AltBuild  string `yaml:"alt_build,omitempty" json:"alt_build,omitempty"`
	AltSource string `yaml:"alt_source,omitempty" json:"alt_source,omitempty"`

	v, alt Version
}

// low and high bound the disputed range [low, high): below low vulnerable, from high fixed.
func (f *Fix) low() Version {
	if f.AltBuild != "" && f.alt.Less(f.v) {
		return f.alt
	}
	return f.v
}

func (f *Fix) high() Version {
	if f.AltBuild != "" && f.v.Less(f.alt) {
		return f.alt
	}
	return f.v
}

// Catalog is a loaded, validated catalog.
type Catalog struct {
	File
	byProduct map[string][]*Entry // sorted by build
	byBuild   map[Version]*Entry
}

// Default returns the embedded catalog, parsed anew on each call (a few milliseconds; callers
// keep it): no package-level cache.
func Default() (*Catalog, error) {
	c, err := Load(bytes.NewReader(embedded))
	if err != nil {
		return nil, fmt.Errorf("built-in build catalog: %w", err)
	}
	return c, nil
}

// Load reads and validates a catalog file (YAML, or JSON, which is YAML too).
func Load(r io.Reader) (*Catalog, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, err
	}
	// Check the schema number first, so a newer file says so instead of failing on a field.
	var head struct {
		Schema *int `yaml:"schema"`
	}
	if err := yaml.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("catalog: not valid YAML: %w", err)
	}
	if head.Schema == nil {
		return nil, errors.New("catalog: field schema: missing")
	}
	if *head.Schema != Schema {
		return nil, fmt.Errorf("catalog: schema %d: this exsweep reads schema %d", *head.Schema, Schema)
	}
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return New(f)
}

var (
	kbPattern  = regexp.MustCompile(`^KB\d{6,7}$`)
	cvePattern = regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`)
	onPrem     = map[string]bool{Product2007: true, Product2010: true, Product2013: true, Product2016: true, Product2019: true, ProductSE: true}
)

// New validates f and indexes it.
func New(f File) (*Catalog, error) {
	if f.Schema != Schema {
		return nil, fmt.Errorf("catalog: schema %d: this exsweep reads schema %d", f.Schema, Schema)
	}
	if f.Version == "" {
		return nil, errors.New("catalog: field version: missing")
	}
	c := &Catalog{File: f, byProduct: map[string][]*Entry{}, byBuild: map[Version]*Entry{}}
	c.Builds = append([]Entry(nil), f.Builds...)
	for i := range c.Builds {
		e := &c.Builds[i]
		where := fmt.Sprintf("catalog: builds[%d] (%s)", i, e.Build)
		v, err := ParseBuild(e.Build)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		e.v = v
		if !onPrem[e.Product] {
			return nil, fmt.Errorf("%s: product %q: want 2007, 2010, 2013, 2016, 2019 or SE", where, e.Product)
		}
		if p := ProductOf(v); p != e.Product {
			return nil, fmt.Errorf("%s: product %q but the build number says %q", where, e.Product, p)
		}
		if e.Name == "" || e.CU == "" || e.Date == "" {
			return nil, fmt.Errorf("%s: name, cu and date are required", where)
		}
		if e.KB != "" && !kbPattern.MatchString(e.KB) {
			return nil, fmt.Errorf("%s: kb %q: want KB and digits", where, e.KB)
		}
		if c.byBuild[v] != nil {
			return nil, fmt.Errorf("%s: build listed twice", where)
		}
		c.byBuild[v] = e
		c.byProduct[e.Product] = append(c.byProduct[e.Product], e)
	}
	for _, es := range c.byProduct {
		sort.Slice(es, func(i, j int) bool { return es[i].v.Less(es[j].v) })
	}
	for _, e := range c.byBuild {
		if e.SameAs == "" {
			continue
		}
		v, err := ParseBuild(e.SameAs)
		if err != nil || c.byBuild[v] == nil || !v.SameCU(e.v) {
			return nil, fmt.Errorf("catalog: build %s: same_as %q: want a known build of the same CU", e.Build, e.SameAs)
		}
	}
	c.Families = append([]Family(nil), f.Families...)
	names := map[string]bool{}
	for i := range c.Families {
		fam := &c.Families[i]
		where := fmt.Sprintf("catalog: families[%d] (%s)", i, fam.Name)
		if fam.Name == "" || names[fam.Name] {
			return nil, fmt.Errorf("%s: name missing or repeated", where)
		}
		names[fam.Name] = true
		if len(fam.CVEs) == 0 {
			return nil, fmt.Errorf("%s: cves: missing", where)
		}
		for _, cve := range fam.CVEs {
			if !cvePattern.MatchString(cve) {
				return nil, fmt.Errorf("%s: cve %q: want CVE-YYYY-NNNN", where, cve)
			}
		}
		fam.Fixes = append([]Fix(nil), fam.Fixes...)
		seenCU := map[string]bool{}
		for j := range fam.Fixes {
			fx := &fam.Fixes[j]
			fw := fmt.Sprintf("%s: fixes[%d] (%s)", where, j, fx.Build)
			v, err := ParseBuild(fx.Build)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", fw, err)
			}
			fx.v = v
			if e := c.byBuild[v]; e == nil || e.Product != fx.Product {
				return nil, fmt.Errorf("%s: not a known build of product %q", fw, fx.Product)
			}
			if seenCU[v.CUString()] {
				return nil, fmt.Errorf("%s: a second fix for the same CU", fw)
			}
			seenCU[v.CUString()] = true
			if fx.AltBuild != "" {
				a, err := ParseBuild(fx.AltBuild)
				if err != nil || !a.SameCU(v) {
					return nil, fmt.Errorf("%s: alt_build %q: want a build of the same CU", fw, fx.AltBuild)
				}
				fx.alt = a
			}
		}
		sort.SliceStable(fam.Fixes, func(a, b int) bool { return fam.Fixes[a].v.Less(fam.Fixes[b].v) })
	}
	return c, nil
}

// Entry returns the known build v, or nil.
func (c *Catalog) Entry(v Version) *Entry { return c.byBuild[v] }

// Entries returns the known builds of a product, oldest first.
func (c *Catalog) Entries(product string) []*Entry { return c.byProduct[product] }

// Family returns the family called name, or nil.
func (c *Catalog) Family(name string) *Family {
	for i := range c.Families {
		if c.Families[i].Name == name {
			return &c.Families[i]
		}
	}
	return nil
}

// fixesFor returns a family's fixes for one product, oldest first.
func (f *Family) fixesFor(product string) []*Fix {
	var out []*Fix
	for i := range f.Fixes {
		if f.Fixes[i].Product == product {
			out = append(out, &f.Fixes[i])
		}
	}
	return out
}
