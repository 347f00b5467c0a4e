package server

import (
	"fmt"
	"html/template"
	"math"
	"net/url"
	"slices"
	"strings"

	"github.com/taper-run/taper/analysis"
)

// Charts are SVG drawn here, on the server: each mark is a link to its
// activity and carries its description in data-tip (shown by app.js on
// hover, focus or tap) and in a <title> (for screen readers and without
// JavaScript). Colours come from style.css classes, so the page needs no
// inline style.

// svgBuilder accumulates SVG markup.
type svgBuilder struct{ strings.Builder }

func (b *svgBuilder) f(format string, args ...any) { fmt.Fprintf(&b.Builder, format, args...) }

// esc escapes text for SVG (XML) content and attributes.
func esc(s string) string { return template.HTMLEscapeString(s) }

func (b *svgBuilder) html() template.HTML { return template.HTML(b.String()) } // #nosec: built from escaped values

// activityHref is the activity page of an athlete's activity.
func activityHref(athlete, id string) string {
	return "/athletes/" + url.PathEscape(athlete) + "/activities/" + url.PathEscape(id)
}

// tipOf describes a run for its tooltip: date, class, distance, time and
// the evidence of its class.
func tipOf(date string, a analysis.DayActivity) string {
	kind := a.Class
	if kind == "" {
		kind = a.Sport
	}
	if a.Class != "" {
		kind += " run"
	}
	parts := []string{date + " " + a.Start, kind, km(a.DistanceM), clock(a.MovingS)}
	if len(a.Findings) > 0 {
		parts = append(parts, "finding: "+strings.Join(a.Findings, ", "))
	}
	s := strings.Join(parts, " · ")
	if a.Evidence != "" {
		s += "\n" + a.Evidence
	}
	return s
}

// classOf is the CSS class colouring an activity: its run class, "run"
// when unclassified, else "other".
func classOf(a analysis.DayActivity) string {
	switch {
	case a.IsRun && a.Class != "":
		return "c-" + a.Class
	case a.IsRun:
		return "c-run"
	}
	return "c-other"
}

// volumeOf is an activity's contribution to weekly volume in unit.
func volumeOf(a analysis.DayActivity, unit string) float64 {
	if unit == "s" {
		return a.MovingS
	}
	return a.DistanceM
}

