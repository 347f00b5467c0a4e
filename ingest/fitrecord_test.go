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
	"strings"
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
	c := &fitCollector{expand: expand}
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
// component expansion and as decodeSegment does, and compares each
// record's samples (checkRecord) and each lap. It returns the number of
// records and how many of them taper expanded itself.
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
		errFast := decodeFITMesgs(seg, scan.ownExpansion(), &fast)
		if len(std.recs) != len(fast.recs) || len(std.laps) != len(fast.laps) || (errStd == nil) != (errFast == nil) {
			t.Fatalf("%s: %d records, %d laps (%v) with the decoder's expansion, %d, %d (%v) as decodeSegment decodes",
				what, len(std.recs), len(std.laps), errStd, len(fast.recs), len(fast.laps), errFast)
		}
		for i := range std.recs {
			checkRecord(t, fmt.Sprintf("%s record %d", what, records+i), &std.recs[i], &fast.recs[i], scan.ownExpansion())
		}
		c := &fitCollector{expand: scan.ownExpansion()}
		for i := range std.laps {
			want, got := fmt.Sprintf("%+v", fitLap(mesgdef.NewLap(&std.laps[i]))), fmt.Sprintf("%+v", fitLap(c.lap(&fast.laps[i])))
			if got != want {
				t.Fatalf("%s lap %d: taper gives\n%s\nthe decoder's expansion\n%s", what, i, got, want)
			}
		}
		records += len(std.recs)
		if scan.ownExpansion() {
			expanded += len(std.recs)
		}
		off = end
	}
	return records, expanded
}

// recordListener keeps the record and lap messages it is given.
type recordListener struct{ recs, laps []proto.Message }

func (l *recordListener) OnMesg(m proto.Message) {
	switch m.Num {
	case mesgnum.Record:
		m.Fields = slices.Clone(m.Fields)
		l.recs = append(l.recs, m)
	case mesgnum.Lap:
		m.Fields = slices.Clone(m.Fields)
		l.laps = append(l.laps, m)
	}
}

// randomRecords encodes a FIT file of n records whose fields (a random
// subset of those taper reads, in random order; with repeat, a quarter
// also hold compressed_speed_distance or a second altitude or speed) have
// random values, invalid ones included, and a lap every 100 records (with
// or without avg_speed and enhanced_avg_speed; with repeatLaps, some with
// two avg_speed fields).
func randomRecords(t *testing.T, r *rand.Rand, n int, repeat, repeatLaps bool) []byte {
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
		if len(msgs)%100 == 0 {
			lap := proto.Message{Num: mesgnum.Lap}
			lapField := func(num byte, v proto.Value) proto.Field {
				f := std.CreateField(mesgnum.Lap, num)
				f.Value = v
				return f
			}
			lap.Fields = append(lap.Fields, lapField(proto.FieldNumTimestamp, proto.Uint32(1e9+r.Uint32()%1e6)))
			if r.IntN(4) > 0 {
				lap.Fields = append(lap.Fields, lapField(fitLapAvgSpeed, u16()))
			}
			if r.IntN(2) == 0 {
				lap.Fields = append(lap.Fields, lapField(fitLapEnhancedAvgSpeedNum, u32()))
			}
			if repeatLaps && r.IntN(3) == 0 {
				lap.Fields = append(lap.Fields, lapField(fitLapAvgSpeed, u16()))
			}
			r.Shuffle(len(lap.Fields), func(i, j int) { lap.Fields[i], lap.Fields[j] = lap.Fields[j], lap.Fields[i] })
			msgs = append(msgs, lap)
		}
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
		"plain":        genFIT(t, genRun{Start: start, Seconds: 300, Speed: 3.1}),
		"compressed":   genFIT(t, genRun{Start: start, Seconds: 300, Compressed: true}),
		"nogps":        genFIT(t, genRun{Start: start, Seconds: 300, NoGPS: true}),
		"developer":    genFITDev(t, start),
		"random":       randomRecords(t, r, 5000, false, false),
		"repeated":     randomRecords(t, r, 5000, true, false),
		"repeated-lap": randomRecords(t, r, 5000, false, true),
	}
	for name, data := range files {
		n, expanded := checkRecords(t, name, data)
		switch {
		case n == 0:
			t.Fatalf("%s: no records decoded", name)
		case strings.HasPrefix(name, "repeated") && expanded != 0:
			t.Errorf("%s: taper expanded %d records with repeated fields or compressed_speed_distance; want the decoder to", name, expanded)
		case !strings.HasPrefix(name, "repeated") && expanded != n:
			t.Errorf("%s: taper expanded %d of %d records; want all", name, expanded, n)
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
		t.Fatalf("only %d records (%d expanded by taper) in %d corpus files", total, expanded, len(paths))
	}
	t.Logf("%d records of %d files, %d expanded by taper", total, len(paths), expanded)
}

