// Package reports renders recovery audits (analysis.Report) as text,
// markdown, HTML, JSON and CSV, writing only to the io.Writer it is given.
package reports

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/taper-run/taper/analysis"
)

// volume formats a volume in unit "m" as km and in "s" as h:mm.
func volume(v float64, unit string) string {
	if unit == "s" {
		return hoursMinutes(v)
	}
	return fmt.Sprintf("%.1f km", v/1000)
}

// capText formats a week's cap, or "-" when none applies.
func capText(c *float64, unit string) string {
	if c == nil {
		return "-"
	}
	return volume(*c, unit)
}

func hoursMinutes(sec float64) string {
	m := int(math.Round(sec / 60))
	return fmt.Sprintf("%d:%02d h", m/60, m%60)
}

func phases(w analysis.Week) string {
	out := make([]string, len(w.Phases))
	for i, p := range w.Phases {
		out[i] = analysis.PhaseLabel(p)
	}
	return strings.Join(out, "+")
}

// weekRun is one run of a week, as the week listings show it.
type weekRun struct {
	Date string
	analysis.DayActivity
}

// weekRuns returns the runs of recovery week k up to as_of, in time order.
func weekRuns(r *analysis.Report, k int) []weekRun {
	var out []weekRun
	for _, d := range r.Days {
		if d.Week != k || d.Future {
			continue
		}
		for _, a := range d.Activities {
			if a.IsRun {
				out = append(out, weekRun{d.Date, a})
			}
		}
	}
	return out
}

// runLine is "2026-10-15 07:00  easy      6.50 km  40:00".
func runLine(w weekRun) string {
	class := w.Class
	if class == "" {
		class = "run"
	}
	return fmt.Sprintf("%s %s  %-8s  %6.2f km  %7s", w.Date, w.Start, class, w.DistanceM/1000, analysis.FormatDuration(w.MovingS))
}

func raceLine(r *analysis.Report) string {
	if r.Race == nil {
		return "none: " + r.Reason
	}
	how := ""
	switch r.Race.Source {
	case "marked":
		how = ", marked with taper race"
	case "distance":
		how = ", found by distance"
	}
	line := fmt.Sprintf("%s, %.2f km in %s (activity %s%s)", r.Race.Date, r.Race.DistanceM/1000,
		analysis.FormatDuration(r.Race.MovingTimeS), r.Race.ActivityID, how)
	if r.Race.Scaling != "" {
		line += "; " + r.Race.Scaling
	}
	return line
}

// recoveryTitle is "Marathon recovery", or the race's distance when it was
// another.
func recoveryTitle(r *analysis.Report) string {
	if r.Race == nil {
		return "Marathon recovery"
	}
	switch r.Race.Kind {
	case analysis.RaceMarathon:
		return "Marathon recovery"
	case analysis.RaceHalfMarathon:
		return "Half marathon recovery"
	case analysis.RaceUltra:
		return "Ultra recovery"
	}
	return "Race recovery"
}

func baselineLine(b analysis.ReportBaseline) string {
	if b.Volume == nil {
		return "none: " + b.Reason
	}
	switch b.Source {
	case analysis.BaselineConfig:
		return fmt.Sprintf("%s a week (baseline_km from the settings)", volume(*b.Volume, b.Unit))
	default:
		return fmt.Sprintf("%s a week (pre-race history, %d runs)", volume(*b.Volume, b.Unit), b.Runs)
	}
}

// waivedText says who waived a finding, when and why; "" when it counts.
func waivedText(f analysis.Finding) string {
	w := f.Waived
	if w == nil {
		return ""
	}
	return fmt.Sprintf("waived by %s on %s: %s", w.By, w.At.UTC().Format("2006-01-02"), w.Note)
}

// position says where the athlete stands at as_of.
func position(r *analysis.Report) string {
	c := r.Current
	switch {
	case r.Race == nil:
		return ""
	case c.Day <= 0:
		return fmt.Sprintf("as of %s the recovery has not started", r.AsOf)
	case c.Phase == analysis.PhaseAfter:
		return fmt.Sprintf("day %d: the %d audited weeks are over", c.Day, r.WeeksAudited)
	}
	return fmt.Sprintf("day %d, week %d (%s)", c.Day, c.Week, analysis.PhaseLabel(c.Phase))
}

// Plural is "1 file" or "3 files".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// currentWeekText is the roster's "current recovery week" cell.
func currentWeekText(r *analysis.Report) string {
	switch {
	case r.Race == nil:
		return "-"
	case r.Current.Day <= 0:
		return "not started"
	case r.Current.Phase == analysis.PhaseAfter:
		return "done"
	}
	return fmt.Sprintf("%d", r.Current.Week)
}

