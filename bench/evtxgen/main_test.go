package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/evtx/evtxexporttest"
	"github.com/exsweep/exsweep/internal/evtx/evtxwrite"
	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt/source/events"
	"github.com/exsweep/exsweep/internal/hunt/source/files"
	"github.com/exsweep/exsweep/internal/rules"
	"github.com/exsweep/exsweep/internal/winevent"
)

// eventRules loads the event rules of the repository's pack, the rules the ground truth names.
func eventRules(t *testing.T) (ev, gap []*rules.Rule) {
	t.Helper()
	data, err := os.ReadFile("../../internal/rules/pack/events.yaml")
	if err != nil {
		t.Fatal(err)
	}
	schema := rules.Schema{events.Kind: events.Fields(), events.GapKind: events.GapFields()}
	rs, err := rules.Parse(data, "events.yaml", schema)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		switch r.Source {
		case events.Kind:
			ev = append(ev, r)
		case events.GapKind:
			gap = append(gap, r)
		}
	}
	if len(ev) < 10 || len(gap) == 0 {
		t.Fatalf("events.yaml: %d event rules, %d gap rules", len(ev), len(gap))
	}
	return ev, gap
}

// asWinEvent is the event as exsweep's rules see it (UserData leaves count as data).
func asWinEvent(e *evtxwrite.Event) *winevent.Event {
	w := &winevent.Event{Channel: e.Channel, Provider: e.Provider, Computer: e.Computer, EventID: uint32(e.EventID),
		Level: e.Level, RecordID: e.RecordID, Time: e.TimeCreated}
	fields := e.Data
	if e.UserData != nil {
		fields = e.UserData.Fields
	}
	for _, f := range fields {
		w.Data = append(w.Data, winevent.Field{Name: f.Name, Value: f.Value})
	}
	return w
}

func placeOf(p string) string { pl, _ := files.Classify(p); return string(pl) }

func matching(rs []*rules.Rule, e *evtxwrite.Event) []string {
	rec := &events.Record{Event: asWinEvent(e), PlaceOf: placeOf}
	var out []string
	for _, r := range rs {
		if r.Condition.Match(rec) {
			out = append(out, r.ID)
		}
	}
	slices.Sort(out)
	return out
}

// Every planted event satisfies exactly the rules the truth names for it.
func TestPlantsMatchTheirRules(t *testing.T) {
	evRules, gapRules := eventRules(t)
	ids := map[string]bool{}
	for _, r := range append(evRules, gapRules...) {
		ids[r.ID] = true
	}
	chans := map[string]*channel{}
	for _, ch := range channels() {
		chans[ch.file] = ch
	}
	n := 0
	for _, p := range plants() {
		for _, id := range p.rules {
			if !ids[id] {
				t.Errorf("%s at %s: rule %s is not in events.yaml", p.file, p.at, id)
			}
		}
		ch := chans[p.file]
		if ch == nil {
			t.Errorf("plant in unknown file %q", p.file)
			continue
		}
		if !p.at.After(spanStart) || !p.at.Before(spanEnd) {
			t.Errorf("%s: plant at %s is outside the span", p.file, p.at)
		}
		if p.gap > 0 {
			g := events.Gaps{Channel: ch.name, File: p.file, List: []events.Gap{{After: 100, Before: 101 + p.gap}}}
			var got []string
			for _, r := range gapRules {
				if r.Condition.Match(g) {
					got = append(got, r.ID)
				}
			}
			if !slices.Equal(got, p.rules) {
				t.Errorf("gap of %d in %s: rules %v, want %v", p.gap, p.file, got, p.rules)
			}
			continue
		}
		g := newGen(rand.New(rand.NewPCG(1, 2)), ch)
		g.t = p.at
		ev := p.make(g)
		ev.TimeCreated = p.at
		ch.finish(&ev, 1000)
		want := slices.Clone(p.rules)
		slices.Sort(want)
		if got := matching(evRules, &ev); !slices.Equal(got, want) {
			t.Errorf("%s %q: rules %v, want %v", p.file, p.what, got, want)
		}
		n++
	}
	if n < 20 {
		t.Errorf("only %d planted events", n)
	}
}

