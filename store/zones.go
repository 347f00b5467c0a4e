package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Zone is an activity's local time zone: its offset, IANA name and where
// they came from (analysis.TZFrom*).
type Zone struct {
	Offset int // seconds east of UTC
	Name   string
	Source string
}

// UpdateZones sets the zone of activities (by id) and their local date,
// in one transaction: a time zone set after the import (taper reanalyze).
func (db *DB) UpdateZones(ctx context.Context, zones map[string]Zone) error {
	if len(zones) == 0 {
		return nil
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("update time zones in %s: %w", db.name(), err)
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `UPDATE activities SET utc_offset_s = ?, time_zone = ?, tz_source = ?,
		local_date = CAST(start_utc + to_seconds(?) AS DATE) WHERE id = ?`)
	if err != nil {
		return fmt.Errorf("update time zones in %s: %w", db.name(), err)
	}
	defer st.Close()
	for id, z := range zones {
		if _, err := st.ExecContext(ctx, int32(z.Offset), nullString(z.Name), nullString(z.Source), int64(z.Offset), id); err != nil {
			return fmt.Errorf("update the time zone of activity %s in %s: %w", id, db.name(), err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("update time zones in %s: %w", db.name(), err)
	}
	return nil
}

// AnalysisSettings returns the settings fingerprint (and its readable
// form) the athlete's stored analysis was made with; "" when none is
// recorded (an older database, or never analysed).
func (db *DB) AnalysisSettings(ctx context.Context, athlete string) (fingerprint, settings string, err error) {
	err = db.sql.QueryRowContext(ctx, `SELECT fingerprint, settings FROM analysis_settings WHERE athlete = ?`, athlete).Scan(&fingerprint, &settings)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("read analysis settings in %s: %w", db.name(), err)
	}
	return fingerprint, settings, nil
}

// SetAnalysisSettings records the settings the athlete's analysis was just
// made with.
func (db *DB) SetAnalysisSettings(ctx context.Context, athlete, fingerprint, settings string) error {
	if _, err := db.sql.ExecContext(ctx, `INSERT OR REPLACE INTO analysis_settings VALUES (?, ?, ?, ?)`,
		athlete, fingerprint, settings, db.now().UTC()); err != nil {
		return fmt.Errorf("record analysis settings in %s: %w", db.name(), err)
	}
	return nil
}

// Unanalysed counts the athlete's activities (duplicates included) without
// an analysis of the given version: those an interrupted import stored
// before analysing them, or an older taper analysed.
func (db *DB) Unanalysed(ctx context.Context, athlete string, version int) (int, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM activities a
		WHERE a.athlete = ? AND NOT EXISTS (SELECT 1 FROM analyses m WHERE m.activity_id = a.id AND m.version = ?)`,
		athlete, version).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count unanalysed activities in %s: %w", db.name(), err)
	}
	return n, nil
}

// AnalysisPending is the fingerprint recorded (MarkAnalysisPending) while an
// import stores files and until the analysis after it is done
// (SetAnalysisSettings): found by the next import, it says that one stopped
// half-way.
const AnalysisPending = "pending"

// MarkAnalysisPending records that the athlete's analysis is pending (see
// AnalysisPending), keeping the settings it was last made with.
func (db *DB) MarkAnalysisPending(ctx context.Context, athlete string) error {
	if _, err := db.sql.ExecContext(ctx, `INSERT INTO analysis_settings VALUES (?, ?, '', ?)
		ON CONFLICT (athlete) DO UPDATE SET fingerprint = excluded.fingerprint`, athlete, AnalysisPending, db.now().UTC()); err != nil {
		return fmt.Errorf("record a pending analysis in %s: %w", db.name(), err)
	}
	return nil
}

// PendingAnalyses lists the athletes whose analysis is pending (see
// AnalysisPending).
func (db *DB) PendingAnalyses(ctx context.Context) (map[string]bool, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT athlete FROM analysis_settings WHERE fingerprint = ?`, AnalysisPending)
	if err != nil {
		return nil, fmt.Errorf("read pending analyses in %s: %w", db.name(), err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("read pending analyses in %s: %w", db.name(), err)
		}
		out[a] = true
	}
	return out, rows.Err()
}
