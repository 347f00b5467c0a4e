package synth

import "testing"

// TestSeasonsAcrossSeeds checks the compliance margins and the breaches over
// many seeds and weekly volumes from 25 to 97 km.
func TestSeasonsAcrossSeeds(t *testing.T) {
	all := Breaches{RunsDuringRest: true, HardRideDuringRest: true, SpeedWorkInReturn: true, LongRunEarly: true,
		RampTooSteep: true, RampJump: true, TwoIntervalsInWeek: true}
	for seed := int64(100); seed < 112; seed++ {
		km := 25 + float64(seed%7)*12
		s := Season{Seed: seed, WeeklyKm: km}
		want := 0
		if seed%3 == 0 {
			s.Breaches, want = all, 7
		}
		if got, why := violations(t, s); len(got) != want {
			t.Errorf("seed %d, %.0f km a week: broke %v, want %d rules: %v", seed, km, got, want, why)
		}
	}
}
