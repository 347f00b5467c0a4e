package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/store"
)

type raceOptions struct {
	*globalOptions
	Date     string
	Activity string
	Clear    bool
	Force    bool
}

func newRaceCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &raceOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "race",
		Short: "Mark the race by date or activity id when distance can't find it",
		Example: `  taper race --athlete alice --date 2026-10-04
  taper race --athlete alice --activity 3f9a0c1d2e4b5a69
  taper race --athlete alice --clear        (find the race by distance again)`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRace(cmd.Context(), o, st)
		},
	}
	cmd.Flags().StringVar(&o.Date, "date", "", "local date of the race, YYYY-MM-DD")
	cmd.Flags().StringVar(&o.Activity, "activity", "", "id of the race activity (see taper activities)")
	cmd.Flags().BoolVar(&o.Clear, "clear", false, "remove the mark: find the race by distance again")
	cmd.Flags().BoolVar(&o.Force, "force", false, "mark a run far from marathon distance anyway")
	return cmd
}

func runRace(ctx context.Context, o *raceOptions, st *streams) error {
	n := 0
	for _, set := range []bool{o.Date != "", o.Activity != "", o.Clear} {
		if set {
			n++
		}
	}
	if n != 1 {
		return usagef("give exactly one of --date, --activity or --clear")
	}
	if o.Date != "" {
		if _, err := time.Parse(time.DateOnly, o.Date); err != nil {
			return usagef("bad --date %q: %s", o.Date, taper.DateProblem(o.Date))
		}
	}
	settings, err := loadSettingsFor(o.globalOptions, o.Athlete)
	if err != nil {
		return err
	}
	db, err := openExisting(ctx, o.DB, store.Options{}, st.errOut)
	if err != nil {
		return err
	}
	defer db.Close()
	ro := taper.RaceOptions{Athlete: o.Athlete, Activity: o.Activity, Date: o.Date, Force: o.Force, Settings: settings, Now: o.now}
	var race taper.RaceResult
	if o.Clear {
		race, err = taper.ClearRace(ctx, db, ro)
	} else {
		race, err = taper.SetRace(ctx, db, ro)
	}
	if err != nil {
		return err
	}
	if race.ID == "" {
		fmt.Fprintf(st.out, "Mark cleared; no run of athlete %s is within marathon distance, so there is no race.\n", o.Athlete)
		return nil
	}
	fmt.Fprintf(st.out, "Race for %s: activity %s (%s)\n", o.Athlete, race.ID, race.Source)
	return nil
}
