package report

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
)

func TestTicks(t *testing.T) {
	at := func(y int, m time.Month, d, h, min int) float64 {
		return secs(time.Date(y, m, d, h, min, 0, 0, time.UTC))
	}
	tests := []struct {
		name     string
		lo, hi   float64
		want     []string // labels
		wantSubs []string // second lines, "" where none
	}{
		{"an hour", at(2021, 3, 3, 5, 55), at(2021, 3, 3, 7, 5),
			[]string{"06:00", "06:10", "06:20", "06:30", "06:40", "06:50", "07:00"}, []string{"2021-03-03", "", "", "", "", "", ""}},
		{"across midnight", at(2021, 3, 3, 20, 0), at(2021, 3, 4, 8, 0),
			[]string{"20:00", "22:00", "00:00", "02:00", "04:00", "06:00", "08:00"}, []string{"2021-03-03", "", "2021-03-04", "", "", "", ""}},
		{"two days", at(2021, 3, 3, 1, 0), at(2021, 3, 5, 1, 0),
			[]string{"06:00", "12:00", "18:00", "00:00", "06:00", "12:00", "18:00", "00:00"}, []string{"2021-03-03", "", "", "2021-03-04", "", "", "", "2021-03-05"}},
		{"forty days, weeks from Monday", at(2021, 3, 1, 12, 0), at(2021, 4, 10, 0, 0),
			[]string{"2021-03-08", "2021-03-15", "2021-03-22", "2021-03-29", "2021-04-05"}, nil},
		{"a year", at(2020, 12, 20, 0, 0), at(2021, 12, 10, 0, 0),
			[]string{"2021-01", "2021-03", "2021-05", "2021-07", "2021-09", "2021-11"}, nil},
		{"twenty years", at(2001, 6, 1, 0, 0), at(2021, 6, 1, 0, 0),
			[]string{"2005", "2010", "2015", "2020"}, nil},
		{"before 1970", at(1950, 2, 1, 0, 0), at(1969, 12, 1, 0, 0),
			[]string{"1955", "1960", "1965"}, nil},
		{"months before 1970", at(1969, 2, 10, 0, 0), at(1969, 11, 10, 0, 0),
			[]string{"1969-03", "1969-05", "1969-07", "1969-09", "1969-11"}, nil},
		{"ten thousand years", at(1, 1, 2, 0, 0), at(9999, 12, 31, 0, 0),
			[]string{"2000", "4000", "6000", "8000"}, nil},
		{"a minute", at(2021, 3, 3, 7, 12) - 3, at(2021, 3, 3, 7, 13) + 3,
			[]string{"07:12:00", "07:12:10", "07:12:20", "07:12:30", "07:12:40", "07:12:50", "07:13:00"}, []string{"2021-03-03", "", "", "", "", "", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ticks(tc.lo, tc.hi)
			var labels, subs []string
			for i, tk := range got {
				labels = append(labels, tk.Label)
				subs = append(subs, tk.Sub)
				if tk.X < tc.lo || tk.X > tc.hi {
					t.Errorf("tick %s outside the range", tk.Label)
				}
				if i > 0 && tk.X <= got[i-1].X {
					t.Errorf("ticks not increasing at %s", tk.Label)
				}
			}
			if strings.Join(labels, " ") != strings.Join(tc.want, " ") {
				t.Errorf("labels %q, want %q", labels, tc.want)
			}
			if tc.wantSubs != nil && strings.Join(subs, "|") != strings.Join(tc.wantSubs, "|") {
				t.Errorf("second lines %q, want %q", subs, tc.wantSubs)
			}
			if len(got) > maxTicks+1 {
				t.Errorf("%d ticks", len(got))
			}
		})
	}
}

