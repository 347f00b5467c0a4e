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
// and without pauses) and requires at least 98% to match
// synth.ExpectedClass. It logs the confusion matrix (go test -v -run
// ClassifyAccuracy ./analysis).
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
	classes := []string{analysis.ClassRace, analysis.ClassInterval, analysis.ClassTempo, analysis.ClassLong, analysis.ClassEasy}
	confusion := map[[2]string]int{}
	perKind := map[synth.Kind][2]int{}
	var wrong []string
	total, correct := 0, 0
	start := time.Date(2026, 9, 6, 6, 30, 0, 0, time.UTC)
	for _, k := range kinds {
		for _, style := range styles {
			for seed := int64(1); seed <= seeds; seed++ {
				ath := athletes[int(seed)%len(athletes)]
				racePace := ath[1] // the athlete's marathon pace
				spec := synth.Spec{Kind: k, Start: start.AddDate(0, 0, int(seed)), Seed: seed*101 + int64(style), Laps: style,
					Pauses: seed%2 == 0, EasyPace: ath[0], RacePace: ath[1]}
				want := synth.ExpectedClass(spec)
				a := synth.Workout(spec)
				got, _, ev := analysis.Classify(a, racePace, analysis.Settings{})
				if r := analysis.FindRace([]*analysis.Activity{a}, "", "", ""); r.Activity == a {
					got, ev = analysis.ClassRace, "race: "+r.Source
				}
				confusion[[2]string{want, got}]++
				pk := perKind[k]
				pk[1]++
				total++
				if got == want {
					correct++
					pk[0]++
				} else {
					wrong = append(wrong, fmt.Sprintf("%s/%s seed %d pauses %v: want %s, got %s: %s", k, style, spec.Seed, spec.Pauses, want, got, ev))
				}
				perKind[k] = pk
			}
		}
	}
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
	t.Log(b.String())
	slices.Sort(wrong)
	for _, w := range wrong {
		t.Log("misclassified: " + w)
	}
	if total < 300 {
		t.Errorf("only %d labelled runs, want >= 300", total)
	}
	if acc := float64(correct) / float64(total); acc < 0.98 {
		t.Errorf("accuracy %.1f%% (%d/%d), want >= 98%%", 100*acc, correct, total)
	}
}
