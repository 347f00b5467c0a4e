package analysis

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestAnalyzeMetrics(t *testing.T) {
	a := buildRun([]seg{{1800, 3.0, 10}, {120, 0, 0}, {1800, 3.0, -10}}, 0, 1)
	for i := range a.Samples {
		a.Samples[i].HeartRate = 150
	}
	m, _ := AnalyzeProfile(a, Settings{HRMax: 190}, 0, 0)
	if got := m.MovingTime; math.Abs(got-3600) > 2 {
		t.Errorf("MovingTime = %v, want 3600 (the 2 min stop excluded)", got)
	}
	if got := m.Distance; math.Abs(got-10800) > 1 {
		t.Errorf("Distance = %v, want 10800", got)
	}
	if got, want := m.Pace, m.MovingTime/10.8; math.Abs(got-want) > 0.01 {
		t.Errorf("Pace = %v, want %v", got, want)
	}
	// 150 bpm of 190 is 79% HRmax: zone 3 (70-80%), for the whole recording.
	if got := m.ZoneSeconds[2]; math.Abs(got-3719) > 1 {
		t.Errorf("ZoneSeconds = %v, want 3719 s in zone 3", m.ZoneSeconds)
	}
	hrr := (150.0 - 50) / (190 - 50)
	want := 3719.0 / 60 * hrr * 0.64 * math.Exp(1.92*hrr)
	if math.Abs(m.TRIMP-want) > 0.01 {
		t.Errorf("TRIMP = %v, want %v", m.TRIMP, want)
	}
	if m.HRMax != 190 || m.AvgHR != 150 || m.MaxHR != 150 {
		t.Errorf("HRMax, AvgHR, MaxHR = %v, %v, %v; want 190, 150, 150", m.HRMax, m.AvgHR, m.MaxHR)
	}
	if m.Class != ClassEasy || m.Version != AnalysisVersion {
		t.Errorf("Class, Version = %q, %d", m.Class, m.Version)
	}
	// Resting HR from the settings, HRmax observed.
	m, _ = AnalyzeProfile(a, Settings{HRRest: 60}, 180, 0)
	hrr = (150.0 - 60) / (180 - 60)
	if want := 3719.0 / 60 * hrr * 0.64 * math.Exp(1.92*hrr); math.Abs(m.TRIMP-want) > 0.01 || m.HRMax != 180 {
		t.Errorf("TRIMP, HRMax = %v, %v; want %v, 180", m.TRIMP, m.HRMax, want)
	}
	// A one-second strap spike is not the activity's max.
	spiky := buildRun([]seg{{600, 3.0, 0}}, 0, 1)
	for i := range spiky.Samples {
		spiky.Samples[i].HeartRate = 150
	}
	spiky.Samples[300].HeartRate = 205
	if m, _ := AnalyzeProfile(spiky, Settings{}, 190, 0); m.MaxHR != 150 {
		t.Errorf("MaxHR with a spike = %v, want 150", m.MaxHR)
	}
	// No HRmax at all: no zones, no TRIMP.
	m, _ = AnalyzeProfile(a, Settings{}, math.NaN(), 0)
	if Has(m.TRIMP) || Has(m.HRMax) || m.ZoneSeconds != [5]float64{} {
		t.Errorf("without HRmax: TRIMP %v, HRMax %v, zones %v; want NaN, NaN, zero", m.TRIMP, m.HRMax, m.ZoneSeconds)
	}
}

func TestAnalyzeNonRun(t *testing.T) {
	a := buildRun([]seg{{3600, 8.0, 0}}, 0, 1)
	a.Sport = SportCycling
	m, _ := AnalyzeProfile(a, Settings{}, 185, 0)
	if m.Class != "" || Has(m.Pace) {
		t.Errorf("ride: Class %q, Pace %v; want no class and no pace", m.Class, m.Pace)
	}
}

func TestObservedHRMax(t *testing.T) {
	asOf := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	run := func(start time.Time, hrs ...float64) *Activity {
		a := &Activity{Sport: SportRunning, Start: start, MaxHR: math.NaN()}
		for i, hr := range hrs {
			a.Samples = append(a.Samples, Sample{Time: start.Add(time.Duration(i) * time.Second), HeartRate: hr})
		}
		return a
	}
	tests := []struct {
		name string
		acts []*Activity
		want float64
	}{
		{"sustained", []*Activity{run(asOf.AddDate(0, -2, 0), 170, 185, 186, 187, 186, 185, 185, 170)}, 185},
		{"spike rejected", []*Activity{run(asOf.AddDate(0, -2, 0), 170, 171, 240, 171, 172, 171, 170, 170, 170, 170)}, 170},
		{"one-sample peak rejected", []*Activity{run(asOf.AddDate(0, -2, 0), 170, 170, 170, 170, 170, 199, 170, 170)}, 170},
		{"older than a year", []*Activity{run(asOf.AddDate(-1, 0, -1), 190, 190, 190, 190, 190, 190, 190)}, math.NaN()},
		{"after as-of", []*Activity{run(asOf.Add(time.Hour), 190, 190, 190, 190, 190, 190, 190)}, math.NaN()},
		{"too low to be a max", []*Activity{run(asOf.AddDate(0, -1, 0), 110, 110, 110, 110, 110, 110, 110)}, math.NaN()},
		{"session max without samples", []*Activity{{Sport: SportRunning, Start: asOf.AddDate(0, -1, 0), MaxHR: 181}}, 181},
		{"analysed max without samples", []*Activity{{Sport: SportRunning, Start: asOf.AddDate(0, -1, 0), MaxHR: 215, Metrics: &Metrics{MaxHR: 184}}}, 184},
		{"implausible session max", []*Activity{{Sport: SportRunning, Start: asOf.AddDate(0, -1, 0), MaxHR: 235}}, math.NaN()},
		{"not a run", []*Activity{{Sport: SportTraining, Start: asOf.AddDate(0, -1, 0), MaxHR: 181}}, math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ObservedHRMax(tt.acts, asOf)
			if got != tt.want && (Has(got) || Has(tt.want)) {
				t.Errorf("ObservedHRMax = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFindAndMarkRace(t *testing.T) {
	race := buildRun([]seg{{10800, 3.9, 0}}, 0, 1) // 42.1 km
	race.ID = "race"
	easy := buildRun([]seg{{2700, 3.0, 0}}, 0, 2)
	easy.ID = "easy"
	easy.Start = race.Start.AddDate(0, 0, 3)
	for _, a := range []*Activity{race, easy} {
		a.Metrics, _ = AnalyzeProfile(a, Settings{}, 190, 0)
	}
	r := FindRace([]*Activity{race, easy}, "2026-12-01", "", "")
	MarkRace(race.Metrics, r)
	if r.Activity != race || r.Source != RaceDistance {
		t.Fatalf("race = %+v, want the 42 km run by distance", r)
	}
	if race.Metrics.Class != ClassRace || race.Metrics.ClassSource != RaceDistance ||
		!strings.HasPrefix(race.Metrics.Evidence, "race (nearest marathon distance): 42.12 km in 2:59:59") {
		t.Errorf("race metrics: %q %q %q", race.Metrics.Class, race.Metrics.ClassSource, race.Metrics.Evidence)
	}
	if easy.Metrics == nil || easy.Metrics.Class != ClassEasy {
		t.Errorf("easy run not analysed: %+v", easy.Metrics)
	}
}
