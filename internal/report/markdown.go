package report

// The Markdown and HTML reports show the same document, built once here as a "view": every string
// in it is already made printable (finding.EscapeString) and cut to a bound, every list capped, so
// the two writers only arrange and escape for their own syntax. Everything a finding carries was
// written by an attacker (user agents, URLs, file names, log rows, the titles of user rule packs),
// so no string of the view may become markup in either format.

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/exsweep/exsweep/internal/finding"
)

// Bounds of what the documents show in full. report.json keeps everything; the documents say
// what they left out. They keep a report of 30,000 findings a page a browser opens at once.
const (
	maxFindingsShown  = 500      // per host, across all groups
	maxEvidenceShown  = 2 << 10  // bytes of one finding's evidence
	maxTextShown      = 1 << 10  // bytes of any other attacker-written string
	maxFieldsShown    = 40       // non-empty fields of one finding
	maxFieldShown     = 256      // bytes of one field's value
	maxIncidentsShown = 200      // incidents listed per host
	maxListShown      = 20       // client addresses, user agents, rules... of one incident
	maxRowsShown      = 10       // evidence rows named by one incident
	maxProblemsShown  = 200      // problems listed per host
	maxPathsShown     = 50       // paths of one plan task
	maxCommandShown   = 64 << 10 // bytes of one command: longer ones are left out, never cut
	maxRulesShown     = 300      // rules explained per host
)

// docView is the whole document.
type docView struct {
	Title     string
	Tool      string
	Version   string
	RulePack  string
	Generated string
	Hosts     []hostView
}

type hostView struct {
	N            int // 1-based: element ids are built from it, never from attacker text
	Host         string
	Root         string
	Verdict      string
	VerdictClass string
	Headline     string // the verdict in plain words
	Reason       string
	Partial      bool
	Coverage     string // one sentence: what time the logs vouch for
	Plan         *planView
	Chart        *chart // HTML only
	Incidents    []incidentView
	MoreInc      int
	Groups       []groupView
	Findings     int // in all
	Shown        int
	Rules        []ruleView
	Windows      []windowView
	Installs     []string
	Builds       []buildView
	Mitigations  []mitigationView
	Warnings     []string
	WebFiles     []webFileView
	MoreWebFiles int
	Skipped      []string
	Problems     []problemView
	MoreProblems int
	Stats        string
}

type planView struct {
	Builds   []buildView
	Sections []sectionView
}

// Text is the command as one string, for the HTML <pre>.
func (c commandView) Text() string { return strings.Join(c.Lines, "\n") }

type buildView struct{ Install, Build, Source, Note string }

type sectionView struct {
	N     int
	ID    string
	Title string
	Why   string
	Tasks []taskView
}

type taskView struct {
	Text      string
	Why       string
	Done      bool
	Paths     []string
	MorePaths int
	Rules     string
	Commands  []commandView
}

type commandView struct {
	Lang    string // a safe word: the Markdown fence's info string, the HTML class
	Label   string // the language for people
	Title   string
	Lines   []string
	Omitted int // bytes of a command too long to show (never cut: a cut command does something else)
}

type incidentView struct {
	ID           int
	Verdict      string
	VerdictClass string
	Severity     string
	Span         string
	Summary      string
	Clients      []string
	UserAgents   []string
	Rules        []string
	CVEs         string
	Findings     int
	Evidence     []string
	MoreEvidence int
}

// groupView is the findings of one incident, or those outside any ("Incident" 0).
type groupView struct {
	Incident     int
	Title        string
	VerdictClass string
	Total        int
	More         int // findings of the group not shown
	Findings     []findingView
}

type findingView struct {
	Time        string
	Severity    string
	RuleID      string
	Title       string
	Where       string
	Source      string
	ClientIP    string
	User        string
	UserAgent   string
	Target      string
	CVEs        string
	Evidence    string
	Fields      []fieldView
	MoreFields  int
	EvidenceCut bool
}

type fieldView struct{ Key, Value string }

// ruleView explains one rule once, for all its findings.
type ruleView struct {
	ID, Title, Why, CVEs string
	Refs                 []string
	Count                int
}

type windowView struct {
	Source, Size, From, To, Days string
	Files                        int
	Gaps                         []string
}

type mitigationView struct{ Family, Status, Where, Rules, Notes string }

type webFileView struct{ Time, Size, Path, Rules string }

type problemView struct{ Where, Kind, Message string }

// show makes attacker-written text printable and cuts it to at most n bytes, saying so. It
// escapes only a prefix of s, so a huge string costs no more than a short one.
func show(s string, n int) string {
	out, _ := showCut(s, n)
	return out
}

