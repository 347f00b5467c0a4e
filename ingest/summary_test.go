package ingest

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/synth"
)

const stravaHead = "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,Average Heart Rate\n"

func TestStravaCSV(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	d := NewDecoder(DecodeOptions{Now: testNow, Zone: paris})
	csv := stravaHead +
		`101,"Sep 6, 2026, 5:30:00 AM",Morning Run,Run,,3000,8.05,171,,false,,,activities/101.fit.gz,,,3000.0,2950.0,8050.0,150` + "\n" +
		`102,"Sep 7, 2026, 6:00:00 PM",Treadmill,Run,,2700,8.00,,,false,,,,,,2700.0,2700.0,8000.0,` + "\n" +
		`103,"Sep 8, 2026, 7:15:00 AM",Gym,Weight Training,,3600,0.00,,,false,,,,,,3600.0,3600.0,0.0,` + "\n" +
		`104,"8 Sep 2026, 19:00:00",Abendlauf,Run,,1800,"5,20",,,false,,,,,,1800,,,` + "\n"
	res := decodeOne(t, d, "export.zip!activities.csv", []byte(csv), DecodeOptions{Zone: paris})
	if res.Format != FormatCSV || res.Status != StatusImported || len(res.Activities) != 3 {
		t.Fatalf("%s %s %q with %d activities, want 3 summary-only activities (the row with a file is left to its file)",
			res.Format, res.Status, res.Reason(), len(res.Activities))
	}
	tm, gym, de := res.Activities[0], res.Activities[1], res.Activities[2]
	if !tm.Start.Equal(time.Date(2026, 9, 7, 18, 0, 0, 0, time.UTC)) || tm.Sport != analysis.SportRunning || tm.Distance != 8000 ||
		tm.MovingTime != 2700 || tm.ElapsedTime != 2700 || len(tm.Samples) != 0 || tm.TotalsFrom != TotalsFromSummary ||
		tm.TimeSource != analysis.TZFromAthlete || tm.UTCOffset != 7200 || !analysis.SummaryOnly(tm) {
		t.Errorf("manual run: %+v", tm)
	}
	if gym.Sport != analysis.SportTraining || gym.Distance != 0 || gym.MovingTime != 3600 {
		t.Errorf("manual gym session: %s %.0f m %.0f s", gym.Sport, gym.Distance, gym.MovingTime)
	}
	if !de.Start.Equal(time.Date(2026, 9, 8, 19, 0, 0, 0, time.UTC)) || de.Distance != 5200 || de.MovingTime != 1800 {
		t.Errorf("row in another locale: start %s %.0f m %.0f s", de.Start, de.Distance, de.MovingTime)
	}
	for _, a := range res.Activities {
		if len(a.Flags) != 0 || a.TotalsFrom != TotalsFromSummary || !analysis.SummaryOnly(a) {
			t.Errorf("flags %v totals %q, want no flags (they are for suspicious dates) and summary totals", a.Flags, a.TotalsFrom)
		}
	}
	// A listing whose every row has a file adds nothing; other CSVs are skipped.
	res = decodeOne(t, d, "activities.csv", []byte(stravaHead+`101,"Sep 6, 2026, 5:30:00 AM",Run,Run,,3000,8.05,,,false,,,activities/101.fit.gz,,,3000,2950,8050,`+"\n"), DecodeOptions{})
	if res.Status != StatusSkipped || res.Kind != "strava-csv:no-rows-without-file" {
		t.Errorf("listing with files only: %s %q", res.Status, res.Kind)
	}
	if res := decodeOne(t, d, "profile.csv", []byte("Athlete ID,Email Address,First Name\n1,a@b.c,A\n"), DecodeOptions{}); res.Status != StatusSkipped || res.Kind != FormatCSV {
		t.Errorf("profile.csv: %s %q", res.Status, res.Kind)
	}
}

