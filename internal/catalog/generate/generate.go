// Package generate builds exsweep's Exchange build catalog (internal/catalog/data/catalog.yaml)
// from Microsoft's public table of Exchange builds (exchange-builds.csv) and a table of older
// interim builds missing from it (exchange-builds-extra.csv). It lives apart from package catalog
// so that the generator is not compiled into exsweep; ../gen is its command line.
package generate

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/exsweep/exsweep/internal/catalog"
)

// Input file names inside the data folder.
const (
	MainCSV  = "exchange-builds.csv"
	ExtraCSV = "exchange-builds-extra.csv"
)

// Version and changelog of the catalog this generator writes by default. Bump both together.
const Version = "2026.11.24"

// changelog lines, newest first.
func changelog() []string {
	return []string{
		"2026.11.24: first catalog: every build of Microsoft's table (Exchange 2007 to SE, to Aug26SU) plus older interim SUs; fix families ProxyLogon, ProxyShell, ProxyToken, ProxyNotShell, OWASSRF",
	}
}

// family is the hand-kept part of a fix family: which CVEs, and the month of the security update
// that first fixed all of them. Which build fixed which CU is derived from the table.
type family struct {
	name, month, note string
	cves              []string
}

func families() []family {
	return []family{
		{"ProxyLogon", "2021-03", "pre-authentication SSRF to remote code execution; first fixed by the March 2021 security updates (KB5000871 and the per-CU builds released in the following days); 2016 CU20 and 2019 CU9 shipped with the fix",
			[]string{"CVE-2021-26855", "CVE-2021-26857", "CVE-2021-26858", "CVE-2021-27065", "CVE-2021-26412", "CVE-2021-27078", "CVE-2021-26854"}},
		{"ProxyShell", "2021-05", "CVE-2021-34473 and CVE-2021-34523 were fixed in April 2021 (KB5001779), CVE-2021-31207 in May 2021 (KB5003435): the family counts as fixed only from the May 2021 level",
			[]string{"CVE-2021-34473", "CVE-2021-34523", "CVE-2021-31207"}},
		{"ProxyToken", "2021-07", "ECP authentication bypass; fixed by the July 2021 security updates",
			[]string{"CVE-2021-33766"}},
		{"ProxyNotShell", "2022-11", "SSRF plus PowerShell remote code execution (authenticated); fixed by the November 2022 security updates (KB5019758)",
			[]string{"CVE-2022-41040", "CVE-2022-41082"}},
		{"OWASSRF", "2022-11", "OWA route to the ProxyNotShell PowerShell endpoint; fixed by the November 2022 security updates",
			[]string{"CVE-2022-41080"}},
	}
}

// kbs are the KB numbers the scan spec names for whole security-update months. Entries are left
// without a KB rather than given an invented one.
func kbs() map[string]string {
	return map[string]string{
		"Mar21SU": "KB5000871",
		"Apr21SU": "KB5001779",
		"May21SU": "KB5003435",
		"Nov22SU": "KB5019758",
	}
}

// familyProducts are the products fix families are derived for.
func familyProducts() []string {
	return []string{catalog.Product2013, catalog.Product2016, catalog.Product2019, catalog.ProductSE}
}

type row struct {
	product, name, date, build, source string
	extra                              bool
	explicitUpdate                     bool // the update label comes from the source, not from the date
	e                                  catalog.Entry
	v                                  catalog.Version
}

// FromDir reads the two CSVs in dir and returns the catalog YAML.
func FromDir(dir string) ([]byte, error) {
	m, err := os.Open(filepath.Join(dir, MainCSV))
	if err != nil {
		return nil, err
	}
	defer m.Close()
	x, err := os.Open(filepath.Join(dir, ExtraCSV))
	if err != nil {
		return nil, err
	}
	defer x.Close()
	f, err := Build(m, x)
	if err != nil {
		return nil, err
	}
	if _, err := catalog.New(f); err != nil {
		return nil, fmt.Errorf("generated catalog does not validate: %w", err)
	}
	return Marshal(f), nil
}

