package analysis

import (
	"math"
	"testing"
	"time"
)

// A file's sample of a longer run (a TCX lap saying 2325 s and 8348 m
// over 19 points a few seconds apart) counts the lap's moving time, not
// the points': 8.35 km in 66 s is no run.
func TestExcerptCountsFileMovingTime(t *testing.T) {
	t0 := time.Date(2007, 8, 7, 2, 42, 41, 0, time.UTC)
	a := &Activity{Sport: SportRunning, Start: t0, MovingTime: 2325, ElapsedTime: 2325, Distance: 8348,
		Ascent: math.NaN(), AvgHR: math.NaN(), MaxHR: math.NaN(), Samples: track(t0, 19, 3.5)}
	if _, moving := AnalysedTotals(a); moving != 2325 {
		t.Errorf("excerpt: moving = %v, want the lap's 2325", moving)
	}
	// A watch left running after the run is not an excerpt: its samples
	// cover the distance and their (auto-pause aware) moving time counts.
	full := &Activity{Sport: SportRunning, Start: t0, MovingTime: 1200, ElapsedTime: 1200, Distance: 1800,
		Ascent: math.NaN(), AvgHR: math.NaN(), MaxHR: math.NaN(), Samples: track(t0, 601, 3)}
	if _, moving := AnalysedTotals(full); moving != 600 {
		t.Errorf("full recording: moving = %v, want the samples' 600", moving)
	}
}

// The full recording of a run is kept before a 19-point excerpt of it
// even when the excerpt has a channel more (two power readings); with the
// same channels, more samples win.
func TestPreferPrimaryFullOverExcerpt(t *testing.T) {
	excerpt := &Activity{ID: "excerpt", Format: "tcx"}
	full := &Activity{ID: "full", Format: "tcx"}
	for _, order := range [][2]*Activity{{excerpt, full}, {full, excerpt}} {
		n := map[*Activity]int{excerpt: 19, full: 379}
		ch := map[*Activity]int{excerpt: 1, full: 0}
		a, b := order[0], order[1]
		if p, d := PreferPrimary(a, ch[a], n[a], b, ch[b], n[b]); p != full || d != excerpt {
			t.Errorf("%s then %s: primary %s, want full", a.ID, b.ID, p.ID)
		}
	}
	a, b := &Activity{ID: "a", Format: "gpx"}, &Activity{ID: "b", Format: "gpx"}
	if p, _ := PreferPrimary(a, 1, 300, b, 1, 400); p != b {
		t.Errorf("same channels: primary %s, want b (more samples)", p.ID)
	}
	if p, _ := PreferPrimary(a, 2, 300, b, 1, 400); p != a {
		t.Errorf("more channels, comparable samples: primary %s, want a", p.ID)
	}
}
