package hunt

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt/source"
	"github.com/exsweep/exsweep/internal/hunt/source/httpproxy"
	"github.com/exsweep/exsweep/internal/hunt/source/iislog"
	"github.com/exsweep/exsweep/internal/logscan"
)

// mkTree writes files (slash-separated paths relative to a new root) and returns the root.
func mkTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "host")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if strings.HasSuffix(rel, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const iisFields = "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n"

// iisLog makes an IIS log from rows "date time method stem query ip status".
func iisLog(rows ...string) string {
	var sb strings.Builder
	sb.WriteString("#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n")
	sb.WriteString(iisFields)
	for _, r := range rows {
		f := strings.Fields(r)
		// date time s-ip method stem query port user c-ip ua referer status sub win32 taken
		fmt.Fprintf(&sb, "%s %s 10.1.2.10 %s %s %s 443 - %s Mozilla/5.0+(Windows+NT+10.0) - %s 0 0 15\n", f[0], f[1], f[2], f[3], f[4], f[5], f[6])
	}
	return sb.String()
}

func benignIIS(day string, n int) []string {
	var rows []string
	for i := 0; i < n; i++ {
		rows = append(rows, fmt.Sprintf("%s %02d:%02d:00 GET /owa/ - 10.1.2.%d 200", day, i*24/n, i%60, 20+i%30))
	}
	return rows
}

func installPaths(l *Layout, root string) []string {
	out := []string{}
	for _, in := range l.Installs {
		out = append(out, rel(root, in.Dir))
	}
	return out
}

func iisPaths(l *Layout, root string) []string {
	out := []string{}
	for _, d := range l.IISDirs {
		out = append(out, rel(root, d))
	}
	sort.Strings(out)
	return out
}

func TestDiscoverFindsInstallsByMarkerInAnyCase(t *testing.T) {
	tests := []struct {
		name     string
		files    []string
		installs []string
		iis      []string
	}{
		{"default path", []string{"Program Files/Microsoft/Exchange Server/V15/Bin/ExSetup.exe"},
			[]string{"Program Files/Microsoft/Exchange Server/V15"}, nil},
		{"odd case", []string{"PROGRAM FILES/microsoft/EXCHANGE SERVER/v15/bin/exsetup.EXE"},
			[]string{"PROGRAM FILES/microsoft/EXCHANGE SERVER/v15"}, nil},
		{"logs only", []string{"Exchange/LOGGING/httpproxy/Owa/HttpProxy_2021030300-1.LOG"},
			[]string{"Exchange"}, nil},
		{"front end only, other drive", []string{"E/Exchange2016/frontend/HTTPPROXY/owa/auth/logon.aspx"},
			[]string{"E/Exchange2016"}, nil},
		{"triage collection prefix", []string{"uploads/auto/C%3A/Program Files/Microsoft/Exchange Server/V15/Bin/ExSetup.exe"},
			[]string{"uploads/auto/C%3A/Program Files/Microsoft/Exchange Server/V15"}, nil},
		{"no marker", []string{"Program Files/Microsoft/Exchange Server/V15/Logging/ECP/Server/ECPServer2021030300-1.LOG", "Program Files/Microsoft/Exchange Server/V15/Bin/Microsoft.Exchange.Data.dll"},
			[]string{}, nil},
		{"two installs", []string{"Program Files/Microsoft/Exchange Server/V15/Bin/ExSetup.exe", "D/Exchange/Logging/HttpProxy/Ecp/"},
			[]string{"D/Exchange", "Program Files/Microsoft/Exchange Server/V15"}, nil},
		{"IIS folders in any case", []string{"inetpub/logs/LogFiles/w3svc1/u_ex210303.log", "INETPUB/LOGS/LOGFILES/W3SVC2/u_ex210303.log", "inetpub/logs/LogFiles/W3SVC1x/u_ex210303.log"},
			[]string{}, []string{"INETPUB/LOGS/LOGFILES/W3SVC2", "inetpub/logs/LogFiles/w3svc1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{}
			for _, f := range tc.files {
				files[f] = "x"
			}
			root := mkTree(t, files)
			l, err := Discover(root, DiscoverOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := installPaths(l, root); strings.Join(got, "|") != strings.Join(tc.installs, "|") {
				t.Errorf("installs %q, want %q", got, tc.installs)
			}
			want := tc.iis
			if want == nil {
				want = []string{}
			}
			if got := iisPaths(l, root); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("IIS folders %q, want %q", got, want)
			}
		})
	}
}

func TestDiscoverDepthAndSkippedFolders(t *testing.T) {
	deep := func(n int) string { // an install folder at depth n
		parts := make([]string, n-1)
		for i := range parts {
			parts[i] = fmt.Sprintf("d%d", i+1)
		}
		return strings.Join(append(parts, "EX"), "/")
	}
	root := mkTree(t, map[string]string{
		deep(maxDepth) + "/Bin/ExSetup.exe":                         "x",
		"z" + deep(maxDepth+1) + "/Bin/ExSetup.exe":                 "x",
		"Windows/Exchange/Bin/ExSetup.exe":                          "x",
		"Users/admin/Desktop/Exchange/Logging/HttpProxy/Owa/a.LOG":  "x",
		"ProgramData/Exchange/FrontEnd/HttpProxy/x":                 "x",
		"$Recycle.Bin/S-1-5-21/Exchange/Bin/ExSetup.exe":            "x",
		"System Volume Information/Exchange/Bin/ExSetup.exe":        "x",
		"Windows/System32/LogFiles/W3SVC1/u_ex210303.log":           "x",
		"src/node_modules/exchange/Logging/HttpProxy/Owa/x.LOG":     "x",
		"inetpub/logs/LogFiles/W3SVC1/u_ex210303.log":               "x",
		"inetpub/logs/LogFiles/W3SVC1/nested/W3SVC9/u_ex210303.log": "x",
	})
	l, err := Discover(root, DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := installPaths(l, root), []string{deep(maxDepth)}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("installs %q, want only the one at depth %d: %q", got, maxDepth, want)
	}
	if got := iisPaths(l, root); strings.Join(got, "|") != "inetpub/logs/LogFiles/W3SVC1" {
		t.Errorf("IIS folders %q", got)
	}
}

func TestDiscoverOverrides(t *testing.T) {
	root := mkTree(t, map[string]string{
		"Program Files/Microsoft/Exchange Server/V15/Bin/ExSetup.exe": "x",
		"E/Exchange/Logging/HttpProxy/Owa/a.LOG":                      "x",
		"inetpub/logs/LogFiles/W3SVC1/u_ex210303.log":                 "x",
		"elsewhere/logs/W3SVC3/u_ex210303.log":                        "x",
		"elsewhere/logs/W3SVC4/u_ex210303.log":                        "x",
		"flat/u_ex210303.log":                                         "x",
	})
	ex := filepath.Join(root, "E", "Exchange")
	t.Run("exchange-path replaces the install search", func(t *testing.T) {
		l, err := Discover(root, DiscoverOptions{ExchangePaths: []string{ex}})
		if err != nil {
			t.Fatal(err)
		}
		if got := installPaths(l, root); strings.Join(got, "|") != "E/Exchange" {
			t.Errorf("installs %q", got)
		}
		if got := iisPaths(l, root); strings.Join(got, "|") != "elsewhere/logs/W3SVC3|elsewhere/logs/W3SVC4|inetpub/logs/LogFiles/W3SVC1" {
			t.Errorf("IIS folders are still searched, every W3SVC<n> in the tree: %q", got)
		}
	})
	t.Run("iis-logs replaces the IIS search", func(t *testing.T) {
		l, err := Discover(root, DiscoverOptions{IISLogDirs: []string{filepath.Join(root, "elsewhere", "logs"), filepath.Join(root, "flat")}})
		if err != nil {
			t.Fatal(err)
		}
		if got := iisPaths(l, root); strings.Join(got, "|") != "elsewhere/logs/W3SVC3|elsewhere/logs/W3SVC4|flat" {
			t.Errorf("IIS folders %q", got)
		}
		if got := installPaths(l, root); len(got) != 2 {
			t.Errorf("installs still searched: %q", got)
		}
	})
	t.Run("not folders", func(t *testing.T) {
		for _, opt := range []DiscoverOptions{
			{ExchangePaths: []string{filepath.Join(root, "nope")}},
			{IISLogDirs: []string{filepath.Join(root, "flat", "u_ex210303.log")}},
		} {
			if _, err := Discover(root, opt); err == nil {
				t.Errorf("%+v: no error", opt)
			}
		}
		if _, err := Discover(filepath.Join(root, "missing"), DiscoverOptions{}); err == nil {
			t.Error("missing root: no error")
		}
		if _, err := Discover(filepath.Join(root, "flat", "u_ex210303.log"), DiscoverOptions{}); err == nil {
			t.Error("root is a file: no error")
		}
	})
	t.Run("known installs join the search", func(t *testing.T) {
		other := mkTree(t, map[string]string{"Logging/HttpProxy/Owa/a.LOG": "x"})
		l, err := Discover(root, DiscoverOptions{KnownInstalls: []string{other, ex, filepath.Join(other, "missing")}})
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Installs) != 3 {
			t.Errorf("installs %q: want the two found and the known one outside the root, once each", installPaths(l, root))
		}
	})
}

