package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Kinds of Decision.
const (
	DecisionWaiver        = "waiver"         // a finding waived: it no longer counts toward the status
	DecisionClassOverride = "class_override" // a run's class set by the coach
	DecisionRace          = "race"           // the race marked (or cleared) by the coach
)

// Decision is one decision of a coach about an athlete's audit, with who
// made it, when and why. Decisions are history: undoing one keeps the row
// and sets UndoneAt.
type Decision struct {
	ID         int64
	Athlete    string
	Kind       string // Decision*
	ActivityID string // override: the run; waiver: the finding's activity ("" for weekly rules)
	Rule       string // waiver: the finding's rule id
	Date       string // waiver: the finding's date, YYYY-MM-DD; race: the race day
	Class      string // override: the class given to the run
	Note       string
	By         string // who: a token's name, or "local"
	At         time.Time
	UndoneBy   string
	UndoneAt   time.Time // zero while in force
	// Replaced are the decisions of the same target that AddDecision
	// undid as it recorded this one (set by AddDecision only).
	Replaced []int64
}

// Active reports whether the decision is in force (not undone).
func (d Decision) Active() bool { return d.UndoneAt.IsZero() }

// State is "in force", or who undid the decision and when.
func (d Decision) State() string {
	if d.Active() {
		return "in force"
	}
	return "undone by " + d.UndoneBy + " " + d.UndoneAt.Format("2006-01-02 15:04")
}

// Target says what a decision is about: "rest_window 2026-10-07 ID",
// "ID -> easy", "race 2026-10-04", "race mark cleared".
func (d Decision) Target() string {
	switch d.Kind {
	case DecisionWaiver:
		s := d.Rule + " " + d.Date
		if d.ActivityID != "" {
			s += " " + d.ActivityID
		}
		return s
	case DecisionClassOverride:
		return d.ActivityID + " -> " + d.Class
	}
	if d.ActivityID == "" && d.Date == "" {
		return "race mark cleared"
	}
	return "race " + d.Date + d.ActivityID
}

// ErrNoDecision is returned by UndoDecision for an id the athlete has no
// decision in force under.
var ErrNoDecision = errors.New("no such decision in force")

