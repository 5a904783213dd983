//go:build unix

package hunt

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt/source/files"
	"github.com/exsweep/exsweep/internal/rules"
)

// TestFileHuntHostileTree: links out of the root and in loops, a FIFO, a 20 GB sparse file,
// unreadable files, non-UTF-8 and very long names. Each is named in the report, nothing hangs,
// and the shell beside them is still found.
func TestFileHuntHostileTree(t *testing.T) {
	root := t.TempDir()
	ac := filepath.Join(root, "inetpub", "wwwroot", "aspnet_client")
	long := strings.Repeat("d", 60)
	longDir := filepath.Join(ac, long, long, long, long, long)
	writeTree(t, root, map[string][]byte{
		"inetpub/wwwroot/aspnet_client/shell.aspx":  corpusFile(t, "malicious/chopper-01-classic.aspx"),
		"inetpub/wwwroot/aspnet_client/locked.aspx": []byte("<%@ Page %>"),
	}, time.Now())
	if err := os.MkdirAll(longDir, 0o755); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(longDir, "deep.aspx"), []byte("x"), 0o644))
	must(os.WriteFile(filepath.Join(ac, "\xff\xfe\x1b[31m.aspx"), []byte("x"), 0o644))
	must(os.Symlink("/etc/passwd", filepath.Join(ac, "out.aspx")))
	must(os.Symlink("loop-b.aspx", filepath.Join(ac, "loop-a.aspx")))
	must(os.Symlink("loop-a.aspx", filepath.Join(ac, "loop-b.aspx")))
	must(syscall.Mkfifo(filepath.Join(ac, "pipe.aspx"), 0o644))
	big, err := os.Create(filepath.Join(ac, "huge.aspx"))
	must(err)
	must(big.Truncate(20 << 30))
	must(big.Close())
	must(os.Chmod(filepath.Join(ac, "locked.aspx"), 0))

	pack, err := rules.Default(Schema())
	must(err)
	type result struct {
		res *finding.HostResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := Run(context.Background(), Options{Root: root, Pack: pack})
		done <- result{res, err}
	}()
	var res *finding.HostResult
	select {
	case r := <-done:
		must(r.err)
		res = r.res
	case <-time.After(2 * time.Minute):
		t.Fatal("the hunt hung on the hostile tree")
	}
	probs := map[string]string{}
	for _, p := range res.Problems {
		probs[p.Path] = p.Kind
	}
	ac0 := "inetpub/wwwroot/aspnet_client/"
	for name, kind := range map[string]string{"out.aspx": "link", "loop-a.aspx": "link", "loop-b.aspx": "link", "pipe.aspx": "not-a-file", "huge.aspx": "over-cap"} {
		if probs[ac0+name] != kind {
			t.Errorf("%s: problem %q, want %q (all: %v)", name, probs[ac0+name], kind, probs)
		}
	}
	if os.Geteuid() != 0 && probs[ac0+"locked.aspx"] != "unreadable" {
		t.Errorf("locked.aspx: problem %q, want unreadable", probs[ac0+"locked.aspx"])
	}
	at := rulesAt(res)
	if !hasRule(at[ac0+"shell.aspx"], "EXS-FILE-JSCRIPT-EVAL-UNSAFE") {
		t.Errorf("the shell beside the hostile files was missed: %v", at)
	}
	if !hasRule(at[ac0+strings.Repeat(long+"/", 5)+"deep.aspx"], "EXS-FILE-ASPNETCLIENT-PAGE") {
		t.Errorf("the page at the end of a %d-character path was missed", len(longDir))
	}
	if !hasRule(at[ac0+"huge.aspx"], "EXS-FILE-ASPNETCLIENT-PAGE") {
		t.Error("the 20 GB page was not reported")
	}
	escaped := false
	for _, f := range res.Findings {
		if strings.Contains(f.Where.Path, "\x1b") {
			t.Errorf("terminal escape in a reported path: %q", f.Where.Path)
		}
		if strings.Contains(f.Target, `\xff\xfe\x1b`) {
			escaped = true
		}
	}
	if !escaped {
		t.Error("the non-UTF-8 name was not reported escaped")
	}
	if res.Stats.FileBytes > 64<<20 {
		t.Errorf("read %d bytes: the 20 GB file was not capped", res.Stats.FileBytes)
	}
	if !res.Partial {
		t.Error("a capped, unreadable file must make the result partial")
	}
}

