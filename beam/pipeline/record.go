package pipeline

import (
	"time"

	"github.com/taper-run/taper/analysis"
)

// FileTask is one unit of decoding work: a file under an athlete's folder
// (a plain .fit/.gpx, a .gz, or a whole export zip), with its position in
// the athlete's walk order (what taper import would see), so the per-athlete
// stages can replay the CLI's order-dependent choices (first copy of the
// same bytes wins, duplicates across sources).
type FileTask struct {
	Athlete string
	Path    string // local path or a Beam file system URL
	Rank    int    // position in the athlete's walk order
}

// ActivityRecord is the compact, serialisable summary of one activity that
// leaves the worker which decoded it: the activity without its samples,
// laps and workout, its metrics, and its heart-rate profile (so zones and
// TRIMP can follow the athlete's HRmax without the samples). Records never
// leave the worker; a record is about 1 KB.
type ActivityRecord struct {
	Athlete string
	File    string // the FileTask path holding it
	Rank    int    // the FileTask's rank
	Seq     int    // position of its entry in the file's walk (archive members)
	SHA256  string // of the entry's content

	ID            string
	Sport         string
	SubSport      string
	SportInferred bool
	Start         string // RFC 3339 with nanoseconds, UTC; "" when unknown
	UTCOffset     int
	TimeZone      string
	TimeSource    string
	ElapsedTime   float64
	MovingTime    float64
	Distance      float64
	Ascent        float64
	AvgHR         float64
	MaxHR         float64
	AvgCadence    float64
	Calories      float64
	Device        string
	TotalsFrom    string
	Source        string
	Format        string
	SessionIndex  int
	Partial       bool
	PartialReason string
	Flags         []string
	Channels      int // heart rate, cadence, power present (analysis.Channels)
	DuplicateOf   string

	Metrics MetricsRecord
	Profile []byte // analysis.HRProfile, binary
}

// MetricsRecord is analysis.Metrics as a record field.
type MetricsRecord struct {
	Version       int
	MovingTime    float64
	Distance      float64
	Pace          float64
	AvgHR         float64
	MaxHR         float64
	ElevationGain float64
	HRMax         float64
	ZoneSeconds   []float64
	TRIMP         float64
	Class         string
	ClassSource   string
	Evidence      string
}

// FileOutcome is what happened to one entry (file or archive member): the
// per-athlete stage keeps the first entry with given bytes, as taper import
// does, and reports the rejected ones.
type FileOutcome struct {
	Athlete string
	Rank    int
	Seq     int
	Path    string // as taper import names it (archive members: outer.zip!inner.fit)
	SHA256  string // "" when unreadable
	Status  string // imported, skipped, rejected
	Reason  string
}

// Rejection is one line of OUT/rejected.jsonl.
type Rejection struct {
	Athlete string `json:"athlete"`
	Path    string `json:"path"`
	Reason  string `json:"reason"`
}

// RedoItem asks the worker holding a file to analyse one of its activities
// again, in its athlete's context: the race pace its tempo is judged
// against and the HRmax observed up to it, and whether it is the race.
type RedoItem struct {
	Athlete    string
	File       string
	Rank       int
	Member     string // the entry's path (ActivityRecord.Source)
	ID         string
	Record     ActivityRecord // the summary so far (kept when the entry cannot be read again)
	RacePace   float64
	ObservedHR float64
	RaceSource string // "" unless this activity is the race
}

