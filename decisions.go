package taper

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store"
)

// The coach's decisions (taper waive, taper override, taper serve): each is
// stored with who made it, when and why, can be undone (the history stays),
// and is applied by every report and audit.

// WaiveOptions name the finding to waive and why.
type WaiveOptions struct {
	Athlete    string
	Rule       string // the finding's rule id, e.g. rest_window
	Date       string // the finding's date, YYYY-MM-DD
	ActivityID string // the finding's activity; "" for weekly rules
	Note       string // why: required
	By         string // who: a token's name; "" = local
	Settings   analysis.Settings
	AsOf       string // the report the finding is in; "" = today where the athlete is
	Now        func() time.Time
}

// NoFindingError: the athlete's report has no such finding to waive.
type NoFindingError struct {
	Athlete, Rule, Date, ActivityID string
	// Activities are the activities of the findings of that rule and date
	// (the finding asked for named another, or none).
	Activities []string
}

func (e *NoFindingError) Error() string {
	s := fmt.Sprintf("athlete %s has no %s finding on %s", e.Athlete, e.Rule, e.Date)
	if e.ActivityID != "" {
		s += " for activity " + e.ActivityID
	}
	return s
}

// Hint names the activity of the finding meant, else says where the
// findings are listed.
func (e *NoFindingError) Hint() string {
	switch {
	case len(e.Activities) == 1 && e.Activities[0] == "":
		return "that finding is on no activity (a weekly rule): leave the activity out"
	case len(e.Activities) > 0:
		return fmt.Sprintf("the %s finding on %s is on activity %s: give that activity id", e.Rule, e.Date, strings.Join(e.Activities, " or "))
	}
	return "taper report --athlete " + e.Athlete + " --format json lists the findings with their rule, date and activity_id"
}

// APIHint is Hint for a client of the API.
func (e *NoFindingError) APIHint() string {
	if len(e.Activities) > 0 {
		return e.Hint()
	}
	return "GET /api/athletes/" + e.Athlete + "/report lists the findings with their rule, date and activity_id"
}

// UnknownRuleError: a rule id taper does not have.
type UnknownRuleError struct{ Rule string }

func (e *UnknownRuleError) Error() string { return fmt.Sprintf("unknown rule %q", e.Rule) }

// Hint lists the rules.
func (e *UnknownRuleError) Hint() string {
	return "use one of " + strings.Join(analysis.RuleIDs(), ", ")
}

// UsageError marks a bad argument (taper exits 2).
func (e *UnknownRuleError) UsageError() bool { return true }

// NoteRequiredError: a decision without a note.
type NoteRequiredError struct{ What string }

func (e *NoteRequiredError) Error() string { return e.What + " needs a note saying why" }

// Hint gives an example.
func (e *NoteRequiredError) Hint() string {
	if e.What == "a class override" {
		return `e.g. --note "hill reps, agreed with me"`
	}
	return `e.g. --note "shakeout agreed with me"`
}

// APIHint gives an example.
func (e *NoteRequiredError) APIHint() string { return `give "note": "why", e.g. "agreed with me"` }

// UsageError marks a missing argument (taper exits 2).
func (e *NoteRequiredError) UsageError() bool { return true }

// Waive records the coach's waiver of one finding of the athlete's report:
// the finding stays listed, marked waived, and counts toward nothing.
func Waive(ctx context.Context, db *store.DB, o WaiveOptions) (store.Decision, error) {
	if !slices.Contains(analysis.RuleIDs(), o.Rule) {
		return store.Decision{}, &UnknownRuleError{Rule: o.Rule}
	}
	if strings.TrimSpace(o.Note) == "" {
		return store.Decision{}, &NoteRequiredError{What: "a waiver"}
	}
	rep, err := buildReport(ctx, db, o.Athlete, o.Settings, o.AsOf, clock(o.Now)(), reportHooks{})
	if err != nil {
		return store.Decision{}, err
	}
	found := false
	var others []string
	for _, f := range rep.Findings {
		found = found || f.Rule == o.Rule && f.Date == o.Date && f.ActivityID == o.ActivityID
		if f.Rule == o.Rule && f.Date == o.Date && !slices.Contains(others, f.ActivityID) {
			others = append(others, f.ActivityID)
		}
	}
	if !found {
		return store.Decision{}, &NoFindingError{Athlete: o.Athlete, Rule: o.Rule, Date: o.Date, ActivityID: o.ActivityID, Activities: others}
	}
	return db.AddDecision(ctx, store.Decision{Athlete: o.Athlete, Kind: store.DecisionWaiver, Rule: o.Rule, Date: o.Date,
		ActivityID: o.ActivityID, Note: o.Note, By: o.By})
}

// OverrideOptions name the run whose class the coach sets, and why.
type OverrideOptions struct {
	Athlete    string
	ActivityID string // a duplicate stands for its primary
	Class      string // easy, long, tempo or interval
	Note       string
	By         string
}

// OverrideClasses are the classes a coach may give a run (the race is
// marked with taper race).
func OverrideClasses() []string {
	return []string{analysis.ClassEasy, analysis.ClassLong, analysis.ClassTempo, analysis.ClassInterval}
}

