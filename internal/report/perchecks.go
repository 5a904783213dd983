package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/exsweep/exsweep/internal/finding"
)

type checkFile struct {
	name  string
	write func(io.Writer) error
}

// proxyLogonColumns are the columns of Test-ProxyLogon's <Computer>-Cve-2021-26855.csv.
func proxyLogonColumns() []string {
	return []string{"DateTime", "RequestId", "ClientIPAddress", "UrlHost", "UrlStem", "RoutingHint", "UserAgent", "AnchorMailbox", "HttpStatus"}
}

// perCheckFiles returns the Test-ProxyLogon style files for a host, only those with content, as
// that script writes a file only when its check found something.
func perCheckFiles(h finding.HostResult) []checkFile {
	computer := safeName(h.Host)
	var rows [][]string
	seenRow := map[string]bool{}
	files26858, files27065 := uniq{}, uniq{}
	for _, f := range h.Findings {
		switch {
		case f.Source == "httpproxy" && isServerInfoRow(f.Fields["AnchorMailbox"]):
			key := f.Where.String()
			if seenRow[key] {
				continue // one row matched by several rules is one row of the export
			}
			seenRow[key] = true
			var rec []string
			for _, c := range proxyLogonColumns() {
				k := c
				if c == "ClientIPAddress" {
					k = "ClientIpAddress"
				}
				rec = append(rec, csvCell(f.Fields[k]))
			}
			rows = append(rows, rec)
		case f.Source == "oab" && hasCVE(f, "CVE-2021-26858"):
			files26858.add(f.Where.Path)
		case f.Source == "ecp" && hasCVE(f, "CVE-2021-27065") && f.Supports == finding.SupportsCompromised:
			files27065.add(f.Where.Path)
		}
	}
	var out []checkFile
	if len(rows) > 0 {
		out = append(out, checkFile{computer + "-Cve-2021-26855.csv", func(w io.Writer) error {
			if err := writeQuotedCSV(w, proxyLogonColumns()); err != nil {
				return err
			}
			for _, r := range rows {
				if err := writeQuotedCSV(w, r); err != nil {
					return err
				}
			}
			return nil
		}})
	}
	for _, c := range []struct {
		name  string
		files uniq
	}{{"-Cve-2021-26858.log", files26858}, {"-Cve-2021-27065.log", files27065}} {
		if len(c.files.list) == 0 {
			continue
		}
		list := c.files.list
		out = append(out, checkFile{computer + c.name, func(w io.Writer) error {
			for _, p := range list {
				if _, err := fmt.Fprintln(w, p); err != nil {
					return err
				}
			}
			return nil
		}})
	}
	return out
}

type uniq struct {
	list []string
	seen map[string]bool
}

func (u *uniq) add(s string) {
	if u.seen == nil {
		u.seen = map[string]bool{}
	}
	if !u.seen[s] {
		u.seen[s] = true
		u.list = append(u.list, s)
	}
}

// isServerInfoRow is Test-ProxyLogon's 26855 condition (AnchorMailbox like ServerInfo~*/*): its
// export holds those rows only, so playbooks built on it see what they expect.
func isServerInfoRow(anchor string) bool {
	return len(anchor) > len("ServerInfo~") && strings.EqualFold(anchor[:len("ServerInfo~")], "ServerInfo~") && strings.Contains(anchor[len("ServerInfo~"):], "/")
}

func hasCVE(f finding.Finding, cve string) bool {
	for _, c := range f.CVEs {
		if c == cve {
			return true
		}
	}
	return false
}

// writeQuotedCSV writes a row the way PowerShell's Export-Csv does: every value quoted.
func writeQuotedCSV(w io.Writer, rec []string) error {
	var sb strings.Builder
	for i, v := range rec {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('"')
		sb.WriteString(strings.ReplaceAll(v, `"`, `""`))
		sb.WriteByte('"')
	}
	sb.WriteString("\r\n")
	_, err := io.WriteString(w, sb.String())
	return err
}

// safeName keeps a host name usable as a file name on every platform.
func safeName(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			sb.WriteRune(r)
		default:
			sb.WriteByte('_')
		}
	}
	if sb.Len() == 0 {
		return "host"
	}
	return sb.String()
}
