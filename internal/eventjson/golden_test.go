package eventjson

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output (review the diff)")

// render writes events, stats and problems as text, one value a line, for golden files.
func render(evs []got, st Stats, probs []Problem) string {
	var sb strings.Builder
	for _, e := range evs {
		ev := e.Ev
		fmt.Fprintf(&sb, "event at line %d\n", e.Line)
		fmt.Fprintf(&sb, "  channel=%q provider=%q computer=%q\n", ev.Channel, ev.Provider, ev.Computer)
		fmt.Fprintf(&sb, "  id=%d level=%d record=%d time=%s\n", ev.EventID, ev.Level, ev.RecordID, ev.Time.Format(time.RFC3339Nano))
		if ev.Message != "" {
			fmt.Fprintf(&sb, "  message=%q\n", ev.Message)
		}
		for _, f := range ev.Data {
			fmt.Fprintf(&sb, "  data %q=%q\n", f.Name, f.Value)
		}
	}
	fmt.Fprintf(&sb, "stats %+v\n", st)
	for _, p := range probs {
		fmt.Fprintf(&sb, "problem line %d offset %d: %s\n", p.Line, p.Offset, p.Message)
	}
	return sb.String()
}

// TestGolden reads each testdata/*.jsonl (every shape, concatenated, with damaged lines between)
// and compares the events and problems with testdata/*.golden.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, in := range files {
		t.Run(filepath.Base(in), func(t *testing.T) {
			b, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			evs, st, probs := readAll(t, string(b))
			out := render(evs, st, probs)
			golden := strings.TrimSuffix(in, ".jsonl") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(string(want), out); d != "" {
				t.Errorf("%s (-want +got):\n%s", golden, d)
			}
		})
	}
}
