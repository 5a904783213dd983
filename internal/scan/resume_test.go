package scan_test

import (
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/scan"
)

func TestFinished(t *testing.T) {
	rec := func(target string) string {
		return `{"schema":1,"target":"` + target + `","status":"exchange"}`
	}
	long := `{"schema":1,"target":"https://long:443","status":"failed","reason":"` + strings.Repeat("x", 100<<10) + `"}`
	tests := []struct {
		name    string
		in      string
		done    []string
		good    int
		wantErr string
	}{
		{"empty file", "", nil, 0, ""},
		{"complete lines", rec("a") + "\n" + rec("b") + "\n", []string{"a", "b"}, len(rec("a") + "\n" + rec("b") + "\n"), ""},
		{"last line cut short", rec("a") + "\n" + rec("b")[:20], []string{"a"}, len(rec("a") + "\n"), ""},
		{"complete last line without newline: not trusted", rec("a") + "\n" + rec("b"), []string{"a"}, len(rec("a") + "\n"), ""},
		{"CRLF and blank lines", rec("a") + "\r\n\r\n" + rec("b") + "\r\n", []string{"a", "b"}, len(rec("a") + "\r\n\r\n" + rec("b") + "\r\n"), ""},
		{"a line over 64 KiB", long + "\n" + rec("c") + "\n", []string{"https://long:443", "c"}, len(long + "\n" + rec("c") + "\n"), ""},
		{"a line over 4 MiB", `{"x":"` + strings.Repeat("y", 5<<20) + "\"}\n", nil, 0, "resume.jsonl:1: a line over"},
		{"not scan output", "{\"hello\":1}\n", nil, 0, "resume.jsonl:1: not an exsweep scan host record"},
		{"another schema", `{"schema":2,"target":"a","status":"x"}` + "\n", nil, 0, "resume.jsonl:1: scan record schema 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done, good, err := scan.Finished(strings.NewReader(tt.in), "resume.jsonl", nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if good != int64(tt.good) || len(done) != len(tt.done) {
				t.Errorf("good %d done %v; want %d and %v", good, done, tt.good, tt.done)
			}
			for _, d := range tt.done {
				if !done[d] {
					t.Errorf("%s not finished", d)
				}
			}
		})
	}
}