// TestSummaryOnlyClassified: a manual run is classified from its totals,
// and the evidence says it had no samples.
func TestSummaryOnlyClassified(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	res := decodeOne(t, d, "activities.csv", []byte(stravaHead+`102,"Sep 7, 2026, 6:00:00 PM",Long one,Run,,6000,20.0,,,false,,,,,,6000,6000,20000,`+"\n"), DecodeOptions{})
	m := analysis.Analyze(res.Activities[0], analysis.Settings{}, math.NaN(), math.NaN())
	if m.Class != analysis.ClassLong || !strings.Contains(m.Evidence, "no samples") || m.Distance != 20000 {
		t.Errorf("class %q %.0f m, evidence %q", m.Class, m.Distance, m.Evidence)
	}
}

func TestGarminSummary(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	doc := `[{"summarizedActivitiesExport":[
 {"activityId":123,"activityType":"treadmill_running","sportType":"RUNNING","startTimeGmt":1788760800000.0,"startTimeLocal":1788768000000.0,
  "duration":2701500.0,"elapsedDuration":2760000.0,"movingDuration":2700000.0,"distance":812345.0,"avgHr":141.0,"maxHr":166.0,"manufacturer":"GARMIN"},
 {"activityId":124,"activityType":{"typeKey":"lap_swimming"},"startTimeGmt":1788847200000,"duration":1800000,"distance":150000},
 {"activityId":125,"activityType":"running"}]}]`
	res := decodeOne(t, d, "export.zip!DI_CONNECT/DI-Connect-Fitness/a@b.c_0_summarizedActivities.json", []byte(doc), DecodeOptions{})
	if res.Format != FormatJSON || res.Status != StatusImported || len(res.Activities) != 2 {
		t.Fatalf("%s %s %q, %d activities", res.Format, res.Status, res.Reason(), len(res.Activities))
	}
	a := res.Activities[0]
	if !a.Start.Equal(time.UnixMilli(1788760800000).UTC()) || a.Sport != analysis.SportRunning || a.SubSport != "treadmill" ||
		a.Distance != 8123.45 || a.MovingTime != 2700 || a.ElapsedTime != 2760 || a.AvgHR != 141 || a.MaxHR != 166 ||
		a.UTCOffset != 7200 || a.TimeSource != TZFromSummary || len(a.Samples) != 0 {
		t.Errorf("summary: %+v", a)
	}
	if s := res.Activities[1]; s.Sport != analysis.SportSwimming || s.Distance != 1500 || s.MovingTime != 1800 || s.TimeSource != analysis.TZFromUTC {
		t.Errorf("swim summary: %s %.0f m %.0f s zone from %s", s.Sport, s.Distance, s.MovingTime, s.TimeSource)
	}
	if !strings.Contains(strings.Join(res.Warnings, ";"), "1 summar") {
		t.Errorf("warnings %q, want the entry without a start counted", res.Warnings)
	}
}

// TestSummaryLosesToRecording: a listing's activity and the file of the
// same activity are one activity, and the file is the primary.
func TestSummaryLosesToRecording(t *testing.T) {
	rec := synth.Workout(synth.Spec{Kind: synth.Easy, Start: time.Date(2026, 9, 6, 7, 0, 0, 0, time.UTC), Seed: 3})
	rec.Format = FormatGPX // no FIT preference, no channels
	for i := range rec.Samples {
		rec.Samples[i].HeartRate, rec.Samples[i].Cadence, rec.Samples[i].Power = math.NaN(), math.NaN(), math.NaN()
	}
	sum := &analysis.Activity{Sport: rec.Sport, Start: rec.Start.Add(time.Second), MovingTime: rec.MovingTime, Distance: rec.Distance, Format: FormatCSV}
	if !analysis.SameActivity(sum, rec) {
		t.Fatal("the summary and the recording are not the same activity")
	}
	// Garmin's movingDuration is its own, not the watch's timer: the start
	// and the sport decide.
	other := *sum
	other.MovingTime *= 0.7
	if !analysis.SameActivity(&other, rec) {
		t.Error("a summary with another moving time is not the same activity as the recording that starts with it")
	}
	for _, order := range [][2]*analysis.Activity{{sum, rec}, {rec, sum}} {
		if p, _ := analysis.PreferPrimaryChannels(order[0], analysis.Channels(order[0]), order[1], analysis.Channels(order[1])); p != rec {
			t.Errorf("primary is the %s, want the recording", p.Format)
		}
	}
}

