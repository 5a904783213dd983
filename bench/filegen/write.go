package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// kindStat counts files and bytes of one kind.
type kindStat struct {
	Files int
	Bytes int64
}

// result is what a generation wrote.
type result struct {
	Files, Workers                  int
	Bytes                           int64
	Elapsed, PlanTime               time.Duration
	ByKind                          map[string]kindStat
	PlantedMalicious, PlantedBenign int
	DistinctMalicious, ShellTraces  int
	SparseFiles                     int
	SparseBytes                     int64
	Notes                           []string
}

// truthLine is one line of the ground truth.
type truthLine struct {
	Path        string `json:"path"`
	PlantedAs   string `json:"planted_as"`
	Kind        string `json:"kind"`
	Expect      string `json:"expect"`
	Source      string `json:"source,omitempty"`
	Family      string `json:"family,omitempty"`
	Naming      string `json:"naming,omitempty"`
	VirtualPath string `json:"virtual_path,omitempty"`
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	MTime       string `json:"mtime"`
	Sparse      bool   `json:"sparse,omitempty"`
	Why         string `json:"why,omitempty"`
}

type written struct {
	sum    [32]byte
	size   int64
	sparse bool
}

func generate(cfg config) (*result, error) {
	t0 := time.Now()
	if cfg.Workers <= 0 {
		cfg.Workers = 1
	}
	if err := checkOut(cfg.Out); err != nil {
		return nil, err
	}
	if abs, err := filepath.Abs(cfg.Truth); err == nil {
		if o, err := filepath.Abs(cfg.Out); err == nil && strings.HasPrefix(abs, o+string(filepath.Separator)) {
			return nil, fmt.Errorf("-truth %s is inside -out: the hunt would read it", cfg.Truth)
		}
	}
	p, err := plan(cfg)
	if err != nil {
		return nil, err
	}
	planTime := time.Since(t0)
	// Folders first, single-threaded.
	dirs := map[string]bool{}
	for d := range p.dirs {
		dirs[d] = true
	}
	for _, s := range p.specs {
		dirs[path.Dir(s.rel)] = true
	}
	dirList := make([]string, 0, len(dirs))
	for d := range dirs {
		dirList = append(dirList, d)
	}
	sort.Strings(dirList)
	for _, d := range dirList {
		if err := os.MkdirAll(filepath.Join(cfg.Out, filepath.FromSlash(d)), 0o755); err != nil {
			return nil, err
		}
	}
	// Largest files first so the workers finish together.
	order := make([]int, len(p.specs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return p.specs[order[a]].size > p.specs[order[b]].size })
	out := make([]written, len(p.specs))
	var next, done atomic.Int64
	var doneBytes atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var total int64
	for _, s := range p.specs {
		total += s.size
	}
	if cfg.Progress != nil {
		go progress(cfg.Progress, stop, &done, &doneBytes, len(p.specs), total, t0)
	}
	for w := 0; w < cfg.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 0, chunk+64<<10)
			h := sha256.New()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(order) {
					return
				}
				s := p.specs[order[i]]
				wr, err := writeFile(cfg, s, buf, h)
				if err != nil {
					errOnce.Do(func() { firstErr = fmt.Errorf("%s: %w", s.rel, err) })
					next.Store(int64(len(order)))
					return
				}
				out[order[i]] = wr
				done.Add(1)
				doneBytes.Add(wr.size)
			}
		}()
	}
	wg.Wait()
	close(stop)
	if cfg.Progress != nil {
		fmt.Fprint(cfg.Progress, "\r\033[K")
	}
	if firstErr != nil {
		return nil, firstErr
	}
	if err := setDirTimes(cfg.Out, p, dirList); err != nil {
		return nil, err
	}
	res := &result{Workers: cfg.Workers, ByKind: map[string]kindStat{}, Notes: p.notes, PlanTime: planTime,
		PlantedMalicious: p.counts.malicious, PlantedBenign: p.counts.benign,
		DistinctMalicious: p.counts.distinct, ShellTraces: p.counts.shellTraces}
	if err := writeTruth(cfg.Truth, p, out); err != nil {
		return nil, err
	}
	for i, s := range p.specs {
		res.Files++
		res.Bytes += out[i].size
		k := res.ByKind[s.kind]
		k.Files++
		k.Bytes += out[i].size
		res.ByKind[s.kind] = k
		if out[i].sparse {
			res.SparseFiles++
			res.SparseBytes += out[i].size
		}
	}
	res.Elapsed = time.Since(t0)
	return res, nil
}

// checkOut accepts a missing or empty output folder.
func checkOut(dir string) error {
	f, err := os.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	names, err := f.Readdirnames(1)
	if err != nil && err != io.EOF {
		return fmt.Errorf("-out %s: %w", dir, err)
	}
	if len(names) > 0 {
		return fmt.Errorf("-out %s is not empty: remove it or choose another folder", dir)
	}
	return nil
}

