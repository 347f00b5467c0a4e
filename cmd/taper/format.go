package main

import (
	"math"

	"github.com/taper-run/taper/analysis"
)

// formatKm prints metres as kilometres: "42.38 km".
func formatKm(m float64) string {
	if !analysis.Has(m) {
		return "-"
	}
	return analysis.FormatKm(m)
}

// formatDuration prints seconds as h:mm:ss or m:ss.
func formatDuration(s float64) string {
	if !analysis.Has(s) {
		return "-"
	}
	return analysis.FormatDuration(s)
}

// orNull is v for JSON, or nil when missing.
func orNull(v float64) any {
	if !analysis.Has(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}
