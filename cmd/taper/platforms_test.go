package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestImportByFormat: the import summary counts the activities of a Strava
// export by the format they came from, TCX files and manual entries
// included, and the same export again adds nothing.
func TestImportByFormat(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "s.duckdb")
	out := mustTaper(t, "generate", "--dir", filepath.Join(dir, "files"), "--athlete", "sam", "--style", "strava",
		"--race", "2026-10-04", "--no-history", "--timezone", "Europe/Berlin")
	input := generatedPath(t, out)
	out = mustTaper(t, "import", "--db", db, "--athlete", "sam", "--timezone", "Europe/Berlin", "-q", input)
	line := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "by format:") {
			line = l
		}
	}
	for _, want := range []string{"FIT ", "TCX ", "Strava entries without a file "} {
		if !strings.Contains(line, want) {
			t.Errorf("by-format line %q lacks %q:\n%s", line, want, out)
		}
	}
	out = mustTaper(t, "import", "--db", db, "--athlete", "sam", "--timezone", "Europe/Berlin", "-q", input)
	if strings.Contains(out, "by format:") || !strings.Contains(strings.Join(strings.Fields(out), " "), "imported 0 files") {
		t.Errorf("the same export again:\n%s", out)
	}
	js := mustTaper(t, "sql", "--db", db, "--format", "csv", "SELECT format, count(*) AS n FROM activities WHERE duplicate_of IS NULL GROUP BY 1 ORDER BY 1")
	if !strings.Contains(js, "csv,") || !strings.Contains(js, "tcx,") {
		t.Errorf("activities by format:\n%s", js)
	}
}
