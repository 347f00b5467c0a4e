// Package history is what an athlete's history says about each of their
// activities, and the audit of a loaded history: the races (the tempo
// reference of the runs around each), the observed HRmax, which stored
// analyses a change of history makes stale, and the recovery report. It is
// pure (no store, no clock, no cgo): the CLI's use cases (package taper)
// call it on what they load from the database, and the Beam pipeline on
// the summaries its workers send, so both give the same answers.
package history

import (
	"math"
	"sort"
	"time"

	"github.com/taper-run/taper/analysis"
)

// Analyzer holds what classification depends on beyond the activity
// itself: the settings, the HRmax for zones and the race pace for tempo.
type Analyzer struct {
	settings analysis.Settings
	races    []raceRef          // every race of the athlete, by date: the tempo reference of the runs around it
	hrMax    float64            // observed HRmax as of now (used for activities not in hrByID)
	hrByID   map[string]float64 // observed HRmax for each known activity: the 12 months up to it
	// RaceID and RaceSource are the race marked as such when analysing
	// (the race as of now, see New; a report sets the report's).
	RaceID, RaceSource string
}

// raceRef is one race of the athlete's history.
type raceRef struct {
	id, date string // local date
	pace     float64
}

// New derives what classification needs from the athlete's (primary)
// activities, with their metrics, as of now; markedID and markedDate are
// the race mark (taper race), if any. New(nil, ...) is the context of an
// athlete without history.
func New(acts []*analysis.Activity, s analysis.Settings, now time.Time, markedID, markedDate string) *Analyzer {
	an := &Analyzer{settings: s, hrMax: analysis.ObservedHRMax(acts, now), hrByID: analysis.ObservedHRMaxes(acts),
		races: findRaces(acts, markedID, markedDate)}
	race := analysis.FindRaceKind(acts, AthleteToday(now, s, acts), markedID, markedDate, s.RaceDistance)
	if race.Activity != nil {
		an.RaceID, an.RaceSource = race.Activity.ID, race.Source
	}
	return an
}

// findRaces lists every race in the history with a known pace, oldest
// first: each run of marathon distance (the bounds of analysis.FindRace) and
// the marked one.
func findRaces(acts []*analysis.Activity, markedID, markedDate string) []raceRef {
	var out []raceRef
	seen := map[string]bool{}
	add := func(a *analysis.Activity) {
		if a == nil || seen[a.ID] || pace(a) <= 0 {
			return
		}
		seen[a.ID] = true
		out = append(out, raceRef{id: a.ID, date: a.LocalDate(), pace: pace(a)})
	}
	if markedID != "" || markedDate != "" {
		add(analysis.FindRace(acts, "", markedID, markedDate).Activity)
	}
	for _, a := range acts {
		if a.DuplicateOf != "" || !a.IsRun() {
			continue
		}
		if dist, _ := analysis.AnalysedTotals(a); analysis.IsMarathonDistance(dist) {
			add(a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].date < out[j].date })
	return out
}

// RacePaceFor is the marathon pace a run's tempo is judged against: the
// race it leads up to (the first race on or after it, within 16 weeks),
// else the last race before it; 0 when there is none. A race itself (a
// marathon-distance run, the marked race, or a copy of one) is judged
// against none: against its own pace every marathon would be tempo, and
// against another race's it is a race effort, not a tempo run; it is long
// (or, when audited, the race).
func (an *Analyzer) RacePaceFor(a *analysis.Activity) float64 { return racePaceFor(an.races, a) }

// racePaceFor is RacePaceFor over races (by date).
func racePaceFor(races []raceRef, a *analysis.Activity) float64 {
	for _, r := range races {
		if r.id == a.ID || (a.DuplicateOf != "" && r.id == a.DuplicateOf) {
			return 0
		}
	}
	d := a.LocalDate()
	limit := a.LocalStart().AddDate(0, 0, RaceLeadWeeks*7).Format(time.DateOnly)
	for _, r := range races {
		if r.date >= d && r.date <= limit {
			return r.pace
		}
	}
	for i := len(races) - 1; i >= 0; i-- {
		if races[i].date < d {
			return races[i].pace
		}
	}
	return 0
}

