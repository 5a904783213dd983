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
	// A link to a web folder is where it leads.
	if err := os.MkdirAll(filepath.Join(root, "inetpub", "wwwroot", "aspnet_client"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "evidence-link")
	if runtime.GOOS != "windows" {
		if err := os.Symlink(filepath.Join(root, "inetpub", "wwwroot", "aspnet_client"), link); err != nil {
			t.Fatal(err)
		}
		if err := CheckStore(filepath.Join(link, "q"), root, res); err == nil {
			t.Error("a store named through a link into aspnet_client was accepted")
		}
		rootLink := filepath.Join(base, "root-link")
		if err := os.Symlink(root, rootLink); err != nil {
			t.Fatal(err)
		}
		if err := CheckStore(filepath.Join(root, "inetpub", "q"), rootLink, res); err == nil {
			t.Error("a store in inetpub accepted when the root is named through a link")
		}
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

// A name the hunt shows escaped (a zero-width or right-to-left character) is still the file
// cleaning finds and moves.
func TestEscapedNameIsCleaned(t *testing.T) {
	raw := "inetpub/wwwroot/aspnet_client/error\u200bFE\u202e.aspx"
	root, res := host(t, map[string]string{raw: `<% eval(Request("x")) %>`})
	f := &res.Findings[0]
	f.Where.Path = finding.EscapeString(raw)
	f.Fields["path_hex"] = hex.EncodeToString([]byte(raw))
	if f.Where.Path == raw {
		t.Fatal("test name is not escaped")
	}
	dry := Run(context.Background(), res, Options{Root: root})
	if len(dry) != 1 || dry[0].Status != WouldQuarantine || dry[0].Path != f.Where.Path {
		t.Fatalf("dry run %+v", dry)
	}
	q, err := quarantine.Open(filepath.Join(filepath.Dir(root), "q"), quarantine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	out := Run(context.Background(), res, Options{Root: root, Store: q})
	if out[0].Status != Quarantined {
		t.Fatalf("apply %+v", out[0])
	}
	if _, err := os.Lstat(filepath.Join(root, filepath.FromSlash(raw))); err == nil {
		t.Error("the file is still there")
	}
}

// A store whose own folder vanished must not make files look "gone" (done) while they stay.
func TestStoreTroubleIsNotGone(t *testing.T) {
	root, res := host(t, map[string]string{"inetpub/wwwroot/aspnet_client/a.aspx": `<% eval(Request("x")) %>`})
	store := filepath.Join(filepath.Dir(root), "q")
	q, err := quarantine.Open(store, quarantine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if err := os.RemoveAll(filepath.Join(store, "tmp")); err != nil {
		t.Fatal(err)
	}
	out := Run(context.Background(), res, Options{Root: root, Store: q})
	if out[0].Status != Failed {
		t.Errorf("status %s (%s), want failed", out[0].Status, out[0].Detail)
	}
	if _, err := os.Stat(filepath.Join(root, "inetpub/wwwroot/aspnet_client/a.aspx")); err != nil {
		t.Error("the original is gone")
	}
}

// Files that are no pages are never kept as "Exchange pages": a dump or an archive in an
// Exchange folder is the intruders'.
func TestDumpInExchangeFolderIsQuarantined(t *testing.T) {
	_, res := host(t, map[string]string{install + "/FrontEnd/HttpProxy/owa/auth/x.dmp": "MDMP"})
	res.Findings[0].RuleID = "EXS-FILE-MINIDUMP-STAGED"
	res.Findings[0].Supports = finding.SupportsCompromised
	res.Findings[0].Fields["place"] = "owa-auth"
	acts := remedy.Files(res, false)
	if len(acts) != 1 || acts[0].Kind != remedy.Quarantine {
		t.Errorf("actions %+v", acts)
	}
}
