// Package report writes hunt results: a table for people, JSON, JSON lines and CSV for
// machines, a timeline CSV that timeline tools load, and per-check CSV files named and shaped like
// Microsoft's Test-ProxyLogon output so existing playbooks keep working. It depends only on the
// finding vocabulary.
package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
)

// Formats lists the output formats of WriteTo.
func Formats() []string { return []string{"table", "json", "jsonl", "csv"} }

// WriteTo writes the report in one format.
func WriteTo(w io.Writer, r *finding.Report, format string, color bool) error {
	switch format {
	case "table":
		return Table(w, r, color)
	case "json":
		return JSON(w, r)
	case "jsonl":
		return JSONLines(w, r)
	case "csv":
		return FindingsCSV(w, r)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats(), ", "))
}

// JSON writes the whole report as one indented document.
func JSON(w io.Writer, r *finding.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// JSONLines writes one line per finding, then one line per host with its verdict, windows and
// problems (findings left out): a stream a log pipeline ingests line by line.
func JSONLines(w io.Writer, r *finding.Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, h := range r.Hosts {
		for i := range h.Findings {
			line := struct {
				Type string `json:"type"`
				Host string `json:"host"`
				*finding.Finding
			}{"finding", h.Host, &h.Findings[i]}
			if err := enc.Encode(line); err != nil {
				return err
			}
		}
		hostOnly := h
		hostOnly.Findings = nil
		line := struct {
			Type     string `json:"type"`
			Schema   int    `json:"schema"`
			Tool     string `json:"tool"`
			Version  string `json:"version"`
			RulePack string `json:"rule_pack"`
			finding.HostResult
		}{"host", r.Schema, r.Tool, r.Version, r.RulePack, hostOnly}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	return nil
}

// csvCell neutralises a cell a spreadsheet would run as a formula (=, +, -, @ and the tab and
// carriage return that some read the same way): attackers choose user agents and URLs, and
// responders open these files in Excel. The quote shows; nothing else changes.
func csvCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func csvRow(vals ...string) []string {
	for i, v := range vals {
		vals[i] = csvCell(v)
	}
	return vals
}

// FindingsCSV writes one row per finding.
func FindingsCSV(w io.Writer, r *finding.Report) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"host", "time", "rule_id", "severity", "verdict", "incident", "source", "path", "line", "client_ip", "user", "user_agent", "target", "title", "evidence"})
	for _, h := range r.Hosts {
		for _, f := range h.Findings {
			_ = cw.Write(csvRow(h.Host, timeText(f.Time), f.RuleID, f.Severity.String(), string(f.Supports), strconv.Itoa(f.Incident), f.Source, f.Where.Path, lineText(f.Where), f.ClientIP, f.User, f.UserAgent, f.Target, f.Title, f.Evidence))
		}
	}
	cw.Flush()
	return cw.Error()
}

// Timeline writes every finding as one event, sorted by time, with the columns timeline tools
// (Timesketch and its kin) expect first.
func Timeline(w io.Writer, r *finding.Report) error {
	type row struct {
		t   time.Time
		rec []string
	}
	var rows []row
	for _, h := range r.Hosts {
		for _, f := range h.Findings {
			msg := fmt.Sprintf("%s: %s", f.RuleID, f.Title)
			if f.Target != "" {
				msg += " | " + f.Target
			}
			if f.ClientIP != "" {
				msg += " | from " + f.ClientIP
			}
			micros := ""
			if !f.Time.IsZero() {
				micros = strconv.FormatInt(f.Time.UnixMicro(), 10)
			}
			rows = append(rows, row{f.Time, csvRow(
				timeText(f.Time), micros, timestampDesc(f.Source), f.Source, msg,
				h.Host, f.RuleID, f.Severity.String(), string(f.Supports), strconv.Itoa(f.Incident), f.ClientIP, f.UserAgent, f.Where.Path, lineText(f.Where), f.Evidence,
			)})
		}
		for _, e := range h.WebFiles {
			if len(e.Rules) > 0 {
				continue // its findings are already events
			}
			t := e.Time()
			desc := "File created"
			if e.Created.IsZero() {
				desc = "File modified"
			}
			rows = append(rows, row{t, csvRow(
				timeText(t), strconv.FormatInt(t.UnixMicro(), 10), desc, "file", "new file in a web folder (no rule fired) | "+e.Path,
				h.Host, "", "", "", "", "", "", e.Path, "", fmt.Sprintf("%s, %d bytes, sha256 %s", e.Place, e.Size, e.SHA256),
			)})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].t.Before(rows[j].t) })
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"datetime", "timestamp", "timestamp_desc", "source", "message", "host", "rule_id", "severity", "verdict", "incident", "client_ip", "user_agent", "path", "line", "evidence"})
	for _, r := range rows {
		_ = cw.Write(r.rec)
	}
	cw.Flush()
	return cw.Error()
}

func timestampDesc(source string) string {
	switch source {
	case "iis":
		return "IIS request time"
	case "httpproxy", "ecp", "oab":
		return "Exchange log time"
	case "file":
		return "File created"
	}
	return "Event time"
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// lineText is the line column of CSV and timeline rows: the line number, or for an event-log
// finding "#" and its record number(s), so every row still points at its evidence.
func lineText(l finding.Location) string {
	switch {
	case l.Line != 0:
		return strconv.FormatInt(l.Line, 10)
	case l.Record != "":
		return "#" + l.Record
	}
	return ""
}

// WriteDir writes report.json, timeline.csv and the Test-ProxyLogon style files into dir and
// returns the paths written.
func WriteDir(dir string, r *finding.Report) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	write := func(name string, fn func(io.Writer) error) error {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		if err := fn(f); err != nil {
			f.Close()
			return fmt.Errorf("%s: %w", p, err)
		}
		if err := f.Close(); err != nil {
			return err
		}
		written = append(written, p)
		return nil
	}
	if err := write("report.json", func(w io.Writer) error { return JSON(w, r) }); err != nil {
		return written, err
	}
	if err := write("timeline.csv", func(w io.Writer) error { return Timeline(w, r) }); err != nil {
		return written, err
	}
	for _, h := range r.Hosts {
		for _, c := range perCheckFiles(h) {
			if err := write(c.name, c.write); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}
