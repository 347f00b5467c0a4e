package analysis

import (
	"math"
	"sort"
	"time"
)

// Metric constants. They are part of the documented behaviour: changing one
// changes stored results, so bump AnalysisVersion with it.
const (
	// DefaultHRRest is the resting heart rate (bpm) used for TRIMP when the
	// settings give none.
	DefaultHRRest = 50
	// HRMaxLow and HRMaxHigh bound a plausible maximum heart rate (bpm).
	HRMaxLow, HRMaxHigh = 120, 220
	// HRMaxSustain is how long (s) a heart rate must be held for it to count
	// as an observed maximum; single-sample spikes (strap contact, cadence
	// lock) are rejected.
	HRMaxSustain = 5
)

// Analyze is AnalyzeProfile without the profile.
func Analyze(a *Activity, s Settings, observedHRMax float64, racePace float64) *Metrics {
	m, _ := AnalyzeProfile(a, s, observedHRMax, racePace)
	return m
}

// AnalyzeProfile computes an activity's metrics and, for runs, its class
// with the evidence (see Classify), and returns the activity's heart-rate
// profile, from which ApplyHRMax can later redo the zones and TRIMP for
// another HRmax without the samples. The race is not assigned here: apply
// FindRace's result with MarkRace.
//
// Metrics.MaxHR is the highest heart rate held for HRMaxSustain seconds
// (so a strap spike is not a max), else the file's max.
//
// Heart-rate zones and TRIMP use s.HRMax when it is > 0, else observedHRMax
// (see ObservedHRMax); with neither (0 or NaN) zones stay zero and TRIMP is
// NaN. racePace is the athlete's marathon pace in s/km (0 = none).
//
// TRIMP is Banister's: the sum over samples of
//
//	dt_min x HRr x 0.64 x e^(1.92 x HRr),   HRr = (HR - HRrest) / (HRmax - HRrest)
//
// with HRr clamped to [0, 1], HRrest from s.HRRest (else DefaultHRRest) and
// dt the time to the next sample (gaps longer than PauseGap excluded).
// Without a heart-rate stream it is computed once from the average heart
// rate over the moving time.
func AnalyzeProfile(a *Activity, s Settings, observedHRMax float64, racePace float64) (*Metrics, HRProfile) {
	m := &Metrics{Version: AnalysisVersion}
	c := newClock(a.Samples)
	defer c.release()
	b := activityBasicsWith(a, c)
	m.MovingTime, m.Distance, m.ElevationGain = b.moving, b.distance, b.ascent
	m.AvgHR, m.MaxHR = b.avgHR, b.maxHR
	if v := sustainedHR(a.Samples, c, 0); Has(v) {
		m.MaxHR = v
	}
	m.Pace = math.NaN()
	if isFootSport(a.Sport) && m.Distance > 0 && m.MovingTime > 0 {
		m.Pace = m.MovingTime / (m.Distance / 1000)
	}

	p := newHRProfile(a, m.AvgHR, m.MovingTime, c)
	ApplyHRMax(m, p, s, observedHRMax)

	if a.IsRun() {
		m.Class, m.ClassSource, m.Evidence = classifyWith(a, racePace, s, c)
	}
	return m, p
}

// MarkRace sets m's class to race, with the race's source and evidence.
func MarkRace(m *Metrics, r Race) {
	if m == nil || r.Activity == nil {
		return
	}
	m.Class = ClassRace
	m.ClassSource = r.Source
	how := "nearest marathon distance"
	if r.Source == RaceMarked {
		how = "marked with taper race"
	}
	m.Evidence = "race (" + how + "): " + FormatKm(m.Distance) + " in " +
		FormatDuration(m.MovingTime) + " moving at " + formatPace(m.Pace)
}

// ObservedHRMax returns the highest plausible maximum heart rate recorded on
// a run in the 12 months before asOf (activities starting in [asOf-1 year, asOf)): the
// highest value held for at least HRMaxSustain seconds, between HRMaxLow and
// HRMaxHigh. Activities loaded without samples contribute their analysed
// Metrics.MaxHR (sustained, see Analyze), else the file's max, when
// plausible. It returns NaN when nothing qualifies.
func ObservedHRMax(acts []*Activity, asOf time.Time) float64 {
	from := asOf.AddDate(-1, 0, 0)
	best := math.NaN()
	for _, a := range acts {
		if a.DuplicateOf != "" || a.Start.Before(from) || !a.Start.Before(asOf) {
			continue
		}
		if v := observedMax(a); Has(v) && (!Has(best) || v > best) {
			best = v
		}
	}
	return best
}

