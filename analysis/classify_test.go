package analysis

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// seg is a piece of a hand-built run: seconds at a speed (m/s), climbing
// by climb metres over the piece.
type seg struct {
	secs  int
	speed float64
	climb float64
}

var t0 = time.Date(2026, 9, 6, 7, 30, 0, 0, time.UTC)

// buildRun makes a 1 Hz run from segments; noise adds gaussian speed noise
// (m/s, seeded).
func buildRun(segs []seg, noise float64, seed uint64) *Activity {
	rng := rand.New(rand.NewPCG(seed, 1))
	a := &Activity{ID: "run", Sport: SportRunning, Start: t0, AvgHR: math.NaN(), MaxHR: math.NaN(),
		Distance: math.NaN(), MovingTime: math.NaN(), ElapsedTime: math.NaN(), Ascent: math.NaN()}
	dist, alt, t := 0.0, 100.0, 0
	for _, s := range segs {
		for k := 0; k < s.secs; k++ {
			v := s.speed
			if noise > 0 && v > 0 {
				v = math.Max(0, v+rng.NormFloat64()*noise)
			}
			dist += v
			alt += s.climb / float64(s.secs)
			a.Samples = append(a.Samples, Sample{Time: t0.Add(time.Duration(t) * time.Second),
				Lat: math.NaN(), Lon: math.NaN(), Altitude: alt, HeartRate: 140, Cadence: 85,
				Speed: v, Distance: dist, Power: math.NaN()})
			t++
		}
	}
	return a
}

func repeat(n int, segs ...seg) []seg {
	var out []seg
	for range n {
		out = append(out, segs...)
	}
	return out
}

func join(parts ...[]seg) []seg {
	var out []seg
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestClassifyStream(t *testing.T) {
	const racePace = 1000 / 4.5 // 3:42/km; tempo limit 3:49/km = 4.37 m/s
	warm := []seg{{900, 3.0, 0}}
	tests := []struct {
		name   string
		segs   []seg
		noise  float64
		pace   float64
		class  string
		source string
		ev     string // substring of the evidence
	}{
		{"easy", []seg{{2700, 3.0, 0}}, 0.1, racePace, ClassEasy, SourceDefault, "easy: no structure, 44:59 moving at 5:33/km"},
		{"6x3min", join(warm, repeat(6, seg{180, 4.5, 0}, seg{120, 2.5, 0}), warm), 0.1, racePace, ClassInterval, SourceStream, "6 work bouts"},
		{"8x400 standing rest", join(warm, repeat(8, seg{75, 5.3, 0}, seg{60, 0, 0}), warm), 0.1, racePace, ClassInterval, SourceStream, "8 work bouts"},
		{"5x1000 short warmup", join([]seg{{600, 3.0, 0}}, repeat(5, seg{230, 4.35, 0}, seg{150, 2.4, 0})), 0.1, racePace, ClassInterval, SourceStream, "5 work bouts"},
		{"12 x 1 mile: work is most of the run", join([]seg{{600, 3.0, 0}}, repeat(12, seg{360, 4.45, 0}, seg{90, 2.6, 0})), 0.1, racePace, ClassInterval, SourceStream, "12 work bouts"},
		{"strides", join([]seg{{2400, 3.0, 0}}, repeat(5, seg{20, 6.0, 0}, seg{60, 2.2, 0})), 0.1, racePace, ClassEasy, SourceDefault, "easy"},
		{"traffic stops", repeat(6, seg{420, 3.0, 0}, seg{45, 0, 0}, seg{30, 3.3, 0}), 0.1, racePace, ClassEasy, SourceDefault, "easy"},
		{"gps jitter", []seg{{2700, 3.0, 0}}, 0.9, racePace, ClassEasy, SourceDefault, "easy"},
		{"rolling hills", repeat(8, seg{120, 2.6, 25}, seg{120, 3.7, -25}, seg{60, 3.0, 0}), 0.1, racePace, ClassEasy, SourceDefault, "easy"},
		{"walk breaks", repeat(9, seg{200, 3.0, 0}, seg{120, 1.4, 0}), 0.1, racePace, ClassEasy, SourceDefault, "easy"},
		{"fast flats between climbs", repeat(6, seg{90, 3.6, 0}, seg{150, 2.4, 25}, seg{60, 3.0, -25}), 0.1, racePace, ClassEasy, SourceDefault, "easy"},
		{"surges far apart", join(warm, repeat(3, seg{60, 4.5, 0}, seg{900, 3.0, 0})), 0.1, racePace, ClassEasy, SourceDefault, "easy"},
		{"progression", []seg{{600, 2.8, 0}, {600, 3.1, 0}, {600, 3.4, 0}, {600, 3.7, 0}, {600, 4.0, 0}}, 0.1, racePace, ClassEasy, SourceDefault, "easy"},
		{"tempo", join(warm, []seg{{1200, 4.5, 0}}, warm), 0.1, racePace, ClassTempo, SourcePace, "tempo: 19:"},
		{"tempo too short", join(warm, []seg{{780, 4.5, 0}}, warm), 0.1, racePace, ClassEasy, SourceDefault, "easy"},
		{"tempo without a reference", join(warm, []seg{{1200, 4.5, 0}}, warm), 0.1, 0, ClassEasy, SourceDefault, "no race or threshold pace"},
		{"long", []seg{{6000, 3.0, 0}}, 0.1, racePace, ClassLong, SourceDuration, "long: 1:39:59 moving"},
		{"long with strides", join([]seg{{5400, 3.0, 0}}, repeat(6, seg{15, 6.5, 0}, seg{45, 2.0, 0})), 0.1, racePace, ClassLong, SourceDuration, "long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := buildRun(tt.segs, tt.noise, 7)
			class, source, ev := Classify(a, tt.pace, Settings{})
			if class != tt.class || source != tt.source || !strings.Contains(ev, tt.ev) {
				t.Errorf("Classify = %q, %q, %q; want %q, %q, containing %q", class, source, ev, tt.class, tt.source, tt.ev)
			}
		})
	}
}

