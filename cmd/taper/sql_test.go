package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taper-run/taper/store"
)

// emptyDB creates an empty taper database and returns its path.
func emptyDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "e.duckdb")
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	return path
}

func TestSQLRefusals(t *testing.T) {
	t.Parallel()
	db := emptyDB(t)
	leak := filepath.Join(t.TempDir(), "leak.csv")
	for _, q := range []string{
		"SELECT 1; COPY (SELECT id FROM activities) TO '" + leak + "'",
		"COPY (SELECT 1) TO '" + leak + "'",
		"SELECT * FROM read_text('/etc/hostname')",
		"SET enable_external_access = true",
		"INSTALL httpfs",
	} {
		code, out, errOut := runTaper(t, "sql", "--db", db, q)
		if code != exitError || out != "" {
			t.Errorf("taper sql %q: exit %d, stdout %q; want 1 and nothing", q, code, out)
		}
		if !strings.Contains(errOut, "hint: taper sql runs one read-only statement") {
			t.Errorf("taper sql %q: stderr %q should say what runs", q, errOut)
		}
		if _, err := os.Stat(leak); err == nil {
			t.Fatalf("taper sql %q wrote %s", q, leak)
		}
	}
}

func TestSQLValues(t *testing.T) {
	t.Parallel()
	db := emptyDB(t)
	q := "SELECT 51.50800005::DOUBLE AS f, 0.000123::DOUBLE AS small, 12.34::DECIMAL(8,2) AS d, INTERVAL 5 MINUTE AS i, " +
		"'6ba7b810-9dad-11d1-80b4-00c04fd430c8'::UUID AS u, {'a': 1} AS s, NULL AS n"
	for format, want := range map[string]string{
		"table": "F            SMALL     D      I         U                                     S         N\n" +
			"51.50800005  0.000123  12.34  00:05:00  6ba7b810-9dad-11d1-80b4-00c04fd430c8  {'a': 1}  -\n",
		"csv": "f,small,d,i,u,s,n\n51.50800005,0.000123,12.34,00:05:00,6ba7b810-9dad-11d1-80b4-00c04fd430c8,{'a': 1},\n",
		"json": `[
  {"f": 51.50800005, "small": 0.000123, "d": 12.34, "i": "00:05:00", "u": "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "s": {"a":1}, "n": null}
]
`,
	} {
		if got := mustTaper(t, "sql", "--db", db, "--format", format, q); got != want {
			t.Errorf("--format %s:\n got %q\nwant %q", format, got, want)
		}
	}
}

// TestSQLStreamsLongTables: past the first block of rows, a table keeps
// the block's column widths (rows are printed as they come).
func TestSQLStreamsLongTables(t *testing.T) {
	t.Parallel()
	db := emptyDB(t)
	out := mustTaper(t, "sql", "--db", db, "SELECT range AS n, 'x' AS c FROM range(2000)")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2001 || lines[0] != "N    C" || lines[1] != "0    x" || lines[2000] != "1999  x" {
		t.Errorf("%d lines, first %q %q, last %q", len(lines), lines[0], lines[1], lines[len(lines)-1])
	}
}

// TestPathsStayWhereMeant: an athlete name cannot move generate's export
// out of --dir, and -o cannot overwrite the database or name a folder.
func TestPathsStayWhereMeant(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "gen", "a")
	mustTaper(t, "generate", "--athlete", "../escape", "--dir", out, "--style", "garmin", "--monitoring", "0", "--race", "2026-10-04")
	if m, _ := filepath.Glob(filepath.Join(dir, "gen", "*.zip")); len(m) > 0 {
		t.Errorf("generate wrote %v outside --dir", m)
	}
	if m, _ := filepath.Glob(filepath.Join(out, "*_export.zip")); len(m) != 1 {
		t.Errorf("generate wrote %v in --dir, want one export", m)
	}

	db := emptyDB(t)
	before, _ := os.ReadFile(db)
	for _, args := range [][]string{
		{"audit", "--db", db, "-o", db},
		{"audit", "--db", db, "-o", filepath.Dir(db)},
	} {
		if code, _, errOut := runTaper(t, args...); code != exitUsage || !strings.Contains(errOut, "-o ") {
			t.Errorf("taper %v: exit %d, %s; want 2 and a word on -o", args, code, errOut)
		}
	}
	if after, _ := os.ReadFile(db); string(after) != string(before) {
		t.Error("the database changed")
	}
}
