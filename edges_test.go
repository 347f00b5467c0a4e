package taper

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/history"
	"github.com/taper-run/taper/store"
	"github.com/taper-run/taper/synth"
)

// TestAthleteTodayFromZoneRules: today comes from the athlete's zone rules,
// not from the offset of the last activity (recorded under daylight saving
// time): at 23:30 PST on 2026-12-01 it is still 2026-12-01.
func TestAthleteTodayFromZoneRules(t *testing.T) {
	summer := &analysis.Activity{ID: "a", Start: time.Date(2026, 10, 4, 14, 0, 0, 0, time.UTC),
		UTCOffset: -7 * 3600, TimeZone: "America/Los_Angeles", TimeSource: analysis.TZFromGPS}
	now := time.Date(2026, 12, 2, 7, 30, 0, 0, time.UTC)
	if got := history.AthleteToday(now, analysis.Settings{}, []*analysis.Activity{summer}); got != "2026-12-01" {
		t.Errorf("today %s, want 2026-12-01", got)
	}
	// without a zone name, the offset is all there is
	summer.TimeZone = ""
	if got := history.AthleteToday(now, analysis.Settings{}, []*analysis.Activity{summer}); got != "2026-12-02" {
		t.Errorf("today by offset %s, want 2026-12-02", got)
	}
	// the setting wins
	if got := history.AthleteToday(now, analysis.Settings{TimeZone: "Asia/Tokyo"}, []*analysis.Activity{summer}); got != "2026-12-02" {
		t.Errorf("today in Tokyo %s", got)
	}
}

// writeRun writes a generated run as a FIT file, and its phone copy as GPX
// when phone, into dir.
func writeRun(t *testing.T, dir string, sp synth.Spec, phone bool) {
	t.Helper()
	a := synth.Workout(sp)
	var b bytes.Buffer
	if err := synth.WriteFIT(&b, a); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, fmt.Sprintf("%s_%d", sp.Kind, sp.Seed))
	if err := os.WriteFile(name+".fit", b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if phone {
		b.Reset()
		if err := synth.WriteGPX(&b, synth.PhoneCopy(a, sp.Seed), synth.GarminGPX); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name+".gpx", b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDuplicatesTakeTheirPrimarysClass: the phone copy of the marathon is
// the race too, the copy of an interval session intervals (was "long: no
// race or threshold pace", "tempo"); duplicates left without analysis (an
// interrupted import) are analysed by reanalyze.
func TestDuplicatesTakeTheirPrimarysClass(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	race := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	writeRun(t, dir, synth.Spec{Kind: synth.Race, Start: race, Seed: 1}, true)
	writeRun(t, dir, synth.Spec{Kind: synth.Intervals, Start: race.AddDate(0, 0, -10), Seed: 2, Laps: synth.IntensityLaps, Reps: 6, RepDistance: 800}, true)
	writeRun(t, dir, synth.Spec{Kind: synth.Tempo, Start: race.AddDate(0, 0, -12), Seed: 3, Laps: synth.AutoLaps}, true)
	path := filepath.Join(t.TempDir(), "d.duckdb")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := analysis.Preset(analysis.PresetStandard)
	if _, err := Import(ctx, db, ImportOptions{Athlete: "d", Inputs: []string{dir}, Settings: s}); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		acts, err := db.Activities(ctx, store.Filter{Athlete: "d", IncludeDuplicates: true})
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]*analysis.Activity{}
		for _, a := range acts {
			byID[a.ID] = a
		}
		dups := 0
		for _, a := range acts {
			if a.DuplicateOf == "" {
				continue
			}
			dups++
			p := byID[a.DuplicateOf]
			if a.Metrics == nil || a.Metrics.Version != analysis.AnalysisVersion {
				t.Errorf("%s: duplicate %s (%s) has no current analysis", when, a.ID, a.Format)
				continue
			}
			if a.Metrics.Class != p.Metrics.Class || a.Metrics.Evidence != p.Metrics.Evidence {
				t.Errorf("%s: duplicate %s is %s (%s), its primary %s (%s)", when, a.ID, a.Metrics.Class, a.Metrics.Evidence, p.Metrics.Class, p.Metrics.Evidence)
			}
		}
		if dups != 3 {
			t.Fatalf("%s: %d duplicates, want 3", when, dups)
		}
	}
	check("after the import")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// an import interrupted before it analysed the copies
	raw, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("DELETE FROM analyses WHERE activity_id IN (SELECT id FROM activities WHERE duplicate_of IS NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if db, err = store.Open(ctx, path, store.Options{}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := Reanalyze(ctx, db, ReanalyzeOptions{Athlete: "d", Settings: s})
	if err != nil {
		t.Fatal(err)
	}
	if res.Activities != 6 {
		t.Errorf("reanalyzed %d activities, want 6", res.Activities)
	}
	check("after reanalyze")
}
