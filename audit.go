package taper

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/history"
	"github.com/taper-run/taper/store"
)

// AuditOptions say how to audit the roster.
type AuditOptions struct {
	AsOf string // local date YYYY-MM-DD; "" = today where each athlete is
	// Settings returns an athlete's effective settings (see config.Load).
	Settings func(athlete string) (analysis.Settings, error)
	Now      func() time.Time // nil: time.Now
	// Outdated: as ReportOptions.Outdated.
	Outdated func(athlete string, n int)
	// SettingsChanged: as ReportOptions.SettingsChanged.
	SettingsChanged func(athlete, change string)
}

// AuditResult is the roster audit: one report per athlete.
type AuditResult struct {
	Reports []*analysis.Report // in the database's athlete order
	// Breaches and Warnings count the findings of recoveries still being
	// audited: an athlete whose recovery weeks are over no longer fails a
	// nightly --fail-on run.
	Breaches, Warnings int
}

// Audit audits every athlete in the database. An athlete without
// activities (a typo in --athlete, every file rejected) gets a report that
// says so rather than failing the roster.
func Audit(ctx context.Context, db *store.DB, o AuditOptions) (*AuditResult, error) {
	now := clock(o.Now)
	athletes, err := db.Athletes(ctx)
	if err != nil {
		return nil, err
	}
	// The roster's activities (with their metrics), race marks, decisions
	// and pending analyses in four queries, rather than a few per athlete.
	all, err := db.Activities(ctx, store.Filter{})
	if err != nil {
		return nil, err
	}
	byAthlete := map[string][]*analysis.Activity{}
	for _, act := range all {
		byAthlete[act.Athlete] = append(byAthlete[act.Athlete], act)
	}
	marks, err := db.RaceMarks(ctx)
	if err != nil {
		return nil, err
	}
	decisions, err := db.ActiveDecisions(ctx)
	if err != nil {
		return nil, err
	}
	pending, err := db.PendingAnalyses(ctx)
	if err != nil {
		return nil, err
	}
	res := &AuditResult{}
	for _, a := range athletes {
		s := analysis.Settings{}
		if o.Settings != nil {
			if s, err = o.Settings(a); err != nil {
				return nil, err
			}
		} else if s, err = analysis.Preset(analysis.PresetStandard); err != nil {
			return nil, err
		}
		var rep *analysis.Report
		var err error
		if acts := byAthlete[a]; len(acts) == 0 {
			err = &NoActivitiesError{Athlete: a, DB: db.Path(), Known: athletes}
		} else {
			mark := marks[a]
			if mark[0] != "" && !slices.ContainsFunc(acts, func(x *analysis.Activity) bool { return x.ID == mark[0] }) {
				// A marked recording merged into another since: its primary.
				if mark[0], err = primaryID(ctx, db, a, mark[0]); err != nil {
					return nil, err
				}
			}
			rep, err = reportFrom(ctx, db, a, s, o.AsOf, now(), reportHooks{o.Outdated, o.SettingsChanged}, acts, mark[0], mark[1], decisions[a], pending[a])
		}
		var none *NoActivitiesError
		if errors.As(err, &none) {
			asOf, err := ResolveDate(o.AsOf, history.LocalToday(now(), s))
			if o.AsOf == "" {
				asOf = history.LocalToday(now(), s)
			} else if err != nil {
				return nil, err
			}
			rep = analysis.Audit(analysis.AuditInput{Athlete: a, AsOf: asOf, Settings: s,
				Race: analysis.Race{Reason: "no activities imported for this athlete"}})
		} else if err != nil {
			return nil, err
		}
		if rep.Current.Phase != analysis.PhaseAfter {
			res.Breaches += rep.Breaches
			res.Warnings += rep.Warnings
		}
		res.Reports = append(res.Reports, rep)
	}
	return res, nil
}
