package evtx

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/evtx/evtxexporttest"
	"github.com/exsweep/exsweep/internal/winevent"
)

// samplesDir is where the public sample logs live: beside the repository
// (../shared/data/evtx from its root), or where EXSWEEP_EVTX_SAMPLES says.
func samplesDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("EXSWEEP_EVTX_SAMPLES")
	if dir == "" {
		dir = "../../../shared/data/evtx"
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.evtx"))
	if len(files) == 0 {
		t.Skipf("no sample .evtx files in %s (they live beside the repository in CI; set EXSWEEP_EVTX_SAMPLES to point elsewhere)", dir)
	}
	return dir
}

// got is one event as the reader returned it.
type got struct {
	ev  winevent.Event
	at  Location
	raw []winevent.Field
}

// readAll reads every chunk of the file at path with one Scratch.
func readAll(t *testing.T, path string) ([]got, []Problem) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	rd, err := NewReader(f, st.Size())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	problems := append([]Problem(nil), rd.Problems()...)
	var out []got
	var s Scratch
	for i := 0; i < rd.Chunks(); i++ {
		res := rd.ReadChunk(i, &s, func(ev *winevent.Event, at Location) {
			out = append(out, got{ev: *ev, at: at})
		})
		problems = append(problems, res.Problems...)
	}
	return out, problems
}

// compareWithExport checks the reader's events against evtxexport's, record
// by record and field by field.
func compareWithExport(t *testing.T, name string, evs []got, want []evtxexporttest.Record) {
	t.Helper()
	if len(evs) != len(want) {
		t.Errorf("%s: reader found %d events, evtxexport %d", name, len(evs), len(want))
	}
	bad := 0
	for i := 0; i < len(evs) && i < len(want); i++ {
		if msg := diffRecord(evs[i].ev, want[i]); msg != "" {
			bad++
			if bad <= 5 {
				t.Errorf("%s: record %d (id %d at 0x%x): %s", name, i, evs[i].at.RecordID, evs[i].at.Offset, msg)
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d records differ in all", name, bad)
	}
}

func diffRecord(g winevent.Event, w evtxexporttest.Record) string {
	var d []string
	// evtxexport shows EventRecordID only when the record has one; the
	// reader then takes the record header's id.
	if w.EventRecordID != 0 && g.RecordID != w.EventRecordID {
		d = append(d, fmt.Sprintf("EventRecordID %d, evtxexport %d", g.RecordID, w.EventRecordID))
	}
	if g.EventID != w.EventID {
		d = append(d, fmt.Sprintf("EventID %d, evtxexport %d", g.EventID, w.EventID))
	}
	if g.Level != w.Level {
		d = append(d, fmt.Sprintf("Level %d, evtxexport %d", g.Level, w.Level))
	}
	wt, err := w.Time()
	if err != nil {
		d = append(d, fmt.Sprintf("evtxexport time %q: %v", w.SystemTime, err))
	} else if w.SystemTime != "" && !g.Time.Equal(wt) {
		d = append(d, fmt.Sprintf("time %s, evtxexport %s", g.Time.Format(time.RFC3339Nano), w.SystemTime))
	}
	for _, c := range []struct{ what, g, w string }{
		{"Provider", g.Provider, w.Provider},
		{"Channel", g.Channel, w.Channel},
		{"Computer", g.Computer, w.Computer},
	} {
		if evtxexporttest.Sanitize(c.g) != c.w {
			d = append(d, fmt.Sprintf("%s %q, evtxexport %q", c.what, c.g, c.w))
		}
	}
	if len(g.Data) != len(w.Data) {
		d = append(d, fmt.Sprintf("%d fields, evtxexport %d: %q vs %q", len(g.Data), len(w.Data), g.Data, w.Data))
	} else {
		for j := range w.Data {
			gn, gv := g.Data[j].Name, evtxexporttest.Sanitize(g.Data[j].Value)
			if gn != w.Data[j].Name || gv != w.Data[j].Value {
				d = append(d, fmt.Sprintf("field %d %s=%q, evtxexport %s=%q", j, gn, gv, w.Data[j].Name, w.Data[j].Value))
			}
		}
	}
	return strings.Join(d, "; ")
}

func TestSamplesAgainstEvtxexport(t *testing.T) {
	dir := samplesDir(t)
	evtxexporttest.Need(t, evtxexporttest.Evtxexport)
	files, _ := filepath.Glob(filepath.Join(dir, "*.evtx"))
	total := 0
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			evs, problems := readAll(t, path)
			for _, p := range problems {
				t.Errorf("problem: %s", p)
			}
			compareWithExport(t, name, evs, evtxexporttest.Export(t, path))
			total += len(evs)
		})
	}
	t.Logf("%d files, %d events", len(files), total)
}
