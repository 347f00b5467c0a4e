package analysis

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Classification thresholds (issue 4). They are part of the documented
// behaviour: changing one changes stored results, so bump AnalysisVersion.
const (
	// MinWorkBouts is the fewest work laps or bouts that make intervals.
	MinWorkBouts = 3
	// WorkSpeedFactor: a stream work bout runs at least this times the run's
	// median moving speed; a manual work lap at least this times the median
	// of the other laps.
	WorkSpeedFactor = 1.15
	// RecoverySpeedFactor: a recovery between two work bouts averages at most
	// this times the work speed.
	RecoverySpeedFactor = 0.85
	// BoutSpread: the work bouts of one session are within 5% of each other
	// in speed (fastest <= slowest x 1.05).
	BoutSpread = 0.05
	// RepSpread: consecutive work bouts that all stand out from every
	// recovery between them (see RecoverySpeedFactor) may differ more, up
	// to 20% (fastest <= slowest x 1.20): reps are compared by their
	// average, and runners pace them unevenly (a 1-2-3-2-1 pyramid runs
	// its 1-minute reps faster).
	RepSpread = 0.20
	// MinBoutSeconds and MinBoutMetres: a work bout or work lap lasts at
	// least 30 s or covers at least 200 m (strides do neither).
	MinBoutSeconds, MinBoutMetres = 30, 200
	// MaxManualLapSeconds is the longest manual work lap (10 min).
	MaxManualLapSeconds = 600
	// maxManualLaps: a run with more laps than this is not read for manual
	// intervals (its stream still is); it bounds the work on broken files.
	maxManualLaps = 400
	// TempoPaceFactor: tempo is run at or faster than the reference pace x
	// 1.03 (no more than 3% slower than marathon pace).
	TempoPaceFactor = 1.03
	// TempoSeconds is the shortest continuous tempo stretch (15 min).
	TempoSeconds = 15 * 60
	// LongSeconds is the moving time from which an unstructured run is long.
	LongSeconds = 90 * 60

	// Run/walk guard: walking between running stretches is not an interval
	// session's recovery unless the running is clearly faster than easy.
	// WalkingSpeed (m/s, 7.2 km/h, 8:20/km): recoveries averaging less over
	// their moving seconds, or with none, are walking or standing. Brisk
	// walking stays under it, the slowest jog above it.
	WalkingSpeed = 2.0
	// RunWalkPaceFactor: between walking recoveries, work must be at
	// marathon pace or faster: faster than the race pace (else the
	// threshold pace) x 1.03, the tolerance of tempo. The work of intervals
	// is at 5 km to marathon pace; the running of a run/walk is easy, and
	// for a slow marathoner easy can be as close as 1.10 x race pace (the
	// corpus run/walk at 6:35/km would be 1.097 x a 6:00/km marathon).
	RunWalkPaceFactor = 1.03
	// SteadyMinSeconds: the running before the first and after the last
	// work bout or lap (warm-up, cool-down) is the run's own easy speed when
	// it lasts at least 5 min; work between walking recoveries must then be
	// at least WorkSpeedFactor x its median as well.
	SteadyMinSeconds = 5 * 60
	// RunWalkFloorPace (s/km, 5:00/km): without a race or threshold pace,
	// work between walking recoveries must be faster than this, which is
	// faster than easy running for all but sub-3-hour marathoners (a warm-up
	// alone is no reference: a slow jog can precede a run/walk).
	RunWalkFloorPace = 300
)

// Class sources, recorded in Metrics.ClassSource.
const (
	SourceWorkout    = "workout"     // the file's structured workout
	SourceLaps       = "laps"        // laps carrying intensity
	SourceManualLaps = "manual_laps" // manual laps without intensity
	SourceStream     = "stream"      // the speed stream
	SourcePace       = "pace"        // tempo, from pace against the race or threshold pace
	SourceDuration   = "duration"    // long, from moving time
	SourceDefault    = "default"     // easy
	RaceMarked       = "marked"      // the race, marked with taper race
	RaceDistance     = "distance"    // the race, found by distance
)

