// Package cli is exsweep's command line: it parses flags, wires the packages together and decides
// how results look. It holds no detection logic. Run is the whole program, so tests call it
// in-process with arguments and buffers, exactly as main does with the real ones.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// Version of exsweep.
const Version = "0.1.0"

// Exit codes: a documented contract (docs/exit-codes.md). Scripts and RMM tools act on them.
const (
	ExitClean           = 0 // verdict CLEAN, every input read
	ExitFindings        = 1 // verdict PROBED, ATTEMPTED or COMPROMISED, every input read
	ExitError           = 2 // usage error or fatal error: no verdict
	ExitPartialClean    = 3 // verdict CLEAN but some input could not be read: not a clean bill
	ExitPartialFindings = 4 // findings, and some input could not be read
)

// IO is where a command reads and writes.
type IO struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Getenv reads the environment (tests pass their own).
	Getenv func(string) string
}

const usage = `exsweep: find, judge and clean up after attacks on Microsoft Exchange servers.

Usage:
  exsweep hunt --root DIR [flags]     read a server's logs (image, triage copy or live C:\) for traces of attack
  exsweep clean --from REPORT.json    dry run: what cleaning would quarantine, and the plan (patch, mitigate, reset)
  exsweep clean --root DIR --apply    hunt, then move the backdoors into a verified quarantine (never deletes)
  exsweep quarantine list|show|verify|restore --quarantine DIR   the quarantine's contents, checks and restores
  exsweep report REPORT.json [--html FILE]   the report and the plan as Markdown, or one self-contained HTML page
  exsweep rules list                  list the detection rules
  exsweep rules show ID               show one rule, its condition, samples and literals
  exsweep rules validate DIR|FILE     check your own rules (syntax, fields, samples)
  exsweep rules fields                the fields each source offers to rules
  exsweep rules atoms [--source KIND] print the literal strings the rules pre-select rows with
  exsweep scan TARGET... [flags]      find Exchange servers on the network, their build and the fixes they lack
  exsweep lab [flags]                 serve an emulated fleet of Exchange servers on loopback (tests, demos, training)
  exsweep builds lookup BUILD         what an Exchange build is and which fixes it lacks
  exsweep version                     print the version of exsweep and of its rule pack

Exit codes: 0 clean, 1 findings, 2 error, 3 clean but partial, 4 findings and partial.
Run "exsweep COMMAND -h" for a command's flags.
`

// Run runs exsweep with args (without the program name) and returns the exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return RunIO(ctx, args, IO{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: os.Getenv})
}

// RunIO is Run with an explicit environment.
func RunIO(ctx context.Context, args []string, io IO) int {
	if io.Getenv == nil {
		io.Getenv = func(string) string { return "" }
	}
	if len(args) == 0 {
		fmt.Fprint(io.Stderr, usage)
		return ExitError
	}
	var err error
	code := ExitClean
	switch args[0] {
	case "hunt":
		code, err = runHunt(ctx, args[1:], io)
	case "rules":
		code, err = runRules(args[1:], io)
	case "builds":
		code, err = runBuilds(args[1:], io)
	case "clean":
		code, err = runClean(ctx, args[1:], io)
	case "quarantine":
		code, err = runQuarantine(ctx, args[1:], io)
	case "report":
		code, err = runReport(args[1:], io)
	case "scan":
		code, err = runScan(ctx, args[1:], io)
	case "lab":
		code, err = runLab(ctx, args[1:], io)
	case "version", "--version":
		fmt.Fprintf(io.Stdout, "exsweep %s\n", Version)
		if p, perr := loadPack(nil); perr == nil {
			fmt.Fprintf(io.Stdout, "rule pack %s (schema %d, %d rules)\n", p.Version, p.Schema, len(p.Rules))
		}
		return ExitClean
	case "help", "-h", "--help":
		fmt.Fprint(io.Stdout, usage)
		return ExitClean
	default:
		fmt.Fprintf(io.Stderr, "exsweep: unknown command %q\n\n%s", args[0], usage)
		return ExitError
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitClean
		}
		// Errors may quote attacker-named paths: escaped like every other output.
		fmt.Fprintf(io.Stderr, "exsweep %s: %s\n", args[0], safeText(err.Error()))
		return ExitError
	}
	return code
}

// isTerminal reports whether w is a terminal (colour, progress bars and the default table format
// depend on it).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// usageError marks errors the user can fix by changing the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }
