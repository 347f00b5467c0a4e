package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store/steps"
)

// The bulk write path. A Writer collects records in columns (sampleColumns)
// and hands them to DuckDB in one statement, INSERT INTO samples SELECT *
// FROM taper_samples(id): a table function that fills DuckDB's vectors
// 2,048 rows at a time with typed writes (no per-value boxing, no call
// through cgo per row, as DuckDB's Appender needs).

// sampleColumns are records in the samples table's column order; missing
// values are noSteps (integers), noTime (t, distance) or NaN (floats).
type sampleColumns struct {
	key                  []int32
	t, dist              []int64
	lat, lon, alt, speed []int32
	hr, cad, pow         []float32
}

// noTime marks a record without a time.
const noTime = math.MinInt64

func (c *sampleColumns) len() int { return len(c.key) }

func (c *sampleColumns) reset() {
	c.key, c.t = c.key[:0], c.t[:0]
	c.lat, c.lon, c.alt, c.speed, c.dist = c.lat[:0], c.lon[:0], c.alt[:0], c.speed[:0], c.dist[:0]
	c.hr, c.cad, c.pow = c.hr[:0], c.cad[:0], c.pow[:0]
}

// add appends an activity's samples, in the steps the table keeps (see
// Quantize): times as milliseconds after t0 plus b.t, distances in cm plus
// b.distance.
func (c *sampleColumns) add(key int32, t0 time.Time, b bases, ss []analysis.Sample) {
	for i := range ss {
		s := &ss[i]
		t := int64(noTime)
		if !s.Time.IsZero() {
			t = int64(s.Time.Sub(t0)/time.Millisecond) + b.t
		}
		d := int64(noTime)
		if k, ok := distanceCm(s.Distance); ok {
			d = k + b.distance
		}
		c.key = append(c.key, key)
		c.t = append(c.t, t)
		c.lat = append(c.lat, toSteps(s.Lat, latLonSteps))
		c.lon = append(c.lon, toSteps(s.Lon, latLonSteps))
		c.alt = append(c.alt, toSteps(s.Altitude, altitudeSteps))
		c.speed = append(c.speed, toSteps(s.Speed, speedSteps))
		c.dist = append(c.dist, d)
		c.hr = append(c.hr, toFloat32(s.HeartRate))
		c.cad = append(c.cad, toFloat32(s.Cadence))
		c.pow = append(c.pow, toFloat32(s.Power))
	}
}

// bases are what an activity's stored t and distance are offset by
// (activities.t_base, activities.distance_base).
type bases struct{ t, distance int64 }

// nextBases returns bases for an activity whose records follow the
// columns' last ones, so that its first time and distance continue them
// (the next second, the same distance): bit-packing then sees no jump at
// the activity's start.
func (c *sampleColumns) nextBases(last *bases, ss []analysis.Sample) bases {
	b := bases{t: last.t + 1000}
	for i := range ss {
		if k, ok := distanceCm(ss[i].Distance); ok {
			b.distance = last.distance - k
			break
		}
	}
	return b
}

// track remembers the last stored t and distance of the rows just added
// (see nextBases).
func (c *sampleColumns) track(last *bases, from int) {
	for i := c.len() - 1; i >= from; i-- {
		if c.t[i] != noTime {
			last.t = c.t[i]
			break
		}
	}
	for i := c.len() - 1; i >= from; i-- {
		if c.dist[i] != noTime {
			last.distance = c.dist[i]
			break
		}
	}
}

// distanceCm is a distance in whole cm, within a range where the
// base-shifted value stays exact.
func distanceCm(v float64) (int64, bool) { return steps.DistanceCm(v) }

// sampleBatches holds the columns being inserted, by the id passed to
// taper_samples; bulkID numbers them.
var (
	sampleBatches sync.Map // int64 -> *sampleColumns
	bulkID        atomic.Int64
)

