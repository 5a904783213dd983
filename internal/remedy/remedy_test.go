package remedy

import (
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/catalog"
	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/iisconfig"
)

func cat(t *testing.T) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const install = "Program Files/Microsoft/Exchange Server/V15"

func fileFinding(rule, p, place string, s finding.Support) finding.Finding {
	return finding.Finding{RuleID: rule, Source: "file", Supports: s, Where: finding.Location{Path: p},
		Fields: map[string]string{"place": place, "sha256": strings.Repeat("ab", 32), "size": "42"}}
}

func TestFiles(t *testing.T) {
	res := &finding.HostResult{Installs: []string{install}, Findings: []finding.Finding{
		fileFinding("EXS-FILE-ASPNETCLIENT-PAGE", "inetpub/wwwroot/aspnet_client/a.aspx", "aspnet-client", finding.SupportsCompromised),
		fileFinding("EXS-FILE-JSCRIPT-EVAL-UNSAFE", "inetpub/wwwroot/aspnet_client/a.aspx", "aspnet-client", finding.SupportsCompromised),
		fileFinding("EXS-FILE-ASSEMBLY-FROM-BASE64", install+"/FrontEnd/HttpProxy/owa/auth/logon.aspx", "owa-auth", finding.SupportsCompromised),
		fileFinding("EXS-FILE-OWA-AUTH-UNKNOWN-PAGE", install+"/FrontEnd/HttpProxy/owa/auth/shell.aspx", "owa-auth", finding.SupportsCompromised),
		fileFinding("EXS-FILE-EVAL-REQUEST", install+"/FrontEnd/HttpProxy/owa/auth/shell.aspx", "owa-auth", finding.SupportsCompromised),
		fileFinding("EXS-FILE-REQUEST-TO-PROCESS", install+"/ClientAccess/ecp/PersonalSettings/x.aspx", "clientaccess-ecp", finding.SupportsCompromised),
		fileFinding("EXS-FILE-REQUEST-TO-PROCESS", install+"/ClientAccess/Owa/forms/basic/x.aspx", "iis-site", finding.SupportsCompromised),
		fileFinding("EXS-FILE-REQUEST-TO-PROCESS", "inetpub/wwwroot/intranet/up.aspx", "iis-site", finding.SupportsCompromised),
		fileFinding("EXS-FILE-HANDLER-MAPS-STATIC-TO-CODE", "inetpub/wwwroot/web.config", "iis-site", finding.SupportsCompromised),
		fileFinding("EXS-FILE-TRACE-SHELL-PAGE", "Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET Files/root/1/2/a.aspx.1.compiled", "aspnet-temp", finding.SupportsCompromised),
		fileFinding("EXS-FILE-LSASS-DUMP", "Windows/Temp/lsass.dmp", "windows-temp", finding.SupportsCompromised),
		fileFinding("EXS-FILE-ARCHIVE-STAGED", "ProgramData/a.7z", "programdata", finding.SupportsSuspicious),
		{RuleID: "EXS-FILE-X", Source: "file", Supports: finding.Support(""), Severity: finding.Info, Where: finding.Location{Path: "info.txt"}},
		{RuleID: "EXS-IIS-WEBSHELL-ASPNETCLIENT", Source: "iis", Supports: finding.SupportsCompromised, Where: finding.Location{Path: "inetpub/logs/x.log"}},
	}}
	want := map[string]ActionKind{
		"inetpub/wwwroot/aspnet_client/a.aspx":                                                            Quarantine,
		install + "/FrontEnd/HttpProxy/owa/auth/logon.aspx":                                               RestoreOriginal,
		install + "/FrontEnd/HttpProxy/owa/auth/shell.aspx":                                               Quarantine,
		install + "/ClientAccess/ecp/PersonalSettings/x.aspx":                                             RestoreOriginal,
		install + "/ClientAccess/Owa/forms/basic/x.aspx":                                                  RestoreOriginal,
		"inetpub/wwwroot/intranet/up.aspx":                                                                Quarantine,
		"inetpub/wwwroot/web.config":                                                                      RevertConfig,
		"Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET Files/root/1/2/a.aspx.1.compiled": Leave,
		"Windows/Temp/lsass.dmp":                                                                          Quarantine,
		"ProgramData/a.7z":                                                                                Review,
	}
	for _, force := range []bool{false, true} {
		got := map[string]FileAction{}
		for _, a := range Files(res, force) {
			if _, dup := got[a.Path]; dup {
				t.Errorf("%s listed twice", a.Path)
			}
			got[a.Path] = a
		}
		if len(got) != len(want) {
			t.Errorf("force=%v: %d actions, want %d: %+v", force, len(got), len(want), got)
		}
		for p, k := range want {
			if force && k == RestoreOriginal {
				k = Quarantine
			}
			if got[p].Kind != k {
				t.Errorf("force=%v: %s: %q, want %q", force, p, got[p].Kind, k)
			}
			if got[p].Forced != (force && want[p] == RestoreOriginal) {
				t.Errorf("force=%v: %s: Forced=%v", force, p, got[p].Forced)
			}
		}
		if a := got["inetpub/wwwroot/aspnet_client/a.aspx"]; len(a.Rules) != 2 || a.SHA256 == "" || a.Size != 42 {
			t.Errorf("aggregate %+v", a)
		}
	}
}

