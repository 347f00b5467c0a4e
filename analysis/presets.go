package analysis

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Preset names.
const (
	PresetStandard     = "standard"
	PresetConservative = "conservative"
)

// Volume settings: what "volume" means for ramp_cap and ramp_jump.
const (
	VolumeDistance = "distance" // metres of running
	VolumeTime     = "time"     // seconds of running (moving time)
)

// Setting keys, as written in taper.toml and used in Settings.Source.
const (
	KeyPreset              = "preset"
	KeyRestDays            = "rest_days"
	KeyReturnDays          = "return_days"
	KeyReturnMaxMinutes    = "return_max_minutes"
	KeyRamp                = "ramp"
	KeyRampJump            = "ramp_jump"
	KeyRampJumpMinPrev     = "ramp_jump_min_prev"
	KeyMaxIntervalSessions = "max_interval_sessions"
	KeyHardCrossMinutes    = "hard_cross_minutes"
	KeyWeeks               = "weeks"
	KeyVolume              = "volume"
	KeyBaselineKm          = "baseline_km"
	KeyHRMax               = "hr_max"
	KeyHRRest              = "hr_rest"
	KeyThresholdPace       = "threshold_pace"
	KeyTimeZone            = "timezone"
	KeyLightSports         = "light_sports"
	KeyHardHRPercent       = "hard_hr_percent"
	KeyHardHRMinutes       = "hard_hr_minutes"
	KeyCapTolerance        = "cap_tolerance"
	KeyRaceDistance        = "race_distance"
)

// DefaultLightSports are the sports and sub-sports (FIT profile names)
// counted as light activity, which the article encourages in the rest
// window: they are hard cross-training only when heart rate says so.
func DefaultLightSports() []string {
	return []string{SportWalking, SportHiking, "yoga", "pilates", "stretching", "flexibility_training",
		"mobility", "breathing", "casual_walking", "speed_walking", "meditation"}
}

// PresetNames returns the names Preset accepts.
func PresetNames() []string { return []string{PresetStandard, PresetConservative} }

// Preset returns the settings of a named preset ("standard" or
// "conservative") with every Source entry set to "preset <name>".
//
// standard: rest 10 days, return 7 days (runs up to 45 min, no speed work),
// ramp 0, 25, 50, 75, 100 % of baseline for weeks 1..5, then at most +30 %
// a week; one interval session a week. conservative: rest 14 days and ramp
// 0, 0, 40, 60, 80, 100 % for weeks 1..6; the rest as standard.
func Preset(name string) (Settings, error) {
	s := Settings{
		Preset:              PresetStandard,
		RestDays:            10,
		ReturnDays:          7,
		ReturnMaxMinutes:    45,
		Ramp:                []float64{0, 0.25, 0.50, 0.75, 1.00},
		RampJump:            1.30,
		RampJumpMinPrev:     0.25,
		MaxIntervalSessions: 1,
		HardCrossMinutes:    60,
		Weeks:               8,
		Volume:              VolumeDistance,
		LightSports:         DefaultLightSports(),
		HardHRPercent:       80,
		HardHRMinutes:       20,
		RaceDistance:        RaceMarathon,
	}
	switch name {
	case PresetStandard:
	case PresetConservative:
		s.Preset = PresetConservative
		s.RestDays = 14
		s.Ramp = []float64{0, 0, 0.40, 0.60, 0.80, 1.00}
	default:
		return Settings{}, fmt.Errorf("unknown preset %q: use one of %s", name, strings.Join(PresetNames(), ", "))
	}
	s.Source = make(map[string]string, len(SettingKeys()))
	for _, k := range SettingKeys() {
		s.Source[k] = "preset " + s.Preset
	}
	return s, nil
}

// Validate reports the first setting that cannot be used, naming its key:
// a value outside its SettingSpecs range, an empty or falling ramp, or a
// resting heart rate not below the maximum.
func (s Settings) Validate() error {
	bad := func(key string, format string, args ...any) error {
		return fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...))
	}
	for _, p := range SettingSpecs() {
		switch p.Kind {
		case KindChoice:
			if v := s.choice(p.Key); !slices.Contains(p.Choices, v) {
				return bad(p.Key, "%q is not valid: use %s", v, quoteOr(p.Choices))
			}
		case KindInt, KindNumber, KindPace:
			if err := p.Check(s.number(p.Key)); err != nil {
				return bad(p.Key, "%v", err)
			}
		case KindFractions:
			if len(s.Ramp) == 0 {
				return bad(p.Key, "the ramp is empty: give one fraction of baseline per recovery week, e.g. [0, 0.25, 0.5, 0.75, 1.0]")
			}
			for i, f := range s.Ramp {
				if err := p.Check(f); err != nil {
					return bad(p.Key, "week %d: %v", i+1, err)
				}
				if i > 0 && f < s.Ramp[i-1] {
					return bad(p.Key, "week %d: %v is below week %d's %v: a reverse taper's caps rise week by week", i+1, f, i, s.Ramp[i-1])
				}
			}
		}
	}
	if !validHardPercent(s.HardHRPercent) {
		return bad(KeyHardHRPercent, "%v is not a zone boundary: use 50, 60, 70, 80 or 90 (%% of HRmax)", s.HardHRPercent)
	}
	if s.HRRest > 0 && s.HRMax > 0 && s.HRRest >= s.HRMax {
		return bad(KeyHRRest, "%v bpm is not below hr_max %v bpm", s.HRRest, s.HRMax)
	}
	return nil
}

// choice is the value of a KindChoice key.
func (s Settings) choice(key string) string {
	switch key {
	case KeyPreset:
		return s.Preset
	case KeyVolume:
		return s.Volume
	case KeyRaceDistance:
		return s.RaceDistance
	}
	return ""
}

// number is the value of a numeric key.
func (s Settings) number(key string) float64 {
	switch key {
	case KeyRestDays:
		return float64(s.RestDays)
	case KeyReturnDays:
		return float64(s.ReturnDays)
	case KeyReturnMaxMinutes:
		return s.ReturnMaxMinutes
	case KeyRampJump:
		return s.RampJump
	case KeyRampJumpMinPrev:
		return s.RampJumpMinPrev
	case KeyMaxIntervalSessions:
		return float64(s.MaxIntervalSessions)
	case KeyHardCrossMinutes:
		return s.HardCrossMinutes
	case KeyWeeks:
		return float64(s.Weeks)
	case KeyBaselineKm:
		return s.BaselineKm
	case KeyHRMax:
		return s.HRMax
	case KeyHRRest:
		return s.HRRest
	case KeyThresholdPace:
		return s.ThresholdPace
	case KeyHardHRPercent:
		return s.HardHRPercent
	case KeyHardHRMinutes:
		return s.HardHRMinutes
	case KeyCapTolerance:
		return s.CapTolerance
	}
	return math.NaN()
}

// VolumeUnit returns the unit of volumes under these settings: "s" for
// time, else "m".
func (s Settings) VolumeUnit() string {
	if s.Volume == VolumeTime {
		return "s"
	}
	return "m"
}

// validHardPercent reports whether p is a heart-rate zone boundary, so the
// time above it can be read from the stored zones.
func validHardPercent(p float64) bool {
	switch p {
	case 50, 60, 70, 80, 90:
		return true
	}
	return false
}
