package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper"
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
  taper import --db team.duckdb --athlete ben ben_export.zip     (then import the right files again)`,
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
		fmt.Fprintf(st.out, "Would delete athlete %s and everything stored for them (%d activities, their records, files and race mark).\nRun again with --yes to delete.\n", o.Athlete, n)
		return &exitCodeError{code: exitUsage}
	}
	fmt.Fprintf(st.out, "Deleted athlete %s from %s: %d activities with their records, files and race mark.\n", o.Athlete, o.DB, n)
	return nil
}
