package synth

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
)

// localDay is the activity's local calendar day relative to race day.
func localDay(a *analysis.Activity, race time.Time) int {
	y, m, d := a.LocalStart().Date()
	ry, rm, rd := race.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(time.Date(ry, rm, rd, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

// violations applies issue 5's standard rules to a generated season, with
// the generator's own ground-truth classes, and returns the rule ids broken
// (sorted, each once) plus a line per finding for failure messages.
func violations(t *testing.T, s Season) ([]string, []string) {
	t.Helper()
	s = s.withDefaults()
	plan := s.Plan()
	acts := s.Activities()
	if s.DoubleRecord {
		var watch []*analysis.Activity
		for _, a := range acts {
			if a.Format != "gpx" {
				watch = append(watch, a)
			}
		}
		acts = watch
	}
	if len(acts) != len(plan) {
		t.Fatalf("%d activities for %d planned", len(acts), len(plan))
	}
	var rules, why []string
	found := func(rule, format string, args ...any) {
		if !slices.Contains(rules, rule) {
			rules = append(rules, rule)
		}
		why = append(why, rule+": "+fmt.Sprintf(format, args...))
	}
	baseline := 0.0
	week := map[int]float64{}
	intervals := map[int]int{}
	for i, a := range acts {
		p := plan[i]
		day := localDay(a, s.RaceDate)
		if day != p.Day {
			t.Errorf("%v: local day %d, planned %d", p, day, p.Day)
		}
		if !a.IsRun() {
			if day >= 1 && day <= 10 && a.MovingTime > 60*60 {
				found("hard_cross_training", "%v: %.0f min", p, a.MovingTime/60)
			}
			continue
		}
		if day >= -77 && day <= -22 {
			baseline += a.Distance / 8
		}
		if day < 1 {
			continue
		}
		k := (day-1)/7 + 1
		week[k] += a.Distance
		switch {
		case day <= 10:
			found("rest_window", "%v", p)
		case day <= 17:
			if p.Expected == analysis.ClassInterval || p.Expected == analysis.ClassTempo {
				found("speed_work_early", "%v", p)
			}
			if a.MovingTime > 45*60 {
				found("long_run_early", "%v: %.0f min", p, a.MovingTime/60)
			}
		default:
			if p.Expected == analysis.ClassInterval {
				intervals[k]++
				if intervals[k] > 1 {
					found("interval_limit", "%v", p)
				}
			}
		}
	}
	if !s.NoPreRaceHistory && (baseline < 0.85*s.WeeklyKm*1000 || baseline > 1.15*s.WeeklyKm*1000) {
		t.Errorf("baseline %.1f km, asked for %.0f km a week", baseline/1000, s.WeeklyKm)
	}
	if baseline > 0 {
		caps := recoveryCaps()
		for k := 2; k <= 5; k++ {
			if week[k] > caps[k-1]*baseline {
				found("ramp_cap", "week %d: %.1f km > cap %.1f km", k, week[k]/1000, caps[k-1]*baseline/1000)
			} else if week[k] > 0.97*caps[k-1]*baseline {
				t.Errorf("week %d: %.1f km is within 3%% of the cap %.1f km: no margin", k, week[k]/1000, caps[k-1]*baseline/1000)
			}
		}
		for k := 6; k <= s.PostWeeks; k++ {
			if week[k-1] >= 0.25*baseline && week[k] > 1.3*week[k-1] {
				found("ramp_jump", "week %d: %.1f km after %.1f km", k, week[k]/1000, week[k-1]/1000)
			}
		}
	}
	slices.Sort(rules)
	return rules, why
}

func TestSeasonBreaches(t *testing.T) {
	tokyo, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		t.Skipf("no tz database: %v", err)
	}
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skipf("no tz database: %v", err)
	}
	race := time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		season Season
		want   []string
	}{
		{"compliant", Season{Seed: 1}, nil},
		{"compliant-30km", Season{Seed: 2, WeeklyKm: 30}, nil},
		{"compliant-80km", Season{Seed: 3, WeeklyKm: 80}, nil},
		{"compliant-evening-auckland", Season{Seed: 4, Zone: tokyo, EveningRuns: true, RaceDate: race}, nil},
		{"compliant-double-la", Season{Seed: 5, Zone: la, DoubleRecord: true, RaceDate: race}, nil},
		{"no-history", Season{Seed: 6, NoPreRaceHistory: true}, nil},
		{"rest_window", Season{Seed: 7, Breaches: Breaches{RunsDuringRest: true}}, []string{"rest_window"}},
		{"hard_cross_training", Season{Seed: 8, Breaches: Breaches{HardRideDuringRest: true}}, []string{"hard_cross_training"}},
		{"speed_work_early", Season{Seed: 9, Breaches: Breaches{SpeedWorkInReturn: true}}, []string{"speed_work_early"}},
		{"long_run_early", Season{Seed: 10, Breaches: Breaches{LongRunEarly: true}}, []string{"long_run_early"}},
		{"ramp_cap", Season{Seed: 11, Breaches: Breaches{RampTooSteep: true}}, []string{"ramp_cap"}},
		{"ramp_jump", Season{Seed: 12, Breaches: Breaches{RampJump: true}}, []string{"ramp_jump"}},
		{"interval_limit", Season{Seed: 13, Breaches: Breaches{TwoIntervalsInWeek: true}}, []string{"interval_limit"}},
		{"all", Season{Seed: 14, Breaches: Breaches{RunsDuringRest: true, HardRideDuringRest: true, SpeedWorkInReturn: true,
			LongRunEarly: true, RampTooSteep: true, RampJump: true, TwoIntervalsInWeek: true}},
			[]string{"hard_cross_training", "interval_limit", "long_run_early", "ramp_cap", "ramp_jump", "rest_window", "speed_work_early"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, why := violations(t, c.season)
			if !slices.Equal(got, c.want) {
				t.Errorf("rules broken %v, want %v:", got, c.want)
				for _, w := range why {
					t.Log(w)
				}
			}
		})
	}
}

