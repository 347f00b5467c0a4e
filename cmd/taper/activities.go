package main

import (
	"context"
	"fmt"
	"slices"
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

// activityTableColumns are the columns of the terminal table: they fit 80
// columns (the evidence is in --format json and csv).
func activityTableColumns() []string {
	return []string{"id", "date", "time", "sport", "km", "moving", "class", "note"}
}

func runActivities(ctx context.Context, o *activitiesOptions, st *streams) error {
	if err := checkFormat(o.Format, reports.RowFormats()...); err != nil {
		return err
	}
	for _, d := range []string{o.Since, o.Until} {
		if d == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return usagef("bad date %q: %s", d, taper.DateProblem(d))
		}
	}
	if o.Since != "" && o.Until != "" && o.Since > o.Until {
		return usagef("--since %s is after --until %s: nothing could match; swap them", o.Since, o.Until)
	}
	db, err := openExisting(ctx, o.DB, store.Options{ReadOnly: true}, st.errOut)
	if err != nil {
		return err
	}
	defer db.Close()
	acts, err := taper.ListActivities(ctx, db, taper.ActivityFilter{Athlete: o.Athlete, Since: o.Since, Until: o.Until, Primary: o.Primary})
	if err != nil {
		return err
	}
	if o.Sport != "" {
		if acts, err = bySport(ctx, db, o, acts); err != nil {
			return err
		}
	}
	var rows [][]any
	for _, a := range acts {
		rows = append(rows, activityRow(a, o.Format == "table"))
	}
	cols := activityColumns()
	if o.Format == "table" {
		cols = activityTableColumns()
	}
	if err := writeRows(st.out, o.Format, cols, rows); err != nil {
		return err
	}
	if o.Format == "table" && len(rows) > 0 {
		_, err = fmt.Fprintln(st.out, "note: damaged = only part of the file could be read; dup = another recording\n"+
			"of an activity listed too. Evidence and every field: --format json or csv")
	}
	return err
}

// knownSports are the sports --sport accepts besides those stored.
func knownSports() []string {
	return []string{analysis.SportRunning, analysis.SportCycling, analysis.SportWalking, analysis.SportHiking,
		analysis.SportSwimming, analysis.SportTraining, analysis.SportGeneric}
}

// bySport keeps the activities of o.Sport, matched case-insensitively; a
// sport neither known nor stored for the athlete is a usage error that
// lists the known ones (--sport run is not running).
func bySport(ctx context.Context, db *store.DB, o *activitiesOptions, acts []*analysis.Activity) ([]*analysis.Activity, error) {
	want := strings.ToLower(strings.TrimSpace(o.Sport))
	known := knownSports()
	all, err := taper.ListActivities(ctx, db, taper.ActivityFilter{Athlete: o.Athlete})
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		if !slices.Contains(known, a.Sport) {
			known = append(known, a.Sport)
		}
	}
	if !slices.Contains(known, want) {
		return nil, usagef("unknown --sport %q: use one of %s", o.Sport, strings.Join(known, ", "))
	}
	var out []*analysis.Activity
	for _, a := range acts {
		if a.Sport == want {
			out = append(out, a)
		}
	}
	return out, nil
}

// tableSport is a sport's short name for the 80-column table.
func tableSport(sport string) string {
	switch sport {
	case analysis.SportRunning:
		return "run"
	case analysis.SportCycling:
		return "ride"
	case analysis.SportWalking:
		return "walk"
	case analysis.SportSwimming:
		return "swim"
	case analysis.SportHiking:
		return "hike"
	case analysis.SportTraining:
		return "gym"
	}
	if len(sport) > 7 {
		return sport[:7]
	}
	return sport
}

func activityRow(a *analysis.Activity, table bool) []any {
	if !table {
		return reports.ActivityRow(a)
	}
	m := a.Metrics
	if m == nil {
		m = &analysis.Metrics{TRIMP: analysis.Missing()}
	}
	dist, moving := analysis.AnalysedTotals(a)
	km := "-"
	if analysis.Has(dist) {
		km = fmt.Sprintf("%.2f", dist/1000)
	}
	var note []string
	if a.Partial {
		note = append(note, "damaged")
	}
	if a.DuplicateOf != "" {
		note = append(note, "dup")
	}
	if len(a.Flags) > 0 {
		note = append(note, "flagged")
	}
	class := m.Class
	if class == "" {
		class = "-"
	}
	return []any{a.ID, a.LocalDate(), a.LocalStart().Format("15:04"), tableSport(a.Sport), km,
		formatDuration(moving), class, strings.Join(note, ",")}
}
