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
// two sources (watch FIT plus phone GPX, Garmin plus Strava); a platform's
// summary (see SummaryOnly) and a recording are when they start within
// DupStartWindow with compatible sports.
func SameActivity(a, b *Activity) bool {
	if a.Athlete != b.Athlete || !compatibleSports(a, b) {
		return false
	}
	if math.Abs(a.Start.Sub(b.Start).Seconds()) > DupStartWindow {
		return false
	}
	if SummaryOnly(a) != SummaryOnly(b) {
		// A platform's summary of a recording starts when it does, but its
		// moving time is the platform's own (Garmin's movingDuration is not
		// the watch's timer): the start and the sport decide.
		return true
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
// activity should be kept as the primary: PreferPrimary with the samples
// each holds.
func PreferPrimaryChannels(a *Activity, ca int, b *Activity, cb int) (primary, duplicate *Activity) {
	return PreferPrimary(a, ca, len(a.Samples), b, cb, len(b.Samples))
}

// ExcerptRatio: a recording with fewer than this share of the other's
// samples is an excerpt of the same activity (a file's sample, a watch's
// partial download), not a second full recording of it.
const ExcerptRatio = 0.25

// PreferPrimary returns which of two recordings of the same activity should
// be kept as the primary, given each one's channels (heart rate, cadence,
// power; ca and cb, see Channels) and sample count (na and nb, as stored,
// since a stored primary's samples are not loaded): a recording before a
// platform's summary of it (see SummaryOnly), FIT before other formats, a
// full recording before an excerpt (fewer than ExcerptRatio of the other's
// samples, whose moving time would count only the part it holds), then the
// one with more channels, then more samples, then the earlier import (a).
func PreferPrimary(a *Activity, ca, na int, b *Activity, cb, nb int) (primary, duplicate *Activity) {
	if sa, sb := SummaryOnly(a), SummaryOnly(b); sa != sb {
		if sb {
			return a, b
		}
		return b, a
	}
	fa, fb := a.Format == "fit", b.Format == "fit"
	if fa != fb {
		if fa {
			return a, b
		}
		return b, a
	}
	switch {
	case float64(na) < ExcerptRatio*float64(nb):
		return b, a
	case float64(nb) < ExcerptRatio*float64(na):
		return a, b
	}
	if cb != ca {
		if cb > ca {
			return b, a
		}
		return a, b
	}
	if nb > na {
		return b, a
	}
	return a, b
}

// SummaryOnly reports whether a comes from a platform's listing of
// activities (Strava's activities.csv, Garmin's summarizedActivities.json:
// Format "csv" or "json") rather than from a recording: it has no samples.
func SummaryOnly(a *Activity) bool { return a.Format == "csv" || a.Format == "json" }

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
