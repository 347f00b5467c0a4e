package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/reports"
	"github.com/taper-run/taper/store"
)

type forgetOptions struct {
	*globalOptions
	Yes bool
}

func newForgetCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &forgetOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "forget",
		Short: "Delete everything stored for an athlete (a wrong --athlete)",
		Example: `  taper forget --db team.duckdb --athlete ben --yes
  taper import --db team.duckdb --athlete ben ben_export.zip  # the right files`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("athlete") {
				return usagef("give the athlete to forget with --athlete")
			}
			return runForget(cmd.Context(), o, st)
		},
	}
	cmd.Flags().BoolVar(&o.Yes, "yes", false, "really delete (without it, only say what would go)")
	return cmd
}

func runForget(ctx context.Context, o *forgetOptions, st *streams) error {
	db, err := openExisting(ctx, o.DB, store.Options{ReadOnly: !o.Yes}, st.errOut)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := taper.Forget(ctx, db, taper.ForgetOptions{Athlete: o.Athlete, DryRun: !o.Yes})
	if err != nil {
		return err
	}
	if !o.Yes {
		fmt.Fprintf(st.out, "Would delete athlete %s and everything stored for them (%s, their records, files,\nrace mark and the coach's decisions). Run again with --yes to delete.\n", o.Athlete, reports.Plural(n, "activity", "activities"))
		return &exitCodeError{code: exitUsage}
	}
	fmt.Fprintf(st.out, "Deleted athlete %s from %s: %s with their records, files, race mark and decisions.\n", o.Athlete, o.DB, reports.Plural(n, "activity", "activities"))
	return nil
}
