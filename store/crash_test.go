package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
)

// childEnv makes the test binary act as a second taper process (see TestMain).
const childEnv = "TAPER_STORE_TEST_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		if err := child(mode, os.Getenv("TAPER_STORE_TEST_DB")); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const crashActivities = 120

// crashActivity is activity i of the crash test's import: one hour at 1 Hz.
func crashActivity(i int) FileResult {
	start := time.Date(2026, 1, 1, 7, 0, 0, 0, time.UTC).AddDate(0, 0, i)
	return file(fmt.Sprintf("export.zip!run%03d.fit", i), fmt.Sprintf("sha%03d", i), synthRun(start, 3600, "fit", true))
}

// child runs in a separate process. "hold" opens the database, says
// "ready" and waits to be killed; "import" imports crashActivities runs in
// small batches, printing "added N" after each, until it is killed.
func child(mode, path string) error {
	ctx := context.Background()
	db, err := Open(ctx, path, Options{})
	if err != nil {
		return err
	}
	switch mode {
	case "hold":
		fmt.Println("ready")
		time.Sleep(time.Minute)
	case "import":
		w, err := db.NewWriter(ctx, "alice")
		if err != nil {
			return err
		}
		w.maxFiles = 7
		for i := 0; i < crashActivities; i++ {
			if err := w.Add(crashActivity(i)); err != nil {
				return err
			}
			fmt.Printf("added %d\n", i+1)
		}
		if _, err := w.Close(); err != nil {
			return err
		}
		fmt.Println("done")
		time.Sleep(time.Minute)
	}
	return db.Close()
}

// startChild starts the test binary as a child in mode on path and returns
// it with a reader of its stdout.
func startChild(t *testing.T, mode, path string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, "TAPER_STORE_TEST_DB="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd, bufio.NewScanner(out)
}

func TestLockedByAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alice.duckdb")
	cmd, out := startChild(t, "hold", path)
	if !out.Scan() || out.Text() != "ready" {
		t.Fatalf("child did not open the database: %q", out.Text())
	}
	for _, ro := range []bool{false, true} {
		db, err := Open(context.Background(), path, Options{ReadOnly: ro})
		if err == nil {
			db.Close()
			t.Fatalf("read-only %v: opened a database another process holds", ro)
		}
		want := fmt.Sprintf("database alice.duckdb is in use by another taper process (pid %d)", cmd.Process.Pid)
		if err.Error() != want {
			t.Errorf("read-only %v: error %q, want %q", ro, err, want)
		}
		var le *LockError
		if !errors.As(err, &le) || le.Hint() == "" {
			t.Errorf("error %T is not a *LockError with a hint", err)
		}
	}
}

// TestCrashDuringImport kills an importing process at several moments and
// checks that only whole activities (and their files) are left, and that
// importing again completes the import.
func TestCrashDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test runs child processes; skipped with -short")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "alice.duckdb")
	// Kill after these many Adds (and then after a delay, so the kill lands
	// anywhere: in an append, a commit, a checkpoint): before the first
	// commit, around one, mid-batch; then (-1) let it finish.
	for _, kill := range []struct {
		after int
		delay time.Duration
	}{{3, 0}, {7, 0}, {10, 3 * time.Millisecond}, {30, 0}, {40, 11 * time.Millisecond}, {61, 0}, {70, 23 * time.Millisecond}, {-1, 0}} {
		killAfter := kill.after
		cmd, out := startChild(t, "import", path)
		for out.Scan() {
			line := out.Text()
			if line == "done" {
				break
			}
			n, _ := strconv.Atoi(strings.TrimPrefix(line, "added "))
			if n == killAfter {
				break
			}
		}
		time.Sleep(kill.delay)
		// SIGKILL: no deferred code, no Close; whatever was in flight is lost.
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()

		db, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatalf("reopen after kill at %d: %v", killAfter, err)
		}
		acts := checkWhole(t, db)
		if killAfter < 0 && acts != crashActivities {
			t.Errorf("after the full import: %d activities, want %d", acts, crashActivities)
		}
		t.Logf("killed %v after %d adds: %d whole activities", kill.delay, killAfter, acts)
		db.Close()
	}
}

