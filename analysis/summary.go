package analysis

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"time"
)

// SummaryVersion is the format of Summary: bump it whenever NewSummary keeps
// something else (for example when the classifier starts reading another
// channel of the samples), so stored summaries are rebuilt from the records.
// Summaries are only valid with the AnalysisVersion they were made under
// (see Summary.Current).
const SummaryVersion = 1

// Summary is what analysis needs of an activity beyond its header, laps and
// workout: the classifier's input reduced to what it reads of the samples,
// the heart-rate profile for zones and TRIMP, and the heart-rate maxima. A
// new race pace, a new HRmax or new settings are applied to a Summary
// without the activity's samples (AnalyzeSummary gives exactly what Analyze
// gives on the samples); only a new AnalysisVersion or SummaryVersion needs
// the records again.
//
// The reduced samples keep each sample's time, the speed the classifier
// derives for the interval that ends there (the sample's own speed, else
// from distance, else from positions) and the altitude; heart rate,
// cadence, power, positions and distance are dropped. The totals computed
// from the full samples (moving time above all) are kept as they are.
type Summary struct {
	Version, Analysis int // SummaryVersion and AnalysisVersion when made

	basics      basics  // activityBasics over the full samples
	sustainedHR float64 // Metrics.MaxHR's sustained value (NaN when none)
	observedMax float64 // observedMax over the full samples (NaN when none)
	profile     HRProfile

	times []time.Time // the samples' times (zero where unknown)
	speed []float64   // interval speed ending at each sample (NaN when unknown or after a pause)
	alt   []float64   // altitude at each sample (NaN when unknown)

	encoded []byte // MarshalBinary's result, once made (a Summary does not change)
	// n and cols: a decoded Summary's sample count and encoded columns
	// (times, speed and alt), decoded by Activity.
	n    int
	cols []byte
}

// NewSummary reduces a (with its samples) to its Summary.
func NewSummary(a *Activity) *Summary {
	c := newClock(a.Samples)
	defer c.release()
	b := activityBasicsWith(a, c)
	s := &Summary{Version: SummaryVersion, Analysis: AnalysisVersion, basics: b,
		sustainedHR: sustainedHR(a.Samples, c, 0),
		observedMax: math.NaN(),
		profile:     newHRProfile(a, b.avgHR, b.moving, c),
	}
	if a.IsRun() {
		s.observedMax = sustainedHR(a.Samples, c, HRMaxLow)
	}
	n := len(a.Samples)
	s.times, s.speed, s.alt = make([]time.Time, n), make([]float64, n), make([]float64, n)
	for i := range a.Samples {
		q := &a.Samples[i]
		s.times[i], s.alt[i], s.speed[i] = q.Time, q.Altitude, math.NaN()
		if i == 0 {
			continue
		}
		p := &a.Samples[i-1]
		if dt := c.sub(i, i-1).Seconds(); dt <= PauseGap {
			s.speed[i] = intervalSpeed(p, q, dt)
		}
	}
	return s
}

// Current reports whether s was made by this version of the analysis.
func (s *Summary) Current() bool {
	return s != nil && s.Version == SummaryVersion && s.Analysis == AnalysisVersion
}

// Samples returns the number of samples s was made from.
func (s *Summary) Samples() int {
	if s.cols != nil {
		return s.n
	}
	return len(s.times)
}

// Activity returns header (an activity without its samples, with its laps
// and workout) carrying s's reduced samples and totals: what the classifier
// reads. header itself is not changed.
func (s *Summary) Activity(header *Activity) *Activity {
	r := *header
	r.Metrics = nil
	times, speed, alt := s.times, s.speed, s.alt
	if s.cols != nil {
		times = make([]time.Time, s.n)
		speed, alt = s.decodeColumns(times, make([]float64, 2*s.n))
	}
	r.Samples = make([]Sample, len(times))
	nan := math.NaN()
	for i := range r.Samples {
		r.Samples[i] = Sample{Time: times[i], Speed: speed[i], Altitude: alt[i],
			Lat: nan, Lon: nan, HeartRate: nan, Cadence: nan, Distance: nan, Power: nan}
	}
	b := s.basics
	r.summary = &b
	return &r
}

