// Package store keeps imported activities, their records and analysis
// results in an embedded DuckDB database; it is the only package that
// imports database/sql and the DuckDB driver.
package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Options configure Open.
type Options struct {
	// ReadOnly opens an existing database without writing to it: no
	// migrations, no crash clean-up. Several read-only processes may share a
	// file; none may while another process writes it.
	ReadOnly bool
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// Now returns the current time for imported_at and similar columns; nil
	// means time.Now.
	Now func() time.Time
}

// DB is an open taper database.
type DB struct {
	sql      *sql.DB
	path     string // as given; "" for in-memory
	readOnly bool
	logger   *slog.Logger
	now      func() time.Time
}

// Open opens (creating and migrating when needed) the database at path; ""
// or ":memory:" opens a private in-memory database. On a writable open it
// removes whatever an interrupted import left behind (rows of records, laps
// and workout steps without their activity). A database held by another
// process gives an error naming that process.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	db := &DB{path: path, readOnly: opts.ReadOnly, logger: opts.Logger, now: opts.Now}
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
	for _, name := range names {
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
	applied := map[string]bool{}
	rows, err := db.sql.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("open database %s: not a taper database (no schema_migrations table); create it with taper import: %w", db.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		applied[n] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, n := range names {
		if !applied[filepath.Base(n)] {
			return fmt.Errorf("open database %s: schema is older than this taper (missing %s); run any writing command such as taper import once to upgrade it", db.path, filepath.Base(n))
		}
	}
	return nil
}

// cleanup deletes rows an interrupted import may have left: records, laps
// and workout steps whose activity does not exist. Writers commit a batch's
// activities, records and source files in one transaction, so this normally
// finds nothing; it is the safety net should a batch ever land half-way.
func (db *DB) cleanup(ctx context.Context) error {
	for _, table := range []string{"records", "laps", "workout_steps"} {
		res, err := db.sql.ExecContext(ctx,
			`DELETE FROM `+table+` WHERE activity_id NOT IN (SELECT id FROM activities)`)
		if err != nil {
			return fmt.Errorf("open database %s: remove orphaned %s: %w", db.name(), table, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			db.logger.Warn("removed rows left by an interrupted import", "table", table, "rows", n)
		}
	}
	return nil
}