// newRecord summarises a decoded, analysed activity.
func newRecord(t FileTask, seq int, sha string, a *analysis.Activity, m *analysis.Metrics, p analysis.HRProfile) ActivityRecord {
	r := ActivityRecord{
		Athlete: t.Athlete, File: t.Path, Rank: t.Rank, Seq: seq, SHA256: sha,
		ID: a.ID, Sport: a.Sport, SubSport: a.SubSport, SportInferred: a.SportInferred,
		UTCOffset: a.UTCOffset, TimeZone: a.TimeZone, TimeSource: a.TimeSource,
		ElapsedTime: a.ElapsedTime, MovingTime: a.MovingTime, Distance: a.Distance, Ascent: a.Ascent,
		AvgHR: a.AvgHR, MaxHR: a.MaxHR, AvgCadence: a.AvgCadence, Calories: a.Calories,
		Device: a.Device, TotalsFrom: a.TotalsFrom, Source: a.Source, Format: a.Format,
		SessionIndex: a.SessionIndex, Partial: a.Partial, PartialReason: a.PartialReason, Flags: a.Flags,
		Channels: analysis.Channels(a), DuplicateOf: a.DuplicateOf,
	}
	if !a.Start.IsZero() {
		r.Start = a.Start.UTC().Format(time.RFC3339Nano)
	}
	r.setMetrics(m)
	r.Profile, _ = p.MarshalBinary() // never fails
	return r
}

func (r *ActivityRecord) setMetrics(m *analysis.Metrics) {
	if m == nil {
		r.Metrics = MetricsRecord{}
		return
	}
	r.Metrics = MetricsRecord{
		Version: m.Version, MovingTime: m.MovingTime, Distance: m.Distance, Pace: m.Pace, AvgHR: m.AvgHR, MaxHR: m.MaxHR,
		ElevationGain: m.ElevationGain, HRMax: m.HRMax, ZoneSeconds: m.ZoneSeconds[:], TRIMP: m.TRIMP,
		Class: m.Class, ClassSource: m.ClassSource, Evidence: m.Evidence,
	}
}

// activity rebuilds the activity (without samples) with its metrics, as
// the store returns it to the CLI's audit.
func (r ActivityRecord) activity() *analysis.Activity {
	a := &analysis.Activity{
		ID: r.ID, Athlete: r.Athlete, Sport: r.Sport, SubSport: r.SubSport, SportInferred: r.SportInferred,
		UTCOffset: r.UTCOffset, TimeZone: r.TimeZone, TimeSource: r.TimeSource,
		ElapsedTime: r.ElapsedTime, MovingTime: r.MovingTime, Distance: r.Distance, Ascent: r.Ascent,
		AvgHR: r.AvgHR, MaxHR: r.MaxHR, AvgCadence: r.AvgCadence, Calories: r.Calories,
		Device: r.Device, TotalsFrom: r.TotalsFrom, Source: r.Source, Format: r.Format,
		SessionIndex: r.SessionIndex, Partial: r.Partial, PartialReason: r.PartialReason, Flags: r.Flags,
		DuplicateOf: r.DuplicateOf,
	}
	if r.Start != "" {
		a.Start, _ = time.Parse(time.RFC3339Nano, r.Start)
	}
	if r.Metrics.Version != 0 {
		m := r.Metrics
		a.Metrics = &analysis.Metrics{
			Version: m.Version, MovingTime: m.MovingTime, Distance: m.Distance, Pace: m.Pace, AvgHR: m.AvgHR, MaxHR: m.MaxHR,
			ElevationGain: m.ElevationGain, HRMax: m.HRMax, TRIMP: m.TRIMP,
			Class: m.Class, ClassSource: m.ClassSource, Evidence: m.Evidence,
		}
		copy(a.Metrics.ZoneSeconds[:], m.ZoneSeconds)
	}
	return a
}

// profile decodes the heart-rate profile.
func (r ActivityRecord) profile() analysis.HRProfile {
	var p analysis.HRProfile
	_ = p.UnmarshalBinary(r.Profile) // written by newRecord
	return p
}

// before orders records as taper import meets them.
func (r ActivityRecord) before(o ActivityRecord) bool {
	if r.Rank != o.Rank {
		return r.Rank < o.Rank
	}
	if r.Seq != o.Seq {
		return r.Seq < o.Seq
	}
	return r.SessionIndex < o.SessionIndex
}
