// Command evtxgen writes a folder of Windows event logs (EVTX, through internal/evtx/evtxwrite)
// as an Exchange server's winevt\Logs folder holds them, for the event-log benchmark of
// `exsweep hunt`: a realistic mix of benign events with a known set of attack events planted
// among them, and a ground-truth file naming each planted event by file and record number with
// the rule expected to report it.
//
//	go run ./bench/evtxgen -out DIR [-size 1GiB] [-seed 1]
//
// The same seed and size always give the same bytes, however many workers write them. Run with
// -h for the flags.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/exsweep/exsweep/bench/internal/bytesize"
)

const usageText = `evtxgen writes the event logs of an Exchange server for the event-log benchmark.

Usage:
  go run ./bench/evtxgen -out DIR [flags]

Files (names as Windows writes them, shares of -size):
  Security.evtx                                              55 %  4624 4634 4672 4625 4688 4689 4648 4776 4798
  Microsoft-Windows-Sysmon%4Operational.evtx                 25 %  1 3 5 7 10 11 13 22
  System.evtx                                                 6 %  7036 7040 (a little 7045) 10016 36888 1014 ...
  Application.evtx                                            6 %  MSExchange providers, ASP.NET, Security-SPP
  Microsoft-Windows-PowerShell%4Operational.evtx              3 %  4104 4103 40961 40962 53504
  MSExchange Management.evtx                                  2 %  MSExchange CmdletLogs 1 and 6 (unnamed data)
  Microsoft-Windows-Windows Defender%4Operational.evtx        1 %  1150 2000 1000 1001 5007 (one PUA 1116)
  Windows PowerShell.evtx, Microsoft-Windows-TaskScheduler%4Operational.evtx,
  Microsoft-Windows-TerminalServices-LocalSessionManager%4Operational.evtx,
  Microsoft-Windows-WMI-Activity%4Operational.evtx            2 %  together
Events span 2021-02-24 to 2021-03-10 (UTC), record numbers consecutive per file, times rising.

Planted: 24 attack events (a ProxyLogon-style chain on 2021-03-03, a mailbox-export chain on
2021-03-06, the Security log cleared, a gap of 143 record numbers in Security.evtx), listed in
DIR/truth.tsv: file, record (a range for the gap), expected rule id, kind (attack; or benign for
the few benign events a low-severity rule lists: new services from Program Files, ASP.NET page
compiles, an administrator removing an export request), time, what. DIR/manifest.tsv lists each
file's channel, events and bytes.

Flags:
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "evtxgen:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("evtxgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	out := fs.String("out", "", "output folder (created; existing .evtx files in it are replaced)")
	sizeFlag := fs.String("size", "1GiB", "bytes to write in all, e.g. 20MiB, 1GiB (binary units); each file gets its share")
	seed := fs.Uint64("seed", 1, "random seed: the same seed and size give the same bytes")
	workers := fs.Int("workers", runtime.NumCPU(), "files written at once; does not change the output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *out == "" {
		return errors.New("-out is required (try -h)")
	}
	size, err := bytesize.Parse(*sizeFlag)
	if err != nil {
		return fmt.Errorf("-size: %w", err)
	}
	start := time.Now()
	res, err := generate(config{Out: *out, Size: size, Seed: *seed, Workers: max(1, *workers)})
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, summary(res, time.Since(start)))
	return nil
}

func summary(res *result, took time.Duration) string {
	var b strings.Builder
	var events, bytes int64
	for _, f := range res.Files {
		events += f.Events
		bytes += f.Bytes
	}
	fmt.Fprintf(&b, "evtxgen: %d files, %d events, %d bytes (%.1f MiB) in %.1fs; %d planted rows, %d benign rows in truth.tsv\n",
		len(res.Files), events, bytes, float64(bytes)/(1<<20), took.Seconds(), res.Attacks, res.Benign)
	for _, f := range res.Files {
		fmt.Fprintf(&b, "  %-72s %9d events %8.1f MiB\n", f.Name, f.Events, float64(f.Bytes)/(1<<20))
	}
	return b.String()
}
