// Package synth generates realistic synthetic athletes: 1 Hz activities,
// whole seasons around a marathon, and the FIT, GPX and bulk-export files a
// watch platform would hand out for them.
package synth

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/taper-run/taper/analysis"
)

// Kind is the kind of session to generate.
type Kind string

// The kinds of session the generator knows.
const (
	Easy         Kind = "easy"
	Long         Kind = "long"
	Tempo        Kind = "tempo"
	Intervals    Kind = "intervals"
	Progression  Kind = "progression"
	Strides      Kind = "strides"
	Race         Kind = "race"
	HalfRace     Kind = "half_race"
	Hills        Kind = "hills"
	TrafficStops Kind = "traffic_stops"
	Walk         Kind = "walk"
	Ride         Kind = "ride"
	Swim         Kind = "swim"
	Strength     Kind = "strength"
	// RunWalk alternates 1-4 minutes of easy running with 1-2 minutes of
	// walking: a return-to-running session, easy (or long), never intervals.
	RunWalk Kind = "run_walk"
)

// Kinds lists every Kind: the first runs, the other sports, then the kinds
// added later (appended, so the position of every older kind stays).
func Kinds() []Kind {
	return []Kind{Easy, Long, Tempo, Intervals, Progression, Strides, Race, HalfRace, Hills, TrafficStops, Walk, Ride, Swim, Strength, RunWalk}
}

// IsRun reports whether k is a running kind.
func (k Kind) IsRun() bool {
	switch k {
	case Walk, Ride, Swim, Strength:
		return false
	}
	return true
}

// LapStyle is how the watch split the activity into laps.
type LapStyle int

// Lap styles.
const (
	AutoLaps      LapStyle = iota // 1 km auto laps (trigger distance)
	IntensityLaps                 // one lap per workout step, with intensity, plus workout_step messages
	ManualLaps                    // lap button at each change of effort, no intensity
	NoLaps                        // no lap messages at all: the record stream only
)

// String returns the lap style's name.
func (l LapStyle) String() string {
	switch l {
	case AutoLaps:
		return "auto"
	case IntensityLaps:
		return "intensity"
	case ManualLaps:
		return "manual"
	case NoLaps:
		return "none"
	}
	return fmt.Sprintf("LapStyle(%d)", int(l))
}

// Recovery is how an interval session recovers between repetitions.
type Recovery int

// Recovery styles.
const (
	JogRecovery   Recovery = iota // jogging 200 or 400 m at easy pace x 1.09 (the default)
	WalkRecovery                  // walking 90 s to 2:30 at about 5 km/h
	StandRecovery                 // standing still 60 to 120 s
)

// Spec describes one activity to generate. Zero values pick defaults.
type Spec struct {
	Kind        Kind
	Start       time.Time      // UTC; truncated to whole seconds; zero = 2026-09-06 07:00 UTC
	Zone        *time.Location // the athlete's zone; nil = UTC
	Seed        int64
	Duration    time.Duration // target moving time; 0 = the kind's default (picked from Seed)
	Reps        int           // intervals: number of repetitions (0 = from Seed)
	RepDistance float64       // intervals: m per repetition (0 = from Seed: 400, 800 or 1000)
	Laps        LapStyle
	EasyPace    float64  // s/km; 0 = 330
	RacePace    float64  // marathon pace, s/km; 0 = 270
	HRMax       float64  // bpm; 0 = 188
	HRRest      float64  // bpm; 0 = 48
	Pauses      bool     // auto-pause gaps at stops and one watch stop/start
	Recovery    Recovery // intervals: how the repetitions recover (zero = jogging)
	// RepMinutes, when set, makes the intervals timed repetitions of these
	// minutes (e.g. 4, 4, 4, 4, 4 or a 1-2-3-2-1 pyramid, the shorter ones
	// faster) with jog recoveries of half the repetition (at least 1 min);
	// Reps and RepDistance are then ignored.
	RepMinutes []float64
	// RepShape is how the pace moves within each repetition (zero = even).
	RepShape RepShape
}

// RepShape is how an interval repetition is paced.
type RepShape int