// decodeColumns decodes a decoded Summary's columns (checked by
// UnmarshalSummary): the times into times, speed and alt into floats
// (2 x s.n).
func (s *Summary) decodeColumns(times []time.Time, floats []float64) (speed, alt []float64) {
	d := &sumDecoder{b: s.cols}
	var prev, prevDelta int64
	for i := range times {
		times[i] = time.Time{}
		if u := d.uint(); u != 0 {
			delta := prevDelta + unzigzag(u-1)
			prev, prevDelta = prev+delta, delta
			times[i] = time.Unix(0, prev).UTC()
		}
	}
	speed, alt = floats[:s.n], floats[s.n:2*s.n]
	var ps, pa int64
	for i := range speed {
		speed[i] = d.next(&ps, 1000)
	}
	for i := range alt {
		alt[i] = d.next(&pa, 10)
	}
	return speed, alt
}

// stream is the stream of the samples Activity makes (see streamInput),
// made without them.
func (s *Summary) stream() *stream {
	n := s.Samples()
	if s.cols == nil {
		c := newClockTimes(s.times)
		defer c.release()
		return makeStream(streamInput{speed: s.speed, alt: s.alt}, n, c)
	}
	// The columns decoded into reused memory, as Activity decodes them.
	var times []time.Time
	if p, ok := summaryTimes.Get().(*[]time.Time); ok && cap(*p) >= n {
		times = (*p)[:n]
	} else {
		times = make([]time.Time, n)
	}
	var cols []float64
	if p, ok := summaryFloats.Get().(*[]float64); ok && cap(*p) >= 2*n {
		cols = (*p)[:2*n]
	} else {
		cols = make([]float64, 2*n)
	}
	speed, alt := s.decodeColumns(times, cols)
	c := newClockTimes(times)
	st := makeStream(streamInput{speed: speed, alt: alt}, n, c)
	c.release()
	times = times[:0]
	summaryTimes.Put(&times)
	cols = cols[:0]
	summaryFloats.Put(&cols)
	return st
}

// summaryTimes and summaryFloats keep the columns stream decodes for
// reuse.
var summaryTimes, summaryFloats sync.Pool

// ObservedMax is the activity's plausible sustained maximum heart rate (see
// ObservedHRMax) over its full samples, NaN when none (or not a run).
func (s *Summary) ObservedMax() float64 { return s.observedMax }

// Profile is the activity's heart-rate profile (see NewHRProfile).
func (s *Summary) Profile() HRProfile { return s.profile }

// AnalyzeSummary is Analyze on an activity's header (with laps and workout)
// and its Summary instead of its samples; the result is the same.
func AnalyzeSummary(header *Activity, sum *Summary, s Settings, observedHRMax, racePace float64) *Metrics {
	m := PreliminaryMetrics(header, sum)
	m.Version = AnalysisVersion
	ApplyHRMax(m, sum.profile, s, observedHRMax)
	if header.IsRun() {
		// As Classify(sum.Activity(header), ...), without making the samples.
		st := sum.stream()
		m.Class, m.ClassSource, m.Evidence = classifyOn(header, sum.basics, st, sum.Samples() > 0, racePace, s)
		st.release()
	}
	return m
}

// Summary encoding: a version byte, then a DEFLATE stream of uvarints and
// float columns. Floats that are whole multiples of the column's step (as
// the store keeps them: mm/s, dm) are written as varint deltas of those
// steps, the others as their 8 bytes, so decoding gives back every bit.
const summaryMagic = 0x53 // 'S'

