package analysis

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/floats"
)

// Stream analysis constants.
const (
	// streamMaxSeconds bounds the 1 Hz series (48 h), so a broken timestamp
	// cannot make a huge allocation.
	streamMaxSeconds = 48 * 3600
	// streamMinSeconds is the shortest stream worth analysing.
	streamMinSeconds = 120
	// streamMaxSpeed: faster intervals (m/s) are GPS errors and are ignored.
	streamMaxSpeed = 12.0
	// movingFloor: seconds slower than this (m/s) are not moving for the
	// median moving speed.
	movingFloor = 1.0
	// runningFloor: the median moving speed is taken over the seconds at
	// this speed (m/s, 9:16/km) or faster when they are at least half.
	runningFloor = 1.8
	// boutGapSeconds: dips below the work threshold this short do not end
	// a bout (GPS jitter, a turn).
	boutGapSeconds = 5
	// downhillGrade: a bout that drops more than this (fraction of its
	// distance) is downhill running, not a work bout.
	downhillGrade = 0.015
	// climbGrade: a stretch between two bouts that climbs more than this
	// (fraction of its distance) is a hill, not a recovery.
	climbGrade = 0.03
	// climbMinRise: a stretch rising less than this (m) is not a climb,
	// whatever its grade: standing still, a few metres of altitude noise
	// would otherwise make a standing recovery a steep climb.
	climbMinRise = 4.0
	// maxRecoverySeconds: bouts further apart than this (s) are not
	// repetitions of one set.
	maxRecoverySeconds = 600
	// quartileWorkShare: work bouts found against the lower quartile must
	// be at least this share of the moving time (see intervals).
	quartileWorkShare = 0.4
	// tempoDipSeconds, tempoSlowDipSeconds, tempoDipFactor: see tempo.
	tempoDipSeconds, tempoSlowDipSeconds, tempoDipFactor = 60, 15, 0.9
	// tempoMaxStop: a stop longer than this (s) ends a tempo stretch.
	tempoMaxStop = 300
)

// stream is an activity's speed resampled to 1 Hz.
type stream struct {
	raw    []float64 // m/s; 0 while paused or stopped, gaps in the data filled
	cum    []float64 // cum[i] = sum of raw[:i], metres
	smooth []float64 // raw, median-filtered (5 s) then averaged (9 s)
	alt    []float64 // m, NaN where unknown
	median float64   // median of smooth over moving seconds
	// quartile is the lower quartile of smooth over the same seconds.
	quartile float64
	moving   int // seconds at movingFloor or faster

	buf []float64 // holds the columns (see release)
}

// streamBufs keeps streams' memory for reuse: a stream lives while one
// activity is classified.
var streamBufs sync.Pool

// release gives st's memory back to streamBufs; st is not used after.
func (st *stream) release() {
	if st == nil {
		return
	}
	putStreamBuf(st.buf)
	*st = stream{}
}

func putStreamBuf(buf []float64) {
	buf = buf[:0]
	streamBufs.Put(&buf)
}

// newStream resamples the samples' speed to 1 Hz; nil when the samples do
// not give a usable speed (no speed, distance or position; too short). c
// is ss's clock.
func newStream(ss []Sample, c clock) *stream {
	return makeStream(streamInput{ss: ss}, len(ss), c)
}

// streamInput is what a stream is made from: samples, or a Summary's
// columns, which give the same stream as the samples Summary.Activity
// makes of them.
type streamInput struct {
	ss []Sample // the samples, or
	// speed: the speed of the interval ending at each sample (what
	// intervalSpeed gives), alt: the altitudes
	speed, alt []float64
}

