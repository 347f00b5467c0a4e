package analysis

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Rule ids.
const (
	RuleRestWindow        = "rest_window"
	RuleHardCrossTraining = "hard_cross_training"
	RuleSpeedWorkEarly    = "speed_work_early"
	RuleLongRunEarly      = "long_run_early"
	RuleRampCap           = "ramp_cap"
	RuleRampCapNear       = "ramp_cap_near"
	RuleRampJump          = "ramp_jump"
	RuleIntervalLimit     = "interval_limit"
)

// RuleIDs returns every rule id, in the order the rules are documented.
func RuleIDs() []string {
	return []string{RuleRestWindow, RuleHardCrossTraining, RuleSpeedWorkEarly,
		RuleLongRunEarly, RuleRampCap, RuleRampCapNear, RuleRampJump, RuleIntervalLimit}
}

// Severities of findings, and the status of weeks and reports.
const (
	SeverityBreach  = "breach"
	SeverityWarning = "warning"

	StatusOK      = "ok"
	StatusWarning = "warning"
	StatusBreach  = "breach"
	StatusPending = "pending" // a week not complete at the report date
	StatusNoRace  = "no_race" // a report without a race: nothing to audit
)

// Baseline sources, as in Baseline.Source.
const (
	BaselineHistory = "history"
	BaselineConfig  = "config"
	BaselineNone    = "none"
)

// AuditInput is everything Audit judges: one athlete's settings, race,
// pre-race baseline and activities (with Metrics, for the run classes).
type AuditInput struct {
	Athlete    string
	AsOf       string // local date YYYY-MM-DD: the last day counted; "" = through the last audited week
	Settings   Settings
	Race       Race
	Baseline   Baseline
	Activities []*Activity // duplicates (DuplicateOf != "") are ignored
	// Waivers are the coach's: a waived finding is listed with its waiver
	// and counts toward nothing.
	Waivers []Waiver
}

// Report is the recovery audit of one athlete. Its JSON form (reports.JSON)
// is a public contract: fields may be added, never renamed.
type Report struct {
	Athlete string `json:"athlete"`
	AsOf    string `json:"as_of"`
	Preset  string `json:"preset"`
	// Status is the worst of the findings: breach, warning, else pending
	// while a week is incomplete, else ok; no_race when there is no race.
	Status   string         `json:"status"`
	Race     *ReportRace    `json:"race"`             // nil when there is no race
	Reason   string         `json:"reason,omitempty"` // why there is no race (or the input was unusable)
	Baseline ReportBaseline `json:"baseline"`
	Weeks    []Week         `json:"weeks"`
	Findings []Finding      `json:"findings"`
	Skipped  []SkippedRule  `json:"skipped_rules"` // rules that could not be checked, and why
	Breaches int            `json:"breaches"`
	Warnings int            `json:"warnings"`
	// Waived counts the findings a coach waived (not in Breaches or Warnings).
	Waived  int            `json:"waived,omitempty"`
	Current ReportPosition `json:"current"`
	// WeeksAudited is the number of recovery weeks audited (Settings.Weeks),
	// also when Weeks is cut down to one week for display.
	WeeksAudited int             `json:"weeks_audited"`
	Days         []Day           `json:"days"` // one per audited day, for timelines
	Rules        []RuleThreshold `json:"rules"`
	// Scope is "" for the whole recovery, or e.g. "week 3" when the report
	// was cut to one week (taper report --week): Status, Breaches and
	// Warnings are then that week's.
	Scope string `json:"scope,omitempty"`
	// Next is what comes next: this week's allowance, next week's limit,
	// when intervals and long runs are allowed again; nil without a race.
	Next *Next `json:"next"`
}

// ReportRace is the race the recovery is counted from.
type ReportRace struct {
	ActivityID  string  `json:"activity_id"`
	Date        string  `json:"date"` // local date: day 0
	DistanceM   float64 `json:"distance_m"`
	MovingTimeS float64 `json:"moving_time_s"`
	Source      string  `json:"source"` // marked | distance
	Kind        string  `json:"kind"`   // marathon | half_marathon | ultra | "" (another distance)
	// Scaling says how the rules were scaled to a race other than the
	// marathon (see ScaleToRace); "" for a marathon.
	Scaling string `json:"scaling,omitempty"`
}

