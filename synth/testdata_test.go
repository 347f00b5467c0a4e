package synth

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
)

var update = flag.Bool("update", false, "rewrite the generated files in ../testdata")

// testdataFile is one generated file in the top-level testdata folder.
type testdataFile struct {
	name  string
	write func(io.Writer) error
}

func testdataFiles() []testdataFile {
	paris := time.FixedZone("Europe/Paris", 2*3600)
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		paris = loc
	}
	start := time.Date(2026, 9, 8, 5, 30, 0, 0, time.UTC) // 07:30 in Paris
	fit := func(s Spec) func(io.Writer) error {
		return func(w io.Writer) error { return WriteFIT(w, Workout(s)) }
	}
	gpxf := func(a *analysis.Activity, st GPXStyle) func(io.Writer) error {
		return func(w io.Writer) error { return WriteGPX(w, a, st) }
	}
	easy := Spec{Kind: Easy, Start: start, Zone: paris, Seed: 11, Duration: 15 * time.Minute, Laps: AutoLaps}
	easyAct := Workout(easy)
	easyAct.Athlete = "testdata"
	phone := PhoneCopy(easyAct, 11)
	small := Season{Athlete: "testdata", Seed: 5, Zone: paris}.smallActivities()
	day := 24 * time.Hour
	return []testdataFile{
		{"easy_autolaps.fit", fit(easy)},
		{"easy_garmin.gpx", gpxf(easyAct, GarminGPX)},
		{"easy_phone_strava.gpx", gpxf(phone, StravaGPX)},
		{"intervals_6x800_workout.fit", fit(Spec{Kind: Intervals, Start: start.Add(day), Zone: paris, Seed: 12, Reps: 6, RepDistance: 800, Laps: IntensityLaps})},
		{"intervals_5x1000_manual_pauses.fit", fit(Spec{Kind: Intervals, Start: start.Add(2 * day), Zone: paris, Seed: 13, Reps: 5, RepDistance: 1000, Laps: ManualLaps, Pauses: true})},
		{"intervals_8x400_nolaps.fit", fit(Spec{Kind: Intervals, Start: start.Add(3 * day), Zone: paris, Seed: 14, Reps: 8, RepDistance: 400, Laps: NoLaps})},
		{"tempo_intensity.fit", fit(Spec{Kind: Tempo, Start: start.Add(4 * day), Zone: paris, Seed: 15, Duration: 45 * time.Minute, Laps: IntensityLaps})},
		{"strides_autolaps.fit", fit(Spec{Kind: Strides, Start: start.Add(5 * day), Zone: paris, Seed: 16, Duration: 35 * time.Minute})},
		{"traffic_stops_pauses.fit", fit(Spec{Kind: TrafficStops, Start: start.Add(6 * day), Zone: paris, Seed: 17, Duration: 30 * time.Minute, Pauses: true})},
		{"marathon_race.fit", fit(Spec{Kind: Race, Start: start.Add(26 * day).Add(time.Hour), Zone: paris, Seed: 18})},
		{"swim_pool.fit", fit(Spec{Kind: Swim, Start: start.Add(7 * day), Zone: paris, Seed: 19, Duration: 20 * time.Minute})},
		{"strength.fit", fit(Spec{Kind: Strength, Start: start.Add(8 * day), Zone: paris, Seed: 20, Duration: 20 * time.Minute})},
		{"ride_road.fit", fit(Spec{Kind: Ride, Start: start.Add(9 * day), Zone: paris, Seed: 21, Duration: 25 * time.Minute})},
		{"garmin_export_small.zip", func(w io.Writer) error { return WriteGarminExport(w, small, 3) }},
		{"strava_export_small.zip", func(w io.Writer) error { return WriteStravaExport(w, small) }},
	}
}

// smallActivities is a handful of short activities for the small exports:
// three 15 min easy runs (one with a phone copy) and a 10 min walk.
func (s Season) smallActivities() []*analysis.Activity {
	s = s.withDefaults()
	var out []*analysis.Activity
	for i, k := range []Kind{Easy, Easy, Walk, Easy} {
		sp := Spec{Kind: k, Start: time.Date(2026, 9, 14+i, 5, 45, 0, 0, time.UTC), Zone: s.Zone, Seed: s.Seed + int64(i), Duration: 15 * time.Minute}
		if k == Walk {
			sp.Duration = 10 * time.Minute
		}
		a := Workout(sp)
		a.Athlete = s.Athlete
		out = append(out, a)
		if i == 0 {
			out = append(out, PhoneCopy(a, sp.Seed))
		}
	}
	return out
}

// TestTestdata checks that ../testdata holds what the generator makes now
// (go generate ./synth rewrites it).
func TestTestdata(t *testing.T) {
	dir := filepath.Join("..", "testdata")
	for _, f := range testdataFiles() {
		var buf bytes.Buffer
		if err := f.write(&buf); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		path := filepath.Join(dir, f.name)
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go generate ./synth)", err)
		}
		if !bytes.Equal(got, buf.Bytes()) {
			t.Errorf("%s is stale: the generator now writes different bytes (run go generate ./synth)", path)
		}
	}
}