// makeStream is newStream for the samples of in, with their clock c.
func makeStream(in streamInput, samples int, c clock) *stream {
	ss := in.ss
	if samples < 2 {
		return nil
	}
	span := c.sub(samples-1, 0).Seconds()
	if !(span >= streamMinSeconds) {
		return nil
	}
	n := int(math.Min(span, streamMaxSeconds)) + 1
	// One block for the stream's columns and the filter's scratch, every
	// value of it written below.
	var buf []float64
	if p, ok := streamBufs.Get().(*[]float64); ok && cap(*p) >= 6*n+2 {
		buf = (*p)[:6*n+2]
	} else {
		buf = make([]float64, 6*n+2)
	}
	raw, alt := buf[:n:n], buf[n:2*n:2*n]
	for i := range raw {
		raw[i], alt[i] = math.NaN(), math.NaN()
	}
	known := 0
	// each interval runs from its first sample's second to its last's
	// (their time since the first sample, rounded)
	next := int(math.Round(c.sub(0, 0).Seconds()))
	for i := 1; i < samples; i++ {
		from, to := next, int(math.Round(c.sub(i, 0).Seconds()))
		next = to
		if from < 0 || to <= from {
			continue
		}
		if to > n-1 {
			to = n - 1
			if to <= from {
				break
			}
		}
		dt := c.sub(i, i-1).Seconds()
		var altP, altQ float64
		if ss != nil {
			altP, altQ = ss[i-1].Altitude, ss[i].Altitude
		} else {
			altP, altQ = in.alt[i-1], in.alt[i]
		}
		v := 0.0 // a long gap is a pause
		if dt <= PauseGap {
			if ss != nil {
				v = intervalSpeed(&ss[i-1], &ss[i], dt)
			} else if v = in.speed[i]; !Has(v) {
				v = math.NaN() // as intervalSpeed
			}
			if v < 0 || v > streamMaxSpeed {
				v = math.NaN()
			}
		}
		if Has(altP) && Has(altQ) {
			for k := from; k < to; k++ {
				raw[k] = v
				f := float64(k-from) / float64(to-from)
				alt[k] = altP + f*(altQ-altP)
			}
		} else {
			for k := from; k < to; k++ {
				raw[k] = v
			}
		}
		if Has(v) {
			known += to - from
		}
		if i == samples-1 {
			raw[to], alt[to] = v, altQ
		}
	}
	if known < streamMinSeconds {
		putStreamBuf(buf)
		return nil
	}
	fillGaps(raw)
	st := &stream{raw: raw, alt: alt, cum: buf[2*n : 3*n+1 : 3*n+1], buf: buf}
	st.cum[0] = 0
	floats.CumSum(st.cum[1:], raw)
	med := buf[3*n+1 : 4*n+1 : 4*n+1]
	medianFilter(med, raw)
	st.smooth = buf[4*n+1 : 5*n+1 : 5*n+1]
	movingAverage(st.smooth, med, 9, buf[5*n+1:6*n+2])
	// The moving seconds, in med's place (no longer needed).
	moving := med[:0]
	below := 0 // of them, slower than runningFloor
	for _, v := range st.smooth {
		if v >= movingFloor {
			moving = append(moving, v)
			if v < runningFloor {
				below++
			}
		}
	}
	st.moving = len(moving)
	if len(moving) < streamMinSeconds {
		st.release()
		return nil
	}
	// The median of the running seconds, when the athlete mostly ran: walk
	// breaks on a climb or at a crossing would otherwise drag it down and
	// make ordinary running look like work bouts.
	if len(moving)-below >= len(moving)/2 {
		running := moving[:0]
		for _, v := range moving {
			if v >= runningFloor {
				running = append(running, v)
			}
		}
		moving = running
	}
	// As stat.Quantile(p, stat.Empirical) of the values sorted.
	st.median, st.quartile = quantiles(moving, 0.5, 0.25)
	return st
}

// fillGaps replaces NaN values with the previous known value (the next one
// at the start).
func fillGaps(v []float64) {
	last := math.NaN()
	for i, x := range v {
		if Has(x) {
			last = x
		} else if Has(last) {
			v[i] = last
		}
	}
	for i := len(v) - 1; i >= 0; i-- {
		if Has(v[i]) {
			last = v[i]
		} else {
			v[i] = last
		}
	}
}

// medianFilter sets out to the running median of v over a centred window
// of medianWindow values (fewer at the ends); it removes single spikes and
// keeps steps sharp.
func medianFilter(out, v []float64) {
	const h = medianWindow / 2
	if len(v) < medianWindow || floats.HasNaN(v) {
		for i := range v {
			out[i] = medianOf(v[max(0, i-h):min(len(v), i+h+1)])
		}
		return
	}
	for i := range h {
		out[i] = medianOf(v[:i+h+1])
		out[len(v)-1-i] = medianOf(v[len(v)-1-i-h:])
	}
	for i := h; i < len(v)-h; i++ {
		out[i] = median5(v[i-h : i+h+1])
	}
}

