// Package analysis holds taper's shared vocabulary (activities, laps,
// samples) and the pure functions that judge them: metrics, run
// classification, the race, the pre-race baseline and the recovery rules.
// It performs no I/O and imports nothing from this project.
package analysis

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"strconv"
	"time"
)

// Missing returns the value that marks an absent measurement. Every float64
// measurement in this package uses NaN for "missing"; store writes it as NULL.
func Missing() float64 { return math.NaN() }

// Has reports whether v holds a measurement (is not NaN).
func Has(v float64) bool { return !math.IsNaN(v) }

// Sports, as stored (lower case, FIT profile spelling).
const (
	SportRunning  = "running"
	SportCycling  = "cycling"
	SportWalking  = "walking"
	SportHiking   = "hiking"
	SportSwimming = "swimming"
	SportTraining = "training" // strength and other gym work
	SportGeneric  = "generic"
)

// Sports are the sports taper knows (an athlete may have others stored).
func Sports() []string {
	return []string{SportRunning, SportCycling, SportWalking, SportHiking, SportSwimming, SportTraining, SportGeneric}
}

// Run classes, from the most to the least specific.
const (
	ClassRace     = "race"
	ClassInterval = "interval"
	ClassTempo    = "tempo"
	ClassLong     = "long"
	ClassEasy     = "easy"
)

// Time zone sources: where an activity's UTC offset came from.
const (
	TZFromFIT     = "fit_local_timestamp" // FIT activity.local_timestamp
	TZFromGPS     = "gps"                 // zone of the first GPS point
	TZFromAthlete = "athlete"             // the athlete's configured zone
	TZFromUTC     = "utc"                 // nothing better was known
	// TZFromNearby: a platform's summary without a zone (a Strava manual
	// entry) takes the zone of the athlete's nearest-in-time activity
	// whose file had one, when the athlete set none.
	TZFromNearby = "nearby"
)

// Sample is one point of an activity's record stream (usually 1 Hz).
// Every measurement is in SI units or degrees; NaN means not recorded.
type Sample struct {
	Time      time.Time // UTC
	Lat, Lon  float64   // degrees (WGS84)
	Altitude  float64   // m
	HeartRate float64   // beats per minute
	Cadence   float64   // as the device records it: rpm (running: strides per minute, one foot)
	Speed     float64   // m/s
	Distance  float64   // m, cumulative from the start of the activity
	Power     float64   // W
}

// Lap is a lap or split as the device recorded it.
type Lap struct {
	Start       time.Time // UTC
	ElapsedTime float64   // s
	MovingTime  float64   // s (timer time)
	Distance    float64   // m
	Intensity   string    // active, rest, warmup, cooldown, recovery, interval, other; "" unknown
	Trigger     string    // manual, time, distance, position_start, session_end, ...; "" unknown
	AvgHR       float64   // bpm
	MaxHR       float64   // bpm
	AvgSpeed    float64   // m/s
}

// WorkoutStep is one step of a structured workout carried in an activity file
// (FIT workout_step). A repeat step has RepeatFrom >= 0 and RepeatCount > 0.
type WorkoutStep struct {
	Index        int
	Name         string
	Intensity    string  // active, rest, warmup, cooldown, recovery, interval, other
	DurationType string  // time, distance, open, repeat_until_steps_cmplt, ...
	Duration     float64 // s or m by DurationType; NaN if none
	RepeatFrom   int     // for repeat steps: the step index repeated from; -1 otherwise
	RepeatCount  int     // for repeat steps: how many times; 0 otherwise
}

