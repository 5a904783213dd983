package hunt

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt/source"
	"github.com/exsweep/exsweep/internal/hunt/source/httpproxy"
	"github.com/exsweep/exsweep/internal/logscan"
)

// FirstExploitation is the first known exploitation of ProxyLogon (6 January 2021): logs that do
// not reach back to it cannot clear a server of that wave.
var firstExploitation = time.Date(2021, 1, 6, 0, 0, 0, 0, time.UTC)

// gapThreshold is the shortest stretch without any log file worth reporting. Exchange's own
// health probes write to these logs every few minutes, so a day of silence means missing logs.
const gapThreshold = 24 * time.Hour

// incidentWindow is how far apart two findings of one client may be and still be one incident.
const incidentWindow = 24 * time.Hour

// attachWindow is how close in time a finding without a usable client address must be to an
// incident to join it (a virtual directory reset minutes after the SetObject request).
const attachWindow = 2 * time.Hour

func windows(jobs []job, res []logscan.Result, perSource map[string][]source.File, opt Options, warnings []string) ([]finding.Window, []string) {
	type interval struct{ a, b time.Time }
	byKind := map[string][]interval{}
	out := map[string]*finding.Window{}
	var order []string
	for _, src := range Sources() {
		k := src.Kind()
		order = append(order, k)
		out[k] = &finding.Window{Source: k, Files: len(perSource[k])}
	}
	for i, j := range jobs {
		w := out[j.src.Kind()]
		w.Bytes += res[i].Bytes
		r := res[i]
		if r.First.IsZero() {
			continue
		}
		byKind[j.src.Kind()] = append(byKind[j.src.Kind()], interval{r.First, r.Last})
	}
	var list []finding.Window
	var late []string // sources whose logs start after the first known exploitation
	for _, k := range order {
		w := out[k]
		ivs := byKind[k]
		sort.Slice(ivs, func(i, j int) bool { return ivs[i].a.Before(ivs[j].a) })
		for i, iv := range ivs {
			if i == 0 {
				w.First, w.Last = iv.a, iv.b
				continue
			}
			if iv.a.Sub(w.Last) > gapThreshold {
				w.Gaps = append(w.Gaps, finding.Gap{From: w.Last, To: iv.a})
			}
			if iv.b.After(w.Last) {
				w.Last = iv.b
			}
		}
		if !w.First.IsZero() {
			w.Days = w.Last.Sub(w.First).Hours() / 24
		}
		list = append(list, *w)
		switch {
		case w.Files == 0:
			warnings = append(warnings, fmt.Sprintf("%s: no log files found, so nothing this source would show can be ruled out", k))
		case w.First.IsZero():
			warnings = append(warnings, fmt.Sprintf("%s: %d files but no dated row: the window is unknown", k, w.Files))
		default:
			ws, l := windowWarnings(w, opt)
			warnings = append(warnings, ws...)
			if l != "" {
				late = append(late, l)
			}
		}
	}
	warnings = append(warnings, groupWarnings(jobs, res)...)
	if len(late) > 0 {
		warnings = append(warnings, fmt.Sprintf("the logs start after the first known ProxyLogon exploitation (6 January 2021): %s; anything before is invisible to this hunt", strings.Join(late, ", ")))
	}
	return list, warnings
}

