package analysis

import (
	"math"
	"testing"
	"time"
)

func TestHaversine(t *testing.T) {
	tests := []struct {
		name                   string
		lat1, lon1, lat2, lon2 float64
		want, tol              float64
	}{
		{"same point", 48.2, 16.3, 48.2, 16.3, 0, 1e-9},
		// One degree of latitude on the mean sphere: pi*R/180.
		{"one degree of latitude", 0, 0, 1, 0, math.Pi * EarthRadius / 180, 1e-6},
		// One degree of longitude at 60 degrees is half of one at the equator.
		{"one degree of longitude at 60N", 60, 10, 60, 11, math.Pi * EarthRadius / 180 / 2, 10},
		// Paris - London, about 343.5 km.
		{"paris london", 48.8566, 2.3522, 51.5074, -0.1278, 343500, 1000},
		{"antipodes", 0, 0, 0, 180, math.Pi * EarthRadius, 1e-3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Haversine(tt.lat1, tt.lon1, tt.lat2, tt.lon2)
			if math.Abs(got-tt.want) > tt.tol {
				t.Errorf("Haversine = %.3f m, want %.3f ± %.3f", got, tt.want, tt.tol)
			}
		})
	}
}

// track returns n samples one second apart from t0, moving north at v m/s.
func track(t0 time.Time, n int, v float64) []Sample {
	s := make([]Sample, n)
	dLat := v / (math.Pi * EarthRadius / 180)
	for i := range s {
		s[i] = Sample{
			Time: t0.Add(time.Duration(i) * time.Second), Lat: 45 + float64(i)*dLat, Lon: 7,
			Altitude: math.NaN(), HeartRate: math.NaN(), Cadence: math.NaN(), Speed: math.NaN(),
			Distance: math.NaN(), Power: math.NaN(),
		}
	}
	return s
}

func TestComputeTotalsFromPositions(t *testing.T) {
	t0 := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	s := track(t0, 601, 3) // 10 minutes at 3 m/s
	got := ComputeTotals(s)
	if math.Abs(got.Distance-1800) > 1 {
		t.Errorf("Distance = %.2f, want 1800 ± 1", got.Distance)
	}
	if got.ElapsedTime != 600 || got.MovingTime != 600 {
		t.Errorf("ElapsedTime, MovingTime = %v, %v, want 600, 600", got.ElapsedTime, got.MovingTime)
	}
	if Has(got.AvgHR) || Has(got.MaxHR) || Has(got.Ascent) || Has(got.AvgCadence) {
		t.Errorf("totals without data should be NaN: %+v", got)
	}
}

func TestComputeTotalsPauses(t *testing.T) {
	t0 := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	var s []Sample
	s = append(s, track(t0, 101, 3)...) // 100 s moving
	// Standing still for 30 s at 1 Hz: speed 0.
	last := s[len(s)-1]
	for i := 1; i <= 30; i++ {
		p := last
		p.Time = last.Time.Add(time.Duration(i) * time.Second)
		p.Speed = 0
		s = append(s, p)
	}
	// Auto-pause: a 40 s gap with no distance covered.
	p := s[len(s)-1]
	p.Time = p.Time.Add(40 * time.Second)
	p.Speed = math.NaN()
	s = append(s, p)
	// Smart recording: 20 s gap while moving 60 m (3 m/s): moving.
	p2 := p
	p2.Time = p.Time.Add(20 * time.Second)
	p2.Lat = p.Lat + 60/(math.Pi*EarthRadius/180)
	s = append(s, p2)
	// Watch stopped for 10 minutes, then a far point: a pause whatever the distance.
	p3 := p2
	p3.Time = p2.Time.Add(10 * time.Minute)
	p3.Lat = p2.Lat + 0.05
	s = append(s, p3)

	got := ComputeTotals(s)
	if want := 100.0 + 20; got.MovingTime != want {
		t.Errorf("MovingTime = %v, want %v (100 s run + 20 s smart-recording gap)", got.MovingTime, want)
	}
	if want := 100.0 + 30 + 40 + 20 + 600; got.ElapsedTime != want {
		t.Errorf("ElapsedTime = %v, want %v", got.ElapsedTime, want)
	}
}

func TestComputeTotalsDeviceDistanceAndHR(t *testing.T) {
	t0 := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	s := track(t0, 5, 3)
	for i := range s {
		s[i].Distance = float64(i) * 2.5 // device distance wins over positions
		s[i].HeartRate = []float64{120, 130, math.NaN(), 150, 0}[i]
		s[i].Cadence = []float64{80, 0, 90, math.NaN(), 85}[i]
	}
	got := ComputeTotals(s)
	if got.Distance != 10 {
		t.Errorf("Distance = %v, want the device's 10", got.Distance)
	}
	if got.AvgHR != 400.0/3 || got.MaxHR != 150 {
		t.Errorf("AvgHR, MaxHR = %v, %v, want %v, 150 (NaN and 0 ignored)", got.AvgHR, got.MaxHR, 400.0/3)
	}
	if got.AvgCadence != 85 {
		t.Errorf("AvgCadence = %v, want 85 (zeros ignored)", got.AvgCadence)
	}
}

func TestElevationGain(t *testing.T) {
	alt := func(v ...float64) []Sample {
		s := make([]Sample, len(v))
		for i := range v {
			s[i].Altitude = v[i]
		}
		return s
	}
	tests := []struct {
		name string
		in   []Sample
		want float64
	}{
		{"none", alt(), math.NaN()},
		{"all missing", alt(math.NaN(), math.NaN()), math.NaN()},
		{"flat", alt(100, 100, 100), 0},
		{"noise under the band", alt(100, 102, 100, 102.5, 100, 101), 0},
		{"steady climb", alt(100, 101, 102, 103, 104, 110), 10},
		{"climb, noise, climb", alt(100, 110, 109, 110, 120), 20},
		{"two hills", alt(100, 150, 100, 150), 100},
		{"missing in between", alt(100, math.NaN(), 120), 20},
		{"descent only", alt(200, 150, 100), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ElevationGain(tt.in)
			if Has(got) != Has(tt.want) || (Has(got) && math.Abs(got-tt.want) > 1e-9) {
				t.Errorf("ElevationGain = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestComputeTotalsEmpty(t *testing.T) {
	got := ComputeTotals(nil)
	for name, v := range map[string]float64{"Distance": got.Distance, "MovingTime": got.MovingTime,
		"ElapsedTime": got.ElapsedTime, "Ascent": got.Ascent, "AvgHR": got.AvgHR} {
		if Has(v) {
			t.Errorf("%s = %v for no samples, want NaN", name, v)
		}
	}
}
