package analysis

import (
	"fmt"
	"math"
)

// SummaryStreamAsSamples reports whether the stream AnalyzeSummary makes
// from s's columns has the same bits as the stream of the samples
// s.Activity(header) makes, and whether there is one.
func SummaryStreamAsSamples(s *Summary, header *Activity) (same, made bool) {
	a := s.Activity(header)
	c := newClock(a.Samples)
	defer c.release()
	got, want := s.stream(), newStream(a.Samples, c)
	return streamBits(got) == streamBits(want), want != nil
}

func streamBits(st *stream) string {
	if st == nil {
		return "nil"
	}
	return fmt.Sprintf("%x %x %x %x %x %x %d", st.raw, st.cum, st.smooth, st.alt,
		math.Float64bits(st.median), math.Float64bits(st.quartile), st.moving)
}
