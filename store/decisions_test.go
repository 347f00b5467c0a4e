package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestDecisions(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC)
	db, err := Open(ctx, "", Options{Now: func() time.Time { clock = clock.Add(time.Minute); return clock }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w1, err := db.AddDecision(ctx, Decision{Athlete: "ann", Kind: DecisionWaiver, Rule: "rest_window", Date: "2026-10-06",
		ActivityID: "a1", Note: "shakeout agreed with me", By: "coach"})
	if err != nil {
		t.Fatal(err)
	}
	if w1.ID == 0 || w1.At.IsZero() || !w1.Active() {
		t.Fatalf("AddDecision = %+v, want an id, a time, in force", w1)
	}
	// A weekly finding has no activity; the same rule on another date is another target.
	w2, err := db.AddDecision(ctx, Decision{Athlete: "ann", Kind: DecisionWaiver, Rule: "ramp_cap", Date: "2026-10-18", Note: "travel week"})
	if err != nil {
		t.Fatal(err)
	}
	if w2.By != "local" {
		t.Errorf("By = %q, want local when nobody is named", w2.By)
	}
	// The same finding waived again replaces the first waiver, which stays as history.
	w3, err := db.AddDecision(ctx, Decision{Athlete: "ann", Kind: DecisionWaiver, Rule: "rest_window", Date: "2026-10-06",
		ActivityID: "a1", Note: "better note", By: "coach2"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := db.AddDecision(ctx, Decision{Athlete: "ann", Kind: DecisionClassOverride, ActivityID: "a2", Class: "easy", Note: "easy fartlek"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddDecision(ctx, Decision{Athlete: "ben", Kind: DecisionClassOverride, ActivityID: "b1", Class: "tempo", Note: "n"}); err != nil {
		t.Fatal(err)
	}
	active, err := db.Decisions(ctx, "ann", false)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(active); !equalIDs(got, []int64{w2.ID, w3.ID, o.ID}) {
		t.Fatalf("active decisions of ann = %v, want %v", got, []int64{w2.ID, w3.ID, o.ID})
	}
	if d := active[1]; d.Rule != "rest_window" || d.Date != "2026-10-06" || d.ActivityID != "a1" || d.Note != "better note" || d.By != "coach2" {
		t.Errorf("waiver read back as %+v", d)
	}
	all, err := db.Decisions(ctx, "ann", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 || all[0].ID != w1.ID || all[0].Active() || all[0].UndoneBy != "coach2" {
		t.Fatalf("history = %+v, want the first waiver undone by coach2", all)
	}

	// Undo keeps the row; undoing twice, or another athlete's decision, is ErrNoDecision.
	u, err := db.UndoDecision(ctx, "ann", o.ID, "coach")
	if err != nil || u.Active() || u.UndoneBy != "coach" || u.Class != "easy" {
		t.Fatalf("UndoDecision = %+v, %v", u, err)
	}
	if _, err := db.UndoDecision(ctx, "ann", o.ID, "coach"); !errors.Is(err, ErrNoDecision) {
		t.Errorf("second undo: %v, want ErrNoDecision", err)
	}
	if _, err := db.UndoDecision(ctx, "ben", w2.ID, "coach"); !errors.Is(err, ErrNoDecision) {
		t.Errorf("undo of another athlete's decision: %v, want ErrNoDecision", err)
	}
	if all, _ := db.Decisions(ctx, "ann", true); len(all) != 4 {
		t.Errorf("history after undo has %d rows, want 4", len(all))
	}

	for _, bad := range []Decision{
		{Athlete: "ann", Kind: DecisionWaiver, Note: "no rule"},
		{Athlete: "ann", Kind: DecisionClassOverride, ActivityID: "a1", Note: "no class"},
		{Athlete: "ann", Kind: "veto", Note: "unknown kind"},
		{Athlete: "ann", Kind: DecisionWaiver, Rule: "r", Date: "06/10/2026", Note: "bad date"},
	} {
		if _, err := db.AddDecision(ctx, bad); err == nil {
			t.Errorf("AddDecision(%+v) succeeded, want an error", bad)
		}
	}

	// Forgetting an athlete forgets its decisions.
	if _, err := db.DeleteAthlete(ctx, "ann"); err != nil {
		t.Fatal(err)
	}
	if all, _ := db.Decisions(ctx, "ann", true); len(all) != 0 {
		t.Errorf("decisions of a forgotten athlete: %+v", all)
	}
}

func ids(ds []Decision) []int64 {
	var out []int64
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDecisionTarget(t *testing.T) {
	for _, c := range []struct {
		d    Decision
		want string
	}{
		{Decision{Kind: DecisionWaiver, Rule: "rest_window", Date: "2026-10-07", ActivityID: "abc"}, "rest_window 2026-10-07 abc"},
		{Decision{Kind: DecisionWaiver, Rule: "ramp_cap", Date: "2026-10-25"}, "ramp_cap 2026-10-25"},
		{Decision{Kind: DecisionClassOverride, ActivityID: "abc", Class: "easy"}, "abc -> easy"},
		{Decision{Kind: DecisionRace, Date: "2026-10-04"}, "race 2026-10-04"},
		{Decision{Kind: DecisionRace}, "race mark cleared"},
	} {
		if got := c.d.Target(); got != c.want {
			t.Errorf("Target(%+v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestDecisionState(t *testing.T) {
	d := Decision{Kind: DecisionWaiver}
	if got := d.State(); got != "in force" {
		t.Errorf("State of an active decision = %q", got)
	}
	d.UndoneBy, d.UndoneAt = "anna", time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	if got, want := d.State(), "undone by anna 2026-11-02 09:30"; got != want {
		t.Errorf("State = %q, want %q", got, want)
	}
}
