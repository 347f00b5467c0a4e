package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/taper-run/taper/analysis"
)

// Chart colours, shared with the HTML legend (see palette).
func rgb(hex uint32) color.RGBA {
	return color.RGBA{R: uint8(hex >> 16), G: uint8(hex >> 8), B: uint8(hex), A: 255}
}

// paletteEntry is one colour of the charts with its legend label.
type paletteEntry struct {
	Key   string
	Label string
	Hex   uint32
}

func (p paletteEntry) CSS() string { return fmt.Sprintf("#%06x", p.Hex) }

// Colours keep one meaning across the page: red is a breach (and volume
// above the cap), amber a warning (and volume within cap_tolerance above
// it); run classes, phases and the other volume states use hues of their
// own.

// classPalette colours activities by run class, then other sports.
func classPalette() []paletteEntry {
	return []paletteEntry{
		{analysis.ClassEasy, "easy run", 0x59a14f},
		{analysis.ClassLong, "long run", 0x2f7f8a},
		{analysis.ClassTempo, "tempo run", 0x9c755f},
		{analysis.ClassInterval, "interval run", 0x8e44ad},
		{analysis.ClassRace, "race", 0xe377c2},
		{"run", "run (unclassified)", 0xa5d19c},
		{"other", "other sport", 0x7f7f7f},
	}
}

// phasePalette colours the timeline's background by recovery phase.
func phasePalette() []paletteEntry {
	return []paletteEntry{
		{analysis.PhaseRest, "rest", 0xdcebf7},
		{analysis.PhaseReturn, "return", 0xe3f2dc},
		{analysis.PhaseRamp, "ramp", 0xfbf1d3},
		{analysis.PhaseOpen, analysis.PhaseLabel(analysis.PhaseOpen), 0xf1f1f1},
	}
}

// Volume bar states: the week's volume against its cap.
const (
	volWithin = "within"
	volNear   = "near"
	volAbove  = "above"
	volNoCap  = "nocap"
)

// volumePalette colours the weekly volume bars by volume against the cap.
func volumePalette() []paletteEntry {
	return []paletteEntry{
		{volWithin, "volume within the cap", 0x4e79a7},
		{volNear, "above the cap, within cap_tolerance (warning)", 0xe8a202},
		{volAbove, "above the cap (breach)", 0xd62728},
		{volNoCap, "volume, no cap that week", 0xaab7c4},
	}
}

// severityPalette colours the finding marks.
func severityPalette() []paletteEntry {
	return []paletteEntry{
		{analysis.SeverityBreach, "breach", 0xd62728},
		{analysis.SeverityWarning, "warning", 0xe8a202},
	}
}

// volumeState says how a week's volume stands against its cap.
func volumeState(r *analysis.Report, w analysis.Week) string {
	if w.Cap == nil {
		return volNoCap
	}
	for _, f := range r.Findings {
		if f.Week == w.Week && f.ActivityID == "" {
			switch f.Rule {
			case analysis.RuleRampCap:
				return volAbove
			case analysis.RuleRampCapNear:
				return volNear
			}
		}
	}
	if w.Volume > *w.Cap {
		return volAbove // a pending week already over
	}
	return volWithin
}

func paletteColor(p []paletteEntry, key string, fallback uint32) color.RGBA {
	for _, e := range p {
		if e.Key == key {
			return rgb(e.Hex)
		}
	}
	return rgb(fallback)
}

const (
	capHex  = 0x222222
	baseHex = 0x555555
)

// activityColor picks an activity's colour on the timeline.
func activityColor(a analysis.DayActivity) color.RGBA {
	switch {
	case a.IsRun && a.Class != "":
		return paletteColor(classPalette(), a.Class, 0x8cc084)
	case a.IsRun:
		return paletteColor(classPalette(), "run", 0)
	}
	return paletteColor(classPalette(), "other", 0)
}

// newPlot returns a plot with sans-serif text of the given base size.
func newPlot(size vg.Length) *plot.Plot {
	p := plot.New()
	sans := func(s *font.Font, sz vg.Length) {
		s.Typeface, s.Variant, s.Size = "Liberation", "Sans", sz
	}
	sans(&p.Title.TextStyle.Font, size+1)
	sans(&p.X.Label.TextStyle.Font, size)
	sans(&p.Y.Label.TextStyle.Font, size)
	sans(&p.X.Tick.Label.Font, size-1)
	sans(&p.Y.Tick.Label.Font, size-1)
	sans(&p.Legend.TextStyle.Font, size-1)
	p.Title.Padding = vg.Points(4)
	return p
}

