// Command loggen writes a realistic Exchange and IIS log tree, as a mounted system drive of an
// Exchange 2016 server shows it, with attack chains injected at known rows and a ground-truth
// file listing them. It is a benchmark and test bed for exsweep's hunt:
//
//	go run ./bench/loggen -out DIR -size 2GB -seed 1 [-days 30] [-start 2021-02-15] [-chains 24]
//
// Sizes take binary units (1GB = 1024 MiB). The same seed, size, days, start and chain count
// always give the same bytes, however many workers (-j) write them.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/exsweep/exsweep/bench/internal/bytesize"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "loggen:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("loggen", flag.ContinueOnError)
	out := fs.String("out", "", "output directory (the root of the host tree)")
	size := fs.String("size", "2GB", "total bytes to write, e.g. 500MB, 2GB, 8GB (binary units)")
	seed := fs.Uint64("seed", 1, "random seed")
	days := fs.Int("days", 30, "days of logs")
	start := fs.String("start", "2021-02-15", "first day of the logs (UTC)")
	chains := fs.Int("chains", 24, "attack chains to inject, spread evenly over the days")
	jobs := fs.Int("j", 0, "streams written at once (0: GOMAXPROCS); does not change the output")
	rotate := fs.String("rotate", "16MB", "size at which an Exchange log rolls over to -2, -3, ...")
	users := fs.Int("users", 2500, "mailboxes in the organisation")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("-out is required")
	}
	n, err := bytesize.Parse(*size)
	if err != nil {
		return err
	}
	rot, err := bytesize.Parse(*rotate)
	if err != nil {
		return err
	}
	st, err := time.Parse("2006-01-02", *start)
	if err != nil {
		return fmt.Errorf("-start: %w", err)
	}
	cfg := config{Out: *out, Size: n, Seed: *seed, Days: *days, Start: st.UTC(), Chains: *chains, Jobs: *jobs, Rotate: rot, Users: *users}
	res, err := generate(cfg)
	if err != nil {
		return err
	}
	fmt.Println(summary(cfg, res))
	return nil
}

func summary(cfg config, res *result) string {
	var iis, proxy, ecp, oab int64
	for si, b := range res.ByStream {
		switch streamDefs()[si].kind {
		case skIIS:
			iis += b
		case skProxy:
			proxy += b
		case skECP:
			ecp += b
		case skOAB:
			oab += b
		}
	}
	pct := func(x int64) string { return strconv.FormatFloat(100*float64(x)/float64(res.Bytes), 'f', 1, 64) + "%" }
	secs := res.Elapsed.Seconds()
	return fmt.Sprintf("loggen: %d bytes (%.2f MiB) in %d files, %d rows (IIS %s, HttpProxy %s, ECP %s, OAB %s), %d chains, %.1fs (%.0f MiB/s) -> %s",
		res.Bytes, float64(res.Bytes)/(1<<20), res.Files, res.Rows, pct(iis), pct(proxy), pct(ecp), pct(oab),
		len(res.Truth.Chains), secs, float64(res.Bytes)/(1<<20)/secs, cfg.Out)
}
