package hunt

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/exsweep/exsweep/internal/eventjson"
	"github.com/exsweep/exsweep/internal/evtx"
	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt/source/events"
	"github.com/exsweep/exsweep/internal/hunt/source/files"
	"github.com/exsweep/exsweep/internal/rules"
	"github.com/exsweep/exsweep/internal/sigma"
	"github.com/exsweep/exsweep/internal/winevent"
)

// eventFile is one input of Windows events: an EVTX file or exported JSON lines.
type eventFile struct {
	path    string // local path to open
	display string // root-relative where it is under the root, else as given
	size    int64
	json    bool
}

// eventPlace classifies a drive-relative path an event names (Sysmon 11's TargetFilename) as the
// file rules' places do, and also names the folders the file hunt knows as IIS site folders
// from applicationHost.config, which an event cannot read: inetpub\wwwroot and Exchange's
// FrontEnd\HttpProxy.
func eventPlace(p string) string {
	if pl, _ := files.Classify(p); pl != "" {
		return string(pl)
	}
	low := strings.ToLower(p)
	if strings.HasPrefix(low, "inetpub/wwwroot/") || strings.Contains(low, "/frontend/httpproxy/") {
		return string(files.IISSite)
	}
	return ""
}

// eventWindowPrefix starts the name of an event log's coverage window.
const eventWindowPrefix = "events: "

// keyChannels get a coverage window of their own; other channels share one.
var keyChannels = []string{"Security", "System", "Application", "MSExchange Management", "Microsoft-Windows-Sysmon/Operational",
	"Microsoft-Windows-PowerShell/Operational", "Microsoft-Windows-Windows Defender/Operational"}

// eventFiles lists the event inputs: the EVTX files of every system root's winevt\Logs folder,
// then --evtx files and folders, then --events files and folders.
func eventFiles(root string, opt Options) ([]eventFile, []finding.Problem) {
	var out []eventFile
	var probs []finding.Problem
	seen := map[string]bool{}
	add := func(p string, isJSON bool) {
		// The same file named twice (the root's Logs folder and --evtx ./Logs) is read once.
		key := canonicalPath(p)
		if seen[key] {
			return
		}
		st, err := os.Stat(p)
		if err != nil {
			probs = append(probs, finding.Problem{Path: displayPath(root, p), Kind: "unreadable", Message: err.Error()})
			return
		}
		if !st.Mode().IsRegular() {
			probs = append(probs, finding.Problem{Path: displayPath(root, p), Kind: "not-a-file", Message: "not a regular file: not read"})
			return
		}
		seen[key] = true
		// The flag names what the user expects; the first bytes say what the file is (an EVTX
		// file given to --events, an export given to --evtx).
		if evtxMagic, ok := sniffEventFile(p); ok {
			isJSON = !evtxMagic
		}
		out = append(out, eventFile{path: p, display: displayPath(root, p), size: st.Size(), json: isJSON})
	}
	// walk adds the matching files of a folder and its subfolders, never following links.
	walk := func(dir string, match func(lowerName string) bool, isJSON bool) {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				probs = append(probs, finding.Problem{Path: displayPath(root, p), Kind: "unreadable", Message: err.Error()})
				return nil
			}
			if d.Type().IsRegular() && match(strings.ToLower(d.Name())) {
				add(p, isJSON)
			}
			return nil
		})
		if err != nil {
			probs = append(probs, finding.Problem{Path: displayPath(root, dir), Kind: "walk", Message: err.Error()})
		}
	}
	isEVTX := func(n string) bool { return strings.HasSuffix(n, ".evtx") }
	if !opt.NoEvents {
		for _, sys := range sysRoots(root) {
			if dir := ResolveCI(sys, "Windows/System32/winevt/Logs"); dir != "" {
				walk(dir, isEVTX, false)
			}
		}
	}
	for _, p := range opt.EVTX {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			walk(p, isEVTX, false)
			continue
		}
		add(p, false)
	}
	for _, p := range opt.EventFiles {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			walk(p, func(n string) bool {
				return strings.HasSuffix(n, ".json") || strings.HasSuffix(n, ".jsonl") || strings.HasSuffix(n, ".ndjson")
			}, true)
			continue
		}
		add(p, true)
	}
	return out, probs
}