// svgOf draws p as an inline <svg> element: no XML prolog, a class and an
// accessible label, and a font stack that falls back to the browser's
// sans-serif (fonts are not embedded: the file stays small and offline).
//
// Each tip becomes a transparent rectangle over its bar with a <title>: the
// browser shows it as a tooltip (hover, or long-press on a phone).
func svgOf(p *plot.Plot, w, h vg.Length, class, label string, tips *[]tip) (template.HTML, error) {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return "", fmt.Errorf("draw %s chart: %w", class, err)
	}
	s := b.String()
	i := strings.Index(s, "<svg")
	if i < 0 {
		return "", fmt.Errorf("draw %s chart: no <svg> element in the output", class)
	}
	s = s[i:]
	s = strings.Replace(s, "<svg ", fmt.Sprintf(`<svg class="chart %s" role="img" aria-label="%s" `,
		class, template.HTMLEscapeString(label)), 1)
	s = strings.ReplaceAll(s, "font-family:Liberation Sans;",
		"font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")
	if tips != nil && len(*tips) > 0 {
		var g strings.Builder
		fmt.Fprintf(&g, `<g class="tips" transform="scale(1, -1) translate(0, -%.4g)">`, h.Points())
		for _, t := range *tips {
			fmt.Fprintf(&g, `<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" fill="#000" fill-opacity="0"><title>%s</title></rect>`,
				t.x0.Points(), t.y0.Points(), (t.x1 - t.x0).Points(), (t.y1 - t.y0).Points(), template.HTMLEscapeString(t.text))
		}
		g.WriteString("</g>")
		k := strings.LastIndex(s, "</svg>")
		if k < 0 {
			return "", fmt.Errorf("draw %s chart: no </svg> in the output", class)
		}
		s = s[:k] + g.String() + s[k:]
	}
	return template.HTML(s), nil // #nosec: built from our own escaped text
}

// volumeScale converts a volume to the chart's unit (km or hours).
func volumeScale(unit string) (float64, string) {
	if unit == "s" {
		return 3600, "hours"
	}
	return 1000, "km"
}

// weekBars draws each week's volume as a bar coloured by volume against
// the cap (see volumePalette), the cap as a black tick across it, the
// baseline as a dashed line, and each week's findings other than the cap's
// as marks above the bar coloured by severity.
type weekBars struct {
	r    *analysis.Report
	div  float64
	tips *[]tip
}

func (wb weekBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymax = 1
	for _, w := range wb.r.Weeks {
		ymax = math.Max(ymax, w.Volume/wb.div)
		if w.Cap != nil {
			ymax = math.Max(ymax, *w.Cap/wb.div)
		}
	}
	if b := wb.r.Baseline.Volume; b != nil {
		ymax = math.Max(ymax, *b/wb.div)
	}
	lo, hi := wb.span()
	return lo, hi, 0, ymax * 1.08
}

// span is the x range: the weeks shown (all, or one with --week).
func (wb weekBars) span() (lo, hi float64) {
	if len(wb.r.Weeks) == 0 {
		return 0.4, 1.6
	}
	lo, hi = float64(wb.r.Weeks[0].Week)-0.6, float64(wb.r.Weeks[len(wb.r.Weeks)-1].Week)+0.6
	if mid := (lo + hi) / 2; hi-lo < 3 { // one week: keep the bar narrow
		lo, hi = mid-1.5, mid+1.5
	}
	return lo, hi
}

