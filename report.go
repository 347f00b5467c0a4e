package taper

import (
	"context"
	"fmt"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/history"
	"github.com/taper-run/taper/store"
)

// ReportOptions say whose recovery to audit, as of when.
type ReportOptions struct {
	Athlete  string
	Settings analysis.Settings
	AsOf     string           // local date YYYY-MM-DD, or a word (see ResolveDate); "" = today where the athlete is
	Week     int              // only this recovery week (1..Settings.Weeks); 0 = all
	Now      func() time.Time // nil: time.Now
	// Outdated, when set, hears how many activities carry metrics of an
	// older analysis version (the report uses them as they are; taper
	// reanalyze redoes them).
	Outdated func(athlete string, n int)
	// SettingsChanged, when set, hears which settings the stored analysis
	// depends on changed since it was made (taper reanalyze applies them).
	SettingsChanged func(athlete, change string)
}

// reportHooks are the notes a report can make on the way.
type reportHooks struct {
	outdated        func(athlete string, n int)
	settingsChanged func(athlete, change string)
}

// Report audits one athlete's recovery as of a date. An athlete without
// stored activities is a *NoActivitiesError.
func Report(ctx context.Context, db *store.DB, o ReportOptions) (*analysis.Report, error) {
	if o.Week < 0 || o.Week > o.Settings.Weeks {
		return nil, fmt.Errorf("bad week %d: the audit covers recovery weeks 1..%d", o.Week, o.Settings.Weeks)
	}
	rep, err := buildReport(ctx, db, o.Athlete, o.Settings, o.AsOf, clock(o.Now)(), reportHooks{o.Outdated, o.SettingsChanged})
	if err != nil {
		return nil, err
	}
	if o.Week > 0 {
		rep = onlyWeek(rep, o.Week)
	}
	return rep, nil
}

// buildReport loads one athlete's activities and audits them as of asOf.
func buildReport(ctx context.Context, db *store.DB, athlete string, s analysis.Settings, asOf string, now time.Time, h reportHooks) (*analysis.Report, error) {
	acts, err := db.Activities(ctx, store.Filter{Athlete: athlete})
	if err != nil {
		return nil, err
	}
	if len(acts) == 0 {
		known, err := db.Athletes(ctx)
		if err != nil {
			return nil, err
		}
		return nil, &NoActivitiesError{Athlete: athlete, DB: db.Path(), Known: known}
	}
	markedID, markedDate, err := raceMark(ctx, db, athlete)
	if err != nil {
		return nil, err
	}
	decisions, err := db.Decisions(ctx, athlete, false)
	if err != nil {
		return nil, err
	}
	fp, _, err := db.AnalysisSettings(ctx, athlete)
	if err != nil {
		return nil, err
	}
	return reportFrom(ctx, db, athlete, s, asOf, now, h, acts, markedID, markedDate, decisions, fp == store.AnalysisPending)
}

// reportFrom audits an athlete's loaded activities (primaries, with their
// metrics), race mark and decisions in force as of asOf. When the analysis
// is pending (an import or race change stopped before its analysis), any
// run's stored class may be stale: every activity is analysed again, in
// memory (taper import or reanalyze stores that).
func reportFrom(ctx context.Context, db *store.DB, athlete string, s analysis.Settings, asOf string, now time.Time, h reportHooks,
	acts []*analysis.Activity, markedID, markedDate string, decisions []store.Decision, pending bool) (*analysis.Report, error) {
	if asOf != "" {
		var err error
		if asOf, err = ResolveDate(asOf, history.AthleteToday(now, s, acts)); err != nil {
			return nil, err
		}
	}
	// The coach's decisions: classes overridden before the audit counts
	// the runs, findings waived as it judges them.
	waivers, overrides := decisionInputs(decisions)
	primary := make(map[string]bool, len(acts))
	for _, a := range acts {
		primary[a.ID] = true
	}
	overrides, err := onPrimaries(ctx, db, athlete, overrides, func(id string) bool { return primary[id] })
	if err != nil {
		return nil, err
	}
	old := 0
	rep, err := history.Report(history.ReportInput{Athlete: athlete, Activities: acts, Settings: s, AsOf: asOf, Now: now,
		MarkedID: markedID, MarkedDate: markedDate, Overrides: overrides, Waivers: waivers,
		Fresh: func(newAnalyzer func() *analyzer) error {
			var err error
			old, err = freshMetrics(ctx, db, athlete, newAnalyzer, acts, pending)
			return err
		}})
	if err != nil {
		return nil, err
	}
	if old > 0 && h.outdated != nil {
		h.outdated(athlete, old)
	}
	if h.settingsChanged != nil {
		change, err := settingsChange(ctx, db, athlete, s)
		if err != nil {
			return nil, err
		}
		if change != "" {
			h.settingsChanged(athlete, change)
		}
	}
	return rep, nil
}

