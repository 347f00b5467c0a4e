package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/taper-run/taper/analysis"
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
	return LoadSettings(p, athlete)
}