// sniffEventFile reads a file's first bytes: evtx is true for an EVTX file header, false for
// JSON (an object or array after optional BOM and space); ok is false when it is neither.
func sniffEventFile(p string) (evtx, ok bool) {
	f, err := files.OpenRegular(p)
	if err != nil {
		return false, false
	}
	defer f.Close()
	head := make([]byte, 64)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if bytes.HasPrefix(head, []byte("ElfFile\x00")) {
		return true, true
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimLeft(head, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return false, true
	}
	return false, false
}

// canonicalPath is an absolute path with links in its folders resolved, for telling whether two
// names are one file.
func canonicalPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(dir, filepath.Base(abs))
	}
	return abs
}

// displayPath names a file root-relative when it is under the root, else as given.
func displayPath(root, p string) string {
	if inside(root, p) {
		return rel(root, p)
	}
	return filepath.ToSlash(p)
}

// eventHunt is the shared state of one event hunt: the compiled rules and what the workers
// gathered.
type eventHunt struct {
	col      *collector
	matcher  *events.Matcher
	gapRules []*rules.Rule
	sigma    *sigma.EventIndex // Sigma rules for Windows events; nil without --sigma
	placeOf  func(string) string
	mu       sync.Mutex
	windows  map[string]*finding.Window // key channel (or "other channels") -> coverage
	events   int64
	// Event times outside plausibleFrom..plausibleTo do not count for coverage.
	plausibleTo time.Time
	oddTimes    int64
}

// plausibleFrom: no Exchange server of these attacks logged before it.
var plausibleFrom = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// evtxJob is one chunk of one EVTX file.
type evtxJob struct {
	file  int
	chunk int
}

// evtxState is one EVTX file being read. It is open only while chunks of it are being read:
// jobs come file by file, so a collection of thousands of logs holds a few descriptors at once.
type evtxState struct {
	ef      eventFile
	mu      sync.Mutex
	f       *os.File
	r       *evtx.Reader
	openErr error
	header  evtx.Header // what the file header claims
	pending int         // chunks not yet read; the file is closed when it reaches 0
	runs    []idRun     // runs of consecutive record numbers read, for gaps
	tooMany bool        // more runs than maxRuns: gaps not computed
	skipped int
	channel string
}

// reader opens the file on the first chunk's behalf.
func (st *evtxState) reader() (*evtx.Reader, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.r == nil && st.openErr == nil {
		st.f, st.openErr = files.OpenRegular(st.ef.path)
		if st.openErr == nil {
			if st.r, st.openErr = evtx.NewReader(st.f, st.ef.size); st.openErr != nil {
				st.f.Close()
			}
		}
	}
	return st.r, st.openErr
}

// done records one chunk read and closes the file after its last one.
func (st *evtxState) done() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.pending--
	if st.pending == 0 && st.r != nil {
		st.f.Close()
		st.r, st.f = nil, nil
	}
}

// idRun is a run of consecutive record numbers with the times at its ends.
type idRun struct {
	first, last   uint64
	firstT, lastT time.Time
}

// maxRuns bounds the runs kept per file: a file of shuffled record numbers (hostile or
// damaged) would otherwise keep one per record.
const maxRuns = 10000

