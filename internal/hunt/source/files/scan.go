package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/exsweep/exsweep/internal/aspnettrace"
	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/minidump"
	"github.com/exsweep/exsweep/internal/rules"
)

// Mode says how much of the files under a target is read.
type Mode int

// Modes, from most to least reading.
const (
	// ReadAll reads every file up to the web cap: folders where nothing but Exchange's own few
	// files belongs (aspnet_client, owa\auth, ecp\auth, ClientAccess\Oab).
	ReadAll Mode = iota
	// ReadPages reads pages, configs and scripts up to the page cap and the first bytes of every
	// other file (a PST or certificate with a page name, a dump): web application folders.
	ReadPages
	// ReadHeads reads the first bytes of every file and pages whole: where dumps and staged
	// archives are left (Windows\Temp, ProgramData, C:\root, Users\Public).
	ReadHeads
	// ReadNotable looks only at files whose name matters (pages, dumps, archives, PST): large
	// trees such as user profiles and, with --deep, the whole drive.
	ReadNotable
)

// Target is one folder to walk.
type Target struct {
	Dir   string // local path
	Place Place  // place of files below, unless a marker folder in the path names another
	Mode  Mode
	Flat  bool // only the folder's own files (the drive root), not its subfolders
}

// Caps bound what is read of one file, by kind. A file larger than its cap is read up to the
// cap, matched on that part, not hashed, and named in the report.
type Caps struct {
	Page int64 // pages, configs, scripts, and every file in ReadAll folders
	Head int64 // the first bytes of other files
}

// DefaultCaps are generous for pages (a ProxyShell PST saved as .aspx holds a whole mailbox
// export) and small for headers, which only need a format's magic and a dump's module list.
func DefaultCaps() Caps { return Caps{Page: 16 << 20, Head: 64 << 10} }

// Options configure one file scan.
type Options struct {
	Root    string
	Targets []Target // walked in order; a file is read once, by the first target that reaches it
	Caps    Caps
	Rules   []*rules.Rule
	Schema  rules.Schema
	Workers int // 0: one per CPU
	// PageExts are extensions (".aspx") read as pages; nil: DefaultPageExts.
	PageExts map[string]bool
}

// DefaultPageExts are what IIS runs as code (ASP.NET and classic ASP pages, handlers, services,
// controls) or reads as configuration: read whole wherever the walk meets them.
func DefaultPageExts() map[string]bool {
	m := map[string]bool{}
	for _, e := range []string{".aspx", ".ashx", ".asmx", ".asp", ".asa", ".cer", ".cshtml", ".vbhtml", ".svc", ".soap", ".rem",
		".ascx", ".asax", ".master", ".aspq", ".axd", ".config"} {
		m[e] = true
	}
	return m
}

// textExt: scripts and text an attacker drops beside pages, read whole in web folders only
// (ProgramData and profiles hold thousands of them, none served).
func textExt(ext string) bool {
	switch ext {
	case ".js", ".vbs", ".ps1", ".bat", ".cmd", ".txt", ".xml", ".htm", ".html", ".php", ".jsp", ".json", ".inc", ".dat":
		return true
	}
	return false
}

// notableExts are looked at even in ReadNotable trees.
func notable(ext, name string) bool {
	switch ext {
	case ".dmp", ".mdmp", ".pst", ".7z", ".zip", ".rar":
		return true
	}
	return strings.HasPrefix(strings.ToLower(name), "lsass")
}

// Result is what the scan did.
type Result struct {
	Files    int   // files looked at (records made)
	Read     int   // files opened and read
	Bytes    int64 // bytes read
	Problems []finding.Problem
}

// Visit receives every record with the rules it matched (nil when none). It is called from
// several goroutines; the record, its content and the evidence are only valid during the call.
type Visit func(rec *Record, matched []Match)

type work struct {
	path    string // local path to open
	display string
	place   Place
	under   string
	size    int64
	limit   int64 // bytes to read; 0: do not open
	head    bool  // only the first bytes, to name the format
	trace   bool  // a compiled-page trace: the pages it names are the records
	info    fs.FileInfo
}

// bigRead is the size above which a read takes one of the few big-read slots, and maxBigReads
// how many such reads run at once: memory is bounded by the slots, not by the number of cores.
const (
	bigRead     = 1 << 20
	maxBigReads = 2
)

