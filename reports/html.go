package reports

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/taper-run/taper/analysis"
)

// templateFS holds the HTML templates and their stylesheet, inlined into
// every page: the output is one self-contained file.
//
//go:embed templates/report.html.tmpl templates/style.css
var templateFS embed.FS

// Chart sizes, in points. The main charts are drawn twice, wide for
// screens from 640 px and narrow for phones (the stylesheet shows one), so
// that their text stays readable from 360 px up; the small multiples are
// drawn narrow enough for a phone.
const (
	chartWidth       = 720
	volumeHeight     = 230
	timelineHeight   = 210
	narrowWidth      = 330
	narrowVolHeight  = 220
	narrowTimlHeight = 210
	smallWidth       = 330
	smallVolHeight   = 170
	smallTimelHeight = 160
)

func loadTemplates() (*template.Template, template.CSS, error) {
	t, err := template.ParseFS(templateFS, "templates/report.html.tmpl")
	if err != nil {
		return nil, "", fmt.Errorf("parse html templates: %w", err)
	}
	css, err := templateFS.ReadFile("templates/style.css")
	if err != nil {
		return nil, "", fmt.Errorf("read stylesheet: %w", err)
	}
	return t, template.CSS(css), nil // #nosec: our own stylesheet
}

// legendData is what the legend template needs.
type legendData struct {
	Classes, Phases, Volumes, Severities []paletteEntry
}

func legend() legendData {
	return legendData{Classes: classPalette(), Phases: phasePalette(), Volumes: volumePalette(), Severities: severityPalette()}
}

type weekView struct {
	W                           analysis.Week
	Phases, Volume, Cap, Status string
	Over, Near                  bool // volume above the cap, or within cap_tolerance above it
}

type skipView struct{ Rules, Reason string }

type reportView struct {
	legendData
	R                                        *analysis.Report
	CSS                                      template.CSS
	Status, Position, Race, Baseline, Counts string
	Title                                    string
	Volume, Timeline                         template.HTML
	VolumeNarrow, TimelineNarrow             template.HTML
	Weeks                                    []weekView
	Skipped                                  []skipView
}

// HTML writes one athlete's report as one self-contained HTML page (inline
// CSS and SVG charts drawn with gonum/plot, no scripts, fonts or network):
// the text report's content plus the weekly volume against the cap and the
// baseline, and a day-by-day timeline coloured by class with findings
// marked.
func HTML(w io.Writer, r *analysis.Report) error {
	t, css, err := loadTemplates()
	if err != nil {
		return err
	}
	v := reportView{legendData: legend(), R: r, CSS: css, Status: statusWord(r.Status), Position: position(r), Title: recoveryTitle(r),
		Race: raceLine(r), Baseline: baselineLine(r.Baseline),
		Counts: Plural(r.Breaches, "breach", "breaches") + ", " + Plural(r.Warnings, "warning", "warnings") + scopeText(r)}
	if r.Race != nil && r.Reason == "" {
		if v.Volume, err = volumeChart(r, chartWidth, volumeHeight, false); err != nil {
			return err
		}
		if v.Timeline, err = timelineChart(r, chartWidth, timelineHeight, false); err != nil {
			return err
		}
		if v.VolumeNarrow, err = volumeChart(r, narrowWidth, narrowVolHeight, true); err != nil {
			return err
		}
		if v.TimelineNarrow, err = timelineChart(r, narrowWidth, narrowTimlHeight, true); err != nil {
			return err
		}
	}
	unit := r.Baseline.Unit
	for _, wk := range r.Weeks {
		v.Weeks = append(v.Weeks, weekView{W: wk, Phases: phases(wk), Volume: volume(wk.Volume, unit),
			Cap: capText(wk.Cap, unit), Status: weekStatus(wk), Over: volumeState(r, wk) == volAbove, Near: volumeState(r, wk) == volNear})
	}
	for _, g := range skippedGroups(r.Skipped) {
		v.Skipped = append(v.Skipped, skipView{Rules: strings.Join(g.rules, ", "), Reason: upperFirst(g.reason)})
	}
	return execute(w, t, "report", v, "html report")
}

func statusWord(s string) string { return strings.ReplaceAll(s, "_", " ") }

type rowView struct {
	Row    AuditRow
	Anchor string
	Phase  string // the row's phase in words (see analysis.PhaseLabel)
}

type cardView struct {
	R                *analysis.Report
	Anchor, Status   string
	Summary          string
	Volume, Timeline template.HTML
}

type auditView struct {
	legendData
	CSS         template.CSS
	AsOf, Count string
	Rows        []rowView
	Cards       []cardView
}

// AuditHTML writes the roster as one self-contained HTML page: the table
// worst first, then each athlete's charts as small multiples.
func AuditHTML(w io.Writer, reports []*analysis.Report) error {
	t, css, err := loadTemplates()
	if err != nil {
		return err
	}
	rows := AuditRows(reports)
	v := auditView{legendData: legend(), CSS: css, AsOf: asOf(reports), Count: Plural(len(rows), "athlete", "athletes")}
	for i, r := range sortedReports(reports) {
		anchor := fmt.Sprintf("%d", i+1)
		v.Rows = append(v.Rows, rowView{Row: rows[i], Anchor: anchor, Phase: analysis.PhaseLabel(rows[i].Phase)})
		c := cardView{R: r, Anchor: anchor, Status: statusWord(r.Status)}
		switch {
		case r.Race == nil:
			c.Summary = "no race: " + r.Reason
		case r.Reason != "":
			c.Summary = r.Reason
		default:
			c.Summary = fmt.Sprintf("race %s · %s · %s, %s", r.Race.Date, position(r),
				Plural(r.Breaches, "breach", "breaches"), Plural(r.Warnings, "warning", "warnings"))
			if c.Volume, err = volumeChart(r, smallWidth, smallVolHeight, true); err != nil {
				return err
			}
			if c.Timeline, err = timelineChart(r, smallWidth, smallTimelHeight, true); err != nil {
				return err
			}
		}
		v.Cards = append(v.Cards, c)
	}
	return execute(w, t, "audit", v, "html audit")
}

func execute(w io.Writer, t *template.Template, name string, data any, what string) error {
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return fmt.Errorf("render %s: %w", what, err)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	return nil
}
