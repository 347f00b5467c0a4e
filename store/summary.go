package store

import (
	"context"
	"fmt"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/taper-run/taper/analysis"
)

// Summaries returns the activities f selects (as Activities, with laps and
// workout steps, without samples) and, by activity id, their stored
// summaries that are current (analysis.Summary.Current). Activities missing
// from the map need their records read (EachWithSamples) and their summary
// saved again (SaveSummaries). No record is read.
func (db *DB) Summaries(ctx context.Context, f Filter) ([]*analysis.Activity, map[string]*analysis.Summary, error) {
	f.WithSamples, f.WithLaps = false, true
	acts, err := db.Activities(ctx, f)
	if err != nil || len(acts) == 0 {
		return acts, map[string]*analysis.Summary{}, err
	}
	where, args, err := f.where()
	if err != nil {
		return nil, nil, err
	}
	out, err := db.loadSummaries(ctx, where, args, len(acts))
	return acts, out, err
}

// SummariesOf is Summaries for activities of athlete already loaded (by
// Activities, without laps): it adds their laps and workout steps to them
// and returns their current summaries by id. The activity rows are not
// read again.
func (db *DB) SummariesOf(ctx context.Context, athlete string, acts []*analysis.Activity) (map[string]*analysis.Summary, error) {
	if len(acts) == 0 {
		return map[string]*analysis.Summary{}, nil
	}
	f := Filter{Athlete: athlete, IncludeDuplicates: true}
	byID := make(map[string]*analysis.Activity, len(acts))
	for _, a := range acts {
		f.IDs = append(f.IDs, a.ID)
		byID[a.ID] = a
		a.Laps, a.Workout = nil, nil
	}
	where, args, err := f.where()
	if err != nil {
		return nil, err
	}
	if err := db.loadLaps(ctx, where, args, byID); err != nil {
		return nil, err
	}
	return db.loadSummaries(ctx, where, args, len(acts))
}

