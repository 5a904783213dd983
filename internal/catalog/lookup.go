package catalog

import (
	"errors"
	"fmt"
)

// Status of one fix family on one build.
type Status string

// The three answers. Unknown always comes with a reason.
const (
	Vulnerable Status = "vulnerable"
	Fixed      Status = "fixed"
	Unknown    Status = "unknown"
)

// Reasons for Unknown.
const (
	ReasonNeedsSULevel  = "needs-su-level-evidence" // only the CU is known, and it got the fix by SU
	ReasonAmbiguous     = "build-ambiguous"         // sources disagree on the fixing build; the build lies between
	ReasonUnknownCU     = "unknown-cu"              // the build's CU is not in the catalog
	ReasonNoProductData = "not-covered"             // the catalog has no fix data for this product
)

var (
	// ErrNotOnPremises: a 15.20 build is Exchange Online (Microsoft 365), never an on-premises server.
	ErrNotOnPremises = errors.New("Exchange Online (Microsoft 365) build, never an on-premises server")
	// ErrUnknownProduct: the major.minor is no Exchange Server version the catalog knows.
	ErrUnknownProduct = errors.New("not an Exchange Server version this catalog knows")
)

// Match says how a looked-up build relates to the catalog.
const (
	MatchExact        = "exact"         // the build is in the catalog
	MatchNearestLower = "nearest-lower" // not listed; Known is the newest listed build below it
	MatchCU           = "cu"            // a three-part (CU-only) lookup; Known is the CU's release
	MatchNone         = "none"          // nothing known at or below it
)

// Result is what the catalog says about one build.
type Result struct {
	Query          string    `json:"query"`
	Build          string    `json:"build"` // normalised: four parts, or three for a CU-only lookup
	CUOnly         bool      `json:"cu_only"`
	Product        string    `json:"product"`
	ProductName    string    `json:"product_name"`
	CU             string    `json:"cu,omitempty"` // "" when the CU is not in the catalog
	Update         string    `json:"update,omitempty"`
	Match          string    `json:"match"`
	Known          *Entry    `json:"known,omitempty"`
	EvaluatedAs    string    `json:"evaluated_as,omitempty"` // when Known reports for another product build
	LatestOnCU     *Entry    `json:"latest_on_cu,omitempty"`
	Latest         *Entry    `json:"latest,omitempty"`
	Families       []Verdict `json:"families"`
	CatalogVersion string    `json:"catalog_version"`
}

// Verdict is one family's status on a build.
type Verdict struct {
	Family  string   `json:"family"`
	CVEs    []string `json:"cves"`
	Status  Status   `json:"status"`
	Reason  string   `json:"reason,omitempty"`
	Why     string   `json:"why"`
	Install *Install `json:"install,omitempty"`
}

// Install is the update that fixes a family.
type Install struct {
	Name   string `json:"name"`
	Update string `json:"update"` // "" when the install is a CU itself
	KB     string `json:"kb,omitempty"`
	Build  string `json:"build"`
	// CUUpgradeFirst: the build's CU never got the fix; move to CU first.
	CUUpgradeFirst bool   `json:"cu_upgrade_first"`
	CU             string `json:"cu,omitempty"`
}

// String is "unknown(reason)" or the bare status.
func (v Verdict) String() string {
	if v.Status == Unknown {
		return fmt.Sprintf("unknown(%s)", v.Reason)
	}
	return string(v.Status)
}

func (c *Catalog) product(v Version) (string, error) {
	p := ProductOf(v)
	switch {
	case p == ProductOnline:
		return "", fmt.Errorf("%s: %w", v, ErrNotOnPremises)
	case p == "":
		return "", fmt.Errorf("%d.%d: %w", v.Major, v.Minor, ErrUnknownProduct)
	}
	return p, nil
}

