package ingest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/muktihari/fit/encoder"
	"github.com/muktihari/fit/profile/basetype"
	"github.com/muktihari/fit/profile/factory"
	"github.com/muktihari/fit/profile/mesgdef"
	"github.com/muktihari/fit/profile/typedef"
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

// checkRecord compares addRecord's sample of record fast, with the
// altitude and speed components expanded by addRecord when expand, with
// mesgdefSample's of std, the same record decoded by the standard decoder.
func checkRecord(t *testing.T, what string, std, fast *proto.Message, expand bool) {
	t.Helper()
	c := &fitCollector{expandRecords: expand}
	c.addRecord(fast)
	want, ok := mesgdefSample(std)
	switch {
	case !ok && (len(c.samples) != 0 || c.noTime != 1):
		t.Fatalf("%s: record without a valid timestamp gave %d samples, noTime %d; want it dropped", what, len(c.samples), c.noTime)
	case ok && len(c.samples) != 1:
		t.Fatalf("%s: %d samples, want 1", what, len(c.samples))
	case ok && !sameSample(c.samples[0], want):
		t.Fatalf("%s: addRecord gives\n%+v\nmesgdef.Record gives\n%+v", what, c.samples[0], want)
	}
}

// checkRecords decodes every segment of data twice, with muktihari/fit's
// standard factory and as decodeSegment does, and compares each record's
// samples (checkRecord). It returns the number of records and how many of
// them addRecord expanded.
func checkRecords(t *testing.T, what string, data []byte) (records, expanded int) {
	t.Helper()
	for off := 0; off+12 <= len(data) && isFIT(data[off:]); {
		size := int(binary.LittleEndian.Uint32(data[off+4 : off+8]))
		end := off + int(data[off]) + size + 2
		if size == 0 {
			end = len(data)
		}
		seg, _, scan := fitFixBaseTypes(data[off:min(end, len(data))])
		var std, fast recordListener
		errStd := decodeFITMesgs(seg, false, &std)
		errFast := decodeFITMesgs(seg, scan.plainRecords(), &fast)
		if len(std.recs) != len(fast.recs) || (errStd == nil) != (errFast == nil) {
			t.Fatalf("%s: %d records (%v) with the standard factory, %d (%v) as decodeSegment decodes",
				what, len(std.recs), errStd, len(fast.recs), errFast)
		}
		for i := range std.recs {
			checkRecord(t, fmt.Sprintf("%s record %d", what, records+i), &std.recs[i], &fast.recs[i], scan.plainRecords())
		}
		records += len(std.recs)
		if scan.plainRecords() {
			expanded += len(std.recs)
		}
		off = end
	}
	return records, expanded
}

type recordListener struct{ recs []proto.Message }

func (l *recordListener) OnMesg(m proto.Message) {
	if m.Num == mesgnum.Record {
		m.Fields = slices.Clone(m.Fields)
		l.recs = append(l.recs, m)
	}
}

