package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/taper-run/taper/analysis"
)

// Source file statuses (defined in analysis).
const (
	StatusImported          = analysis.FileImported          // at least one activity is a primary
	StatusDuplicateFile     = analysis.FileDuplicateFile     // the same bytes were already imported
	StatusDuplicateActivity = analysis.FileDuplicateActivity // every activity is a duplicate of another source's
	StatusSkipped           = analysis.FileSkipped           // not an activity file (Kind says what)
	StatusRejected          = analysis.FileRejected          // nothing usable (Reason says why)
)

// Batch limits: a Writer commits after this many files or records, so memory
// stays flat whatever the size of the export.
const (
	batchFiles   = 64
	batchRecords = 250_000
)

// FileResult is what ingest made of one input file, for Writer.Add.
type FileResult struct {
	Path          string    // as given; inside an archive "outer.zip!inner/path.fit"
	Size          int64     // bytes
	SHA256        string    // hex sha256 of the file's bytes
	CRC32         uint32    // CRC-32 (IEEE) of the file's bytes (ingest.Entry.CRC32), for KnownMember
	ModTime       time.Time // modification time of a file read from disk (ingest.Entry.ModTime), for KnownDiskFile; zero otherwise
	Format        string    // "fit", "gpx", or the skipped type
	Status        string    // Status*; "" means imported when there are activities, else rejected
	Kind          string    // for skipped files: what it was, e.g. "fit:monitoring"
	Reason        string    // for rejected (or skipped) files: why, for a person
	Partial       bool
	PartialReason string
	Activities    []*analysis.Activity
	// Summaries are the activities' summaries (analysis.NewSummary of the
	// quantized samples, see Quantize), by index in Activities; a missing
	// one is made by Add. Making them where the files are decoded, in
	// parallel, spares the single writer the work.
	Summaries []*analysis.Summary
	// Records are the activities' records in the table's columns
	// (PrepareRecords), by index in Activities, made where the files are
	// decoded; with them the activities may come without their samples.
	Records []*Prepared
}

// Merge is one duplicate activity and the primary it was merged into.
type Merge struct {
	Duplicate, Primary             string // activity ids
	DuplicateSource, PrimarySource string // their source paths
}

// String describes the merge for a person: "phone.gpx -> watch.fit".
func (m Merge) String() string {
	return m.DuplicateSource + " -> " + m.PrimarySource + " (" + m.Duplicate + " duplicate of " + m.Primary + ")"
}

// Rejection is a rejected file and why.
type Rejection struct {
	Path, Reason string
}

// Summary is what a Writer did.
type Summary struct {
	Files         int            // FileResults added
	ByStatus      map[string]int // files by Status*
	SkippedByKind map[string]int // skipped files by Kind
	Activities    int            // activities stored (primaries and duplicates)
	Records       int            // records (samples) stored
	Partial       int            // files stored partially
	Merged        []Merge        // duplicates found in this import, by duplicate id
	Rejected      []Rejection    // in the order added
	AlreadyKnown  int            // files whose path and bytes were already recorded: nothing stored
}

