// Package store keeps imported activities, their records and analysis
// results in an embedded DuckDB database; it is the only package that
// imports database/sql and the DuckDB driver.
//
// Schema: numbered SQL files in migrations/, embedded, applied in name order
// (each in a transaction) and recorded in schema_migrations. Never edit an
// applied migration; add the next number. Units are SI, times are UTC
// TIMESTAMPs (activities.local_date is the local calendar date of the
// start), and NULL means "not recorded" (analysis's NaN). Records live in
// the samples table (migration 0003): keyed by activities.key, whole
// numbers in fixed steps (see Quantize), in batches of increasing keys so
// DuckDB's zone maps prune a read of one activity to its row groups; records is a view with
// the original columns. summaries (migration 0005) holds each activity's
// analysis.Summary, so reanalysis does not read records: since migration
// 0008 a view of summaries_main and summaries_recent, where new ones go
// until there are enough to move (settleSummaries), so that adding a run
// does not make DuckDB rewrite every summary.
//
// Writes: a Writer collects a batch's records in columns and inserts them
// in one statement through a table function (taper_samples, see bulk.go),
// appends laps and workout steps through DuckDB's Appender, then the
// batch's activity, summary and source_files rows, and commits, all in one
// transaction on one connection: a batch (64 files or 250,000 records)
// lands whole or not at all. A process killed at any moment leaves only
// whole activities, each with its source_files row, and re-running the
// import adds what is missing (the source_files row is what makes bytes
// "known"). Open also deletes any records, summaries, laps or steps
// without their activity, as a safety net.
//
// Re-imports: a file is recorded once per (athlete, path, sha256). Adding a
// file already recorded under the same path and bytes stores nothing and is
// counted in Summary.AlreadyKnown; the same bytes under a new path are
// recorded once as duplicate_file. KnownSHA lets the caller skip decoding
// known bytes; rejected files are not "known", so a newer taper retries them.
// KnownMember answers the same question from (path, size, crc32) alone, so
// an archive member can be skipped before it is inflated or hashed; rows
// written before source_files.crc32 existed get it filled in the next time
// their file is added.
//
// Duplicates: each new activity is compared (analysis.SameActivity) with the
// athlete's primaries in the database and in the batch; the better one
// (analysis.PreferPrimaryChannels: FIT, then more channels, then the earlier)
// stays primary and the other gets duplicate_of. When the new one wins, the
// old primary and everything merged into it are re-pointed to it, and a
// source file none of whose activities is primary any more becomes
// duplicate_activity.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// ErrOldSchema is returned by a read-only Open of a database written by an
// older taper: a writable Open migrates it.
var ErrOldSchema = errors.New("schema is older than this taper")

// Options configure Open.
type Options struct {
	// ReadOnly opens an existing database without writing to it: no
	// migrations, no crash clean-up. Several read-only processes may share a
	// file; none may while another process writes it.
	ReadOnly bool
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// MemoryLimit caps DuckDB's buffer pool for a database file, e.g.
	// "512MB"; "" means DefaultMemoryLimit. Cached table blocks otherwise
	// grow with the database during an import. Ignored in memory, where the
	// data itself lives in the pool.
	MemoryLimit string
	// Threads is the number of DuckDB worker threads; 0 means 1. taper's
	// queries are small and its CPU is better spent decoding: with DuckDB's
	// default (one per core) the idle workers' polling made writing records
	// cost about 25% more CPU. Raise it for heavy ad-hoc SQL.
	Threads int
	// Sandbox is for ad-hoc SQL (taper sql): DuckDB gets no access to
	// anything outside the database (no COPY TO, no reading or writing
	// files, no network, no extension loading) and its configuration is
	// locked, so no statement can switch that back.
	Sandbox bool
	// Now returns the current time for imported_at and similar columns; nil
	// means time.Now.
	Now func() time.Time
}

// StorageVersion is the DuckDB storage format of the database files taper
// creates: DuckDB 1.5 or later (taper's own, or the duckdb CLI) opens them.
const StorageVersion = "v1.5.0"

// DefaultMemoryLimit is DuckDB's buffer pool limit for database files. With
// it, importing 5,000 one-hour activities peaks at about 300 MB of resident
// memory for the whole process (without it: 390 MB and growing).
const DefaultMemoryLimit = "128MB"

