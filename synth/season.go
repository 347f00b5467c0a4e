package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/taper-run/taper/analysis"
)

// Breaches are the recovery rules (issue 5) a season breaks on purpose. Each
// switch breaks exactly one rule, obviously, and nothing else.
type Breaches struct {
	RunsDuringRest     bool // rest_window: one easy 6 km run on day 5
	SpeedWorkInReturn  bool // speed_work_early: a 6 x 400 m interval session (about 40 min) on day 16
	RampTooSteep       bool // ramp_cap: recovery week 3 at about 85% of baseline (cap 50%)
	TwoIntervalsInWeek bool // interval_limit: two interval sessions in recovery week 6 (days 37 and 39)
	LongRunEarly       bool // long_run_early: a 65 min easy run on day 15
	HardRideDuringRest bool // hard_cross_training: a 100 min ride on day 6
	RampJump           bool // ramp_jump: recovery week 7 at about 1.6 x week 6
}

// Season is a synthetic athlete's season around a marathon: PreWeeks of
// training (the last 3 a taper, the last of them the race week), the race on
// RaceDate, and PostWeeks of recovery that follow the standard rules of issue
// 5 with a margin, except for the chosen Breaches.
type Season struct {
	Athlete          string
	Zone             *time.Location // nil = UTC
	RaceDate         time.Time      // a Sunday (the plan's weeks run Monday to Sunday); its calendar date is used, in Zone
	Seed             int64
	PreWeeks         int     // default 12, of which the last 3 are a taper
	PostWeeks        int     // default 8
	WeeklyKm         float64 // pre-race baseline, default 50
	NoPreRaceHistory bool    // only the race and what follows it
	Breaches         Breaches
	EveningRuns      bool // runs start at 21:00-23:30 local (local midnight tests)
	DoubleRecord     bool // every run also recorded by a phone: a GPX copy, start shifted by up to 60 s
}

// Planned is one activity of a season's plan.
type Planned struct {
	Spec     Spec
	Day      int    // local days from the race (race day = 0)
	Expected string // ExpectedClass(Spec): analysis.Class* for runs, "" otherwise
	Note     string // why it is there, e.g. "breach rest_window"
}

func (s Season) withDefaults() Season {
	if s.Athlete == "" {
		s.Athlete = "athlete"
	}
	if s.Zone == nil {
		s.Zone = time.UTC
	}
	if s.PreWeeks == 0 {
		s.PreWeeks = 12
	}
	if s.PostWeeks == 0 {
		s.PostWeeks = 8
	}
	if s.WeeklyKm == 0 {
		s.WeeklyKm = 50
	}
	if s.RaceDate.IsZero() {
		s.RaceDate = time.Date(2026, 10, 4, 0, 0, 0, 0, s.Zone)
	}
	y, m, d := s.RaceDate.Date()
	s.RaceDate = time.Date(y, m, d, 0, 0, 0, 0, s.Zone)
	return s
}

// the athlete's paces, derived from the weekly volume and seed
func (s Season) paces() (easy, race float64) {
	rng := newRand(s.Seed, "paces")
	race = 270 + between(rng, -12, 12) - (s.WeeklyKm-50)*0.6
	race = math.Max(210, math.Min(360, race))
	easy = math.Round(race * between(rng, 1.19, 1.24))
	return easy, math.Round(race)
}

// seasonBuilder accumulates a plan.
type seasonBuilder struct {
	s          Season
	rng        *rand.Rand
	easy, race float64
	hrMax      float64
	plan       []Planned
}

// at returns the UTC start of an activity on day d at local hour h (fractional).
func (b *seasonBuilder) at(day int, hour float64) time.Time {
	y, m, dd := b.s.RaceDate.Date()
	mins := int(math.Round(hour * 60))
	return time.Date(y, m, dd+day, mins/60, mins%60, int(b.rng.IntN(60)), 0, b.s.Zone).UTC()
}

