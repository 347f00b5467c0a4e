package analysis

import (
	"fmt"
	"math"
	"strconv"
)

// SettingKind is what a setting holds.
type SettingKind int

// Setting kinds.
const (
	KindChoice    SettingKind = iota // one of Choices
	KindInt                          // a whole number in Min..Max
	KindNumber                       // a number in Min..Max
	KindFractions                    // a list of numbers in Min..Max, one per recovery week
	KindPace                         // a pace in s/km in Min..Max (taper.toml also takes "m:ss")
	KindZone                         // an IANA time zone name, or "" for UTC
	KindNames                        // a list of names (sports)
)

// SettingSpec is one setting key: what it holds, its range and its help.
// SettingSpecs is the one table of them: Settings.Validate, the settings
// file parser (package config) and taper rules all read it.
type SettingSpec struct {
	Key      string
	Kind     SettingKind
	Choices  []string // KindChoice
	Min, Max float64  // KindInt, KindNumber, KindFractions (each), KindPace
	// Zero, when set, says what 0 means: 0 is then allowed besides Min..Max.
	Zero string
	Unit string // "days", "bpm"; for a ratio or fraction, what it is of
	Help string
}

// SettingSpecs returns every setting key's spec in the order taper rules
// prints them.
func SettingSpecs() []SettingSpec {
	return []SettingSpec{
		{Key: KeyPreset, Kind: KindChoice, Choices: PresetNames(), Help: "the built-in rules the other keys override"},
		{Key: KeyRestDays, Kind: KindInt, Min: 0, Max: 56, Unit: "days", Help: "rest window: no run on days 1..rest_days after the race"},
		{Key: KeyReturnDays, Kind: KindInt, Min: 0, Max: 56, Unit: "days", Help: "return phase after the rest window: short easy runs only"},
		{Key: KeyReturnMaxMinutes, Kind: KindNumber, Min: 0, Max: 600, Unit: "minutes", Help: "longest run of the return phase (moving time)"},
		{Key: KeyRamp, Kind: KindFractions, Min: 0, Max: 1.5, Unit: "(a fraction of baseline; 1.0 = the pre-race volume)", Help: "weekly volume cap of recovery weeks 1, 2, ..., rising week by week"},
		{Key: KeyRampJump, Kind: KindNumber, Min: 1, Max: 10, Unit: "(a ratio: 1.3 allows +30% a week)", Help: "after the ramp: most a week's volume may grow over the previous week's"},
		{Key: KeyRampJumpMinPrev, Kind: KindNumber, Min: 0, Max: 3, Unit: "(a fraction of baseline)", Help: "ramp_jump applies only after a week of at least this volume"},
		{Key: KeyMaxIntervalSessions, Kind: KindInt, Min: 0, Max: 14, Unit: "sessions a week", Help: "interval sessions allowed in a recovery week (after the return phase)"},
		{Key: KeyHardCrossMinutes, Kind: KindNumber, Min: 0, Max: 1440, Unit: "minutes", Help: "cross-training longer than this in the rest window is a warning"},
		{Key: KeyWeeks, Kind: KindInt, Min: 1, Max: 52, Unit: "weeks", Help: "recovery weeks audited"},
		{Key: KeyVolume, Kind: KindChoice, Choices: []string{VolumeDistance, VolumeTime}, Help: "what the ramp caps measure: distance or moving time"},
		{Key: KeyBaselineKm, Kind: KindNumber, Min: 0, Max: 1000, Zero: "from history", Unit: "km a week", Help: "pre-race weekly volume; 0 computes it from the weeks before the race"},
		{Key: KeyHRMax, Kind: KindNumber, Min: 100, Max: 240, Zero: "highest seen", Unit: "bpm", Help: "maximum heart rate for zones and TRIMP; 0 uses the highest plausible value of the last 12 months"},
		{Key: KeyHRRest, Kind: KindNumber, Min: 25, Max: 120, Zero: fmt.Sprintf("default %d bpm", DefaultHRRest), Unit: "bpm", Help: "resting heart rate for TRIMP"},
		{Key: KeyThresholdPace, Kind: KindPace, Min: 120, Max: 900, Zero: "none", Unit: "s per km", Help: "tempo reference when there is no race pace (\"4:15\" or 255)"},
		{Key: KeyTimeZone, Kind: KindZone, Help: "IANA zone of files that carry none, and of the athlete's today"},
		{Key: KeyLightSports, Kind: KindNames, Help: "light activities (sports or sub-sports, e.g. walking, yoga): in the rest window they count only when heart rate says hard"},
		{Key: KeyHardHRPercent, Kind: KindInt, Min: 50, Max: 90, Unit: "% of HRmax (50, 60, 70, 80 or 90: a zone boundary)", Help: "hard effort: time at or above this share of HRmax ..."},
		{Key: KeyHardHRMinutes, Kind: KindNumber, Min: 0, Max: 1440, Unit: "minutes", Help: "... for longer than this makes any activity in the rest window hard cross-training"},
		{Key: KeyCapTolerance, Kind: KindNumber, Min: 0, Max: 0.5, Unit: "(a fraction of the cap: 0.03 absorbs 3% of GPS noise)", Help: "volume above a cap by at most this much is a ramp_cap_near warning, not a breach"},
		{Key: KeyRaceDistance, Kind: KindChoice, Choices: RaceDistanceNames(), Help: "the race found by distance when none is marked; the rules scale to a race other than the marathon"},
	}
}

// SettingKeys returns every setting key in the order taper rules prints
// them.
func SettingKeys() []string {
	specs := SettingSpecs()
	keys := make([]string, len(specs))
	for i, p := range specs {
		keys[i] = p.Key
	}
	return keys
}

// Spec returns the spec of a setting key.
func Spec(key string) (SettingSpec, bool) {
	for _, p := range SettingSpecs() {
		if p.Key == key {
			return p, true
		}
	}
	return SettingSpec{}, false
}

// Range says which values the key takes: "0..56 days", "100..240 bpm, or 0
// (highest seen)".
func (p SettingSpec) Range() string {
	switch p.Kind {
	case KindChoice:
		return quoteOr(p.Choices)
	case KindZone:
		return `an IANA time zone such as "Europe/Paris", or ""`
	case KindNames:
		return `a list of names such as ["walking", "yoga"]`
	}
	r := num(p.Min) + ".." + num(p.Max)
	if p.Unit != "" {
		r += " " + p.Unit
	}
	if p.Kind == KindFractions {
		r = "a list of " + r
	}
	if p.Zero != "" && p.Min > 0 {
		r += ", or 0 (" + p.Zero + ")"
	}
	return r
}

// Check says why v is not a valid value of a numeric key (of one element
// of a KindFractions key); nil when it is.
func (p SettingSpec) Check(v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%v is not a number", v)
	}
	if (v == 0 && p.Zero != "") || (v >= p.Min && v <= p.Max) {
		return nil
	}
	if p.Kind == KindFractions {
		return fmt.Errorf("%v is not a fraction of baseline in %s..%s (1.0 = the pre-race volume)", num(v), num(p.Min), num(p.Max))
	}
	return fmt.Errorf("%s is out of range: use %s", num(v), p.Range())
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func quoteOr(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += " or "
		}
		out += strconv.Quote(x)
	}
	return out
}