// loadSummaries reads the current summaries of the activities where
// selects, by activity id.
func (db *DB) loadSummaries(ctx context.Context, where string, args []any, n int) (map[string]*analysis.Summary, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT a.id, s.data FROM summaries s JOIN activities a ON a.key = s.key`+where+
		andWhere(where)+`s.version = ? AND s.analysis_version = ?`, append(args, analysis.SummaryVersion, analysis.AnalysisVersion)...)
	if err != nil {
		return nil, fmt.Errorf("load summaries from %s: %w", db.name(), err)
	}
	defer rows.Close()
	out := make(map[string]*analysis.Summary, n)
	for rows.Next() {
		var id string
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return nil, fmt.Errorf("load summaries from %s: %w", db.name(), err)
		}
		s, err := analysis.UnmarshalSummary(data)
		if err != nil {
			// A damaged summary is rebuilt from the records.
			db.logger.Warn("unreadable activity summary; it will be rebuilt", "activity", id, "err", err)
			continue
		}
		if s.Current() {
			out[id] = s
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load summaries from %s: %w", db.name(), err)
	}
	return out, nil
}

// SaveSummaries stores summaries by activity id, replacing earlier ones.
func (db *DB) SaveSummaries(ctx context.Context, sums map[string]*analysis.Summary) error {
	if db.readOnly {
		return fmt.Errorf("save summaries in %s: the database was opened read-only", db.name())
	}
	if len(sums) == 0 {
		return nil
	}
	db.summariesMu.Lock()
	err := db.saveSummaries(ctx, sums)
	db.summariesMu.Unlock()
	if err != nil {
		return fmt.Errorf("save summaries in %s: %w", db.name(), err)
	}
	db.settle(ctx)
	return nil
}

func (db *DB) saveSummaries(ctx context.Context, sums map[string]*analysis.Summary) error {
	return db.replaceRows(ctx, `CREATE TEMP TABLE IF NOT EXISTS summaries_in (id VARCHAR, version INTEGER, analysis_version INTEGER, data BLOB)`,
		"summaries_in", func(app *duckdb.Appender) error {
			for id, s := range sums {
				data, err := s.MarshalBinary()
				if err != nil {
					return fmt.Errorf("activity %s: %w", id, err)
				}
				if err := app.AppendRow(id, int32(s.Version), int32(s.Analysis), data); err != nil {
					return fmt.Errorf("activity %s: %w", id, err)
				}
			}
			return nil
		},
		`DELETE FROM summaries_main WHERE key IN (SELECT a.key FROM activities a JOIN summaries_in i ON i.id = a.id)`,
		`DELETE FROM summaries_recent WHERE key IN (SELECT a.key FROM activities a JOIN summaries_in i ON i.id = a.id)`,
		`INSERT INTO summaries_recent SELECT a.key, i.version, i.analysis_version, i.data FROM summaries_in i JOIN activities a ON a.id = i.id WHERE a.key IS NOT NULL`)
}

// summaryTables hold the summaries (the view summaries shows both).
var summaryTables = []string{"summaries_main", "summaries_recent"}

// When summaries_recent's rows move to summaries_main (settleSummaries):
// once there are recentSummaries of them, or recentFew that are a
// quarter of summaries_main's or more. Each import then rewrites at most
// recentSummaries summaries (about 13 MB), summaries_main's last row group
// is rewritten once per that many new summaries, and a first import of a
// whole history lands in summaries_main at once (later imports leave it
// alone); the moves' total is proportional to what is stored.
var (
	recentSummaries = 4096
	recentFew       = 512
)

// settleDue reports whether recent summaries move to summaries_main.
func settleDue(recent, main int) bool {
	return recent >= recentSummaries || recent >= recentFew && 4*recent >= main
}

// settle is settleSummaries after summaries were stored: a move that fails
// (the context cancelled, say) is logged, not returned, as what was stored
// stands and the view shows both tables; the next store moves them.
func (db *DB) settle(ctx context.Context) {
	if err := db.settleSummaries(ctx); err != nil {
		db.logger.Warn("recent summaries not moved; the next import moves them", "err", err)
	}
}

// settleSummaries moves the recent summaries to summaries_main when
// settleDue says so, in one transaction. Moves, and other changes of
// summaries_recent's rows (SaveSummaries, DropSummaries, DeleteAthlete),
// run one at a time (summariesMu): concurrent ones would conflict. It
// replaces a summary summaries_main already holds for the same key (none
// is expected), so a move never fails on a duplicate.
func (db *DB) settleSummaries(ctx context.Context) error {
	db.summariesMu.Lock()
	defer db.summariesMu.Unlock()
	var recent, main int
	if err := db.sql.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM summaries_recent), (SELECT count(*) FROM summaries_main)`).Scan(&recent, &main); err != nil {
		return fmt.Errorf("count summaries in %s: %w", db.name(), err)
	}
	if !settleDue(recent, main) {
		return nil
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("move recent summaries in %s: %w", db.name(), err)
	}
	defer tx.Rollback()
	for _, q := range []string{
		`DELETE FROM summaries_main WHERE key IN (SELECT key FROM summaries_recent)`,
		`INSERT INTO summaries_main SELECT * FROM summaries_recent`,
		`DELETE FROM summaries_recent`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("move recent summaries in %s: %w", db.name(), err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("move recent summaries in %s: %w", db.name(), err)
	}
	return nil
}

// RecordsRead is the number of records this DB has read back so far (by
// Activities with samples and EachWithSamples): tests use it to check that
// what should work from summaries does not read records.
func (db *DB) RecordsRead() int64 { return db.recordsRead.Load() }

// ActivitiesRead is the number of activity rows Activities has returned,
// and Writers have loaded to find duplicates, so far: tests use it to check
// that a re-import bringing nothing new does not load the history.
func (db *DB) ActivitiesRead() int64 { return db.activitiesRead.Load() }

// DropSummaries removes an athlete's summaries: the next reanalysis reads
// the records and saves them again (tests, and taper after a damaged
// summary).
func (db *DB) DropSummaries(ctx context.Context, athlete string) error {
	db.summariesMu.Lock()
	defer db.summariesMu.Unlock()
	for _, t := range summaryTables {
		if _, err := db.sql.ExecContext(ctx, `DELETE FROM `+t+` WHERE key IN (SELECT key FROM activities WHERE athlete = ?)`, athlete); err != nil {
			return fmt.Errorf("drop summaries in %s: %w", db.name(), err)
		}
	}
	return nil
}