func TestDiscoverReadsApplicationHostConfig(t *testing.T) {
	cfg := `<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.applicationHost>
    <sites>
      <site name="Default Web Site" id="1">
        <logFile directory="D:\IISLogs" />
      </site>
      <site name="Exchange Back End" id="2">
        <logFile logFormat="W3C"
                 directory="%SystemDrive%\CustomLogs" />
      </site>
      <site name="Old" id="3">
        <logFile directory="C:\OldLogs" />
      </site>
      <siteDefaults>
        <logFile logFormat="W3C" directory="%SystemDrive%\inetpub\logs\LogFiles" />
      </siteDefaults>
    </sites>
  </system.applicationHost>
</configuration>
`
	root := mkTree(t, map[string]string{
		"Windows/System32/inetsrv/config/applicationHost.config": cfg,
		"inetpub/logs/LogFiles/W3SVC1/u_ex210303.log":            "x",
		"customlogs/W3SVC2/u_ex210303.log":                       "x",
	})
	l, err := Discover(root, DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	warn := strings.Join(l.Warnings, "\n")
	if !strings.Contains(warn, `D:\IISLogs`) || !strings.Contains(warn, "--iis-logs") {
		t.Errorf("no warning that IIS logs to D:\\IISLogs, outside the tree:\n%s", warn)
	}
	if !strings.Contains(warn, `C:\OldLogs`) {
		t.Errorf("no warning that C:\\OldLogs is missing from the tree:\n%s", warn)
	}
	if strings.Contains(warn, "inetpub") || strings.Contains(warn, "CustomLogs") {
		t.Errorf("warning about a folder the tree holds:\n%s", warn)
	}
	if got := iisPaths(l, root); strings.Join(got, "|") != "customlogs/W3SVC2|inetpub/logs/LogFiles/W3SVC1" {
		t.Errorf("IIS folders %q: want the searched one and the configured one", got)
	}
	// The warning reaches the hunt's result, and so the report.
	res, err := Run(context.Background(), Options{Root: root, Pack: defaultPack(t)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), `D:\IISLogs`) {
		t.Errorf("hunt warnings lack the configured folder: %q", res.Warnings)
	}
}

func TestResolveCI(t *testing.T) {
	root := mkTree(t, map[string]string{"A/bB/Cc.txt": "x"})
	if got := ResolveCI(root, "a/BB/cc.TXT"); got != filepath.Join(root, "A", "bB", "Cc.txt") {
		t.Errorf("ResolveCI = %q", got)
	}
	if got := ResolveCI(root, "a/bb/none"); got != "" {
		t.Errorf("ResolveCI of a missing path = %q", got)
	}
	if err := os.Symlink(filepath.Join(root, "A"), filepath.Join(root, "Link")); err == nil {
		if got := ResolveCI(root, "link/bb/cc.txt"); got != "" {
			t.Errorf("ResolveCI followed a link: %q", got)
		}
	}
}

func hunt(t *testing.T, opt Options) *finding.HostResult {
	t.Helper()
	if opt.Pack == nil {
		opt.Pack = defaultPack(t)
	}
	res, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRunDoesNotFollowLinksOutOfTheRoot(t *testing.T) {
	outside := t.TempDir()
	shell := iisLog("2021-03-03 07:00:00 POST /aspnet_client/evil.aspx - 198.51.100.66 200")
	if err := os.WriteFile(filepath.Join(outside, "evil.log"), []byte(shell), 0o644); err != nil {
		t.Fatal(err)
	}
	root := mkTree(t, map[string]string{
		"inetpub/logs/LogFiles/W3SVC1/u_ex210303.log": iisLog(benignIIS("2021-03-03", 4)...),
		"other/inside.txt":                            iisLog("2021-03-03 08:00:00 POST /aspnet_client/inside.aspx - 198.51.100.67 200"),
	})
	dir := filepath.Join(root, "inetpub", "logs", "LogFiles", "W3SVC1")
	if err := os.Symlink(filepath.Join(outside, "evil.log"), filepath.Join(dir, "u_ex210304.log")); err != nil {
		t.Skipf("cannot make links here: %v", err)
	}
	if err := os.Symlink(filepath.Join("..", "..", "..", "..", "other", "inside.txt"), filepath.Join(dir, "u_ex210305.log")); err != nil {
		t.Fatal(err)
	}
	res := hunt(t, Options{Root: root})
	var link *finding.Problem
	for i, p := range res.Problems {
		if p.Path == "inetpub/logs/LogFiles/W3SVC1/u_ex210304.log" {
			link = &res.Problems[i]
		}
	}
	if link == nil || link.Kind != "link" || !strings.Contains(link.Message, "leaves the root") {
		t.Errorf("the link out of the root is not reported as such: %v", res.Problems)
	}
	for _, f := range res.Findings {
		if f.ClientIP == "198.51.100.66" {
			t.Errorf("a file outside the root was read: %s at %s", f.RuleID, f.Where)
		}
	}
	found := false
	for _, f := range res.Findings {
		found = found || f.ClientIP == "198.51.100.67" && f.Where.Path == "inetpub/logs/LogFiles/W3SVC1/u_ex210305.log"
	}
	if !found {
		t.Errorf("a link that stays inside the root was not read: %v / %v", res.Findings, res.Problems)
	}
	if res.Stats.Files != 2 {
		t.Errorf("%d files read, want 2", res.Stats.Files)
	}
}

// With a relative --root (the common case: `exsweep hunt --root ./image`), a link whose target is
// absolute but inside the root must still be read.
func TestRunRelativeRootWithAbsoluteLinkInside(t *testing.T) {
	root := mkTree(t, map[string]string{
		"inetpub/logs/LogFiles/W3SVC1/u_ex210303.log": iisLog(benignIIS("2021-03-03", 2)...),
		"other/inside.txt":                            iisLog("2021-03-03 08:00:00 POST /aspnet_client/inside.aspx - 198.51.100.67 200"),
	})
	dir := filepath.Join(root, "inetpub", "logs", "LogFiles", "W3SVC1")
	if err := os.Symlink(filepath.Join(root, "other", "inside.txt"), filepath.Join(dir, "u_ex210305.log")); err != nil {
		t.Skipf("cannot make links here: %v", err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	relRoot, err := filepath.Rel(wd, root)
	if err != nil {
		t.Skipf("no relative path to the temporary folder: %v", err)
	}
	res := hunt(t, Options{Root: relRoot})
	for _, f := range res.Findings {
		if f.ClientIP == "198.51.100.67" {
			return
		}
	}
	t.Errorf("with a relative root, a link to an absolute path inside the root is refused: fileFor compares filepath.EvalSymlinks(root) (relative) with the link's absolute target; problems: %v", res.Problems)
}

func TestRunSuspiciousOnlyIsClean(t *testing.T) {
	root := mkTree(t, map[string]string{
		"inetpub/logs/LogFiles/W3SVC1/u_ex210303.log": iisLog(benignIIS("2021-03-03", 4)...) +
			"2021-03-03 12:00:00 10.1.2.10 GET /owa/ - 443 - 10.1.3.8 python-requests/2.25.1 - 200 0 0 15\n",
	})
	res := hunt(t, Options{Root: root})
	if res.Verdict != finding.Clean {
		t.Errorf("verdict %s, want CLEAN: a suspicious finding alone never makes it worse", res.Verdict)
	}
	if len(res.Findings) != 1 || res.Findings[0].Supports != finding.SupportsSuspicious {
		t.Fatalf("findings %v", res.Findings)
	}
	if !strings.Contains(res.Reason, "1 suspicious item(s)") {
		t.Errorf("reason %q does not mention the suspicious item", res.Reason)
	}
	if len(res.Incidents) != 1 || res.Incidents[0].Verdict != finding.Clean {
		t.Errorf("incidents %v", res.Incidents)
	}
}

func TestRunNeedsAPack(t *testing.T) {
	if _, err := Run(context.Background(), Options{Root: t.TempDir()}); err == nil {
		t.Error("no error without a rule pack")
	}
}

// --- incidents -----------------------------------------------------------------------------

var t0 = time.Date(2021, 3, 3, 10, 0, 0, 0, time.UTC)

func mkF(rule, ip string, at time.Duration, sup finding.Support, sev finding.Severity) finding.Finding {
	return finding.Finding{RuleID: rule, Title: "title of " + rule, ClientIP: ip, Time: t0.Add(at), Supports: sup, Severity: sev,
		Where: finding.Location{Path: "x.log", Line: int64(at / time.Second)}}
}

func TestBuildIncidents(t *testing.T) {
	att, comp, sus := finding.SupportsAttempted, finding.SupportsCompromised, finding.SupportsSuspicious
	tests := []struct {
		name     string
		findings []finding.Finding
		// groups lists, per incident in order, the indexes of its findings.
		groups [][]int
	}{
		{"same client within a day", []finding.Finding{
			mkF("A", "198.51.100.1", 0, att, finding.High),
			mkF("B", "198.51.100.1", 23*time.Hour, comp, finding.Critical),
		}, [][]int{{0, 1}}},
		{"same client more than a day apart", []finding.Finding{
			mkF("A", "198.51.100.1", 0, att, finding.High),
			mkF("A", "198.51.100.1", 24*time.Hour+time.Second, att, finding.High),
		}, [][]int{{0}, {1}}},
		{"exactly a day apart is one", []finding.Finding{
			mkF("A", "198.51.100.1", 0, att, finding.High),
			mkF("A", "198.51.100.1", 24*time.Hour, att, finding.High),
		}, [][]int{{0, 1}}},
		{"a chain of rows each within a day", []finding.Finding{
			mkF("A", "198.51.100.1", 0, att, finding.High),
			mkF("A", "198.51.100.1", 20*time.Hour, att, finding.High),
			mkF("A", "198.51.100.1", 39*time.Hour, att, finding.High),
		}, [][]int{{0, 1, 2}}},
		{"two clients", []finding.Finding{
			mkF("A", "198.51.100.1", 0, att, finding.High),
			mkF("A", "198.51.100.2", time.Minute, att, finding.High),
			mkF("B", "198.51.100.1", 2*time.Minute, att, finding.High),
		}, [][]int{{0, 2}, {1}}},
		{"mapped IPv4 is the same client", []finding.Finding{
			mkF("A", "198.51.100.1", 0, att, finding.High),
			mkF("B", "::ffff:198.51.100.1", time.Hour, att, finding.High),
		}, [][]int{{0, 1}}},
		{"loopback joins the nearest incident", []finding.Finding{
			mkF("A", "198.51.100.1", 0, att, finding.High),
			mkF("ECP", "127.0.0.1", 90*time.Minute, comp, finding.Critical),
			mkF("B", "198.51.100.2", 135*time.Minute, att, finding.High),
		}, [][]int{{0}, {1, 2}}},
		{"loose rows of every kind", []finding.Finding{
			mkF("A", "198.51.100.1", 0, att, finding.High),
			mkF("L1", "::1", time.Minute, att, finding.High),
			mkF("L2", "", 2*time.Minute, att, finding.High),
			mkF("L3", "0.0.0.0", 3*time.Minute, att, finding.High),
			mkF("L4", "::ffff:127.0.0.1", 4*time.Minute, att, finding.High),
			mkF("L5", "[::1]", 5*time.Minute, att, finding.High),
		}, [][]int{{0, 1, 2, 3, 4, 5}}},
		{"loopback more than 2h from everything stands alone", []finding.Finding{
			mkF("A", "198.51.100.1", 0, att, finding.High),
			mkF("OAB", "", 2*time.Hour+time.Second, comp, finding.Critical),
		}, [][]int{{0}, {1}}},
		{"a loose row exactly 2h after joins", []finding.Finding{
			mkF("A", "198.51.100.1", 0, att, finding.High),
			mkF("OAB", "", 2*time.Hour, comp, finding.Critical),
		}, [][]int{{0, 1}}},
		{"a loose row before the incident joins it", []finding.Finding{
			mkF("OAB", "", 0, comp, finding.Critical),
			mkF("A", "198.51.100.1", time.Hour, att, finding.High),
		}, [][]int{{0, 1}}},
		{"suspicious rows group too", []finding.Finding{
			mkF("UA", "198.51.100.1", 0, sus, finding.Medium),
		}, [][]int{{0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := append([]finding.Finding(nil), tc.findings...)
			sort.SliceStable(fs, func(i, j int) bool { return finding.Less(&fs[i], &fs[j]) })
			incs := buildIncidents(fs, nil)
			if len(incs) != len(tc.groups) {
				t.Fatalf("%d incidents, want %d: %+v", len(incs), len(tc.groups), incs)
			}
			for gi, members := range tc.groups {
				inc := incs[gi]
				if inc.ID != gi+1 {
					t.Errorf("incident %d has id %d", gi, inc.ID)
				}
				if inc.Findings != len(members) {
					t.Errorf("incident %d has %d findings, want %d", inc.ID, inc.Findings, len(members))
				}
				first, last := fs[members[0]].Time, fs[members[0]].Time
				var worst finding.Verdict
				for _, m := range members {
					f := fs[m]
					if f.Incident != inc.ID {
						t.Errorf("%s at %s: incident %d, want %d", f.RuleID, f.Time.Format(time.TimeOnly), f.Incident, inc.ID)
					}
					first, last = minTime(first, f.Time), maxTime(last, f.Time)
					worst = max(worst, f.Supports.Verdict())
				}
				if !inc.FirstSeen.Equal(first) || !inc.LastSeen.Equal(last) {
					t.Errorf("incident %d spans %s..%s, want %s..%s", inc.ID, inc.FirstSeen, inc.LastSeen, first, last)
				}
				if inc.Verdict != worst {
					t.Errorf("incident %d verdict %s, want %s", inc.ID, inc.Verdict, worst)
				}
				if inc.ClientIPs == nil {
					t.Errorf("incident %d: client_ips is null, want []", inc.ID)
				}
				for _, ip := range inc.ClientIPs {
					if !usableClient(ip) {
						t.Errorf("incident %d lists %q as a client", inc.ID, ip)
					}
				}
				if !sort.StringsAreSorted(inc.Rules) {
					t.Errorf("rules not sorted: %v", inc.Rules)
				}
			}
			for i := 1; i < len(incs); i++ {
				if incs[i].FirstSeen.Before(incs[i-1].FirstSeen) {
					t.Errorf("incidents not in time order")
				}
			}
		})
	}
}

func TestIncidentSummaries(t *testing.T) {
	fs := []finding.Finding{
		mkF("A", "198.51.100.1", 0, finding.SupportsAttempted, finding.High),
		mkF("B", "198.51.100.1", time.Minute, finding.SupportsCompromised, finding.Critical),
		mkF("OAB", "", 5*time.Hour, finding.SupportsCompromised, finding.Critical),
	}
	incs := buildIncidents(fs, nil)
	if len(incs) != 2 {
		t.Fatalf("%d incidents", len(incs))
	}
	if got, want := incs[0].Summary, "title of B (B) and 1 more rule(s); 2 row(s) from 198.51.100.1"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if got := incs[1].Summary; !strings.Contains(got, "from an unknown client") || len(incs[1].ClientIPs) != 0 {
		t.Errorf("loose incident: summary %q, clients %v", got, incs[1].ClientIPs)
	}
	if incs[0].Severity != finding.Critical || incs[0].Verdict != finding.Compromised {
		t.Errorf("incident 1: %s %s", incs[0].Verdict, incs[0].Severity)
	}
}

// --- windows -------------------------------------------------------------------------------

func TestWindowsReportGaps(t *testing.T) {
	day := func(d, h int) time.Time { return time.Date(2021, 3, d, h, 0, 0, 0, time.UTC) }
	mk := func(ivs ...[2]time.Time) ([]job, []logscan.Result, map[string][]source.File) {
		var jobs []job
		var res []logscan.Result
		per := map[string][]source.File{}
		for i, iv := range ivs {
			f := source.File{Path: fmt.Sprintf("u_ex%d.log", i)}
			jobs = append(jobs, job{src: iislog.Source{}, file: f})
			res = append(res, logscan.Result{First: iv[0], Last: iv[1], Bytes: 100})
			per[iislog.Kind] = append(per[iislog.Kind], f)
		}
		// One HttpProxy file that covers everything, so only IIS has gaps.
		jobs = append(jobs, job{src: httpproxy.Source{}, file: source.File{Path: "hp.LOG"}})
		res = append(res, logscan.Result{First: day(1, 0), Last: day(9, 0)})
		per[httpproxy.Kind] = []source.File{{Path: "hp.LOG"}}
		return jobs, res, per
	}
	tests := []struct {
		name string
		ivs  [][2]time.Time
		gaps []finding.Gap
	}{
		{"contiguous days", [][2]time.Time{{day(1, 0), day(1, 23)}, {day(2, 0), day(2, 23)}, {day(3, 0), day(3, 23)}}, nil},
		{"23 hours of silence", [][2]time.Time{{day(1, 0), day(1, 23)}, {day(2, 22), day(3, 1)}}, nil},
		{"exactly a day of silence", [][2]time.Time{{day(1, 0), day(1, 12)}, {day(2, 12), day(2, 13)}}, nil},
		{"two days missing", [][2]time.Time{{day(1, 0), day(1, 23)}, {day(4, 0), day(4, 23)}}, []finding.Gap{{From: day(1, 23), To: day(4, 0)}}},
		{"files out of order", [][2]time.Time{{day(6, 0), day(6, 23)}, {day(1, 0), day(1, 23)}, {day(2, 0), day(2, 23)}},
			[]finding.Gap{{From: day(2, 23), To: day(6, 0)}}},
		{"an overlapping long file hides no gap", [][2]time.Time{{day(1, 0), day(5, 0)}, {day(2, 0), day(2, 1)}, {day(5, 12), day(5, 13)}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			jobs, res, per := mk(tc.ivs...)
			ws, warnings := windows(jobs, res, per, Options{Since: day(1, 0)}, nil)
			var iis *finding.Window
			for i := range ws {
				if ws[i].Source == iislog.Kind {
					iis = &ws[i]
				}
			}
			if iis == nil {
				t.Fatalf("no IIS window: %+v", ws)
			}
			if len(iis.Gaps) != len(tc.gaps) {
				t.Fatalf("gaps %+v, want %+v", iis.Gaps, tc.gaps)
			}
			for i, g := range tc.gaps {
				if !iis.Gaps[i].From.Equal(g.From) || !iis.Gaps[i].To.Equal(g.To) {
					t.Errorf("gap %d: %+v, want %+v", i, iis.Gaps[i], g)
				}
				want := fmt.Sprintf("iis: no logs from %s to %s", g.From.Format("2006-01-02 15:04"), g.To.Format("2006-01-02 15:04"))
				if !strings.Contains(strings.Join(warnings, "\n"), want) {
					t.Errorf("warnings lack %q: %q", want, warnings)
				}
			}
			if iis.Files != len(tc.ivs) {
				t.Errorf("files %d", iis.Files)
			}
			for _, w := range ws {
				if w.Source == httpproxy.Kind && len(w.Gaps) > 0 {
					t.Errorf("HttpProxy has gaps: %+v", w.Gaps)
				}
			}
		})
	}
}

func TestRunReportsGapsAndLateLogs(t *testing.T) {
	root := mkTree(t, map[string]string{
		"inetpub/logs/LogFiles/W3SVC1/u_ex210301.log": iisLog(benignIIS("2021-03-01", 6)...),
		"inetpub/logs/LogFiles/W3SVC1/u_ex210302.log": iisLog(benignIIS("2021-03-02", 6)...),
		"inetpub/logs/LogFiles/W3SVC1/u_ex210306.log": iisLog(benignIIS("2021-03-06", 6)...),
	})
	res := hunt(t, Options{Root: root})
	var iis finding.Window
	for _, w := range res.Windows {
		if w.Source == iislog.Kind {
			iis = w
		}
	}
	if iis.Files != 3 || len(iis.Gaps) != 1 {
		t.Fatalf("IIS window %+v", iis)
	}
	if g := iis.Gaps[0]; g.From.Format(time.DateOnly) != "2021-03-02" || g.To.Format(time.DateOnly) != "2021-03-06" {
		t.Errorf("gap %+v", g)
	}
	all := strings.Join(res.Warnings, "\n")
	for _, want := range []string{"iis: no logs from 2021-03-02", "to 2021-03-06 00:00", "6 January 2021", "no Exchange install found", "httpproxy: no log files found"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	if res.Verdict != finding.Clean || !strings.Contains(res.Reason, "within the 5.8 days the logs cover (2021-03-01 to 2021-03-06)") {
		t.Errorf("verdict %s: %s", res.Verdict, res.Reason)
	}
}

// --- the cap on findings per rule and client ---------------------------------------------------

func TestMaxRowsPerRuleClient(t *testing.T) {
	var rows []string
	for i := 0; i < 5; i++ {
		rows = append(rows, fmt.Sprintf("2021-03-03 10:%02d:00 POST /ecp/y.js - 198.51.100.7 500", i))
	}
	rows = append(rows, "2021-03-03 10:30:00 POST /ecp/y.js - ::ffff:198.51.100.7 500") // same client, mapped
	for i := 0; i < 3; i++ {
		rows = append(rows, fmt.Sprintf("2021-03-03 11:%02d:00 POST /ecp/y.js - 198.51.100.8 500", i))
	}
	root := mkTree(t, map[string]string{"inetpub/logs/LogFiles/W3SVC1/u_ex210303.log": iisLog(rows...)})
	res := hunt(t, Options{Root: root, MaxRowsPerRuleClient: 2, Workers: 1})
	perClient := map[string]int{}
	for _, f := range res.Findings {
		if f.RuleID != "EXS-IIS-PROXYLOGON-ECP-JS" {
			t.Errorf("unexpected finding %s", f.RuleID)
		}
		perClient[clientKey(f.ClientIP)]++
	}
	// The earliest 2 plus the latest one, so the report shows where the activity ends.
	if perClient["198.51.100.7"] != 3 || perClient["198.51.100.8"] != 3 {
		t.Errorf("findings per client %v, want 3 each (2 earliest + the latest)", perClient)
	}
	var last7 time.Time
	for _, f := range res.Findings {
		if clientKey(f.ClientIP) == "198.51.100.7" && f.Time.After(last7) {
			last7 = f.Time
		}
	}
	if got := last7.Format(time.TimeOnly); got != "10:30:00" {
		t.Errorf("latest kept row of .7 is %s, want 10:30:00", got)
	}
	// Suppressed counts rows matched but not in the output: .7 had 6 rows and shows 3, .8 shows all 3.
	if res.Stats.Suppressed != 3 {
		t.Errorf("suppressed %d, want 3 (rows of .7 neither among the earliest 2 nor the latest)", res.Stats.Suppressed)
	}
	if len(res.Incidents) != 2 {
		t.Fatalf("incidents %+v", res.Incidents)
	}
	// Rows beyond the cap still widen their incident's span.
	inc := res.Incidents[0]
	if got := inc.LastSeen.Format(time.TimeOnly); got != "10:30:00" {
		t.Errorf("incident of .7 ends %s, want 10:30:00 (its last, suppressed, row)", got)
	}
	if got := res.Incidents[1].LastSeen.Format(time.TimeOnly); got != "11:02:00" {
		t.Errorf("incident of .8 ends %s, want 11:02:00", got)
	}
	// Without a cap set, the default keeps all of these.
	res = hunt(t, Options{Root: root})
	if len(res.Findings) != 9 || res.Stats.Suppressed != 0 {
		t.Errorf("default cap: %d findings, %d suppressed", len(res.Findings), res.Stats.Suppressed)
	}
}

// The cap keeps the rows that came first in processing order. Files are read largest first, so
// when a large later file fills the cap, the earliest row of an attack is dropped, and the
// incident then starts too late: first_seen must not depend on file sizes.
func TestMaxRowsKeepsTheEarliestRow(t *testing.T) {
	big := benignIIS("2021-03-03", 200)
	big = append(big, "2021-03-03 23:50:00 POST /ecp/y.js - 198.51.100.7 500")
	root := mkTree(t, map[string]string{
		"inetpub/logs/LogFiles/W3SVC1/u_ex210303.log": iisLog(big...),
		"inetpub/logs/LogFiles/W3SVC2/u_ex210303.log": iisLog("2021-03-03 08:00:00 POST /ecp/y.js - 198.51.100.7 500"),
	})
	res := hunt(t, Options{Root: root, MaxRowsPerRuleClient: 1, Workers: 1})
	// With a cap of 1 the earliest row is kept and the latest is shown beside it: nothing hidden.
	if len(res.Incidents) != 1 || res.Stats.Suppressed != 0 || len(res.Findings) != 2 {
		t.Fatalf("incidents %+v, findings %d, suppressed %d", res.Incidents, len(res.Findings), res.Stats.Suppressed)
	}
	inc := res.Incidents[0]
	if got := inc.LastSeen.Format(time.TimeOnly); got != "23:50:00" {
		t.Errorf("incident ends %s, want 23:50:00", got)
	}
	if got := inc.FirstSeen.Format(time.TimeOnly); got != "08:00:00" {
		t.Errorf("the incident starts %s, want 08:00:00: the collector keeps the first rows processed (largest file first), not the earliest, and buildIncidents widens only LastSeen from the spans", got)
	}
}

func TestSinceUntilFilterFindings(t *testing.T) {
	var rows []string
	for h := 0; h < 24; h += 3 {
		rows = append(rows, fmt.Sprintf("2021-03-03 %02d:00:00 POST /ecp/y.js - 198.51.100.7 500", h))
	}
	root := mkTree(t, map[string]string{"inetpub/logs/LogFiles/W3SVC1/u_ex210303.log": iisLog(rows...)})
	since := time.Date(2021, 3, 3, 6, 0, 0, 0, time.UTC)
	until := time.Date(2021, 3, 3, 12, 0, 0, 0, time.UTC)
	res := hunt(t, Options{Root: root, Since: since, Until: until})
	if len(res.Findings) != 3 {
		t.Errorf("%d findings in [06:00, 12:00], want 3 (06, 09, 12)", len(res.Findings))
	}
	for _, f := range res.Findings {
		if f.Time.Before(since) || f.Time.After(until) {
			t.Errorf("finding at %s outside the window", f.Time)
		}
	}
	if !res.Since.Equal(since) || !res.Until.Equal(until) {
		t.Errorf("result window %s..%s", res.Since, res.Until)
	}
}

func TestRunReadsEveryInstallAndSite(t *testing.T) {
	hp := "#Fields: DateTime,RequestId,UrlStem,AnchorMailbox,UserAgent,ClientIpAddress,HttpStatus\n"
	root := mkTree(t, map[string]string{
		"Program Files/Microsoft/Exchange Server/V15/Bin/ExSetup.exe": "MZ",
		"Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Ecp/HttpProxy_2021030300-1.LOG": hp +
			"2021-03-03T07:00:00.000Z,r1,/ecp/y.js,ServerInfo~a]@ex01:444/ecp/proxyLogon.ecp?#,x,198.51.100.1,241\n",
		"D/Exchange2016/Logging/HttpProxy/Mapi/HttpProxy_2021030300-1.LOG": hp +
			"2021-03-03T08:00:00.000Z,r2,/ecp/y.js,ServerInfo~a]@ex02:444/mapi/emsmdb?#,x,198.51.100.2,200\n",
		"inetpub/logs/LogFiles/W3SVC1/u_ex210303.log": iisLog("2021-03-03 09:00:00 POST /ecp/y.js - 198.51.100.3 500"),
		"inetpub/logs/LogFiles/W3SVC2/u_ex210303.log": iisLog("2021-03-03 10:00:00 POST /ecp/y.js - 198.51.100.4 500"),
	})
	res := hunt(t, Options{Root: root})
	clients := map[string]string{}
	for _, f := range res.Findings {
		clients[f.ClientIP] = f.Where.Path
	}
	for ip, dir := range map[string]string{
		"198.51.100.1": "Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Ecp/",
		"198.51.100.2": "D/Exchange2016/Logging/HttpProxy/Mapi/",
		"198.51.100.3": "inetpub/logs/LogFiles/W3SVC1/",
		"198.51.100.4": "inetpub/logs/LogFiles/W3SVC2/",
	} {
		if !strings.HasPrefix(clients[ip], dir) {
			t.Errorf("no finding from %s in %s (got %q)", ip, dir, clients[ip])
		}
	}
	if strings.Join(res.Installs, "|") != "D/Exchange2016|Program Files/Microsoft/Exchange Server/V15" {
		t.Errorf("installs %q", res.Installs)
	}
}

func TestRunEmptyListsAreNotNull(t *testing.T) {
	res := hunt(t, Options{Root: t.TempDir()})
	if res.Findings == nil || res.Incidents == nil || res.Problems == nil || res.Installs == nil {
		t.Errorf("nil lists in an empty result: %+v", res)
	}
	if res.Verdict != finding.Clean || !strings.Contains(res.Reason, "no log could be read") {
		t.Errorf("an empty tree: %s, %q", res.Verdict, res.Reason)
	}
	if runtime.GOOS != "windows" && res.Host == "" {
		t.Errorf("no host name")
	}
}
