package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/muktihari/fit/kit/hash/crc16"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/taper-run/taper/analysis"
)

var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

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
		{"not fit", []byte("hello, this is not a FIT file at all"), StatusRejected, "", false, "not a FIT or GPX file", 0, true},
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
				if !errors.As(res.Err, &fe) || fe.Path != "x.fit" || (tt.wantHint && fe.Hint == "") {
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

func TestFITWrapper(t *testing.T) {
	start := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	acts, err := FIT(bytes.NewReader(genFIT(t, genRun{Start: start, Seconds: 30, Local: time.Hour})))
	if err != nil || len(acts) != 1 || acts[0].Format != FormatFIT || len(acts[0].Samples) != 31 {
		t.Fatalf("FIT() = %d activities, %v", len(acts), err)
	}
	if _, err := FIT(bytes.NewReader(genFIT(t, genRun{Start: start, Seconds: 3, FileType: typedef.FileSettings}))); err == nil ||
		!strings.Contains(err.Error(), "fit:settings") {
		t.Errorf("FIT(settings) error %v, want one naming fit:settings", err)
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
// the FIT SDK's algorithm.
func TestFITCRC(t *testing.T) {
	var table [256]uint16
	crcTable(&table)
	data := genFIT(t, genRun{Start: testNow, Seconds: 50})
	for _, n := range []int{0, 1, 12, 14, 100, len(data)} {
		h := crc16.New()
		_, _ = h.Write(data[:n])
		if got, want := fitCRC(&table, 0, data[:n]), h.Sum16(); got != want {
			t.Errorf("fitCRC of %d bytes = %#04x, muktihari/fit %#04x", n, got, want)
		}
	}
	// A whole file's CRC over header and data is the CRC stored after them.
	if got := fitCRC(&table, 0, data); got != 0 {
		t.Errorf("CRC over a whole file including its CRC = %#04x, want 0", got)
	}
}
