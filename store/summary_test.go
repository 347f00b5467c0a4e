package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/synth"
)

// TestSummariesMatchRecords stores generated runs (the Writer makes their
// summaries) and checks that analysing each from its stored summary gives
// exactly what analysing its stored records gives, that loading summaries
// reads no record, and that SaveSummaries replaces them.
func TestSummariesMatchRecords(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	start := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	var files []FileResult
	for i, k := range []synth.Kind{synth.Intervals, synth.Tempo, synth.Long, synth.Easy, synth.Hills, synth.RunWalk, synth.Ride} {
		a := synth.Workout(synth.Spec{Kind: k, Start: start.AddDate(0, 0, i), Seed: int64(i), Laps: synth.LapStyle(i % 4)})
		a.ID = ""
		files = append(files, file(fmt.Sprintf("f%d.fit", i), fmt.Sprintf("sha%d", i), a))
	}
	write(t, db, "ann", files...)
	acts, sums, err := db.Summaries(ctx, Filter{Athlete: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != len(files) || len(sums) != len(files) {
		t.Fatalf("%d activities, %d summaries, want %d", len(acts), len(sums), len(files))
	}
	if n := db.RecordsRead(); n != 0 {
		t.Errorf("loading summaries read %d records", n)
	}
	// SummariesOf on the same activities loaded without laps gives the same
	// laps, workout steps and summaries.
	bare, err := db.Activities(ctx, Filter{Athlete: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	sumsOf, err := db.SummariesOf(ctx, "ann", bare)
	if err != nil || len(sumsOf) != len(sums) {
		t.Fatalf("SummariesOf: %d summaries, %v; want %d", len(sumsOf), err, len(sums))
	}
	laps := 0
	for i, a := range bare {
		laps += len(a.Laps)
		if fmt.Sprint(a.Laps, a.Workout) != fmt.Sprint(acts[i].Laps, acts[i].Workout) {
			t.Errorf("%s: SummariesOf laps and steps %v %v, Summaries %v %v", a.ID, a.Laps, a.Workout, acts[i].Laps, acts[i].Workout)
		}
		got, _ := sumsOf[a.ID].MarshalBinary()
		want, _ := sums[a.ID].MarshalBinary()
		if string(got) != string(want) {
			t.Errorf("%s: SummariesOf and Summaries give different summaries", a.ID)
		}
	}
	if laps == 0 {
		t.Fatal("no laps loaded: the comparison shows nothing")
	}
	full, err := db.Activities(ctx, Filter{Athlete: "ann", WithSamples: true, WithLaps: true})
	if err != nil {
		t.Fatal(err)
	}
	std, _ := analysis.Preset(analysis.PresetStandard)
	for i, a := range full {
		if acts[i].ID != a.ID {
			t.Fatalf("order differs: %s, %s", acts[i].ID, a.ID)
		}
		for _, pace := range []float64{0, 250, 280} {
			full, _ := analysis.AnalyzeProfile(a, std, 188, pace)
			want := fmt.Sprintf("%+v", *full)
			got := fmt.Sprintf("%+v", *analysis.AnalyzeSummary(acts[i], sums[a.ID], std, 188, pace))
			if got != want {
				t.Errorf("%s at %v s/km: from records\n%s\nfrom summary\n%s", a.Sport, pace, want, got)
			}
		}
	}
	if n := db.RecordsRead(); n == 0 {
		t.Error("RecordsRead did not count the records read")
	}
	// Replacing one.
	a := full[0]
	a.Samples = a.Samples[:len(a.Samples)/2]
	if err := db.SaveSummaries(ctx, map[string]*analysis.Summary{a.ID: analysis.NewSummary(a)}); err != nil {
		t.Fatal(err)
	}
	_, sums, err = db.Summaries(ctx, Filter{Athlete: "ann", IDs: []string{a.ID}})
	if err != nil || len(sums) != 1 || sums[a.ID].Samples() != len(a.Samples) {
		t.Fatalf("after SaveSummaries: %v, %v", sums, err)
	}
	_, rows, err := db.Query(ctx, `SELECT count(*) FROM summaries`)
	if err != nil || fmt.Sprint(rows) != fmt.Sprintf("[[%d]]", len(files)) {
		t.Errorf("summaries rows = %v, %v", rows, err)
	}
}
