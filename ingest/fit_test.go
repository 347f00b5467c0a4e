package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/muktihari/fit/encoder"
	"github.com/muktihari/fit/kit/hash/crc16"
	"github.com/muktihari/fit/profile/mesgdef"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/proto"
	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/synth"
)

var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// With returns a Decoder with other options that shares d's time-zone
// finder, so it is loaded only once.
func (d *Decoder) With(opts DecodeOptions) *Decoder {
	if opts.Now.IsZero() {
		opts.Now = d.opts.Now
	}
	return &Decoder{opts: opts, tz: d.tz}
}

// decodeOne decodes with a Decoder sharing d's time-zone finder (loading it
// takes about 2 s, so each test loads it at most once).
func decodeOne(t *testing.T, d *Decoder, name string, data []byte, opts DecodeOptions) Result {
	t.Helper()
	if opts.Now.IsZero() {
		opts.Now = testNow
	}
	return d.With(opts).Decode(name, data)
}

func TestDecodeFITActivity(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	start := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	data := genFIT(t, genRun{Start: start, Seconds: 1200, Speed: 3.2, Local: 2 * time.Hour, Laps: 4, Workout: true})
	res := decodeOne(t, d, "run.fit", data, DecodeOptions{})
	if res.Status != StatusImported || res.Format != FormatFIT || len(res.Activities) != 1 || res.Partial {
		t.Fatalf("got %s %s, %d activities, partial %v (%s)", res.Format, res.Status, len(res.Activities), res.Partial, res.Reason())
	}
	a := res.Activities[0]
	checks := []struct {
		what      string
		got, want any
	}{
		{"Sport", a.Sport, "running"},
		{"SubSport", a.SubSport, "road"},
		{"SportInferred", a.SportInferred, false},
		{"Start", a.Start, start},
		{"UTCOffset", a.UTCOffset, 7200},
		{"TimeSource", a.TimeSource, analysis.TZFromFIT},
		{"Device", a.Device, "garmin fr255"},
		{"TotalsFrom", a.TotalsFrom, "session"},
		{"ElapsedTime", a.ElapsedTime, 1200.0},
		{"MovingTime", a.MovingTime, 1200.0},
		{"Distance", a.Distance, 3840.0},
		{"Ascent", a.Ascent, 60.0},
		{"AvgHR", a.AvgHR, 139.0},
		{"MaxHR", a.MaxHR, 159.0},
		{"Calories", a.Calories, 700.0},
		{"Source", a.Source, "run.fit"},
		{"Format", a.Format, "fit"},
		{"samples", len(a.Samples), 1201},
		{"laps", len(a.Laps), 4},
		{"workout steps", len(a.Workout), 3},
		{"flags", len(a.Flags), 0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	s := a.Samples[100]
	if math.Abs(s.Lat-(48.2+100*3.2/111194.93)) > 1e-6 || math.Abs(s.Lon-16.37) > 1e-6 {
		t.Errorf("sample 100 position %v,%v: semicircles not converted to degrees", s.Lat, s.Lon)
	}
	if s.HeartRate != 120+100%40 || s.Cadence != 85 || s.Power != 250 || math.Abs(s.Speed-3.2) > 1e-3 ||
		math.Abs(s.Distance-320) > 0.01 || math.Abs(s.Altitude-210) > 0.2 || !s.Time.Equal(start.Add(100*time.Second)) {
		t.Errorf("sample 100 = %+v", s)
	}
	l := a.Laps[1]
	if l.Intensity != "rest" || l.Trigger != "manual" || l.ElapsedTime != 300 || l.Distance != 960 || l.AvgHR != 140 ||
		math.Abs(l.AvgSpeed-3.2) > 1e-3 || !l.Start.Equal(start.Add(300*time.Second)) {
		t.Errorf("lap 1 = %+v", l)
	}
	w := a.Workout
	if w[0].Name != "warm up" || w[0].Intensity != "warmup" || w[0].DurationType != "time" || w[0].Duration != 600 || w[0].RepeatFrom != -1 {
		t.Errorf("workout step 0 = %+v", w[0])
	}
	if w[1].DurationType != "distance" || w[1].Duration != 800 {
		t.Errorf("workout step 1 = %+v", w[1])
	}
	if w[2].RepeatFrom != 1 || w[2].RepeatCount != 6 || w[2].DurationType != "repeat_until_steps_cmplt" {
		t.Errorf("workout step 2 = %+v", w[2])
	}
}

func TestDecodeFITCompressedTimestamps(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	start := time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC)
	plain := decodeOne(t, d, "a.fit", genFIT(t, genRun{Start: start, Seconds: 300, Local: time.Hour}), DecodeOptions{})
	comp := decodeOne(t, d, "b.fit", genFIT(t, genRun{Start: start, Seconds: 300, Local: time.Hour, Compressed: true}), DecodeOptions{})
	if comp.Status != StatusImported || len(comp.Activities) != 1 {
		t.Fatalf("compressed: %s %s", comp.Status, comp.Reason())
	}
	p, c := plain.Activities[0].Samples, comp.Activities[0].Samples
	if len(p) != len(c) || len(c) != 301 {
		t.Fatalf("compressed timestamps: %d samples, plain %d, want 301", len(c), len(p))
	}
	for i := range p {
		if !p[i].Time.Equal(c[i].Time) {
			t.Fatalf("sample %d: compressed time %s, plain %s", i, c[i].Time, p[i].Time)
		}
	}
}

func TestDecodeFITLocalTime(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	start := time.Date(2026, 7, 1, 5, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		run        genRun
		zone       *time.Location
		wantOffset int
		wantSource string
		wantZone   string
	}{
		{"local_timestamp rounded to 15 min", genRun{Local: -5*time.Hour + 2*time.Minute}, nil, -18000, analysis.TZFromFIT, ""},
		{"half-hour zone", genRun{Local: 5*time.Hour + 30*time.Minute}, nil, 19800, analysis.TZFromFIT, ""},
		{"no local_timestamp: zone of the first GPS point", genRun{}, nil, 7200, analysis.TZFromGPS, "Europe/Vienna"},
		{"no local time, no GPS: athlete zone", genRun{NoGPS: true}, time.FixedZone("athlete", -3*3600), -10800, analysis.TZFromAthlete, ""},
		{"nothing known: UTC", genRun{NoGPS: true}, nil, 0, analysis.TZFromUTC, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run.Start, tt.run.Seconds = start, 60
			res := decodeOne(t, d, "x.fit", genFIT(t, tt.run), DecodeOptions{Zone: tt.zone})
			if res.Status != StatusImported {
				t.Fatalf("%s: %s", res.Status, res.Reason())
			}
			a := res.Activities[0]
			if a.UTCOffset != tt.wantOffset || a.TimeSource != tt.wantSource || a.TimeZone != tt.wantZone {
				t.Errorf("offset %d source %q zone %q, want %d %q %q", a.UTCOffset, a.TimeSource, a.TimeZone, tt.wantOffset, tt.wantSource, tt.wantZone)
			}
		})
	}
}