// Repetition shapes.
const (
	EvenReps        RepShape = iota // the same pace throughout (small noise)
	ProgressiveReps                 // speeding up through each repetition by about 15%
	FadingReps                      // slowing down through each repetition by about 15%
	HillyReps                       // each repetition starting up a slope: its first third 12% slower, the rest 4% faster
)

// String returns the shape's name.
func (r RepShape) String() string {
	return [...]string{"even", "progressive", "fading", "hilly"}[r]
}

// segment is one piece of a planned session.
type segment struct {
	dur        float64 // s of moving time (when dist == 0)
	dist       float64 // m (when > 0)
	pace0      float64 // s/km at the start; 0 = standing still
	pace1      float64 // s/km at the end (progression); 0 = pace0
	intensity  string  // FIT intensity of the step
	step       int     // workout step index, -1 when none
	lap        bool    // a new lap starts here (intensity and manual laps)
	stop       bool    // standing still (traffic light)
	watchPause bool    // watch stopped: no records
}

// plan is a resolved Spec: defaults filled and segments laid out.
type plan struct {
	spec     Spec
	sport    string
	subSport string
	segs     []segment
	steps    []analysis.WorkoutStep
	moving   float64 // s, expected moving time
	estDist  float64 // m, expected distance
	hilly    bool

	// filled while simulating: the sample index where each lap starts and
	// the segment it starts with
	lapIndexes, lapSegs []int
}

func (s Spec) withDefaults() Spec {
	if s.EasyPace == 0 {
		s.EasyPace = 330
	}
	if s.RacePace == 0 {
		s.RacePace = 270
	}
	if s.HRMax == 0 {
		s.HRMax = 188
	}
	if s.HRRest == 0 {
		s.HRRest = 48
	}
	if s.Zone == nil {
		s.Zone = time.UTC
	}
	if s.Kind == "" {
		s.Kind = Easy
	}
	if s.Start.IsZero() {
		s.Start = time.Date(2026, 9, 6, 7, 0, 0, 0, time.UTC)
	}
	s.Start = s.Start.UTC().Truncate(time.Second)
	return s
}

// newRand returns the PCG generator for seed and a stream name, so that
// independent parts of a generation do not disturb each other.
func newRand(seed int64, stream string) *rand.Rand {
	h := sha256.Sum256([]byte(stream))
	return rand.New(rand.NewPCG(uint64(seed), binary.LittleEndian.Uint64(h[:8])))
}

func minutes(m float64) float64 { return m * 60 }

// between returns a uniform value in [a, b).
func between(rng *rand.Rand, a, b float64) float64 { return a + rng.Float64()*(b-a) }