// Writer stores import results for one athlete in batches: records go
// through DuckDB's Appender, and each batch (its records, laps, activities
// and source files) is committed in one transaction, so a crash leaves only
// whole activities and whole files. Add calls must not be concurrent.
type Writer struct {
	db      *DB
	ctx     context.Context
	athlete string
	conn    *sql.Conn
	err     error // sticky: once a batch failed, the Writer refuses more

	seen map[string]bool // path\x00sha256 already recorded for the athlete
	// noCRC: path\x00sha256 -> status of recorded rows without a crc32
	// (written before migration 0002); adding the file again fills it in.
	noCRC map[string]string
	// mtimes: path\x00sha256 -> recorded mtime_ns (0 when NULL) of rows
	// with a status that makes them known; adding the file again with
	// another modification time (touched, copied) records the new one.
	mtimes map[string]recorded
	fills  []crcFill       // pending crc32 and mtime fill-ins of this batch
	known  map[string]bool // sha256 whose content is stored (imported, duplicate_activity, skipped)
	prims  map[int64][]*primary

	inTx           bool
	recs           []activityRecords // the batch's records, inserted at flush
	sums           []summaryRow      // the batch's summaries
	last           bases             // the last stored t and distance (see Prepared.nextBases)
	lap, step      *duckdb.Appender
	acts           []*analysis.Activity // pending activity rows (no samples, laps or workout)
	actMeta        map[string]actMeta
	files          []sourceRow
	demoted        []demotion // DB primaries that became duplicates in this batch
	pendingRecords int
	summary        Summary
	mergeIdx       map[string]int    // duplicate id -> index in summary.Merged
	fileStatus     map[string]string // sha256 -> status of files added to this Writer
	maxFiles       int               // batch limits: batchFiles, batchRecords (smaller in tests)
	maxRecords     int
}

type actMeta struct {
	channels, samples int
	sha               string
	key               int32     // activities.key
	t0                time.Time // activities.t0: the records' time base
	bases             bases     // activities.t_base, distance_base
	// metrics are what the activity came with (an import's preliminary
	// metrics, analysis.PreliminaryMetrics): stored with it, in its batch.
	metrics *analysis.Metrics
}

type primary struct {
	a        *analysis.Activity // light copy: no samples
	channels int
	samples  int // stored samples (see analysis.PreferPrimary)
	inDB     bool
	sha      string
}

type demotion struct{ old, new, sha string }

type summaryRow struct {
	key, version, analysis int32
	data                   []byte
}

// crcFill sets the crc32 of a row recorded without one, and the mtime_ns
// of a row recorded without it or with another one.
type crcFill struct {
	f      FileResult
	status string // the row's status
}

// recorded is what the Writer knows of a source_files row with a status
// that makes its file known.
type recorded struct {
	mtime  int64 // mtime_ns, 0 when NULL
	status string
}

type sourceRow struct {
	f      FileResult
	status string
	n      int
}

// startBucket groups activities by start time for duplicate lookups.
func startBucket(t time.Time) int64 { return t.Unix() / analysis.DupStartWindow }

// NewWriter starts an import for athlete (created if new).
func (db *DB) NewWriter(ctx context.Context, athlete string) (*Writer, error) {
	if db.readOnly {
		return nil, fmt.Errorf("import into %s: the database was opened read-only", db.name())
	}
	if athlete == "" {
		return nil, errors.New("import: empty athlete name; pass --athlete NAME")
	}
	if _, err := db.sql.ExecContext(ctx, `INSERT OR IGNORE INTO athletes (name, created) VALUES (?, ?)`, athlete, db.now().UTC()); err != nil {
		return nil, fmt.Errorf("import into %s: add athlete %s: %w", db.name(), athlete, err)
	}
	w := &Writer{
		db: db, ctx: ctx, athlete: athlete,
		seen: map[string]bool{}, noCRC: map[string]string{}, mtimes: map[string]recorded{}, known: map[string]bool{}, prims: map[int64][]*primary{},
		actMeta: map[string]actMeta{}, mergeIdx: map[string]int{}, fileStatus: map[string]string{},
		maxFiles: batchFiles, maxRecords: batchRecords,
		summary: Summary{ByStatus: map[string]int{}, SkippedByKind: map[string]int{}},
	}
	if err := w.load(ctx); err != nil {
		return nil, fmt.Errorf("import into %s: %w", db.name(), err)
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("import into %s: %w", db.name(), err)
	}
	w.conn = conn
	return w, nil
}

