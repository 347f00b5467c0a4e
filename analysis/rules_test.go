package analysis

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The race of these tests: Sunday 2026-10-04 09:00 at UTC+2, so recovery
// week 1 is Monday 2026-10-05 .. Sunday 2026-10-11.
const (
	testRaceDate = "2026-10-04"
	paris        = 2 * 3600
	newYork      = -4 * 3600
)

// spec describes one activity relative to the race.
type spec struct {
	sport  string  // "" = running
	day    int     // local days after the race
	at     string  // local HH:MM; "" = 07:00
	offset int     // seconds east of UTC; 0 = Paris
	km     float64 // distance
	min    float64 // moving time
	class  string  // run class; "" = easy
	dup    bool    // a duplicate of another recording
	sub    string  // sub-sport
	zones  [5]float64
	avgHR  float64 // 0 = none
}

func (sp spec) activity(i int) *Activity {
	offset := sp.offset
	if offset == 0 {
		offset = paris
	}
	at := sp.at
	if at == "" {
		at = "07:00"
	}
	sport := sp.sport
	if sport == "" {
		sport = SportRunning
	}
	d, _ := time.Parse("2006-01-02 15:04", testRaceDate+" "+at)
	local := d.AddDate(0, 0, sp.day)
	a := &Activity{
		ID: fmt.Sprintf("a%02d-d%d", i, sp.day), Athlete: "alice", Sport: sport,
		Start: local.Add(-time.Duration(offset) * time.Second), UTCOffset: offset,
		Distance: sp.km * 1000, MovingTime: sp.min * 60, ElapsedTime: sp.min * 60,
		Metrics:  &Metrics{Distance: sp.km * 1000, MovingTime: sp.min * 60, ZoneSeconds: sp.zones, AvgHR: Missing(), HRMax: Missing()},
		SubSport: sp.sub, AvgHR: Missing(),
	}
	if sp.avgHR != 0 {
		a.Metrics.AvgHR, a.AvgHR, a.Metrics.HRMax = sp.avgHR, sp.avgHR, 190
	}
	if sport == SportRunning {
		a.Metrics.Class = sp.class
		if a.Metrics.Class == "" {
			a.Metrics.Class = ClassEasy
		}
		a.Metrics.Evidence = a.Metrics.Class + " (test): evidence sentence"
	}
	if sp.dup {
		a.DuplicateOf = "primary"
	}
	return a
}

func testRace() Race {
	return Race{Source: "distance", Activity: spec{day: 0, at: "09:00", km: 42.3805, min: 214}.activity(99)}
}

func history(v float64) Baseline {
	return Baseline{Volume: v, Unit: "m", Source: BaselineHistory, Runs: 30}
}

func auditOf(t *testing.T, preset string, mod func(*Settings), base Baseline, asOf string, specs ...spec) *Report {
	t.Helper()
	s, err := Preset(preset)
	if err != nil {
		t.Fatal(err)
	}
	if mod != nil {
		mod(&s)
	}
	in := AuditInput{Athlete: "alice", AsOf: asOf, Settings: s, Race: testRace(), Baseline: base}
	for i, sp := range specs {
		in.Activities = append(in.Activities, sp.activity(i))
	}
	return Audit(in)
}

// brief lists findings as "date rule severity", in report order.
func brief(r *Report) []string {
	out := []string{}
	for _, f := range r.Findings {
		out = append(out, f.Date+" "+f.Rule+" "+f.Severity)
	}
	return out
}

