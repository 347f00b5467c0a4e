package taper

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store"
	"github.com/taper-run/taper/synth"
)

// The same run from a watch (FIT) and a phone (GPX) is one new activity:
// "by format" counts the FIT primary only, not the GPX merged into it.
func TestByFormatCountsPrimaries(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	start := time.Date(2026, 3, 1, 7, 0, 0, 0, time.UTC)
	run := synth.Workout(synth.Spec{Kind: synth.Easy, Start: start, Seed: 3})
	other := synth.Workout(synth.Spec{Kind: synth.Easy, Start: start.AddDate(0, 0, 2), Seed: 4})
	if err := synth.WriteDir(filepath.Join(dir, "phone"), []*analysis.Activity{run}, synth.ExportGPX); err != nil {
		t.Fatal(err)
	}
	if err := synth.WriteDir(filepath.Join(dir, "watch"), []*analysis.Activity{run, other}, synth.ExportFIT); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(dir, "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	std, _ := analysis.Preset(analysis.PresetStandard)
	res, err := Import(ctx, db, ImportOptions{Athlete: "ann", Inputs: []string{filepath.Join(dir, "phone"), filepath.Join(dir, "watch")},
		Jobs: 1, Settings: std, Now: func() time.Time { return start.AddDate(0, 1, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Summary.Merged) != 1 || res.Activities != 3 {
		t.Fatalf("activities %d, merged %v; want 3 decoded, 1 merged", res.Activities, res.Summary.Merged)
	}
	if res.ByFormat["fit"] != 2 || res.ByFormat["gpx"] != 0 || len(res.ByFormat) != 1 {
		t.Errorf("ByFormat = %v, want fit 2 (the GPX copy merged into its FIT)", res.ByFormat)
	}
}