// resolve lays out the session's segments.
func resolve(s Spec) plan {
	s = s.withDefaults()
	rng := newRand(s.Seed, "plan:"+string(s.Kind))
	p := plan{spec: s, sport: analysis.SportRunning}
	dur := s.Duration.Seconds()
	pick := func(a, b float64) float64 {
		if dur > 0 {
			return dur
		}
		return math.Round(between(rng, a, b))
	}
	easy := s.EasyPace * between(rng, 0.97, 1.03)
	race := s.RacePace
	add := func(sg segment) {
		if sg.step == 0 && len(p.steps) == 0 {
			sg.step = -1
		}
		p.segs = append(p.segs, sg)
	}
	one := func(d, pace float64) { add(segment{dur: d, pace0: pace, step: -1, intensity: "active"}) }
	switch s.Kind {
	case Easy:
		one(pick(minutes(35), minutes(65)), easy)
	case Long:
		one(pick(minutes(95), minutes(150)), easy*0.98)
	case Hills:
		p.hilly = true
		one(pick(minutes(40), minutes(65)), easy)
	case TrafficStops:
		total := pick(minutes(35), minutes(60))
		n := 3 + rng.IntN(4)
		run := total
		stops := make([]float64, n)
		for i := range stops {
			stops[i] = math.Round(between(rng, 20, 60))
			run -= stops[i]
		}
		if run < minutes(10) {
			run = minutes(10)
		}
		piece := run / float64(n+1)
		for i := range stops {
			one(piece, easy)
			add(segment{dur: stops[i], stop: true, step: -1, intensity: "active"})
		}
		one(piece, easy)
	case Progression:
		total := pick(minutes(50), minutes(75))
		fast := race * between(rng, 1.065, 1.08)
		one(total*0.4, easy)
		add(segment{dur: total*0.6 - minutes(10), pace0: easy, pace1: fast, step: -1, intensity: "active"})
		one(minutes(10), fast)
	case Strides:
		n := 4 + rng.IntN(3)
		body := pick(minutes(35), minutes(55)) - float64(n)*100
		if body < minutes(15) {
			body = minutes(15)
		}
		one(body, easy)
		for i := 0; i < n; i++ {
			add(segment{dur: 20, pace0: race * 0.72, step: -1, intensity: "active"})
			add(segment{dur: 80, pace0: easy * 1.35, step: -1, intensity: "active"})
		}
	case Tempo:
		tempo := pick(minutes(20), minutes(40))
		if dur > 0 {
			tempo = math.Max(minutes(16), dur-minutes(25))
		}
		tp := race * between(rng, 0.94, 0.98)
		p.steps = []analysis.WorkoutStep{
			{Index: 0, Name: "Warm up", Intensity: "warmup", DurationType: "time", Duration: minutes(15), RepeatFrom: -1},
			{Index: 1, Name: "Tempo", Intensity: "active", DurationType: "time", Duration: tempo, RepeatFrom: -1},
			{Index: 2, Name: "Cool down", Intensity: "cooldown", DurationType: "time", Duration: minutes(10), RepeatFrom: -1},
		}
		add(segment{dur: minutes(15), pace0: easy, intensity: "warmup", step: 0, lap: true})
		add(segment{dur: tempo, pace0: tp, intensity: "active", step: 1, lap: true})
		add(segment{dur: minutes(10), pace0: easy * 1.03, intensity: "cooldown", step: 2, lap: true})
	case Intervals:
		reps, rd := s.Reps, s.RepDistance
		if rd == 0 {
			rd = []float64{400, 800, 1000}[rng.IntN(3)]
		}
		if reps == 0 {
			switch {
			case rd <= 400:
				reps = 8 + rng.IntN(3)
			case rd <= 800:
				reps = 5 + rng.IntN(3)
			default:
				reps = 4 + rng.IntN(3)
			}
		}
		var wp, recDist float64
		switch {
		case rd <= 400:
			wp, recDist = race*0.79, 200
		case rd <= 800:
			wp, recDist = race*0.815, 400
		case rd <= 1200:
			wp, recDist = race*0.83, 400
		default:
			wp, recDist = race*0.86, 400
		}
		wp *= between(rng, 0.98, 1.02)
		rec := s.EasyPace * 1.09
		p.steps = []analysis.WorkoutStep{
			{Index: 0, Name: "Warm up", Intensity: "warmup", DurationType: "time", Duration: minutes(15), RepeatFrom: -1},
			{Index: 1, Name: fmt.Sprintf("%.0f m", rd), Intensity: "active", DurationType: "distance", Duration: rd, RepeatFrom: -1},
			{Index: 2, Name: "Recover", Intensity: "rest", DurationType: "distance", Duration: recDist, RepeatFrom: -1},
			{Index: 3, Name: "Repeat", Intensity: "active", DurationType: "repeat_until_steps_cmplt", Duration: math.NaN(), RepeatFrom: 1, RepeatCount: reps},
			{Index: 4, Name: "Cool down", Intensity: "cooldown", DurationType: "time", Duration: minutes(10), RepeatFrom: -1},
		}
		recSeg := segment{dist: recDist, pace0: rec, intensity: "rest", step: 2, lap: true}
		if s.Recovery != JogRecovery {
			// walking or standing for a time instead of jogging a distance
			recSeg = segment{dur: math.Round(between(rng, 60, 120)), intensity: "rest", step: 2, lap: true, stop: true}
			if s.Recovery == WalkRecovery {
				recSeg = segment{dur: math.Round(between(rng, 90, 150)), pace0: 3600 / between(rng, 4.6, 5.6), intensity: "rest", step: 2, lap: true}
			}
			p.steps[2].DurationType, p.steps[2].Duration = "time", recSeg.dur
		}
		if len(s.RepMinutes) > 0 {
			p.steps = nil
			add(segment{dur: minutes(15), pace0: easy, intensity: "warmup", step: 0, lap: true})
			longest := slices.Max(s.RepMinutes)
			for i, m := range s.RepMinutes {
				// shorter repetitions are run faster: 6.5% a minute shorter than the longest
				pace := wp * (1 - 0.065*(longest-m)) * between(rng, 0.99, 1.01)
				sg := segment{dur: minutes(m), pace0: pace, intensity: "active", step: -1, lap: true}
				switch s.RepShape {
				case ProgressiveReps:
					sg.pace0, sg.pace1 = pace*1.08, pace*0.93
				case FadingReps:
					sg.pace0, sg.pace1 = pace*0.93, pace*1.08
				case HillyReps:
					// the first third up a slope at 12% slower pace, the
					// rest 4% faster (in speed only: the route stays)
					up := sg
					up.dur, up.pace0 = math.Round(sg.dur/3), pace*1.12
					add(up)
					sg.dur, sg.pace0, sg.lap = sg.dur-up.dur, pace*0.96, false
				}
				add(sg)
				if i < len(s.RepMinutes)-1 {
					add(segment{dur: math.Max(60, minutes(m)/2), pace0: rec, intensity: "rest", step: -1, lap: true})
				}
			}
			add(segment{dur: minutes(10), pace0: easy * 1.03, intensity: "cooldown", step: -1, lap: true})
			break
		}
		add(segment{dur: minutes(15), pace0: easy, intensity: "warmup", step: 0, lap: true})
		for i := 0; i < reps; i++ {
			add(segment{dist: rd, pace0: wp * between(rng, 0.99, 1.01), intensity: "active", step: 1, lap: true})
			if i < reps-1 {
				add(recSeg)
			}
		}
		add(segment{dur: minutes(10), pace0: easy * 1.03, intensity: "cooldown", step: 4, lap: true})
	case RunWalk:
		// the same run and walk durations all session, as a run/walk plan
		// prescribes them; the running at an easy pace, a little slower
		// than usual, the walking at 4.5 to 5.8 km/h
		total := pick(minutes(30), minutes(60))
		run := math.Round(between(rng, 60, 240))
		walk := math.Round(between(rng, 60, 120))
		walkPace := 3600 / between(rng, 4.5, 5.8)
		runPace := s.EasyPace * between(rng, 1.0, 1.08)
		n := max(1, int(math.Round(total/(run+walk))))
		p.steps = []analysis.WorkoutStep{
			{Index: 0, Name: "Run", Intensity: "active", DurationType: "time", Duration: run, RepeatFrom: -1},
			{Index: 1, Name: "Walk", Intensity: "recovery", DurationType: "time", Duration: walk, RepeatFrom: -1},
			{Index: 2, Name: "Repeat", Intensity: "active", DurationType: "repeat_until_steps_cmplt", Duration: math.NaN(), RepeatFrom: 0, RepeatCount: n},
		}
		for i := 0; i < n; i++ {
			add(segment{dur: run, pace0: runPace * between(rng, 0.98, 1.02), intensity: "active", step: 0, lap: true})
			add(segment{dur: walk, pace0: walkPace * between(rng, 0.95, 1.05), intensity: "recovery", step: 1, lap: true})
		}
	case Race:
		d := between(rng, 42195*1.002, 42195*1.028)
		add(segment{dist: d * 0.5, pace0: race * 0.99, pace1: race, step: -1, intensity: "active"})
		add(segment{dist: d * 0.5, pace0: race, pace1: race * 1.04, step: -1, intensity: "active"})
	case HalfRace:
		d := between(rng, 21097.5*1.002, 21097.5*1.02)
		one(0, race*0.955)
		p.segs[0].dist = d
	case Walk:
		p.sport = analysis.SportWalking
		one(pick(minutes(25), minutes(70)), between(rng, 600, 720))
	case Ride:
		p.sport, p.subSport = analysis.SportCycling, "road"
		one(pick(minutes(50), minutes(130)), 3600/between(rng, 24, 31))
	case Swim:
		p.sport, p.subSport = analysis.SportSwimming, "lap_swimming"
		one(pick(minutes(30), minutes(50)), between(rng, 105, 130)*10)
	case Strength:
		p.sport, p.subSport = analysis.SportTraining, "strength_training"
		one(pick(minutes(30), minutes(55)), 0)
	default:
		one(pick(minutes(35), minutes(65)), easy)
	}
	if s.Pauses && p.sport != analysis.SportSwimming && p.sport != analysis.SportTraining && s.Kind != Race && s.Kind != HalfRace {
		// one watch stop/start somewhere in the middle of the first long segment
		best := 0
		for i, sg := range p.segs {
			if sg.dur > p.segs[best].dur {
				best = i
			}
		}
		sg := p.segs[best]
		if sg.dur > minutes(10) && sg.pace1 == 0 {
			first := math.Round(sg.dur * between(rng, 0.3, 0.7))
			a, b := sg, sg
			a.dur, b.dur = first, sg.dur-first
			b.lap = false
			pause := segment{dur: math.Round(between(rng, 45, 240)), watchPause: true, stop: true, step: sg.step, intensity: sg.intensity}
			p.segs = append(p.segs[:best], append([]segment{a, pause, b}, p.segs[best+1:]...)...)
		}
	}
	for _, sg := range p.segs {
		switch {
		case sg.watchPause:
		case sg.dist > 0:
			pace := sg.pace0
			if sg.pace1 > 0 {
				pace = (sg.pace0 + sg.pace1) / 2
			}
			p.moving += sg.dist * pace / 1000
			p.estDist += sg.dist
		default:
			p.moving += sg.dur
			if sg.pace0 > 0 {
				pace := sg.pace0
				if sg.pace1 > 0 {
					pace = (sg.pace0 + sg.pace1) / 2
				}
				p.estDist += sg.dur / pace * 1000
			}
		}
	}
	return p
}

