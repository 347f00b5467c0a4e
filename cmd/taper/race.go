package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper/store"
)

type raceOptions struct {
	*globalOptions
	Date     string
	Activity string
}

func newRaceCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &raceOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "race",
		Short: "Mark the athlete's race (by date or activity id) when taper should not find it by distance",
		Example: `  taper race --athlete alice --date 2026-10-04
  taper race --athlete alice --activity 3f9a0c1d2e4b5a69`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRace(cmd.Context(), o, st)
		},
	}
	cmd.Flags().StringVar(&o.Date, "date", "", "local date of the race, YYYY-MM-DD")
	cmd.Flags().StringVar(&o.Activity, "activity", "", "id of the race activity (see taper activities)")
	return cmd
}

func runRace(ctx context.Context, o *raceOptions, st *streams) error {
	if (o.Date == "") == (o.Activity == "") {
		return usagef("give exactly one of --date or --activity")
	}
	if o.Date != "" {
		if _, err := time.Parse(time.DateOnly, o.Date); err != nil {
			return usagef("bad --date %q: use YYYY-MM-DD", o.Date)
		}
	}
	settings, err := loadSettingsFor(o.globalOptions, o.Athlete)
	if err != nil {
		return err
	}
	db, err := openExisting(ctx, o.DB, false)
	if err != nil {
		return err
	}
	defer db.Close()
	known, err := db.Athletes(ctx)
	if err != nil {
		return err
	}
	if !slices.Contains(known, o.Athlete) {
		return &hintError{err: fmt.Errorf("no athlete %q in %s", o.Athlete, o.DB),
			hint: fmt.Sprintf("athletes in this database: %v; import the athlete's files first", known)}
	}
	if o.Activity != "" {
		acts, err := db.Activities(ctx, store.Filter{Athlete: o.Athlete, IDs: []string{o.Activity}, IncludeDuplicates: true})
		if err != nil {
			return err
		}
		if len(acts) == 0 {
			return &hintError{err: fmt.Errorf("no activity %s for athlete %s", o.Activity, o.Athlete),
				hint: "list ids with: taper activities --athlete " + o.Athlete}
		}
	}
	if err := db.MarkRace(ctx, o.Athlete, o.Activity, o.Date); err != nil {
		return err
	}
	an, _, err := newAnalyzer(ctx, db, o.Athlete, settings, time.Now())
	if err != nil {
		return err
	}
	if err := analyzeAthlete(ctx, db, o.Athlete, settings, time.Now(), nil, nil); err != nil {
		return err
	}
	if an.raceID == "" {
		fmt.Fprintf(st.out, "Marked; but no run of athlete %s matches it yet (import the race, or check the date).\n", o.Athlete)
		return nil
	}
	fmt.Fprintf(st.out, "Race for %s: activity %s (%s)\n", o.Athlete, an.raceID, an.raceSrc)
	return nil
}
