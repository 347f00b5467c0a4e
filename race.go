package taper

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store"
)

// RaceOptions name the race to mark: by activity id or by local date.
type RaceOptions struct {
	Athlete  string
	Activity string // id of the race activity (a duplicate stands for its primary)
	Date     string // local date, YYYY-MM-DD
	// Force marks a run far from marathon distance anyway.
	Force    bool
	Settings analysis.Settings
	// Note and By are recorded with the decision (who: a token's name;
	// "" = local).
	Note, By string
	Now      func() time.Time // nil: time.Now
}

// RaceResult is the athlete's race after the change.
type RaceResult struct {
	ID     string // "" when there is none
	Source string // how it was found: analysis.RaceMarked or analysis.RaceDistance
}

// NoActivityError: the athlete has no activity of that id.
type NoActivityError struct {
	Athlete, ID, DB string
}

func (e *NoActivityError) Error() string {
	return fmt.Sprintf("no activity %s for athlete %s", e.ID, e.Athlete)
}

// Hint says where the ids are listed.
func (e *NoActivityError) Hint() string {
	return "list ids with: taper activities --db " + e.DB + " --athlete " + e.Athlete
}

// APIHint says where the ids are listed.
func (e *NoActivityError) APIHint() string {
	return "GET /api/athletes/" + e.Athlete + "/activities lists the ids"
}

// SetRace marks the athlete's race (taper race --date or --activity) and
// analyses again the runs whose class depends on it. A mark that matches no
// run, or a run far from marathon distance (unless Force), is refused.
func SetRace(ctx context.Context, db *store.DB, o RaceOptions) (RaceResult, error) {
	return changeRace(ctx, db, o, func() error {
		if o.Activity != "" {
			acts, err := db.Activities(ctx, store.Filter{Athlete: o.Athlete, IDs: []string{o.Activity}, IncludeDuplicates: true})
			if err != nil {
				return err
			}
			if len(acts) == 0 {
				return &NoActivityError{Athlete: o.Athlete, ID: o.Activity, DB: db.Path()}
			}
		}
		if err := checkRaceMark(ctx, db, o.Athlete, o.Activity, o.Date, o.Force); err != nil {
			return err
		}
		return db.MarkRace(ctx, o.Athlete, o.Activity, o.Date)
	})
}

// ClearRace removes the athlete's race mark, so the race is found by
// distance again, and analyses again the runs whose class depends on it.
func ClearRace(ctx context.Context, db *store.DB, o RaceOptions) (RaceResult, error) {
	return changeRace(ctx, db, o, func() error { return db.ClearRace(ctx, o.Athlete) })
}

func changeRace(ctx context.Context, db *store.DB, o RaceOptions, change func() error) (RaceResult, error) {
	now := clock(o.Now)
	if err := requireAthlete(ctx, db, o.Athlete); err != nil {
		return RaceResult{}, err
	}
	// What the stored classes were computed with, so only the runs whose
	// race pace the new mark changes are analysed again.
	prev, _, err := newAnalyzer(ctx, db, o.Athlete, o.Settings, now())
	if err != nil {
		return RaceResult{}, err
	}
	// Until the analysis below is done, it is pending: a race change
	// stopped half-way is finished by the next import or reanalysis.
	fp, _, err := db.AnalysisSettings(ctx, o.Athlete)
	if err != nil {
		return RaceResult{}, err
	}
	if err := db.MarkAnalysisPending(ctx, o.Athlete); err != nil {
		return RaceResult{}, err
	}
	if err := change(); err != nil {
		return RaceResult{}, err
	}
	// The history of the coach's decisions (a clear has no target).
	if _, err := db.AddDecision(ctx, store.Decision{Athlete: o.Athlete, Kind: store.DecisionRace, ActivityID: o.Activity,
		Date: o.Date, Note: o.Note, By: o.By}); err != nil {
		return RaceResult{}, err
	}
	an, _, err := newAnalyzer(ctx, db, o.Athlete, o.Settings, now())
	if err != nil {
		return RaceResult{}, err
	}
	if err := analyzeAthlete(ctx, db, o.Athlete, o.Settings, now(), prev, fp == store.AnalysisPending); err != nil {
		return RaceResult{}, err
	}
	return RaceResult{ID: an.RaceID, Source: an.RaceSource}, nil
}

// checkRaceMark refuses a mark that matches no run, rather than store it
// and lose the race (and with it the baseline).
func checkRaceMark(ctx context.Context, db *store.DB, athlete, id, date string, force bool) error {
	acts, err := db.Activities(ctx, store.Filter{Athlete: athlete})
	if err != nil {
		return err
	}
	if id != "" {
		if id, err = primaryID(ctx, db, athlete, id); err != nil { // a duplicate stands for its primary
			return err
		}
	}
	r := analysis.FindRace(acts, "", id, date)
	if r.Activity == nil || r.Source != analysis.RaceMarked {
		return &hintError{err: fmt.Errorf("no run of athlete %s matches %s: nothing marked", athlete, strings.TrimSpace(id+" "+date)),
			hint:    "taper activities --athlete " + athlete + " (with your --db) lists the runs with their dates and ids",
			apiHint: "GET /api/athletes/" + athlete + "/activities lists the runs with their dates and ids"}
	}
	// The recovery rules are for a marathon, scaled to a half marathon or
	// an ultra: a 5 km run marked by mistake would move the whole audit
	// (and the baseline) to the wrong day.
	if dist, _ := analysis.AnalysedTotals(r.Activity); !force && !analysis.MarkableDistance(dist) && (!analysis.Has(dist) || analysis.RaceKindOf(dist) == "") {
		return &hintError{err: fmt.Errorf("the run of athlete %s on %s is %s, not a half marathon, a marathon or an ultra: nothing marked", athlete, r.Activity.LocalDate(), analysis.FormatKm(dist)),
			hint: "check the date or id; taper race --force marks it anyway", apiHint: `check the date or id; "force": true marks it anyway`}
	}
	return nil
}