func TestAuditRules(t *testing.T) {
	const asOf = "2026-12-31" // every week complete
	cases := []struct {
		Name     string
		Preset   string
		Mod      func(*Settings)
		Baseline Baseline
		Acts     []spec
		Want     []string
	}{
		{Name: "compliant", Acts: []spec{
			{sport: SportCycling, day: 3, min: 60}, {day: 11, km: 5, min: 30}, {day: 13, km: 6, min: 35},
			{day: 19, km: 10, min: 55, class: ClassInterval}, {day: 23, km: 12, min: 70, class: ClassTempo},
		}, Want: []string{}},
		{Name: "rest_window day 10 vs day 11", Acts: []spec{{day: 10, km: 5, min: 30}, {day: 11, km: 5, min: 30}},
			Want: []string{"2026-10-14 rest_window breach"}},
		{Name: "rest_window day 1, one finding per run", Acts: []spec{{day: 1, km: 3, min: 20}, {day: 1, at: "18:00", km: 3, min: 20}},
			Want: []string{"2026-10-05 rest_window breach", "2026-10-05 rest_window breach"}},
		{Name: "local midnight: 23:30 on day 10 at UTC-4 is day 11 in UTC, still rest",
			Acts: []spec{{day: 10, at: "23:30", offset: newYork, km: 5, min: 30}},
			Want: []string{"2026-10-14 rest_window breach"}},
		{Name: "local midnight: 00:30 on day 11 at UTC+2 is day 10 in UTC, not rest",
			Acts: []spec{{day: 11, at: "00:30", km: 5, min: 30}},
			Want: []string{}},
		{Name: "hard_cross_training at 60 min vs 61 min", Acts: []spec{
			{sport: SportCycling, day: 4, min: 60}, {sport: SportSwimming, day: 5, min: 61},
			{sport: SportCycling, day: 11, min: 120},
		}, Want: []string{"2026-10-09 hard_cross_training warning"}},
		{Name: "hard_cross_training on day 10 vs 11", Acts: []spec{
			{sport: SportCycling, day: 10, min: 90}, {sport: SportCycling, day: 11, min: 90},
		}, Want: []string{"2026-10-14 hard_cross_training warning"}},
		{Name: "speed_work_early: return days 11..17 only", Acts: []spec{
			{day: 10, km: 8, min: 40, class: ClassInterval},
			{day: 11, km: 8, min: 40, class: ClassInterval},
			{day: 17, km: 8, min: 40, class: ClassTempo},
			{day: 18, km: 8, min: 40, class: ClassInterval},
			{day: 12, km: 8, min: 40, class: ClassEasy},
		}, Want: []string{
			"2026-10-14 rest_window breach", "2026-10-15 speed_work_early breach",
			"2026-10-21 speed_work_early breach",
		}},
		{Name: "long_run_early at 45 min vs 46 min", Acts: []spec{
			{day: 12, km: 8, min: 45}, {day: 14, km: 8, min: 46}, {day: 18, km: 14, min: 80},
		}, Want: []string{"2026-10-18 long_run_early warning"}},
		{Name: "long and fast in the return phase: two findings", Acts: []spec{
			{day: 15, km: 12, min: 50, class: ClassTempo},
		}, Want: []string{"2026-10-19 long_run_early warning", "2026-10-19 speed_work_early breach"}},
		{Name: "ramp_cap week 2 exactly at the cap", Baseline: history(52000), Acts: []spec{
			{day: 11, km: 6.5, min: 40}, {day: 13, km: 6.5, min: 40},
		}, Want: []string{}},
		{Name: "ramp_cap week 2 just above the cap", Baseline: history(52000), Acts: []spec{
			{day: 11, km: 6.5, min: 40}, {day: 13, km: 6.5001, min: 40},
		}, Want: []string{"2026-10-18 ramp_cap breach"}},
		{Name: "ramp_cap week 5 at 100% and week 3 above 50%", Baseline: history(40000), Acts: []spec{
			{day: 15, km: 10, min: 40}, {day: 16, km: 1, min: 5},
			{day: 18, km: 12, min: 60}, {day: 20, km: 9, min: 50}, // week 3: 32 km > 20 km
			{day: 29, km: 20, min: 100}, {day: 33, km: 20, min: 100}, // week 5: 40 km = cap
		}, Want: []string{"2026-10-25 ramp_cap breach"}},
		{Name: "ramp_cap not checked in week 1 (rest_window covers it)", Baseline: history(40000), Acts: []spec{
			{day: 2, km: 10, min: 50},
		}, Want: []string{"2026-10-06 rest_window breach"}},
		{Name: "ramp_jump at 1.30x vs above", Baseline: history(40000), Acts: []spec{
			{day: 29, km: 40, min: 200},                               // week 5: 40 km (cap 40)
			{day: 36, km: 52, min: 260},                               // week 6: 52 km = 1.3x
			{day: 43, km: 50, min: 250}, {day: 44, km: 17.6, min: 90}, // week 7: 67.6 km = 1.3x 52
			{day: 50, km: 88, min: 440}, // week 8: 88 > 87.88
		}, Want: []string{"2026-11-29 ramp_jump warning"}},
		{Name: "ramp_jump not when the previous week was under 25% of baseline", Baseline: history(40000), Acts: []spec{
			{day: 29, km: 9.9, min: 50}, // week 5: 9.9 km < 10 km
			{day: 36, km: 40, min: 200}, // week 6: 4x
		}, Want: []string{}},
		{Name: "interval_limit: 2nd session of a week", Acts: []spec{
			{day: 22, km: 10, min: 50, class: ClassInterval}, {day: 24, km: 10, min: 50, class: ClassInterval},
			{day: 26, km: 10, min: 50, class: ClassInterval}, {day: 30, km: 10, min: 50, class: ClassInterval},
		}, Want: []string{"2026-10-28 interval_limit breach", "2026-10-30 interval_limit breach"}},
		{Name: "interval_limit with max 2: 2nd allowed, 3rd not", Mod: func(s *Settings) { s.MaxIntervalSessions = 2 }, Acts: []spec{
			{day: 22, km: 10, min: 50, class: ClassInterval}, {day: 24, km: 10, min: 50, class: ClassInterval},
			{day: 26, km: 10, min: 50, class: ClassInterval},
		}, Want: []string{"2026-10-30 interval_limit breach"}},
		{Name: "interval_limit ignores return-phase sessions (speed_work_early covers them)", Acts: []spec{
			{day: 17, km: 8, min: 40, class: ClassInterval}, {day: 19, km: 10, min: 50, class: ClassInterval},
		}, Want: []string{"2026-10-21 speed_work_early breach"}},
		{Name: "tempo does not count as an interval session", Acts: []spec{
			{day: 22, km: 10, min: 50, class: ClassTempo}, {day: 24, km: 10, min: 50, class: ClassInterval},
		}, Want: []string{}},
		{Name: "duplicates are ignored", Acts: []spec{{day: 3, km: 5, min: 30, dup: true}}, Want: []string{}},
		{Name: "activities after the audited weeks are ignored", Acts: []spec{
			{day: 57, km: 10, min: 50, class: ClassInterval}, {day: 58, km: 10, min: 50, class: ClassInterval},
		}, Want: []string{}},
		{Name: "conservative: rest 14 days", Preset: PresetConservative, Acts: []spec{
			{day: 14, km: 5, min: 30}, {day: 15, km: 5, min: 30, class: ClassInterval},
		}, Want: []string{"2026-10-18 rest_window breach", "2026-10-19 speed_work_early breach"}},
		{Name: "conservative: ramp weeks 3..6, week 6 capped at 100%", Preset: PresetConservative, Baseline: history(40000), Acts: []spec{
			{day: 36, km: 40.1, min: 200}, // week 6 above 40 km
		}, Want: []string{"2026-11-15 ramp_cap breach"}},
		{Name: "conservative: week 2 lies in the rest window: its runs are rest_window breaches, not also a ramp_cap breach",
			Preset: PresetConservative, Baseline: history(40000), Acts: []spec{
				{day: 12, km: 6, min: 35}, {day: 16, km: 17, min: 44}, // week 3 cap 40% = 16 km
			}, Want: []string{"2026-10-16 rest_window breach", "2026-10-25 ramp_cap breach"}},
		{Name: "baseline_km from settings overrides history", Baseline: history(80000),
			Mod: func(s *Settings) { s.BaselineKm = 40 }, Acts: []spec{{day: 18, km: 21, min: 44}},
			Want: []string{"2026-10-25 ramp_cap breach"}},
		{Name: "volume by time", Mod: func(s *Settings) { s.Volume = VolumeTime },
			Baseline: Baseline{Volume: 4 * 3600, Unit: "s", Source: BaselineHistory, Runs: 20},
			Acts:     []spec{{day: 18, km: 25, min: 121}}, // week 3 cap 2 h
			Want:     []string{"2026-10-25 ramp_cap breach"}},
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			preset := c.Preset
			if preset == "" {
				preset = PresetStandard
			}
			base := c.Baseline
			if base.Source == "" {
				base = Baseline{Source: BaselineNone, Reason: "only 3 runs in the baseline window"}
			}
			r := auditOf(t, preset, c.Mod, base, asOf, c.Acts...)
			if got := brief(r); !reflect.DeepEqual(got, c.Want) {
				t.Errorf("findings:\n got %q\nwant %q", got, c.Want)
				for _, f := range r.Findings {
					t.Logf("  %+v", f)
				}
			}
		})
	}
}