// ReportBaseline is the pre-race weekly volume the ramp is measured against.
type ReportBaseline struct {
	Volume *float64 `json:"volume"` // per week, in Unit; nil when none
	Unit   string   `json:"unit"`   // m | s
	Source string   `json:"source"` // history | config | none
	Runs   int      `json:"runs"`
	Reason string   `json:"reason,omitempty"` // for none: why, and how to fix it
}

// Week is one recovery week's summary.
type Week struct {
	Week             int      `json:"week"`
	Start            string   `json:"start"`
	End              string   `json:"end"`
	Phases           []string `json:"phases"`
	Runs             int      `json:"runs"`
	Volume           float64  `json:"volume"` // in the baseline's unit
	Cap              *float64 `json:"cap"`    // nil where no cap applies
	IntervalSessions int      `json:"interval_sessions"`
	Status           string   `json:"status"`
	Breaches         int      `json:"breaches"`
	Warnings         int      `json:"warnings"`
	DaysElapsed      int      `json:"days_elapsed"` // days of the week up to as_of (7 when complete)
}

// Finding is one breach or warning.
type Finding struct {
	Rule       string  `json:"rule"`
	Severity   string  `json:"severity"`
	Date       string  `json:"date"` // the activity's local date; for weekly rules the week's end
	Week       int     `json:"week"`
	ActivityID string  `json:"activity_id,omitempty"`
	Message    string  `json:"message"` // the evidence a coach can check
	Value      float64 `json:"value"`
	Limit      float64 `json:"limit"`
	Unit       string  `json:"unit"` // of value and limit: m, s or sessions
	Day        int     `json:"day"`  // days after the race
	// Waived is the coach's waiver: the finding counts toward no status
	// or total. Absent when it counts.
	Waived *Waiver `json:"waived,omitempty"`
}

// SkippedRule names a rule that was not checked.
type SkippedRule struct {
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
}

// ReportPosition is where the athlete stands at as_of.
type ReportPosition struct {
	Day          int    `json:"day"`  // days after the race
	Week         int    `json:"week"` // recovery week; 0 on race day, > weeks after the audit
	Phase        string `json:"phase"`
	LastActivity string `json:"last_activity"` // local date of the latest activity up to as_of; "" if none
}

// Day is one audited day with its activities.
type Day struct {
	Day        int           `json:"day"`
	Date       string        `json:"date"`
	Week       int           `json:"week"`
	Phase      string        `json:"phase"`
	Future     bool          `json:"future"` // after as_of
	Activities []DayActivity `json:"activities"`
}

// DayActivity is an activity as the timeline shows it.
type DayActivity struct {
	ID        string   `json:"id"`
	Sport     string   `json:"sport"`
	SubSport  string   `json:"sub_sport"`
	Class     string   `json:"class"` // for runs; "" otherwise
	Start     string   `json:"start"` // local time HH:MM
	DistanceM float64  `json:"distance_m"`
	MovingS   float64  `json:"moving_time_s"`
	Evidence  string   `json:"evidence"`
	Findings  []string `json:"findings"` // rule ids that fired on it
	IsRun     bool     `json:"is_run"`
	// ClassOverride is the coach's decision when the class is the coach's.
	ClassOverride *ClassOverride `json:"class_override,omitempty"`
}

// RuleThreshold describes one rule as configured, for reports.
type RuleThreshold struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Text     string `json:"text"`
}

