package analysis

import (
	"encoding/binary"
	"math"
	"testing"
	"time"
)

// FuzzClassify builds a run from arbitrary bytes (see fuzzActivity) and
// checks that Analyze never panics and always gives a run class with its
// source and evidence.
func FuzzClassify(f *testing.F) {
	f.Add([]byte{1, 10, 0, 0, 1, 20, 0, 0, 1, 30, 0, 0})
	f.Add([]byte{255, 255, 255, 255, 0, 0, 0, 0, 1, 1, 1, 1, 200, 200, 200, 200})
	seed := make([]byte, 0, 4*600)
	for i := range 600 {
		v := byte(30)
		if i/60%2 == 1 {
			v = 45
		}
		seed = append(seed, 1, v, byte(i), 0)
	}
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, _ := AnalyzeProfile(fuzzActivity(data), Settings{ThresholdPace: 300}, 190, 0)
		switch m.Class {
		case ClassInterval, ClassTempo, ClassLong, ClassEasy:
		default:
			t.Fatalf("class %q", m.Class)
		}
		if m.Evidence == "" || m.ClassSource == "" {
			t.Fatalf("no evidence or source: %+v", m)
		}
	})
}

// fuzzActivity decodes 4 bytes a sample: the time step (s, signed), the
// speed (dm/s, also the heart rate - 60), the altitude and flags (which
// channels are missing, whether a lap starts here and its intensity).
func fuzzActivity(data []byte) *Activity {
	a := &Activity{Sport: SportRunning, Start: t0, Distance: math.NaN(), MovingTime: math.NaN(),
		ElapsedTime: math.NaN(), Ascent: math.NaN(), AvgHR: math.NaN(), MaxHR: math.NaN()}
	at, dist := t0, 0.0
	for i := 0; i+4 <= len(data); i += 4 {
		step, v, alt, flags := data[i], data[i+1], data[i+2], data[i+3]
		at = at.Add(time.Duration(int8(step)) * time.Second)
		s := Sample{Time: at, Lat: math.NaN(), Lon: math.NaN(), Altitude: float64(alt), HeartRate: float64(v) + 60,
			Cadence: math.NaN(), Speed: float64(v) / 10, Distance: math.NaN(), Power: math.NaN()}
		dist += s.Speed
		if flags&1 != 0 {
			s.Speed = math.NaN()
		}
		if flags&2 != 0 {
			s.Distance = dist
		}
		if flags&4 != 0 {
			s.Lat, s.Lon = 48+dist/111195, 2
		}
		if flags&8 != 0 {
			s.Altitude = math.NaN()
		}
		if flags&16 != 0 {
			a.Laps = append(a.Laps, Lap{Start: at, ElapsedTime: float64(step), MovingTime: float64(v), Distance: float64(alt) * 10,
				Intensity: []string{"", "active", "rest", "warmup"}[flags>>5&3], Trigger: "manual", AvgSpeed: math.NaN()})
		}
		a.Samples = append(a.Samples, s)
	}
	if len(data) >= 8 {
		a.Workout = []WorkoutStep{{Index: 0, Intensity: "active", RepeatFrom: -1},
			{Index: 1, RepeatFrom: int(binary.LittleEndian.Uint16(data)) % 3, RepeatCount: int(data[2])}}
	}
	return a
}
