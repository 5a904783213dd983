package remedy

import (
	"encoding/hex"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt/source/files"
)

// ActionKind says what happens to one file a hunt flagged.
type ActionKind string

const (
	// Quarantine: a backdoor or attacker file; exsweep clean moves it into the quarantine.
	Quarantine ActionKind = "quarantine"
	// RestoreOriginal: one of Exchange's own pages with attacker code in it. Deleting it would
	// break Outlook on the web; it must be replaced by the original (--force quarantines it).
	RestoreOriginal ActionKind = "restore-original"
	// RevertConfig: a configuration file (web.config) the intruder changed: edit it back.
	RevertConfig ActionKind = "revert-config"
	// Review: suspicious only (a staged archive, a dump of another process): look before acting.
	Review ActionKind = "review"
	// Leave: a trace that is evidence and harmless (a compiled-page trace of a removed page).
	Leave ActionKind = "leave"
)

// FileAction is what to do with one flagged file, and why.
type FileAction struct {
	Path string `json:"path"` // root-relative, slash-separated, as the hunt named it (escaped for display)
	// RawPath is the name on disk when it differs from Path (Path shows control, format and
	// invalid bytes escaped): what cleaning opens.
	RawPath string     `json:"raw_path,omitempty"`
	Kind    ActionKind `json:"kind"`
	Rules   []string   `json:"rules"`
	SHA256  string     `json:"sha256,omitempty"` // what the hunt read; clean refuses a file that changed since
	Size    int64      `json:"size,omitempty"`
	Place   string     `json:"place,omitempty"`
	Why     string     `json:"why"`
	Forced  bool       `json:"forced,omitempty"` // an Exchange page quarantined by --force
}

// placeRules are the rules that say a page should not exist at all where it is (a location or
// a name), as opposed to content rules that say what a page does. A page only content rules
// flag, in Exchange's own folders, is one of Exchange's pages with code added.
var placeRules = map[string]bool{
	"EXS-FILE-ASPNETCLIENT-PAGE":      true,
	"EXS-FILE-OWA-AUTH-UNKNOWN-PAGE":  true,
	"EXS-FILE-AUTH-LOOKALIKE-NAME":    true,
	"EXS-FILE-ECP-AUTH-UNKNOWN-PAGE":  true,
	"EXS-FILE-OAB-PAGE":               true,
	"EXS-FILE-PAGE-IN-BINARY-WRAPPER": true,
	"EXS-FILE-OAB-DUMP-SCRIPT":        true,
	"EXS-IOC-2021-03-SHELL-NAME-FILE": true,
	"EXS-IOC-2021-03-SHELL-HASH":      true,
}

