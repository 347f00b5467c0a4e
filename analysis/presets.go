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
	KeyLightSports         = "light_sports"
	KeyHardHRPercent       = "hard_hr_percent"
	KeyHardHRMinutes       = "hard_hr_minutes"
	KeyCapTolerance        = "cap_tolerance"
	KeyRaceDistance        = "race_distance"
	KeyWeeks               = "weeks"
	KeyVolume              = "volume"
	KeyBaselineKm          = "baseline_km"
	KeyHRMax               = "hr_max"
	KeyHRRest              = "hr_rest"
	KeyThresholdPace       = "threshold_pace"
	KeyTimeZone            = "timezone"
)

// SettingKeys returns every setting key in the order `taper rules` prints
// them.
func SettingKeys() []string {
	return []string{
		KeyPreset, KeyRestDays, KeyReturnDays, KeyReturnMaxMinutes, KeyRamp,
		KeyRampJump, KeyRampJumpMinPrev, KeyMaxIntervalSessions, KeyHardCrossMinutes,
		KeyLightSports, KeyHardHRPercent, KeyHardHRMinutes, KeyCapTolerance, KeyWeeks, KeyVolume, KeyBaselineKm, KeyHRMax, KeyHRRest, KeyThresholdPace, KeyTimeZone, KeyRaceDistance,
	}
}

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
		LightSports:         DefaultLightSports(),
		HardHRPercent:       80,
		HardHRMinutes:       20,
		Weeks:               8,
		Volume:              VolumeDistance,
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

// Validate reports the first setting that cannot be used, naming its key.
func (s Settings) Validate() error {
	bad := func(key string, format string, args ...any) error {
		return fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...))
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case s.Preset != PresetStandard && s.Preset != PresetConservative:
		return bad(KeyPreset, "unknown preset %q: use one of %s", s.Preset, strings.Join(PresetNames(), ", "))
	case s.RestDays < 0 || s.RestDays > 56:
		return bad(KeyRestDays, "%d is out of range: use 0..56 days", s.RestDays)
	case s.ReturnDays < 0 || s.ReturnDays > 56:
		return bad(KeyReturnDays, "%d is out of range: use 0..56 days", s.ReturnDays)
	case !finite(s.ReturnMaxMinutes) || s.ReturnMaxMinutes < 0:
		return bad(KeyReturnMaxMinutes, "%v is not a number of minutes >= 0", s.ReturnMaxMinutes)
	case len(s.Ramp) == 0:
		return bad(KeyRamp, "the ramp is empty: give one fraction of baseline per recovery week, e.g. [0, 0.25, 0.5, 0.75, 1.0]")
	case !finite(s.RampJump) || s.RampJump < 1:
		return bad(KeyRampJump, "%v is not a ratio >= 1 (e.g. 1.3 for +30%% a week)", s.RampJump)
	case !finite(s.RampJumpMinPrev) || s.RampJumpMinPrev < 0:
		return bad(KeyRampJumpMinPrev, "%v is not a fraction of baseline >= 0", s.RampJumpMinPrev)
	case s.MaxIntervalSessions < 0:
		return bad(KeyMaxIntervalSessions, "%d is negative", s.MaxIntervalSessions)
	case !finite(s.HardCrossMinutes) || s.HardCrossMinutes < 0:
		return bad(KeyHardCrossMinutes, "%v is not a number of minutes >= 0", s.HardCrossMinutes)
	case !finite(s.HardHRPercent) || !validHardPercent(s.HardHRPercent):
		return bad(KeyHardHRPercent, "%v is not a zone boundary: use 50, 60, 70, 80 or 90 (%% of HRmax)", s.HardHRPercent)
	case !finite(s.HardHRMinutes) || s.HardHRMinutes < 0:
		return bad(KeyHardHRMinutes, "%v is not a number of minutes >= 0", s.HardHRMinutes)
	case !finite(s.CapTolerance) || s.CapTolerance < 0 || s.CapTolerance > 0.5:
		return bad(KeyCapTolerance, "%v is not a fraction in 0..0.5 (e.g. 0.03 to absorb 3%% of GPS noise)", s.CapTolerance)
	case s.RaceDistance != "" && !slices.Contains(RaceDistanceNames(), s.RaceDistance):
		return bad(KeyRaceDistance, "%q is not a race distance: use one of %s", s.RaceDistance, strings.Join(RaceDistanceNames(), ", "))
	case s.Weeks < 1 || s.Weeks > 52:
		return bad(KeyWeeks, "%d is out of range: use 1..52 weeks", s.Weeks)
	case s.Volume != VolumeDistance && s.Volume != VolumeTime:
		return bad(KeyVolume, "%q is not a volume: use \"distance\" or \"time\"", s.Volume)
	case !finite(s.BaselineKm) || s.BaselineKm < 0:
		return bad(KeyBaselineKm, "%v is not a weekly distance in km >= 0", s.BaselineKm)
	case !finite(s.HRMax) || s.HRMax < 0 || (s.HRMax > 0 && (s.HRMax < 100 || s.HRMax > 240)):
		return bad(KeyHRMax, "%v bpm is not a plausible maximum heart rate: use 100..240, or 0 to use the highest seen", s.HRMax)
	case !finite(s.HRRest) || s.HRRest < 0 || (s.HRRest > 0 && (s.HRRest < 25 || s.HRRest > 120)):
		return bad(KeyHRRest, "%v bpm is not a plausible resting heart rate: use 25..120, or 0 for the default", s.HRRest)
	case s.HRRest > 0 && s.HRMax > 0 && s.HRRest >= s.HRMax:
		return bad(KeyHRRest, "%v bpm is not below hr_max %v bpm", s.HRRest, s.HRMax)
	case !finite(s.ThresholdPace) || s.ThresholdPace < 0 || (s.ThresholdPace > 0 && (s.ThresholdPace < 120 || s.ThresholdPace > 900)):
		return bad(KeyThresholdPace, "%v s/km is not a plausible threshold pace: use 120..900 s/km (2:00-15:00/km), or 0 for none", s.ThresholdPace)
	}
	for i, f := range s.Ramp {
		if !finite(f) || f < 0 || f > 1.5 {
			return bad(KeyRamp, "week %d: %v is not a fraction of baseline in 0..1.5 (1.0 = the pre-race volume)", i+1, f)
		}
		if i > 0 && f < s.Ramp[i-1] {
			return bad(KeyRamp, "week %d: %v is below week %d's %v: a reverse taper's caps rise week by week", i+1, f, i, s.Ramp[i-1])
		}
	}
	return nil
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