// TestClassifyGPSOnly: an easy run recorded by a phone (positions only,
// noisy, sometimes every 4 s) is not intervals, with or without a real
// interval session to compare with.
func TestClassifyGPSOnly(t *testing.T) {
	tests := []struct {
		name  string
		segs  []seg
		every int     // s between points
		noise float64 // m, position noise (a random walk pulled back to the track)
		class string
	}{
		{"easy 1 s", []seg{{2400, 3.0, 0}}, 1, 3, ClassEasy},
		{"easy 4 s", []seg{{2400, 3.0, 0}}, 4, 4, ClassEasy},
		{"easy 5 s, big jitter", []seg{{2400, 3.0, 0}}, 5, 8, ClassEasy},
		{"intervals 4 s", join([]seg{{900, 3.0, 0}}, repeat(6, seg{180, 4.5, 0}, seg{120, 2.5, 0}), []seg{{600, 3.0, 0}}), 4, 4, ClassInterval},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := buildRun(tt.segs, 0, 5)
			rng := rand.New(rand.NewPCG(9, 9))
			var kept []Sample
			ex, ny := 0.0, 0.0
			for i, s := range a.Samples {
				ex = 0.9*ex + rng.NormFloat64()*tt.noise
				ny = 0.9*ny + rng.NormFloat64()*tt.noise
				if i%tt.every != 0 {
					continue
				}
				// Along a straight line east at 48 N: 1 m is 1/74,600 degree of longitude.
				s.Lat = 48 + ny/111195
				s.Lon = 2 + (s.Distance+ex)/74600
				s.Speed, s.Distance = math.NaN(), math.NaN()
				kept = append(kept, s)
			}
			a.Samples = kept
			class, _, ev := Classify(a, 1000/4.5, Settings{})
			if class != tt.class {
				t.Errorf("Classify = %q (%s), want %q", class, ev, tt.class)
			}
		})
	}
}

func TestClassifyThresholdPace(t *testing.T) {
	a := buildRun([]seg{{600, 3.0, 0}, {1200, 4.0, 0}, {600, 3.0, 0}}, 0.05, 3)
	class, source, ev := Classify(a, 0, Settings{ThresholdPace: 250})
	if class != ClassTempo || source != SourcePace || !strings.Contains(ev, "threshold pace 4:10/km") {
		t.Errorf("Classify = %q, %q, %q; want tempo against the threshold pace", class, source, ev)
	}
}

