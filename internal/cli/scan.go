package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/report"
	"github.com/exsweep/exsweep/internal/scan"
	"github.com/exsweep/exsweep/internal/scan/target"
	"github.com/exsweep/exsweep/internal/scan/wire"
)

type scanFlags struct {
	input, exclude, excludeFile, ports, format, out, resume, catalog, color string
	active, quiet                                                           bool
	concurrency, retries                                                    int
	rate                                                                    float64
	hostTimeout, connect, tlsT, headers, body                               time.Duration
	maxBody                                                                 int64
}

const scanUsage = `usage: exsweep scan [flags] [TARGET...]

TARGET is a host name, an IPv4 or IPv6 address, a CIDR range, host:port, or a URL
(https://mail.example.org:8443). Targets also come from -i FILE (one per line, # comments)
or from stdin when it is not a terminal. Only the GET requests listed in docs/scan.md are sent;
--active adds the safe checks (still GET only, nothing is exploited).

Exit codes: 0 nothing vulnerable found, 1 a vulnerable Exchange server found, 2 error,
3/4 like 0/1 but the scan was interrupted (continue it with --resume).
`

func runScan(ctx context.Context, args []string, std IO) (int, error) {
	var f scanFlags
	def := wire.DefaultLimits()
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(std.Stderr)
	fs.Usage = func() { fmt.Fprint(std.Stderr, scanUsage+"\nFlags:\n"); fs.PrintDefaults() }
	fs.StringVar(&f.input, "i", "", "read targets from this file (- for stdin)")
	fs.StringVar(&f.exclude, "exclude", "", "addresses and CIDR ranges never to touch, comma-separated")
	fs.StringVar(&f.excludeFile, "exclude-file", "", "a file of addresses and CIDR ranges never to touch, one per line")
	fs.StringVar(&f.ports, "p", "443", "ports for targets that do not name one, comma-separated (80 and 8080 are HTTP, others HTTPS)")
	fs.BoolVar(&f.active, "active", false, "also run the active safe checks (ProxyLogon and ProxyShell SSRF, mitigation probes): GET only")
	fs.StringVar(&f.format, "format", "", "output: table, jsonl or csv (default: table on a terminal, jsonl otherwise)")
	fs.StringVar(&f.out, "out", "", "write the output to this file instead of stdout")
	fs.StringVar(&f.resume, "resume", "", "continue the scan whose JSON lines are in this file: finished targets are skipped, new lines are appended to it")
	fs.StringVar(&f.catalog, "catalog", "", "read this build catalog instead of the built-in one (same schema)")
	fs.StringVar(&f.color, "color", "auto", "colour the table: auto, always, never")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar and no summary on stderr")
	fs.IntVar(&f.concurrency, "concurrency", 256, "hosts scanned at once")
	fs.Float64Var(&f.rate, "rate", 1000, "requests per second over the whole scan (0 = no limit)")
	fs.IntVar(&f.retries, "retries", 2, "retries of a connection after a transient local failure (out of sockets); timeouts are never retried")
	fs.DurationVar(&f.hostTimeout, "timeout", 30*time.Second, "deadline for a whole host, every request included")
	fs.DurationVar(&f.connect, "connect-timeout", def.Connect, "deadline for a TCP connection (and a DNS lookup)")
	fs.DurationVar(&f.tlsT, "tls-timeout", def.TLS, "deadline for a TLS handshake")
	fs.DurationVar(&f.headers, "header-timeout", def.Headers, "deadline from a request sent to the end of the response header")
	fs.DurationVar(&f.body, "body-timeout", def.Body, "deadline for reading a response body")
	fs.Int64Var(&f.maxBody, "max-body", def.MaxBody, "bytes of a response body read (the rest is not read)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitError, err
	}
	if f.concurrency < 1 || f.concurrency > 65536 {
		return ExitError, usageError{fmt.Sprintf("--concurrency %d: want 1 to 65536", f.concurrency)}
	}
	for _, d := range []time.Duration{f.hostTimeout, f.connect, f.tlsT, f.headers, f.body} {
		if d <= 0 {
			return ExitError, usageError{"timeouts must be positive"}
		}
	}
	if f.maxBody < 1024 {
		return ExitError, usageError{"--max-body: want at least 1024 bytes"}
	}
	ports, err := parsePorts(f.ports)
	if err != nil {
		return ExitError, err
	}
	excl, err := exclusions(f.exclude, f.excludeFile)
	if err != nil {
		return ExitError, err
	}
	cat, err := loadCatalog(f.catalog)
	if err != nil {
		return ExitError, err
	}
	format := f.format
	if f.resume != "" {
		if format != "" && format != "jsonl" {
			return ExitError, usageError{"--resume continues a JSON-lines scan: --format must be jsonl"}
		}
		if f.out != "" && f.out != f.resume {
			return ExitError, usageError{"--resume FILE appends to FILE: leave out --out"}
		}
		format = "jsonl"
	}
	if format == "" {
		format = "jsonl"
		if f.out == "" && isTerminal(std.Stdout) {
			format = "table"
		}
	}
	families := make([]string, 0, len(cat.Families))
	for _, fam := range cat.Families {
		families = append(families, fam.Name)
	}

	opt := target.Options{Ports: ports, Exclude: excl}
	targets, total, counter, err := scanTargets(pos, f.input, std, opt)
	if err != nil {
		return ExitError, err
	}

	tally := report.NewScanTally(families)
	vulnerableFound := false
	count := func(h *finding.ScanHost) {
		tally.Add(h)
		if h.Status == finding.ScanExchange {
			for _, fam := range h.Families {
				if fam.Status == finding.FixVulnerable || fam.Status == finding.FixMitigated {
					vulnerableFound = true
				}
			}
		}
	}

	// Resume: skip what the file holds (it counts in the summary and the exit code), truncate a
	// line cut short, append.
	var done map[string]bool
	var out io.Writer = std.Stdout
	if f.resume != "" {
		file, err := os.OpenFile(f.resume, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return ExitError, err
		}
		defer file.Close()
		var good int64
		done, good, err = scan.Finished(file, f.resume, count)
		if err != nil {
			return ExitError, err
		}
		if err := file.Truncate(good); err != nil {
			return ExitError, err
		}
		if _, err := file.Seek(good, 0); err != nil {
			return ExitError, err
		}
		out = file
		if !f.quiet {
			fmt.Fprintf(std.Stderr, "resuming: %d targets already done in %s\n", len(done), f.resume)
		}
	} else if f.out != "" {
		file, err := os.Create(f.out)
		if err != nil {
			return ExitError, err
		}
		defer file.Close()
		out = file
	}
	color := f.color == "always" || (f.color == "auto" && out == std.Stdout && isTerminal(std.Stdout) && std.Getenv("NO_COLOR") == "")
	w, err := report.NewScanWriter(out, format, families, color)
	if err != nil {
		return ExitError, usageError{err.Error()}
	}

	sc, err := scan.New(scan.Options{
		Limits:      wire.Limits{Connect: f.connect, TLS: f.tlsT, Headers: f.headers, Body: f.body, MaxHeader: def.MaxHeader, MaxBody: f.maxBody},
		HostTimeout: f.hostTimeout, Concurrency: f.concurrency, Rate: f.rate, Retries: f.retries,
		Active: f.active, Exclude: excl, Catalog: cat, UserAgent: "exsweep/" + Version + " (+https://github.com/exsweep/exsweep)",
	})
	if err != nil {
		return ExitError, err
	}

	scanMemoryLimit(std.Getenv, f.concurrency, f.maxBody)
	var bar *scanBar
	if !f.quiet && isTerminal(std.Stderr) {
		bar = newScanBar(std.Stderr, total)
	}
	skipped := 0
	var badCount int
	var werr error
	var notScanned int
	start := time.Now()
	seen := 0
	filtered := func(yield func(target.Target, error) bool) {
		for t, err := range targets {
			seen++
			if err == nil && done[t.Key()] {
				skipped++
				continue
			}
			if !yield(t, err) {
				return
			}
		}
	}
	// A failed write (disk full, closed pipe) stops the scan: probing a range with nowhere to put
	// the answers helps nobody.
	scanCtx, stopScan := context.WithCancel(ctx)
	defer stopScan()
	var listErr error
	runErr := sc.Run(scanCtx, filtered, func(h finding.ScanHost) {
		count(&h)
		if werr == nil {
			if werr = w.Host(&h); werr != nil {
				stopScan()
			}
		}
		if bar != nil {
			bar.add()
		}
	}, func(err error) {
		var le *target.LineError
		var ns *scan.NotScanned
		if errors.As(err, &ns) {
			notScanned++
			return
		}
		if !errors.As(err, &le) {
			// The list itself could not be read: what follows the failure is unknown.
			listErr = err
			return
		}
		badCount++
		if !f.quiet {
			fmt.Fprintf(std.Stderr, "exsweep scan: %v\n", err)
		}
	})
	if bar != nil {
		bar.finish()
	}
	if seen == 0 && counter() == 0 && ctx.Err() == nil {
		return ExitError, usageError{"no targets: the list was empty"}
	}
	if seen > 0 && seen == badCount && skipped == 0 && counter() == 0 && listErr == nil {
		return ExitError, usageError{"no valid target (see the messages above)"}
	}
	sum := tally.Summary()
	sum.Duration = time.Since(start).Seconds()
	sum.BadTokens = badCount
	sum.Excluded = counter()
	if err := w.Close(sum); err != nil && werr == nil {
		werr = err
	}
	if werr != nil {
		return ExitError, fmt.Errorf("writing the results: %w (the scan stopped)", werr)
	}
	if listErr != nil {
		return ExitError, fmt.Errorf("reading the targets: %w (the scan covered the targets before it)", listErr)
	}
	if !f.quiet && format != "table" {
		if skipped > 0 {
			fmt.Fprintf(std.Stderr, "%d targets skipped: already in %s\n", skipped, f.resume)
		}
		report.ScanSummaryText(std.Stderr, sum)
	}
	if notScanned > 0 {
		fmt.Fprintf(std.Stderr, "exsweep scan: %d targets not scanned: this machine ran out of sockets (lower --concurrency, raise ulimit -n); run again with --resume to do them\n", notScanned)
	}
	interrupted := runErr != nil || ctx.Err() != nil || notScanned > 0
	switch {
	case interrupted && vulnerableFound:
		fmt.Fprintln(std.Stderr, "exsweep scan: interrupted; continue with --resume and the JSON-lines output")
		return ExitPartialFindings, nil
	case interrupted:
		fmt.Fprintln(std.Stderr, "exsweep scan: interrupted; continue with --resume and the JSON-lines output")
		return ExitPartialClean, nil
	case vulnerableFound:
		return ExitFindings, nil
	}
	return ExitClean, nil
}

