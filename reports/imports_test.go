package reports

import "testing"

func TestFormatCounts(t *testing.T) {
	got := FormatCounts(map[string]int{"tcx": 12, "fit": 80, "csv": 3, "zzz": 3})
	want := "FIT 80, TCX 12, Strava entries without a file 3, zzz 3"
	if got != want {
		t.Errorf("FormatCounts = %q, want %q", got, want)
	}
	if got := FormatCounts(nil); got != "" {
		t.Errorf("FormatCounts(nil) = %q, want none", got)
	}
}

func TestCounts(t *testing.T) {
	if got, want := Counts(map[string]int{"settings": 3, "monitoring": 200, "activity-summary": 3}, nil), "monitoring 200, activity-summary 3, settings 3"; got != want {
		t.Errorf("Counts = %q, want %q", got, want)
	}
}
