package taper

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store"
)

// ActivityFilter selects an athlete's activities.
type ActivityFilter struct {
	Athlete      string
	Since, Until string // local dates YYYY-MM-DD, inclusive; "" = open
	Primary      bool   // leave out activities that duplicate another
	// Sport keeps this sport only, matched case-insensitively ("" = all);
	// one neither known nor stored for the athlete is an
	// *UnknownSportError (run is not running).
	Sport string
	// Settings, when set, are the athlete's effective settings: activities
	// whose stored analysis may be stale are then analysed again, in
	// memory, as a report does (see reportFrom): every one while the
	// athlete's analysis is pending (an import or race change stopped
	// before its analysis), else those with preliminary metrics only. Nil
	// lists the stored analysis as it is.
	Settings *analysis.Settings
	Now      func() time.Time // for Settings; nil: time.Now
}

// UnknownSportError: an activity filter names a sport that is neither
// known (analysis.Sports) nor stored for the athlete.
type UnknownSportError struct {
	Sport string
	Known []string // the sports it could name
}

func (e *UnknownSportError) Error() string {
	return fmt.Sprintf("unknown sport %q: use one of %s", e.Sport, strings.Join(e.Known, ", "))
}

// ListActivities returns the athlete's activities with their stored
// metrics (the coach's class where it overrides), oldest first. An unknown athlete is an *UnknownAthleteError.
func ListActivities(ctx context.Context, db *store.DB, f ActivityFilter) ([]*analysis.Activity, error) {
	if err := requireAthlete(ctx, db, f.Athlete); err != nil {
		return nil, err
	}
	if f.Sport != "" {
		want := strings.ToLower(strings.TrimSpace(f.Sport))
		known, err := Sports(ctx, db, f.Athlete)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(known, want) {
			return nil, &UnknownSportError{Sport: f.Sport, Known: known}
		}
		f.Sport = want
	}
	acts, err := db.Activities(ctx, store.Filter{Athlete: f.Athlete, Since: f.Since, Until: f.Until, IncludeDuplicates: !f.Primary})
	if err != nil {
		return nil, err
	}
	if f.Settings != nil {
		if err := freshList(ctx, db, f, acts); err != nil {
			return nil, err
		}
	}
	ds, err := db.Decisions(ctx, f.Athlete, false)
	if err != nil {
		return nil, err
	}
	_, overrides := decisionInputs(ds)
	dupOf := make(map[string]string, len(acts))
	for _, a := range acts {
		dupOf[a.ID] = a.DuplicateOf
	}
	primary := func(id string) bool { d, ok := dupOf[id]; return ok && d == "" }
	if overrides, err = onPrimaries(ctx, db, f.Athlete, overrides, primary); err != nil {
		return nil, err
	}
	analysis.ApplyOverrides(acts, overrides) // the class the coach gave
	if f.Sport == "" {
		return acts, nil
	}
	out := acts[:0]
	for _, a := range acts {
		if a.Sport == f.Sport {
			out = append(out, a)
		}
	}
	return out, nil
}

// freshList analyses again, in memory, the listed activities whose stored
// analysis may be stale (see ActivityFilter.Settings), with the athlete's
// whole history as the analyzer's context.
func freshList(ctx context.Context, db *store.DB, f ActivityFilter, acts []*analysis.Activity) error {
	fp, _, err := db.AnalysisSettings(ctx, f.Athlete)
	if err != nil {
		return err
	}
	pending := fp == store.AnalysisPending
	stale := pending
	for _, a := range acts {
		stale = stale || a.Metrics == nil || a.Metrics.Preliminary()
	}
	if !stale {
		return nil
	}
	an, _, err := newAnalyzer(ctx, db, f.Athlete, *f.Settings, clock(f.Now)())
	if err != nil {
		return err
	}
	_, err = freshMetrics(ctx, db, f.Athlete, func() *analyzer { return an }, acts, pending)
	return err
}

// Sports returns the sports an activity filter can name for the athlete:
// those taper knows (analysis.Sports) and those stored for the athlete. An
// unknown athlete is an *UnknownAthleteError.
func Sports(ctx context.Context, db *store.DB, athlete string) ([]string, error) {
	all, err := ListActivities(ctx, db, ActivityFilter{Athlete: athlete})
	if err != nil {
		return nil, err
	}
	known := analysis.Sports()
	for _, a := range all {
		if !slices.Contains(known, a.Sport) {
			known = append(known, a.Sport)
		}
	}
	return known, nil
}