func TestAuditFindingDetails(t *testing.T) {
	r := auditOf(t, PresetStandard, nil, history(52000), "2026-12-31",
		spec{day: 3, km: 8.0124, min: 45},
		spec{day: 12, km: 9, min: 44, class: ClassInterval},
		spec{day: 20, km: 30, min: 140, class: ClassInterval},
		spec{day: 22, km: 10, min: 50, class: ClassInterval},
		spec{day: 23, km: 10, min: 50, class: ClassInterval},
	)
	want := []Finding{
		{Rule: RuleRestWindow, Severity: SeverityBreach, Date: "2026-10-07", Week: 1, ActivityID: "a00-d3",
			Value: 8012.4, Limit: 0, Unit: "m", Day: 3,
			Message: "run of 8.0 km in 45:00 on day 3; days 1-10 are for rest: no running"},
		{Rule: RuleSpeedWorkEarly, Severity: SeverityBreach, Date: "2026-10-16", Week: 2, ActivityID: "a01-d12",
			Value: 9000, Limit: 0, Unit: "m", Day: 12,
			Message: "interval run on day 12, in the return phase (days 11-17: easy running only): interval (test): evidence sentence"},
		{Rule: RuleRampCap, Severity: SeverityBreach, Date: "2026-10-25", Week: 3, Value: 30000, Limit: 26000, Unit: "m", Day: 21,
			Message: "week 3 volume 30.0 km is above its cap 26.0 km (50% of the baseline 52.0 km a week)"},
		{Rule: RuleIntervalLimit, Severity: SeverityBreach, Date: "2026-10-27", Week: 4, ActivityID: "a04-d23",
			Value: 2, Limit: 1, Unit: "sessions", Day: 23,
			Message: "2nd interval session of week 4 (limit 1 a week): interval (test): evidence sentence"},
	}
	if !reflect.DeepEqual(r.Findings, want) {
		t.Errorf("findings:\n got %+v\nwant %+v", r.Findings, want)
	}
	if r.Breaches != 4 || r.Warnings != 0 || r.Status != StatusBreach {
		t.Errorf("breaches %d warnings %d status %s, want 4 0 breach", r.Breaches, r.Warnings, r.Status)
	}
	w3 := r.Weeks[2]
	if w3.Runs != 1 || w3.Volume != 30000 || w3.Cap == nil || *w3.Cap != 26000 || w3.Status != StatusBreach || w3.IntervalSessions != 1 {
		t.Errorf("week 3 = %+v", w3)
	}
	if got := r.Weeks[0].Phases; !reflect.DeepEqual(got, []string{PhaseRest}) {
		t.Errorf("week 1 phases %v", got)
	}
	if got := r.Weeks[1].Phases; !reflect.DeepEqual(got, []string{PhaseRest, PhaseReturn}) {
		t.Errorf("week 2 phases %v", got)
	}
	if got := r.Weeks[5].Phases; !reflect.DeepEqual(got, []string{PhaseOpen}) {
		t.Errorf("week 6 phases %v", got)
	}
	if r.Weeks[5].Cap != nil {
		t.Errorf("week 6 cap = %v, want none (after the ramp)", *r.Weeks[5].Cap)
	}
	if r.Weeks[0].Start != "2026-10-05" || r.Weeks[0].End != "2026-10-11" || r.Weeks[7].End != "2026-11-29" {
		t.Errorf("week dates %s..%s, week 8 ends %s", r.Weeks[0].Start, r.Weeks[0].End, r.Weeks[7].End)
	}
	if r.Race == nil || r.Race.Date != testRaceDate || r.Race.DistanceM != 42380.5 {
		t.Errorf("race = %+v", r.Race)
	}
}

