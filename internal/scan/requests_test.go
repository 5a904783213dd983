package scan_test

import (
	"os"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/scan"
)

// TestDocsListEveryRequest: docs/scan.md is the promise to the owners of scanned servers; it
// must name every request the code can send, exactly, and nothing the code cannot.
func TestDocsListEveryRequest(t *testing.T) {
	doc, err := os.ReadFile("../../docs/scan.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	rows := 0
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Contains(line, "`GET ") {
			rows++
		}
	}
	reqs := scan.Requests()
	if rows != len(reqs) {
		t.Errorf("docs/scan.md lists %d requests, the code has %d", rows, len(reqs))
	}
	for _, r := range reqs {
		want := "| " + r.Name + " | `GET " + r.Target + "`"
		if r.Cookie != "" {
			want += " with `Cookie: " + r.Cookie + "`"
		}
		if !strings.Contains(text, want) {
			t.Errorf("docs/scan.md lacks the row %q", want)
		}
	}
}

func TestRequestsAreReadOnly(t *testing.T) {
	for _, r := range scan.Requests() {
		if !strings.HasPrefix(r.Target, "/") || strings.ContainsAny(r.Target, " \r\n") || strings.ContainsAny(r.Cookie, "\r\n") {
			t.Errorf("%s: malformed target %q or cookie %q", r.Name, r.Target, r.Cookie)
		}
		if r.Why == "" {
			t.Errorf("%s: no reason given", r.Name)
		}
		// Nothing that authenticates or points the server at an outside address.
		for _, bad := range []string{"http://", "https://", "Authorization", "password", "//@"} {
			if strings.Contains(r.Target+r.Cookie, bad) {
				t.Errorf("%s holds %q", r.Name, bad)
			}
		}
	}
}
