package taper_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store"
	"github.com/taper-run/taper/synth"
)

// fixedNow is the clock of these tests: eight weeks and a day after the
// race of raceDay.
func fixedNow() time.Time { return time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC) }

var raceDay = time.Date(2026, 10, 11, 0, 0, 0, 0, time.UTC)

// memDB opens an in-memory store on the fixed clock.
func memDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), ":memory:", store.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// seasonFiles writes a short season (4 weeks before the race, 8 after)
// with a run in the rest window as FIT files and returns their folder.
func seasonFiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s := synth.Season{Athlete: "ada", RaceDate: raceDay, Seed: 3, PreWeeks: 4, Breaches: synth.Breaches{RunsDuringRest: true}}
	if err := synth.WriteDir(dir, s.Activities(), synth.ExportFIT); err != nil {
		t.Fatal(err)
	}
	return dir
}

func standard(t *testing.T) analysis.Settings {
	t.Helper()
	s, err := analysis.Preset(analysis.PresetStandard)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func importSeason(t *testing.T, db *store.DB, dir string) *taper.ImportResult {
	t.Helper()
	res, err := taper.Import(context.Background(), db, taper.ImportOptions{Athlete: "ada", Inputs: []string{dir}, Jobs: 2,
		Settings: standard(t), Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestUseCases runs the use cases one after another on one athlete, as a
// front end would: import, report, list, import again, reanalyze, mark and
// clear the race, forget.
func TestUseCases(t *testing.T) {
	ctx := context.Background()
	db := memDB(t)
	dir := seasonFiles(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*"))

	var last taper.ImportProgress
	calls := 0
	res, err := taper.Import(ctx, db, taper.ImportOptions{Athlete: "ada", Inputs: []string{dir}, Jobs: 3, Settings: standard(t), Now: fixedNow,
		Progress: func(p taper.ImportProgress) { calls++; last = p }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != int64(len(files)) || res.ByStatus[store.StatusImported] != len(files) || len(res.Rejected) != 0 {
		t.Fatalf("import of %d files: %d files, statuses %v, rejected %v", len(files), res.Files, res.ByStatus, res.Rejected)
	}
	if !last.Done || last.Files != res.Files || calls != len(files)+1 {
		t.Errorf("progress: %d calls, last %+v; want %d calls ending with Done and %d files", calls, last, len(files)+1, res.Files)
	}

	rep, err := taper.Report(ctx, db, taper.ReportOptions{Athlete: "ada", Settings: standard(t), Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Race == nil || rep.Race.Date != "2026-10-11" || rep.Race.Source != analysis.RaceDistance {
		t.Fatalf("race %+v, want the run of 2026-10-11 found by distance", rep.Race)
	}
	if rep.AsOf != "2026-12-07" {
		t.Errorf("as of %s, want the fixed clock's 2026-12-07", rep.AsOf)
	}
	if !hasFinding(rep, analysis.RuleRestWindow, analysis.SeverityBreach) || rep.Breaches < 1 {
		t.Errorf("findings %+v lack the rest-window breach", rep.Findings)
	}
	week1, err := taper.Report(ctx, db, taper.ReportOptions{Athlete: "ada", Settings: standard(t), Now: fixedNow, Week: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range week1.Findings {
		if f.Week != 1 {
			t.Errorf("week 1 report holds a finding of week %d", f.Week)
		}
	}
	if len(week1.Weeks) != 1 || week1.Scope != "week 1" {
		t.Errorf("week 1 report: %d weeks, scope %q", len(week1.Weeks), week1.Scope)
	}
	if _, err := taper.Report(ctx, db, taper.ReportOptions{Athlete: "ada", Settings: standard(t), Week: 9}); err == nil {
		t.Error("a report of week 9 of 8 was made")
	}

	acts, err := taper.ListActivities(ctx, db, taper.ActivityFilter{Athlete: "ada", Sport: analysis.SportRunning, Since: "2026-10-11", Until: "2026-10-11"})
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 1 || acts[0].Metrics == nil || acts[0].Metrics.Class != analysis.ClassRace {
		t.Fatalf("runs on race day: %d, want the race classed race", len(acts))
	}
	raceID := acts[0].ID
	if upper, err := taper.ListActivities(ctx, db, taper.ActivityFilter{Athlete: "ada", Sport: " Running", Since: "2026-10-11", Until: "2026-10-11"}); err != nil || len(upper) != 1 {
		t.Errorf("sport ' Running': %d activities, %v; want the race (sports match case-insensitively)", len(upper), err)
	}
	var us *taper.UnknownSportError
	if _, err := taper.ListActivities(ctx, db, taper.ActivityFilter{Athlete: "ada", Sport: "run"}); !errors.As(err, &us) || !slices.Contains(us.Known, analysis.SportRunning) {
		t.Errorf("sport run: %v; want an *UnknownSportError listing running", err)
	}

	again := importSeason(t, db, dir)
	if again.ByStatus[store.StatusDuplicateFile] != len(files) || again.Activities != 0 {
		t.Errorf("second import: statuses %v, %d activities; want every file a duplicate", again.ByStatus, again.Activities)
	}
	re, err := taper.Reanalyze(ctx, db, taper.ReanalyzeOptions{Athlete: "ada", Settings: standard(t), Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if re.Activities != len(files) || re.Changed != 0 {
		t.Errorf("reanalyze: %+v; want all %d analysed again, none changed (the import analysed them the same way)", re, len(files))
	}

	// A short run is refused as the race unless forced; clearing the mark
	// finds the marathon by distance again.
	short, err := taper.ListActivities(ctx, db, taper.ActivityFilter{Athlete: "ada", Sport: analysis.SportRunning, Since: "2026-11-20"})
	if err != nil || len(short) == 0 {
		t.Fatalf("no run after 2026-11-20 (%v)", err)
	}
	_, err = taper.SetRace(ctx, db, taper.RaceOptions{Athlete: "ada", Activity: short[0].ID, Settings: standard(t), Now: fixedNow})
	if err == nil || !strings.Contains(taper.HintOf(err), "--force") {
		t.Errorf("marking a short run: %v (hint %q), want a refusal that names --force", err, taper.HintOf(err))
	}
	marked, err := taper.SetRace(ctx, db, taper.RaceOptions{Athlete: "ada", Activity: short[0].ID, Force: true, Settings: standard(t), Now: fixedNow})
	if err != nil || marked.ID != short[0].ID || marked.Source != analysis.RaceMarked {
		t.Errorf("forced mark: %+v, %v", marked, err)
	}
	cleared, err := taper.ClearRace(ctx, db, taper.RaceOptions{Athlete: "ada", Settings: standard(t), Now: fixedNow})
	if err != nil || cleared.ID != raceID || cleared.Source != analysis.RaceDistance {
		t.Errorf("cleared: %+v, %v; want %s by distance", cleared, err, raceID)
	}
	if _, err := taper.SetRace(ctx, db, taper.RaceOptions{Athlete: "ada", Activity: "nope", Settings: standard(t)}); !errors.As(err, new(*taper.NoActivityError)) {
		t.Errorf("marking an unknown id: %v, want a *NoActivityError", err)
	}

	n, err := taper.Forget(ctx, db, taper.ForgetOptions{Athlete: "ada", DryRun: true})
	if err != nil || n != len(files) {
		t.Errorf("forget dry run: %d, %v; want %d", n, err, len(files))
	}
	if n, err := taper.Forget(ctx, db, taper.ForgetOptions{Athlete: "ada"}); err != nil || n != len(files) {
		t.Errorf("forget: %d, %v", n, err)
	}
	if athletes, _ := db.Athletes(ctx); len(athletes) != 0 {
		t.Errorf("athletes after forget: %v", athletes)
	}
}

func hasFinding(r *analysis.Report, rule, severity string) bool {
	for _, f := range r.Findings {
		if f.Rule == rule && f.Severity == severity {
			return true
		}
	}
	return false
}

func TestAuditCountsCurrentRecoveries(t *testing.T) {
	ctx := context.Background()
	db := memDB(t)
	importSeason(t, db, seasonFiles(t))
	settings := func(string) (analysis.Settings, error) { return standard(t), nil }
	for _, c := range []struct {
		asOf     string
		breaches bool // counted for --fail-on
	}{
		{"2026-11-01", true},  // week 3: recovery under way
		{"2027-03-01", false}, // long after week 8
	} {
		res, err := taper.Audit(ctx, db, taper.AuditOptions{AsOf: c.asOf, Settings: settings, Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Reports) != 1 || res.Reports[0].Breaches < 1 {
			t.Fatalf("as of %s: %d reports", c.asOf, len(res.Reports))
		}
		if got := taper.FailsOn(analysis.SeverityBreach, res.Breaches, res.Warnings); got != c.breaches {
			t.Errorf("as of %s: fails on breach = %v, want %v", c.asOf, got, c.breaches)
		}
	}
}

func TestFailsOn(t *testing.T) {
	for _, c := range []struct {
		level              string
		breaches, warnings int
		want               bool
	}{
		{"", 3, 3, false},
		{"breach", 0, 2, false},
		{"breach", 1, 0, true},
		{"warning", 0, 1, true},
		{"warning", 1, 0, true},
		{"warning", 0, 0, false},
	} {
		if got := taper.FailsOn(c.level, c.breaches, c.warnings); got != c.want {
			t.Errorf("FailsOn(%q, %d, %d) = %v", c.level, c.breaches, c.warnings, got)
		}
	}
}

func TestUnknownAthlete(t *testing.T) {
	ctx := context.Background()
	db := memDB(t)
	for name, err := range map[string]error{
		"activities": func() error {
			_, err := taper.ListActivities(ctx, db, taper.ActivityFilter{Athlete: "bob"})
			return err
		}(),
		"reanalyze": func() error { _, err := taper.Reanalyze(ctx, db, taper.ReanalyzeOptions{Athlete: "bob"}); return err }(),
		"race":      func() error { _, err := taper.ClearRace(ctx, db, taper.RaceOptions{Athlete: "bob"}); return err }(),
		"forget":    func() error { _, err := taper.Forget(ctx, db, taper.ForgetOptions{Athlete: "bob"}); return err }(),
		"files":     func() error { _, err := taper.ListFiles(ctx, db, taper.FileFilter{Athlete: "bob"}); return err }(),
	} {
		var ue *taper.UnknownAthleteError
		if !errors.As(err, &ue) || ue.Athlete != "bob" || !strings.Contains(taper.HintOf(err), "--athlete") {
			t.Errorf("%s: %v, want an *UnknownAthleteError with a hint", name, err)
		}
	}
	_, err := taper.Report(ctx, db, taper.ReportOptions{Athlete: "bob", Settings: standard(t)})
	if !errors.As(err, new(*taper.NoActivitiesError)) {
		t.Errorf("report: %v, want a *NoActivitiesError", err)
	}
}

func TestImportNothing(t *testing.T) {
	ctx := context.Background()
	db := memDB(t)
	empty := t.TempDir()
	_, err := taper.Import(ctx, db, taper.ImportOptions{Athlete: "ada", Inputs: []string{empty}, Settings: standard(t)})
	var nf *taper.NoFilesError
	if !errors.As(err, &nf) || nf.Hint() == "" {
		t.Fatalf("import of an empty folder: %v, want a *NoFilesError with a hint", err)
	}
	if athletes, _ := db.Athletes(ctx); len(athletes) != 0 {
		t.Errorf("an empty import left athletes %v", athletes)
	}
	if _, err := taper.Import(ctx, db, taper.ImportOptions{Athlete: "ada", Inputs: []string{filepath.Join(empty, "nope.fit")}}); err == nil || !strings.Contains(err.Error(), "nope.fit") {
		t.Errorf("import of a missing file: %v", err)
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	dir := seasonFiles(t)
	res, err := taper.Import(context.Background(), nil, taper.ImportOptions{Athlete: "ada", Inputs: []string{dir}, DryRun: true, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if res.Activities == 0 || res.ByStatus[store.StatusImported] != int(res.Files) {
		t.Errorf("dry run: %+v", res)
	}
}

func TestImportInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	db := memDB(t)
	dir := seasonFiles(t)
	n := 0
	_, err := taper.Import(ctx, db, taper.ImportOptions{Athlete: "ada", Inputs: []string{dir}, Settings: standard(t), Now: fixedNow,
		AfterFile: func(files int64) {
			if n++; files == 10 {
				cancel()
			}
		}})
	var ie *taper.InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.Canceled) || ie.Analysing {
		t.Fatalf("cancelled import: %v, want an *InterruptedError during the import", err)
	}
	// What was stored is whole: importing again gives the full season.
	res := importSeason(t, db, dir)
	acts, err := taper.ListActivities(context.Background(), db, taper.ActivityFilter{Athlete: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := os.ReadDir(dir)
	if len(acts) != len(files) {
		t.Errorf("after the interrupted import and another: %d activities of %d files (%v)", len(acts), len(files), res.ByStatus)
	}
}

func TestHintOf(t *testing.T) {
	nf := &taper.NoFilesError{Inputs: []string{"x"}}
	for _, c := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{errors.New("plain"), ""},
		{fmt.Errorf("wrapped: %w", nf), nf.Hint()},
		{errors.Join(errors.New("a"), fmt.Errorf("b: %w", nf)), nf.Hint()},
	} {
		if got := taper.HintOf(c.err); got != c.want {
			t.Errorf("HintOf(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestParseNow(t *testing.T) {
	for in, want := range map[string]string{
		"2026-11-29":                "2026-11-29T12:00:00Z",
		"2026-11-29T06:30:00+01:00": "2026-11-29T06:30:00+01:00",
	} {
		got, err := taper.ParseNow(in)
		if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("ParseNow(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	if _, err := taper.ParseNow("29/11/2026"); err == nil {
		t.Error("ParseNow(29/11/2026) gave no error")
	}
}
