package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/exsweep/exsweep/internal/catalog"
)

func runBuilds(args []string, io IO) (int, error) {
	if len(args) == 0 || args[0] != "lookup" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(io.Stdout, "usage: exsweep builds lookup [--format text|json] [--catalog FILE] BUILD")
			return ExitClean, nil
		}
		return ExitError, usageError{"builds: want lookup BUILD"}
	}
	fs := flag.NewFlagSet("builds lookup", flag.ContinueOnError)
	fs.SetOutput(io.Stderr)
	fs.Usage = func() {
		fmt.Fprintln(io.Stderr, "usage: exsweep builds lookup [--format text|json] [--catalog FILE] BUILD\n\n"+
			"BUILD is four parts (15.1.2176.9, from X-OWA-Version or the ECP manifest) or three parts\n"+
			"(15.2.858, the CU from the logon page's resource path).")
		fs.PrintDefaults()
	}
	format := fs.String("format", "text", "output: text or json")
	file := fs.String("catalog", "", "read this build catalog instead of the built-in one (same schema)")
	// Flags may come before or after the build.
	var pos []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return ExitError, err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(pos) != 1 {
		return ExitError, usageError{"builds lookup: want one build number, such as 15.1.2176.9 or 15.2.858"}
	}
	if *format != "text" && *format != "json" {
		return ExitError, usageError{fmt.Sprintf("--format %q: want text or json", *format)}
	}
	query := strings.TrimSpace(pos[0])
	cuOnly := strings.Count(query, ".") == 2
	var v catalog.Version
	var err error
	if cuOnly {
		v, err = catalog.ParseCU(query)
	} else {
		v, err = catalog.ParseBuild(query)
	}
	if err != nil {
		return ExitError, usageError{fmt.Sprintf("%v (want 15.1.2176.9 or, CU only, 15.2.858)", err)}
	}

	cat, err := loadCatalog(*file)
	if err != nil {
		return ExitError, err
	}
	var res *catalog.Result
	if cuOnly {
		res, err = cat.LookupCU(v)
	} else {
		res, err = cat.Lookup(v)
	}
	if err != nil {
		// A well-formed number that is no on-premises Exchange build: an answer, not an error.
		return ExitClean, writeNotJudged(io, *format, query, v, err)
	}
	if *format == "json" {
		enc := json.NewEncoder(io.Stdout)
		enc.SetIndent("", "  ")
		return ExitClean, enc.Encode(res)
	}
	writeLookup(io, res)
	return ExitClean, nil
}

func loadCatalog(file string) (*catalog.Catalog, error) {
	if file == "" {
		return catalog.Default()
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := catalog.Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return c, nil
}

func writeNotJudged(io IO, format, query string, v catalog.Version, err error) error {
	product := catalog.ProductOf(v)
	msg := fmt.Sprintf("%s is not a build of an Exchange Server version the catalog knows (%d.%d); no verdicts", query, v.Major, v.Minor)
	if errors.Is(err, catalog.ErrNotOnPremises) {
		msg = fmt.Sprintf("%s is Exchange Online (Microsoft 365), never an on-premises server: nothing to patch, no verdicts", query)
	}
	if format == "json" {
		enc := json.NewEncoder(io.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"query": query, "product": product, "on_premises": false, "error": msg})
	}
	fmt.Fprintln(io.Stdout, msg)
	return nil
}

func writeLookup(io IO, r *catalog.Result) {
	w := io.Stdout
	switch {
	case r.CUOnly && r.Known != nil:
		fmt.Fprintf(w, "%s is %s %s (only the CU is known, not its security update level).\n", r.Build, r.ProductName, r.CU)
	case r.CUOnly:
		fmt.Fprintf(w, "%s is %s, a CU the catalog does not list.\n", r.Build, r.ProductName)
	case r.Match == catalog.MatchExact:
		fmt.Fprintf(w, "%s is %s (released %s", r.Build, r.Known.Name, r.Known.Date)
		if r.Known.KB != "" {
			fmt.Fprintf(w, ", %s", r.Known.KB)
		}
		fmt.Fprintln(w, ").")
		if r.EvaluatedAs != "" {
			fmt.Fprintf(w, "It is another number for build %s; the verdicts below are for that build.\n", r.EvaluatedAs)
		}
	case r.Match == catalog.MatchNearestLower:
		fmt.Fprintf(w, "%s is %s", r.Build, r.ProductName)
		if r.CU != "" {
			fmt.Fprintf(w, " %s", r.CU)
		}
		fmt.Fprintf(w, ", a build the catalog does not list; the nearest lower known build is %s (%s, %s).\n", r.Known.Build, r.Known.Name, r.Known.Date)
	default:
		fmt.Fprintf(w, "%s is %s, older than every build the catalog lists.\n", r.Build, r.ProductName)
	}
	fmt.Fprintf(w, "Build catalog %s.\n\n", r.CatalogVersion)
	for _, f := range r.Families {
		status := strings.ToUpper(string(f.Status))
		if f.Reason != "" {
			status += " (" + f.Reason + ")"
		}
		fmt.Fprintf(w, "%s (%s): %s\n", f.Family, strings.Join(f.CVEs, ", "), status)
		fmt.Fprintf(w, "  why: %s\n", f.Why)
		if in := f.Install; in != nil {
			kb := ""
			if in.KB != "" {
				kb = ", " + in.KB
			}
			switch {
			case in.CUUpgradeFirst && in.Update == "":
				fmt.Fprintf(w, "  install: a CU upgrade to %s (build %s) or later\n", in.Name, in.Build)
			case in.CUUpgradeFirst:
				fmt.Fprintf(w, "  install: a CU upgrade first, to %s; then %s%s (build %s) or later\n", in.CU, in.Name, kb, in.Build)
			default:
				fmt.Fprintf(w, "  install: %s%s (build %s) or later\n", in.Name, kb, in.Build)
			}
		}
	}
	if r.Latest != nil {
		fmt.Fprintf(w, "\nNewest known build of %s: %s (%s, %s).\n", r.ProductName, r.Latest.Build, r.Latest.Name, r.Latest.Date)
	}
}
