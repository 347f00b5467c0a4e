package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper"
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
  taper activities --athlete alice --format json |
    jq '.[] | select(.class=="interval")'`,
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
	settings, err := loadSettingsFor(o.globalOptions, o.Athlete)
	if err != nil {
		return err
	}
	acts, err := taper.ListActivities(ctx, db, taper.ActivityFilter{Athlete: o.Athlete, Since: o.Since, Until: o.Until, Primary: o.Primary, Sport: o.Sport,
		Settings: &settings, Now: o.now})
	var us *taper.UnknownSportError
	if errors.As(err, &us) {
		return usagef("unknown --sport %q: use one of %s", o.Sport, strings.Join(us.Known, ", "))
	}
	if err != nil {
		return err
	}
	cols, row := reports.ActivityColumns(), reports.ActivityRow
	if o.Format == "table" {
		cols, row = reports.ActivityTableColumns(), reports.ActivityTableRow
	}
	var rows [][]any
	for _, a := range acts {
		rows = append(rows, row(a))
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
