package analysis_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/synth"
)

// summaryActivities are generated activities of every kind and lap style,
// with and without pauses, and copies recorded the way other devices do:
// positions without speed (GPX), distance only, no altitude, irregular
// sampling with sub-second times and missing values.
func summaryActivities(t *testing.T) []*analysis.Activity {
	t.Helper()
	seeds := int64(2)
	if testing.Short() {
		seeds = 1
	}
	start := time.Date(2026, 9, 6, 6, 30, 0, 0, time.UTC)
	var out []*analysis.Activity
	for _, k := range synth.Kinds() {
		for _, style := range []synth.LapStyle{synth.AutoLaps, synth.IntensityLaps, synth.ManualLaps, synth.NoLaps} {
			for seed := int64(1); seed <= seeds; seed++ {
				a := synth.Workout(synth.Spec{Kind: k, Start: start.AddDate(0, 0, int(seed)), Seed: seed*31 + int64(style),
					Laps: style, Pauses: seed%2 == 1, Recovery: synth.Recovery(seed % 3)})
				out = append(out, a)
				if style != synth.NoLaps {
					continue
				}
				rng := rand.New(rand.NewPCG(uint64(seed), uint64(len(out))))
				out = append(out, variant(a, "gpx", rng), variant(a, "distance", rng), variant(a, "noalt", rng), variant(a, "ragged", rng))
			}
		}
	}
	return out
}

// variant copies a with its samples changed the way another recording
// would have them.
func variant(a *analysis.Activity, how string, rng *rand.Rand) *analysis.Activity {
	c := *a
	c.ID += "-" + how
	c.Samples = nil
	for i, s := range a.Samples {
		switch how {
		case "gpx":
			s.Speed, s.Distance = math.NaN(), math.NaN()
		case "distance":
			s.Speed, s.Lat, s.Lon = math.NaN(), math.NaN(), math.NaN()
		case "noalt":
			s.Altitude = math.NaN()
		case "ragged":
			if rng.IntN(10) == 0 {
				continue // dropped sample
			}
			s.Time = s.Time.Add(time.Duration(rng.IntN(900)) * time.Millisecond)
			if rng.IntN(7) == 0 {
				s.Speed = math.NaN()
			}
			if rng.IntN(50) == 0 {
				s.HeartRate = math.NaN()
			}
			if i%600 == 599 {
				s.Time = time.Time{} // a sample without a time
			}
		}
		c.Samples = append(c.Samples, s)
	}
	if how == "gpx" || how == "distance" {
		c.Laps, c.Workout = nil, nil
		c.Distance, c.MovingTime, c.AvgHR, c.MaxHR = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	}
	return &c
}

// summaryContexts are what an activity is analysed against: race pace,
// settings and observed HRmax.
type summaryContext struct {
	racePace, observed float64
	s                  analysis.Settings
}

func summaryContexts() []summaryContext {
	std, _ := analysis.Preset(analysis.PresetStandard)
	withMax, withThreshold := std, std
	withMax.HRMax, withMax.HRRest = 185, 45
	withThreshold.ThresholdPace = 285
	return []summaryContext{
		{0, math.NaN(), std},
		{0, 191, withThreshold},
		{240, 178, std},
		{270, math.NaN(), withMax},
		{300, 195, std},
		{330, 190, withThreshold},
	}
}

