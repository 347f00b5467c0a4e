package store_test

import (
	"context"
	"fmt"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store"
)

// Example shows an import through a Writer, a duplicate recording of the
// same run merged into the FIT primary, and a read-only query.
func Example() {
	ctx := context.Background()
	db, err := store.Open(ctx, "", store.Options{}) // in memory
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()

	start := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	run := func(format string, offset time.Duration) *analysis.Activity {
		return &analysis.Activity{Sport: analysis.SportRunning, Format: format, Start: start.Add(offset),
			MovingTime: 12840, ElapsedTime: 12900, Distance: 42380, AvgHR: analysis.Missing()}
	}
	w, err := db.NewWriter(ctx, "alice")
	if err != nil {
		fmt.Println(err)
		return
	}
	w.Add(store.FileResult{Path: "strava.zip!activities/1.gpx", SHA256: "aa", Format: "gpx", Activities: []*analysis.Activity{run("gpx", 30*time.Second)}})
	w.Add(store.FileResult{Path: "watch/race.fit", SHA256: "bb", Format: "fit", Activities: []*analysis.Activity{run("fit", 0)}})
	w.Add(store.FileResult{Path: "watch/monitor.fit", SHA256: "cc", Format: "fit", Status: store.StatusSkipped, Kind: "fit:monitoring"})
	sum, err := w.Close()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sum.ByStatus)
	fmt.Println(sum.Merged[0].DuplicateSource, "->", sum.Merged[0].PrimarySource)

	_, rows, err := db.Query(ctx, "SELECT source, local_date, distance_m FROM activities WHERE duplicate_of IS NULL")
	fmt.Println(rows, err)
	_, _, err = db.Query(ctx, "DROP TABLE records")
	fmt.Println(err)
	// Output:
	// map[duplicate_activity:1 imported:1 skipped:1]
	// strava.zip!activities/1.gpx -> watch/race.fit
	// [[watch/race.fit 2026-10-04 42380]] <nil>
	// sql: DROP is not allowed: only read-only statements run
}