// Build turns the two tables into a catalog File.
func Build(mainCSV, extraCSV io.Reader) (catalog.File, error) {
	mainRows, err := readCSV(mainCSV, MainCSV, false)
	if err != nil {
		return catalog.File{}, err
	}
	extraRows, err := readCSV(extraCSV, ExtraCSV, true)
	if err != nil {
		return catalog.File{}, err
	}
	for _, r := range mainRows {
		if err := parseName(r, nil); err != nil {
			return catalog.File{}, err
		}
	}
	for _, r := range extraRows {
		if err := parseName(r, mainRows); err != nil {
			return catalog.File{}, err
		}
	}
	all := append(append([]*row(nil), mainRows...), extraRows...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].v.Less(all[j].v) })
	f := catalog.File{
		Schema:    catalog.Schema,
		Version:   Version,
		Changelog: changelog(),
		Sources: []string{
			"Microsoft, Exchange Server build numbers and release dates (" + MainCSV + ")",
			"older interim builds missing from it: eightwone.com via righel/ms-exchange-version-nse, and Microsoft CSS-Exchange's build dictionary (" + ExtraCSV + ")",
		},
	}
	seen := map[catalog.Version]string{}
	for _, r := range all {
		if prev, ok := seen[r.v]; ok {
			return catalog.File{}, fmt.Errorf("build %s listed twice: %q and %q", r.build, prev, r.name)
		}
		seen[r.v] = r.name
		f.Builds = append(f.Builds, r.e)
	}
	for _, fd := range families() {
		fam, err := deriveFamily(fd, mainRows, extraRows)
		if err != nil {
			return catalog.File{}, err
		}
		f.Families = append(f.Families, fam)
	}
	return f, nil
}

func readCSV(r io.Reader, file string, extra bool) ([]*row, error) {
	cr := csv.NewReader(r)
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	want := []string{"product", "name", "release_date", "build_short", "build_long"}
	if extra {
		want = append(want, "source")
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != strings.Join(want, ",") {
		return nil, fmt.Errorf("%s: header: want %s", file, strings.Join(want, ","))
	}
	var out []*row
	for i, rec := range recs[1:] {
		r := &row{product: rec[0], name: rec[1], date: rec[2], build: rec[3], extra: extra}
		if extra {
			r.source = rec[5]
		}
		v, err := catalog.ParseBuild(r.build)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, i+2, err)
		}
		long, err := catalog.ParseBuild(rec[4])
		if err != nil || long != v {
			return nil, fmt.Errorf("%s:%d: build_long %q disagrees with build_short %q", file, i+2, rec[4], r.build)
		}
		r.v = v
		p, ok := strings.CutPrefix(r.product, "Exchange Server ")
		if !ok {
			return nil, fmt.Errorf("%s:%d: product %q", file, i+2, r.product)
		}
		r.e = catalog.Entry{Product: p, Name: r.name, Build: v.String(), Date: r.date}
		if extra {
			r.e.Source = r.source
		}
		out = append(out, r)
	}
	return out, nil
}

