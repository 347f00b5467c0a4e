// Package steps is the precision the store keeps samples at (migration
// 0003): each measurement as a whole number of steps, or a float32. It is
// cgo-free, so code that decodes files away from the database (the Beam
// pipeline's workers) rounds samples exactly as the store does, and
// analyses what a reanalysis of the stored records would.
package steps

import (
	"math"
	"time"

	"github.com/taper-run/taper/analysis"
)

// Steps per unit of the samples table's whole-number columns.
const (
	LatLon   = 1e7  // 1e-7 degree
	Altitude = 10   // dm
	Speed    = 1000 // mm/s
	Distance = 100  // cm
)

// None marks a missing value among whole-number columns.
const None = math.MinInt32

// Quantize rounds a's samples to what the database keeps: times to the
// millisecond after the first one, positions to 1e-7 degree, altitude to
// 0.1 m, speed to 1 mm/s, distance to 1 cm, heart rate, cadence and power
// to float32; values beyond the columns' range become missing. Values
// already on these steps (FIT's own resolution, for speed and distance) do
// not change, and Quantize(Quantize(a)) = Quantize(a).
func Quantize(a *analysis.Activity) {
	t0 := T0(a.Samples)
	for i := range a.Samples {
		s := &a.Samples[i]
		if !s.Time.IsZero() {
			s.Time = t0.Add(time.Duration(s.Time.Sub(t0) / time.Millisecond * time.Millisecond))
		}
		s.Lat = From(To(s.Lat, LatLon), LatLon)
		s.Lon = From(To(s.Lon, LatLon), LatLon)
		s.Altitude = From(To(s.Altitude, Altitude), Altitude)
		s.Speed = From(To(s.Speed, Speed), Speed)
		if k, ok := DistanceCm(s.Distance); ok {
			s.Distance = float64(k) / Distance
		} else {
			s.Distance = math.NaN()
		}
		s.HeartRate = float64(ToFloat32(s.HeartRate))
		s.Cadence = float64(ToFloat32(s.Cadence))
		s.Power = float64(ToFloat32(s.Power))
	}
}

// T0 is the time base of an activity's records: its first sample time,
// truncated to the millisecond; zero when no sample has a time.
func T0(ss []analysis.Sample) time.Time {
	for i := range ss {
		if !ss[i].Time.IsZero() {
			return ss[i].Time.UTC().Truncate(time.Millisecond)
		}
	}
	return time.Time{}
}

// To is v as a whole number of 1/steps (an INTEGER column), None when
// missing or out of range.
func To(v, steps float64) int32 {
	f := math.Round(v * steps)
	if !(f > math.MinInt32 && f <= math.MaxInt32) { // NaN fails too
		return None
	}
	return int32(f)
}

// DistanceCm is a cumulative distance in whole centimetres (a BIGINT
// column, stored as an offset from the activity's first); false when
// missing or beyond 2^50 cm.
func DistanceCm(v float64) (int64, bool) {
	f := math.Round(v * Distance)
	if !(math.Abs(f) < 1<<50) {
		return 0, false
	}
	return int64(f), true
}

// From is the value k steps stand for, NaN for None.
func From(k int32, steps float64) float64 {
	if k == None {
		return math.NaN()
	}
	return float64(k) / steps
}

// ToFloat32 is v as a FLOAT column keeps it (NaN when missing or out of
// range).
func ToFloat32(v float64) float32 {
	if !analysis.Has(v) || math.Abs(v) > math.MaxFloat32 {
		return float32(math.NaN())
	}
	return float32(v)
}
