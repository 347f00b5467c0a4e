package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// known calls KnownMember and fails the test on error.
func known(tb testing.TB, db *DB, athlete, path string, size int64, crc uint32) bool {
	tb.Helper()
	ok, err := db.KnownMember(context.Background(), athlete, path, size, crc)
	if err != nil {
		tb.Fatal(err)
	}
	return ok
}

func TestKnownMember(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.duckdb")
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Loaded (empty) before the import: commits must keep the cache current.
	if known(t, db, "ann", "export.zip!a.fit", 1000, 0xa) {
		t.Fatal("KnownMember true on an empty database")
	}
	base := time.Date(2024, 3, 1, 7, 0, 0, 0, time.UTC)
	imported := file("export.zip!a.fit", "sha-a", synthRun(base, 60, "fit", true))
	imported.CRC32 = 0xa
	skipped := FileResult{Path: "export.zip!m.fit", Size: 200, SHA256: "sha-m", CRC32: 0xb, Status: StatusSkipped, Kind: "fit:monitoring"}
	rejected := FileResult{Path: "export.zip!bad.fit", Size: 300, SHA256: "sha-bad", CRC32: 0xc, Reason: "no records"}
	dupFile := imported
	dupFile.Path = "export.zip!copy-of-a.fit"
	dupFile.Activities = nil
	dupFile.Status = StatusImported
	dupAct := file("export.zip!a.gpx", "sha-g", synthRun(base, 60, "gpx", false))
	dupAct.CRC32 = 0xd
	sum := write(t, db, "ann", imported, skipped, rejected, dupFile, dupAct)
	want := map[string]int{StatusImported: 1, StatusSkipped: 1, StatusRejected: 1, StatusDuplicateFile: 1, StatusDuplicateActivity: 1}
	if fmt.Sprint(sum.ByStatus) != fmt.Sprint(want) || sum.Files != 5 || sum.AlreadyKnown != 0 {
		t.Fatalf("summary = %+v, want ByStatus %v", sum, want)
	}
	check := func(t *testing.T, db *DB) {
		t.Helper()
		for _, c := range []struct {
			athlete, path string
			size          int64
			crc           uint32
			want          bool
		}{
			{"ann", "export.zip!a.fit", 1000, 0xa, true},
			{"ann", "export.zip!m.fit", 200, 0xb, true},
			{"ann", "export.zip!copy-of-a.fit", 1000, 0xa, true},
			{"ann", "export.zip!a.gpx", 1000, 0xd, true},
			{"ann", "export.zip!bad.fit", 300, 0xc, false}, // rejected: read again
			{"ann", "export.zip!a.fit", 1000, 0xb, false},  // other crc
			{"ann", "export.zip!a.fit", 1001, 0xa, false},  // other size
			{"ann", "export.zip!b.fit", 1000, 0xa, false},  // other path
			{"bob", "export.zip!a.fit", 1000, 0xa, false},  // other athlete
		} {
			if got := known(t, db, c.athlete, c.path, c.size, c.crc); got != c.want {
				t.Errorf("KnownMember(%s, %s, %d, %#x) = %v, want %v", c.athlete, c.path, c.size, c.crc, got, c.want)
			}
		}
	}
	check(t, db)
	db.Close()
	// From the database this time.
	db, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check(t, db)
	_, rows, err := db.Query(ctx, "SELECT path, crc32 FROM source_files ORDER BY path")
	if err != nil || fmt.Sprint(rows) != "[[export.zip!a.fit 10] [export.zip!a.gpx 13] [export.zip!bad.fit 12] [export.zip!copy-of-a.fit 10] [export.zip!m.fit 11]]" {
		t.Errorf("source_files = %v, %v", rows, err)
	}
	// Re-adding the same files changes nothing, summary included.
	sum = write(t, db, "ann", imported, skipped, rejected, dupFile, dupAct)
	if sum.AlreadyKnown != 5 || sum.Files != 5 {
		t.Errorf("re-import summary = %+v", sum)
	}
	_, rows, err = db.Query(ctx, "SELECT count(*) FROM source_files")
	if err != nil || fmt.Sprint(rows) != "[[5]]" {
		t.Errorf("source_files after re-import: %v, %v", rows, err)
	}
}