// observedMax is an activity's plausible sustained max heart rate (see
// ObservedHRMax), NaN if none. Only runs count: an easy strength session's
// 130 bpm is no one's maximum.
func observedMax(a *Activity) float64 {
	if !a.IsRun() {
		return math.NaN()
	}
	v := sustainedHRMax(a.Samples)
	if !Has(v) && len(a.Samples) == 0 {
		// Loaded without samples: the analysed max (already sustained)
		// when there is one, else the file's.
		v = a.MaxHR
		if a.Metrics != nil && Has(a.Metrics.MaxHR) {
			v = a.Metrics.MaxHR
		}
		if !plausibleHR(v) {
			v = math.NaN()
		}
	}
	return v
}

// ObservedHRMaxes returns, by activity id, the HRmax observed for each
// activity: the highest plausible value (see ObservedHRMax) over the 12
// months up to and including its start, so an old activity's zones do not
// depend on the day the analysis runs. Duplicates get their own entry but
// do not count for others.
func ObservedHRMaxes(acts []*Activity) map[string]float64 {
	sorted := make([]*Activity, len(acts))
	copy(sorted, acts)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Start.Before(sorted[j].Start) })
	vals := make([]float64, len(sorted))
	for i, a := range sorted {
		vals[i] = math.NaN()
		if a.DuplicateOf == "" {
			vals[i] = observedMax(a)
		}
	}
	out := make(map[string]float64, len(sorted))
	var window []int // indexes of a sliding-window maximum, values decreasing
	lo := 0
	for i, a := range sorted {
		if Has(vals[i]) {
			for len(window) > 0 && vals[window[len(window)-1]] <= vals[i] {
				window = window[:len(window)-1]
			}
			window = append(window, i)
		}
		from := a.Start.AddDate(-1, 0, 0)
		for lo <= i && sorted[lo].Start.Before(from) {
			lo++
		}
		for len(window) > 0 && window[0] < lo {
			window = window[1:]
		}
		best := math.NaN()
		if len(window) > 0 {
			best = vals[window[0]]
		}
		if a.DuplicateOf != "" && Has(observedMax(a)) && (!Has(best) || observedMax(a) > best) {
			best = observedMax(a)
		}
		out[a.ID] = best
	}
	return out
}

// sustainedHRMax returns the highest plausible heart rate held for
// HRMaxSustain seconds without a recording gap, NaN if none.
func sustainedHRMax(ss []Sample) float64 {
	c := newClock(ss)
	defer c.release()
	return sustainedHR(ss, c, HRMaxLow)
}

// sustainedHR returns the highest heart rate held (as the lowest value of
// a window) for HRMaxSustain seconds without a recording gap, over samples
// whose heart rate is above floor and below HRMaxHigh; NaN if none. c is
// ss's clock.
func sustainedHR(ss []Sample, c clock, floor float64) float64 {
	ok := func(hr float64) bool { return Has(hr) && hr > floor && hr < HRMaxHigh }
	best := math.NaN()
	for i := range ss {
		if !ok(ss[i].HeartRate) || (Has(best) && ss[i].HeartRate <= best) {
			continue // a window starting here cannot beat best
		}
		low := ss[i].HeartRate
		for j := i + 1; j < len(ss); j++ {
			dt := c.sub(j, j-1).Seconds()
			if dt <= 0 || dt > 2*HRMaxSustain || !ok(ss[j].HeartRate) {
				break
			}
			low = math.Min(low, ss[j].HeartRate)
			if c.sub(j, i).Seconds() >= HRMaxSustain {
				if !Has(best) || low > best {
					best = low
				}
				break
			}
		}
	}
	return best
}

func plausibleHR(v float64) bool { return Has(v) && v > HRMaxLow && v < HRMaxHigh }

func isFootSport(sport string) bool {
	return sport == SportRunning || sport == SportWalking || sport == SportHiking
}

