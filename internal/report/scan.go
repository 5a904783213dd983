package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/exsweep/exsweep/internal/finding"
)

// ScanFormats lists the output formats of a scan.
func ScanFormats() []string { return []string{"table", "jsonl", "csv"} }

// ScanWriter receives a scan's hosts as they finish, then the summary.
type ScanWriter interface {
	Host(h *finding.ScanHost) error
	Close(sum *finding.ScanSummary) error
}

// NewScanWriter writes hosts in one format. families names the fix families (CSV columns, in
// order). JSON lines and CSV stream, one host at a time; the table waits for the end to sort.
func NewScanWriter(w io.Writer, format string, families []string, color bool) (ScanWriter, error) {
	switch format {
	case "jsonl":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return &jsonlScan{enc: enc}, nil
	case "csv":
		return &csvScan{w: csv.NewWriter(w), families: families}, nil
	case "table":
		return &tableScan{p: &printer{w: w, color: color}}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want %s)", format, strings.Join(ScanFormats(), ", "))
}

type jsonlScan struct{ enc *json.Encoder }

func (j *jsonlScan) Host(h *finding.ScanHost) error   { return j.enc.Encode(h) }
func (j *jsonlScan) Close(*finding.ScanSummary) error { return nil }

type csvScan struct {
	w        *csv.Writer
	families []string
	header   bool
}

// ScanCSVColumns are the CSV columns before the one-per-family ones.
func ScanCSVColumns() []string {
	return []string{"target", "ip", "port", "status", "reason", "product", "cu", "update", "build", "build_exact",
		"build_signal", "confidence", "servers", "mitigations", "install"}
}

func (c *csvScan) Host(h *finding.ScanHost) error {
	if !c.header {
		c.header = true
		header := ScanCSVColumns()
		for _, f := range c.families {
			header = append(header, csvCell(f)) // family names come from a catalog file
		}
		if err := c.w.Write(header); err != nil {
			return err
		}
	}
	var mits []string
	for _, m := range h.Mitigations {
		mits = append(mits, m.Name)
	}
	row := csvRow(h.Target, h.IP, strconv.Itoa(int(h.Port)), h.Status, h.Reason, h.ProductName, h.CU, h.Update, h.Build,
		strconv.FormatBool(h.BuildExact), h.BuildFrom, h.Confidence, strings.Join(h.Servers, " "), strings.Join(mits, " "), Install(h))
	for _, name := range c.families {
		row = append(row, csvCell(familyText(h, name)))
	}
	if err := c.w.Write(row); err != nil {
		return err
	}
	c.w.Flush()
	return c.w.Error()
}

func (c *csvScan) Close(*finding.ScanSummary) error { c.w.Flush(); return c.w.Error() }

// familyText is "vulnerable", "fixed", "unknown(reason)" or "" when the host has no such family.
func familyText(h *finding.ScanHost, name string) string {
	for _, f := range h.Families {
		if f.Family == name {
			if f.Status == finding.FixUnknown {
				return "unknown(" + f.Reason + ")"
			}
			return f.Status
		}
	}
	return ""
}

// Install names the one update that fixes every open family of a host: the one with the highest
// target build (CUs are cumulative), "" when nothing is open.
func Install(h *finding.ScanHost) string {
	var best *finding.FixInstall
	for _, f := range h.Families {
		if f.Install == nil || (f.Status != finding.FixVulnerable && f.Status != finding.FixMitigated) {
			continue
		}
		if best == nil || buildLess(best.Build, f.Install.Build) {
			best = f.Install
		}
	}
	if best == nil {
		return ""
	}
	s := best.Name
	if best.KB != "" {
		s += " (" + best.KB + ")"
	}
	s += ", build " + best.Build
	if best.CUUpgradeFirst {
		s = "CU upgrade first: " + s
	}
	return s
}

// buildLess compares dotted builds numerically.
func buildLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, _ := strconv.Atoi(pa[i])
		y, _ := strconv.Atoi(pb[i])
		if x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}

// tableOthers bounds the one-line entries of hosts that are not Exchange: a table of a /8 is
// sixteen million unreachable addresses, and the machine formats are there for those.
const tableOthers = 1000

type tableScan struct {
	p      *printer
	hosts  []finding.ScanHost // Exchange servers, whole
	others []finding.ScanHost // the rest, reduced to what their line shows
	more   int                // the rest beyond tableOthers
}

func (t *tableScan) Host(h *finding.ScanHost) error {
	switch {
	case h.Status == finding.ScanExchange:
		t.hosts = append(t.hosts, *h)
	case len(t.others) < tableOthers:
		t.others = append(t.others, finding.ScanHost{Target: h.Target, IP: h.IP, Status: h.Status, Reason: h.Reason})
	default:
		t.more++
	}
	return nil
}

// statusRank puts what needs action first.
func statusRank(h *finding.ScanHost) int {
	switch {
	case h.Status == finding.ScanExchange && vulnerable(h):
		return 0
	case h.Status == finding.ScanExchange:
		return 1
	case h.Status == finding.ScanOnline:
		return 2
	case h.Status == finding.ScanFailed:
		return 3
	case h.Status == finding.ScanNotExchange:
		return 4
	}
	return 5
}

func vulnerable(h *finding.ScanHost) bool {
	for _, f := range h.Families {
		if f.Status == finding.FixVulnerable || f.Status == finding.FixMitigated {
			return true
		}
	}
	return false
}

