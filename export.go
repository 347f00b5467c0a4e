package taper

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/reports"
	"github.com/taper-run/taper/store"
)

// ExportOptions say what to export where.
type ExportOptions struct {
	Dir     string // gets activities/athlete=<a>/year=<y>/ and findings/athlete=<a>/
	Athlete string // "" = every athlete
	AsOf    string // the findings' report date; "" = today where each athlete is
	// Settings returns an athlete's effective settings (see config.Load).
	Settings func(athlete string) (analysis.Settings, error)
	Now      func() time.Time // nil: time.Now
}

// ExportResult counts what was written.
type ExportResult struct {
	Athletes, Activities, Findings int
}

// Export writes the athletes' activities (the fields of taper activities,
// duplicates included) and the findings of their reports as
// hive-partitioned Parquet, the layout taper-beam writes: any engine
// (DuckDB, Spark, Trino) reads it as it is.
func Export(ctx context.Context, db *store.DB, o ExportOptions) (*ExportResult, error) {
	athletes := []string{o.Athlete}
	if o.Athlete == "" {
		var err error
		if athletes, err = db.Athletes(ctx); err != nil {
			return nil, err
		}
	} else if err := requireAthlete(ctx, db, o.Athlete); err != nil {
		return nil, err
	}
	actCols, findCols := typedColumns(reports.ActivityColumns(), reports.ActivityTypes()), typedColumns(reports.FindingColumns(), reports.FindingTypes())
	acts := store.ParquetTable{Columns: append(actCols, store.ParquetColumn{Name: "year", Type: "INTEGER"}), PartitionBy: []string{"athlete", "year"}}
	finds := store.ParquetTable{Columns: append([]store.ParquetColumn{{Name: "athlete", Type: "VARCHAR"}}, findCols...), PartitionBy: []string{"athlete"}}
	res := &ExportResult{Athletes: len(athletes)}
	for _, athlete := range athletes {
		s, err := o.Settings(athlete)
		if err != nil {
			return nil, err
		}
		list, err := ListActivities(ctx, db, ActivityFilter{Athlete: athlete, Settings: &s, Now: o.Now})
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			row, year := reports.ActivityValues(a)
			acts.Rows = append(acts.Rows, append(row, int32(year)))
		}
		rep, err := Report(ctx, db, ReportOptions{Athlete: athlete, Settings: s, AsOf: o.AsOf, Now: o.Now})
		var none *NoActivitiesError
		if errors.As(err, &none) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, f := range rep.Findings {
			finds.Rows = append(finds.Rows, append([]any{athlete}, reports.FindingValues(f)...))
		}
	}
	res.Activities, res.Findings = len(acts.Rows), len(finds.Rows)
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if len(acts.Rows) > 0 {
		if err := store.WriteParquet(ctx, filepath.Join(o.Dir, "activities"), acts); err != nil {
			return nil, err
		}
	}
	if len(finds.Rows) > 0 {
		if err := store.WriteParquet(ctx, filepath.Join(o.Dir, "findings"), finds); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func typedColumns(names, types []string) []store.ParquetColumn {
	out := make([]store.ParquetColumn, len(names))
	for i := range names {
		out[i] = store.ParquetColumn{Name: names[i], Type: types[i]}
	}
	return out
}
