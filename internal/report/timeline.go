package report

// The HTML report's timeline chart: computed here as plain geometry (numbers and our own words),
// drawn as inline SVG by the template, so it needs no script and no network. Findings' times are
// attacker-written too (a forged log row can say 1601 or 9999), so every computation works in
// float seconds on a clamped range, and the drawing is bounded whatever the input: dots are
// aggregated per few-pixel column and lane, lanes are capped.

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
)

// Geometry of the chart, in SVG user units (the chart scales to the page width).
const (
	chartWidth   = 960.0
	chartLeft    = 200.0 // lane labels are to the left of this
	chartRight   = 20.0
	chartTop     = 8.0
	laneHeight   = 26.0
	axisHeight   = 44.0
	dotColumn    = 5.0 // findings closer than this share one dot
	maxLanes     = 15  // incident lanes; the others share one lane
	maxTicks     = 8
	minSpanSecs  = 60.0
	chartPadding = 0.04 // of the span, on each side
)

// chart is what the template draws. Numbers are rounded to a tenth of a unit to keep the SVG
// small; strings are our own words or attacker text made printable (the template escapes them).
type chart struct {
	ID      string // element id (from the host's index, never from its name)
	Width   float64
	Height  float64
	Left    float64
	Right   float64 // x of the plot's right edge
	Top     float64
	LabelX  float64 // right end of the lane labels
	AxisY   float64
	TickY   float64 // baseline of the tick labels
	SubY    float64 // and of their second line
	Ticks   []tick
	Lanes   []lane
	From    string // the range drawn, for the caption
	To      string
	Dots    int // dots drawn (each one or more findings)
	Drawn   int // findings drawn
	Undated int // findings without a usable time, not drawn
}

type tick struct {
	X     float64
	Label string
	Sub   string // a second line (the date, when it changed)
}

type lane struct {
	Y      float64 // centre line
	BarY   float64 // top of the incident's bar
	Label  string
	Class  string // verdict class of the bar
	Bar    *bar
	Dots   []dot
	Top    float64
	Bottom float64
}

type bar struct {
	X, W  float64
	Class string // the incident's verdict
	Title string
}

type dot struct {
	X, R  float64
	Class string // severity
	Title string
}

// Usable times are those of years 1 to 9999, which a calendar labels; anything else is
// "without a usable time". Bounds in Unix seconds.
const (
	chartMinUnix = -62135596800 // 0001-01-01 00:00:00 UTC
	chartMaxUnix = 253402300799 // 9999-12-31 23:59:59 UTC
)

func usable(t time.Time) bool {
	u := t.Unix()
	return !t.IsZero() && u >= chartMinUnix && u <= chartMaxUnix
}

