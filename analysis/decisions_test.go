package analysis

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestWaiversAndOverrides(t *testing.T) {
	s, err := Preset(PresetStandard)
	if err != nil {
		t.Fatal(err)
	}
	specs := []spec{{day: 2, km: 4, min: 25}, {day: 19, km: 10, min: 55, class: ClassInterval}, {day: 20, km: 10, min: 55, class: ClassInterval}}
	build := func(waivers []Waiver, overrides []ClassOverride) *Report {
		in := AuditInput{Athlete: "alice", AsOf: "2026-12-31", Settings: s, Race: testRace(), Baseline: history(60000), Waivers: waivers}
		for i, sp := range specs {
			in.Activities = append(in.Activities, sp.activity(i))
		}
		ApplyOverrides(in.Activities, overrides)
		return Audit(in)
	}
	plain := build(nil, nil)
	if got := strings.Join(brief(plain), "; "); got != "2026-10-06 rest_window breach; 2026-10-24 interval_limit breach" || plain.Status != StatusBreach || plain.Breaches != 2 {
		t.Fatalf("without decisions: %s, status %s, %d breaches", got, plain.Status, plain.Breaches)
	}
	rest := plain.Findings[0]
	at := time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC)

	// Waiving the rest-window run: still listed, marked waived, not counted, and
	// its day in the timeline no longer flags it.
	w := Waiver{ID: 7, At: at, By: "coach", Note: "shakeout agreed with me", Rule: rest.Rule, Date: rest.Date, ActivityID: rest.ActivityID}
	r := build([]Waiver{w, {Rule: "rest_window", Date: "2026-10-07", ActivityID: rest.ActivityID, Note: "another day: waives nothing"}}, nil)
	if len(r.Findings) != 2 || r.Findings[0].Waived == nil || r.Findings[0].Waived.Note != w.Note || r.Findings[1].Waived != nil {
		t.Fatalf("findings = %+v, want the first waived", r.Findings)
	}
	if r.Breaches != 1 || r.Waived != 1 || r.Status != StatusBreach || r.Weeks[0].Breaches != 0 || r.Weeks[0].Status != StatusOK {
		t.Errorf("after the waiver: %d breaches, %d waived, status %s, week 1 %s with %d", r.Breaches, r.Waived, r.Status, r.Weeks[0].Status, r.Weeks[0].Breaches)
	}
	for _, d := range r.Days {
		for _, a := range d.Activities {
			if a.ID == rest.ActivityID && len(a.Findings) != 0 {
				t.Errorf("the waived run still flags %v on day %d", a.Findings, d.Day)
			}
		}
	}
	b, _ := json.Marshal(r.Findings[0])
	if !strings.Contains(string(b), `"waived":{"id":7,"at":"2026-10-20T09:00:00Z","by":"coach","note":"shakeout agreed with me"}`) {
		t.Errorf("waived finding JSON: %s", b)
	}
	if b, _ := json.Marshal(r.Findings[1]); strings.Contains(string(b), "waived") {
		t.Errorf("a counted finding's JSON mentions waived: %s", b)
	}

	// Overriding the second interval session as easy: the interval limit is met,
	// the class, its source and the evidence are the coach's.
	second := plain.Findings[1].ActivityID
	r = build([]Waiver{w}, []ClassOverride{{ID: 8, ActivityID: second, Class: ClassEasy, At: at, By: "coach", Note: "easy fartlek, not an interval session"}})
	if r.Status != StatusOK || r.Breaches != 0 || len(r.Findings) != 1 {
		t.Fatalf("after the override: %s, %v", r.Status, brief(r))
	}
	found := false
	for _, d := range r.Days {
		for _, a := range d.Activities {
			if a.ID != second {
				continue
			}
			found = true
			if a.Class != ClassEasy || a.ClassOverride == nil || a.ClassOverride.Was != ClassInterval || !strings.Contains(a.Evidence, "easy fartlek") {
				t.Errorf("overridden run in the timeline: %+v (override %+v)", a, a.ClassOverride)
			}
		}
	}
	if !found {
		t.Fatal("the overridden run is not in the timeline")
	}
	// Only runs with metrics are overridden; the input's metrics stay as stored.
	acts := []*Activity{spec{sport: SportCycling, day: 3, min: 60}.activity(0), spec{day: 5, km: 5, min: 30, class: ClassTempo}.activity(1)}
	stored := acts[1].Metrics
	ApplyOverrides(acts, []ClassOverride{{ActivityID: acts[0].ID, Class: ClassEasy}, {ActivityID: acts[1].ID, Class: ClassEasy, By: "c", Note: "n"}})
	if acts[0].Metrics.Override != nil || acts[0].Metrics.Class != "" {
		t.Errorf("a ride got a class: %+v", acts[0].Metrics)
	}
	if stored.Class != ClassTempo || acts[1].Metrics.Class != ClassEasy || acts[1].Metrics.ClassSource != ClassSourceCoach {
		t.Errorf("stored %s, overridden %s (%s)", stored.Class, acts[1].Metrics.Class, acts[1].Metrics.ClassSource)
	}
}