func section(p finding.Plan, id string) *finding.PlanSection {
	for i := range p.Sections {
		if p.Sections[i].ID == id {
			return &p.Sections[i]
		}
	}
	return nil
}

func TestPatchByBuild(t *testing.T) {
	c := cat(t)
	for _, tc := range []struct {
		build      string
		wantTexts  []string // substrings of the patch tasks, in order
		vulnerable []string
		noMitigate bool
	}{
		{build: "15.1.2176.2", wantTexts: []string{"CU19 May21SU", "Upgrade"}, vulnerable: []string{"ProxyLogon", "ProxyNotShell"}},
		{build: "15.2.858.5", wantTexts: []string{"CU9 Jul21SU", "Upgrade"}},
		{build: "15.1.2507.72", wantTexts: []string{"No update needed"}, noMitigate: true},
		{build: "15.1.2176", wantTexts: []string{"CU19 May21SU", "Upgrade", "Confirm the security update level"}},
		{build: "", wantTexts: []string{"Find the server's exact build"}},
		{build: "15.20.1.1", wantTexts: []string{"not one the catalog can judge"}},
	} {
		res := &finding.HostResult{Installs: []string{install}, Builds: []finding.InstallBuild{{Install: install, Build: tc.build, Source: "test"}}}
		p := Build(res, c, Options{})
		s := section(p, SectionPatch)
		if s == nil || len(s.Tasks) < len(tc.wantTexts) {
			t.Fatalf("%s: patch section %+v", tc.build, s)
		}
		for i, w := range tc.wantTexts {
			if got := s.Tasks[i].Text + " " + s.Tasks[i].Why; !strings.Contains(got, w) {
				t.Errorf("%s: task %d %q, want %q", tc.build, i, got, w)
			}
		}
		m := section(p, SectionMitigate)
		if tc.noMitigate && m != nil {
			t.Errorf("%s: mitigations for a fixed build", tc.build)
		}
		for _, fam := range tc.vulnerable {
			if m == nil || !strings.Contains(fmtTasks(m.Tasks), "Add the rewrite rules for") || !strings.Contains(fmtTasks(m.Tasks), fam) {
				t.Errorf("%s: no %s mitigation", tc.build, fam)
			}
		}
		if p.Headline == "" || section(p, SectionCheck) == nil {
			t.Errorf("%s: no headline or check section", tc.build)
		}
	}
}

func fmtTasks(ts []finding.PlanTask) string {
	var b strings.Builder
	for _, t := range ts {
		b.WriteString(t.Text + "\n")
	}
	return b.String()
}

