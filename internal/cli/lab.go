package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/exsweep/exsweep/internal/catalog"
	"github.com/exsweep/exsweep/internal/exchangesim"
)

const labUsage = `usage: exsweep lab [flags]

Serves an emulated fleet of Exchange servers (and IIS sites, WAFs, look-alikes, Exchange Online
and misbehaving hosts) on loopback addresses, for demos, training and trying exsweep scan. Only
127.0.0.0/8 and ::1 are ever bound. It runs until interrupted (Ctrl-C).

  exsweep lab --targets lab.txt --truth truth.jsonl
  exsweep scan -i lab.txt

Linux routes all of 127.0.0.0/8 to loopback; macOS has only 127.0.0.1 unless you add aliases
(sudo ifconfig lo0 alias 127.16.0.2 ...), so there use --hosts 1 --base 127.0.0.1 or alias first.
Boolean flags take their value with "=": --tls=false.

Flags:
`

func runLab(ctx context.Context, args []string, io IO) (int, error) {
	fs := flag.NewFlagSet("lab", flag.ContinueOnError)
	fs.SetOutput(io.Stderr)
	fs.Usage = func() {
		fmt.Fprint(io.Stderr, labUsage)
		fs.PrintDefaults()
	}
	hosts := fs.Int("hosts", 16, "how many hosts to emulate")
	base := fs.String("base", "127.16.0.1", "first address (127.0.0.0/8); the next hosts take the following addresses")
	port := fs.Uint("port", 8443, "the port every host listens on (0: an ephemeral port each)")
	useTLS := fs.Bool("tls", true, "serve HTTPS (a self-signed certificate made at start); --tls=false for plain HTTP")
	hostile := fs.Float64("hostile", 0.1, "fraction of hosts that misbehave (silent, slow, endless body, gzip bomb, ...)")
	seed := fs.Int64("seed", 1, "seed of the fleet's mix: the same seed gives the same fleet")
	build := fs.String("build", "", "put every Exchange host at this four-part build instead of the mix (e.g. 15.1.2176.2)")
	targets := fs.String("targets", "", "write one URL per host to this file, the input of exsweep scan -i")
	truth := fs.String("truth", "", "write one JSON line per host (address, port, TLS, profile) to this file: what a scan should find")
	if err := fs.Parse(args); err != nil {
		return ExitError, err
	}
	if fs.NArg() > 0 {
		return ExitError, usageError{fmt.Sprintf("lab: unexpected argument %q", fs.Arg(0))}
	}
	if *hosts < 1 || *hosts > 1<<20 {
		return ExitError, usageError{fmt.Sprintf("--hosts %d: want 1 to %d", *hosts, 1<<20)}
	}
	if *port > math.MaxUint16 {
		return ExitError, usageError{fmt.Sprintf("--port %d: want 0 to 65535", *port)}
	}
	if !(*hostile >= 0 && *hostile <= 1) {
		return ExitError, usageError{fmt.Sprintf("--hostile %v: want a fraction from 0 to 1", *hostile)}
	}
	addr, err := netip.ParseAddr(*base)
	if err != nil || !addr.Unmap().IsLoopback() {
		return ExitError, usageError{fmt.Sprintf("--base %q: want a loopback address such as 127.16.0.1 (the lab never serves a network)", *base)}
	}
	cat, err := catalog.Default()
	if err != nil {
		return ExitError, err
	}
	if *build != "" {
		v, err := catalog.ParseBuild(*build)
		if err != nil {
			return ExitError, usageError{fmt.Sprintf("--build: %v (want four parts, such as 15.1.2176.2)", err)}
		}
		if p := catalog.ProductOf(v); p == "" || p == catalog.ProductOnline {
			return ExitError, usageError{fmt.Sprintf("--build %s: not an on-premises Exchange Server build", *build)}
		}
	}

	fleet, err := exchangesim.GenerateFleet(*hosts, addr, uint16(*port), *seed, *hostile, cat)
	if err != nil {
		return ExitError, usageError{err.Error()}
	}
	for i := range fleet {
		fleet[i].TLS = *useTLS
		if p := &fleet[i].Profile; p.Kind == exchangesim.KindExchange && *build != "" {
			p.Build, p.Reported = *build, ""
			if len(p.Backends) > 0 {
				p.Backends = []string{*build, *build}
			}
		}
	}
	f, err := exchangesim.Start(fleet, exchangesim.Options{Catalog: cat})
	if err != nil {
		if runtime.GOOS == "darwin" && strings.Contains(err.Error(), "can't assign requested address") {
			err = fmt.Errorf("%w\n(macOS serves only 127.0.0.1 on loopback: use --hosts 1 --base 127.0.0.1, or add aliases with sudo ifconfig lo0 alias ADDR)", err)
		}
		return ExitError, err
	}
	served := f.Hosts()
	// The truth first, the targets last: a script (or a test) that waits for the targets file
	// finds everything ready when it appears.
	if *truth != "" {
		if err := labWriteLines(*truth, served, func(h exchangesim.Host) (string, error) {
			b, err := json.Marshal(h)
			return string(b), err
		}); err != nil {
			f.Close()
			return ExitError, err
		}
	}
	if *targets != "" {
		if err := labWriteLines(*targets, served, func(h exchangesim.Host) (string, error) { return labURL(h), nil }); err != nil {
			f.Close()
			return ExitError, err
		}
	}
	labSummary(io, served, *targets, *truth)

	<-ctx.Done()
	if err := f.Close(); err != nil {
		return ExitError, err
	}
	fmt.Fprintln(io.Stdout, "lab stopped.")
	return ExitClean, nil
}