// niceMax rounds v up to 1, 2 or 5 times a power of ten.
func niceMax(v float64) float64 {
	if v <= 0 || math.IsNaN(v) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// unitValue shows a volume in the unit's display form.
func unitValue(v float64, unit string) string {
	if unit == "s" {
		return fmt.Sprintf("%.1f h", v/3600)
	}
	return fmt.Sprintf("%.0f km", v/1000)
}

// volumeChart draws the weekly volume: one bar per recovery week, stacked
// from its runs (each a link with a tooltip), the week's cap as a line and
// the baseline as a dashed line.
func volumeChart(r *analysis.Report) template.HTML {
	if r.Race == nil || len(r.Weeks) == 0 {
		return ""
	}
	unit := r.Baseline.Unit
	const W, H, left, right, top, bottom = 720.0, 260.0, 48.0, 12.0, 14.0, 34.0
	plotW, plotH := W-left-right, H-top-bottom
	type seg struct {
		a    analysis.DayActivity
		date string
	}
	byWeek := map[int][]seg{}
	for _, d := range r.Days {
		for _, a := range d.Activities {
			if a.IsRun {
				byWeek[d.Week] = append(byWeek[d.Week], seg{a, d.Date})
			}
		}
	}
	top1 := 0.0
	for _, w := range r.Weeks {
		top1 = max(top1, w.Volume)
		if w.Cap != nil {
			top1 = max(top1, *w.Cap)
		}
	}
	if r.Baseline.Volume != nil {
		top1 = max(top1, *r.Baseline.Volume)
	}
	ymax := niceMax(top1 * 1.05)
	y := func(v float64) float64 { return top + plotH - v/ymax*plotH }
	slot := plotW / float64(len(r.Weeks))
	var b svgBuilder
	b.f(`<svg class="chart volume" viewBox="0 0 %g %g" role="img" aria-label="weekly volume of %s">`, W, H, esc(r.Athlete))
	for i := 0; i <= 4; i++ {
		v := ymax * float64(i) / 4
		b.f(`<line class="grid" x1="%g" x2="%g" y1="%.1f" y2="%.1f"/><text class="tick" x="%g" y="%.1f" text-anchor="end">%s</text>`,
			left, W-right, y(v), y(v), left-6, y(v)+4, esc(unitValue(v, unit)))
	}
	for i, w := range r.Weeks {
		x := left + float64(i)*slot + slot*0.18
		bw := slot * 0.64
		base := 0.0
		for _, s := range byWeek[w.Week] {
			v := volumeOf(s.a, unit)
			if v <= 0 {
				continue
			}
			y0, y1 := y(base), y(base+v)
			b.f(`<a href="%s" class="mark" data-tip="%s"><rect class="bar %s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s</title></rect></a>`,
				esc(activityHref(r.Athlete, s.a.ID)), esc(tipOf(s.date, s.a)), classOf(s.a), x, y1, bw, math.Max(y0-y1-0.8, 0.8), esc(tipOf(s.date, s.a)))
			base += v
		}
		if w.Cap != nil {
			b.f(`<line class="cap" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"><title>week %d cap %s</title></line>`,
				x-3, x+bw+3, y(*w.Cap), y(*w.Cap), w.Week, esc(unitValue(*w.Cap, unit)))
		}
		label := fmt.Sprintf("wk %d", w.Week)
		b.f(`<text class="tick status-%s" x="%.1f" y="%g" text-anchor="middle">%s</text>`, esc(w.Status), x+bw/2, H-bottom+16, esc(label))
		if w.Status == analysis.StatusBreach || w.Status == analysis.StatusWarning {
			b.f(`<text class="tick status-%s" x="%.1f" y="%g" text-anchor="middle">%s</text>`, esc(w.Status), x+bw/2, H-bottom+29, esc(w.Status))
		}
	}
	if r.Baseline.Volume != nil {
		yb := y(*r.Baseline.Volume)
		b.f(`<line class="baseline" x1="%g" x2="%g" y1="%.1f" y2="%.1f"><title>baseline %s a week</title></line>`, left, W-right, yb, yb, esc(unitValue(*r.Baseline.Volume, unit)))
	}
	b.f(`</svg>`)
	return b.html()
}

// timelineChart draws every audited day: the phase as the background, each
// activity as a bar of its distance (a link with a tooltip), a triangle
// over activities that broke a rule.
func timelineChart(r *analysis.Report) template.HTML {
	if r.Race == nil || len(r.Days) == 0 {
		return ""
	}
	const W, H, left, right, top, bottom = 720.0, 220.0, 40.0, 12.0, 22.0, 30.0
	plotW, plotH := W-left-right, H-top-bottom
	// The scale is the runs': another sport (a 50 km ride) is drawn as a
	// short grey bar of its own, so it does not flatten the runs.
	maxKm := 0.0
	for _, d := range r.Days {
		sum := 0.0
		for _, a := range d.Activities {
			if a.IsRun {
				sum += a.DistanceM / 1000
			}
		}
		maxKm = max(maxKm, sum)
	}
	ymax := niceMax(max(maxKm*1.1, 10))
	otherKm := ymax / 5
	n := float64(len(r.Days))
	slot := plotW / n
	y := func(v float64) float64 { return top + plotH - v/ymax*plotH }
	var b svgBuilder
	b.f(`<svg class="chart timeline" viewBox="0 0 %g %g" role="img" aria-label="day by day activities of %s">`, W, H, esc(r.Athlete))
	for i, d := range r.Days {
		x := left + float64(i)*slot
		class := "ph-" + d.Phase
		if d.Future {
			class = "ph-future"
		}
		b.f(`<rect class="%s" x="%.2f" y="%g" width="%.2f" height="%g"><title>day %d, %s, %s</title></rect>`, esc(class), x, top, slot+0.2, plotH, d.Day, esc(d.Date), esc(analysis.PhaseLabel(d.Phase)))
	}
	for i := 0; i <= 4; i++ {
		v := ymax * float64(i) / 4
		b.f(`<line class="grid" x1="%g" x2="%g" y1="%.1f" y2="%.1f"/><text class="tick" x="%g" y="%.1f" text-anchor="end">%g</text>`,
			left, W-right, y(v), y(v), left-5, y(v)+4, v)
	}
	b.f(`<text class="tick" x="%g" y="%g">km</text>`, 4.0, top-8)
	for i, d := range r.Days {
		x := left + float64(i)*slot + slot*0.12
		bw := slot * 0.76
		base := 0.0
		for _, a := range d.Activities {
			v := max(a.DistanceM/1000, ymax/60) // a run without distance still shows
			if !a.IsRun {
				v = otherKm
			}
			y0, y1 := y(base), y(base+v)
			b.f(`<a href="%s" class="mark" data-tip="%s"><rect class="bar %s" x="%.2f" y="%.1f" width="%.2f" height="%.1f"><title>%s</title></rect></a>`,
				esc(activityHref(r.Athlete, a.ID)), esc(tipOf(d.Date, a)), classOf(a), x, y1, bw, math.Max(y0-y1-0.6, 0.6), esc(tipOf(d.Date, a)))
			if len(a.Findings) > 0 {
				cx := x + bw/2
				b.f(`<path class="flag" d="M%.1f %.1f l4 -7 l-8 0 z"><title>%s</title></path>`, cx, y1-2, esc(strings.Join(a.Findings, ", ")))
			}
			base += v
		}
		if d.Day%7 == 0 {
			b.f(`<line class="weekline" x1="%.2f" x2="%.2f" y1="%g" y2="%g"/>`, left+float64(i+1)*slot, left+float64(i+1)*slot, top, top+plotH)
			b.f(`<text class="tick" x="%.1f" y="%g" text-anchor="middle">wk %d</text>`, left+float64(i+1)*slot-3.5*slot, H-bottom+16, d.Week)
		}
	}
	b.f(`</svg>`)
	return b.html()
}

// seriesChart draws one channel of an activity over elapsed time as a
// line; invert puts low values on top (pace: faster is higher).
func seriesChart(title, unit string, xs, ys []float64, invert bool, format func(float64) string) template.HTML {
	var vals []float64
	for _, v := range ys {
		if !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	if len(vals) < 2 || len(xs) == 0 {
		return ""
	}
	// The range leaves out the 2% most extreme points on each side (a
	// stop, a GPS jump); the line is clipped to it.
	slices.Sort(vals)
	lo, hi := vals[len(vals)*2/100], vals[len(vals)-1-len(vals)*2/100]
	if hi-lo < 1e-9 {
		lo, hi = lo-1, hi+1
	}
	pad := (hi - lo) * 0.08
	lo, hi = lo-pad, hi+pad
	const W, H, left, right, top, bottom = 720.0, 170.0, 56.0, 12.0, 20.0, 24.0
	plotW, plotH := W-left-right, H-top-bottom
	xmax := xs[len(xs)-1]
	if xmax <= 0 {
		xmax = 1
	}
	px := func(t float64) float64 { return left + t/xmax*plotW }
	py := func(v float64) float64 {
		f := (min(max(v, lo), hi) - lo) / (hi - lo)
		if invert {
			f = 1 - f
		}
		return top + plotH - f*plotH
	}
	var b svgBuilder
	b.f(`<svg class="chart series" viewBox="0 0 %g %g" role="img" aria-label="%s">`, W, H, esc(title))
	b.f(`<text class="charttitle" x="%g" y="14">%s</text>`, left, esc(title+" ("+unit+")"))
	for i := 0; i <= 3; i++ {
		v := lo + (hi-lo)*float64(i)/3
		b.f(`<line class="grid" x1="%g" x2="%g" y1="%.1f" y2="%.1f"/><text class="tick" x="%g" y="%.1f" text-anchor="end">%s</text>`,
			left, W-right, py(v), py(v), left-5, py(v)+4, esc(format(v)))
	}
	for i := 0; i <= 4; i++ {
		t := xmax * float64(i) / 4
		anchor := map[int]string{0: "start", 4: "end"}[i]
		if anchor == "" {
			anchor = "middle"
		}
		b.f(`<text class="tick" x="%.1f" y="%g" text-anchor="%s">%s</text>`, px(t), H-6, anchor, esc(clock(t)))
	}
	// A pause (no samples for much longer than usual) breaks the line.
	gap := 30.0
	if n := len(xs); n > 1 {
		gap = max(gap, 5*xmax/float64(n-1))
	}
	var path strings.Builder
	pen := false
	for i, v := range ys {
		if math.IsNaN(v) || (i > 0 && xs[i]-xs[i-1] > gap) {
			pen = false
		}
		if math.IsNaN(v) {
			continue
		}
		cmd := "L"
		if !pen {
			cmd = "M"
		}
		fmt.Fprintf(&path, "%s%.1f %.1f", cmd, px(xs[i]), py(v))
		pen = true
	}
	b.f(`<path class="line" d="%s"/>`, path.String())
	b.f(`</svg>`)
	return b.html()
}

// trackChart draws the GPS track as a line (no map tiles: offline), north
// up, in an equirectangular projection scaled by the cosine of the latitude.
func trackChart(lats, lons []float64) template.HTML {
	var xs, ys []float64
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	lat0 := math.NaN()
	for i := range lats {
		if math.IsNaN(lats[i]) || math.IsNaN(lons[i]) {
			continue
		}
		if math.IsNaN(lat0) {
			lat0 = lats[i]
		}
		x := lons[i] * math.Cos(lat0*math.Pi/180)
		y := -lats[i]
		xs, ys = append(xs, x), append(ys, y)
		minX, maxX, minY, maxY = min(minX, x), max(maxX, x), min(minY, y), max(maxY, y)
	}
	if len(xs) < 2 || (maxX-minX < 1e-7 && maxY-minY < 1e-7) {
		return ""
	}
	const S, pad = 360.0, 12.0
	span := max(maxX-minX, maxY-minY)
	scale := (S - 2*pad) / span
	ox := pad + (S-2*pad-(maxX-minX)*scale)/2
	oy := pad + (S-2*pad-(maxY-minY)*scale)/2
	var path strings.Builder
	for i := range xs {
		cmd := "L"
		if i == 0 {
			cmd = "M"
		}
		fmt.Fprintf(&path, "%s%.1f %.1f", cmd, ox+(xs[i]-minX)*scale, oy+(ys[i]-minY)*scale)
	}
	km := span * 111.32
	var b svgBuilder
	b.f(`<svg class="chart track" viewBox="0 0 %g %g" role="img" aria-label="GPS track">`, S, S)
	b.f(`<path class="route" d="%s"/>`, path.String())
	b.f(`<circle class="start" cx="%.1f" cy="%.1f" r="5"><title>start</title></circle>`, ox+(xs[0]-minX)*scale, oy+(ys[0]-minY)*scale)
	last := len(xs) - 1
	b.f(`<circle class="finish" cx="%.1f" cy="%.1f" r="5"><title>finish</title></circle>`, ox+(xs[last]-minX)*scale, oy+(ys[last]-minY)*scale)
	b.f(`<text class="tick" x="%g" y="%g">N ↑ · %.1f km across</text>`, pad, S-4, km)
	b.f(`</svg>`)
	return b.html()
}

// km shows metres as kilometres.
func km(m float64) string {
	if !analysis.Has(m) {
		return "-"
	}
	return fmt.Sprintf("%.2f km", m/1000)
}

// clock shows seconds as h:mm:ss or m:ss.
func clock(s float64) string {
	if !analysis.Has(s) || s < 0 {
		return "-"
	}
	t := int(math.Round(s))
	if t >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", t/3600, t%3600/60, t%60)
	}
	return fmt.Sprintf("%d:%02d", t/60, t%60)
}

// pace shows seconds per km as m:ss/km.
func pace(sPerKm float64) string {
	if !analysis.Has(sPerKm) || sPerKm <= 0 || math.IsInf(sPerKm, 0) {
		return "-"
	}
	t := int(math.Round(sPerKm))
	return fmt.Sprintf("%d:%02d/km", t/60, t%60)
}