// The fragment the plan prints must be what the hunt recognises as the mitigation in force:
// otherwise an owner who follows the plan is told at the next hunt that nothing is there.
func TestMitigationFragmentRecognised(t *testing.T) {
	for _, fam := range []string{"ProxyLogon", "ProxyNotShell"} {
		m, ok := mitigationFor(fam)
		if !ok {
			t.Fatalf("no mitigation for %s", fam)
		}
		doc := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration>\n<system.webServer>\n" + webConfigFragment(m.rules) + "\n</system.webServer>\n</configuration>\n"
		wc, err := iisconfig.ParseWebConfig([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v\n%s", fam, err, doc)
		}
		got := iisconfig.Mitigations(wc.Rewrite)
		if len(got) != 1 || got[0].Family != fam || got[0].Status != iisconfig.StatusPresent {
			t.Errorf("%s: the hunt reads the plan's fragment as %+v", fam, got)
		}
		if !strings.Contains(powerShell(m.rules), "AbortRequest") || !strings.Contains(appcmd(m.rules), "AbortRequest") {
			t.Errorf("%s: commands do not abort", fam)
		}
	}
	if _, ok := mitigationFor("ProxyShell"); ok {
		t.Error("ProxyShell has no published rewrite mitigation")
	}
}

func TestPresentMitigationIsDone(t *testing.T) {
	res := &finding.HostResult{Installs: []string{install}, Builds: []finding.InstallBuild{{Install: install, Build: "15.1.2176.2"}},
		Mitigations: []finding.ConfigMitigation{{Family: "ProxyLogon", Status: "present"}, {Family: "ProxyNotShell", Status: "partial"}}}
	m := section(Build(res, cat(t), Options{}), SectionMitigate)
	text := fmtTasks(m.Tasks)
	if strings.Contains(text, "rewrite rules for ProxyLogon") || !strings.Contains(text, "ProxyLogon rewrite mitigation is in place") {
		t.Errorf("present mitigation not marked done:\n%s", text)
	}
	if !strings.Contains(text, "ProxyNotShell rewrite mitigation is partial") || !strings.Contains(text, "rewrite rules for ProxyNotShell") {
		t.Errorf("partial mitigation not repaired:\n%s", text)
	}
}

func compromised() *finding.HostResult {
	return &finding.HostResult{
		Host: "EX01", Root: "/mnt/ex01", Verdict: finding.Compromised, Reason: "a web shell",
		Installs: []string{install}, Builds: []finding.InstallBuild{{Install: install, Build: "15.1.2176.2"}},
		Incidents: []finding.Incident{{ID: 1, FirstSeen: time.Date(2021, 3, 3, 7, 0, 0, 0, time.UTC)}},
		Findings: []finding.Finding{
			fileFinding("EXS-FILE-ASPNETCLIENT-PAGE", "inetpub/wwwroot/aspnet_client/a.aspx", "aspnet-client", finding.SupportsCompromised),
			{RuleID: "EXS-ECP-27065-SET-VDIR-SCRIPT", Source: "ecp", Supports: finding.SupportsCompromised, Target: "Set-OabVirtualDirectory.ExternalUrl='http://f/<script>'", User: `CORP\alice`},
			{RuleID: "EXS-EVT-SERVICE-SHELL", Source: "event", Supports: finding.SupportsCompromised, Fields: map[string]string{"ServiceName": "evil\"&calc&\r\nsvc%PATH%"}},
			{RuleID: "EXS-EVT-CMDLET-EXPORT-TO-WEB", Source: "event", Supports: finding.SupportsCompromised, Fields: map[string]string{"TargetUserName": "bob", "SubjectUserName": "EX01$"}},
		},
	}
}

func TestCompromisedPlan(t *testing.T) {
	res := compromised()
	p := Build(res, cat(t), Options{Report: "out/report.json"})
	var ids []string
	for _, s := range p.Sections {
		ids = append(ids, s.ID)
	}
	if got, want := strings.Join(ids, ","), "contain,remove,patch,mitigate,undo,credentials,check"; got != want {
		t.Errorf("sections %s, want %s", got, want)
	}
	rm := section(p, SectionRemove)
	if rm.Tasks[0].Done || len(rm.Tasks[0].Paths) != 1 || !strings.Contains(rm.Tasks[0].Commands[1].Text, "exsweep clean --from out/report.json --apply") {
		t.Errorf("quarantine task %+v", rm.Tasks[0])
	}
	if svc := rm.Tasks[1]; len(svc.Commands) != 0 || !strings.Contains(svc.Text, "no command is printed") {
		t.Errorf("a service name with cmd.exe syntax got a command: %+v", svc)
	}
	undo := section(p, SectionUndo)
	if len(undo.Tasks) != 2 || !strings.Contains(undo.Tasks[0].Commands[0].Text, "Set-OabVirtualDirectory -ExternalUrl $null") || strings.Contains(undo.Tasks[0].Commands[0].Text, "OutlookAnywhereVirtualDirectory") {
		t.Errorf("undo %+v", undo.Tasks)
	}
	cred := section(p, SectionCredentials)
	if !strings.Contains(cred.Why, "SYSTEM") || !strings.Contains(cred.Tasks[0].Text, `CORP\alice, bob`) || strings.Contains(cred.Tasks[0].Text, "EX01$") {
		t.Errorf("credentials %q / %q", cred.Why, cred.Tasks[0].Text)
	}
	if !strings.Contains(cred.Tasks[3].Commands[0].Text, "2021-03-03") {
		t.Errorf("AD check not dated from the incident: %s", cred.Tasks[3].Commands[0].Text)
	}
	if !strings.HasPrefix(p.Headline, "This server was broken into (the evidence is below). To do, in order: remove the 1 backdoor file(s)") {
		t.Errorf("headline %q", p.Headline)
	}
	// Done marks follow what clean did.
	p = Build(res, cat(t), Options{Done: map[string]bool{"inetpub/wwwroot/aspnet_client/a.aspx": true}})
	if !section(p, SectionRemove).Tasks[0].Done {
		t.Error("quarantined file not marked done")
	}
	if !strings.Contains(p.Headline, "The backdoor files found are quarantined") || strings.Contains(p.Headline, "remove the") {
		t.Errorf("headline after cleaning: %q", p.Headline)
	}
}

func TestLSASSDumpWhy(t *testing.T) {
	res := compromised()
	res.Findings = append(res.Findings, finding.Finding{RuleID: "EXS-EVT-PROC-LSASS-DUMP", Source: "event", Supports: finding.SupportsCompromised})
	cred := section(Build(res, cat(t), Options{}), SectionCredentials)
	if cred == nil || !strings.Contains(cred.Why, "LSASS was dumped") {
		t.Errorf("credentials after an LSASS dump: %+v", cred)
	}
	clean := &finding.HostResult{Verdict: finding.Clean, Builds: []finding.InstallBuild{{Install: install, Build: "15.1.2507.72"}}}
	p := Build(clean, cat(t), Options{})
	if section(p, SectionCredentials) != nil || section(p, SectionContain) != nil || section(p, SectionRemove) != nil {
		t.Errorf("clean host given containment or resets: %+v", p.Sections)
	}
	if !strings.HasPrefix(p.Headline, "No trace") {
		t.Errorf("clean headline %q", p.Headline)
	}
}

func TestQuoting(t *testing.T) {
	for _, tc := range []struct{ in, ps, sh string }{
		{"plain", "'plain'", "plain"},
		{"it's", "'it''s'", `'it'"'"'s'`},
		{"a\u2019b", "'a\u2019\u2019b'", "'<the folder>'"},
		{"x\ny", "'x\ny'", "'<the folder>'"},
		{"$(calc)", "'$(calc)'", "'$(calc)'"},
		{"C:\\x y", "'C:\\x y'", "'C:\\x y'"},
	} {
		if got := psQuote(tc.in); got != tc.ps {
			t.Errorf("psQuote(%q) = %q, want %q", tc.in, got, tc.ps)
		}
		if got := shellArg(tc.in); got != tc.sh {
			t.Errorf("shellArg(%q) = %q, want %q", tc.in, got, tc.sh)
		}
	}
}

func TestNoUpdateNeededOnlyWhenFixed(t *testing.T) {
	for _, b := range []string{"14.3.509.0", "15.1.2300.1"} {
		res := &finding.HostResult{Builds: []finding.InstallBuild{{Install: install, Build: b}}}
		s := section(Build(res, cat(t), Options{}), SectionPatch)
		for _, task := range s.Tasks {
			if strings.Contains(task.Text, "No update needed") {
				t.Errorf("%s: %q although families are unknown", b, task.Text)
			}
		}
	}
}

// splitArgs splits a command line the way Windows programs do (CommandLineToArgvW, without
// the backslash rules, which these lines do not use).
func splitArgs(line string) []string {
	var out []string
	var cur strings.Builder
	in, any := false, false
	for _, r := range line {
		switch {
		case r == '"':
			in, any = !in, true
		case r == ' ' && !in:
			if any || cur.Len() > 0 {
				out = append(out, cur.String())
			}
			cur.Reset()
			any = false
		default:
			cur.WriteRune(r)
		}
	}
	if any || cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

func TestAppcmdArguments(t *testing.T) {
	var rules []rewriteRule
	for _, fam := range []string{"ProxyLogon", "ProxyNotShell"} {
		m, _ := mitigationFor(fam)
		rules = append(rules, m.rules...)
	}
	for _, line := range strings.Split(appcmd(rules), "\n") {
		if line == "" || strings.HasPrefix(line, "rem ") {
			continue
		}
		args := splitArgs(line)
		if len(args) != 6 || args[3] != "Default Web Site" || args[4] != "-section:system.webServer/rewrite/rules" || !strings.HasPrefix(args[5], "/") {
			t.Errorf("%d arguments (want 6, the last the whole change): %q", len(args), args)
		}
	}
}