// load reads what the writer must know of the athlete's existing data: the
// recorded files and the primaries (for duplicate detection).
func (w *Writer) load(ctx context.Context) error {
	rows, err := w.db.sql.QueryContext(ctx, `SELECT path, sha256, status, crc32 IS NULL, coalesce(mtime_ns, 0) FROM source_files WHERE athlete = ?`, w.athlete)
	if err != nil {
		return err
	}
	for rows.Next() {
		var path, sha, status string
		var noCRC bool
		var mtime int64
		if err := rows.Scan(&path, &sha, &status, &noCRC, &mtime); err != nil {
			rows.Close()
			return err
		}
		w.seen[path+"\x00"+sha] = true
		if noCRC {
			w.noCRC[path+"\x00"+sha] = status
		}
		if memberKnown(status) {
			w.mtimes[path+"\x00"+sha] = recorded{mtime, status}
		}
		if knownStatus(status) {
			w.known[sha] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = w.db.sql.QueryContext(ctx, `SELECT id, sport, sport_inferred, start_utc, moving_time_s, distance_m, format, channels, samples, source, source_sha256
		FROM activities WHERE athlete = ? AND duplicate_of IS NULL AND start_utc IS NOT NULL`, w.athlete)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		a := &analysis.Activity{Athlete: w.athlete}
		var sport, format, source, sha sql.NullString
		var moving, dist sql.NullFloat64
		var ch, n int
		if err := rows.Scan(&a.ID, &sport, &a.SportInferred, &a.Start, &moving, &dist, &format, &ch, &n, &source, &sha); err != nil {
			return err
		}
		a.Sport, a.Format, a.Source = sport.String, format.String, source.String
		a.MovingTime, a.Distance = fromNull(moving), fromNull(dist)
		w.addPrimary(&primary{a: a, channels: ch, samples: n, inDB: true, sha: sha.String})
		w.db.activitiesRead.Add(1)
	}
	return rows.Err()
}

func knownStatus(s string) bool {
	return s == StatusImported || s == StatusDuplicateActivity || s == StatusSkipped
}

func (w *Writer) addPrimary(p *primary) {
	b := startBucket(p.a.Start)
	w.prims[b] = append(w.prims[b], p)
}

func (w *Writer) removePrimary(p *primary) {
	b := startBucket(p.a.Start)
	list := w.prims[b]
	for i, q := range list {
		if q == p {
			w.prims[b] = append(list[:i], list[i+1:]...)
			return
		}
	}
}

// findPrimary returns a primary that is the same activity as a, or nil.
func (w *Writer) findPrimary(a *analysis.Activity) *primary {
	if a.Start.IsZero() {
		return nil
	}
	b := startBucket(a.Start)
	for k := b - 1; k <= b+1; k++ {
		for _, p := range w.prims[k] {
			if analysis.SameActivity(p.a, a) {
				return p
			}
		}
	}
	return nil
}

// Add stores one file's result. Activities get their ID (when empty),
// Athlete and DuplicateOf set, and their samples quantized in place (see
// Quantize) unless f.Summaries has theirs. A file whose bytes are already stored becomes
// duplicate_file; a file already recorded under the same path and bytes is
// counted but stores nothing new, so re-importing an export adds no rows.
func (w *Writer) Add(f FileResult) error {
	if w.err != nil {
		return w.err
	}
	if err := w.ctx.Err(); err != nil {
		return w.fail(err)
	}
	status := f.Status
	if status == "" {
		status = StatusRejected
		if len(f.Activities) > 0 {
			status = StatusImported
		}
	}
	if (status == StatusImported || status == StatusDuplicateActivity) && w.known[f.SHA256] {
		status = StatusDuplicateFile
	}
	w.summary.Files++
	w.summary.ByStatus[status]++
	switch status {
	case StatusSkipped:
		w.summary.SkippedByKind[f.Kind]++
	case StatusRejected:
		w.summary.Rejected = append(w.summary.Rejected, Rejection{Path: f.Path, Reason: f.Reason})
	}
	key := f.Path + "\x00" + f.SHA256
	if w.seen[key] {
		w.summary.AlreadyKnown++
		st, noCRC := w.noCRC[key]
		rec, known := w.mtimes[key]
		newMtime := known && !f.ModTime.IsZero() && f.ModTime.UnixNano() != rec.mtime
		if noCRC || newMtime {
			delete(w.noCRC, key)
			if newMtime {
				w.mtimes[key] = recorded{f.ModTime.UnixNano(), rec.status}
				st = rec.status
			}
			if err := w.begin(); err != nil {
				return w.fail(err)
			}
			w.fills = append(w.fills, crcFill{f: f, status: st})
			return w.flushIfFull()
		}
		return nil
	}
	w.seen[key] = true
	if err := w.begin(); err != nil {
		return w.fail(err)
	}
	n := 0
	if status == StatusImported || status == StatusDuplicateActivity {
		dups := 0
		for i, a := range f.Activities {
			var sum *analysis.Summary
			if i < len(f.Summaries) {
				sum = f.Summaries[i]
			}
			var prep *Prepared
			if i < len(f.Records) {
				prep = f.Records[i]
			}
			if err := w.addActivity(f, a, sum, prep); err != nil {
				return w.fail(fmt.Errorf("%s: %w", f.Path, err))
			}
			n++
			if a.DuplicateOf != "" {
				dups++
			}
		}
		if n > 0 && dups == n && status == StatusImported {
			w.summary.ByStatus[status]--
			status = StatusDuplicateActivity
			w.summary.ByStatus[status]++
		}
		if f.Partial {
			w.summary.Partial++
		}
	}
	if knownStatus(status) {
		w.known[f.SHA256] = true
	}
	if status != StatusDuplicateFile {
		w.fileStatus[f.SHA256] = status
	}
	w.files = append(w.files, sourceRow{f: f, status: status, n: n})
	return w.flushIfFull()
}

// flushIfFull commits the batch when it reached a limit.
func (w *Writer) flushIfFull() error {
	if len(w.files)+len(w.fills) >= w.maxFiles || w.pendingRecords >= w.maxRecords {
		if err := w.flush(); err != nil {
			return w.fail(err)
		}
	}
	return nil
}

func (w *Writer) fail(err error) error {
	if w.inTx {
		w.rollback()
	}
	w.err = fmt.Errorf("import into %s: %w", w.db.name(), err)
	return w.err
}

// addActivity appends a's records (prep, or made here from a's samples
// when nil), laps and workout steps and queues its row and summary (sum, or
// made here when nil).
func (w *Writer) addActivity(f FileResult, a *analysis.Activity, sum *analysis.Summary, prep *Prepared) error {
	if prep == nil {
		if sum == nil {
			Quantize(a)
		}
		prep = PrepareRecords(a)
	}
	if a.ID == "" {
		a.ID = analysis.ActivityID(w.athlete, f.SHA256, a.SessionIndex)
	}
	a.Athlete = w.athlete
	if a.Source == "" {
		a.Source = f.Path
	}
	if a.Format == "" {
		a.Format = f.Format
	}
	if _, dup := w.actMeta[a.ID]; dup {
		return fmt.Errorf("two sessions with index %d", a.SessionIndex)
	}
	ch, n := prep.channels, prep.cols.len()
	a.DuplicateOf = ""
	light := lightCopy(a)
	if p := w.findPrimary(a); p != nil {
		prim, _ := analysis.PreferPrimary(p.a, p.channels, p.samples, light, ch, n)
		if prim == p.a {
			a.DuplicateOf = p.a.ID
			light.DuplicateOf = p.a.ID
			w.merged(light, p.a)
		} else {
			// The new recording is better: the old primary and everything
			// merged into it now point to the new one.
			w.removePrimary(p)
			w.repoint(p.a.ID, a.ID)
			if p.inDB {
				w.demoted = append(w.demoted, demotion{old: p.a.ID, new: a.ID, sha: p.sha})
			}
			w.merged(p.a, light)
			w.addPrimary(&primary{a: light, channels: ch, samples: n, sha: f.SHA256})
		}
	} else {
		w.addPrimary(&primary{a: light, channels: ch, samples: n, sha: f.SHA256})
	}
	key, err := w.db.nextKeys(w.ctx, 1)
	if err != nil {
		return err
	}
	t0 := prep.t0
	b := prep.nextBases(&w.last)
	w.recs = append(w.recs, activityRecords{key: key, b: b, p: prep})
	if sum == nil {
		sum = analysis.NewSummary(a)
	}
	data, err := sum.MarshalBinary()
	if err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	w.sums = append(w.sums, summaryRow{key: key, version: int32(sum.Version), analysis: int32(sum.Analysis), data: data})
	for i := range a.Laps {
		l := &a.Laps[i]
		if err := w.lap.AppendRow(a.ID, int32(i), nullTime(l.Start), nullFloat(l.ElapsedTime), nullFloat(l.MovingTime),
			nullFloat(l.Distance), nullString(l.Intensity), nullString(l.Trigger), nullFloat(l.AvgHR), nullFloat(l.MaxHR),
			nullFloat(l.AvgSpeed)); err != nil {
			return fmt.Errorf("append lap %d: %w", i, err)
		}
	}
	for i := range a.Workout {
		s := &a.Workout[i]
		if err := w.step.AppendRow(a.ID, int32(s.Index), nullString(s.Name), nullString(s.Intensity), nullString(s.DurationType),
			nullFloat(s.Duration), int32(s.RepeatFrom), int32(s.RepeatCount)); err != nil {
			return fmt.Errorf("append workout step %d: %w", i, err)
		}
	}
	w.acts = append(w.acts, light)
	w.actMeta[a.ID] = actMeta{channels: ch, samples: n, sha: f.SHA256, key: key, t0: t0, bases: b, metrics: a.Metrics}
	w.pendingRecords += n
	w.summary.Activities++
	w.summary.Records += n
	return nil
}

// lightCopy is a without its samples, laps and workout.
func lightCopy(a *analysis.Activity) *analysis.Activity {
	c := *a
	c.Samples, c.Laps, c.Workout, c.Metrics = nil, nil, nil, nil
	return &c
}

// merged records in the summary that dup was merged into prim.
func (w *Writer) merged(dup, prim *analysis.Activity) {
	m := Merge{Duplicate: dup.ID, Primary: prim.ID, DuplicateSource: dup.Source, PrimarySource: prim.Source}
	if i, ok := w.mergeIdx[dup.ID]; ok {
		w.summary.Merged[i] = m
		return
	}
	w.mergeIdx[dup.ID] = len(w.summary.Merged)
	w.summary.Merged = append(w.summary.Merged, m)
}

// repoint makes pending activities (and summary entries) that point to (or
// are) old point to new.
func (w *Writer) repoint(old, new string) {
	for _, a := range w.acts {
		if a.ID == old || a.DuplicateOf == old {
			a.DuplicateOf = new
		}
	}
	for i := range w.summary.Merged {
		if w.summary.Merged[i].Primary == old {
			w.summary.Merged[i].Primary = new
		}
	}
}

// begin opens a batch transaction and its appenders.
func (w *Writer) begin() error {
	if w.inTx {
		return nil
	}
	if err := w.db.registerBulk(w.ctx, w.conn); err != nil {
		return fmt.Errorf("register taper_samples: %w", err)
	}
	if _, err := w.conn.ExecContext(w.ctx, `BEGIN TRANSACTION`); err != nil {
		return err
	}
	w.inTx = true
	return w.conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return errors.New("unexpected driver connection")
		}
		var err error
		if w.lap, err = duckdb.NewAppenderFromConn(c, "", "laps"); err != nil {
			return fmt.Errorf("laps appender: %w", err)
		}
		if w.step, err = duckdb.NewAppenderFromConn(c, "", "workout_steps"); err != nil {
			return fmt.Errorf("workout_steps appender: %w", err)
		}
		return nil
	})
}