func progress(w io.Writer, stop chan struct{}, done, bytes *atomic.Int64, files int, total int64, t0 time.Time) {
	tk := time.NewTicker(time.Second)
	defer tk.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tk.C:
			fmt.Fprintf(w, "\rfilegen: %d/%d files, %.2f/%.2f GiB, %.0fs", done.Load(), files,
				float64(bytes.Load())/(1<<30), float64(total)/(1<<30), time.Since(t0).Seconds())
		}
	}
}

var zeroChunk = make([]byte, chunk)

// writeFile writes one file, sets its time, and returns its hash and size.
func writeFile(cfg config, s *spec, buf []byte, h hash.Hash) (written, error) {
	full := filepath.Join(cfg.Out, filepath.FromSlash(s.rel))
	f, err := os.OpenFile(full, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return written{}, err
	}
	h.Reset()
	w := &sink{f: f, h: h, buf: buf[:0], size: s.size}
	sparse := cfg.SparseBig && s.size >= bigThreshold
	if sparse {
		w.size = chunk // only the head is written
	}
	src := rand.NewPCG(cfg.Seed^0x9e3779b97f4a7c15, s.seed)
	r := rand.New(src)
	switch s.gen {
	case gFixed:
		w.buf = append(w.buf, s.data...)
	case gPE:
		writePE(w, r, src, s)
	case gData:
		writeData(w, r, src, s)
	case gImage:
		writeImage(w, r, src, s)
	case gText:
		writeText(w, r, src, s)
	case gLog:
		writeLog(w, r, src, &logFormats[s.sub], s.t0, s.span)
	case gEDB:
		writeEDB(w, r, src)
	case gTranslog:
		writeTranslog(w, src)
	case gArchive:
		writeArchive(w, r, src, s)
	case gDump:
		writeDump(w, src, s)
	case gPST:
		writePST(w, src)
	}
	if s.gen != gFixed && s.gen != gLog && w.room() > 0 {
		w.random(src, w.room()) // a generator that stopped short
	}
	w.flush()
	size := w.n
	if sparse && w.err == nil {
		if err := f.Truncate(s.size); err != nil {
			w.err = err
		}
		for rest := s.size - w.n; rest > 0; {
			k := min(rest, int64(len(zeroChunk)))
			h.Write(zeroChunk[:k])
			rest -= k
		}
		size = s.size
	}
	if err := f.Close(); err != nil && w.err == nil {
		w.err = err
	}
	if w.err != nil {
		return written{}, w.err
	}
	mt := unixTime(s.mtime, int64(s.ticks))
	if err := os.Chtimes(full, mt, mt); err != nil {
		return written{}, err
	}
	var out written
	copy(out.sum[:], h.Sum(nil))
	out.size, out.sparse = size, sparse
	return out, nil
}

// setDirTimes gives each folder the time of the newest file below it (deepest first), and the
// fixed layout's empty folders the day the server was set up.
func setDirTimes(out string, p *planner, dirs []string) error {
	newest := map[string]int64{}
	for _, s := range p.specs {
		for d := path.Dir(s.rel); d != "." && d != "/"; d = path.Dir(d) {
			if s.mtime > newest[d] {
				newest[d] = s.mtime
			}
		}
	}
	all := map[string]bool{}
	for _, d := range dirs {
		for x := d; x != "." && x != "/"; x = path.Dir(x) {
			all[x] = true
		}
	}
	list := make([]string, 0, len(all))
	for d := range all {
		list = append(list, d)
	}
	sort.Slice(list, func(i, j int) bool {
		a, b := strings.Count(list[i], "/"), strings.Count(list[j], "/")
		if a != b {
			return a > b
		}
		return list[i] < list[j]
	})
	setup := dayUnix("2020-01-14") + 10*3600
	for _, d := range list {
		t := newest[d]
		if t == 0 {
			t = setup
		}
		tt := time.Unix(t, 0)
		if err := os.Chtimes(filepath.Join(out, filepath.FromSlash(d)), tt, tt); err != nil {
			return err
		}
	}
	return nil
}

func writeTruth(file string, p *planner, out []written) error {
	if dir := filepath.Dir(file); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	idx := make([]int, len(p.specs))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return p.specs[idx[a]].rel < p.specs[idx[b]].rel })
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, i := range idx {
		s := p.specs[i]
		err := enc.Encode(truthLine{
			Path: s.rel, PlantedAs: s.plantedAs, Kind: s.kind, Expect: s.expect, Source: s.source,
			Family: s.family, Naming: s.naming, VirtualPath: s.vpath, SHA256: hex.EncodeToString(out[i].sum[:]),
			Size: out[i].size, MTime: unixTime(s.mtime, int64(s.ticks)).Format(time.RFC3339Nano),
			Sparse: out[i].sparse, Why: s.why,
		})
		if err != nil {
			f.Close()
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
