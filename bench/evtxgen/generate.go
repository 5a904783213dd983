package main

import (
	"bufio"
	"bytes"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/exsweep/exsweep/internal/evtx/evtxwrite"
)

type config struct {
	Out     string
	Size    int64 // bytes in all, shared between the files
	Seed    uint64
	Workers int
}

// The logs' time span. The attacks fall inside it (plants.go).
var (
	spanStart = time.Date(2021, 2, 24, 0, 0, 0, 0, time.UTC)
	spanEnd   = time.Date(2021, 3, 10, 0, 0, 0, 0, time.UTC)
)

// fileResult is one written file.
type fileResult struct {
	Name    string
	Channel string
	Events  int64
	Bytes   int64
	Truth   []truthRow
}

// truthRow is one line of truth.tsv.
type truthRow struct {
	File   string
	Record string // a record number, or first-last for a gap
	Rule   string
	Kind   string // attack, or benign: an ordinary event a low-severity rule is expected to list
	Time   time.Time
	What   string
}

type result struct {
	Files           []fileResult
	Attacks, Benign int
}

// emitFunc receives every event in the order it is written, with the truth rows it carries.
// The tests use it to evaluate the rule pack on the events without reading the files back.
type emitFunc func(file string, ev *evtxwrite.Event, rows []truthRow)

func generate(cfg config) (*result, error) {
	return generateWith(cfg, nil)
}

func generateWith(cfg config, emit emitFunc) (*result, error) {
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, err
	}
	chans := channels()
	plants := plantsByFile()
	res := &result{Files: make([]fileResult, len(chans))}
	errs := make([]error, len(chans))
	// The largest files first, so the workers finish together.
	order := make([]int, len(chans))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return chans[order[a]].share > chans[order[b]].share })
	next := make(chan int)
	var wg sync.WaitGroup
	var emitMu sync.Mutex
	for w := 0; w < cfg.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				var e emitFunc
				if emit != nil {
					e = func(file string, ev *evtxwrite.Event, rows []truthRow) {
						emitMu.Lock()
						defer emitMu.Unlock()
						emit(file, ev, rows)
					}
				}
				res.Files[i], errs[i] = writeFile(cfg, chans[i], plants[chans[i].file], e)
			}
		}()
	}
	for _, i := range order {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	var rows []truthRow
	for _, f := range res.Files {
		rows = append(rows, f.Truth...)
	}
	for _, r := range rows {
		if r.Kind == "attack" {
			res.Attacks++
		} else {
			res.Benign++
		}
	}
	if err := writeTruth(filepath.Join(cfg.Out, "truth.tsv"), rows); err != nil {
		return nil, err
	}
	if err := writeManifest(filepath.Join(cfg.Out, "manifest.tsv"), cfg, res.Files); err != nil {
		return nil, err
	}
	return res, nil
}

