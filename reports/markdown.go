package reports

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/taper-run/taper/analysis"
)

// Markdown writes one athlete's report as markdown, to paste into a message
// to the athlete: where they stand, the weekly table and what to look at.
func Markdown(w io.Writer, r *analysis.Report) error {
	var b bytes.Buffer
	writeMarkdown(&b, r, "##")
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}

func writeMarkdown(b *bytes.Buffer, r *analysis.Report, h string) {
	fmt.Fprintf(b, "%s %s: %s, as of %s\n\n", h, recoveryTitle(r), mdEscape(r.Athlete), r.AsOf)
	fmt.Fprintf(b, "- **Race:** %s\n", mdEscape(raceLine(r)))
	fmt.Fprintf(b, "- **Baseline:** %s\n", mdEscape(baselineLine(r.Baseline)))
	if r.Race == nil {
		return
	}
	if r.Reason != "" {
		fmt.Fprintf(b, "- **Error:** %s\n", mdEscape(r.Reason))
		return
	}
	fmt.Fprintf(b, "- **Overall:** %s %s%s (%s, %s); %s\n", statusIcon(r.Status), r.Status, scopeText(r),
		Plural(r.Breaches, "breach", "breaches"), Plural(r.Warnings, "warning", "warnings"), position(r))
	fmt.Fprintf(b, "- **Rules:** preset %s\n\n", mdEscape(r.Preset))

	unit := r.Baseline.Unit
	b.WriteString("| Week | Dates | Phase | Runs | Volume | Cap | Intervals | Status |\n")
	b.WriteString("|---:|---|---|---:|---:|---:|---:|---|\n")
	for _, wk := range r.Weeks {
		fmt.Fprintf(b, "| %d | %s – %s | %s | %d | %s | %s | %d | %s %s |\n",
			wk.Week, wk.Start, wk.End, phases(wk), wk.Runs, volume(wk.Volume, unit), capText(wk.Cap, unit),
			wk.IntervalSessions, statusIcon(wk.Status), weekStatus(wk))
	}
	for _, g := range skippedGroups(r.Skipped) {
		fmt.Fprintf(b, "\n**Not checked:** `%s`. %s.\n", strings.Join(g.rules, "`, `"), mdEscape(upperFirst(g.reason)))
	}
	fmt.Fprintf(b, "\n%s# Runs by week\n", h)
	for _, wk := range r.Weeks {
		if wk.DaysElapsed == 0 {
			continue
		}
		runs := weekRuns(r, wk.Week)
		fmt.Fprintf(b, "\n**Week %d** (%s – %s): %s, %s\n", wk.Week, wk.Start, wk.End, Plural(len(runs), "run", "runs"), volume(wk.Volume, unit))
		if len(runs) > 0 {
			b.WriteString("\n")
		}
		for _, run := range runs {
			class := run.Class
			if class == "" {
				class = "run"
			}
			fmt.Fprintf(b, "- %s %s: %s, %.2f km in %s\n", run.Date, run.Start, class, run.DistanceM/1000, analysis.FormatDuration(run.MovingS))
		}
	}
	if len(r.Findings) == 0 {
		fmt.Fprintf(b, "\nNo breaches or warnings up to %s. Well done.\n", r.AsOf)
	} else {
		fmt.Fprintf(b, "\n%s# What to look at\n\n", h)
	}
	for _, f := range r.Findings {
		icon, sev := statusIcon(f.Severity), f.Severity
		if w := waivedText(f); w != "" {
			icon, sev = "[waived]", sev+", "+mdEscape(w)
		}
		fmt.Fprintf(b, "- %s **%s, week %d** `%s` (%s). %s\n", icon, f.Date, f.Week,
			f.Rule, sev, mdEscape(upperFirst(f.Message)))
	}
	if r.Next != nil {
		fmt.Fprintf(b, "\n%s# What comes next\n\n", h)
		for _, s := range r.Next.Steps {
			fmt.Fprintf(b, "- %s\n", mdEscape(upperFirst(s)))
		}
	}
}

// statusIcon is a plain-text marker that survives any chat client.
func statusIcon(s string) string {
	switch s {
	case analysis.StatusBreach:
		return "✖"
	case analysis.StatusWarning:
		return "⚠"
	case analysis.StatusOK:
		return "✔"
	case analysis.StatusPending:
		return "…"
	}
	return "–"
}

// mdEscape keeps text from breaking tables or turning into emphasis.
func mdEscape(s string) string {
	return strings.NewReplacer(`|`, `\|`, `*`, `\*`, `_`, `\_`, "`", "\\`", "<", "&lt;", "\n", " ").Replace(s)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// AuditMarkdown writes the roster as a markdown table, worst first.
func AuditMarkdown(w io.Writer, reports []*analysis.Report) error {
	var b bytes.Buffer
	rows := AuditRows(reports)
	fmt.Fprintf(&b, "## Recovery audit as of %s\n\n", asOf(reports))
	b.WriteString("| Athlete | Race | Week | Phase | Breaches | Warnings | Last activity | Status |\n")
	b.WriteString("|---|---|---:|---|---:|---:|---|---|\n")
	for _, row := range rows {
		race := row.RaceDate
		if race == "" {
			race = "none"
		}
		status := statusIcon(row.Status) + " " + row.Status
		if row.Reason != "" {
			status += ": " + mdEscape(row.Reason)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %d | %d | %s | %s |\n", mdEscape(row.Athlete), race, row.Week,
			dash(analysis.PhaseLabel(row.Phase)), row.Breaches, row.Warnings, dash(row.LastActivity), status)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write markdown audit: %w", err)
	}
	return nil
}