// RaceLeadWeeks is how long before a race the runs leading up to it are
// judged against its pace (see RacePaceFor).
const RaceLeadWeeks = 16

// pace is an activity's pace in s/km from the distance and moving time the
// analysis counts; 0 when unknown.
func pace(a *analysis.Activity) float64 {
	dist, moving := analysis.AnalysedTotals(a)
	if !analysis.Has(dist) || dist <= 0 || !analysis.Has(moving) || moving <= 0 {
		return 0
	}
	return moving / (dist / 1000)
}

// Observed is the observed HRmax for a: over the 12 months up to it when it
// is in the history, else (an activity being imported) as of now.
func (an *Analyzer) Observed(a *analysis.Activity) float64 {
	if v, ok := an.hrByID[a.ID]; ok {
		return v
	}
	return an.hrMax
}

// Analyze computes an activity's metrics and class from its samples.
func (an *Analyzer) Analyze(a *analysis.Activity) *analysis.Metrics {
	m := analysis.Analyze(a, an.settings, an.Observed(a), an.RacePaceFor(a))
	an.markRace(a, m)
	return m
}

// AnalyzeSummary computes an activity's metrics and class from its header
// (with laps and workout) and summary: the same as Analyze on its records.
func (an *Analyzer) AnalyzeSummary(a *analysis.Activity, sum *analysis.Summary) *analysis.Metrics {
	m := analysis.AnalyzeSummary(a, sum, an.settings, an.Observed(a), an.RacePaceFor(a))
	an.markRace(a, m)
	return m
}

func (an *Analyzer) markRace(a *analysis.Activity, m *analysis.Metrics) {
	if a.ID != "" && a.ID == an.RaceID {
		analysis.MarkRace(m, analysis.Race{Activity: a, Source: an.RaceSource})
	}
}

// Redo says what of a's stored analysis an must redo: the whole analysis
// when all, when it is missing or of an older version, when a became or
// stopped being the race, or when a is a run whose race pace differs from
// prev's (what it was classified with; nil = unknown); else only the
// zones and TRIMP (zones) when it was analysed with another HRmax than
// the athlete's effective one now; else nothing.
func (an *Analyzer) Redo(a *analysis.Activity, prev *Analyzer, all bool) (whole, zones bool) {
	paceChanged := a.IsRun() && (prev == nil || prev.RacePaceFor(a) != an.RacePaceFor(a))
	return an.redo(a, paceChanged, all)
}

// RedoClassified is Redo for an activity whose metrics were made with race
// pace pace (see Progressive).
func (an *Analyzer) RedoClassified(a *analysis.Activity, pace float64, all bool) (whole, zones bool) {
	return an.redo(a, a.IsRun() && pace != an.RacePaceFor(a), all)
}

func (an *Analyzer) redo(a *analysis.Activity, paceChanged, all bool) (whole, zones bool) {
	m := a.Metrics
	switch {
	case all || m == nil || m.Version != analysis.AnalysisVersion ||
		(a.ID == an.RaceID) != (m.Class == analysis.ClassRace) || paceChanged:
		return true, false
	case !sameHRMax(m.HRMax, analysis.EffectiveHRMax(an.settings, an.Observed(a))):
		return false, true
	}
	return false, false
}

// ZonesCurrent reports whether a's metrics were made with the HRmax an
// gives it (false without metrics).
func (an *Analyzer) ZonesCurrent(a *analysis.Activity) bool {
	return a.Metrics != nil && sameHRMax(a.Metrics.HRMax, analysis.EffectiveHRMax(an.settings, an.Observed(a)))
}

// ApplyHRMax redoes m's zones and TRIMP for a with the HRmax an gives it,
// from a's summary.
func (an *Analyzer) ApplyHRMax(a *analysis.Activity, m *analysis.Metrics, sum *analysis.Summary) {
	analysis.ApplyHRMax(m, sum.Profile(), an.settings, an.Observed(a))
}

// sameHRMax compares two HRmax values, NaN (none) included.
func sameHRMax(a, b float64) bool {
	if !analysis.Has(a) || !analysis.Has(b) {
		return analysis.Has(a) == analysis.Has(b)
	}
	return math.Abs(a-b) < 0.5
}