// basics are an activity's moving time, distance, ascent and heart rate:
// the file's session values where present, else computed from the samples
// (ComputeTotals). Moving time prefers the samples, which are auto-pause
// aware even when the watch's timer was not.
type basics struct {
	moving, distance, ascent, avgHR, maxHR float64
}

func activityBasics(a *Activity) basics {
	if a.summary != nil {
		return *a.summary
	}
	c := newClock(a.Samples)
	defer c.release()
	return activityBasicsWith(a, c)
}

// activityBasicsWith is activityBasics with a's clock.
func activityBasicsWith(a *Activity, c clock) basics {
	if a.summary != nil {
		return *a.summary
	}
	t := computeTotals(a.Samples, c)
	b := basics{moving: t.MovingTime, distance: a.Distance, ascent: a.Ascent, avgHR: a.AvgHR, maxHR: a.MaxHR}
	if excerpt(t, a) {
		// The samples hold a part of the activity (a file's sample of a
		// longer run): their moving time would count minutes against the
		// file's full distance. The file's own moving time covers it.
		b.moving = a.MovingTime
	}
	if !Has(b.moving) || b.moving <= 0 {
		b.moving = 0
		switch {
		case Has(a.MovingTime) && a.MovingTime > 0:
			b.moving = a.MovingTime
		case Has(a.ElapsedTime) && a.ElapsedTime > 0:
			b.moving = a.ElapsedTime
		}
	}
	if !Has(b.distance) || b.distance <= 0 {
		b.distance = t.Distance
	}
	if !Has(b.ascent) {
		b.ascent = t.Ascent
	}
	if !Has(b.avgHR) || b.avgHR <= 0 {
		b.avgHR = t.AvgHR
	}
	if !Has(b.maxHR) || b.maxHR <= 0 {
		b.maxHR = t.MaxHR
	}
	return b
}

// ExcerptShare: samples whose moving time and distance are both less than
// this share of the file's own totals (a TCX lap's TotalTimeSeconds and
// DistanceMeters, a FIT session's) are an excerpt of the activity.
const ExcerptShare = 0.5

// excerpt reports whether the samples' totals t cover a small part of what
// the file says a covered (see ExcerptShare). A watch left running after a
// run is not one: its samples cover the distance.
func excerpt(t Totals, a *Activity) bool {
	if !Has(a.MovingTime) || a.MovingTime <= 0 || !Has(a.Distance) || a.Distance <= 0 {
		return false
	}
	if !Has(t.MovingTime) || !Has(t.Distance) {
		return false
	}
	return t.MovingTime < ExcerptShare*a.MovingTime && t.Distance < ExcerptShare*a.Distance
}

// AnalysedTotals are the distance (m) and moving time (s) the rules
// count, the one definition every part of taper uses (the race finder, the
// audit, taper activities): the analysis' values when it has them, else the
// file's session values, else those computed from the samples (see
// activityBasics; moving time falls back to the elapsed time). NaN when
// unknown.
func AnalysedTotals(a *Activity) (dist, moving float64) {
	dist, moving = math.NaN(), math.NaN()
	if m := a.Metrics; m != nil {
		if Has(m.Distance) && m.Distance > 0 {
			dist = m.Distance
		}
		if Has(m.MovingTime) && m.MovingTime > 0 {
			moving = m.MovingTime
		}
	}
	if Has(dist) && Has(moving) {
		return dist, moving
	}
	b := activityBasics(a)
	if !Has(dist) && Has(b.distance) && b.distance > 0 {
		dist = b.distance
	}
	if !Has(moving) && b.moving > 0 {
		moving = b.moving
	}
	return dist, moving
}

// EffectiveHRMax is the HRmax zones and TRIMP use: the settings' when
// given, else the observed one; NaN when neither is known.
func EffectiveHRMax(s Settings, observedHRMax float64) float64 {
	switch {
	case s.HRMax > 0:
		return s.HRMax
	case observedHRMax > 0:
		return observedHRMax
	}
	return math.NaN()
}

// HRProfile is an activity's time at each heart rate: enough to compute its
// zones and TRIMP for any HRmax without the samples (an import keeps it
// while the athlete's observed HRmax may still change).
type HRProfile struct {
	hr, sec       []float64 // distinct heart rates, ascending, and the seconds at each
	avgHR, moving float64   // the fallback without a heart-rate stream
}