// The benign makers: an event matches a rule only when its note names that rule, and only
// low-severity rules are ever named. The rare benign-but-listed events are forced too.
func TestBenignEventsMatchOnlyTheirNotes(t *testing.T) {
	evRules, _ := eventRules(t)
	byID := map[string]*rules.Rule{}
	for _, r := range evRules {
		byID[r.ID] = r
	}
	perChannel := 10000
	if testing.Short() {
		perChannel = 3000
	}
	check := func(ch *channel, ev evtxwrite.Event, note benignNote, i int) {
		t.Helper()
		ch.finish(&ev, uint64(i+1))
		got := matching(evRules, &ev)
		var want []string
		if note.rule != "" {
			want = []string{note.rule}
			r := byID[note.rule]
			if r == nil {
				t.Fatalf("note names unknown rule %s", note.rule)
			}
			if r.Supports != finding.SupportsSuspicious {
				t.Errorf("benign note names %s, which supports %s", r.ID, r.Supports)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s event %d (id %d, %s): rules %v, want %v; data %v", ch.file, i, ev.EventID, ev.Provider, got, want, ev.Data)
		}
	}
	for _, ch := range channels() {
		g := newGen(rand.New(rand.NewPCG(7, uint64(len(ch.file)))), ch)
		for i := 0; i < perChannel; i++ {
			g.t = spanStart.Add(time.Duration(i) * time.Minute)
			ev, note := ch.gen(g)
			check(ch, ev, note, i)
		}
	}
	chans := channels()
	sec, sysmon, system, mgmt := chans[0], chans[1], chans[2], chans[5]
	g := newGen(rand.New(rand.NewPCG(3, 4)), sec)
	g.t = spanStart
	forced := 0
	for _, p := range compileProcs {
		check(sec, secEvent(4688, security4688(g, g.start(p))), p.note, forced)
		check(sysmon, sysEvent(1, sysmonProcessCreate(g, g.start(p))), p.note, forced)
		forced++
	}
	for i := 0; i < 20; i++ {
		ev, note := service7045(g)
		check(system, ev, note, i)
	}
	for i := 0; i < 200; i++ {
		ev, note := cmdletEvent(g)
		check(mgmt, ev, note, i)
	}
}

// Each channel's event mix holds the event ids the benchmark promises (the mix).
func TestChannelMixes(t *testing.T) {
	want := map[string][]uint16{
		"Security.evtx": {4624, 4634, 4672, 4625, 4688},
		"Microsoft-Windows-Sysmon%4Operational.evtx": {1, 3, 5, 7, 10, 11, 13, 22},
		"System.evtx": {7036, 7040},
		"Microsoft-Windows-PowerShell%4Operational.evtx": {4104},
		"MSExchange Management.evtx":                     {1, 6},
	}
	var total float64
	for _, ch := range channels() {
		total += ch.share
		seen := map[uint16]int{}
		g := newGen(rand.New(rand.NewPCG(5, 6)), ch)
		for i := 0; i < 5000; i++ {
			g.t = spanStart
			ev, _ := ch.gen(g)
			seen[ev.EventID]++
			if ch.file == "MSExchange Management.evtx" {
				for _, f := range ev.Data {
					if f.Name != "" {
						t.Fatalf("CmdletLogs event with a named value %q", f.Name)
					}
				}
			}
		}
		for _, id := range want[ch.file] {
			if seen[id] == 0 {
				t.Errorf("%s: no event %d in 5000", ch.file, id)
			}
		}
	}
	if total < 0.999 || total > 1.001 {
		t.Errorf("shares add up to %f", total)
	}
}

// writeSmall generates a small folder and returns it.
func writeSmall(t *testing.T, workers int, emit emitFunc) (string, *result) {
	t.Helper()
	dir := t.TempDir()
	res, err := generateWith(config{Out: dir, Size: 3 << 20, Seed: 11, Workers: workers}, emit)
	if err != nil {
		t.Fatal(err)
	}
	return dir, res
}

// The same seed and size give the same bytes with any number of workers; another seed does not.
func TestDeterministic(t *testing.T) {
	a, _ := writeSmall(t, 1, nil)
	b, _ := writeSmall(t, 3, nil)
	names, err := filepath.Glob(filepath.Join(a, "*"))
	if err != nil || len(names) != len(channels())+2 {
		t.Fatalf("files: %v, %v", names, err)
	}
	for _, n := range names {
		x, err1 := os.ReadFile(n)
		y, err2 := os.ReadFile(filepath.Join(b, filepath.Base(n)))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between 1 and 3 workers", filepath.Base(n))
		}
	}
	c := t.TempDir()
	if _, err := generateWith(config{Out: c, Size: 3 << 20, Seed: 12, Workers: 2}, nil); err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(filepath.Join(a, "Security.evtx"))
	y, _ := os.ReadFile(filepath.Join(c, "Security.evtx"))
	if bytes.Equal(x, y) {
		t.Error("seeds 11 and 12 wrote the same Security.evtx")
	}
}