// Audit judges one athlete's recovery against the rules in in.Settings.
// It never fails: a missing race, baseline or unusable as-of date is
// reported in the Report (Reason, Baseline.Reason, Skipped).
func Audit(in AuditInput) *Report {
	s := in.Settings
	r := &Report{
		Athlete:  in.Athlete,
		AsOf:     in.AsOf,
		Preset:   s.Preset,
		Status:   StatusNoRace,
		Weeks:    []Week{},
		Findings: []Finding{},
		Skipped:  []SkippedRule{},
		Days:     []Day{},
		Rules:    DescribeRules(s),

		WeeksAudited: s.Weeks,
	}
	r.Baseline = reportBaseline(s, in.Baseline)
	if err := s.Validate(); err != nil {
		r.Reason = "settings: " + err.Error()
		return r
	}
	race := in.Race.Activity
	if race == nil {
		r.Reason = in.Race.Reason
		if r.Reason == "" {
			r.Reason = "no race found: mark it with `taper race --athlete A --date YYYY-MM-DD`"
		}
		// The roster still shows when the athlete last trained.
		for _, act := range in.Activities {
			if act == nil || act.DuplicateOf != "" {
				continue
			}
			if d := act.LocalDate(); (in.AsOf == "" || d <= in.AsOf) && d > r.Current.LastActivity {
				r.Current.LastActivity = d
			}
		}
		return r
	}
	day0 := auditLocalDate(race)
	r.Race = &ReportRace{
		ActivityID:  race.ID,
		Date:        day0.String(),
		DistanceM:   auditRound(auditDistance(race)),
		MovingTimeS: auditRound(auditMoving(race)),
		Source:      in.Race.Source,
		Kind:        RaceKindOf(auditDistance(race)),
	}
	if scaled, how := ScaleToRace(s, auditDistance(race)); how != "" {
		s = scaled
		r.Race.Scaling = how
		r.Rules = DescribeRules(s)
		r.WeeksAudited = s.Weeks
		in.Settings = s
	}
	lastDay := auditWeekLast(s.Weeks)
	asOfDay := lastDay
	if in.AsOf == "" {
		r.AsOf = day0.addDays(lastDay).String()
	} else {
		asOf, err := parseAuditDate(in.AsOf)
		if err != nil {
			r.Reason = "as-of date " + err.Error()
			return r
		}
		asOfDay = asOf.daysSince(day0)
	}
	a := auditor{s: s, in: in, r: r, day0: day0, asOfDay: asOfDay, unit: s.VolumeUnit()}
	a.run()
	return r
}

// auditor holds one Audit's working state.
type auditor struct {
	s       Settings
	in      AuditInput
	r       *Report
	day0    auditDate
	asOfDay int
	unit    string
	// per-activity finding rule ids, for the timeline
	marks map[*Activity][]string
}

// auditDay is an activity with its day after the race.
type auditDay struct {
	a   *Activity
	day int
}

func (a *auditor) run() {
	s, r := a.s, a.r
	a.marks = map[*Activity][]string{}
	lastDay := auditWeekLast(s.Weeks)

	// Activities counted: primaries of days 1..min(as-of, last audited day).
	var acts []auditDay
	last := ""
	for _, act := range a.in.Activities {
		if act == nil || act.DuplicateOf != "" {
			continue
		}
		d := auditLocalDate(act).daysSince(a.day0)
		if d > a.asOfDay {
			continue
		}
		if ds := auditLocalDate(act).String(); ds > last {
			last = ds // the race counts as an activity too
		}
		if act == a.in.Race.Activity {
			continue
		}
		if d < 1 || d > lastDay {
			continue
		}
		acts = append(acts, auditDay{act, d})
	}
	sort.SliceStable(acts, func(i, j int) bool {
		if !acts[i].a.Start.Equal(acts[j].a.Start) {
			return acts[i].a.Start.Before(acts[j].a.Start)
		}
		return acts[i].a.ID < acts[j].a.ID
	})
	r.Current = ReportPosition{Day: a.asOfDay, Week: 0, Phase: s.PhaseOfDay(a.asOfDay), LastActivity: last}
	if a.asOfDay >= 1 {
		r.Current.Week = auditWeekOf(a.asOfDay)
	}

	a.activityRules(acts)
	weeks := a.weeklyRules(acts)
	a.intervalRule(acts)

	sort.SliceStable(r.Findings, func(i, j int) bool {
		fi, fj := r.Findings[i], r.Findings[j]
		if fi.Date != fj.Date {
			return fi.Date < fj.Date
		}
		return fi.Rule < fj.Rule
	})
	for i := range r.Findings {
		f := &r.Findings[i]
		for _, wv := range a.in.Waivers {
			if wv.waives(*f) {
				w := wv
				f.Waived = &w
			}
		}
		if f.Waived != nil {
			r.Waived++
			a.unmark(f.ActivityID, f.Rule)
			continue
		}
		w := &weeks[f.Week-1]
		if f.Severity == SeverityBreach {
			r.Breaches++
			w.Breaches++
		} else {
			r.Warnings++
			w.Warnings++
		}
	}
	pending := false
	for i := range weeks {
		w := &weeks[i]
		switch {
		case w.DaysElapsed < 7:
			w.Status = StatusPending
			pending = true
		case w.Breaches > 0:
			w.Status = StatusBreach
		case w.Warnings > 0:
			w.Status = StatusWarning
		default:
			w.Status = StatusOK
		}
	}
	r.Weeks = weeks
	switch {
	case r.Breaches > 0:
		r.Status = StatusBreach
	case r.Warnings > 0:
		r.Status = StatusWarning
	case pending:
		r.Status = StatusPending
	default:
		r.Status = StatusOK
	}
	a.days(acts)
	a.next(acts)
}