// Classify returns the class of a run (interval, tempo, long or easy), the
// evidence used (a Source* constant) and a sentence a coach can check.
// Race is never returned: it comes from FindRace (see MarkRace).
//
// Intervals are looked for in this order, and the first kind of evidence
// the file has decides:
//  1. laps carrying intensity (>= 3 work laps, active or interval, each
//     alternating with a rest or recovery lap), else the structured workout
//     (repeat steps totalling >= 3 work steps); when the laps carry recovery
//     intensity but make no intervals, the run is not intervals;
//  2. manual laps without intensity (never 1 km or 1 mile auto-laps, and
//     never a lap the device triggered): >= 3 laps of 30 s..10 min at least
//     15% faster than the median of the other laps, each separated from the
//     next by a slower lap;
//  3. the speed stream resampled to 1 Hz and smoothed (5 s running median,
//     9 s moving average): >= 3 bouts of >= 30 s or 200 m at >= 1.15 x the
//     median moving speed, within 5% of each other (or consecutive, within
//     20% of each other by their averages, and every recovery between
//     them <= 0.85 x the slowest), separated by recoveries at <= 0.85 x the
//     work speed. Downhill bouts (> 1.5% drop), slow
//     stretches on a climb (> 3% rise), walk breaks (the median is of the
//     running seconds when they are at least half) and surges more than
//     10 min apart do not make intervals. When the work is most of the run
//     (12 x 1 mile) the lower quartile of the speed stands in for the
//     median, if the bouts then found are >= 40% of the moving time.
//
// Work laps and bouts shorter than 30 s and 200 m (strides) never count.
// Run/walk is not intervals: when the recoveries of laps (1, 2) or bouts
// (3) are walking or standing (slower than WalkingSpeed), the work must
// also be faster than racePace (else s.ThresholdPace) x RunWalkPaceFactor,
// or than RunWalkFloorPace without either, and than WorkSpeedFactor x the
// run's warm-up and cool-down running when there are SteadyMinSeconds of
// it; otherwise the evidence of the class found next says why it is
// run/walk.
// Then tempo: >= 15 continuous minutes at or faster than racePace x 1.03
// (s/km; without a race, s.ThresholdPace x 1.03; without either, no tempo,
// and the evidence says so). On the stream, the stretch averages that pace
// or faster, dips under it last at most 60 s (15 s when slower than 90% of
// it), and stops of up to 5 min neither count nor break it. Without a
// stream, consecutive laps, else the whole run's average pace, are used.
// Then long (>= 90 min moving), else easy.
func Classify(a *Activity, racePace float64, s Settings) (class, source, evidence string) {
	c := newClock(a.Samples)
	defer c.release()
	return classifyWith(a, racePace, s, c)
}

// classifyWith is Classify with a's clock.
func classifyWith(a *Activity, racePace float64, s Settings, c clock) (class, source, evidence string) {
	st := newStream(a.Samples, c)
	defer st.release()
	return classifyOn(a, activityBasicsWith(a, c), st, len(a.Samples) > 0, racePace, s)
}

// classifyOn is Classify of a with its basics b and its samples' stream
// st (nil when none); hasSamples tells whether a has samples.
func classifyOn(a *Activity, b basics, st *stream, hasSamples bool, racePace float64, s Settings) (class, source, evidence string) {
	class, source, evidence = classify(a, b, st, racePace, s)
	if !hasSamples && len(a.Laps) == 0 {
		evidence += "; no samples or laps (a summary only): judged on its totals"
	}
	return class, source, evidence
}

