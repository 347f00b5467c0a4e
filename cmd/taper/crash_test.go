package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestImportKilledMidway kills a real `taper import` process with SIGKILL
// while it is writing, then runs the same import again: the database must
// then hold exactly what an uninterrupted import gives, activity by
// activity and record by record.
func TestImportKilledMidway(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("kills a real import; run without -short")
	}
	dir := t.TempDir()
	mustTaper(t, "generate", "--dir", filepath.Join(dir, "files"), "--athlete", "k", "--style", "garmin", "--monitoring", "20", "--seed", "7", "--race", "2026-10-04")
	export := filepath.Join(dir, "files", "k_garmin_export.zip")

	clean := filepath.Join(dir, "clean.duckdb")
	mustTaper(t, "import", "--db", clean, "--athlete", "k", "-q", export)

	// Kill it several times, each time later in the export, so the kills
	// land in different places of the write path (before, inside and after
	// a batch commit); each run starts on what the previous one left.
	crashed := filepath.Join(dir, "crashed.duckdb")
	for _, after := range []int{20, 60, 100, 120} {
		killed := killImportMidway(t, crashed, export, after)
		n := mustTaper(t, "sql", "--db", crashed, "--format", "csv", "SELECT count(*) AS n FROM activities")
		t.Logf("killed after %d files: %s activities stored", killed, strings.TrimPrefix(strings.TrimSpace(n), "n\n"))
	}

	// What survived the kill is whole: every stored activity has all its records.
	mustTaper(t, "import", "--db", crashed, "--athlete", "k", "-q", export)
	q := "SELECT a.id, a.source, (SELECT count(*) FROM records r WHERE r.activity_id = a.id) AS n, " +
		"(SELECT count(*) FROM summaries s WHERE s.key = a.key) AS summaries FROM activities a ORDER BY a.id"
	want := mustTaper(t, "sql", "--db", clean, "--format", "csv", q)
	got := mustTaper(t, "sql", "--db", crashed, "--format", "csv", q)
	if got != want {
		t.Errorf("after kill -9 and re-import, activities and record counts differ from a clean import:\n got %s\nwant %s", head(got), head(want))
	}
	orphans := mustTaper(t, "sql", "--db", crashed, "--format", "csv",
		"SELECT count(*) AS n FROM samples WHERE key NOT IN (SELECT key FROM activities)")
	if strings.TrimSpace(orphans) != "n\n0" {
		t.Errorf("orphan records after re-import: %q", orphans)
	}
	if n := strings.Count(want, "\n") - 1; n < 90 {
		t.Fatalf("only %d activities in the clean import", n)
	}
}

// killImportMidway runs taper import in a child process that kills itself
// (SIGKILL) once after files are handed to the store: the hook
// (TAPER_TEST_KILL_AFTER_FILES, see crashHook) fires at the same file on
// any machine, however fast.
func killImportMidway(t *testing.T, db, export string, after int) int {
	t.Helper()
	args, _ := json.Marshal([]string{"import", "--db", db, "--athlete", "k", "-q", export})
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(args), "TAPER_TEST_KILL_AFTER_FILES="+strconv.Itoa(after))
	out, err := cmd.CombinedOutput()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if err == nil || !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the import was not killed after %d files (%v): %s", after, err, out)
	}
	return after
}

func head(s string) string {
	if len(s) > 600 {
		return s[:600] + "..."
	}
	return s
}