// closeAppenders flushes and closes the batch's appenders.
func (w *Writer) closeAppenders() error {
	var errs []error
	for _, a := range []**duckdb.Appender{&w.lap, &w.step} {
		if *a != nil {
			errs = append(errs, (*a).Close())
			*a = nil
		}
	}
	return errors.Join(errs...)
}

func (w *Writer) rollback() {
	w.closeAppenders()
	// A failed transaction may already be aborted; the error says nothing new.
	w.conn.ExecContext(context.Background(), `ROLLBACK`)
	w.inTx = false
	w.resetBatch()
}

func (w *Writer) resetBatch() {
	w.acts = w.acts[:0]
	w.files = w.files[:0]
	w.demoted = w.demoted[:0]
	w.fills = w.fills[:0]
	clear(w.actMeta)
	clear(w.recs)
	w.recs = w.recs[:0]
	w.sums = w.sums[:0]
	w.pendingRecords = 0
}

// flush commits the pending batch: records, laps and steps (already
// appended), then the activity and source file rows, in one transaction.
func (w *Writer) flush() error {
	if !w.inTx {
		return nil
	}
	if err := w.closeAppenders(); err != nil {
		return fmt.Errorf("flush laps: %w", err)
	}
	if err := insertSamples(w.ctx, w.conn, w.recs); err != nil {
		return fmt.Errorf("write records: %w", err)
	}
	// A pending primary may have become a duplicate since its file was added.
	hasPrimary := map[string]bool{}
	for _, a := range w.acts {
		if a.DuplicateOf == "" {
			hasPrimary[w.actMeta[a.ID].sha] = true
		}
	}
	for i := range w.files {
		r := &w.files[i]
		if r.n > 0 && r.status == StatusImported && !hasPrimary[r.f.SHA256] {
			w.setStatus(r.f.SHA256, StatusDuplicateActivity)
			r.status = StatusDuplicateActivity
		}
	}
	// The activities' metrics go in with them: an interrupted import leaves
	// no activity without its preliminary metrics (nor metrics left over
	// from an activity removed before: none are expected).
	var withMetrics []any
	for _, a := range w.acts {
		if w.actMeta[a.ID].metrics != nil {
			withMetrics = append(withMetrics, a.ID)
		}
	}
	if len(withMetrics) > 0 {
		if _, err := w.conn.ExecContext(w.ctx, `DELETE FROM analyses WHERE activity_id IN (?`+strings.Repeat(", ?", len(withMetrics)-1)+`)`,
			withMetrics...); err != nil {
			return fmt.Errorf("write batch: %w", err)
		}
	}
	err := w.conn.Raw(func(dc any) error {
		c := dc.(driver.Conn)
		if len(withMetrics) > 0 {
			an, err := duckdb.NewAppenderFromConn(c, "", "analyses")
			if err != nil {
				return err
			}
			now := w.db.now().UTC()
			for _, a := range w.acts {
				if m := w.actMeta[a.ID].metrics; m != nil {
					if err := an.AppendRow(metricsRow(a.ID, m, now)...); err != nil {
						an.Close()
						return fmt.Errorf("analysis of %s: %w", a.ID, err)
					}
				}
			}
			if err := an.Close(); err != nil {
				return err
			}
		}
		app, err := duckdb.NewAppenderFromConn(c, "", "activities")
		if err != nil {
			return err
		}
		for _, a := range w.acts {
			m := w.actMeta[a.ID]
			if err := app.AppendRow(activityRow(a, m)...); err != nil {
				app.Close()
				return fmt.Errorf("activity %s (%s): %w", a.ID, a.Source, err)
			}
		}
		if err := app.Close(); err != nil {
			return err
		}
		sums, err := duckdb.NewAppenderFromConn(c, "", "summaries_recent")
		if err != nil {
			return err
		}
		for _, s := range w.sums {
			if err := sums.AppendRow(s.key, s.version, s.analysis, s.data); err != nil {
				sums.Close()
				return fmt.Errorf("summary: %w", err)
			}
		}
		if err := sums.Close(); err != nil {
			return err
		}
		src, err := duckdb.NewAppenderFromConn(c, "", "source_files")
		if err != nil {
			return err
		}
		now := w.db.now().UTC()
		for _, r := range w.files {
			f := r.f
			if err := src.AppendRow(w.athlete, f.Path, f.Size, f.SHA256, nullString(f.Format), r.status, nullString(f.Kind),
				nullString(f.Reason), f.Partial, nullString(f.PartialReason), int32(r.n), now, f.CRC32, nullMtime(f.ModTime)); err != nil {
				src.Close()
				return fmt.Errorf("source file %s: %w", f.Path, err)
			}
		}
		return src.Close()
	})
	if err != nil {
		return fmt.Errorf("write batch: %w", err)
	}
	for _, d := range w.demoted {
		if _, err := w.conn.ExecContext(w.ctx, `UPDATE activities SET duplicate_of = ? WHERE athlete = ? AND (id = ? OR duplicate_of = ?)`,
			d.new, w.athlete, d.old, d.old); err != nil {
			return fmt.Errorf("mark %s as duplicate of %s: %w", d.old, d.new, err)
		}
		res, err := w.conn.ExecContext(w.ctx, `UPDATE source_files SET status = 'duplicate_activity'
			WHERE athlete = ? AND sha256 = ? AND status = 'imported'
			AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.athlete = ? AND a.source_sha256 = ? AND a.duplicate_of IS NULL)`,
			w.athlete, d.sha, w.athlete, d.sha)
		if err != nil {
			return fmt.Errorf("update status of the file of %s: %w", d.old, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			w.setStatus(d.sha, StatusDuplicateActivity)
		}
	}
	if err := w.fillCRCs(); err != nil {
		return err
	}
	if _, err := w.conn.ExecContext(w.ctx, `COMMIT`); err != nil {
		return fmt.Errorf("commit batch: %w", err)
	}
	w.inTx = false
	shas := map[string]Prior{}
	members := map[memberKey]Prior{}
	disk := map[diskKey]Prior{}
	for _, r := range w.files {
		if knownStatus(r.status) {
			keepPrior(shas, r.f.SHA256, Prior{Status: r.status, Kind: r.f.Kind})
		}
		if memberKnown(r.status) {
			members[memberKey{r.f.Path, r.f.Size, r.f.CRC32}] = Prior{Status: r.status, Kind: r.f.Kind}
			if !r.f.ModTime.IsZero() {
				disk[diskKey{r.f.Path, r.f.Size, r.f.ModTime.UnixNano()}] = Prior{Status: r.status, Kind: r.f.Kind}
			}
		}
	}
	for _, fl := range w.fills {
		if memberKnown(fl.status) {
			members[memberKey{fl.f.Path, fl.f.Size, fl.f.CRC32}] = Prior{Status: fl.status, Kind: fl.f.Kind}
			if !fl.f.ModTime.IsZero() {
				disk[diskKey{fl.f.Path, fl.f.Size, fl.f.ModTime.UnixNano()}] = Prior{Status: fl.status, Kind: fl.f.Kind}
			}
		}
	}
	w.db.addKnown(w.athlete, shas, members, disk)
	// Once committed, pending primaries are in the database.
	for _, list := range w.prims {
		for _, p := range list {
			p.inDB = true
		}
	}
	w.resetBatch()
	return nil
}

// fillCRCs sets the crc32 (and size) of the batch's rows recorded without
// one, and the mtime_ns of those read from disk, in one statement.
func (w *Writer) fillCRCs() error {
	if len(w.fills) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString(`UPDATE source_files AS s SET crc32 = v.crc, size = v.size, mtime_ns = coalesce(v.mtime, s.mtime_ns) FROM (VALUES `)
	args := make([]any, 0, 4*len(w.fills)+1)
	for i, fl := range w.fills {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?::BIGINT, ?::UINTEGER, ?::BIGINT)")
		args = append(args, fl.f.Path, fl.f.SHA256, fl.f.Size, fl.f.CRC32, nullMtime(fl.f.ModTime))
	}
	// The same path and sha256 are the same bytes: their size and crc32
	// cannot differ from what a row already has.
	q.WriteString(`) AS v(path, sha, size, crc, mtime) WHERE s.athlete = ? AND s.path = v.path AND s.sha256 = v.sha`)
	args = append(args, w.athlete)
	if _, err := w.conn.ExecContext(w.ctx, q.String(), args...); err != nil {
		return fmt.Errorf("record crc-32 and modification time of %d files imported before: %w", len(w.fills), err)
	}
	return nil
}