// freshMetrics analyses in memory the activities without stored metrics
// or with preliminary ones only (an import interrupted before its
// analysis), every one when pending (the analysis was, see
// store.AnalysisPending), from their summaries (else their records), so a
// read-only report is still complete. Metrics of an older analysis version
// are used as they are (reading every activity's records on every report
// would be slow): it returns how many there are, for a note to run taper
// reanalyze.
func freshMetrics(ctx context.Context, db *store.DB, athlete string, newAnalyzer func() *analyzer, acts []*analysis.Activity, pending bool) (int, error) {
	var stale []string
	old := 0
	byID := map[string]*analysis.Activity{}
	for _, a := range acts {
		byID[a.ID] = a
		if !pending && a.Metrics != nil && !a.Metrics.Preliminary() && a.Metrics.Version != analysis.AnalysisVersion {
			old++
		}
		if pending || a.Metrics == nil || a.Metrics.Preliminary() {
			stale = append(stale, a.ID)
		}
	}
	if len(stale) == 0 {
		return old, nil
	}
	an := newAnalyzer()
	for i := 0; i < len(stale); i += 128 {
		chunk := stale[i:min(i+128, len(stale))]
		headers, sums, err := db.Summaries(ctx, store.Filter{Athlete: athlete, IDs: chunk})
		if err != nil {
			return old, err
		}
		var noSum []string
		for _, a := range headers {
			if orig := byID[a.ID]; orig != nil && sums[a.ID] != nil {
				orig.Metrics = an.AnalyzeSummary(a, sums[a.ID])
			} else {
				noSum = append(noSum, a.ID)
			}
		}
		if len(noSum) == 0 {
			continue
		}
		full, err := db.Activities(ctx, store.Filter{Athlete: athlete, IDs: noSum, WithSamples: true, WithLaps: true})
		if err != nil {
			return old, err
		}
		for _, a := range full {
			if orig := byID[a.ID]; orig != nil {
				orig.Metrics = an.Analyze(a)
			}
		}
	}
	return old, nil
}

// onlyWeek keeps one recovery week and its findings.
func onlyWeek(r *analysis.Report, week int) *analysis.Report {
	c := *r
	c.Scope = fmt.Sprintf("week %d", week)
	c.Weeks = []analysis.Week{}
	for _, w := range r.Weeks {
		if w.Week == week {
			c.Weeks = append(c.Weeks, w)
			c.Status = w.Status // the week's, not the whole recovery's
		}
	}
	c.Findings = []analysis.Finding{}
	c.Breaches, c.Warnings, c.Waived = 0, 0, 0
	for _, f := range r.Findings {
		if f.Week == week {
			c.Findings = append(c.Findings, f)
			if f.Waived != nil {
				c.Waived++
				continue
			}
			switch f.Severity {
			case analysis.SeverityBreach:
				c.Breaches++
			case analysis.SeverityWarning:
				c.Warnings++
			}
		}
	}
	c.Days = []analysis.Day{}
	for _, d := range r.Days {
		if d.Week == week {
			c.Days = append(c.Days, d)
		}
	}
	return &c
}

// FailsOn says whether findings of level (breach or warning; "" = never)
// were found: a warning level counts breaches too (taper report and audit
// --fail-on).
func FailsOn(level string, breaches, warnings int) bool {
	return level == analysis.SeverityBreach && breaches > 0 || level == analysis.SeverityWarning && breaches+warnings > 0
}