func (wb weekBars) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	unit := wb.r.Baseline.Unit
	for _, w := range wb.r.Weeks {
		x0, x1 := tx(float64(w.Week)-0.32), tx(float64(w.Week)+0.32)
		y0, y1 := ty(0), ty(w.Volume/wb.div)
		state := volumeState(wb.r, w)
		var col color.Color = paletteColor(volumePalette(), state, 0xaab7c4)
		if w.DaysElapsed < 7 {
			// an incomplete week: its volume so far, lighter
			c := col.(color.RGBA)
			col = color.NRGBA{R: c.R, G: c.G, B: c.B, A: 140}
		}
		if y1 > y0 {
			c.FillPolygon(col, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
		}
		top := y1
		if w.Cap != nil {
			yc := ty(*w.Cap / wb.div)
			c.StrokeLine2(draw.LineStyle{Color: rgb(capHex), Width: vg.Points(2.5)}, x0-vg.Points(3), yc, x1+vg.Points(3), yc)
			top = max(top, yc)
		}
		// the week's other findings: one mark per severity
		sev := ""
		for _, f := range wb.r.Findings {
			if f.Week == w.Week && f.Rule != analysis.RuleRampCap && f.Rule != analysis.RuleRampCapNear {
				if sev == "" || f.Severity == analysis.SeverityBreach {
					sev = f.Severity
				}
			}
		}
		if sev != "" {
			mark := draw.GlyphStyle{Color: paletteColor(severityPalette(), sev, 0), Radius: vg.Points(3.2), Shape: draw.PyramidGlyph{}}
			c.DrawGlyph(mark, vg.Point{X: (x0 + x1) / 2, Y: top + vg.Points(7)})
		}
		text := fmt.Sprintf("week %d, %s to %s: %s of running in %s", w.Week, w.Start, w.End, volume(w.Volume, unit), Plural(w.Runs, "run", "runs"))
		if w.DaysElapsed < 7 {
			text += fmt.Sprintf(" (so far: %d of 7 days)", w.DaysElapsed)
		}
		if w.Cap != nil {
			text += "; cap " + volume(*w.Cap, unit)
		} else {
			text += "; no cap"
		}
		text += "; " + weekStatus(w)
		for _, run := range weekRuns(wb.r, w.Week) {
			text += "\n" + runLine(run)
		}
		for _, f := range wb.r.Findings {
			if f.Week == w.Week {
				text += "\n" + f.Severity + " " + f.Rule + ": " + f.Message
			}
		}
		*wb.tips = append(*wb.tips, tip{x0: x0, x1: x1, y0: y0, y1: max(top+vg.Points(12), y0+vg.Points(12)), text: text})
	}
	if b := wb.r.Baseline.Volume; b != nil {
		yb := ty(*b / wb.div)
		lo, hi := wb.span()
		xa, xb := tx(lo), tx(hi)
		c.StrokeLine2(draw.LineStyle{Color: rgb(baseHex), Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}, xa, yb, xb, yb)
		label := draw.TextStyle{Color: rgb(baseHex), Font: font.Font{Typeface: "Liberation", Variant: "Sans", Size: vg.Points(9)},
			XAlign: draw.XRight, YAlign: draw.YBottom, Handler: p.TextHandler}
		c.FillText(label, vg.Point{X: xb - vg.Points(2), Y: yb + vg.Points(1)}, "baseline")
	}
}

// tip is a rectangle of a chart (canvas points, y up) with its tooltip.
type tip struct {
	x0, x1, y0, y1 vg.Length
	text           string
}