func TestDecodeFITWithoutSession(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	start := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	res := decodeOne(t, d, "x.fit", genFIT(t, genRun{Start: start, Seconds: 600, Speed: 3, NoSession: true}), DecodeOptions{})
	if res.Status != StatusImported || len(res.Activities) != 1 {
		t.Fatalf("%s: %s", res.Status, res.Reason())
	}
	a := res.Activities[0]
	if a.TotalsFrom != "records" || a.Distance != 1800 || a.MovingTime != 600 || !a.Start.Equal(start) {
		t.Errorf("totals from records: %s distance %v moving %v start %s", a.TotalsFrom, a.Distance, a.MovingTime, a.Start)
	}
	if a.Sport != analysis.SportRunning || !a.SportInferred {
		t.Errorf("sport %q inferred %v, want running inferred from 3 m/s", a.Sport, a.SportInferred)
	}
}

func TestDecodeFITChained(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	t1 := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	t2 := t1.Add(3 * time.Hour)
	a := genFIT(t, genRun{Start: t1, Seconds: 100, Local: time.Hour})
	b := genFIT(t, genRun{Start: t2, Seconds: 200, Local: time.Hour, Sport: typedef.SportCycling, SubSport: typedef.SubSportRoad, Speed: 8})
	res := decodeOne(t, d, "chained.fit", append(append([]byte{}, a...), b...), DecodeOptions{})
	if res.Status != StatusImported || len(res.Activities) != 2 {
		t.Fatalf("%s: %d activities (%s)", res.Status, len(res.Activities), res.Reason())
	}
	for i, want := range []struct {
		sport   string
		samples int
		start   time.Time
	}{{"running", 101, t1}, {"cycling", 201, t2}} {
		got := res.Activities[i]
		if got.SessionIndex != i || got.Sport != want.sport || len(got.Samples) != want.samples || !got.Start.Equal(want.start) {
			t.Errorf("activity %d: index %d sport %s samples %d start %s, want %d %s %d %s",
				i, got.SessionIndex, got.Sport, len(got.Samples), got.Start, i, want.sport, want.samples, want.start)
		}
	}
	// A chained settings file after the activity is ignored.
	s := genFIT(t, genRun{Start: t2, Seconds: 5, FileType: typedef.FileSettings})
	res = decodeOne(t, d, "with-settings.fit", append(append([]byte{}, a...), s...), DecodeOptions{})
	if res.Status != StatusImported || len(res.Activities) != 1 || len(res.Activities[0].Samples) != 101 {
		t.Errorf("activity + settings: %s, %d activities", res.Status, len(res.Activities))
	}
}

