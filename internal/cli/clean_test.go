package cli_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/cli"
	"github.com/exsweep/exsweep/internal/finding"
)

// copyExample copies the example host into a fresh temp folder (clean changes its root).
func copyExample(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "ex01")
	src := "../../examples/compromised-host"
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func tree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		m[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var (
	shellPath = "inetpub/wwwroot/aspnet_client/system_web/Kq8ZtY3w.aspx"
	dumpPath  = "root/lsass.dmp"
	pagePath  = "Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth/errorFE.aspx"
	qid       = regexp.MustCompile(`q-[0-9a-f]{12}`)
)

// The dry run (the default) says what it would do and changes nothing: no file moved, no
// quarantine folder created.
func TestCleanDryRun(t *testing.T) {
	root := copyExample(t)
	before := tree(t, filepath.Dir(root))
	code, out, errOut := run(t, "clean", "--root", root)
	if code != cli.ExitFindings {
		t.Fatalf("exit %d, want %d (work to do); stderr %s", code, cli.ExitFindings, errOut)
	}
	after := tree(t, filepath.Dir(root))
	if len(after) != len(before) {
		t.Errorf("dry run: %d files before, %d after", len(before), len(after))
	}
	for p, b := range before {
		if !bytes.Equal(after[p], b) {
			t.Errorf("dry run changed %s", p)
		}
	}
	if _, err := os.Stat(root + ".exsweep-quarantine"); err == nil {
		t.Error("dry run created the quarantine")
	}
	got := strings.ReplaceAll(out, filepath.Dir(root), "<TMP>")
	golden := filepath.Join("testdata", "clean-dry-run.golden.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("clean dry-run output differs from %s (run with -update after a deliberate change):\n%s", golden, got)
	}
}

// The whole cycle: hunt to a report, clean from it, list, verify, restore; then damage the
// store and watch verify say so.
func TestCleanApplyQuarantineCycle(t *testing.T) {
	root := copyExample(t)
	dir := filepath.Dir(root)
	rep := filepath.Join(dir, "report.json")
	code, out, _ := run(t, "hunt", "--root", root, "--format", "json")
	if code != cli.ExitFindings {
		t.Fatalf("hunt exit %d", code)
	}
	if err := os.WriteFile(rep, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(dir, "q")
	shell, _ := os.ReadFile(filepath.Join(root, shellPath))
	code, out, errOut := run(t, "clean", "--from", rep, "--apply", "--quarantine", store, "--note", "ticket 7", "--format", "json")
	if code != cli.ExitFindings { // the tampered Exchange page is left for the owner to replace
		t.Fatalf("clean exit %d: %s %s", code, out, errOut)
	}
	var res struct {
		Files        []struct{ Path, Status string }
		Plan         finding.Plan
		ManifestHead string `json:"manifest_head"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(res.Plan); !bytes.Contains(b, []byte("exsweep quarantine verify --quarantine "+store)) {
		t.Error("the plan's verify command does not name the store")
	}
	if len(res.ManifestHead) != 64 {
		t.Errorf("no manifest head in the result: %q", res.ManifestHead)
	}
	status := map[string]string{}
	for _, f := range res.Files {
		status[f.Path] = f.Status
	}
	if status[shellPath] != "quarantined" || status[dumpPath] != "quarantined" || status[pagePath] != "kept" {
		t.Errorf("statuses %v", status)
	}
	for _, p := range []string{shellPath, dumpPath} {
		if _, err := os.Stat(filepath.Join(root, p)); err == nil {
			t.Errorf("%s still in place", p)
		}
	}
	if _, err := os.Stat(filepath.Join(root, pagePath)); err != nil {
		t.Errorf("the Exchange page was removed: %v", err)
	}
	for _, s := range res.Plan.Sections {
		if s.ID == "remove" && !s.Tasks[0].Done {
			t.Error("plan does not mark the quarantine task done")
		}
	}
	// Nothing executable or servable in the store.
	_ = filepath.WalkDir(store, func(p string, d fs.DirEntry, err error) error {
		if ext := strings.ToLower(filepath.Ext(p)); !d.IsDir() && (ext == ".aspx" || ext == ".dmp" || ext == ".exe" || ext == ".dll") {
			t.Errorf("stored file with an executable or original extension: %s", p)
		}
		if b, _ := os.ReadFile(p); !d.IsDir() && len(shell) > 0 && bytes.Contains(b, shell[:40]) {
			t.Errorf("%s holds the shell's text in the clear: antivirus would eat it", p)
		}
		return nil
	})

	code, out, _ = run(t, "quarantine", "list", "--quarantine", store)
	ids := qid.FindAllString(out, -1)
	if code != cli.ExitClean || len(ids) != 2 || !strings.Contains(out, "removed") {
		t.Fatalf("list exit %d:\n%s", code, out)
	}
	code, out, _ = run(t, "quarantine", "verify", "--quarantine", store)
	if code != cli.ExitClean || !strings.Contains(out, "OK") {
		t.Fatalf("verify exit %d:\n%s", code, out)
	}
	code, out, _ = run(t, "quarantine", "show", ids[0], "--quarantine", store)
	if code != cli.ExitClean || !strings.Contains(out, "sha256:") || !strings.Contains(out, "ticket 7") {
		t.Errorf("show exit %d:\n%s", code, out)
	}
	// A second clean finds nothing left and changes nothing.
	code, out, _ = run(t, "clean", "--from", rep, "--apply", "--quarantine", store)
	if code != cli.ExitFindings || strings.Contains(out, "\nquarantined ") {
		t.Errorf("second clean exit %d:\n%s", code, out)
	}
	// Restore puts the shell back bit for bit.
	var shellID string
	_, out, _ = run(t, "quarantine", "list", "--quarantine", store, "--format", "json")
	var items []struct {
		Entry struct{ ID, Path string }
	}
	if err := json.Unmarshal([]byte(out), &items); err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Entry.Path == shellPath {
			shellID = it.Entry.ID
		}
	}
	code, _, errOut = run(t, "quarantine", "restore", shellID, "--quarantine", store)
	if code != cli.ExitClean {
		t.Fatalf("restore exit %d: %s", code, errOut)
	}
	if got, _ := os.ReadFile(filepath.Join(root, shellPath)); !bytes.Equal(got, shell) {
		t.Error("restore is not bit-exact")
	}
	// Damage: flip one byte of a stored object.
	objs, _ := filepath.Glob(filepath.Join(store, "objects", "*"))
	if len(objs) != 2 {
		t.Fatalf("%d objects", len(objs))
	}
	b, _ := os.ReadFile(objs[0])
	b[len(b)-1] ^= 0xff
	if err := os.WriteFile(objs[0], b, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, "quarantine", "verify", "--quarantine", store)
	if code != cli.ExitFindings || !strings.Contains(out, "DAMAGED") {
		t.Errorf("verify of a damaged store: exit %d\n%s", code, out)
	}
	// Tamper with the manifest: the store no longer opens, and verify names the line.
	mf := filepath.Join(store, "manifest.jsonl")
	m, _ := os.ReadFile(mf)
	if err := os.WriteFile(mf, bytes.Replace(m, []byte("ticket 7"), []byte("ticket 8"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, "quarantine", "list", "--quarantine", store); code != cli.ExitError || !strings.Contains(errOut, "manifest") {
		t.Errorf("list of a tampered store: exit %d %s", code, errOut)
	}
	code, out, _ = run(t, "quarantine", "verify", "--quarantine", store)
	if code != cli.ExitFindings || !strings.Contains(out, "manifest.jsonl:1") && !strings.Contains(out, "manifest.jsonl:") {
		t.Errorf("verify of a tampered manifest: exit %d\n%s", code, out)
	}
}

func TestCleanRefuses(t *testing.T) {
	root := copyExample(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no input", []string{"clean"}, "want --from"},
		{"store in a web folder", []string{"clean", "--root", root, "--quarantine", filepath.Join(root, "inetpub", "q")}, "inside a web folder"},
		{"store in the Exchange install", []string{"clean", "--root", root, "--quarantine", filepath.Join(root, "Program Files", "Microsoft", "Exchange Server", "V15", "q")}, "inside the Exchange install"},
		{"store around the root", []string{"clean", "--root", root, "--quarantine", filepath.Dir(root)}, "holds the root"},
		{"not a report", []string{"clean", "--from", filepath.Join(root, dumpPath)}, "not a hunt report"},
		{"bad format", []string{"clean", "--root", root, "--format", "xml"}, "--format"},
		{"quarantine without store", []string{"quarantine", "list"}, "--quarantine DIR is required"},
		{"quarantine bad verb", []string{"quarantine", "purge", "--quarantine", root}, "unknown quarantine command"},
		{"restore without id", []string{"quarantine", "restore", "--quarantine", filepath.Join(t.TempDir(), "q")}, "takes 1 argument"},
		{"report without file", []string{"report"}, "usage: exsweep report"},
		{"list of a folder that is no store", []string{"quarantine", "list", "--quarantine", filepath.Join(t.TempDir(), "typo")}, "no quarantine folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tree(t, root)
			code, _, errOut := run(t, tc.args...)
			if code != cli.ExitError || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tc.want)
			}
			if after := tree(t, root); len(after) != len(before) {
				t.Error("a refused command changed the root")
			}
		})
	}
}

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	rep := filepath.Join(dir, "report.json")
	_, out, _ := run(t, "hunt", "--root", "../../examples/compromised-host", "--format", "json")
	if err := os.WriteFile(rep, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "report.html")
	md := filepath.Join(dir, "report.md")
	code, _, errOut := run(t, "report", rep, "--html", page, "--markdown", md)
	if code != cli.ExitClean {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	h, _ := os.ReadFile(page)
	m, _ := os.ReadFile(md)
	for name, b := range map[string][]byte{"html": h, "markdown": m} {
		s := string(b)
		if !strings.Contains(s, "COMPROMISED") || !strings.Contains(s, "15.1.2176.2") || !strings.Contains(s, "CU19 May21SU") || !strings.Contains(s, "Set-OabVirtualDirectory -ExternalUrl $null") {
			t.Errorf("%s report lacks the verdict, the build or the plan", name)
		}
	}
	if !strings.Contains(string(h), "Content-Security-Policy") {
		t.Error("HTML without its content security policy")
	}
	code, out, _ = run(t, "report", rep)
	if code != cli.ExitClean || !strings.HasPrefix(out, "# exsweep report") {
		t.Errorf("markdown on stdout: exit %d, %.60q", code, out)
	}
	var r finding.Report
	if err := json.Unmarshal(h, &r); err == nil {
		t.Error("the HTML parses as JSON?")
	}
}