// Scan walks the targets and visits every file worth a record.
func Scan(ctx context.Context, opt Options, visit Visit) Result {
	if opt.PageExts == nil {
		opt.PageExts = DefaultPageExts()
	}
	if opt.Caps == (Caps{}) {
		opt.Caps = DefaultCaps()
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	m := newMatcher(opt.Rules, opt.Schema)
	var res Result
	var mu sync.Mutex
	problem := func(p finding.Problem) {
		mu.Lock()
		res.Problems = append(res.Problems, p)
		mu.Unlock()
	}
	var files, read atomic.Int64
	var bytesRead atomic.Int64
	jobs := make(chan work, 256)
	big := make(chan struct{}, maxBigReads)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rd := &reader{}
			for j := range jobs {
				if j.limit > bigRead && j.size > bigRead {
					big <- struct{}{}
				}
				n, opened := inspect(ctx, j, rd, m, opt, visit, problem)
				if j.limit > bigRead && j.size > bigRead {
					rd.release()
					<-big
				}
				files.Add(1)
				if opened {
					read.Add(1)
				}
				bytesRead.Add(n)
			}
		}()
	}
	wk := &walker{opt: opt, seen: map[string]bool{}, linked: map[string]bool{}, jobs: jobs, ctx: ctx, problem: problem}
	for _, t := range opt.Targets {
		if ctx.Err() != nil {
			break
		}
		wk.walk(t)
	}
	close(jobs)
	wg.Wait()
	res.Files, res.Read, res.Bytes = int(files.Load()), int(read.Load()), bytesRead.Load()
	return res
}

// reader is one worker's reusable buffers.
type reader struct {
	buf []byte
	dec []byte
}

// release drops buffers grown for a big file, so idle workers hold only small ones.
func (rd *reader) release() {
	if cap(rd.buf) > bigRead {
		rd.buf = nil
	}
	if cap(rd.dec) > bigRead {
		rd.dec = nil
	}
}

// inspect reads one file (or not), makes its record and evaluates the rules. It returns the
// bytes read and whether the file was opened.
func inspect(ctx context.Context, j work, rd *reader, m *matcher, opt Options, visit Visit, problem func(finding.Problem)) (n int64, opened bool) {
	defer func() {
		// A bug tripped by one hostile file must not end the hunt: the file becomes a problem.
		if r := recover(); r != nil {
			problem(finding.Problem{Path: finding.EscapeString(j.display), Kind: "internal-error", Message: fmt.Sprintf("exsweep failed on this file (please report it): %v", r)})
		}
	}()
	if ctx.Err() != nil {
		return 0, false
	}
	rec := &Record{Path: j.display, Place: j.place, Under: j.under, Size: j.size, Modified: j.info.ModTime().UTC(), Created: birthTime(j.path)}
	if j.limit > 0 {
		data, complete, sum, err := rd.read(j.path, j.limit)
		n, opened = int64(len(data)), err == nil
		if err != nil {
			kind := "unreadable"
			if errors.Is(err, fs.ErrNotExist) {
				kind = "vanished"
			}
			problem(finding.Problem{Path: finding.EscapeString(j.display), Kind: kind, Message: err.Error()})
		} else {
			rec.Format = Sniff(data)
			rec.SHA256 = sum
			rec.Content = data
			if rec.Format == "utf16-text" {
				rd.dec = decodeUTF16(rd.dec, data)
				rec.Content = rd.dec
			}
			if !complete && !j.head {
				problem(finding.Problem{Path: finding.EscapeString(j.display), Offset: j.limit, Kind: "over-cap",
					Message: fmt.Sprintf("%d bytes, larger than the read cap: only the first %d bytes were matched and the file was not hashed (raise it with --read-cap)", j.size, j.limit)})
			}
			if rec.Format == "minidump" {
				rec.DumpProcess = dumpProcess(j.path)
			}
			if j.head && !j.place.WebPlace() {
				// Outside web folders only the first bytes were read, to name the format:
				// content rules are for what IIS serves, and a log quoting a shell is not one.
				rec.Content = nil
			}
		}
	}
	if j.trace {
		inspectTrace(rec, visit, m)
		return n, opened
	}
	visit(rec, m.match(rec))
	return n, opened
}

// maxPagesPerTrace bounds the records one compiled assembly can make.
const maxPagesPerTrace = 64

