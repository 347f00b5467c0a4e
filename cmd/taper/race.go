package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper/analysis"
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
		Short: "Mark the athlete's race (by date or activity id) when taper should not find it by distance",
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
	if err := requireAthlete(ctx, db, o.DB, o.Athlete); err != nil {
		return err
	}
	if o.Activity != "" {
		acts, err := db.Activities(ctx, store.Filter{Athlete: o.Athlete, IDs: []string{o.Activity}, IncludeDuplicates: true})
		if err != nil {
			return err
		}
		if len(acts) == 0 {
			return &hintError{err: fmt.Errorf("no activity %s for athlete %s", o.Activity, o.Athlete),
				hint: "list ids with: taper activities --db " + o.DB + " --athlete " + o.Athlete}
		}
	}
	// What the stored classes were computed with, so only the runs whose
	// race pace the new mark changes are analysed again.
	prev, _, err := newAnalyzer(ctx, db, o.Athlete, settings, time.Now())
	if err != nil {
		return err
	}
	if o.Clear {
		err = db.ClearRace(ctx, o.Athlete)
	} else {
		if err := checkRaceMark(ctx, db, o.Athlete, o.Activity, o.Date, o.Force); err != nil {
			return err
		}
		err = db.MarkRace(ctx, o.Athlete, o.Activity, o.Date)
	}
	if err != nil {
		return err
	}
	an, _, err := newAnalyzer(ctx, db, o.Athlete, settings, time.Now())
	if err != nil {
		return err
	}
	if err := analyzeAthlete(ctx, db, o.Athlete, settings, time.Now(), prev, nil); err != nil {
		return err
	}
	if an.raceID == "" {
		fmt.Fprintf(st.out, "Mark cleared; no run of athlete %s is within marathon distance, so there is no race.\n", o.Athlete)
		return nil
	}
	fmt.Fprintf(st.out, "Race for %s: activity %s (%s)\n", o.Athlete, an.raceID, an.raceSrc)
	return nil
}

// checkRaceMark refuses a mark that matches no run, rather than store it
// and lose the race (and with it the baseline).
func checkRaceMark(ctx context.Context, db *store.DB, athlete, id, date string, force bool) error {
	acts, err := db.Activities(ctx, store.Filter{Athlete: athlete})
	if err != nil {
		return err
	}
	if id != "" {
		if id, err = primaryID(ctx, db, athlete, id); err != nil { // a duplicate stands for its primary
			return err
		}
	}
	r := analysis.FindRace(acts, "", id, date)
	if r.Activity == nil || r.Source != analysis.RaceMarked {
		return &hintError{err: fmt.Errorf("no run of athlete %s matches %s: nothing marked", athlete, strings.TrimSpace(id+" "+date)),
			hint: "taper activities --athlete " + athlete + " (with your --db) lists the runs with their dates and ids"}
	}
	// The recovery rules are for a marathon: a 5 km run marked by mistake
	// would move the whole audit (and the baseline) to the wrong day.
	if dist, _ := analysedTotals(r.Activity); !force && (!analysis.Has(dist) || dist < 0.9*analysis.MarathonMetres || dist > 1.5*analysis.MarathonMetres) {
		return &hintError{err: fmt.Errorf("the run of athlete %s on %s is %s, not a marathon: nothing marked", athlete, r.Activity.LocalDate(), formatKm(dist)),
			hint: "check the date or id; taper race --force marks it anyway"}
	}
	return nil
}