// ExpectedClass is the ground-truth class of the run s describes, by the
// rules of issue 4 (analysis.Class*), or "" for a non-run. Progression runs,
// strides, hills, traffic stops and run/walk are easy (or long from 90
// minutes of moving time, walking included); intervals are intervals
// whatever their Recovery; a half marathon raced faster than marathon pace
// is tempo.
func ExpectedClass(s Spec) string {
	s = s.withDefaults()
	if !s.Kind.IsRun() {
		return ""
	}
	switch s.Kind {
	case Race:
		return analysis.ClassRace
	case Intervals:
		return analysis.ClassInterval
	case Tempo, HalfRace:
		return analysis.ClassTempo
	}
	if resolve(s).moving >= minutes(90) {
		return analysis.ClassLong
	}
	return analysis.ClassEasy
}

// Workout generates the activity s describes: 1 Hz samples, laps, workout
// steps, session totals consistent with the samples. Values are rounded to
// the FIT file resolution, so a FIT round trip gives back the same numbers.
func Workout(s Spec) *analysis.Activity {
	p := resolve(s)
	s = p.spec
	rng := newRand(s.Seed, "stream:"+string(s.Kind))
	c := cityFor(s.Zone, s.Start)
	_, off := s.Start.In(s.Zone).Zone()
	a := &analysis.Activity{
		Sport:      p.sport,
		SubSport:   p.subSport,
		Start:      s.Start,
		UTCOffset:  off,
		TimeZone:   s.Zone.String(),
		TimeSource: analysis.TZFromFIT,
		Device:     "garmin fr255",
		TotalsFrom: "session",
		Format:     "fit",
	}
	if a.TimeZone == "Local" {
		a.TimeZone = ""
	}
	gps := p.sport != analysis.SportSwimming && p.sport != analysis.SportTraining
	var rt *route
	if gps {
		rt = newRoute(rng, c, p.estDist, p.hilly)
	}
	sim := simulator{spec: s, plan: &p, rng: rng, rt: rt, gps: gps}
	sim.run(a)
	for _, lm := range sim.lapStarts {
		if lm.index >= len(a.Samples)-1 {
			continue
		}
		if k := len(p.lapIndexes); k > 0 && p.lapIndexes[k-1] == lm.index {
			p.lapSegs[k-1] = lm.seg
			continue
		}
		p.lapIndexes = append(p.lapIndexes, lm.index)
		p.lapSegs = append(p.lapSegs, lm.seg)
	}
	finish(a, &p)
	h := sha256.Sum256(fmt.Appendf(nil, "%d|%s|%d|%v", s.Seed, s.Kind, s.Start.Unix(), s.Laps))
	a.ID = hex.EncodeToString(h[:8])
	return a
}