func classify(a *Activity, b basics, st *stream, racePace float64, s Settings) (class, source, evidence string) {

	ref, refName := racePace, "race pace"
	if !(ref > 0) {
		ref, refName = s.ThresholdPace, "threshold pace"
	}
	g := walkGuard{pace: ref, name: refName}
	if !(ref > 0) {
		g.pace = 0
	}
	// runWalk is the first run/walk finding, told in the final evidence
	runWalk := ""
	note := func(n string) {
		if runWalk == "" && n != "" {
			runWalk = "; " + n
		}
	}

	decided := false
	if ev, ok, known, rw := lapIntervals(a.Laps, g); ok {
		return ClassInterval, SourceLaps, ev
	} else if known {
		decided = true
		note(rw)
	}
	if !decided {
		if ev, ok := workoutIntervals(a.Workout); ok {
			return ClassInterval, SourceWorkout, ev
		}
	}
	if !decided {
		ev, ok, rw := manualLapIntervals(a.Laps, g)
		if ok {
			return ClassInterval, SourceManualLaps, ev
		}
		note(rw)
	}
	if !decided && st != nil {
		ev, ok, rw := st.intervals(g)
		if ok {
			return ClassInterval, SourceStream, ev
		}
		note(rw)
	}

	tempoNote := ""
	if ref > 0 {
		limit := ref * TempoPaceFactor
		dur, pace := 0.0, 0.0
		switch {
		case st != nil:
			dur, pace = st.tempo(1000 / limit)
		case len(a.Laps) > 0:
			dur, pace = lapTempo(a.Laps, limit)
		case b.moving > 0 && b.distance > 0:
			dur, pace = b.moving, b.moving/(b.distance/1000)
			if pace > limit {
				dur = 0
			}
		}
		if dur >= TempoSeconds {
			return ClassTempo, SourcePace, fmt.Sprintf("tempo: %s continuous at %s (%s %s x %.2f = %s)",
				FormatDuration(dur), formatPace(pace), refName, formatPace(ref), TempoPaceFactor, formatPace(limit)) + runWalk
		}
	} else {
		tempoNote = "; no race or threshold pace, so no tempo check"
	}

	if b.moving >= LongSeconds {
		return ClassLong, SourceDuration, "long: " + FormatDuration(b.moving) + " moving" + runWalk + tempoNote
	}
	ev := "easy: no structure, " + FormatDuration(b.moving) + " moving"
	if runWalk != "" {
		ev = "easy: " + FormatDuration(b.moving) + " moving"
	}
	if b.moving > 0 && b.distance > 0 {
		ev += " at " + formatPace(b.moving/(b.distance/1000))
	}
	return ClassEasy, SourceDefault, ev + runWalk + tempoNote
}

// walkGuard tells run/walk from intervals with walking or standing
// recoveries (see Classify).
type walkGuard struct {
	pace float64 // race pace, else threshold pace (s/km); 0 = none
	name string  // "race pace" or "threshold pace"
}

// check returns why work at speed work (m/s) recovering at speed rec (m/s
// of the recoveries' moving seconds, 0 when standing) is run/walk rather
// than intervals, or "" when it may be intervals. steady is the median speed
// of the running outside the set (m/s), 0 when there is less than
// SteadyMinSeconds of it.
func (g walkGuard) check(work, rec, steady float64) string {
	if !(work > 0) || !(rec >= 0) || rec >= WalkingSpeed {
		return ""
	}
	var why []string
	if g.pace > 0 {
		if limit := g.pace * RunWalkPaceFactor; 1000/work > limit {
			why = append(why, fmt.Sprintf("not faster than %s %s x %.2f = %s", g.name, formatPace(g.pace), RunWalkPaceFactor, formatPace(limit)))
		}
	}
	if steady > 0 && work < WorkSpeedFactor*steady {
		why = append(why, fmt.Sprintf("not %.2f x the warm-up and cool-down running at %s", WorkSpeedFactor, formatPace(1000/steady)))
	}
	if !(g.pace > 0) && 1000/work > RunWalkFloorPace {
		why = append(why, "not faster than "+formatPace(RunWalkFloorPace)+" (no race or threshold pace to compare with)")
	}
	if len(why) == 0 {
		return ""
	}
	walk := "walking recoveries (" + formatPace(1000/rec) + ")"
	if rec == 0 {
		walk = "standing recoveries"
	}
	return fmt.Sprintf("run/walk, not intervals: running at %s between %s is %s",
		formatPace(1000/work), walk, strings.Join(why, " and "))
}

