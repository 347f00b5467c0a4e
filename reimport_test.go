package taper

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store"
	"github.com/taper-run/taper/synth"
)

// TestReimportSkipsUnchangedFiles imports a folder, then overwrites every
// file with bytes that are not an activity, keeping each file's size and
// modification time: a re-import that opened the files would reject them,
// one that skips files by (path, size, mtime) counts them as known. A file
// whose modification time or size then changes is read again.
func TestReimportSkipsUnchangedFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	start := time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)
	var acts []*analysis.Activity
	for i := range 3 {
		acts = append(acts, synth.Workout(synth.Spec{Kind: synth.Easy, Start: start.AddDate(0, 0, 2*i), Seed: int64(i + 1)}))
	}
	if err := synth.WriteDir(runs, acts, synth.ExportFIT); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("easy week\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(dir, "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	std, _ := analysis.Preset(analysis.PresetStandard)
	imp := func() *ImportResult {
		t.Helper()
		res, err := Import(ctx, db, ImportOptions{Athlete: "ann", Inputs: []string{runs, filepath.Join(dir, "notes.txt")}, Jobs: 2, Settings: std,
			Now: func() time.Time { return start.AddDate(0, 1, 0) }})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := imp(); res.ByStatus[store.StatusImported] != 3 || res.ByStatus[store.StatusSkipped] != 1 {
		t.Fatalf("first import: %v, want 3 imported, 1 skipped", res.ByStatus)
	}
	var files []string
	filepath.WalkDir(runs, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if len(files) != 3 {
		t.Fatalf("%d files written, want 3", len(files))
	}
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		junk := make([]byte, fi.Size())
		for i := range junk {
			junk[i] = 'x'
		}
		if err := os.WriteFile(f, junk, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(f, fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
	if res := imp(); res.ByStatus[store.StatusDuplicateFile] != 3 || res.ByStatus[store.StatusRejected] != 0 || res.ByStatus[store.StatusSkipped] != 1 {
		t.Errorf("re-import of unchanged files: %v, want the 3 runs known without reading them, the note skipped again", res.ByStatus)
	}
	// One file touched (same size), one grown: both are read again.
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(files[0], later, later); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(files[1], []byte("xxxxxxxx"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := imp()
	if res.ByStatus[store.StatusRejected] != 2 || res.ByStatus[store.StatusDuplicateFile] != 1 || res.ByStatus[store.StatusSkipped] != 1 {
		t.Errorf("re-import after changing two files: %v, want those 2 read (and rejected), 1 known", res.ByStatus)
	}
}

// TestReimportRecordsNewMtime: a file copied again (same bytes, new
// modification time) is read once more, recognised by its hash, and its
// new modification time recorded, so the next import skips it unread.
func TestReimportRecordsNewMtime(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	start := time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)
	a := synth.Workout(synth.Spec{Kind: synth.Easy, Start: start, Seed: 3})
	if err := synth.WriteDir(runs, []*analysis.Activity{a}, synth.ExportFIT); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(dir, "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	std, _ := analysis.Preset(analysis.PresetStandard)
	imp := func() {
		t.Helper()
		if _, err := Import(ctx, db, ImportOptions{Athlete: "ann", Inputs: []string{runs}, Jobs: 1, Settings: std,
			Now: func() time.Time { return start.AddDate(0, 1, 0) }}); err != nil {
			t.Fatal(err)
		}
	}
	imp()
	var file string
	filepath.WalkDir(runs, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			file = p
		}
		return err
	})
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	touched := fi.ModTime().Add(time.Hour)
	if err := os.Chtimes(file, touched, touched); err != nil {
		t.Fatal(err)
	}
	if _, known, _ := db.KnownDiskFile(ctx, "ann", file, fi.Size(), touched); known {
		t.Fatal("a touched file is known before it is read again")
	}
	imp()
	if _, known, _ := db.KnownDiskFile(ctx, "ann", file, fi.Size(), touched); !known {
		t.Error("the touched file's new modification time was not recorded")
	}
	// A fresh handle reads it from the database, not the cache.
	db.Close()
	db2, err := store.Open(ctx, filepath.Join(dir, "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	for _, tt := range []struct {
		mtime time.Time
		size  int64
		want  bool
	}{{touched, fi.Size(), true}, {fi.ModTime(), fi.Size(), false}, {touched, fi.Size() + 1, false}} {
		if _, known, err := db2.KnownDiskFile(ctx, "ann", file, tt.size, tt.mtime); err != nil || known != tt.want {
			t.Errorf("KnownDiskFile(size %d, mtime %s) = %v, %v; want %v", tt.size, tt.mtime, known, err, tt.want)
		}
	}
}

// TestReimportAnalysesOnlyWhenNeeded: a re-import that brings nothing new
// loads no activity (the stored analysis is current); after an import
// interrupted before its analysis (an activity left with the preliminary
// metrics the import stores), or with other settings, the re-import
// analyses again.
func TestReimportAnalysesOnlyWhenNeeded(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	start := time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)
	var acts []*analysis.Activity
	for i := range 3 {
		acts = append(acts, synth.Workout(synth.Spec{Kind: synth.Tempo, Start: start.AddDate(0, 0, 2*i), Seed: int64(i + 1)}))
	}
	if err := synth.WriteDir(dir, acts, synth.ExportFIT); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, "", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	std, _ := analysis.Preset(analysis.PresetStandard)
	std.ThresholdPace = 330 // 5:30 a km: the tempo runs are tempo
	imp := func(s analysis.Settings) *ImportResult {
		t.Helper()
		res, err := Import(ctx, db, ImportOptions{Athlete: "ann", Inputs: []string{dir}, Jobs: 2, Settings: s,
			Now: func() time.Time { return start.AddDate(0, 1, 0) }})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	analysed := func() []*analysis.Activity {
		t.Helper()
		got, err := db.Activities(ctx, store.Filter{Athlete: "ann"})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range got {
			if a.Metrics == nil || a.Metrics.Version != analysis.AnalysisVersion || a.Metrics.Class == "" {
				t.Fatalf("%s: metrics %+v, want a current analysis with a class", a.ID, a.Metrics)
			}
		}
		return got
	}
	imp(std)
	stored := analysed()
	if len(stored) != 3 || stored[0].Metrics.Class != analysis.ClassTempo {
		t.Fatalf("%d activities, the first %q, want 3, tempo", len(stored), stored[0].Metrics.Class)
	}

	before := db.ActivitiesRead()
	imp(std)
	if n := db.ActivitiesRead() - before; n != 0 {
		t.Errorf("a re-import bringing nothing new loaded %d activities, want none", n)
	}

	// Interrupted before its analysis: the import had stored only the
	// preliminary metrics of the first run.
	first := stored[0]
	if err := db.SaveMetrics(ctx, map[string]*analysis.Metrics{first.ID: {MovingTime: first.Metrics.MovingTime, Distance: first.Metrics.Distance}}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Unanalysed(ctx, "ann", analysis.AnalysisVersion); err != nil || n != 1 {
		t.Fatalf("Unanalysed = %d, %v; want 1", n, err)
	}
	goroutines := runtime.NumGoroutine()
	imp(std)
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > goroutines && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > goroutines {
		t.Errorf("%d goroutines after the import, %d before: some outlive it", n, goroutines)
	}
	if again := analysed(); again[0].Metrics.Class != first.Metrics.Class || again[0].Metrics.Evidence != first.Metrics.Evidence {
		t.Errorf("re-analysed after an interruption: %q (%s), want %q (%s)", again[0].Metrics.Class, again[0].Metrics.Evidence,
			first.Metrics.Class, first.Metrics.Evidence)
	}

	// Other settings (a threshold pace that makes no run tempo): analysed
	// again although no file is new.
	slow := std
	slow.ThresholdPace = 200 // 3:20 a km
	if res := imp(slow); res.SettingsChanged != "threshold_pace 5:30/km -> 3:20/km" {
		t.Errorf("SettingsChanged = %q, want threshold_pace 5:30/km -> 3:20/km", res.SettingsChanged)
	}
	for _, a := range analysed() {
		if a.Metrics.Class == analysis.ClassTempo {
			t.Errorf("%s still tempo after the threshold pace changed: %s", a.ID, a.Metrics.Evidence)
		}
	}
	if fp, _, _ := db.AnalysisSettings(ctx, "ann"); fp != settingsFingerprint(slow) {
		t.Errorf("the analysis settings recorded are not the new ones")
	}
}

// TestImportAnalysesWhileItRuns imports a season whose files come in date
// order, and the same season named so that they come in reverse: in date
// order the import's analyses made while it ran are kept (all but the
// race's, which only the whole history names); in reverse, those made
// before the runs of the 12 months before them were in (their observed
// HRmax) are redone after the files. Either way every activity ends as
// taper reanalyze leaves it.
func TestImportAnalysesWhileItRuns(t *testing.T) {
	ctx := context.Background()
	season := synth.Season{Athlete: "ann", RaceDate: time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC), Seed: 4, PreWeeks: 20}
	var acts []*analysis.Activity
	for _, p := range season.Plan() {
		acts = append(acts, synth.Workout(p.Spec))
	}
	std, _ := analysis.Preset(analysis.PresetStandard)
	for _, tt := range []struct {
		name     string
		reversed bool
	}{{"date order", false}, {"reverse order", true}} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for i, a := range acts {
				n := i
				if tt.reversed {
					n = len(acts) - 1 - i
				}
				f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%04d.fit", n)))
				if err != nil {
					t.Fatal(err)
				}
				if err := synth.WriteFIT(f, a); err != nil {
					t.Fatal(err)
				}
				f.Close()
			}
			db, err := store.Open(ctx, "", store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			now := func() time.Time { return season.RaceDate.AddDate(0, 3, 0) }
			res, err := Import(ctx, db, ImportOptions{Athlete: "ann", Inputs: []string{dir}, Jobs: 2, Settings: std, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			during := res.analysis.DuringImport
			switch {
			case !tt.reversed && during < len(acts)-1:
				t.Errorf("%d of %d activities analysed during the import, want all but the race", during, len(acts))
			case tt.reversed && during >= len(acts)-1:
				t.Errorf("in reverse order all %d analyses made during the import were kept: the check shows nothing", during)
			}
			imported := storedMetrics(t, db, "ann")
			if len(imported) != len(acts) {
				t.Fatalf("%d activities stored, want %d", len(imported), len(acts))
			}
			checkAsReanalyzed(t, db, ReanalyzeOptions{Athlete: "ann", Settings: std, Now: now}, imported, "after the import")
		})
	}
}

// stoppedImport imports a season up to six weeks before its marathon,
// then stores the rest (the marathon among it) as an import that stopped
// after its files and before its analysis: the files stored as the import
// stores them, the analysis marked pending. It returns the database, the
// stopped import's options and a check that every activity's analysis is
// what taper reanalyze gives it.
//
// With after, the first import holds the weeks after the marathon instead
// (imported first, out of order) and the stopped one the rest.
func stoppedImport(t *testing.T, after bool) (*store.DB, ImportOptions, func()) {
	t.Helper()
	ctx := context.Background()
	season := synth.Season{Athlete: "ann", RaceDate: time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC), Seed: 8, PreWeeks: 16}
	early, late := t.TempDir(), t.TempDir()
	for i, p := range season.Plan() {
		dir := early
		if p.Spec.Start.After(season.RaceDate.AddDate(0, 0, -42)) {
			dir = late // the last six weeks, the race and after
		}
		if after {
			dir = late
			if p.Spec.Start.After(season.RaceDate.AddDate(0, 0, 1)) {
				dir = early // imported first: the weeks after the race
			}
		}
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%04d.fit", i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := synth.WriteFIT(f, synth.Workout(p.Spec)); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	db, err := store.Open(ctx, "", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	std, _ := analysis.Preset(analysis.PresetStandard)
	now := func() time.Time { return season.RaceDate.AddDate(0, 3, 0) }
	o := ImportOptions{Athlete: "ann", Inputs: []string{early}, Jobs: 2, Settings: std, Now: now}
	if _, err := Import(ctx, db, o); err != nil {
		t.Fatal(err)
	}
	o.Inputs = []string{late}
	if err := db.MarkAnalysisPending(ctx, "ann"); err != nil {
		t.Fatal(err)
	}
	if _, err := importFiles(ctx, db, o, nil); err != nil {
		t.Fatal(err)
	}
	check := func() {
		t.Helper()
		if fp, _, _ := db.AnalysisSettings(ctx, "ann"); fp == store.AnalysisPending {
			t.Error("the analysis is still marked pending")
		}
		checkAsReanalyzed(t, db, ReanalyzeOptions{Athlete: "ann", Settings: std, Now: now}, storedMetrics(t, db, "ann"), "as left")
	}
	return db, o, check
}

// TestImportResumesAfterStopping: an import that stopped after storing its
// files and before its analysis is finished by the next import of the same
// files, which analyses every activity again: the runs before the marathon
// it brought get that marathon's pace, as taper reanalyze gives them,
// although no file is new.
func TestImportResumesAfterStopping(t *testing.T) {
	db, o, check := stoppedImport(t, false)
	before := runtime.NumGoroutine()
	res, err := Import(context.Background(), db, o)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Resumed || res.ByStatus[store.StatusImported] != 0 {
		t.Errorf("resumed %v, %d files imported; want the stopped import finished, no file new", res.Resumed, res.ByStatus[store.StatusImported])
	}
	check()
	// No goroutine outlives the import (an analysis started after the
	// files once left the speculator's workers running).
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after the import, %d before", n, before)
	}
}

// TestRaceAfterAStoppedImport: a race mark set after an import that stopped
// before its analysis redoes every activity, as the import would have.
func TestRaceAfterAStoppedImport(t *testing.T) {
	db, o, check := stoppedImport(t, false)
	if _, err := SetRace(context.Background(), db, RaceOptions{Athlete: "ann", Date: "2026-10-04", Settings: o.Settings, Now: o.Now}); err != nil {
		t.Fatal(err)
	}
	check()
}

// TestNoActivityLeavesNothingPending: an import of files without activities
// (a Garmin export holding monitoring files only) stores no activity and
// leaves the athlete's analysis as it was, not marked pending.
func TestNoActivityLeavesNothingPending(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := synth.Workout(synth.Spec{Kind: synth.Easy, Start: time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC), Seed: 1})
	if err := synth.WriteDir(filepath.Join(dir, "run"), []*analysis.Activity{a}, synth.ExportFIT); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "monitoring.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.WriteGarminExport(f, nil, 3); err != nil {
		t.Fatal(err)
	}
	f.Close()
	db, err := store.Open(ctx, "", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	std, _ := analysis.Preset(analysis.PresetStandard)
	if _, err := Import(ctx, db, ImportOptions{Athlete: "ann", Inputs: []string{filepath.Join(dir, "run")}, Jobs: 1, Settings: std}); err != nil {
		t.Fatal(err)
	}
	Import(ctx, db, ImportOptions{Athlete: "ann", Inputs: []string{filepath.Join(dir, "monitoring.zip")}, Jobs: 1, Settings: std})
	if fp, _, err := db.AnalysisSettings(ctx, "ann"); err != nil || fp != settingsFingerprint(std) {
		t.Errorf("fingerprint %q, %v after importing no activity; want the analysis's %q", fp, err, settingsFingerprint(std))
	}
}

// TestTwoPlatformsOneAthlete: the same season from Strava's export, then
// from Garmin's, into one athlete: the second brings better recordings of
// the same runs and a higher observed HRmax; every activity, duplicates
// included (their own zones and TRIMP), ends as taper reanalyze leaves it.
func TestTwoPlatformsOneAthlete(t *testing.T) {
	ctx := context.Background()
	season := synth.Season{Athlete: "ann", RaceDate: time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC), Seed: 5,
		Breaches: synth.Breaches{RunsDuringRest: true, SpeedWorkInReturn: true, RampTooSteep: true, TwoIntervalsInWeek: true, LongRunEarly: true}}
	var inputs []string
	for _, style := range []string{"strava", "garmin"} {
		in, _, err := synth.WriteExport(filepath.Join(t.TempDir(), style), season, style, synth.ExportOptions{Now: season.RaceDate.AddDate(0, 2, 0)})
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, in)
	}
	db, err := store.Open(ctx, "", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	std, _ := analysis.Preset(analysis.PresetStandard)
	now := func() time.Time { return season.RaceDate.AddDate(0, 2, 0) }
	for _, in := range inputs {
		if _, err := Import(ctx, db, ImportOptions{Athlete: "ann", Inputs: []string{in}, Jobs: 2, Settings: std, Now: now}); err != nil {
			t.Fatal(err)
		}
	}
	checkAsReanalyzed(t, db, ReanalyzeOptions{Athlete: "ann", Settings: std, Now: now}, storedMetrics(t, db, "ann"), "after the two imports")
}

// TestReportAfterAStoppedImport: a report made after an import that
// stopped before its analysis (read-only: nothing is stored) is the one
// made after taper reanalyze, also when the recovery weeks were imported
// before that import brought the marathon.
func TestReportAfterAStoppedImport(t *testing.T) {
	db, o, _ := stoppedImport(t, true)
	ctx := context.Background()
	report := func() string {
		t.Helper()
		rep, err := Report(ctx, db, ReportOptions{Athlete: "ann", Settings: o.Settings, Now: o.Now})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	stopped := report()
	if _, err := Reanalyze(ctx, db, ReanalyzeOptions{Athlete: "ann", Settings: o.Settings, Now: o.Now}); err != nil {
		t.Fatal(err)
	}
	if want := report(); stopped != want {
		t.Errorf("report after the stopped import differs from the one after taper reanalyze:\n%s\n%s", stopped, want)
	}
}

// TestActivitiesAfterAStoppedImport lists the activities, and shows one,
// after an import stopped before its analysis: with the athlete's settings
// they show the classes taper reanalyze then stores, not the stale or
// preliminary ones (without settings, the stored ones are listed).
func TestActivitiesAfterAStoppedImport(t *testing.T) {
	db, o, _ := stoppedImport(t, true)
	ctx := context.Background()
	describe := func(acts []*analysis.Activity) map[string]string {
		out := map[string]string{}
		for _, a := range acts {
			out[a.ID] = "no analysis"
			if m := a.Metrics; m != nil {
				out[a.ID] = fmt.Sprintf("%s %s %s trimp %.4f", m.Class, m.ClassSource, m.Evidence, m.TRIMP)
			}
		}
		return out
	}
	list := func(s *analysis.Settings) map[string]string {
		t.Helper()
		acts, err := ListActivities(ctx, db, ActivityFilter{Athlete: "ann", Settings: s, Now: o.Now})
		if err != nil {
			t.Fatal(err)
		}
		return describe(acts)
	}
	stored, fresh := list(nil), list(&o.Settings)
	// One activity through AnalysedActivity: the first whose stored
	// analysis is stale.
	var stale string
	for id := range fresh {
		if stored[id] != fresh[id] && (stale == "" || id < stale) {
			stale = id
		}
	}
	if stale == "" {
		t.Fatal("no activity's stored analysis is stale after the stopped import: the test shows nothing")
	}
	one, err := AnalysedActivity(ctx, db, "ann", stale, false, o.Settings, o.Now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Reanalyze(ctx, db, ReanalyzeOptions{Athlete: "ann", Settings: o.Settings, Now: o.Now}); err != nil {
		t.Fatal(err)
	}
	want := list(nil)
	for id, w := range want {
		if fresh[id] != w {
			t.Errorf("%s listed after the stopped import: %s\nafter taper reanalyze: %s", id, fresh[id], w)
		}
	}
	if got := describe([]*analysis.Activity{one})[stale]; got != want[stale] {
		t.Errorf("activity %s after the stopped import: %s\nafter taper reanalyze: %s", stale, got, want[stale])
	}
}

// storedMetrics describes the stored analysis of every activity of athlete,
// duplicates included, by id.
func storedMetrics(t *testing.T, db *store.DB, athlete string) map[string]string {
	t.Helper()
	got, err := db.Activities(context.Background(), store.Filter{Athlete: athlete, IncludeDuplicates: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range got {
		if m := a.Metrics; m != nil {
			out[a.ID] = fmt.Sprintf("%d %s %s %s hrmax %.1f trimp %.4f zones %.0f", m.Version, m.Class, m.ClassSource, m.Evidence, m.HRMax, m.TRIMP, m.ZoneSeconds)
		} else {
			out[a.ID] = "no analysis"
		}
	}
	return out
}

// checkAsReanalyzed runs taper reanalyze (o) and reports every activity
// whose stored analysis before it (storedMetrics) differs from after it.
func checkAsReanalyzed(t *testing.T, db *store.DB, o ReanalyzeOptions, before map[string]string, when string) {
	t.Helper()
	if _, err := Reanalyze(context.Background(), db, o); err != nil {
		t.Fatal(err)
	}
	for id, want := range storedMetrics(t, db, o.Athlete) {
		if before[id] != want {
			t.Errorf("%s %s:\n%s\nafter taper reanalyze:\n%s", id, when, before[id], want)
		}
	}
}