// TestFITExpandedFields checks, over muktihari/fit's profile, that
// decoding without component expansion loses nothing taper reads
// (fitScan.ownExpansion): the only components that give a field read from
// the messages fitCollector uses are the record's altitude and speed (and
// compressed_speed_distance, whose segments the decoder expands) and the
// lap's avg_speed, and those expand as expandComponent assumes: one
// 16-bit uint16 component into a uint32 field, no sub-fields, no
// accumulation.
func TestFITExpandedFields(t *testing.T) {
	all := []string{"*"}
	read := map[typedef.MesgNum][]string{
		mesgnum.FileId:      all,
		mesgnum.Activity:    all,
		mesgnum.WorkoutStep: all,
		mesgnum.Sport:       all,
		mesgnum.DeviceInfo:  all,
		mesgnum.Session: {"timestamp", "start_time", "sport", "sub_sport", "total_elapsed_time", "total_timer_time",
			"total_distance", "total_ascent", "avg_heart_rate", "max_heart_rate", "avg_cadence", "total_calories"},
		mesgnum.Lap: {"timestamp", "start_time", "total_elapsed_time", "total_timer_time", "total_distance",
			"avg_heart_rate", "max_heart_rate", "avg_speed", "enhanced_avg_speed", "intensity", "lap_trigger"},
		mesgnum.Record: {"timestamp", "position_lat", "position_long", "altitude", "enhanced_altitude", "heart_rate",
			"cadence", "fractional_cadence", "speed", "enhanced_speed", "distance", "power"},
	}
	// source field -> target field, by name
	allowed := map[typedef.MesgNum]map[string]string{
		mesgnum.Record: {"altitude": "enhanced_altitude", "speed": "enhanced_speed",
			"compressed_speed_distance": "speed distance"},
		mesgnum.Lap: {"avg_speed": "enhanced_avg_speed"},
	}
	std := factory.StandardFactory()
	for mesg, names := range read {
		for num := range 256 {
			src := std.CreateField(mesg, byte(num))
			if src.Name == factory.NameUnknown {
				continue
			}
			comps := slices.Clone(src.Components)
			for _, sf := range src.SubFields {
				comps = append(comps, sf.Components...)
			}
			for _, c := range comps {
				dst := std.CreateField(mesg, c.FieldNum)
				if !slices.Contains(names, "*") && !slices.Contains(names, dst.Name) {
					continue
				}
				if ok := allowed[mesg][src.Name]; !slices.Contains(strings.Fields(ok), dst.Name) {
					t.Errorf("message %d: component %s -> %s gives a field taper reads; fitScan.ownExpansion must handle it", mesg, src.Name, dst.Name)
				}
			}
		}
	}
	for _, x := range []struct {
		mesg     typedef.MesgNum
		src, dst byte
		comp     proto.Component
		to       *proto.FieldBase
	}{
		{mesgnum.Record, fitRecAltitude, fitRecEnhancedAltitude, fitAltitudeComponent, fitEnhancedAltitude},
		{mesgnum.Record, fitRecSpeed, fitRecEnhancedSpeed, fitSpeedComponent, fitEnhancedSpeed},
		{mesgnum.Lap, fitLapAvgSpeed, fitLapEnhancedAvgSpeedNum, fitLapSpeedComponent, fitLapEnhancedAvgSpeed},
	} {
		src, dst := std.CreateField(x.mesg, x.src), std.CreateField(x.mesg, x.dst)
		if len(src.Components) != 1 || len(src.SubFields) != 0 || src.BaseType != basetype.Uint16 || src.Array ||
			src.Components[0] != x.comp || x.comp.FieldNum != x.dst || x.comp.Bits != 16 || x.comp.Accumulate ||
			dst.FieldBase != x.to || dst.BaseType != basetype.Uint32 || dst.Array {
			t.Errorf("message %d: %s -> %s is not the 16-bit uint16 to uint32 expansion expandComponent assumes", x.mesg, src.Name, dst.Name)
		}
	}
}
