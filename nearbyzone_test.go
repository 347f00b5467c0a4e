package taper

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store"
	"github.com/taper-run/taper/synth"
)

// A Strava manual entry (a row of activities.csv, in UTC) of an evening
// in Los Angeles lands on its local day: with no time zone set, it takes
// the zone of the athlete's nearest activity whose file has one.
func TestManualEntryTakesNearbyZone(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip("no tz database:", err)
	}
	run := synth.Workout(synth.Spec{Kind: synth.Easy, Start: time.Date(2026, 3, 2, 7, 0, 0, 0, la).UTC(), Zone: la, Seed: 3})
	// 19:30 on 3 March in Los Angeles is 03:30 UTC on 4 March
	gym := synth.Workout(synth.Spec{Kind: synth.Strength, Start: time.Date(2026, 3, 3, 19, 30, 0, 0, la).UTC(), Zone: la, Seed: 4})
	gym.Format = synth.StravaManual
	zip := filepath.Join(dir, "export.zip")
	f, err := os.Create(zip)
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.WriteStravaExport(f, []*analysis.Activity{run, gym}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(dir, "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	std, _ := analysis.Preset(analysis.PresetStandard)
	now := func() time.Time { return time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC) }
	if _, err := Import(ctx, db, ImportOptions{Athlete: "sam", Inputs: []string{zip}, Jobs: 1, Settings: std, Now: now}); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		acts, err := db.Activities(ctx, store.Filter{Athlete: "sam", IncludeDuplicates: true})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, a := range acts {
			if a.Format != "csv" {
				continue
			}
			found = true
			// the FIT file carries its offset (-8 h), not a zone name
			if a.TimeSource != analysis.TZFromNearby || a.LocalDate() != "2026-03-03" || a.UTCOffset != -8*3600 {
				t.Errorf("%s: manual entry offset %d (%s), local date %s; want -28800 (nearby), 2026-03-03",
					when, a.UTCOffset, a.TimeSource, a.LocalDate())
			}
		}
		if !found {
			t.Fatalf("%s: no manual entry among %d activities", when, len(acts))
		}
	}
	check("after the import")
	res, err := Reanalyze(ctx, db, ReanalyzeOptions{Athlete: "sam", Settings: std, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	check("after reanalyze")
	if res.NearbyZoned != 0 || res.Rezoned != 0 {
		t.Errorf("reanalyze moved %d (nearby) and %d activities again, want none", res.NearbyZoned, res.Rezoned)
	}
}
