package synth

import (
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
)

// TestLong90IsLong: a long run generated for 90 minutes of moving time has
// 90 minutes of moving time as analysis measures it, and is classed long
// (the benchmark corpus had 90-minute long runs at 5,399 s, classed easy).
func TestLong90IsLong(t *testing.T) {
	for seed := int64(1); seed <= 40; seed++ {
		for _, laps := range []LapStyle{AutoLaps, IntensityLaps, ManualLaps, NoLaps} {
			sp := Spec{Kind: Long, Seed: seed, Duration: 90 * time.Minute, Laps: laps, Pauses: seed%4 == 0}
			a := Workout(sp)
			m := analysis.Analyze(a, analysis.Settings{}, 188, 270)
			c, _, ev := analysis.Classify(a, 270, analysis.Settings{})
			if m.MovingTime < 5400 || c != ExpectedClass(sp) {
				t.Errorf("seed %d laps %v pauses %v: moving %.0f s, session %.0f s, class %s (want %s): %s",
					seed, laps, sp.Pauses, m.MovingTime, a.MovingTime, c, ExpectedClass(sp), ev)
			}
		}
	}
}
