package clean

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/quarantine"
	"github.com/exsweep/exsweep/internal/remedy"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const install = "Program Files/Microsoft/Exchange Server/V15"

// host writes files under a fresh root and returns a hunt result flagging them as the file
// rules would.
func host(t *testing.T, files map[string]string) (string, *finding.HostResult) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "ex01")
	res := &finding.HostResult{Host: "EX01", Root: root, Verdict: finding.Compromised, Installs: []string{install}}
	for p, body := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(body))
		rule, place := "EXS-FILE-ASPNETCLIENT-PAGE", "aspnet-client"
		switch {
		case strings.Contains(p, "owa/auth"):
			rule, place = "EXS-FILE-EVAL-REQUEST", "owa-auth"
		case strings.HasSuffix(p, ".dmp"):
			rule, place = "EXS-FILE-LSASS-DUMP", "root-folder"
		case strings.HasSuffix(p, ".7z"):
			rule, place = "EXS-FILE-ARCHIVE-STAGED", "programdata"
		}
		support := finding.SupportsCompromised
		if rule == "EXS-FILE-ARCHIVE-STAGED" {
			support = finding.SupportsSuspicious
		}
		res.Findings = append(res.Findings, finding.Finding{RuleID: rule, Source: "file", Supports: support,
			Where:  finding.Location{Path: p},
			Fields: map[string]string{"place": place, "sha256": hex.EncodeToString(sum[:]), "size": "1"}})
	}
	return root, res
}

var shells = map[string]string{
	"inetpub/wwwroot/aspnet_client/system_web/a.aspx": `<%@ Page Language="Jscript"%><%eval(Request.Item["q"],"unsafe");%>`,
	"root/lsass.dmp": "MDMP\x93\xa7 not really a dump",
	install + "/FrontEnd/HttpProxy/owa/auth/logon.aspx": "<html>logon</html><% eval(Request[\"z\"]) %>",
	"ProgramData/out.7z": "7z\xbc\xaf\x27\x1c",
	"inetpub/wwwroot/aspnet_client/system_web/second one.aspx": "<% eval(Request.Form(\"x\")) %>",
}

func byPath(out []Outcome) map[string]Outcome {
	m := map[string]Outcome{}
	for _, o := range out {
		m[o.Path] = o
	}
	return m
}

