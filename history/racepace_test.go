package history

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
)

// A past marathon is never judged against its own pace (every marathon
// would be tempo at x 1.03 of itself) nor another race's: it is long.
// Runs around a race still get that race's pace.
func TestRacePaceNotOwnPace(t *testing.T) {
	run := func(id string, day time.Time, km, moving float64) *analysis.Activity {
		return &analysis.Activity{ID: id, Athlete: "a", Sport: analysis.SportRunning, Start: day,
			Distance: km * 1000, MovingTime: moving, ElapsedTime: moving,
			Ascent: math.NaN(), AvgHR: math.NaN(), MaxHR: math.NaN(), Calories: math.NaN()}
	}
	d := func(m time.Month, day int) time.Time { return time.Date(2012, m, day, 9, 0, 0, 0, time.UTC) }
	past := run("past", d(4, 1), 42.22, 4*3600+12*60+46) // 5:59/km
	race := run("race", d(9, 30), 42.2, 3*3600+50*60)    // the marked race, 5:27/km
	tempo := run("tempo", d(9, 20), 10, 3000)            // 5:00/km
	copyOf := run("copy", d(4, 1), 42.22, 4*3600+12*60+46)
	copyOf.DuplicateOf = past.ID
	acts := []*analysis.Activity{past, race, tempo, copyOf}
	an := New(acts, analysis.Settings{}, d(12, 1), race.ID, "")
	if len(an.races) != 2 {
		t.Fatalf("races = %+v, want past and race", an.races)
	}
	for _, a := range []*analysis.Activity{past, race, copyOf} {
		if p := an.RacePaceFor(a); p != 0 {
			t.Errorf("%s judged against race pace %s, want none (it is a race)", a.ID, analysis.FormatDuration(p))
		}
	}
	if p, want := an.RacePaceFor(tempo), race.MovingTime/42.2; math.Abs(p-want) > 0.01 {
		t.Errorf("tempo run: race pace %v, want the race's %v", p, want)
	}
	class, _, ev := analysis.Classify(past, an.RacePaceFor(past), analysis.Settings{})
	if class != analysis.ClassLong || strings.Contains(ev, "race pace") {
		t.Errorf("past marathon: %s (%s), want long, not judged against a race pace", class, ev)
	}
}