// activityRules checks the rules judged one activity at a time.
func (a *auditor) activityRules(acts []auditDay) {
	s := a.s
	returnFirst, returnLast := s.RestDays+1, s.RestDays+s.ReturnDays
	for _, d := range acts {
		act := d.a
		moving := auditMoving(act)
		switch {
		case d.day <= s.RestDays && act.IsRun():
			a.add(d, RuleRestWindow, SeverityBreach, auditRound(a.volume(act)), 0, a.unit,
				fmt.Sprintf("run of %s on day %d; days 1-%d are for rest: no running",
					auditRunSize(act), d.day, s.RestDays))
		case d.day <= s.RestDays && !act.IsRun():
			if v, limit, msg := s.hardCross(act, d.day); msg != "" {
				a.add(d, RuleHardCrossTraining, SeverityWarning, auditRound(v), limit, "s", msg)
			}
		}
		if d.day < returnFirst || d.day > returnLast || !act.IsRun() {
			continue
		}
		if c := auditClass(act); c == ClassInterval || c == ClassTempo {
			a.add(d, RuleSpeedWorkEarly, SeverityBreach, auditRound(a.volume(act)), 0, a.unit,
				fmt.Sprintf("%s run on day %d, in the return phase (days %d-%d: easy running only): %s",
					c, d.day, returnFirst, returnLast, auditEvidence(act)))
		}
		if moving > s.ReturnMaxMinutes*60 {
			a.add(d, RuleLongRunEarly, SeverityWarning, auditRound(moving), s.ReturnMaxMinutes*60, "s",
				fmt.Sprintf("run of %s on day %d, in the return phase (days %d-%d): runs should stay under %s",
					auditRunSize(act), d.day, returnFirst, returnLast, auditMinutes(s.ReturnMaxMinutes)))
		}
	}
}

// hardCross judges a non-running activity on day (in the rest window): a
// light activity (LightSports) counts only when heart rate says it was hard
// (more than HardHRMinutes at HardHRPercent of HRmax or above); any other
// counts when hard too, or when longer than HardCrossMinutes. It returns the
// value and limit (s) of the test that fired and the evidence, which names
// that test; msg is "" when the activity is fine.
func (s Settings) hardCross(act *Activity, day int) (value, limit float64, msg string) {
	moving := auditMoving(act)
	light := s.isLight(act)
	window := fmt.Sprintf("days 1-%d", s.RestDays)
	if hard, hrMax := hardSeconds(act, s.HardHRPercent); hard > s.HardHRMinutes*60 {
		kind := "cross-training"
		if light {
			kind = "light activity"
		}
		return hard, s.HardHRMinutes * 60, fmt.Sprintf(
			"%s on day %d: %s at or above %s of HRmax (%.0f bpm) in %s moving; heart-rate test: %s in the rest window (%s) is fine unless hard, over %s at %s of HRmax or more",
			auditSport(act), day, FormatDuration(hard), auditPercent(s.HardHRPercent/100), s.HardHRPercent/100*hrMax,
			FormatDuration(moving), kind, window, auditMinutes(s.HardHRMinutes), auditPercent(s.HardHRPercent/100))
	}
	if !light && moving > s.HardCrossMinutes*60 {
		return moving, s.HardCrossMinutes * 60, fmt.Sprintf(
			"%s for %s moving time on day %d; duration test: cross-training in the rest window (%s) should stay under %s (light activity such as walking counts only when heart rate says hard)",
			auditSport(act), FormatDuration(moving), day, window, auditMinutes(s.HardCrossMinutes))
	}
	return 0, 0, ""
}