func TestDecodeFITBroken(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	start := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	good := genFIT(t, genRun{Start: start, Seconds: 1200, Local: time.Hour})
	badCRC := bytes.Clone(good)
	badCRC[len(badCRC)-1] ^= 0xff
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x01 // one bit of a record value: decodes, CRC catches it
	headerOnly := bytes.Clone(good[:14])
	headerOnly[4], headerOnly[5], headerOnly[6], headerOnly[7] = 0, 0, 0, 0
	settings := genFIT(t, genRun{Start: start, Seconds: 3, FileType: typedef.FileSettings})

	tests := []struct {
		name       string
		data       []byte
		status     string
		kind       string
		partial    bool
		reason     string // in PartialReason or the error
		minSamples int
		wantHint   bool
	}{
		{"bad crc keeps the data", badCRC, StatusImported, "", true, "bad crc", 1201, false},
		{"flipped bit", flipped, StatusImported, "", true, "bad crc", 1201, false},
		{"truncated in the middle", good[:len(good)/2], StatusImported, "", true,
			"truncated after " + commas(len(good)/2) + " of " + commas(len(good)) + " bytes; ", 100, false},
		{"truncated in the header area", good[:40], StatusRejected, "", false,
			"x.fit: truncated after 40 of " + commas(len(good)) + " bytes; 0 records readable", 0, true},
		{"header says no data", headerOnly, StatusRejected, "", false, "holds no data", 0, true},
		{"0 bytes", nil, StatusRejected, "", false, "empty file (0 bytes)", 0, true},
		{"not fit", []byte("hello, this is not a FIT file at all"), StatusRejected, "", false, "not a FIT, GPX or TCX file", 0, true},
		{"settings file", settings, StatusSkipped, "fit:settings", false, "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := decodeOne(t, d, "x.fit", tt.data, DecodeOptions{})
			if res.Status != tt.status || res.Kind != tt.kind || res.Partial != tt.partial {
				t.Fatalf("got %s %q partial %v (%s), want %s %q partial %v", res.Status, res.Kind, res.Partial, res.Reason(), tt.status, tt.kind, tt.partial)
			}
			if !strings.Contains(res.Reason(), tt.reason) {
				t.Errorf("reason %q, want it to contain %q", res.Reason(), tt.reason)
			}
			n := 0
			for _, a := range res.Activities {
				n += len(a.Samples)
				if a.Partial != tt.partial {
					t.Errorf("activity partial %v, want %v", a.Partial, tt.partial)
				}
			}
			if n < tt.minSamples {
				t.Errorf("%d samples kept, want at least %d", n, tt.minSamples)
			}
			if res.Status == StatusRejected {
				var fe *FileError
				if !errors.As(res.Err, &fe) || fe.Path != "x.fit" || (tt.wantHint && fe.Hint() == "") {
					t.Errorf("error %#v, want a *FileError for x.fit with a hint", res.Err)
				}
			}
		})
	}
}