// BadClassError: an override to a class runs cannot have.
type BadClassError struct{ Class string }

func (e *BadClassError) Error() string { return fmt.Sprintf("unknown class %q", e.Class) }

// UsageError marks a bad argument (taper exits 2).
func (e *BadClassError) UsageError() bool { return true }

// Hint lists the classes.
func (e *BadClassError) Hint() string {
	return "use one of " + strings.Join(OverrideClasses(), ", ") + " (mark the race with taper race)"
}

// APIHint lists the classes.
func (e *BadClassError) APIHint() string {
	return "use one of " + strings.Join(OverrideClasses(), ", ") + " (the race is marked with POST /api/athletes/{name}/race)"
}

// NotARunError: only runs have a class.
type NotARunError struct{ ID, Sport string }

func (e *NotARunError) Error() string {
	return fmt.Sprintf("activity %s is %s, not a run: only runs have a class", e.ID, e.Sport)
}

// Override records the coach's class for one of the athlete's runs: every
// report and audit then counts the run as that class. A run recorded
// twice is counted once, as its primary recording: an override given for
// another recording of it (a duplicate) is recorded for the primary, which
// the returned decision names.
func Override(ctx context.Context, db *store.DB, o OverrideOptions) (store.Decision, error) {
	if !slices.Contains(OverrideClasses(), o.Class) {
		return store.Decision{}, &BadClassError{Class: o.Class}
	}
	if strings.TrimSpace(o.Note) == "" {
		return store.Decision{}, &NoteRequiredError{What: "a class override"}
	}
	a, err := Activity(ctx, db, o.Athlete, o.ActivityID, false)
	if err != nil {
		return store.Decision{}, err
	}
	if a.DuplicateOf != "" {
		if a, err = Activity(ctx, db, o.Athlete, a.DuplicateOf, false); err != nil {
			return store.Decision{}, err
		}
	}
	if !a.IsRun() {
		return store.Decision{}, &NotARunError{ID: a.ID, Sport: a.Sport}
	}
	return db.AddDecision(ctx, store.Decision{Athlete: o.Athlete, Kind: store.DecisionClassOverride, ActivityID: a.ID,
		Class: o.Class, Note: o.Note, By: o.By})
}

// NoDecisionError: no decision of that id is in force for the athlete, or
// (Kind set) the one in force is of another kind than Want.
type NoDecisionError struct {
	Athlete string
	ID      int64
	// Kind is the kind of decision ID when it is in force but not of the
	// kind asked for (Want): undone by another command.
	Kind, Want string
}

func (e *NoDecisionError) Error() string {
	if e.Kind != "" {
		return fmt.Sprintf("decision %d of athlete %s is %s, not %s", e.ID, e.Athlete, decisionKindName(e.Kind), decisionKindName(e.Want))
	}
	return fmt.Sprintf("athlete %s has no decision %d in force", e.Athlete, e.ID)
}

// Hint says how to undo a decision of the other kind, or where the ids
// are listed.
func (e *NoDecisionError) Hint() string {
	switch e.Kind {
	case store.DecisionWaiver:
		return fmt.Sprintf("undo it with: taper waive --athlete %s --undo %d", e.Athlete, e.ID)
	case store.DecisionClassOverride:
		return fmt.Sprintf("undo it with: taper override --athlete %s --undo %d", e.Athlete, e.ID)
	case store.DecisionRace:
		return fmt.Sprintf("change the race with taper race --athlete %s (--clear removes the mark)", e.Athlete)
	}
	return "taper waive --athlete " + e.Athlete + " --list shows the decisions with their ids"
}

// APIHint is Hint for a client of the API.
func (e *NoDecisionError) APIHint() string {
	switch e.Kind {
	case store.DecisionWaiver:
		return fmt.Sprintf("undo it with DELETE /api/athletes/%s/waivers/%d", e.Athlete, e.ID)
	case store.DecisionClassOverride:
		return fmt.Sprintf("undo it with DELETE /api/athletes/%s/overrides/%d", e.Athlete, e.ID)
	case store.DecisionRace:
		return fmt.Sprintf("change the race with POST or DELETE /api/athletes/%s/race", e.Athlete)
	}
	return "GET /api/athletes/" + e.Athlete + "/decisions lists the decisions with their ids"
}

// UsageError marks undoing a decision with another kind's command as a bad
// argument (taper exits 2).
func (e *NoDecisionError) UsageError() bool { return e.Kind != "" }

// decisionKindName is a decision kind as a person says it.
func decisionKindName(kind string) string {
	switch kind {
	case store.DecisionWaiver:
		return "a waiver"
	case store.DecisionClassOverride:
		return "a class override"
	case store.DecisionRace:
		return "a race mark"
	}
	return kind
}

