package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/store"
)

type waiveOptions struct {
	*globalOptions
	Rule, Date, Activity string
	Note, By             string
	Undo                 int64
	List                 bool
}

func newWaiveCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &waiveOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "waive",
		Short: "Waive a finding with a note; it stays listed, counting for nothing",
		Example: `  taper waive --athlete alice --rule rest_window --date 2026-10-07 \
    --activity 3f9a0c1d2e4b5a69 --note "shakeout agreed with me"
  # a weekly rule's finding is on no activity
  taper waive --athlete alice --rule ramp_cap --date 2026-10-25 --note "travel"
  taper waive --athlete alice --list    # every decision with its id, undone too
  taper waive --athlete alice --undo 4  # the history keeps it`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWaive(cmd.Context(), o, st)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Rule, "rule", "", "the finding's rule, e.g. rest_window (taper report lists them)")
	f.StringVar(&o.Date, "date", "", "the finding's date, YYYY-MM-DD")
	f.StringVar(&o.Activity, "activity", "", "the finding's activity id (none for weekly rules)")
	f.StringVar(&o.Note, "note", "", "why (required)")
	f.StringVar(&o.By, "by", "local", "who decides, recorded with the decision")
	f.Int64Var(&o.Undo, "undo", 0, "undo the waiver with this decision id")
	f.BoolVar(&o.List, "list", false, "list the athlete's decisions with their ids")
	return cmd
}

func runWaive(ctx context.Context, o *waiveOptions, st *streams) error {
	switch {
	case o.List:
		return listDecisions(ctx, o.globalOptions, st)
	case o.Undo != 0:
		return undoDecision(ctx, o.globalOptions, st, o.Undo, store.DecisionWaiver, o.By)
	}
	if o.Rule == "" || o.Date == "" {
		return usagef("give the finding's --rule and --date (and --activity for a finding on a run), or --list or --undo ID")
	}
	if _, err := time.Parse(time.DateOnly, o.Date); err != nil {
		return usagef("bad --date %q: use YYYY-MM-DD", o.Date)
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
	d, err := taper.Waive(ctx, db, taper.WaiveOptions{Athlete: o.Athlete, Rule: o.Rule, Date: o.Date, ActivityID: o.Activity,
		Note: o.Note, By: o.By, Settings: settings})
	if err != nil {
		return err
	}
	fmt.Fprintf(st.out, "Waived %s of %s for %s (decision %d, undo with: taper waive --db %s --athlete %s --undo %d)\n",
		d.Rule, d.Date, d.Athlete, d.ID, o.DB, d.Athlete, d.ID)
	replaced(st, d)
	return nil
}

// listDecisions prints the athlete's decisions, oldest first.
func listDecisions(ctx context.Context, g *globalOptions, st *streams) error {
	db, err := openExisting(ctx, g.DB, store.Options{ReadOnly: true}, st.errOut)
	if err != nil {
		return err
	}
	defer db.Close()
	ds, err := taper.Decisions(ctx, db, g.Athlete)
	if err != nil {
		return err
	}
	rows := make([][]any, 0, len(ds))
	for _, d := range ds {
		rows = append(rows, []any{d.ID, d.At.Format("2006-01-02 15:04"), d.By, d.Kind, d.Target(), d.Note, d.State()})
	}
	return writeRows(st.out, "table", []string{"id", "at", "by", "kind", "what", "note", "state"}, rows)
}

func undoDecision(ctx context.Context, g *globalOptions, st *streams, id int64, kind, by string) error {
	db, err := openExisting(ctx, g.DB, store.Options{}, st.errOut)
	if err != nil {
		return err
	}
	defer db.Close()
	d, err := taper.Undo(ctx, db, g.Athlete, id, kind, by)
	if err != nil {
		return err
	}
	fmt.Fprintf(st.out, "Undid decision %d of %s (%s); the history keeps it\n", d.ID, d.Athlete, d.Target())
	return nil
}

// replaced says which earlier decisions of the same target d replaced.
func replaced(st *streams, d store.Decision) {
	for _, id := range d.Replaced {
		fmt.Fprintf(st.out, "It replaces decision %d, now undone (taper waive --list shows both).\n", id)
	}
}
