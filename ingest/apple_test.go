package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/synth"
)

// appleActs generates the activities of the Apple Health tests: runs in
// Paris (with routes), a treadmill run (no positions) and a ride.
func appleActs(t testing.TB) []*analysis.Activity {
	t.Helper()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 9, 7, 5, 30, 0, 0, time.UTC)
	var acts []*analysis.Activity
	for i, k := range []synth.Kind{synth.Easy, synth.Intervals, synth.Long, synth.Easy, synth.Ride, synth.Tempo} {
		a := synth.Workout(synth.Spec{Kind: k, Start: day.AddDate(0, 0, 2*i), Zone: paris, Seed: int64(40 + i)})
		if i == 3 { // a treadmill run: no positions
			for j := range a.Samples {
				a.Samples[j].Lat, a.Samples[j].Lon = math.NaN(), math.NaN()
			}
		}
		acts = append(acts, a)
	}
	return acts
}

func writeAppleZip(t testing.TB, path string, acts []*analysis.Activity, z *time.Location) {
	t.Helper()
	var buf bytes.Buffer
	if err := synth.WriteAppleExport(&buf, acts, synth.AppleOptions{ExportZone: z}); err != nil {
		t.Fatal(err)
	}
	write(t, path, buf.Bytes())
}

// TestAppleHealthExport: a generated export.zip (and the same export
// unzipped) gives one activity per workout, matching what was generated:
// start, moving time, distance (also of the old attribute style in km),
// the zone from HKTimeZone rather than the export's offset, heart rates
// from the records, the treadmill run's speed stream from the watch's
// distance records only (not also the phone's), routes inline and by file
// reference; the route files are part of the export, not activities.
func TestAppleHealthExport(t *testing.T) {
	acts := appleActs(t)
	dir := t.TempDir()
	la, _ := time.LoadLocation("America/Los_Angeles")
	writeAppleZip(t, filepath.Join(dir, "export.zip"), acts, la)
	d := NewDecoder(DecodeOptions{Now: testNow})
	statuses := map[string]int{}
	var got []*analysis.Activity
	var health *HealthExport
	err := Walk(context.Background(), []string{filepath.Join(dir, "export.zip")}, WalkOptions{}, func(e Entry) error {
		res := d.DecodeEntry(e)
		statuses[res.Format+" "+res.Status+" "+res.Kind]++
		if e.Health != nil {
			health = e.Health
			got = res.Activities
			if res.Partial || len(res.Warnings) > 0 {
				t.Errorf("%s: partial %v warnings %q", e.Path, res.Partial, res.Warnings)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	routes := 0
	for i, a := range acts {
		if i%4 != 0 && !math.IsNaN(a.Samples[0].Lat) {
			routes++
		}
	}
	want := map[string]int{"apple-health imported ": 1, "xml skipped xml": 1, "gpx skipped apple-health:route": routes}
	if fmt.Sprint(statuses) != fmt.Sprint(want) {
		t.Errorf("outcomes %v, want %v", statuses, want)
	}
	if health == nil || !health.TwoPasses || len(health.Routes) != routes {
		t.Fatalf("health export %+v, want two passes and %d route files", health, routes)
	}
	if len(got) != len(acts) {
		t.Fatalf("%d activities, want %d", len(got), len(acts))
	}
	for i, a := range got {
		w := acts[i]
		name := fmt.Sprintf("workout %d (%s)", i, w.Sport)
		checkActivity(t, a.Source, a)
		if !a.Start.Equal(w.Start) || math.Abs(a.MovingTime-w.MovingTime) > 0.01 || math.Abs(a.Distance-w.Distance) > 0.01*w.Distance {
			t.Errorf("%s: start %s moving %.1f distance %.1f, generated %s %.1f %.1f", name, a.Start, a.MovingTime, a.Distance, w.Start, w.MovingTime, w.Distance)
		}
		if a.Sport != w.Sport || a.TimeZone != "Europe/Paris" || a.TimeSource != TZFromHealthKit || a.UTCOffset != 7200 || a.Device != "Apple Watch" {
			t.Errorf("%s: %s zone %s %d from %s device %q", name, a.Sport, a.TimeZone, a.UTCOffset, a.TimeSource, a.Device)
		}
		hr := 0
		for _, s := range a.Samples {
			if analysis.Has(s.HeartRate) {
				hr++
			}
		}
		if len(a.Samples) == 0 || hr < len(a.Samples)*9/10 {
			t.Errorf("%s: %d samples, %d with a heart rate", name, len(a.Samples), hr)
		}
	}
	tm := got[3]
	if tm.SubSport != "indoor_running" || hasPosition(tm.Samples) {
		t.Errorf("treadmill run: sub-sport %q, positions %v", tm.SubSport, hasPosition(tm.Samples))
	}
	last := tm.Samples[len(tm.Samples)-1].Distance
	if math.Abs(last-acts[3].Distance) > 0.02*acts[3].Distance {
		t.Errorf("treadmill run: cumulative distance from the records %.0f m, generated %.0f m (the phone's copies must not be added)", last, acts[3].Distance)
	}
	// The same workout from Strava (the watch's FIT) is the same activity,
	// and the FIT is kept as the primary.
	var fit bytes.Buffer
	if err := synth.WriteFIT(&fit, acts[1]); err != nil {
		t.Fatal(err)
	}
	fr := decodeOne(t, d, "strava.zip!activities/1.fit.gz", fit.Bytes(), DecodeOptions{})
	if fr.Status != StatusImported {
		t.Fatalf("fit: %s %q", fr.Status, fr.Reason())
	}
	fa, aa := fr.Activities[0], got[1]
	if !analysis.SameActivity(aa, fa) {
		t.Errorf("the Apple workout (%s, %.0f s, %.0f m) and its FIT (%s, %.0f s, %.0f m) are not one activity", aa.Start, aa.MovingTime, aa.Distance, fa.Start, fa.MovingTime, fa.Distance)
	}
	if p, _ := analysis.PreferPrimaryChannels(aa, analysis.Channels(aa), fa, analysis.Channels(fa)); p != fa {
		t.Errorf("primary is the %s, want the FIT", p.Format)
	}
	// The export unzipped: the same activities, routes read from the folder.
	unz := filepath.Join(dir, "unzipped")
	if err := unzipTo(filepath.Join(dir, "export.zip"), unz); err != nil {
		t.Fatal(err)
	}
	n, skipped := 0, 0
	err = Walk(context.Background(), []string{unz}, WalkOptions{}, func(e Entry) error {
		res := d.DecodeEntry(e)
		if e.Health != nil {
			n = len(res.Activities)
			for i, a := range res.Activities {
				if len(a.Samples) != len(got[i].Samples) {
					t.Errorf("unzipped workout %d: %d samples, from the zip %d", i, len(a.Samples), len(got[i].Samples))
				}
			}
		}
		if res.Kind == "apple-health:route" {
			skipped++
		}
		return nil
	})
	if err != nil || n != len(acts) || skipped != routes {
		t.Errorf("unzipped export: %v, %d activities, %d route files skipped", err, n, skipped)
	}
}

// unzipTo extracts a zip (a test's own) into dir.
func unzipTo(zipPath, dir string) error {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// readZipMember returns one member of a zip held in memory.
func readZipMember(t testing.TB, data []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAppleHealthMemory: the records of a big export are not held: only
// those inside workouts are kept, and the walk's allocation stays far
// below the export's size.
func TestAppleHealthMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 40 MB export")
	}
	acts := appleActs(t)[:2]
	dir := t.TempDir()
	xml := bigHealthXML(t, acts, 150000)
	write(t, filepath.Join(dir, "apple_health_export", "export.xml"), xml)
	var h *HealthExport
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var progress []int64
	opts := WalkOptions{Progress: func(path string, n int64) {
		if !strings.HasSuffix(path, "export.xml") {
			t.Errorf("progress for %s", path)
		}
		progress = append(progress, n)
	}}
	err := Walk(context.Background(), []string{dir}, opts, func(e Entry) error {
		h = e.Health
		return nil
	})
	runtime.ReadMemStats(&after)
	if len(progress) < len(xml)>>23 || progress[len(progress)-1] > int64(len(xml)) {
		t.Errorf("progress reported %v for a %d byte export", progress, len(xml))
	}
	if err != nil || h == nil {
		t.Fatalf("walk: %v, health %v", err, h)
	}
	inside := 0
	for _, a := range acts {
		inside += (len(a.Samples) + 4) / 5 // the heart rates written every 5 s
	}
	if h.records < 300000 || h.kept < inside || h.kept > inside*2 || !h.TwoPasses {
		t.Errorf("read %d records, kept %d (two passes %v), want %d inside the workouts", h.records, h.kept, h.TwoPasses, inside)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(len(xml))/16 {
		t.Errorf("walking a %d MB export allocated %d MB", len(xml)>>20, alloc>>20)
	}
	t.Logf("export.xml %d MB, %d records, %d kept, %d MB allocated", len(xml)>>20, h.records, h.kept, (after.TotalAlloc-before.TotalAlloc)>>20)
}

// bigHealthXML is an export.xml with the workouts of acts and n heart-rate
// and n step-count records outside them before those.
func bigHealthXML(t testing.TB, acts []*analysis.Activity, n int) []byte {
	t.Helper()
	var zipped bytes.Buffer
	if err := synth.WriteAppleExport(&zipped, acts, synth.AppleOptions{}); err != nil {
		t.Fatal(err)
	}
	small := readZipMember(t, zipped.Bytes(), "apple_health_export/export.xml")
	i := bytes.Index(small, []byte(" <Record "))
	var b bytes.Buffer
	b.Grow(len(small) + n*400)
	b.Write(small[:i])
	t0 := acts[0].Start.AddDate(-1, 0, 0)
	for k := 0; k < n; k++ {
		ts := t0.Add(time.Duration(k) * 97 * time.Second).Format("2006-01-02 15:04:05 -0700")
		fmt.Fprintf(&b, ` <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Apple Watch" sourceVersion="10.1" unit="count/min" creationDate="%s" startDate="%s" endDate="%s" value="%d"/>`+"\n", ts, ts, ts, 50+k%40)
		fmt.Fprintf(&b, ` <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Phone" sourceVersion="10.1" unit="count" creationDate="%s" startDate="%s" endDate="%s" value="%d"/>`+"\n", ts, ts, ts, k%900)
	}
	b.Write(small[i:])
	return b.Bytes()
}

// appleRef is the part of reference/apple-health.jsonl we compare.
type appleRef struct {
	Name    string `json:"name"`
	ParseOK bool   `json:"parse_ok"`
	Counts  struct {
		Record int `json:"Record"`
	} `json:"counts"`
	Workouts []struct {
		Type       string            `json:"type"`
		Source     string            `json:"source_name"`
		StartUTC   string            `json:"start_utc"`
		EndUTC     string            `json:"end_utc"`
		DurationS  float64           `json:"duration_s"`
		DistanceM  *float64          `json:"total_distance_m"`
		EnergyKcal *float64          `json:"total_energy_kcal"`
		Metadata   map[string]string `json:"metadata"`
		Routes     []struct {
			Inline int `json:"inline_locations"`
			Files  []struct {
				Path   string `json:"path"`
				Trkpts int    `json:"trkpts"`
			} `json:"files"`
		} `json:"routes"`
	} `json:"workouts"`
}

// appleDiffs names where taper deliberately differs from the reference
// reading (Python's ElementTree), and why.
var appleDiffs = map[string]string{
	"apple-healthkit-csv/Exportieren.xml/records":                           "ElementTree stops at line 5 (attribute names with spaces); taper's tokenizer reads on: 2,819 records, no workouts",
	"healthkit-to-sqlite/zip_contents/apple_health_export/export.xml/route": "the route file's 3 points are from 2019, the workout from 2016: taper leaves them out (with a warning)",
}

func TestConformanceAppleHealth(t *testing.T) {
	dir := corpusDir(t)
	refs := readJSONL[appleRef](t, filepath.Join(dir, "reference", "apple-health.jsonl"))
	if len(refs) != 4 {
		t.Fatalf("%d reference rows, want the corpus's 4 export files", len(refs))
	}
	d := NewDecoder(DecodeOptions{Now: testNow})
	seen := map[string]bool{}
	differs := func(name, check string, ok bool, format string, args ...any) {
		key := name + "/" + check
		_, listed := appleDiffs[key]
		seen[key] = seen[key] || !ok
		if !ok && !listed {
			t.Errorf("%s: %s: "+format, append([]any{name, check}, args...)...)
		}
	}
	results := map[string]Result{}
	healths := map[string]*HealthExport{}
	routeFiles := 0
	root := filepath.Join(dir, "apple-health")
	err := Walk(context.Background(), []string{root}, WalkOptions{}, func(e Entry) error {
		rel, _ := filepath.Rel(root, e.Path)
		res := d.DecodeEntry(e)
		results[filepath.ToSlash(rel)] = res
		if e.Health != nil {
			healths[filepath.ToSlash(rel)] = e.Health
		}
		if e.PartOf != "" {
			routeFiles++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if routeFiles != 1 {
		t.Errorf("%d route files passed on as part of their export, want 1", routeFiles)
	}
	for _, ref := range refs {
		res, h := results[ref.Name], healths[ref.Name]
		if h == nil {
			t.Errorf("%s: not read as an Apple Health export (%s %s)", ref.Name, res.Format, res.Status)
			continue
		}
		differs(ref.Name, "records", h.records == ref.Counts.Record, "%d records, reference %d", h.records, ref.Counts.Record)
		if len(ref.Workouts) == 0 {
			if res.Status != StatusSkipped || res.Kind != "apple-health:no-workouts" {
				t.Errorf("%s: %s %q, want skipped apple-health:no-workouts", ref.Name, res.Status, res.Reason())
			}
			continue
		}
		if res.Status != StatusImported || len(res.Activities) != len(ref.Workouts) {
			t.Errorf("%s: %s %q with %d activities, want %d", ref.Name, res.Status, res.Reason(), len(res.Activities), len(ref.Workouts))
			continue
		}
		for i, w := range ref.Workouts {
			a := res.Activities[i]
			checkActivity(t, a.Source, a)
			start, _ := time.Parse(time.RFC3339, w.StartUTC)
			end, _ := time.Parse(time.RFC3339, w.EndUTC)
			differs(ref.Name, "start", a.Start.Equal(start), "start %s, reference %s", a.Start, start)
			differs(ref.Name, "elapsed", math.Abs(a.ElapsedTime-end.Sub(start).Seconds()) <= 1, "elapsed %.1f, reference %s", a.ElapsedTime, end.Sub(start))
			differs(ref.Name, "duration", math.Abs(a.MovingTime-w.DurationS) <= 1, "moving %.1f s, duration %.1f s", a.MovingTime, w.DurationS)
			if w.DistanceM != nil {
				differs(ref.Name, "distance", math.Abs(a.Distance-*w.DistanceM) <= 0.01**w.DistanceM, "distance %.1f m, reference %.1f m", a.Distance, *w.DistanceM)
			}
			if w.EnergyKcal != nil {
				differs(ref.Name, "energy", math.Abs(a.Calories-*w.EnergyKcal) < 0.01, "energy %.2f kcal, reference %.2f", a.Calories, *w.EnergyKcal)
			}
			sport, _ := healthSport(w.Type)
			differs(ref.Name, "sport", a.Sport == sport, "sport %q for %s", a.Sport, w.Type)
			differs(ref.Name, "device", a.Device == strings.ReplaceAll(w.Source, "\u00a0", " "), "device %q, sourceName %q", a.Device, w.Source)
			if z := w.Metadata["HKTimeZone"]; z != "" {
				differs(ref.Name, "zone", a.TimeZone == z && a.TimeSource == TZFromHealthKit, "zone %q from %s, HKTimeZone %q", a.TimeZone, a.TimeSource, z)
			}
			points := 0
			for _, r := range w.Routes {
				points += r.Inline
				for _, f := range r.Files {
					points += f.Trkpts
				}
			}
			differs(ref.Name, "route", len(a.Samples) == points, "%d samples, the routes hold %d points", len(a.Samples), points)
		}
	}
	for key, why := range appleDiffs {
		if !seen[key] {
			t.Errorf("appleDiffs lists %s (%s) but taper agrees with the reference: remove the entry", key, why)
		}
	}
}

func TestHealthMillis(t *testing.T) {
	for _, s := range []string{"2019-07-19 10:36:11 -0700", "20151107171924+0100", "2016-11-14 06:25:44 -0800", "2021-05-01T09:00:00+02:00"} {
		want, _, ok := parseHealthDate(s)
		got, gok := healthMillis([]byte(s))
		if !ok || !gok || got != want.UnixMilli() {
			t.Errorf("%s: %d %v, want %d", s, got, gok, want.UnixMilli())
		}
	}
	for _, s := range []string{"2019-07-19 10:36:1x -0700", "20151107171924*0100", ""} {
		if _, ok := healthMillis([]byte(s)); ok {
			t.Errorf("%q parsed", s)
		}
	}
}

// TestAppleHealthFormats: both date formats, units, attribute and
// statistics styles, old source= attributes, zones without HKTimeZone,
// a truncated export, an export.xml read alone (route file unavailable).
func TestAppleHealthFormats(t *testing.T) {
	doc := func(body string) []byte {
		return []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<HealthData locale=\"en_US\">\n <ExportDate value=\"20151107171924+0100\"/>\n" + body + "\n</HealthData>\n")
	}
	hr := ` <Record type="HKQuantityTypeIdentifierHeartRate" source="Watch" unit="count/s" creationDate="20151105180010+0100" startDate="20151105180010+0100" endDate="20151105180010+0100" value="2.5"/>` + "\n"
	old := ` <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="1800" durationUnit="s" totalDistance="3.5" totalDistanceUnit="mi" totalEnergyBurned="1500" totalEnergyBurnedUnit="kJ" source="Watch" startDate="20151105180000+0100" endDate="20151105183100+0100"/>`
	paris, _ := time.LoadLocation("Europe/Paris")
	tests := []struct {
		name  string
		data  []byte
		opts  DecodeOptions
		check func(t *testing.T, res Result)
	}{
		{"old style, compact dates, count/s, export offset", doc(hr + old), DecodeOptions{}, func(t *testing.T, res Result) {
			a := res.Activities[0]
			if !a.Start.Equal(time.Date(2015, 11, 5, 17, 0, 0, 0, time.UTC)) || a.MovingTime != 1800 || math.Abs(a.Distance-5632.7) > 0.1 ||
				math.Abs(a.Calories-358.5) > 0.1 || a.Device != "Watch" || a.TimeSource != TZFromExportOffset || a.UTCOffset != 3600 {
				t.Errorf("start %s moving %.0f distance %.1f kcal %.1f device %q zone %d from %s", a.Start, a.MovingTime, a.Distance, a.Calories, a.Device, a.UTCOffset, a.TimeSource)
			}
			if len(a.Samples) != 1 || a.Samples[0].HeartRate != 150 {
				t.Errorf("samples %+v, want one heart rate of 150 bpm (2.5 count/s)", a.Samples)
			}
		}},
		{"no HKTimeZone: the athlete's zone before the export offset", doc(old), DecodeOptions{Zone: paris}, func(t *testing.T, res Result) {
			if a := res.Activities[0]; a.TimeSource != analysis.TZFromAthlete || a.TimeZone != "Europe/Paris" {
				t.Errorf("zone %q from %s", a.TimeZone, a.TimeSource)
			}
		}},
		{"statistics style, route file not available", doc(` <Workout workoutActivityType="HKWorkoutActivityTypeCycling" duration="60" durationUnit="min" sourceName="Apple Watch" startDate="2021-05-01 09:00:00 +0200" endDate="2021-05-01 10:02:00 +0200">
  <MetadataEntry key="HKTimeZone" value="Europe/Berlin"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceCycling" startDate="2021-05-01 09:00:00 +0200" endDate="2021-05-01 10:02:00 +0200" sum="30.5" unit="km"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="2021-05-01 09:00:00 +0200" endDate="2021-05-01 10:02:00 +0200" sum="640" unit="kcal"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" startDate="2021-05-01 09:00:00 +0200" endDate="2021-05-01 10:02:00 +0200" average="141" minimum="90" maximum="171" unit="count/min"/>
  <WorkoutRoute sourceName="Apple Watch" startDate="2021-05-01 09:00:00 +0200" endDate="2021-05-01 10:02:00 +0200"><FileReference path="/workout-routes/route_2021-05-01_9.00am.gpx"/></WorkoutRoute>
 </Workout>`), DecodeOptions{}, func(t *testing.T, res Result) {
			a := res.Activities[0]
			if a.Sport != analysis.SportCycling || a.Distance != 30500 || a.Calories != 640 || a.AvgHR != 141 || a.MaxHR != 171 ||
				a.MovingTime != 3600 || a.ElapsedTime != 3720 || a.TimeZone != "Europe/Berlin" {
				t.Errorf("%s %.0f m %.0f kcal HR %.0f/%.0f moving %.0f elapsed %.0f zone %q", a.Sport, a.Distance, a.Calories, a.AvgHR, a.MaxHR, a.MovingTime, a.ElapsedTime, a.TimeZone)
			}
		}},
		{"truncated export keeps the workouts before the cut", doc(old + "\n" + old + "\n <Workout workoutActivityType=\"HKWorkoutActivityTypeRunning\" startDate=\"2015")[:len(doc(old+"\n"+old))+40], DecodeOptions{}, func(t *testing.T, res Result) {
			if res.Status != StatusImported || !res.Partial || len(res.Activities) != 2 || !strings.Contains(res.PartialReason, "kept the workouts before it") {
				t.Errorf("%s partial %v %q, %d activities", res.Status, res.Partial, res.PartialReason, len(res.Activities))
			}
		}},
		{"declared ISO-8859-1 (converted as a stream)", append([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?>`+"\n<HealthData>"+strings.Repeat("<!-- padding -->", 100)),
			[]byte(strings.Replace(old, `source="Watch"`, "source=\"Lea\xe9 Watch\"", 1)+"</HealthData>")...), DecodeOptions{}, func(t *testing.T, res Result) {
			if len(res.Activities) != 1 || res.Activities[0].Device != "Leaé Watch" {
				t.Errorf("%s %q, %d activities", res.Status, res.Reason(), len(res.Activities))
			}
		}},
		{"no workouts", doc(hr), DecodeOptions{}, func(t *testing.T, res Result) {
			if res.Status != StatusSkipped || res.Kind != "apple-health:no-workouts" {
				t.Errorf("%s %q", res.Status, res.Kind)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(DecodeOptions{Now: testNow, Zone: tt.opts.Zone})
			res := d.Decode("export.xml", tt.data)
			if res.Format != FormatAppleHealth {
				t.Fatalf("format %q", res.Format)
			}
			if res.Status == StatusImported {
				for _, a := range res.Activities {
					checkActivity(t, "export.xml", a)
				}
			}
			tt.check(t, res)
		})
	}
}

// TestRoutesOfAKnownAppleExport: when export.xml is skipped as imported
// before (a re-import after one that stopped half-way), the route files
// beside it are still part of it, not activities of their own.
func TestRoutesOfAKnownAppleExport(t *testing.T) {
	zipPath := filepath.Join(t.TempDir(), "export.zip")
	writeAppleZip(t, zipPath, appleActs(t), time.UTC)
	d := NewDecoder(DecodeOptions{Now: testNow})
	routes := 0
	err := Walk(context.Background(), []string{zipPath}, WalkOptions{
		Skip: func(name string, _ int64, _ uint32) bool { return strings.HasSuffix(name, "/export.xml") },
	}, func(e Entry) error {
		if !strings.Contains(e.Path, "/workout-routes/") {
			return nil
		}
		routes++
		if want := zipPath + "!apple_health_export/export.xml"; e.PartOf != want {
			t.Errorf("%s: part of %q, want %q", e.Path, e.PartOf, want)
		}
		if r := d.DecodeEntry(e); r.Status != StatusSkipped || r.Kind != "apple-health:route" {
			t.Errorf("%s: %s %s, want skipped as apple-health:route", e.Path, r.Status, r.Kind)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if routes == 0 {
		t.Fatal("no route file in the export: the test shows nothing")
	}
}