func (t *tableScan) Close(sum *finding.ScanSummary) error {
	t.hosts = append(t.hosts, t.others...)
	sort.SliceStable(t.hosts, func(i, j int) bool {
		ri, rj := statusRank(&t.hosts[i]), statusRank(&t.hosts[j])
		if ri != rj {
			return ri < rj
		}
		return t.hosts[i].Target < t.hosts[j].Target
	})
	p := t.p
	for i := range t.hosts {
		h := &t.hosts[i]
		if h.Status != finding.ScanExchange {
			continue
		}
		p.line("%s  %s", p.paint("1", safe(h.Target)), safe(h.IP))
		exact := "CU only"
		if h.BuildExact {
			exact = "exact"
		}
		name := strings.Join(strings.Fields(h.ProductName+" "+h.CU+" "+h.Update), " ")
		if name == "" {
			name = "Exchange (build not in the catalog)"
		}
		p.line("  %s, build %s (%s, from %s, confidence %s)", safe(name), safe(h.Build), exact, safe(h.BuildFrom), safe(h.Confidence))
		if len(h.Servers) > 0 {
			p.line("  servers: %s", safe(strings.Join(h.Servers, ", ")))
		}
		for _, f := range h.Families {
			st := f.Status
			switch f.Status {
			case finding.FixVulnerable:
				st = p.paint("1;31", st)
			case finding.FixMitigated:
				st = p.paint("1;33", st)
			case finding.FixFixed:
				st = p.paint("32", st)
			default:
				st = "unknown(" + safe(f.Reason) + ")"
			}
			line := fmt.Sprintf("  %-14s %s", safe(f.Family), st)
			if f.Install != nil && f.Status != finding.FixFixed {
				line += "  install " + safe(f.Install.Name)
				if f.Install.KB != "" {
					line += " (" + safe(f.Install.KB) + ")"
				}
				if f.Install.CUUpgradeFirst {
					line += ", after a CU upgrade"
				}
			}
			p.line("%s", line)
		}
		for _, m := range h.Mitigations {
			p.line("  mitigation: %s (%s)", m.Name, safe(m.Evidence))
		}
		for _, w := range h.Warnings {
			p.line("  warning: %s", safe(w))
		}
		p.line("")
	}
	// The rest, one line each.
	tw := tabwriter.NewWriter(p.w, 2, 8, 2, ' ', 0)
	others := 0
	for i := range t.hosts {
		h := &t.hosts[i]
		if h.Status == finding.ScanExchange {
			continue
		}
		if others == 0 {
			fmt.Fprintln(tw, "TARGET\tIP\tSTATUS\tWHY")
		}
		others++
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", safe(h.Target), safe(h.IP), h.Status, safe(h.Reason))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if t.more > 0 {
		p.line("... and %d more hosts that are not Exchange (see the summary; --format jsonl lists every host)", t.more)
	}
	if others > 0 {
		p.line("")
	}
	ScanSummaryText(p.w, sum)
	return p.err
}

// ScanSummaryText writes the summary for people.
func ScanSummaryText(w io.Writer, sum *finding.ScanSummary) {
	p := &printer{w: w}
	p.line("%d targets in %.1f s, %d requests; %d excluded, %d bad target entries", sum.Targets, sum.Duration, sum.Requests, sum.Excluded, sum.BadTokens)
	var st []string
	for _, k := range []string{finding.ScanExchange, finding.ScanOnline, finding.ScanNotExchange, finding.ScanUnreachable, finding.ScanFailed, finding.ScanExcluded} {
		if n := sum.Statuses[k]; n > 0 {
			st = append(st, fmt.Sprintf("%s %d", k, n))
		}
	}
	p.line("hosts: %s", strings.Join(st, ", "))
	if len(sum.Products) > 0 {
		names := make([]string, 0, len(sum.Products))
		for k := range sum.Products {
			names = append(names, k)
		}
		sort.Strings(names)
		p.line("Exchange builds:")
		for _, k := range names {
			p.line("  %-40s %d", safe(k), sum.Products[k])
		}
	}
	if sum.Statuses[finding.ScanExchange] > 0 {
		p.line("%-14s %10s %10s %10s %10s", "fix family", "vulnerable", "mitigated", "fixed", "unknown")
		for _, f := range sum.Families {
			p.line("%-14s %10d %10d %10d %10d", safe(f.Family), f.Vulnerable, f.Mitigated, f.Fixed, f.Unknown)
		}
	}
}

// ScanTally builds a summary host by host.
type ScanTally struct{ sum finding.ScanSummary }

// NewScanTally starts a summary over these families.
func NewScanTally(families []string) *ScanTally {
	t := &ScanTally{sum: finding.ScanSummary{Statuses: map[string]int{}, Products: map[string]int{}}}
	for _, f := range families {
		t.sum.Families = append(t.sum.Families, finding.FamilyCount{Family: f})
	}
	return t
}

// Add counts one host.
func (t *ScanTally) Add(h *finding.ScanHost) {
	t.sum.Targets++
	t.sum.Statuses[h.Status]++
	t.sum.Requests += len(h.Requests)
	if h.Status != finding.ScanExchange {
		return
	}
	name := strings.TrimSpace(h.ProductName + " " + h.CU)
	if name == "" {
		name = "unknown build"
	}
	t.sum.Products[name]++
	for i := range t.sum.Families {
		fc := &t.sum.Families[i]
		switch st := familyText(h, fc.Family); {
		case st == finding.FixVulnerable:
			fc.Vulnerable++
		case st == finding.FixMitigated:
			fc.Mitigated++
		case st == finding.FixFixed:
			fc.Fixed++
		default:
			fc.Unknown++
		}
	}
}

// Summary returns the counts so far.
func (t *ScanTally) Summary() *finding.ScanSummary { return &t.sum }
