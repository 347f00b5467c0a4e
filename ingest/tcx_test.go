package ingest

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
)

// tcxPoints returns n trackpoints one second apart from t0 moving north at
// v m/s, with a heart rate of hr (0: none) and ext inside <Extensions>.
// pos false leaves positions out (treadmill).
func tcxPoints(t0 time.Time, n int, v float64, hr int, pos bool, ext string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "<Trackpoint><Time>%s</Time>", t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339Nano))
		if pos {
			fmt.Fprintf(&b, "<Position><LatitudeDegrees>%.7f</LatitudeDegrees><LongitudeDegrees>16.37</LongitudeDegrees></Position>", 48.2+float64(i)*v/111194.93)
		}
		fmt.Fprintf(&b, "<AltitudeMeters>%d</AltitudeMeters><DistanceMeters>%.1f</DistanceMeters>", 200+i%7, float64(i)*v)
		if hr > 0 {
			fmt.Fprintf(&b, "<HeartRateBpm><Value>%d</Value></HeartRateBpm>", hr)
		}
		if ext != "" {
			b.WriteString("<Extensions>" + ext + "</Extensions>")
		}
		b.WriteString("</Trackpoint>\n")
	}
	return b.String()
}

// tcxLapXML is one lap of n seconds at v m/s holding points.
func tcxLapXML(t0 time.Time, n int, v float64, intensity, trigger, points string) string {
	return fmt.Sprintf(`<Lap StartTime="%s"><TotalTimeSeconds>%d</TotalTimeSeconds><DistanceMeters>%.1f</DistanceMeters>`+
		`<Calories>%d</Calories><Intensity>%s</Intensity><TriggerMethod>%s</TriggerMethod><Track>%s</Track></Lap>`,
		t0.Format(time.RFC3339), n, float64(n)*v, n/10, intensity, trigger, points)
}

func tcxActivityXML(sport string, t0 time.Time, laps string) string {
	return fmt.Sprintf(`<Activity Sport="%s"><Id>%s</Id>%s<Creator xsi:type="Device_t"><Name>Forerunner 945</Name></Creator></Activity>`,
		sport, t0.Format(time.RFC3339), laps)
}