// setStatus moves a file added to this Writer to another status in the
// summary's counts.
func (w *Writer) setStatus(sha, status string) {
	old, ok := w.fileStatus[sha]
	if !ok || old == status {
		return
	}
	w.summary.ByStatus[old]--
	w.summary.ByStatus[status]++
	w.fileStatus[sha] = status
}

// activityRow is a's row in activities, in column order.
func activityRow(a *analysis.Activity, m actMeta) []driver.Value {
	var local any
	if !a.Start.IsZero() {
		ls := a.LocalStart()
		local = time.Date(ls.Year(), ls.Month(), ls.Day(), 0, 0, 0, 0, time.UTC)
	}
	return []driver.Value{
		a.ID, a.Athlete, nullString(a.Sport), nullString(a.SubSport), a.SportInferred,
		nullTime(a.Start), int32(a.UTCOffset), nullString(a.TimeZone), nullString(a.TimeSource), local,
		nullFloat(a.ElapsedTime), nullFloat(a.MovingTime), nullFloat(a.Distance), nullFloat(a.Ascent),
		nullFloat(a.AvgHR), nullFloat(a.MaxHR), nullFloat(a.AvgCadence), nullFloat(a.Calories),
		nullString(a.Device), nullString(a.TotalsFrom), nullString(a.Source), nullString(m.sha),
		int32(a.SessionIndex), nullString(a.Format), a.Partial, nullString(a.PartialReason),
		nullString(strings.Join(a.Flags, ",")), int32(m.channels), int32(m.samples), nullString(a.DuplicateOf),
		m.key, nullTime(m.t0), m.bases.t, m.bases.distance,
	}
}

// Close commits what is pending and returns the summary. Merged is sorted
// by duplicate id.
func (w *Writer) Close() (Summary, error) {
	if w.conn == nil {
		return w.summary, w.err
	}
	defer func() {
		w.conn.Close()
		w.conn = nil
	}()
	if w.err != nil {
		return w.summary, w.err
	}
	if err := w.flush(); err != nil {
		w.fail(err)
		return w.summary, w.err
	}
	w.db.settle(w.ctx)
	sort.Slice(w.summary.Merged, func(i, j int) bool { return w.summary.Merged[i].Duplicate < w.summary.Merged[j].Duplicate })
	return w.summary, nil
}

func nullFloat(v float64) driver.Value {
	if !analysis.Has(v) {
		return nil
	}
	return v
}

func nullString(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(t time.Time) driver.Value {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func fromNull(v sql.NullFloat64) float64 {
	if !v.Valid {
		return analysis.Missing()
	}
	return v.Float64
}

// nullMtime is a modification time as source_files.mtime_ns stores it:
// Unix nanoseconds, NULL when unknown (archive members).
func nullMtime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}
