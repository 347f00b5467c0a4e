package main

import (
	"fmt"
	"math"
	"strconv"

	"github.com/taper-run/taper/analysis"
)

// formatKm prints metres as kilometres: "42.38 km".
func formatKm(m float64) string {
	if !analysis.Has(m) {
		return "-"
	}
	return fmt.Sprintf("%.2f km", m/1000)
}

// formatDuration prints seconds as h:mm:ss or m:ss.
func formatDuration(s float64) string {
	if !analysis.Has(s) {
		return "-"
	}
	t := int(math.Round(s))
	if t >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", t/3600, t%3600/60, t%60)
	}
	return fmt.Sprintf("%d:%02d", t/60, t%60)
}

// formatPace prints s/km as m:ss/km.
func formatPace(sPerKm float64) string {
	if !analysis.Has(sPerKm) || sPerKm <= 0 || math.IsInf(sPerKm, 0) {
		return "-"
	}
	t := int(math.Round(sPerKm))
	return fmt.Sprintf("%d:%02d/km", t/60, t%60)
}

// orNull is v for JSON, or nil when missing.
// roundTo is orNull of v rounded to step, the resolution the measurement
// has (FIT stores distance in cm, time in ms, altitude in 0.2 m): sums of
// floats otherwise print as 151.39999999999998.
func roundTo(v, step float64) any {
	if !analysis.Has(v) || math.IsInf(v, 0) {
		return nil
	}
	r := math.Round(v/step) * step
	// format through the step's decimals so the binary noise is gone
	d := 0
	for s := step; s < 1 && d < 6; s *= 10 {
		d++
	}
	out, _ := strconv.ParseFloat(strconv.FormatFloat(r, 'f', d, 64), 64)
	return out
}

func orNull(v float64) any {
	if !analysis.Has(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}
