package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/config"
	"github.com/taper-run/taper/store"
)

// loadSettingsFor returns the effective settings of an athlete (the file
// is --config, else taper.toml beside the database: config.Find).
func loadSettingsFor(g *globalOptions, athlete string) (analysis.Settings, error) {
	p, err := config.Find(g.Config, g.DB)
	if err != nil {
		return analysis.Settings{}, err
	}
	return config.Load(p, athlete)
}

// warnUnknownAthletes warns about settings sections that match no athlete in
// the database: a typo there would silently leave an athlete on defaults.
func warnUnknownAthletes(ctx context.Context, g *globalOptions, db *store.DB, errOut io.Writer) {
	p, err := config.Find(g.Config, g.DB)
	if err != nil || p == "" {
		return
	}
	known, err := db.Athletes(ctx)
	if err != nil {
		return
	}
	for _, n := range config.Unmatched(p, known) {
		fmt.Fprintf(errOut, "taper: warning: %s: [athlete.%s] matches no athlete in %s (athletes: %s); its settings apply to nobody\n",
			p, n, g.DB, strings.Join(known, ", "))
	}
}