// inspectTrace makes one record per page a compiled-page trace names. The trace's bytes are the
// compiler's, not the page's, so content rules never see them.
func inspectTrace(rec *Record, visit Visit, m *matcher) {
	data := rec.Content
	rec.Content = nil
	var pages []string
	if Ext(rec.Path) == ".compiled" {
		if c, err := aspnettrace.ParseCompiled(data); err == nil && c.VirtualPath != "" {
			pages = append(pages, c.VirtualPath)
		} else if p, ok := aspnettrace.VirtualPathFromTraceName(baseName(rec.Path)); ok {
			pages = append(pages, p)
		}
	} else if data != nil {
		pages = aspnettrace.PagesInAssembly(data, maxPagesPerTrace)
	}
	if len(pages) == 0 {
		visit(rec, m.match(rec))
		return
	}
	for _, p := range pages {
		r := *rec
		r.VirtualPath = p
		visit(&r, m.match(&r))
	}
}

// read opens a file and reads at most limit bytes, hashing them in the same pass. The hash is
// returned only when the whole file was read.
func (rd *reader) read(path string, limit int64) (data []byte, complete bool, sum string, err error) {
	f, err := openFile(path)
	if err != nil {
		return nil, false, "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, false, "", err
	}
	if !fi.Mode().IsRegular() {
		return nil, false, "", errors.New("not a regular file any more (swapped for a device, pipe or folder): not read")
	}
	// One byte more than the cap tells a file of exactly the cap from a larger one.
	want := min(fi.Size(), limit) + 1
	if int64(cap(rd.buf)) < want {
		rd.buf = make([]byte, want)
	}
	buf := rd.buf[:want]
	h := sha256.New()
	got := 0
	for {
		k, rerr := io.ReadFull(f, buf[got:])
		h.Write(buf[got : got+k])
		got += k
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			complete = true
			break
		}
		if rerr != nil {
			return buf[:min(int64(got), limit)], false, "", rerr
		}
		if int64(got) > limit {
			break // more than the cap
		}
		// The file grew since it was listed: read on, up to the cap.
		nb := make([]byte, min(2*int64(len(buf)), limit+1))
		copy(nb, buf[:got])
		buf, rd.buf = nb, nb
	}
	if !complete {
		return buf[:limit], false, "", nil
	}
	return buf[:got], true, hex.EncodeToString(h.Sum(nil)), nil
}

func dumpProcess(path string) string {
	f, err := openFile(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	info, err := minidump.Inspect(f, fi.Size())
	if err != nil && info.MainModule() == "" {
		return ""
	}
	return info.ProcessName()
}

// walker lists files; it runs on one goroutine and hands the reading to the workers.
type walker struct {
	ctx     context.Context
	opt     Options
	seen    map[string]bool // files queued, by path: overlapping targets read a file once
	linked  map[string]bool // folders entered through a link, by resolved path: no loops
	jobs    chan<- work
	problem func(finding.Problem)
}

func (w *walker) walk(t Target) {
	st, err := os.Lstat(t.Dir)
	if err != nil || !st.IsDir() {
		return // targets are built from folders that exist; one removed since is not a problem
	}
	w.dir(t, t.Dir, 0)
}

// maxWalkDepth bounds recursion: a hostile tree of nested folders cannot exhaust the stack.
const maxWalkDepth = 64

func (w *walker) dir(t Target, dir string, depth int) {
	if w.ctx.Err() != nil {
		return
	}
	display := rel(w.opt.Root, dir)
	if depth > maxWalkDepth {
		w.problem(finding.Problem{Path: finding.EscapeString(display), Kind: "too-deep", Message: fmt.Sprintf("more than %d nested folders: not walked further", maxWalkDepth)})
		return
	}
	f, err := os.Open(dir)
	if err != nil {
		w.problem(finding.Problem{Path: finding.EscapeString(display), Kind: "unreadable", Message: err.Error()})
		return
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		w.problem(finding.Problem{Path: finding.EscapeString(display), Kind: "unreadable", Message: "folder listed in part: " + err.Error()})
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			if t.Flat || t.Mode == ReadNotable && skipTree(e.Name()) {
				continue
			}
			w.dir(t, p, depth+1)
			continue
		}
		w.file(t, p, e, depth)
		if w.ctx.Err() != nil {
			return
		}
	}
}

