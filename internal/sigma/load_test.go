package sigma

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type ruleSummary struct {
	Path, Title, Level string
	Line               int
	Events, Web        bool
}

func summarize(rs []*Rule) []ruleSummary {
	var out []ruleSummary
	for _, r := range rs {
		out = append(out, ruleSummary{Path: filepath.ToSlash(r.Path), Title: r.Title, Level: r.Level, Line: r.Line, Events: r.events != nil, Web: r.web})
	}
	return out
}

func TestLoadDirectory(t *testing.T) {
	set, err := Load([]string{"testdata/rules"})
	if err != nil {
		t.Fatal(err)
	}
	const d = "testdata/rules/"
	want := []ruleSummary{
		{d + "other/deeper/webshell.YML", "Command in a query string", "critical", 1, false, true},
		{d + "web/probe.yaml", "Scanner user agent", "", 1, false, true},
		{d + "windows/collection.yml", "Collection rule", "high", 11, true, false},
		{d + "windows/collection.yml", "Collection rule", "high", 17, true, false},
		{d + "windows/collection.yml", "After reset", "", 24, true, false},
		{d + "windows/multi.yaml", "First of three", "medium", 2, true, false},
		{d + "windows/multi.yaml", "Third of three", "low", 25, true, false},
		{d + "windows/process.yml", "Shell started by the Exchange web worker", "high", 1, true, false},
	}
	if diff := cmp.Diff(want, summarize(set.Rules)); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	type unusable struct {
		Path, Title, Reason string
		Line                int
	}
	var got []unusable
	for _, u := range set.Unusable {
		got = append(got, unusable{filepath.ToSlash(u.Path), u.Title, u.Reason, u.Line})
	}
	wantU := []struct {
		path, title, reason string
		line                int
	}{
		{d + "other/unusable.yml", "Linux only", "logsource product linux: no exsweep input carries it", 2},
		{d + "other/unusable.yml", "Counting logons", "aggregation", 17},
		{d + "other/unusable.yml", "Old rule", "status deprecated", 20},
		{d + "other/unusable.yml", "Lookahead", "RE2", 33},
		{d + "other/unusable.yml", "Many failures", "correlation rule", 37},
		{d + "other/unusable.yml", "Unknown category", "logsource category quantum_event: no exsweep input carries it", 46},
		{d + "windows/multi.yaml", "Second of three", "YAML:", 20},
	}
	if len(got) != len(wantU) {
		t.Fatalf("unusable: got %d %v, want %d", len(got), got, len(wantU))
	}
	for i, w := range wantU {
		g := got[i]
		if g.Path != w.path || g.Title != w.title || g.Line != w.line || !strings.Contains(g.Reason, w.reason) {
			t.Errorf("unusable %d: got %+v, want %s:%d (%s) ...%s...", i, g, w.path, w.line, w.title, w.reason)
		}
	}

	// Metadata is carried over.
	p := set.Rules[len(set.Rules)-1]
	if p.ID != "7d1c3c2e-5b7a-4c41-9f51-0e7c1b9a0001" || p.Status != "experimental" ||
		!strings.HasPrefix(p.Description, "An IIS worker") ||
		!cmp.Equal(p.References, []string{"https://example.invalid/exsweep/test-rule-1"}) ||
		!cmp.Equal(p.Tags, []string{"attack.persistence", "attack.t1505.003"}) ||
		p.LogSource != (LogSource{Product: "windows", Category: "process_creation"}) {
		t.Errorf("metadata not carried: %+v", p)
	}
}

func TestCollectionActions(t *testing.T) {
	set := Parse(mustRead(t, "testdata/rules/windows/collection.yml"), "c.yml")
	if len(set.Rules) != 3 || len(set.Unusable) != 0 {
		t.Fatalf("got %d rules, unusable %v", len(set.Rules), set.Unusable)
	}
	dump, wipe, after := set.Rules[0], set.Rules[1], set.Rules[2]
	cases := []struct {
		r     *Rule
		match rec
		no    rec
	}{
		{dump, fields("Image", `C:\probe.exe`, "CommandLine", "probe -dump"), fields("Image", `C:\probe.exe`, "CommandLine", "probe -wipe")},
		{wipe, fields("Image", `C:\probe.exe`, "CommandLine", "probe -wipe"), fields("Image", `C:\probe.exe`, "CommandLine", "probe -dump")},
		{after, fields("Image", `C:\other.exe`), fields("Image", `C:\probe.exe`)},
	}
	for i, c := range cases {
		if !c.r.Match(c.match) || c.r.Match(c.no) {
			t.Errorf("rule %d (%s line %d) matches wrongly", i, c.r.Title, c.r.Line)
		}
	}
	// The global part's logsource merged with the document's category.
	if dump.LogSource != (LogSource{Product: "windows", Category: "process_creation"}) {
		t.Errorf("logsource not merged: %+v", dump.LogSource)
	}
	if after.Title != "After reset" || after.Level != "" {
		t.Errorf("reset did not forget the global part: %+v", after)
	}
}