// TestMigrateFrom0001 opens a database created at migration 0001, with a
// file recorded then: it gets the crc32 column, the old row never matches
// KnownMember until the file is added again, which fills its crc in.
func TestMigrateFrom0001(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	create0001(t, path,
		`INSERT INTO source_files (athlete, path, size, sha256, format, status, kind, imported_at)
		 VALUES ('ann', 'export.zip!m.fit', 200, 'sha-m', 'fit', 'skipped', 'fit:monitoring', TIMESTAMP '2026-01-01 00:00:00')`)

	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("open a database at 0001: %v", err)
	}
	_, rows, err := db.Query(ctx, "SELECT path, size, crc32, status FROM source_files")
	if err != nil || fmt.Sprint(rows) != "[[export.zip!m.fit 200 <nil> skipped]]" {
		t.Fatalf("source_files after migration = %v, %v", rows, err)
	}
	if known(t, db, "ann", "export.zip!m.fit", 200, 0) || known(t, db, "ann", "export.zip!m.fit", 200, 0xb) {
		t.Error("a row without crc32 matched KnownMember")
	}
	if ok, err := db.KnownSHA(ctx, "ann", "sha-m"); err != nil || !ok {
		t.Errorf("KnownSHA(old row) = %v, %v", ok, err)
	}
	// The file read once more: nothing new is stored but its crc is.
	m := FileResult{Path: "export.zip!m.fit", Size: 200, SHA256: "sha-m", CRC32: 0xb, Status: StatusSkipped, Kind: "fit:monitoring"}
	sum := write(t, db, "ann", m)
	if sum.AlreadyKnown != 1 || sum.Files != 1 || sum.ByStatus[StatusSkipped] != 1 {
		t.Errorf("summary = %+v", sum)
	}
	if !known(t, db, "ann", "export.zip!m.fit", 200, 0xb) {
		t.Error("KnownMember false after the crc was filled in")
	}
	db.Close()
	db, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, rows, err = db.Query(ctx, "SELECT path, crc32 FROM source_files")
	if err != nil || fmt.Sprint(rows) != "[[export.zip!m.fit 11]]" {
		t.Errorf("source_files = %v, %v", rows, err)
	}
	if !known(t, db, "ann", "export.zip!m.fit", 200, 0xb) {
		t.Error("KnownMember false after reopening")
	}
	_, rows, err = db.Query(ctx, "SELECT name FROM schema_migrations ORDER BY name")
	if err != nil || fmt.Sprint(rows) != allMigrations(t) {
		t.Errorf("schema_migrations = %v, %v", rows, err)
	}
}

// create0001 creates a database at path as taper did at migration 0001, with
// athlete ann, and runs the given statements in it.
func create0001(t *testing.T, path string, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := duckdb.NewConnector(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw := sql.OpenDB(conn)
	defer raw.Close()
	body, err := migrationFS.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range append([]string{
		`CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)`,
		string(body),
		`INSERT INTO schema_migrations VALUES ('0001_init.sql', TIMESTAMP '2026-01-01 00:00:00')`,
		`INSERT INTO athletes VALUES ('ann', TIMESTAMP '2026-01-01 00:00:00')`,
	}, stmts...) {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%.40s: %v", q, err)
		}
	}
}

// TestFillCRCInBatches re-imports 25 files recorded without crc32 and 3 new
// ones through a Writer committing every 10 files: every row gets its crc,
// the summary counts as before.
func TestFillCRCInBatches(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	create0001(t, path, `INSERT INTO source_files (athlete, path, size, sha256, status, kind, imported_at)
		SELECT 'ann', 'm' || i || '.fit', 100 + i, 'sha' || i, CASE WHEN i = 0 THEN 'rejected' ELSE 'skipped' END, 'fit:monitoring', TIMESTAMP '2026-01-01 00:00:00'
		FROM range(25) t(i)`)
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w, err := db.NewWriter(ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	w.maxFiles = 10
	for i := 0; i < 28; i++ {
		f := FileResult{Path: fmt.Sprintf("m%d.fit", i), Size: int64(100 + i), SHA256: fmt.Sprintf("sha%d", i), CRC32: uint32(1000 + i),
			Status: StatusSkipped, Kind: "fit:monitoring"}
		if i == 0 {
			f.Status, f.Reason = "", "no records"
		}
		if err := w.Add(f); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if sum.Files != 28 || sum.AlreadyKnown != 25 || sum.ByStatus[StatusSkipped] != 27 || sum.ByStatus[StatusRejected] != 1 {
		t.Errorf("summary = %+v", sum)
	}
	_, rows, err := db.Query(ctx, "SELECT count(*), count(crc32), sum(crc32 - size) FROM source_files")
	if err != nil || fmt.Sprint(rows) != "[[28 28 25200]]" {
		t.Errorf("source_files (rows, with crc, sum of crc-size) = %v, %v", rows, err)
	}
	for i := 0; i < 28; i++ {
		if got := known(t, db, "ann", fmt.Sprintf("m%d.fit", i), int64(100+i), uint32(1000+i)); got != (i > 0) {
			t.Errorf("KnownMember(m%d.fit) = %v", i, got)
		}
	}
}

// TestKnownMemberConcurrent asks KnownMember while a Writer commits batches
// (ingest.Walk's goroutine and the writer's); go test -race checks it.
func TestKnownMemberConcurrent(t *testing.T) {
	db := openTest(t)
	w, err := db.NewWriter(context.Background(), "ann")
	if err != nil {
		t.Fatal(err)
	}
	w.maxFiles = 5
	done := make(chan error)
	go func() {
		for i := 0; i < 2000; i++ {
			if _, err := db.KnownMember(context.Background(), "ann", fmt.Sprintf("m%d.fit", i%50), 10, uint32(i%50)); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for i := 0; i < 50; i++ {
		if err := w.Add(FileResult{Path: fmt.Sprintf("m%d.fit", i), Size: 10, SHA256: fmt.Sprintf("sha%d", i), CRC32: uint32(i), Status: StatusSkipped}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		if !known(t, db, "ann", fmt.Sprintf("m%d.fit", i), 10, uint32(i)) {
			t.Fatalf("KnownMember(m%d.fit) false after Close", i)
		}
	}
}

func TestForgetAthleteIfEmpty(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, name := range []string{"typo", "kept"} {
		w, err := db.NewWriter(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if name == "kept" {
			if err := w.Add(FileResult{Path: "x.fit", Size: 3, SHA256: "abc", Status: StatusRejected, Reason: "bad"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"typo", "kept"} {
		if err := db.ForgetAthleteIfEmpty(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.Athletes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "kept" {
		t.Errorf("athletes = %v, want [kept] (typo had nothing stored; kept has a rejected file)", got)
	}
}
