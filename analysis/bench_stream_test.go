package analysis_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/synth"
)

// benchRuns are generated 1 Hz runs without laps of one and three hours:
// an interval session (found in the stream) and a long easy run (the whole
// search runs and finds nothing).
func benchRuns() []*analysis.Activity {
	start := time.Date(2026, 9, 6, 6, 30, 0, 0, time.UTC)
	return []*analysis.Activity{
		synth.Workout(synth.Spec{Kind: synth.Intervals, Start: start, Seed: 1, Laps: synth.NoLaps,
			Duration: time.Hour, Reps: 8, RepDistance: 1000}),
		synth.Workout(synth.Spec{Kind: synth.Long, Start: start, Seed: 1, Laps: synth.NoLaps,
			Duration: 3 * time.Hour}),
	}
}

// BenchmarkAnalyzeSummary measures what a re-analysis does per activity:
// decode its stored summary and analyse it (classification included).
//
//	go test ./analysis -run '^$' -bench AnalyzeSummary -benchmem
func BenchmarkAnalyzeSummary(b *testing.B) {
	std, _ := analysis.Preset(analysis.PresetStandard)
	for _, a := range benchRuns() {
		data, err := analysis.NewSummary(a).MarshalBinary()
		if err != nil {
			b.Fatal(err)
		}
		header := *a
		header.Samples = nil
		b.Run(fmt.Sprintf("%dsamples", len(a.Samples)), func(b *testing.B) {
			for b.Loop() {
				sum, err := analysis.UnmarshalSummary(data)
				if err != nil {
					b.Fatal(err)
				}
				analysis.AnalyzeSummary(&header, sum, std, 190, 270)
			}
		})
	}
}

// BenchmarkAnalyzeImport measures what an import does per run (see
// taper.Import): make its summary, analyse the activity from it, encode it.
//
//	go test ./analysis -run '^$' -bench AnalyzeImport -benchmem
func BenchmarkAnalyzeImport(b *testing.B) {
	std, _ := analysis.Preset(analysis.PresetStandard)
	for _, a := range benchRuns() {
		b.Run(fmt.Sprintf("%dsamples", len(a.Samples)), func(b *testing.B) {
			for b.Loop() {
				sum := analysis.NewSummary(a)
				analysis.AnalyzeSummary(a, sum, std, 190, 270)
				if _, err := sum.MarshalBinary(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAnalyze measures analysing a run from its samples.
//
//	go test ./analysis -run '^$' -bench 'Analyze$' -benchmem
func BenchmarkAnalyze(b *testing.B) {
	std, _ := analysis.Preset(analysis.PresetStandard)
	for _, a := range benchRuns() {
		b.Run(fmt.Sprintf("%dsamples", len(a.Samples)), func(b *testing.B) {
			for b.Loop() {
				analysis.AnalyzeProfile(a, std, 190, 270)
			}
		})
	}
}