// DB is an open taper database.
type DB struct {
	sql      *sql.DB
	path     string // as given; "" for in-memory
	readOnly bool
	logger   *slog.Logger
	now      func() time.Time

	// known caches, per athlete, the sha256 of stored files (see KnownSHA).
	// No other process can write the file while this one has it open.
	knownMu sync.Mutex
	known   map[string]map[string]Prior
	// members caches, per athlete, the (path, size, crc32) of recorded
	// files (see KnownMember), under knownMu.
	members map[string]map[memberKey]Prior
	// disk caches, per athlete, the (path, size, mtime) of recorded files
	// read from disk (see KnownDiskFile), loaded with members, under knownMu.
	disk map[string]map[diskKey]Prior

	// keyMu guards lastKey, the largest activity key handed out (see
	// nextKeys), read from the database on first use.
	keyMu     sync.Mutex
	keyLoaded bool
	lastKey   int32

	// bulkMu guards bulkRegistered: taper_samples is registered (see
	// registerBulk).
	bulkMu         sync.Mutex
	bulkRegistered bool

	// summariesMu serialises changes to summaries_recent's rows other than
	// a writer's appends (see settleSummaries).
	summariesMu sync.Mutex

	recordsRead    atomic.Int64 // see RecordsRead
	activitiesRead atomic.Int64 // see ActivitiesRead
}

// Open opens (creating and migrating when needed) the database at path; ""
// or ":memory:" opens a private in-memory database. On a writable open it
// removes whatever an interrupted import left behind (rows of records, laps
// and workout steps without their activity). A database held by another
// process gives an error naming that process.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	db := &DB{path: path, readOnly: opts.ReadOnly, logger: opts.Logger, now: opts.Now, known: map[string]map[string]Prior{},
		members: map[string]map[memberKey]Prior{}, disk: map[string]map[diskKey]Prior{}}
	if path == ":memory:" {
		db.path = ""
	}
	if db.logger == nil {
		db.logger = slog.New(slog.DiscardHandler)
	}
	if db.now == nil {
		db.now = time.Now
	}
	if db.path == "" {
		db.readOnly = false // an in-memory database cannot be read-only
	}
	q := url.Values{}
	q.Set("autoinstall_known_extensions", "false")
	q.Set("autoload_known_extensions", "false")
	if db.readOnly {
		q.Set("access_mode", "read_only")
	}
	if opts.Sandbox {
		q.Set("enable_external_access", "false")
		q.Set("allow_community_extensions", "false")
		q.Set("lock_configuration", "true")
	}
	// A new file is written in DuckDB 1.5's storage format: among other
	// things it compresses validity masks (roaring bitmaps), which the
	// default (1.0-compatible) format stores raw: about 1.3 bytes less per
	// record on a history with treadmill runs and pauses. An existing file
	// keeps the format it was created with.
	q.Set("storage_compatibility_version", StorageVersion)
	q.Set("threads", strconv.Itoa(max(opts.Threads, 1)))
	if db.path != "" {
		limit := opts.MemoryLimit
		if limit == "" {
			limit = DefaultMemoryLimit
		}
		q.Set("memory_limit", limit)
	}
	dsn := db.path + "?" + q.Encode()
	conn, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		return nil, db.openError(err)
	}
	db.sql = sql.OpenDB(conn)
	if err := db.sql.PingContext(ctx); err != nil {
		db.sql.Close()
		return nil, db.openError(err)
	}
	if db.readOnly {
		if err := db.checkSchema(ctx); err != nil {
			db.sql.Close()
			return nil, err
		}
		return db, nil
	}
	if err := db.migrate(ctx); err != nil {
		db.sql.Close()
		return nil, err
	}
	if err := db.cleanup(ctx); err != nil {
		db.sql.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	if err := db.sql.Close(); err != nil {
		return fmt.Errorf("close database %s: %w", db.name(), err)
	}
	return nil
}

// Path returns the database file as given to Open; "" when in memory.
func (db *DB) Path() string { return db.path }

// name is the database as the user named it, for messages.
func (db *DB) name() string {
	if db.path == "" {
		return "(in memory)"
	}
	return filepath.Base(db.path)
}

// LockError reports that another process holds the database file.
type LockError struct {
	Path string // the database file
	PID  int    // the holder's process id; 0 when DuckDB did not say
	Err  error  // DuckDB's error
}

func (e *LockError) Error() string {
	pid := ""
	if e.PID > 0 {
		pid = fmt.Sprintf(" (pid %d)", e.PID)
	}
	return fmt.Sprintf("database %s is in use by another taper process%s", filepath.Base(e.Path), pid)
}

func (e *LockError) Unwrap() error { return e.Err }

// Hint says what the user can do about a LockError.
func (e *LockError) Hint() string {
	return "wait for the other taper command to finish (or stop it), then run this one again"
}

