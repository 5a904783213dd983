package report

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"go.uber.org/goleak"

	"github.com/exsweep/exsweep/internal/finding"
)

// findChromium returns the path of a Chromium or Chrome binary, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// pageEvents collects what the browser reports while the page loads and runs. Listen calls add
// on the goroutine that reads the browser's messages, so it only appends under a lock.
type pageEvents struct {
	mu       sync.Mutex
	problems []string // exceptions, console errors, log errors (CSP violations among them)
	requests []string // every URL the page asked for
}

func (p *pageEvents) add(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		p.problems = append(p.problems, fmt.Sprintf("exception: %s", e.ExceptionDetails.Text))
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
			p.problems = append(p.problems, fmt.Sprintf("console.%s", e.Type))
		}
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError || strings.Contains(e.Entry.Text, "Content Security Policy") {
			p.problems = append(p.problems, fmt.Sprintf("log %s %s: %s", e.Entry.Source, e.Entry.Level, e.Entry.Text))
		}
	case *network.EventRequestWillBeSent:
		p.requests = append(p.requests, e.Request.URL)
	}
}

func (p *pageEvents) take() (problems, requests []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	problems, requests = p.problems, p.requests
	p.problems, p.requests = nil, nil
	return problems, requests
}

// TestHTMLInChromium opens the report of a hostile host in headless Chromium, without network:
// it must render, run no script, load nothing but itself, and show every hostile string as text.
func TestHTMLInChromium(t *testing.T) {
	bin := findChromium()
	if bin == "" {
		if os.Getenv("EXSWEEP_REQUIRE_CHROMIUM") == "1" {
			t.Fatal("no chromium, chromium-browser or google-chrome in PATH, and EXSWEEP_REQUIRE_CHROMIUM=1")
		}
		t.Skip("no chromium, chromium-browser or google-chrome in PATH (apt-get install chromium); set EXSWEEP_REQUIRE_CHROMIUM=1 to make this a failure")
	}
	// Runs last: once chromedp.Cancel has closed the browser, none of chromedp's goroutines
	// (message reader, process waiter, allocator) may stay. None does with v0.23.0, so nothing
	// is ignored.
	defer goleak.VerifyNone(t)

	dir := t.TempDir()
	rep, plans := goldenReport()
	page := filepath.Join(dir, "report.html")
	writePage(t, page, rep, plans)
	big := filepath.Join(dir, "big.html")
	writePage(t, big, bigReport(), nil)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox, // the test may run as root (CI containers)
		chromedp.DisableGPU,
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.Flag("no-proxy-server", true),                  // ignore any proxy of the environment
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"), // and resolve no name at all
		chromedp.Flag("disable-component-update", true),         // no background downloads
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
	)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	if err := chromedp.Do(bctx); err != nil { // start the browser and open the tab
		t.Fatalf("starting %s: %v", bin, err)
	}
	var events pageEvents
	if err := chromedp.Listen(bctx, events.add); err != nil {
		t.Fatal(err)
	}

	pageURL := (&url.URL{Scheme: "file", Path: page}).String()
	if err := chromedp.Do(bctx, chromedp.Navigate(pageURL)); err != nil {
		t.Fatalf("opening the page: %v", err)
	}
	eval := func(expr string, out any) {
		t.Helper()
		var err error
		switch o := out.(type) {
		case *string:
			*o, err = chromedp.Run(bctx, chromedp.Evaluate[string](expr))
		case *int:
			*o, err = chromedp.Run(bctx, chromedp.Evaluate[int](expr))
		case *bool:
			*o, err = chromedp.Run(bctx, chromedp.Evaluate[bool](expr))
		case *[]float64:
			*o, err = chromedp.Run(bctx, chromedp.Evaluate[[]float64](expr))
		}
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
	}

	title, err := chromedp.Run(bctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	if want := "exsweep report: COMPROMISED EX01"; !strings.HasPrefix(title, want) {
		t.Errorf("title %q, want it to start with %q", title, want)
	}
	for i, want := range []string{"COMPROMISED", "CLEAN"} {
		var got string
		eval(fmt.Sprintf(`document.querySelector('#verdict-%d .word').textContent`, i+1), &got)
		if got != want {
			t.Errorf("verdict of host %d shows %q, want %q", i+1, got, want)
		}
	}

	// Every hostile string is on the page as text (whitespace as the layout collapses it).
	var text string
	eval(`document.body.innerText`, &text)
	space := regexp.MustCompile(`\s+`)
	flat := space.ReplaceAllString(text, " ")
	for _, s := range hostileStrings {
		want := space.ReplaceAllString(finding.EscapeString(s), " ")
		if !strings.Contains(flat, want) {
			t.Errorf("the page's text lacks %q", want)
		}
	}

	// Nothing of the payloads became an element or ran.
	var n int
	eval(`document.querySelectorAll('script, img, iframe, object, embed, link, base, form, image, foreignObject, a[href^="javascript" i], [onerror], [onload], [src], [style]').length`, &n)
	if n != 0 {
		t.Errorf("%d elements from the payloads on the page", n)
	}
	var clean bool
	eval(`typeof window.pwned === 'undefined'`, &clean)
	if !clean {
		t.Error("a payload ran: window.pwned is set")
	}
	eval(`document.querySelectorAll('a[href]:not([href^="#host-"])').length`, &n)
	if n != 0 {
		t.Errorf("%d links out of the page", n)
	}

	// The timeline is drawn, with its dots and bars.
	var box []float64
	eval(`(() => { const r = document.querySelector('#timeline-1').getBoundingClientRect(); return [r.width, r.height]; })()`, &box)
	if len(box) != 2 || box[0] < 100 || box[1] < 50 {
		t.Errorf("timeline box %v: not rendered", box)
	}
	eval(`document.querySelectorAll('#timeline-1 circle').length`, &n)
	if n < 4 {
		t.Errorf("%d dots on the timeline, want at least 4", n)
	}
	eval(`document.querySelectorAll('#timeline-1 rect.bar').length`, &n)
	if n != 3 {
		t.Errorf("%d incident bars, want 3", n)
	}
	eval(`document.querySelectorAll('input[type=checkbox][disabled]').length`, &n)
	if n != 8 {
		t.Errorf("%d checkboxes, want 8 (one per task)", n)
	}

	problems, requests := events.take()
	for _, p := range problems {
		t.Errorf("browser reported: %s", p)
	}
	if len(requests) != 1 || requests[0] != pageURL {
		t.Errorf("requests %q, want only the page itself", requests)
	}

	// A report of 30,000 findings opens quickly.
	start := time.Now()
	if err := chromedp.Do(bctx, chromedp.Navigate((&url.URL{Scheme: "file", Path: big}).String())); err != nil {
		t.Fatalf("opening the big page: %v", err)
	}
	eval(`document.querySelectorAll('article.finding').length`, &n)
	took := time.Since(start)
	t.Logf("the page of 30,000 findings opened in %v (%d findings shown)", took, n)
	if n != maxFindingsShown {
		t.Errorf("%d findings shown, want %d", n, maxFindingsShown)
	}
	if took > 15*time.Second {
		t.Errorf("the page of 30,000 findings took %v to open", took)
	}
	eval(`document.querySelectorAll('#timeline-1 circle').length`, &n)
	if limit := (maxLanes + 2) * int((chartWidth-chartLeft-chartRight)/dotColumn+1); n == 0 || n > limit {
		t.Errorf("%d dots for 30,000 findings, want 1 to %d", n, limit)
	}
	var svgBytes int
	eval(`document.querySelector('#timeline-1').outerHTML.length`, &svgBytes)
	t.Logf("%d dots, an SVG of %d bytes", n, svgBytes)
	problems, _ = events.take()
	for _, p := range problems {
		t.Errorf("browser reported on the big page: %s", p)
	}

	if err := chromedp.Cancel(bctx); err != nil {
		t.Errorf("closing the browser: %v", err)
	}
}