func TestAuditPending(t *testing.T) {
	// As of Wednesday of week 3 (day 17): weeks 1-2 complete, 3 pending
	// with its findings so far, 4-8 not started.
	r := auditOf(t, PresetStandard, nil, history(40000), "2026-10-21",
		spec{day: 5, km: 5, min: 30},
		spec{day: 15, km: 9, min: 40}, spec{day: 16, km: 7, min: 40}, spec{day: 17, km: 8, min: 40, class: ClassTempo},
		spec{day: 18, km: 8, min: 40}, // after as_of: not counted
	)
	want := []string{"2026-10-09 rest_window breach", "2026-10-21 speed_work_early breach", "2026-10-25 ramp_cap breach"}
	if got := brief(r); !reflect.DeepEqual(got, want) {
		t.Fatalf("findings %q, want %q", got, want)
	}
	status := []string{}
	for _, w := range r.Weeks {
		status = append(status, fmt.Sprintf("%s/%d/%d", w.Status, w.DaysElapsed, w.Runs))
	}
	wantStatus := []string{"breach/7/1", "ok/7/0", "pending/3/3", "pending/0/0", "pending/0/0", "pending/0/0", "pending/0/0", "pending/0/0"}
	if !reflect.DeepEqual(status, wantStatus) {
		t.Errorf("weeks %q, want %q", status, wantStatus)
	}
	if r.Weeks[2].Volume != 24000 || r.Weeks[2].Breaches != 2 {
		t.Errorf("week 3 volume %v breaches %d, want 24000 and 2", r.Weeks[2].Volume, r.Weeks[2].Breaches)
	}
	if r.Current.Week != 3 || r.Current.Day != 17 || r.Current.Phase != PhaseReturn || r.Current.LastActivity != "2026-10-21" {
		t.Errorf("current = %+v", r.Current)
	}
	if r.Days[16].Future || r.Days[16].Day != 17 || !r.Days[17].Future {
		t.Errorf("day 17 future=%v, day 18 future=%v", r.Days[16].Future, r.Days[17].Future)
	}
	if r.Status != StatusBreach {
		t.Errorf("status %s", r.Status)
	}

	quiet := auditOf(t, PresetStandard, nil, history(40000), "2026-10-21")
	if quiet.Status != StatusPending {
		t.Errorf("a report with incomplete weeks and no findings has status %s, want pending", quiet.Status)
	}
}