// windowWarnings says what a dated window lacks: the time asked for with --since/--until, and
// the gaps in it. late names the window when it starts after the first known exploitation.
func windowWarnings(w *finding.Window, opt Options) (warnings []string, late string) {
	k := w.Source
	if w.First.After(firstExploitation) && opt.Since.IsZero() {
		late = fmt.Sprintf("%s %s", k, w.First.Format("2006-01-02"))
	}
	if !opt.Since.IsZero() && w.Last.Before(opt.Since) || !opt.Until.IsZero() && w.First.After(opt.Until) {
		return append(warnings, fmt.Sprintf("%s: logs cover %s to %s, none of the window asked for with --since/--until", k, w.First.Format("2006-01-02 15:04"), w.Last.Format("2006-01-02 15:04"))), late
	}
	if !opt.Since.IsZero() && w.First.After(opt.Since) {
		warnings = append(warnings, fmt.Sprintf("%s: logs start %s, after --since %s", k, w.First.Format("2006-01-02 15:04"), opt.Since.Format("2006-01-02 15:04")))
	}
	if !opt.Until.IsZero() && w.Last.Before(opt.Until) {
		warnings = append(warnings, fmt.Sprintf("%s: logs end %s, before --until %s", k, w.Last.Format("2006-01-02 15:04"), opt.Until.Format("2006-01-02 15:04")))
	}
	for _, g := range w.Gaps {
		warnings = append(warnings, fmt.Sprintf("%s: no logs from %s to %s (%.1f days)", k, g.From.Format("2006-01-02 15:04"), g.To.Format("2006-01-02 15:04"), g.To.Sub(g.From).Hours()/24))
	}
	return warnings, late
}

// eventWindowWarnings are windowWarnings for the event logs' windows, the late ones in one line.
func eventWindowWarnings(ws []finding.Window, opt Options) []string {
	var out, late []string
	for i := range ws {
		w, l := windowWarnings(&ws[i], opt)
		out = append(out, w...)
		if l != "" {
			late = append(late, l)
		}
	}
	if len(late) > 0 {
		out = append(out, fmt.Sprintf("the event logs start after the first known ProxyLogon exploitation (6 January 2021): %s; Windows keeps a few days to weeks of most logs", strings.Join(late, ", ")))
	}
	return out
}

// groupWarnings looks at each folder of a source on its own (HttpProxy protocol folders, IIS
// sites): logs deleted from one folder, Ecp above all, where ProxyLogon shows first, would
// otherwise hide behind the other folders' coverage.
func groupWarnings(jobs []job, res []logscan.Result) []string {
	type key struct{ kind, install, group string }
	type cover struct{ first, last time.Time }
	groups := map[key]*cover{}
	kinds := map[string]*cover{}
	installsWithProxy := map[string]bool{}
	hasEcp := map[string]bool{}
	for i, j := range jobs {
		inst := ""
		if j.file.Install != nil {
			inst = j.file.Install.Dir
		}
		if j.src.Kind() == httpproxy.Kind {
			installsWithProxy[inst] = true
			if strings.EqualFold(j.file.Group, "Ecp") {
				hasEcp[inst] = true
			}
		}
		r := res[i]
		if r.First.IsZero() {
			continue
		}
		k := key{j.src.Kind(), inst, j.file.Group}
		for _, c := range []*cover{groups[k], kinds[k.kind]} {
			if c != nil {
				c.first, c.last = minTime(c.first, r.First), maxTime(c.last, r.Last)
			}
		}
		if groups[k] == nil {
			groups[k] = &cover{r.First, r.Last}
		}
		if kinds[k.kind] == nil {
			kinds[k.kind] = &cover{r.First, r.Last}
		}
	}
	var out []string
	for inst := range installsWithProxy {
		if !hasEcp[inst] {
			out = append(out, "httpproxy: no Ecp protocol folder logs, where ProxyLogon shows first: were they deleted?")
		}
	}
	var keys []key
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
	for _, k := range keys {
		g, all := groups[k], kinds[k.kind]
		if all.last.Sub(g.last) > 2*gapThreshold || g.first.Sub(all.first) > 2*gapThreshold {
			out = append(out, fmt.Sprintf("%s %s: logs cover only %s to %s while the source's other folders cover %s to %s: files may be missing there",
				k.kind, k.group, g.first.Format("2006-01-02"), g.last.Format("2006-01-02"), all.first.Format("2006-01-02"), all.last.Format("2006-01-02")))
		}
	}
	return out
}

// usableClient reports whether an address identifies an outside client. Loopback and unspecified
// addresses are the server talking to itself (front end to back end), not an attacker.
func usableClient(ip string) bool {
	a, err := netip.ParseAddr(strings.Trim(ip, "[]"))
	if err != nil {
		return ip != ""
	}
	a = a.Unmap()
	return !a.IsLoopback() && !a.IsUnspecified()
}