// Undo undoes one of the athlete's decisions (of kind, or any kind when
// kind is ""), recording who undid it; the decision stays in the history.
func Undo(ctx context.Context, db *store.DB, athlete string, id int64, kind, by string) (store.Decision, error) {
	if err := requireAthlete(ctx, db, athlete); err != nil {
		return store.Decision{}, err
	}
	ds, err := db.Decisions(ctx, athlete, false)
	if err != nil {
		return store.Decision{}, err
	}
	i := slices.IndexFunc(ds, func(d store.Decision) bool { return d.ID == id })
	if i < 0 {
		return store.Decision{}, &NoDecisionError{Athlete: athlete, ID: id}
	}
	if kind != "" && ds[i].Kind != kind {
		return store.Decision{}, &NoDecisionError{Athlete: athlete, ID: id, Kind: ds[i].Kind, Want: kind}
	}
	d, err := db.UndoDecision(ctx, athlete, id, by)
	if errors.Is(err, store.ErrNoDecision) {
		return store.Decision{}, &NoDecisionError{Athlete: athlete, ID: id}
	}
	return d, err
}

// Decisions lists the athlete's decisions, oldest first, with those undone.
func Decisions(ctx context.Context, db *store.DB, athlete string) ([]store.Decision, error) {
	if err := requireAthlete(ctx, db, athlete); err != nil {
		return nil, err
	}
	return db.Decisions(ctx, athlete, true)
}

// Activity returns one of the athlete's activities (a duplicate's id
// stands for itself), with its samples and laps when full is set, and its
// stored analysis. An unknown athlete is an *UnknownAthleteError, an
// unknown id a *NoActivityError.
func Activity(ctx context.Context, db *store.DB, athlete, id string, full bool) (*analysis.Activity, error) {
	return activity(ctx, db, ActivityFilter{Athlete: athlete}, id, full)
}

// AnalysedActivity is Activity with the athlete's effective settings s: an
// analysis that may be stale (see ActivityFilter.Settings) is done again,
// in memory.
func AnalysedActivity(ctx context.Context, db *store.DB, athlete, id string, full bool, s analysis.Settings, now func() time.Time) (*analysis.Activity, error) {
	return activity(ctx, db, ActivityFilter{Athlete: athlete, Settings: &s, Now: now}, id, full)
}

// activity is Activity for f's athlete, settings and clock.
func activity(ctx context.Context, db *store.DB, f ActivityFilter, id string, full bool) (*analysis.Activity, error) {
	athlete := f.Athlete
	if err := requireAthlete(ctx, db, athlete); err != nil {
		return nil, err
	}
	acts, err := db.Activities(ctx, store.Filter{Athlete: athlete, IDs: []string{id}, IncludeDuplicates: true, WithSamples: full, WithLaps: full})
	if err != nil {
		return nil, err
	}
	if len(acts) == 0 {
		return nil, &NoActivityError{Athlete: athlete, ID: id, DB: db.Path()}
	}
	a := acts[0]
	if f.Settings != nil {
		if err := freshList(ctx, db, f, acts); err != nil {
			return nil, err
		}
	}
	ds, err := db.Decisions(ctx, athlete, false)
	if err != nil {
		return nil, err
	}
	_, overrides := decisionInputs(ds)
	if overrides, err = onPrimaries(ctx, db, athlete, overrides, func(id string) bool { return id == a.ID && a.DuplicateOf == "" }); err != nil {
		return nil, err
	}
	analysis.ApplyOverrides(acts, overrides)
	return a, nil
}

// onPrimaries gives each class override to the primary recording of its
// run: a recording overridden may have become a duplicate since (a later
// import brought a better recording of the run), and only primaries are
// counted. isPrimary says, without a query, which ids are primaries.
func onPrimaries(ctx context.Context, db *store.DB, athlete string, os []analysis.ClassOverride, isPrimary func(string) bool) ([]analysis.ClassOverride, error) {
	var ids []string
	for _, o := range os {
		if !isPrimary(o.ActivityID) {
			ids = append(ids, o.ActivityID)
		}
	}
	if len(ids) == 0 {
		return os, nil
	}
	acts, err := db.Activities(ctx, store.Filter{Athlete: athlete, IDs: ids, IncludeDuplicates: true})
	if err != nil {
		return nil, err
	}
	primary := make(map[string]string, len(acts))
	for _, a := range acts {
		if a.DuplicateOf != "" {
			primary[a.ID] = a.DuplicateOf
		}
	}
	for i, o := range os {
		if p := primary[o.ActivityID]; p != "" {
			os[i].ActivityID = p
		}
	}
	return os, nil
}

// decisionInputs turns the decisions in force into the audit's inputs.
func decisionInputs(ds []store.Decision) ([]analysis.Waiver, []analysis.ClassOverride) {
	var ws []analysis.Waiver
	var os []analysis.ClassOverride
	for _, d := range ds {
		if !d.Active() {
			continue
		}
		switch d.Kind {
		case store.DecisionWaiver:
			ws = append(ws, analysis.Waiver{ID: d.ID, At: d.At, By: d.By, Note: d.Note, Rule: d.Rule, Date: d.Date, ActivityID: d.ActivityID})
		case store.DecisionClassOverride:
			os = append(os, analysis.ClassOverride{ID: d.ID, Class: d.Class, At: d.At, By: d.By, Note: d.Note, ActivityID: d.ActivityID})
		}
	}
	return ws, os
}