// registerBulk makes taper_samples available on conn (registering again
// replaces the function with the same one).
func registerBulk(conn *sql.Conn) error {
	integer, err := duckdb.NewTypeInfo(duckdb.TYPE_INTEGER)
	if err != nil {
		return err
	}
	bigint, err := duckdb.NewTypeInfo(duckdb.TYPE_BIGINT)
	if err != nil {
		return err
	}
	float, err := duckdb.NewTypeInfo(duckdb.TYPE_FLOAT)
	if err != nil {
		return err
	}
	cols := []duckdb.ColumnInfo{{Name: "key", T: integer}, {Name: "t", T: bigint}, {Name: "lat", T: integer}, {Name: "lon", T: integer},
		{Name: "altitude", T: integer}, {Name: "heart_rate", T: float}, {Name: "cadence", T: float}, {Name: "speed", T: integer},
		{Name: "distance", T: bigint}, {Name: "power", T: float}}
	return duckdb.RegisterTableUDF(conn, "taper_samples", duckdb.ChunkTableFunction{
		Config: duckdb.TableFunctionConfig{Arguments: []duckdb.TypeInfo{bigint}},
		BindArguments: func(_ map[string]any, args ...any) (duckdb.ChunkTableSource, error) {
			id, _ := args[0].(int64)
			c, ok := sampleBatches.Load(id)
			if !ok {
				return nil, fmt.Errorf("taper_samples: no batch %d", id)
			}
			return &sampleSource{c: c.(*sampleColumns), cols: cols}, nil
		},
	})
}

// insertSamples inserts c into the samples table through conn (inside the
// caller's transaction).
func insertSamples(ctx context.Context, conn *sql.Conn, c *sampleColumns) error {
	if c.len() == 0 {
		return nil
	}
	id := bulkID.Add(1)
	sampleBatches.Store(id, c)
	defer sampleBatches.Delete(id)
	_, err := conn.ExecContext(ctx, `INSERT INTO samples SELECT * FROM taper_samples(?)`, id)
	return err
}

// sampleSource is taper_samples' source over one batch of columns.
type sampleSource struct {
	c    *sampleColumns
	cols []duckdb.ColumnInfo
	pos  int
}

func (s *sampleSource) ColumnInfos() []duckdb.ColumnInfo { return s.cols }

func (s *sampleSource) Cardinality() *duckdb.CardinalityInfo {
	return &duckdb.CardinalityInfo{Cardinality: uint(s.c.len()), Exact: true}
}

func (s *sampleSource) Init() {}

func (s *sampleSource) FillChunk(ch duckdb.DataChunk) error {
	from := s.pos
	to := min(s.c.len(), from+duckdb.GetDataChunkCapacity())
	s.pos = to
	c := s.c
	missing32 := func(v int32) bool { return v == noSteps }
	missing64 := func(v int64) bool { return v == noTime }
	nan := func(v float32) bool { return v != v }
	for _, err := range []error{
		fillColumn(ch, 0, c.key[from:to], missing32), fillColumn(ch, 1, c.t[from:to], missing64),
		fillColumn(ch, 2, c.lat[from:to], missing32), fillColumn(ch, 3, c.lon[from:to], missing32),
		fillColumn(ch, 4, c.alt[from:to], missing32), fillColumn(ch, 5, c.hr[from:to], nan),
		fillColumn(ch, 6, c.cad[from:to], nan), fillColumn(ch, 7, c.speed[from:to], missing32),
		fillColumn(ch, 8, c.dist[from:to], missing64), fillColumn(ch, 9, c.pow[from:to], nan),
	} {
		if err != nil {
			return err
		}
	}
	return ch.SetSize(to - from)
}

// fillColumn writes vs into column idx of ch, NULL where missing says so.
func fillColumn[T int32 | int64 | float32](ch duckdb.DataChunk, idx int, vs []T, missing func(T) bool) error {
	for i, v := range vs {
		var err error
		if missing(v) {
			err = ch.SetValue(idx, i, nil)
		} else {
			err = duckdb.SetChunkValue(ch, idx, i, v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