// buildIncidents groups findings: one client within incidentWindow makes one incident; findings
// without a usable client join the incident nearest in time within attachWindow, or stand alone.
// It sets Finding.Incident.
func buildIncidents(fs []finding.Finding, spans map[string]*span) []finding.Incident {
	type group struct {
		client  string // normalised client address; "" for a group of loose findings
		members []int
		first   time.Time // the incident's span, shown
		last    time.Time
		// near is the span other findings attach to by time: a finding joined by page name
		// (a shell created days before its use) widens the incident, not the stretch of time
		// whose clientless findings belong to it.
		nearFirst, nearLast time.Time
	}
	var groups []*group
	open := map[string]*group{} // client -> its latest group
	var loose []int
	for i := range fs {
		f := &fs[i]
		if !usableClient(f.ClientIP) {
			loose = append(loose, i)
			continue
		}
		k := clientKey(f.ClientIP)
		g := open[k]
		if g == nil || f.Time.Sub(g.last) > incidentWindow {
			g = &group{client: k, first: f.Time, last: f.Time, nearFirst: f.Time, nearLast: f.Time}
			groups = append(groups, g)
			open[k] = g
		}
		g.members = append(g.members, i)
		g.last = maxTime(g.last, f.Time)
		g.nearLast = g.last
	}
	// A finding without a usable client (the back end's own log of a forged request, an OAB
	// write) belongs to the attack it is part of: the incident with an attempt or a compromise
	// whose time span is closest, within attachWindow (inside the span counts as 0). Probe-only and suspicious-only
	// incidents (a scanner, a script) never absorb it.
	var anchors []*group
	for _, g := range groups {
		for _, m := range g.members {
			if fs[m].Supports.Verdict() >= finding.Attempted {
				anchors = append(anchors, g)
				break
			}
		}
	}
	// Page names tie findings that have no client to the attack that used the page, even days
	// apart: a shell's file on disk, its Sysmon creation event or the cmdlet that wrote it, and
	// the requests that ran it.
	byPage := map[string][]*group{}
	notePages := func(g *group, f *finding.Finding) {
		// Only evidence that the page exists or ran ties findings to an incident: a scanner's
		// 404 for a well-known shell name must not collect the shell's real creation.
		if f.Supports != finding.SupportsCompromised {
			return
		}
		for _, p := range pageNames(f.Target) {
			if !slices.Contains(byPage[p], g) {
				byPage[p] = append(byPage[p], g)
			}
		}
	}
	for _, a := range anchors {
		for _, m := range a.members {
			notePages(a, &fs[m])
		}
	}
	var lonely []*group
	for _, i := range loose {
		f := &fs[i]
		var best *group
		var bestD time.Duration
		for _, p := range pageNames(f.Target) {
			for _, g := range byPage[p] {
				d := distance(f.Time, g.nearFirst, g.nearLast)
				if d <= pageWindow && (best == nil || d < bestD) {
					best, bestD = g, d
				}
			}
		}
		byName := best != nil
		for _, a := range anchors {
			if byName {
				break
			}
			d := distance(f.Time, a.nearFirst, a.nearLast) // inside the attack's span: 0
			if d <= attachWindow && (best == nil || d < bestD) {
				best, bestD = a, d
			}
		}
		if best == nil {
			// Loose findings near each other (an ECP set and its reset) share one incident.
			for _, g := range lonely {
				if distance(f.Time, g.nearFirst, g.nearLast) <= attachWindow {
					best = g
					break
				}
			}
		}
		if best == nil {
			best = &group{first: f.Time, last: f.Time, nearFirst: f.Time, nearLast: f.Time}
			groups = append(groups, best)
			lonely = append(lonely, best)
		}
		best.members = append(best.members, i)
		best.first = minTime(best.first, f.Time)
		best.last = maxTime(best.last, f.Time)
		if !byName {
			best.nearFirst = minTime(best.nearFirst, f.Time)
			best.nearLast = maxTime(best.nearLast, f.Time)
		}
		notePages(best, f)
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].first.Before(groups[j].first) })
	out := make([]finding.Incident, 0, len(groups))
	for gi, g := range groups {
		inc := finding.Incident{ID: gi + 1, FirstSeen: g.first, LastSeen: g.last}
		seen := map[string]bool{}
		addOnce := func(list *[]string, kind, v string) {
			if v != "" && !seen[kind+v] {
				seen[kind+v] = true
				*list = append(*list, v)
			}
		}
		var worst *finding.Finding
		for _, m := range g.members {
			f := &fs[m]
			f.Incident = inc.ID
			inc.Findings++
			if v := f.Supports.Verdict(); v > inc.Verdict {
				inc.Verdict = v
			}
			if f.Severity > inc.Severity {
				inc.Severity = f.Severity
			}
			if worst == nil || f.Supports.Verdict() > worst.Supports.Verdict() || f.Supports.Verdict() == worst.Supports.Verdict() && f.Severity > worst.Severity {
				worst = f
			}
			if usableClient(f.ClientIP) {
				addOnce(&inc.ClientIPs, "ip", f.ClientIP)
			}
			if len(inc.UserAgents) < 10 {
				addOnce(&inc.UserAgents, "ua", f.UserAgent)
			}
			addOnce(&inc.Rules, "rule", f.RuleID)
			for _, c := range f.CVEs {
				addOnce(&inc.CVEs, "cve", c)
			}
			if len(inc.Evidence) < 50 {
				addOnce(&inc.Evidence, "at", f.Where.String())
			}
			// Rows beyond the evidence cap still widen the incident's span.
			if sp := spans[f.RuleID+"|"+clientKey(f.ClientIP)]; sp != nil && g.client != "" {
				if !sp.last.IsZero() && sp.last.After(inc.LastSeen) && sp.last.Sub(inc.LastSeen) <= incidentWindow {
					inc.LastSeen = sp.last
				}
				if !sp.first.IsZero() && sp.first.Before(inc.FirstSeen) && inc.FirstSeen.Sub(sp.first) <= incidentWindow {
					inc.FirstSeen = sp.first
				}
			}
		}
		sort.Strings(inc.Rules)
		sort.Strings(inc.CVEs)
		if inc.ClientIPs == nil {
			inc.ClientIPs = []string{}
		}
		inc.Summary = summary(&inc, worst)
		out = append(out, inc)
	}
	return out
}

