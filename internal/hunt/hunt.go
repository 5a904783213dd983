// Package hunt examines one Exchange server's files (a mounted image, a triage collection, or
// the live system drive): it finds the Exchange installs and IIS log folders, reads every log
// source once through its prefilter, evaluates the rule pack, and turns the findings into a
// verdict, incidents and visibility windows.
package hunt

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt/source"
	"github.com/exsweep/exsweep/internal/hunt/source/ecplog"
	"github.com/exsweep/exsweep/internal/hunt/source/events"
	"github.com/exsweep/exsweep/internal/hunt/source/files"
	"github.com/exsweep/exsweep/internal/hunt/source/httpproxy"
	"github.com/exsweep/exsweep/internal/hunt/source/iislog"
	"github.com/exsweep/exsweep/internal/hunt/source/oablog"
	"github.com/exsweep/exsweep/internal/logscan"
	"github.com/exsweep/exsweep/internal/rules"
	"github.com/exsweep/exsweep/internal/sigma"
)

// Sources returns the log sources a hunt reads, in report order.
func Sources() []source.LogSource {
	return []source.LogSource{httpproxy.Source{}, ecplog.Source{}, oablog.New(), iislog.Source{}}
}

// Schema is the rule schema of the hunt's sources: what fields rules may name.
func Schema() rules.Schema {
	s := rules.Schema{}
	for _, src := range Sources() {
		s[src.Kind()] = src.Fields()
	}
	s[files.Kind] = files.Fields()
	s[IISConfigKind] = iisConfigFields()
	s[events.Kind] = events.Fields()
	s[events.GapKind] = events.GapFields()
	return s
}

// Options configure a hunt.
type Options struct {
	Root string
	DiscoverOptions
	Pack         *rules.Pack
	Since, Until time.Time // zero: unbounded
	Workers      int       // 0: one per CPU
	// MaxRowsPerRuleClient caps the findings kept per rule and client address; repeats beyond it
	// are counted (Stats.Suppressed) and still widen their incident's time span.
	MaxRowsPerRuleClient int
	// Progress, when set, receives running totals; it must be cheap and safe for concurrent use.
	Progress func(Progress)
	// ChunkSize overrides the scanner's read size (tests).
	ChunkSize int
	// Deep also reads every page and configuration file anywhere under the root.
	Deep bool
	// FileCaps bound what is read of one file; zero: files.DefaultCaps.
	FileCaps files.Caps
	// NoFiles leaves the files on disk out; NoLogs the Exchange and IIS logs; NoEvents the
	// event logs found under the root (--evtx and --events inputs are always read).
	NoFiles, NoLogs, NoEvents bool
	// EVTX are EVTX files or folders to read besides the root's winevt\Logs (--evtx);
	// EventFiles are files or folders of events exported as JSON lines (--events).
	EVTX, EventFiles []string
	// Sigma rules (--sigma) are evaluated over the events and over IIS log rows.
	Sigma *sigma.Set
}

// Progress is a running total of the work.
type Progress struct {
	Bytes, TotalBytes int64
	Files, TotalFiles int
}

// job is one file with the source that reads it.
type job struct {
	src  source.LogSource
	file source.File
	comp *compiled
}

type compiled struct {
	rules []*rules.Rule
	sigma []*sigma.Rule // Sigma webserver rules (IIS only); prefilter groups after the rules'
	pf    *logscan.Prefilter
}

