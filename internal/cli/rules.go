package cli

import (
	"errors"
	"flag"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/exsweep/exsweep/internal/hunt"
	"github.com/exsweep/exsweep/internal/hunt/source/events"
	"github.com/exsweep/exsweep/internal/hunt/source/files"
	"github.com/exsweep/exsweep/internal/rules"
)

// loadPack loads the built-in pack plus the users' rule folders.
func loadPack(dirs []string) (*rules.Pack, error) {
	schema := hunt.Schema()
	p, err := rules.Default(schema)
	if err != nil {
		return nil, fmt.Errorf("built-in rule pack: %w", err)
	}
	for _, d := range dirs {
		rs, err := rules.LoadDir(d, schema)
		if err != nil {
			return nil, err
		}
		if err := p.Add(rs); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func runRules(args []string, io IO) (int, error) {
	if len(args) == 0 {
		return ExitError, usageError{"rules: want list, show ID, validate DIR, fields or atoms"}
	}
	fs := flag.NewFlagSet("rules "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Stderr)
	var dirs multiFlag
	fs.Var(&dirs, "rules", "also load rules from this folder or file (repeatable)")
	source := fs.String("source", "", "atoms: only the rules of this source kind")
	if err := fs.Parse(args[1:]); err != nil {
		return ExitError, err
	}
	switch args[0] {
	case "list":
		p, err := loadPack(dirs)
		if err != nil {
			return ExitError, err
		}
		fmt.Fprintf(io.Stdout, "rule pack %s, schema %d, %d rules\n\n", p.Version, p.Schema, len(p.Rules))
		tw := tabwriter.NewWriter(io.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSEVERITY\tVERDICT\tSOURCE\tTITLE")
		for _, r := range p.Rules {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Supports, r.Source, r.Title)
		}
		return ExitClean, tw.Flush()
	case "show":
		if fs.NArg() != 1 {
			return ExitError, usageError{"rules show: want one rule id"}
		}
		p, err := loadPack(dirs)
		if err != nil {
			return ExitError, err
		}
		r := p.Rule(fs.Arg(0))
		if r == nil {
			return ExitError, fmt.Errorf("no rule %q (see exsweep rules list)", fs.Arg(0))
		}
		showRule(io, r)
		return ExitClean, nil
	case "validate":
		if fs.NArg() != 1 {
			return ExitError, usageError{"rules validate: want one folder or file"}
		}
		p, err := loadPack(nil)
		if err != nil {
			return ExitError, err
		}
		rs, err := rules.LoadDir(fs.Arg(0), hunt.Schema())
		if err != nil {
			var le *rules.LoadError
			if !errors.As(err, &le) {
				return ExitError, err // no such folder, unreadable: not a verdict on rules
			}
			fmt.Fprintln(io.Stderr, err)
			return ExitFindings, nil
		}
		if err := p.Add(rs); err != nil {
			fmt.Fprintln(io.Stderr, err)
			return ExitFindings, nil
		}
		user := &rules.Pack{Schema: p.Schema, Rules: rs}
		fails := hunt.CheckSamples(user)
		for _, f := range fails {
			fmt.Fprintln(io.Stderr, f)
		}
		if len(fails) > 0 {
			return ExitFindings, nil
		}
		fmt.Fprintf(io.Stdout, "%d rules valid, every sample behaves as declared\n", len(rs))
		return ExitClean, nil
	case "fields":
		schema := hunt.Schema()
		tw := tabwriter.NewWriter(io.Stdout, 2, 4, 2, ' ', 0)
		type kind struct{ name, what string }
		var kinds []kind
		for _, src := range hunt.Sources() {
			kinds = append(kinds, kind{src.Kind(), src.Describe()})
		}
		kinds = append(kinds,
			kind{files.Kind, "files in web folders, compiled-page traces and staging places (one record per file)"},
			kind{hunt.IISConfigKind, "virtual directories of applicationHost.config"},
			kind{events.Kind, "Windows events, from EVTX files or exported JSON lines"},
			kind{events.GapKind, "record numbers missing from an EVTX file (one record per file)"})
		for _, k := range kinds {
			fmt.Fprintf(tw, "%s: %s\n", k.name, k.what)
			for _, f := range schema[k.name] {
				kind := "derived"
				if f.Column {
					kind = "column"
				}
				lit := ""
				if f.Literal {
					lit = "literal"
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", f.Name, kind, lit, f.Doc)
			}
		}
		return ExitClean, tw.Flush()
	case "atoms":
		p, err := loadPack(dirs)
		if err != nil {
			return ExitError, err
		}
		schema := hunt.Schema()
		seen := map[string]bool{}
		var out []string
		for _, r := range p.Rules {
			if *source != "" && r.Source != *source {
				continue
			}
			for _, a := range r.Atoms(schema) {
				if !seen[a] {
					seen[a] = true
					out = append(out, a)
				}
			}
		}
		sort.Strings(out)
		for _, a := range out {
			fmt.Fprintln(io.Stdout, a)
		}
		return ExitClean, nil
	}
	return ExitError, usageError{fmt.Sprintf("rules: unknown subcommand %q (want list, show, validate, fields, atoms)", args[0])}
}

func showRule(io IO, r *rules.Rule) {
	w := io.Stdout
	fmt.Fprintf(w, "%s: %s\n", r.ID, r.Title)
	fmt.Fprintf(w, "  defined at: %s:%d\n", r.File, r.Line)
	fmt.Fprintf(w, "  severity:   %s\n  verdict:    %s\n  source:     %s\n", r.Severity, r.Supports, r.Source)
	if len(r.CVEs) > 0 {
		fmt.Fprintf(w, "  CVEs:       %s\n", strings.Join(r.CVEs, ", "))
	}
	fmt.Fprintf(w, "  why:        %s\n", r.Why)
	if r.Provenance != "" {
		fmt.Fprintf(w, "  provenance: %s\n", r.Provenance)
	}
	for _, ref := range r.References {
		fmt.Fprintf(w, "  reference:  %s\n", ref)
	}
	fmt.Fprintf(w, "  literals:   %q\n", r.Atoms(hunt.Schema()))
	fmt.Fprintf(w, "  condition:\n")
	for _, l := range strings.Split(strings.TrimRight(r.ConditionText(), "\n"), "\n") {
		fmt.Fprintf(w, "    %s\n", l)
	}
	fmt.Fprintf(w, "  samples: %d must match, %d must not\n", len(r.Match), len(r.NoMatch))
}