// simulator produces the record stream.
type simulator struct {
	spec Spec
	plan *plan
	rng  *rand.Rand
	rt   *route
	gps  bool

	t             time.Time
	dist, v, hr   float64
	noiseX, noise float64
	noiseY        float64
	prevAlt       float64
	grade         float64
	elapsed       float64 // s since start of the session
	lapStarts     []lapMark
}

type lapMark struct {
	index int // sample index where the lap starts
	seg   int
}

// gradeFactor scales the target speed for the current grade: climbs slow
// the athlete down more than descents speed them up.
func (m *simulator) gradeFactor() float64 {
	up, down := 1.8, 0.8
	if m.plan.sport == analysis.SportCycling {
		up, down = 6, 3
	}
	if m.grade > 0 {
		return 1 - up*m.grade
	}
	return 1 - down*m.grade
}

// effort maps speed to a fraction of heart-rate reserve for the sport.
func (m *simulator) effort(v float64) float64 {
	s := m.spec
	switch m.plan.sport {
	case analysis.SportRunning:
		ve, vr := 1000/s.EasyPace, 1000/s.RacePace
		return 0.64 + 0.14*(v-ve)/(vr-ve)
	case analysis.SportWalking:
		return 0.30 + 0.08*v
	case analysis.SportCycling:
		// an endurance ride: 24-31 km/h at about 65-70% of HRmax
		return 0.30 + 0.035*v
	case analysis.SportSwimming:
		return 0.55 + 0.1*v
	}
	return 0.35
}

