package analysis

import "math"

// Duplicate-detection tolerances: two recordings are the same activity when
// they belong to the same athlete, have compatible sports, start within
// DupStartWindow seconds, and agree on moving time and distance.
const (
	DupStartWindow  = 120  // s
	DupMovingTolPct = 0.15 // moving time within 15%
	DupDistTolPct   = 0.10 // distance within 10%
)

// SameActivity reports whether a and b are the same activity recorded by
// two sources (watch FIT plus phone GPX, Garmin plus Strava).
func SameActivity(a, b *Activity) bool {
	if a.Athlete != b.Athlete || !compatibleSports(a, b) {
		return false
	}
	if math.Abs(a.Start.Sub(b.Start).Seconds()) > DupStartWindow {
		return false
	}
	return within(a.MovingTime, b.MovingTime, DupMovingTolPct) &&
		within(a.Distance, b.Distance, DupDistTolPct)
}

// within reports whether x and y differ by at most tol of the larger one.
// Two missing values agree; one missing value does not.
func within(x, y, tol float64) bool {
	if !Has(x) || !Has(y) {
		return !Has(x) && !Has(y)
	}
	m := math.Max(math.Abs(x), math.Abs(y))
	if m == 0 {
		return true
	}
	return math.Abs(x-y) <= tol*m
}

func compatibleSports(a, b *Activity) bool {
	if a.Sport == b.Sport {
		return true
	}
	// An inferred or generic sport is compatible with any sport.
	return a.SportInferred || b.SportInferred || a.Sport == SportGeneric || b.Sport == SportGeneric || a.Sport == "" || b.Sport == ""
}

// PreferPrimaryChannels returns which of two recordings of the same
// activity should be kept as the primary: FIT before other formats, then
// the one with more channels (heart rate, cadence, power; ca and cb, see
// Channels, as stored), then the earlier import (a).
func PreferPrimaryChannels(a *Activity, ca int, b *Activity, cb int) (primary, duplicate *Activity) {
	fa, fb := a.Format == "fit", b.Format == "fit"
	if fa != fb {
		if fa {
			return a, b
		}
		return b, a
	}
	if cb > ca {
		return b, a
	}
	return a, b
}

// Channels counts the sensor channels (heart rate, cadence, power) present
// in the samples.
func Channels(a *Activity) int {
	var hr, cad, pw bool
	for i := range a.Samples {
		s := &a.Samples[i]
		hr = hr || Has(s.HeartRate)
		cad = cad || Has(s.Cadence)
		pw = pw || Has(s.Power)
	}
	n := 0
	for _, b := range []bool{hr, cad, pw} {
		if b {
			n++
		}
	}
	return n
}
