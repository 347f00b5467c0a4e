package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/analysis"
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

// activityColumns are the fields of `taper activities` (a public contract
// for --format json and csv: add, never rename).
// distance_m, moving_time_s and pace are the analysis' values, the ones the
// rules count (moving time auto-pause aware, from the samples); the device's
// own session timer is device_moving_time_s.
func activityColumns() []string {
	return []string{
		"id", "athlete", "sport", "sub_sport", "start", "local_date", "local_time", "utc_offset_s", "time_zone", "tz_source",
		"distance_m", "moving_time_s", "elapsed_time_s", "device_moving_time_s", "pace", "ascent_m", "avg_hr", "max_hr",
		"device", "source", "duplicate_of", "partial", "flags", "class", "class_source", "evidence", "trimp",
	}
}

// activityTableColumns are the columns of the terminal table: they fit 80
// columns (the evidence is in --format json and csv).
func activityTableColumns() []string {
	return []string{"id", "date", "time", "sport", "km", "moving", "class", "note"}
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
			return usagef("bad date %q: %s", d, taper.DateProblem(d))
		}
	}
	if o.Since != "" && o.Until != "" && o.Since > o.Until {
		return usagef("--since %s is after --until %s: nothing could match; swap them", o.Since, o.Until)
	}
	db, err := openExisting(ctx, o.globalOptions, st.errOut, true)
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
	flags := strings.Join(a.Flags, ",")
	if table {
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
	return []any{a.ID, a.Athlete, a.Sport, a.SubSport, a.Start.UTC().Format(time.RFC3339), a.LocalDate(),
		a.LocalStart().Format("15:04:05"), a.UTCOffset, a.TimeZone, a.TimeSource,
		roundTo(dist, 0.01), roundTo(moving, 0.001), roundTo(a.ElapsedTime, 0.001), roundTo(a.MovingTime, 0.001), runPace(a, dist, moving),
		roundTo(a.Ascent, 0.1), roundTo(a.AvgHR, 0.1), roundTo(a.MaxHR, 0.1), a.Device, a.Source, dup, a.Partial, flags,
		m.Class, m.ClassSource, m.Evidence, roundTo(m.TRIMP, 0.1)}
}

func runPace(a *analysis.Activity, dist, moving float64) string {
	if a.Sport != analysis.SportRunning && a.Sport != analysis.SportWalking && a.Sport != analysis.SportHiking {
		return ""
	}
	if !analysis.Has(dist) || dist <= 0 || !analysis.Has(moving) {
		return "-"
	}
	return formatPace(moving / (dist / 1000))
}

// openExisting opens a database that must already exist. While another
// taper process writes it (an import), it waits up to --wait for the
// writer to finish, saying so on errOut with the writer's pid, so a cron
// audit right after a cron import works.
func openExisting(ctx context.Context, g *globalOptions, errOut io.Writer, readOnly bool) (*store.DB, error) {
	path := g.DB
	if path != "" && path != ":memory:" {
		if _, err := statFile(path); err != nil {
			return nil, &hintError{err: err, hint: "import files first (taper import --db " + path + " FILE...), or check --db"}
		}
	}
	deadline := time.Now().Add(g.Wait)
	told := false
	for {
		db, err := openOnce(ctx, path, readOnly)
		var lock *store.LockError
		if !errors.As(err, &lock) || time.Now().After(deadline) {
			if lock != nil && g.Wait > 0 {
				return nil, fmt.Errorf("%w; waited %s (--wait)", err, g.Wait)
			}
			return db, err
		}
		if !told {
			who := "another taper process"
			if lock.PID > 0 {
				who = fmt.Sprintf("taper process %d", lock.PID)
			}
			fmt.Fprintf(errOut, "taper: %s is writing %s; waiting up to %s for it to finish (--wait)\n", who, filepath.Base(path), g.Wait)
			told = true
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func openOnce(ctx context.Context, path string, readOnly bool) (*store.DB, error) {
	db, err := store.Open(ctx, path, store.Options{ReadOnly: readOnly})
	if readOnly && errors.Is(err, store.ErrOldSchema) {
		// Written by an older taper: upgrade it once, then read.
		rw, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			return nil, err
		}
		if err := rw.Close(); err != nil {
			return nil, err
		}
		return store.Open(ctx, path, store.Options{ReadOnly: true})
	}
	return db, err
}
