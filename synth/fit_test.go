package synth

import (
	"bytes"
	"math"
	"testing"
	"time"

	"github.com/muktihari/fit/decoder"
	"github.com/muktihari/fit/profile/filedef"
	"github.com/muktihari/fit/profile/typedef"
	tfit "github.com/tormoder/fit"

	"github.com/taper-run/taper/analysis"
)

// testSpecs covers every kind and lap style, in two zones, with and without pauses.
func testSpecs() []Spec {
	paris, _ := time.LoadLocation("Europe/Paris")
	if paris == nil {
		paris = time.FixedZone("Europe/Paris", 3600)
	}
	start := time.Date(2026, 9, 6, 7, 30, 0, 0, time.UTC)
	var out []Spec
	for i, k := range Kinds() {
		s := Spec{Kind: k, Start: start.Add(time.Duration(i) * 24 * time.Hour), Zone: paris, Seed: int64(100 + i)}
		s.Laps = LapStyle(i % 4)
		s.Pauses = i%3 == 0
		if k == Intervals || k == Tempo {
			s.Laps = IntensityLaps
		}
		out = append(out, s)
	}
	out = append(out, Spec{Kind: Intervals, Start: start, Seed: 7, Reps: 6, RepDistance: 800, Laps: ManualLaps, Pauses: true})
	out = append(out, Spec{Kind: Intervals, Start: start, Seed: 8, Reps: 8, RepDistance: 400, Laps: NoLaps})
	return out
}