// Files decides, per flagged file, what cleaning does with it. force turns RestoreOriginal into
// Quarantine (the owner has the original at hand, or prefers a broken page to a backdoor).
// Only findings of the file source count: a log row naming a page is not the page.
func Files(res *finding.HostResult, force bool) []FileAction {
	type agg struct {
		a       FileAction
		support finding.Support
		place   bool
		fields  map[string]string
	}
	by := map[string]*agg{}
	var order []string
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Source != "file" || f.Where.Path == "" {
			continue
		}
		// Keyed by the name on disk: two names can look alike once escaped.
		key := f.Where.Path + "\x00" + f.Fields["path_hex"]
		g := by[key]
		if g == nil {
			g = &agg{a: FileAction{Path: f.Where.Path}, fields: f.Fields}
			by[key] = g
			order = append(order, key)
		}
		if !contains(g.a.Rules, f.RuleID) {
			g.a.Rules = append(g.a.Rules, f.RuleID)
		}
		if rank(f.Supports) > rank(g.support) {
			g.support = f.Supports
		}
		if placeRules[f.RuleID] {
			g.place = true
		}
	}
	sort.Strings(order)
	out := make([]FileAction, 0, len(order))
	for _, key := range order {
		g := by[key]
		a := g.a
		p := a.Path
		sort.Strings(a.Rules)
		a.SHA256 = g.fields["sha256"]
		a.Size, _ = strconv.ParseInt(g.fields["size"], 10, 64)
		a.Place = g.fields["place"]
		if h := g.fields["path_hex"]; h != "" {
			if raw, err := hex.DecodeString(h); err == nil && len(raw) > 0 {
				a.RawPath = string(raw)
			}
		}
		switch {
		case g.support == finding.SupportsCompromised && contains(a.Rules, "EXS-FILE-LSASS-DUMP"):
			a.Kind, a.Why = Quarantine, "a memory dump of LSASS holds the credentials of everyone logged on to the server; moved out of reach into the quarantine, kept for investigators."
		case g.support == finding.SupportsCompromised && a.Place == "aspnet-temp":
			a.Kind, a.Why = Leave, "a compiled-page trace: evidence that the page ran. IIS does not serve it once the page is gone, and ASP.NET rebuilds this folder; keep it for investigators."
		case g.support == finding.SupportsCompromised && isConfig(p):
			a.Kind, a.Why = RevertConfig, "a configuration file changed so that IIS runs attacker files as code: remove the added handler or build provider (its line is in the evidence), or restore the file from a backup taken before the intrusion. Deleting it would take the site down."
		case g.support == finding.SupportsCompromised && !g.place && isPage(p) && exchangePage(res, p, a.Place):
			a.Kind, a.Why = RestoreOriginal, "a page in Exchange's own folders whose name is not suspect, with attacker code in it: most likely one of Exchange's pages with code added, and deleting it would break Outlook on the web or the admin center. Replace it with the original from the same build (see the steps), then hunt again. If a server of the same build has no page of this name, it is the intruders' own: quarantine it with --force."
			if force {
				a.Kind, a.Forced = Quarantine, true
				a.Why = "one of Exchange's own pages with code added, quarantined on request (--force): put the original back from the same build before users need the page."
			}
		case g.support == finding.SupportsCompromised:
			a.Kind, a.Why = Quarantine, "a web shell or attacker file: moved into the quarantine (kept, hashed, restorable), so that nobody can reach it any more."
		case g.support == finding.SupportsSuspicious:
			a.Kind, a.Why = Review, "suspicious, not proof (a staged archive, a dump, a mailbox export): look at it, and at who created it and when, before deciding."
		default:
			continue // info notes and probes name no file to act on
		}
		out = append(out, a)
	}
	return out
}

func rank(s finding.Support) int {
	switch s {
	case finding.SupportsCompromised:
		return 4
	case finding.SupportsAttempted:
		return 3
	case finding.SupportsProbed:
		return 2
	case finding.SupportsSuspicious:
		return 1
	}
	return 0
}

// isPage: only a file IIS runs as code (the file walk's own list of page extensions), or a
// script or static page served beside them, can be one of Exchange's pages with code added;
// anything else in Exchange's folders (a dump, an archive) is the intruders'.
func isPage(p string) bool {
	ext := strings.ToLower(path.Ext(p))
	return files.DefaultPageExts()[ext] || ext == ".js" || ext == ".htm" || ext == ".html"
}

func isConfig(p string) bool {
	ext := strings.ToLower(path.Ext(p))
	return ext == ".config"
}

// exchangePage reports whether p is a page of Exchange's own folders (owa\auth, ecp\auth,
// ClientAccess\ecp, anything else under an install), where legitimate pages live.
func exchangePage(res *finding.HostResult, p, place string) bool {
	switch place {
	case "owa-auth", "ecp-auth", "clientaccess-ecp":
		return true
	}
	lp := strings.ToLower(p)
	for _, in := range res.Installs {
		in = strings.ToLower(strings.TrimSuffix(in, "/"))
		if in != "" && strings.HasPrefix(lp, in+"/") {
			rest := strings.TrimPrefix(lp, in+"/")
			return strings.HasPrefix(rest, "frontend/") || strings.HasPrefix(rest, "clientaccess/")
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