// Run hunts one host tree.
func Run(ctx context.Context, opt Options) (*finding.HostResult, error) {
	start := time.Now()
	if opt.Pack == nil {
		return nil, errors.New("hunt: no rule pack")
	}
	layout, err := Discover(opt.Root, opt.DiscoverOptions)
	if err != nil {
		return nil, err
	}
	res := &finding.HostResult{
		Host:     hostName(opt.Root),
		Root:     opt.Root,
		Since:    opt.Since,
		Until:    opt.Until,
		Warnings: append([]string(nil), layout.Warnings...),
		Problems: append([]finding.Problem(nil), layout.Problems...),
	}
	for _, in := range layout.Installs {
		res.Installs = append(res.Installs, rel(opt.Root, in.Dir))
		res.Builds = append(res.Builds, installBuild(opt.Root, in.Dir))
	}
	schema := Schema()
	var jobs []job
	perSource := map[string][]source.File{}
	for _, src := range Sources() {
		if opt.NoLogs {
			break
		}
		var web []*sigma.Rule // Sigma webserver rules read IIS rows
		if src.Kind() == iislog.Kind && opt.Sigma != nil {
			web = webSigma(opt.Sigma)
		}
		comp := compileWithSigma(opt.Pack.ForSource(src.Kind()), web, schema, src.Dialect())
		files, probs := listFiles(opt.Root, layout, src.Kind())
		res.Problems = append(res.Problems, probs...)
		perSource[src.Kind()] = files
		for _, f := range files {
			jobs = append(jobs, job{src: src, file: f, comp: comp})
		}
	}
	if len(layout.Installs) == 0 && !opt.NoLogs {
		res.Warnings = append(res.Warnings, "no Exchange install found in the tree (looked for Bin\\ExSetup.exe, Logging\\HttpProxy, FrontEnd\\HttpProxy): use --exchange-path if it is there under another layout")
	}
	if len(layout.IISDirs) == 0 && !opt.NoLogs {
		res.Warnings = append(res.Warnings, "no IIS log folder (W3SVC<n>) found in the tree: use --iis-logs if the logs are elsewhere")
	}
	// Largest files first, so one big file does not start last and hold up the end.
	sort.SliceStable(jobs, func(i, j int) bool { return jobs[i].file.Size > jobs[j].file.Size })

	col := newCollector(opt)
	if !opt.NoFiles && ctx.Err() == nil {
		// Files first: their findings are few and each is decisive, so a flood of log rows
		// reaching the global findings cap can never push a web shell out of the report.
		huntFiles(ctx, opt, layout, res, col)
	}
	var eventWindows []finding.Window
	if ctx.Err() == nil {
		// Events next, for the same reason: a process started by w3wp is decisive.
		eventWindows = huntEvents(ctx, opt, res, col)
	}
	fileRes := make([]logscan.Result, len(jobs))
	var total int64
	for _, j := range jobs {
		total += j.file.Size
	}
	var doneBytes atomic.Int64
	var doneFiles atomic.Int32
	report := func() {
		if opt.Progress != nil {
			opt.Progress(Progress{Bytes: doneBytes.Load(), TotalBytes: total, Files: int(doneFiles.Load()), TotalFiles: len(jobs)})
		}
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// A worker's state: its read buffer and the #Fields headers it has seen.
	type logWorker struct {
		buf     []byte
		headers *logscan.HeaderCache
	}
	order := make([]int, len(jobs))
	for i := range order {
		order[i] = i
	}
	inParallel(ctx, workers, order, func() logWorker {
		return logWorker{buf: make([]byte, max(opt.ChunkSize, logscan.DefaultChunk)), headers: &logscan.HeaderCache{}}
	}, func(w logWorker, i int) {
		fileRes[i] = scanOne(ctx, jobs[i], opt, w.buf, w.headers, col, func(n int64) { doneBytes.Add(n); report() })
		doneFiles.Add(1)
		report()
	}, nil)
	if err := ctx.Err(); err != nil {
		res.Problems = append(res.Problems, finding.Problem{Path: opt.Root, Kind: "cancelled", Message: "the hunt was interrupted: " + err.Error()})
	}

	for _, r := range fileRes {
		res.Stats.Files++
		res.Stats.Bytes += r.Bytes
		res.Stats.Lines += r.Lines
		res.Stats.Candidates += r.Candidates
		res.Problems = append(res.Problems, r.Problems...)
	}
	if !opt.NoLogs {
		res.Windows, res.Warnings = windows(jobs, fileRes, perSource, opt, res.Warnings)
	}
	res.Windows = append(res.Windows, eventWindows...)
	res.Warnings = append(res.Warnings, eventWindowWarnings(eventWindows, opt)...)
	if len(jobs) == 0 && res.Stats.FilesExamined == 0 && res.Stats.EventFiles == 0 {
		// Nothing to read is not a clean server: the exit code must say so, not only the text.
		res.Problems = append(res.Problems, finding.Problem{Path: rel(opt.Root, opt.Root), Kind: "no-input", Message: "nothing to read: " + nothingRead(opt) + " under the root"})
	}
	if opt.Sigma != nil {
		res.Stats.SigmaRules = len(opt.Sigma.Rules)
		for _, u := range opt.Sigma.Unusable {
			res.RulesSkipped = append(res.RulesSkipped, finding.SkippedRule{Path: u.Path, Line: u.Line, Title: finding.EscapeString(u.Title), Reason: u.Reason})
		}
	}
	res.Findings = col.sorted()
	res.Stats.Suppressed = col.suppressedRows()
	if col.refusedFiles > 0 {
		res.Problems = append(res.Problems, finding.Problem{Path: rel(opt.Root, opt.Root), Kind: "too-many-findings",
			Message: fmt.Sprintf("%d findings about files were not kept: over %d already were; the report does not name every flagged file (clean, then hunt again)", col.refusedFiles, maxFileFinds)})
	}
	if col.refused > 0 {
		res.Problems = append(res.Problems, finding.Problem{Path: rel(opt.Root, opt.Root), Kind: "too-many-findings",
			Message: fmt.Sprintf("%d findings that support a verdict were not kept: over %d rule and client pairs already were; the verdict may miss an incident", col.refused, maxDecisive)})
	}
	res.Stats.RulesLoaded = len(opt.Pack.Rules)
	res.Incidents = buildIncidents(res.Findings, col.spans)
	res.Verdict, res.Reason = verdict(res)
	res.Partial = partial(res.Problems)
	sort.SliceStable(res.Problems, func(i, j int) bool { return res.Problems[i].Path < res.Problems[j].Path })
	// Empty lists are written as [] rather than null: consumers index them without checks.
	for _, l := range []*[]string{&res.Installs, &res.Warnings} {
		if *l == nil {
			*l = []string{}
		}
	}
	if res.Findings == nil {
		res.Findings = []finding.Finding{}
	}
	if res.Windows == nil {
		res.Windows = []finding.Window{}
	}
	if res.Incidents == nil {
		res.Incidents = []finding.Incident{}
	}
	if res.Problems == nil {
		res.Problems = []finding.Problem{}
	}
	res.Stats.Duration = time.Since(start)
	return res, nil
}

// nothingRead names what the hunt looked for and did not find, for the parts it was asked to read.
func nothingRead(opt Options) string {
	var parts []string
	if !opt.NoLogs {
		parts = append(parts, "no Exchange or IIS log file")
	}
	if !opt.NoEvents || len(opt.EVTX) > 0 || len(opt.EventFiles) > 0 {
		parts = append(parts, "no event log")
	}
	if !opt.NoFiles {
		parts = append(parts, "no web folder")
	}
	return strings.Join(parts, ", ") + " found"
}

func hostName(root string) string {
	abs, err := filepath.Abs(root)
	if err != nil {
		return root
	}
	if b := filepath.Base(abs); b != "" && b != string(filepath.Separator) && b != "." {
		return b
	}
	if h, err := os.Hostname(); err == nil {
		return h
	}
	return abs
}

func compile(rs []*rules.Rule, schema rules.Schema, d logscan.Dialect) *compiled {
	return compileWithSigma(rs, nil, schema, d)
}

// compileWithSigma also selects rows for Sigma rules: their literals are prefilter groups after
// the pack rules' (a rule without literals turns the prefilter off, as for pack rules).
func compileWithSigma(rs []*rules.Rule, sr []*sigma.Rule, schema rules.Schema, d logscan.Dialect) *compiled {
	groups := make([][]string, 0, len(rs)+len(sr))
	for _, r := range rs {
		groups = append(groups, r.Atoms(schema))
	}
	for _, r := range sr {
		groups = append(groups, r.Literals())
	}
	return &compiled{rules: rs, sigma: sr, pf: logscan.NewPrefilter(groups, d)}
}

// webSigma are the Sigma rules that read web server logs.
func webSigma(set *sigma.Set) []*sigma.Rule {
	var out []*sigma.Rule
	for _, r := range set.Rules {
		if r.ForWeb() {
			out = append(out, r)
		}
	}
	return out
}

// listFiles returns the log files of one source kind, with problems for what cannot be listed.
func listFiles(root string, l *Layout, kind string) ([]source.File, []finding.Problem) {
	var files []source.File
	var probs []finding.Problem
	add := func(dir string, in *source.Install, group string) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			probs = append(probs, finding.Problem{Path: rel(root, dir), Kind: "unreadable", Message: err.Error()})
			return
		}
		for _, e := range entries {
			if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".log") {
				continue
			}
			p := filepath.Join(dir, e.Name())
			f, prob := fileFor(root, p, e)
			if prob != nil {
				probs = append(probs, *prob)
				continue
			}
			f.Install, f.Group = in, group
			files = append(files, f)
		}
	}
	switch kind {
	case httpproxy.Kind:
		for _, in := range l.Installs {
			base := ResolveCI(in.Dir, "Logging/HttpProxy")
			if base == "" {
				continue
			}
			entries, err := os.ReadDir(base)
			if err != nil {
				probs = append(probs, finding.Problem{Path: rel(root, base), Kind: "unreadable", Message: err.Error()})
				continue
			}
			for _, e := range entries {
				if e.IsDir() {
					add(filepath.Join(base, e.Name()), in, e.Name())
				}
			}
		}
	case ecplog.Kind:
		for _, in := range l.Installs {
			if d := ResolveCI(in.Dir, "Logging/ECP/Server"); d != "" {
				add(d, in, "Server")
			}
		}
	case oablog.Kind:
		for _, in := range l.Installs {
			if d := ResolveCI(in.Dir, "Logging/OABGeneratorLog"); d != "" {
				add(d, in, "OABGeneratorLog")
			}
		}
	case iislog.Kind:
		for _, d := range l.IISDirs {
			add(d, nil, filepath.Base(d))
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, probs
}

// fileFor checks one directory entry: regular files are read; links only when they stay inside
// the root and end at a regular file; devices, pipes and sockets never.
func fileFor(root, p string, e fs.DirEntry) (source.File, *finding.Problem) {
	display := rel(root, p)
	if e.Type()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(p)
		if err != nil {
			// A log we cannot reach is a log not read: this one makes the result partial.
			return source.File{}, &finding.Problem{Path: display, Kind: "broken-link", Message: "broken or looping link, not followed: " + err.Error()}
		}
		if !inside(root, target) {
			return source.File{}, &finding.Problem{Path: display, Kind: "link", Message: "link leaves the root (to " + target + "), not followed"}
		}
	}
	fi, err := os.Stat(p)
	if err != nil {
		return source.File{}, &finding.Problem{Path: display, Kind: "unreadable", Message: err.Error()}
	}
	if !fi.Mode().IsRegular() {
		return source.File{}, &finding.Problem{Path: display, Kind: "not-a-file", Message: "not a regular file (device, pipe or socket): not opened"}
	}
	return source.File{Path: p, Display: display, Size: fi.Size()}, nil
}

