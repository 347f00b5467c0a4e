package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/taper-run/taper/analysis"
)

// csvFindingHeader is the header of CSV: one row per finding.
func csvFindingHeader() []string {
	return []string{"athlete", "rule", "severity", "date", "week", "activity", "value", "limit", "message", "unit", "waived"}
}

// CSV writes one row per finding (athlete, rule, severity, date, week,
// activity, value, limit, message, unit, waived: who waived it, when and
// why, empty when it counts) under a header, for spreadsheets.
func CSV(w io.Writer, r *analysis.Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvFindingHeader()); err != nil {
		return fmt.Errorf("write csv report: %w", err)
	}
	writeFindingRows(cw, r)
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv report: %w", err)
	}
	return nil
}

func writeFindingRows(cw *csv.Writer, r *analysis.Report) {
	for _, f := range r.Findings {
		_ = cw.Write([]string{r.Athlete, f.Rule, f.Severity, f.Date, strconv.Itoa(f.Week), f.ActivityID,
			num(f.Value), num(f.Limit), f.Message, f.Unit, waivedText(f)}) // the error sticks: checked by cw.Error
	}
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// AuditCSV writes the roster, one row per athlete, worst first: athlete,
// race_date, week, day, phase, breaches, warnings, last_activity, status,
// reason, as_of.
func AuditCSV(w io.Writer, reports []*analysis.Report) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"athlete", "race_date", "week", "day", "phase", "breaches", "warnings",
		"last_activity", "status", "reason", "as_of"})
	for _, row := range AuditRows(reports) {
		_ = cw.Write([]string{row.Athlete, row.RaceDate, row.Week, strconv.Itoa(row.Day), row.Phase,
			strconv.Itoa(row.Breaches), strconv.Itoa(row.Warnings), row.LastActivity, row.Status, row.Reason, row.AsOf})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv audit: %w", err)
	}
	return nil
}