func TestAuditNoBaseline(t *testing.T) {
	r := auditOf(t, PresetStandard, nil, Baseline{Source: BaselineNone, Runs: 3, Reason: "only 3 runs between day -77 and day -22 (8 needed)"},
		"2026-12-31", spec{day: 18, km: 60, min: 44}, spec{day: 50, km: 200, min: 44})
	if got := brief(r); len(got) != 0 {
		t.Errorf("findings %q, want none without a baseline", got)
	}
	if r.Baseline.Volume != nil || r.Baseline.Source != BaselineNone {
		t.Errorf("baseline = %+v", r.Baseline)
	}
	if len(r.Skipped) != 2 || r.Skipped[0].Rule != RuleRampCap || r.Skipped[1].Rule != RuleRampJump {
		t.Fatalf("skipped = %+v", r.Skipped)
	}
	for _, s := range r.Skipped {
		if !strings.Contains(s.Reason, "only 3 runs") || !strings.Contains(s.Reason, "baseline_km") {
			t.Errorf("skip reason %q should say why and how to fix it", s.Reason)
		}
	}
	for _, w := range r.Weeks {
		if w.Cap != nil {
			t.Errorf("week %d has cap %v without a baseline", w.Week, *w.Cap)
		}
	}
}

func TestAuditNoRace(t *testing.T) {
	s, _ := Preset(PresetStandard)
	r := Audit(AuditInput{Athlete: "bob", AsOf: "2026-12-01", Settings: s,
		Race:       Race{Reason: "no run of 40.9-43.7 km before 2026-12-01"},
		Activities: []*Activity{spec{day: 3, km: 5, min: 30}.activity(0)}})
	if r.Race != nil || r.Status != StatusNoRace || !strings.Contains(r.Reason, "no run of") {
		t.Errorf("race %v status %s reason %q", r.Race, r.Status, r.Reason)
	}
	if len(r.Weeks) != 0 || len(r.Findings) != 0 {
		t.Errorf("weeks %d findings %d, want none", len(r.Weeks), len(r.Findings))
	}
}

func TestAuditBadAsOf(t *testing.T) {
	s, _ := Preset(PresetStandard)
	r := Audit(AuditInput{Athlete: "bob", AsOf: "12/01/2026", Settings: s, Race: testRace()})
	if !strings.Contains(r.Reason, "YYYY-MM-DD") || len(r.Weeks) != 0 {
		t.Errorf("reason %q weeks %d", r.Reason, len(r.Weeks))
	}
}

func TestAuditEmptyAsOfCoversAllWeeks(t *testing.T) {
	r := auditOf(t, PresetStandard, nil, history(40000), "")
	if r.AsOf != "2026-11-29" || r.Status != StatusOK {
		t.Errorf("as_of %s status %s, want 2026-11-29 ok", r.AsOf, r.Status)
	}
}