// The written stream: record numbers consecutive per file except the planted gap, times
// rising (up to a slot), sizes near the shares, and truth rows pointing at the events that
// carry them.
func TestStreamAndTruth(t *testing.T) {
	type seen struct {
		last   uint64
		lastT  time.Time
		jumps  []string
		events int
	}
	state := map[string]*seen{}
	rowsAt := map[string]bool{}
	dir, res := writeSmall(t, 2, func(file string, ev *evtxwrite.Event, rows []truthRow) {
		s := state[file]
		if s == nil {
			s = &seen{}
			state[file] = s
		}
		if s.last != 0 && ev.RecordID != s.last+1 {
			s.jumps = append(s.jumps, fmt.Sprintf("%d-%d", s.last+1, ev.RecordID-1))
		}
		if ev.TimeCreated.Before(s.lastT) {
			t.Errorf("%s record %d: time %s goes back from %s", file, ev.RecordID, ev.TimeCreated, s.lastT)
		}
		if ev.Channel == "" || ev.Computer != computer || ev.TimeCreated.IsZero() {
			t.Errorf("%s record %d: channel %q computer %q time %s", file, ev.RecordID, ev.Channel, ev.Computer, ev.TimeCreated)
		}
		s.last, s.lastT = ev.RecordID, ev.TimeCreated
		s.events++
		for _, r := range rows {
			if r.File != file || r.Record != strconv.FormatUint(ev.RecordID, 10) {
				t.Errorf("truth row %+v attached to %s record %d", r, file, ev.RecordID)
			}
			rowsAt[file+"|"+r.Record+"|"+r.Rule] = true
		}
	})
	truth := readTruthFile(t, filepath.Join(dir, "truth.tsv"))
	attacks := 0
	for _, r := range truth {
		if r.Kind == "attack" {
			attacks++
		}
		if strings.Contains(r.Record, "-") {
			if got := state[r.File].jumps; !slices.Equal(got, []string{r.Record}) {
				t.Errorf("%s: record number jumps %v, truth says %s", r.File, got, r.Record)
			}
			continue
		}
		if !rowsAt[r.File+"|"+r.Record+"|"+r.Rule] {
			t.Errorf("truth row %+v was not written with its event", r)
		}
	}
	if attacks != res.Attacks || attacks < 25 {
		t.Errorf("truth.tsv has %d attack rows, result %d", attacks, res.Attacks)
	}
	var total int64
	for _, f := range res.Files {
		total += f.Bytes
		if f.Events != int64(state[f.Name].events) {
			t.Errorf("%s: %d events counted, %d written", f.Name, f.Events, state[f.Name].events)
		}
		if f.Name != secFile && len(state[f.Name].jumps) > 0 {
			t.Errorf("%s: record number jumps %v", f.Name, state[f.Name].jumps)
		}
	}
	if total < 3<<20*9/10 || total > 3<<20*12/10 {
		t.Errorf("wrote %d bytes for 3 MiB", total)
	}
	man, err := os.ReadFile(filepath.Join(dir, "manifest.tsv"))
	if err != nil || !strings.Contains(string(man), "Security.evtx\tSecurity\t") {
		t.Errorf("manifest.tsv: %v\n%s", err, man)
	}
}

func readTruthFile(t *testing.T, path string) []truthRow {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if lines[0] != "file\trecord\trule\tkind\ttime\twhat" {
		t.Fatalf("truth.tsv header %q", lines[0])
	}
	var out []truthRow
	for _, l := range lines[1:] {
		c := strings.Split(l, "\t")
		if len(c) != 6 {
			t.Fatalf("truth.tsv line %q: %d columns", l, len(c))
		}
		tm, err := time.Parse("2006-01-02T15:04:05.000Z", c[4])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, truthRow{File: c[0], Record: c[1], Rule: c[2], Kind: c[3], Time: tm, What: c[5]})
	}
	return out
}

// libevtx reads every file whole, with the event count of the manifest, and finds each planted
// event at its record number with the right event id and time.
func TestEvtxexportReadsFiles(t *testing.T) {
	evtxexporttest.Need(t, evtxexporttest.Evtxexport)
	wantID := map[string]uint16{}
	dir, res := writeSmall(t, 2, func(file string, ev *evtxwrite.Event, rows []truthRow) {
		if len(rows) > 0 {
			wantID[file+"|"+rows[0].Record] = ev.EventID
		}
	})
	truth := readTruthFile(t, filepath.Join(dir, "truth.tsv"))
	for _, f := range res.Files {
		recs := evtxexporttest.Export(t, filepath.Join(dir, f.Name))
		if int64(len(recs)) != f.Events {
			t.Errorf("%s: evtxexport read %d records, %d written", f.Name, len(recs), f.Events)
		}
		byID := map[uint64]evtxexporttest.Record{}
		for _, r := range recs {
			byID[r.EventRecordID] = r
			if r.Channel != f.Channel || r.Computer != computer {
				t.Errorf("%s record %d: channel %q computer %q", f.Name, r.EventRecordID, r.Channel, r.Computer)
				break
			}
		}
		for _, row := range truth {
			if row.File != f.Name || strings.Contains(row.Record, "-") {
				continue
			}
			id, _ := strconv.ParseUint(row.Record, 10, 64)
			r, ok := byID[id]
			if !ok {
				t.Errorf("%s: no record %d for %s", f.Name, id, row.Rule)
				continue
			}
			tm, err := r.Time()
			if err != nil || !tm.Equal(row.Time) || uint16(r.EventID) != wantID[f.Name+"|"+row.Record] {
				t.Errorf("%s record %d: event %d at %s (%v), truth %s event %d", f.Name, id, r.EventID, tm, err, row.Time, wantID[f.Name+"|"+row.Record])
			}
		}
	}
}