// MarshalBinary encodes s. The encoding is made once and kept: calling it
// where the activity is decoded spares the work to whoever stores it.
func (s *Summary) MarshalBinary() ([]byte, error) {
	if s.encoded != nil {
		return s.encoded, nil
	}
	e := &sumEncoder{}
	if p, ok := summaryBufs.Get().(*[]byte); ok {
		e.b = (*p)[:0]
	}
	e.uint(uint64(s.Version))
	e.uint(uint64(s.Analysis))
	for _, v := range []float64{s.basics.moving, s.basics.distance, s.basics.ascent, s.basics.avgHR, s.basics.maxHR,
		s.sustainedHR, s.observedMax, s.profile.avgHR, s.profile.moving} {
		e.float(v)
	}
	e.uint(uint64(len(s.profile.hr)))
	e.floats(s.profile.hr, 1)
	e.floats(s.profile.sec, 1)
	e.uint(uint64(len(s.times)))
	var prev, prevDelta int64
	b := e.b
	for _, t := range s.times {
		if t.IsZero() {
			b = append(b, 0)
			continue
		}
		ns := t.UnixNano()
		d := ns - prev
		b = binary.AppendUvarint(b, 1+zigzag(d-prevDelta))
		prev, prevDelta = ns, d
	}
	e.b = b
	e.floats(s.speed, 1000)
	e.floats(s.alt, 10)
	// Room for the usual compression (3:1 or better) saves growing out.
	out := bytes.NewBuffer(make([]byte, 0, 64+len(e.b)/3))
	out.WriteByte(summaryMagic)
	fw := flateWriters.Get().(*flate.Writer)
	fw.Reset(out)
	fw.Write(e.b)
	err := fw.Close()
	flateWriters.Put(fw)
	raw := e.b[:0]
	summaryBufs.Put(&raw)
	if err != nil {
		return nil, err
	}
	s.encoded = out.Bytes()
	return s.encoded, nil
}

// Deflate state is reused: a flate.Writer holds about 1 MB that a new one
// allocates and clears: made per summary, it took about 5% of an import's CPU.
var (
	flateWriters = sync.Pool{New: func() any {
		w, _ := flate.NewWriter(nil, flate.BestSpeed)
		return w
	}}
	flateReaders = sync.Pool{New: func() any { return flate.NewReader(bytes.NewReader(nil)) }}
	// summaryBufs keeps MarshalBinary's uncompressed encodings for reuse.
	summaryBufs sync.Pool
)

// UnmarshalSummary decodes what MarshalBinary encoded.
func UnmarshalSummary(data []byte) (*Summary, error) {
	if len(data) == 0 || data[0] != summaryMagic {
		return nil, errors.New("summary: not a taper activity summary")
	}
	fr := flateReaders.Get().(io.ReadCloser)
	fr.(flate.Resetter).Reset(bytes.NewReader(data[1:]), nil)
	// Inflated into a reused buffer, then copied at its size: the Summary
	// keeps its columns.
	buf := bytes.NewBuffer(nil)
	if p, ok := summaryBufs.Get().(*[]byte); ok {
		buf = bytes.NewBuffer((*p)[:0])
	}
	_, err := buf.ReadFrom(fr)
	flateReaders.Put(fr)
	raw := bytes.Clone(buf.Bytes())
	b := buf.Bytes()[:0]
	summaryBufs.Put(&b)
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	d := &sumDecoder{b: raw}
	s := &Summary{Version: int(d.uint()), Analysis: int(d.uint())}
	for _, p := range []*float64{&s.basics.moving, &s.basics.distance, &s.basics.ascent, &s.basics.avgHR, &s.basics.maxHR,
		&s.sustainedHR, &s.observedMax, &s.profile.avgHR, &s.profile.moving} {
		*p = d.float()
	}
	nhr := d.count()
	s.profile.hr = d.floats(nhr, 1)
	s.profile.sec = d.floats(nhr, 1)
	// The per-sample columns are checked now and decoded when first needed
	// (Activity): zones and TRIMP need only the profile.
	n := d.count()
	s.n, s.cols = n, d.rest()
	d.skipUints(n)
	d.skipFloats(n)
	d.skipFloats(n)
	if d.err != nil {
		return nil, fmt.Errorf("summary: %w", d.err)
	}
	s.encoded = data
	return s, nil
}

type sumEncoder struct {
	b []byte
}

func (e *sumEncoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }

func (e *sumEncoder) float(v float64) {
	e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(v))
}