// isLight reports whether act's sport or sub-sport is one of LightSports.
func (s Settings) isLight(act *Activity) bool {
	for _, l := range s.LightSports {
		if strings.EqualFold(l, act.Sport) || (act.SubSport != "" && strings.EqualFold(l, act.SubSport)) {
			return true
		}
	}
	return false
}

// hardSeconds returns the seconds act spent at or above pct % of HRmax (read
// from the heart-rate zones; without a heart-rate stream, the whole moving
// time when the average heart rate is that high) and the HRmax used; 0 when
// the activity has no heart rate or no HRmax is known.
func hardSeconds(act *Activity, pct float64) (float64, float64) {
	m := act.Metrics
	if m == nil || !Has(m.HRMax) || m.HRMax <= 0 || !validHardPercent(pct) {
		return 0, 0
	}
	zoned := 0.0
	for _, z := range m.ZoneSeconds {
		zoned += z
	}
	if zoned > 0 {
		sum := 0.0
		for _, z := range m.ZoneSeconds[int(pct-50)/10:] {
			sum += z
		}
		return sum, m.HRMax
	}
	avg := m.AvgHR
	if !Has(avg) || avg <= 0 {
		avg = act.AvgHR
	}
	if Has(avg) && avg >= pct/100*m.HRMax {
		return auditMoving(act), m.HRMax
	}
	return 0, m.HRMax
}

// weeklyRules builds the week rows and checks ramp_cap and ramp_jump.
func (a *auditor) weeklyRules(acts []auditDay) []Week {
	s, r := a.s, a.r
	weeks := make([]Week, s.Weeks)
	for i := range weeks {
		k := i + 1
		elapsed := min(max(a.asOfDay-auditWeekFirst(k)+1, 0), 7)
		weeks[i] = Week{
			Week:        k,
			Start:       a.day0.addDays(auditWeekFirst(k)).String(),
			End:         a.day0.addDays(auditWeekLast(k)).String(),
			Phases:      s.weekPhases(k),
			DaysElapsed: elapsed,
		}
	}
	raw := make([]float64, s.Weeks)
	for _, d := range acts {
		if !d.a.IsRun() {
			continue
		}
		w := &weeks[auditWeekOf(d.day)-1]
		w.Runs++
		raw[w.Week-1] += a.volume(d.a)
		if auditClass(d.a) == ClassInterval {
			w.IntervalSessions++
		}
	}
	base := r.Baseline.Volume
	if base == nil {
		reason := r.Baseline.Reason
		for _, id := range []string{RuleRampCap, RuleRampJump} {
			r.Skipped = append(r.Skipped, SkippedRule{Rule: id, Reason: reason})
		}
	}
	first, lastRamp := s.rampWeeks()
	for i := range weeks {
		w := &weeks[i]
		w.Volume = auditRound(raw[i])
		// weeks before the first ramp week have no cap: rest_window
		// judges their runs one by one
		capped := base != nil && w.Week >= first && w.Week <= lastRamp
		if capped {
			c := auditRound(s.Ramp[i] * *base)
			w.Cap = &c
		}
		if base == nil || w.DaysElapsed == 0 {
			continue
		}
		if w.Week <= len(s.Ramp) {
			if !capped {
				continue
			}
			c := s.Ramp[i] * *base
			rc := auditRound(c)
			near := c * (1 + s.CapTolerance)
			switch {
			case auditExceeds(raw[i], near):
				a.addWeek(w, RuleRampCap, SeverityBreach, auditRound(raw[i]), rc,
					fmt.Sprintf("week %d volume %s is above its cap %s (%s of the baseline %s a week)",
						w.Week, a.fmtVolume(raw[i]), a.fmtVolume(c), auditPercent(s.Ramp[i]), a.fmtVolume(*base))+a.tolerance())
			case auditExceeds(raw[i], c):
				a.addWeek(w, RuleRampCapNear, SeverityWarning, auditRound(raw[i]), rc,
					fmt.Sprintf("week %d volume %s is above its cap %s (%s of the baseline %s a week) by %s, within the tolerance of %s (cap_tolerance %s): a warning, not a breach",
						w.Week, a.fmtVolume(raw[i]), a.fmtVolume(c), auditPercent(s.Ramp[i]), a.fmtVolume(*base),
						a.fmtVolume(raw[i]-c), a.fmtVolume(near-c), auditTrim(s.CapTolerance)))
			}
			continue
		}
		prev := raw[i-1]
		limit := s.RampJump * prev
		if prev > 0 && prev >= s.RampJumpMinPrev**base && auditExceeds(raw[i], limit) {
			a.addWeek(w, RuleRampJump, SeverityWarning, auditRound(raw[i]), auditRound(limit),
				fmt.Sprintf("week %d volume %s is %.2fx week %d's %s; the limit is %.2fx (%s)",
					w.Week, a.fmtVolume(raw[i]), raw[i]/prev, w.Week-1, a.fmtVolume(prev),
					s.RampJump, a.fmtVolume(limit)))
		}
	}
	return weeks
}

