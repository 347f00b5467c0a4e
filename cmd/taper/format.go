package main

import "github.com/taper-run/taper/analysis"

// formatDuration prints seconds as h:mm:ss or m:ss, "-" when unknown.
func formatDuration(s float64) string {
	if !analysis.Has(s) {
		return "-"
	}
	return analysis.FormatDuration(s)
}
