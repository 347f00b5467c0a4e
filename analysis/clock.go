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
	ss []Sample    // the samples, or
	ts []time.Time // their times
	ns []int64     // nanoseconds from the reference second; far when left to Sub
}

// far marks a time left to time.Time.Sub.
const far = math.MinInt64

// clockBufs keeps clocks' nanoseconds for reuse (see newClock).
var clockBufs sync.Pool

// newClock reads ss's times; release gives its memory back once done.
func newClock(ss []Sample) clock {
	c := clock{ss: ss}
	c.read(len(ss))
	return c
}

// newClockTimes is newClock for the times ts.
func newClockTimes(ts []time.Time) clock {
	c := clock{ts: ts}
	c.read(len(ts))
	return c
}

// time is the time of sample i.
func (c *clock) time(i int) time.Time {
	if c.ts != nil {
		return c.ts[i]
	}
	return c.ss[i].Time
}

// read reads the n times.
func (c *clock) read(n int) {
	var ns []int64
	if p, ok := clockBufs.Get().(*[]int64); ok && cap(*p) >= n {
		ns = (*p)[:n]
	} else {
		ns = make([]int64, n)
	}
	c.ns = ns
	var ref int64
	for i := range n {
		if t := c.time(i); !t.IsZero() {
			ref = t.Unix()
			break
		}
	}
	for i := range n {
		t := c.time(i)
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
}

// sub is the time of sample i minus that of sample j, as time.Time.Sub.
func (c clock) sub(i, j int) time.Duration {
	a, b := c.ns[i], c.ns[j]
	if a == far || b == far {
		return c.time(i).Sub(c.time(j))
	}
	return time.Duration(a - b)
}

// release returns c's memory to clockBufs; c is not used after.
func (c clock) release() {
	ns := c.ns[:0]
	clockBufs.Put(&ns)
}