func (m *simulator) run(a *analysis.Activity) {
	s := m.spec
	m.t = s.Start
	first := m.plan.segs[0]
	if first.pace0 > 0 {
		m.v = 0.6 * 1000 / first.pace0
	}
	m.hr = s.HRRest + 0.25*(s.HRMax-s.HRRest)
	if m.gps {
		x, y := m.rt.at(0)
		m.prevAlt = m.rt.altitude(x, y)
	}
	a.Samples = make([]analysis.Sample, 0, int(m.plan.moving)+600)
	strengthOn := false
	for si, sg := range m.plan.segs {
		if sg.lap || si == 0 {
			m.lapStarts = append(m.lapStarts, lapMark{index: len(a.Samples), seg: si})
		}
		if sg.watchPause {
			// the watch records the moment it stops (else the last second
			// before the stop is lost to the pause), then nothing while
			// it is stopped
			if n := len(a.Samples); n > 0 && si > 0 && m.t.After(a.Samples[n-1].Time) {
				a.Samples = append(a.Samples, m.sample(m.plan.segs[si-1], strengthOn))
			}
			m.t = m.t.Add(time.Duration(sg.dur) * time.Second)
			m.elapsed += sg.dur
			m.v = 0
			continue
		}
		startDist := m.dist
		ticks := 0
		for {
			if sg.dist > 0 {
				if m.dist-startDist >= sg.dist {
					break
				}
			} else if float64(ticks) >= sg.dur {
				break
			}
			frac := 0.0
			if sg.dist > 0 {
				frac = (m.dist - startDist) / sg.dist
			} else if sg.dur > 0 {
				frac = float64(ticks) / sg.dur
			}
			pace := sg.pace0
			if sg.pace1 > 0 {
				pace = sg.pace0 + (sg.pace1-sg.pace0)*frac
			}
			target := 0.0
			if pace > 0 && !sg.stop {
				target = 1000 / pace
				target *= m.gradeFactor()
				m.noise = 0.97*m.noise + m.rng.NormFloat64()*0.0035
				target *= 1 + m.noise
			}
			if m.plan.sport == analysis.SportTraining {
				// sets of about 45 s of work, 90 s of rest
				if ticks%135 == 0 {
					strengthOn = !strengthOn
				}
			}
			tau := 4.0
			if sg.stop {
				tau = 1.5
			}
			m.v += (target - m.v) * (1 - math.Exp(-1/tau))
			if target == 0 && m.v < 0.3 {
				m.v = 0
			}
			paused := s.Pauses && sg.stop && m.v == 0
			if !paused {
				a.Samples = append(a.Samples, m.sample(sg, strengthOn))
			}
			m.dist += m.v
			m.t = m.t.Add(time.Second)
			m.elapsed++
			ticks++
			if ticks > 6*3600*2 {
				break
			}
		}
	}
	// the last record closes the session
	if n := len(a.Samples); n > 0 && m.plan.sport != analysis.SportTraining {
		last := a.Samples[n-1]
		if s := m.sample(m.plan.segs[len(m.plan.segs)-1], false); s.Time.After(last.Time) {
			a.Samples = append(a.Samples, s)
		}
	}
}

