package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

// killImportMidway starts taper import in a child process and kills it
// (SIGKILL) once its progress line shows at least after files.
func killImportMidway(t *testing.T, db, export string, after int) int {
	t.Helper()
	args, _ := json.Marshal([]string{"import", "--db", db, "--athlete", "k", "--progress", "always", export})
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(args))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`importing: (\d+)(?:/\d+)? files`)
	sc := bufio.NewScanner(stderr)
	sc.Split(scanCR)
	files := 0
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			files, _ = strconv.Atoi(m[1])
			if files >= after {
				break
			}
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill: %v", err)
	}
	_ = cmd.Wait()
	if files < after {
		t.Fatalf("the import ended before %d files (saw %d): nothing was interrupted", after, files)
	}
	return files
}

// scanCR splits on \r as well as \n (the progress line redraws with \r).
func scanCR(data []byte, atEOF bool) (int, []byte, error) {
	for i, c := range data {
		if c == '\r' || c == '\n' {
			return i + 1, data[:i], nil
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

func head(s string) string {
	if len(s) > 600 {
		return s[:600] + "..."
	}
	return s
}
