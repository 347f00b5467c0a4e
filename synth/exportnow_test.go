package synth

import (
	"archive/zip"
	"encoding/csv"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// stravaRows reads the activities.csv rows of a Strava export zip.
func stravaRows(t *testing.T, path string) [][]string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != "activities.csv" {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		rows, err := csv.NewReader(r).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows[1:]
	}
	t.Fatalf("%s has no activities.csv", path)
	return nil
}

// TestWriteExportCountAndNow: the count WriteExport returns is what the
// export holds (the Strava export's older TCX upload included), and an
// export made a minute after the last evening run in Los Angeles began (a
// morning in UTC) holds no activity that ends after it: not that run.
func TestWriteExportCountAndNow(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip("no tz database:", err)
	}
	s := Season{Athlete: "bob", Zone: la, RaceDate: time.Date(2026, 10, 4, 0, 0, 0, 0, la), NoPreRaceHistory: true, PostWeeks: 2, EveningRuns: true, Seed: 4}
	all := s.StravaActivities()
	last := all[len(all)-1]
	var counts []int
	for _, tc := range []struct {
		name string
		now  time.Time
	}{{"after the season", last.Start.AddDate(0, 1, 0)}, {"during the last run", last.Start.Add(time.Minute)}} {
		path, n, err := WriteExport(filepath.Join(t.TempDir(), "out"), s, StyleStrava, ExportOptions{Now: tc.now})
		if err != nil {
			t.Fatal(err)
		}
		rows := stravaRows(t, path)
		if n != len(rows) {
			t.Errorf("%s: WriteExport says %d activities, the export holds %d", tc.name, n, len(rows))
		}
		for _, r := range rows {
			start, err := time.Parse("Jan 2, 2006, 3:04:05 PM", r[1])
			if err != nil {
				t.Fatal(err)
			}
			el, _ := strconv.ParseFloat(r[5], 64)
			if end := start.Add(time.Duration(el) * time.Second); end.After(tc.now) {
				t.Errorf("%s: activity %s ends %s, after now (%s)", tc.name, r[0], end, tc.now)
			}
		}
		counts = append(counts, n)
	}
	if counts[1] != counts[0]-1 {
		t.Errorf("exports hold %d and %d activities, want the last run left out of the second", counts[0], counts[1])
	}
}