// currentWeekNumber is the current recovery week as a number for JSON
// consumers: 0 before the race, without a race, or after the audit.
func currentWeekNumber(r *analysis.Report) int {
	if r.Race == nil || r.Current.Day <= 0 || r.Current.Phase == analysis.PhaseAfter {
		return 0
	}
	return r.Current.Week
}

// statusRank orders statuses worst first.
func statusRank(s string) int {
	switch s {
	case analysis.StatusBreach:
		return 0
	case analysis.StatusWarning:
		return 1
	case analysis.StatusPending:
		return 2
	case analysis.StatusOK:
		return 3
	}
	return 4
}

// AuditRow is one athlete's line in the roster (taper audit).
type AuditRow struct {
	Athlete      string `json:"athlete"`
	RaceDate     string `json:"race_date"`   // "" when there is no race
	Week         string `json:"week"`        // current recovery week: "3", "done", "not started" or "-"
	WeekNumber   int    `json:"week_number"` // the same as a number: 1.. during the audit, 0 otherwise
	AsOf         string `json:"as_of"`       // the athlete's report date
	Day          int    `json:"day"`         // days after the race at as_of
	Phase        string `json:"phase"`
	Breaches     int    `json:"breaches"`
	Warnings     int    `json:"warnings"`
	LastActivity string `json:"last_activity"`
	Status       string `json:"status"`
	// Reason says why there is no race, or which rules could not be
	// checked (e.g. no baseline), so a coach sees what the status leaves out.
	Reason string `json:"reason,omitempty"`
}

// AuditRows summarises reports one row per athlete, worst first: by
// status (breach, warning, pending, ok, no race), then most breaches, most
// warnings, then athlete name.
func AuditRows(reports []*analysis.Report) []AuditRow {
	rs := sortedReports(reports)
	rows := make([]AuditRow, len(rs))
	for i, r := range rs {
		row := AuditRow{Athlete: r.Athlete, AsOf: r.AsOf, Week: currentWeekText(r), WeekNumber: currentWeekNumber(r), Breaches: r.Breaches, Warnings: r.Warnings,
			LastActivity: r.Current.LastActivity, Status: r.Status, Reason: r.Reason}
		if r.Race != nil {
			row.RaceDate = r.Race.Date
			row.Day = r.Current.Day
			row.Phase = r.Current.Phase
			if row.Reason == "" && len(r.Skipped) > 0 {
				var rules []string
				for _, s := range r.Skipped {
					rules = append(rules, s.Rule)
				}
				row.Reason = "not checked: " + strings.Join(rules, ", ")
				if r.Baseline.Source == analysis.BaselineNone {
					row.Reason += " (no baseline)"
				}
			}
		}
		rows[i] = row
	}
	return rows
}

// sortedReports returns the reports worst first (see AuditRows).
func sortedReports(reports []*analysis.Report) []*analysis.Report {
	rs := make([]*analysis.Report, 0, len(reports))
	for _, r := range reports {
		if r != nil {
			rs = append(rs, r)
		}
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if ra, rb := statusRank(a.Status), statusRank(b.Status); ra != rb {
			return ra < rb
		}
		if a.Breaches != b.Breaches {
			return a.Breaches > b.Breaches
		}
		if a.Warnings != b.Warnings {
			return a.Warnings > b.Warnings
		}
		return a.Athlete < b.Athlete
	})
	return rs
}

// asOf is the report date shared by a roster ("" if none).
// asOf is the reports' common as-of date; when athletes' "today" differ
// (time zones on either side of midnight) it gives the range.
func asOf(reports []*analysis.Report) string {
	lo, hi := asOfRange(reports)
	if lo != hi {
		return lo + ".." + hi + " (each athlete's today)"
	}
	return lo
}

// asOfRange returns the earliest and latest report dates.
func asOfRange(reports []*analysis.Report) (lo, hi string) {
	for _, r := range reports {
		if r == nil || r.AsOf == "" {
			continue
		}
		if lo == "" || r.AsOf < lo {
			lo = r.AsOf
		}
		if r.AsOf > hi {
			hi = r.AsOf
		}
	}
	return lo, hi
}

// skipGroup is the rules skipped for one reason.
type skipGroup struct {
	rules  []string
	reason string
}

// skippedGroups groups skipped rules by reason, in order.
func skippedGroups(skipped []analysis.SkippedRule) []skipGroup {
	var out []skipGroup
	for _, s := range skipped {
		if n := len(out); n > 0 && out[n-1].reason == s.Reason {
			out[n-1].rules = append(out[n-1].rules, s.Rule)
			continue
		}
		out = append(out, skipGroup{rules: []string{s.Rule}, reason: s.Reason})
	}
	return out
}

// scopeText says, for a report cut to one week, that its status and counts
// are that week's.
func scopeText(r *analysis.Report) string {
	if r.Scope == "" {
		return ""
	}
	return " in " + r.Scope
}
