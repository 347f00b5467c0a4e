package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/taper-run/taper/store"
)

// edgesDB imports a few of the project's files for athlete ann.
func edgesDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "e.duckdb")
	mustTaper(t, "import", "--db", db, "--athlete", "ann", "-q", testdata("easy_autolaps.fit"),
		testdata("intervals_6x800_workout.fit"), testdata("ride_road.fit"), testdata("marathon_race.fit"))
	return db
}

// TestCLIConsistency: the command line's edges (issue 12).
func TestCLIConsistency(t *testing.T) {
	db := edgesDB(t)
	usage := func(t *testing.T, want string, args ...string) string {
		t.Helper()
		code, out, errOut := runTaper(t, args...)
		if code != exitUsage || !strings.Contains(errOut, want) {
			t.Errorf("taper %s: exit %d, stderr %q; want exit %d saying %q\n%s", strings.Join(args, " "), code, errOut, exitUsage, want, out)
		}
		return errOut
	}
	t.Run("sport validated, case-insensitive", func(t *testing.T) {
		errOut := usage(t, `unknown --sport "run": use one of running, cycling`, "activities", "--db", db, "--athlete", "ann", "--sport", "run")
		if !strings.Contains(errOut, "Run 'taper activities --help' for usage.") {
			t.Errorf("usage error does not name the subcommand: %q", errOut)
		}
		out := mustTaper(t, "activities", "--db", db, "--athlete", "ann", "--sport", "Running")
		if strings.Count(out, " run ") != 3 || strings.Contains(out, "ride") {
			t.Errorf("--sport Running:\n%s", out)
		}
	})
	t.Run("reversed range", func(t *testing.T) {
		usage(t, "--since 2026-10-05 is after --until 2026-10-01", "activities", "--db", db, "--athlete", "ann", "--since", "2026-10-05", "--until", "2026-10-01")
	})
	t.Run("impossible date", func(t *testing.T) {
		usage(t, "February 2026 has 28 days", "activities", "--db", db, "--athlete", "ann", "--since", "2026-02-30")
		usage(t, "February 2026 has 28 days", "report", "--db", db, "--athlete", "ann", "--as-of", "2026-02-30")
	})
	t.Run("as-of words", func(t *testing.T) {
		for _, w := range []string{"today", "yesterday", "monday", "Sun"} {
			mustTaper(t, "report", "--db", db, "--athlete", "ann", "--as-of", w)
		}
		usage(t, `"someday" is not a date`, "report", "--db", db, "--athlete", "ann", "--as-of", "someday")
	})
	t.Run("activities table fits 80 columns", func(t *testing.T) {
		out := mustTaper(t, "activities", "--db", db, "--athlete", "ann")
		for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
			if n := len([]rune(line)); n > 80 {
				t.Errorf("%d columns: %q", n, line)
			}
		}
	})
	t.Run("floats rounded to the measurement", func(t *testing.T) {
		js := mustTaper(t, "activities", "--db", db, "--athlete", "ann", "--format", "json")
		if m := regexp.MustCompile(`\d\.\d{4,}`).FindString(js); m != "" {
			t.Errorf("activities json holds %s", m)
		}
	})
	t.Run("damaged files marked", func(t *testing.T) {
		b, err := os.ReadFile(testdata("easy_autolaps.fit"))
		if err != nil {
			t.Fatal(err)
		}
		trunc := filepath.Join(t.TempDir(), "trunc.fit")
		if err := os.WriteFile(trunc, b[:3000], 0o644); err != nil {
			t.Fatal(err)
		}
		db2 := filepath.Join(t.TempDir(), "d.duckdb")
		runTaper(t, "import", "--db", db2, "--athlete", "ann", "-q", trunc)
		if out := mustTaper(t, "activities", "--db", db2, "--athlete", "ann"); !strings.Contains(out, "damaged") {
			t.Errorf("the truncated copy is not marked:\n%s", out)
		}
	})
	t.Run("-o takes the format from the extension", func(t *testing.T) {
		html := filepath.Join(t.TempDir(), "ann.html")
		mustTaper(t, "report", "--db", db, "--athlete", "ann", "-o", html)
		b, _ := os.ReadFile(html)
		if !strings.HasPrefix(string(b), "<!DOCTYPE html>") {
			t.Errorf("ann.html holds %.40q", b)
		}
		usage(t, "--format text contradicts -o", "report", "--db", db, "--athlete", "ann", "--format", "text", "-o", html)
		js := filepath.Join(t.TempDir(), "team.json")
		mustTaper(t, "audit", "--db", db, "-o", js)
		if b, _ := os.ReadFile(js); !strings.HasPrefix(string(b), "{") {
			t.Errorf("team.json holds %.40q", b)
		}
	})
}

