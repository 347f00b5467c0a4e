package analysis

import (
	"math"
	"testing"
	"time"
)

func TestObservedHRMaxes(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
	act := func(id string, d int, max float64, dup string) *Activity {
		return &Activity{ID: id, Sport: SportRunning, Start: day(d), MaxHR: max, DuplicateOf: dup}
	}
	acts := []*Activity{
		act("c", 200, 178, ""),
		act("a", 0, 185, ""),
		act("b", 100, math.NaN(), ""),
		act("d", 380, 176, ""),  // a (day 0) has left the 12-month window; c (day 200) is in it
		act("e", 600, 300, ""),  // implausible: ignored; c (day 200) has left the window
		act("f", 601, 190, "x"), // a duplicate counts for itself only
		act("g", 700, math.NaN(), ""),
		{ID: "h", Sport: SportTraining, Start: day(701), MaxHR: 199}, // not a run: does not count
	}
	got := ObservedHRMaxes(acts)
	want := map[string]float64{"a": 185, "b": 185, "c": 185, "d": 178, "e": 176, "f": 190, "g": 176, "h": 176}
	for id, w := range want {
		if g := got[id]; g != w {
			t.Errorf("%s: %v, want %v", id, g, w)
		}
	}
	// Agrees with ObservedHRMax taken just after each activity's start.
	for _, a := range acts {
		if a.DuplicateOf != "" {
			continue
		}
		if w := ObservedHRMax(acts, a.Start.Add(time.Second)); w != got[a.ID] && !(math.IsNaN(w) && math.IsNaN(got[a.ID])) {
			t.Errorf("%s: ObservedHRMaxes %v, ObservedHRMax %v", a.ID, got[a.ID], w)
		}
	}
}