// TestWalkStravaExport: every activity of a generated Strava export (FIT,
// GPX, TCX, plain and gzipped, and manual entries) is imported once.
func TestWalkStravaExport(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	var acts []*analysis.Activity
	day := time.Date(2026, 9, 7, 5, 30, 0, 0, time.UTC)
	for i, k := range []synth.Kind{synth.Easy, synth.Intervals, synth.Long, synth.Easy, synth.Strength, synth.Tempo, synth.Easy} {
		a := synth.Workout(synth.Spec{Kind: k, Start: day.AddDate(0, 0, i), Zone: paris, Seed: int64(60 + i)})
		a.Athlete = "s"
		acts = append(acts, a)
	}
	synth.StravaMix(acts)
	var buf bytes.Buffer
	if err := synth.WriteStravaExport(&buf, acts); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "strava.zip"), buf.Bytes())
	d := NewDecoder(DecodeOptions{Now: testNow, Zone: paris})
	formats := map[string]int{}
	var got []*analysis.Activity
	err := Walk(context.Background(), []string{filepath.Join(dir, "strava.zip")}, WalkOptions{}, func(e Entry) error {
		res := d.DecodeEntry(e)
		if res.Status == StatusRejected {
			t.Errorf("%s: %s", e.Path, res.Reason())
		}
		for _, a := range res.Activities {
			formats[a.Format]++
			if a.Start.After(day.AddDate(0, 0, -1)) {
				got = append(got, a)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(acts) || formats[FormatTCX] < 2 || formats[FormatCSV] != 1 {
		t.Fatalf("%d activities by format %v, want %d with TCX and one manual entry", len(got), formats, len(acts))
	}
	for _, want := range acts {
		n := 0
		for _, a := range got {
			if a.Start.Sub(want.Start).Abs() < time.Second && math.Abs(a.Distance-want.Distance) <= 0.01*want.Distance+1 {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s %s (%s): found %d times", want.Sport, want.Start, want.Format, n)
		}
	}
}

// TestWalkBigListing: an activities.csv over HeadOnlyThreshold (years of
// activities) is read whole, so its manual entries are found.
func TestWalkBigListing(t *testing.T) {
	var b strings.Builder
	b.WriteString(stravaHead)
	for i := 0; b.Len() <= HeadOnlyThreshold; i++ {
		fmt.Fprintf(&b, `%d,"Sep 6, 2020, 5:30:00 AM",Morning Run,Run,,3000,8.05,171,,false,,,activities/%d.fit.gz,,,3000.0,2950.0,8050.0,150`+"\n", i, i)
	}
	b.WriteString(`9,"Sep 7, 2026, 6:00:00 PM",Treadmill,Run,,2700,8.00,,,false,,,,,,2700.0,2700.0,8000.0,` + "\n")
	dir := t.TempDir()
	write(t, filepath.Join(dir, "export.zip"), mkzip(t, member{name: "activities.csv", data: []byte(b.String())}))
	d := NewDecoder(DecodeOptions{Now: testNow})
	n := 0
	err := Walk(context.Background(), []string{dir}, WalkOptions{}, func(e Entry) error {
		res := d.DecodeEntry(e)
		if e.HeadOnly || res.Status != StatusImported || len(res.Activities) != 1 {
			t.Errorf("%s: head-only %v, %s %q with %d activities", e.Path, e.HeadOnly, res.Status, res.Reason(), len(res.Activities))
		}
		n++
		return nil
	})
	if err != nil || n != 1 {
		t.Fatalf("walk: %v, %d entries", err, n)
	}
}
