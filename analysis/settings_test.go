package analysis

import (
	"strings"
	"testing"
)

func TestValidateRamp(t *testing.T) {
	for _, c := range []struct {
		ramp []float64
		want string // in the error; "" = valid
	}{
		{[]float64{0, 0.25, 0.5, 0.75, 1}, ""},
		{[]float64{0, 0, 0.4, 0.6, 0.8, 1}, ""},
		{[]float64{0, 0.5, 0.5, 1.2}, ""},
		{[]float64{0, 0.5, 0.2, 1}, "week 3: 0.2 is below week 2's 0.5"},
		{[]float64{0, 0.5, 3}, "week 3: 3 is not a fraction of baseline"},
		{[]float64{-0.1}, "week 1: -0.1 is not a fraction"},
	} {
		s, err := Preset(PresetStandard)
		if err != nil {
			t.Fatal(err)
		}
		s.Ramp = c.ramp
		err = s.Validate()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("ramp %v: %v, want valid", c.ramp, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("ramp %v: %v, want an error with %q", c.ramp, err, c.want)
		}
	}
}
