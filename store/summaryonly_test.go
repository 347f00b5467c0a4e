package store

import (
	"context"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
)

// TestActivityWithoutRecords: an activity without records or laps (a manual
// entry from Strava's activities.csv) is stored and read back, and when
// its recording is imported too (before or after), the recording is the
// primary and the summary its duplicate.
func TestActivityWithoutRecords(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC)
	summary := func() *analysis.Activity {
		return &analysis.Activity{Sport: analysis.SportRunning, Start: start.Add(20 * time.Second), TimeSource: analysis.TZFromUTC,
			ElapsedTime: 3000, MovingTime: 3000, Distance: 9000, Ascent: analysis.Missing(), AvgHR: analysis.Missing(),
			MaxHR: analysis.Missing(), AvgCadence: analysis.Missing(), Calories: analysis.Missing(), TotalsFrom: "summary",
			Format: "csv"}
	}
	for _, order := range []string{"summary first", "recording first"} {
		t.Run(order, func(t *testing.T) {
			db := openTest(t)
			sum := file("export.zip!activities.csv", "sha-csv", summary())
			gpx := file("export.zip!activities/1.gpx", "sha-gpx", synthRun(start, 3000, "gpx", false))
			files := []FileResult{sum, gpx}
			if order == "recording first" {
				files = []FileResult{gpx, sum}
			}
			for _, f := range files {
				write(t, db, "alice", f)
			}
			checkPrimary(t, db, "export.zip!activities/1.gpx", "export.zip!activities.csv")
			all, err := db.Activities(ctx, Filter{Athlete: "alice", IncludeDuplicates: true, WithSamples: true, WithLaps: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range all {
				if a.Format == "csv" && (len(a.Samples) != 0 || len(a.Laps) != 0 || a.Distance != 9000 || a.TotalsFrom != "summary") {
					t.Errorf("summary read back: %d samples %d laps %.0f m totals %q", len(a.Samples), len(a.Laps), a.Distance, a.TotalsFrom)
				}
			}
		})
	}
	t.Run("alone", func(t *testing.T) {
		db := openTest(t)
		s := write(t, db, "alice", file("activities.csv", "sha-csv", summary()))
		if s.ByStatus[StatusImported] != 1 || s.Records != 0 {
			t.Errorf("summary %+v", s)
		}
		checkPrimary(t, db, "activities.csv")
	})
}