// movingAverage sets out to the centred moving average of v over w (odd)
// values, shrinking the window at the ends; cum (len(v)+1) is scratch.
func movingAverage(out, v []float64, w int, cum []float64) {
	cum[0] = 0
	floats.CumSum(cum[1:], v)
	h := w / 2
	for i := range v {
		lo, hi := max(0, i-h), min(len(v), i+h+1)
		out[i] = (cum[hi] - cum[lo]) / float64(hi-lo)
	}
}

// bout is a stretch [start, end) of the stream, in seconds from its start.
type bout struct {
	start, end int
	speed      float64 // mean m/s
	metres     float64
}

func (st *stream) bout(start, end int) bout {
	d := st.cum[end] - st.cum[start]
	return bout{start: start, end: end, speed: d / float64(end-start), metres: d}
}

// segments returns the stretches where smooth >= threshold, joining those
// separated by dips of at most gap seconds.
func (st *stream) segments(threshold float64, gap int) []bout {
	var out []bout
	start := -1
	for i, v := range st.smooth {
		if v >= threshold {
			if start < 0 {
				start = i
				if k := len(out) - 1; k >= 0 && i-out[k].end <= gap {
					start = out[k].start
					out = out[:k]
				}
			}
			continue
		}
		if start >= 0 {
			out = append(out, st.bout(start, i))
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, st.bout(start, len(st.smooth)))
	}
	return out
}

// downhill reports whether b loses more than downhillGrade of its distance
// in altitude.
func (st *stream) downhill(b bout) bool {
	a0, a1 := st.alt[b.start], st.alt[b.end-1]
	if !Has(a0) || !Has(a1) || b.metres <= 0 {
		return false
	}
	return (a0-a1)/b.metres > downhillGrade
}

// recovery reports whether the stretch between bouts x and y (x first) is
// a recovery: slower than RecoverySpeedFactor x the slower bout, and not a
// climb.
func (st *stream) recovery(x, y bout) bool {
	if y.start <= x.end {
		return false
	}
	gap := st.bout(x.end, y.start)
	return gap.speed <= RecoverySpeedFactor*math.Min(x.speed, y.speed) && !st.climb(gap)
}

// climb reports whether b rises more than climbGrade of its distance, and
// at least climbMinRise, above its start at some point: slowing on a climb
// between two faster stretches is the terrain, not a recovery.
func (st *stream) climb(b bout) bool {
	a0 := st.alt[b.start]
	if !Has(a0) || b.metres <= 0 {
		return false
	}
	top := a0
	for _, a := range st.alt[b.start:b.end] {
		if a > top {
			top = a
		}
	}
	return top-a0 >= climbMinRise && (top-a0)/b.metres > climbGrade
}

// intervals looks for interval work in the speed stream: stretches at
// >= WorkSpeedFactor x the median moving speed lasting >= 30 s or 200 m,
// not downhill; neighbours not separated by a recovery (mean speed <=
// RecoverySpeedFactor x the slower one, and not a climb) are one bout (a
// progression run is one long bout); then the largest group of bouts within BoutSpread of each
// other in speed, or of consecutive bouts within RepSpread of each other
// whose every recovery is slower than RecoverySpeedFactor x the slowest of
// them (see contrastBouts), must hold MinWorkBouts.
//
// When the work is most of the run (12 x 1 mile), the median is a work
// speed and nothing runs 15% faster; the search is then repeated with the
// lower quartile of the moving speed as the reference, which is the
// recoveries' and warm-up's speed. Every other condition stays.
// So that GPS noise on an unstructured run cannot pass this way, the work
// bouts found must then be at least quartileWorkShare of the moving time.
//
// A group whose recoveries are walking or standing must pass the run/walk
// guard g (see Classify); runWalk says why a group did not.
func (st *stream) intervals(g walkGuard) (evidence string, ok bool, runWalk string) {
	if grp := st.workBouts(st.median); len(grp) >= MinWorkBouts {
		if runWalk = st.guard(g, grp); runWalk == "" {
			return "intervals (stream): " + st.describe(grp), true, ""
		}
	}
	if st.quartile < st.median/(1+BoutSpread) {
		grp := st.workBouts(st.quartile)
		work := 0
		for _, b := range grp {
			work += b.end - b.start
		}
		if len(grp) >= MinWorkBouts && float64(work) >= quartileWorkShare*float64(st.moving) {
			rw := st.guard(g, grp)
			if rw == "" {
				return "intervals (stream): " + st.describe(grp), true, ""
			}
			if runWalk == "" {
				runWalk = rw
			}
		}
	}
	return "", false, runWalk
}

