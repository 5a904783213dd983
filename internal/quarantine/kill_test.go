package quarantine_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/quarantine"
)

const childEnv = "EXSWEEP_QUARANTINE_CHILD"

// TestHelperProcess is the child of TestKilledChildNeverLosesAFile: it quarantines every file
// of a root, and exits with status 3 inside the hook call number Q_EXIT_AT, if set.
func TestHelperProcess(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("the child process of TestKilledChildNeverLosesAFile")
	}
	exitAt, _ := strconv.Atoi(os.Getenv("Q_EXIT_AT"))
	calls := 0
	opt := quarantine.Options{Tool: "child"}
	if exitAt >= 0 {
		opt.Hook = func(quarantine.Step, string) error {
			if calls == exitAt {
				os.Exit(3) // dies mid-protocol: no deferred cleanup, like a crash
			}
			calls++
			return nil
		}
	}
	// Without Q_EXIT_AT the child runs exactly the production path (no hook: manifest lines
	// written in one write), and the parent kills it at a random instant.
	s, err := quarantine.Open(os.Getenv("Q_STORE"), opt)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("ready")
	for _, p := range strings.Split(os.Getenv("Q_FILES"), "\n") {
		if _, err := s.Quarantine(context.Background(), quarantine.Request{Root: os.Getenv("Q_ROOT"), Path: p}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	s.Close()
	os.Exit(0)
}

// TestKilledChildNeverLosesAFile runs a real process quarantining 20 files and kills it
// (SIGKILL after a random delay, or exit inside a random protocol step), hundreds of times.
// After each death every file is in place or stored with a complete entry; then a run to
// completion stores each exactly once, and the store verifies.
func TestKilledChildNeverLosesAFile(t *testing.T) {
	runs := 200
	if testing.Short() {
		runs = 30
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// A clean in-process run gives the number of hook calls and the time the work takes.
	base := t.TempDir()
	counter := &failAt{}
	s := openStore(t, filepath.Join(base, "store"), quarantine.Options{Hook: counter.hook})
	start := time.Now()
	quarantineAll(t, s, manyTree(t, filepath.Join(base, "host"), 20, 0))
	work := time.Since(start)
	s.Close()

	var finished, killed, exited, torn int
	var childTime, checkTime time.Duration
	for i := range runs {
		rng := mrand.New(mrand.NewPCG(uint64(i), 42))
		base := t.TempDir()
		tr := manyTree(t, filepath.Join(base, "host"), 20, uint64(i))
		storeDir := filepath.Join(base, "store")
		t0 := time.Now()
		cmd := exec.Command(exe, "-test.run=^TestHelperProcess$")
		exitAt := -1
		if i%2 == 1 {
			exitAt = rng.IntN(counter.calls)
		}
		cmd.Env = append(os.Environ(), childEnv+"=1", "GORACE=atexit_sleep_ms=0", "Q_ROOT="+tr.root, "Q_STORE="+storeDir,
			"Q_FILES="+strings.Join(tr.paths(), "\n"), "Q_EXIT_AT="+strconv.Itoa(exitAt))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ready, _ := bufio.NewReader(out).ReadString('\n')
		if exitAt < 0 && ready == "ready\n" {
			time.Sleep(time.Duration(rng.Int64N(int64(work) * 6 / 5)))
			_ = cmd.Process.Kill() // may have finished already
		}
		_, _ = io.Copy(io.Discard, out)
		err = cmd.Wait()
		var ee *exec.ExitError
		switch {
		case err == nil:
			finished++
			if exitAt < 0 {
				// The child (without a hook, and at whatever speed this machine has now) was
				// quicker than the estimate: aim the next kills earlier.
				work = work * 3 / 4
			}
		case errors.As(err, &ee) && ee.ExitCode() == 3 && exitAt >= 0:
			exited++
		case errors.As(err, &ee) && ee.ExitCode() == -1 && exitAt < 0:
			killed++
			work = work * 21 / 20 // and drift back, so kills land all along the run
		default:
			t.Fatalf("run %d: child failed: %v\n%s", i, err, stderr.String())
		}

		childTime += time.Since(t0)
		t1 := time.Now()
		s := openStore(t, storeDir, quarantine.Options{}) // the dead child's lock is gone
		if len(s.Repairs()) > 0 {
			torn++
		}
		checkInvariant(t, tr, storeDir, s.Entries())
		quarantineAll(t, s, tr)
		checkDone(t, tr, s)
		n := len(s.Entries())
		for _, r := range quarantineAll(t, s, tr) {
			if r.Outcome != quarantine.OutcomeAlready {
				t.Fatalf("run %d: a second completion did %s", i, r.Outcome)
			}
		}
		if len(s.Entries()) != n {
			t.Fatalf("run %d: a second completion wrote entries", i)
		}
		s.Close()
		os.RemoveAll(base)
		checkTime += time.Since(t1)
	}
	t.Logf("%d runs: %d killed, %d exited inside a step (%d left a torn line), %d finished before the kill; clean run %v; child %v check %v",
		runs, killed, exited, torn, finished, work, childTime, checkTime)
	if killRuns := runs / 2; finished*10 > killRuns*6 {
		t.Fatalf("%d of %d children finished before being killed: the test proves little", finished, killRuns)
	}
	if torn == 0 {
		t.Fatal("no run left a torn manifest line: the repair was not exercised")
	}
}
