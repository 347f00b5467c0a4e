package analysis

import (
	"encoding/binary"
	"errors"
	"math"
)

// MarshalBinary encodes the profile (little-endian float64s: avgHR, moving,
// then each heart rate and its seconds), so a distributed run can keep it
// with an activity's summary after the samples are gone.
func (p HRProfile) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 8*(2+2*len(p.hr)))
	for _, v := range []float64{p.avgHR, p.moving} {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	for i, hr := range p.hr {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(hr))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p.sec[i]))
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote.
func (p *HRProfile) UnmarshalBinary(b []byte) error {
	if len(b) < 16 || len(b)%16 != 0 {
		return errors.New("heart-rate profile: bad length")
	}
	f := func(i int) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])) }
	*p = HRProfile{avgHR: f(0), moving: f(1)}
	n := (len(b) - 16) / 16
	p.hr, p.sec = make([]float64, n), make([]float64, n)
	for i := range n {
		p.hr[i], p.sec[i] = f(2+2*i), f(3+2*i)
	}
	return nil
}