// lapSetGuard applies g to the work laps work (indexes into laps) and the
// laps recs between them; the steady running is the laps before the first
// and after the last work lap at runningFloor or faster.
func lapSetGuard(g walkGuard, laps []Lap, work []int, recs []Lap) string {
	if len(work) == 0 {
		return ""
	}
	var wt, wd float64
	for _, i := range work {
		wt += lapSeconds(laps[i])
		if Has(laps[i].Distance) {
			wd += laps[i].Distance
		}
	}
	var rt, rd float64
	for _, l := range recs {
		if !Has(l.Distance) {
			return "" // the recoveries' speed is unknown
		}
		rt += lapSeconds(l)
		rd += l.Distance
	}
	if !(wt > 0) || !(wd > 0) || len(recs) == 0 {
		return ""
	}
	rec := 0.0
	if rt > 0 {
		rec = rd / rt
	}
	var st, sd float64
	for i, l := range laps {
		if i >= work[0] && i <= work[len(work)-1] {
			continue
		}
		if v := lapSpeed(l); v >= runningFloor {
			st += lapSeconds(l)
			sd += v * lapSeconds(l)
		}
	}
	steady := 0.0
	if st >= SteadyMinSeconds {
		steady = sd / st
	}
	return g.check(wd/wt, rec, steady)
}

// lapKind sorts lap intensities into work, recovery and other.
func lapKind(intensity string) int {
	switch strings.ToLower(intensity) {
	case "active", "interval":
		return kindWork
	case "rest", "recovery":
		return kindRecovery
	}
	return kindOther
}

const (
	kindOther = iota
	kindWork
	kindRecovery
)

// lapIntervals looks for intervals in laps carrying intensity. known is
// true when the laps carry recovery intensity, so they describe the
// session's structure whether or not it is intervals.
//
// runWalk says why the laps are run/walk rather than intervals (see
// walkGuard), when they are.
func lapIntervals(laps []Lap, g walkGuard) (evidence string, ok, known bool, runWalk string) {
	for _, l := range laps {
		if lapKind(l.Intensity) == kindRecovery {
			known = true
		}
	}
	if !known {
		return "", false, false, ""
	}
	var work []Lap
	var workIdx []int
	var recs []Lap
	for i, l := range laps {
		if lapKind(l.Intensity) != kindWork || !longEnough(lapSeconds(l), l.Distance) {
			continue
		}
		prevRec := i > 0 && lapKind(laps[i-1].Intensity) == kindRecovery
		nextRec := i+1 < len(laps) && lapKind(laps[i+1].Intensity) == kindRecovery
		if !prevRec && !nextRec {
			continue
		}
		work = append(work, l)
		workIdx = append(workIdx, i)
	}
	for _, l := range laps {
		if lapKind(l.Intensity) == kindRecovery {
			recs = append(recs, l)
		}
	}
	if len(work) < MinWorkBouts {
		return "", false, true, ""
	}
	if rw := lapSetGuard(g, laps, workIdx, recs); rw != "" {
		return "", false, true, rw + " (laps: " + describeLaps(work, recs, "work laps") + ")"
	}
	return "intervals (laps): " + describeLaps(work, recs, "work laps"), true, true, ""
}

// describeLaps says "5 work laps 3:40-3:44 at 3:38-3:44/km, recoveries
// 2:00 avg at 6:05/km".
func describeLaps(work, recs []Lap, what string) string {
	var secs, paces []float64
	for _, l := range work {
		secs = append(secs, lapSeconds(l))
		if v := lapSpeed(l); v > 0 {
			paces = append(paces, 1000/v)
		}
	}
	out := fmt.Sprintf("%d %s %s", len(work), what, formatRange(secs, FormatDuration))
	if len(paces) > 0 {
		out += " at " + formatRange(paces, formatPaceBare) + "/km"
	}
	if len(recs) > 0 {
		t, d := 0.0, 0.0
		for _, l := range recs {
			t += lapSeconds(l)
			if Has(l.Distance) {
				d += l.Distance
			}
		}
		out += ", recoveries " + FormatDuration(t/float64(len(recs))) + " avg"
		if d > 0 && t > 0 {
			out += " at " + formatPace(t/(d/1000))
		}
	}
	return out
}

