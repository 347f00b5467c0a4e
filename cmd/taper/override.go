package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/store"
)

type overrideOptions struct {
	*globalOptions
	Activity, Class string
	Note, By        string
	Undo            int64
}

func newOverrideCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &overrideOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "override",
		Short: "Set a run's class with a note; reports and audits then count it so",
		Example: `  taper override --athlete alice --activity 3f9a0c1d2e4b5a69 --class easy \
    --note "easy fartlek, not an interval session"
  taper override --athlete alice --undo 5  # taper's class again; history kept`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runOverride(cmd.Context(), o, st)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Activity, "activity", "", "the run's id (taper activities lists them)")
	f.StringVar(&o.Class, "class", "", "the class: "+strings.Join(taper.OverrideClasses(), ", "))
	f.StringVar(&o.Note, "note", "", "why (required)")
	f.StringVar(&o.By, "by", "local", "who decides, recorded with the decision")
	f.Int64Var(&o.Undo, "undo", 0, "undo the override with this decision id (taper waive --list shows them)")
	return cmd
}

func runOverride(ctx context.Context, o *overrideOptions, st *streams) error {
	if o.Undo != 0 {
		return undoDecision(ctx, o.globalOptions, st, o.Undo, store.DecisionClassOverride, o.By)
	}
	if o.Activity == "" || o.Class == "" {
		return usagef("give --activity and --class (and --note), or --undo ID")
	}
	db, err := openExisting(ctx, o.DB, store.Options{}, st.errOut)
	if err != nil {
		return err
	}
	defer db.Close()
	d, err := taper.Override(ctx, db, taper.OverrideOptions{Athlete: o.Athlete, ActivityID: o.Activity, Class: o.Class, Note: o.Note, By: o.By})
	if err != nil {
		return err
	}
	if d.ActivityID != o.Activity {
		fmt.Fprintf(st.out, "%s is another recording of run %s, which the reports count: the class is given to that one.\n", o.Activity, d.ActivityID)
	}
	fmt.Fprintf(st.out, "Run %s of %s is %s from now on (decision %d, undo with: taper override --db %s --athlete %s --undo %d)\n",
		d.ActivityID, d.Athlete, d.Class, d.ID, o.DB, d.Athlete, d.ID)
	replaced(st, d)
	return nil
}