// inside reports whether target (a resolved path) lies within root.
func inside(root, target string) bool { return files.Inside(root, target) }

// scanOne reads one file. The file is read up to the size it had when listed, so a file still
// being written gives a consistent result; growth is noted.
func scanOne(ctx context.Context, j job, opt Options, buf []byte, headers *logscan.HeaderCache, col *collector, progress func(int64)) (res logscan.Result) {
	defer func() {
		// A bug tripped by one hostile file must not take the whole hunt down with it: that
		// file's result becomes a problem that makes the verdict partial, and the hunt goes on.
		if r := recover(); r != nil {
			res.Problems = append(res.Problems, finding.Problem{Path: j.file.Display, Kind: "internal-error",
				Message: fmt.Sprintf("exsweep failed on this file (please report it): %v", r)})
		}
	}()
	f, err := os.Open(j.file.Path)
	if err != nil {
		kind := "unreadable"
		if errors.Is(err, fs.ErrNotExist) {
			kind = "vanished"
		}
		progress(j.file.Size)
		return logscan.Result{Problems: []finding.Problem{{Path: j.file.Display, Kind: kind, Message: err.Error()}}}
	}
	defer f.Close()
	src, comp := j.src, j.comp
	lo := logscan.Options{
		Dialect:       src.Dialect(),
		Prefilter:     comp.pf,
		DefaultHeader: src.DefaultHeader(),
		Time:          src.Time,
		Progress:      progress,
		ChunkSize:     opt.ChunkSize,
		Buffer:        buf,
		Headers:       headers,
	}
	file := j.file
	r := logscan.Scan(ctx, io.LimitReader(f, file.Size), file.Display, lo, func(rec *logscan.Record, which []int) {
		src.Derive(rec, &file)
		if which == nil {
			for _, rule := range comp.rules {
				evaluate(rule, rec, src, &file, col)
			}
			for _, sr := range comp.sigma {
				evaluateSigma(sr, rec, src, &file, col)
			}
			return
		}
		for _, i := range which {
			if i < len(comp.rules) {
				evaluate(comp.rules[i], rec, src, &file, col)
			} else {
				evaluateSigma(comp.sigma[i-len(comp.rules)], rec, src, &file, col)
			}
		}
	})
	if r.Bytes < file.Size {
		r.Problems = append(r.Problems, finding.Problem{Path: file.Display, Offset: r.Bytes, Kind: "truncated", Message: fmt.Sprintf("file shrank while read: got %d of %d bytes", r.Bytes, file.Size)})
	}
	if fi, err := f.Stat(); err == nil && fi.Size() > file.Size {
		r.Problems = append(r.Problems, finding.Problem{Path: file.Display, Offset: file.Size, Kind: "grew", Message: fmt.Sprintf("file grew by %d bytes while read (still being written): rows after the first %d bytes were not read", fi.Size()-file.Size, file.Size)})
	}
	return r
}