// decodeMuktihari decodes a FIT file with the project's decoder library.
func decodeMuktihari(t *testing.T, b []byte) *filedef.Activity {
	t.Helper()
	lis := filedef.NewListener()
	defer lis.Close()
	dec := decoder.New(bytes.NewReader(b), decoder.WithMesgListener(lis), decoder.WithBroadcastOnly())
	if _, err := dec.Decode(); err != nil {
		t.Fatalf("muktihari/fit: %v", err)
	}
	act, ok := lis.File().(*filedef.Activity)
	if !ok {
		t.Fatalf("muktihari/fit: file is %T, want an activity", lis.File())
	}
	return act
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestWriteFITDecodesWithBothDecoders(t *testing.T) {
	for _, s := range testSpecs() {
		t.Run(string(s.Kind)+"-"+s.Laps.String(), func(t *testing.T) {
			checkFIT(t, Workout(s))
		})
	}
}

// TestSeasonFilesDecodeWithBothDecoders checks every FIT file of a short
// season with every breach (so every planned kind and lap style).
func TestSeasonFilesDecodeWithBothDecoders(t *testing.T) {
	s := Season{Seed: 21, PreWeeks: 3, PostWeeks: 7, Breaches: Breaches{RunsDuringRest: true, HardRideDuringRest: true,
		SpeedWorkInReturn: true, LongRunEarly: true, RampTooSteep: true, RampJump: true, TwoIntervalsInWeek: true}}
	for _, a := range s.Activities() {
		checkFIT(t, a)
	}
}

// checkFIT writes a as FIT, decodes it with muktihari/fit and tormoder/fit,
// and compares records, laps and session totals with each other and with a.
func checkFIT(t *testing.T, a *analysis.Activity) {
	t.Helper()
	{
		{
			var buf bytes.Buffer
			if err := WriteFIT(&buf, a); err != nil {
				t.Fatal(err)
			}
			m := decodeMuktihari(t, buf.Bytes())
			if m.FileId.Type != typedef.FileActivity {
				t.Errorf("file_id type %v, want activity", m.FileId.Type)
			}
			if len(m.Records) != len(a.Samples) {
				t.Errorf("muktihari: %d records, generated %d samples", len(m.Records), len(a.Samples))
			}
			if len(m.Laps) != len(a.Laps) {
				t.Errorf("muktihari: %d laps, generated %d", len(m.Laps), len(a.Laps))
			}
			if len(m.Sessions) != 1 {
				t.Fatalf("muktihari: %d sessions, want 1", len(m.Sessions))
			}
			ms := m.Sessions[0]
			if !near(ms.TotalDistanceScaled(), a.Distance, 0.01) || !near(ms.TotalTimerTimeScaled(), a.MovingTime, 0.001) {
				t.Errorf("muktihari session: %.2f m %.0f s, generated %.2f m %.0f s",
					ms.TotalDistanceScaled(), ms.TotalTimerTimeScaled(), a.Distance, a.MovingTime)
			}
			if ms.Sport.String() != a.Sport {
				t.Errorf("sport %s, want %s", ms.Sport, a.Sport)
			}
			if m.Activity == nil || m.Activity.LocalTimestamp.Sub(m.Activity.Timestamp) != time.Duration(a.UTCOffset)*time.Second {
				t.Errorf("activity local_timestamp does not carry the offset %d s", a.UTCOffset)
			}
			if len(a.Workout) > 0 && len(m.WorkoutSteps) != len(a.Workout) {
				t.Errorf("%d workout steps decoded, %d generated", len(m.WorkoutSteps), len(a.Workout))
			}
			// records agree with the samples
			for i, r := range m.Records {
				if i >= len(a.Samples) {
					break
				}
				smp := a.Samples[i]
				if !r.Timestamp.Equal(smp.Time) {
					t.Fatalf("record %d at %v, sample at %v", i, r.Timestamp, smp.Time)
				}
				if analysis.Has(smp.Distance) && !near(r.DistanceScaled(), smp.Distance, 0.006) {
					t.Fatalf("record %d distance %.2f, sample %.2f", i, r.DistanceScaled(), smp.Distance)
				}
				if analysis.Has(smp.Lat) && !near(r.PositionLatDegrees(), smp.Lat, 1e-9) {
					t.Fatalf("record %d lat %.8f, sample %.8f", i, r.PositionLatDegrees(), smp.Lat)
				}
				if analysis.Has(smp.HeartRate) && float64(r.HeartRate) != smp.HeartRate {
					t.Fatalf("record %d hr %d, sample %.0f", i, r.HeartRate, smp.HeartRate)
				}
			}

			tf, err := tfit.Decode(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("tormoder/fit: %v", err)
			}
			ta, err := tf.Activity()
			if err != nil {
				t.Fatalf("tormoder/fit: %v", err)
			}
			if len(ta.Records) != len(m.Records) || len(ta.Laps) != len(m.Laps) || len(ta.Sessions) != 1 {
				t.Fatalf("tormoder: %d records %d laps %d sessions; muktihari %d records %d laps",
					len(ta.Records), len(ta.Laps), len(ta.Sessions), len(m.Records), len(m.Laps))
			}
			ts := ta.Sessions[0]
			if !near(ts.GetTotalDistanceScaled(), ms.TotalDistanceScaled(), 0.01) || !near(ts.GetTotalTimerTimeScaled(), ms.TotalTimerTimeScaled(), 0.001) {
				t.Errorf("tormoder session %.2f m %.1f s, muktihari %.2f m %.1f s", ts.GetTotalDistanceScaled(),
					ts.GetTotalTimerTimeScaled(), ms.TotalDistanceScaled(), ms.TotalTimerTimeScaled())
			}
			if n := len(ta.Records); n > 0 && analysis.Has(a.Samples[n-1].Distance) &&
				!near(ta.Records[n-1].GetDistanceScaled(), a.Samples[n-1].Distance, 0.006) {
				t.Errorf("tormoder last record distance %.2f, generated %.2f", ta.Records[n-1].GetDistanceScaled(), a.Samples[n-1].Distance)
			}
		}
	}
}

func TestWorkoutTotalsConsistent(t *testing.T) {
	for _, s := range testSpecs() {
		a := Workout(s)
		name := string(s.Kind)
		if len(a.Samples) < 600 {
			t.Errorf("%s: only %d samples", name, len(a.Samples))
			continue
		}
		var lapDist, lapTimer, lapElapsed float64
		for _, l := range a.Laps {
			lapDist += l.Distance
			lapTimer += l.MovingTime
			lapElapsed += l.ElapsedTime
		}
		if len(a.Laps) > 0 && (!near(lapDist, a.Distance, 0.05) || lapTimer != a.MovingTime || lapElapsed != a.ElapsedTime) {
			t.Errorf("%s: laps sum to %.2f m %.0f s %.0f s; session %.2f m %.0f s %.0f s", name,
				lapDist, lapTimer, lapElapsed, a.Distance, a.MovingTime, a.ElapsedTime)
		}
		if s.Pauses && a.Sport != analysis.SportSwimming && a.Sport != analysis.SportTraining && s.Kind != Race && s.Kind != HalfRace && a.ElapsedTime-a.MovingTime < 40 {
			t.Errorf("%s with pauses: elapsed %.0f s, moving %.0f s", name, a.ElapsedTime, a.MovingTime)
		}
		if !s.Pauses && a.ElapsedTime != a.MovingTime {
			t.Errorf("%s without pauses: elapsed %.0f s != moving %.0f s", name, a.ElapsedTime, a.MovingTime)
		}
	}
}

func TestWorkoutDeterministic(t *testing.T) {
	for _, s := range testSpecs()[:6] {
		var b1, b2 bytes.Buffer
		if err := WriteFIT(&b1, Workout(s)); err != nil {
			t.Fatal(err)
		}
		if err := WriteFIT(&b2, Workout(s)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
			t.Errorf("%s: two runs with seed %d differ", s.Kind, s.Seed)
		}
		s2 := s
		s2.Seed++
		var b3 bytes.Buffer
		if err := WriteFIT(&b3, Workout(s2)); err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(b1.Bytes(), b3.Bytes()) {
			t.Errorf("%s: seeds %d and %d give the same file", s.Kind, s.Seed, s2.Seed)
		}
	}
}

func BenchmarkWriteFIT(b *testing.B) {
	a := Workout(Spec{Kind: Easy, Start: time.Date(2026, 9, 6, 7, 0, 0, 0, time.UTC), Seed: 1, Duration: time.Hour})
	var buf bytes.Buffer
	if err := WriteFIT(&buf, a); err != nil {
		b.Fatal(err)
	}
	size := buf.Len()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		buf.Reset()
		if err := WriteFIT(&buf, a); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size), "file-bytes")
	b.ReportMetric(float64(len(a.Samples)), "records")
}

func BenchmarkWorkout(b *testing.B) {
	s := Spec{Kind: Easy, Start: time.Date(2026, 9, 6, 7, 0, 0, 0, time.UTC), Seed: 1, Duration: time.Hour}
	b.ReportAllocs()
	for b.Loop() {
		Workout(s)
	}
}