func TestPreset(t *testing.T) {
	s, err := Preset(PresetConservative)
	if err != nil {
		t.Fatal(err)
	}
	if s.RestDays != 14 || !reflect.DeepEqual(s.Ramp, []float64{0, 0, 0.40, 0.60, 0.80, 1.00}) || s.ReturnDays != 7 {
		t.Errorf("conservative = %+v", s)
	}
	if s.Source[KeyRamp] != "preset conservative" || len(s.Source) != len(SettingKeys()) {
		t.Errorf("source = %v", s.Source)
	}
	if err := s.Validate(); err != nil {
		t.Error(err)
	}
	if _, err := Preset("gentle"); err == nil || !strings.Contains(err.Error(), "standard, conservative") {
		t.Errorf("Preset(gentle) error = %v", err)
	}
}

func TestSettingsValidate(t *testing.T) {
	cases := []struct {
		Name string
		Mod  func(*Settings)
		Key  string
	}{
		{"negative rest", func(s *Settings) { s.RestDays = -1 }, KeyRestDays},
		{"empty ramp", func(s *Settings) { s.Ramp = nil }, KeyRamp},
		{"ramp above 3", func(s *Settings) { s.Ramp = []float64{0, 4} }, KeyRamp},
		{"jump below 1", func(s *Settings) { s.RampJump = 0.9 }, KeyRampJump},
		{"volume", func(s *Settings) { s.Volume = "km" }, KeyVolume},
		{"hr max", func(s *Settings) { s.HRMax = 300 }, KeyHRMax},
		{"weeks", func(s *Settings) { s.Weeks = 0 }, KeyWeeks},
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			s, _ := Preset(PresetStandard)
			c.Mod(&s)
			err := s.Validate()
			if err == nil || !strings.HasPrefix(err.Error(), c.Key+": ") {
				t.Errorf("Validate() = %v, want an error about %s", err, c.Key)
			}
		})
	}
}

func BenchmarkAudit(b *testing.B) {
	s, _ := Preset(PresetStandard)
	in := AuditInput{Athlete: "alice", AsOf: "2026-12-31", Settings: s, Race: testRace(), Baseline: history(52000)}
	for d := 1; d <= 56; d++ {
		in.Activities = append(in.Activities, spec{day: d, km: 10, min: 50, class: ClassInterval}.activity(d))
	}
	b.ReportAllocs()
	for b.Loop() {
		Audit(in)
	}
}

func TestAuditAsOfBeforeAndOnRaceDay(t *testing.T) {
	for _, asOf := range []string{"2026-09-30", testRaceDate} {
		r := auditOf(t, PresetStandard, nil, history(40000), asOf, spec{day: 3, km: 5, min: 30})
		if len(r.Findings) != 0 || r.Status != StatusPending || r.Current.Week != 0 || r.Current.Phase != PhaseRace {
			t.Errorf("as of %s: findings %v status %s current %+v", asOf, brief(r), r.Status, r.Current)
		}
		for _, w := range r.Weeks {
			if w.DaysElapsed != 0 || w.Runs != 0 || w.Status != StatusPending {
				t.Errorf("as of %s: week %+v should not have started", asOf, w)
			}
		}
	}
	r := auditOf(t, PresetStandard, nil, history(40000), "2026-10-05", spec{day: 1, at: "06:00", km: 5, min: 30})
	if got := brief(r); len(got) != 1 || r.Current.Week != 1 || r.Current.Phase != PhaseRest || r.Weeks[0].DaysElapsed != 1 {
		t.Errorf("as of day 1: findings %v current %+v", got, r.Current)
	}
}

