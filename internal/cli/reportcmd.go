package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/exsweep/exsweep/internal/catalog"
	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/remedy"
	"github.com/exsweep/exsweep/internal/report"
)

// runReport turns a hunt's JSON report into the pages people read: Markdown (default, on
// standard output) and one self-contained HTML file, both with the remediation plan.
func runReport(args []string, io IO) (int, error) {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(io.Stderr)
	var htmlOut, mdOut string
	fs.StringVar(&htmlOut, "html", "", "write one self-contained HTML page here (opens offline in any browser)")
	fs.StringVar(&mdOut, "markdown", "", "write Markdown here (default: on standard output when --html is not given)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return ExitError, err
	}
	if len(pos) != 1 {
		return ExitError, usageError{"usage: exsweep report REPORT.json [--html FILE] [--markdown FILE]"}
	}
	rep, err := readReport(pos[0])
	if err != nil {
		return ExitError, err
	}
	cat, err := catalog.Default()
	if err != nil {
		return ExitError, err
	}
	plans := make([]finding.Plan, len(rep.Hosts))
	for i := range rep.Hosts {
		plans[i] = remedy.Build(&rep.Hosts[i], cat, remedy.Options{Report: pos[0]})
	}
	write := func(path string, fn func(*os.File) error) error {
		tmp, err := os.CreateTemp(filepath.Dir(path), ".exsweep-report-*")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		if err := fn(tmp); err != nil {
			tmp.Close()
			return err
		}
		if err := tmp.Close(); err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return err
		}
		fmt.Fprintf(io.Stderr, "wrote %s\n", path)
		return nil
	}
	if htmlOut != "" {
		if err := write(htmlOut, func(f *os.File) error { return report.HTML(f, rep, plans) }); err != nil {
			return ExitError, err
		}
	}
	switch {
	case mdOut != "":
		if err := write(mdOut, func(f *os.File) error { return report.Markdown(f, rep, plans) }); err != nil {
			return ExitError, err
		}
	case htmlOut == "":
		if err := report.Markdown(io.Stdout, rep, plans); err != nil {
			return ExitError, err
		}
	}
	return ExitClean, nil
}