// showCut is show, also telling whether it cut.
func showCut(s string, n int) (string, bool) {
	raw := s
	if len(raw) > n+utf8.UTFMax {
		// Escaping only lengthens, so the first n bytes of the escaped prefix are the first n
		// of the whole; the prefix's broken last rune is escaped beyond byte n.
		raw = raw[:n+utf8.UTFMax]
	}
	e := finding.EscapeString(raw)
	if len(e) <= n && len(raw) == len(s) {
		return e, false
	}
	if len(e) > n {
		e = e[:n]
		for len(e) > 0 { // drop the bytes of a rune the cut went through
			if r, size := utf8.DecodeLastRuneInString(e); r != utf8.RuneError || size > 1 {
				break
			}
			e = e[:len(e)-1]
		}
	}
	return fmt.Sprintf("%s … (cut: %d bytes in all)", e, len(s)), true
}

// showListNoted is showList with what it left out said as a last entry.
func showListNoted(xs []string, n, each int) []string {
	out, more := showList(xs, n, each)
	if more > 0 {
		out = append(out, fmt.Sprintf("(%d more in report.json)", more))
	}
	return out
}

func showList(xs []string, n, each int) ([]string, int) {
	var out []string
	for i, x := range xs {
		if i == n {
			return out, len(xs) - n
		}
		out = append(out, show(x, each))
	}
	return out, 0
}

// utc writes a time for responders: always UTC, milliseconds only when the source had them.
func utc(t time.Time) string {
	if t.IsZero() {
		return "no time"
	}
	t = t.UTC()
	if t.Nanosecond() != 0 {
		return t.Format("2006-01-02 15:04:05.000") + " UTC"
	}
	return t.Format("2006-01-02 15:04:05") + " UTC"
}

func span(a, b time.Time) string {
	if a.IsZero() && b.IsZero() {
		return "no time"
	}
	if b.IsZero() || a.Equal(b) {
		return utc(a)
	}
	if a.IsZero() {
		return "until " + utc(b)
	}
	sa, sb := utc(a), utc(b)
	if a.UTC().Format("2006-01-02") == b.UTC().Format("2006-01-02") {
		sb = strings.TrimPrefix(sb, b.UTC().Format("2006-01-02 "))
	}
	return strings.TrimSuffix(sa, " UTC") + " to " + sb
}

func verdictClass(v finding.Verdict) string {
	switch v {
	case finding.Compromised:
		return "compromised"
	case finding.Attempted:
		return "attempted"
	case finding.Probed:
		return "probed"
	}
	return "clean"
}

func severityClass(s finding.Severity) string {
	if s < finding.Info || s > finding.Critical {
		return "info"
	}
	return s.String()
}

// plainVerdict is the verdict in plain words when no plan gives a headline.
func plainVerdict(v finding.Verdict) string {
	switch v {
	case finding.Compromised:
		return "Intruders very likely got into this server: the logs and files show a successful attack."
	case finding.Attempted:
		return "Someone tried to break into this server; nothing read shows that they succeeded."
	case finding.Probed:
		return "Someone checked whether this server can be attacked; no attack followed in what was read."
	}
	return "No sign of an attack in what was read."
}

// buildDoc makes the view of a report. plans are matched to hosts by name; withChart adds the
// timeline chart (the HTML report's).
func buildDoc(rep *finding.Report, plans []finding.Plan, withChart bool) *docView {
	d := &docView{
		Tool: show(rep.Tool, 64), Version: show(rep.Version, 64), RulePack: show(rep.RulePack, 128),
		Generated: utc(rep.Generated),
	}
	if d.Tool == "" {
		d.Tool = "exsweep"
	}
	byHost := map[string]*finding.Plan{}
	for i := range plans {
		if _, dup := byHost[plans[i].Host]; !dup {
			byHost[plans[i].Host] = &plans[i]
		}
	}
	var names []string
	for i := range rep.Hosts {
		h := &rep.Hosts[i]
		hv := buildHost(i+1, h, byHost[h.Host])
		if withChart {
			hv.Chart = buildChart(h, i+1)
		}
		d.Hosts = append(d.Hosts, hv)
		if i < 3 {
			names = append(names, hv.Verdict+" "+show(h.Host, 64))
		}
	}
	d.Title = d.Tool + " report"
	if len(names) > 0 {
		d.Title += ": " + strings.Join(names, ", ")
		if len(rep.Hosts) > 3 {
			d.Title += fmt.Sprintf(" and %d more", len(rep.Hosts)-3)
		}
	}
	return d
}

