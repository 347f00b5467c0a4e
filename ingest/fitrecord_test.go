package ingest

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/muktihari/fit/decoder"
	"github.com/muktihari/fit/profile/basetype"
	"github.com/muktihari/fit/profile/mesgdef"
	"github.com/muktihari/fit/profile/untyped/mesgnum"
	"github.com/muktihari/fit/proto"
	"github.com/taper-run/taper/analysis"
)

// mesgdefSample is the sample of record m read through mesgdef.Record
// (how taper read records before addRecord read fields by number); false
// when m has no valid timestamp.
func mesgdefSample(m *proto.Message) (analysis.Sample, bool) {
	r := mesgdef.NewRecord(m)
	if r.Timestamp.IsZero() {
		return analysis.Sample{}, false
	}
	s := analysis.Sample{
		Time:      r.Timestamp.UTC(),
		Lat:       nan(r.PositionLatDegrees()),
		Lon:       nan(r.PositionLongDegrees()),
		Altitude:  nan(r.EnhancedAltitudeScaled()),
		HeartRate: math.NaN(),
		Cadence:   math.NaN(),
		Speed:     nan(r.EnhancedSpeedScaled()),
		Distance:  nan(r.DistanceScaled()),
		Power:     math.NaN(),
	}
	if !analysis.Has(s.Lat) || !analysis.Has(s.Lon) || math.Abs(s.Lat) > 90 || math.Abs(s.Lon) > 180 ||
		(s.Lat == 0 && s.Lon == 0) {
		s.Lat, s.Lon = math.NaN(), math.NaN()
	}
	if !analysis.Has(s.Altitude) {
		s.Altitude = nan(r.AltitudeScaled())
	}
	if !analysis.Has(s.Speed) {
		s.Speed = nan(r.SpeedScaled())
	}
	if r.HeartRate != basetype.Uint8Invalid && r.HeartRate != 0 {
		s.HeartRate = float64(r.HeartRate)
	}
	if r.Cadence != basetype.Uint8Invalid {
		s.Cadence = float64(r.Cadence)
		if r.FractionalCadence != basetype.Uint8Invalid {
			s.Cadence += float64(r.FractionalCadence) / 128
		}
	}
	if r.Power != basetype.Uint16Invalid {
		s.Power = float64(r.Power)
	}
	return s, true
}

// sameSample reports whether a and b are equal, NaN equal to NaN.
func sameSample(a, b analysis.Sample) bool {
	eq := func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }
	return a.Time == b.Time && eq(a.Lat, b.Lat) && eq(a.Lon, b.Lon) && eq(a.Altitude, b.Altitude) &&
		eq(a.HeartRate, b.HeartRate) && eq(a.Cadence, b.Cadence) && eq(a.Speed, b.Speed) &&
		eq(a.Distance, b.Distance) && eq(a.Power, b.Power)
}

// checkRecord compares addRecord's sample of m with mesgdefSample's.
func checkRecord(t *testing.T, what string, m *proto.Message) {
	t.Helper()
	c := &fitCollector{}
	c.addRecord(m)
	want, ok := mesgdefSample(m)
	switch {
	case !ok && (len(c.samples) != 0 || c.noTime != 1):
		t.Fatalf("%s: record without a valid timestamp gave %d samples, noTime %d; want it dropped", what, len(c.samples), c.noTime)
	case ok && len(c.samples) != 1:
		t.Fatalf("%s: %d samples, want 1", what, len(c.samples))
	case ok && !sameSample(c.samples[0], want):
		t.Fatalf("%s: addRecord gives\n%+v\nmesgdef.Record gives\n%+v", what, c.samples[0], want)
	}
}

// recordMesgs decodes data (every segment, as far as it decodes) and
// returns its record messages, expanded components included.
func recordMesgs(data []byte) []proto.Message {
	var l recordListener
	fixed, _, _ := fitFixBaseTypes(data)
	dec := decoder.New(bytes.NewReader(fixed), decoder.WithIgnoreChecksum(), decoder.WithBroadcastOnly(), decoder.WithMesgListener(&l))
	for dec.Next() {
		if _, err := dec.Decode(); err != nil {
			break
		}
	}
	return l.recs
}

type recordListener struct{ recs []proto.Message }

func (l *recordListener) OnMesg(m proto.Message) {
	if m.Num == mesgnum.Record {
		m.Fields = slices.Clone(m.Fields)
		l.recs = append(l.recs, m)
	}
}

// TestFITRecordFields checks that reading a record's fields by number gives
// the samples mesgdef.Record gives: generated files (plain, compressed
// timestamps, developer fields, no GPS) and random messages with
// duplicate fields, values of other types than the profile's and invalid
// values.
func TestFITRecordFields(t *testing.T) {
	start := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	files := map[string][]byte{
		"plain":      genFIT(t, genRun{Start: start, Seconds: 300, Speed: 3.1}),
		"compressed": genFIT(t, genRun{Start: start, Seconds: 300, Compressed: true}),
		"nogps":      genFIT(t, genRun{Start: start, Seconds: 300, NoGPS: true}),
		"developer":  genFITDev(t, start),
	}
	for name, data := range files {
		recs := recordMesgs(data)
		if len(recs) == 0 {
			t.Fatalf("%s: no records decoded", name)
		}
		for i := range recs {
			checkRecord(t, name, &recs[i])
		}
	}

	nums := []byte{253, 0, 1, 2, 3, 4, 5, 6, 7, 53, 73, 78, 9, 13}
	values := func(r *rand.Rand) proto.Value {
		switch r.IntN(12) {
		case 0:
			return proto.Uint8(uint8(r.Uint32()))
		case 1:
			return proto.Uint8(basetype.Uint8Invalid)
		case 2:
			return proto.Uint16(uint16(r.Uint32()))
		case 3:
			return proto.Uint16(basetype.Uint16Invalid)
		case 4:
			return proto.Uint32(r.Uint32())
		case 5:
			return proto.Uint32(basetype.Uint32Invalid)
		case 6:
			return proto.Int32(int32(r.Uint32()))
		case 7:
			return proto.Int32(basetype.Sint32Invalid)
		case 8:
			return proto.Int32(int32(r.IntN(1 << 30))) // a valid latitude
		case 9:
			return proto.Float64(r.Float64())
		case 10:
			return proto.SliceUint8([]uint8{1, 2})
		}
		return proto.Value{}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		m := proto.Message{Num: mesgnum.Record}
		for range r.IntN(14) {
			m.Fields = append(m.Fields, proto.Field{
				FieldBase:       &proto.FieldBase{Num: nums[r.IntN(len(nums))]},
				Value:           values(r),
				IsExpandedField: r.IntN(4) == 0,
			})
		}
		checkRecord(t, "random message "+commas(i), &m)
	}
}

// TestFITRecordFieldsCorpus is TestFITRecordFields over every record of
// the corpus's real FIT files.
func TestFITRecordFieldsCorpus(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "fit")
	paths, err := filepath.Glob(filepath.Join(dir, "*.fit"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no FIT files in %s: %v", dir, err)
	}
	total := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		recs := recordMesgs(data)
		for i := range recs {
			checkRecord(t, filepath.Base(p), &recs[i])
		}
		total += len(recs)
	}
	if total < 10000 {
		t.Fatalf("only %d records in %d corpus files", total, len(paths))
	}
	t.Logf("%d records of %d files", total, len(paths))
}