// huntEvents reads the event inputs and evaluates the event rules and Sigma rules on them. It
// returns the coverage windows of the event logs.
func huntEvents(ctx context.Context, opt Options, res *finding.HostResult, col *collector) []finding.Window {
	inputs, probs := eventFiles(opt.Root, opt)
	res.Problems = append(res.Problems, probs...)
	schema := Schema()
	h := &eventHunt{
		col:      col,
		matcher:  events.NewMatcher(opt.Pack.ForSource(events.Kind), schema),
		gapRules: opt.Pack.ForSource(events.GapKind),
		placeOf:  eventPlace,
		windows:  map[string]*finding.Window{},
		// A day of clock skew between the server and this machine is no reason to doubt.
		plausibleTo: time.Now().Add(48 * time.Hour),
	}
	if opt.Sigma != nil {
		h.sigma = sigma.NewEventIndex(opt.Sigma.Rules)
	}
	var evtxFiles []*evtxState
	var jsonFiles []eventFile
	var jobs []evtxJob
	for _, ef := range inputs {
		if ef.json {
			jsonFiles = append(jsonFiles, ef)
			continue
		}
		st := &evtxState{ef: ef}
		r, err := st.reader()
		if err != nil {
			kind := "not-evtx"
			if st.f == nil {
				kind = "unreadable"
			}
			res.Problems = append(res.Problems, finding.Problem{Path: ef.display, Kind: kind, Message: err.Error()})
			continue
		}
		for _, p := range r.Problems() {
			res.Problems = append(res.Problems, finding.Problem{Path: ef.display, Offset: p.Offset, Kind: "dirty", Message: p.Message})
		}
		st.pending = r.Chunks()
		st.header = r.Header()
		for c := 0; c < r.Chunks(); c++ {
			jobs = append(jobs, evtxJob{file: len(evtxFiles), chunk: c})
		}
		// Closed until its first chunk is read.
		st.f.Close()
		st.r, st.f = nil, nil
		evtxFiles = append(evtxFiles, st)
	}
	defer func() {
		for _, st := range evtxFiles {
			if st.f != nil {
				st.f.Close()
			}
		}
	}()
	res.Stats.EventFiles = len(inputs)

	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var resMu sync.Mutex
	addProblems := func(ps []finding.Problem) {
		if len(ps) > 0 {
			resMu.Lock()
			res.Problems = append(res.Problems, ps...)
			resMu.Unlock()
		}
	}
	inParallel(ctx, workers, jobs, h.newWorker, func(ws *eventWorker, j evtxJob) {
		st := evtxFiles[j.file]
		addProblems(readChunk(st, j.chunk, ws))
		st.done()
	}, (*eventWorker).flush)
	// Exported JSON: one file per worker; a file is a stream.
	inParallel(ctx, workers, jsonFiles, h.newWorker, func(ws *eventWorker, ef eventFile) {
		addProblems(readJSONEvents(ctx, ef, ws))
	}, (*eventWorker).flush)

	for _, st := range evtxFiles {
		if ctx.Err() != nil {
			break
		}
		h.gaps(st, res)
	}
	res.Stats.Events = h.events
	if h.oddTimes > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d events are dated before 2000 or in the future: left out of what the logs cover", h.oddTimes))
	}
	return h.windowList(evtxFiles)
}

