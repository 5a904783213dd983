package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/exsweep/exsweep/internal/quarantine"
)

const quarantineUsage = `usage:
  exsweep quarantine list       --quarantine DIR [--format text|json]
  exsweep quarantine show ID    --quarantine DIR
  exsweep quarantine verify     --quarantine DIR
  exsweep quarantine restore ID --quarantine DIR [--to PATH]
`

func runQuarantine(ctx context.Context, args []string, io IO) (int, error) {
	if len(args) == 0 {
		fmt.Fprint(io.Stderr, quarantineUsage)
		return ExitError, usageError{"want list, show, verify or restore"}
	}
	verb := args[0]
	fs := flag.NewFlagSet("quarantine "+verb, flag.ContinueOnError)
	fs.SetOutput(io.Stderr)
	var dir, to, format string
	fs.StringVar(&dir, "quarantine", "", "the quarantine folder (required)")
	fs.StringVar(&to, "to", "", "restore: write the file here instead of its original place")
	fs.StringVar(&format, "format", "text", "output: text or json")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return ExitError, err
	}
	if dir == "" {
		return ExitError, usageError{"--quarantine DIR is required"}
	}
	if format != "text" && format != "json" {
		return ExitError, usageError{"--format: want text or json"}
	}
	wantArgs := map[string]int{"list": 0, "verify": 0, "show": 1, "restore": 1}
	n, ok := wantArgs[verb]
	if !ok {
		fmt.Fprint(io.Stderr, quarantineUsage)
		return ExitError, usageError{fmt.Sprintf("unknown quarantine command %q", verb)}
	}
	if len(pos) != n {
		return ExitError, usageError{fmt.Sprintf("quarantine %s takes %d argument(s), got %d", verb, n, len(pos))}
	}
	if to != "" && verb != "restore" {
		return ExitError, usageError{"--to goes with restore"}
	}
	out := func(v any, text func()) error {
		if format == "json" {
			enc := json.NewEncoder(io.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(v)
		}
		text()
		return nil
	}
	if verb == "verify" {
		// Read-only and without the lock: a store Open refuses (a tampered manifest) must
		// still be checked line by line.
		rep, err := quarantine.VerifyDir(ctx, dir)
		if err != nil {
			return ExitError, err
		}
		if err := out(rep, func() { printVerify(io, dir, rep) }); err != nil {
			return ExitError, err
		}
		if !rep.OK() {
			return ExitFindings, nil
		}
		return ExitClean, nil
	}
	// Only clean creates a store: a mistyped folder must not look like an empty quarantine.
	if _, err := os.Stat(filepath.Join(dir, "manifest.jsonl")); err != nil {
		return ExitError, fmt.Errorf("%s is no quarantine folder (no manifest.jsonl): %w", dir, err)
	}
	q, err := quarantine.Open(dir, quarantine.Options{Tool: "exsweep " + Version})
	if err != nil {
		return ExitError, err
	}
	defer q.Close()
	switch verb {
	case "list":
		items := q.Items()
		return ExitClean, out(items, func() {
			if len(items) == 0 {
				fmt.Fprintln(io.Stdout, "the quarantine is empty")
			}
			for _, it := range items {
				fmt.Fprintf(io.Stdout, "%s  %-11s %s  %10d  %s\n", it.Entry.ID, it.Status, it.Entry.Time.UTC().Format("2006-01-02 15:04"), it.Entry.Size, safeText(it.Entry.Path))
			}
		})
	case "show":
		it, err := q.Item(pos[0])
		if err != nil {
			return ExitError, err
		}
		return ExitClean, out(it, func() { printItem(io, it) })
	case "restore":
		e, err := q.Restore(ctx, pos[0], to)
		if err != nil {
			return ExitError, err
		}
		return ExitClean, out(e, func() {
			fmt.Fprintf(io.Stdout, "restored %s to %s (SHA-256 %s, times put back)\n", e.ID, safeText(e.Path), e.SHA256)
		})
	}
	return ExitError, nil
}

// parseInterspersed parses flags that may come before or after the positional arguments
// ("restore ID --to X" and "restore --to X ID" both work).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func printVerify(io IO, dir string, rep quarantine.VerifyReport) {
	w := io.Stdout
	fmt.Fprintf(w, "quarantine %s: %d manifest entries, %d files, %d stored objects re-read and hashed\n", safeText(dir), rep.Entries, rep.Items, rep.Objects)
	if rep.Torn > 0 {
		fmt.Fprintf(w, "manifest line %d is torn (an interrupted write; its file was never removed): dropped at the next open\n", rep.Torn)
	}
	for _, o := range rep.Orphans {
		if strings.Contains(o, ".damaged-") {
			fmt.Fprintf(w, "DAMAGED object set aside (it no longer matched its content and was replaced by a fresh copy): %s: find out why (disk, antivirus, tampering)\n", safeText(o))
			continue
		}
		fmt.Fprintf(w, "orphan object (stored by an interrupted run, no entry; harmless): %s\n", safeText(o))
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "PROBLEM %s\n", safeText(p.String()))
	}
	if rep.OK() {
		fmt.Fprintln(w, "OK: the manifest's chain is intact and every stored file is exactly what was recorded")
	} else {
		fmt.Fprintf(w, "DAMAGED: %d problem(s)\n", len(rep.Problems))
	}
	fmt.Fprintf(w, "head of the chain: %s (write it down: a manifest cut short later would end elsewhere)\n", rep.Head)
}

// printItem shows one quarantined file: what it was, where it is stored, and its history.
func printItem(io IO, it quarantine.Item) {
	w := io.Stdout
	e := it.Entry
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-12s %s\n", k+":", safeText(v))
		}
	}
	stamp := func(s quarantine.Stamp) string {
		if s.IsZero() {
			return ""
		}
		return s.UTC().Format("2006-01-02 15:04:05.000000000 UTC")
	}
	row("id", e.ID)
	row("status", string(it.Status))
	row("host", e.Host)
	row("root", e.Root)
	row("path", e.Path)
	row("size", fmt.Sprintf("%d bytes", e.Size))
	row("mode", e.Mode)
	row("modified", stamp(e.Modified))
	row("accessed", stamp(e.Accessed))
	row("created", stamp(e.Created))
	owner := e.Owner.User
	if e.Owner.UID != "" {
		owner = fmt.Sprintf("%s (uid %s), group %s (gid %s)", e.Owner.User, e.Owner.UID, e.Owner.Group, e.Owner.GID)
	}
	if e.Owner.SID != "" {
		owner = fmt.Sprintf("%s (%s)", e.Owner.User, e.Owner.SID)
	}
	row("owner", owner)
	row("acl", e.Owner.SDDL)
	row("attributes", strings.Join(e.Attributes, ", "))
	row("sha256", e.SHA256)
	row("sha1", e.SHA1)
	row("md5", e.MD5)
	row("object", e.Object)
	row("findings", strings.Join(e.Findings, ", "))
	row("note", e.Note)
	row("tool", e.Tool)
	fmt.Fprintln(w, "history:")
	for _, h := range it.History {
		where := h.Path
		if h.Kind == "restored" {
			where = h.Root + "/" + h.Path
		}
		fmt.Fprintf(w, "  %s  line %-5d %-11s %s\n", h.Time.UTC().Format("2006-01-02 15:04:05 UTC"), h.Line, h.Kind, safeText(where))
	}
}