func buildHost(n int, h *finding.HostResult, plan *finding.Plan) hostView {
	hv := hostView{
		N: n, Host: show(h.Host, maxTextShown), Root: show(h.Root, maxTextShown),
		Verdict: h.Verdict.String(), VerdictClass: verdictClass(h.Verdict),
		Reason: show(h.Reason, 4*maxTextShown), Partial: h.Partial, Coverage: coverage(h),
		Findings: len(h.Findings),
	}
	hv.Headline = plainVerdict(h.Verdict)
	if plan != nil {
		if plan.Headline != "" {
			hv.Headline = show(plan.Headline, 4*maxTextShown)
		}
		hv.Plan = buildPlan(plan)
	}

	incs := append([]finding.Incident(nil), h.Incidents...)
	sort.SliceStable(incs, func(i, j int) bool { return incs[i].ID < incs[j].ID })
	for i, inc := range incs {
		if i == maxIncidentsShown {
			hv.MoreInc = len(incs) - i
			break
		}
		hv.Incidents = append(hv.Incidents, buildIncident(inc))
	}
	hv.Groups, hv.Shown = buildGroups(h, incs)
	hv.Rules = buildRules(h)

	for _, w := range h.Windows {
		wv := windowView{Source: show(w.Source, 128), Files: w.Files, Size: Bytes(w.Bytes), From: "-", To: "-", Days: strconv.FormatFloat(w.Days, 'f', 1, 64)}
		if !w.First.IsZero() || !w.Last.IsZero() {
			wv.From, wv.To = utc(w.First), utc(w.Last)
		}
		for i, g := range w.Gaps {
			if i == 5 {
				wv.Gaps = append(wv.Gaps, fmt.Sprintf("%d more", len(w.Gaps)-5))
				break
			}
			wv.Gaps = append(wv.Gaps, span(g.From, g.To))
		}
		hv.Windows = append(hv.Windows, wv)
	}
	hv.Installs = showListNoted(h.Installs, 50, maxTextShown)
	for _, b := range h.Builds {
		hv.Builds = append(hv.Builds, buildBuild(b))
	}
	for _, m := range h.Mitigations {
		hv.Mitigations = append(hv.Mitigations, mitigationView{
			Family: show(m.Family, 64), Status: show(m.Status, 64), Where: show(m.Where, maxTextShown),
			Rules: show(strings.Join(m.Rules, ", "), maxTextShown), Notes: show(strings.Join(m.Notes, "; "), maxTextShown),
		})
	}
	hv.Warnings = showListNoted(h.Warnings, 100, maxTextShown)
	from := max(0, len(h.WebFiles)-maxWebFilesShown)
	hv.MoreWebFiles = from
	for _, e := range h.WebFiles[from:] {
		hv.WebFiles = append(hv.WebFiles, webFileView{Time: utc(e.Time()), Size: Bytes(e.Size), Path: show(e.Path, maxTextShown), Rules: show(strings.Join(e.Rules, ", "), maxTextShown)})
	}
	for _, line := range skippedReasons(h.RulesSkipped) {
		hv.Skipped = append(hv.Skipped, show(line, maxTextShown))
	}
	for i, p := range h.Problems {
		if i == maxProblemsShown {
			hv.MoreProblems = len(h.Problems) - i
			break
		}
		where := p.Path
		if p.Line > 0 {
			where += ":" + strconv.FormatInt(p.Line, 10)
		} else if p.Offset > 0 {
			where += " at byte " + strconv.FormatInt(p.Offset, 10)
		}
		hv.Problems = append(hv.Problems, problemView{Where: show(where, maxTextShown), Kind: show(p.Kind, 64), Message: show(p.Message, maxTextShown)})
	}
	s := h.Stats
	hv.Stats = fmt.Sprintf("Read %d files, %s, %d lines (%d parsed); %d files examined on disk, %d event files (%d events); %d rules in %s; %d repeated findings summarised.",
		s.Files, Bytes(s.Bytes), s.Lines, s.Candidates, s.FilesExamined, s.EventFiles, s.Events, s.RulesLoaded, s.Duration.Round(time.Millisecond), s.Suppressed)
	return hv
}

// coverage says in one sentence which time the logs vouch for: a clean verdict means nothing
// outside it.
func coverage(h *finding.HostResult) string {
	var first, last time.Time
	sources := 0
	for _, w := range h.Windows {
		if w.First.IsZero() && w.Last.IsZero() {
			continue
		}
		sources++
		if first.IsZero() || (!w.First.IsZero() && w.First.Before(first)) {
			first = w.First
		}
		if w.Last.After(last) {
			last = w.Last
		}
	}
	s := "No log with a time was read: this hunt cannot vouch for any period of time."
	if sources > 0 {
		s = fmt.Sprintf("The logs read cover %s to %s (%d sources); nothing outside that time was seen.",
			first.UTC().Format("2006-01-02"), last.UTC().Format("2006-01-02"), sources)
	}
	if !h.Since.IsZero() || !h.Until.IsZero() {
		s += " The hunt was limited to " + span(h.Since, h.Until) + "."
	}
	return s
}

