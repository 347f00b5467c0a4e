package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"
)

// The reference implementations below are the straightforward code the
// faster one replaced; the tests require the same bits from both.

func refMedianFilter(v []float64, w int) []float64 {
	out := make([]float64, len(v))
	buf := make([]float64, 0, w)
	h := w / 2
	for i := range v {
		buf = buf[:0]
		for k := max(0, i-h); k <= min(len(v)-1, i+h); k++ {
			buf = append(buf, v[k])
		}
		slices.Sort(buf)
		out[i] = buf[len(buf)/2]
	}
	return out
}

func refMovingAverage(v []float64, w int) []float64 {
	cum := make([]float64, len(v)+1)
	floats.CumSum(cum[1:], v)
	out := make([]float64, len(v))
	h := w / 2
	for i := range v {
		lo, hi := max(0, i-h), min(len(v), i+h+1)
		out[i] = (cum[hi] - cum[lo]) / float64(hi-lo)
	}
	return out
}

func refQuantile(p float64, x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	return stat.Quantile(p, stat.Empirical, s, nil)
}

// oddFloat draws from few distinct values (ties), both zeros, NaNs with
// different payloads and infinities.
func oddFloat(rng *rand.Rand) float64 {
	switch rng.IntN(12) {
	case 0:
		return math.NaN()
	case 1:
		return math.Float64frombits(0x7ff8000000000000 | uint64(rng.IntN(1000)+1)) // another NaN
	case 2:
		return math.Copysign(0, -1)
	case 3:
		return 0
	case 4:
		return math.Inf(1 - 2*rng.IntN(2))
	case 5, 6:
		return float64(rng.IntN(4))
	}
	return rng.NormFloat64() * 3
}

func TestMedianFilterAsSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 300 {
		v := make([]float64, n%40)
		for i := range v {
			v[i] = oddFloat(rng)
			if n%2 == 0 && math.IsNaN(v[i]) { // half without NaN (the fast path)
				v[i] = math.Copysign(0, -1)
			}
		}
		want := refMedianFilter(v, medianWindow)
		got := make([]float64, len(v))
		medianFilter(got, v)
		for i := range v {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("%v: at %d got %v (%#x), want %v (%#x)", v, i, got[i], math.Float64bits(got[i]), want[i], math.Float64bits(want[i]))
			}
		}
		avg := make([]float64, len(v))
		movingAverage(avg, v, 9, make([]float64, len(v)+1))
		if wantAvg := refMovingAverage(v, 9); fmt.Sprint(avg) != fmt.Sprint(wantAvg) {
			t.Fatalf("%v: moving average %v, want %v", v, avg, wantAvg)
		}
	}
}

// TestMedianOfAsSort tries every window of 1 to 5 values drawn from both
// zeros, a number, infinity and two NaNs.
func TestMedianOfAsSort(t *testing.T) {
	vals := []float64{math.Copysign(0, -1), 0, 1, math.Inf(-1), math.NaN(), math.Float64frombits(0x7ff8000000000001)}
	for n := 1; n <= medianWindow; n++ {
		w := make([]float64, n)
		var try func(k int)
		try = func(k int) {
			if k == n {
				sorted := slices.Clone(w)
				slices.Sort(sorted)
				want := math.Float64bits(sorted[n/2])
				if got := math.Float64bits(medianOf(w)); got != want {
					t.Fatalf("medianOf(%v) = %#x, want %#x", w, got, want)
				}
				if n == 5 && !slices.ContainsFunc(w, math.IsNaN) {
					if got := math.Float64bits(median5(w)); got != want {
						t.Fatalf("median5(%v) = %#x, want %#x", w, got, want)
					}
				}
				return
			}
			for _, v := range vals {
				w[k] = v
				try(k + 1)
			}
		}
		try(0)
	}
}

func TestQuantilesAsSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
	for trial := range 2000 {
		n := 1 + rng.IntN(60)
		if trial%10 == 0 {
			n = 1 + rng.IntN(5000)
		}
		x := make([]float64, n)
		for i := range x {
			if trial%3 == 0 {
				x[i] = float64(rng.IntN(7)) // many ties
			} else {
				x[i] = rng.NormFloat64()
			}
		}
		switch trial % 7 {
		case 1:
			slices.Sort(x) // already sorted
		case 2:
			slices.Sort(x)
			slices.Reverse(x)
		case 3:
			x[rng.IntN(n)] = math.NaN()
		case 4: // organ pipe
			slices.Sort(x)
			slices.Reverse(x[n/2:])
		}
		for _, ps := range [][2]float64{{0.5, 0.25}, {0.5, 0.5}, {0.9, 0.1}, {1, 0}, {0.75, 0.01}} {
			wantHi, wantLo := refQuantile(ps[0], x), refQuantile(ps[1], x)
			gotHi, gotLo := quantiles(slices.Clone(x), ps[0], ps[1])
			if !same(gotHi, wantHi) || !same(gotLo, wantLo) {
				t.Fatalf("trial %d, n %d, p %v: got %v %v, want %v %v", trial, n, ps, gotHi, gotLo, wantHi, wantLo)
			}
		}
	}
}

func TestClockAsSub(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	base := time.Date(2026, 3, 29, 0, 59, 58, 0, time.UTC)
	for trial := range 200 {
		ss := make([]Sample, 50)
		for i := range ss {
			t := base.Add(time.Duration(rng.Int64N(int64(48 * time.Hour))))
			switch rng.IntN(20) {
			case 0:
				t = time.Time{}
			case 1:
				t = time.Unix(rng.Int64N(1<<40)-1<<39, int64(rng.IntN(1e9)))
			case 2:
				t = t.In(time.FixedZone("x", 3600))
			case 3:
				t = t.AddDate(300, 0, 0)
			}
			ss[i].Time = t
		}
		if trial%4 == 0 {
			now := time.Now() // monotonic clock readings
			ss[rng.IntN(len(ss))].Time = now
			ss[rng.IntN(len(ss))].Time = now.Add(time.Hour)
		}
		c := newClock(ss)
		for i := range ss {
			for j := range ss {
				if got, want := c.sub(i, j), ss[i].Time.Sub(ss[j].Time); got != want {
					t.Fatalf("trial %d: %v - %v: got %v, want %v", trial, ss[i].Time, ss[j].Time, got, want)
				}
			}
		}
		c.release()
	}
}

func refHRProfile(a *Activity, avgHR, moving float64) HRProfile {
	at := map[float64]float64{}
	for i := 0; i+1 < len(a.Samples); i++ {
		hr := a.Samples[i].HeartRate
		if !Has(hr) || hr <= 0 {
			continue
		}
		dt := a.Samples[i+1].Time.Sub(a.Samples[i].Time).Seconds()
		if dt <= 0 || dt > PauseGap {
			continue
		}
		at[hr] += dt
	}
	p := HRProfile{avgHR: avgHR, moving: moving}
	for hr := range at {
		p.hr = append(p.hr, hr)
	}
	slices.Sort(p.hr)
	p.sec = make([]float64, len(p.hr))
	for i, hr := range p.hr {
		p.sec[i] = at[hr]
	}
	return p
}

// refNewStream is newStream as it was: a time.Time.Sub per use, a fresh
// slice for each step, the moving speeds sorted.
func refNewStream(ss []Sample) *stream {
	if len(ss) < 2 {
		return nil
	}
	t0 := ss[0].Time
	span := ss[len(ss)-1].Time.Sub(t0).Seconds()
	if !(span >= streamMinSeconds) {
		return nil
	}
	n := int(math.Min(span, streamMaxSeconds)) + 1
	raw := make([]float64, n)
	alt := make([]float64, n)
	for i := range raw {
		raw[i], alt[i] = math.NaN(), math.NaN()
	}
	known := 0
	for i := 1; i < len(ss); i++ {
		p, q := ss[i-1], ss[i]
		from := int(math.Round(p.Time.Sub(t0).Seconds()))
		to := int(math.Round(q.Time.Sub(t0).Seconds()))
		if from < 0 || to <= from {
			continue
		}
		if to > n-1 {
			to = n - 1
			if to <= from {
				break
			}
		}
		dt := q.Time.Sub(p.Time).Seconds()
		v := 0.0
		if dt <= PauseGap {
			v = intervalSpeed(&p, &q, dt)
			if v < 0 || v > streamMaxSpeed {
				v = math.NaN()
			}
		}
		for k := from; k < to; k++ {
			raw[k] = v
			if Has(p.Altitude) && Has(q.Altitude) {
				f := float64(k-from) / float64(to-from)
				alt[k] = p.Altitude + f*(q.Altitude-p.Altitude)
			}
		}
		if Has(v) {
			known += to - from
		}
		if i == len(ss)-1 {
			raw[to], alt[to] = v, q.Altitude
		}
	}
	if known < streamMinSeconds {
		return nil
	}
	fillGaps(raw)
	st := &stream{raw: raw, alt: alt, cum: make([]float64, len(raw)+1)}
	floats.CumSum(st.cum[1:], raw)
	st.smooth = refMovingAverage(refMedianFilter(raw, 5), 9)
	var moving []float64
	for _, v := range st.smooth {
		if v >= movingFloor {
			moving = append(moving, v)
		}
	}
	st.moving = len(moving)
	if len(moving) < streamMinSeconds {
		return nil
	}
	slices.Sort(moving)
	if k, _ := slices.BinarySearch(moving, runningFloor); len(moving)-k >= len(moving)/2 {
		moving = moving[k:]
	}
	st.median = stat.Quantile(0.5, stat.Empirical, moving, nil)
	st.quartile = stat.Quantile(0.25, stat.Empirical, moving, nil)
	return st
}

