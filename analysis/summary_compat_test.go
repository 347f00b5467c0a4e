package analysis_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
)

// compatActivity is a run recorded with everything the summary encoding
// has cases for: sub-second and missing times, a pause, speeds and
// altitudes that are and are not whole mm/s and dm, missing values, and
// heart rates whole and not.
func compatActivity() *analysis.Activity {
	start := time.Date(2025, 10, 26, 0, 59, 30, 0, time.UTC)
	a := &analysis.Activity{ID: "compat", Sport: analysis.SportRunning, Start: start,
		Distance: math.NaN(), MovingTime: math.NaN(), ElapsedTime: math.NaN(), Ascent: math.NaN(), AvgHR: math.NaN(), MaxHR: math.NaN()}
	t := start
	for i := range 400 {
		step := time.Second
		switch {
		case i == 200:
			step = 95 * time.Second // a pause
		case i%17 == 0:
			step = 1300 * time.Millisecond
		}
		t = t.Add(step)
		s := analysis.Sample{Time: t, Lat: math.NaN(), Lon: math.NaN(), Distance: math.NaN(), Power: math.NaN(), Cadence: 88,
			Speed:     2.5 + float64((i*37)%23)/10 + float64(i%5)*0.001,
			Altitude:  100 + float64((i*13)%29)/10,
			HeartRate: float64(130 + (i*7)%40)}
		switch {
		case i%31 == 0:
			s.Speed = math.NaN()
		case i%29 == 0:
			s.Speed = 3.0 + 1.0/3 // not whole mm/s
		case i%43 == 0:
			s.Altitude = math.NaN()
		case i%41 == 0:
			s.Altitude = 101.23456
		case i%37 == 0:
			s.HeartRate = 150.5
		case i%101 == 0:
			s.Time = time.Time{}
		}
		a.Samples = append(a.Samples, s)
	}
	return a
}

// TestSummaryCompat decodes a summary the first release with summaries
// (SummaryVersion 1) encoded from compatActivity, and requires the same
// bytes from NewSummary now, and the same samples from decoding them as
// from the summary made in memory.
func TestSummaryCompat(t *testing.T) {
	a := compatActivity()
	path := filepath.Join("testdata", "summary-v1.bin")
	if os.Getenv("TAPER_WRITE_SUMMARY_FIXTURE") != "" {
		data, err := analysis.NewSummary(a).MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stored, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := analysis.NewSummary(a)
	data, err := sum.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, stored) {
		t.Errorf("NewSummary encodes %d bytes, not the %d bytes of %s", len(data), len(stored), path)
	}
	dec, err := analysis.UnmarshalSummary(stored)
	if err != nil {
		t.Fatal(err)
	}
	header := *a
	header.Samples = nil
	got, want := dec.Activity(&header).Samples, sum.Activity(&header).Samples
	if len(got) != len(want) || len(got) != len(a.Samples) {
		t.Fatalf("%d samples decoded, %d in memory, want %d", len(got), len(want), len(a.Samples))
	}
	bits := math.Float64bits
	for i := range got {
		g, w := got[i], want[i]
		if !g.Time.Equal(w.Time) || g.Time.IsZero() != a.Samples[i].Time.IsZero() || bits(g.Speed) != bits(w.Speed) || bits(g.Altitude) != bits(w.Altitude) ||
			bits(g.HeartRate) != bits(math.NaN()) {
			t.Fatalf("sample %d decoded %+v, want %+v", i, g, w)
		}
	}
	if g, w := dec.Profile(), sum.Profile(); !equalProfiles(g, w) {
		t.Errorf("profile decoded %+v, want %+v", g, w)
	}
}

func equalProfiles(a, b analysis.HRProfile) bool {
	// HRProfile has no exported fields: compare the zones and TRIMP.
	for _, max := range []float64{170, 185, 200} {
		var ma, mb analysis.Metrics
		analysis.ApplyHRMax(&ma, a, analysis.Settings{HRMax: max, HRRest: 50}, math.NaN())
		analysis.ApplyHRMax(&mb, b, analysis.Settings{HRMax: max, HRRest: 50}, math.NaN())
		if ma.ZoneSeconds != mb.ZoneSeconds || math.Float64bits(ma.TRIMP) != math.Float64bits(mb.TRIMP) {
			return false
		}
	}
	return true
}
