package store

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/taper-run/taper/analysis"
)

// Steps of the samples table (migration 0003): the database keeps each
// measurement as a whole number of these.
const (
	latLonSteps   = 1e7  // 1e-7 degree
	altitudeSteps = 10   // dm
	speedSteps    = 1000 // mm/s
	distanceSteps = 100  // cm
)

// Quantize rounds a's samples to what the database keeps (see migration
// 0003): times to the millisecond after the first one, positions to 1e-7
// degree, altitude to 0.1 m, speed to 1 mm/s, distance to 1 cm, heart rate,
// cadence and power to float32; values beyond the columns' range become
// missing. Values already on these steps (FIT's own resolution, for
// speed and distance) do not change, and Quantize(Quantize(a)) = Quantize(a).
// The Writer stores quantized samples, so analysing an activity after
// Quantize gives what a reanalysis of the stored records gives.
func Quantize(a *analysis.Activity) {
	t0 := samplesT0(a.Samples)
	for i := range a.Samples {
		s := &a.Samples[i]
		if !s.Time.IsZero() {
			s.Time = t0.Add(time.Duration(s.Time.Sub(t0) / time.Millisecond * time.Millisecond))
		}
		s.Lat = fromSteps(toSteps(s.Lat, latLonSteps), latLonSteps)
		s.Lon = fromSteps(toSteps(s.Lon, latLonSteps), latLonSteps)
		s.Altitude = fromSteps(toSteps(s.Altitude, altitudeSteps), altitudeSteps)
		s.Speed = fromSteps(toSteps(s.Speed, speedSteps), speedSteps)
		if k, ok := distanceCm(s.Distance); ok {
			s.Distance = float64(k) / distanceSteps
		} else {
			s.Distance = math.NaN()
		}
		s.HeartRate = fromFloat32(toFloat32(s.HeartRate))
		s.Cadence = fromFloat32(toFloat32(s.Cadence))
		s.Power = fromFloat32(toFloat32(s.Power))
	}
}

// samplesT0 is the time base of an activity's records: its first sample
// time, truncated to the millisecond; zero when no sample has a time.
func samplesT0(ss []analysis.Sample) time.Time {
	for i := range ss {
		if !ss[i].Time.IsZero() {
			return ss[i].Time.UTC().Truncate(time.Millisecond)
		}
	}
	return time.Time{}
}

// noSteps marks a missing value among whole-number columns.
const noSteps = math.MinInt32

// toSteps is v as a whole number of 1/steps (an INTEGER column), noSteps
// when missing or out of range.
func toSteps(v, steps float64) int32 {
	f := math.Round(v * steps)
	if !(f > math.MinInt32 && f <= math.MaxInt32) { // NaN fails too
		return noSteps
	}
	return int32(f)
}

func fromSteps(k int32, steps float64) float64 {
	if k == noSteps {
		return math.NaN()
	}
	return float64(k) / steps
}

// toFloat32 is v as a FLOAT column keeps it (NaN when missing or out of
// range).
func toFloat32(v float64) float32 {
	if !analysis.Has(v) || math.Abs(v) > math.MaxFloat32 {
		return float32(math.NaN())
	}
	return float32(v)
}

func fromFloat32(f float32) float64 { return float64(f) }

// recMeta is what reading an activity's records needs: its id, time base
// and the offsets of its stored t and distance.
type recMeta struct {
	id string
	t0 time.Time
	b  bases
}

// eachRecord calls fn with every record of the activities matching where,
// in insertion (rowid) order: each activity's records were appended
// together in sample order and activities in key order, so they come
// grouped and a read of few activities touches only their row groups.
func (db *DB) eachRecord(ctx context.Context, where string, args []any, fn func(id string, s analysis.Sample) error) error {
	metas := map[int32]recMeta{}
	rows, err := db.sql.QueryContext(ctx, `SELECT a.key, a.id, a.t0, a.t_base, a.distance_base FROM activities a`+where+andWhere(where)+`a.key IS NOT NULL`, args...)
	if err != nil {
		return fmt.Errorf("load records from %s: %w", db.name(), err)
	}
	var lo, hi int32 = math.MaxInt32, math.MinInt32
	for rows.Next() {
		var k int32
		var m recMeta
		var t0 *time.Time
		if err := rows.Scan(&k, &m.id, &t0, &m.b.t, &m.b.distance); err != nil {
			rows.Close()
			return fmt.Errorf("load records from %s: %w", db.name(), err)
		}
		if t0 != nil {
			m.t0 = t0.UTC()
		}
		metas[k] = m
		lo, hi = min(lo, k), max(hi, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load records from %s: %w", db.name(), err)
	}
	if len(metas) == 0 {
		return nil
	}
	// The key range lets DuckDB skip row groups by their min/max key; the
	// join keeps exactly the activities wanted.
	rows, err = db.sql.QueryContext(ctx, `SELECT s.key, s.t, s.lat, s.lon, s.altitude, s.heart_rate, s.cadence, s.speed, s.distance, s.power
		FROM samples s WHERE s.key BETWEEN ? AND ? AND s.key IN (SELECT a.key FROM activities a`+where+`) ORDER BY s.rowid`,
		append([]any{lo, hi}, args...)...)
	if err != nil {
		return fmt.Errorf("load records from %s: %w", db.name(), err)
	}
	defer rows.Close()
	var v [10]any
	dest := make([]any, len(v))
	for i := range v {
		dest[i] = &v[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("load records from %s: %w", db.name(), err)
		}
		db.recordsRead.Add(1)
		k, _ := v[0].(int32)
		m := metas[k]
		s := analysis.Sample{Lat: anySteps(v[2], latLonSteps), Lon: anySteps(v[3], latLonSteps), Altitude: anySteps(v[4], altitudeSteps),
			HeartRate: anyFloat32(v[5]), Cadence: anyFloat32(v[6]), Speed: anySteps(v[7], speedSteps),
			Distance: math.NaN(), Power: anyFloat32(v[9])}
		if ms, ok := v[1].(int64); ok {
			s.Time = m.t0.Add(time.Duration(ms-m.b.t) * time.Millisecond)
		}
		if cm, ok := v[8].(int64); ok {
			s.Distance = float64(cm-m.b.distance) / distanceSteps
		}
		if err := fn(m.id, s); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load records from %s: %w", db.name(), err)
	}
	return nil
}

// andWhere continues a WHERE clause built by Filter.where.
func andWhere(where string) string {
	if where == "" {
		return " WHERE "
	}
	return " AND "
}

func anySteps(v any, steps float64) float64 {
	if k, ok := v.(int32); ok {
		return float64(k) / steps
	}
	return math.NaN()
}

func anyFloat32(v any) float64 {
	if f, ok := v.(float32); ok {
		return float64(f)
	}
	return math.NaN()
}

// nextKeys reserves n activity keys for a writer: keys increase in the
// order they are handed out, so records appended in key order stay sorted
// by key. Only this process writes the file, so the largest stored key is
// read once.
func (db *DB) nextKeys(ctx context.Context, n int) (int32, error) {
	db.keyMu.Lock()
	defer db.keyMu.Unlock()
	if !db.keyLoaded {
		var k *int32
		if err := db.sql.QueryRowContext(ctx, `SELECT max(key) FROM activities`).Scan(&k); err != nil {
			return 0, fmt.Errorf("read activity keys: %w", err)
		}
		if k != nil {
			db.lastKey = *k
		}
		db.keyLoaded = true
	}
	first := db.lastKey + 1
	db.lastKey += int32(n)
	return first, nil
}
