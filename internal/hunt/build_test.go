package hunt

import (
	"fmt"
	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt/source/files"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/peversion/peversiontest"
)

func exsetup(v [4]uint16) []byte {
	return peversiontest.Build(peversiontest.Spec{Versions: []peversiontest.Version{{FileVersion: v, ProductVersion: v}}})
}

func TestInstallBuild(t *testing.T) {
	for _, tc := range []struct {
		name       string
		files      map[string][]byte
		dirs       []string
		build      string
		source     string
		noteSubstr string
	}{
		{name: "ExSetup.exe", files: map[string][]byte{"Bin/ExSetup.exe": exsetup([4]uint16{15, 2, 986, 5})}, build: "15.2.986.5", source: "Bin/ExSetup.exe version resource"},
		{name: "any case", files: map[string][]byte{"bin/EXSETUP.EXE": exsetup([4]uint16{15, 0, 1497, 12})}, build: "15.0.1497.12", source: "Bin/ExSetup.exe version resource"},
		{name: "Exchange Online version refused", files: map[string][]byte{"Bin/ExSetup.exe": exsetup([4]uint16{15, 20, 1, 1})}, noteSubstr: "no Exchange Server build", source: "none"},
		{name: "not a PE, OWA folders tell the CU",
			files: map[string][]byte{"Bin/ExSetup.exe": []byte("MZ not really")},
			dirs:  []string{"FrontEnd/HttpProxy/owa/auth/15.1.2375", "FrontEnd/HttpProxy/owa/auth/15.1.2507", "FrontEnd/HttpProxy/owa/auth/15.1.999", "FrontEnd/HttpProxy/owa/auth/Current", "FrontEnd/HttpProxy/owa/auth/15.20.1", "FrontEnd/HttpProxy/owa/auth/99999999.1.1"},
			build: "15.1.2507", source: "FrontEnd/HttpProxy/owa/auth/<version> resource folders", noteSubstr: "cumulative update only"},
		{name: "nothing", dirs: []string{"Logging/HttpProxy"}, source: "none", noteSubstr: "no Bin/ExSetup.exe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "Program Files", "Microsoft", "Exchange Server", "V15")
			for p, b := range tc.files {
				full := filepath.Join(dir, filepath.FromSlash(p))
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(full, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for _, d := range tc.dirs {
				if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			got := installBuild(root, dir)
			if got.Install != "Program Files/Microsoft/Exchange Server/V15" || got.Build != tc.build || got.Source != tc.source || !strings.Contains(got.Note, tc.noteSubstr) {
				t.Errorf("got %+v, want build %q source %q note ~%q", got, tc.build, tc.source, tc.noteSubstr)
			}
		})
	}
}

// The folders IIS serves are in the result, so that clean never puts its quarantine there.
func TestWebFoldersListed(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string][]byte{
		"Windows/System32/inetsrv/config/applicationHost.config": []byte(`<?xml version="1.0" encoding="UTF-8"?>
<configuration><system.applicationHost><sites>
<site name="Default Web Site" id="1"><application path="/"><virtualDirectory path="/" physicalPath="%SystemDrive%\inetpub\wwwroot" /></application></site>
<site name="Intranet" id="2"><application path="/"><virtualDirectory path="/" physicalPath="C:\Sites\Intranet" /></application></site>
</sites></system.applicationHost></configuration>`),
		"inetpub/wwwroot/iisstart.htm": []byte("<html></html>"),
		"Sites/Intranet/default.aspx":  []byte("<%@ Page %>"),
	}, time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC))
	res := hunt(t, Options{Root: root})
	want := map[string]bool{"inetpub/wwwroot": true, "Sites/Intranet": true}
	for _, w := range res.WebFolders {
		delete(want, w)
	}
	if len(want) > 0 {
		t.Errorf("web folders %q miss %v", res.WebFolders, want)
	}
}

// A server with more shells than the per-rule row cap gets every one of them reported: clean
// can only move what the report names.
func TestEveryShellFileReported(t *testing.T) {
	root := t.TempDir()
	files := map[string][]byte{}
	for i := 0; i < 700; i++ {
		files[fmt.Sprintf("inetpub/wwwroot/aspnet_client/s%04d.aspx", i)] = []byte(`<%@ Page Language="Jscript"%><%eval(Request.Item["k"],"unsafe");%>`)
	}
	writeTree(t, root, files, time.Date(2021, 3, 3, 0, 0, 0, 0, time.UTC))
	res := hunt(t, Options{Root: root, NoLogs: true, NoEvents: true})
	paths := map[string]bool{}
	for _, f := range res.Findings {
		if f.RuleID == "EXS-FILE-ASPNETCLIENT-PAGE" {
			paths[f.Where.Path] = true
		}
	}
	if len(paths) != 700 {
		t.Errorf("%d of 700 shells reported", len(paths))
	}
}

// Files beyond their budget are counted, not kept, in one span per rule; and they never take
// the places of log evidence.
func TestFileBudget(t *testing.T) {
	c := newCollector(Options{})
	for i := 0; i < maxFileFinds+500; i++ {
		f := finding.Finding{RuleID: "EXS-FILE-ASPNETCLIENT-PAGE", Source: files.Kind, Supports: finding.SupportsCompromised,
			Where: finding.Location{Path: fmt.Sprintf("inetpub/wwwroot/aspnet_client/s%06d.aspx", i)}}
		c.add(&f, nil)
	}
	if len(c.findings) != maxFileFinds || c.refusedFiles != 500 {
		t.Errorf("kept %d, refused %d", len(c.findings), c.refusedFiles)
	}
	if len(c.spans) > maxFileFinds+1 {
		t.Errorf("%d spans: files beyond the budget grow memory", len(c.spans))
	}
	log := finding.Finding{RuleID: "EXS-HP-26855-PROXYLOGON-241", Source: "httpproxy", Supports: finding.SupportsCompromised, ClientIP: "198.51.100.7",
		Time: time.Date(2021, 3, 3, 7, 0, 0, 0, time.UTC)}
	c.add(&log, nil)
	if c.refused != 0 || c.findings[len(c.findings)-1].RuleID != log.RuleID {
		t.Error("log evidence refused after a flood of files")
	}
}
