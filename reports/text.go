package reports

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/taper-run/taper/analysis"
)

// barWidth is the number of cells of the text volume bar.
const barWidth = 10

// textWidth is the width text reports fit: tables are laid out for it, and
// longer lines (evidence, reasons) wrap with an indent.
const textWidth = 80

// ANSI colours used when colour is asked for.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
)

// painter colours strings when enabled.
type painter bool

func (p painter) paint(code, s string) string {
	if !p || s == "" {
		return s
	}
	return code + s + ansiReset
}

func (p painter) status(s string) string {
	switch s {
	case analysis.StatusBreach:
		return p.paint(ansiRed+ansiBold, s)
	case analysis.StatusWarning:
		return p.paint(ansiYellow, s)
	case analysis.StatusOK:
		return p.paint(ansiGreen, s)
	}
	return p.paint(ansiDim, s)
}

// Text writes one athlete's report for a terminal: race, baseline, a row
// per week with its volume against the cap as a bar, then the findings with
// their evidence. color adds ANSI colours (the caller knows whether w is a
// terminal).
func Text(w io.Writer, r *analysis.Report, color bool) error {
	var b bytes.Buffer
	writeText(&b, r, painter(color))
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write text report: %w", err)
	}
	return nil
}

func writeText(b *bytes.Buffer, r *analysis.Report, p painter) {
	fmt.Fprintf(b, "%s  recovery audit as of %s (preset %s)\n", p.paint(ansiBold, r.Athlete), r.AsOf, r.Preset)
	b.WriteString(wrap(raceLine(r), "race      ", strings.Repeat(" ", 10)))
	b.WriteString(wrap(baselineLine(r.Baseline), "baseline  ", strings.Repeat(" ", 10)))
	if r.Race == nil {
		return
	}
	if r.Reason != "" {
		b.WriteString(wrap(r.Reason, "error     ", strings.Repeat(" ", 10)))
		return
	}
	waived := ""
	if r.Waived > 0 {
		waived = fmt.Sprintf(" (%d waived)", r.Waived)
	}
	fmt.Fprintf(b, "status    %s%s: %s, %s%s; %s\n", p.status(r.Status), scopeText(r), Plural(r.Breaches, "breach", "breaches"),
		Plural(r.Warnings, "warning", "warnings"), waived, position(r))

	unit := r.Baseline.Unit
	scale := barScale(r)
	fmt.Fprintf(b, "\n%4s %-12s %-11s %4s %8s %8s %-*s %3s %s\n",
		"week", "dates", "phase", "runs", "volume", "cap", barWidth+1, "vs cap", "int", "status")
	for _, wk := range r.Weeks {
		fmt.Fprintf(b, "%4d %-12s %-11s %4d %8s %8s %s %3d %s\n",
			wk.Week, wk.Start[5:]+".."+wk.End[5:], phases(wk), wk.Runs, volume(wk.Volume, unit),
			capText(wk.Cap, unit), p.paint(weekColour(wk), bar(wk.Volume, wk.Cap, scale, barWidth)),
			wk.IntervalSessions, p.status(shortWeekStatus(wk)))
	}
	fmt.Fprintf(b, "     (bar: █ volume, ▓ volume above the cap, ┃ cap; full width %s)\n", volume(scale, unit))
	if shortened(r.Weeks) {
		fmt.Fprintf(b, "     (pending (n): a week not over yet, with n findings so far)\n")
	}

	for _, g := range skippedGroups(r.Skipped) {
		b.WriteString("\n" + wrap(fmt.Sprintf("not checked: %s: %s", strings.Join(g.rules, ", "), g.reason), "", "  "))
	}
	fmt.Fprintf(b, "\nruns by week\n")
	for _, wk := range r.Weeks {
		runs := weekRuns(r, wk.Week)
		if wk.DaysElapsed == 0 {
			continue
		}
		fmt.Fprintf(b, "  week %d (%s..%s): %s, %s\n", wk.Week, wk.Start, wk.End, Plural(len(runs), "run", "runs"), volume(wk.Volume, unit))
		for _, run := range runs {
			fmt.Fprintf(b, "    %s\n", runLine(run))
		}
	}
	if len(r.Findings) == 0 {
		fmt.Fprintf(b, "\nno findings up to %s\n", r.AsOf)
	} else {
		fmt.Fprintf(b, "\nfindings\n")
	}
	for _, f := range r.Findings {
		sev := p.paint(ansiYellow, fmt.Sprintf("%-7s", f.Severity))
		if f.Severity == analysis.SeverityBreach {
			sev = p.paint(ansiRed+ansiBold, fmt.Sprintf("%-7s", f.Severity))
		}
		if f.Waived != nil {
			sev = p.paint(ansiDim, fmt.Sprintf("%-7s", "waived"))
		}
		fmt.Fprintf(b, "  %s  week %d  %s  %s", f.Date, f.Week, sev, f.Rule)
		if f.ActivityID != "" {
			fmt.Fprintf(b, "  %s", p.paint(ansiDim, "activity "+f.ActivityID))
		}
		b.WriteString("\n" + wrap(f.Message, "      ", "      "))
		if w := waivedText(f); w != "" {
			b.WriteString(wrap(fmt.Sprintf("(%s %s)", f.Severity, w), "      ", "       "))
		}
	}
	if r.Next != nil {
		fmt.Fprintf(b, "\nwhat comes next (from %s)\n", r.Next.From)
		for _, s := range r.Next.Steps {
			b.WriteString(wrap(s, "  - ", "    "))
		}
	}
}

