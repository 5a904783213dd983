package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/exsweep/exsweep/internal/catalog"
	"github.com/exsweep/exsweep/internal/clean"
	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt"
	"github.com/exsweep/exsweep/internal/quarantine"
	"github.com/exsweep/exsweep/internal/remedy"
	"github.com/exsweep/exsweep/internal/report"
)

// cleanResult is clean's JSON output (--format json).
type cleanResult struct {
	Host       string `json:"host"`
	Root       string `json:"root"`
	Applied    bool   `json:"applied"`
	Quarantine string `json:"quarantine"`
	// ManifestHead is the hash of the manifest's last entry after this run: kept with the case
	// notes, it shows later whether entries were cut off the end of the manifest.
	ManifestHead string          `json:"manifest_head,omitempty"`
	Files        []clean.Outcome `json:"files"`
	Plan         finding.Plan    `json:"plan"`
}

func runClean(ctx context.Context, args []string, io IO) (int, error) {
	fs := flag.NewFlagSet("clean", flag.ContinueOnError)
	fs.SetOutput(io.Stderr)
	var from, root, host, store, note, format string
	var apply, force bool
	fs.StringVar(&from, "from", "", "act on this hunt's JSON report (exsweep hunt --format json, or --out's report.json)")
	fs.StringVar(&root, "root", "", "the server's system drive as a folder; without --from, hunt it first, then clean; with --from, where the report's root is now mounted")
	fs.StringVar(&host, "host", "", "the host of a report that holds several")
	fs.StringVar(&store, "quarantine", "", "the quarantine folder (default: beside the root, <root>.exsweep-quarantine)")
	fs.BoolVar(&apply, "apply", false, "act: move the files into the quarantine (without it, a dry run that changes nothing)")
	fs.BoolVar(&force, "force", false, "also quarantine Exchange's own pages that have code added (normally left in place, to be replaced by the original)")
	fs.StringVar(&note, "note", "", "operator note recorded with every quarantined file (ticket number, who, why)")
	fs.StringVar(&format, "format", "text", "output: text (the actions, then the plan in Markdown) or json")
	if err := fs.Parse(args); err != nil {
		return ExitError, err
	}
	if fs.NArg() > 0 {
		return ExitError, usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if format != "text" && format != "json" {
		return ExitError, usageError{"--format: want text or json"}
	}
	if from == "" && root == "" {
		return ExitError, usageError{"want --from REPORT.json (a hunt's report) or --root DIR (hunt, then clean)"}
	}
	var res *finding.HostResult
	reportPath := from
	if from != "" {
		rep, err := readReport(from)
		if err != nil {
			return ExitError, err
		}
		if res, err = pickHost(rep, host); err != nil {
			return ExitError, err
		}
		if root == "" {
			root = res.Root
		}
	} else {
		pack, err := loadPack(nil)
		if err != nil {
			return ExitError, err
		}
		fmt.Fprintf(io.Stderr, "hunting %s first\n", root)
		if res, err = hunt.Run(ctx, hunt.Options{Root: root, Pack: pack}); err != nil {
			return ExitError, err
		}
		reportPath = ""
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return ExitError, fmt.Errorf("root %s: not a folder here (give --root where the report's host is mounted now)", root)
	}
	if store == "" {
		var err error
		if store, err = clean.DefaultStore(root); err != nil {
			return ExitError, err
		}
	}
	if err := clean.CheckStore(store, root, res); err != nil {
		return ExitError, err
	}
	opt := clean.Options{Root: root, Force: force, Note: note}
	if apply {
		q, err := quarantine.Open(store, quarantine.Options{Tool: "exsweep " + Version})
		if err != nil {
			return ExitError, err
		}
		defer q.Close()
		opt.Store = q
	}
	outcomes := clean.Run(ctx, res, opt)
	head := ""
	if opt.Store != nil {
		if es := opt.Store.Entries(); len(es) > 0 {
			head = es[len(es)-1].Hash
		}
	}
	done := map[string]bool{}
	for _, o := range outcomes {
		if o.Status == clean.Quarantined || (apply && o.Status == clean.Gone) {
			done[o.Path] = true
		}
	}
	cat, err := catalog.Default()
	if err != nil {
		return ExitError, err
	}
	absStore, _ := filepath.Abs(store)
	plan := remedy.Build(res, cat, remedy.Options{Report: reportPath, Done: done, Force: force, FromRoot: from == "", Store: absStore})
	if format == "json" {
		enc := json.NewEncoder(io.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(cleanResult{Host: res.Host, Root: root, Applied: apply, Quarantine: absStore, ManifestHead: head, Files: outcomes, Plan: plan}); err != nil {
			return ExitError, err
		}
	} else {
		printOutcomes(io, res, root, absStore, apply, outcomes)
		if head != "" {
			fmt.Fprintf(io.Stdout, "manifest head: %s (keep it with your case notes: a manifest cut short later would end elsewhere)\n", head)
		}
		fmt.Fprintln(io.Stdout)
		if err := report.PlanMarkdown(io.Stdout, &plan); err != nil {
			return ExitError, err
		}
	}
	return cleanExit(outcomes, apply), nil
}

// cleanExit: 0 when no backdoor is left in place, 1 when work remains (a dry run's pending
// files, pages to restore by hand, files that changed), 2 when a file could not be moved.
func cleanExit(outcomes []clean.Outcome, apply bool) int {
	code := ExitClean
	for _, o := range outcomes {
		switch o.Status {
		case clean.Failed:
			return ExitError
		case clean.WouldQuarantine, clean.Changed, clean.Refused:
			code = ExitFindings
		case clean.Kept:
			if o.Kind == remedy.RestoreOriginal || o.Kind == remedy.RevertConfig {
				code = ExitFindings
			}
		}
	}
	return code
}

func printOutcomes(io IO, res *finding.HostResult, root, store string, apply bool, outcomes []clean.Outcome) {
	w := io.Stdout
	if apply {
		fmt.Fprintf(w, "exsweep clean: host %s (%s), root %s\n", safeText(res.Host), res.Verdict, safeText(root))
	} else {
		fmt.Fprintf(w, "exsweep clean: DRY RUN, nothing was changed (add --apply to act). Host %s (%s), root %s\n", safeText(res.Host), res.Verdict, safeText(root))
	}
	fmt.Fprintf(w, "quarantine: %s\n\n", safeText(store))
	counts := map[clean.Status]int{}
	if len(outcomes) == 0 {
		fmt.Fprintln(w, "No file to act on: the hunt flagged no file on this disk.")
	}
	for _, o := range outcomes {
		counts[o.Status]++
		label := strings.ReplaceAll(string(o.Status), "-", " ")
		if o.Status == clean.Kept {
			label = "kept (" + string(o.Kind) + ")"
		}
		fmt.Fprintf(w, "%-20s %s\n", label, safeText(o.Path))
		if o.ID != "" {
			fmt.Fprintf(w, "%-20s id %s\n", "", o.ID)
		}
		if o.Detail != "" {
			fmt.Fprintf(w, "%-20s %s\n", "", safeText(o.Detail))
		}
		fmt.Fprintf(w, "%-20s %s\n", "", o.Why)
		fmt.Fprintf(w, "%-20s rules: %s\n", "", strings.Join(o.Rules, ", "))
	}
	var parts []string
	for _, s := range []clean.Status{clean.WouldQuarantine, clean.Quarantined, clean.Gone, clean.Changed, clean.Refused, clean.Failed, clean.Kept} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], strings.ReplaceAll(string(s), "-", " ")))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, "\nsummary: %s\n", strings.Join(parts, ", "))
	}
}

