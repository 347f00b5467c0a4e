package synth

import (
	"path/filepath"
	"strings"
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

func TestDemoDates(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ now, race, asOf string }{
		{"2026-11-26", "2026-09-27", "2026-11-22"},
		{"2026-11-29", "2026-10-04", "2026-11-29"}, // week 8 ends today
		{"2026-11-28", "2026-09-27", "2026-11-22"},
	} {
		now, _ := time.Parse(time.DateOnly, c.now)
		race, asOf := DemoDates(now.Add(15 * time.Hour))
		if race != c.race || asOf != c.asOf {
			t.Errorf("DemoDates(%s) = %s, %s; want %s, %s", c.now, race, asOf, c.race, c.asOf)
		}
	}
}

func TestWritePlanted(t *testing.T) {
	race := time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC)
	var none strings.Builder
	Season{RaceDate: race}.WritePlanted(&none)
	if !strings.HasPrefix(none.String(), "Planted: nothing") {
		t.Errorf("no breaches: got %q", none.String())
	}
	b, err := BreachesFor([]string{"rest_window"})
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	Season{RaceDate: race, Breaches: b}.WritePlanted(&got)
	lines := strings.Split(strings.TrimSpace(got.String()), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "Planted (") || !strings.HasPrefix(lines[1], "  rest_window") {
		t.Errorf("a rest_window breach: got %q", got.String())
	}
}