// cuOf names the CU of v from the catalog's entries with the same three parts: the nearest one at
// or below v, else the lowest (Preview and RTM of 2016 share 15.1.225).
func (c *Catalog) cuOf(product string, v Version) (cu string, release, latest *Entry) {
	var below, first *Entry
	for _, e := range c.byProduct[product] {
		if !e.v.SameCU(v) {
			continue
		}
		if first == nil {
			first = e
		}
		if !v.Less(e.v) {
			below = e
		}
	}
	pick := below
	if pick == nil {
		pick = first
	}
	if pick == nil {
		return "", nil, nil
	}
	for _, e := range c.byProduct[product] {
		if e.v.SameCU(v) && e.CU == pick.CU {
			if release == nil && e.Update == "" && e.SameAs == "" {
				release = e
			}
			latest = e
		}
	}
	if release == nil {
		release = first
	}
	return pick.CU, release, latest
}

// Lookup describes a four-part build and decides every fix family for it.
func (c *Catalog) Lookup(v Version) (*Result, error) {
	product, err := c.product(v)
	if err != nil {
		return nil, err
	}
	r := &Result{Query: v.String(), Build: v.String(), Product: product, ProductName: ProductName(product), CatalogVersion: c.Version, Match: MatchNone}
	es := c.byProduct[product]
	if len(es) > 0 {
		r.Latest = es[len(es)-1]
	}
	for _, e := range es {
		if e.v.Less(v) || e.v == v {
			r.Known = e
		}
	}
	eval := v
	if r.Known != nil {
		r.Match = MatchNearestLower
		if r.Known.v == v {
			r.Match = MatchExact
			r.Update = r.Known.Update
			if r.Known.SameAs != "" {
				eval, _ = ParseBuild(r.Known.SameAs)
				r.EvaluatedAs = eval.String()
			}
		} else if r.Known.v.SameCU(v) {
			r.Update = r.Known.Update // at least this update's level
		}
	}
	r.CU, _, r.LatestOnCU = c.cuOf(product, v)
	for i := range c.Families {
		r.Families = append(r.Families, decide(&c.Families[i], product, eval, r.CU))
	}
	return r, nil
}

// LookupCU decides the families when only the CU (three parts, e.g. from the logon page's
// resource path) is known.
func (c *Catalog) LookupCU(v Version) (*Result, error) {
	v.Revision = 0
	product, err := c.product(v)
	if err != nil {
		return nil, err
	}
	r := &Result{Query: v.CUString(), Build: v.CUString(), CUOnly: true, Product: product, ProductName: ProductName(product), CatalogVersion: c.Version, Match: MatchNone}
	if es := c.byProduct[product]; len(es) > 0 {
		r.Latest = es[len(es)-1]
	}
	r.CU, r.Known, r.LatestOnCU = c.cuOf(product, v)
	if r.Known != nil {
		r.Match = MatchCU
	}
	for i := range c.Families {
		r.Families = append(r.Families, decideCU(&c.Families[i], product, v, r.CU))
	}
	return r, nil
}

func base(f *Family) Verdict { return Verdict{Family: f.Name, CVEs: f.CVEs} }

// start returns the family's fixing builds for the product, or, with ok false, the unknown
// verdict when the catalog has none (Exchange 2007 and 2010).
func start(f *Family, product string) (out Verdict, fixes []*Fix, ok bool) {
	out = base(f)
	fixes = f.fixesFor(product)
	if len(fixes) == 0 {
		out.Status, out.Reason = Unknown, ReasonNoProductData
		out.Why = fmt.Sprintf("the catalog has no %s fix data for %s", f.Name, ProductName(product))
		return out, nil, false
	}
	return out, fixes, true
}

func installOf(fx *Fix, upgrade bool) *Install {
	return &Install{Name: fx.Name, Update: fx.Update, KB: fx.KB, Build: fx.high().String(), CUUpgradeFirst: upgrade, CU: cuIf(upgrade, fx.CU)}
}

func cuIf(b bool, s string) string {
	if b {
		return s
	}
	return ""
}

