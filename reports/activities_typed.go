package reports

import (
	"encoding/json"
	"time"

	"github.com/taper-run/taper/analysis"
)

// ActivityTypes are the types of ActivityColumns in typed outputs (the
// Parquet of taper export and taper-beam), as DuckDB names them: the
// start is a timestamp, the local date a date, the class override JSON
// text; the rest as in the JSON.
func ActivityTypes() []string {
	return []string{
		"VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "TIMESTAMPTZ", "DATE", "VARCHAR", "INTEGER", "VARCHAR", "VARCHAR",
		"DOUBLE", "DOUBLE", "DOUBLE", "DOUBLE", "VARCHAR", "DOUBLE", "DOUBLE", "DOUBLE",
		"VARCHAR", "VARCHAR", "VARCHAR", "BOOLEAN", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "DOUBLE", "VARCHAR",
	}
}

// ActivityValues is ActivityRow with the values ActivityTypes name: the
// start as a UTC time.Time, the local date as a time.Time at midnight
// UTC, the class override as JSON text (nil when none); and the activity's
// local year (the partition of typed outputs).
func ActivityValues(a *analysis.Activity) (row []any, year int) {
	row = ActivityRow(a)
	row[4] = a.Start.UTC()
	row[7] = int32(a.UTCOffset)
	d, _ := time.Parse(time.DateOnly, a.LocalDate())
	row[5] = d
	if row[27] != nil {
		b, _ := json.Marshal(row[27]) // a plain struct: never fails
		row[27] = string(b)
	}
	return row, a.LocalStart().Year()
}

// FindingColumns are a finding's fields in typed outputs (the Parquet of
// taper export and taper-beam): those of the report's JSON, the waiver as
// JSON text (null when the finding counts).
func FindingColumns() []string {
	return []string{"rule", "severity", "date", "week", "activity_id", "message", "value", "limit", "unit", "day", "waived"}
}

// FindingTypes are the DuckDB types of FindingColumns.
func FindingTypes() []string {
	return []string{"VARCHAR", "VARCHAR", "DATE", "INTEGER", "VARCHAR", "VARCHAR", "DOUBLE", "DOUBLE", "VARCHAR", "INTEGER", "VARCHAR"}
}

// FindingValues are f's values in FindingColumns order, typed as
// FindingTypes says.
func FindingValues(f analysis.Finding) []any {
	d, _ := time.Parse(time.DateOnly, f.Date)
	var waived any
	if f.Waived != nil {
		b, _ := json.Marshal(f.Waived) // a plain struct: never fails
		waived = string(b)
	}
	return []any{f.Rule, f.Severity, d, int32(f.Week), f.ActivityID, f.Message, f.Value, f.Limit, f.Unit, int32(f.Day), waived}
}
