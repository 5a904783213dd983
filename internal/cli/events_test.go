package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/cli"
)

// The event flags end to end, in-process: --only events reads the example's event logs alone,
// --evtx reads loose files, --events an export, --sigma rules whose skipped ones are listed.
func TestHuntEventFlags(t *testing.T) {
	example := "../../examples/compromised-host"
	code, stdout, stderr := run(t, "hunt", "--root", example, "--only", "events", "--format", "json")
	if code != cli.ExitFindings {
		t.Fatalf("--only events: exit %d: %s", code, stderr)
	}
	h := decodeReport(t, stdout)
	if h.Stats.EventFiles != 3 || h.Stats.Files != 0 || h.Stats.FilesExamined != 0 {
		t.Errorf("--only events read %d event files, %d logs, %d files on disk; want 3, 0, 0", h.Stats.EventFiles, h.Stats.Files, h.Stats.FilesExamined)
	}

	code, stdout, _ = run(t, "hunt", "--root", example, "--only", "logs", "--format", "json")
	if h := decodeReport(t, stdout); code != cli.ExitFindings || h.Stats.EventFiles != 0 {
		t.Errorf("--only logs read %d event files (exit %d)", h.Stats.EventFiles, code)
	}

	dir := t.TempDir()
	export := filepath.Join(dir, "events.jsonl")
	line := `{"@timestamp":"2021-03-03T07:20:30Z","Channel":"Security","EventID":4688,"NewProcessName":"C:\\Windows\\System32\\whoami.exe","ParentProcessName":"C:\\Windows\\System32\\inetsrv\\w3wp.exe"}` + "\n"
	if err := os.WriteFile(export, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	rules := filepath.Join(dir, "sigma")
	if err := os.MkdirAll(rules, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rules, "agg.yml"), []byte("title: agg\nlogsource: {product: windows, service: security}\ndetection:\n  s: {EventID: 4624}\n  condition: s | count() > 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = run(t, "hunt", "--root", t.TempDir(), "--events", export, "--sigma", rules, "--format", "table", "--color", "never")
	if code != cli.ExitFindings {
		t.Fatalf("--events: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"COMPROMISED", "EXS-EVT-PROC-EXCHANGE-WORKER-SHELL", "Event logs: 1 files, 1 events read", "Sigma: 0 rules evaluated, 1 not evaluated"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}

	code, _, stderr = run(t, "hunt", "--root", t.TempDir(), "--sigma", filepath.Join(dir, "missing"))
	if code != cli.ExitError || !strings.Contains(stderr, "missing") {
		t.Errorf("--sigma of a missing path: exit %d, %q", code, stderr)
	}
	code, _, stderr = run(t, "hunt", "--root", t.TempDir(), "--only", "everything")
	if code != cli.ExitError || !strings.Contains(stderr, "logs, files or events") {
		t.Errorf("--only everything: exit %d, %q", code, stderr)
	}
}
