package history

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
)

// TestProgressiveMatchesHistory: activities added in date order (on top of
// a stored history) get, once Ready, the race pace and observed HRmax the
// whole history gives them; added in another order, some do not, which is
// why the import checks them (Analyzer.RedoClassified).
func TestProgressiveMatchesHistory(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	day0 := time.Date(2020, 1, 6, 8, 0, 0, 0, time.UTC)
	var acts []*analysis.Activity
	for d := 0; d < 3*365; d += 1 + rng.IntN(3) {
		km, pace := 8+rng.Float64()*14, 290+rng.Float64()*60
		if d%150 < 3 { // a marathon about every five months
			km = 42.2
		}
		a := &analysis.Activity{ID: fmt.Sprintf("a%04d", d), Sport: analysis.SportRunning, Start: day0.AddDate(0, 0, d),
			Distance: km * 1000, MovingTime: km * pace, ElapsedTime: km * pace, Ascent: math.NaN(), AvgHR: math.NaN(),
			MaxHR: 170 + rng.Float64()*25, Calories: math.NaN()}
		if d%10 == 0 {
			a.Sport = analysis.SportCycling
		}
		a.Metrics = &analysis.Metrics{Distance: a.Distance, MovingTime: a.MovingTime, MaxHR: a.MaxHR}
		acts = append(acts, a)
	}
	now := day0.AddDate(4, 0, 0)
	whole := New(acts, analysis.Settings{}, now, "", "")
	hr := analysis.ObservedHRMaxes(acts)
	stored := acts[:len(acts)/3] // imported before
	check := func(order []*analysis.Activity) (same, differ int) {
		p := New(stored, analysis.Settings{}, now, "", "").Progressive(stored)
		pending := map[string]*analysis.Activity{}
		judge := func(a *analysis.Activity) {
			pace, obs := p.Inputs(a)
			if pace == whole.RacePaceFor(a) && sameHRMax(obs, hr[a.ID]) {
				same++
			} else {
				differ++
			}
			delete(pending, a.ID)
		}
		for _, a := range order {
			p.Add(a)
			pending[a.ID] = a
			for _, q := range order {
				if pending[q.ID] != nil && p.ReadyAfter(ReadyDate(q)) {
					judge(q)
				}
			}
		}
		for _, q := range order {
			if pending[q.ID] != nil {
				judge(q)
			}
		}
		return same, differ
	}
	fresh := acts[len(acts)/3:]
	if same, differ := check(fresh); differ != 0 || same != len(fresh) {
		t.Errorf("in date order: %d right, %d wrong; want all %d right", same, differ, len(fresh))
	}
	reversed := make([]*analysis.Activity, len(fresh))
	for i, a := range fresh {
		reversed[len(fresh)-1-i] = a
	}
	if _, differ := check(reversed); differ == 0 {
		t.Errorf("in reverse date order every guess was right: the test shows nothing")
	}
}