// TestAuditHardCrossTraining: light activity (a walk) in the rest window
// counts only when heart rate says it was hard; other sports count when hard
// or long; each threshold is a setting; the evidence names the test.
func TestAuditHardCrossTraining(t *testing.T) {
	// zones: seconds at 50-60, 60-70, 70-80, 80-90, 90+ % of HRmax 190
	act := func(sport, sub string, day int, min float64, zones [5]float64, avgHR float64) spec {
		return spec{sport: sport, day: day, min: min, km: 5, sub: sub, zones: zones, avgHR: avgHR}
	}
	easyWalk := act(SportWalking, "", 3, 75, [5]float64{4000, 500, 0, 0, 0}, 100)
	hardWalk := act(SportWalking, "", 3, 75, [5]float64{1000, 1000, 1000, 1300, 200}, 150)
	hardHike := act(SportHiking, "", 4, 40, [5]float64{0, 0, 0, 0, 0}, 160) // no stream: average 160 >= 152
	yoga := act(SportTraining, "yoga", 5, 90, [5]float64{}, Missing())
	longRide := act(SportCycling, "", 6, 61, [5]float64{3660, 0, 0, 0, 0}, 110)
	hardRide := act(SportCycling, "", 7, 45, [5]float64{0, 0, 1000, 1500, 0}, 150)
	cases := []struct {
		name    string
		mod     func(*Settings)
		acts    []spec
		want    []string
		message string
	}{
		{name: "easy 75-minute walk is light activity", acts: []spec{easyWalk}, want: []string{}},
		{name: "yoga for 90 min is light activity", acts: []spec{yoga}, want: []string{}},
		{name: "hard walk: heart-rate test", acts: []spec{hardWalk},
			want: []string{"2026-10-07 hard_cross_training warning"}, message: "heart-rate test"},
		{name: "hike averaging 84% HRmax without a stream", acts: []spec{hardHike},
			want: []string{"2026-10-08 hard_cross_training warning"}, message: "heart-rate test"},
		{name: "61-minute easy ride: duration test", acts: []spec{longRide},
			want: []string{"2026-10-10 hard_cross_training warning"}, message: "duration test"},
		{name: "45-minute hard ride: heart-rate test", acts: []spec{hardRide},
			want: []string{"2026-10-11 hard_cross_training warning"}, message: "heart-rate test"},
		{name: "hard_hr_minutes 30: the hard walk (25 min) passes", mod: func(s *Settings) { s.HardHRMinutes = 30 },
			acts: []spec{hardWalk}, want: []string{}},
		{name: "hard_hr_percent 90: the hard ride (0 s at 90%) passes", mod: func(s *Settings) { s.HardHRPercent = 90 },
			acts: []spec{hardRide}, want: []string{}},
		{name: "hard_hr_percent 70: the easy walk (0 s at 70%) still passes, the long ride too short in zone", mod: func(s *Settings) { s.HardHRPercent = 70 },
			acts: []spec{easyWalk}, want: []string{}},
		{name: "light_sports without walking: the long walk is timed", mod: func(s *Settings) { s.LightSports = []string{"yoga"} },
			acts: []spec{easyWalk}, want: []string{"2026-10-07 hard_cross_training warning"}, message: "duration test"},
		{name: "hard_cross_minutes 90: the 61-minute ride passes", mod: func(s *Settings) { s.HardCrossMinutes = 90 },
			acts: []spec{longRide}, want: []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := auditOf(t, PresetStandard, c.mod, Baseline{Source: BaselineNone}, "2026-12-31", c.acts...)
			if got := brief(r); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("findings %q, want %q (%+v)", got, c.want, r.Findings)
			}
			if c.message != "" && !strings.Contains(r.Findings[0].Message, c.message) {
				t.Errorf("evidence %q does not say %q", r.Findings[0].Message, c.message)
			}
		})
	}
}

// TestAuditCapTolerance: with cap_tolerance, volume just above the cap is a
// ramp_cap_near warning; beyond the tolerance, a ramp_cap breach; at the
// default 0, any excess is a breach.
func TestAuditCapTolerance(t *testing.T) {
	tol := func(s *Settings) { s.CapTolerance = 0.03 }
	near := []spec{{day: 11, km: 6.5, min: 40}, {day: 13, km: 6.8, min: 40}} // 13.3 km, cap 13 km: +2.3%
	far := []spec{{day: 11, km: 6.5, min: 40}, {day: 13, km: 7.0, min: 40}}  // 13.5 km: +3.8%
	for _, c := range []struct {
		name string
		mod  func(*Settings)
		acts []spec
		want []string
	}{
		{"default 0: a breach", nil, near, []string{"2026-10-18 ramp_cap breach"}},
		{"3%: within is near", tol, near, []string{"2026-10-18 ramp_cap_near warning"}},
		{"3%: beyond is a breach", tol, far, []string{"2026-10-18 ramp_cap breach"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := auditOf(t, PresetStandard, c.mod, history(52000), "2026-12-31", c.acts...)
			if got := brief(r); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("findings %q, want %q", got, c.want)
			}
			if r.Findings[0].Rule == RuleRampCapNear && !strings.Contains(r.Findings[0].Message, "cap_tolerance 0.03") {
				t.Errorf("message %q does not name the tolerance", r.Findings[0].Message)
			}
		})
	}
	s, _ := Preset(PresetStandard)
	s.CapTolerance = 0.6
	if s.Validate() == nil {
		t.Error("cap_tolerance 0.6 accepted")
	}
}