func TestCollectionProblems(t *testing.T) {
	set := Parse([]byte("action: repeat\ntitle: x\n---\naction: sometimes\ntitle: y\n"), "c.yml")
	if len(set.Rules) != 0 || len(set.Unusable) != 2 ||
		!strings.Contains(set.Unusable[0].Reason, "without a previous rule") || set.Unusable[0].Line != 1 ||
		!strings.Contains(set.Unusable[1].Reason, `unknown collection action "sometimes"`) || set.Unusable[1].Line != 4 {
		t.Errorf("got %v", set.Unusable)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseDocuments(t *testing.T) {
	cases := []struct {
		name     string
		in       string
		titles   []string
		unusable []string // "line: reason part"
	}{
		{"empty", "", nil, nil},
		{"comments only", "# nothing\n\n", nil, nil},
		{"markers only", "---\n---\n...\n", nil, nil},
		{"directive", "%YAML 1.2\n---\n" + minimal("A") + "...\n%YAML 1.2\n---\n" + minimal("B"), []string{"A", "B"}, nil},
		{"marker with content", "--- # first\n" + minimal("A") + "--- |\n  text\n", []string{"A"}, []string{"7: not a mapping"}},
		{"scalar document", "just text\n---\n" + minimal("A"), []string{"A"}, []string{"1: not a mapping"}},
		{"list document", "- a\n- b\n", nil, []string{"1: not a mapping"}},
		{"bad YAML keeps the rest", minimal("A") + "---\ntitle: [\n---\n" + minimal("C"), []string{"A", "C"}, []string{"7: YAML"}},
		{"tab indentation", "title: T\ndetection:\n\tsel: x\n", nil, []string{"3: YAML"}},
		{"no detection", "title: T\nlogsource: {product: windows}\n", nil, []string{"1: no detection"}},
		{"detection not a map", "title: T\ndetection: [a]\n", nil, []string{"2: detection is not a mapping"}},
		{"no condition", "title: T\ndetection:\n  sel: {A: b}\n", nil, []string{"2: no condition"}},
		{"only a condition", "title: T\ndetection:\n  condition: sel\n", nil, []string{"2: no search"}},
		{"timeframe", "title: T\ndetection:\n  sel: {A: b}\n  timeframe: 5m\n  condition: sel\n", nil, []string{"4: timeframe"}},
		{"title not a string", "title: [a]\ndetection:\n  sel: {A: b}\n  condition: sel\n", nil, []string{"1: sigma-go"}},
		{"untitled gets file and line", "detection:\n  sel: {A: b}\n  condition: sel\n", []string{"t.yml:1"}, nil},
		{"duplicate search", "title: T\ndetection:\n  sel: {A: b}\n  sel: {A: c}\n  condition: sel\n", nil, []string{"4: defined twice"}},
		{"filter document", "title: F\nfilter:\n  rules: [x]\n  selection: {A: b}\n  condition: selection\n", nil, []string{"2: filter document"}},
		{"unsupported status", "title: U\nstatus: unsupported\n" + minimalBody, nil, []string{"2: status unsupported"}},
		{"webserver with a service", "title: W\nlogsource: {category: webserver, service: apache}\n" + minimalBody, nil, []string{"2: IIS logs only"}},
		{"unknown service", "title: S\nlogsource: {product: windows, service: teleport}\n" + minimalBody, nil, []string{"2: logsource service teleport"}},
		{"anchors and aliases", "title: A\nlogsource: {product: windows}\ndetection:\n  one: &x {A: b}\n  two: *x\n  condition: one and two\n", []string{"A"}, nil},
		{"lenient metadata", "title: M\nauthor: [a, b]\nrelated: x\nreferences: https://example.invalid/one\ntags: attack.t1\n" + minimalBody, []string{"M"}, nil},
		{"CRLF line ends", strings.ReplaceAll(minimal("A")+"---\n"+minimal("B"), "\n", "\r\n"), []string{"A", "B"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := Parse([]byte(c.in), "t.yml")
			var titles, unusable []string
			for _, r := range set.Rules {
				titles = append(titles, r.Title)
			}
			for _, u := range set.Unusable {
				unusable = append(unusable, fmt.Sprintf("%d: %s", u.Line, u.Reason))
				if u.Path != "t.yml" {
					t.Errorf("unusable without the path: %+v", u)
				}
			}
			if !cmp.Equal(titles, c.titles) {
				t.Errorf("titles %q, want %q", titles, c.titles)
			}
			if len(unusable) != len(c.unusable) {
				t.Fatalf("unusable %q, want %q", unusable, c.unusable)
			}
			for i := range unusable {
				if !strings.HasPrefix(unusable[i], strings.SplitN(c.unusable[i], ":", 2)[0]+":") || !strings.Contains(unusable[i], strings.SplitN(c.unusable[i], ": ", 2)[1]) {
					t.Errorf("unusable %q, want %q", unusable[i], c.unusable[i])
				}
			}
		})
	}
}

const minimalBody = "detection:\n  sel:\n    A: b\n  condition: sel\n"

// minimal is a small usable rule of four lines plus its title.
func minimal(title string) string {
	return "title: " + title + "\n" + minimalBody
}

func TestLoadErrorsAndLimits(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("a/good.yml", []byte(minimal("Good")))
	big := write("a/big.yml", []byte(minimal("Big")+"# "+strings.Repeat("x", MaxFileSize)+"\n"))
	write("a/skip.json", []byte("{}"))
	write("a/.github/workflows/ci.yml", []byte("on: push\n"))

	if _, err := Load([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Error("a path that does not exist must be an error")
	}
	set, err := Load([]string{filepath.Join(dir, "a")})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rules) != 1 || set.Rules[0].Title != "Good" {
		t.Errorf("rules %v", summarize(set.Rules))
	}
	if len(set.Unusable) != 1 || set.Unusable[0].Path != big || !strings.Contains(set.Unusable[0].Reason, "cap") {
		t.Errorf("oversize file: %v", set.Unusable)
	}
	// A single oversize file named directly is listed too, not an error: the user sees why.
	set, err = Load([]string{big})
	if err != nil || len(set.Unusable) != 1 {
		t.Errorf("oversize file named directly: %v %v", err, set)
	}
	// Parse applies the same cap.
	if s := Parse(make([]byte, MaxFileSize+1), "p.yml"); len(s.Unusable) != 1 || s.Unusable[0].Path != "p.yml" {
		t.Errorf("Parse over the cap: %v", s.Unusable)
	}

	if runtime.GOOS != "windows" && os.Getuid() != 0 {
		locked := write("b/locked.yml", []byte(minimal("Locked")))
		write("b/open.yml", []byte(minimal("Open")))
		if err := os.Chmod(locked, 0); err != nil {
			t.Fatal(err)
		}
		set, err := Load([]string{filepath.Join(dir, "b")})
		if err != nil {
			t.Fatal(err)
		}
		if len(set.Rules) != 1 || len(set.Unusable) != 1 || set.Unusable[0].Path != locked {
			t.Errorf("unreadable file: rules %v unusable %v", summarize(set.Rules), set.Unusable)
		}
		if _, err := Load([]string{locked}); err == nil {
			t.Error("an unreadable file named directly must be an error")
		}
	}
	// Links to directories are not followed; links to files are read.
	if runtime.GOOS != "windows" {
		write("c/real/r.yml", []byte(minimal("Real")))
		if err := os.Symlink(filepath.Join(dir, "c", "real"), filepath.Join(dir, "d-link")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(dir, "c", "real", "r.yml"), filepath.Join(dir, "c", "link.yml")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(dir, "c"), filepath.Join(dir, "c", "real", "loop")); err != nil {
			t.Fatal(err)
		}
		set, err := Load([]string{filepath.Join(dir, "c")})
		if err != nil {
			t.Fatal(err)
		}
		if len(set.Rules) != 2 {
			t.Errorf("want the file and the file link: %v", summarize(set.Rules))
		}
	}
}

func TestDocumentLimit(t *testing.T) {
	var b strings.Builder
	for i := 0; i < MaxDocuments+5; i++ {
		b.WriteString("---\ntitle: r\n")
	}
	set := Parse([]byte(b.String()), "many.yml")
	if len(set.Rules) != 0 {
		t.Fatalf("rules without detection loaded")
	}
	last := set.Unusable[len(set.Unusable)-1]
	if len(set.Unusable) != MaxDocuments+1 || !strings.Contains(last.Reason, "documents") {
		t.Errorf("%d unusable, last %v", len(set.Unusable), last)
	}
}