var (
	modernName = regexp.MustCompile(`^Exchange Server (?:20\d\d|SE)\b\s*(.*)$`)
	cuToken    = regexp.MustCompile(`^(CU\d+|RTM|SP\d|Preview)$`)
	suToken    = regexp.MustCompile(`^[A-Z][a-z]{2}\d{2}(SU|HU)(v\d)?$`)
	kbToken    = regexp.MustCompile(`^(KB\d+)(v\d+)?$`)
	rollupName = regexp.MustCompile(`^Update Rollup (\d+)(?:[ -]?(v\d+))?\s*(?:for)?\s*Exchange Server (?:2007|2010)(?:\s+(SP\d))?`)
	spName     = regexp.MustCompile(`^Exchange Server (?:2007|2010) (SP\d|RTM)$`)
	cssLabel   = regexp.MustCompile(`CSS-Exchange dictionary as (?:CU\d+|RTM|SP\d) ([A-Z][a-z]{2}\d{2}SU)`)
	months     = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// parseName fills cu, update and kb from the name (and, for extra rows, the main table).
func parseName(r *row, mainRows []*row) error {
	e := &r.e
	if m := rollupName.FindStringSubmatch(r.name); m != nil {
		e.CU = "RTM"
		if m[3] != "" {
			e.CU = m[3]
		}
		e.Update = "RU" + m[1] + m[2]
		r.explicitUpdate = true
		if sp := "SP" + strconv.Itoa(r.v.Minor); r.v.Minor > 0 && e.CU != sp {
			e.Note = fmt.Sprintf("the name says %s but the build number says %s; kept as the source gives it", e.CU, sp)
		}
		return nil
	}
	if m := spName.FindStringSubmatch(r.name); m != nil {
		e.CU = m[1]
		return nil
	}
	m := modernName.FindStringSubmatch(r.name)
	if m == nil {
		return fmt.Errorf("build %s: cannot read the name %q", r.build, r.name)
	}
	toks := strings.Fields(m[1])
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case i == 0 && cuToken.MatchString(t):
			e.CU = t
		case suToken.MatchString(t):
			e.Update = t
			r.explicitUpdate = true
		case t == "+" && i+1 < len(toks) && kbToken.MatchString(toks[i+1]):
			kb := kbToken.FindStringSubmatch(toks[i+1])[1] // KB2874216v2: the KB's second release
			i++
			if len(kb) == len("KB1234567") {
				e.KB = kb
			} else {
				e.Note = fmt.Sprintf("the source's KB number %s is not seven digits; not copied", kb)
			}
		case strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")"): // (2025H1), (CU4)
		default:
			return fmt.Errorf("build %s: unexpected %q in the name %q", r.build, t, r.name)
		}
	}
	if e.CU == "" { // "Exchange Server 2019 + KB4503027": the CU of the same three parts
		for _, mr := range mainRows {
			if mr.e.Update == "" && mr.v.SameCU(r.v) && mr.e.Product == e.Product {
				e.CU = mr.e.CU
			}
		}
		if e.CU == "" {
			return fmt.Errorf("build %s: no CU in the name %q nor in the main table", r.build, r.name)
		}
	}
	if e.Update == "" && strings.Contains(r.name, "+ KB") {
		if c := cssLabel.FindStringSubmatch(r.source); c != nil {
			e.Update = c[1]
			r.explicitUpdate = true
		} else if len(r.date) >= 7 {
			mo, err := strconv.Atoi(r.date[5:7])
			if err != nil || mo < 1 || mo > 12 {
				return fmt.Errorf("build %s: date %q", r.build, r.date)
			}
			e.Update = months[mo-1] + r.date[2:4] + "SU"
		}
	}
	if e.KB == "" && !r.extra && e.Product != catalog.Product2007 && e.Product != catalog.Product2010 {
		e.KB = kbs()[e.Update]
	}
	if r.extra && e.Update == "" && e.CU != "Preview" {
		// Another number for a CU release of the main table (2019 CU9 reports 15.2.858.2 where its
		// product build is 15.2.858.5): verdicts use the main table's build.
		for _, mr := range mainRows {
			if mr.name == r.name && mr.v.SameCU(r.v) && mr.v != r.v {
				e.SameAs = mr.e.Build
				e.Note = fmt.Sprintf("another number for %s (%s in Microsoft's table); verdicts use %s", mr.name, mr.e.Build, mr.e.Build)
			}
		}
	}
	return nil
}

// deriveFamily finds, per product and CU, the first build with the fix: the CU's own release when
// it shipped on or after the first fixing update, else the first SU of that CU released on or
// after it. Later CUs than the first one released with the fix are implied (CUs are cumulative).
func deriveFamily(fd family, mainRows, extraRows []*row) (catalog.Family, error) {
	fam := catalog.Family{Name: fd.name, CVEs: fd.cves, FirstFix: fd.month, Note: fd.note}
	ref := ""
	for _, r := range mainRows {
		if r.e.Update != "" && strings.HasPrefix(r.date, fd.month) && (ref == "" || r.date < ref) {
			ref = r.date
		}
	}
	if ref == "" {
		return fam, fmt.Errorf("family %s: no security update released in %s", fd.name, fd.month)
	}
	for _, p := range familyProducts() {
		var cus []*row
		for _, r := range mainRows {
			if r.e.Product == p && r.e.Update == "" && r.e.CU != "Preview" {
				cus = append(cus, r)
			}
		}
		sort.Slice(cus, func(i, j int) bool { return cus[i].v.Less(cus[j].v) })
		for _, cu := range cus {
			if cu.date >= ref {
				fam.Fixes = append(fam.Fixes, fixOf(cu, extraRows))
				break
			}
			var first *row
			for _, r := range mainRows {
				if r.e.Product == p && r.e.CU == cu.e.CU && r.e.Update != "" && r.v.SameCU(cu.v) && r.date >= ref {
					if first == nil || r.v.Less(first.v) {
						first = r
					}
				}
			}
			if first != nil {
				fam.Fixes = append(fam.Fixes, fixOf(first, extraRows))
			}
		}
	}
	return fam, nil
}