// runHour picks a start hour for a run.
func (b *seasonBuilder) runHour(day int, long bool) float64 {
	if b.s.EveningRuns {
		if long {
			return between(b.rng, 21, 21.5)
		}
		return between(b.rng, 21, 23.5)
	}
	if long || b.weekday(day) == time.Saturday || b.weekday(day) == time.Sunday {
		return between(b.rng, 7, 9)
	}
	return between(b.rng, 6, 8)
}

// weekday is the day of the week of local day d.
func (b *seasonBuilder) weekday(d int) time.Weekday { return b.s.RaceDate.AddDate(0, 0, d).Weekday() }

func (b *seasonBuilder) add(day int, k Kind, dur time.Duration, laps LapStyle, note string) *Planned {
	hour := b.runHour(day, k == Long)
	if !k.IsRun() {
		hour = between(b.rng, 12, 18)
	}
	if k == Race || k == HalfRace {
		hour = 8.5
	}
	sp := Spec{
		Kind: k, Start: b.at(day, hour), Zone: b.s.Zone,
		Seed:     b.s.Seed*1_000_003 + int64(day+1000)*17 + int64(len(b.plan)),
		Duration: dur, Laps: laps, EasyPace: b.easy, RacePace: b.race, HRMax: b.hrMax,
		Pauses: b.rng.Float64() < 0.25 && k != Race,
	}
	if k == Intervals {
		sp.RepDistance = []float64{400, 800, 1000}[b.rng.IntN(3)]
	}
	b.plan = append(b.plan, Planned{Spec: sp, Day: day, Expected: ExpectedClass(sp), Note: note})
	return &b.plan[len(b.plan)-1]
}

// easyMinutes is the duration of an easy run of km kilometres.
func (b *seasonBuilder) easyMinutes(km float64) time.Duration {
	return time.Duration(km*b.easy) * time.Second
}

// estKm is the planned distance of a spec, in km.
func estKm(sp Spec) float64 { return resolve(sp).estDist / 1000 }

// Plan returns the whole season, in date order; deterministic for a Seed.
func (s Season) Plan() []Planned {
	s = s.withDefaults()
	b := &seasonBuilder{s: s, rng: newRand(s.Seed, "season")}
	b.easy, b.race = s.paces()
	b.hrMax = math.Round(between(b.rng, 178, 196))
	if !s.NoPreRaceHistory {
		b.preRace()
	}
	b.add(0, Race, 0, AutoLaps, "the marathon")
	b.postRace()
	sort.SliceStable(b.plan, func(i, j int) bool { return b.plan[i].Spec.Start.Before(b.plan[j].Spec.Start) })
	return b.plan
}

// lapStyle picks how a structured session was recorded.
func (b *seasonBuilder) lapStyle() LapStyle {
	switch r := b.rng.Float64(); {
	case r < 0.5:
		return IntensityLaps
	case r < 0.75:
		return ManualLaps
	case r < 0.9:
		return AutoLaps
	}
	return NoLaps
}

func (b *seasonBuilder) easyKind() Kind {
	switch r := b.rng.Float64(); {
	case r < 0.12:
		return Strides
	case r < 0.22:
		return Hills
	case r < 0.32:
		return TrafficStops
	}
	return Easy
}