func TestBuildChart(t *testing.T) {
	at := func(d time.Duration) time.Time { return g0.Add(d) }
	fnd := func(tm time.Time, inc int, sev finding.Severity) finding.Finding {
		return finding.Finding{RuleID: "R", Time: tm, Incident: inc, Severity: sev}
	}
	many := func(n int, step time.Duration, inc func(i int) int) []finding.Finding {
		var fs []finding.Finding
		for i := range n {
			fs = append(fs, fnd(at(time.Duration(i)*step), inc(i), finding.Severity(i%5)))
		}
		return fs
	}
	incidents := func(n int) []finding.Incident {
		var is []finding.Incident
		for i := 1; i <= n; i++ {
			is = append(is, finding.Incident{ID: i, Verdict: finding.Attempted, FirstSeen: at(0), LastSeen: at(time.Hour)})
		}
		return is
	}
	tests := []struct {
		name      string
		host      finding.HostResult
		lanes     []string // labels
		dots      int      // -1: only check the bound
		undated   int
		firstDot  string // class of the first dot of the first lane
		checkMore func(t *testing.T, c *chart)
	}{
		{name: "no findings", host: finding.HostResult{}, lanes: nil},
		{name: "only undated", host: finding.HostResult{Findings: []finding.Finding{fnd(time.Time{}, 0, finding.High)}}, lanes: nil, undated: 1},
		{name: "one finding", host: finding.HostResult{Findings: []finding.Finding{fnd(at(0), 0, finding.High)}},
			lanes: []string{"Not in an incident"}, dots: 1, firstDot: "high",
			checkMore: func(t *testing.T, c *chart) {
				if x := c.Lanes[0].Dots[0].X; math.Abs(x-(c.Left+c.Right)/2) > dotColumn {
					t.Errorf("a lone finding at x=%v, not in the middle", x)
				}
			}},
		{name: "all at one instant, gravest colour wins", host: finding.HostResult{Incidents: incidents(1),
			Findings: append(many(999, 0, func(int) int { return 1 }), fnd(at(0), 1, finding.Critical))},
			lanes: []string{"Incident 1: ATTEMPTED"}, dots: 1, firstDot: "critical",
			checkMore: func(t *testing.T, c *chart) {
				if d := c.Lanes[0].Dots[0]; !strings.HasPrefix(d.Title, "1000 findings, the gravest critical") {
					t.Errorf("title %q", d.Title)
				}
			}},
		{name: "twenty years", host: finding.HostResult{Findings: []finding.Finding{
			fnd(time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), 0, finding.Low), fnd(time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), 0, finding.Low)}},
			lanes: []string{"Not in an incident"}, dots: 2,
			checkMore: func(t *testing.T, c *chart) {
				if len(c.Ticks) < 3 || !strings.HasSuffix(c.Ticks[0].Label, "5") && !strings.HasSuffix(c.Ticks[0].Label, "0") {
					t.Errorf("ticks %v", c.Ticks)
				}
			}},
		// 0001-01-01 00:00 UTC itself is Go's zero time: "no time".
		{name: "before 1970 and the first and last years", host: finding.HostResult{Findings: []finding.Finding{
			fnd(time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), 0, finding.Low), fnd(time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC), 0, finding.Low),
			fnd(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), 0, finding.Low)}},
			lanes: []string{"Not in an incident"}, dots: 3},
		{name: "times no calendar labels are undated", host: finding.HostResult{Findings: []finding.Finding{
			fnd(time.Date(-50, 1, 1, 0, 0, 0, 0, time.UTC), 0, finding.Low), fnd(time.Unix(1<<62, 0), 0, finding.Low), fnd(at(0), 0, finding.Low)}},
			lanes: []string{"Not in an incident"}, dots: 1, undated: 2},
		{name: "thirty thousand findings", host: finding.HostResult{Incidents: incidents(3), Findings: many(30000, 7*time.Second, func(i int) int { return i % 4 })},
			lanes: []string{"Incident 1: ATTEMPTED", "Incident 2: ATTEMPTED", "Incident 3: ATTEMPTED", "Not in an incident"}, dots: -1},
		{name: "lanes capped", host: finding.HostResult{Incidents: incidents(40), Findings: many(400, time.Minute, func(i int) int { return i % 41 })},
			lanes: append(laneNames(15), "25 other incidents", "Not in an incident"), dots: -1},
		{name: "an incident the list lacks", host: finding.HostResult{Incidents: incidents(1), Findings: []finding.Finding{fnd(at(0), 1, finding.Low), fnd(at(time.Hour), 9, finding.Low)}},
			lanes: []string{"Incident 1: ATTEMPTED", "1 other incident"}, dots: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := buildChart(&tc.host, 1)
			var labels []string
			dots := 0
			for _, l := range c.Lanes {
				labels = append(labels, l.Label)
				dots += len(l.Dots)
				for _, d := range l.Dots {
					checkXY(t, c, d.X, l.Y)
				}
				if l.Bar != nil {
					checkXY(t, c, l.Bar.X, l.BarY)
					checkXY(t, c, l.Bar.X+l.Bar.W, l.BarY)
				}
			}
			if strings.Join(labels, "|") != strings.Join(tc.lanes, "|") {
				t.Errorf("lanes %q, want %q", labels, tc.lanes)
			}
			if limit := len(c.Lanes) * int((c.Right-c.Left)/dotColumn+1); dots > limit || tc.dots >= 0 && dots != tc.dots {
				t.Errorf("%d dots, want %d (at most %d)", dots, tc.dots, limit)
			}
			if c.Dots != dots {
				t.Errorf("Dots says %d, lanes hold %d", c.Dots, dots)
			}
			if c.Undated != tc.undated {
				t.Errorf("%d undated, want %d", c.Undated, tc.undated)
			}
			if c.Drawn+c.Undated != len(tc.host.Findings) {
				t.Errorf("%d drawn + %d undated != %d findings", c.Drawn, c.Undated, len(tc.host.Findings))
			}
			if tc.firstDot != "" && c.Lanes[0].Dots[0].Class != tc.firstDot {
				t.Errorf("first dot %s, want %s", c.Lanes[0].Dots[0].Class, tc.firstDot)
			}
			for _, tk := range c.Ticks {
				checkXY(t, c, tk.X, c.AxisY)
			}
			if tc.checkMore != nil {
				tc.checkMore(t, c)
			}
		})
	}
}

func laneNames(n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("Incident %d: ATTEMPTED", i))
	}
	return out
}

func checkXY(t *testing.T, c *chart, x, y float64) {
	t.Helper()
	if math.IsNaN(x) || math.IsNaN(y) || x < 0 || x > c.Width || y < 0 || y > c.Height {
		t.Errorf("point (%v, %v) outside the %vx%v chart", x, y, c.Width, c.Height)
	}
}
