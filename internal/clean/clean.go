// Package clean carries out the file part of a remediation plan: it moves the backdoors a hunt
// found into the quarantine store, and leaves alone what must not be deleted (Exchange's own
// pages with code added, changed configuration, traces, suspicious-only files), saying why.
//
// It never deletes: a file leaves its place only through quarantine.Store, which keeps a
// verified copy and a manifest entry first. A dry run (the default) reads each file to check
// that it is still the one the hunt saw, and changes nothing.
package clean

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/quarantine"
	"github.com/exsweep/exsweep/internal/remedy"
)

// Options for one host.
type Options struct {
	Root  string            // the host root the hunt read (a mounted drive, a triage copy, C:\)
	Store *quarantine.Store // where files go; nil for a dry run
	Force bool              // quarantine Exchange pages with code added too
	Note  string            // operator note, recorded in every manifest entry
}

// Status of one file after Run.
type Status string

const (
	WouldQuarantine Status = "would-quarantine" // dry run: the file is there and unchanged
	Quarantined     Status = "quarantined"      // stored, verified, recorded, original removed
	Gone            Status = "gone"             // not there any more (removed by someone, or a previous run)
	Changed         Status = "changed"          // not the file the hunt saw: hunt again
	Refused         Status = "refused"          // a link or not a regular file: never followed
	Failed          Status = "failed"           // an error; the file is in place (the store's guarantee)
	Kept            Status = "kept"             // not to be removed: see the action's Why
)

// Outcome is what happened to one flagged file.
type Outcome struct {
	remedy.FileAction
	Status Status `json:"status"`
	ID     string `json:"quarantine_id,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// Run acts on every file the hunt flagged on one host, in order, and goes on after a failure:
// one locked file must not leave the other web shells in place.
func Run(ctx context.Context, res *finding.HostResult, opt Options) []Outcome {
	var out []Outcome
	for _, a := range remedy.Files(res, opt.Force) {
		o := Outcome{FileAction: a, Status: Kept}
		if a.Kind == remedy.Quarantine {
			if err := ctx.Err(); err != nil {
				o.Status, o.Detail = Failed, err.Error()
			} else if opt.Store == nil {
				o.Status, o.Detail = check(ctx, opt.Root, a)
			} else {
				o.Status, o.ID, o.Detail = apply(ctx, res, opt, a)
			}
		}
		out = append(out, o)
	}
	return out
}

// check is the dry run's look at one file, through the quarantine's own checks: there, a
// regular file reached without following a link, and unchanged.
func check(ctx context.Context, root string, a remedy.FileAction) (Status, string) {
	size, err := quarantine.Inspect(ctx, root, fsPath(a), a.SHA256)
	if err != nil {
		return classify(err)
	}
	if a.SHA256 == "" {
		return WouldQuarantine, fmt.Sprintf("%d bytes", size)
	}
	return WouldQuarantine, fmt.Sprintf("%d bytes, SHA-256 as the hunt saw it", size)
}

// fsPath is the name to open: the raw name when the displayed one is escaped.
func fsPath(a remedy.FileAction) string {
	if a.RawPath != "" {
		return a.RawPath
	}
	return a.Path
}

// classify turns an error about the original into a status.
func classify(err error) (Status, string) {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Gone, "not there any more"
	case errors.Is(err, quarantine.ErrChanged):
		return Changed, err.Error() + ": hunt again before cleaning"
	case errors.Is(err, quarantine.ErrNotRegular), errors.Is(err, quarantine.ErrUnsafePath), errors.Is(err, quarantine.ErrBusy), errors.Is(err, quarantine.ErrStreams):
		return Refused, err.Error()
	}
	return Failed, err.Error() + " (the file is still in place)"
}

func apply(ctx context.Context, res *finding.HostResult, opt Options, a remedy.FileAction) (Status, string, string) {
	note := opt.Note
	if a.Forced {
		note = strings.TrimSpace(note + " (Exchange page with code added, quarantined with --force)")
	}
	r, err := opt.Store.Quarantine(ctx, quarantine.Request{
		Root: opt.Root, Path: fsPath(a), Host: res.Host, Findings: a.Rules, Note: note, SHA256: a.SHA256,
	})
	switch {
	case err == nil && r.Outcome == quarantine.OutcomeAlready:
		return Gone, r.Entry.ID, "quarantined by an earlier run"
	case err == nil && r.Outcome == quarantine.OutcomeCompleted:
		return Quarantined, r.Entry.ID, "stored by an interrupted earlier run, removed now; object " + r.Entry.Object
	case err == nil:
		return Quarantined, r.Entry.ID, "stored as " + r.Entry.Object
	}
	// "Not found" may be about the store's own folders: the file is gone only if a fresh look
	// at the original says so.
	if errors.Is(err, fs.ErrNotExist) {
		if _, ierr := quarantine.Inspect(ctx, opt.Root, fsPath(a), ""); !errors.Is(ierr, fs.ErrNotExist) {
			return Failed, "", err.Error() + " (the file is still in place)"
		}
	}
	st, detail := classify(err)
	return st, "", detail
}

// DefaultStore is where the quarantine goes when none is named: beside the root (a mounted
// drive's own folder, never inside it), or, when the root is a volume's top (the live C:\), a
// folder at its top, which is no web folder.
func DefaultStore(root string) (string, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	parent := filepath.Dir(abs)
	if parent == abs { // C:\ or /
		return filepath.Join(abs, "exsweep-quarantine"), nil
	}
	return filepath.Join(parent, filepath.Base(abs)+".exsweep-quarantine"), nil
}

// CheckStore refuses a quarantine folder where stored files could be served or would be
// taken for Exchange's: in any web folder or Exchange install of the host, or around the root.
func CheckStore(store, root string, res *finding.HostResult) error {
	s, err := resolved(store)
	if err != nil {
		return err
	}
	r, err := resolved(root)
	if err != nil {
		return err
	}
	if within(s, r) {
		return fmt.Errorf("quarantine %s holds the root %s: choose a folder beside it", s, r)
	}
	if !within(r, s) {
		return nil // outside the host's tree: nothing there is served by its IIS
	}
	rel, err := filepath.Rel(r, s)
	if err != nil {
		return err
	}
	relSlash := strings.ToLower(filepath.ToSlash(rel))
	for _, seg := range strings.Split(relSlash, "/") {
		if seg == "inetpub" || seg == "wwwroot" || seg == "aspnet_client" || seg == "temporary asp.net files" {
			return fmt.Errorf("quarantine %s is inside a web folder (%s): IIS could serve what is stored; choose a folder outside inetpub", s, rel)
		}
	}
	for _, web := range res.WebFolders {
		if web = strings.ToLower(web); web != "" && (relSlash == web || strings.HasPrefix(relSlash, web+"/")) {
			return fmt.Errorf("quarantine %s is inside %s, a folder IIS serves: choose a folder outside it", s, web)
		}
	}
	for _, in := range res.Installs {
		if in = strings.ToLower(in); in != "" && (relSlash == in || strings.HasPrefix(relSlash, in+"/")) {
			return fmt.Errorf("quarantine %s is inside the Exchange install %s: choose a folder outside it", s, in)
		}
	}
	return nil
}

// resolved is p made absolute with the links of its existing part resolved (the store may not
// exist yet): a store named through a link into a web folder is where the link leads.
func resolved(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for cur := abs; ; {
		if real, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(real, rest), nil
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

// within reports whether p is dir or inside it.
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