// preRace lays out PreWeeks of training: Tue quality, Wed easy, Thu tempo or
// progression, Sat easy, Sun long; strength on Mondays, a ride some Fridays.
func (b *seasonBuilder) preRace() {
	s := b.s
	for k := 1; k <= s.PreWeeks; k++ {
		mon := -7*(s.PreWeeks-k) - 6 // local day of the week's Monday
		factor := 1.0
		switch s.PreWeeks - k {
		case 2:
			factor = 0.8
		case 1:
			factor = 0.6
		case 0:
			factor = 0.35
		}
		factor *= between(b.rng, 0.95, 1.05)
		target := s.WeeklyKm * factor
		if s.PreWeeks-k == 0 {
			// race week: short intervals, two easy runs with strides
			p := b.add(mon+1, Intervals, 0, IntensityLaps, "race week sharpening")
			p.Spec.Reps, p.Spec.RepDistance = 4, 1000
			p.Expected = ExpectedClass(p.Spec)
			b.add(mon+3, Easy, b.easyMinutes(math.Max(4, target*0.3)), AutoLaps, "taper")
			b.add(mon+5, Strides, b.easyMinutes(math.Max(4, target*0.2)), AutoLaps, "shake-out")
			continue
		}
		used := 0.0
		q := b.add(mon+1, Intervals, 0, b.lapStyle(), "quality")
		if target < 40 {
			q.Spec.Reps, q.Spec.RepDistance = 6, 400
			q.Expected = ExpectedClass(q.Spec)
		}
		used += estKm(q.Spec)
		kind := Tempo
		if k%2 == 0 || target < 40 {
			kind = Progression
		}
		var q2 *Planned
		if kind == Tempo {
			q2 = b.add(mon+3, Tempo, 0, b.lapStyle(), "quality")
		} else {
			q2 = b.add(mon+3, Progression, b.easyMinutes(target*0.2), AutoLaps, "steady")
		}
		used += estKm(q2.Spec)
		longKm := math.Min(32, target*0.36)
		var l *Planned
		if s.PreWeeks-k == 5 {
			l = b.add(mon+6, HalfRace, 0, AutoLaps, "tune-up half marathon (not the race)")
		} else {
			l = b.add(mon+6, Long, b.easyMinutes(longKm/0.98), AutoLaps, "long run")
		}
		used += estKm(l.Spec)
		rest := math.Max(target-used, 5)
		days := []int{mon + 2, mon + 5}
		switch {
		case rest > 20:
			days = append(days, mon+4)
		case rest < 12:
			days = days[:1]
		}
		for _, d := range days {
			km := rest / float64(len(days))
			b.add(d, b.easyKind(), b.easyMinutes(km), AutoLaps, "easy")
		}
		b.add(mon, Strength, 0, NoLaps, "gym")
		if b.rng.Float64() < 0.3 {
			b.add(mon+4, Ride, time.Duration(between(b.rng, 60, 100))*time.Minute, AutoLaps, "cross-training")
		}
		if b.rng.Float64() < 0.2 {
			b.add(mon+5, Swim, 0, AutoLaps, "cross-training")
		}
	}
}

// recoveryCaps are the standard preset's weekly caps (fractions of baseline).
func recoveryCaps() []float64 { return []float64{0, 0.25, 0.50, 0.75, 1.00} }