// pageWindow is how far apart in time two findings naming the same page may be and still be
// one incident: a shell is often planted days before it is used.
const pageWindow = 30 * 24 * time.Hour

// commonPages are page names every Exchange server serves: naming one ties nothing together.
var commonPages = []string{"logon.aspx", "errorfe.aspx", "default.aspx", "logoff.aspx", "signout.aspx", "expiredpassword.aspx",
	"timeoutlogout.aspx", "outlookcn.aspx", "frowny.aspx", "redirsuiteserviceproxy.aspx", "owa.aspx", "index.aspx",
	"proxylogon.ecp", "autodiscover.xml", "autodiscover.json", "exchange.asmx", "services.wsdl", "oab.xml", "web.config"}

// pageNames returns the lower-case names of pages (.aspx, .ashx, .asmx, .asp) a finding's
// target names: a URL, a file path, a command line. Names every server has are left out.
func pageNames(target string) []string {
	var out []string
	for _, tok := range strings.FieldsFunc(target, func(r rune) bool {
		return r == ' ' || r == '/' || r == '\\' || r == '"' || r == '\'' || r == '?' || r == '&' || r == '=' || r == ',' || r == ';'
	}) {
		low := strings.ToLower(tok)
		dot := strings.LastIndexByte(low, '.')
		if dot <= 0 {
			continue
		}
		switch low[dot:] {
		case ".aspx", ".ashx", ".asmx", ".asp":
		default:
			continue
		}
		if !slices.Contains(commonPages, low) && !slices.Contains(out, low) {
			out = append(out, low)
		}
	}
	return out
}

func summary(inc *finding.Incident, worst *finding.Finding) string {
	who := "an unknown client"
	if len(inc.ClientIPs) > 0 {
		who = strings.Join(inc.ClientIPs, ", ")
	}
	s := fmt.Sprintf("%s (%s)", worst.Title, worst.RuleID)
	if n := len(inc.Rules); n > 1 {
		s += fmt.Sprintf(" and %d more rule(s)", n-1)
	}
	return fmt.Sprintf("%s; %d row(s) from %s", s, inc.Findings, who)
}

