package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/exsweep/exsweep/internal/finding"
)

func TestHTMLGolden(t *testing.T) {
	rep, plans := goldenReport()
	var a, b bytes.Buffer
	if err := HTML(&a, rep, plans); err != nil {
		t.Fatal(err)
	}
	if err := HTML(&b, rep, plans); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two runs wrote different pages")
	}
	golden(t, "report.golden.html", a.Bytes())
}

// tagRe finds the start of every element of the page.
var tagRe = regexp.MustCompile(`<[a-zA-Z!/?]`)

// TestHTMLSelfContained: the page loads nothing, runs nothing, and its policy says so first.
func TestHTMLSelfContained(t *testing.T) {
	rep, plans := goldenReport()
	var b bytes.Buffer
	if err := HTML(&b, rep, plans); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	head := page[:strings.Index(page, "<title>")]
	if !strings.Contains(head, `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;`) {
		t.Errorf("no Content-Security-Policy before the title:\n%s", head)
	}
	if !strings.HasPrefix(page, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">") {
		t.Errorf("the page does not start with its doctype and charset")
	}
	// Attacker text is escaped, so every '<' starts one of our elements: check them all.
	for _, tag := range regexp.MustCompile(`<[a-zA-Z][^>]*>`).FindAllString(page, -1) {
		name := strings.ToLower(strings.FieldsFunc(tag[1:], func(r rune) bool { return r == ' ' || r == '>' || r == '/' })[0])
		switch name {
		case "script", "img", "iframe", "object", "embed", "link", "base", "form", "image", "use", "foreignobject", "audio", "video", "source":
			t.Errorf("page holds a <%s> element: %s", name, tag)
		}
		lower := strings.ToLower(tag)
		for _, attr := range []string{" src=", " srcset=", " on", " style=", " xlink:href=", " action=", " formaction="} {
			if strings.Contains(lower, attr) {
				t.Errorf("element with %q: %s", attr, tag)
			}
		}
	}
	for _, css := range []string{"url(", "@import", "@font-face"} {
		if strings.Contains(page, css) {
			t.Errorf("the style sheet loads something: %q", css)
		}
	}
	// The only links are to the page itself.
	for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "#host-") {
			t.Errorf("link out of the page: %q", m[1])
		}
	}
	if !utf8.ValidString(page) {
		t.Error("invalid UTF-8")
	}
	if r := rawControl(strings.ReplaceAll(page, "\t", " ")); r >= 0 {
		t.Errorf("raw control character %U", r)
	}
	// Sections in the order the reader needs them.
	host1 := page[strings.Index(page, `id="host-1"`):strings.Index(page, `id="host-2"`)]
	last := -1
	for _, h := range []string{`class="word">COMPROMISED`, "<h2>What to do</h2>", "<h2>Timeline</h2>", "<h2>Incidents</h2>", "<h2>Findings</h2>", "<h2>What the logs cover</h2>", "<h3>Warnings</h3>", "<h2>Problems</h2>"} {
		i := strings.Index(host1, h)
		if i < 0 {
			t.Errorf("host 1 lacks %q", h)
			continue
		}
		if i < last {
			t.Errorf("%q out of order", h)
		}
		last = i
	}
	host2 := page[strings.Index(page, `id="host-2"`):]
	for _, want := range []string{`class="word">CLEAN`, "No sign of an attack in what was read.", "No finding has a usable time", "No incidents.", "No findings.", "None: every input was read."} {
		if !strings.Contains(host2, want) {
			t.Errorf("host 2 (no findings) lacks %q", want)
		}
	}
	if strings.Contains(host2, "What to do") {
		t.Errorf("host 2 has no plan, but shows a checklist")
	}
	for _, want := range []string{
		`<input type="checkbox" disabled checked><span class="text">Quarantined the web shell`,
		`<span class="lang">PowerShell</span>on the firewall`, `<span class="lang">Command Prompt</span>`, `<span class="lang">XML</span>web.config`, `<span class="lang">Shell</span>`,
		"A command of 65537 bytes, too long to show here",
		"(cut: 2738 bytes in all)",
		"Incident 1: COMPROMISED", "Incident 2: PROBED", "Incident 3: CLEAN", "Not part of an incident",
		"4 more in report.json", // rows of incident 1
		`<svg id="timeline-1"`, "1 findings without a usable time are not drawn",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// TestHTMLHostileAsText puts each hostile string into each attacker-written field alone: the page
// must have exactly the elements it has with a harmless string of the same length, and the
// string's markup must not appear raw.
func TestHTMLHostileAsText(t *testing.T) {
	fields := []struct {
		name string
		set  func(r *finding.Report, p *finding.Plan, s string)
	}{
		{"host", func(r *finding.Report, p *finding.Plan, s string) { r.Hosts[0].Host, p.Host = s, s }},
		{"root", func(r *finding.Report, _ *finding.Plan, s string) { r.Hosts[0].Root = s }},
		{"reason", func(r *finding.Report, _ *finding.Plan, s string) { r.Hosts[0].Reason = s }},
		{"rule pack", func(r *finding.Report, _ *finding.Plan, s string) { r.RulePack = s }},
		{"evidence", func(r *finding.Report, _ *finding.Plan, s string) { r.Hosts[0].Findings[0].Evidence = s }},
		{"user agent", func(r *finding.Report, _ *finding.Plan, s string) { r.Hosts[0].Findings[0].UserAgent = s }},
		{"target", func(r *finding.Report, _ *finding.Plan, s string) { r.Hosts[0].Findings[0].Target = s }},
		{"client ip", func(r *finding.Report, _ *finding.Plan, s string) { r.Hosts[0].Findings[0].ClientIP = s }},
		{"user", func(r *finding.Report, _ *finding.Plan, s string) { r.Hosts[0].Findings[0].User = s }},
		{"path", func(r *finding.Report, _ *finding.Plan, s string) { r.Hosts[0].Findings[0].Where.Path = s }},
		{"field value", func(r *finding.Report, _ *finding.Plan, s string) { r.Hosts[0].Findings[0].Fields["c-ip"] = s }},
		{"field name", func(r *finding.Report, _ *finding.Plan, s string) { r.Hosts[0].Findings[0].Fields["k:"+s] = "v" }},
		{"rule title (user pack)", func(r *finding.Report, _ *finding.Plan, s string) { r.Hosts[0].Findings[0].Title = s }},
		{"rule why and reference", func(r *finding.Report, _ *finding.Plan, s string) {
			r.Hosts[0].Findings[0].Why, r.Hosts[0].Findings[0].References = s, []string{s}
		}},
		{"incident summary", func(r *finding.Report, _ *finding.Plan, s string) { r.Hosts[0].Incidents[1].Summary = s }},
		{"incident user agent", func(r *finding.Report, _ *finding.Plan, s string) { r.Hosts[0].Incidents[1].UserAgents = []string{s} }},
		{"incident row", func(r *finding.Report, _ *finding.Plan, s string) { r.Hosts[0].Incidents[1].Evidence = []string{s} }},
		{"problem", func(r *finding.Report, _ *finding.Plan, s string) {
			r.Hosts[0].Problems[0].Path, r.Hosts[0].Problems[0].Message = s, s
		}},
		{"warning", func(r *finding.Report, _ *finding.Plan, s string) { r.Hosts[0].Warnings = []string{s} }},
		{"web file", func(r *finding.Report, _ *finding.Plan, s string) { r.Hosts[0].WebFiles[0].Path = s }},
		{"headline", func(_ *finding.Report, p *finding.Plan, s string) { p.Headline = s }},
		{"task path", func(_ *finding.Report, p *finding.Plan, s string) { p.Sections[0].Tasks[0].Paths = []string{s} }},
		{"command", func(_ *finding.Report, p *finding.Plan, s string) { p.Sections[0].Tasks[0].Commands[0].Text = s }},
		{"command language", func(_ *finding.Report, p *finding.Plan, s string) { p.Sections[0].Tasks[0].Commands[0].Lang = s }},
	}
	render := func(s string, set func(*finding.Report, *finding.Plan, string)) string {
		rep, plans := goldenReport()
		set(rep, &plans[0], s)
		var b bytes.Buffer
		if err := HTML(&b, rep, plans); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, fd := range fields {
		for i, s := range hostileStrings {
			t.Run(fd.name+"/"+string(rune('a'+i)), func(t *testing.T) {
				got, want := render(s, fd.set), render(benign(s), fd.set)
				if g, w := len(tagRe.FindAllString(got, -1)), len(tagRe.FindAllString(want, -1)); g != w {
					t.Errorf("%d elements, %d with a harmless string: %q became markup", g, w, s)
				}
				if strings.Contains(s, "<") && strings.Contains(got, s) {
					t.Errorf("%q appears raw", s)
				}
				if strings.Contains(strings.ToLower(got), "<script") || strings.Contains(got, "<img") || strings.Contains(got, "<iframe") {
					t.Errorf("an element of the payload made it onto the page")
				}
			})
		}
	}
}

// TestHTMLHostileShown: the hostile strings are on the page, as text.
func TestHTMLHostileShown(t *testing.T) {
	rep, plans := goldenReport()
	var b bytes.Buffer
	if err := HTML(&b, rep, plans); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		`&lt;script&gt;window.pwned=1&lt;/script&gt;`,
		`&#34;&gt;&lt;img src=x onerror=&#34;window.pwned=1&#34;&gt;`,
		`\u202egnp.xpsa\u202c.aspx`,
		`nul\x00bell\x07esc\x1b[31mred\x0d\x0aline`,
		`bad\xff\xfe utf-8 \xc3`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func FuzzHTML(f *testing.F) {
	for i, s := range hostileStrings {
		f.Add(s, int64(1614755566+i*3600), int64(1614755566-i*86400*400))
	}
	f.Add("", int64(0), int64(0))
	f.Add("<", int64(-62135596800), int64(253402300799))
	f.Add("<svg", int64(-1<<62), int64(1<<62))
	f.Fuzz(func(t *testing.T, s string, t1, t2 int64) {
		var got, want bytes.Buffer
		rep, plans := fuzzReport(s, t1, t2)
		if err := HTML(&got, rep, plans); err != nil {
			t.Fatal(err)
		}
		rep, plans = fuzzReport(benign(s), t1, t2)
		if err := HTML(&want, rep, plans); err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(got.Bytes()) {
			t.Fatal("invalid UTF-8")
		}
		if g, w := bytes.Count(got.Bytes(), []byte("<")), bytes.Count(want.Bytes(), []byte("<")); g != w {
			t.Fatalf("%d '<', %d with a benign string: %q became markup", g, w, s)
		}
		// html/template's guarantee: a string holding '<' never appears raw (unless the page
		// holds it anyway, as "<" or "<svg" do).
		if strings.Contains(s, "<") && strings.Contains(got.String(), s) && !strings.Contains(want.String(), s) {
			t.Fatalf("%q appears raw", s)
		}
	})
}

// TestHTMLSizeBounded: however long the attacker's strings, each appears at most to its cap.
func TestHTMLSizeBounded(t *testing.T) {
	big := strings.Repeat("A<", 5<<20) // 10 MiB
	rep, plans := fuzzReport(big, time.Now().Unix(), time.Now().Unix())
	plans[0].Sections[0].Tasks[0].Commands = nil // a command is shown whole or not at all
	var b bytes.Buffer
	start := time.Now()
	if err := HTML(&b, rep, plans); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bytes in %v", b.Len(), time.Since(start))
	if b.Len() > 1<<20 {
		t.Errorf("%d bytes from 10 MiB strings: caps not applied", b.Len())
	}
}