func evaluate(rule *rules.Rule, rec *logscan.Record, src source.LogSource, file *source.File, col *collector) {
	if !rule.Condition.Match(rec) {
		return
	}
	f := rule.Finding()
	src.Fill(rec, &f)
	f.Where = finding.Location{Path: file.Display, Line: rec.Line, Offset: rec.Offset}
	col.add(&f, rec.Raw)
}

// evaluateSigma evaluates a Sigma webserver rule on an IIS row, its columns named as written.
func evaluateSigma(r *sigma.Rule, rec *logscan.Record, src source.LogSource, file *source.File, col *collector) {
	fields := make(map[string]string, len(rec.Header.Names))
	for i, n := range rec.Header.Names {
		if i < len(rec.Values) {
			fields[strings.ToLower(n)] = rec.Values[i]
		}
	}
	if !r.Match(sigma.WebRecord(fields)) {
		return
	}
	f := sigmaFinding(r, src.Kind())
	src.Fill(rec, &f)
	f.Where = finding.Location{Path: file.Display, Line: rec.Line, Offset: rec.Offset}
	col.add(&f, rec.Raw)
}

// Bounds on what a hunt keeps, so a hostile or hammered server cannot exhaust memory: rows
// beyond them are counted (Stats.Suppressed) and still widen their incident's time span.
const (
	// Findings kept in all, in two budgets: those that decide a verdict (attempted,
	// compromised) and the rest (probes, suspicious items, Sigma hits), so a flood of the rest
	// (25,000 failed logons a low Sigma rule lists) can never crowd out a w3wp starting cmd.exe.
	maxDecisive    = 20000
	maxOther       = 10000
	maxFileFinds   = 40000   // findings about files on disk: their own budget (cleaning acts on each)
	maxEvidenceLen = 4 << 10 // bytes of a row kept as evidence, and of a target
)