// LocalToday is now's date in the athlete's zone (UTC when none is set).
func LocalToday(now time.Time, s analysis.Settings) string {
	loc := time.UTC
	if s.TimeZone != "" {
		if l, err := time.LoadLocation(s.TimeZone); err == nil {
			loc = l
		}
	}
	return now.In(loc).Format(time.DateOnly)
}

// AthleteToday is today's date where the athlete is: in the configured
// timezone, else in the zone of the athlete's latest activity (by its zone
// rules when the zone's name is known, so a run recorded under daylight
// saving time does not shift today by an hour in winter; else by its
// offset), else UTC.
func AthleteToday(now time.Time, s analysis.Settings, acts []*analysis.Activity) string {
	if s.TimeZone == "" && len(acts) > 0 {
		latest := acts[0]
		for _, a := range acts {
			if a.Start.After(latest.Start) {
				latest = a
			}
		}
		if latest.TimeZone != "" {
			if loc, err := time.LoadLocation(latest.TimeZone); err == nil {
				return now.In(loc).Format(time.DateOnly)
			}
		}
		return now.In(latest.Zone()).Format(time.DateOnly)
	}
	return LocalToday(now, s)
}

// FollowPrimary gives duplicate d its primary p's class, class source and
// evidence (a phone's GPX copy of the marathon is the race too); it
// reports whether d's metrics changed. Either without metrics: nothing.
func FollowPrimary(d, p *analysis.Activity) bool {
	if d.Metrics == nil || p == nil || p.Metrics == nil {
		return false
	}
	m, pm := d.Metrics, p.Metrics
	if m.Class == pm.Class && m.ClassSource == pm.ClassSource && m.Evidence == pm.Evidence {
		return false
	}
	m.Class, m.ClassSource, m.Evidence = pm.Class, pm.ClassSource, pm.Evidence
	return true
}

// ReportInput is one athlete's loaded history to audit.
type ReportInput struct {
	Athlete              string
	Activities           []*analysis.Activity // primaries, with their metrics, by start
	Settings             analysis.Settings
	AsOf                 string // local date; "" = today where the athlete is
	Now                  time.Time
	MarkedID, MarkedDate string // the race mark, if any
	// The coach's decisions: classes overridden before the audit counts
	// the runs, findings waived as it judges them.
	Overrides []analysis.ClassOverride
	Waivers   []analysis.Waiver
	// Fresh, when set, is called before the audit to analyse activities
	// without metrics; newAnalyzer builds the report's analyzer (its race
	// is the report's) when it needs one.
	Fresh func(newAnalyzer func() *Analyzer) error
}

// Report audits an athlete's history as of in.AsOf: the race, the baseline
// before it, the race marked as such, and the recovery rules.
func Report(in ReportInput) (*analysis.Report, error) {
	acts, s, asOf := in.Activities, in.Settings, in.AsOf
	if asOf == "" {
		asOf = AthleteToday(in.Now, s, acts)
	}
	race := analysis.FindRaceKind(acts, asOf, in.MarkedID, in.MarkedDate, s.RaceDistance)
	baseline := analysis.ComputeBaseline(acts, race.Activity, s)
	if race.Activity != nil {
		analysis.MarkRace(race.Activity.Metrics, race)
	}
	if in.Fresh != nil {
		newAnalyzer := func() *Analyzer {
			an := New(acts, s, in.Now, in.MarkedID, in.MarkedDate)
			an.RaceID, an.RaceSource = "", "" // the report's race is the race, whatever today's is
			if race.Activity != nil {
				an.RaceID, an.RaceSource = race.Activity.ID, race.Source
			}
			return an
		}
		if err := in.Fresh(newAnalyzer); err != nil {
			return nil, err
		}
	}
	analysis.ApplyOverrides(acts, in.Overrides)
	return analysis.Audit(analysis.AuditInput{
		Athlete: in.Athlete, AsOf: asOf, Settings: s, Race: race, Baseline: baseline, Activities: acts, Waivers: in.Waivers,
	}), nil
}