func buildBuild(b finding.InstallBuild) buildView {
	build := show(b.Build, 64)
	if build == "" {
		build = "unknown"
	}
	return buildView{Install: show(b.Install, maxTextShown), Build: build, Source: show(b.Source, maxTextShown), Note: show(b.Note, maxTextShown)}
}

func buildPlan(p *finding.Plan) *planView {
	pv := &planView{}
	for _, b := range p.Builds {
		pv.Builds = append(pv.Builds, buildBuild(b))
	}
	for i, s := range p.Sections {
		sv := sectionView{N: i + 1, ID: safeWord(s.ID), Title: show(s.Title, maxTextShown), Why: show(s.Why, 4*maxTextShown)}
		for _, t := range s.Tasks {
			tv := taskView{Text: show(t.Text, 4*maxTextShown), Why: show(t.Why, 4*maxTextShown), Done: t.Done, Rules: show(strings.Join(t.Rules, ", "), maxTextShown)}
			tv.Paths, tv.MorePaths = showList(t.Paths, maxPathsShown, maxTextShown)
			for _, c := range t.Commands {
				tv.Commands = append(tv.Commands, buildCommand(c))
			}
			sv.Tasks = append(sv.Tasks, tv)
		}
		pv.Sections = append(pv.Sections, sv)
	}
	return pv
}

// buildCommand keeps a command whole or leaves it out: cut, it would do something else. Each line
// is escaped on its own, so a right-to-left override in a path cannot make the command on screen
// differ from the one pasted.
func buildCommand(c finding.Command) commandView {
	cv := commandView{Lang: safeWord(c.Lang), Title: show(c.Title, maxTextShown)}
	switch strings.ToLower(c.Lang) {
	case "powershell":
		cv.Label = "PowerShell"
	case "cmd":
		cv.Label = "Command Prompt"
	case "xml":
		cv.Label = "XML"
	case "shell":
		cv.Label = "Shell"
	default:
		cv.Label = show(c.Lang, 32)
	}
	if cv.Lang == "" {
		cv.Lang = "text"
		cv.Label = "Text"
	}
	if len(c.Text) > maxCommandShown {
		cv.Omitted = len(c.Text)
		return cv
	}
	for _, line := range strings.Split(strings.TrimRight(c.Text, "\r\n"), "\n") {
		cv.Lines = append(cv.Lines, finding.EscapeString(strings.TrimSuffix(line, "\r")))
	}
	return cv
}

// safeWord keeps letters, digits, '-', '+' and '_' (at most 20): what may go into a code fence's
// info string or a class name.
func safeWord(s string) string {
	var b strings.Builder
	for i := 0; i < len(s) && b.Len() < 20; i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '+' || c == '_' {
			b.WriteByte(c)
		}
	}
	return strings.ToLower(b.String())
}

func buildIncident(inc finding.Incident) incidentView {
	iv := incidentView{
		ID: inc.ID, Verdict: inc.Verdict.String(), VerdictClass: verdictClass(inc.Verdict), Severity: severityClass(inc.Severity),
		Span: span(inc.FirstSeen, inc.LastSeen), Summary: show(inc.Summary, maxTextShown), Findings: inc.Findings,
		CVEs: show(strings.Join(inc.CVEs, ", "), maxTextShown),
	}
	var more int
	iv.Clients, more = showList(inc.ClientIPs, maxListShown, 128)
	if more > 0 {
		iv.Clients = append(iv.Clients, fmt.Sprintf("%d more", more))
	}
	iv.UserAgents, more = showList(inc.UserAgents, maxListShown, maxTextShown)
	if more > 0 {
		iv.UserAgents = append(iv.UserAgents, fmt.Sprintf("%d more", more))
	}
	iv.Rules, more = showList(inc.Rules, 3*maxListShown, 128)
	if more > 0 {
		iv.Rules = append(iv.Rules, fmt.Sprintf("%d more", more))
	}
	iv.Evidence, iv.MoreEvidence = showList(inc.Evidence, maxRowsShown, maxTextShown)
	if iv.MoreEvidence > 0 && inc.Findings > len(inc.Evidence) {
		iv.MoreEvidence = inc.Findings - maxRowsShown
	}
	return iv
}