// collector gathers findings from all workers. Per rule and client it keeps the earliest max
// findings (by time, then place) plus the latest one, whatever order the workers deliver them
// in, so the report is the same on every run and long activity still shows where it ends. Past
// its budget (maxDecisive or maxOther), rule and client pairs not yet seen are only counted:
// which pairs got in before then depends on read order, so beyond the cap (a flood) the kept set
// may vary. A decisive pair refused is a problem: the verdict may miss an incident.
type collector struct {
	mu           sync.Mutex
	since        time.Time
	until        time.Time
	max          int
	kept         map[string]*keptHeap // rule|client -> indices of kept findings, latest on top
	latest       map[string]*finding.Finding
	findings     []finding.Finding
	spans        map[string]*span // rule|client -> every row's time span and count, kept or not
	used         [3]int           // kept findings and latest rows, per budget (other, decisive, files)
	refused      int              // decisive rule|client pairs not kept: the budget was full
	refusedFiles int              // file findings not kept: the file budget was full
}

// budget is a finding's budget: 2 for findings about files on disk (a flood of decoy files
// must not push log evidence out, nor the reverse), 1 for other findings that decide a
// verdict, 0 for the rest.
func budget(f *finding.Finding) int {
	if f.Source == files.Kind || f.Source == IISConfigKind {
		return 2
	}
	if f.Supports.Verdict() >= finding.Attempted {
		return 1
	}
	return 0
}