func TestClassifyLaps(t *testing.T) {
	lap := func(secs, dist float64, intensity, trigger string) Lap {
		return Lap{Start: t0, ElapsedTime: secs, MovingTime: secs, Distance: dist, Intensity: intensity,
			Trigger: trigger, AvgHR: math.NaN(), MaxHR: math.NaN(), AvgSpeed: dist / secs}
	}
	intensity := []Lap{lap(900, 2700, "warmup", "manual")}
	for range 5 {
		intensity = append(intensity, lap(220, 1000, "active", "distance"), lap(120, 300, "recovery", "time"))
	}
	intensity = append(intensity, lap(600, 1800, "cooldown", "manual"))

	strideLaps := []Lap{lap(2400, 7200, "active", "manual")}
	for range 5 {
		strideLaps = append(strideLaps, lap(20, 120, "active", "manual"), lap(60, 150, "recovery", "manual"))
	}

	manual := []Lap{lap(900, 2700, "", "manual")}
	for range 4 {
		manual = append(manual, lap(190, 800, "", "manual"), lap(150, 400, "", "manual"))
	}
	manual = append(manual, lap(600, 1800, "", "session_end"))

	// 1 km auto-laps during the warm-up and cool-down, manual laps for the reps.
	mixed := []Lap{lap(295, 1000, "", "distance"), lap(300, 1000, "", "distance")}
	for range 6 {
		mixed = append(mixed, lap(185, 700, "", "manual"), lap(120, 300, "", "manual"))
	}
	mixed = append(mixed, lap(340, 1000, "", "distance"), lap(90, 230, "", "session_end"))

	var auto []Lap
	for k := range 10 {
		secs := 330.0
		if k%2 == 1 {
			secs = 230 // alternating fast kilometres are still auto-laps
		}
		auto = append(auto, lap(secs, 1000, "", "manual"))
	}
	auto = append(auto, lap(100, 300, "", "session_end"))

	progression := []Lap{lap(600, 1800, "", "manual"), lap(480, 1700, "", "manual"), lap(420, 1700, "", "manual"),
		lap(380, 1700, "", "manual"), lap(350, 1700, "", "manual")}

	tests := []struct {
		name   string
		laps   []Lap
		class  string
		source string
		ev     string
	}{
		{"intensity laps", intensity, ClassInterval, SourceLaps, "intervals (laps): 5 work laps 3:40 at 3:40/km, recoveries 2:00 avg at 6:40/km"},
		{"strides with intensity", strideLaps, ClassEasy, SourceDefault, "easy"},
		{"manual laps", manual, ClassInterval, SourceManualLaps, "intervals (manual laps): 4 fast laps 3:10 at 3:58/km"},
		{"manual reps among auto laps", mixed, ClassInterval, SourceManualLaps, "intervals (manual laps): 6 fast laps 3:05 at 4:24/km, recoveries 2:00 avg at 6:40/km"},
		{"auto laps", auto, ClassEasy, SourceDefault, "easy"},
		{"manual progression", progression, ClassEasy, SourceDefault, "easy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &Activity{Sport: SportRunning, Start: t0, Laps: tt.laps, Distance: math.NaN(), MovingTime: 2700,
				AvgHR: math.NaN(), MaxHR: math.NaN(), Ascent: math.NaN()}
			class, source, ev := Classify(a, 0, Settings{})
			if class != tt.class || source != tt.source || !strings.Contains(ev, tt.ev) {
				t.Errorf("Classify = %q, %q, %q; want %q, %q, containing %q", class, source, ev, tt.class, tt.source, tt.ev)
			}
		})
	}
}

func TestClassifyWorkout(t *testing.T) {
	steps := []WorkoutStep{
		{Index: 0, Intensity: "warmup", DurationType: "time", Duration: 600, RepeatFrom: -1},
		{Index: 1, Intensity: "active", DurationType: "distance", Duration: 800, RepeatFrom: -1},
		{Index: 2, Intensity: "recovery", DurationType: "time", Duration: 120, RepeatFrom: -1},
		{Index: 3, DurationType: "repeat_until_steps_cmplt", Duration: math.NaN(), RepeatFrom: 1, RepeatCount: 6},
		{Index: 4, Intensity: "cooldown", DurationType: "open", Duration: math.NaN(), RepeatFrom: -1},
	}
	a := buildRun([]seg{{2700, 3.0, 0}}, 0.1, 1)
	a.Workout = steps
	class, source, ev := Classify(a, 0, Settings{})
	want := "intervals (workout): 6 x (800 m active, 2:00 recovery)"
	if class != ClassInterval || source != SourceWorkout || ev != want {
		t.Errorf("Classify = %q, %q, %q; want interval, workout, %q", class, source, ev, want)
	}
	steps[3].RepeatCount = 2 // 2 work steps are not intervals
	if class, _, _ := Classify(a, 0, Settings{}); class != ClassEasy {
		t.Errorf("2 repeats: class %q, want easy", class)
	}
}