// TestAuditWeekOneHasNoCap: ramp_cap is not checked in week 1, so week 1
// shows no cap (was "cap 0.0 km" with an "above the cap" bar).
func TestAuditWeekOneHasNoCap(t *testing.T) {
	r := auditOf(t, PresetStandard, nil, history(40000), "2026-12-31", spec{day: 2, km: 10, min: 50})
	if r.Weeks[0].Cap != nil {
		t.Errorf("week 1 cap %v, want none", *r.Weeks[0].Cap)
	}
	if r.Weeks[1].Cap == nil || *r.Weeks[1].Cap != 10000 {
		t.Errorf("week 2 cap %v, want 10000", r.Weeks[1].Cap)
	}
	c := auditOf(t, PresetConservative, nil, history(40000), "2026-12-31")
	if c.Weeks[1].Cap != nil || c.Weeks[2].Cap == nil {
		t.Errorf("conservative: week 2 cap %v (want none), week 3 cap %v", c.Weeks[1].Cap, c.Weeks[2].Cap)
	}
}

// TestDescribeRulesPlainWords: the rules say what is checked in plain
// words: no "0%" cap for week 1, no "days 11-10" when return_days = 0.
func TestDescribeRulesPlainWords(t *testing.T) {
	text := func(s Settings) map[string]string {
		out := map[string]string{}
		for _, r := range DescribeRules(s) {
			out[r.Rule] = r.Text
		}
		return out
	}
	s, _ := Preset(PresetStandard)
	got := text(s)
	if want := "weekly volume at most: week 2 25%, week 3 50%, week 4 75%, week 5 100% of baseline (week 1 has no cap: its runs are rest_window breaches)"; got[RuleRampCap] != want {
		t.Errorf("ramp_cap:\n got %q\nwant %q", got[RuleRampCap], want)
	}
	s.ReturnDays = 0
	got = text(s)
	for _, id := range []string{RuleSpeedWorkEarly, RuleLongRunEarly} {
		if !strings.HasPrefix(got[id], "not checked: return_days = 0") {
			t.Errorf("%s with return_days 0: %q", id, got[id])
		}
	}
	for id, txt := range got {
		if strings.Contains(txt, "days 11-10") || strings.Contains(txt, " 0%,") {
			t.Errorf("%s: %q", id, txt)
		}
	}
}

// TestAuditNext: the report says what comes next.
func TestAuditNext(t *testing.T) {
	// as of day 15 (Mon 2026-10-19, week 3, return phase): week 3 cap 26 km,
	// 8 km run so far; week 4 cap 39 km; intervals and long runs from day 18.
	r := auditOf(t, PresetStandard, nil, history(52000), "2026-10-19",
		spec{day: 15, km: 8, min: 44})
	n := r.Next
	if n == nil {
		t.Fatal("no next")
	}
	got := fmt.Sprintf("%s w%d limit %v %s allowance %v next w%d %v %s run %s iv %s long %s",
		n.From, n.Week, *n.WeekLimit, n.WeekLimitRule, *n.WeekAllowance, n.NextWeek, *n.NextWeekLimit, n.NextWeekLimitRule,
		n.RunningFrom, n.IntervalsFrom, n.LongRunsFrom)
	want := "2026-10-20 w3 limit 26000 ramp_cap allowance 18000 next w4 39000 ramp_cap run 2026-10-20 iv 2026-10-22 long 2026-10-22"
	if got != want {
		t.Errorf("next:\n got %s\nwant %s", got, want)
	}
	text := strings.Join(n.Steps, "\n")
	for _, w := range []string{"18.0 km more running", "cap 39.0 km", "intervals allowed again from 2026-10-22", "long runs (over 45 min) are fine from 2026-10-22"} {
		if !strings.Contains(text, w) {
			t.Errorf("steps do not say %q:\n%s", w, text)
		}
	}
	// an interval session used up week 4's one: the next is from week 5
	r = auditOf(t, PresetStandard, nil, history(52000), "2026-10-27",
		spec{day: 23, km: 10, min: 50, class: ClassInterval})
	if r.Next.IntervalsFrom != "2026-11-02" {
		t.Errorf("intervals from %s, want 2026-11-02 (week 5)", r.Next.IntervalsFrom)
	}
	// after the ramp: next week's limit is ramp_jump over this week
	r = auditOf(t, PresetStandard, nil, history(40000), "2026-11-09",
		spec{day: 29, km: 30, min: 150}, spec{day: 36, km: 20, min: 100})
	if r.Next.WeekLimitRule != RuleRampJump || *r.Next.WeekLimit != 39000 || *r.Next.NextWeekLimit != 26000 {
		t.Errorf("week 6: %+v", r.Next)
	}
}