// postRace lays out the recovery weeks.
func (b *seasonBuilder) postRace() {
	s, br := b.s, b.s.Breaches
	base := s.WeeklyKm
	// cross-training in the rest window: short and easy
	b.add(2, Walk, 35*time.Minute, AutoLaps, "recovery walk")
	b.add(4, Walk, 40*time.Minute, AutoLaps, "recovery walk")
	b.add(7, Swim, 30*time.Minute, AutoLaps, "recovery swim")
	b.add(9, Ride, 45*time.Minute, AutoLaps, "recovery spin")
	if br.RunsDuringRest {
		b.add(5, Easy, b.easyMinutes(6), AutoLaps, "breach rest_window: a run on day 5")
	}
	if br.HardRideDuringRest {
		b.add(6, Ride, 100*time.Minute, AutoLaps, "breach hard_cross_training: a 100 min ride on day 6")
	}
	var prev float64
	for k := 2; k <= s.PostWeeks; k++ {
		mon := 7*(k-1) + 1
		var target float64
		switch {
		case k <= 5:
			target = 0.8 * recoveryCaps()[k-1] * base
		case k == 6:
			target = math.Min(1.12*prev, 0.95*base)
		default:
			target = math.Min(1.1*prev, 1.0*base)
		}
		if br.RampTooSteep && k == 3 {
			target = 0.85 * base
		}
		if br.RampJump && k == 7 {
			target = 1.6 * prev
		}
		if k >= 3 {
			b.add(mon, Strength, 0, NoLaps, "gym")
			if b.rng.Float64() < 0.4 {
				b.add(mon+4, Ride, time.Duration(between(b.rng, 45, 90))*time.Minute, AutoLaps, "cross-training")
			}
		}
		used := 0.0
		var runs []int // days with a run already
		addRun := func(p *Planned) {
			used += estKm(p.Spec)
			runs = append(runs, p.Day)
		}
		// the return phase: days 11..17
		if k == 3 && br.LongRunEarly {
			addRun(b.add(15, Easy, 65*time.Minute, AutoLaps, "breach long_run_early: 65 min on day 15"))
		}
		if k == 3 && br.SpeedWorkInReturn {
			p := b.add(16, Intervals, 0, IntensityLaps, "breach speed_work_early: intervals on day 16")
			p.Spec.Reps, p.Spec.RepDistance = 6, 400
			p.Expected = ExpectedClass(p.Spec)
			addRun(p)
		}
		// structured sessions from week 4
		if k >= 4 {
			p := b.add(mon+1, Intervals, 0, b.lapStyle(), "quality")
			if k == 4 || target < 40 {
				p.Spec.Reps, p.Spec.RepDistance = 6, 400
				p.Expected = ExpectedClass(p.Spec)
			}
			addRun(p)
			if k == 6 && br.TwoIntervalsInWeek {
				addRun(b.add(mon+3, Intervals, 0, IntensityLaps, "breach interval_limit: second interval session"))
			} else if k >= 6 && target >= 40 {
				addRun(b.add(mon+3, Tempo, 0, b.lapStyle(), "quality"))
			}
		}
		if k >= 5 {
			longKm := math.Min(0.3*target, 30)
			addRun(b.add(mon+6, Long, b.easyMinutes(longKm/0.98), AutoLaps, "long run"))
		}
		// easy runs fill the rest of the week's target
		var free []int
		for d := mon; d < mon+7; d++ {
			if d < 11 || contains(runs, d) {
				continue
			}
			if k >= 4 && d == mon {
				continue
			}
			free = append(free, d)
		}
		rest := target - used
		if rest < 4 || len(free) == 0 {
			prev = used
			continue
		}
		n := int(math.Ceil(rest / 9))
		if k <= 3 {
			n = int(math.Ceil(rest / 6))
		}
		n = min(max(n, 1), len(free))
		// spread over the free days
		for i := 0; i < n; i++ {
			d := free[i*len(free)/n]
			km := rest / float64(n)
			dur := b.easyMinutes(km)
			if d <= 17 && dur > 40*time.Minute {
				dur = 40 * time.Minute
			}
			p := b.add(d, Easy, dur, AutoLaps, "easy")
			if d > 17 {
				p.Spec.Kind = b.easyKind()
				p.Expected = ExpectedClass(p.Spec)
			}
			used += estKm(p.Spec)
		}
		prev = used
	}
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// Activities generates every planned activity (and with DoubleRecord the
// phone's GPX copy of every run, Format "gpx"), in start order.
func (s Season) Activities() []*analysis.Activity { return s.activities(nil) }

// StravaActivities is Activities as a Strava athlete's export holds them
// (see WriteStravaExport): the breaches that a run's totals show (a run
// during the rest window, a long run too early) and the gym sessions are
// entered by hand (Format StravaManual: no file), the other breaches are
// uploaded as TCX (Format StravaTCX), and StravaMix places the rest.
func (s Season) StravaActivities() []*analysis.Activity {
	return StravaMix(s.activities(func(p Planned) string {
		switch {
		case strings.HasPrefix(p.Note, "breach rest_window"), strings.HasPrefix(p.Note, "breach long_run_early"), p.Note == "gym":
			return StravaManual
		case strings.HasPrefix(p.Note, "breach"):
			return StravaTCX
		}
		return ""
	}))
}

// activities generates the plan's activities; format, when not nil, gives
// each watch recording's Format.
func (s Season) activities(format func(Planned) string) []*analysis.Activity {
	s = s.withDefaults()
	var out []*analysis.Activity
	for _, p := range s.Plan() {
		a := Workout(p.Spec)
		a.Athlete = s.Athlete
		if format != nil {
			a.Format = format(p)
		}
		out = append(out, a)
		if s.DoubleRecord && p.Spec.Kind.IsRun() {
			out = append(out, PhoneCopy(a, p.Spec.Seed))
		}
	}
	return out
}

// PhoneCopy returns the same run as a phone app records it: GPX only (no
// cadence, no heart rate, no laps), started up to 60 s later or earlier than
// the watch, with its own GPS noise, so its distance and time differ a little.
func PhoneCopy(a *analysis.Activity, seed int64) *analysis.Activity {
	rng := newRand(seed, "phone")
	shift := time.Duration(rng.IntN(121)-60) * time.Second
	c := *a
	c.ID = a.ID + "-phone"
	c.Format = "gpx"
	c.Device = "phone"
	c.TotalsFrom = "records"
	c.TimeSource = analysis.TZFromGPS
	c.Laps, c.Workout = nil, nil
	c.Start = a.Start.Add(shift)
	c.Samples = make([]analysis.Sample, 0, len(a.Samples))
	var nx, ny float64
	for _, smp := range a.Samples {
		if smp.Time.Before(c.Start) {
			continue
		}
		nx = 0.99*nx + rng.NormFloat64()*0.5
		ny = 0.99*ny + rng.NormFloat64()*0.5
		smp.HeartRate, smp.Cadence, smp.Power = math.NaN(), math.NaN(), math.NaN()
		if analysis.Has(smp.Lat) {
			smp.Lat = roundSemicircle(smp.Lat + ny/111320)
			smp.Lon = roundSemicircle(smp.Lon + nx/(111320*math.Cos(smp.Lat*math.Pi/180)))
		}
		c.Samples = append(c.Samples, smp)
	}
	if shift < 0 {
		// the phone started first: standing still at the start
		first := a.Samples[0]
		pre := make([]analysis.Sample, 0, -int(shift.Seconds()))
		for t := c.Start; t.Before(first.Time); t = t.Add(time.Second) {
			p := first
			p.Time, p.Speed, p.Distance = t, 0, 0
			p.HeartRate, p.Cadence, p.Power = math.NaN(), math.NaN(), math.NaN()
			pre = append(pre, p)
		}
		c.Samples = append(pre, c.Samples...)
	}
	// the phone is stopped a few seconds after the watch
	if n := len(c.Samples); n > 0 {
		last := c.Samples[n-1]
		for i := 1; i <= rng.IntN(20); i++ {
			p := last
			p.Time = last.Time.Add(time.Duration(i) * time.Second)
			p.Speed = 0
			c.Samples = append(c.Samples, p)
		}
	}
	if len(c.Samples) > 0 {
		c.Start = c.Samples[0].Time
		first := c.Samples[0].Distance
		for i := range c.Samples {
			if analysis.Has(c.Samples[i].Distance) {
				c.Samples[i].Distance = math.Round((c.Samples[i].Distance-first)*100) / 100
			}
		}
		p := plan{spec: Spec{Laps: NoLaps}}
		c.Laps = nil
		finish(&c, &p)
		c.Laps = nil
		c.Calories = math.NaN()
	}
	return &c
}

// String describes a planned activity for test failures and debugging.
func (p Planned) String() string {
	return fmt.Sprintf("day %d %s %s %s (%s)", p.Day, p.Spec.Start.In(p.Spec.Zone).Format("Mon 2006-01-02 15:04"),
		p.Spec.Kind, p.Expected, p.Note)
}