// tolerance tells, after a ramp_cap breach, the tolerance that was allowed.
func (a *auditor) tolerance() string {
	if a.s.CapTolerance <= 0 {
		return ""
	}
	return fmt.Sprintf(", and more than cap_tolerance %s above it", auditPercent(a.s.CapTolerance))
}

// intervalRule checks interval_limit: interval sessions after the rest and
// return phases (which have their own rules), counted per recovery week.
func (a *auditor) intervalRule(acts []auditDay) {
	s := a.s
	count := map[int]int{}
	for _, d := range acts {
		if !d.a.IsRun() || auditClass(d.a) != ClassInterval || d.day <= s.RestDays+s.ReturnDays {
			continue
		}
		k := auditWeekOf(d.day)
		count[k]++
		if n := count[k]; n > s.MaxIntervalSessions {
			a.add(d, RuleIntervalLimit, SeverityBreach, float64(n), float64(s.MaxIntervalSessions), "sessions",
				fmt.Sprintf("%s interval session of week %d (limit %d a week): %s",
					auditOrdinal(n), k, s.MaxIntervalSessions, auditEvidence(d.a)))
		}
	}
}

func (a *auditor) add(d auditDay, rule, severity string, value, limit float64, unit, msg string) {
	a.r.Findings = append(a.r.Findings, Finding{
		Rule: rule, Severity: severity, Date: auditLocalDate(d.a).String(), Week: auditWeekOf(d.day),
		ActivityID: d.a.ID, Message: msg, Value: value, Limit: limit, Unit: unit, Day: d.day,
	})
	a.marks[d.a] = append(a.marks[d.a], rule)
}

// unmark takes a waived finding's rule off its activity in the timeline.
func (a *auditor) unmark(id, rule string) {
	for act, rules := range a.marks {
		if act.ID != id {
			continue
		}
		for i, r := range rules {
			if r == rule {
				a.marks[act] = append(rules[:i:i], rules[i+1:]...)
				return
			}
		}
	}
}

func (a *auditor) addWeek(w *Week, rule, severity string, value, limit float64, msg string) {
	a.r.Findings = append(a.r.Findings, Finding{
		Rule: rule, Severity: severity, Date: w.End, Week: w.Week,
		Message: msg, Value: value, Limit: limit, Unit: a.unit, Day: auditWeekLast(w.Week),
	})
}

// days builds the timeline.
func (a *auditor) days(acts []auditDay) {
	s := a.s
	byDay := map[int][]auditDay{}
	for _, d := range acts {
		byDay[d.day] = append(byDay[d.day], d)
	}
	for day := 1; day <= auditWeekLast(s.Weeks); day++ {
		out := Day{
			Day: day, Date: a.day0.addDays(day).String(), Week: auditWeekOf(day),
			Phase: s.PhaseOfDay(day), Future: day > a.asOfDay, Activities: []DayActivity{},
		}
		for _, d := range byDay[day] {
			marks := a.marks[d.a]
			if marks == nil {
				marks = []string{}
			}
			out.Activities = append(out.Activities, DayActivity{
				ID: d.a.ID, Sport: d.a.Sport, SubSport: d.a.SubSport, Class: auditClass(d.a),
				Start: d.a.LocalStart().Format("15:04"), DistanceM: auditRound(auditDistance(d.a)),
				MovingS: auditRound(auditMoving(d.a)), Evidence: auditEvidence(d.a), Findings: marks,
				IsRun: d.a.IsRun(), ClassOverride: auditOverride(d.a),
			})
		}
		a.r.Days = append(a.r.Days, out)
	}
}