var budgetCaps = [3]int{maxOther, maxDecisive, maxFileFinds}

type span struct {
	first, last time.Time
	count       int
}

func newCollector(opt Options) *collector {
	max := opt.MaxRowsPerRuleClient
	if max <= 0 {
		max = 500
	}
	return &collector{since: opt.Since, until: opt.Until, max: max, kept: map[string]*keptHeap{}, latest: map[string]*finding.Finding{}, spans: map[string]*span{}}
}

func (c *collector) add(f *finding.Finding, raw []byte) {
	// --since/--until select log rows. A file's times are whatever the attacker set them to:
	// a shell on disk is reported whatever its dates say.
	logRow := f.Source != files.Kind && f.Source != IISConfigKind
	if logRow && !f.Time.IsZero() && (!c.since.IsZero() && f.Time.Before(c.since) || !c.until.IsZero() && f.Time.After(c.until)) {
		return
	}
	key := f.RuleID + "|" + clientKey(f.ClientIP)
	if !logRow {
		// Every file is its own evidence, and cleaning acts only on files the report names:
		// the per-rule cap that tames a flood of log rows must not hide the 501st web shell.
		key = f.RuleID + "|file|" + f.Where.Path
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	b := budget(f)
	full := c.used[b] >= budgetCaps[b]
	if !logRow && full && c.kept[key] == nil {
		// Beyond the file budget, files are only counted: one span per rule, not one per file,
		// so 200,000 flagged files cannot grow memory without bound.
		c.refusedFiles++
		key = f.RuleID + "|file-overflow"
	}
	sp := c.spans[key]
	if sp == nil {
		sp = &span{first: f.Time, last: f.Time}
		c.spans[key] = sp
	}
	sp.count++
	sp.first = minTime(sp.first, f.Time)
	sp.last = maxTime(sp.last, f.Time)
	h := c.kept[key]
	if h == nil {
		if full {
			// Counted in its span; beyond the cap new pairs are not kept.
			if b == 1 {
				c.refused++
			}
			return
		}
		h = &keptHeap{all: &c.findings}
		c.kept[key] = h
	}
	if h.Len() < c.max && !full {
		sanitize(f, raw)
		c.findings = append(c.findings, *f)
		c.used[b]++
		heap.Push(h, len(c.findings)-1)
		return
	}
	if h.Len() > 0 && finding.Less(f, &c.findings[h.idx[0]]) {
		// Earlier than the latest kept one: it takes that one's place, which moves to "latest".
		c.keepLatest(key, c.findings[h.idx[0]], b, full)
		sanitize(f, raw)
		c.findings[h.idx[0]] = *f
		heap.Fix(h, 0)
		return
	}
	if l := c.latest[key]; l == nil && !full || l != nil && finding.Less(l, f) {
		sanitize(f, raw)
		c.keepLatest(key, *f, b, full)
	}
}

// keepLatest keeps f as its key's latest row. A key without one gets it only below its budget's
// cap; replacing an existing one never grows memory.
func (c *collector) keepLatest(key string, f finding.Finding, b int, full bool) {
	l := c.latest[key]
	if l == nil && full {
		return
	}
	if l == nil {
		c.used[b]++
	}
	if l == nil || finding.Less(l, &f) {
		c.latest[key] = &f
	}
}

// suppressedRows is how many rows matched but are not in the output: all rows counted in the
// spans, less those kept.
func (c *collector) suppressedRows() int64 {
	var total int64
	for _, sp := range c.spans {
		total += int64(sp.count)
	}
	return total - int64(len(c.findings)+len(c.latest))
}

// sanitize escapes what the attacker wrote (invalid UTF-8, control characters) in every text
// of a finding, so JSON and terminals get it whole and harmless.
func sanitize(f *finding.Finding, raw []byte) {
	if len(raw) > maxEvidenceLen {
		raw = raw[:maxEvidenceLen]
		f.Evidence = finding.EscapeBytes(raw) + fmt.Sprintf(" [... row cut at %d bytes]", maxEvidenceLen)
	} else {
		f.Evidence = finding.EscapeBytes(raw)
	}
	f.ClientIP = finding.EscapeString(f.ClientIP)
	f.User = finding.EscapeString(f.User)
	f.UserAgent = finding.EscapeString(f.UserAgent)
	if len(f.Target) > maxEvidenceLen {
		f.Target = f.Target[:maxEvidenceLen] + fmt.Sprintf(" [... cut at %d bytes]", maxEvidenceLen)
	}
	f.Target = finding.EscapeString(f.Target)
	for k, v := range f.Fields {
		f.Fields[k] = finding.EscapeString(v)
	}
}

// keptHeap is a max-heap (latest first) of indices into the collector's findings.
type keptHeap struct {
	idx []int
	all *[]finding.Finding
}

func (h *keptHeap) Len() int { return len(h.idx) }
func (h *keptHeap) Less(i, j int) bool {
	return finding.Less(&(*h.all)[h.idx[j]], &(*h.all)[h.idx[i]])
}
func (h *keptHeap) Swap(i, j int) { h.idx[i], h.idx[j] = h.idx[j], h.idx[i] }
func (h *keptHeap) Push(x any)    { h.idx = append(h.idx, x.(int)) }
func (h *keptHeap) Pop() any {
	v := h.idx[len(h.idx)-1]
	h.idx = h.idx[:len(h.idx)-1]
	return v
}

func (c *collector) sorted() []finding.Finding {
	out := c.findings
	for _, l := range c.latest {
		out = append(out, *l)
	}
	sort.SliceStable(out, func(i, j int) bool { return finding.Less(&out[i], &out[j]) })
	return out
}

// clientKey normalises an address so 10.0.0.1 and ::ffff:10.0.0.1 are one client. IPv6 clients
// are keyed by their /64, the smallest block one party usually holds: a scanner rotating through
// its block is still one client for the caps.
func clientKey(ip string) string {
	a, err := netip.ParseAddr(strings.Trim(ip, "[]"))
	if err != nil {
		return strings.ToLower(ip)
	}
	a = a.Unmap()
	if a.Is6() {
		if p, err := a.Prefix(64); err == nil {
			return p.String()
		}
	}
	return a.String()
}
