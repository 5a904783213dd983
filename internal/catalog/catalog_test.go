package catalog_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/catalog"
	"github.com/exsweep/exsweep/internal/catalog/generate"
)

// sharedData is the shared reference folder beside the repository (CI has it; the project must
// pass without it).
const sharedData = "../../../shared/data"

func mustBuild(t testing.TB, s string) catalog.Version {
	t.Helper()
	v, err := catalog.ParseBuild(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func defaultCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseBuild(t *testing.T) {
	tests := []struct {
		in   string
		want catalog.Version
		ok   bool
	}{
		{"15.1.2176.9", catalog.Version{15, 1, 2176, 9}, true},
		{"15.02.0858.005", catalog.Version{15, 2, 858, 5}, true}, // long form
		{"15.20.4000.1", catalog.Version{15, 20, 4000, 1}, true},
		{"8.0.685.25", catalog.Version{8, 0, 685, 25}, true},
		{"0.0.0.0", catalog.Version{}, true},
		{"15.2.858", catalog.Version{}, false}, // three parts: ParseCU
		{"15.1.2176.9.1", catalog.Version{}, false},
		{"", catalog.Version{}, false},
		{"15..2176.9", catalog.Version{}, false},
		{"15.1.2176.9 ", catalog.Version{}, false},
		{"15.1.2176.+9", catalog.Version{}, false},
		{"-15.1.2176.9", catalog.Version{}, false},
		{"15.1.2176.x", catalog.Version{}, false},
		{"15.1.1234567.1", catalog.Version{}, false}, // too many digits
		{"15.1.2176.\u0669", catalog.Version{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := catalog.ParseBuild(tc.in)
			if (err == nil) != tc.ok {
				t.Fatalf("ParseBuild(%q) error = %v, want ok=%v", tc.in, err, tc.ok)
			}
			if err != nil && !errors.Is(err, catalog.ErrMalformed) {
				t.Errorf("error %v does not wrap ErrMalformed", err)
			}
			if tc.ok && got != tc.want {
				t.Errorf("ParseBuild(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
	cu, err := catalog.ParseCU("15.2.858")
	if err != nil || cu != (catalog.Version{15, 2, 858, 0}) {
		t.Errorf("ParseCU(15.2.858) = %v, %v", cu, err)
	}
	if _, err := catalog.ParseCU("15.2.858.5"); err == nil {
		t.Error("ParseCU accepted four parts")
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"15.2.858.5", "15.20.0.0", -1}, // 15.2 < 15.20: numbers, not strings
		{"15.2.9999.0", "15.20.1.1", -1},
		{"15.1.2176.9", "15.1.2176.4", 1},
		{"15.1.2176.10", "15.1.2176.9", 1}, // "10" < "9" as strings
		{"15.1.999.1", "15.1.1000.1", -1},
		{"15.0.1497.48", "15.1.225.16", -1},
		{"15.2.858.5", "15.02.0858.005", 0},
		{"14.3.513.0", "8.3.517.0", 1},
	}
	for _, tc := range tests {
		a, b := mustBuild(t, tc.a), mustBuild(t, tc.b)
		if got := a.Compare(b); got != tc.want {
			t.Errorf("%s vs %s = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := b.Compare(a); got != -tc.want {
			t.Errorf("%s vs %s = %d, want %d", tc.b, tc.a, got, -tc.want)
		}
	}
}

func TestProductOf(t *testing.T) {
	tests := map[string]string{
		"15.0.1497.48": "2013", "15.1.2507.72": "2016", "15.2.1748.49": "2019", "15.2.2561.99": "2019",
		"15.2.2562.17": "SE", "15.20.8000.1": "Online", "14.3.513.0": "2010", "8.3.517.0": "2007",
		"16.0.1.1": "", "15.3.1.1": "",
	}
	for in, want := range tests {
		if got := catalog.ProductOf(mustBuild(t, in)); got != want {
			t.Errorf("ProductOf(%s) = %q, want %q", in, got, want)
		}
	}
}

func verdict(t *testing.T, r *catalog.Result, family string) catalog.Verdict {
	t.Helper()
	for _, v := range r.Families {
		if v.Family == family {
			return v
		}
	}
	t.Fatalf("no family %s in %+v", family, r.Families)
	return catalog.Verdict{}
}

func TestLookupFamilies(t *testing.T) {
	c := defaultCatalog(t)
	tests := []struct {
		build, family, want string
		install             string // target build, "" for none
		cuUpgrade           bool
	}{
		{"15.1.2176.2", "ProxyLogon", "vulnerable", "15.1.2176.9", false}, // 2016 CU19 → Mar21SU
		{"15.1.2176.4", "ProxyLogon", "vulnerable", "15.1.2176.9", false}, // Feb21SU (extra table)
		{"15.1.2176.9", "ProxyLogon", "fixed", "", false},
		{"15.1.2176.9", "ProxyShell", "vulnerable", "15.1.2176.14", false},
		{"15.1.2176.12", "ProxyShell", "vulnerable", "15.1.2176.14", false}, // April only: not the family
		{"15.1.2176.14", "ProxyShell", "fixed", "", false},
		{"15.1.2176.14", "ProxyToken", "vulnerable", "15.1.2375.7", true}, // CU19 never got it
		{"15.1.2242.4", "ProxyLogon", "fixed", "", false},                 // CU20 shipped with it
		{"15.2.858.5", "ProxyLogon", "fixed", "", false},                  // 2019 CU9
		{"15.2.858.2", "ProxyLogon", "fixed", "", false},                  // CU9's other number
		{"15.2.858.5", "ProxyShell", "vulnerable", "15.2.858.12", false},
		{"15.2.792.3", "ProxyLogon", "vulnerable", "15.2.792.10", false},
		{"15.2.792.13", "ProxyShell", "vulnerable", "15.2.792.15", false},
		{"15.2.922.7", "ProxyShell", "fixed", "", false},
		{"15.2.922.7", "ProxyToken", "vulnerable", "15.2.922.13", false},
		{"15.2.1118.20", "ProxyNotShell", "fixed", "", false},
		{"15.2.1118.15", "OWASSRF", "vulnerable", "15.2.1118.20", false},
		{"15.0.1367.3", "ProxyLogon", "vulnerable", "15.0.1497.12", true}, // 2013 CU20: CU upgrade first
		{"15.0.1395.4", "ProxyLogon", "vulnerable", "15.0.1395.12", false},
		{"15.0.847.64", "ProxyLogon", "fixed", "", false}, // 2013 SP1 Mar21SU
		{"15.0.1497.48", "ProxyNotShell", "fixed", "", false},
		// Sources disagree: Microsoft .10 / scripts .8 (CU8), .16 / .13 (CU9).
		{"15.1.1415.7", "ProxyLogon", "vulnerable", "15.1.1415.10", false},
		{"15.1.1415.8", "ProxyLogon", "unknown(build-ambiguous)", "15.1.1415.10", false},
		{"15.1.1415.9", "ProxyLogon", "unknown(build-ambiguous)", "15.1.1415.10", false},
		{"15.1.1415.10", "ProxyLogon", "fixed", "", false},
		{"15.1.1466.12", "ProxyLogon", "vulnerable", "15.1.1466.16", false},
		{"15.1.1466.13", "ProxyLogon", "unknown(build-ambiguous)", "15.1.1466.16", false},
		{"15.1.1466.16", "ProxyLogon", "fixed", "", false},
		{"15.1.2177.1", "ProxyLogon", "unknown(unknown-cu)", "", false},
		{"14.3.513.0", "ProxyLogon", "unknown(not-covered)", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.build+"/"+tc.family, func(t *testing.T) {
			r, err := c.Lookup(mustBuild(t, tc.build))
			if err != nil {
				t.Fatal(err)
			}
			v := verdict(t, r, tc.family)
			if v.String() != tc.want {
				t.Fatalf("%s %s = %s (%s), want %s", tc.build, tc.family, v, v.Why, tc.want)
			}
			if v.Why == "" {
				t.Error("no reason given")
			}
			switch {
			case tc.install == "" && v.Install != nil:
				t.Errorf("install %+v, want none", v.Install)
			case tc.install != "" && v.Install == nil:
				t.Errorf("no install, want %s", tc.install)
			case tc.install != "":
				if v.Install.Build != tc.install || v.Install.CUUpgradeFirst != tc.cuUpgrade {
					t.Errorf("install %+v, want build %s, CU upgrade first %v", v.Install, tc.install, tc.cuUpgrade)
				}
			}
		})
	}
}

func TestLookupDescribes(t *testing.T) {
	c := defaultCatalog(t)
	r, err := c.Lookup(mustBuild(t, "15.1.2176.9"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Product != "2016" || r.CU != "CU19" || r.Update != "Mar21SU" || r.Match != catalog.MatchExact || r.Known.Name != "Exchange Server 2016 CU19 Mar21SU" {
		t.Errorf("15.1.2176.9 = %+v", r)
	}
	if i := verdict(t, mustLookup(t, c, "15.1.2176.2"), "ProxyLogon").Install; i.Name != "Exchange Server 2016 CU19 Mar21SU" || i.KB != "KB5000871" || i.Update != "Mar21SU" {
		t.Errorf("install for 15.1.2176.2 = %+v", i)
	}
	r = mustLookup(t, c, "15.1.2176.5")
	if r.Match != catalog.MatchNearestLower || r.Known.Build != "15.1.2176.4" || r.CU != "CU19" {
		t.Errorf("15.1.2176.5: match %s known %v cu %s", r.Match, r.Known, r.CU)
	}
	r = mustLookup(t, c, "15.2.2562.17")
	if r.Product != "SE" || r.CU != "RTM" {
		t.Errorf("SE RTM = %s %s", r.Product, r.CU)
	}
	for _, b := range []string{"15.2.2562.17", "15.2.2562.46", "15.2.2562.99"} {
		for _, v := range mustLookup(t, c, b).Families {
			if v.Status != catalog.Fixed {
				t.Errorf("SE %s %s = %s, want fixed", b, v.Family, v)
			}
		}
	}
	if len(r.Families) != 5 {
		t.Errorf("%d families, want 5", len(r.Families))
	}
}

func mustLookup(t *testing.T, c *catalog.Catalog, b string) *catalog.Result {
	t.Helper()
	r, err := c.Lookup(mustBuild(t, b))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestNotOnPremises(t *testing.T) {
	c := defaultCatalog(t)
	for _, b := range []string{"15.20.4000.1", "15.20.2562.17"} {
		if _, err := c.Lookup(mustBuild(t, b)); !errors.Is(err, catalog.ErrNotOnPremises) {
			t.Errorf("Lookup(%s) error = %v, want ErrNotOnPremises", b, err)
		}
	}
	cu, _ := catalog.ParseCU("15.20.4000")
	if _, err := c.LookupCU(cu); !errors.Is(err, catalog.ErrNotOnPremises) {
		t.Errorf("LookupCU(15.20.4000) error = %v", err)
	}
	if _, err := c.Lookup(mustBuild(t, "16.0.1.1")); !errors.Is(err, catalog.ErrUnknownProduct) {
		t.Errorf("Lookup(16.0.1.1) error = %v", err)
	}
}

func TestLookupCU(t *testing.T) {
	c := defaultCatalog(t)
	tests := []struct{ cu, family, want string }{
		{"15.2.858", "ProxyLogon", "fixed"}, // CU9 shipped with it
		{"15.2.858", "ProxyShell", "unknown(needs-su-level-evidence)"},
		{"15.1.2176", "ProxyLogon", "unknown(needs-su-level-evidence)"},
		{"15.1.1415", "ProxyLogon", "unknown(needs-su-level-evidence)"},
		{"15.1.2242", "ProxyLogon", "fixed"},
		{"15.1.2507", "ProxyLogon", "fixed"}, // newer than every CU that got it
		{"15.1.2507", "ProxyNotShell", "unknown(needs-su-level-evidence)"},
		{"15.0.1367", "ProxyLogon", "vulnerable"}, // 2013 CU20 never got it
		{"15.0.620", "ProxyLogon", "vulnerable"},  // older than every CU that got it
		{"15.2.2562", "OWASSRF", "fixed"},
		{"15.1.2177", "ProxyLogon", "unknown(unknown-cu)"},
	}
	for _, tc := range tests {
		v, err := catalog.ParseCU(tc.cu)
		if err != nil {
			t.Fatal(err)
		}
		r, err := c.LookupCU(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := verdict(t, r, tc.family).String(); got != tc.want {
			t.Errorf("CU %s %s = %s, want %s", tc.cu, tc.family, got, tc.want)
		}
		if !r.CUOnly {
			t.Errorf("CU %s: CUOnly false", tc.cu)
		}
	}
	v, _ := catalog.ParseCU("15.2.858")
	if r, _ := c.LookupCU(v); r.CU != "CU9" || r.Known == nil || r.Known.Build != "15.2.858.5" {
		t.Errorf("CU 15.2.858 = %s %v", r.CU, r.Known)
	}
}

// TestProxyLogonCrossCheck compares the derived ProxyLogon builds with the scan spec's list.
func TestProxyLogonCrossCheck(t *testing.T) {
	want := map[string]string{ // build -> alternative build from another source
		"15.0.1395.12": "", "15.0.1473.6": "", "15.0.1497.12": "", "15.0.847.64": "",
		"15.1.1415.10": "15.1.1415.8", "15.1.1466.16": "15.1.1466.13", "15.1.1531.12": "", "15.1.1591.18": "",
		"15.1.1713.10": "", "15.1.1779.8": "", "15.1.1847.12": "", "15.1.1913.12": "", "15.1.1979.8": "",
		"15.1.2044.13": "", "15.1.2106.13": "", "15.1.2176.9": "", "15.1.2242.4": "",
		"15.2.221.18": "", "15.2.330.11": "", "15.2.397.11": "", "15.2.464.15": "", "15.2.529.13": "",
		"15.2.595.8": "", "15.2.659.12": "", "15.2.721.13": "", "15.2.792.10": "", "15.2.858.5": "",
		"15.2.2562.17": "", // SE shipped with every fix
	}
	f := defaultCatalog(t).Family("ProxyLogon")
	if f == nil {
		t.Fatal("no ProxyLogon family")
	}
	got := map[string]string{}
	for _, fx := range f.Fixes {
		got[fx.Build] = fx.AltBuild
	}
	for b, alt := range want {
		if g, ok := got[b]; !ok || g != alt {
			t.Errorf("ProxyLogon fix %s (alt %q): catalog has ok=%v alt=%q", b, alt, ok, g)
		}
	}
	for b := range got {
		if _, ok := want[b]; !ok {
			t.Errorf("ProxyLogon fix %s not in the spec's list", b)
		}
	}
}

func TestLoad(t *testing.T) {
	c, err := catalog.Load(bytes.NewReader(catalog.Embedded()))
	if err != nil {
		t.Fatal(err)
	}
	if c.Schema != 1 || c.Version != "2026.11.24" || len(c.Changelog) == 0 || len(c.Families) != 5 {
		t.Errorf("embedded catalog: schema %d version %q changelog %d families %d", c.Schema, c.Version, len(c.Changelog), len(c.Families))
	}
	bad := []struct{ name, yaml, want string }{
		{"newer schema", "schema: 2\nversion: x\n", "schema 2: this exsweep reads schema 1"},
		{"no schema", "version: x\n", "schema: missing"},
		{"not yaml", "schema: [\n", "not valid YAML"},
		{"unknown field", "schema: 1\nversion: x\nextra: 1\n", "extra"},
		{"no version", "schema: 1\n", "version: missing"},
		{"bad build", "schema: 1\nversion: x\nbuilds:\n  - {product: \"2016\", cu: CU1, update: \"\", name: n, build: \"15.1.x.1\", date: d}\n", "malformed"},
		{"wrong product", "schema: 1\nversion: x\nbuilds:\n  - {product: \"2019\", cu: CU1, update: \"\", name: n, build: \"15.1.396.30\", date: d}\n", "build number says"},
		{"online build", "schema: 1\nversion: x\nbuilds:\n  - {product: \"2019\", cu: CU1, update: \"\", name: n, build: \"15.20.1.1\", date: d}\n", "build number says"},
		{"fix not a build", "schema: 1\nversion: x\nfamilies:\n  - {name: F, cves: [CVE-2099-0001], first_fix: \"2099-01\", fixes: [{product: \"2016\", cu: CU1, update: \"\", name: n, build: \"15.1.396.30\"}]}\n", "not a known build"},
	}
	for _, tc := range bad {
		_, err := catalog.Load(strings.NewReader(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

// TestLoadNewFamily: a newer data file can carry a family this code has never heard of.
func TestLoadNewFamily(t *testing.T) {
	data := `schema: 1
version: "2099.01.01"
changelog: ["2099.01.01: test"]
builds:
  - {product: "2019", cu: "CU15", update: "", name: "Exchange Server 2019 CU15", build: "15.2.1748.10", date: "2025-02-10"}
  - {product: "2019", cu: "CU15", update: "Jan99SU", name: "Exchange Server 2019 CU15 Jan99SU", kb: "KB9999999", build: "15.2.1748.99", date: "2099-01-12"}
families:
  - name: "FutureBug"
    cves: ["CVE-2099-12345"]
    first_fix: "2099-01"
    fixes:
      - {product: "2019", cu: "CU15", update: "Jan99SU", name: "Exchange Server 2019 CU15 Jan99SU", kb: "KB9999999", build: "15.2.1748.99"}
`
	c, err := catalog.Load(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	r := mustLookup(t, c, "15.2.1748.49")
	v := verdict(t, r, "FutureBug")
	if v.Status != catalog.Vulnerable || v.Install == nil || v.Install.KB != "KB9999999" {
		t.Errorf("FutureBug on 15.2.1748.49 = %s %+v", v, v.Install)
	}
	if r.CatalogVersion != "2099.01.01" {
		t.Errorf("catalog version %q", r.CatalogVersion)
	}
	if v := verdict(t, mustLookup(t, c, "15.2.2562.17"), "FutureBug"); v.String() != "unknown(not-covered)" {
		t.Errorf("FutureBug on SE = %s", v)
	}
}

func needShared(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(sharedData, generate.MainCSV)); err != nil {
		t.Skipf("shared reference data not found at %s (it lives beside the repository in CI): %v", sharedData, err)
	}
}

// TestCSVBuildsInCatalog: every build of the reference tables is in the catalog, same name and date.
func TestCSVBuildsInCatalog(t *testing.T) {
	needShared(t)
	c := defaultCatalog(t)
	n := 0
	for _, file := range []string{generate.MainCSV, generate.ExtraCSV} {
		f, err := os.Open(filepath.Join(sharedData, file))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs[1:] {
			name, date, build := rec[1], rec[2], rec[3]
			e := c.Entry(mustBuild(t, build))
			switch {
			case e == nil:
				t.Errorf("%s: build %s (%s) missing from the catalog", file, build, name)
			case e.Name != name || e.Date != date:
				t.Errorf("%s: build %s: catalog has %q %s, table has %q %s", file, build, e.Name, e.Date, name, date)
			}
			n++
		}
	}
	if n < 400 {
		t.Errorf("only %d rows read", n)
	}
}

// TestGeneratedMatchesCommitted: the committed catalog is what the generator makes of the tables.
func TestGeneratedMatchesCommitted(t *testing.T) {
	needShared(t)
	got, err := generate.FromDir(sharedData)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, catalog.Embedded()) {
		t.Fatal("internal/catalog/data/catalog.yaml is stale: run go run ./internal/catalog/gen -in " + sharedData + " -out internal/catalog/data/catalog.yaml")
	}
}

func FuzzParseBuild(f *testing.F) {
	f.Add("15.1.2176.9")
	c, err := catalog.Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := catalog.ParseBuild(s)
		if err == nil {
			w, err := catalog.ParseBuild(v.String())
			if err != nil || w != v {
				t.Fatalf("round trip %q -> %v -> %v, %v", s, v, w, err)
			}
			if v.Compare(v) != 0 {
				t.Fatal("Compare not reflexive")
			}
			if r, err := c.Lookup(v); err == nil && len(r.Families) != len(c.Families) {
				t.Fatal("families missing")
			}
		}
		if cu, err := catalog.ParseCU(s); err == nil {
			if cu.Revision != 0 {
				t.Fatal("CU with a revision")
			}
			_, _ = c.LookupCU(cu)
		}
	})
}
