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

// formatPace prints s/km as m:ss/km.
func formatPace(sPerKm float64) string {
	if !analysis.Has(sPerKm) || sPerKm <= 0 || math.IsInf(sPerKm, 0) {
		return "-"
	}
	return analysis.FormatDuration(sPerKm) + "/km"
}

// orNull is v for JSON, or nil when missing.
func orNull(v float64) any {
	if !analysis.Has(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}