// guard applies the run/walk guard g to a group of work bouts: the
// recoveries' speed is the median of their moving seconds (the occasional
// running stretch of a run/walk between two bouts does not make the walking
// a jog), the steady running is the
// smoothed speed at runningFloor or faster before the first bout and after
// the last. It returns "" when the group may be intervals.
func (st *stream) guard(g walkGuard, grp []bout) string {
	var wt, wd float64
	var recs []float64
	for k, b := range grp {
		wt += float64(b.end - b.start)
		wd += b.metres
		if k+1 < len(grp) {
			for _, v := range st.smooth[b.end:grp[k+1].start] {
				if v >= movingFloor {
					recs = append(recs, v)
				}
			}
		}
	}
	rec := 0.0
	if len(recs) > 0 {
		rec = quantile(recs, 0.5)
	}
	if !(wt > 0) || rec >= WalkingSpeed {
		return ""
	}
	var steady []float64
	for _, part := range [][]float64{st.smooth[:grp[0].start], st.smooth[grp[len(grp)-1].end:]} {
		for _, v := range part {
			if v >= runningFloor {
				steady = append(steady, v)
			}
		}
	}
	ref := 0.0
	if len(steady) >= SteadyMinSeconds {
		ref = quantile(steady, 0.5)
	}
	rw := g.check(wd/wt, rec, ref)
	if rw == "" {
		return ""
	}
	return rw + " (stream: " + st.describe(grp) + ")"
}

// workBouts returns the largest group of work bouts at WorkSpeedFactor x
// ref or faster that are similar and separated by recoveries (see
// intervals), in time order.
func (st *stream) workBouts(ref float64) []bout {
	var bouts []bout
	for _, b := range st.segments(WorkSpeedFactor*ref, boutGapSeconds) {
		if longEnough(float64(b.end-b.start), b.metres) && !st.downhill(b) {
			bouts = append(bouts, b)
		}
	}
	// Merge neighbours not separated by a recovery; a merge changes the
	// bout's speed, so the previous gap is checked again.
	merged := bouts[:0]
	for _, b := range bouts {
		merged = append(merged, b)
		for n := len(merged); n > 1 && !st.recovery(merged[n-2], merged[n-1]); n-- {
			merged[n-2] = st.bout(merged[n-2].start, merged[n-1].end)
			merged = merged[:n-1]
		}
	}
	bouts = merged
	// Bouts more than maxRecoverySeconds apart are not one session's
	// repetitions; in each set of closer bouts, find the largest group
	// within BoutSpread of each other.
	var group []bout
	for from := 0; from < len(bouts); {
		to := from + 1
		for to < len(bouts) && bouts[to].start-bouts[to-1].end <= maxRecoverySeconds {
			to++
		}
		if g := similarBouts(bouts[from:to]); len(g) > len(group) {
			group = g
		}
		if g := st.contrastBouts(bouts[from:to]); len(g) > len(group) {
			group = g
		}
		from = to
	}
	return group
}

// describe writes the evidence for a group of work bouts: "6 work bouts
// 2:52-3:01 at 3:38-3:44/km, recoveries 6:05/km avg".
func (st *stream) describe(group []bout) string {
	var secs, paces []float64
	recT, recD := 0.0, 0.0
	for k, b := range group {
		secs = append(secs, float64(b.end-b.start))
		paces = append(paces, 1000/b.speed)
		if k+1 < len(group) {
			r := st.bout(b.end, group[k+1].start)
			recT += float64(r.end - r.start)
			recD += r.metres
		}
	}
	ev := fmt.Sprintf("%d work bouts %s at %s/km", len(group),
		formatRange(secs, FormatDuration), formatRange(paces, formatPaceBare))
	if recD > 0 {
		ev += ", recoveries " + formatPace(recT/(recD/1000)) + " avg"
	} else {
		ev += ", recoveries standing"
	}
	return ev
}

