package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/report"
)

var scanFamilies = []string{"ProxyLogon", "ProxyShell"}

func scanHosts() []finding.ScanHost {
	return []finding.ScanHost{
		{Schema: 1, Target: "https://10.0.0.9:443", IP: "10.0.0.9", Port: 443, Status: finding.ScanNotExchange, Reason: "no Exchange marker"},
		{Schema: 1, Target: "https://10.0.0.2:443", IP: "10.0.0.2", Port: 443, Status: finding.ScanExchange, ProductName: "Exchange Server 2016", CU: "CU19",
			Build: "15.1.2176.9", BuildExact: true, BuildFrom: "x-owa-version", Confidence: "high", Servers: []string{"ex01"},
			Families: []finding.FamilyStatus{
				{Family: "ProxyLogon", Status: finding.FixFixed},
				{Family: "ProxyShell", Status: finding.FixVulnerable, Install: &finding.FixInstall{Name: "Exchange Server 2016 CU19 May21SU", KB: "KB5003435", Build: "15.1.2176.14"}},
			}},
		{Schema: 1, Target: "https://10.0.0.1:443", IP: "10.0.0.1", Port: 443, Status: finding.ScanExchange, ProductName: "Exchange Server 2019", CU: "CU14",
			Build: "15.2.1544.4", BuildExact: true, Confidence: "high",
			Warnings: []string{"the logon page says \x1b[31mhacked\x1b[0m"},
			Families: []finding.FamilyStatus{{Family: "ProxyLogon", Status: finding.FixFixed}, {Family: "ProxyShell", Status: finding.FixFixed}}},
		{Schema: 1, Target: "https://10.0.0.5:443", IP: "10.0.0.5", Port: 443, Status: finding.ScanFailed, Reason: "=HYPERLINK(\"http://x\")",
			Families: []finding.FamilyStatus{{Family: "ProxyLogon", Status: finding.FixUnknown, Reason: "timeout-tls"}}},
	}
}

func writeScan(t *testing.T, format string) string {
	t.Helper()
	var b bytes.Buffer
	w, err := report.NewScanWriter(&b, format, scanFamilies, false)
	if err != nil {
		t.Fatal(err)
	}
	tally := report.NewScanTally(scanFamilies)
	for _, h := range scanHosts() {
		tally.Add(&h)
		if err := w.Host(&h); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(tally.Summary()); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestScanTable(t *testing.T) {
	out := writeScan(t, "table")
	// The vulnerable server first, then the fixed one, then the others.
	iVuln, iFixed, iOther := strings.Index(out, "10.0.0.2"), strings.Index(out, "10.0.0.1"), strings.Index(out, "10.0.0.9")
	if !(iVuln >= 0 && iVuln < iFixed && iFixed < iOther) {
		t.Errorf("order: vulnerable at %d, fixed at %d, other at %d\n%s", iVuln, iFixed, iOther, out)
	}
	for _, want := range []string{"install Exchange Server 2016 CU19 May21SU (KB5003435)", "unknown", "hosts: exchange 2, not-exchange 1, failed 1",
		"ProxyShell              1          0          1          0"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("attacker text reached the terminal raw:\n%q", out)
	}
}

func TestScanCSV(t *testing.T) {
	rows, err := csv.NewReader(strings.NewReader(writeScan(t, "csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || len(rows[0]) != len(report.ScanCSVColumns())+len(scanFamilies) {
		t.Fatalf("rows %d, columns %v", len(rows), rows[0])
	}
	for _, r := range rows[1:] {
		for _, cell := range r {
			if strings.HasPrefix(cell, "=") || strings.HasPrefix(cell, "+") || strings.HasPrefix(cell, "@") {
				t.Errorf("formula cell %q reached the CSV", cell)
			}
		}
		if r[0] == "https://10.0.0.2:443" && (r[len(r)-1] != "vulnerable" || !strings.Contains(r[14], "KB5003435")) {
			t.Errorf("row %v", r)
		}
		if r[0] == "https://10.0.0.5:443" && r[len(r)-2] != "unknown(timeout-tls)" {
			t.Errorf("row %v", r)
		}
	}
}

func TestScanJSONLinesRoundTrip(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(writeScan(t, "jsonl")), "\n")
	if len(lines) != len(scanHosts()) {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines {
		var h finding.ScanHost
		if err := json.Unmarshal([]byte(l), &h); err != nil || h.Target != scanHosts()[i].Target || h.Schema != finding.ScanSchema {
			t.Errorf("line %d: %v %+v", i, err, h)
		}
	}
}

func TestScanTableBoundsTheRest(t *testing.T) {
	var b bytes.Buffer
	w, _ := report.NewScanWriter(&b, "table", scanFamilies, false)
	tally := report.NewScanTally(scanFamilies)
	for i := range 1500 {
		h := finding.ScanHost{Target: "https://10.1.0.0:443", Status: finding.ScanUnreachable, Reason: "refused"}
		h.Target = h.Target + string(rune('a'+i%26))
		tally.Add(&h)
		w.Host(&h)
	}
	w.Close(tally.Summary())
	if !strings.Contains(b.String(), "... and 500 more hosts") {
		t.Errorf("the table did not bound its list:\n%s", b.String()[len(b.String())-400:])
	}
}
