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
	"github.com/duckdb/duckdb-go/v2/mapping"
	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store/steps"
)

// The bulk write path. Each activity's records are put in the samples
// table's columns where it is decoded (PrepareRecords, in parallel); the
// Writer keeps a batch's prepared activities with their keys and bases and
// hands them to DuckDB in a statement per set of columns the activities
// have, INSERT INTO samples (key, t, ...) SELECT * FROM taper_samples(id,
// set): a table function that fills DuckDB's vectors 2,048 rows at a time
// with typed writes (no per-value boxing, no call through cgo per row, as
// DuckDB's Appender needs), offsetting t and distance on the way and
// leaving the columns an activity lacks to DuckDB's NULL default.

// sampleColumns are records in the samples table's column order (without
// key); missing values are noSteps (integers), noTime (t, distance) or NaN
// (floats).
type sampleColumns struct {
	t, dist              []int64
	lat, lon, alt, speed []int32
	hr, cad, pow         []float32
}

// noTime marks a record without a time.
const noTime = math.MinInt64

func (c *sampleColumns) len() int { return len(c.t) }

// add appends an activity's samples, in the steps the table keeps (see
// Quantize): times as milliseconds after t0, distances in cm.
func (c *sampleColumns) add(t0 time.Time, ss []analysis.Sample) {
	for i := range ss {
		s := &ss[i]
		t := int64(noTime)
		if !s.Time.IsZero() {
			t = int64(s.Time.Sub(t0) / time.Millisecond)
		}
		d := int64(noTime)
		if k, ok := distanceCm(s.Distance); ok {
			d = k
		}
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
// activity is decoded, in parallel, so the one writer only queues it.
type Prepared struct {
	t0              time.Time
	cols            sampleColumns
	set             columnSet // the nullable columns with a value
	firstDist       int64     // the first distance, the last time and distance; noTime if none
	lastT, lastDist int64
	channels        int // analysis.Channels
}

// PrepareRecords puts a's (quantized, see Quantize) samples in the table's
// columns.
func PrepareRecords(a *analysis.Activity) *Prepared {
	n := len(a.Samples)
	p := &Prepared{t0: samplesT0(a.Samples), channels: analysis.Channels(a), firstDist: noTime, lastT: noTime, lastDist: noTime}
	p.cols = sampleColumns{t: make([]int64, 0, n), dist: make([]int64, 0, n),
		lat: make([]int32, 0, n), lon: make([]int32, 0, n), alt: make([]int32, 0, n), speed: make([]int32, 0, n),
		hr: make([]float32, 0, n), cad: make([]float32, 0, n), pow: make([]float32, 0, n)}
	p.cols.add(p.t0, a.Samples)
	c := &p.cols
	for i := range n {
		for col := 2; col < len(sampleColumnNames); col++ {
			if p.set&(1<<col) == 0 && c.has(col, i) {
				p.set |= 1 << col
			}
		}
		if c.t[i] != noTime {
			p.lastT = c.t[i]
		}
		if c.dist[i] != noTime {
			if p.firstDist == noTime {
				p.firstDist = c.dist[i]
			}
			p.lastDist = c.dist[i]
		}
	}
	return p
}

// QuantizeAndPrepare is Quantize(a) and then PrepareRecords(a) in one pass
// over a's samples: each value is put in steps once, for the table's
// column and, back from the steps, for the sample (which the analysis then
// reads as the database keeps it). It gives what the two give.
func QuantizeAndPrepare(a *analysis.Activity) *Prepared {
	n := len(a.Samples)
	t0 := samplesT0(a.Samples)
	p := &Prepared{t0: t0, firstDist: noTime, lastT: noTime, lastDist: noTime}
	c := &p.cols
	*c = sampleColumns{t: make([]int64, n), dist: make([]int64, n), lat: make([]int32, n), lon: make([]int32, n),
		alt: make([]int32, n), speed: make([]int32, n), hr: make([]float32, n), cad: make([]float32, n), pow: make([]float32, n)}
	var set columnSet
	whole := func(v *float64, per float64, col int) int32 {
		k := toSteps(*v, per)
		*v = fromSteps(k, per)
		if k != noSteps {
			set |= 1 << col
		}
		return k
	}
	single := func(v *float64, col int) float32 {
		f := toFloat32(*v)
		*v = float64(f)
		if f == f {
			set |= 1 << col
		}
		return f
	}
	for i := range a.Samples {
		s := &a.Samples[i]
		c.t[i] = noTime
		if !s.Time.IsZero() {
			ms := s.Time.Sub(t0) / time.Millisecond
			s.Time = t0.Add(ms * time.Millisecond)
			c.t[i], p.lastT = int64(ms), int64(ms)
		}
		c.lat[i] = whole(&s.Lat, latLonSteps, 2)
		c.lon[i] = whole(&s.Lon, latLonSteps, 3)
		c.alt[i] = whole(&s.Altitude, altitudeSteps, 4)
		c.hr[i] = single(&s.HeartRate, 5)
		c.cad[i] = single(&s.Cadence, 6)
		c.speed[i] = whole(&s.Speed, speedSteps, 7)
		c.dist[i] = noTime
		if k, ok := distanceCm(s.Distance); ok {
			s.Distance = float64(k) / steps.Distance
			c.dist[i], p.lastDist = k, k
			if p.firstDist == noTime {
				p.firstDist = k
			}
			set |= 1 << 8
		} else {
			s.Distance = math.NaN()
		}
		c.pow[i] = single(&s.Power, 9)
	}
	p.set = set
	p.channels = analysis.Channels(a)
	return p
}

// bases are what an activity's stored t and distance are offset by
// (activities.t_base, activities.distance_base).
type bases struct{ t, distance int64 }

// nextBases returns bases for p's records to follow those stored last
// (last), so that its first time and distance continue them (the next
// second, the same distance): bit-packing then sees no jump at the
// activity's start. It then moves last to p's last time and distance.
func (p *Prepared) nextBases(last *bases) bases {
	b := bases{t: last.t + 1000}
	if p.firstDist != noTime {
		b.distance = last.distance - p.firstDist
	}
	if p.lastT != noTime {
		last.t = p.lastT + b.t
	}
	if p.lastDist != noTime {
		last.distance = p.lastDist + b.distance
	}
	return b
}

// distanceCm is a distance in whole cm, within a range where the
// base-shifted value stays exact.
func distanceCm(v float64) (int64, bool) { return steps.DistanceCm(v) }

// activityRecords is one activity's records in a writer's batch.
type activityRecords struct {
	key int32
	b   bases
	p   *Prepared
}

// sampleBatches holds the batches being inserted, by the id passed to
// taper_samples; bulkID numbers them.
var (
	sampleBatches sync.Map // int64 -> map[columnSet][]activityRecords
	bulkID        atomic.Int64
)

// The samples table's columns, in order; key and t are always written, the
// others (nullable) only for the activities that have them.
var sampleColumnNames = []string{"key", "t", "lat", "lon", "altitude", "heart_rate", "cadence", "speed", "distance", "power"}

// sampleColumnTypes are the DuckDB types taper_samples gives
// sampleColumnNames (and fillRaw writes).
var sampleColumnTypes = []mapping.Type{mapping.TypeInteger, mapping.TypeBigInt, mapping.TypeInteger, mapping.TypeInteger,
	mapping.TypeInteger, mapping.TypeFloat, mapping.TypeFloat, mapping.TypeInteger, mapping.TypeBigInt, mapping.TypeFloat}

// columnSet is a set of the nullable columns (bit i: sampleColumnNames[i]).
type columnSet uint16

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

// registerBulk makes taper_samples available to the database's
// connections: once, through conn, outside any transaction. DuckDB keeps
// table functions in its system catalog, for every connection; two
// writers registering it at once, each in its batch's transaction, made
// the second fail (taper serve imports two athletes at once).
func (db *DB) registerBulk(ctx context.Context, conn *sql.Conn) error {
	db.bulkMu.Lock()
	defer db.bulkMu.Unlock()
	if db.bulkRegistered {
		return nil
	}
	if err := registerSamplesUDF(conn); err != nil {
		return err
	}
	db.bulkRegistered = true
	return nil
}

// registerSamplesUDF registers taper_samples through conn.
func registerSamplesUDF(conn *sql.Conn) error {
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
			src := &sampleSource{acts: v.(map[columnSet][]activityRecords)[columnSet(set)]}
			for _, r := range src.acts {
				src.rows += r.p.cols.len()
			}
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

// insertSamples inserts a batch's records into the samples table through
// conn (inside the caller's transaction): one statement per set of columns
// its activities have.
func insertSamples(ctx context.Context, conn *sql.Conn, recs []activityRecords) error {
	var order []columnSet
	parts := map[columnSet][]activityRecords{}
	for _, r := range recs {
		if r.p.cols.len() == 0 {
			continue
		}
		if _, ok := parts[r.p.set]; !ok {
			order = append(order, r.p.set)
		}
		parts[r.p.set] = append(parts[r.p.set], r)
	}
	if len(order) == 0 {
		return nil
	}
	id := bulkID.Add(1)
	sampleBatches.Store(id, parts)
	defer sampleBatches.Delete(id)
	for _, set := range order {
		q := `INSERT INTO samples (` + strings.Join(set.names(), ", ") + `) SELECT * FROM taper_samples(?, ?)`
		if _, err := conn.ExecContext(ctx, q, id, int64(set)); err != nil {
			return err
		}
	}
	return nil
}

// sampleSource is taper_samples' source over the activities of one column
// set.
type sampleSource struct {
	cols []int // indexes into sampleColumnNames
	info []duckdb.ColumnInfo
	acts []activityRecords
	rows int
	next int // the activity being read
	pos  int // the next row of it

	raw   []rawVector    // the chunk's columns, written in place (fillRaw)
	types []mapping.Type // the DuckDB types of cols
}

func (s *sampleSource) ColumnInfos() []duckdb.ColumnInfo { return s.info }

func (s *sampleSource) Cardinality() *duckdb.CardinalityInfo {
	return &duckdb.CardinalityInfo{Cardinality: uint(s.rows), Exact: true}
}

func (s *sampleSource) Init() {}

func (s *sampleSource) FillChunk(ch duckdb.DataChunk) error {
	n, capacity := 0, duckdb.GetDataChunkCapacity()
	for n < capacity && s.next < len(s.acts) {
		r := s.acts[s.next]
		to := min(r.p.cols.len(), s.pos+capacity-n)
		if err := s.fill(ch, n, r, s.pos, to); err != nil {
			return err
		}
		n += to - s.pos
		s.pos = to
		if to == r.p.cols.len() {
			s.next, s.pos = s.next+1, 0
		}
	}
	return ch.SetSize(n)
}

// fill writes rows [from, to) of r into ch from row at on.
func (s *sampleSource) fill(ch duckdb.DataChunk, at int, r activityRecords, from, to int) error {
	c := &r.p.cols
	missing32 := func(v int32) bool { return v == noSteps }
	nan := func(v float32) bool { return v != v }
	if s.fillRaw(&ch, at, r, from, to) {
		return nil
	}
	for out, col := range s.cols {
		var err error
		switch col {
		case 0:
			for i := range to - from {
				if err = duckdb.SetChunkValue(ch, out, at+i, r.key); err != nil {
					break
				}
			}
		case 1:
			err = fillOffset(ch, out, at, c.t[from:to], r.b.t)
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
			err = fillOffset(ch, out, at, c.dist[from:to], r.b.distance)
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

// fillOffset writes vs plus offset into column idx of ch from row at on,
// NULL for noTime.
func fillOffset(ch duckdb.DataChunk, idx, at int, vs []int64, offset int64) error {
	for i, v := range vs {
		var err error
		if v == noTime {
			err = ch.SetValue(idx, at+i, nil)
		} else {
			err = duckdb.SetChunkValue(ch, idx, at+i, v+offset)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// fillRaw is fill writing the chunk's vectors in place (see rawColumns);
// it reports false, having written no value, when it cannot: the chunk is
// then filled by duckdb-go's setters.
func (s *sampleSource) fillRaw(ch *duckdb.DataChunk, at int, r activityRecords, from, to int) bool {
	if !fillInPlace {
		return false
	}
	if at == 0 { // a new chunk: its vectors
		s.raw = nil
		if s.types == nil {
			for _, col := range s.cols {
				s.types = append(s.types, sampleColumnTypes[col])
			}
		}
		raw, ok := rawColumns(ch, s.types)
		if !ok {
			return false
		}
		s.raw = raw
		rawChunks.Add(1)
	}
	if len(s.raw) != len(s.cols) {
		return false
	}
	c := &r.p.cols
	missing32 := func(v int32) bool { return v == noSteps }
	nan := func(v float32) bool { return v != v }
	for out, col := range s.cols {
		v := s.raw[out]
		switch col {
		case 0:
			rawFillConst(v, at, to-from, r.key)
		case 1:
			rawFillOffset(v, at, c.t[from:to], r.b.t)
		case 2:
			rawFill(v, at, c.lat[from:to], missing32)
		case 3:
			rawFill(v, at, c.lon[from:to], missing32)
		case 4:
			rawFill(v, at, c.alt[from:to], missing32)
		case 5:
			rawFill(v, at, c.hr[from:to], nan)
		case 6:
			rawFill(v, at, c.cad[from:to], nan)
		case 7:
			rawFill(v, at, c.speed[from:to], missing32)
		case 8:
			rawFillOffset(v, at, c.dist[from:to], r.b.distance)
		case 9:
			rawFill(v, at, c.pow[from:to], nan)
		}
	}
	return true
}
