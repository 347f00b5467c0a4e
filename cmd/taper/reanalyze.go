package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/reports"
	"github.com/taper-run/taper/store"
)

type reanalyzeOptions struct {
	*globalOptions
	AllAthletes bool
}

func newReanalyzeCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &reanalyzeOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "reanalyze",
		Short: "Recompute metrics and classes (after an upgrade or new settings)",
		Example: `  taper reanalyze --db alice.duckdb --athlete alice
  taper reanalyze --db team.duckdb --all-athletes`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReanalyze(cmd.Context(), o, st)
		},
	}
	cmd.Flags().BoolVar(&o.AllAthletes, "all-athletes", false, "every athlete in the database")
	return cmd
}

func runReanalyze(ctx context.Context, o *reanalyzeOptions, st *streams) error {
	db, err := openExisting(ctx, o.DB, store.Options{}, st.errOut)
	if err != nil {
		return err
	}
	defer db.Close()
	athletes := []string{o.Athlete}
	if o.AllAthletes {
		if athletes, err = db.Athletes(ctx); err != nil {
			return err
		}
	}
	for _, a := range athletes {
		settings, err := loadSettingsFor(o.globalOptions, a)
		if err != nil {
			return err
		}
		start := time.Now()
		done, err := taper.Reanalyze(ctx, db, taper.ReanalyzeOptions{Athlete: a, Settings: settings, Now: o.now})
		if err != nil {
			return err
		}
		fmt.Fprintf(st.out, "Reanalyzed %s: %d activities (analysis version %d), %d changed class, in %s\n",
			a, done.Activities, analysis.AnalysisVersion, done.Changed, time.Since(start).Round(time.Millisecond))
		if done.Rezoned > 0 {
			fmt.Fprintf(st.out, "  %s moved to time zone %s (their files carry no zone of their own)\n",
				reports.Plural(done.Rezoned, "activity", "activities"), settings.TimeZone)
		}
	}
	return nil
}