func distance(t, a, b time.Time) time.Duration {
	switch {
	case t.Before(a):
		return a.Sub(t)
	case t.After(b):
		return t.Sub(b)
	}
	return 0
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// verdict is the host verdict and its reason in one sentence.
func verdict(r *finding.HostResult) (finding.Verdict, string) {
	v := finding.Clean
	var worst *finding.Incident
	for i := range r.Incidents {
		inc := &r.Incidents[i]
		if worst == nil || inc.Verdict > worst.Verdict || inc.Verdict == worst.Verdict && inc.Severity > worst.Severity {
			worst = inc
		}
	}
	if worst != nil {
		v = worst.Verdict
	}
	cover := coverage(r.Windows, r.Since, r.Until)
	if v == finding.Clean {
		suspicious := 0
		for _, f := range r.Findings {
			// Info findings are notes for the timeline (a page compiled, a service installed),
			// not items to look at.
			if f.Supports == finding.SupportsSuspicious && f.Severity > finding.Info {
				suspicious++
			}
		}
		s := "no trace of exploitation"
		if n := r.Stats.FilesExamined; n > 0 {
			s = fmt.Sprintf("no web shell or attacker file among %d files on disk, and no trace of exploitation", n)
		}
		if cover == "" {
			s += ", but no log could be read: this is not a clean bill of health"
			if suspicious > 0 {
				s += fmt.Sprintf("; %d suspicious item(s) to look at", suspicious)
			}
			return v, s
		}
		s += " " + cover
		if suspicious > 0 {
			s += fmt.Sprintf("; %d suspicious item(s) to look at", suspicious)
		}
		return v, s
	}
	n := 0
	for _, inc := range r.Incidents {
		if inc.Verdict == v {
			n++
		}
	}
	what := map[finding.Verdict]string{
		finding.Compromised: "evidence of a successful intrusion",
		finding.Attempted:   "exploitation attempts without evidence of success",
		finding.Probed:      "only vulnerability probes",
	}[v]
	return v, fmt.Sprintf("%s in %d incident(s). Gravest, first seen %s: %s", what, n, worst.FirstSeen.UTC().Format("2006-01-02 15:04 UTC"), worst.Summary)
}

// coverage describes in words the time the logs cover, cut to the requested window; "" when no
// source had a dated row, and a warning sentence when none of the window is covered.
func coverage(ws []finding.Window, since, until time.Time) string {
	// The Exchange and IIS logs are what can show exploitation: a years-old Application log
	// does not make a week of web logs cover years. Event logs count only when no web or
	// Exchange log is dated.
	logs := false
	for _, w := range ws {
		logs = logs || !w.First.IsZero() && !strings.HasPrefix(w.Source, eventWindowPrefix)
	}
	var first, last time.Time
	for _, w := range ws {
		if w.First.IsZero() || logs && strings.HasPrefix(w.Source, eventWindowPrefix) {
			continue
		}
		if first.IsZero() || w.First.Before(first) {
			first = w.First
		}
		if w.Last.After(last) {
			last = w.Last
		}
	}
	if first.IsZero() {
		return ""
	}
	if !since.IsZero() && since.After(first) {
		first = since
	}
	if !until.IsZero() && until.Before(last) {
		last = until
	}
	if last.Before(first) {
		return "because the logs cover none of the requested window: this is not a clean bill of health"
	}
	return fmt.Sprintf("within the %.1f days the logs cover (%s to %s)", last.Sub(first).Hours()/24, first.Format("2006-01-02"), last.Format("2006-01-02"))
}

// informational problems do not make a result partial: the rows were all read.
func partial(ps []finding.Problem) bool {
	for _, p := range ps {
		switch p.Kind {
		case "grew", "no-header", "encoding", "bad-quoting", "binary", "link", "not-a-file", "walk", "dirty":
			continue
		}
		return true
	}
	return false
}