func TestClassifyWithoutStream(t *testing.T) {
	tests := []struct {
		name  string
		a     *Activity
		class string
		ev    string
	}{
		{"treadmill totals only", &Activity{Sport: SportRunning, SubSport: "treadmill", Distance: 8000, MovingTime: 2700,
			Ascent: math.NaN(), AvgHR: math.NaN(), MaxHR: math.NaN()}, ClassEasy, "easy: no structure, 45:00 moving at 5:38/km"},
		{"fast totals only", &Activity{Sport: SportRunning, Distance: 10000, MovingTime: 2200,
			Ascent: math.NaN(), AvgHR: math.NaN(), MaxHR: math.NaN()}, ClassTempo, "tempo: 36:40 continuous at 3:40/km"},
		{"nothing at all", &Activity{Sport: SportRunning, Distance: math.NaN(), MovingTime: math.NaN(), ElapsedTime: math.NaN(),
			Ascent: math.NaN(), AvgHR: math.NaN(), MaxHR: math.NaN()}, ClassEasy, "easy: no structure, 0:00 moving"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			class, _, ev := Classify(tt.a, 1000/4.5, Settings{})
			if class != tt.class || !strings.Contains(ev, tt.ev) {
				t.Errorf("Classify = %q, %q; want %q containing %q", class, ev, tt.class, tt.ev)
			}
		})
	}
	// A pause (gap) in the stream is neither a recovery nor a bout.
	a := buildRun([]seg{{1500, 3.0, 0}}, 0.1, 2)
	b := buildRun([]seg{{1500, 3.0, 0}}, 0.1, 3)
	for i := range b.Samples {
		b.Samples[i].Time = b.Samples[i].Time.Add(1800 * time.Second)
	}
	a.Samples = append(a.Samples, b.Samples...)
	if class, _, ev := Classify(a, 1000/4.5, Settings{}); class != ClassEasy {
		t.Errorf("run with a 5 min gap: %q %q, want easy", class, ev)
	}
}

func BenchmarkClassify(b *testing.B) {
	a := buildRun(join([]seg{{900, 3.0, 0}}, repeat(6, seg{180, 4.5, 0}, seg{120, 2.5, 0}), []seg{{900, 3.0, 0}}), 0.1, 1)
	b.ReportAllocs()
	for b.Loop() {
		if c, _, _ := Classify(a, 220, Settings{}); c != ClassInterval {
			b.Fatal(c)
		}
	}
}

// TestClassifyRunWalk: running at an easy pace between walk breaks (the
// return-to-running sessions after a marathon) is not intervals, whatever
// the reference; interval sessions recovering by walking or standing stay
// intervals.
func TestClassifyRunWalk(t *testing.T) {
	const racePace = 1000 / 3.6 // 4:38/km; run/walk limit 4:46/km = 3.49 m/s
	warm := []seg{{900, 3.0, 0}}
	// walking most of the time, so that the median moving speed is a
	// walking speed and every running stretch looks like a work bout
	runWalk := repeat(12, seg{90, 2.55, 0}, seg{120, 1.4, 0})
	// walk breaks with stops, as in the corpus run/walk
	runWalkStops := repeat(10, seg{100, 2.6, 0}, seg{60, 1.45, 0}, seg{30, 0, 0}, seg{60, 1.45, 0})
	tests := []struct {
		name  string
		segs  []seg
		pace  float64
		s     Settings
		class string
		ev    string // substring of the evidence
	}{
		{"run/walk, race pace", runWalk, racePace, Settings{}, ClassEasy,
			"run/walk, not intervals: running at 6:41/km between walking recoveries (11:54/km)"},
		{"run/walk, race pace: names the limit", runWalk, racePace, Settings{}, ClassEasy,
			"is not faster than race pace 4:38/km x 1.03 = 4:46/km (stream: 12 work bouts"},
		{"run/walk, threshold pace", runWalk, 0, Settings{ThresholdPace: racePace}, ClassEasy, "not faster than threshold pace 4:38/km"},
		{"run/walk, no reference", runWalk, 0, Settings{}, ClassEasy, "not faster than 5:00/km (no race or threshold pace"},
		{"run/walk with stops", runWalkStops, racePace, Settings{}, ClassEasy, "run/walk, not intervals"},
		{"run/walk after a slow jog", join([]seg{{600, 2.1, 0}}, runWalk), 0, Settings{}, ClassEasy, "easy"},
		{"long run/walk", repeat(30, seg{90, 2.55, 0}, seg{120, 1.4, 0}), racePace, Settings{}, ClassLong, "long: 1:44:59 moving; run/walk"},
		{"slow marathoner's run/walk", runWalk, 1000 / 2.75, Settings{}, ClassEasy, "run/walk, not intervals"},
		{"8x400 standing rest, no reference", join(warm, repeat(8, seg{75, 5.3, 0}, seg{90, 0, 0}), warm), 0, Settings{}, ClassInterval, "intervals (stream): 8 work bouts"},
		{"6x800 walking rest", join(warm, repeat(6, seg{190, 4.2, 0}, seg{120, 1.4, 0}), warm), racePace, Settings{}, ClassInterval, "intervals (stream): 6 work bouts"},
		{"6x800 walking rest, no reference", join(warm, repeat(6, seg{190, 4.2, 0}, seg{120, 1.4, 0}), warm), 0, Settings{}, ClassInterval, "intervals (stream): 6 work bouts"},
		{"5x1000 at marathon pace, walking rest", join(warm, repeat(5, seg{278, 3.6, 0}, seg{120, 1.4, 0}), warm), racePace, Settings{}, ClassInterval, "intervals (stream): 5 work bouts"},
		// with a warm-up at 3.3 m/s, work at 3.6 m/s is not 15% faster
		// (nor would the stream find it): not intervals
		{"surges between walks after a brisk warm-up", join([]seg{{900, 3.3, 0}}, repeat(6, seg{190, 3.6, 0}, seg{120, 1.4, 0})), racePace, Settings{}, ClassEasy, "easy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := buildRun(tt.segs, 0.1, 3)
			class, _, ev := Classify(a, tt.pace, tt.s)
			if class != tt.class || !strings.Contains(ev, tt.ev) {
				t.Errorf("Classify = %q, %q; want %q, containing %q", class, ev, tt.class, tt.ev)
			}
		})
	}
}