func fixOf(r *row, extraRows []*row) catalog.Fix {
	fx := catalog.Fix{Product: r.e.Product, CU: r.e.CU, Update: r.e.Update, Name: r.name, KB: r.e.KB, Build: r.e.Build}
	if r.e.Update == "" {
		return fx
	}
	for _, x := range extraRows {
		if x.explicitUpdate && x.e.Product == r.e.Product && x.e.CU == r.e.CU && x.e.Update == r.e.Update && x.v.SameCU(r.v) && x.v != r.v {
			fx.AltBuild, fx.AltSource = x.e.Build, x.source
		}
	}
	return fx
}

// q quotes a YAML scalar (a JSON string is a valid YAML double-quoted scalar).
func q(s string) string { return strconv.Quote(s) }

// Marshal writes f as the catalog's YAML: one line per build and per fix, stable order.
func Marshal(f catalog.File) []byte {
	var b bytes.Buffer
	b.WriteString("# exsweep's catalog of Exchange Server builds and fix families.\n")
	b.WriteString("# Generated by `go run ./internal/catalog/gen -in DATA -out internal/catalog/data/catalog.yaml`\n")
	b.WriteString("# from Microsoft's public table of Exchange builds. Do not edit by hand: edit the generator.\n")
	fmt.Fprintf(&b, "schema: %d\nversion: %s\nchangelog:\n", f.Schema, q(f.Version))
	for _, c := range f.Changelog {
		fmt.Fprintf(&b, "  - %s\n", q(c))
	}
	b.WriteString("sources:\n")
	for _, s := range f.Sources {
		fmt.Fprintf(&b, "  - %s\n", q(s))
	}
	b.WriteString("families:\n")
	for _, fam := range f.Families {
		fmt.Fprintf(&b, "  - name: %s\n    cves: [", q(fam.Name))
		for i, c := range fam.CVEs {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(q(c))
		}
		fmt.Fprintf(&b, "]\n    first_fix: %s\n", q(fam.FirstFix))
		if fam.Note != "" {
			fmt.Fprintf(&b, "    note: %s\n", q(fam.Note))
		}
		b.WriteString("    fixes:\n")
		for _, fx := range fam.Fixes {
			fmt.Fprintf(&b, "      - {product: %s, cu: %s, update: %s, name: %s", q(fx.Product), q(fx.CU), q(fx.Update), q(fx.Name))
			opt(&b, "kb", fx.KB)
			fmt.Fprintf(&b, ", build: %s", q(fx.Build))
			opt(&b, "alt_build", fx.AltBuild)
			opt(&b, "alt_source", fx.AltSource)
			b.WriteString("}\n")
		}
	}
	b.WriteString("builds:\n")
	for _, e := range f.Builds {
		fmt.Fprintf(&b, "  - {product: %s, cu: %s, update: %s, name: %s", q(e.Product), q(e.CU), q(e.Update), q(e.Name))
		opt(&b, "kb", e.KB)
		fmt.Fprintf(&b, ", build: %s, date: %s", q(e.Build), q(e.Date))
		opt(&b, "same_as", e.SameAs)
		opt(&b, "source", e.Source)
		opt(&b, "note", e.Note)
		b.WriteString("}\n")
	}
	return b.Bytes()
}

func opt(b *bytes.Buffer, key, val string) {
	if val != "" {
		fmt.Fprintf(b, ", %s: %s", key, q(val))
	}
}
