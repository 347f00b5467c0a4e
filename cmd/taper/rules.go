package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper/config"
)

type rulesOptions struct {
	*globalOptions
}

func newRulesCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &rulesOptions{globalOptions: g}
	return &cobra.Command{
		Use:   "rules",
		Short: "Print the effective recovery rules for an athlete and where each value came from",
		Example: `  taper rules
  taper rules --athlete alice --config coach.toml`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRules(cmd.Context(), o, st)
		},
	}
}

func runRules(_ context.Context, o *rulesOptions, st *streams) error {
	s, err := loadSettingsFor(o.globalOptions, o.Athlete)
	if err != nil {
		return err
	}
	return config.WriteRules(st.out, o.Athlete, s)
}