// buildGroups sorts the findings into one group per incident (in id order), then those outside
// any. When there are more than maxFindingsShown, each group gets a fair share and, within it,
// the gravest findings are the ones shown (in time order): a flood of probes cannot push the
// one web-shell row off the page.
func buildGroups(h *finding.HostResult, incs []finding.Incident) ([]groupView, int) {
	byInc := map[int][]*finding.Finding{}
	for i := range h.Findings {
		f := &h.Findings[i]
		byInc[f.Incident] = append(byInc[f.Incident], f)
	}
	type group struct {
		id    int
		title string
		class string
		fs    []*finding.Finding
	}
	var groups []group
	known := map[int]bool{}
	for _, inc := range incs {
		if inc.ID == 0 || known[inc.ID] {
			continue
		}
		known[inc.ID] = true
		if fs := byInc[inc.ID]; len(fs) > 0 {
			groups = append(groups, group{inc.ID, fmt.Sprintf("Incident %d: %s", inc.ID, inc.Verdict), verdictClass(inc.Verdict), fs})
		}
	}
	var orphans []int // findings naming an incident the report does not hold
	for id := range byInc {
		if id != 0 && !known[id] {
			orphans = append(orphans, id)
		}
	}
	sort.Ints(orphans)
	for _, id := range orphans {
		groups = append(groups, group{id, fmt.Sprintf("Incident %d (not in the incident list)", id), "clean", byInc[id]})
	}
	if fs := byInc[0]; len(fs) > 0 {
		groups = append(groups, group{0, "Not part of an incident", "clean", fs})
	}

	sizes := make([]int, len(groups))
	for i, g := range groups {
		sizes[i] = len(g.fs)
	}
	quota := fairShares(sizes, maxFindingsShown)
	var out []groupView
	shown := 0
	for i, g := range groups {
		fs := append([]*finding.Finding(nil), g.fs...)
		if quota[i] < len(fs) {
			sort.SliceStable(fs, func(a, b int) bool {
				if fs[a].Severity != fs[b].Severity {
					return fs[a].Severity > fs[b].Severity
				}
				return finding.Less(fs[a], fs[b])
			})
			fs = fs[:quota[i]]
		}
		sort.SliceStable(fs, func(a, b int) bool { return finding.Less(fs[a], fs[b]) })
		gv := groupView{Incident: g.id, Title: g.title, VerdictClass: g.class, Total: len(g.fs), More: len(g.fs) - len(fs)}
		for _, f := range fs {
			gv.Findings = append(gv.Findings, buildFinding(f))
		}
		shown += len(fs)
		out = append(out, gv)
	}
	return out, shown
}

// fairShares splits budget over groups of the given sizes: every group gets the same share, and
// what small groups leave goes to the larger ones.
func fairShares(sizes []int, budget int) []int {
	out := make([]int, len(sizes))
	left := 0 // groups not yet given all they hold
	for _, n := range sizes {
		if n > 0 {
			left++
		}
	}
	for budget > 0 && left > 0 {
		share := max(1, budget/left)
		progress := false
		for i, n := range sizes {
			if out[i] == n || budget == 0 {
				continue
			}
			give := min(share, n-out[i], budget)
			out[i] += give
			budget -= give
			progress = progress || give > 0
			if out[i] == n {
				left--
			}
		}
		if !progress {
			break
		}
	}
	return out
}

func buildFinding(f *finding.Finding) findingView {
	fv := findingView{
		Time: utc(f.Time), Severity: severityClass(f.Severity), RuleID: show(f.RuleID, 128), Title: show(f.Title, maxTextShown),
		Where: show(f.Where.String(), maxTextShown), Source: show(f.Source, 64), ClientIP: show(f.ClientIP, 128),
		User: show(f.User, maxTextShown), UserAgent: show(f.UserAgent, maxTextShown), Target: show(f.Target, maxTextShown),
		CVEs: show(strings.Join(f.CVEs, ", "), maxTextShown),
	}
	fv.Evidence, fv.EvidenceCut = showCut(f.Evidence, maxEvidenceShown)
	keys := make([]string, 0, len(f.Fields))
	for k, v := range f.Fields {
		if v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i == maxFieldsShown {
			fv.MoreFields = len(keys) - i
			break
		}
		fv.Fields = append(fv.Fields, fieldView{Key: show(k, 64), Value: show(f.Fields[k], maxFieldShown)})
	}
	return fv
}

