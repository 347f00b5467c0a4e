package analysis

// Settings are the effective recovery rules and athlete settings for one
// athlete: a preset, overlaid by the config file's default section, then by
// the athlete's own section. cmd reads the config; analysis only uses it.
type Settings struct {
	Preset              string    // "standard" or "conservative"
	RestDays            int       // days 1..RestDays after the race: no running
	ReturnDays          int       // the return phase: days RestDays+1 .. RestDays+ReturnDays
	ReturnMaxMinutes    float64   // longest run allowed on a return day (moving time, min)
	Ramp                []float64 // Ramp[k-1]: cap of recovery week k as a fraction of baseline
	RampJump            float64   // after the ramp: max ratio of a week's volume to the previous week's
	RampJumpMinPrev     float64   // ramp_jump is checked only when the previous week had this fraction of baseline
	MaxIntervalSessions int       // interval sessions allowed per recovery week outside the return phase
	HardCrossMinutes    float64   // a non-running, non-light activity in the rest window longer than this is a warning
	LightSports         []string  // sports and sub-sports that are light activity: they count only when heart rate says hard
	HardHRPercent       float64   // hard effort: at or above this % of HRmax (a zone boundary: 50, 60, 70, 80 or 90) ...
	HardHRMinutes       float64   // ... for more than this many minutes
	CapTolerance        float64   // volume up to cap x (1 + this) is a ramp_cap_near warning, not a breach
	RaceDistance        string    // the race found by distance: marathon, half_marathon, ultra or any (RaceDistanceNames)
	Weeks               int       // recovery weeks audited
	Volume              string    // "distance" (m) or "time" (s)
	BaselineKm          float64   // from config when > 0: overrides (or stands in for) the history baseline
	HRMax               float64   // bpm; 0 = use the highest plausible value seen in the last 12 months
	HRRest              float64   // resting heart rate for TRIMP, bpm; 0 = DefaultHRRest
	ThresholdPace       float64   // s/km; used for tempo when there is no race; 0 = none
	TimeZone            string    // IANA zone for activities whose files carry no zone; "" = UTC

	// Source says where each value came from, by config key
	// (e.g. "rest_days": "preset standard", "ramp": "taper.toml [athlete.alice]").
	Source map[string]string
}

// Baseline is the athlete's pre-race weekly volume.
type Baseline struct {
	Volume float64 // per week, in Unit
	Unit   string  // "m" or "s"
	Source string  // "history", "config" or "none"
	Runs   int     // runs in the baseline window
	Reason string  // for "none": why, and how to fix it
}

// Race is the race the recovery is measured from.
type Race struct {
	Activity *Activity // nil when none was found
	Source   string    // "marked" (taper race) or "distance" (found by distance); "" when none
	Reason   string    // when none: why
}