// readChunk reads one chunk of an EVTX file through the worker, and returns its problems. A bug
// tripped by a hostile chunk costs that chunk, not the hunt.
func readChunk(st *evtxState, chunk int, ws *eventWorker) (ps []finding.Problem) {
	defer func() {
		if r := recover(); r != nil {
			ps = append(ps, finding.Problem{Path: st.ef.display, Kind: "internal-error",
				Message: fmt.Sprintf("exsweep failed on chunk %d of this file (please report it): %v", chunk, r)})
		}
	}()
	r, err := st.reader()
	if err != nil {
		if chunk == 0 { // one problem per file, not one per chunk
			return []finding.Problem{{Path: st.ef.display, Kind: "unreadable", Message: err.Error()}}
		}
		return nil
	}
	var runs []idRun
	channel := ""
	cr := r.ReadChunk(chunk, &ws.scratch, func(ev *winevent.Event, at evtx.Location) {
		runs = extendRuns(runs, ev.RecordID, ev.Time)
		if channel == "" {
			channel = ev.Channel
		}
		ws.event(ev, st.ef.display, at.Offset, 0)
	})
	kind := "dirty"
	if cr.Skipped > 0 {
		kind = "damaged"
	}
	if cr.Empty && st.header.Magic && chunk < int(st.header.ChunkCount) {
		ps = append(ps, finding.Problem{Path: st.ef.display, Offset: cr.Offset, Kind: "damaged",
			Message: fmt.Sprintf("chunk %d is blank although the file header counts %d chunks: its records were wiped", chunk, st.header.ChunkCount)})
	}
	for _, p := range cr.Problems {
		msg := p.Message
		if p.Record != 0 {
			msg = fmt.Sprintf("record %d: %s", p.Record, msg)
		}
		ps = append(ps, finding.Problem{Path: st.ef.display, Offset: p.Offset, Kind: kind, Message: msg})
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.channel == "" {
		st.channel = channel
	}
	st.skipped += cr.Skipped
	if !st.tooMany {
		st.runs = append(st.runs, runs...)
		if len(st.runs) > maxRuns {
			st.runs, st.tooMany = nil, true
		}
	}
	return ps
}

// readJSONEvents reads one file of exported events.
func readJSONEvents(ctx context.Context, ef eventFile, ws *eventWorker) []finding.Problem {
	f, err := files.OpenRegular(ef.path)
	if err != nil {
		return []finding.Problem{{Path: ef.display, Kind: "unreadable", Message: err.Error()}}
	}
	defer f.Close()
	_, probs := eventjson.Read(ctx, f, ef.display, func(ev *winevent.Event, line int64) {
		ws.event(ev, ef.display, 0, line)
	})
	var out []finding.Problem
	for _, p := range probs {
		out = append(out, finding.Problem{Path: ef.display, Line: p.Line, Offset: p.Offset, Kind: "bad-event", Message: p.Message})
	}
	return out
}

// extendRuns adds a record number to the runs read so far in one chunk.
func extendRuns(runs []idRun, id uint64, t time.Time) []idRun {
	if id == 0 {
		return runs
	}
	if n := len(runs); n > 0 && runs[n-1].last+1 == id {
		runs[n-1].last, runs[n-1].lastT = id, t
		return runs
	}
	if len(runs) > maxRuns {
		return runs
	}
	return append(runs, idRun{first: id, last: id, firstT: t, lastT: t})
}

// recordSpan names the record numbers a gap lacks: "12" or "12-19".
func recordSpan(g events.Gap) string {
	if g.Before-g.After == 2 {
		return strconv.FormatUint(g.After+1, 10)
	}
	return fmt.Sprintf("%d-%d", g.After+1, g.Before-1)
}

// maxGapsShown bounds the gaps an event-gap finding's evidence lists.
const maxGapsShown = 10

// gaps finds record numbers missing between the runs read from one file and evaluates the
// event-gap rules on them: one record per file, its evidence listing the first gaps.
func (h *eventHunt) gaps(st *evtxState, res *finding.HostResult) {
	if st.tooMany {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: record numbers too scattered to look for gaps (over %d runs)", st.ef.display, maxRuns))
		return
	}
	runs := st.runs
	sort.Slice(runs, func(i, j int) bool { return runs[i].first < runs[j].first })
	g := events.Gaps{Channel: st.channel, File: st.ef.display}
	var prev *idRun
	for i := range runs {
		r := &runs[i]
		if prev != nil && r.first > prev.last+1 {
			g.List = append(g.List, events.Gap{After: prev.last, Before: r.first, From: prev.lastT, To: r.firstT})
		}
		if prev == nil || r.last > prev.last {
			prev = r
		}
	}
	// A clean header names the next record to be written; a live copy's header lags behind, never
	// ahead. Numbers it claims beyond the last record read were lost at the end of the log.
	if n := len(runs); n > 0 && st.header.Magic && st.header.NextRecordID > prev.last+1 {
		g.List = append(g.List, events.Gap{After: prev.last, Before: st.header.NextRecordID, From: prev.lastT})
	}
	if len(g.List) == 0 {
		return
	}
	var ev strings.Builder
	fmt.Fprintf(&ev, "%s: %d record number(s) missing in %d gap(s):", g.Channel, g.Missing(), len(g.List))
	for i, x := range g.List {
		if i == maxGapsShown {
			fmt.Fprintf(&ev, " ... %d more", len(g.List)-i)
			break
		}
		if x.To.IsZero() {
			fmt.Fprintf(&ev, " %s (after %s, the newest the file header counts);", recordSpan(x), x.From.UTC().Format(time.RFC3339))
			continue
		}
		fmt.Fprintf(&ev, " %s (between %s and %s);", recordSpan(x), x.From.UTC().Format(time.RFC3339), x.To.UTC().Format(time.RFC3339))
	}
	if st.skipped > 0 {
		fmt.Fprintf(&ev, " %d record(s) of this file could not be read (see problems): gaps may be damage", st.skipped)
	}
	for _, rule := range h.gapRules {
		if !rule.Condition.Match(g) {
			continue
		}
		first := g.List[0]
		f := rule.Finding()
		f.Time = first.From
		f.Where = finding.Location{Path: st.ef.display, Record: recordSpan(first)}
		f.Fields = map[string]string{"channel": g.Channel, "missing": strconv.FormatUint(g.Missing(), 10), "gaps": strconv.Itoa(len(g.List))}
		h.col.add(&f, []byte(ev.String()))
	}
}

// windowList is the coverage of the event logs: one window per key channel, one for the rest.
func (h *eventHunt) windowList(evtxFiles []*evtxState) []finding.Window {
	for _, st := range evtxFiles {
		if w := h.windows[channelKey(st.channel)]; w != nil {
			w.Files++
			w.Bytes += st.ef.size
		}
	}
	var names []string
	for k := range h.windows {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []finding.Window
	for _, k := range names {
		w := h.windows[k]
		if !w.First.IsZero() {
			w.Days = w.Last.Sub(w.First).Hours() / 24
		}
		out = append(out, *w)
	}
	return out
}

// eventWorker is one worker's reusable state.
type eventWorker struct {
	h       *eventHunt
	scratch evtx.Scratch
	ms      events.Scratch
	text    []byte
	matched []*rules.Rule
	// Sigma rules matched by the current event, and the index's buffers.
	sigmaHits    []*sigma.Rule
	sigmaScratch sigma.IndexScratch
	events       int64
	oddTimes     int64
	windows      map[string]*finding.Window
}

func (h *eventHunt) newWorker() *eventWorker {
	return &eventWorker{h: h, windows: map[string]*finding.Window{}}
}

// event evaluates the rules on one event.
func (w *eventWorker) event(ev *winevent.Event, display string, offset, line int64) {
	w.events++
	w.cover(ev)
	h := w.h
	rec := events.Record{Event: ev, PlaceOf: h.placeOf}
	w.text = events.AppendEvidence(w.text[:0], ev)
	w.matched = h.matcher.Match(&rec, w.text, &w.ms, w.matched[:0])
	for _, r := range w.matched {
		f := r.Finding()
		events.Fill(ev, display, offset, line, &f)
		h.col.add(&f, w.text)
	}
	if h.sigma != nil && h.sigma.Len() > 0 {
		w.sigmaHits = h.sigma.Match(ev, &w.sigmaScratch, w.sigmaHits[:0])
		for _, r := range w.sigmaHits {
			f := sigmaFinding(r, events.Kind)
			events.Fill(ev, display, offset, line, &f)
			h.col.add(&f, w.text)
		}
	}
}

// cover widens the coverage window of the event's channel.
func (w *eventWorker) cover(ev *winevent.Event) {
	if ev.Time.IsZero() {
		return
	}
	if ev.Time.Before(plausibleFrom) || ev.Time.After(w.h.plausibleTo) {
		// A record dated 1601 or 30828 (a zero or forged FILETIME) would make the logs seem to
		// cover centuries: it is counted, not used for coverage.
		w.oddTimes++
		return
	}
	key := channelKey(ev.Channel)
	win := w.windows[key]
	if win == nil {
		win = &finding.Window{Source: eventWindowPrefix + key, First: ev.Time, Last: ev.Time}
		w.windows[key] = win
	}
	win.First = minTime(win.First, ev.Time)
	win.Last = maxTime(win.Last, ev.Time)
}

// channelKey is the coverage window a channel counts in.
func channelKey(channel string) string {
	for _, c := range keyChannels {
		if strings.EqualFold(c, channel) {
			return c
		}
	}
	return "other channels"
}

// flush merges the worker's counts into the hunt's.
func (w *eventWorker) flush() {
	h := w.h
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events += w.events
	h.oddTimes += w.oddTimes
	for k, win := range w.windows {
		if cur := h.windows[k]; cur == nil {
			h.windows[k] = win
		} else {
			cur.First = minTime(cur.First, win.First)
			cur.Last = maxTime(cur.Last, win.Last)
		}
	}
}

// sigmaFinding makes the finding skeleton of a Sigma hit. Sigma levels are not verdicts: a hit
// is "suspicious" (shown, counted, joined to incidents) and never decides the host's verdict
// alone; exsweep's own rules, tested against samples, do.
func sigmaFinding(r *sigma.Rule, source string) finding.Finding {
	id := r.ID
	if id == "" {
		id = r.Title
	}
	why := r.Description
	if why == "" {
		why = "Sigma rule " + r.Title
	}
	return finding.Finding{
		RuleID:     "sigma:" + id,
		Title:      r.Title,
		Severity:   sigmaSeverity(r.Level),
		Supports:   finding.SupportsSuspicious,
		Why:        why + " (Sigma rule from " + r.Path + ")",
		References: r.References,
		Source:     source,
	}
}

func sigmaSeverity(level string) finding.Severity {
	switch strings.ToLower(level) {
	case "critical":
		return finding.Critical
	case "high":
		return finding.High
	case "medium":
		return finding.Medium
	case "low":
		return finding.Low
	}
	return finding.Info
}