// Activity is one recorded session (a run, a ride, a swim...).
// Totals are the device's session totals where the file has them, otherwise
// computed from the samples (TotalsFrom says which).
type Activity struct {
	ID       string // stable: see ActivityID
	Athlete  string
	Sport    string // see Sport* constants; other FIT sport names as they are
	SubSport string // road, trail, track, treadmill, virtual_activity, ...; "" generic
	// SportInferred is true when the file named no sport and it was
	// inferred from speed.
	SportInferred bool

	Start      time.Time // UTC
	UTCOffset  int       // seconds east of UTC at the start (local = Start + UTCOffset)
	TimeZone   string    // IANA name when known, else ""
	TimeSource string    // TZFrom*

	ElapsedTime float64 // s
	MovingTime  float64 // s (timer time, pauses excluded)
	Distance    float64 // m
	Ascent      float64 // m
	AvgHR       float64 // bpm
	MaxHR       float64 // bpm
	AvgCadence  float64 // as recorded (see Sample.Cadence)
	Calories    float64 // kcal
	Device      string  // manufacturer and product, e.g. "garmin fr255"
	TotalsFrom  string  // "session" or "records"

	Source        string   // path as given; inside an archive: "outer.zip!inner/path.fit"
	Format        string   // "fit" or "gpx", decided by content
	SessionIndex  int      // index of the session within its file (chained/multisport files)
	Partial       bool     // only part of the file could be decoded
	PartialReason string   // why, when Partial
	Flags         []string // data quality flags, e.g. "start_before_2000", "start_in_future"

	Laps    []Lap
	Samples []Sample
	Workout []WorkoutStep

	DuplicateOf string // ID of the primary when this is the same activity from another source

	// Filled by analysis (Analyze); empty until then.
	Metrics *Metrics

	// summary holds the totals of the full samples when Samples are a
	// Summary's reduced ones (see Summary.Activity).
	summary *basics
}

// AnalysisVersion is bumped whenever metrics or classification change, so
// stored results can be recomputed (taper reanalyze).
const AnalysisVersion = 5

// Metrics are the per-activity results of analysis.
type Metrics struct {
	Version       int
	MovingTime    float64    // s, auto-pause aware
	Distance      float64    // m
	Pace          float64    // s per km over moving time; NaN when not a foot sport or no distance
	AvgHR, MaxHR  float64    // bpm
	ElevationGain float64    // m
	HRMax         float64    // the HRmax used for zones (settings, else observed); NaN if none
	ZoneSeconds   [5]float64 // time in heart-rate zones 1..5 (50-60-70-80-90-100 % HRmax)
	TRIMP         float64    // Banister TRIMP; NaN without heart rate
	Class         string     // Class* for runs; "" for other sports
	ClassSource   string     // evidence used: workout, laps, manual_laps, stream, pace, duration, default, marked
	Evidence      string     // a sentence a coach can check
	// Override is the coach's decision when the class is the coach's
	// (ApplyOverrides); never stored with the metrics.
	Override *ClassOverride
}

// IsRun reports whether the activity is running of any sub-sport (road,
// trail, track, treadmill, virtual).
func (a *Activity) IsRun() bool { return a.Sport == SportRunning }

// Zone returns the activity's local fixed zone (offset, with the IANA name
// when known).
func (a *Activity) Zone() *time.Location {
	name := a.TimeZone
	if name == "" {
		name = "UTC" + formatOffset(a.UTCOffset)
	}
	return time.FixedZone(name, a.UTCOffset)
}

// LocalStart is the start in the athlete's local time.
func (a *Activity) LocalStart() time.Time { return a.Start.In(a.Zone()) }

// LocalDate is the local calendar date of the start, as YYYY-MM-DD.
func (a *Activity) LocalDate() string { return a.LocalStart().Format("2006-01-02") }

// ActivityID returns the stable id of the session at index within the file
// with the given sha256, for athlete: re-importing the same bytes for the
// same athlete always gives the same id.
func ActivityID(athlete, fileSHA256 string, index int) string {
	h := sha256.Sum256([]byte(athlete + "\x00" + fileSHA256 + "\x00" + strconv.Itoa(index)))
	return hex.EncodeToString(h[:8])
}

func formatOffset(s int) string {
	if s == 0 {
		return ""
	}
	sign := "+"
	if s < 0 {
		sign = "-"
		s = -s
	}
	h, m := s/3600, s%3600/60
	out := sign + strconv.Itoa(h)
	if m != 0 {
		out += ":" + strconv.Itoa(m/10) + strconv.Itoa(m%10)
	}
	return out
}
