package main

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/reports"
	"github.com/taper-run/taper/store"
)

type activitiesOptions struct {
	*globalOptions
	Since, Until string
	Format       string
	Primary      bool
	Sport        string
}

func newActivitiesCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &activitiesOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "activities",
		Short: "List the athlete's activities with their class and evidence",
		Example: `  taper activities --db alice.duckdb --athlete alice --since 2026-09-01
  taper activities --athlete alice --format json | jq '.[] | select(.class=="interval")'`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runActivities(cmd.Context(), o, st)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Since, "since", "", "first local date, YYYY-MM-DD")
	f.StringVar(&o.Until, "until", "", "last local date, YYYY-MM-DD")
	f.StringVar(&o.Format, "format", "table", "table, json or csv")
	f.BoolVar(&o.Primary, "primary", false, "leave out activities that duplicate another (duplicate_of set)")
	f.StringVar(&o.Sport, "sport", "", "only this sport (e.g. running)")
	return cmd
}

// activityColumns are the fields of `taper activities` --format json and
// csv (reports.ActivityColumns: a public contract).
func activityColumns() []string { return reports.ActivityColumns() }

// activityTableColumns are the columns of the terminal table.
func activityTableColumns() []string {
	return []string{"id", "local_date", "local_time", "sport", "distance", "moving", "pace", "avg_hr", "class", "evidence", "flags", "duplicate_of"}
}

func runActivities(ctx context.Context, o *activitiesOptions, st *streams) error {
	if err := checkFormat(o.Format, "table", "json", "csv"); err != nil {
		return err
	}
	for _, d := range []string{o.Since, o.Until} {
		if d == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return usagef("bad date %q: use YYYY-MM-DD", d)
		}
	}
	db, err := openExisting(ctx, o.DB, store.Options{ReadOnly: true}, st.errOut)
	if err != nil {
		return err
	}
	defer db.Close()
	acts, err := taper.ListActivities(ctx, db, taper.ActivityFilter{Athlete: o.Athlete, Since: o.Since, Until: o.Until, Primary: o.Primary, Sport: o.Sport})
	if err != nil {
		return err
	}
	var rows [][]any
	for _, a := range acts {
		rows = append(rows, activityRow(a, o.Format == "table"))
	}
	cols := activityColumns()
	if o.Format == "table" {
		cols = activityTableColumns()
	}
	return writeRows(st.out, o.Format, cols, rows)
}

func activityRow(a *analysis.Activity, table bool) []any {
	if !table {
		return reports.ActivityRow(a)
	}
	m := a.Metrics
	if m == nil {
		m = &analysis.Metrics{TRIMP: analysis.Missing()}
	}
	var dup any
	if a.DuplicateOf != "" {
		dup = a.DuplicateOf
	}
	sport := a.Sport
	if a.SubSport != "" {
		sport += "/" + a.SubSport
	}
	dist, moving := analysis.AnalysedTotals(a)
	return []any{a.ID, a.LocalDate(), a.LocalStart().Format("15:04"), sport, formatKm(dist),
		formatDuration(moving), reports.RunPace(a, dist, moving), oneDecimal(a.AvgHR), m.Class, m.Evidence, strings.Join(a.Flags, ","), dup}
}

// oneDecimal is a table cell with one decimal, nil when missing.
func oneDecimal(v float64) any {
	if orNull(v) == nil {
		return nil
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}
