package analysis

import "math"

// Thresholds used by ComputeTotals. They are exported so that reports can
// state them and other metrics can reuse them.
const (
	// PauseSpeed is the speed (m/s) below which the athlete is considered
	// stopped: the interval before a sample slower than this is not moving
	// time. 0.5 m/s is 1.8 km/h, slower than any walk.
	PauseSpeed = 0.5
	// PauseGap is the longest interval (s) between two consecutive samples
	// that counts as moving on the strength of the sample's own speed (or,
	// without any speed information, on no evidence at all). A longer
	// interval, up to MaxMovingGap, counts only if the distance covered
	// during it shows movement at PauseSpeed or faster (smart recording
	// writes a point every few seconds while moving; auto-pause leaves a gap
	// with no distance).
	PauseGap = 10.0
	// MaxMovingGap is the longest interval (s) that can count as moving at
	// all: a longer gap is a pause (watch stopped and restarted, signal loss).
	MaxMovingGap = 60.0
	// AscentHysteresis is the dead band (m) of the elevation gain: altitude
	// noise smaller than this never adds to the gain. A climb is counted
	// once the altitude is this far above the lowest point seen since the
	// last counted climb, and from then on it counts every further metre.
	AscentHysteresis = 3.0
	// EarthRadius is the mean Earth radius (m) used by Haversine.
	EarthRadius = 6371008.8
)

// Totals are an activity's totals computed from its samples.
// Every value is NaN when the samples do not carry what it needs.
type Totals struct {
	Distance    float64 // m: the device's cumulative distance, else the haversine length of the track
	MovingTime  float64 // s: see PauseSpeed and PauseGap
	ElapsedTime float64 // s: last sample time minus first sample time
	Ascent      float64 // m: see AscentHysteresis
	AvgHR       float64 // bpm: mean over samples with a heart rate
	MaxHR       float64 // bpm
	AvgCadence  float64 // mean over samples with a non-zero cadence
}

// Haversine returns the great-circle distance in metres between two points
// given in degrees, on a sphere of radius EarthRadius.
func Haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLon := (lon2 - lon1) * rad
	s1 := math.Sin(dLat / 2)
	s2 := math.Sin(dLon / 2)
	h := s1*s1 + math.Cos(lat1*rad)*math.Cos(lat2*rad)*s2*s2
	if h > 1 {
		h = 1
	}
	return 2 * EarthRadius * math.Asin(math.Sqrt(h))
}

// TrackLength returns the haversine length (m) of the samples' positions,
// skipping samples without a position. It is 0 for fewer than two positions.
func TrackLength(s []Sample) float64 {
	var d float64
	prev := -1
	for i := range s {
		if !Has(s[i].Lat) || !Has(s[i].Lon) {
			continue
		}
		if prev >= 0 {
			d += Haversine(s[prev].Lat, s[prev].Lon, s[i].Lat, s[i].Lon)
		}
		prev = i
	}
	return d
}

// ElevationGain returns the total ascent (m) of the samples' altitudes with
// a dead band of AscentHysteresis metres: the reference altitude follows
// every descent, and a rise counts only once it exceeds the band; after
// that, the reference follows the climb so each further metre counts.
// Samples without an altitude are ignored. NaN when no sample has one.
func ElevationGain(s []Sample) float64 {
	gain := 0.0
	ref := math.NaN()
	climbing := false
	for i := range s {
		a := s[i].Altitude
		if !Has(a) {
			continue
		}
		switch {
		case !Has(ref):
			ref = a
		case climbing && a > ref:
			gain += a - ref
			ref = a
		case climbing && a < ref-AscentHysteresis:
			climbing = false
			ref = a
		case !climbing && a < ref:
			ref = a
		case !climbing && a >= ref+AscentHysteresis:
			climbing = true
			gain += a - ref
			ref = a
		}
	}
	if !Has(ref) {
		return math.NaN()
	}
	return gain
}

