package cli

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt"
	"github.com/exsweep/exsweep/internal/hunt/source/files"
	"github.com/exsweep/exsweep/internal/report"
	"github.com/exsweep/exsweep/internal/sigma"
)

type huntFlags struct {
	root         string
	exchange     multiFlag
	iisLogs      multiFlag
	rules        multiFlag
	since, until string
	format       string
	out          string
	color        string
	workers      int
	quiet        bool
	deep         bool
	readCap      string
	only         string
	evtx         multiFlag
	events       multiFlag
	sigma        multiFlag
}

func runHunt(ctx context.Context, args []string, io IO) (int, error) {
	var f huntFlags
	fs := flag.NewFlagSet("hunt", flag.ContinueOnError)
	fs.SetOutput(io.Stderr)
	defRoot := ""
	if runtime.GOOS == "windows" {
		defRoot = `C:\`
	}
	fs.StringVar(&f.root, "root", defRoot, "the server's system drive as a folder: a mounted image, a triage collection, or C:\\ on the live server")
	fs.Var(&f.exchange, "exchange-path", "the Exchange install folder (<EX>), instead of searching the root for it (repeatable)")
	fs.Var(&f.iisLogs, "iis-logs", "an IIS log folder (holding W3SVC<n> folders or log files), instead of searching the root (repeatable)")
	fs.Var(&f.rules, "rules", "also load rules from this folder or file (repeatable)")
	fs.StringVar(&f.since, "since", "", "only report evidence from this time on (2021-01-01 or RFC 3339); warns when logs start later")
	fs.StringVar(&f.until, "until", "", "only report evidence up to this time; warns when logs end earlier")
	fs.StringVar(&f.format, "format", "", "output: table, json, jsonl or csv (default: table on a terminal, json otherwise)")
	fs.StringVar(&f.out, "out", "", "also write report.json, timeline.csv and Test-ProxyLogon style files into this folder")
	fs.StringVar(&f.color, "color", "auto", "colour the table: auto (on a terminal, unless NO_COLOR is set), always, never")
	fs.IntVar(&f.workers, "workers", 0, "files read at once (default: one per CPU)")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar")
	fs.BoolVar(&f.deep, "deep", false, "also read every page and configuration file (.aspx .ashx .asmx .asp .config ...) anywhere under the root, not only in web folders")
	fs.StringVar(&f.only, "only", "", "read only one part: logs (Exchange and IIS logs), files (web shells and attacker files on disk) or events (Windows event logs)")
	fs.Var(&f.evtx, "evtx", "also read this EVTX file, or the .evtx files under this folder (repeatable)")
	fs.Var(&f.events, "events", "also read Windows events exported as JSON lines (or a JSON array) from this file, or the .json/.jsonl/.ndjson files under this folder (repeatable)")
	fs.Var(&f.sigma, "sigma", "also evaluate the Sigma rules of this file or folder over the events and the IIS logs (repeatable)")
	fs.StringVar(&f.readCap, "read-cap", "", "bytes read of one file, by kind: page=16MiB (pages, configs, everything in web folders), head=64KiB (the first bytes of other files); e.g. page=64MiB,head=1MiB")
	if err := fs.Parse(args); err != nil {
		return ExitError, err
	}
	if fs.NArg() > 0 {
		return ExitError, usageError{fmt.Sprintf("unexpected argument %q (the folder goes after --root)", fs.Arg(0))}
	}
	if f.root == "" {
		return ExitError, usageError{"--root is required: the server's system drive as a folder"}
	}
	since, err := parseTime(f.since, "--since", false)
	if err != nil {
		return ExitError, err
	}
	until, err := parseTime(f.until, "--until", true)
	if err != nil {
		return ExitError, err
	}
	if !since.IsZero() && !until.IsZero() && until.Before(since) {
		return ExitError, usageError{"--until is before --since"}
	}
	format := f.format
	if format == "" {
		format = "json"
		if isTerminal(io.Stdout) {
			format = "table"
		}
	}
	if !validFormat(format) {
		return ExitError, usageError{fmt.Sprintf("--format %q: want %s", format, strings.Join(report.Formats(), ", "))}
	}
	color := false
	switch f.color {
	case "always":
		color = true
	case "never":
	case "auto":
		color = isTerminal(io.Stdout) && io.Getenv("NO_COLOR") == ""
	default:
		return ExitError, usageError{"--color: want auto, always or never"}
	}
	caps, err := parseReadCap(f.readCap)
	if err != nil {
		return ExitError, err
	}
	pack, err := loadPack(f.rules)
	if err != nil {
		return ExitError, err
	}
	switch f.only {
	case "", "logs", "files", "events":
	default:
		return ExitError, usageError{fmt.Sprintf("--only %q: want logs, files or events", f.only)}
	}
	var sigmaSet *sigma.Set
	if len(f.sigma) > 0 {
		if sigmaSet, err = sigma.Load(f.sigma); err != nil {
			return ExitError, err
		}
	}
	opt := hunt.Options{
		NoFiles:         f.only == "logs" || f.only == "events",
		NoLogs:          f.only == "files" || f.only == "events",
		NoEvents:        f.only == "logs" || f.only == "files",
		EVTX:            f.evtx,
		EventFiles:      f.events,
		Sigma:           sigmaSet,
		Deep:            f.deep,
		FileCaps:        caps,
		Root:            f.root,
		DiscoverOptions: hunt.DiscoverOptions{ExchangePaths: f.exchange, IISLogDirs: f.iisLogs},
		Pack:            pack,
		Since:           since,
		Until:           until,
		Workers:         f.workers,
	}
	if f.root == defRoot && defRoot != "" && len(f.exchange) == 0 {
		// Hunting the live server: its registry knows where Exchange is, even on another drive.
		opt.KnownInstalls = hunt.LiveInstallPaths()
	}
	var bar *progressBar
	if !f.quiet && isTerminal(io.Stderr) {
		bar = newProgressBar(io.Stderr)
		opt.Progress = bar.update
	}
	tuneGC(io.Getenv)
	res, err := hunt.Run(ctx, opt)
	if bar != nil {
		bar.finish()
	}
	if err != nil {
		return ExitError, err
	}
	rep := &finding.Report{
		Schema:    finding.ReportSchema,
		Tool:      "exsweep",
		Version:   Version,
		RulePack:  pack.Version,
		Generated: time.Now().UTC(),
		Hosts:     []finding.HostResult{*res},
	}
	if f.out != "" {
		written, err := report.WriteDir(f.out, rep)
		if err != nil {
			return ExitError, err
		}
		for _, p := range written {
			fmt.Fprintf(io.Stderr, "wrote %s\n", p)
		}
	}
	if err := report.WriteTo(io.Stdout, rep, format, color); err != nil {
		return ExitError, err
	}
	return exitCode(res), nil
}

// tuneGC trades memory the hunt does not need for speed: its live heap is a few MB (buffers, and
// findings the collector bounds), so collecting only after it grows 4x costs little RSS, and a
// soft limit keeps the total under the 200 MB peak the hunt benchmark holds it to. GOGC and
// GOMEMLIMIT still win when set.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(150 << 20)
	}
}

func exitCode(r *finding.HostResult) int {
	switch {
	case r.Verdict == finding.Clean && !r.Partial:
		return ExitClean
	case r.Verdict == finding.Clean:
		return ExitPartialClean
	case !r.Partial:
		return ExitFindings
	}
	return ExitPartialFindings
}

func validFormat(f string) bool {
	for _, x := range report.Formats() {
		if x == f {
			return true
		}
	}
	return false
}

// parseTime reads a --since/--until value. A bare date for --until means the end of that day,
// so "--until 2021-03-03" includes the 3rd.
func parseTime(s, flagName string, endOfDay bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		if endOfDay {
			t = t.Add(24*time.Hour - time.Nanosecond)
		}
		return t, nil
	}
	return time.Time{}, usageError{fmt.Sprintf("%s %q: want a date (2021-01-01) or an RFC 3339 time", flagName, s)}
}

// parseReadCap reads --read-cap: kind=size pairs, sizes in bytes with an optional KB/KiB/MB/MiB/
// GB/GiB suffix.
func parseReadCap(v string) (files.Caps, error) {
	caps := files.DefaultCaps()
	if v == "" {
		return caps, nil
	}
	for _, part := range strings.Split(v, ",") {
		kind, size, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return caps, usageError{fmt.Sprintf("--read-cap %q: want kind=size, e.g. page=64MiB", part)}
		}
		n, err := parseByteSize(size)
		if err != nil || n < 16 {
			return caps, usageError{fmt.Sprintf("--read-cap %s: want a size of at least 16 bytes, e.g. 64MiB", part)}
		}
		switch strings.ToLower(kind) {
		case "page":
			caps.Page = n
		case "head":
			caps.Head = n
		default:
			return caps, usageError{fmt.Sprintf("--read-cap %s: unknown kind %q (want page or head)", part, kind)}
		}
	}
	if caps.Head > caps.Page {
		return caps, usageError{"--read-cap: head is larger than page"}
	}
	return caps, nil
}

// parseByteSize reads 4096, 64KB, 64KiB, 16MB, 16MiB, 1GB, 1GiB (decimal and binary units).
func parseByteSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if len(s) > len(u.suffix) && strings.EqualFold(s[len(s)-len(u.suffix):], u.suffix) {
			s, mult = strings.TrimSpace(s[:len(s)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}