func (db *DB) openError(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "Could not set lock on file") || strings.Contains(msg, "Conflicting lock") {
		pid := 0
		// DuckDB says "... Conflicting lock is held in /path/bin (PID 1234) ...".
		if m := regexp.MustCompile(`\(PID (\d+)\)`).FindStringSubmatch(msg); m != nil {
			fmt.Sscan(m[1], &pid)
		}
		return &LockError{Path: db.path, PID: pid, Err: err}
	}
	if strings.Contains(msg, "not a valid DuckDB database file") {
		return fmt.Errorf("open database %s: not a taper database (it is not a DuckDB file); pass the database with --db and the files to import as arguments", db.path)
	}
	if db.readOnly && (strings.Contains(msg, "does not exist") || strings.Contains(msg, "No such file")) {
		return fmt.Errorf("open database %s: no such database file; run taper import first: %w", db.path, err)
	}
	return fmt.Errorf("open database %s: %w", db.path, err)
}

// migrations lists the embedded migration files in name order.
func migrations() ([]string, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// migrate applies every migration not yet recorded in schema_migrations,
// each in its own transaction.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.sql.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)`); err != nil {
		return fmt.Errorf("migrate database %s: create schema_migrations: %w", db.name(), err)
	}
	names, err := migrations()
	if err != nil {
		return fmt.Errorf("migrate database %s: %w", db.name(), err)
	}
	// One query finds what is applied; each missing migration checks again
	// in its own transaction.
	applied, err := db.appliedMigrations(ctx)
	if err != nil {
		return fmt.Errorf("migrate database %s: %w", db.name(), err)
	}
	for _, name := range names {
		if applied[filepath.Base(name)] {
			continue
		}
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("migrate database %s: %s: %w", db.name(), name, err)
		}
	}
	return nil
}

func (db *DB) migrateFile(ctx context.Context, name string) error {
	base := filepath.Base(name)
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, base).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := migrationFS.ReadFile(name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, base, db.now().UTC()); err != nil {
		return err
	}
	return tx.Commit()
}

// checkSchema verifies that a database opened read-only has every migration.
func (db *DB) checkSchema(ctx context.Context) error {
	names, err := migrations()
	if err != nil {
		return err
	}
	applied, err := db.appliedMigrations(ctx)
	if err != nil {
		return fmt.Errorf("open database %s: not a taper database (no schema_migrations table); create it with taper import: %w", db.path, err)
	}
	for _, n := range names {
		if !applied[filepath.Base(n)] {
			return fmt.Errorf("open database %s: %w (missing %s); run any writing command such as taper import once to upgrade it", db.path, ErrOldSchema, filepath.Base(n))
		}
	}
	return nil
}

// appliedMigrations returns the names recorded in schema_migrations.
func (db *DB) appliedMigrations(ctx context.Context) (map[string]bool, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	applied := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		applied[n] = true
	}
	return applied, rows.Err()
}

// cleanup deletes rows an interrupted import may have left: records, laps
// and workout steps whose activity does not exist. Writers commit a batch's
// activities, records and source files in one transaction, so this normally
// finds nothing; it is the safety net should a batch ever land half-way.
// Records are only scanned when their count differs from the activities'
// sample counts, so a clean open of a large database stays fast.
func (db *DB) cleanup(ctx context.Context) error {
	var records, samples int64
	if err := db.sql.QueryRowContext(ctx,
		`SELECT (SELECT count(*) FROM samples), (SELECT coalesce(sum(samples), 0) FROM activities)`).Scan(&records, &samples); err != nil {
		return fmt.Errorf("open database %s: count records: %w", db.name(), err)
	}
	deletes := map[string]string{
		"laps":          `DELETE FROM laps WHERE activity_id NOT IN (SELECT id FROM activities)`,
		"workout_steps": `DELETE FROM workout_steps WHERE activity_id NOT IN (SELECT id FROM activities)`,
	}
	if records != samples {
		deletes["records"] = `DELETE FROM samples WHERE key NOT IN (SELECT key FROM activities WHERE key IS NOT NULL)`
		for _, t := range summaryTables {
			deletes[t] = `DELETE FROM ` + t + ` WHERE key NOT IN (SELECT key FROM activities WHERE key IS NOT NULL)`
		}
	}
	for _, table := range []string{"laps", "workout_steps", "records", "summaries_main", "summaries_recent"} {
		q, ok := deletes[table]
		if !ok {
			continue
		}
		res, err := db.sql.ExecContext(ctx, q)
		if err != nil {
			return fmt.Errorf("open database %s: remove orphaned %s: %w", db.name(), table, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			db.logger.Warn("removed rows left by an interrupted import", "table", table, "rows", n)
		}
	}
	return nil
}