// reportBaseline picks the baseline: baseline_km from the settings when set
// (and volume is distance), else the history baseline when it is in the
// settings' unit.
func reportBaseline(s Settings, b Baseline) ReportBaseline {
	unit := s.VolumeUnit()
	out := ReportBaseline{Unit: unit, Source: BaselineNone, Runs: b.Runs}
	fix := "import the pre-race training (the 8 weeks before the taper), or set baseline_km in taper.toml"
	switch {
	case s.BaselineKm > 0 && unit == "m":
		v := s.BaselineKm * 1000
		out.Volume, out.Source = &v, BaselineConfig
	case b.Source != BaselineNone && b.Source != "" && Has(b.Volume) && b.Volume > 0 && b.Unit == unit:
		v := auditRound(b.Volume)
		out.Volume, out.Source = &v, b.Source
	case b.Source != BaselineNone && b.Source != "" && Has(b.Volume) && b.Volume > 0:
		out.Reason = fmt.Sprintf("the baseline is in %q but volume is %q: recompute it with the same volume setting", b.Unit, s.Volume)
	case b.Reason != "":
		out.Reason = b.Reason
		if !strings.Contains(b.Reason, "baseline_km") {
			out.Reason += "; " + fix
		}
	default:
		out.Reason = "no pre-race baseline: " + fix
	}
	if out.Volume == nil && unit == "s" && s.BaselineKm > 0 && !strings.Contains(out.Reason, "baseline_km is a distance") {
		out.Reason += " (baseline_km is a distance and does not apply while volume = \"time\")"
	}
	return out
}

// DescribeRules explains each rule with the numbers of s, in RuleIDs
// order, in plain words: what is checked, on which days or weeks, and when
// a rule is not checked under these settings.
func DescribeRules(s Settings) []RuleThreshold {
	rf, rl := s.RestDays+1, s.RestDays+s.ReturnDays
	first, last := s.rampWeeks()
	rest := fmt.Sprintf("days 1-%d after the race", s.RestDays)
	if s.RestDays == 1 {
		rest = "day 1 after the race"
	}
	ret := fmt.Sprintf("return days %d-%d", rf, rl)
	if rf == rl {
		ret = fmt.Sprintf("return day %d", rf)
	}
	out := []RuleThreshold{
		{RuleRestWindow, SeverityBreach, "no run on " + rest},
		{RuleHardCrossTraining, SeverityWarning, fmt.Sprintf("%s: no hard cross-training: no activity over %s at %s of HRmax or more, and no activity other than light ones (%s) over %s of moving time",
			rest, auditMinutes(s.HardHRMinutes), auditPercent(s.HardHRPercent/100), strings.Join(s.LightSports, ", "), auditMinutes(s.HardCrossMinutes))},
		{RuleSpeedWorkEarly, SeverityBreach, "no interval or tempo run on " + ret},
		{RuleLongRunEarly, SeverityWarning, fmt.Sprintf("no run over %s of moving time on %s", auditMinutes(s.ReturnMaxMinutes), ret)},
		{RuleRampCap, SeverityBreach, rampText(s, first, last)},
		{RuleRampCapNear, SeverityWarning, fmt.Sprintf("a week above its cap by at most %s (cap_tolerance)", auditPercent(s.CapTolerance))},
		{RuleRampJump, SeverityWarning, fmt.Sprintf("weeks %d-%d: volume at most %.2fx the previous week's, when that was at least %s of baseline", len(s.Ramp)+1, s.Weeks, s.RampJump, auditPercent(s.RampJumpMinPrev))},
		{RuleIntervalLimit, SeverityBreach, fmt.Sprintf("at most %d interval session(s) a recovery week after day %d", s.MaxIntervalSessions, rl)},
	}
	if s.RestDays == 0 {
		out[0].Text = "not checked: rest_days = 0 (no rest window)"
		out[1].Text = "not checked: rest_days = 0 (no rest window)"
	}
	if s.ReturnDays == 0 {
		out[2].Text = "not checked: return_days = 0 (no return phase)"
		out[3].Text = "not checked: return_days = 0 (no return phase)"
	}
	if s.CapTolerance <= 0 {
		out[5].Text = "not checked: cap_tolerance = 0 (any volume above the cap is a ramp_cap breach)"
	}
	if len(s.Ramp)+1 > s.Weeks {
		out[6].Text = fmt.Sprintf("not checked: every audited week (1-%d) has a cap", s.Weeks)
	} else if len(s.Ramp)+1 == s.Weeks {
		out[6].Text = strings.Replace(out[6].Text, fmt.Sprintf("weeks %d-%d", s.Weeks, s.Weeks), fmt.Sprintf("week %d", s.Weeks), 1)
	}
	return out
}

