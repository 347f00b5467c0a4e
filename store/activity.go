package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/taper-run/taper/analysis"
)

// KnownSHA reports whether a file with this sha256 is already stored for
// athlete (imported, duplicate_activity or skipped), so it need not be
// decoded again. Rejected files are not known: a newer taper may read them.
// The first call for an athlete loads the athlete's known hashes (one query);
// later calls are map lookups, kept current by Writers' commits. Safe for
// concurrent use.
func (db *DB) KnownSHA(ctx context.Context, athlete, sha256 string) (bool, error) {
	_, known, err := db.KnownFile(ctx, athlete, sha256)
	return known, err
}

// Prior is what an earlier import recorded for a file: its status
// (imported, duplicate_activity, skipped; for archive members also
// duplicate_file) and, for a skipped file, its kind.
type Prior struct {
	Status, Kind string
}

// KnownFile is KnownSHA with the status the file got then: a file skipped
// before (a monitoring file, a photo) is skipped again, not "already
// imported".
func (db *DB) KnownFile(ctx context.Context, athlete, sha256 string) (Prior, bool, error) {
	db.knownMu.Lock()
	defer db.knownMu.Unlock()
	known, err := db.knownLocked(ctx, athlete)
	if err != nil {
		return Prior{}, false, err
	}
	p, ok := known[sha256]
	return p, ok, nil
}

// priorRank orders statuses when one file was recorded several times: the
// strongest wins.
func priorRank(status string) int {
	switch status {
	case StatusImported:
		return 3
	case StatusDuplicateActivity:
		return 2
	case StatusSkipped:
		return 1
	}
	return 0
}

func keepPrior(m map[string]Prior, sha string, p Prior) {
	if old, ok := m[sha]; !ok || priorRank(p.Status) > priorRank(old.Status) {
		m[sha] = p
	}
}