// decide is the scan spec's rule for a four-part build:
//  1. collect every build that shipped the fix for this product;
//  2. at or above the newest of them: fixed (CUs are cumulative);
//  3. else, if the build's own CU got the fix: fixed iff at or above that CU's fixing build;
//  4. else vulnerable, and only a CU upgrade fixes it.
//
// Where two sources disagree on a fixing build, builds between the two are unknown.
func decide(f *Family, product string, v Version, cu string) Verdict {
	out, fixes, ok := start(f, product)
	if !ok {
		return out
	}
	newest := fixes[len(fixes)-1]
	if !v.Less(newest.high()) {
		out.Status = Fixed
		out.Why = fmt.Sprintf("%s is at or above %s (%s), the newest build that first shipped the fix for this product; later builds contain it", v, newest.high(), newest.Name)
		return out
	}
	for _, fx := range fixes {
		if !fx.v.SameCU(v) {
			continue
		}
		switch {
		case !v.Less(fx.high()):
			out.Status = Fixed
			out.Why = fmt.Sprintf("%s is at or above %s (%s), which fixed its CU", v, fx.high(), fx.Name)
		case !v.Less(fx.low()):
			out.Status, out.Reason = Unknown, ReasonAmbiguous
			out.Why = fmt.Sprintf("sources disagree on the build of %s: %s (Microsoft's table) or %s (%s); %s lies between", fx.Name, fx.Build, fx.AltBuild, fx.AltSource, v)
			out.Install = installOf(fx, false)
		default:
			out.Status = Vulnerable
			out.Why = fmt.Sprintf("%s is below %s (%s), the first build of its CU with the fix", v, fx.high(), fx.Name)
			out.Install = installOf(fx, false)
		}
		return out
	}
	if cu == "" {
		out.Status, out.Reason = Unknown, ReasonUnknownCU
		out.Why = fmt.Sprintf("%s is below the newest fixing build %s, and its CU (%s) is not in the catalog", v, newest.high(), v.CUString())
		return out
	}
	out.Status = Vulnerable
	out.Why = fmt.Sprintf("%s never got the %s fix; only a newer CU fixes it", cu, f.Name)
	out.Install = installOf(newest, true)
	return out
}

// decideCU decides a family knowing only the CU. Every build of the CU must share the verdict,
// else it is unknown (needs-su-level-evidence):
//   - the CU is newer than every CU that got the fix, or its own release contains it: fixed;
//   - the CU got the fix by a security update: unknown, the SU level decides;
//   - the CU never got the fix (and is older than the newest that did): vulnerable.
func decideCU(f *Family, product string, v Version, cu string) Verdict {
	out, fixes, ok := start(f, product)
	if !ok {
		return out
	}
	newest := fixes[len(fixes)-1]
	if newest.v.Major == v.Major && newest.v.Minor == v.Minor && newest.v.Build < v.Build {
		out.Status = Fixed
		out.Why = fmt.Sprintf("CU %s is newer than every CU that got the fix (newest: %s)", v.CUString(), newest.Name)
		return out
	}
	for _, fx := range fixes {
		if !fx.v.SameCU(v) {
			continue
		}
		if fx.Update == "" && fx.AltBuild == "" {
			out.Status = Fixed
			out.Why = fmt.Sprintf("%s shipped with the fix: every build of it has it", fx.Name)
			return out
		}
		out.Status, out.Reason = Unknown, ReasonNeedsSULevel
		out.Why = fmt.Sprintf("%s got the fix by a security update (%s, %s); the CU alone does not say whether it is installed", cu, fx.Name, fx.high())
		out.Install = installOf(fx, false)
		return out
	}
	if cu == "" {
		out.Status, out.Reason = Unknown, ReasonUnknownCU
		out.Why = fmt.Sprintf("CU %s is not in the catalog", v.CUString())
		return out
	}
	out.Status = Vulnerable
	out.Why = fmt.Sprintf("%s never got the %s fix; only a newer CU fixes it", cu, f.Name)
	out.Install = installOf(newest, true)
	return out
}