// workoutIntervals looks for intervals in a structured workout: repeat
// steps whose repeated block holds a work step, totalling >= 3 work steps.
func workoutIntervals(steps []WorkoutStep) (string, bool) {
	total := 0
	var parts []string
	for _, st := range steps {
		if st.RepeatFrom < 0 || st.RepeatCount <= 0 {
			continue
		}
		var block []string
		work := 0
		for _, inner := range steps {
			if inner.Index < st.RepeatFrom || inner.Index >= st.Index || inner.RepeatCount > 0 {
				continue
			}
			if lapKind(inner.Intensity) == kindWork {
				work++
			}
			block = append(block, describeStep(inner))
		}
		if work == 0 {
			continue
		}
		total += work * st.RepeatCount
		parts = append(parts, fmt.Sprintf("%d x (%s)", st.RepeatCount, strings.Join(block, ", ")))
	}
	if total < MinWorkBouts {
		return "", false
	}
	return "intervals (workout): " + strings.Join(parts, " + "), true
}

func describeStep(st WorkoutStep) string {
	what := st.Intensity
	if what == "" {
		what = "step"
	}
	if !Has(st.Duration) || st.Duration <= 0 {
		return what
	}
	switch st.DurationType {
	case "time":
		return FormatDuration(st.Duration) + " " + what
	case "distance":
		return fmt.Sprintf("%.0f m %s", st.Duration, what)
	}
	return what
}