// randomRecords encodes a FIT file of n records whose fields (a random
// subset of those taper reads, in random order; with repeat, a quarter
// also hold compressed_speed_distance or a second altitude or speed) have
// random values, invalid ones included.
func randomRecords(t *testing.T, r *rand.Rand, n int, repeat bool) []byte {
	t.Helper()
	std := factory.StandardFactory()
	field := func(num byte, v proto.Value) proto.Field {
		f := std.CreateField(mesgnum.Record, num)
		f.Value = v
		return f
	}
	u16 := func() proto.Value {
		if r.IntN(5) == 0 {
			return proto.Uint16(basetype.Uint16Invalid)
		}
		return proto.Uint16(uint16(r.Uint32()))
	}
	u32 := func() proto.Value {
		if r.IntN(5) == 0 {
			return proto.Uint32(basetype.Uint32Invalid)
		}
		return proto.Uint32(r.Uint32() >> r.IntN(32))
	}
	u8 := func() proto.Value { return proto.Uint8(uint8(r.Uint32())) }
	i32 := func() proto.Value { return proto.Int32(int32(r.Uint32())) }
	makers := []func() proto.Field{
		func() proto.Field { return field(proto.FieldNumTimestamp, proto.Uint32(1e9+r.Uint32()%1e6)) },
		func() proto.Field { return field(fitRecPositionLat, i32()) },
		func() proto.Field { return field(fitRecPositionLong, i32()) },
		func() proto.Field { return field(fitRecAltitude, u16()) },
		func() proto.Field { return field(fitRecHeartRate, u8()) },
		func() proto.Field { return field(fitRecCadence, u8()) },
		func() proto.Field { return field(fitRecDistance, u32()) },
		func() proto.Field { return field(fitRecSpeed, u16()) },
		func() proto.Field { return field(fitRecPower, u16()) },
		func() proto.Field { return field(fitRecFractionalCadence, u8()) },
		func() proto.Field { return field(fitRecEnhancedSpeed, u32()) },
		func() proto.Field { return field(fitRecEnhancedAltitude, u32()) },
	}
	msgs := []proto.Message{mesgdef.NewFileId(nil).SetType(typedef.FileActivity).ToMesg(nil)}
	for range n {
		m := proto.Message{Num: mesgnum.Record}
		for _, k := range r.Perm(len(makers))[:1+r.IntN(len(makers))] {
			m.Fields = append(m.Fields, makers[k]())
		}
		if repeat && r.IntN(4) == 0 {
			switch r.IntN(3) {
			case 0:
				m.Fields = append(m.Fields, field(fitRecSpeed, u16()), field(fitRecSpeed, u16()))
			case 1:
				m.Fields = append(m.Fields, field(fitRecAltitude, u16()), field(fitRecAltitude, u16()))
			case 2:
				m.Fields = append(m.Fields, field(fitRecCompressedSpeedDistance,
					proto.SliceUint8([]uint8{uint8(r.Uint32()), uint8(r.Uint32()), uint8(r.Uint32())})))
			}
			r.Shuffle(len(m.Fields), func(i, j int) { m.Fields[i], m.Fields[j] = m.Fields[j], m.Fields[i] })
		}
		msgs = append(msgs, m)
	}
	var buf bytes.Buffer
	keep := encoder.WithMessageValidator(encoder.NewMessageValidator(encoder.ValidatorWithPreserveInvalidValues()))
	if err := encoder.New(&buf, keep).Encode(&proto.FIT{Messages: msgs}); err != nil {
		t.Fatalf("encode random records: %v", err)
	}
	return buf.Bytes()
}

// TestFITRecordFields checks that addRecord, reading a record's fields by
// number and expanding altitude and speed itself, gives the samples
// mesgdef.Record gives of the records the standard decoder decodes:
// generated files (plain, compressed timestamps, developer fields, no
// GPS), files of random records (random values, invalid ones, fields in
// any order, compressed_speed_distance, repeated fields), and random
// messages with values of other types than the profile's.
func TestFITRecordFields(t *testing.T) {
	start := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(1, 2))
	files := map[string][]byte{
		"plain":      genFIT(t, genRun{Start: start, Seconds: 300, Speed: 3.1}),
		"compressed": genFIT(t, genRun{Start: start, Seconds: 300, Compressed: true}),
		"nogps":      genFIT(t, genRun{Start: start, Seconds: 300, NoGPS: true}),
		"developer":  genFITDev(t, start),
		"random":     randomRecords(t, r, 5000, false),
		"repeated":   randomRecords(t, r, 5000, true),
	}
	for name, data := range files {
		n, expanded := checkRecords(t, name, data)
		switch {
		case n == 0:
			t.Fatalf("%s: no records decoded", name)
		case name == "repeated" && expanded != 0:
			t.Errorf("%s: addRecord expanded %d records with repeated fields or compressed_speed_distance; want the decoder to", name, expanded)
		case name != "repeated" && expanded != n:
			t.Errorf("%s: addRecord expanded %d of %d records; want all", name, expanded, n)
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
	for i := range 20000 {
		m := proto.Message{Num: mesgnum.Record}
		for range r.IntN(14) {
			m.Fields = append(m.Fields, proto.Field{
				FieldBase:       &proto.FieldBase{Num: nums[r.IntN(len(nums))]},
				Value:           values(r),
				IsExpandedField: r.IntN(4) == 0,
			})
		}
		checkRecord(t, "random message "+commas(i), &m, &m, false)
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
	total, expanded := 0, 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		n, e := checkRecords(t, filepath.Base(p), data)
		total, expanded = total+n, expanded+e
	}
	if total < 10000 || expanded == 0 {
		t.Fatalf("only %d records (%d expanded by addRecord) in %d corpus files", total, expanded, len(paths))
	}
	t.Logf("%d records of %d files, %d expanded by addRecord", total, len(paths), expanded)
}