// ComputeTotals computes an activity's totals from its samples (in time
// order). Distance is the largest cumulative Distance the device recorded;
// without one, the haversine length of the track. Moving time sums the
// intervals between consecutive samples that are at most PauseGap long and
// end at a sample moving at PauseSpeed or faster (the sample's own speed,
// else derived from distance or position; without any speed information,
// every such interval counts), plus the intervals up to MaxMovingGap over
// which the distance covered shows a speed of at least PauseSpeed.
func ComputeTotals(s []Sample) Totals {
	c := newClock(s)
	defer c.release()
	return computeTotals(s, c)
}

// computeTotals is ComputeTotals with s's clock.
func computeTotals(s []Sample, c clock) Totals {
	t := Totals{
		Distance: math.NaN(), MovingTime: math.NaN(), ElapsedTime: math.NaN(),
		Ascent: ElevationGain(s), AvgHR: math.NaN(), MaxHR: math.NaN(), AvgCadence: math.NaN(),
	}
	if len(s) == 0 {
		return t
	}
	// Distance.
	maxDist := math.NaN()
	hasPos := false
	for i := range s {
		if Has(s[i].Distance) && (!Has(maxDist) || s[i].Distance > maxDist) {
			maxDist = s[i].Distance
		}
		if Has(s[i].Lat) && Has(s[i].Lon) {
			hasPos = true
		}
	}
	switch {
	case Has(maxDist):
		t.Distance = maxDist
	case hasPos:
		t.Distance = TrackLength(s)
	}
	// Times.
	first, last := -1, -1
	for i := range s {
		if s[i].Time.IsZero() {
			continue
		}
		if first < 0 {
			first = i
		}
		last = i
	}
	if first >= 0 {
		t.ElapsedTime = s[last].Time.Sub(s[first].Time).Seconds()
		t.MovingTime = movingTime(s, c)
	}
	// Heart rate and cadence.
	var hrSum, cadSum float64
	var hrN, cadN int
	for i := range s {
		if hr := s[i].HeartRate; Has(hr) && hr > 0 {
			hrSum += hr
			hrN++
			if !Has(t.MaxHR) || hr > t.MaxHR {
				t.MaxHR = hr
			}
		}
		if c := s[i].Cadence; Has(c) && c > 0 {
			cadSum += c
			cadN++
		}
	}
	if hrN > 0 {
		t.AvgHR = hrSum / float64(hrN)
	}
	if cadN > 0 {
		t.AvgCadence = cadSum / float64(cadN)
	}
	return t
}

// movingTime implements ComputeTotals' moving time.
func movingTime(s []Sample, c clock) float64 {
	var moving float64
	prev := -1
	for i := range s {
		if s[i].Time.IsZero() {
			continue
		}
		if prev < 0 {
			prev = i
			continue
		}
		dt := c.sub(i, prev).Seconds()
		switch {
		case dt <= 0 || dt > MaxMovingGap:
		case dt <= PauseGap:
			if v := intervalSpeed(&s[prev], &s[i], dt); !Has(v) || v >= PauseSpeed {
				moving += dt
			}
		default:
			if v := coveredSpeed(&s[prev], &s[i], dt); Has(v) && v >= PauseSpeed {
				moving += dt
			}
		}
		prev = i
	}
	return moving
}

// coveredSpeed is the mean speed over the interval a -> b from cumulative
// distance, else from positions; NaN if unknown.
func coveredSpeed(a, b *Sample, dt float64) float64 {
	switch {
	case Has(a.Distance) && Has(b.Distance):
		return (b.Distance - a.Distance) / dt
	case Has(a.Lat) && Has(a.Lon) && Has(b.Lat) && Has(b.Lon):
		return Haversine(a.Lat, a.Lon, b.Lat, b.Lon) / dt
	}
	return math.NaN()
}

// intervalSpeed is the speed at the end of the interval a -> b: b's own
// speed, else from cumulative distance, else from positions; NaN if unknown.
func intervalSpeed(a, b *Sample, dt float64) float64 {
	switch {
	case Has(b.Speed):
		return b.Speed
	case Has(a.Distance) && Has(b.Distance):
		return (b.Distance - a.Distance) / dt
	case Has(a.Lat) && Has(a.Lon) && Has(b.Lat) && Has(b.Lon):
		return Haversine(a.Lat, a.Lon, b.Lat, b.Lon) / dt
	}
	return math.NaN()
}
