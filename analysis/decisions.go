package analysis

import "time"

// ClassSourceCoach is Metrics.ClassSource of a run whose class a coach set
// (see ApplyOverrides).
const ClassSourceCoach = "coach"

// Waiver is a coach's decision that one finding does not count: the
// finding stays in the report, marked waived, and no longer counts toward
// the status, the breach and warning totals, or --fail-on.
type Waiver struct {
	ID   int64     `json:"id"`
	At   time.Time `json:"at"`
	By   string    `json:"by"`
	Note string    `json:"note"`
	// The finding it waives: rule, date and activity ("" for weekly rules).
	Rule       string `json:"-"`
	Date       string `json:"-"`
	ActivityID string `json:"-"`
}

// waives reports whether w is the waiver of f.
func (w Waiver) waives(f Finding) bool {
	return w.Rule == f.Rule && w.Date == f.Date && w.ActivityID == f.ActivityID
}

// ClassOverride is a coach's decision about a run's class.
type ClassOverride struct {
	ID         int64     `json:"id"`
	Class      string    `json:"class"`    // the class the coach gave the run
	Was        string    `json:"was"`      // the class taper found
	Evidence   string    `json:"evidence"` // taper's evidence for the class it found
	At         time.Time `json:"at"`
	By         string    `json:"by"`
	Note       string    `json:"note"`
	ActivityID string    `json:"-"`
}

// ApplyOverrides gives each overridden run the coach's class, before the
// audit counts it: the class becomes the coach's, ClassSource "coach",
// the evidence the coach's note, and Metrics.Override keeps what taper had
// found. Activities without metrics, and non-runs, are left alone.
func ApplyOverrides(acts []*Activity, overrides []ClassOverride) {
	if len(overrides) == 0 {
		return
	}
	byID := map[string]ClassOverride{}
	for _, o := range overrides {
		byID[o.ActivityID] = o
	}
	for _, a := range acts {
		o, ok := byID[a.ID]
		if !ok || a.Metrics == nil || !a.IsRun() {
			continue
		}
		m := *a.Metrics // the caller's stored metrics stay as they were
		if m.Override == nil {
			o.Was, o.Evidence = m.Class, m.Evidence
		} else {
			o.Was, o.Evidence = m.Override.Was, m.Override.Evidence
		}
		m.Override = &o
		m.Class, m.ClassSource = o.Class, ClassSourceCoach
		m.Evidence = "set to " + o.Class + " by " + o.By + ": " + o.Note
		if o.Was != "" {
			m.Evidence += " (taper found " + o.Was + ")"
		}
		a.Metrics = &m
	}
}

// String is the override as one line (CSV, text): "easy (was interval) by
// coach on 2026-10-20: easy fartlek".
func (o ClassOverride) String() string {
	s := o.Class
	if o.Was != "" {
		s += " (was " + o.Was + ")"
	}
	return s + " by " + o.By + " on " + o.At.UTC().Format("2006-01-02") + ": " + o.Note
}
