package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper/config"
	"github.com/taper-run/taper/store"
)

type rulesOptions struct {
	*globalOptions
	athleteSet bool
}

func newRulesCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &rulesOptions{globalOptions: g}
	return &cobra.Command{
		Use:   "rules",
		Short: "Print the recovery rules and where each value came from",
		Example: `  taper rules
  taper rules --athlete alice --config coach.toml`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.athleteSet = cmd.Flags().Changed("athlete")
			return runRules(cmd.Context(), o, st)
		},
	}
}

func runRules(ctx context.Context, o *rulesOptions, st *streams) error {
	s, err := loadSettingsFor(o.globalOptions, o.Athlete)
	if err != nil {
		return err
	}
	// With a database, say what report and audit would: settings sections
	// that match nobody, and an --athlete the database does not know.
	if o.DB != "" && o.DB != ":memory:" {
		if _, err := os.Stat(o.DB); err == nil {
			// warnings only: never wait for a writer
			if db, err := store.Open(ctx, o.DB, store.Options{ReadOnly: true}); err == nil {
				warnUnknownAthletes(ctx, o.globalOptions, db, st.errOut)
				if known, err := db.Athletes(ctx); err == nil && o.athleteSet && !slices.Contains(known, o.Athlete) {
					fmt.Fprintf(st.errOut, "taper: warning: no athlete %q in %s (athletes: %s): these are the rules it would get\n",
						o.Athlete, o.DB, strings.Join(known, ", "))
				}
				db.Close()
			}
		}
	}
	return config.WriteRules(st.out, o.Athlete, s)
}