// knownLocked returns the athlete's cached known hashes, loading them on
// first use. db.knownMu must be held.
func (db *DB) knownLocked(ctx context.Context, athlete string) (map[string]Prior, error) {
	if k, ok := db.known[athlete]; ok {
		return k, nil
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT DISTINCT sha256, status, coalesce(kind, '') FROM source_files
		WHERE athlete = ? AND status IN ('imported', 'duplicate_activity', 'skipped')`, athlete)
	if err != nil {
		return nil, fmt.Errorf("list known files in %s: %w", db.name(), err)
	}
	defer rows.Close()
	out := map[string]Prior{}
	for rows.Next() {
		var s string
		var p Prior
		if err := rows.Scan(&s, &p.Status, &p.Kind); err != nil {
			return nil, fmt.Errorf("list known files in %s: %w", db.name(), err)
		}
		keepPrior(out, s, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list known files in %s: %w", db.name(), err)
	}
	db.known[athlete] = out
	return out, nil
}

// addKnown records committed hashes and members in the caches (when
// loaded).
func (db *DB) addKnown(athlete string, shas map[string]Prior, members map[memberKey]Prior, disk map[diskKey]Prior) {
	db.knownMu.Lock()
	defer db.knownMu.Unlock()
	if k, ok := db.known[athlete]; ok {
		for s, p := range shas {
			keepPrior(k, s, p)
		}
	}
	if m, ok := db.members[athlete]; ok {
		for k, p := range members {
			m[k] = p
		}
	}
	if m, ok := db.disk[athlete]; ok {
		for k, p := range disk {
			m[k] = p
		}
	}
}

// memberKey is what an archive states about a file before it is read.
type memberKey struct {
	path  string
	size  int64
	crc32 uint32
}

// KnownMember reports whether a file of athlete was recorded under exactly
// this path with this size and CRC-32 (IEEE), with a status that makes it
// known (imported, duplicate_activity, skipped, or duplicate_file: the same
// bytes stored under another path), so a re-import can skip it without
// inflating or hashing it (ingest.WalkOptions.Skip). Rejected files are not
// known, and rows written before crc32 was recorded never match. The first
// call for an athlete loads the athlete's files (one query); later calls are
// map lookups (about 50 ns), kept current by Writers' commits. Safe for
// concurrent use.
func (db *DB) KnownMember(ctx context.Context, athlete, path string, size int64, crc32 uint32) (bool, error) {
	_, known, err := db.KnownMemberFile(ctx, athlete, path, size, crc32)
	return known, err
}

// KnownMemberFile is KnownMember with the status the member got then.
func (db *DB) KnownMemberFile(ctx context.Context, athlete, path string, size int64, crc32 uint32) (Prior, bool, error) {
	db.knownMu.Lock()
	defer db.knownMu.Unlock()
	members, ok := db.members[athlete]
	if !ok {
		var err error
		if members, err = db.loadMembers(ctx, athlete); err != nil {
			return Prior{}, false, err
		}
	}
	p, known := members[memberKey{path, size, crc32}]
	return p, known, nil
}

// diskKey is what the file system states about a file before it is opened.
type diskKey struct {
	path  string
	size  int64
	mtime int64 // Unix nanoseconds
}

// KnownDiskFile reports whether a file of athlete read from disk was
// recorded under exactly this path with this size and modification time,
// with a status that makes it known (as KnownMember), and that status, so
// a re-import of a folder can skip it without opening it
// (ingest.WalkOptions.SkipFile). A file written again (its size or
// modification time differs) is not known, and is read and hashed again.
// Rows written before mtime_ns was recorded never match (reading the file
// once more fills it in). Loaded and cached with KnownMember's cache; safe
// for concurrent use.
func (db *DB) KnownDiskFile(ctx context.Context, athlete, path string, size int64, mtime time.Time) (Prior, bool, error) {
	db.knownMu.Lock()
	defer db.knownMu.Unlock()
	disk, ok := db.disk[athlete]
	if !ok {
		if _, err := db.loadMembers(ctx, athlete); err != nil {
			return Prior{}, false, err
		}
		disk = db.disk[athlete]
	}
	p, known := disk[diskKey{path, size, mtime.UnixNano()}]
	return p, known, nil
}

// loadMembers reads the athlete's recorded (path, size, crc32) and (path,
// size, mtime) into the caches. db.knownMu must be held.
func (db *DB) loadMembers(ctx context.Context, athlete string) (map[memberKey]Prior, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT path, size, crc32, mtime_ns, status, coalesce(kind, '') FROM source_files
		WHERE athlete = ? AND size IS NOT NULL AND (crc32 IS NOT NULL OR mtime_ns IS NOT NULL)
		AND status IN ('imported', 'duplicate_activity', 'skipped', 'duplicate_file')`, athlete)
	if err != nil {
		return nil, fmt.Errorf("list known files in %s: %w", db.name(), err)
	}
	defer rows.Close()
	out := map[memberKey]Prior{}
	disk := map[diskKey]Prior{}
	for rows.Next() {
		var k memberKey
		var p Prior
		var crc, mtime sql.NullInt64
		if err := rows.Scan(&k.path, &k.size, &crc, &mtime, &p.Status, &p.Kind); err != nil {
			return nil, fmt.Errorf("list known files in %s: %w", db.name(), err)
		}
		if crc.Valid {
			k.crc32 = uint32(crc.Int64)
			out[k] = p
		}
		if mtime.Valid {
			disk[diskKey{k.path, k.size, mtime.Int64}] = p
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list known files in %s: %w", db.name(), err)
	}
	db.members[athlete] = out
	db.disk[athlete] = disk
	return out, nil
}

// memberKnown reports whether status makes a file's (path, size, crc32)
// known to KnownMember.
func memberKnown(status string) bool {
	return knownStatus(status) || status == StatusDuplicateFile
}

// Filter selects activities.
type Filter struct {
	Athlete           string   // "" = every athlete
	Since, Until      string   // local dates YYYY-MM-DD, inclusive; "" = open
	IncludeDuplicates bool     // also return activities merged into another
	WithSamples       bool     // load records into Samples
	WithLaps          bool     // load laps and workout steps
	IDs               []string // only these ids; nil = any
}

const activityColumns = `a.id, a.athlete, a.sport, a.sub_sport, a.sport_inferred, a.start_utc, a.utc_offset_s, a.time_zone, a.tz_source,
	a.elapsed_time_s, a.moving_time_s, a.distance_m, a.ascent_m, a.avg_hr, a.max_hr, a.avg_cadence, a.calories, a.device,
	a.totals_from, a.source, a.session_index, a.format, a.partial, a.partial_reason, a.flags, a.duplicate_of, a.samples,
	m.version, m.class, m.class_source, m.evidence, m.moving_time_s, m.distance_m, m.pace_s_per_km, m.avg_hr, m.max_hr,
	m.elevation_gain_m, m.hr_max_used, m.zone1_s, m.zone2_s, m.zone3_s, m.zone4_s, m.zone5_s, m.trimp`

// where builds the WHERE clause for f over activities aliased a.
func (f Filter) where() (string, []any, error) {
	var conds []string
	var args []any
	if f.Athlete != "" {
		conds = append(conds, "a.athlete = ?")
		args = append(args, f.Athlete)
	}
	for _, d := range []struct{ v, op, name string }{{f.Since, ">=", "since"}, {f.Until, "<=", "until"}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", d.v)
		if err != nil {
			return "", nil, fmt.Errorf("bad %s date %q: want YYYY-MM-DD", d.name, d.v)
		}
		conds = append(conds, "a.local_date "+d.op+" ?")
		args = append(args, t)
	}
	if !f.IncludeDuplicates {
		conds = append(conds, "a.duplicate_of IS NULL")
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			conds = append(conds, "false")
		} else {
			conds = append(conds, "a.id IN ("+strings.TrimSuffix(strings.Repeat("?,", len(f.IDs)), ",")+")")
			for _, id := range f.IDs {
				args = append(args, id)
			}
		}
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// Activities returns the activities f selects, ordered by start time, with
// Metrics filled from stored analyses when present.
func (db *DB) Activities(ctx context.Context, f Filter) ([]*analysis.Activity, error) {
	where, args, err := f.where()
	if err != nil {
		return nil, err
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+activityColumns+`
		FROM activities a LEFT JOIN analyses m ON m.activity_id = a.id`+where+` ORDER BY a.start_utc NULLS FIRST, a.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list activities in %s: %w", db.name(), err)
	}
	defer rows.Close()
	var out []*analysis.Activity
	var byID map[string]*analysis.Activity
	var samples map[string]int
	if f.WithSamples || f.WithLaps {
		byID, samples = map[string]*analysis.Activity{}, map[string]int{}
	}
	for rows.Next() {
		a, n, err := scanActivity(rows)
		if err != nil {
			return nil, fmt.Errorf("list activities in %s: %w", db.name(), err)
		}
		out = append(out, a)
		if byID != nil {
			byID[a.ID] = a
			samples[a.ID] = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list activities in %s: %w", db.name(), err)
	}
	rows.Close()
	db.activitiesRead.Add(int64(len(out)))
	if len(out) == 0 {
		return out, nil
	}
	if f.WithSamples {
		if err := db.loadSamples(ctx, where, args, byID, samples); err != nil {
			return nil, err
		}
	}
	if f.WithLaps {
		if err := db.loadLaps(ctx, where, args, byID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// scanActivity reads one row of activityColumns; n is the stored sample count.
func scanActivity(rows *sql.Rows) (a *analysis.Activity, n int, err error) {
	a = &analysis.Activity{}
	var sport, sub, tz, tzs, device, totals, source, format, preason, flags, dup sql.NullString
	var start sql.NullTime
	var f [8]sql.NullFloat64
	var version sql.NullInt64
	var class, csrc, evidence sql.NullString
	var mf [13]sql.NullFloat64
	err = rows.Scan(&a.ID, &a.Athlete, &sport, &sub, &a.SportInferred, &start, &a.UTCOffset, &tz, &tzs,
		&f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &device,
		&totals, &source, &a.SessionIndex, &format, &a.Partial, &preason, &flags, &dup, &n,
		&version, &class, &csrc, &evidence, &mf[0], &mf[1], &mf[2], &mf[3], &mf[4],
		&mf[5], &mf[6], &mf[7], &mf[8], &mf[9], &mf[10], &mf[11], &mf[12])
	if err != nil {
		return nil, 0, err
	}
	a.Sport, a.SubSport, a.TimeZone, a.TimeSource = sport.String, sub.String, tz.String, tzs.String
	a.Device, a.TotalsFrom, a.Source, a.Format = device.String, totals.String, source.String, format.String
	a.PartialReason, a.DuplicateOf = preason.String, dup.String
	if start.Valid {
		a.Start = start.Time.UTC()
	}
	if flags.String != "" {
		a.Flags = strings.Split(flags.String, ",")
	}
	a.ElapsedTime, a.MovingTime, a.Distance, a.Ascent = fromNull(f[0]), fromNull(f[1]), fromNull(f[2]), fromNull(f[3])
	a.AvgHR, a.MaxHR, a.AvgCadence, a.Calories = fromNull(f[4]), fromNull(f[5]), fromNull(f[6]), fromNull(f[7])
	if version.Valid {
		m := &analysis.Metrics{
			Version: int(version.Int64), Class: class.String, ClassSource: csrc.String, Evidence: evidence.String,
			MovingTime: fromNull(mf[0]), Distance: fromNull(mf[1]), Pace: fromNull(mf[2]), AvgHR: fromNull(mf[3]),
			MaxHR: fromNull(mf[4]), ElevationGain: fromNull(mf[5]), HRMax: fromNull(mf[6]), TRIMP: fromNull(mf[12]),
		}
		for i := range m.ZoneSeconds {
			m.ZoneSeconds[i] = fromNull(mf[7+i])
		}
		a.Metrics = m
	}
	return a, n, nil
}

func (db *DB) loadSamples(ctx context.Context, where string, args []any, byID map[string]*analysis.Activity, samplesHint map[string]int) error {
	return db.eachRecord(ctx, where, args, func(id string, s analysis.Sample) error {
		cur := byID[id]
		if cur == nil {
			return nil
		}
		if n, ok := samplesHint[id]; ok && cur.Samples == nil {
			cur.Samples = make([]analysis.Sample, 0, n)
		}
		cur.Samples = append(cur.Samples, s)
		return nil
	})
}

func (db *DB) loadLaps(ctx context.Context, where string, args []any, byID map[string]*analysis.Activity) error {
	rows, err := db.sql.QueryContext(ctx, `SELECT l.activity_id, l.start_utc, l.elapsed_time_s, l.moving_time_s, l.distance_m,
		l.intensity, l."trigger", l.avg_hr, l.max_hr, l.avg_speed
		FROM laps l WHERE l.activity_id IN (SELECT a.id FROM activities a`+where+`) ORDER BY l.activity_id, l.idx`, args...)
	if err != nil {
		return fmt.Errorf("load laps from %s: %w", db.name(), err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var start sql.NullTime
		var intensity, trigger sql.NullString
		var v [6]sql.NullFloat64
		if err := rows.Scan(&id, &start, &v[0], &v[1], &v[2], &intensity, &trigger, &v[3], &v[4], &v[5]); err != nil {
			return fmt.Errorf("load laps from %s: %w", db.name(), err)
		}
		a := byID[id]
		if a == nil {
			continue
		}
		l := analysis.Lap{ElapsedTime: fromNull(v[0]), MovingTime: fromNull(v[1]), Distance: fromNull(v[2]),
			Intensity: intensity.String, Trigger: trigger.String, AvgHR: fromNull(v[3]), MaxHR: fromNull(v[4]), AvgSpeed: fromNull(v[5])}
		if start.Valid {
			l.Start = start.Time.UTC()
		}
		a.Laps = append(a.Laps, l)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load laps from %s: %w", db.name(), err)
	}
	rows.Close()
	srows, err := db.sql.QueryContext(ctx, `SELECT s.activity_id, s.idx, s.name, s.intensity, s.duration_type, s.duration, s.repeat_from, s.repeat_count
		FROM workout_steps s WHERE s.activity_id IN (SELECT a.id FROM activities a`+where+`) ORDER BY s.activity_id, s.idx`, args...)
	if err != nil {
		return fmt.Errorf("load workout steps from %s: %w", db.name(), err)
	}
	defer srows.Close()
	for srows.Next() {
		var id string
		var st analysis.WorkoutStep
		var name, intensity, dtype sql.NullString
		var dur sql.NullFloat64
		if err := srows.Scan(&id, &st.Index, &name, &intensity, &dtype, &dur, &st.RepeatFrom, &st.RepeatCount); err != nil {
			return fmt.Errorf("load workout steps from %s: %w", db.name(), err)
		}
		st.Name, st.Intensity, st.DurationType, st.Duration = name.String, intensity.String, dtype.String, fromNull(dur)
		if a := byID[id]; a != nil {
			a.Workout = append(a.Workout, st)
		}
	}
	return srows.Err()
}

// SourceFile is one recorded input file.
type SourceFile struct {
	Athlete       string
	Path          string
	Size          int64
	SHA256        string
	Format        string
	Status        string // Status*
	Kind          string
	Reason        string
	Partial       bool
	PartialReason string
	Activities    int // activities stored from it
	ImportedAt    time.Time
}

// Explanation is why the file has its status, without the path the
// stored reasons start with: the reason, after what made it partial.
func (f SourceFile) Explanation() string {
	reason := strings.TrimPrefix(f.Reason, f.Path+": ")
	if f.Partial {
		reason = strings.TrimSpace("partial: " + strings.TrimPrefix(f.PartialReason, f.Path+": ") + " " + reason)
	}
	if reason == "" && f.Status == StatusDuplicateActivity {
		reason = "the same activity from another source is the primary (see duplicate_of in taper activities)"
	}
	return reason
}

// SourceFilter selects source files.
type SourceFilter struct {
	Athlete string   // "" = every athlete
	Status  []string // nil = any
}

// Sources returns the recorded source files f selects, in import order.
func (db *DB) Sources(ctx context.Context, f SourceFilter) ([]SourceFile, error) {
	var conds []string
	var args []any
	if f.Athlete != "" {
		conds = append(conds, "athlete = ?")
		args = append(args, f.Athlete)
	}
	if len(f.Status) > 0 {
		conds = append(conds, "status IN ("+strings.TrimSuffix(strings.Repeat("?,", len(f.Status)), ",")+")")
		for _, s := range f.Status {
			args = append(args, s)
		}
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT athlete, path, size, sha256, format, status, kind, reason, partial, partial_reason, activities, imported_at
		FROM source_files`+where+` ORDER BY imported_at, rowid`, args...)
	if err != nil {
		return nil, fmt.Errorf("list source files in %s: %w", db.name(), err)
	}
	defer rows.Close()
	var out []SourceFile
	for rows.Next() {
		var s SourceFile
		var size sql.NullInt64
		var format, kind, reason, preason sql.NullString
		if err := rows.Scan(&s.Athlete, &s.Path, &size, &s.SHA256, &format, &s.Status, &kind, &reason, &s.Partial, &preason,
			&s.Activities, &s.ImportedAt); err != nil {
			return nil, fmt.Errorf("list source files in %s: %w", db.name(), err)
		}
		s.Size, s.Format, s.Kind, s.Reason, s.PartialReason = size.Int64, format.String, kind.String, reason.String, preason.String
		s.ImportedAt = s.ImportedAt.UTC()
		out = append(out, s)
	}
	return out, rows.Err()
}

// Athletes returns the athletes' names, sorted.
func (db *DB) Athletes(ctx context.Context) ([]string, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT name FROM athletes ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list athletes in %s: %w", db.name(), err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("list athletes in %s: %w", db.name(), err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// SaveMetrics stores analysis results by activity id, replacing earlier
// ones, in one transaction (see replaceRows).
func (db *DB) SaveMetrics(ctx context.Context, metrics map[string]*analysis.Metrics) error {
	if db.readOnly {
		return fmt.Errorf("save analyses in %s: the database was opened read-only", db.name())
	}
	if len(metrics) == 0 {
		return nil
	}
	if err := db.saveMetrics(ctx, metrics); err != nil {
		return fmt.Errorf("save analyses in %s: %w", db.name(), err)
	}
	return nil
}

func (db *DB) saveMetrics(ctx context.Context, metrics map[string]*analysis.Metrics) error {
	now := db.now().UTC()
	return db.replaceRows(ctx, `CREATE TEMP TABLE IF NOT EXISTS analyses_in AS SELECT * FROM analyses LIMIT 0`, "analyses_in",
		func(app *duckdb.Appender) error {
			for id, m := range metrics {
				if m == nil {
					continue
				}
				if err := app.AppendRow(metricsRow(id, m, now)...); err != nil {
					return fmt.Errorf("activity %s: %w", id, err)
				}
			}
			return nil
		},
		`DELETE FROM analyses WHERE activity_id IN (SELECT activity_id FROM analyses_in)`,
		`INSERT INTO analyses SELECT * FROM analyses_in`)
}

// metricsRow is an analyses row of activity id.
func metricsRow(id string, m *analysis.Metrics, now time.Time) []driver.Value {
	z := m.ZoneSeconds
	return []driver.Value{id, int32(m.Version), nullString(m.Class), nullString(m.ClassSource), nullString(m.Evidence),
		nullFloat(m.MovingTime), nullFloat(m.Distance), nullFloat(m.Pace), nullFloat(m.AvgHR), nullFloat(m.MaxHR),
		nullFloat(m.ElevationGain), nullFloat(m.HRMax), nullFloat(z[0]), nullFloat(z[1]), nullFloat(z[2]), nullFloat(z[3]),
		nullFloat(z[4]), nullFloat(m.TRIMP), now}
}

// replaceRows fills the temporary table temp (created by create when
// missing, emptied first) through an Appender, then runs the statements
// that move its rows into place, in one transaction: row-by-row INSERT OR
// REPLACE is slow and, under the buffer pool limit, ran out of memory after
// about a thousand rows.
func (db *DB) replaceRows(ctx context.Context, create, temp string, fill func(*duckdb.Appender) error, stmts ...string) error {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, create+`; DELETE FROM `+temp); err != nil {
		return err
	}
	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", temp)
		if err != nil {
			return err
		}
		if err := fill(app); err != nil {
			app.Close()
			return err
		}
		return app.Close()
	})
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `BEGIN TRANSACTION`); err != nil {
		return err
	}
	for _, q := range append(stmts, `COMMIT`) {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			// The transaction may be aborted already; ROLLBACK only tidies up.
			conn.ExecContext(context.Background(), `ROLLBACK`)
			return err
		}
	}
	return nil
}