// sample records the current state.
func (m *simulator) sample(sg segment, strengthOn bool) analysis.Sample {
	s := m.spec
	smp := analysis.Sample{
		Time: m.t, Lat: math.NaN(), Lon: math.NaN(), Altitude: math.NaN(),
		HeartRate: math.NaN(), Cadence: math.NaN(), Speed: math.NaN(), Distance: math.NaN(), Power: math.NaN(),
	}
	if m.gps {
		x, y := m.rt.at(m.dist)
		alt := m.rt.altitude(x, y)
		if m.v > 0.3 {
			g := (alt - m.prevAlt) / math.Max(m.v, 0.3)
			m.grade += (g - m.grade) * 0.2
			m.grade = math.Max(-0.15, math.Min(0.15, m.grade))
		}
		m.prevAlt = alt
		m.noiseX = 0.995*m.noiseX + m.rng.NormFloat64()*0.3
		m.noiseY = 0.995*m.noiseY + m.rng.NormFloat64()*0.3
		lat, lon := m.rt.latLon(x+m.noiseX, y+m.noiseY)
		smp.Lat, smp.Lon = roundSemicircle(lat), roundSemicircle(lon)
		smp.Altitude = math.Round((alt+m.rng.NormFloat64()*0.15+500)*5)/5 - 500
	}
	// heart rate follows effort with lag and drift
	f := 0.33
	switch {
	case m.plan.sport == analysis.SportTraining:
		f = 0.30
		if strengthOn {
			f = 0.58
		}
	case m.v > 0.3:
		f = m.effort(m.v) + 2.0*math.Max(m.grade, 0)
	}
	f += 0.035 * m.elapsed / 3600 // cardiac drift
	f = math.Max(0.2, math.Min(0.97, f))
	target := s.HRRest + f*(s.HRMax-s.HRRest)
	tau := 25.0
	if target < m.hr {
		tau = 40
	}
	m.hr += (target - m.hr) * (1 - math.Exp(-1/tau))
	if m.plan.sport != analysis.SportSwimming {
		smp.HeartRate = math.Round(math.Max(40, m.hr+m.rng.NormFloat64()*1.2))
	}
	switch m.plan.sport {
	case analysis.SportRunning:
		if m.v > 0.5 {
			smp.Cadence = math.Round(math.Max(74, math.Min(99, 71+5.5*m.v+m.rng.NormFloat64()*0.8)))
		} else {
			smp.Cadence = 0
		}
	case analysis.SportWalking:
		smp.Cadence = math.Round(52 + 3*m.v + m.rng.NormFloat64())
	case analysis.SportCycling:
		if m.v > 0.5 {
			smp.Cadence = math.Round(86 + m.rng.NormFloat64()*3)
		} else {
			smp.Cadence = 0
		}
	case analysis.SportSwimming:
		smp.Cadence = math.Round(27 + m.rng.NormFloat64())
	}
	if m.plan.sport != analysis.SportTraining {
		smp.Speed = math.Round(m.v*1000) / 1000
		smp.Distance = math.Round(m.dist*100) / 100
	}
	return smp
}

func roundSemicircle(deg float64) float64 {
	sc := math.Round(deg * (1 << 31) / 180)
	return sc * 180 / (1 << 31)
}