// buildRules explains each rule once (its first finding's words): repeating the why of a rule
// for each of its thousand findings would bury the findings.
func buildRules(h *finding.HostResult) []ruleView {
	idx := map[string]int{}
	var out []ruleView
	for i := range h.Findings {
		f := &h.Findings[i]
		if j, ok := idx[f.RuleID]; ok {
			out[j].Count++
			continue
		}
		idx[f.RuleID] = len(out)
		rv := ruleView{ID: show(f.RuleID, 128), Title: show(f.Title, maxTextShown), Why: show(f.Why, 4*maxTextShown), CVEs: show(strings.Join(f.CVEs, ", "), maxTextShown), Count: 1}
		rv.Refs, _ = showList(f.References, 10, maxTextShown)
		out = append(out, rv)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	more := len(out) - maxRulesShown
	if more > 0 {
		out = append(out[:maxRulesShown], ruleView{ID: "…", Title: fmt.Sprintf("%d more rules: their findings are in report.json", more)})
	}
	return out
}

// ---- Markdown -------------------------------------------------------------------------------

// Markdown writes one document: per host, the verdict in plain words (the plan's headline), what
// the logs cover, the plan as a checklist (`- [ ]`, `- [x]` for what is done), incidents, findings
// with their evidence, coverage and problems. Attacker-written text is escaped so that no
// Markdown renderer makes markup of it: running text by mdText, evidence and commands in code
// fences longer than any backtick run inside.
func Markdown(w io.Writer, rep *finding.Report, plans []finding.Plan) error {
	bw := bufio.NewWriter(w)
	m := &mdWriter{w: bw}
	d := buildDoc(rep, plans, false)
	m.p("# %s report", mdText(d.Tool))
	m.p("%s %s, rule pack %s, report generated %s. Times are UTC.", mdText(d.Tool), mdText(d.Version), mdText(d.RulePack), d.Generated)
	for i := range d.Hosts {
		m.host(&d.Hosts[i])
	}
	if m.err != nil {
		return m.err
	}
	return bw.Flush()
}

type mdWriter struct {
	w   *bufio.Writer
	err error
}

// p writes one block followed by a blank line.
func (m *mdWriter) p(format string, args ...any) {
	m.line(format, args...)
	m.line("")
}

func (m *mdWriter) line(format string, args ...any) {
	if m.err != nil {
		return
	}
	if len(args) == 0 {
		_, m.err = m.w.WriteString(format + "\n")
		return
	}
	_, m.err = fmt.Fprintf(m.w, format+"\n", args...)
}

// PlanMarkdown writes one host's plan alone, as the checklist Markdown writes in a report:
// what exsweep clean prints after its actions.
func PlanMarkdown(w io.Writer, p *finding.Plan) error {
	bw := bufio.NewWriter(w)
	m := &mdWriter{w: bw}
	m.p("## What to do on %s (%s)", mdText(p.Host), p.Verdict)
	m.p("%s", mdText(p.Headline))
	m.plan(buildPlan(p), "###")
	if m.err != nil {
		return m.err
	}
	return bw.Flush()
}

// plan writes the builds and the checklist, sections under headings of the given level.
func (m *mdWriter) plan(pv *planView, heading string) {
	if len(pv.Builds) > 0 {
		for _, b := range pv.Builds {
			m.line("- Exchange install %s: build %s (%s)%s", mdText(b.Install), mdText(b.Build), mdText(b.Source), mdSuffix("; ", b.Note))
		}
		m.line("")
	}
	for _, s := range pv.Sections {
		m.p("%s %d. %s", heading, s.N, mdText(s.Title))
		if s.Why != "" {
			m.p("%s", mdText(s.Why))
		}
		for _, t := range s.Tasks {
			m.task(&t)
		}
	}
}

func (m *mdWriter) host(h *hostView) {
	m.p("## Host %s", mdText(h.Host))
	m.p("**Verdict: %s** — %s", h.Verdict, mdText(h.Headline))
	if h.Partial {
		m.p("**Partial result:** some input could not be read (see Problems): the verdict rests on what was read.")
	}
	m.p("Why: %s", mdText(h.Reason))
	m.p("%s Root: %s", mdText(h.Coverage), mdText(h.Root))

	if h.Plan != nil {
		m.p("### What to do")
		m.plan(h.Plan, "####")
	}

	m.p("### Incidents")
	if len(h.Incidents) == 0 {
		m.p("No incidents.")
	}
	for _, inc := range h.Incidents {
		m.p("#### Incident %d: %s (%s), %s", inc.ID, inc.Verdict, inc.Severity, inc.Span)
		m.line("- Summary: %s", mdText(inc.Summary))
		m.line("- Findings: %d", inc.Findings)
		mdList(m, "Clients", inc.Clients)
		mdList(m, "User agents", inc.UserAgents)
		mdList(m, "Rules", inc.Rules)
		if inc.CVEs != "" {
			m.line("- CVEs: %s", mdText(inc.CVEs))
		}
		if len(inc.Evidence) > 0 {
			more := ""
			if inc.MoreEvidence > 0 {
				more = fmt.Sprintf(" (%d more in report.json)", inc.MoreEvidence)
			}
			m.line("- Rows: %s%s", mdJoin(inc.Evidence), more)
		}
		m.line("")
	}
	if h.MoreInc > 0 {
		m.p("%d more incidents in report.json.", h.MoreInc)
	}

	m.p("### Findings")
	if h.Findings == 0 {
		m.p("No findings.")
	} else if h.Shown < h.Findings {
		m.p("%d findings; %d shown here (the gravest of each group), %d more in report.json.", h.Findings, h.Shown, h.Findings-h.Shown)
	}
	for _, g := range h.Groups {
		m.p("#### %s (%d)", mdText(g.Title), g.Total)
		for _, f := range g.Findings {
			m.finding(&f)
		}
		if g.More > 0 {
			m.p("%d more findings of this group in report.json.", g.More)
		}
	}
	if len(h.Rules) > 0 {
		m.p("### What the rules mean")
		for _, r := range h.Rules {
			m.line("- **%s** %s (%d findings)%s: %s", mdText(r.ID), mdText(r.Title), r.Count, mdSuffix("; ", r.CVEs), mdText(r.Why))
			for _, ref := range r.Refs {
				m.line("  - %s", mdText(ref))
			}
		}
		m.line("")
	}

	m.p("### What the logs cover")
	if len(h.Windows) > 0 {
		m.line("| Source | Files | Size | From (UTC) | To (UTC) | Days | Gaps |")
		m.line("|---|---:|---:|---|---|---:|---|")
		for _, w := range h.Windows {
			m.line("| %s | %d | %s | %s | %s | %s | %s |", mdText(w.Source), w.Files, w.Size, w.From, w.To, w.Days, mdText(strings.Join(w.Gaps, "; ")))
		}
		m.line("")
	} else {
		m.p("No logs were read.")
	}
	if len(h.Installs) > 0 {
		m.p("Exchange installs read: %s", mdJoin(h.Installs))
	}
	for _, b := range h.Builds {
		m.line("- Exchange install %s: build %s (%s)%s", mdText(b.Install), mdText(b.Build), mdText(b.Source), mdSuffix("; ", b.Note))
	}
	if len(h.Builds) > 0 {
		m.line("")
	}
	for _, mi := range h.Mitigations {
		m.line("- %s URL Rewrite mitigation: %s (%s)%s%s", mdText(mi.Family), mdText(mi.Status), mdText(mi.Where), mdSuffix("; rules ", mi.Rules), mdSuffix("; ", mi.Notes))
	}
	if len(h.Mitigations) > 0 {
		m.line("")
	}
	if len(h.WebFiles) > 0 {
		more := ""
		if h.MoreWebFiles > 0 {
			more = fmt.Sprintf("; %d more in report.json", h.MoreWebFiles)
		}
		m.p("Files in web folders that appeared since 2021-01-01 (the latest %d%s):", len(h.WebFiles), more)
		for _, e := range h.WebFiles {
			m.line("- %s, %s: %s%s", e.Time, e.Size, mdText(e.Path), mdSuffix(" — rules: ", e.Rules))
		}
		m.line("")
	}
	if len(h.Skipped) > 0 {
		m.p("Rules not evaluated, by reason:")
		for _, s := range h.Skipped {
			m.line("- %s", mdText(s))
		}
		m.line("")
	}
	if len(h.Warnings) > 0 {
		m.p("### Warnings")
		for _, wn := range h.Warnings {
			m.line("- %s", mdText(wn))
		}
		m.line("")
	}
	m.p("### Problems")
	if len(h.Problems) == 0 {
		m.p("None: every input was read.")
	} else {
		m.line("| Where | Kind | Message |")
		m.line("|---|---|---|")
		for _, p := range h.Problems {
			m.line("| %s | %s | %s |", mdText(p.Where), mdText(p.Kind), mdText(p.Message))
		}
		m.line("")
		if h.MoreProblems > 0 {
			m.p("%d more problems in report.json.", h.MoreProblems)
		}
	}
	m.p("%s", mdText(h.Stats))
}

func (m *mdWriter) task(t *taskView) {
	box := "[ ]"
	done := ""
	if t.Done {
		box, done = "[x]", " (done)"
	}
	m.p("- %s %s%s", box, mdText(t.Text), done)
	if t.Why != "" {
		m.p("  Why: %s", mdText(t.Why))
	}
	if len(t.Paths) > 0 {
		more := ""
		if t.MorePaths > 0 {
			more = fmt.Sprintf(" (%d more in the plan)", t.MorePaths)
		}
		m.p("  Files: %s%s", mdJoin(t.Paths), more)
	}
	if t.Rules != "" {
		m.p("  Rules: %s", mdText(t.Rules))
	}
	for _, c := range t.Commands {
		m.p("  %s%s:", mdText(c.Label), mdSuffix(" — ", c.Title))
		if c.Omitted > 0 {
			m.p("  (a command of %d bytes, too long to show here: see the plan in report.json)", c.Omitted)
			continue
		}
		m.fence("  ", c.Lang, c.Lines)
	}
}

func (m *mdWriter) finding(f *findingView) {
	m.p("**%s** · %s · %s · %s", f.Time, f.Severity, mdText(f.RuleID), mdText(f.Title))
	m.line("- Where: %s (%s)", mdText(f.Where), mdText(f.Source))
	if f.ClientIP != "" {
		m.line("- Client: %s", mdText(f.ClientIP))
	}
	if f.User != "" {
		m.line("- User: %s", mdText(f.User))
	}
	if f.UserAgent != "" {
		m.line("- User agent: %s", mdText(f.UserAgent))
	}
	if f.Target != "" {
		m.line("- Target: %s", mdText(f.Target))
	}
	if f.CVEs != "" {
		m.line("- CVEs: %s", mdText(f.CVEs))
	}
	m.line("")
	if f.Evidence != "" {
		m.fence("", "text", []string{f.Evidence})
	}
	if len(f.Fields) > 0 {
		lines := make([]string, 0, len(f.Fields)+1)
		for _, kv := range f.Fields {
			lines = append(lines, kv.Key+" = "+kv.Value)
		}
		if f.MoreFields > 0 {
			lines = append(lines, fmt.Sprintf("(%d more fields in report.json)", f.MoreFields))
		}
		m.fence("", "text", lines)
	}
}

// fence writes lines as a fenced code block, its fence one backtick longer than the longest run
// inside, so no line can close it. The lines hold no control characters (escaped before).
func (m *mdWriter) fence(indent, lang string, lines []string) {
	n := 3
	for _, l := range lines {
		n = max(n, longestRun(l, '`')+1)
	}
	f := strings.Repeat("`", n)
	m.line("%s%s%s", indent, f, lang)
	for _, l := range lines {
		m.line("%s%s", indent, l)
	}
	m.line("%s%s", indent, f)
	m.line("")
}

func longestRun(s string, c byte) int {
	best, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}

func mdList(m *mdWriter, label string, xs []string) {
	if len(xs) > 0 {
		m.line("- %s: %s", label, mdJoin(xs))
	}
}

func mdJoin(xs []string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = mdText(x)
	}
	return strings.Join(parts, "; ")
}