// TestSummaryClassifiesAsRecords checks that classifying and analysing an
// activity from its Summary (after an encoding round trip) gives exactly
// what the full samples give, over many generated activities and contexts.
func TestSummaryClassifiesAsRecords(t *testing.T) {
	acts := summaryActivities(t)
	ctxs := summaryContexts()
	classes := map[string]int{}
	for _, a := range acts {
		data, err := analysis.NewSummary(a).MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		sum, err := analysis.UnmarshalSummary(data)
		if err != nil {
			t.Fatalf("%s: %v", a.ID, err)
		}
		if !sum.Current() || sum.Samples() != len(a.Samples) {
			t.Fatalf("%s: summary version %d/%d, %d samples, want current and %d", a.ID, sum.Version, sum.Analysis, sum.Samples(), len(a.Samples))
		}
		header := *a
		header.Samples = nil
		for _, c := range ctxs {
			class, src, ev := analysis.Classify(a, c.racePace, c.s)
			sclass, ssrc, sev := analysis.Classify(sum.Activity(&header), c.racePace, c.s)
			if class != sclass || src != ssrc || ev != sev {
				t.Fatalf("%s (%s, pace %v): from records %s/%s %q, from summary %s/%s %q", a.ID, a.Sport, c.racePace, class, src, ev, sclass, ssrc, sev)
			}
			classes[class]++
			full, _ := analysis.AnalyzeProfile(a, c.s, c.observed, c.racePace)
			want := fmt.Sprintf("%+v", *full)
			got := fmt.Sprintf("%+v", *analysis.AnalyzeSummary(&header, sum, c.s, c.observed, c.racePace))
			if got != want {
				t.Fatalf("%s (pace %v, hrmax %v): from records\n%s\nfrom summary\n%s", a.ID, c.racePace, c.observed, want, got)
			}
		}
		var probe analysis.Activity = header
		probe.Samples = a.Samples
		want := analysis.ObservedHRMax([]*analysis.Activity{&probe}, a.Start.Add(time.Hour))
		if got := sum.ObservedMax(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: observed max from summary %v, from records %v", a.ID, got, want)
		}
	}
	// The set must exercise every class, or the comparison proves little.
	for _, c := range []string{analysis.ClassInterval, analysis.ClassTempo, analysis.ClassLong, analysis.ClassEasy} {
		if classes[c] == 0 {
			t.Errorf("no %s run among %d comparisons: %v", c, len(acts)*len(ctxs), classes)
		}
	}
	t.Logf("%d activities x %d contexts: %v", len(acts), len(ctxs), classes)
}

// TestSummaryCorrupt checks that damaged summaries are refused, not
// misread.
func TestSummaryCorrupt(t *testing.T) {
	a := synth.Workout(synth.Spec{Kind: synth.Intervals, Seed: 4})
	data, err := analysis.NewSummary(a).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{nil, {0}, data[:1], data[:len(data)/2], append([]byte{'S'}, 1, 2, 3)} {
		if _, err := analysis.UnmarshalSummary(bad); err == nil {
			t.Errorf("UnmarshalSummary(% x...) gave no error", bad[:min(len(bad), 8)])
		}
	}
}

// TestSummaryStreamAsSamples checks that the speed stream AnalyzeSummary
// makes from a summary's columns, made in memory or decoded, is the one
// the samples of Summary.Activity give.
func TestSummaryStreamAsSamples(t *testing.T) {
	streams := 0
	for _, a := range summaryActivities(t) {
		header := *a
		header.Samples = nil
		sum := analysis.NewSummary(a)
		data, err := sum.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		dec, err := analysis.UnmarshalSummary(data)
		if err != nil {
			t.Fatal(err)
		}
		for name, s := range map[string]*analysis.Summary{"made": sum, "decoded": dec} {
			same, made := analysis.SummaryStreamAsSamples(s, &header)
			if !same {
				t.Fatalf("%s: stream of the %s summary differs from its samples'", a.ID, name)
			}
			if made {
				streams++
			}
		}
	}
	if streams == 0 {
		t.Error("no activity gave a stream: the comparison proves nothing")
	}
}

// BenchmarkSummary measures making, encoding and decoding the summary of a
// one-hour run, and reports its size per sample.
//
//	go test ./analysis -run '^$' -bench Summary
func BenchmarkSummary(b *testing.B) {
	a := synth.Workout(synth.Spec{Kind: synth.Easy, Seed: 2, Duration: time.Hour})
	var size int
	for b.Loop() {
		data, err := analysis.NewSummary(a).MarshalBinary()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := analysis.UnmarshalSummary(data); err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size)/float64(len(a.Samples)), "bytes/sample")
}
