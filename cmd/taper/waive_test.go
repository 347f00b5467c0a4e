package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestWaiveFromTheCommandLine: a coach waives a finding on a run, sees it
// marked waived in the report, lists and undoes it; mistakes get exit 2
// (an unknown rule, no note) or a hint naming the finding's activity.
func TestWaiveFromTheCommandLine(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates and imports a season; run without -short")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	mustTaper(t, "generate", "--dir", filepath.Join(dir, "files"), "--athlete", "ida", "--breach", "all", "--seed", "9", "--race", "2026-10-04")
	mustTaper(t, "import", "--db", db, "--athlete", "ida", "-q", filepath.Join(dir, "files"))
	asOf := "2026-12-01"
	findings := func() []struct {
		Rule, Date string
		ActivityID string `json:"activity_id"`
		Waived     *struct{ Note string }
	} {
		var r struct {
			Findings []struct {
				Rule, Date string
				ActivityID string `json:"activity_id"`
				Waived     *struct{ Note string }
			}
		}
		if err := json.Unmarshal([]byte(mustTaper(t, "report", "--db", db, "--athlete", "ida", "--as-of", asOf, "--format", "json")), &r); err != nil {
			t.Fatal(err)
		}
		return r.Findings
	}
	var rule, date, id string
	for _, f := range findings() {
		if f.ActivityID != "" {
			rule, date, id = f.Rule, f.Date, f.ActivityID
			break
		}
	}
	if id == "" {
		t.Fatal("no finding on a run in a season that breaks every rule")
	}
	base := []string{"waive", "--db", db, "--athlete", "ida"}
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown rule", []string{"--rule", "rest_windows", "--date", date, "--note", "n"}, exitUsage, `unknown rule "rest_windows"`},
		{"no note", []string{"--rule", rule, "--date", date, "--activity", id}, exitUsage, "needs a note"},
		{"no activity", []string{"--rule", rule, "--date", date, "--note", "n"}, exitError, "is on activity " + id},
	} {
		code, _, errOut := runTaper(t, append(base, tt.args...)...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d saying %q", tt.name, code, errOut, tt.code, tt.want)
		}
	}
	out := mustTaper(t, append(base, "--rule", rule, "--date", date, "--activity", id, "--note", "shakeout agreed")...)
	if !strings.Contains(out, "Waived "+rule) {
		t.Errorf("waive said %q", out)
	}
	waived := 0
	for _, f := range findings() {
		if f.Waived != nil && f.Rule == rule && f.ActivityID == id && f.Waived.Note == "shakeout agreed" {
			waived++
		}
	}
	if waived != 1 {
		t.Errorf("%d findings waived in the report, want the one", waived)
	}
	if list := mustTaper(t, append(base, "--list")...); !strings.Contains(list, "shakeout agreed") {
		t.Errorf("--list: %s", list)
	}
	// Undone with the wrong command: exit 2, naming the right one.
	code, _, errOut := runTaper(t, "override", "--db", db, "--athlete", "ida", "--undo", "1")
	if code != exitUsage || !strings.Contains(errOut, "decision 1 of athlete ida is a waiver, not a class override") ||
		!strings.Contains(errOut, "taper waive --athlete ida --undo 1") {
		t.Errorf("override --undo of a waiver: exit %d, stderr %q", code, errOut)
	}
	mustTaper(t, append(base, "--undo", "1")...)
	for _, f := range findings() {
		if f.Waived != nil {
			t.Errorf("still waived after --undo: %+v", f)
		}
	}
	// Waived again, then once more with another note: the last replaces
	// the one before, and says so.
	waive := append(base, "--rule", rule, "--date", date, "--activity", id, "--note")
	mustTaper(t, append(waive, "first")...)
	if out := mustTaper(t, append(waive, "second")...); !strings.Contains(out, "It replaces decision 2, now undone") {
		t.Errorf("a second waiver of the same finding said %q", out)
	}
}

// TestOverrideADuplicate: a coach overrides the class of a run through the
// id of its second recording (a phone's GPX beside the watch's FIT, which
// taper activities lists too): the class goes to the recording the reports
// count, and taper says so.
func TestOverrideADuplicate(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates and imports a season; run without -short")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "d.duckdb")
	mustTaper(t, "generate", "--dir", filepath.Join(dir, "files"), "--athlete", "jo", "--double", "--seed", "4", "--race", "2026-10-04")
	mustTaper(t, "import", "--db", db, "--athlete", "jo", "-q", filepath.Join(dir, "files"))
	type row struct {
		ID          string
		DuplicateOf *string `json:"duplicate_of"`
		Sport       string
		Class       string
		Override    any `json:"class_override"`
	}
	list := func() []row {
		var rows []row
		if err := json.Unmarshal([]byte(mustTaper(t, "activities", "--db", db, "--athlete", "jo", "--format", "json")), &rows); err != nil {
			t.Fatal(err)
		}
		return rows
	}
	var dup, primary string
	for _, r := range list() {
		if r.DuplicateOf != nil && r.Sport == "running" && r.Class == "easy" {
			dup, primary = r.ID, *r.DuplicateOf
			break
		}
	}
	if dup == "" {
		t.Fatal("no second recording of an easy run in a season recorded twice")
	}
	out := mustTaper(t, "override", "--db", db, "--athlete", "jo", "--activity", dup, "--class", "interval", "--note", "hill reps")
	if !strings.Contains(out, dup+" is another recording of run "+primary) || !strings.Contains(out, "Run "+primary+" of jo is interval") {
		t.Errorf("override said %q", out)
	}
	for _, r := range list() {
		if r.ID == primary && (r.Class != "interval" || r.Override == nil) {
			t.Errorf("the primary recording %s after the override: class %q, override %v; want interval, the coach's", primary, r.Class, r.Override)
		}
	}
}
