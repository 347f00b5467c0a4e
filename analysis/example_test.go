package analysis_test

import (
	"fmt"
	"math"
	"time"

	"github.com/taper-run/taper/analysis"
)

// run returns a run on a local date (UTC+2) with a distance (m) and a
// moving time (s), as store loads it: totals only.
func run(id, date string, dist, moving float64) *analysis.Activity {
	d, _ := time.Parse(time.DateOnly, date)
	return &analysis.Activity{ID: id, Sport: analysis.SportRunning, Start: d.Add(6 * time.Hour), UTCOffset: 7200,
		Distance: dist, MovingTime: moving, ElapsedTime: moving, Ascent: math.NaN(), AvgHR: math.NaN(), MaxHR: math.NaN()}
}

func ExampleFindRace() {
	acts := []*analysis.Activity{
		run("a", "2026-09-13", 35000, 11000), // a long run
		run("b", "2026-10-04", 42480, 12700), // the marathon
		run("c", "2026-10-18", 21150, 5500),  // a half marathon
	}
	r := analysis.FindRace(acts, "2026-12-01", "", "")
	fmt.Println(r.Activity.ID, r.Source)
	r = analysis.FindRace(acts[:1], "2026-12-01", "", "")
	fmt.Println(r.Reason)
	// Output:
	// b distance
	// no run between 40.9 and 43.7 km on or before 2026-12-01; mark the race with taper race --date YYYY-MM-DD
}

func ExampleComputeBaseline() {
	race := run("race", "2026-10-04", 42195, 12600)
	acts := []*analysis.Activity{race,
		run("1", "2026-07-20", 10000, 3000), run("2", "2026-08-03", 12000, 3600), run("3", "2026-09-12", 8000, 2400)}
	b := analysis.ComputeBaseline(acts, race, analysis.Settings{})
	fmt.Println(b.Source, b.Runs, b.Reason)
	b = analysis.ComputeBaseline(acts, race, analysis.Settings{BaselineKm: 50})
	fmt.Println(b.Source, b.Volume, b.Unit)
	// Output:
	// none 3 only 3 runs between 2026-07-19 and 2026-09-12; import pre-race training or set baseline_km
	// config 50000 m
}

func ExampleClassify() {
	// 15 min easy, 6 x (3 min fast, 2 min jog), 10 min easy, at 1 Hz.
	a := &analysis.Activity{Sport: analysis.SportRunning, Distance: math.NaN(), MovingTime: math.NaN(),
		Ascent: math.NaN(), AvgHR: math.NaN(), MaxHR: math.NaN()}
	start := time.Date(2026, 9, 6, 7, 0, 0, 0, time.UTC)
	dist, t := 0.0, 0
	add := func(secs int, speed float64) {
		for range secs {
			dist += speed
			a.Samples = append(a.Samples, analysis.Sample{Time: start.Add(time.Duration(t) * time.Second),
				Lat: math.NaN(), Lon: math.NaN(), Altitude: math.NaN(), HeartRate: math.NaN(), Cadence: math.NaN(),
				Speed: speed, Distance: dist, Power: math.NaN()})
			t++
		}
	}
	add(900, 3.0)
	for range 6 {
		add(180, 4.5)
		add(120, 2.5)
	}
	add(600, 3.0)
	fmt.Println(analysis.Classify(a, 270, analysis.Settings{}))
	// Output:
	// interval stream intervals (stream): 6 work bouts 3:00-3:02 at 3:42-3:43/km, recoveries 6:40/km avg
}