// checkWhole asserts that every stored activity has all its records and
// laps, that no record lacks its activity, and that every activity's file
// is recorded; it returns the number of activities.
func checkWhole(t *testing.T, db *DB) int {
	t.Helper()
	ctx := context.Background()
	_, rows, err := db.Query(ctx, `SELECT
		(SELECT count(*) FROM activities),
		(SELECT count(*) FROM activities a WHERE a.samples <> 3600
			OR (SELECT count(*) FROM records r WHERE r.activity_id = a.id) <> 3600
			OR (SELECT count(*) FROM laps l WHERE l.activity_id = a.id) <> 2),
		(SELECT count(*) FROM samples WHERE key NOT IN (SELECT key FROM activities)),
		(SELECT count(*) FROM activities WHERE source_sha256 NOT IN (SELECT sha256 FROM source_files WHERE status = 'imported')),
		(SELECT count(*) FROM source_files WHERE status = 'imported' AND sha256 NOT IN (SELECT source_sha256 FROM activities))`)
	if err != nil {
		t.Fatal(err)
	}
	r := rows[0]
	if fmt.Sprint(r[1:]) != "[0 0 0 0]" {
		t.Errorf("activities %v; partial activities, orphan records, activities without file, files without activities = %v", r[0], r[1:])
	}
	n, _ := r[0].(int64)
	all, err := db.Activities(ctx, Filter{Athlete: "alice", WithSamples: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		if len(a.Samples) != 3600 || !a.Samples[0].Time.Equal(a.Start) {
			t.Errorf("%s: %d samples from %v", a.Source, len(a.Samples), a.Samples[0].Time)
		}
	}
	if int64(len(all)) != n {
		t.Errorf("Activities returned %d of %d", len(all), n)
	}
	return int(n)
}

// TestWriterRollsBack checks that a failed batch leaves nothing behind.
func TestWriterRollsBack(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	w, err := db.NewWriter(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	a := synthRun(time.Date(2026, 1, 1, 7, 0, 0, 0, time.UTC), 100, "fit", true)
	b := synthRun(time.Date(2026, 1, 2, 7, 0, 0, 0, time.UTC), 100, "fit", true)
	b.SessionIndex = a.SessionIndex
	if err := w.Add(file("a.fit", "x", a, b)); err == nil || !strings.Contains(err.Error(), "a.fit") {
		t.Fatalf("two sessions with one index: error %v", err)
	}
	if err := w.Add(file("c.fit", "c", synthRun(time.Date(2026, 1, 3, 7, 0, 0, 0, time.UTC), 10, "fit", true))); err == nil {
		t.Error("a failed Writer accepted more")
	}
	if _, err := w.Close(); err == nil {
		t.Error("Close of a failed Writer returned no error")
	}
	_, rows, err := db.Query(ctx, "SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM activities), (SELECT count(*) FROM source_files)")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(rows[0]) != "[0 0 0]" {
		t.Errorf("after a failed batch: records, activities, files = %v", rows[0])
	}
	_ = analysis.Missing
}

// TestOpenRemovesOrphans plants rows without their activity (as a batch
// landing half-way would) and checks that Open removes exactly those.
func TestOpenRemovesOrphans(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "o.duckdb")
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	write(t, db, "alice", file("a.fit", "a", synthRun(time.Date(2026, 1, 1, 7, 0, 0, 0, time.UTC), 50, "fit", true)))
	for _, q := range []string{
		`INSERT INTO samples (key, t) SELECT 999, t FROM samples`,
		`INSERT INTO laps (activity_id, idx) VALUES ('ghost', 0)`,
		`INSERT INTO workout_steps (activity_id, idx) VALUES ('ghost', 0)`,
	} {
		if _, err := db.sql.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	db, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, rows, err := db.Query(ctx, `SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM laps), (SELECT count(*) FROM workout_steps)`)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(rows[0]) != "[50 2 0]" {
		t.Errorf("records, laps, steps after reopen = %v, want [50 2 0]", rows[0])
	}
}
