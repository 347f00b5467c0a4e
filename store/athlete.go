package store

import (
	"context"
	"fmt"
)

// SHAOwners maps the sha256 of every file imported for an athlete other
// than athlete to that athlete (one of them, when several), so an import can
// warn that files seem to belong to someone else (a wrong --athlete).
func (db *DB) SHAOwners(ctx context.Context, athlete string) (map[string]string, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT sha256, min(athlete) FROM source_files
		WHERE athlete <> ? AND status IN ('imported', 'duplicate_activity') GROUP BY sha256`, athlete)
	if err != nil {
		return nil, fmt.Errorf("read source files of %s: %w", db.name(), err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var sha, owner string
		if err := rows.Scan(&sha, &owner); err != nil {
			return nil, fmt.Errorf("read source files of %s: %w", db.name(), err)
		}
		out[sha] = owner
	}
	return out, rows.Err()
}

// DeleteAthlete removes everything stored for an athlete (activities with
// their records, laps, workout steps and analyses, source files, the race
// mark and the athlete) in one transaction, and returns how many
// activities went. Re-importing the athlete's own files then starts afresh.
func (db *DB) DeleteAthlete(ctx context.Context, athlete string) (int, error) {
	if db.readOnly {
		return 0, fmt.Errorf("delete athlete %s in %s: the database was opened read-only", athlete, db.name())
	}
	db.summariesMu.Lock() // its summaries may be moving (settleSummaries)
	defer db.summariesMu.Unlock()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("delete athlete %s in %s: %w", athlete, db.name(), err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM activities WHERE athlete = ?`, athlete).Scan(&n); err != nil {
		return 0, fmt.Errorf("delete athlete %s in %s: %w", athlete, db.name(), err)
	}
	for _, q := range []string{
		`DELETE FROM samples WHERE key IN (SELECT key FROM activities WHERE athlete = ?)`,
		`DELETE FROM summaries_main WHERE key IN (SELECT key FROM activities WHERE athlete = ?)`,
		`DELETE FROM summaries_recent WHERE key IN (SELECT key FROM activities WHERE athlete = ?)`,
		`DELETE FROM laps WHERE activity_id IN (SELECT id FROM activities WHERE athlete = ?)`,
		`DELETE FROM workout_steps WHERE activity_id IN (SELECT id FROM activities WHERE athlete = ?)`,
		`DELETE FROM analyses WHERE activity_id IN (SELECT id FROM activities WHERE athlete = ?)`,
		`DELETE FROM activities WHERE athlete = ?`,
		`DELETE FROM source_files WHERE athlete = ?`,
		`DELETE FROM race_marks WHERE athlete = ?`,
		`DELETE FROM analysis_settings WHERE athlete = ?`,
		`DELETE FROM decisions WHERE athlete = ?`,
		`DELETE FROM athletes WHERE name = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, athlete); err != nil {
			return 0, fmt.Errorf("delete athlete %s in %s: %w", athlete, db.name(), err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("delete athlete %s in %s: %w", athlete, db.name(), err)
	}
	db.knownMu.Lock()
	delete(db.known, athlete)
	delete(db.members, athlete)
	delete(db.disk, athlete)
	db.knownMu.Unlock()
	return n, nil
}
