// Command filegen writes the file tree of an Exchange server's system drive (C:\ as a folder,
// names in Windows case) for the benchmark of exsweep's file hunt: hundreds of thousands of
// benign files (binaries, DLLs, logs, pages, traces of compiled pages, archives, dumps,
// mailbox databases) with copies of a labelled corpus planted in the web folders, and a
// ground-truth file that lists every file written:
//
//	go run ./bench/filegen -out DIR [-files 200000] [-bytes 5GB] [-seed 1] [-corpus testdata/files-corpus]
//
// The same seed, counts, sizes, corpus and -sparse-big always give the same tree: the same
// paths, bytes and modification times, however many workers write it. Run with -h for the
// flags.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/exsweep/exsweep/bench/internal/bytesize"
)

const usageText = `filegen writes a realistic Exchange server system drive for the file-hunt benchmark.

Usage:
  go run ./bench/filegen -out DIR [flags]

The tree (under DIR, names in Windows case):
  inetpub/wwwroot/aspnet_client/system_web/4_0_30319/   (empty, as on a real server)
  inetpub/logs/LogFiles/W3SVC1, W3SVC2                  (daily W3C logs, benign rows)
  Program Files/Microsoft/Exchange Server/V15/          (Bin, FrontEnd/HttpProxy/{owa,ecp}/auth,
                                                         ClientAccess/{ecp,Oab,Owa,...}, Logging, Mailbox)
  Windows/{System32,SysWOW64,WinSxS,Temp,Microsoft.NET/...,Temporary ASP.NET Files/...}
  ProgramData/..., Users/{Public,Administrator}, ExchangeSetupLogs/
Files: PE binaries (MZ...PE header, random-looking sections, string tables), logs, pages (.aspx
.ascx .js .css .htm .xml .config), images and fonts, .compiled traces, .7z/.zip archives in
ProgramData, .dmp files (MDMP and PAGEDU64), PST files, mailbox databases of 100-500 MB.

Planting (with a corpus): about -plant malicious files go into the web folders (aspnet_client,
owa/auth, ecp/auth, ClientAccess/ecp, ClientAccess/Oab) under look-alike (errorFF.aspx,
logon.aspx.aspx), published (supp0rt.aspx), plausible and random names, dated March 2021; a
sample folder is planted whole (a handler web.config with the .gif or .txt it maps, into a folder
without a web.config); a legitimate page with a shell appended replaces that owa/auth page.
About -benign benign files go among the legitimate pages (ClientAccess/ecp/<folder>,
inetpub/wwwroot/<app>, OWA-like pages in place of the owa/auth ones, scripts in aspnet_client),
benign PSTs into Users/Administrator/Documents. A share (-shell-traces) of the planted pages gets a
.compiled trace. The corpus folder holds malicious/ and benign/ and, optionally, labels.tsv
(path<TAB>label<TAB>family<TAB>why, path relative to the corpus folder; when present it is the
list of files used). The tree depends on the corpus's content as well as on the seed.

Ground truth (-truth): JSON lines, one per file written, sorted by path:
  {"path","planted_as":"malicious|benign|filler","kind","expect":"detect|clean|suspicious",
   "source","family","naming","virtual_path","sha256","size","mtime","sparse","why"}
expect: detect = a planted shell or its trace; suspicious = worth listing, never a verdict
(archives in ProgramData, MDMP dumps and .dmp files in Windows\Temp or ProgramData, PSTs
outside mailbox databases); clean = must not be flagged.

Sizes take binary units (5GB = 5 GiB).

Flags:
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "filegen:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("filegen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	out := fs.String("out", "", "output folder, the drive's root (must be absent or empty)")
	files := fs.Int("files", 200000, "files to write in all (the fixed layout and planted files included)")
	bytesFlag := fs.String("bytes", "5GB", "bytes to write in all, e.g. 20MB, 2GB, 5GB (binary units)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same tree")
	corpus := fs.String("corpus", defaultCorpus, `labelled corpus folder; "" plants nothing (a missing default folder is skipped with a note)`)
	plant := fs.Int("plant", 40, "malicious corpus files to plant, whole sample groups at a time (cycling through the corpus when it holds fewer)")
	benign := fs.Int("benign", 40, "benign corpus files to plant among the legitimate pages, whole groups at a time")
	shellTraces := fs.Float64("shell-traces", 0.5, "share of planted pages that also get a .compiled trace naming them")
	truth := fs.String("truth", "", "ground-truth file (JSON lines); default DIR.truth.jsonl, next to DIR, not inside it")
	workers := fs.Int("workers", runtime.NumCPU(), "files written at once; does not change the output")
	sparse := fs.Bool("sparse-big", false, "write only the first MiB of each file of 100 MiB or more and extend it with Truncate (sparse; changes those files' bytes)")
	quiet := fs.Bool("quiet", false, "no progress line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *out == "" {
		return errors.New("-out is required (try -h)")
	}
	n, err := bytesize.Parse(*bytesFlag)
	if err != nil {
		return fmt.Errorf("-bytes: %w", err)
	}
	corpusSet := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "corpus" {
			corpusSet = true
		}
	})
	if *truth == "" {
		*truth = filepath.Clean(*out) + ".truth.jsonl"
	}
	cfg := config{
		Out: *out, Files: *files, Bytes: n, Seed: *seed,
		Corpus: *corpus, CorpusRequired: corpusSet && *corpus != "",
		Plant: *plant, Benign: *benign, ShellTraces: *shellTraces,
		Truth: *truth, Workers: *workers, SparseBig: *sparse,
	}
	if !*quiet {
		cfg.Progress = stderr
	}
	res, err := generate(cfg)
	if err != nil {
		return err
	}
	for _, note := range res.Notes {
		fmt.Fprintln(stderr, "filegen: note:", note)
	}
	fmt.Fprint(stdout, summary(cfg, res))
	return nil
}

// defaultCorpus is where the repository keeps the labelled corpus, relative to the repository
// root (the usual working directory of go run ./bench/filegen).
const defaultCorpus = "testdata/files-corpus"

func summary(cfg config, res *result) string {
	var b strings.Builder
	secs := res.Elapsed.Seconds()
	fmt.Fprintf(&b, "filegen: %d files, %d bytes (%.2f GiB) in %.1fs (%.0f MiB/s, plan %.1fs, %d workers) -> %s\n",
		res.Files, res.Bytes, float64(res.Bytes)/(1<<30), secs, float64(res.Bytes)/(1<<20)/secs,
		res.PlanTime.Seconds(), res.Workers, cfg.Out)
	fmt.Fprintf(&b, "filegen: planted %d malicious (%d distinct corpus files) + %d compiled traces of them, %d benign; truth -> %s\n",
		res.PlantedMalicious, res.DistinctMalicious, res.ShellTraces, res.PlantedBenign, cfg.Truth)
	if res.SparseFiles > 0 {
		fmt.Fprintf(&b, "filegen: %d files sparse (%d bytes apparent, only the first MiB of each written)\n", res.SparseFiles, res.SparseBytes)
	}
	kinds := make([]string, 0, len(res.ByKind))
	for k := range res.ByKind {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		a, c := res.ByKind[kinds[i]], res.ByKind[kinds[j]]
		if a.Bytes != c.Bytes {
			return a.Bytes > c.Bytes
		}
		return kinds[i] < kinds[j]
	})
	fmt.Fprintf(&b, "  %-14s %8s %7s %14s %7s %12s\n", "kind", "files", "files%", "bytes", "bytes%", "mean")
	for _, k := range kinds {
		s := res.ByKind[k]
		fmt.Fprintf(&b, "  %-14s %8d %6.1f%% %14d %6.1f%% %12s\n", k, s.Files, 100*float64(s.Files)/float64(res.Files),
			s.Bytes, 100*float64(s.Bytes)/float64(res.Bytes), humanSize(s.Bytes/int64(max(1, s.Files))))
	}
	return b.String()
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// unixTime is a modification time in seconds and 100 ns ticks (NTFS resolution).
func unixTime(sec int64, ticks int64) time.Time { return time.Unix(sec, ticks*100).UTC() }