func TestDecodeFlags(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	tests := []struct {
		start time.Time
		want  []string
	}{
		{time.Date(1995, 3, 1, 0, 0, 0, 0, time.UTC), []string{FlagBeforeY2K}},
		{time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), nil},
		{time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC), []string{FlagFuture}},
	}
	for _, tt := range tests {
		res := decodeOne(t, d, "x.fit", genFIT(t, genRun{Start: tt.start, Seconds: 10, Local: time.Hour}), DecodeOptions{})
		if res.Status != StatusImported {
			t.Fatalf("%s: %s %s", tt.start, res.Status, res.Reason())
		}
		if got := res.Activities[0].Flags; strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("start %s: flags %v, want %v (still imported)", tt.start, got, tt.want)
		}
	}
}

// TestDecoderConcurrent decodes from several goroutines with one Decoder
// (run with -race): the zone finder is loaded once and shared.
func TestDecoderConcurrent(t *testing.T) {
	start := time.Date(2026, 7, 1, 5, 0, 0, 0, time.UTC)
	files := [][]byte{
		genFIT(t, genRun{Start: start, Seconds: 120}),
		genFIT(t, genRun{Start: start, Seconds: 60, Local: time.Hour}),
		gpxDoc("1.1", "<type>running</type>", pts(30, 3, "")),
	}
	d := NewDecoder(DecodeOptions{Now: testNow})
	errs := make(chan string, 8*len(files))
	done := make(chan struct{})
	for g := 0; g < 8; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i, f := range files {
				res := d.Decode("f", f)
				if want := []int{7200, 3600, 7200}[i]; res.Status != StatusImported || res.Activities[0].UTCOffset != want {
					errs <- fmt.Sprintf("file %d: %s offset %d", i, res.Status, res.Activities[0].UTCOffset)
				}
			}
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestFITCRC checks taper's CRC against muktihari/fit's implementation of
// the FIT SDK's algorithm, at every length around the 8-byte steps and
// when continued from a previous CRC.
func TestFITCRC(t *testing.T) {
	data := genFIT(t, genRun{Start: testNow, Seconds: 50})
	lengths := []int{12, 14, 100, 1001, len(data)}
	for n := range 40 {
		lengths = append(lengths, n)
	}
	for _, n := range lengths {
		h := crc16.New()
		_, _ = h.Write(data[:n])
		want := h.Sum16()
		if got := fitCRC(0, data[:n]); got != want {
			t.Errorf("fitCRC of %d bytes = %#04x, muktihari/fit %#04x", n, got, want)
		}
		if got := fitCRC(fitCRC(0, data[:n/3]), data[n/3:n]); got != want {
			t.Errorf("fitCRC of %d bytes continued after %d = %#04x, muktihari/fit %#04x", n, n/3, got, want)
		}
	}
	// A whole file's CRC over header and data is the CRC stored after them.
	if got := fitCRC(0, data); got != 0 {
		t.Errorf("CRC over a whole file including its CRC = %#04x, want 0", got)
	}
}

// synthFIT writes a synth workout started at start in zone as a FIT file.
func synthFIT(t *testing.T, start time.Time, zone *time.Location, seed int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	a := synth.Workout(synth.Spec{Kind: synth.Easy, Start: start, Zone: zone, Seed: seed, Duration: 20 * time.Minute})
	if err := synth.WriteFIT(&buf, a); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A chained file's segments each keep their own UTC offset: here two runs
// either side of the 2026-03-29 DST change in Berlin, and a segment
// without an activity message, which falls back like a single file does.
func TestDecodeFITChainedOffsets(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	d := NewDecoder(DecodeOptions{Now: testNow})
	winter := synthFIT(t, time.Date(2026, 3, 28, 8, 0, 0, 0, time.UTC), berlin, 1)
	summer := synthFIT(t, time.Date(2026, 3, 29, 22, 30, 0, 0, time.UTC), berlin, 2)
	noActivity := genFIT(t, genRun{Start: time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC), Seconds: 60, NoGPS: true})
	type want struct {
		offset int
		date   string
		source string
	}
	tests := []struct {
		name  string
		parts [][]byte
		want  []want
	}{
		{"winter then summer", [][]byte{winter, summer},
			[]want{{3600, "2026-03-28", analysis.TZFromFIT}, {7200, "2026-03-30", analysis.TZFromFIT}}},
		{"summer then winter", [][]byte{summer, winter},
			[]want{{7200, "2026-03-30", analysis.TZFromFIT}, {3600, "2026-03-28", analysis.TZFromFIT}}},
		{"segment without activity message: athlete zone, not the previous segment's", [][]byte{summer, noActivity},
			[]want{{7200, "2026-03-30", analysis.TZFromFIT}, {-10800, "2026-03-31", analysis.TZFromAthlete}}},
		{"segment without activity message first", [][]byte{noActivity, winter},
			[]want{{-10800, "2026-03-31", analysis.TZFromAthlete}, {3600, "2026-03-28", analysis.TZFromFIT}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := decodeOne(t, d, "chained.fit", bytes.Join(tt.parts, nil), DecodeOptions{Zone: time.FixedZone("athlete", -3*3600)})
			if res.Status != StatusImported || len(res.Activities) != len(tt.want) {
				t.Fatalf("%s: %d activities, want %d (%s)", res.Status, len(res.Activities), len(tt.want), res.Reason())
			}
			for i, w := range tt.want {
				a := res.Activities[i]
				if a.UTCOffset != w.offset || a.LocalDate() != w.date || a.TimeSource != w.source {
					t.Errorf("activity %d (start %s): offset %d date %s source %q, want %d %s %q",
						i, a.Start, a.UTCOffset, a.LocalDate(), a.TimeSource, w.offset, w.date, w.source)
				}
			}
		})
	}
}

// A multisport file is one recording: its one activity message gives the
// offset of every leg.
func TestDecodeFITMultisportOffset(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	t0 := time.Date(2026, 3, 29, 21, 50, 0, 0, time.UTC)
	msgs := []proto.Message{mesgdef.NewFileId(nil).SetType(typedef.FileActivity).SetManufacturer(typedef.ManufacturerGarmin).
		SetTimeCreated(t0).ToMesg(nil)}
	rec := mesgdef.NewRecord(nil)
	for i := 0; i <= 3600; i += 10 {
		msgs = append(msgs, rec.SetTimestamp(t0.Add(time.Duration(i)*time.Second)).SetDistanceScaled(float64(i)*5).
			SetEnhancedSpeedScaled(5).ToMesg(nil))
	}
	legs := []typedef.Sport{typedef.SportCycling, typedef.SportRunning}
	for k, sp := range legs {
		st := t0.Add(time.Duration(k*1800) * time.Second)
		msgs = append(msgs, mesgdef.NewSession(nil).SetStartTime(st).SetTimestamp(st.Add(1800*time.Second)).SetSport(sp).
			SetTotalElapsedTimeScaled(1800).SetTotalTimerTimeScaled(1800).SetTotalDistanceScaled(9000).ToMesg(nil))
	}
	end := t0.Add(time.Hour)
	msgs = append(msgs, mesgdef.NewActivity(nil).SetTimestamp(end).SetLocalTimestamp(end.Add(2*time.Hour)).
		SetNumSessions(2).ToMesg(nil))
	var buf bytes.Buffer
	if err := encoder.New(&buf).Encode(&proto.FIT{Messages: msgs}); err != nil {
		t.Fatal(err)
	}
	res := decodeOne(t, d, "multisport.fit", buf.Bytes(), DecodeOptions{})
	if res.Status != StatusImported || len(res.Activities) != 2 {
		t.Fatalf("%s: %d activities, want 2 (%s)", res.Status, len(res.Activities), res.Reason())
	}
	for i, date := range []string{"2026-03-29", "2026-03-30"} {
		a := res.Activities[i]
		if a.UTCOffset != 7200 || a.TimeSource != analysis.TZFromFIT || a.LocalDate() != date {
			t.Errorf("leg %d (start %s): offset %d source %q date %s, want 7200 %q %s",
				i, a.Start, a.UTCOffset, a.TimeSource, a.LocalDate(), analysis.TZFromFIT, date)
		}
	}
}