// isAutoLaps reports whether laps are the device's automatic splits: most
// laps triggered by distance, time or position, or every lap but the last
// about 1 km or 1 mile long.
func isAutoLaps(laps []Lap) bool {
	if len(laps) < 2 {
		return true
	}
	auto := 0
	for _, l := range laps {
		if autoTrigger(l.Trigger) {
			auto++
		}
	}
	if auto*10 >= len(laps)*6 {
		return true
	}
	for _, split := range []float64{1000, 1609.344} {
		all := true
		for _, l := range laps[:len(laps)-1] {
			if !Has(l.Distance) || math.Abs(l.Distance-split) > 0.02*split {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// autoTrigger reports whether a lap trigger is the device's, not the
// athlete's.
func autoTrigger(t string) bool {
	switch t {
	case "distance", "time", "position_start", "position_lap", "position_waypoint", "position_marked":
		return true
	}
	return false
}

// manualLapIntervals looks for intervals in manual laps: see Classify.
// The last result says why they are run/walk rather than intervals (see
// walkGuard), when they are.
func manualLapIntervals(laps []Lap, g walkGuard) (string, bool, string) {
	if len(laps) < 2*MinWorkBouts-1 || len(laps) > maxManualLaps || isAutoLaps(laps) {
		return "", false, ""
	}
	speeds := make([]float64, len(laps))
	var sorted []float64
	for i, l := range laps {
		speeds[i] = lapSpeed(l)
		if speeds[i] > 0 {
			sorted = append(sorted, speeds[i])
		}
	}
	slices.Sort(sorted)
	// Try every split of the laps into fast and slow by speed; keep the one
	// with the most alternating fast laps.
	var best []int
	for k, cut := range sorted {
		if k > 0 && cut == sorted[k-1] {
			continue
		}
		others := sorted[:k] // the laps slower than cut
		if len(others) < MinWorkBouts-1 {
			continue
		}
		ref := others[len(others)/2]
		if len(others)%2 == 0 {
			ref = (others[len(others)/2-1] + others[len(others)/2]) / 2
		}
		if cut < WorkSpeedFactor*ref {
			continue
		}
		var fast []int
		last := -2
		for i, l := range laps {
			if speeds[i] < cut {
				continue
			}
			if autoTrigger(l.Trigger) {
				// a device split among manual laps (a 1 km lap of the
				// warm-up) is never a work lap: this cut is too low
				fast = nil
				break
			}
			sec := lapSeconds(l)
			if sec < MinBoutSeconds || sec > MaxManualLapSeconds || last == i-1 {
				// too short, too long, or not separated from the previous fast lap
				fast = nil
				break
			}
			fast = append(fast, i)
			last = i
		}
		if len(fast) > len(best) {
			best = fast
		}
	}
	if len(best) < MinWorkBouts {
		return "", false, ""
	}
	var work, recs []Lap
	for k, i := range best {
		work = append(work, laps[i])
		if k+1 < len(best) {
			recs = append(recs, laps[i+1:best[k+1]]...)
		}
	}
	if rw := lapSetGuard(g, laps, best, recs); rw != "" {
		return "", false, rw + " (manual laps: " + describeLaps(work, recs, "fast laps") + ")"
	}
	return "intervals (manual laps): " + describeLaps(work, recs, "fast laps"), true, ""
}

// lapTempo returns the longest run of consecutive laps at or faster than
// limit (s/km), and its pace.
func lapTempo(laps []Lap, limit float64) (dur, pace float64) {
	t, d := 0.0, 0.0
	for _, l := range laps {
		v := lapSpeed(l)
		if v > 0 && 1000/v <= limit {
			t += lapSeconds(l)
			d += v * lapSeconds(l)
			if t > dur {
				dur, pace = t, t/(d/1000)
			}
			continue
		}
		t, d = 0, 0
	}
	return dur, pace
}

func lapSeconds(l Lap) float64 {
	if Has(l.MovingTime) && l.MovingTime > 0 {
		return l.MovingTime
	}
	if Has(l.ElapsedTime) && l.ElapsedTime > 0 {
		return l.ElapsedTime
	}
	return 0
}

// lapSpeed is the lap's average speed (m/s), 0 if unknown.
func lapSpeed(l Lap) float64 {
	if Has(l.AvgSpeed) && l.AvgSpeed > 0 {
		return l.AvgSpeed
	}
	if t := lapSeconds(l); t > 0 && Has(l.Distance) && l.Distance > 0 {
		return l.Distance / t
	}
	return 0
}

func longEnough(seconds, metres float64) bool {
	return seconds >= MinBoutSeconds || (Has(metres) && metres >= MinBoutMetres)
}

// FormatDuration writes seconds as m:ss, or h:mm:ss from an hour; "?"
// when unknown. It is taper's one duration format.
func FormatDuration(s float64) string {
	if !Has(s) || s < 0 {
		return "?"
	}
	n := int(math.Round(s))
	if n >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", n/3600, n%3600/60, n%60)
	}
	return fmt.Sprintf("%d:%02d", n/60, n%60)
}

// formatPace writes a pace in s/km as m:ss/km.
func formatPace(p float64) string { return formatPaceBare(p) + "/km" }

func formatPaceBare(p float64) string {
	if !Has(p) || p <= 0 || math.IsInf(p, 0) {
		return "?"
	}
	return FormatDuration(p)
}

// FormatKm writes metres as kilometres with two decimals ("42.38 km"), "? km"
// when unknown.
func FormatKm(m float64) string {
	if !Has(m) {
		return "? km"
	}
	return fmt.Sprintf("%.2f km", m/1000)
}

// formatRange writes the smallest and largest of vs as "a-b" (or "a").
func formatRange(vs []float64, f func(float64) string) string {
	if len(vs) == 0 {
		return "?"
	}
	lo, hi := slices.Min(vs), slices.Max(vs)
	if f(lo) == f(hi) {
		return f(lo)
	}
	return f(lo) + "-" + f(hi)
}
