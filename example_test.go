package taper_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/reports"
	"github.com/taper-run/taper/store"
	"github.com/taper-run/taper/synth"
)

// Example is a second front end in a few lines: it imports a generated
// athlete's watch files into an in-memory database and prints the roster
// audit, with the packages alone (no CLI) and on a fixed clock.
func Example() {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC) }

	// A marathoner whose race was on 2026-10-11 and who ran in the rest
	// window, written as the watch's FIT files.
	dir, err := os.MkdirTemp("", "taper-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	season := synth.Season{Athlete: "ada", RaceDate: time.Date(2026, 10, 11, 0, 0, 0, 0, time.UTC), Seed: 1,
		Breaches: synth.Breaches{RunsDuringRest: true}}
	if err := synth.WriteDir(dir, season.Activities(), synth.ExportFIT); err != nil {
		fmt.Println(err)
		return
	}

	db, err := store.Open(ctx, ":memory:", store.Options{Now: now})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	settings, _ := analysis.Preset(analysis.PresetStandard)
	res, err := taper.Import(ctx, db, taper.ImportOptions{Athlete: "ada", Inputs: []string{dir}, Jobs: 2, Settings: settings, Now: now})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("imported %d files, %d rejected\n", res.ByStatus[store.StatusImported], len(res.Rejected))

	audit, err := taper.Audit(ctx, db, taper.AuditOptions{AsOf: "2026-12-06", Now: now})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := reports.AuditText(os.Stdout, audit.Reports, false); err != nil {
		fmt.Println(err)
	}
	for _, f := range audit.Reports[0].Findings {
		fmt.Printf("%s %s on %s (day %d)\n", f.Severity, f.Rule, f.Date, f.Day)
	}
	fmt.Println("fails --fail-on breach:", taper.FailsOn(analysis.SeverityBreach, audit.Breaches, audit.Warnings))
	// Output:
	// imported 103 files, 0 rejected
	// recovery audit as of 2026-12-06: 1 athlete
	//
	// athlete      race        week        phase     breach  warn  latest      status
	// ada          2026-10-11  8           build-up       1     0  2026-12-06  breach
	// breach rest_window on 2026-10-16 (day 5)
	// fails --fail-on breach: true
}