func writePage(t *testing.T, path string, rep *finding.Report, plans []finding.Plan) {
	t.Helper()
	var b bytes.Buffer
	if err := HTML(&b, rep, plans); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// bigReport is a host with 30,000 findings over 40 days in 60 incidents and outside them.
func bigReport() *finding.Report {
	h := finding.HostResult{Host: "EX-BIG", Verdict: finding.Compromised}
	for i := 1; i <= 60; i++ {
		h.Incidents = append(h.Incidents, finding.Incident{ID: i, Verdict: finding.Verdict(i % 4), Severity: finding.Severity(i % 5),
			FirstSeen: g0.Add(time.Duration(i) * 16 * time.Hour), LastSeen: g0.Add(time.Duration(i)*16*time.Hour + 3*time.Hour), Summary: hostile(i)})
	}
	for i := range 30000 {
		h.Findings = append(h.Findings, finding.Finding{
			RuleID: fmt.Sprintf("EXS-RULE-%d", i%40), Title: hostile(i), Severity: finding.Severity(i % 5), Time: g0.Add(time.Duration(i) * 115 * time.Second),
			Incident: i % 61, UserAgent: hostile(i + 1), Target: hostile(i + 2), Evidence: strings.Repeat(hostile(i+3), 20),
			Where: finding.Location{Path: "inetpub/logs/LogFiles/W3SVC1/u_ex2103.log", Line: int64(i + 1)},
		})
	}
	return &finding.Report{Tool: "exsweep", Version: "0.1.0", Generated: g0, Hosts: []finding.HostResult{h}}
}