// contrastBouts returns the longest run of consecutive bouts (in time
// order) that stand out from the recoveries between them as a set: the
// slowest bout's average speed is at least the fastest recovery's over
// RecoverySpeedFactor, and the fastest bout's at most RepSpread above the
// slowest's. Reps are compared by their average, so a progressive or fading
// rep, a rep that starts up a slope, or a pyramid whose short reps are
// faster is one session, when the recoveries around every rep are clear.
func (st *stream) contrastBouts(bouts []bout) []bout {
	var best []bout
	for i := range bouts {
		lo, hi, rec := bouts[i].speed, bouts[i].speed, 0.0
		j := i + 1
		for ; j < len(bouts); j++ {
			b := bouts[j]
			r := st.bout(bouts[j-1].end, b.start).speed
			nlo, nhi, nrec := math.Min(lo, b.speed), math.Max(hi, b.speed), math.Max(rec, r)
			if nhi > nlo*(1+RepSpread) || nrec > RecoverySpeedFactor*nlo {
				break
			}
			lo, hi, rec = nlo, nhi, nrec
		}
		if j-i > len(best) {
			best = bouts[i:j]
		}
	}
	return slices.Clone(best)
}

// similarBouts returns the largest group of bouts within BoutSpread of
// each other in speed, in time order.
func similarBouts(bouts []bout) []bout {
	bySpeed := slices.Clone(bouts)
	slices.SortFunc(bySpeed, func(x, y bout) int { return cmpFloat(x.speed, y.speed) })
	bestLo, bestN := 0, 0
	for lo, hi := 0, 0; lo < len(bySpeed); lo++ {
		for hi < len(bySpeed) && bySpeed[hi].speed <= bySpeed[lo].speed*(1+BoutSpread) {
			hi++
		}
		if hi-lo > bestN {
			bestLo, bestN = lo, hi-lo
		}
	}
	group := bySpeed[bestLo : bestLo+bestN]
	slices.SortFunc(group, func(x, y bout) int { return x.start - y.start })
	return group
}

// tempo returns the longest continuous stretch of moving time (s) at or
// faster than speed v (m/s), and its pace (s/km). The stretch averages v or
// faster, and the smoothed speed stays at v or faster but for dips (a bend,
// a drink, a short rise) of at most tempoDipSeconds, or tempoSlowDipSeconds
// when the dip averages slower than tempoDipFactor x v (a recovery jog ends
// a tempo). Stops (slower than movingFloor, or a pause in the records) of
// up to tempoMaxStop seconds neither count nor break the stretch: a watch
// stopped for a shoelace does not undo a tempo.
func (st *stream) tempo(v float64) (dur, pace float64) {
	start, prev := -1, -1
	sum, sumAtFast, dipSum := 0.0, 0.0, 0.0
	n, nAtFast, dip := 0, 0, 0
	consider := func() {
		if start >= 0 && nAtFast > 0 && sumAtFast/float64(nAtFast) >= v && float64(nAtFast) > dur {
			dur, pace = float64(nAtFast), 1000/(sumAtFast/float64(nAtFast))
		}
		start, sum, n, sumAtFast, nAtFast, dip, dipSum = -1, 0, 0, 0, 0, 0, 0
	}
	for i, x := range st.raw {
		if x < movingFloor {
			continue
		}
		if prev >= 0 && i-prev > tempoMaxStop {
			consider()
		}
		if prev >= 0 && i-prev > 1 {
			dip, dipSum = 0, 0 // slowing into and out of a stop is not a dip
		}
		prev = i
		if start >= 0 {
			sum += x
			n++
		}
		if sm := st.smooth[i]; sm < v {
			if start >= 0 {
				dip++
				dipSum += sm
				if dip > tempoDipSeconds || (dip > tempoSlowDipSeconds && dipSum/float64(dip) < tempoDipFactor*v) {
					consider()
				}
			}
			continue
		}
		if start < 0 {
			start, sum, n = i, x, 1
		}
		sumAtFast, nAtFast, dip, dipSum = sum, n, 0, 0
	}
	consider()
	return dur, pace
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