// AddDecision records a decision and returns it with its id and time. A
// decision in force on the same target (the same finding, the same run's
// class, the athlete's race) is undone by it, so at most one is in force
// per target and the earlier stays in the history.
func (db *DB) AddDecision(ctx context.Context, d Decision) (Decision, error) {
	fail := func(err error) (Decision, error) {
		return Decision{}, fmt.Errorf("record %s for %s in %s: %w", d.Kind, d.Athlete, db.name(), err)
	}
	if db.readOnly {
		return fail(errors.New("the database was opened read-only"))
	}
	switch d.Kind {
	case DecisionWaiver:
		if d.Rule == "" || d.Date == "" {
			return fail(errors.New("a waiver needs the finding's rule and date"))
		}
	case DecisionClassOverride:
		if d.ActivityID == "" || d.Class == "" {
			return fail(errors.New("a class override needs the activity and the class"))
		}
	case DecisionRace:
	default:
		return fail(fmt.Errorf("unknown kind %q", d.Kind))
	}
	var day any
	if d.Date != "" {
		t, err := time.Parse(time.DateOnly, d.Date)
		if err != nil {
			return fail(fmt.Errorf("bad date %q: want YYYY-MM-DD", d.Date))
		}
		day = t
	}
	if d.By == "" {
		d.By = "local"
	}
	d.At = db.now().UTC().Truncate(time.Microsecond)
	d.UndoneAt, d.UndoneBy = time.Time{}, ""
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback()
	// The target: what a later decision of the same kind replaces.
	target := `athlete = ? AND kind = ? AND undone_at IS NULL`
	args := []any{d.Athlete, d.Kind}
	switch d.Kind {
	case DecisionWaiver:
		target += ` AND rule = ? AND on_date = ? AND coalesce(activity_id, '') = ?`
		args = append(args, d.Rule, day, d.ActivityID)
	case DecisionClassOverride:
		target += ` AND activity_id = ?`
		args = append(args, d.ActivityID)
	}
	rows, err := tx.QueryContext(ctx, `UPDATE decisions SET undone_at = ?, undone_by = ? WHERE `+target+` RETURNING id`,
		append([]any{d.At, d.By}, args...)...)
	if err != nil {
		return fail(err)
	}
	d.Replaced = nil
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fail(err)
		}
		d.Replaced = append(d.Replaced, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fail(err)
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO decisions (athlete, kind, activity_id, rule, on_date, class, note, made_by, made_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		d.Athlete, d.Kind, nullString(d.ActivityID), nullString(d.Rule), day, nullString(d.Class), d.Note, d.By, d.At).Scan(&d.ID); err != nil {
		return fail(err)
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	return d, nil
}

// UndoDecision undoes the athlete's decision id, recording who undid it and
// when, and returns it. ErrNoDecision: no decision id of the athlete is in
// force.
func (db *DB) UndoDecision(ctx context.Context, athlete string, id int64, by string) (Decision, error) {
	if db.readOnly {
		return Decision{}, fmt.Errorf("undo decision %d in %s: the database was opened read-only", id, db.name())
	}
	if by == "" {
		by = "local"
	}
	at := db.now().UTC().Truncate(time.Microsecond)
	res, err := db.sql.ExecContext(ctx, `UPDATE decisions SET undone_at = ?, undone_by = ? WHERE id = ? AND athlete = ? AND undone_at IS NULL`,
		at, by, id, athlete)
	if err != nil {
		return Decision{}, fmt.Errorf("undo decision %d in %s: %w", id, db.name(), err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Decision{}, fmt.Errorf("undo decision %d of athlete %s: %w", id, athlete, ErrNoDecision)
	}
	ds, err := db.decisions(ctx, `id = ?`, id)
	if err != nil || len(ds) == 0 {
		return Decision{}, err
	}
	return ds[0], nil
}

// Decisions returns the athlete's decisions, oldest first; with history
// also those undone.
func (db *DB) Decisions(ctx context.Context, athlete string, history bool) ([]Decision, error) {
	where := `athlete = ?`
	if !history {
		where += ` AND undone_at IS NULL`
	}
	return db.decisions(ctx, where, athlete)
}

// ActiveDecisions returns every athlete's decisions in force (not undone),
// by athlete, oldest first: one query for a roster audit.
func (db *DB) ActiveDecisions(ctx context.Context) (map[string][]Decision, error) {
	all, err := db.decisions(ctx, `undone_at IS NULL`)
	if err != nil {
		return nil, err
	}
	out := map[string][]Decision{}
	for _, d := range all {
		out[d.Athlete] = append(out[d.Athlete], d)
	}
	return out, nil
}

func (db *DB) decisions(ctx context.Context, where string, args ...any) ([]Decision, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, athlete, kind, activity_id, rule, strftime(on_date, '%Y-%m-%d'), class, note,
		made_by, made_at, undone_by, undone_at FROM decisions WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read decisions in %s: %w", db.name(), err)
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		var d Decision
		var act, rule, date, class, undoneBy sql.NullString
		var undoneAt sql.NullTime
		if err := rows.Scan(&d.ID, &d.Athlete, &d.Kind, &act, &rule, &date, &class, &d.Note, &d.By, &d.At, &undoneBy, &undoneAt); err != nil {
			return nil, fmt.Errorf("read decisions in %s: %w", db.name(), err)
		}
		d.ActivityID, d.Rule, d.Date, d.Class, d.UndoneBy = act.String, rule.String, date.String, class.String, undoneBy.String
		d.At = d.At.UTC()
		if undoneAt.Valid {
			d.UndoneAt = undoneAt.Time.UTC()
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