// weekStatus shows a pending week's findings so far: "pending (1 breach)".
func weekStatus(w analysis.Week) string {
	if w.Status != analysis.StatusPending || w.Breaches+w.Warnings == 0 {
		return w.Status
	}
	return fmt.Sprintf("pending (%s so far)", Plural(w.Breaches+w.Warnings, "finding", "findings"))
}

// shortWeekStatus is weekStatus in a table cell: "pending (1)" for a
// pending week with one finding so far (the legend says so).
func shortWeekStatus(w analysis.Week) string {
	if w.Status != analysis.StatusPending || w.Breaches+w.Warnings == 0 {
		return w.Status
	}
	return fmt.Sprintf("pending (%d)", w.Breaches+w.Warnings)
}

// shortened reports whether a week's status is shown as "pending (n)".
func shortened(weeks []analysis.Week) bool {
	for _, w := range weeks {
		if shortWeekStatus(w) != w.Status {
			return true
		}
	}
	return false
}

// wrap breaks s into lines of at most textWidth runes at spaces, the first
// line starting with first and the others with rest; a word longer than a
// line stays whole. Each line ends with a newline.
func wrap(s, first, rest string) string {
	var b strings.Builder
	line, n := first, utf8.RuneCountInString(first)
	empty := true
	for _, word := range strings.Fields(s) {
		wn := utf8.RuneCountInString(word)
		if !empty && n+1+wn > textWidth {
			b.WriteString(line + "\n")
			line, n, empty = rest, utf8.RuneCountInString(rest), true
		}
		if !empty {
			line += " "
			n++
		}
		line += word
		n += wn
		empty = false
	}
	b.WriteString(line + "\n")
	return b.String()
}

// Wrap is wrap for other text output (taper rules): s in lines of at
// most 80 runes, the first starting with first, the others with rest.
func Wrap(s, first, rest string) string { return wrap(s, first, rest) }

func weekColour(w analysis.Week) string {
	if w.Cap != nil && w.Volume > *w.Cap {
		return ansiRed
	}
	return ""
}

// barScale is the volume a full bar stands for: the largest week volume,
// cap or baseline.
func barScale(r *analysis.Report) float64 {
	scale := 0.0
	if r.Baseline.Volume != nil {
		scale = *r.Baseline.Volume
	}
	for _, w := range r.Weeks {
		scale = math.Max(scale, w.Volume)
		if w.Cap != nil {
			scale = math.Max(scale, *w.Cap)
		}
	}
	return scale
}

// bar draws v on a scale of width cells, with the cap c (when there is
// one) as a marker between cells: █ volume within the cap, ▓ above it.
// The result is always width+1 runes.
func bar(v float64, c *float64, scale float64, width int) string {
	fill, capAt := 0, -1
	if scale > 0 {
		fill = min(int(math.Round(v/scale*float64(width))), width)
		if v > 0 && fill == 0 {
			fill = 1
		}
		if c != nil {
			capAt = min(int(math.Round(*c/scale*float64(width))), width)
			switch {
			case v > *c && fill <= capAt:
				fill = min(capAt+1, width)
			case v <= *c && fill > capAt:
				fill = capAt
			}
		}
	}
	var b strings.Builder
	for i := 0; i <= width; i++ {
		if i == capAt {
			b.WriteRune('┃')
		}
		if i == width {
			break
		}
		switch {
		case i < fill && capAt >= 0 && i >= capAt:
			b.WriteRune('▓')
		case i < fill:
			b.WriteRune('█')
		default:
			b.WriteRune('·')
		}
	}
	if capAt < 0 {
		b.WriteRune(' ')
	}
	return b.String()
}

// AuditText writes the roster: one row per athlete, worst first.
func AuditText(w io.Writer, reports []*analysis.Report, color bool) error {
	p := painter(color)
	var b bytes.Buffer
	rows := AuditRows(reports)
	fmt.Fprintf(&b, "recovery audit as of %s: %s\n\n", asOf(reports), Plural(len(rows), "athlete", "athletes"))
	fmt.Fprintf(&b, "%-12s %-10s  %-11s %-8s  %6s  %4s  %-10s  %s\n",
		"athlete", "race", "week", "phase", "breach", "warn", "latest", "status")
	for _, row := range rows {
		race := row.RaceDate
		if race == "" {
			race = "none"
		}
		fmt.Fprintf(&b, "%-12s %-10s  %-11s %-8s  %6d  %4d  %-10s  %s\n",
			row.Athlete, race, row.Week, dash(analysis.PhaseLabel(row.Phase)), row.Breaches, row.Warnings, dash(row.LastActivity), p.status(row.Status))
		if row.Reason != "" {
			// the reason under its row, indented
			for _, l := range strings.SplitAfter(strings.TrimSuffix(wrap(row.Reason, "    ", "    "), "\n"), "\n") {
				b.WriteString(p.paint(ansiDim, strings.TrimSuffix(l, "\n")) + "\n")
			}
		}
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write text audit: %w", err)
	}
	return nil
}

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
