package store

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store/steps"
)

// The samples table's steps and rounding live in package steps (cgo-free,
// for decoders away from the database).
const (
	latLonSteps   = steps.LatLon
	altitudeSteps = steps.Altitude
	speedSteps    = steps.Speed
	distanceSteps = steps.Distance
	noSteps       = steps.None
)

// Quantize rounds a's samples to what the database keeps (see
// steps.Quantize). The Writer stores quantized samples, so analysing an
// activity after Quantize gives what a reanalysis of the stored records
// gives.
func Quantize(a *analysis.Activity) { steps.Quantize(a) }

func samplesT0(ss []analysis.Sample) time.Time { return steps.T0(ss) }
func toSteps(v, n float64) int32               { return steps.To(v, n) }
func fromSteps(k int32, n float64) float64     { return steps.From(k, n) }
func toFloat32(v float64) float32              { return steps.ToFloat32(v) }
func fromFloat32(f float32) float64            { return float64(f) }

// recMeta is what reading an activity's records needs: its id, time base
// and the offsets of its stored t and distance.
type recMeta struct {
	id string
	t0 time.Time
	b  bases
}

// eachRecord calls fn with every record of the activities matching where,
// in insertion (rowid) order: each activity's records were appended
// together in sample order, and a batch's activities (a contiguous range
// of keys) together, by key within each set of columns they have (see
// insertSamples), so they come grouped and a read of few activities
// touches only their batches' row groups.
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
// order they are handed out, so each batch's records hold a range of keys
// after the previous batch's. Only this process writes the file, so the largest stored key is
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