// TestFileHuntReviewCases holds the answers to a code review's findings: places that cannot be
// dodged by nesting folder names, certificates and AJAX scripts that are not shells, dates an
// attacker set back, head-only reads with a small page cap, folder links, the drive root, a FIFO
// in place of a configuration file, and a log flood that must not push a shell out of the report.
func TestFileHuntReviewCases(t *testing.T) {
	root := t.TempDir()
	chopper := corpusFile(t, "malicious/chopper-01-classic.aspx")
	ac := "inetpub/wwwroot/aspnet_client/"
	writeTree(t, root, map[string][]byte{
		ac + "Temporary ASP.NET Files/s1.aspx":                  chopper,
		ac + "FrontEnd/HttpProxy/owa/auth/logon.aspx":           []byte("<%@ Page %>"),
		"Users/Administrator/Desktop/exchange.cer":              []byte("\x30\x82\x03\x2c\x30\x82\x02\x14 CN=mail.contoso.com"),
		"inetpub/wwwroot/pki/ca.cer":                            []byte("\x30\x82\x03\x2c\x30\x82\x02\x14 CN=Contoso Root CA"),
		"inetpub/wwwroot/Scripts/MicrosoftAjax.js":              []byte("Sys.Net.WebRequestManager.executeRequest(this);"),
		"ProgramData/Microsoft/Windows Defender/Support/av.log": []byte("Detected: Backdoor:JS/Chopper in " + string(chopper)),
		"lsass.dmp":                                          []byte("not a minidump header"),
		"Program Files/Foo/linked.aspx":                      chopper,
		"inetpub/logs/LogFiles/W3SVC1/u_ex210303.log":        []byte(iisLog(floodRows(25000)...)),
		"inetpub/wwwroot/aspnet_client/system_web/late.aspx": chopper,
	}, time.Date(2015, 6, 1, 0, 0, 0, 0, time.UTC)) // dates set back, as attackers do
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(filepath.Join(root, "Program Files", "Foo"), filepath.Join(root, "inetpub", "wwwroot", "aspnet_client", "x")))
	cfgDir := filepath.Join(root, "Windows", "System32", "inetsrv", "config")
	must(os.MkdirAll(cfgDir, 0o755))
	must(syscall.Mkfifo(filepath.Join(cfgDir, "applicationHost.config"), 0o644))
	must(syscall.Mkfifo(filepath.Join(root, "inetpub", "wwwroot", "web.config"), 0o644))

	pack, err := rules.Default(Schema())
	must(err)
	done := make(chan *finding.HostResult, 1)
	go func() {
		res, err := Run(context.Background(), Options{Root: root, Pack: pack, Since: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), FileCaps: files.Caps{Page: 64 << 10, Head: 64 << 10}})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	var res *finding.HostResult
	select {
	case res = <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the hunt hung (a FIFO as a configuration file?)")
	}
	if res == nil {
		return
	}
	at := rulesAt(res)
	for p, id := range map[string]string{
		ac + "Temporary ASP.NET Files/s1.aspx":        "EXS-FILE-JSCRIPT-EVAL-UNSAFE",
		ac + "FrontEnd/HttpProxy/owa/auth/logon.aspx": "EXS-FILE-ASPNETCLIENT-PAGE",
		ac + "x/linked.aspx":                          "EXS-FILE-JSCRIPT-EVAL-UNSAFE",
		ac + "system_web/late.aspx":                   "EXS-FILE-ASPNETCLIENT-PAGE",
		"lsass.dmp":                                   "EXS-FILE-LSASS-DUMP",
	} {
		if !hasRule(at[p], id) {
			t.Errorf("%s: want %s, got %v", p, id, at[p])
		}
	}
	for _, p := range []string{"Users/Administrator/Desktop/exchange.cer", "inetpub/wwwroot/pki/ca.cer", "inetpub/wwwroot/Scripts/MicrosoftAjax.js", "ProgramData/Microsoft/Windows Defender/Support/av.log"} {
		if len(at[p]) > 0 {
			t.Errorf("false alarm on %s: %v", p, at[p])
		}
	}
	if hasRule(at["lsass.dmp"], "EXS-FILE-MINIDUMP-STAGED") {
		t.Error("an LSASS dump is also reported as an ordinary staged dump")
	}
	if res.Verdict != finding.Compromised {
		t.Errorf("verdict %s, want COMPROMISED (the shells must survive the log flood)", res.Verdict)
	}
	probs := map[string]string{}
	for _, p := range res.Problems {
		probs[p.Path] = p.Kind
	}
	if len(res.Findings) < maxOther {
		t.Errorf("%d findings: the log flood did not reach its budget's cap, so the test proves nothing", len(res.Findings))
	}
	if probs["inetpub/wwwroot/web.config"] == "" || probs["Windows/System32/inetsrv/config/applicationHost.config"] != "unreadable" {
		t.Errorf("FIFOs as configuration files: problems %v", probs)
	}
	for p, k := range probs {
		if k == "over-cap" {
			t.Errorf("%s: over-cap with page=head caps (head-only reads are not capped pages)", p)
		}
	}
}

// floodRows are ProxyShell probes from many addresses: more findings than the global cap.
func floodRows(n int) []string {
	rows := make([]string, n)
	for i := range rows {
		rows[i] = fmt.Sprintf("2021-08-10 10:%02d:%02d GET /autodiscover/autodiscover.json @evil.com/mapi/nspi/?&Email=autodiscover/autodiscover.json%%3F@evil.com 203.0.%d.%d 401",
			(i/60)%60, i%60, (i/250)%250, i%250)
	}
	return rows
}

// A FIFO in ExSetup.exe's place must not hang the hunt.
func TestExSetupFIFODoesNotHang(t *testing.T) {
	root := t.TempDir()
	bin := filepath.Join(root, "Program Files", "Microsoft", "Exchange Server", "V15", "Bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(bin, "ExSetup.exe"), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var got string
	go func() {
		defer close(done)
		got = installBuild(root, filepath.Dir(bin)).Note
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("reading a FIFO named ExSetup.exe hangs")
	}
	if !strings.Contains(got, "not a regular file") {
		t.Errorf("note %q", got)
	}
}