// rampText says ramp_cap in plain words: "week 2 at most 25% of baseline,
// week 3 50%, ...", and why the weeks before have no cap.
func rampText(s Settings, first, last int) string {
	if first > last {
		return fmt.Sprintf("not checked: no ramp week after the rest window (ramp has %d weeks)", len(s.Ramp))
	}
	var parts []string
	for k := first; k <= last; k++ {
		parts = append(parts, fmt.Sprintf("week %d %s", k, auditPercent(s.Ramp[k-1])))
	}
	out := "weekly volume at most: " + strings.Join(parts, ", ") + " of baseline"
	if first > 1 {
		wk := "week 1 has"
		if first > 2 {
			wk = fmt.Sprintf("weeks 1-%d have", first-1)
		}
		out += fmt.Sprintf(" (%s no cap: its runs are rest_window breaches)", wk)
	}
	if s.CapTolerance > 0 {
		out += fmt.Sprintf("; up to %s above a cap is a ramp_cap_near warning", auditPercent(s.CapTolerance))
	}
	return out
}

// auditExceeds reports whether v is above limit, ignoring float rounding noise
// so that a volume exactly at its cap is not a breach.
func auditExceeds(v, limit float64) bool { return v > limit+1e-9*math.Max(1, math.Abs(limit)) }

func (a *auditor) volume(act *Activity) float64 {
	if a.unit == "s" {
		return auditMoving(act)
	}
	return auditDistance(act)
}

func (a *auditor) fmtVolume(v float64) string { return FormatVolume(v, a.unit) }

// FormatVolume formats a volume in unit "m" as km, in "s" as h:mm.
func FormatVolume(v float64, unit string) string {
	if unit == "s" {
		return FormatDuration(v)
	}
	return fmt.Sprintf("%.1f km", v/1000)
}

// auditDistance and auditMoving are AnalysedTotals, 0 when unknown.
func auditDistance(a *Activity) float64 {
	d, _ := AnalysedTotals(a)
	if !Has(d) {
		return 0
	}
	return d
}

func auditMoving(a *Activity) float64 {
	_, m := AnalysedTotals(a)
	if !Has(m) {
		return 0
	}
	return m
}

func auditClass(a *Activity) string {
	if a.Metrics == nil || !a.IsRun() {
		return ""
	}
	return a.Metrics.Class
}

func auditOverride(a *Activity) *ClassOverride {
	if a.Metrics == nil || !a.IsRun() {
		return nil
	}
	return a.Metrics.Override
}

func auditEvidence(a *Activity) string {
	if a.Metrics == nil || a.Metrics.Evidence == "" {
		if c := auditClass(a); c != "" {
			return "classified " + c + " (no evidence recorded)"
		}
		if !a.IsRun() {
			return "" // only runs are classified
		}
		return "not classified yet: run taper reanalyze"
	}
	return a.Metrics.Evidence
}

func auditSport(a *Activity) string {
	if a.Sport == "" {
		return "activity"
	}
	return a.Sport
}

func auditRunSize(a *Activity) string {
	return fmt.Sprintf("%s in %s", FormatVolume(auditDistance(a), "m"), FormatDuration(auditMoving(a)))
}

func auditMinutes(m float64) string { return fmt.Sprintf("%s min", auditTrim(m)) }

func auditPercent(f float64) string { return auditTrim(f*100) + "%" }

func auditTrim(v float64) string { return strings.TrimSuffix(fmt.Sprintf("%.4g", v), ".0") }

func auditRound(v float64) float64 {
	if !Has(v) || math.IsInf(v, 0) {
		return 0
	}
	return math.Round(v*10) / 10
}

func auditOrdinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}
