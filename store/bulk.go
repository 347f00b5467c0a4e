package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store/steps"
)

// The bulk write path. A Writer collects records in columns (sampleColumns)
// and hands them to DuckDB in a statement per set of columns the batch's
// activities have, INSERT INTO samples (key, t, ...) SELECT * FROM
// taper_samples(id, set): a table function that fills DuckDB's vectors
// 2,048 rows at a time with typed writes (no per-value boxing, no call
// through cgo per row, as DuckDB's Appender needs), leaving the columns an
// activity lacks to DuckDB's NULL default.

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

// Prepared is an activity's records in the samples table's columns: times
// in ms after its t0 and distances in cm, before the writer offsets them
// (bases) and gives them its key. PrepareRecords makes it where the
// activity is decoded, in parallel, so the one writer only appends.
type Prepared struct {
	t0       time.Time
	cols     sampleColumns
	channels int // analysis.Channels
}

// PrepareRecords puts a's (quantized, see Quantize) samples in the table's
// columns.
func PrepareRecords(a *analysis.Activity) *Prepared {
	p := &Prepared{t0: samplesT0(a.Samples), channels: analysis.Channels(a)}
	n := len(a.Samples)
	p.cols = sampleColumns{key: make([]int32, 0, n), t: make([]int64, 0, n), dist: make([]int64, 0, n),
		lat: make([]int32, 0, n), lon: make([]int32, 0, n), alt: make([]int32, 0, n), speed: make([]int32, 0, n),
		hr: make([]float32, 0, n), cad: make([]float32, 0, n), pow: make([]float32, 0, n)}
	p.cols.add(0, p.t0, bases{}, a.Samples)
	return p
}

// nextBases is sampleColumns.nextBases for p's records: its first
// distance continues the last one stored.
func (p *Prepared) nextBases(last *bases) bases {
	b := bases{t: last.t + 1000}
	for _, d := range p.cols.dist {
		if d != noTime {
			b.distance = last.distance - d
			break
		}
	}
	return b
}

// appendPrepared appends p's records with key, offset by b.
func (c *sampleColumns) appendPrepared(key int32, b bases, p *sampleColumns) {
	for i := range p.key {
		t, d := p.t[i], p.dist[i]
		if t != noTime {
			t += b.t
		}
		if d != noTime {
			d += b.distance
		}
		c.key = append(c.key, key)
		c.t = append(c.t, t)
		c.dist = append(c.dist, d)
	}
	c.lat, c.lon, c.alt, c.speed = append(c.lat, p.lat...), append(c.lon, p.lon...), append(c.alt, p.alt...), append(c.speed, p.speed...)
	c.hr, c.cad, c.pow = append(c.hr, p.hr...), append(c.cad, p.cad...), append(c.pow, p.pow...)
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

// sampleBatches holds the batches being inserted, by the id passed to
// taper_samples; bulkID numbers them.
var (
	sampleBatches sync.Map // int64 -> *sampleBatch
	bulkID        atomic.Int64
)

// The samples table's columns, in order; key and t are always written, the
// others (nullable) only for the activities that have them.
var sampleColumnNames = []string{"key", "t", "lat", "lon", "altitude", "heart_rate", "cadence", "speed", "distance", "power"}

// columnSet is a set of the nullable columns (bit i: sampleColumnNames[i]).
type columnSet uint16

// span is the rows [from, to) of the columns: one activity's records.
type span struct{ from, to int }

// sampleBatch is a batch of columns split by the columns its activities
// have: each part is inserted naming only those, and DuckDB stores the
// others as NULL without a value written for each row (a runner without
// a power meter, a treadmill run without GPS).
type sampleBatch struct {
	c     *sampleColumns
	order []columnSet          // the sets, in the order of their first activity
	parts map[columnSet][]span // the activities of each set, in order
	rows  map[columnSet]int    // their row counts
	info  map[columnSet][]duckdb.ColumnInfo
}

// has reports whether column col (an index into sampleColumnNames) holds a
// value at row i.
func (c *sampleColumns) has(col, i int) bool {
	switch col {
	case 2:
		return c.lat[i] != noSteps
	case 3:
		return c.lon[i] != noSteps
	case 4:
		return c.alt[i] != noSteps
	case 5:
		return c.hr[i] == c.hr[i]
	case 6:
		return c.cad[i] == c.cad[i]
	case 7:
		return c.speed[i] != noSteps
	case 8:
		return c.dist[i] != noTime
	case 9:
		return c.pow[i] == c.pow[i]
	}
	return true
}

// newSampleBatch splits c by activity (runs of one key) and column set.
func newSampleBatch(c *sampleColumns) *sampleBatch {
	b := &sampleBatch{c: c, parts: map[columnSet][]span{}, rows: map[columnSet]int{}}
	for from := 0; from < c.len(); {
		to := from + 1
		for to < c.len() && c.key[to] == c.key[from] {
			to++
		}
		var set columnSet
		for col := 2; col < len(sampleColumnNames); col++ {
			for i := from; i < to; i++ {
				if c.has(col, i) {
					set |= 1 << col
					break
				}
			}
		}
		if _, ok := b.parts[set]; !ok {
			b.order = append(b.order, set)
		}
		b.parts[set] = append(b.parts[set], span{from, to})
		b.rows[set] += to - from
		from = to
	}
	return b
}

// names are the columns of set, key and t first, in table order.
func (set columnSet) names() []string {
	out := []string{"key", "t"}
	for col := 2; col < len(sampleColumnNames); col++ {
		if set&(1<<col) != 0 {
			out = append(out, sampleColumnNames[col])
		}
	}
	return out
}

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
	types := []duckdb.TypeInfo{integer, bigint, integer, integer, integer, float, float, integer, bigint, float}
	return duckdb.RegisterTableUDF(conn, "taper_samples", duckdb.ChunkTableFunction{
		Config: duckdb.TableFunctionConfig{Arguments: []duckdb.TypeInfo{bigint, bigint}},
		BindArguments: func(_ map[string]any, args ...any) (duckdb.ChunkTableSource, error) {
			id, _ := args[0].(int64)
			set, _ := args[1].(int64)
			v, ok := sampleBatches.Load(id)
			if !ok {
				return nil, fmt.Errorf("taper_samples: no batch %d", id)
			}
			b := v.(*sampleBatch)
			src := &sampleSource{c: b.c, spans: b.parts[columnSet(set)], rows: b.rows[columnSet(set)]}
			for col := range sampleColumnNames {
				if col < 2 || columnSet(set)&(1<<col) != 0 {
					src.cols = append(src.cols, col)
					src.info = append(src.info, duckdb.ColumnInfo{Name: sampleColumnNames[col], T: types[col]})
				}
			}
			return src, nil
		},
	})
}