// randomRun records a run with jittered, sometimes sub-second or missing
// times, pauses, walk breaks, GPS spikes, and speed, distance or positions
// missing at random.
func randomRun(rng *rand.Rand, n int) []Sample {
	ss := make([]Sample, 0, n)
	t := time.Date(2026, 10, 4, 8, 0, 0, 0, time.UTC)
	v, alt, dist, lat := 3.0, 100.0, 0.0, 48.0
	for range n {
		step := time.Second
		switch rng.IntN(50) {
		case 0:
			step = time.Duration(2+rng.IntN(30)) * time.Second
		case 1:
			step = time.Duration(rng.IntN(1000)) * time.Millisecond
		}
		t = t.Add(step)
		v = math.Max(0, v+rng.NormFloat64()*0.2)
		if rng.IntN(200) == 0 {
			v = []float64{0.5, 1.2, 2.0, 4.5}[rng.IntN(4)]
		}
		dist += v * step.Seconds()
		alt += rng.NormFloat64() * 0.5
		lat += v * step.Seconds() / 111000
		s := Sample{Time: t, Lat: lat, Lon: 11, Altitude: alt, HeartRate: math.Round(120 + 10*v + rng.NormFloat64()),
			Cadence: 85, Speed: v, Distance: dist, Power: math.NaN()}
		switch rng.IntN(30) {
		case 0:
			s.Speed = math.NaN()
		case 1:
			s.Speed = 40 // GPS spike
		case 2:
			s.Altitude = math.NaN()
		case 3:
			s.HeartRate = 150.5
		case 4:
			s.HeartRate = math.NaN()
		case 5:
			s.Time = time.Time{}
		}
		ss = append(ss, s)
	}
	if rng.IntN(2) == 0 { // no speed: from distance, else positions
		for i := range ss {
			ss[i].Speed = math.NaN()
			if rng.IntN(3) == 0 {
				ss[i].Distance = math.NaN()
			}
		}
	}
	return ss
}

func TestStreamAsBefore(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	digest := func(st *stream) string {
		if st == nil {
			return "nil"
		}
		h := ""
		for _, col := range [][]float64{st.raw, st.cum, st.smooth, st.alt, {st.median, st.quartile, float64(st.moving)}} {
			h += fmt.Sprintf("%x|", col)
		}
		return h
	}
	streams := 0
	for trial := range 60 {
		ss := randomRun(rng, 100+rng.IntN(4000))
		c := newClock(ss)
		got, want := newStream(ss, c), refNewStream(ss)
		c.release()
		if g, w := digest(got), digest(want); g != w {
			t.Fatalf("trial %d: stream differs", trial)
		}
		if got != nil {
			streams++
		}
		a := &Activity{Samples: ss}
		if g, w := fmt.Sprintf("%+v", NewHRProfile(a, 140, 3600)), fmt.Sprintf("%+v", refHRProfile(a, 140, 3600)); g != w {
			t.Fatalf("trial %d: heart-rate profile\n%s\nwant\n%s", trial, g, w)
		}
	}
	if streams < 30 {
		t.Errorf("only %d of 60 random runs gave a stream: the comparison proves little", streams)
	}
}
