package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
)

// Table writes the report for people: the verdict first, in plain words, then what the logs
// cover, the incidents with the rows that prove them, and what could not be read.
func Table(w io.Writer, r *finding.Report, color bool) error {
	p := &printer{w: w, color: color}
	for i := range r.Hosts {
		if i > 0 {
			p.line("")
		}
		p.host(&r.Hosts[i], r)
	}
	return p.err
}

type printer struct {
	w     io.Writer
	color bool
	err   error
}

func (p *printer) line(format string, args ...any) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
}

func (p *printer) paint(code, s string) string {
	if !p.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func verdictColor(v finding.Verdict) string {
	switch v {
	case finding.Compromised:
		return "1;31"
	case finding.Attempted:
		return "1;33"
	case finding.Probed:
		return "1;36"
	}
	return "1;32"
}

func (p *printer) host(h *finding.HostResult, r *finding.Report) {
	p.line("exsweep %s hunt of %s (%s), rule pack %s", r.Version, safe(h.Host), safe(h.Root), r.RulePack)
	p.line("")
	verdict := h.Verdict.String()
	if h.Partial {
		verdict += " (partial: some input could not be read)"
	}
	p.line("VERDICT: %s", p.paint(verdictColor(h.Verdict), verdict))
	p.line("  %s", safe(h.Reason))
	p.line("")

	p.line("What the logs cover")
	tw := tabwriter.NewWriter(p.w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  SOURCE\tFILES\tSIZE\tFROM\tTO\tDAYS\tGAPS")
	for _, win := range h.Windows {
		from, to := "-", "-"
		if !win.First.IsZero() {
			from, to = win.First.UTC().Format("2006-01-02 15:04"), win.Last.UTC().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\t%s\t%.1f\t%d\n", win.Source, win.Files, Bytes(win.Bytes), from, to, win.Days, len(win.Gaps))
	}
	if err := tw.Flush(); err != nil && p.err == nil {
		p.err = err
	}
	if len(h.Installs) > 0 {
		p.line("  Exchange installs read: %s", safe(strings.Join(h.Installs, ", ")))
	}
	p.line("")
	if s := h.Stats; s.FilesExamined > 0 {
		p.line("Files on disk: %d examined, %d read (%s) in web folders, compiled-page traces and staging places",
			s.FilesExamined, s.FilesRead, Bytes(s.FileBytes))
		for _, m := range h.Mitigations {
			p.line("  %s URL Rewrite mitigation: %s (%s)", safe(m.Family), safe(m.Status), safe(m.Where))
		}
		if len(h.WebFiles) > 0 {
			p.line("  %d files in web folders appeared since 2021-01-01 (all in the JSON report and timeline.csv); the latest:", len(h.WebFiles))
			from := max(0, len(h.WebFiles)-maxWebFilesShown)
			for _, e := range h.WebFiles[from:] {
				mark := ""
				if len(e.Rules) > 0 {
					mark = "  <- " + strings.Join(e.Rules, ", ")
				}
				p.line("    %s  %10s  %s%s", e.Time().UTC().Format("2006-01-02 15:04:05"), Bytes(e.Size), safe(e.Path), safe(mark))
			}
		}
		p.line("")
	}

	if s := h.Stats; s.EventFiles > 0 || s.SigmaRules > 0 || len(h.RulesSkipped) > 0 {
		p.line("Event logs: %d files, %d events read", s.EventFiles, s.Events)
		if s.SigmaRules > 0 || len(h.RulesSkipped) > 0 {
			p.line("  Sigma: %d rules evaluated, %d not evaluated (each with its reason in the JSON report's rules_skipped)", s.SigmaRules, len(h.RulesSkipped))
			for _, line := range skippedReasons(h.RulesSkipped) {
				p.line("    %s", safe(line))
			}
		}
		p.line("")
	}

	if len(h.Warnings) > 0 {
		p.line("Warnings")
		for _, wn := range h.Warnings {
			p.line("  - %s", safe(wn))
		}
		p.line("")
	}

	var serious, suspicious []finding.Incident
	for _, inc := range h.Incidents {
		if inc.Verdict == finding.Clean {
			suspicious = append(suspicious, inc)
		} else {
			serious = append(serious, inc)
		}
	}
	if len(serious) > 0 {
		p.line("Incidents")
		for _, inc := range serious {
			p.incident(inc)
		}
	}
	if len(suspicious) > 0 {
		p.line("To look at (suspicious on their own, not a verdict)")
		for _, inc := range suspicious {
			p.incident(inc)
		}
	}
	if len(h.Problems) > 0 {
		p.line("Problems")
		for _, line := range groupProblems(h.Problems) {
			p.line("  - %s", safe(line))
		}
		p.line("")
	}
	s := h.Stats
	p.line("Read %d files, %s, %d lines (%d parsed) in %s with %d rules; %d repeated findings summarised.",
		s.Files, Bytes(s.Bytes), s.Lines, s.Candidates, s.Duration.Round(time.Millisecond), s.RulesLoaded, s.Suppressed)
}

// skippedReasons counts the skipped rules by reason, most frequent first, at most ten lines.
func skippedReasons(rs []finding.SkippedRule) []string {
	count := map[string]int{}
	for _, r := range rs {
		count[r.Reason]++
	}
	reasons := make([]string, 0, len(count))
	for k := range count {
		reasons = append(reasons, k)
	}
	sort.Slice(reasons, func(i, j int) bool {
		if count[reasons[i]] != count[reasons[j]] {
			return count[reasons[i]] > count[reasons[j]]
		}
		return reasons[i] < reasons[j]
	})
	var out []string
	for i, k := range reasons {
		if i == 10 {
			out = append(out, fmt.Sprintf("... and %d other reasons", len(reasons)-10))
			break
		}
		out = append(out, fmt.Sprintf("%d: %s", count[k], k))
	}
	return out
}

// maxWebFilesShown bounds the web-folder file list in the table; the JSON has all of it.
const maxWebFilesShown = 20

func (p *printer) incident(inc finding.Incident) {
	span := inc.FirstSeen.UTC().Format("2006-01-02 15:04:05")
	if !inc.LastSeen.Equal(inc.FirstSeen) {
		span += " to " + inc.LastSeen.UTC().Format("2006-01-02 15:04:05")
	}
	p.line("  #%d %s %s  %s UTC", inc.ID, p.paint(verdictColor(inc.Verdict), inc.Verdict.String()), inc.Severity, span)
	p.line("     %s", safe(inc.Summary))
	if len(inc.ClientIPs) > 0 {
		p.line("     clients: %s", safe(strings.Join(inc.ClientIPs, ", ")))
	}
	if len(inc.UserAgents) > 0 {
		p.line("     user agents: %s", safe(strings.Join(inc.UserAgents, " | ")))
	}
	p.line("     rules: %s", strings.Join(inc.Rules, ", "))
	if len(inc.CVEs) > 0 {
		p.line("     CVEs: %s", strings.Join(inc.CVEs, ", "))
	}
	ev := inc.Evidence
	more := ""
	if len(ev) > 5 {
		more = fmt.Sprintf(" (+%d more in the JSON report)", inc.Findings-5)
		ev = ev[:5]
	}
	p.line("     rows: %s%s", safe(strings.Join(ev, ", ")), more)
	p.line("")
}

// groupProblems turns problems into one line per kind: "12 files unreadable: a, b, c (+9 more)".
func groupProblems(ps []finding.Problem) []string {
	byKind := map[string][]finding.Problem{}
	var kinds []string
	for _, pr := range ps {
		if _, ok := byKind[pr.Kind]; !ok {
			kinds = append(kinds, pr.Kind)
		}
		byKind[pr.Kind] = append(byKind[pr.Kind], pr)
	}
	sort.Strings(kinds)
	var out []string
	for _, k := range kinds {
		list := byKind[k]
		var names []string
		for i, pr := range list {
			if i == 3 {
				names = append(names, fmt.Sprintf("+%d more", len(list)-3))
				break
			}
			names = append(names, pr.String())
		}
		out = append(out, fmt.Sprintf("%d × %s: %s", len(list), k, strings.Join(names, "; ")))
	}
	return out
}

// Bytes formats a size for people.
func Bytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	v := float64(n) / 1024
	units := "KMGTPE"
	i := 0
	for v >= 1023.95 && i < len(units)-1 { // step up before "%.1f" would print 1024.0
		v /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, units[i])
}

// safe makes attacker-written text harmless on a terminal, with the project's one escaping
// policy (finding.EscapeString): escape sequences could rewrite the screen, format characters
// reorder what is shown.
func safe(s string) string { return finding.EscapeString(s) }
