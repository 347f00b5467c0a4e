package analysis

import (
	"strings"
	"testing"
)

// ramp is n seconds from speed v0 to v1 in steps of 10 s, climbing climb m.
func ramp(n int, v0, v1, climb float64) []seg {
	var out []seg
	for k := 0; k < n; k += 10 {
		f := float64(k) / float64(n-10)
		out = append(out, seg{10, v0 + (v1-v0)*f, climb * 10 / float64(n)})
	}
	return out
}

// TestClassifyUnevenReps: interval sessions whose reps are unevenly paced
// (issue 12) are intervals; the hard negatives stay easy.
func TestClassifyUnevenReps(t *testing.T) {
	const racePace = 1000 / 4.0
	warm := []seg{{900, 3.0, 0}}
	jog := []seg{{120, 2.8, 0}}
	var prog, fade, hilly, pyramid, fartlek []seg
	for range 5 {
		prog = join(prog, ramp(240, 4.2, 4.6, 0), jog)
		fade = join(fade, ramp(240, 4.7, 4.0, 0), jog)
		hilly = join(hilly, ramp(90, 3.6, 3.9, 12), ramp(150, 4.6, 4.8, 0), jog)
	}
	for _, p := range []struct {
		secs int
		v    float64
	}{{60, 5.2}, {120, 4.8}, {180, 4.5}, {120, 4.8}, {60, 5.2}} {
		pyramid = join(pyramid, []seg{{p.secs, p.v, 0}}, []seg{{90, 2.8, 0}})
	}
	for _, v := range []float64{3.6, 4.1, 3.7, 4.4, 3.8} {
		fartlek = join(fartlek, []seg{{240, v, 0}}, []seg{{240, 3.2, 0}})
	}
	tests := []struct {
		name  string
		segs  []seg
		class string
	}{
		{"5 x 4 min progressive, 4.2 to 4.6 m/s", join(warm, prog, warm), ClassInterval},
		{"5 x 4 min fading, 4.7 to 4.0 m/s", join(warm, fade, warm), ClassInterval},
		{"5 x 4 min starting up a slope", join(warm, hilly, warm), ClassInterval},
		{"1-2-3-2-1 pyramid, the short reps faster", join(warm, pyramid, warm), ClassInterval},
		{"fartlek-ish wandering pace without recoveries", join(warm, fartlek, warm), ClassEasy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for seed := uint64(1); seed <= 5; seed++ {
				a := buildRun(tt.segs, 0.1, seed)
				class, _, ev := Classify(a, racePace, Settings{})
				if class != tt.class {
					t.Errorf("seed %d: %s (%s), want %s", seed, class, ev, tt.class)
				} else if class == ClassInterval && !strings.Contains(ev, "5 work bouts") {
					t.Errorf("seed %d: %s, want 5 work bouts", seed, ev)
				}
			}
		})
	}
}