func labURL(h exchangesim.Host) string {
	scheme := "https"
	if !h.TLS {
		scheme = "http"
	}
	return scheme + "://" + netip.AddrPortFrom(h.Addr, h.Port).String()
}

// labWriteLines writes one line per host to path through a temporary file and a rename, so that a
// reader never sees half a file.
func labWriteLines(path string, hosts []exchangesim.Host, line func(exchangesim.Host) (string, error)) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	for _, h := range hosts {
		s, err := line(h)
		if err != nil {
			tmp.Close()
			return err
		}
		w.WriteString(s)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return nil
}

func labSummary(io IO, hosts []exchangesim.Host, targets, truth string) {
	w := io.Stdout
	kinds := map[string]int{}
	modes := map[string]int{}
	ports := map[uint16]bool{}
	for _, h := range hosts {
		ports[h.Port] = true
		if h.Profile.Hostile != exchangesim.HostileNone {
			modes[string(h.Profile.Hostile)]++
			continue
		}
		kinds[string(h.Profile.Kind)]++
	}
	first, last := hosts[0], hosts[len(hosts)-1]
	scheme := "HTTPS, self-signed certificate"
	if !first.TLS {
		scheme = "plain HTTP"
	}
	port := fmt.Sprintf("port %d", first.Port)
	if len(ports) > 1 {
		port = "ephemeral ports"
	}
	fmt.Fprintf(w, "exsweep lab: %d emulated hosts on %s to %s, %s, %s\n", len(hosts), first.Addr, last.Addr, port, scheme)
	for _, k := range []exchangesim.Kind{exchangesim.KindExchange, exchangesim.KindOnline, exchangesim.KindIIS, exchangesim.KindWAF, exchangesim.KindLookalike} {
		if n := kinds[string(k)]; n > 0 {
			fmt.Fprintf(w, "  %-16s %d\n", k, n)
		}
	}
	if n := labSum(modes); n > 0 {
		fmt.Fprintf(w, "  %-16s %d (%s)\n", "hostile", n, labCounts(modes))
	}
	if truth != "" {
		fmt.Fprintf(w, "what each host is: %s\n", truth)
	}
	if targets != "" {
		fmt.Fprintf(w, "scan it: exsweep scan -i %s\n", targets)
	} else {
		fmt.Fprintf(w, "scan it: exsweep scan -i FILE, after writing the targets with --targets FILE (first: %s)\n", labURL(first))
	}
	fmt.Fprintln(w, "serving until interrupted (Ctrl-C).")
}

func labSum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// labCounts is "a 2, b 1", by name.
func labCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