// ForgetAthleteIfEmpty removes an athlete that has nothing stored (no
// files, activities or race mark), e.g. after an import that found no
// files, so a typo in --athlete does not stay on every roster.
func (db *DB) ForgetAthleteIfEmpty(ctx context.Context, athlete string) error {
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM athletes WHERE name = ?
		AND NOT EXISTS (SELECT 1 FROM source_files WHERE athlete = ?)
		AND NOT EXISTS (SELECT 1 FROM activities WHERE athlete = ?)
		AND NOT EXISTS (SELECT 1 FROM race_marks WHERE athlete = ?)`, athlete, athlete, athlete, athlete); err != nil {
		return fmt.Errorf("forget athlete %s in %s: %w", athlete, db.name(), err)
	}
	return nil
}

// ClearRace removes the athlete's race mark: the race is found by distance
// again.
func (db *DB) ClearRace(ctx context.Context, athlete string) error {
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM race_marks WHERE athlete = ?`, athlete); err != nil {
		return fmt.Errorf("clear race mark in %s: %w", db.name(), err)
	}
	return nil
}

// MarkRace records the athlete's race: an activity id, or a local date
// (YYYY-MM-DD), or both; it replaces an earlier mark. An unknown activity
// id is an error.
func (db *DB) MarkRace(ctx context.Context, athlete, activityID, date string) error {
	if activityID == "" && date == "" {
		return errors.New("mark race: give an activity id or a date")
	}
	var day any
	if date != "" {
		t, err := time.Parse("2006-01-02", date)
		if err != nil {
			return fmt.Errorf("mark race: bad date %q: want YYYY-MM-DD", date)
		}
		day = t
	}
	if activityID != "" {
		var n int
		if err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM activities WHERE athlete = ? AND id = ?`, athlete, activityID).Scan(&n); err != nil {
			return fmt.Errorf("mark race in %s: %w", db.name(), err)
		}
		if n == 0 {
			return fmt.Errorf("mark race: athlete %s has no activity %s; list them with taper activities --athlete %s", athlete, activityID, athlete)
		}
	}
	if _, err := db.sql.ExecContext(ctx, `INSERT OR IGNORE INTO athletes (name, created) VALUES (?, ?)`, athlete, db.now().UTC()); err != nil {
		return fmt.Errorf("mark race in %s: %w", db.name(), err)
	}
	if _, err := db.sql.ExecContext(ctx, `INSERT OR REPLACE INTO race_marks (athlete, activity_id, race_date, marked_at) VALUES (?, ?, ?, ?)`,
		athlete, nullString(activityID), day, db.now().UTC()); err != nil {
		return fmt.Errorf("mark race in %s: %w", db.name(), err)
	}
	return nil
}

// RaceMark returns the athlete's marked race ("" for what is not marked).
func (db *DB) RaceMark(ctx context.Context, athlete string) (activityID, date string, err error) {
	var id sql.NullString
	var day sql.NullTime
	err = db.sql.QueryRowContext(ctx, `SELECT activity_id, race_date FROM race_marks WHERE athlete = ?`, athlete).Scan(&id, &day)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("read race mark in %s: %w", db.name(), err)
	}
	if day.Valid {
		date = day.Time.UTC().Format("2006-01-02")
	}
	return id.String, date, nil
}

// EachWithSamples calls fn with each activity of f, its samples and laps
// loaded, holding one activity's samples at a time. The records are read in
// one pass over the records table, whatever the number of activities (a
// read by ids scans the table once per call), so it suits reanalysing a
// whole history. The order is the records' insertion order, then the
// activities without records.
func (db *DB) EachWithSamples(ctx context.Context, f Filter, fn func(*analysis.Activity) error) error {
	f.WithSamples, f.WithLaps = false, true
	acts, err := db.Activities(ctx, f)
	if err != nil || len(acts) == 0 {
		return err
	}
	byID := make(map[string]*analysis.Activity, len(acts))
	for _, a := range acts {
		byID[a.ID] = a
	}
	where, args, err := f.where()
	if err != nil {
		return err
	}
	done := make(map[string]bool, len(acts))
	emit := func(a *analysis.Activity) error {
		if a == nil {
			return nil
		}
		if done[a.ID] {
			return fmt.Errorf("load records from %s: the records of activity %s are not stored together; run taper reanalyze again after the next import", db.name(), a.ID)
		}
		done[a.ID] = true
		err := fn(a)
		a.Samples = nil // one activity's samples at a time
		return err
	}
	var cur *analysis.Activity
	last := ""
	err = db.eachRecord(ctx, where, args, func(id string, s analysis.Sample) error {
		if id != last {
			if err := emit(cur); err != nil {
				return err
			}
			cur, last = byID[id], id
		}
		if cur != nil {
			cur.Samples = append(cur.Samples, s)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := emit(cur); err != nil {
		return err
	}
	for _, a := range acts {
		if !done[a.ID] {
			if err := emit(a); err != nil {
				return err
			}
		}
	}
	return nil
}

// RaceMarks returns every athlete's race mark (see RaceMark), by athlete,
// in one query.
func (db *DB) RaceMarks(ctx context.Context) (map[string][2]string, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT athlete, activity_id, race_date FROM race_marks`)
	if err != nil {
		return nil, fmt.Errorf("read race marks in %s: %w", db.name(), err)
	}
	defer rows.Close()
	out := map[string][2]string{}
	for rows.Next() {
		var athlete string
		var id sql.NullString
		var day sql.NullTime
		if err := rows.Scan(&athlete, &id, &day); err != nil {
			return nil, fmt.Errorf("read race marks in %s: %w", db.name(), err)
		}
		date := ""
		if day.Valid {
			date = day.Time.UTC().Format("2006-01-02")
		}
		out[athlete] = [2]string{id.String, date}
	}
	return out, rows.Err()
}
