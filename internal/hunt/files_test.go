package hunt

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/minidump/minidumptest"
	"github.com/exsweep/exsweep/internal/rules"
)

const exDir = "Program Files/Microsoft/Exchange Server/V15"

// writeTree writes files (slash paths relative to root) and sets their modification time.
func writeTree(t *testing.T, root string, files map[string][]byte, mtime time.Time) {
	t.Helper()
	for p, data := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(full, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
}

func corpusFile(t *testing.T, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func huntTree(t *testing.T, root string, deep bool) *finding.HostResult {
	t.Helper()
	pack, err := rules.Default(Schema())
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Options{Root: root, Pack: pack, Deep: deep})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func rulesAt(res *finding.HostResult) map[string][]string {
	out := map[string][]string{}
	for _, f := range res.Findings {
		out[f.Where.Path] = append(out[f.Where.Path], f.RuleID)
	}
	return out
}

func hasRule(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// TestFileHuntFindsShellsAndTraces plants our own samples where the spec says attackers put them
// and checks every finding, the verdict, the web-folder list and the mitigation status.
func TestFileHuntFindsShellsAndTraces(t *testing.T) {
	root := t.TempDir()
	march := time.Date(2021, 3, 3, 7, 20, 1, 0, time.UTC)
	lsass := minidumptest.Build(minidumptest.Spec{Modules: []string{`C:\Windows\System32\lsass.exe`, `C:\Windows\System32\ntdll.dll`}, PID: 640})
	w3wp := minidumptest.Build(minidumptest.Spec{Modules: []string{`c:\windows\system32\inetsrv\w3wp.exe`}})
	writeTree(t, root, map[string][]byte{
		exDir + "/Bin/ExSetup.exe":                                   []byte("MZ"),
		exDir + "/FrontEnd/HttpProxy/owa/auth/logon.aspx":            corpusFile(t, "benign/owa-auth/logon.aspx"),
		exDir + "/FrontEnd/HttpProxy/owa/auth/errorFF.aspx":          corpusFile(t, "malicious/chopper-07-spacing.aspx"),
		exDir + "/FrontEnd/HttpProxy/owa/auth/15.2.986/themes/a.png": []byte("\x89PNG\r\n\x1a\n"),
		exDir + "/FrontEnd/HttpProxy/ecp/auth/TimeoutLogout.aspx":    []byte("<%@ Page %>"),
		exDir + "/ClientAccess/ecp/Reportingwebservice/r.aspx":       corpusFile(t, "malicious/process-start-01-cmd-c.aspx"),
		exDir + "/ClientAccess/ecp/scripts/ok.aspx":                  corpusFile(t, "benign/login-01-forms.aspx"),
		"inetpub/wwwroot/aspnet_client/system_web/Ab3xK9qZ.aspx":     corpusFile(t, "malicious/pst-wrapped-01-chopper.aspx"),
		"inetpub/wwwroot/aspnet_client/system_web/4_0_30319/x.js":    []byte("function x(){}"),
		"inetpub/wwwroot/web.config":                                 corpusFile(t, "benign/webconfig-02-proxylogon-mitigation/web.config"),
		"inetpub/wwwroot/app/handler/web.config":                     corpusFile(t, "malicious/handler-config-01-gif-pages/web.config"),
		"inetpub/wwwroot/app/handler/logo.gif":                       corpusFile(t, "malicious/handler-config-01-gif-pages/logo.gif"),
		"Windows/Temp/lsass.tmp":                                     lsass,
		"Windows/Temp/w3wp.exe.1234.dmp":                             w3wp,
		"ProgramData/VSPerfMon/out.7z":                               []byte("7z\xbc\xaf\x27\x1c\x00\x04"),
		"Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET Files/root/1a2b3c4d/5e6f7a8b/gone.aspx.cdcab7d2.compiled": []byte(`<?xml version="1.0" encoding="utf-8"?>
<preserve resultType="3" virtualPath="/aspnet_client/system_web/gone.aspx" hash="1" filehash="2" flags="110000" assembly="App_Web_gone" type="ASP.aspnet_client_system_web_gone_aspx">
</preserve>`),
		"Users/Administrator/Documents/export.pst": []byte("!BDN\x00\x00\x00\x00"),
	}, march)

	res := huntTree(t, root, false)
	at := rulesAt(res)
	want := map[string][]string{
		exDir + "/FrontEnd/HttpProxy/owa/auth/errorFF.aspx":      {"EXS-FILE-OWA-AUTH-UNKNOWN-PAGE", "EXS-FILE-AUTH-LOOKALIKE-NAME", "EXS-FILE-JSCRIPT-EVAL-UNSAFE", "EXS-IOC-2021-03-SHELL-NAME-FILE"},
		exDir + "/ClientAccess/ecp/Reportingwebservice/r.aspx":   {"EXS-FILE-REQUEST-TO-PROCESS"},
		"inetpub/wwwroot/aspnet_client/system_web/Ab3xK9qZ.aspx": {"EXS-FILE-ASPNETCLIENT-PAGE", "EXS-FILE-PAGE-IN-BINARY-WRAPPER", "EXS-FILE-JSCRIPT-EVAL-UNSAFE"},
		"inetpub/wwwroot/app/handler/web.config":                 {"EXS-FILE-HANDLER-MAPS-STATIC-TO-CODE"},
		"inetpub/wwwroot/app/handler/logo.gif":                   {"EXS-FILE-JSCRIPT-EVAL-UNSAFE"},
		"Windows/Temp/lsass.tmp":                                 {"EXS-FILE-LSASS-DUMP"},
		"Windows/Temp/w3wp.exe.1234.dmp":                         {"EXS-FILE-MINIDUMP-STAGED"},
		"ProgramData/VSPerfMon/out.7z":                           {"EXS-FILE-ARCHIVE-STAGED", "EXS-FILE-VSPERFMON"},
		"Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET Files/root/1a2b3c4d/5e6f7a8b/gone.aspx.cdcab7d2.compiled": {"EXS-FILE-TRACE-SHELL-PAGE"},
		"Users/Administrator/Documents/export.pst": {"EXS-FILE-PST-OUTSIDE-STORE"},
	}
	for p, ids := range want {
		for _, id := range ids {
			if !hasRule(at[p], id) {
				t.Errorf("%s: want %s, got %v", p, id, at[p])
			}
		}
	}
	for p, ids := range at {
		if _, ok := want[p]; !ok {
			t.Errorf("unexpected findings on %s: %v", p, ids)
		}
	}
	if res.Verdict != finding.Compromised {
		t.Errorf("verdict %s (%s), want COMPROMISED", res.Verdict, res.Reason)
	}
	for _, f := range res.Findings {
		if f.Source != "file" {
			continue
		}
		if f.Time.IsZero() || f.Fields["modified"] == "" {
			t.Errorf("%s %s: no file time (%v, %v)", f.RuleID, f.Where.Path, f.Time, f.Fields)
		}
		if f.Evidence == "" {
			t.Errorf("%s %s: no evidence", f.RuleID, f.Where.Path)
		}
	}
	if len(res.Mitigations) != 1 || res.Mitigations[0].Family != "ProxyLogon" || res.Mitigations[0].Status != "present" {
		t.Errorf("mitigations: %+v", res.Mitigations)
	}
	web := map[string]bool{}
	for _, e := range res.WebFiles {
		web[e.Path] = true
	}
	for _, p := range []string{exDir + "/FrontEnd/HttpProxy/owa/auth/logon.aspx", "inetpub/wwwroot/aspnet_client/system_web/4_0_30319/x.js", "inetpub/wwwroot/web.config"} {
		if !web[p] {
			t.Errorf("web-folder list lacks %s (it has %d entries)", p, len(res.WebFiles))
		}
	}
	if web["Windows/Temp/lsass.tmp"] {
		t.Error("web-folder list holds a file outside web folders")
	}
	for _, p := range res.Problems {
		t.Errorf("unexpected problem: %s", p)
	}
}