// NewHRProfile collects the time at each heart rate: each sample's heart
// rate counts for the time to the next sample, gaps longer than PauseGap
// excluded.
func NewHRProfile(a *Activity, avgHR, moving float64) HRProfile {
	c := newClock(a.Samples)
	defer c.release()
	return newHRProfile(a, avgHR, moving, c)
}

// newHRProfile is NewHRProfile with a's clock.
func newHRProfile(a *Activity, avgHR, moving float64, c clock) HRProfile {
	// The time at each whole heart rate up to 255 bpm (what devices
	// record) in an array, at others in a map: the same sums, in the same
	// order, as one map.
	var whole [256]float64
	var seen [256]bool
	var at map[float64]float64
	for i := 0; i+1 < len(a.Samples); i++ {
		hr := a.Samples[i].HeartRate
		if !Has(hr) || hr <= 0 {
			continue
		}
		dt := c.sub(i+1, i).Seconds()
		if dt <= 0 || dt > PauseGap {
			continue
		}
		if k := int(hr); hr < 256 && float64(k) == hr {
			whole[k] += dt
			seen[k] = true
			continue
		}
		if at == nil {
			at = map[float64]float64{}
		}
		at[hr] += dt
	}
	p := HRProfile{avgHR: avgHR, moving: moving}
	for k, ok := range seen {
		if ok {
			p.hr = append(p.hr, float64(k))
		}
	}
	if len(at) > 0 {
		for hr := range at {
			p.hr = append(p.hr, hr)
		}
		sort.Float64s(p.hr)
	}
	p.sec = make([]float64, len(p.hr))
	for i, hr := range p.hr {
		if k := int(hr); hr < 256 && float64(k) == hr {
			p.sec[i] = whole[k]
		} else {
			p.sec[i] = at[hr]
		}
	}
	return p
}

// ApplyHRMax sets m's HRMax (EffectiveHRMax), time in zones and TRIMP from
// the profile; with no HRmax, zones stay zero and TRIMP is NaN.
func ApplyHRMax(m *Metrics, p HRProfile, s Settings, observedHRMax float64) {
	m.HRMax = EffectiveHRMax(s, observedHRMax)
	rest := s.HRRest
	if rest <= 0 {
		rest = DefaultHRRest
	}
	m.ZoneSeconds, m.TRIMP = p.load(m.HRMax, rest)
}

// load returns the time in the five heart-rate zones and the TRIMP.
func (p HRProfile) load(hrMax, hrRest float64) ([5]float64, float64) {
	var zones [5]float64
	if !Has(hrMax) || hrMax <= hrRest {
		return zones, math.NaN()
	}
	if len(p.hr) == 0 {
		if Has(p.avgHR) && p.avgHR > 0 && p.moving > 0 {
			return zones, trimpRate(p.avgHR, hrMax, hrRest) * p.moving / 60
		}
		return zones, math.NaN()
	}
	sum := 0.0
	for i, hr := range p.hr {
		dt := p.sec[i]
		if z := zoneOf(hr, hrMax); z >= 0 {
			zones[z] += dt
		}
		sum += trimpRate(hr, hrMax, hrRest) * dt / 60
	}
	return zones, sum
}

// zoneOf returns the 0-based zone of hr: 50-60 % of hrMax is zone 0, 90 %
// and above zone 4; below 50 % it returns -1.
func zoneOf(hr, hrMax float64) int {
	f := hr / hrMax
	if f < 0.5 {
		return -1
	}
	z := int((f - 0.5) * 10)
	return min(z, 4)
}

// trimpRate is Banister's TRIMP per minute at heart rate hr.
func trimpRate(hr, hrMax, hrRest float64) float64 {
	r := (hr - hrRest) / (hrMax - hrRest)
	r = math.Max(0, math.Min(1, r))
	return r * 0.64 * math.Exp(1.92*r)
}

// ObservedMax is what activity a contributes to the observed HRmax (see
// ObservedHRMax): its plausible sustained maximum heart rate, NaN when none
// or when a is not a run.
func ObservedMax(a *Activity) float64 { return observedMax(a) }
