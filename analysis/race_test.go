package analysis

import (
	"math"
	"strings"
	"testing"
	"time"
)

// dayRun is a run on a local date (UTC+2, 07:00 local) with a distance (m)
// and moving time (s) and no samples.
func dayRun(id, date string, dist, moving float64) *Activity {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		panic(err)
	}
	return &Activity{ID: id, Sport: SportRunning, Start: d.Add(5 * time.Hour), UTCOffset: 7200,
		Distance: dist, MovingTime: moving, ElapsedTime: moving, Ascent: math.NaN(), AvgHR: math.NaN(), MaxHR: math.NaN()}
}

func TestFindRace(t *testing.T) {
	marathon := dayRun("m", "2026-10-04", 42400, 12600)
	half := dayRun("h", "2026-10-18", 21100, 5400)
	long := dayRun("l", "2026-09-13", 35000, 11000)
	short := dayRun("s", "2026-11-01", 40900, 12600) // just under 42,195 m -3%
	long2 := dayRun("x", "2026-11-08", 43700, 12600) // just over +3.5%
	marathon2 := dayRun("m2", "2026-11-22", 43600, 12600)
	dupe := dayRun("d", "2026-11-29", 42195, 12600)
	dupe.DuplicateOf = "m2"
	ride := dayRun("r", "2026-11-15", 42195, 5000)
	ride.Sport = SportCycling
	morning := dayRun("am", "2026-10-04", 5000, 1500)
	// Late evening at UTC-10: a different local date than in UTC.
	late := dayRun("late", "2026-10-03", 42195, 13000)
	late.UTCOffset = -36000
	late.Start = time.Date(2026, 10, 4, 8, 0, 0, 0, time.UTC) // 22:00 on the 3rd, local
	all := []*Activity{long, marathon, morning, half, short, long2, ride, marathon2, dupe}

	tests := []struct {
		name                 string
		acts                 []*Activity
		asOf, markID, markOn string
		want                 *Activity
		source, reason       string
	}{
		{"most recent marathon", all, "2026-12-01", "", "", marathon2, RaceDistance, ""},
		{"on or before as-of", all, "2026-11-21", "", "", marathon, RaceDistance, ""},
		{"half and long run are not the race", []*Activity{long, half, short, long2}, "2026-12-01", "", "", nil, "",
			"no run between 40.9 and 43.7 km on or before 2026-12-01"},
		{"marked by id", all, "2026-12-01", "h", "", half, RaceMarked, ""},
		{"marked duplicate gives its primary", all, "2026-12-01", "d", "", marathon2, RaceMarked, ""},
		{"marked id unknown", all, "2026-12-01", "nope", "", nil, "", "(nope) is not in the database"},
		{"marked date picks nearest marathon", all, "2026-12-01", "", "2026-10-04", marathon, RaceMarked, ""},
		{"marked date without a run", all, "2026-12-01", "", "2026-10-05", nil, "", "no run on 2026-10-05"},
		{"local date, not UTC", []*Activity{late}, "2026-12-01", "", "2026-10-03", late, RaceMarked, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := FindRace(tt.acts, tt.asOf, tt.markID, tt.markOn)
			if r.Activity != tt.want || r.Source != tt.source || !strings.Contains(r.Reason, tt.reason) || (tt.reason == "") != (r.Reason == "") {
				id := ""
				if r.Activity != nil {
					id = r.Activity.ID
				}
				t.Errorf("FindRace = %q %q %q; want %v %q %q", id, r.Source, r.Reason, tt.want, tt.source, tt.reason)
			}
		})
	}
}