// fileSeed derives one file's random stream from the seed and the file name, so files can be
// written in any order by any number of workers.
func fileSeed(seed uint64, name string, salt string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write([]byte(salt))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// calibrationEvents are encoded once per file to learn its mean bytes per event (the writer's
// encoding, chunk slack included), from which the file's event count follows.
const calibrationEvents = 2000

func bytesPerEvent(cfg config, ch *channel) (float64, error) {
	g := newGen(fileSeed(cfg.Seed, ch.file, "calibrate"), ch)
	evs := make([]evtxwrite.Event, calibrationEvents)
	step := spanEnd.Sub(spanStart) / calibrationEvents
	for i := range evs {
		g.t = spanStart.Add(time.Duration(i) * step)
		evs[i], _ = ch.gen(g)
		evs[i].TimeCreated = g.t
		ch.finish(&evs[i], uint64(i+1))
	}
	var buf bytes.Buffer
	if err := evtxwrite.Write(&buf, evs); err != nil {
		return 0, err
	}
	return float64(buf.Len()-fileHeader) / calibrationEvents, nil
}

const fileHeader = 4096

// writeFile writes one channel's file: n benign events evenly over the span, each at a
// slightly random point of its slot, with the file's plants placed at their times.
func writeFile(cfg config, ch *channel, plants []plant, emit emitFunc) (fileResult, error) {
	fr := fileResult{Name: ch.file, Channel: ch.name}
	bpe, err := bytesPerEvent(cfg, ch)
	if err != nil {
		return fr, fmt.Errorf("%s: %w", ch.file, err)
	}
	target := float64(cfg.Size) * ch.share
	n := max(1, int64((target-fileHeader)/bpe))

	path := filepath.Join(cfg.Out, ch.file)
	f, err := os.Create(path)
	if err != nil {
		return fr, err
	}
	defer f.Close()
	w, err := evtxwrite.NewWriter(f)
	if err != nil {
		return fr, err
	}
	g := newGen(fileSeed(cfg.Seed, ch.file, "events"), ch)
	span := spanEnd.Sub(spanStart)
	id := uint64(1)
	add := func(ev evtxwrite.Event, rows []truthRow) error {
		ch.finish(&ev, id)
		for i := range rows {
			rows[i].File, rows[i].Record = ch.file, fmt.Sprint(id)
			if rows[i].Time.IsZero() {
				rows[i].Time = ev.TimeCreated
			}
		}
		if err := w.Add(ev); err != nil {
			return fmt.Errorf("%s record %d: %w", ch.file, id, err)
		}
		if emit != nil {
			emit(ch.file, &ev, rows)
		}
		fr.Truth = append(fr.Truth, rows...)
		fr.Events++
		id++
		return nil
	}
	p := 0
	// placePlants writes the plants due by upTo (all of them when upTo is zero), so times
	// never go back.
	placePlants := func(upTo time.Time) error {
		for ; p < len(plants) && (upTo.IsZero() || !plants[p].at.After(upTo)); p++ {
			pl := plants[p]
			if pl.gap > 0 {
				// Records cut out of the log: the next record's number jumps.
				fr.Truth = append(fr.Truth, truthRow{File: ch.file, Record: fmt.Sprintf("%d-%d", id, id+pl.gap-1),
					Rule: pl.rules[0], Kind: "attack", Time: pl.at, What: pl.what})
				id += pl.gap
				continue
			}
			g.t = pl.at
			ev := pl.make(g)
			ev.TimeCreated = pl.at
			var rows []truthRow
			for _, r := range pl.rules {
				rows = append(rows, truthRow{Rule: r, Kind: "attack", What: pl.what})
			}
			if err := add(ev, rows); err != nil {
				return err
			}
		}
		return nil
	}
	for i := int64(0); i < n; i++ {
		t := spanStart.Add(time.Duration((float64(i) + g.r.Float64()) / float64(n) * float64(span))).Truncate(time.Millisecond)
		if err := placePlants(t); err != nil {
			return fr, err
		}
		g.t = t
		ev, benign := ch.gen(g)
		ev.TimeCreated = g.t
		var rows []truthRow
		if benign.rule != "" {
			rows = []truthRow{{Rule: benign.rule, Kind: "benign", What: benign.what}}
		}
		if err := add(ev, rows); err != nil {
			return fr, err
		}
	}
	if err := placePlants(time.Time{}); err != nil {
		return fr, err
	}
	if err := w.Close(); err != nil {
		return fr, fmt.Errorf("%s: %w", ch.file, err)
	}
	st, err := f.Stat()
	if err != nil {
		return fr, err
	}
	fr.Bytes = st.Size()
	return fr, f.Close()
}

func writeTruth(path string, rows []truthRow) error {
	sort.SliceStable(rows, func(i, j int) bool {
		if !rows[i].Time.Equal(rows[j].Time) {
			return rows[i].Time.Before(rows[j].Time)
		}
		return rows[i].File < rows[j].File
	})
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "file\trecord\trule\tkind\ttime\twhat")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", r.File, r.Record, r.Rule, r.Kind,
			r.Time.UTC().Format("2006-01-02T15:04:05.000Z"), strings.NewReplacer("\t", " ", "\n", " ").Replace(r.What))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func writeManifest(path string, cfg config, files []fileResult) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "# evtxgen -size %d -seed %d\n", cfg.Size, cfg.Seed)
	fmt.Fprintln(w, "file\tchannel\tevents\tbytes")
	sorted := append([]fileResult(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	for _, fr := range sorted {
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\n", fr.Name, fr.Channel, fr.Events, fr.Bytes)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}