func TestSeasonPlanShape(t *testing.T) {
	s := Season{Seed: 42, Athlete: "alice"}
	plan := s.Plan()
	if !slices.EqualFunc(plan, s.Plan(), func(a, b Planned) bool { return reflect.DeepEqual(a.Spec, b.Spec) && a.Note == b.Note }) {
		t.Fatal("two plans with the same seed differ")
	}
	races, halves, runs := 0, 0, 0
	for i, p := range plan {
		if i > 0 && p.Spec.Start.Before(plan[i-1].Spec.Start) {
			t.Errorf("plan not in start order at %v", p)
		}
		if p.Spec.Kind.IsRun() {
			runs++
		}
		switch p.Spec.Kind {
		case Race:
			races++
			if p.Day != 0 || p.Expected != analysis.ClassRace {
				t.Errorf("race planned as %v", p)
			}
		case HalfRace:
			halves++
		}
		if p.Day < -83 || p.Day > 56 {
			t.Errorf("%v outside 12 weeks before and 8 after", p)
		}
	}
	if races != 1 || halves != 1 || runs < 60 {
		t.Errorf("%d races, %d half marathons, %d runs", races, halves, runs)
	}
	for _, p := range (Season{Seed: 42, EveningRuns: true}).Plan() {
		if h := p.Spec.Start.In(p.Spec.Zone).Hour(); p.Spec.Kind.IsRun() && p.Spec.Kind != Race && p.Spec.Kind != HalfRace && h < 21 {
			t.Errorf("evening season: %v starts at %d h", p, h)
		}
	}
}

func TestPhoneCopy(t *testing.T) {
	s := Spec{Kind: Easy, Start: time.Date(2026, 9, 6, 7, 0, 0, 0, time.UTC), Seed: 3}
	a := Workout(s)
	for seed := int64(0); seed < 20; seed++ {
		c := PhoneCopy(a, seed)
		if d := c.Start.Sub(a.Start); d < -60*time.Second || d > 60*time.Second {
			t.Errorf("seed %d: start shifted by %v", seed, d)
		}
		if c.Format != "gpx" || analysis.Has(c.Samples[10].HeartRate) || len(c.Laps) != 0 {
			t.Errorf("seed %d: copy is not a bare phone GPX", seed)
		}
		if r := c.Distance / a.Distance; r < 0.95 || r > 1.05 {
			t.Errorf("seed %d: distance %.0f vs %.0f", seed, c.Distance, a.Distance)
		}
		if r := c.MovingTime / a.MovingTime; r < 0.95 || r > 1.05 {
			t.Errorf("seed %d: time %.0f vs %.0f", seed, c.MovingTime, a.MovingTime)
		}
	}
}