// skipTree names folders a whole-drive walk never enters: the component store and the
// recycle bin hold no page IIS serves, only copies the walk would read for nothing.
func skipTree(name string) bool {
	switch strings.ToLower(name) {
	case "winsxs", "system volume information", "$windows.~bt", "$windows.~ws", "node_modules", ".git":
		return true
	}
	return false
}

func (w *walker) file(t Target, p string, e fs.DirEntry, depth int) {
	display := rel(w.opt.Root, p)
	// Exact names: two files differing only in case are two files on a case-sensitive copy.
	if w.seen[display] {
		return
	}
	open := p
	if e.Type()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(p)
		if err != nil {
			w.problem(finding.Problem{Path: finding.EscapeString(display), Kind: "link", Message: "broken or looping link, not followed: " + err.Error()})
			return
		}
		if !Inside(w.opt.Root, target) {
			w.problem(finding.Problem{Path: finding.EscapeString(display), Kind: "link", Message: "link leaves the root (to " + finding.EscapeString(target) + "), not followed"})
			return
		}
		open = target
	}
	info, err := os.Stat(open)
	if err != nil {
		kind := "unreadable"
		if errors.Is(err, fs.ErrNotExist) {
			kind = "vanished"
		}
		w.problem(finding.Problem{Path: finding.EscapeString(display), Kind: kind, Message: err.Error()})
		return
	}
	if info.IsDir() {
		// A link (or junction) to a folder inside the root: walked here too, under this
		// place, since IIS serves it from here; each folder once, so loops end.
		if t.Flat || w.linked[open] {
			w.problem(finding.Problem{Path: finding.EscapeString(display), Kind: "link", Message: "link to a folder already walked (or a loop), not followed again"})
			return
		}
		w.linked[open] = true
		w.dir(t, p, depth+1)
		return
	}
	if !info.Mode().IsRegular() {
		w.problem(finding.Problem{Path: finding.EscapeString(display), Kind: "not-a-file", Message: "not a regular file (device, pipe or socket): not opened"})
		return
	}
	place, under := Classify(display)
	if place == "" {
		place, under = t.Place, relUnder(t.Dir, p)
	}
	ext, name := Ext(display), e.Name()
	page := w.opt.PageExts[ext]
	trace := place == CompiledPages && (ext == ".compiled" || ext == ".dll" && strings.HasPrefix(strings.ToLower(name), "app_web_"))
	var limit int64
	head := false
	switch {
	case trace:
		limit = w.opt.Caps.Page
	case page:
		limit = w.opt.Caps.Page // a page is never skipped, wherever it is
	case place == CompiledPages:
		return // the compiler's other files are its own
	case place == AspnetClient || place == OwaAuth || place == EcpAuth || t.Mode == ReadAll && place != ClientAccessOab:
		limit = w.opt.Caps.Page
	case textExt(ext) && (t.Mode == ReadPages || place.WebPlace()):
		limit = w.opt.Caps.Page
	case t.Mode == ReadPages || t.Mode == ReadHeads || place == ClientAccessOab, notable(ext, name):
		// OAB files (.lzx) grow past any page cap: their first bytes say whether they are one.
		limit, head = w.opt.Caps.Head, true
	default:
		return // ReadNotable: nothing about this file matters
	}
	w.seen[display] = true
	j := work{path: open, display: display, place: place, under: under, size: info.Size(), limit: limit, head: head, trace: trace, info: info}
	select {
	case w.jobs <- j:
	case <-w.ctx.Done():
	}
}

func relUnder(base, p string) string {
	r, err := filepath.Rel(base, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}

// rel gives p relative to root with forward slashes, for reports.
func rel(root, p string) string {
	r, err := filepath.Rel(root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	if r == "." {
		return ""
	}
	return filepath.ToSlash(r)
}

// Inside reports whether target (a resolved path) lies within root, comparing absolute paths
// with links resolved on both sides. The hunt's log listing uses it too.
func Inside(root, target string) bool {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return false
	}
	if r, err := filepath.EvalSymlinks(absRoot); err == nil {
		absRoot = r
	}
	absTarget, err := filepath.Abs(target)
	if err != nil {
		return false
	}
	r, err := filepath.Rel(absRoot, absTarget)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

// OpenRegular opens a file the way the walk does (never blocking on a FIFO, never through a
// link swapped in) and refuses anything but a regular file: for the configuration files the
// hunt reads by name.
func OpenRegular(path string) (*os.File, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = errors.New("not a regular file (device, pipe, socket or folder): not read")
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