// insertSamples inserts c into the samples table through conn (inside the
// caller's transaction): one statement per set of columns its activities
// have.
func insertSamples(ctx context.Context, conn *sql.Conn, c *sampleColumns) error {
	if c.len() == 0 {
		return nil
	}
	id := bulkID.Add(1)
	b := newSampleBatch(c)
	sampleBatches.Store(id, b)
	defer sampleBatches.Delete(id)
	for _, set := range b.order {
		q := `INSERT INTO samples (` + strings.Join(set.names(), ", ") + `) SELECT * FROM taper_samples(?, ?)`
		if _, err := conn.ExecContext(ctx, q, id, int64(set)); err != nil {
			return err
		}
	}
	return nil
}

// sampleSource is taper_samples' source over the spans of one column set.
type sampleSource struct {
	c     *sampleColumns
	cols  []int // indexes into sampleColumnNames
	info  []duckdb.ColumnInfo
	spans []span
	rows  int
	next  int // the span being read
	pos   int // the next row of it
}

func (s *sampleSource) ColumnInfos() []duckdb.ColumnInfo { return s.info }

func (s *sampleSource) Cardinality() *duckdb.CardinalityInfo {
	return &duckdb.CardinalityInfo{Cardinality: uint(s.rows), Exact: true}
}

func (s *sampleSource) Init() {}

func (s *sampleSource) FillChunk(ch duckdb.DataChunk) error {
	n, capacity := 0, duckdb.GetDataChunkCapacity()
	for n < capacity && s.next < len(s.spans) {
		sp := s.spans[s.next]
		if s.pos < sp.from {
			s.pos = sp.from
		}
		to := min(sp.to, s.pos+capacity-n)
		if err := s.fill(ch, n, s.pos, to); err != nil {
			return err
		}
		n += to - s.pos
		s.pos = to
		if to == sp.to {
			s.next++
		}
	}
	return ch.SetSize(n)
}

// fill writes rows [from, to) of the columns into ch from row at on.
func (s *sampleSource) fill(ch duckdb.DataChunk, at, from, to int) error {
	c := s.c
	missing32 := func(v int32) bool { return v == noSteps }
	missing64 := func(v int64) bool { return v == noTime }
	nan := func(v float32) bool { return v != v }
	for out, col := range s.cols {
		var err error
		switch col {
		case 0:
			err = fillColumn(ch, out, at, c.key[from:to], missing32)
		case 1:
			err = fillColumn(ch, out, at, c.t[from:to], missing64)
		case 2:
			err = fillColumn(ch, out, at, c.lat[from:to], missing32)
		case 3:
			err = fillColumn(ch, out, at, c.lon[from:to], missing32)
		case 4:
			err = fillColumn(ch, out, at, c.alt[from:to], missing32)
		case 5:
			err = fillColumn(ch, out, at, c.hr[from:to], nan)
		case 6:
			err = fillColumn(ch, out, at, c.cad[from:to], nan)
		case 7:
			err = fillColumn(ch, out, at, c.speed[from:to], missing32)
		case 8:
			err = fillColumn(ch, out, at, c.dist[from:to], missing64)
		case 9:
			err = fillColumn(ch, out, at, c.pow[from:to], nan)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// fillColumn writes vs into column idx of ch from row at on, NULL where
// missing says so.
func fillColumn[T int32 | int64 | float32](ch duckdb.DataChunk, idx, at int, vs []T, missing func(T) bool) error {
	for i, v := range vs {
		var err error
		if missing(v) {
			err = ch.SetValue(idx, at+i, nil)
		} else {
			err = duckdb.SetChunkValue(ch, idx, at+i, v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