// secs is a time as float seconds since 1970: exact enough (microseconds) over ten thousand
// years, and never overflows as time.Duration does beyond 292 years.
func secs(t time.Time) float64 {
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// buildChart lays out the timeline of one host: x is time (UTC) from the first to the last dated
// finding, one lane per incident (a bar from first to last seen, dots for its findings coloured by
// the gravest severity at that place) and one lane for the findings outside incidents. It returns
// a chart without lanes when no finding has a usable time.
func buildChart(h *finding.HostResult, n int) *chart {
	c := &chart{ID: fmt.Sprintf("timeline-%d", n), Width: chartWidth, Left: chartLeft, Right: chartWidth - chartRight, Top: chartTop, LabelX: chartLeft - 8}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range h.Findings {
		t := h.Findings[i].Time
		if !usable(t) {
			c.Undated++
			continue
		}
		s := secs(t)
		lo, hi = math.Min(lo, s), math.Max(hi, s)
	}
	if lo > hi { // nothing dated
		return c
	}
	// Incidents stretch the range only when their findings are on it, so a forged first_seen in
	// a hand-edited report cannot squash the chart.
	if hi-lo < minSpanSecs {
		mid := (lo + hi) / 2
		lo, hi = mid-minSpanSecs/2, mid+minSpanSecs/2
	}
	pad := (hi - lo) * chartPadding
	lo, hi = lo-pad, hi+pad
	plotW := c.Right - c.Left
	xOf := func(s float64) float64 {
		x := c.Left + (s-lo)/(hi-lo)*plotW
		return round1(math.Max(c.Left, math.Min(c.Right, x)))
	}
	c.From, c.To = utcFloat(lo), utcFloat(hi)

	// Lanes: incidents in id order, the first maxLanes with their own lane.
	incs := append([]finding.Incident(nil), h.Incidents...)
	sort.SliceStable(incs, func(i, j int) bool { return incs[i].ID < incs[j].ID })
	laneOf := map[int]int{} // incident id -> lane index
	var lanes []lane
	other := -1
	own := 0 // incidents with a lane of their own
	for _, inc := range incs {
		if _, dup := laneOf[inc.ID]; dup || inc.ID == 0 {
			continue
		}
		if own == maxLanes {
			if other < 0 {
				other = len(lanes)
				lanes = append(lanes, lane{Class: "clean"})
			}
			laneOf[inc.ID] = other
			continue
		}
		l := lane{Label: fmt.Sprintf("Incident %d: %s", inc.ID, inc.Verdict), Class: verdictClass(inc.Verdict)}
		if usable(inc.FirstSeen) && usable(inc.LastSeen) {
			x1, x2 := xOf(secs(inc.FirstSeen)), xOf(secs(inc.LastSeen))
			if x2 < x1 {
				x1, x2 = x2, x1
			}
			w := math.Max(3, x2-x1)
			x1 = math.Min(x1, c.Right-w)
			l.Bar = &bar{X: round1(x1), W: round1(w), Class: l.Class, Title: fmt.Sprintf("Incident %d, %s, %s: %s", inc.ID, inc.Verdict, span(inc.FirstSeen, inc.LastSeen), show(inc.Summary, maxTextShown))}
		}
		laneOf[inc.ID] = len(lanes)
		lanes = append(lanes, l)
		own++
	}
	outside := -1
	for i := range h.Findings {
		f := &h.Findings[i]
		if _, ok := laneOf[f.Incident]; ok {
			continue
		}
		if f.Incident != 0 { // an incident the list does not hold
			if other < 0 {
				other = len(lanes)
				lanes = append(lanes, lane{Class: "clean"})
			}
			laneOf[f.Incident] = other
			continue
		}
		if outside < 0 {
			outside = len(lanes)
			lanes = append(lanes, lane{Label: "Not in an incident", Class: "clean"})
		}
	}
	if other >= 0 {
		k := 0
		for _, li := range laneOf {
			if li == other {
				k++
			}
		}
		lanes[other].Label = fmt.Sprintf("%d other incidents", k)
		if k == 1 {
			lanes[other].Label = "1 other incident"
		}
	}

	// Dots: per lane, one per column of dotColumn units, with the gravest severity there.
	type cell struct {
		count    int
		worst    finding.Severity
		min, max float64
	}
	cells := make([]map[int]*cell, len(lanes))
	for i := range cells {
		cells[i] = map[int]*cell{}
	}
	for i := range h.Findings {
		f := &h.Findings[i]
		if !usable(f.Time) {
			continue
		}
		li := outside
		if l, ok := laneOf[f.Incident]; ok {
			li = l
		}
		s := secs(f.Time)
		col := int((xOf(s) - c.Left) / dotColumn)
		ce := cells[li][col]
		if ce == nil {
			ce = &cell{worst: f.Severity, min: s, max: s}
			cells[li][col] = ce
		}
		ce.count++
		if f.Severity > ce.worst {
			ce.worst = f.Severity
		}
		ce.min, ce.max = math.Min(ce.min, s), math.Max(ce.max, s)
		c.Drawn++
	}
	for li := range lanes {
		l := &lanes[li]
		l.Top = chartTop + float64(li)*laneHeight
		l.Bottom = l.Top + laneHeight
		l.Y = l.Top + laneHeight/2
		l.BarY = l.Y - 8
		cols := make([]int, 0, len(cells[li]))
		for col := range cells[li] {
			cols = append(cols, col)
		}
		sort.Ints(cols)
		for _, col := range cols {
			ce := cells[li][col]
			title := fmt.Sprintf("1 finding, %s, %s", severityClass(ce.worst), utcFloat(ce.min))
			if ce.count > 1 {
				title = fmt.Sprintf("%d findings, the gravest %s, %s", ce.count, severityClass(ce.worst), utcFloat(ce.min))
				if last := utcFloat(ce.max); last != title[len(title)-len(last):] {
					title = strings.TrimSuffix(title, " UTC") + " to " + strings.TrimPrefix(last, utcFloat(ce.min)[:11])
				}
			}
			l.Dots = append(l.Dots, dot{
				X: round1(c.Left + (float64(col)+0.5)*dotColumn), R: round1(math.Min(7, 3+math.Log2(float64(ce.count)))),
				Class: severityClass(ce.worst), Title: title,
			})
		}
		c.Dots += len(l.Dots)
	}
	c.Lanes = lanes
	c.AxisY = chartTop + float64(len(lanes))*laneHeight
	c.Height = c.AxisY + axisHeight
	c.TickY, c.SubY = c.AxisY+16, c.AxisY+31
	for _, tk := range ticks(lo, hi) {
		tk.X = xOf(tk.X)
		c.Ticks = append(c.Ticks, tk)
	}
	return c
}

// utcFloat writes float seconds as a UTC time, to the second.
func utcFloat(s float64) string {
	sec := math.Floor(s)
	return time.Unix(int64(sec), 0).UTC().Format("2006-01-02 15:04:05") + " UTC"
}

// A tick step: a fixed number of seconds, or a number of calendar months.
type step struct {
	secs   float64
	months int
}

// steps from the finest to the coarsest; the chart uses the first that gives at most maxTicks.
func steps() []step {
	const m, h, d = 60.0, 3600.0, 86400.0
	out := []step{{secs: 10}, {secs: 30}, {secs: m}, {secs: 2 * m}, {secs: 5 * m}, {secs: 10 * m}, {secs: 15 * m}, {secs: 30 * m},
		{secs: h}, {secs: 2 * h}, {secs: 3 * h}, {secs: 6 * h}, {secs: 12 * h}, {secs: d}, {secs: 2 * d}, {secs: 7 * d}, {secs: 14 * d},
		{months: 1}, {months: 2}, {months: 3}, {months: 6}}
	for _, y := range []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000} {
		out = append(out, step{months: 12 * y})
	}
	return out
}

