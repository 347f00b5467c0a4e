package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/config"
	"github.com/taper-run/taper/store"
)

// configPath is --config, else taper.toml beside the database when it
// exists, else "" (built-in preset).
func configPath(g *globalOptions) (string, error) {
	if g.Config != "" {
		if _, err := os.Stat(g.Config); err != nil {
			return "", fmt.Errorf("settings file %s: %w", g.Config, err)
		}
		return g.Config, nil
	}
	if g.DB == "" || g.DB == ":memory:" {
		return "", nil
	}
	p := filepath.Join(filepath.Dir(g.DB), "taper.toml")
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	return "", nil
}

// loadSettingsFor returns the effective settings of an athlete.
func loadSettingsFor(g *globalOptions, athlete string) (analysis.Settings, error) {
	p, err := configPath(g)
	if err != nil {
		return analysis.Settings{}, err
	}
	return config.Load(p, athlete)
}

// warnUnknownAthletes warns about settings sections that match no athlete in
// the database: a typo there would silently leave an athlete on defaults.
func warnUnknownAthletes(ctx context.Context, g *globalOptions, db *store.DB, errOut io.Writer) {
	p, err := configPath(g)
	if err != nil || p == "" {
		return
	}
	names, err := config.Athletes(p)
	if err != nil || len(names) == 0 {
		return
	}
	known, err := db.Athletes(ctx)
	if err != nil {
		return
	}
	for _, n := range names {
		if !slices.Contains(known, n) {
			fmt.Fprintf(errOut, "taper: warning: %s: [athlete.%s] matches no athlete in %s (athletes: %s); its settings apply to nobody\n",
				p, n, g.DB, strings.Join(known, ", "))
		}
	}
}