func mdSuffix(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + mdText(s)
}

// mdText makes any string inert running text of Markdown: control characters, invalid bytes and
// format characters escaped as everywhere in exsweep (so there are no line breaks), Markdown's
// punctuation backslash-escaped, and <, >, & written as entities because renderers pass inline
// HTML through. A leading character that could start a block (a list, a heading underline, a
// numbered item) is escaped too, so the text is safe even where it starts a line.
func mdText(s string) string {
	s = finding.EscapeString(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	lead := true   // still in the leading blanks: a block marker after them counts
	digits := true // only digits so far: "1." or "1)" would start a numbered list
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case lead && c == ' ':
			b.WriteString("&#32;") // an entity is not indentation: no code block, no list
			continue
		case lead && c == '\t':
			b.WriteString("&#9;")
			continue
		}
		switch c {
		case '\\', '`', '*', '_', '[', ']', '|', '#', '~', '!', '{', '}', '$':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '-', '+', '=':
			if lead {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		case '.', ')': // "1. " starts a list item, "15.1.2176" does not
			if digits && i > 0 && (i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\t') ||
				c == '.' && i >= 3 && strings.EqualFold(s[i-3:i], "www") { // GFM autolinks www.x
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		case ':': // GFM autolinks scheme://...: an attacker's URL must not become a link
			if strings.HasPrefix(s[i+1:], "//") {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		case '@': // and name@domain becomes a mailto: link; GFM ignores a backslash there,
			// but not a word joiner before the @
			b.WriteString("&#8288;@")
		default:
			b.WriteByte(c)
		}
		lead = false
		digits = digits && c >= '0' && c <= '9'
	}
	return b.String()
}