// ticks returns the tick marks between lo and hi (float seconds), X holding the time in seconds.
// Steps of a fixed length are aligned to midnight UTC (weeks to Mondays), months to the first of
// the month, years to a multiple of the step.
func ticks(lo, hi float64) []tick {
	span := hi - lo
	const monday = 4 * 86400.0 // 1970-01-05 was a Monday
	for _, st := range steps() {
		if st.months == 0 {
			if span/st.secs > maxTicks {
				continue
			}
			origin := 0.0
			if st.secs >= 7*86400 {
				origin = monday
			}
			var out []tick
			prevDay := ""
			for s := math.Ceil((lo-origin)/st.secs)*st.secs + origin; s <= hi && len(out) <= maxTicks; s += st.secs {
				t := time.Unix(int64(s), 0).UTC()
				tk := tick{X: s}
				switch {
				case st.secs >= 86400:
					tk.Label = t.Format("2006-01-02")
				case st.secs < 60:
					tk.Label = t.Format("15:04:05")
				default:
					tk.Label = t.Format("15:04")
				}
				if day := t.Format("2006-01-02"); st.secs < 86400 && day != prevDay {
					tk.Sub, prevDay = day, day
				}
				out = append(out, tk)
			}
			return out
		}
		if span/(float64(st.months)*30.436875*86400) > maxTicks {
			continue
		}
		first := time.Unix(int64(math.Floor(lo)), 0).UTC()
		k := st.months
		idx := floorDiv(first.Year()*12+int(first.Month())-1, k) * k // months since year 0
		var out []tick
		for i := 0; i < 2*maxTicks+2 && len(out) <= maxTicks; i, idx = i+1, idx+k {
			// Go's / and % truncate alike, so year*12+month is idx even before year 0, and
			// time.Date normalises the month.
			t := time.Date(idx/12, time.Month(idx%12+1), 1, 0, 0, 0, 0, time.UTC)
			s := secs(t)
			if s > hi {
				break
			}
			if s < lo {
				continue
			}
			label := t.Format("2006-01")
			if k%12 == 0 {
				label = t.Format("2006")
			}
			out = append(out, tick{X: s, Label: label})
		}
		return out
	}
	return nil
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
