package taper

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/history"
)

// TestSpeculatorBoundsWhatWaits: activities that cannot be analysed yet
// (none has the weeks after it stored) wait at most specPending at a time,
// summaries without samples included; finish analyses every one.
func TestSpeculatorBoundsWhatWaits(t *testing.T) {
	std, _ := analysis.Preset(analysis.PresetStandard)
	start := time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)
	sp := newSpeculator(history.New(nil, std, start, "", ""), nil, std, 2)
	n := specPending + 500
	for i := range n {
		// Manual entries (no samples), all within a few weeks.
		a := &analysis.Activity{ID: fmt.Sprintf("a%05d", i), Sport: analysis.SportRunning, Start: start.Add(time.Duration(i) * time.Minute),
			Distance: 10000, MovingTime: 3000, ElapsedTime: 3000, Ascent: math.NaN(), AvgHR: math.NaN(), MaxHR: math.NaN(), Calories: math.NaN()}
		sum := analysis.NewSummary(a)
		a.Metrics = analysis.PreliminaryMetrics(a, sum)
		sp.add(a, sum)
		if len(sp.pending) > specPending {
			t.Fatalf("%d activities wait after %d added, want at most %d", len(sp.pending), i+1, specPending)
		}
	}
	if got := sp.finish(); len(got) != n {
		t.Errorf("%d analysed, want %d", len(got), n)
	}
}