func tcxDoc(body string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
 xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` + body + `</TrainingCenterDatabase>`)
}

func tcxRun(t0 time.Time, n int, v float64, hr int, ext string) []byte {
	return tcxDoc("<Activities>" + tcxActivityXML("Running", t0,
		tcxLapXML(t0, n, v, "Active", "Manual", tcxPoints(t0, n+1, v, hr, true, ext))) + "</Activities>")
}

var tcxT0 = time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)

func TestDecodeTCX(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	run := tcxRun(tcxT0, 600, 3, 150, `<ns3:TPX><ns3:Speed>3.0</ns3:Speed><ns3:RunCadence>88</ns3:RunCadence></ns3:TPX>`)
	res := decodeOne(t, d, "run.tcx", run, DecodeOptions{})
	if res.Format != FormatTCX || res.Status != StatusImported || len(res.Activities) != 1 {
		t.Fatalf("got %s %s %q, want one imported tcx activity", res.Format, res.Status, res.Reason())
	}
	a := res.Activities[0]
	if a.Sport != analysis.SportRunning || a.SportInferred || !a.Start.Equal(tcxT0) || a.MovingTime != 600 ||
		a.Distance != 1800 || a.Calories != 60 || a.TotalsFrom != "laps" || a.Device != "Forerunner 945" {
		t.Errorf("activity %s %v start %s moving %.1f distance %.1f calories %.0f totals %s device %q",
			a.Sport, a.SportInferred, a.Start, a.MovingTime, a.Distance, a.Calories, a.TotalsFrom, a.Device)
	}
	if a.TimeSource != analysis.TZFromGPS || a.TimeZone != "Europe/Vienna" || a.UTCOffset != 7200 {
		t.Errorf("zone %q %d from %s, want Europe/Vienna +7200 from gps", a.TimeZone, a.UTCOffset, a.TimeSource)
	}
	s := a.Samples[10]
	if len(a.Samples) != 601 || s.HeartRate != 150 || s.Cadence != 88 || s.Speed != 3 || s.Distance != 30 || !analysis.Has(s.Lat) {
		t.Errorf("%d samples, sample 10 %+v", len(a.Samples), s)
	}
	if len(a.Laps) != 1 || a.Laps[0].Intensity != "active" || a.Laps[0].Trigger != "manual" || a.Laps[0].Distance != 1800 {
		t.Errorf("laps %+v", a.Laps)
	}
	rest := decodeOne(t, d, "rest.tcx", bytes.Replace(run, []byte("<Intensity>Active<"), []byte("<Intensity>Resting<"), 1), DecodeOptions{})
	if l := rest.Activities[0].Laps[0]; l.Intensity != "rest" {
		t.Errorf("a Resting lap has intensity %q, want FIT's rest", l.Intensity)
	}
}

func TestDecodeTCXVariants(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	plus2 := time.FixedZone("", 7200)
	tests := []struct {
		name  string
		doc   []byte
		check func(t *testing.T, res Result)
	}{
		{"BOM, blank lines before the declaration, CRLF", append([]byte("\xef\xbb\xbf\r\n  \r\n"),
			bytes.ReplaceAll(tcxRun(tcxT0, 60, 3, 140, ""), []byte("\n"), []byte("\r\n"))...), func(t *testing.T, res Result) {
			if res.Status != StatusImported || len(res.Activities[0].Samples) != 61 {
				t.Errorf("%s %q", res.Status, res.Reason())
			}
		}},
		{"TPX without a prefix, watts", tcxRun(tcxT0, 60, 8, 0,
			`<TPX xmlns="http://www.garmin.com/xmlschemas/ActivityExtension/v2"><Speed>8.1</Speed><Watts>210</Watts></TPX>`), func(t *testing.T, res Result) {
			s := res.Activities[0].Samples[5]
			if s.Power != 210 || s.Speed != 8.1 || analysis.Has(s.HeartRate) {
				t.Errorf("sample %+v", s)
			}
		}},
		{"sport in any case, Other inferred", tcxDoc("<Activities>" +
			tcxActivityXML("BIKING", tcxT0, tcxLapXML(tcxT0, 60, 8, "Active", "Manual", tcxPoints(tcxT0, 61, 8, 0, true, ""))) +
			tcxActivityXML("other", tcxT0.Add(2*time.Hour), tcxLapXML(tcxT0.Add(2*time.Hour), 60, 3, "Active", "Manual", tcxPoints(tcxT0.Add(2*time.Hour), 61, 3, 0, true, ""))) +
			"</Activities>"), func(t *testing.T, res Result) {
			if len(res.Activities) != 2 || res.Activities[0].Sport != analysis.SportCycling ||
				res.Activities[1].Sport != analysis.SportRunning || !res.Activities[1].SportInferred {
				t.Errorf("activities %v", res.Activities)
			}
		}},
		{"several activities out of time order keep file order", tcxDoc("<Activities>" +
			tcxActivityXML("Running", tcxT0.Add(24*time.Hour), tcxLapXML(tcxT0.Add(24*time.Hour), 60, 3, "Active", "Manual", tcxPoints(tcxT0.Add(24*time.Hour), 61, 3, 0, true, ""))) +
			tcxActivityXML("Running", tcxT0, tcxLapXML(tcxT0, 60, 3, "Active", "Manual", tcxPoints(tcxT0, 61, 3, 0, true, ""))) +
			"</Activities>"), func(t *testing.T, res Result) {
			if len(res.Activities) != 2 || !res.Activities[0].Start.After(res.Activities[1].Start) ||
				res.Activities[0].SessionIndex != 0 || res.Activities[1].SessionIndex != 1 {
				t.Errorf("activities %v", res.Activities)
			}
		}},
		{"multisport legs, transition not an activity", tcxDoc(`<Activities><MultiSportSession><Id>x</Id><FirstSport>` +
			tcxActivityXML("Biking", tcxT0, tcxLapXML(tcxT0, 600, 8, "Active", "Manual", tcxPoints(tcxT0, 601, 8, 0, true, ""))) +
			`</FirstSport><NextSport><Transition StartTime="` + tcxT0.Add(600*time.Second).Format(time.RFC3339) + `"><TotalTimeSeconds>60</TotalTimeSeconds></Transition>` +
			tcxActivityXML("Running", tcxT0.Add(660*time.Second), tcxLapXML(tcxT0.Add(660*time.Second), 600, 3, "Active", "Manual", tcxPoints(tcxT0.Add(660*time.Second), 601, 3, 0, true, ""))) +
			`</NextSport></MultiSportSession></Activities>`), func(t *testing.T, res Result) {
			if len(res.Activities) != 2 || res.Activities[0].Sport != analysis.SportCycling || res.Activities[1].Sport != analysis.SportRunning ||
				!strings.Contains(strings.Join(res.Warnings, ";"), "1 multisport transition") {
				t.Errorf("activities %v warnings %q", res.Activities, res.Warnings)
			}
		}},
		{"heart rate 255 on every point is a sentinel", tcxRun(tcxT0, 60, 3, 255, ""), func(t *testing.T, res Result) {
			a := res.Activities[0]
			if analysis.Has(a.AvgHR) || analysis.Has(a.MaxHR) || analysis.Has(a.Samples[3].HeartRate) ||
				!strings.Contains(strings.Join(res.Warnings, ";"), "255 on every trackpoint") {
				t.Errorf("avg %v max %v warnings %q", a.AvgHR, a.MaxHR, res.Warnings)
			}
		}},
		{"offsets and fractions", tcxDoc("<Activities>" + tcxActivityXML("Running", tcxT0,
			strings.Replace(tcxLapXML(tcxT0, 2, 3, "Active", "Manual",
				"<Trackpoint><Time>2026-10-04T09:00:00.250+02:00</Time><DistanceMeters>0</DistanceMeters></Trackpoint>"+
					"<Trackpoint><Time>2026-10-04T09:00:02.750+02:00</Time><DistanceMeters>6</DistanceMeters></Trackpoint>"),
				tcxT0.Format(time.RFC3339), tcxT0.In(plus2).Format(time.RFC3339), 1)) + "</Activities>"), func(t *testing.T, res Result) {
			a := res.Activities[0]
			if !a.Start.Equal(tcxT0) || !a.Samples[1].Time.Equal(tcxT0.Add(2750*time.Millisecond)) || a.Samples[1].Time.Location() != time.UTC {
				t.Errorf("start %s, second point %s", a.Start, a.Samples[1].Time)
			}
		}},
		{"indoor run: distance from the points, athlete zone", tcxDoc("<Activities>" + tcxActivityXML("Running", tcxT0,
			strings.Replace(tcxLapXML(tcxT0, 300, 3, "Active", "Manual", tcxPoints(tcxT0, 301, 3, 150, false, "")),
				"<DistanceMeters>900.0</DistanceMeters>", "<DistanceMeters>0</DistanceMeters>", 1)) + "</Activities>"), func(t *testing.T, res Result) {
			a := res.Activities[0]
			if a.Distance != 900 || a.SubSport != "indoor_running" || a.TimeSource != analysis.TZFromUTC {
				t.Errorf("distance %.1f sub %q zone from %s", a.Distance, a.SubSport, a.TimeSource)
			}
		}},
		{"no Id, no laps: built from the points", tcxDoc(`<Activities><Activity Sport="Running"><Lap><Track>` +
			tcxPoints(tcxT0, 120, 3, 0, true, "") + `</Track></Lap></Activity></Activities>`), func(t *testing.T, res Result) {
			a := res.Activities[0]
			if !a.Start.Equal(tcxT0) || a.TotalsFrom != "records" || math.Abs(a.Distance-357) > 1 || a.ElapsedTime != 119 {
				t.Errorf("start %s totals %s distance %.1f elapsed %.0f", a.Start, a.TotalsFrom, a.Distance, a.ElapsedTime)
			}
		}},
		{"points out of step with the laps", tcxDoc("<Activities>" + tcxActivityXML("Running", tcxT0,
			tcxLapXML(tcxT0, 60, 3, "Active", "Manual", tcxPoints(tcxT0.Add(6*time.Hour), 61, 3, 0, true, ""))) + "</Activities>"), func(t *testing.T, res Result) {
			a := res.Activities[0]
			if !a.Start.Equal(tcxT0) || a.ElapsedTime != 60 || !a.Samples[0].Time.Equal(tcxT0) ||
				!strings.Contains(strings.Join(res.Warnings, ";"), "moved by -6h0m0s") {
				t.Errorf("start %s elapsed %.0f first point %s warnings %q", a.Start, a.ElapsedTime, a.Samples[0].Time, res.Warnings)
			}
		}},
		{"courses only", tcxDoc(`<Courses><Course><Name>loop</Name><Lap><TotalTimeSeconds>60</TotalTimeSeconds></Lap><Track>` +
			tcxPoints(tcxT0, 10, 3, 0, true, "") + `</Track></Course></Courses>`), func(t *testing.T, res Result) {
			if res.Status != StatusSkipped || res.Kind != "tcx:course" {
				t.Errorf("%s %q", res.Status, res.Kind)
			}
		}},
		{"workouts only", tcxDoc(`<Workouts><Workout Sport="Running"><Name>intervals</Name></Workout></Workouts>`), func(t *testing.T, res Result) {
			if res.Status != StatusSkipped || res.Kind != "tcx:workout" {
				t.Errorf("%s %q", res.Status, res.Kind)
			}
		}},
		{"an empty Activity", tcxDoc(`<Activities><Activity Sport="Other"/></Activities>`), func(t *testing.T, res Result) {
			if res.Status != StatusSkipped || res.Kind != "tcx:empty-activity" {
				t.Errorf("%s %q", res.Status, res.Kind)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := decodeOne(t, d, "x.tcx", tt.doc, DecodeOptions{})
			if res.Status == StatusImported {
				for _, a := range res.Activities {
					checkActivity(t, "x.tcx", a)
				}
			}
			tt.check(t, res)
		})
	}
}

func TestDecodeTCXDamaged(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	doc := tcxRun(tcxT0, 600, 3, 150, "")
	cut := doc[:len(doc)*2/3]
	res := decodeOne(t, d, "cut.tcx", cut, DecodeOptions{})
	if res.Status != StatusImported || !res.Partial || !strings.HasPrefix(res.PartialReason, "truncated: the file ends inside") {
		t.Fatalf("truncated file: %s partial %v %q", res.Status, res.Partial, res.PartialReason)
	}
	if n := len(res.Activities[0].Samples); n < 300 || n > 420 || !res.Activities[0].Partial {
		t.Errorf("truncated file kept %d points (partial %v), want the complete ones before the cut", n, res.Activities[0].Partial)
	}
	res = decodeOne(t, d, "head.tcx", doc[:300], DecodeOptions{})
	if res.Status != StatusRejected || !strings.Contains(res.Reason(), "head.tcx: truncated: the file ends inside") {
		t.Errorf("file cut in its header: %s %q, want rejected as truncated", res.Status, res.Reason())
	}
	res = decodeOne(t, d, "big.tcx", doc, DecodeOptions{MaxTCXBytes: 1000})
	if res.Status != StatusRejected || !strings.Contains(res.Reason(), "over the 1,000 byte limit") {
		t.Errorf("over the size bound: %s %q", res.Status, res.Reason())
	}
}

// TestWalkTCX: .tcx and .tcx.gz are decoded in folders and in export zips
// (Strava's activities/*.tcx.gz), whatever their size.
func TestWalkTCX(t *testing.T) {
	dir := t.TempDir()
	doc := tcxRun(tcxT0, 4000, 3, 150, "") // over HeadOnlyThreshold
	if len(doc) < HeadOnlyThreshold {
		t.Fatalf("test document is %d bytes, want it over %d", len(doc), HeadOnlyThreshold)
	}
	write(t, filepath.Join(dir, "export.zip"), mkzip(t, member{name: "activities/123.tcx.gz", data: gz(t, doc)}, member{name: "activities/124.tcx", data: doc}))
	write(t, filepath.Join(dir, "plain.tcx"), doc)
	d := NewDecoder(DecodeOptions{Now: testNow})
	n := 0
	err := Walk(context.Background(), []string{dir}, WalkOptions{}, func(e Entry) error {
		res := d.Decode(e.Path, e.Data)
		if e.HeadOnly || res.Status != StatusImported || res.Format != FormatTCX || len(res.Activities[0].Samples) != 4001 {
			t.Errorf("%s: head-only %v, %s %s %q", e.Path, e.HeadOnly, res.Format, res.Status, res.Reason())
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("walked %d entries, want 2", n)
	}
}

// tcxDiffs names, per file and check, where taper deliberately differs from
// the file's own lap sums (reference/tcx.jsonl "file"), and why. A listed
// difference that no longer occurs fails the test.
var tcxDiffs = map[string]string{
	"runalyze__Dakota.tcx/points":                    "the points run 6 h after the lap; taper moves them onto the lap's clock",
	"sport-activities-features__dead_end.tcx/points": "the points say 2021, the lap 2015; taper moves them onto the lap's clock",
	"gpsbabel__gtrnctr-lap_s.tcx/hr":                 "heart rate 255 on every point is a no-sensor sentinel: taper reads no heart rate",
}

// refTCX is the part of reference/tcx.jsonl we compare.
type refTCX struct {
	Name string `json:"name"`
	File struct {
		Activities int `json:"activities"`
		Courses    int `json:"courses"`
		Workouts   int `json:"workouts"`
		Activity   []struct {
			Sport         string   `json:"sport"`
			IDUTC         *string  `json:"id_utc"`
			FirstLapStart *string  `json:"first_lap_start"`
			Laps          int      `json:"laps"`
			LapTime       float64  `json:"lap_total_time_s"`
			LapDistance   float64  `json:"lap_distance_m"`
			Trackpoints   int      `json:"trackpoints_with_time"`
			HRMax         *float64 `json:"hr_max"`
			FirstTime     *string  `json:"first_time"`
		} `json:"activity"`
	} `json:"file"`
}

// tcxStatus is the expected outcome of the corpus TCX files that are not
// imported.
var tcxStatus = map[string]string{
	"dblock-tcx__simple_workout_1.tcx": "tcx:workout",        // a planned workout, no activity
	"runalyze__Route-only.tcx":         "tcx:course",         // a course, no activity
	"tracs__polar_empty.tcx":           "tcx:empty-activity", // an Activity without Id, laps or points
}

func TestConformanceTCX(t *testing.T) {
	dir := corpusDir(t)
	refs := readJSONL[refTCX](t, filepath.Join(dir, "reference", "tcx.jsonl"))
	if len(refs) < 40 {
		t.Fatalf("%d reference rows, want the corpus's 42", len(refs))
	}
	d := NewDecoder(DecodeOptions{Now: testNow})
	seen := map[string]bool{}
	differs := func(name, check string, ok bool, format string, args ...any) {
		key := name + "/" + check
		_, listed := tcxDiffs[key]
		seen[key] = seen[key] || !ok
		if !ok && !listed {
			t.Errorf("%s: %s: "+format, append([]any{name, check}, args...)...)
		}
	}
	counts := map[string]int{}
	for _, ref := range refs {
		data, err := os.ReadFile(filepath.Join(dir, "tcx", ref.Name))
		if err != nil {
			t.Fatal(err)
		}
		res := d.Decode(ref.Name, data)
		counts[res.Status]++
		if kind, ok := tcxStatus[ref.Name]; ok {
			if res.Status != StatusSkipped || res.Kind != kind {
				t.Errorf("%s: %s %q, want skipped %q", ref.Name, res.Status, res.Reason(), kind)
			}
			continue
		}
		if res.Status != StatusImported || res.Partial {
			t.Errorf("%s: %s %q (partial %v), want imported whole", ref.Name, res.Status, res.Reason(), res.Partial)
			continue
		}
		if len(res.Activities) != ref.File.Activities {
			t.Errorf("%s: %d activities, the file has %d", ref.Name, len(res.Activities), ref.File.Activities)
			continue
		}
		for i, ra := range ref.File.Activity {
			a := res.Activities[i]
			checkActivity(t, ref.Name, a)
			start := ra.FirstLapStart
			if start == nil {
				start = ra.IDUTC
			}
			if start != nil {
				want, _ := time.Parse(time.RFC3339Nano, *start)
				differs(ref.Name, "start", a.Start.Equal(want), "activity %d starts %s, first lap %s", i, a.Start, want)
			}
			wantSport, _ := tcxSport(ra.Sport)
			differs(ref.Name, "sport", a.Sport == wantSport || (wantSport == "" && a.SportInferred),
				"activity %d sport %q, file %q", i, a.Sport, ra.Sport)
			if ra.LapDistance > 0 {
				differs(ref.Name, "distance", math.Abs(a.Distance-ra.LapDistance) <= 0.01*ra.LapDistance,
					"activity %d distance %.1f m, laps %.1f m", i, a.Distance, ra.LapDistance)
			}
			if ra.Laps > 0 {
				differs(ref.Name, "duration", math.Abs(a.MovingTime-ra.LapTime) <= 1, "activity %d moving %.1f s, laps %.1f s", i, a.MovingTime, ra.LapTime)
				differs(ref.Name, "laps", len(a.Laps) == ra.Laps, "activity %d %d laps, file %d", i, len(a.Laps), ra.Laps)
			}
			first := time.Time{}
			if ra.FirstTime != nil {
				first, _ = time.Parse(time.RFC3339Nano, *ra.FirstTime)
			}
			differs(ref.Name, "points", len(a.Samples) == ra.Trackpoints && (first.IsZero() || a.Samples[0].Time.Sub(first).Abs() < time.Millisecond),
				"activity %d %d timed points from %s, file %d from %s", i, len(a.Samples), a.Samples[0].Time, ra.Trackpoints, first)
			if ra.HRMax != nil {
				maxHR := math.NaN()
				for _, s := range a.Samples {
					if analysis.Has(s.HeartRate) && !(s.HeartRate <= maxHR) {
						maxHR = s.HeartRate
					}
				}
				differs(ref.Name, "hr", maxHR == *ra.HRMax, "activity %d points' max HR %v, file %v", i, maxHR, *ra.HRMax)
			}
		}
	}
	for key, why := range tcxDiffs {
		if !seen[key] {
			t.Errorf("tcxDiffs lists %s (%s) but taper agrees with the file there: remove the entry", key, why)
		}
	}
	t.Logf("tcx corpus: %d imported, %d skipped, %d rejected", counts[StatusImported], counts[StatusSkipped], counts[StatusRejected])
}