// parseInterleaved lets flags come before or after the targets.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func parsePorts(s string) ([]uint16, error) {
	var out []uint16
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil || n == 0 {
			return nil, usageError{fmt.Sprintf("-p: %q is not a port (1-65535)", p)}
		}
		out = append(out, uint16(n))
	}
	return out, nil
}

func exclusions(list, file string) (*target.Exclusions, error) {
	var items []string
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			items = append(items, s)
		}
	}
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--exclude-file: %w", err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if i := strings.IndexByte(line, '#'); i >= 0 {
				line = line[:i]
			}
			for _, s := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' }) {
				items = append(items, s)
			}
		}
	}
	e, err := target.ParseExclusions(items)
	if err != nil {
		return nil, usageError{"--exclude: " + err.Error()}
	}
	return e, nil
}

// scanTargets chains the command-line targets and the list (file or stdin). total is the number
// of targets when it can be known up front (0 when the list is stdin); excluded counts the
// addresses the exclusion list skipped.
func scanTargets(args []string, input string, std IO, opt target.Options) (iter.Seq2[target.Target, error], uint64, func() uint64, error) {
	var total uint64
	for _, a := range args {
		if s, err := target.Parse(a, opt); err == nil {
			total += s.Count()
		}
	}
	var reader *target.Reader
	var closer func()
	switch {
	case input == "-" || (input == "" && len(args) == 0 && !stdinIsTerminal(std.Stdin)):
		reader = target.NewReader(std.Stdin, "stdin", opt)
		total = 0
	case input != "":
		fh, err := os.Open(input)
		if err != nil {
			return nil, 0, nil, err
		}
		// Count a regular file for the progress bar's total; a pipe can be read only once.
		if st, err := fh.Stat(); err == nil && st.Mode().IsRegular() {
			n, err := target.Count(fh, opt)
			if err != nil {
				fh.Close()
				return nil, 0, nil, fmt.Errorf("%s: %w", input, err)
			}
			total += n
			if _, err := fh.Seek(0, 0); err != nil {
				fh.Close()
				return nil, 0, nil, err
			}
		} else {
			total = 0
		}
		reader = target.NewReader(fh, input, opt)
		closer = func() { fh.Close() }
	case len(args) == 0:
		return nil, 0, nil, usageError{"no targets: name them, or give -i FILE (see -h)"}
	}
	argsReader := target.NewArgsReader(args, opt)
	seq := func(yield func(target.Target, error) bool) {
		if closer != nil {
			defer closer()
		}
		for t, err := range argsReader.All() {
			if !yield(t, err) {
				return
			}
		}
		if reader != nil {
			for t, err := range reader.All() {
				if !yield(t, err) {
					return
				}
			}
		}
	}
	excluded := func() uint64 {
		n := argsReader.Excluded()
		if reader != nil {
			n += reader.Excluded()
		}
		return n
	}
	return seq, total, excluded, nil
}

// stdinIsTerminal: with no target on the command line, a terminal on stdin means the user forgot
// the targets, while a pipe is the list.
func stdinIsTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// scanMemoryLimit sets a soft memory limit that grows with the hosts in flight: a host costs
// about 17 KB of live heap and a goroutine stack grown by its TLS handshake, and without a limit
// the collector lets the heap double, which at 4,096 hosts passes 300 MB (bench/README.md). Room
// for 32 hosts holding a full-size body at once (three copies: growing, kept, lower-cased) comes
// on top. A soft limit only makes the collector work harder; GOMEMLIMIT still wins when set.
func scanMemoryLimit(getenv func(string) string, concurrency int, maxBody int64) {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(64<<20 + int64(concurrency)*(48<<10) + 32*3*maxBody)
	}
}
