package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/catalog"
)

func TestBuildsLookup(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		out  []string // substrings of stdout
		err  string   // substring of stderr
	}{
		{"2016 CU19", []string{"builds", "lookup", "15.1.2176.2"}, 0,
			[]string{"15.1.2176.2 is Exchange Server 2016 CU19", "ProxyLogon (CVE-2021-26855", "VULNERABLE", "install: Exchange Server 2016 CU19 Mar21SU, KB5000871 (build 15.1.2176.9) or later"}, ""},
		{"fixed", []string{"builds", "lookup", "15.1.2176.9"}, 0,
			[]string{"CU19 Mar21SU", "ProxyLogon (CVE-2021-26855, CVE-2021-26857, CVE-2021-26858, CVE-2021-27065, CVE-2021-26412, CVE-2021-27078, CVE-2021-26854): FIXED"}, ""},
		{"cu upgrade", []string{"builds", "lookup", "15.0.1367.3"}, 0,
			[]string{"Exchange Server 2013 CU20", "a CU upgrade first, to CU23; then Exchange Server 2013 CU23 Mar21SU"}, ""},
		{"cu only", []string{"builds", "lookup", "15.1.2176"}, 0,
			[]string{"only the CU is known", "UNKNOWN (needs-su-level-evidence)"}, ""},
		{"ambiguous", []string{"builds", "lookup", "15.1.1466.13"}, 0,
			[]string{"UNKNOWN (build-ambiguous)", "sources disagree"}, ""},
		{"online", []string{"builds", "lookup", "15.20.4000.1"}, 0,
			[]string{"Exchange Online", "never an on-premises server"}, ""},
		{"flag after build", []string{"builds", "lookup", "15.2.2562.17", "--format", "text"}, 0,
			[]string{"Exchange Server SE RTM"}, ""},
		{"malformed", []string{"builds", "lookup", "15.1.x.9"}, 2, nil, "malformed build number"},
		{"15.2 vs 15.20 typo", []string{"builds", "lookup", "15.1.2176.9.1"}, 2, nil, "malformed"},
		{"no build", []string{"builds", "lookup"}, 2, nil, "want one build number"},
		{"two builds", []string{"builds", "lookup", "15.1.2176.9", "15.1.2176.2"}, 2, nil, "want one build number"},
		{"bad format", []string{"builds", "lookup", "--format", "xml", "15.1.2176.9"}, 2, nil, "--format"},
		{"no subcommand", []string{"builds"}, 2, nil, "want lookup"},
		{"missing catalog", []string{"builds", "lookup", "--catalog", "/nonexistent/catalog.yaml", "15.1.2176.9"}, 2, nil, "nonexistent"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errb := run(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errb)
			}
			for _, s := range tc.out {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			if tc.err != "" && !strings.Contains(errb, tc.err) {
				t.Errorf("stderr lacks %q:\n%s", tc.err, errb)
			}
		})
	}
}

func TestBuildsLookupJSON(t *testing.T) {
	code, out, errb := run(t, "builds", "lookup", "--format", "json", "15.1.2176.9")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	var r catalog.Result
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if r.Product != "2016" || r.CU != "CU19" || r.Update != "Mar21SU" || len(r.Families) != 5 {
		t.Fatalf("result %+v", r)
	}
	got := map[string]catalog.Verdict{}
	for _, v := range r.Families {
		got[v.Family] = v
	}
	if got["ProxyLogon"].Status != catalog.Fixed || got["ProxyShell"].Status != catalog.Vulnerable {
		t.Errorf("ProxyLogon %s, ProxyShell %s", got["ProxyLogon"], got["ProxyShell"])
	}
	if in := got["ProxyShell"].Install; in == nil || in.Build != "15.1.2176.14" || in.KB != "KB5003435" || in.CUUpgradeFirst {
		t.Errorf("ProxyShell install %+v", in)
	}
	code, out, _ = run(t, "builds", "lookup", "--format", "json", "15.20.4000.1")
	if code != 0 || !strings.Contains(out, `"on_premises": false`) {
		t.Errorf("online json: exit %d\n%s", code, out)
	}
}

func TestBuildsLookupCatalogFile(t *testing.T) {
	dir := t.TempDir()
	newer := filepath.Join(dir, "newer.yaml")
	if err := os.WriteFile(newer, []byte("schema: 2\nversion: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errb := run(t, "builds", "lookup", "--catalog", newer, "15.1.2176.9")
	if code != 2 || !strings.Contains(errb, "this exsweep reads schema 1") {
		t.Errorf("schema 2 catalog: exit %d, stderr %s", code, errb)
	}
	own := filepath.Join(dir, "own.yaml")
	if err := os.WriteFile(own, catalog.Embedded(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errb := run(t, "builds", "lookup", "--catalog", own, "15.2.858.5")
	if code != 0 || !strings.Contains(out, "Build catalog 2026.11.24") {
		t.Errorf("own catalog: exit %d\n%s%s", code, out, errb)
	}
}
