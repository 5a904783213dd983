package quarantine_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/exsweep/exsweep/internal/quarantine"
)

// failAt is a Hook that fails the k-th call (0-based) while armed, and counts steps seen.
type failAt struct {
	k, calls int
	armed    bool
	step     quarantine.Step
}

var errInjected = errors.New("injected fault")

func (f *failAt) hook(step quarantine.Step, _ string) error {
	defer func() { f.calls++ }()
	if f.armed && f.calls == f.k {
		f.step = step
		return errInjected
	}
	return nil
}

// TestFaultAtEveryStep fails Quarantine at every hook call of a whole run, one run per call:
// afterwards every file is in place or stored with a complete entry, and a re-run (on the same
// Store, or after reopening) finishes everything; a further re-run changes nothing.
func TestFaultAtEveryStep(t *testing.T) {
	// Count the calls of a clean run first.
	base := t.TempDir()
	counter := &failAt{}
	s := openStore(t, filepath.Join(base, "store"), quarantine.Options{Hook: counter.hook})
	quarantineAll(t, s, newTree(t, filepath.Join(base, "host")))
	s.Close()
	total := counter.calls
	if total < 7*8 {
		t.Fatalf("only %d hook calls for 7 files", total)
	}
	steps := map[quarantine.Step]int{}
	for k := range total {
		base := t.TempDir()
		tr := newTree(t, filepath.Join(base, "host"))
		storeDir := filepath.Join(base, "store")
		f := &failAt{k: k, armed: true}
		s := openStore(t, storeDir, quarantine.Options{Hook: f.hook})
		failures := 0
		for _, p := range tr.paths() {
			_, err := s.Quarantine(context.Background(), quarantine.Request{Root: tr.root, Path: p, SHA256: sum(tr.files[p])})
			if err != nil {
				if !errors.Is(err, errInjected) {
					t.Fatalf("call %d: %v", k, err)
				}
				failures++
			}
		}
		if failures != 1 {
			t.Fatalf("call %d (%s): %d failures", k, f.step, failures)
		}
		steps[f.step]++
		checkInvariant(t, tr, storeDir, s.Entries())
		if rep, err := quarantine.VerifyDir(context.Background(), storeDir); err != nil || !rep.OK() || rep.Torn != 0 {
			t.Fatalf("call %d (%s): the failed append was not taken back: %+v %v", k, f.step, rep, err)
		}
		f.armed = false
		if k%2 == 1 { // half the re-runs in a new Store, as the next exsweep run would
			s.Close()
			s = openStore(t, storeDir, quarantine.Options{})
		}
		outcomes := map[quarantine.Outcome]int{}
		for _, r := range quarantineAll(t, s, tr) {
			outcomes[r.Outcome]++
		}
		if outcomes[quarantine.OutcomeAlready] != len(tr.files)-1 {
			t.Fatalf("call %d (%s): re-run outcomes %v", k, f.step, outcomes)
		}
		checkDone(t, tr, s)
		n := len(s.Entries())
		for _, r := range quarantineAll(t, s, tr) {
			if r.Outcome != quarantine.OutcomeAlready {
				t.Fatalf("call %d: second re-run did %s", k, r.Outcome)
			}
		}
		if len(s.Entries()) != n {
			t.Fatalf("call %d: second re-run wrote entries", k)
		}
		s.Close()
	}
	for _, st := range []quarantine.Step{quarantine.StepRead, quarantine.StepStore, quarantine.StepVerify, quarantine.StepRecord,
		quarantine.StepMidWrite, quarantine.StepRemove, quarantine.StepRecordRemoved} {
		if steps[st] == 0 {
			t.Errorf("step %s never failed", st)
		}
	}
	t.Logf("%d runs, faults per step: %v", total, steps)
}

// TestRestoreFaultAtEveryStep: the same for Restore. Each target is absent (nothing half
// written, no temporary left) or complete; a re-run restores everything exactly once.
func TestRestoreFaultAtEveryStep(t *testing.T) {
	for k := 0; ; k++ {
		base := t.TempDir()
		tr := newTree(t, filepath.Join(base, "host"))
		f := &failAt{k: k}
		s := openStore(t, filepath.Join(base, "store"), quarantine.Options{Hook: f.hook})
		quarantineAll(t, s, tr)
		f.calls, f.armed = 0, true
		failures := 0
		restoreAll := func() {
			for _, it := range s.Items() {
				if _, err := s.Restore(context.Background(), it.Entry.ID, ""); err != nil {
					if !errors.Is(err, errInjected) {
						t.Fatalf("call %d: %v", k, err)
					}
					failures++
				}
			}
		}
		restoreAll()
		if failures == 0 { // k is past the last call: every step has been failed once
			s.Close()
			if k < 4*len(tr.files) {
				t.Fatalf("only %d restore hook calls", k)
			}
			return
		}
		for _, p := range tr.paths() {
			target := filepath.Join(tr.root, filepath.FromSlash(p))
			got, err := os.ReadFile(target)
			if err == nil && !bytes.Equal(got, tr.files[p]) {
				t.Fatalf("call %d (%s): %s half restored", k, f.step, p)
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(target), ".exsweep-restore-*")); len(left) != 0 {
				t.Fatalf("call %d (%s): temporary left: %v", k, f.step, left)
			}
		}
		f.armed = false
		restoreAll()
		for _, it := range s.Items() {
			if it.Status != quarantine.StatusRestored || len(it.History) != 3 {
				t.Fatalf("call %d (%s): %s history %d", k, f.step, it.Entry.Path, len(it.History))
			}
			got, err := os.ReadFile(filepath.Join(tr.root, filepath.FromSlash(it.Entry.Path)))
			if err != nil || !bytes.Equal(got, tr.files[it.Entry.Path]) {
				t.Fatalf("call %d: %s not restored: %v", k, it.Entry.Path, err)
			}
		}
		rep, err := s.Verify(context.Background())
		if err != nil || !rep.OK() {
			t.Fatal(fmt.Sprint(rep, err))
		}
		s.Close()
	}
}
