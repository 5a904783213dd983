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
	"strings"
	"time"
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
	n, err := parseSize(*size)
	if err != nil {
		return err
	}
	rot, err := parseSize(*rotate)
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

// parseSize reads 500MB, 2GB, 1.5GiB, 64K or a plain byte count. Units are binary.
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suf string
		m   int64
	}{{"TIB", 1 << 40}, {"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10},
		{"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10},
		{"T", 1 << 40}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suf) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suf)), u.m
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("bad size %q (want e.g. 500MB, 2GB)", s)
	}
	return int64(v * float64(mult)), nil
}