// safeText makes attacker-named paths harmless on a terminal (no control sequences).
func safeText(s string) string { return finding.EscapeString(s) }

// readReport reads a hunt's JSON report, refusing other schemas.
func readReport(path string) (*finding.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rep finding.Report
	dec := json.NewDecoder(f)
	if err := dec.Decode(&rep); err != nil {
		return nil, fmt.Errorf("%s: not a hunt report: %w", path, err)
	}
	if rep.Schema != finding.ReportSchema || rep.Tool != "exsweep" {
		return nil, fmt.Errorf("%s: report schema %d of %q; this exsweep reads schema %d", path, rep.Schema, rep.Tool, finding.ReportSchema)
	}
	if len(rep.Hosts) == 0 {
		return nil, fmt.Errorf("%s: the report holds no host", path)
	}
	return &rep, nil
}

func pickHost(rep *finding.Report, host string) (*finding.HostResult, error) {
	if host == "" {
		if len(rep.Hosts) > 1 {
			var names []string
			for _, h := range rep.Hosts {
				names = append(names, h.Host)
			}
			return nil, usageError{"the report holds several hosts: choose one with --host (" + strings.Join(names, ", ") + ")"}
		}
		return &rep.Hosts[0], nil
	}
	for i := range rep.Hosts {
		if rep.Hosts[i].Host == host {
			return &rep.Hosts[i], nil
		}
	}
	return nil, usageError{fmt.Sprintf("no host %q in the report", host)}
}
