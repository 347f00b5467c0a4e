package analysis

import (
	"math"
	"sync"
	"time"
)

// clock reads the samples' times once, as nanoseconds, so that the time
// between two samples is an integer subtraction. time.Time.Sub costs
// several times as much (it checks for overflow by adding the result back),
// and the analysis takes it two or three times per sample.
//
// sub gives exactly what time.Time.Sub gives: times more than 2^32 s from
// the first known one (a zero time among dated samples), and all times when
// one carries a monotonic clock reading (Sub would compare those), are left
// to time.Time.Sub.
type clock struct {
	ss []Sample
	ns []int64 // nanoseconds from the reference second; far when left to Sub
}

// far marks a time left to time.Time.Sub.
const far = math.MinInt64

// clockBufs keeps clocks' nanoseconds for reuse (see newClock).
var clockBufs sync.Pool

// newClock reads ss's times; release gives its memory back once done.
func newClock(ss []Sample) clock {
	var ns []int64
	if p, ok := clockBufs.Get().(*[]int64); ok && cap(*p) >= len(ss) {
		ns = (*p)[:len(ss)]
	} else {
		ns = make([]int64, len(ss))
	}
	var ref int64
	for i := range ss {
		if !ss[i].Time.IsZero() {
			ref = ss[i].Time.Unix()
			break
		}
	}
	for i := range ss {
		t := ss[i].Time
		if t != t.Round(0) { // a monotonic clock reading
			for k := range ns {
				ns[k] = far
			}
			break
		}
		s := t.Unix()
		d := s - ref
		if (d < 0) != (s < ref) || d < -1<<32 || d > 1<<32 {
			ns[i] = far // out of range, or the subtraction overflowed
			continue
		}
		ns[i] = d*int64(time.Second) + int64(t.Nanosecond())
	}
	return clock{ss: ss, ns: ns}
}

// sub is ss[i].Time.Sub(ss[j].Time).
func (c clock) sub(i, j int) time.Duration {
	a, b := c.ns[i], c.ns[j]
	if a == far || b == far {
		return c.ss[i].Time.Sub(c.ss[j].Time)
	}
	return time.Duration(a - b)
}

// release returns c's memory to clockBufs; c is not used after.
func (c clock) release() {
	ns := c.ns[:0]
	clockBufs.Put(&ns)
}
