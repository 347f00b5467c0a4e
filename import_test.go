package taper

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store"
	"github.com/taper-run/taper/synth"
)

// TestAddOneReadsNoRecords imports a season, then one more run, then the
// next season's marathon (a new race: the runs before it are judged against
// its pace and reclassified), and checks through the store's counter that
// neither import read any stored record: the reanalysis works from
// summaries. It then checks that what it stored equals a full reanalysis
// from the records.
func TestAddOneReadsNoRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("imports a generated season")
	}
	ctx := context.Background()
	dir := t.TempDir()
	race := time.Date(2026, 4, 19, 0, 0, 0, 0, time.UTC)
	season := synth.Season{Athlete: "ann", RaceDate: race, Seed: 5, PreWeeks: 6, PostWeeks: 4}
	acts := season.Activities()
	if err := synth.WriteDir(filepath.Join(dir, "history"), acts, synth.ExportFIT); err != nil {
		t.Fatal(err)
	}
	next := synth.Season{Athlete: "ann", RaceDate: race.AddDate(0, 0, 7*20), Seed: 6, NoPreRaceHistory: true, PostWeeks: 1}
	var marathon *analysis.Activity
	for _, a := range next.Activities() {
		if a.Distance > 40000 {
			marathon = a
		}
	}
	one := synth.Workout(synth.Spec{Kind: synth.Tempo, Start: race.AddDate(0, 0, 7*19).Add(7 * time.Hour), Seed: 9})
	if err := synth.WriteDir(filepath.Join(dir, "one"), []*analysis.Activity{one}, synth.ExportFIT); err != nil {
		t.Fatal(err)
	}
	if err := synth.WriteDir(filepath.Join(dir, "race"), []*analysis.Activity{marathon}, synth.ExportFIT); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(dir, "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	std, _ := analysis.Preset(analysis.PresetStandard)
	now := func() time.Time { return race.AddDate(0, 0, 7*22) }
	imp := func(sub string) {
		t.Helper()
		before := db.RecordsRead()
		if _, err := Import(ctx, db, ImportOptions{Athlete: "ann", Inputs: []string{filepath.Join(dir, sub)}, Jobs: 2, Settings: std, Now: now}); err != nil {
			t.Fatal(err)
		}
		if n := db.RecordsRead() - before; n != 0 {
			t.Errorf("importing %s read %d stored records", sub, n)
		}
	}
	imp("history")
	imp("one")
	classes := func() map[string]string {
		got, err := db.Activities(ctx, store.Filter{Athlete: "ann"})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, a := range got {
			if a.Metrics == nil || a.Metrics.Version != analysis.AnalysisVersion {
				t.Fatalf("%s has no current metrics", a.ID)
			}
			out[a.ID] = fmt.Sprintf("%s %s %.0f %.0f", a.Metrics.Class, a.Metrics.Evidence, a.Metrics.HRMax, a.Metrics.TRIMP)
		}
		return out
	}
	before := classes()
	imp("race")
	after := classes()
	changed := 0
	for id, c := range before {
		if after[id] != c {
			changed++
		}
	}
	if changed == 0 {
		t.Error("the new marathon changed no other activity's analysis: the test proves nothing")
	}
	// A reanalysis from the records (summaries removed) agrees.
	if err := db.DropSummaries(ctx, "ann"); err != nil {
		t.Fatal(err)
	}
	readBefore := db.RecordsRead()
	if _, err := Reanalyze(ctx, db, ReanalyzeOptions{Athlete: "ann", Settings: std, Now: now}); err != nil {
		t.Fatal(err)
	}
	if db.RecordsRead() == readBefore {
		t.Error("the reanalysis without summaries read no records")
	}
	again := classes()
	for id, c := range after {
		if again[id] != c {
			t.Errorf("%s: after imports %q, reanalysed from records %q", id, c, again[id])
		}
	}
	t.Logf("%d activities, %d changed by the new race", len(after), changed)
}