func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		m[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDryRunChangesNothing(t *testing.T) {
	root, res := host(t, shells)
	before := snapshot(t, filepath.Dir(root))
	got := byPath(Run(context.Background(), res, Options{Root: root}))
	want := map[string]Status{
		"inetpub/wwwroot/aspnet_client/system_web/a.aspx":          WouldQuarantine,
		"inetpub/wwwroot/aspnet_client/system_web/second one.aspx": WouldQuarantine,
		"root/lsass.dmp": WouldQuarantine,
		install + "/FrontEnd/HttpProxy/owa/auth/logon.aspx": Kept,
		"ProgramData/out.7z": Kept,
	}
	for p, s := range want {
		if got[p].Status != s {
			t.Errorf("%s: %s (%s), want %s", p, got[p].Status, got[p].Detail, s)
		}
	}
	after := snapshot(t, filepath.Dir(root))
	if len(after) != len(before) {
		t.Fatalf("dry run created or removed files: %d before, %d after", len(before), len(after))
	}
	for p, b := range before {
		if after[p] != b {
			t.Errorf("dry run changed %s", p)
		}
	}
}

func TestDryRunSeesChangesAndLinks(t *testing.T) {
	root, res := host(t, map[string]string{
		"inetpub/wwwroot/aspnet_client/changed.aspx": "<% eval(Request(\"a\")) %>",
		"inetpub/wwwroot/aspnet_client/gone.aspx":    "<% eval(Request(\"b\")) %>",
	})
	if err := os.WriteFile(filepath.Join(root, "inetpub/wwwroot/aspnet_client/changed.aspx"), []byte("something else"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(root, "inetpub/wwwroot/aspnet_client/gone.aspx")); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		outside := filepath.Join(t.TempDir(), "secret.txt")
		if err := os.WriteFile(outside, []byte("not the host's"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(outside, filepath.Join(root, "inetpub/wwwroot/aspnet_client/link.aspx")); err != nil {
			t.Fatal(err)
		}
		res.Findings = append(res.Findings, finding.Finding{RuleID: "EXS-FILE-ASPNETCLIENT-PAGE", Source: "file", Supports: finding.SupportsCompromised,
			Where: finding.Location{Path: "inetpub/wwwroot/aspnet_client/link.aspx"}, Fields: map[string]string{"place": "aspnet-client"}})
	}
	got := byPath(Run(context.Background(), res, Options{Root: root}))
	if s := got["inetpub/wwwroot/aspnet_client/changed.aspx"].Status; s != Changed {
		t.Errorf("changed file: %s", s)
	}
	if s := got["inetpub/wwwroot/aspnet_client/gone.aspx"].Status; s != Gone {
		t.Errorf("removed file: %s", s)
	}
	if runtime.GOOS != "windows" {
		if s := got["inetpub/wwwroot/aspnet_client/link.aspx"].Status; s != Refused {
			t.Errorf("link: %s", s)
		}
	}
}

func TestApplyQuarantinesAndKeeps(t *testing.T) {
	root, res := host(t, shells)
	store := filepath.Join(filepath.Dir(root), "q")
	q, err := quarantine.Open(store, quarantine.Options{Tool: "exsweep test"})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	got := byPath(Run(context.Background(), res, Options{Root: root, Store: q, Note: "ticket 42"}))
	for p, body := range shells {
		o := got[p]
		_, err := os.Stat(filepath.Join(root, filepath.FromSlash(p)))
		switch o.Kind {
		case remedy.Quarantine:
			if o.Status != Quarantined || o.ID == "" || err == nil {
				t.Errorf("%s: %s id=%q, still there: %v (%s)", p, o.Status, o.ID, err == nil, o.Detail)
			}
		default:
			if o.Status != Kept || err != nil {
				t.Errorf("%s (%s): %s, in place: %v", p, o.Kind, o.Status, err == nil)
			}
		}
		_ = body
	}
	if n := len(q.Items()); n != 3 {
		t.Errorf("%d items in the store, want 3", n)
	}
	rep, err := q.Verify(context.Background())
	if err != nil || !rep.OK() {
		t.Errorf("store does not verify: %v %+v", err, rep.Problems)
	}
	// A second run finds nothing left to move and stores nothing twice.
	again := byPath(Run(context.Background(), res, Options{Root: root, Store: q}))
	for p, o := range again {
		if o.Kind == remedy.Quarantine && o.Status != Gone {
			t.Errorf("second run: %s %s", p, o.Status)
		}
	}
	if n := len(q.Items()); n != 3 {
		t.Errorf("second run: %d items, want 3", n)
	}
	// --force takes the Exchange page too.
	forced := byPath(Run(context.Background(), res, Options{Root: root, Store: q, Force: true}))
	if o := forced[install+"/FrontEnd/HttpProxy/owa/auth/logon.aspx"]; o.Status != Quarantined || !o.Forced {
		t.Errorf("forced page: %+v", o)
	}
}

func TestStoreLocation(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "ex01")
	res := &finding.HostResult{Installs: []string{install}, WebFolders: []string{"Sites/Intranet"}}
	def, err := DefaultStore(root)
	if err != nil || def != filepath.Join(base, "ex01.exsweep-quarantine") {
		t.Errorf("default store %q %v", def, err)
	}
	for _, tc := range []struct {
		store string
		ok    bool
	}{
		{def, true},
		{filepath.Join(base, "elsewhere"), true},
		{filepath.Join(root, "exsweep-quarantine"), true},
		{filepath.Join(root, "inetpub", "q"), false},
		{filepath.Join(root, "INETPUB", "wwwroot", "q"), false},
		{filepath.Join(root, "Program Files", "Microsoft", "Exchange Server", "V15", "q"), false},
		{root, false},
		{base, false},
		{filepath.Join(root, "sites", "intranet", "evidence"), false},
		{filepath.Join(root, "sites", "intranet2"), true},
	} {
		err := CheckStore(tc.store, root, res)
		if (err == nil) != tc.ok {
			t.Errorf("CheckStore(%s) = %v, want ok=%v", tc.store, err, tc.ok)
		}
	}
}