func TestComputeBaseline(t *testing.T) {
	race := dayRun("race", "2026-10-04", 42195, 12600)
	var acts []*Activity
	acts = append(acts, race)
	// Day -77 is 2026-07-19, day -22 is 2026-09-12.
	for _, d := range []string{"2026-07-19", "2026-07-25", "2026-08-01", "2026-08-02", "2026-08-05", "2026-08-08", "2026-08-10", "2026-09-12"} {
		acts = append(acts, dayRun(d, d, 10000, 3000))
	}
	outside := []*Activity{dayRun("early", "2026-07-18", 30000, 9000), dayRun("taper", "2026-09-13", 30000, 9000)}
	dupe := dayRun("dupe", "2026-08-01", 10000, 3000)
	dupe.DuplicateOf = "2026-08-01"
	ride := dayRun("ride", "2026-08-01", 50000, 6000)
	ride.Sport = SportCycling
	acts = append(acts, outside...)
	acts = append(acts, dupe, ride)

	tests := []struct {
		name string
		acts []*Activity
		race *Activity
		s    Settings
		want Baseline
	}{
		{"history distance", acts, race, Settings{}, Baseline{Volume: 10000, Unit: "m", Source: "history", Runs: 8}},
		{"history time", acts, race, Settings{Volume: "time"}, Baseline{Volume: 3000, Unit: "s", Source: "history", Runs: 8}},
		{"too few runs", acts[:4], race, Settings{}, Baseline{Unit: "m", Source: "none", Runs: 3,
			Reason: "only 3 runs between 2026-07-19 and 2026-09-12; import pre-race training or set baseline_km"}},
		{"config stands in", acts[:4], race, Settings{BaselineKm: 55}, Baseline{Volume: 55000, Unit: "m", Source: "config", Runs: 3}},
		{"config overrides history", acts, race, Settings{BaselineKm: 40}, Baseline{Volume: 40000, Unit: "m", Source: "config", Runs: 8}},
		{"config ignored for a time volume", acts, race, Settings{BaselineKm: 40, Volume: "time"}, Baseline{Volume: 3000, Unit: "s", Source: "history", Runs: 8}},
		{"config ignored for a time volume, too few runs", acts[:4], race, Settings{BaselineKm: 40, Volume: "time"}, Baseline{Unit: "s", Source: "none", Runs: 3,
			Reason: "only 3 runs between 2026-07-19 and 2026-09-12; import pre-race training (baseline_km is a distance and does not apply while volume is time)"}},
		{"no race", acts, nil, Settings{}, Baseline{Unit: "m", Source: "none", Reason: "no race, so no pre-race window; mark the race with taper race"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ComputeBaseline(tt.acts, tt.race, tt.s)
			if got != tt.want {
				t.Errorf("ComputeBaseline =\n %+v, want\n %+v", got, tt.want)
			}
		})
	}
}

// TestRaceDistance: a half marathon or an ultra gets a preset scaled to its
// distance, and the report says so; race_distance finds them by distance.
func TestRaceDistance(t *testing.T) {
	s, _ := Preset(PresetStandard)
	half, how := ScaleToRace(s, 21100)
	if half.RestDays != 5 || half.ReturnDays != 4 || len(half.Ramp) != 3 || half.Ramp[1] != 0.5 || half.Weeks != 4 {
		t.Errorf("half: rest %d return %d ramp %v weeks %d", half.RestDays, half.ReturnDays, half.Ramp, half.Weeks)
	}
	if !strings.Contains(how, "half marathon of 21.1 km") || !strings.Contains(how, "one easy day per 3 km") {
		t.Errorf("how: %q", how)
	}
	ultra, _ := ScaleToRace(s, 84000)
	if ultra.RestDays != 20 || ultra.Weeks != 16 || ultra.Validate() != nil {
		t.Errorf("ultra: rest %d weeks %d ramp %v (%v)", ultra.RestDays, ultra.Weeks, ultra.Ramp, ultra.Validate())
	}
	if m, how := ScaleToRace(s, 42500); how != "" || m.RestDays != 10 {
		t.Errorf("marathon scaled: %q", how)
	}
	// a rest_days from taper.toml is kept as given
	s.RestDays, s.Source[KeyRestDays] = 7, "taper.toml [default]"
	if h, _ := ScaleToRace(s, 21100); h.RestDays != 7 {
		t.Errorf("rest_days from the config scaled to %d", h.RestDays)
	}

	// the report of a half marathon: rest 5 days, so a run on day 6 is fine
	st, _ := Preset(PresetStandard)
	race := &Activity{ID: "half", Sport: SportRunning, Start: time.Date(2026, 10, 4, 8, 0, 0, 0, time.UTC),
		Distance: 21100, MovingTime: 5400, Metrics: &Metrics{Distance: 21100, MovingTime: 5400}}
	run := &Activity{ID: "r", Sport: SportRunning, Start: time.Date(2026, 10, 10, 8, 0, 0, 0, time.UTC),
		Distance: 5000, MovingTime: 1800, Metrics: &Metrics{Distance: 5000, MovingTime: 1800, Class: ClassEasy}}
	r := Audit(AuditInput{Athlete: "a", AsOf: "2026-12-01", Settings: st, Race: Race{Activity: race, Source: RaceMarked},
		Baseline: Baseline{Source: BaselineNone}, Activities: []*Activity{race, run}})
	if len(r.Findings) != 0 || r.Race.Kind != RaceHalfMarathon || r.Race.Scaling == "" || len(r.Weeks) != 4 {
		t.Errorf("half report: findings %v kind %q scaling %q weeks %d", r.Findings, r.Race.Kind, r.Race.Scaling, len(r.Weeks))
	}

	// found by distance when race_distance asks for it
	acts := []*Activity{race, run}
	if got := FindRaceKind(acts, "", "", "", RaceHalfMarathon); got.Activity != race {
		t.Errorf("half not found: %s", got.Reason)
	}
	if got := FindRace(acts, "", "", ""); got.Activity != nil || !strings.Contains(got.Reason, "40.9") {
		t.Errorf("marathon search found %v (%s)", got.Activity, got.Reason)
	}
	bad := st
	bad.RaceDistance = "10k"
	if bad.Validate() == nil {
		t.Error("race_distance 10k accepted")
	}
}