// TestCLIConsistencyMore: imports, rules and the import summary (issue 12).
func TestCLIConsistencyMore(t *testing.T) {
	db := edgesDB(t)
	mustTaper(t, "import", "--db", db, "--athlete", "bob", "-q", testdata("tempo_intensity.fit"))
	t.Run("imports --status validated", func(t *testing.T) {
		code, _, errOut := runTaper(t, "imports", "--db", db, "--status", "bogus")
		if code != exitUsage || !strings.Contains(errOut, `unknown --status "bogus"`) {
			t.Errorf("exit %d: %s", code, errOut)
		}
	})
	t.Run("imports --athlete default is an athlete", func(t *testing.T) {
		if code, out, errOut := runTaper(t, "imports", "--db", db, "--athlete", "default", "--format", "csv"); code != exitError || !strings.Contains(errOut, `no athlete "default"`) {
			t.Errorf("--athlete default (no such athlete): exit %d\n%s%s", code, out, errOut)
		}
		if out := mustTaper(t, "imports", "--db", db, "--athlete", "bob", "--format", "csv"); strings.Count(out, "\n") != 2 {
			t.Errorf("--athlete bob:\n%s", out)
		}
		if out := mustTaper(t, "imports", "--db", db, "--format", "csv"); strings.Count(out, "\n") != 6 {
			t.Errorf("without --athlete, every athlete's files:\n%s", out)
		}
	})
	t.Run("rules warns", func(t *testing.T) {
		cfg := filepath.Join(filepath.Dir(db), "taper.toml")
		if err := os.WriteFile(cfg, []byte("[athlete.alcie]\nrest_days = 12\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(cfg)
		code, _, errOut := runTaper(t, "rules", "--db", db, "--athlete", "bbo")
		if code != exitOK || !strings.Contains(errOut, `no athlete "bbo"`) || !strings.Contains(errOut, "[athlete.alcie] matches no athlete") {
			t.Errorf("rules --athlete bbo: exit %d, stderr %q", code, errOut)
		}
	})
	t.Run("quoting hint", func(t *testing.T) {
		cfg := filepath.Join(t.TempDir(), "q.toml")
		if err := os.WriteFile(cfg, []byte("[athlete.j.smith]\nrest_days = 12\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, errOut := runTaper(t, "rules", "--config", cfg)
		if !strings.Contains(errOut, `quote the name: [athlete."j.smith"]`) {
			t.Errorf("no quoting hint: %s", errOut)
		}
	})
	t.Run("1 file, XML", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.gpx")
		if err := os.WriteFile(bad, []byte(`<?xml version="1.0"?><gpx version="1.1"><trk><trkseg><trkpt lat="1" lon="2">`), 0o644); err != nil {
			t.Fatal(err)
		}
		_, out, _ := runTaper(t, "import", "--db", db, "--athlete", "ann", "-q", testdata("easy_autolaps.fit"), bad)
		if strings.Contains(out, " 1 files") || !strings.Contains(out, "1 file (same bytes") {
			t.Errorf("summary:\n%s", out)
		}
		if strings.Contains(out, "xML") || !strings.Contains(out, "malformed gpx: ") || !strings.Contains(out, "not well-formed XML") {
			t.Errorf("malformed gpx message:\n%s", out)
		}
	})
}

// TestImportLabels: a file seen before keeps the status it got then; a
// folder with no activity file exits 1 and creates nothing; a truncated
// export keeps the members complete before the cut (issue 12).
func TestImportLabels(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "l.duckdb")
	t.Run("no activity file", func(t *testing.T) {
		notes := filepath.Join(t.TempDir(), "notes")
		os.MkdirAll(notes, 0o755)
		os.WriteFile(filepath.Join(notes, "notes.txt"), []byte("not an activity"), 0o644)
		code, out, errOut := runTaper(t, "import", "--db", db, "--athlete", "nat", "-q", notes)
		if code != exitError || !strings.Contains(errOut, "no activity file found") {
			t.Errorf("exit %d\n%s%s", code, out, errOut)
		}
		if _, err := os.Stat(db); !os.IsNotExist(err) {
			t.Errorf("the database was created: %v", err)
		}
		// an existing database gains no athlete
		mustTaper(t, "import", "--db", db, "--athlete", "ann", "-q", testdata("easy_autolaps.fit"))
		runTaper(t, "import", "--db", db, "--athlete", "nat", "-q", notes)
		if out := mustTaper(t, "audit", "--db", db, "--format", "csv"); strings.Contains(out, "nat") {
			t.Errorf("athlete nat created:\n%s", out)
		}
	})
	t.Run("skipped before, skipped again", func(t *testing.T) {
		in := t.TempDir()
		os.WriteFile(filepath.Join(in, "photo.fit"), []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"), 0o644)
		b, _ := os.ReadFile(testdata("tempo_intensity.fit"))
		os.WriteFile(filepath.Join(in, "run.fit"), b, 0o644)
		skipped := regexp.MustCompile(`skipped \d+ \([^)]*\)`)
		first := strings.Join(strings.Fields(mustTaper(t, "import", "--db", db, "--athlete", "ann", "-q", in, testdata("garmin_export_small.zip"))), " ")
		out := strings.Join(strings.Fields(mustTaper(t, "import", "--db", db, "--athlete", "ann", "-q", in, testdata("garmin_export_small.zip"))), " ")
		// the files skipped the first time are skipped again, not "already imported"
		if s1, s2 := skipped.FindString(first), skipped.FindString(out); s1 == "" || s1 != s2 || !strings.Contains(s2, "image 1") {
			t.Errorf("first import %q, second %q:\n%s", s1, s2, out)
		}
	})
	t.Run("truncated export", func(t *testing.T) {
		b, _ := os.ReadFile(testdata("garmin_export_small.zip"))
		trunc := filepath.Join(t.TempDir(), "trunc.zip")
		os.WriteFile(trunc, b[:len(b)*2/3], 0o644)
		code, out, errOut := runTaper(t, "import", "--db", filepath.Join(t.TempDir(), "t.duckdb"), "--athlete", "tom", "-q", trunc)
		flat := strings.Join(strings.Fields(out), " ")
		if code != exitFindings || strings.Contains(flat, "imported 0 files with") || !strings.Contains(out, "cut short") {
			t.Errorf("exit %d\n%s%s", code, out, errOut)
		}
	})
}

// holdEnv makes the test binary hold a database open for writing for a
// while (path and seconds, as "path|2"), then exit: a writer for
// TestReadersWaitForTheWriter.
const holdEnv = "TAPER_TEST_HOLD_DB"

func init() {
	v := os.Getenv(holdEnv)
	if v == "" {
		return
	}
	path, secs, _ := strings.Cut(v, "|")
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("holding")
	d, _ := time.ParseDuration(secs + "s")
	time.Sleep(d)
	db.Close()
	os.Exit(0)
}

// TestReadersWaitForTheWriter: while another process writes the database,
// report waits for it (saying so with its pid) up to --wait; with --wait 0
// it fails at once.
func TestReadersWaitForTheWriter(t *testing.T) {
	db := edgesDB(t)
	hold := func(secs string) *exec.Cmd {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), holdEnv+"="+db+"|"+secs)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || line != "holding\n" {
			t.Fatalf("writer: %q %v", line, err)
		}
		return cmd
	}
	w := hold("2")
	code, out, errOut := runTaper(t, "report", "--db", db, "--athlete", "ann", "--wait", "0")
	if code != exitError || !strings.Contains(errOut, "in use by another taper process") {
		t.Errorf("--wait 0: exit %d\n%s%s", code, out, errOut)
	}
	start := time.Now()
	code, out, errOut = runTaper(t, "report", "--db", db, "--athlete", "ann")
	if code != exitOK || !strings.Contains(errOut, fmt.Sprintf("in use by another taper process (pid %d); waiting up to 5m0s", w.Process.Pid)) || !strings.Contains(out, "recovery audit") {
		t.Errorf("waiting reader: exit %d after %s\n%s%s", code, time.Since(start), out, errOut)
	}
	w.Wait()
	w = hold("5")
	defer w.Wait()
	code, _, errOut = runTaper(t, "sql", "--db", db, "--wait", "1s", "SELECT 1")
	if code != exitError || !strings.Contains(errOut, "waited 1s (--wait)") {
		t.Errorf("--wait 1s: exit %d\n%s", code, errOut)
	}
}

// TestLateTimeZone: a GPX without a zone imported before the athlete's
// timezone was set takes UTC; after the setting, the report says to
// reanalyze, and reanalyze moves the evening run to its local date.
func TestLateTimeZone(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.duckdb")
	// 2026-10-06 03:30 UTC is the evening of 2026-10-05 in Los Angeles. A
	// virtual run (a treadmill app's GPX) carries no zone.
	gpx := filepath.Join(dir, "evening.gpx")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><type>VirtualRun</type><trkseg>`)
	start := time.Date(2026, 10, 6, 3, 30, 0, 0, time.UTC)
	for i := 0; i < 1800; i += 5 {
		fmt.Fprintf(&b, `<trkpt lat="%.6f" lon="-140.00"><time>%s</time></trkpt>`, 30.0+float64(i)*0.00002, start.Add(time.Duration(i)*time.Second).Format(time.RFC3339))
	}
	b.WriteString(`</trkseg></trk></gpx>`)
	if err := os.WriteFile(gpx, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	mustTaper(t, "import", "--db", db, "--athlete", "zoe", "-q", gpx)
	date := func() string {
		out := mustTaper(t, "sql", "--db", db, "--format", "csv", "SELECT local_date, tz_source FROM activities")
		return strings.TrimSpace(strings.TrimPrefix(out, "local_date,tz_source\n"))
	}
	if got := date(); got != "2026-10-06,utc" { // a virtual run: no zone from its positions
		t.Fatalf("before the setting: %s", got)
	}
	if err := os.WriteFile(filepath.Join(dir, "taper.toml"), []byte("[athlete.zoe]\ntimezone = \"America/Los_Angeles\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, errOut := runTaper(t, "report", "--db", db, "--athlete", "zoe")
	if !strings.Contains(errOut, "settings of zoe changed") || !strings.Contains(errOut, "taper reanalyze") {
		t.Errorf("report does not say to reanalyze:\n%s", errOut)
	}
	out := mustTaper(t, "reanalyze", "--db", db, "--athlete", "zoe")
	if !strings.Contains(out, "1 activity moved to time zone America/Los_Angeles") {
		t.Errorf("reanalyze:\n%s", out)
	}
	if got := date(); got != "2026-10-05,athlete" {
		t.Errorf("after reanalyze: %s, want 2026-10-05,athlete", got)
	}
	if _, _, errOut := runTaper(t, "report", "--db", db, "--athlete", "zoe"); strings.Contains(errOut, "changed since") {
		t.Errorf("note after reanalyze:\n%s", errOut)
	}
}

// TestGeneratePrintsWhatItPlanted: generate says each planted breach with
// its rule, day, week and date (those the end-to-end test expects).
func TestGeneratePrintsWhatItPlanted(t *testing.T) {
	out := mustTaper(t, "generate", "--dir", t.TempDir(), "--athlete", "p", "--breach", "all", "--race", "2026-10-04", "--seed", "3")
	race := time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC)
	for rule, f := range breachFinding {
		want := fmt.Sprintf("%-20s day %2d, week %d, %s", rule, f.day, (f.day-1)/7+1, race.AddDate(0, 0, f.day).Format(time.DateOnly))
		if !strings.Contains(out, want) {
			t.Errorf("generate does not say %q:\n%s", want, out)
		}
	}
	if out := mustTaper(t, "generate", "--dir", t.TempDir(), "--athlete", "p", "--race", "2026-10-04"); !strings.Contains(out, "Planted: nothing") {
		t.Errorf("compliant season:\n%s", out)
	}
}
