package analysis_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/synth"
)

// TestClassifyAccuracy classifies a labelled set of generated runs (every
// running kind of synth, hard negatives included, in every lap style, with
// and without pauses, for three athletes; plus interval sessions from 4 x
// 200 m to 12 x 2000 m, interval sessions recovering by walking or standing,
// and hard negatives, run/walk among them, from 20 min to 2:30; and
// unevenly paced reps: progressive, fading, starting up a slope, 1-2-3-2-1
// pyramids) and requires at least 98% to match synth.ExpectedClass, and 95%
// of each class. It logs the confusion matrix:
//
//	go test -v -run ClassifyAccuracy ./analysis
func TestClassifyAccuracy(t *testing.T) {
	var kinds []synth.Kind
	for _, k := range synth.Kinds() {
		if k.IsRun() {
			kinds = append(kinds, k)
		}
	}
	styles := []synth.LapStyle{synth.AutoLaps, synth.IntensityLaps, synth.ManualLaps, synth.NoLaps}
	seeds := int64(8)
	if testing.Short() {
		seeds = 3
	}
	// Athletes of different speeds: easy and marathon pace, s/km.
	athletes := [][2]float64{{330, 270}, {300, 240}, {380, 310}}
	start := time.Date(2026, 9, 6, 6, 30, 0, 0, time.UTC)
	var specs []synth.Spec
	// Every running kind in every lap style, with and without pauses.
	for _, k := range kinds {
		for _, style := range styles {
			for seed := int64(1); seed <= seeds; seed++ {
				ath := athletes[int(seed)%len(athletes)]
				specs = append(specs, synth.Spec{Kind: k, Start: start.AddDate(0, 0, int(seed)), Seed: seed*101 + int64(style),
					Laps: style, Pauses: seed%2 == 0, EasyPace: ath[0], RacePace: ath[1]})
			}
		}
	}
	// Interval sessions from 3 x 200 m to 12 x 2000 m (where the work is
	// most of the run), with walking or standing recoveries, and the hard
	// negatives from 20 min to 2:30.
	for seed := int64(1); seed <= seeds/4+1; seed++ {
		for _, style := range []synth.LapStyle{synth.AutoLaps, synth.NoLaps} {
			for _, rd := range []float64{200, 400, 1200, 1600, 2000} {
				for _, reps := range []int{4, 6, 12} {
					specs = append(specs, synth.Spec{Kind: synth.Intervals, Start: start, Seed: seed, Laps: style,
						RepDistance: rd, Reps: reps, Pauses: seed%2 == 0})
				}
			}
			// Intervals recovering by walking or standing (no warm-up
			// needed to tell them from run/walk: the work is far faster
			// than marathon pace).
			for _, rec := range []synth.Recovery{synth.WalkRecovery, synth.StandRecovery} {
				for _, rd := range []float64{200, 400, 800, 1600} {
					for _, reps := range []int{4, 8} {
						specs = append(specs, synth.Spec{Kind: synth.Intervals, Start: start, Seed: seed, Laps: style,
							RepDistance: rd, Reps: reps, Pauses: seed%2 == 0, Recovery: rec,
							EasyPace: athletes[seed%3][0], RacePace: athletes[seed%3][1]})
					}
				}
			}
			// Unevenly paced repetitions (issue 12): progressive, fading
			// and hilly 5 x 4 min, and 1-2-3-2-1 pyramids, by time.
			for _, shape := range []synth.RepShape{synth.EvenReps, synth.ProgressiveReps, synth.FadingReps, synth.HillyReps} {
				for _, mins := range [][]float64{{4, 4, 4, 4, 4}, {1, 2, 3, 2, 1}, {3, 3, 3, 3, 3, 3}} {
					ath := athletes[seed%3]
					specs = append(specs, synth.Spec{Kind: synth.Intervals, Start: start, Seed: seed*13 + int64(shape), Laps: style,
						RepMinutes: mins, RepShape: shape, Pauses: seed%2 == 0, EasyPace: ath[0], RacePace: ath[1]})
				}
			}
			for _, k := range []synth.Kind{synth.Strides, synth.Hills, synth.TrafficStops, synth.Progression, synth.RunWalk} {
				for _, d := range []time.Duration{20 * time.Minute, 89 * time.Minute, 150 * time.Minute} {
					specs = append(specs, synth.Spec{Kind: k, Start: start, Seed: seed, Laps: style, Duration: d,
						Pauses: seed%2 == 0, EasyPace: athletes[seed%3][0], RacePace: athletes[seed%3][1]})
				}
			}
		}
	}

	classes := []string{analysis.ClassRace, analysis.ClassInterval, analysis.ClassTempo, analysis.ClassLong, analysis.ClassEasy}
	confusion := map[[2]string]int{}
	perKind := map[synth.Kind][2]int{}
	var wrong []string
	correct := 0
	for _, spec := range specs {
		want := synth.ExpectedClass(spec)
		a := synth.Workout(spec)
		racePace := spec.RacePace // the athlete's marathon pace
		if racePace == 0 {
			racePace = 270 // synth's default
		}
		got, _, ev := analysis.Classify(a, racePace, analysis.Settings{})
		if r := analysis.FindRace([]*analysis.Activity{a}, "", "", ""); r.Activity == a {
			got, ev = analysis.ClassRace, "race: "+r.Source
		}
		confusion[[2]string{want, got}]++
		pk := perKind[spec.Kind]
		pk[1]++
		if got == want {
			correct++
			pk[0]++
		} else {
			wrong = append(wrong, fmt.Sprintf("%s/%s seed %d reps %d x %.0f m %v %v, recovery %d, %v, pauses %v: want %s, got %s: %s",
				spec.Kind, spec.Laps, spec.Seed, spec.Reps, spec.RepDistance, spec.RepMinutes, spec.RepShape, spec.Recovery, spec.Duration, spec.Pauses, want, got, ev))
		}
		perKind[spec.Kind] = pk
	}
	total := len(specs)
	var b strings.Builder
	fmt.Fprintf(&b, "confusion matrix (rows: expected, columns: classified), %d runs\n%-10s", total, "")
	for _, c := range classes {
		fmt.Fprintf(&b, "%9s", c)
	}
	for _, want := range classes {
		fmt.Fprintf(&b, "\n%-10s", want)
		for _, got := range classes {
			fmt.Fprintf(&b, "%9d", confusion[[2]string{want, got}])
		}
	}
	b.WriteString("\nper kind (correct/total):")
	for _, k := range kinds {
		fmt.Fprintf(&b, " %s %d/%d", k, perKind[k][0], perKind[k][1])
	}
	fmt.Fprintf(&b, "\naccuracy %.1f%%", 100*float64(correct)/float64(total))
	t.Log(b.String())
	slices.Sort(wrong)
	for _, w := range wrong {
		t.Log("misclassified: " + w)
	}
	if !testing.Short() && total < 300 {
		t.Errorf("only %d labelled runs, want >= 300", total)
	}
	for _, want := range classes {
		n, ok := 0, confusion[[2]string{want, want}]
		for _, got := range classes {
			n += confusion[[2]string{want, got}]
		}
		if n > 0 && float64(ok) < 0.95*float64(n) {
			t.Errorf("class %s: %d/%d right, want >= 95%%", want, ok, n)
		}
	}
	if acc := float64(correct) / float64(total); acc < 0.98 {
		t.Errorf("accuracy %.1f%% (%d/%d), want >= 98%%", 100*acc, correct, total)
	}
}

// BenchmarkClassifySynth classifies generated one-hour 1 Hz runs (positions,
// altitude, heart rate, speed): an easy run (the whole search runs and
// finds nothing) and an interval session without laps (found in the stream).
func BenchmarkClassifySynth(b *testing.B) {
	for _, k := range []synth.Kind{synth.Easy, synth.Intervals} {
		spec := synth.Spec{Kind: k, Start: time.Date(2026, 9, 6, 6, 30, 0, 0, time.UTC), Seed: 1, Laps: synth.NoLaps,
			Duration: time.Hour, Reps: 8, RepDistance: 1000}
		a := synth.Workout(spec)
		b.Run(fmt.Sprintf("%s-%dsamples", k, len(a.Samples)), func(b *testing.B) {
			for b.Loop() {
				analysis.Classify(a, 270, analysis.Settings{})
			}
		})
	}
}
