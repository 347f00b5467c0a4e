package synth

import (
	"path/filepath"
	"testing"
	"time"
)

func TestFileNamePart(t *testing.T) {
	for in, want := range map[string]string{
		"alice": "alice", "../escape": "_escape", "a/b": "a_b", "..": "athlete", "": "athlete",
		`c:\x`: "c__x", "j.doe": "j.doe", "zoë": "zoë",
	} {
		if got := FileNamePart(in); got != want || !filepath.IsLocal(got) {
			t.Errorf("FileNamePart(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBreachesFor(t *testing.T) {
	b, err := BreachesFor([]string{"rest_window", " interval_limit", ""})
	if err != nil || !b.RunsDuringRest || !b.TwoIntervalsInWeek || b.RampJump {
		t.Errorf("BreachesFor = %+v, %v", b, err)
	}
	if all, _ := BreachesFor([]string{"all"}); !all.RampJump || !all.LongRunEarly {
		t.Errorf("all = %+v", all)
	}
	if _, err := BreachesFor([]string{"rest"}); err == nil {
		t.Error("an unknown rule was taken")
	}
}

func TestWriteExportStaysInDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	s := Season{Athlete: "../up", RaceDate: time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC), NoPreRaceHistory: true, PostWeeks: 1}
	path, n, err := WriteExport(dir, s, StyleStrava, ExportOptions{})
	if err != nil || n == 0 || filepath.Dir(path) != dir {
		t.Errorf("WriteExport = %s, %d, %v; want a zip in %s", path, n, err, dir)
	}
	if _, _, err := WriteExport(dir, s, "tcx", ExportOptions{}); err == nil {
		t.Error("an unknown style was taken")
	}
}