// floats writes vs: each value is 0 for NaN, 1 followed by 8 bytes for a
// value that is not a whole number of 1/scale, else 2 + the zigzag delta
// (in 1/scale) from the previous whole value.
func (e *sumEncoder) floats(vs []float64, scale float64) {
	b := e.b // appended to here, stored once (see sumDecoder)
	var prev int64
	for _, v := range vs {
		if !Has(v) {
			b = append(b, 0)
			continue
		}
		if k, ok := steps(v, scale); ok {
			b = binary.AppendUvarint(b, 2+zigzag(k-prev))
			prev = k
			continue
		}
		b = append(b, 1)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	e.b = b
}

// steps returns v as a whole number of 1/scale when it is exactly one.
func steps(v, scale float64) (int64, bool) {
	f := math.Round(v * scale)
	if math.Abs(f) > 1<<50 {
		return 0, false
	}
	k := int64(f)
	return k, float64(k)/scale == v
}

// sumDecoder reads b from off. (An offset rather than reslicing b: a
// slice stored through a pointer costs a write barrier while the garbage
// collector runs, and the decoder reads a few values per sample.)
type sumDecoder struct {
	b   []byte
	off int
	err error
}

// rest is what is left to read.
func (d *sumDecoder) rest() []byte { return d.b[d.off:] }

func (d *sumDecoder) uint() uint64 {
	if d.off < len(d.b) && d.b[d.off] < 0x80 { // one byte, most of them
		d.off++
		return uint64(d.b[d.off-1])
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.off += n
	return v
}

// count reads a length, refusing one larger than the bytes left could hold.
func (d *sumDecoder) count() int {
	n := d.uint()
	if n > uint64(len(d.b)-d.off) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *sumDecoder) fail() {
	if d.err == nil {
		d.err = errors.New("truncated or corrupt data")
	}
	d.off = len(d.b)
}

// skipUints checks and skips n uvarints (the times column).
func (d *sumDecoder) skipUints(n int) {
	for range n {
		d.uint()
	}
}

// skipFloats checks and skips a column written by sumEncoder.floats.
func (d *sumDecoder) skipFloats(n int) {
	for range n {
		if d.uint() == 1 {
			if len(d.b)-d.off < 8 {
				d.fail()
				return
			}
			d.off += 8
		}
	}
}

func (d *sumDecoder) float() float64 {
	if len(d.b)-d.off < 8 {
		d.fail()
		return math.NaN()
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b[d.off:]))
	d.off += 8
	return v
}

func (d *sumDecoder) floats(n int, scale float64) []float64 {
	out := make([]float64, n)
	var prev int64
	for i := range out {
		out[i] = d.next(&prev, scale)
	}
	return out
}

// next decodes a value of a column written by sumEncoder.floats; prev is
// the column's last whole number of 1/scale.
func (d *sumDecoder) next(prev *int64, scale float64) float64 {
	switch u := d.uint(); {
	case u == 0:
		return math.NaN()
	case u == 1:
		return d.float()
	default:
		*prev += unzigzag(u - 2)
		return float64(*prev) / scale
	}
}

func zigzag(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// PreliminaryMetrics is what an activity's analysis holds before its
// history is known (an import stores it with the activity; the analysis
// after the import replaces it): the totals, the average and (sustained)
// maximum heart rate and the pace, which the history's races and observed
// HRmax are found from; no zones, TRIMP or class. Its Version is 0, so any
// analysis redoes it (see Metrics.Preliminary).
func PreliminaryMetrics(header *Activity, sum *Summary) *Metrics {
	m := &Metrics{}
	b := sum.basics
	m.MovingTime, m.Distance, m.ElevationGain = b.moving, b.distance, b.ascent
	m.AvgHR, m.MaxHR = b.avgHR, b.maxHR
	if Has(sum.sustainedHR) {
		m.MaxHR = sum.sustainedHR
	}
	m.Pace = math.NaN()
	if isFootSport(header.Sport) && m.Distance > 0 && m.MovingTime > 0 {
		m.Pace = m.MovingTime / (m.Distance / 1000)
	}
	m.HRMax, m.TRIMP = math.NaN(), math.NaN()
	return m
}

// Preliminary reports whether m is PreliminaryMetrics: totals without the
// analysis proper.
func (m *Metrics) Preliminary() bool { return m != nil && m.Version == 0 }
