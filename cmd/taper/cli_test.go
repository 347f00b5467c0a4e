package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taper-run/taper/synth"
)

func testdata(name string) string { return filepath.Join("..", "..", "testdata", name) }

// TestImportContract checks the public contract of import, activities,
// imports and sql on the project's own generated files: exit statuses,
// the JSON fields of `taper activities`, idempotent re-imports and the
// listing of rejected files.
func TestImportContract(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "c.duckdb")
	bad := filepath.Join(dir, "broken.fit")
	// A FIT header that promises 40,960 bytes of data, then ends.
	hdr := []byte{14, 0x20, 0x9c, 0x08, 0x00, 0xa0, 0x00, 0x00, '.', 'F', 'I', 'T', 0, 0}
	if err := os.WriteFile(bad, hdr, 0o644); err != nil {
		t.Fatal(err)
	}
	notes := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notes, []byte("not an activity"), 0o644); err != nil {
		t.Fatal(err)
	}
	inputs := []string{testdata("easy_autolaps.fit"), testdata("intervals_6x800_workout.fit"), testdata("ride_road.fit"), bad, notes}

	code, out, errOut := runTaper(t, append([]string{"import", "--db", db, "--athlete", "ann", "-q"}, inputs...)...)
	if code != exitFindings {
		t.Fatalf("import with a broken file: exit %d, want %d\n%s%s", code, exitFindings, out, errOut)
	}
	if !strings.Contains(out, "broken.fit: truncated") || !strings.Contains(strings.Join(strings.Fields(out), " "), "rejected 1") {
		t.Errorf("summary does not name the rejected file:\n%s", out)
	}

	// Idempotent: the same files again store nothing new.
	code, out, _ = runTaper(t, append([]string{"import", "--db", db, "--athlete", "ann", "-q"}, inputs[:3]...)...)
	if code != exitOK || !strings.Contains(strings.Join(strings.Fields(out), " "), "already imported 3 files") {
		t.Errorf("re-import: exit %d\n%s", code, out)
	}

	js := mustTaper(t, "activities", "--db", db, "--athlete", "ann", "--format", "json")
	var acts []map[string]any
	if err := json.Unmarshal([]byte(js), &acts); err != nil {
		t.Fatalf("activities json: %v\n%s", err, js)
	}
	if len(acts) != 3 {
		t.Fatalf("%d activities, want 3:\n%s", len(acts), js)
	}
	for _, f := range []string{"id", "athlete", "sport", "sub_sport", "start", "local_date", "utc_offset_s", "distance_m",
		"moving_time_s", "elapsed_time_s", "avg_hr", "source", "duplicate_of", "class", "evidence"} {
		if _, ok := acts[0][f]; !ok {
			t.Errorf("activities json lacks field %q", f)
		}
	}
	classes := map[string]string{}
	for _, a := range acts {
		classes[filepath.Base(a["source"].(string))] = a["class"].(string)
	}
	if classes["intervals_6x800_workout.fit"] != "interval" || classes["easy_autolaps.fit"] != "easy" || classes["ride_road.fit"] != "" {
		t.Errorf("classes = %v", classes)
	}

	out = mustTaper(t, "imports", "--db", db, "--rejected", "--format", "csv")
	if !strings.Contains(out, "broken.fit") || strings.Count(out, "\n") != 2 {
		t.Errorf("imports --rejected:\n%s", out)
	}
	out = mustTaper(t, "sql", "--db", db, "--format", "csv", "SELECT sport, count(*) AS n FROM activities GROUP BY 1 ORDER BY 1")
	if out != "sport,n\ncycling,1\nrunning,2\n" {
		t.Errorf("sql:\n%s", out)
	}
	if code, _, errOut := runTaper(t, "sql", "--db", db, "DROP TABLE activities"); code != exitError || !strings.Contains(errOut, "taper:") {
		t.Errorf("sql DROP: exit %d, %s", code, errOut)
	}
}

func TestExitStatuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"unknown flag", []string{"report", "--bogus"}, exitUsage, "unknown flag"},
		{"unknown command", []string{"frobnicate"}, exitUsage, "unknown command"},
		{"bad format", []string{"report", "--format", "pdf"}, exitUsage, "unknown --format"},
		{"bad fail-on", []string{"audit", "--fail-on", "sometimes"}, exitUsage, "--fail-on"},
		{"import nothing", []string{"import"}, exitUsage, "give the files, folders or export zips"},
		{"missing input", []string{"import", "--db", filepath.Join(dir, "x.duckdb"), filepath.Join(dir, "nope.fit")}, exitError, "nope.fit: no such file"},
		{"empty folder", []string{"import", "--db", filepath.Join(dir, "x.duckdb"), t.TempDir()}, exitError, "no files found"},
		{"no database", []string{"report", "--db", filepath.Join(dir, "none.duckdb")}, exitError, "does not exist"},
		{"race in the future", []string{"generate", "--dir", filepath.Join(dir, "gen"), "--race", "2026-10-11", "--now", "2026-10-01"}, exitUsage, "--race 2026-10-11 is after today (2026-10-01)"},
		{"blank athlete", []string{"report", "--athlete", " "}, exitUsage, "is empty"},
		{"athlete with a slash", []string{"import", "--db", filepath.Join(dir, "x.duckdb"), "--athlete", "a/b", filepath.Join(dir, "nope.fit")}, exitUsage, `bad athlete name "a/b"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runTaper(t, c.args...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Errorf("taper %v: exit %d, stderr %q; want exit %d and %q", c.args, code, errOut, c.code, c.want)
			}
		})
	}
}

// TestFailOn: report and audit exit 3 when --fail-on is met, 0 otherwise.
func TestFailOn(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "f.duckdb")
	mustTaper(t, "generate", "--dir", filepath.Join(dir, "eve"), "--athlete", "eve", "--breach", "long_run_early", "--seed", "3", "--race", "2026-10-04")
	mustTaper(t, "import", "--db", db, "--athlete", "eve", "-q", filepath.Join(dir, "eve"))
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"report", "--db", db, "--athlete", "eve", "--as-of", "2026-11-29"}, exitOK},
		{[]string{"report", "--db", db, "--athlete", "eve", "--as-of", "2026-11-29", "--fail-on", "breach"}, exitOK},
		{[]string{"report", "--db", db, "--athlete", "eve", "--as-of", "2026-11-29", "--fail-on", "warning"}, exitFindings},
		{[]string{"audit", "--db", db, "--as-of", "2026-11-29", "--fail-on", "warning", "--format", "csv"}, exitFindings},
		// Eight weeks over: a nightly cron job stops failing on that recovery.
		{[]string{"audit", "--db", db, "--as-of", "2027-06-01", "--fail-on", "warning", "--format", "csv"}, exitOK},
	} {
		code, out, errOut := runTaper(t, c.args...)
		if code != c.code {
			t.Errorf("taper %v: exit %d, want %d\n%s%s", c.args, code, c.code, out, errOut)
		}
	}
}

// TestDemo runs the README's first command and checks that its report
// shows the race, the baseline and a finding of every rule.
func TestDemo(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates and imports a season; run without -short")
	}
	dir := t.TempDir()
	// On a fixed clock: the race is the last Sunday whose eight recovery
	// weeks are over on 2026-12-07 (a Monday), whatever today is.
	out := mustTaper(t, "demo", "--now", "2026-12-07", "--dir", filepath.Join(dir, "files"), "--db", filepath.Join(dir, "demo.duckdb"), "-q")
	for _, want := range append([]string{"race      2026-10-11", "as of 2026-12-06", "baseline  ", "findings"}, synth.PlantableRules()...) {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}

// TestRaceMarkSurvivesDuplicate: a race marked by the id of the phone's
// recording still counts when the watch's FIT, imported later, becomes the
// primary and the marked recording its duplicate.
func TestRaceMarkSurvivesDuplicate(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates and imports a season; run without -short")
	}
	dir := t.TempDir()
	files := filepath.Join(dir, "files")
	db := filepath.Join(dir, "r.duckdb")
	mustTaper(t, "generate", "--dir", files, "--athlete", "rob", "--double", "--seed", "5", "--race", "2026-10-04")
	gpx, _ := filepath.Glob(filepath.Join(files, "*.gpx"))
	fit, _ := filepath.Glob(filepath.Join(files, "*.fit"))
	if len(gpx) == 0 || len(fit) == 0 {
		t.Fatalf("generated %d gpx and %d fit files", len(gpx), len(fit))
	}
	mustTaper(t, append([]string{"import", "--db", db, "--athlete", "rob", "-q"}, gpx...)...)
	ids := mustTaper(t, "sql", "--db", db, "--format", "csv", "SELECT id FROM activities WHERE local_date = DATE '2026-10-04' AND sport = 'running'")
	lines := strings.Split(strings.TrimSpace(ids), "\n")
	if len(lines) != 2 {
		t.Fatalf("race-day runs:\n%s", ids)
	}
	mustTaper(t, "race", "--db", db, "--athlete", "rob", "--activity", lines[1])
	mustTaper(t, append([]string{"import", "--db", db, "--athlete", "rob", "-q"}, fit...)...)
	dup := mustTaper(t, "sql", "--db", db, "--format", "csv", "SELECT duplicate_of IS NOT NULL AS d FROM activities WHERE id = '"+lines[1]+"'")
	if dup != "d\ntrue\n" {
		t.Fatalf("the marked phone recording is not a duplicate after the FIT import:\n%s", dup)
	}
	var rep jsonReport
	js := mustTaper(t, "report", "--db", db, "--athlete", "rob", "--as-of", "2026-11-29", "--format", "json")
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Race == nil || rep.Race.Date != "2026-10-04" || rep.Race.ActivityID == lines[1] {
		t.Fatalf("race = %+v; want the primary of the marked recording on 2026-10-04", rep.Race)
	}
}

// TestImportAnalysisMatchesReanalyze: what an import stores (classified in
// the decoders before the race and the HRmax were known, then brought up to
// date) equals a full reanalysis from the stored records.
func TestImportAnalysisMatchesReanalyze(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates and imports a season; run without -short")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "a.duckdb")
	mustTaper(t, "generate", "--dir", filepath.Join(dir, "files"), "--athlete", "ida", "--breach", "all", "--seed", "9", "--race", "2026-10-04")
	mustTaper(t, "import", "--db", db, "--athlete", "ida", "-q", filepath.Join(dir, "files"))
	q := `SELECT activity_id, class, class_source, evidence, hr_max_used, round(trimp, 6) AS trimp,
		round(zone1_s) AS z1, round(zone2_s) AS z2, round(zone3_s) AS z3, round(zone4_s) AS z4, round(zone5_s) AS z5
		FROM analyses ORDER BY activity_id`
	imported := mustTaper(t, "sql", "--db", db, "--format", "csv", q)
	mustTaper(t, "reanalyze", "--db", db, "--athlete", "ida")
	full := mustTaper(t, "sql", "--db", db, "--format", "csv", q)
	if imported != full {
		il, fl := strings.Split(imported, "\n"), strings.Split(full, "\n")
		for i := range min(len(il), len(fl)) {
			if il[i] != fl[i] {
				t.Errorf("first difference, line %d:\nimport:     %s\nreanalysis: %s", i, il[i], fl[i])
				break
			}
		}
	}
	if n := strings.Count(full, "\n"); n < 90 {
		t.Fatalf("only %d analyses", n)
	}
	if !strings.Contains(full, ",race,") {
		t.Errorf("no race among the analyses")
	}
}

// TestConfigSectionForUnknownAthlete: a settings section whose name matches
// no athlete (a typo) is reported, not silently ignored.
func TestConfigSectionForUnknownAthlete(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	mustTaper(t, "import", "--db", db, "--athlete", "alice", "-q", testdata("easy_autolaps.fit"))
	if err := os.WriteFile(filepath.Join(dir, "taper.toml"), []byte("[athlete.alcie]\nrest_days = 12\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, errOut := runTaper(t, "audit", "--db", db, "--as-of", "2026-11-29")
	if !strings.Contains(errOut, "[athlete.alcie] matches no athlete") {
		t.Errorf("no warning about the unknown athlete section; stderr:\n%s", errOut)
	}
}

// TestTwoSeasonsAnalysisStable: with two marathons in the history, each run
// is judged against the race it leads up to (else the one before it), so
// importing season after season stores exactly what a full reanalysis gives.
func TestTwoSeasonsAnalysisStable(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates and imports two seasons; run without -short")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "two.duckdb")
	mustTaper(t, "generate", "--dir", filepath.Join(dir, "spring"), "--athlete", "m", "--race", "2026-04-26", "--seed", "11")
	mustTaper(t, "generate", "--dir", filepath.Join(dir, "autumn"), "--athlete", "m", "--race", "2026-10-04", "--seed", "12", "--style", "gpx")
	mustTaper(t, "import", "--db", db, "--athlete", "m", "-q", filepath.Join(dir, "spring"))
	mustTaper(t, "import", "--db", db, "--athlete", "m", "-q", filepath.Join(dir, "autumn"))
	q := "SELECT activity_id, class, evidence FROM analyses ORDER BY activity_id"
	before := mustTaper(t, "sql", "--db", db, "--format", "csv", q)
	out := mustTaper(t, "reanalyze", "--db", db, "--athlete", "m")
	if !strings.Contains(out, " 0 changed class") {
		t.Errorf("reanalyze changed classes after two imports: %s", out)
	}
	if after := mustTaper(t, "sql", "--db", db, "--format", "csv", q); after != before {
		t.Errorf("classes or evidence differ between import and reanalysis")
	}
	// The spring report judges the spring race's window.
	var rep jsonReport
	if err := json.Unmarshal([]byte(mustTaper(t, "report", "--db", db, "--athlete", "m", "--as-of", "2026-06-21", "--format", "json")), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Race == nil || rep.Race.Date != "2026-04-26" || len(rep.Findings) != 0 {
		t.Errorf("spring report: race %+v, %d findings; want the 2026-04-26 race and none", rep.Race, len(rep.Findings))
	}
}

// TestWrongAthleteImport: files already imported for another athlete are
// pointed out, and taper forget undoes the import.
func TestWrongAthleteImport(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "w.duckdb")
	files := []string{testdata("easy_autolaps.fit"), testdata("tempo_intensity.fit")}
	mustTaper(t, append([]string{"import", "--db", db, "--athlete", "ann", "-q"}, files...)...)
	out := mustTaper(t, append([]string{"import", "--db", db, "--athlete", "ben"}, files...)...)
	if !strings.Contains(out, "2 of these files were imported for athlete ann before") {
		t.Errorf("no warning about ann's files:\n%s", out)
	}
	if code, out, _ := runTaper(t, "forget", "--db", db, "--athlete", "ben"); code != exitUsage || !strings.Contains(out, "Would delete athlete ben") {
		t.Errorf("forget without --yes: exit %d\n%s", code, out)
	}
	mustTaper(t, "forget", "--db", db, "--athlete", "ben", "--yes")
	got := mustTaper(t, "sql", "--db", db, "--format", "csv", "SELECT athlete, count(*) AS n FROM activities GROUP BY 1")
	if got != "athlete,n\nann,2\n" {
		t.Errorf("after forget ben:\n%s", got)
	}
	// ben's own files can be imported again from scratch.
	out = mustTaper(t, "import", "--db", db, "--athlete", "ben", testdata("easy_garmin.gpx"))
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "imported 1 file with") {
		t.Errorf("re-import for ben:\n%s", out)
	}
}

// TestHelpFitsIn80Columns: every command's help, and taper rules, fit a
// terminal of 80 columns.
func TestHelpFitsIn80Columns(t *testing.T) {
	t.Parallel()
	root := newRootCmd(&globalOptions{}, &streams{})
	runs := [][]string{{"--help"}, {"rules", "--db", ""}}
	for _, c := range root.Commands() {
		runs = append(runs, []string{c.Name(), "--help"})
	}
	for _, args := range runs {
		_, out, _ := runTaper(t, args...)
		if out == "" {
			t.Errorf("taper %v printed nothing", args)
		}
		for _, line := range strings.Split(out, "\n") {
			if n := len([]rune(line)); n > 80 {
				t.Errorf("taper %v: a line of %d columns: %q", args, n, line)
			}
		}
	}
}