// TestClassifyRunWalkLaps: run/walk recorded with laps, with intensity (a
// structured run/walk workout) or manual, is not intervals; the same laps
// with fast work are.
func TestClassifyRunWalkLaps(t *testing.T) {
	lap := func(secs, dist float64, intensity, trigger string) Lap {
		return Lap{Start: t0, ElapsedTime: secs, MovingTime: secs, Distance: dist, Intensity: intensity,
			Trigger: trigger, AvgHR: math.NaN(), MaxHR: math.NaN(), AvgSpeed: dist / secs}
	}
	build := func(n int, work, rec Lap, warmup ...Lap) []Lap {
		out := append([]Lap(nil), warmup...)
		for range n {
			out = append(out, work, rec)
		}
		return out
	}
	tests := []struct {
		name   string
		laps   []Lap
		pace   float64
		class  string
		source string
		ev     string
	}{
		{"structured run/walk", build(10, lap(120, 310, "active", "time"), lap(90, 125, "recovery", "time")), 270, ClassEasy, SourceDefault,
			"run/walk, not intervals: running at 6:27/km between walking recoveries (12:00/km) is not faster than race pace 4:30/km x 1.03 = 4:38/km (laps: 10 work laps"},
		{"manual run/walk", build(10, lap(120, 310, "", "manual"), lap(90, 125, "", "manual")), 0, ClassEasy, SourceDefault,
			"not faster than 5:00/km (no race or threshold pace to compare with) (manual laps: 10 fast laps"},
		{"structured intervals, walking rest", build(6, lap(190, 800, "active", "distance"), lap(120, 170, "recovery", "time"), lap(900, 2700, "warmup", "manual")), 270, ClassInterval, SourceLaps,
			"intervals (laps): 6 work laps"},
		{"manual intervals, standing rest", build(6, lap(190, 800, "", "manual"), lap(90, 15, "", "manual"), lap(900, 2700, "", "manual")), 0, ClassInterval, SourceManualLaps,
			"intervals (manual laps): 6 fast laps"},
		// the warm-up is as fast as the reps: not intervals even at a fast pace
		{"manual surges as fast as the warm-up", build(6, lap(190, 800, "", "manual"), lap(90, 130, "", "manual"), lap(900, 3600, "", "manual")), 0, ClassEasy, SourceDefault,
			"not 1.15 x the warm-up and cool-down running at 4:10/km"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &Activity{Sport: SportRunning, Start: t0, Laps: tt.laps, Distance: math.NaN(), MovingTime: 2700,
				AvgHR: math.NaN(), MaxHR: math.NaN(), Ascent: math.NaN()}
			class, source, ev := Classify(a, tt.pace, Settings{})
			if class != tt.class || source != tt.source || !strings.Contains(ev, tt.ev) {
				t.Errorf("Classify = %q, %q, %q; want %q, %q, containing %q", class, source, ev, tt.class, tt.source, tt.ev)
			}
		})
	}
}