// finish computes laps and session totals from the samples.
func finish(a *analysis.Activity, p *plan) {
	n := len(a.Samples)
	if n == 0 {
		return
	}
	first, last := a.Samples[0], a.Samples[n-1]
	a.ElapsedTime = last.Time.Sub(first.Time).Seconds()
	a.MovingTime = timerTime(a.Samples, 0, n-1)
	a.Distance = 0
	if analysis.Has(last.Distance) {
		a.Distance = last.Distance
	}
	a.Ascent = ascent(a.Samples, 0, n-1)
	a.AvgHR, a.MaxHR = hrStats(a.Samples, 0, n-1)
	cs, cn := 0.0, 0
	for _, smp := range a.Samples {
		if analysis.Has(smp.Cadence) && smp.Cadence > 0 {
			cs += smp.Cadence
			cn++
		}
	}
	a.AvgCadence = math.NaN()
	if cn > 0 {
		a.AvgCadence = math.Round(cs / float64(cn))
	}
	kcalPerMin := map[string]float64{analysis.SportRunning: 12, analysis.SportWalking: 5, analysis.SportCycling: 10, analysis.SportSwimming: 9, analysis.SportTraining: 6}[a.Sport]
	a.Calories = math.Round(a.MovingTime / 60 * kcalPerMin)

	var starts []int
	switch p.spec.Laps {
	case NoLaps:
	case AutoLaps:
		starts = append(starts, 0)
		next := 1000.0
		for i, smp := range a.Samples {
			if analysis.Has(smp.Distance) && smp.Distance >= next && i < n-1 {
				starts = append(starts, i)
				next += 1000
			}
		}
		if !analysis.Has(last.Distance) || last.Distance == 0 {
			starts = []int{0}
		}
	default:
		// one lap per planned change of effort (the lapStarts the simulator saw
		// are recomputed here from the segments' sample indexes)
		starts = p.lapIndexes
		if len(starts) == 0 {
			starts, p.lapSegs = []int{0}, []int{0}
		}
	}
	for li, st := range starts {
		end := n - 1
		if li+1 < len(starts) {
			end = starts[li+1]
		}
		lap := analysis.Lap{
			Start:       a.Samples[st].Time,
			ElapsedTime: a.Samples[end].Time.Sub(a.Samples[st].Time).Seconds(),
			MovingTime:  timerTime(a.Samples, st, end),
			Distance:    0,
			AvgSpeed:    math.NaN(),
		}
		if analysis.Has(a.Samples[end].Distance) {
			lap.Distance = math.Round((a.Samples[end].Distance-a.Samples[st].Distance)*100) / 100
			if lap.MovingTime > 0 {
				lap.AvgSpeed = math.Round(lap.Distance/lap.MovingTime*1000) / 1000
			}
		}
		lap.AvgHR, lap.MaxHR = hrStats(a.Samples, st, end)
		switch p.spec.Laps {
		case AutoLaps:
			lap.Trigger = "distance"
		case IntensityLaps:
			lap.Trigger = "time"
			seg := p.segs[p.lapSegs[li]]
			if seg.dist > 0 {
				lap.Trigger = "distance"
			}
			lap.Intensity = seg.intensity
		case ManualLaps:
			lap.Trigger = "manual"
		}
		if li == len(starts)-1 {
			lap.Trigger = "session_end"
		}
		a.Laps = append(a.Laps, lap)
	}
	if p.spec.Laps == IntensityLaps && len(p.steps) > 0 {
		a.Workout = append([]analysis.WorkoutStep(nil), p.steps...)
	}
}

// timerTime counts the seconds between samples i and j that the timer ran:
// a gap longer than one second is a pause.
func timerTime(ss []analysis.Sample, i, j int) float64 {
	t := 0.0
	for k := i + 1; k <= j; k++ {
		if d := ss[k].Time.Sub(ss[k-1].Time).Seconds(); d <= 1 {
			t += d
		}
	}
	return t
}

func ascent(ss []analysis.Sample, i, j int) float64 {
	total, ref := 0.0, math.NaN()
	for k := i; k <= j; k++ {
		alt := ss[k].Altitude
		if !analysis.Has(alt) {
			continue
		}
		switch {
		case !analysis.Has(ref) || alt < ref:
			ref = alt
		case alt-ref >= 2:
			total += alt - ref
			ref = alt
		}
	}
	return math.Round(total)
}

func hrStats(ss []analysis.Sample, i, j int) (avg, maxHR float64) {
	sum, n := 0.0, 0
	maxHR = math.NaN()
	for k := i; k <= j; k++ {
		if hr := ss[k].HeartRate; analysis.Has(hr) {
			sum += hr
			n++
			if !(maxHR >= hr) {
				maxHR = hr
			}
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	return math.Round(sum / float64(n)), maxHR
}