// VolumeChart draws the weekly volume against the cap and the baseline as
// an inline SVG element.
func volumeChart(r *analysis.Report, w, h vg.Length, small bool) (template.HTML, error) {
	div, unit := volumeScale(r.Baseline.Unit)
	size := vg.Points(10)
	p := newPlot(size)
	p.Title.Text = "Weekly volume against the cap"
	p.Y.Label.Text = unit + " a week"
	p.Y.Min = 0
	p.Y.Tick.Marker = roundTicks{}
	var ticks []plot.Tick
	for _, wk := range r.Weeks {
		ticks = append(ticks, plot.Tick{Value: float64(wk.Week), Label: fmt.Sprintf("wk %d", wk.Week)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Tick.Length = 0
	var tips []tip
	p.Add(weekBars{r: r, div: div, tips: &tips})
	return svgOf(p, w, h, "volume", fmt.Sprintf("weekly volume of %s against the cap and the baseline", r.Athlete), &tips)
}

// timeline draws the audited days: phase bands behind, one bar per
// activity (moving minutes, stacked within a day) coloured by class,
// findings marked with red triangles above, and days after as_of greyed.
type timeline struct {
	r    *analysis.Report
	ymax float64
	tips *[]tip
}

func (t timeline) DataRange() (xmin, xmax, ymin, ymax float64) {
	if len(t.r.Days) == 0 {
		return 0.5, 1.5, 0, t.ymax
	}
	return float64(t.r.Days[0].Day) - 0.5, float64(t.r.Days[len(t.r.Days)-1].Day) + 0.5, 0, t.ymax
}

func (t timeline) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	rect := func(col color.Color, x0, y0, x1, y1 vg.Length) {
		c.FillPolygon(col, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
	}
	top := ty(t.ymax)
	for _, d := range t.r.Days {
		x0, x1 := tx(float64(d.Day)-0.5), tx(float64(d.Day)+0.5)
		rect(paletteColor(phasePalette(), d.Phase, 0xf1f1f1), x0, ty(0), x1, top)
	}
	grid := draw.LineStyle{Color: color.RGBA{R: 120, G: 120, B: 120, A: 255}, Width: vg.Points(0.6)}
	for i, d := range t.r.Days {
		if i > 0 && (d.Day-1)%7 == 0 {
			x := tx(float64(d.Day) - 0.5)
			c.StrokeLine2(grid, x, ty(0), x, top)
		}
	}
	sevOf := map[string]string{}
	for _, f := range t.r.Findings {
		if f.ActivityID != "" && sevOf[f.ActivityID] != analysis.SeverityBreach {
			sevOf[f.ActivityID] = f.Severity
		}
	}
	for _, d := range t.r.Days {
		x0, x1 := tx(float64(d.Day)-0.36), tx(float64(d.Day)+0.36)
		stack := 0.0
		sev := ""
		text := fmt.Sprintf("day %d, %s (week %d, %s)", d.Day, d.Date, d.Week, analysis.PhaseLabel(d.Phase))
		if len(d.Activities) == 0 && !d.Future {
			text += ": no activity"
		}
		for _, a := range d.Activities {
			if s := sevOf[a.ID]; s != "" && sev != analysis.SeverityBreach {
				sev = s
			}
			what := a.Class
			if !a.IsRun {
				what = a.Sport
			} else if what == "" {
				what = "run"
			}
			text += fmt.Sprintf("\n%s %s: %.2f km in %s", a.Start, what, a.DistanceM/1000, analysis.FormatDuration(a.MovingS))
			if a.Evidence != "" {
				text += "; " + a.Evidence
			}
			for _, f := range a.Findings {
				text += "\n" + sevOf[a.ID] + ": " + f
			}
			mins := math.Min(a.MovingS/60, t.ymax*0.86-stack)
			if mins <= 0 {
				continue
			}
			rect(activityColor(a), x0, ty(stack), x1, ty(stack+mins))
			stack += mins
		}
		if sev != "" {
			mark := draw.GlyphStyle{Color: paletteColor(severityPalette(), sev, 0), Radius: vg.Points(3.2), Shape: draw.PyramidGlyph{}}
			c.DrawGlyph(mark, vg.Point{X: tx(float64(d.Day)), Y: ty(stack) + vg.Points(6)})
		}
		if !d.Future || len(d.Activities) > 0 {
			*t.tips = append(*t.tips, tip{x0: tx(float64(d.Day) - 0.5), x1: tx(float64(d.Day) + 0.5), y0: ty(0), y1: top, text: text})
		}
		if d.Future {
			x0, x1 := tx(float64(d.Day)-0.5), tx(float64(d.Day)+0.5)
			rect(color.NRGBA{R: 255, G: 255, B: 255, A: 170}, x0, ty(0), x1, top)
		}
	}
	// Weekly findings (ramp_cap, ramp_jump): a red square at the top of
	// the week's last day.
	for _, f := range t.r.Findings {
		if f.ActivityID == "" {
			week := draw.GlyphStyle{Color: paletteColor(severityPalette(), f.Severity, 0), Radius: vg.Points(3), Shape: draw.BoxGlyph{}}
			c.DrawGlyph(week, vg.Point{X: tx(float64(f.Day)), Y: top - vg.Points(6)})
		}
	}
}

// timelineChart draws the day-by-day timeline as an inline SVG element.
func timelineChart(r *analysis.Report, w, h vg.Length, small bool) (template.HTML, error) {
	size := vg.Points(10)
	p := newPlot(size)
	p.Title.Text = "Day by day: minutes of activity, coloured by class"
	if small {
		p.Title.Text = "Day by day: minutes, by class"
	}
	p.Y.Label.Text = "minutes"
	p.Y.Tick.Marker = roundTicks{}
	ymax := 60.0
	for _, d := range r.Days {
		sum := 0.0
		for _, a := range d.Activities {
			sum += a.MovingS / 60
		}
		ymax = math.Max(ymax, sum)
	}
	ymax = math.Min(ymax, 240) * 1.2
	p.Y.Min, p.Y.Max = 0, ymax
	var ticks []plot.Tick
	for _, d := range r.Days {
		if (d.Day-1)%7 != 0 {
			continue
		}
		label := fmt.Sprintf("wk %d", d.Week)
		if !small {
			label += "\n" + d.Date[5:]
		}
		ticks = append(ticks, plot.Tick{Value: float64(d.Day) + 3, Label: label})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Tick.Length = 0
	var tips []tip
	p.Add(timeline{r: r, ymax: ymax, tips: &tips})
	return svgOf(p, w, h, "timeline", fmt.Sprintf("day-by-day timeline of %s's recovery", r.Athlete), &tips)
}

// roundTicks labels an axis at 1, 2 or 5 x 10^k steps, without needless
// decimals.
type roundTicks struct{}

func (roundTicks) Ticks(lo, hi float64) []plot.Tick {
	span := hi - lo
	if span <= 0 {
		return []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'f', -1, 64)}}
	}
	raw := span / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ticks []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(math.Round(v/step)*step, 'f', -1, 64)})
		for m := 1; m < 5; m++ {
			if minor := v + float64(m)*step/5; minor < hi {
				ticks = append(ticks, plot.Tick{Value: minor})
			}
		}
	}
	return ticks
}
