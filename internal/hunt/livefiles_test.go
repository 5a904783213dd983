package hunt

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt/source"
	"github.com/exsweep/exsweep/internal/hunt/source/iislog"
	"github.com/exsweep/exsweep/internal/logscan"
)

// A live server keeps writing its logs while they are hunted, and collections are copied from
// live servers. These tests list a file, change it, then scan it, as happens between the listing
// and the read.

const shellRow = "2021-03-03 07:20:01 10.0.0.1 POST /aspnet_client/x.aspx - 443 - 198.51.100.7 - - 200 0 0 15\n"

func liveJob(t *testing.T, path string, size int64) job {
	t.Helper()
	src := iislog.Source{}
	return job{
		src:  src,
		file: source.File{Path: path, Display: filepath.Base(path), Size: size},
		comp: compile(defaultPack(t).ForSource(src.Kind()), Schema(), src.Dialect()),
	}
}

func scanJob(t *testing.T, j job) (logscan.Result, []finding.Finding) {
	t.Helper()
	col := newCollector(Options{})
	r := scanOne(context.Background(), j, Options{}, make([]byte, logscan.DefaultChunk), &logscan.HeaderCache{}, col, func(int64) {})
	return r, col.sorted()
}

func kinds(ps []finding.Problem) string {
	var k []string
	for _, p := range ps {
		k = append(k, p.Kind)
	}
	return strings.Join(k, ",")
}

func TestFileVanishedAfterListingIsPartial(t *testing.T) {
	path := filepath.Join(t.TempDir(), "u_ex210303.log")
	r, _ := scanJob(t, liveJob(t, path, 100))
	if kinds(r.Problems) != "vanished" {
		t.Fatalf("problems %v, want one vanished", r.Problems)
	}
	if !partial(r.Problems) {
		t.Error("a vanished log must make the result partial")
	}
}

func TestFileGrowingWhileReadIsReadUpToItsListedSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "u_ex210303.log")
	head := "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n" + shellRow
	if err := os.WriteFile(path, []byte(head), 0o644); err != nil {
		t.Fatal(err)
	}
	j := liveJob(t, path, int64(len(head)))
	// The server appends another shell request after the hunt listed the file.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(strings.Replace(shellRow, "198.51.100.7", "198.51.100.99", 1))
	f.Close()
	r, fs := scanJob(t, j)
	if kinds(r.Problems) != "grew" || partial(r.Problems) {
		t.Fatalf("problems %v: want one informational grew", r.Problems)
	}
	if len(fs) != 1 || fs[0].ClientIP != "198.51.100.7" {
		t.Errorf("findings %+v: want only the row present when listed", fs)
	}
	if r.Bytes != int64(len(head)) {
		t.Errorf("read %d bytes, want the listed %d", r.Bytes, len(head))
	}
}

func TestFileShrinkingWhileReadIsPartial(t *testing.T) {
	path := filepath.Join(t.TempDir(), "u_ex210303.log")
	body := "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n" + shellRow
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	r, fs := scanJob(t, liveJob(t, path, int64(len(body))+4096)) // listed larger than it now is
	if kinds(r.Problems) != "truncated" || !partial(r.Problems) {
		t.Fatalf("problems %v: want truncated, making the result partial", r.Problems)
	}
	if len(fs) != 1 {
		t.Errorf("the rows still there must be read: %d findings", len(fs))
	}
}

// A flood of distinct clients (a scanner, or a forged log) must not grow the kept findings past
// the caps, every row matched but not shown is counted, a flood of suspicious rows leaves the
// decisive budget whole, and decisive pairs refused are counted for a problem.
func TestCapsBoundFindings(t *testing.T) {
	col := newCollector(Options{})
	base := time.Date(2021, 3, 3, 0, 0, 0, 0, time.UTC)
	add := func(rule string, sup finding.Support, n int) {
		for i := 0; i < n; i++ {
			f := finding.Finding{RuleID: rule, Supports: sup, Time: base.Add(time.Duration(i) * time.Second),
				ClientIP: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)}
			col.add(&f, []byte("row"))
		}
	}
	add("SUS", finding.SupportsSuspicious, maxOther+5000)
	add("SHELL", finding.SupportsCompromised, 3)
	out := col.sorted()
	shells := 0
	for _, f := range out {
		if f.RuleID == "SHELL" {
			shells++
		}
	}
	if len(out) != maxOther+3 || shells != 3 {
		t.Errorf("%d findings kept (%d decisive), want %d and 3: the suspicious flood must stay in its budget", len(out), shells, maxOther+3)
	}
	add("PROBE-LIKE-FLOOD", finding.SupportsAttempted, maxDecisive+10)
	if col.refused < 10 {
		t.Errorf("%d decisive pairs refused, want at least 10", col.refused)
	}
	out = col.sorted()
	if len(out) > maxOther+maxDecisive {
		t.Errorf("%d findings kept, caps %d + %d", len(out), maxOther, maxDecisive)
	}
	total := (maxOther + 5000) + 3 + (maxDecisive + 10) // rows added above
	if got := col.suppressedRows(); got != int64(total-len(out)) {
		t.Errorf("suppressed %d, want %d (rows matched minus rows shown)", got, total-len(out))
	}
}
