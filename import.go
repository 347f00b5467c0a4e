package taper

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/ingest"
	"github.com/taper-run/taper/store"
)

// ImportOptions say what to import for whom.
type ImportOptions struct {
	Athlete string
	Inputs  []string // files, folders, .gz files and export zips
	Jobs    int      // files decoded in parallel; below 1 means 1
	// BudgetBytes bounds the memory held by files read but not yet stored
	// and their decoded activities (ingest.Budget); 0 means
	// ingest.DefaultBudgetBytes.
	BudgetBytes int64
	// Zone is the time zone of files that carry none; nil = UTC.
	Zone     *time.Location
	Settings analysis.Settings // the athlete's effective settings
	// DryRun decodes only: nothing is written, and db may be nil.
	DryRun bool
	// Exclude are files never read as input, besides the database's own
	// (e.g. the database a dry run would write).
	Exclude []string
	Now     func() time.Time // nil: time.Now
	// Progress, when set, is called after each file (from one goroutine),
	// and once more with Done set when every file is read. Setting it also
	// counts the inputs' files in the background for Total.
	Progress func(ImportProgress)
	// AfterFile, when set, is called with the number of files handed to
	// the store so far, after each one: a test hook (e.g. to kill the
	// process at a given file, whatever the machine's speed).
	AfterFile func(files int64)
}

// ImportProgress is how far an import has got.
type ImportProgress struct {
	Files, Bytes int64
	Total        int64 // files in the inputs once counted; 0 = not known (yet)
	Done         bool
	// Reading is a big file being read as a stream (an Apple Health
	// export.xml, several GB after years) and ReadingBytes how much of it
	// is read; Bytes counts them too.
	Reading      string
	ReadingBytes int64
}

// ImportResult is what an import did.
type ImportResult struct {
	Files, Bytes  int64
	ByStatus      map[string]int // files by the decoder's status (see Summary for the store's)
	SkippedByKind map[string]int // skipped files by kind (monitoring, settings...)
	Partial       []string       // "path: reason" of files read in part
	Rejected      []string       // why each rejected file was refused
	Activities    int            // activities decoded
	// ByFormat counts the new primary activities by the format they came
	// from: fit, gpx, tcx, apple-health, csv (Strava's manual entries),
	// json (Garmin's summaries). A recording merged into another as its
	// duplicate is not counted (see Summary.Merged): the counts add up to
	// Activities - len(Summary.Merged) once stored.
	ByFormat map[string]int
	// Replaced counts the activities stored before that a recording this
	// import brought replaced as their run's primary (they are among
	// Summary.Merged, as duplicates of it).
	Replaced int
	formatOf map[string]string // activity id -> format, of those counted in ByFormat
	Flagged  []string          // activities with a suspicious date
	// OthersFiles counts, by athlete, imported files whose bytes were
	// imported for that other athlete before (a wrong --athlete?).
	OthersFiles map[string]int
	// Summary is the store's account: final statuses and merged duplicates.
	Summary store.Summary
	// SettingsChanged names the analysis settings that differ from those
	// the stored analysis was made with ("" when none): every activity was
	// analysed again with the new ones.
	SettingsChanged string
	// Resumed is set when an earlier import stopped before its analysis
	// was done: every activity was analysed again.
	Resumed  bool
	analysis ReanalyzeResult // the analysis after the files
}

// Statuses are the files by status: the store's final account (a file
// whose every activity turned out to duplicate another source's is
// duplicate_activity), else (a dry run) the decoder's.
func (r *ImportResult) Statuses() map[string]int {
	if r.Summary.ByStatus != nil {
		return r.Summary.ByStatus
	}
	return r.ByStatus
}

// Import reads the inputs (walker -> Jobs decoders -> one writer, in walk
// order), stores what is new for the athlete, and analyses the athlete's
// activities. Inputs holding no file give a *NoFilesError (an athlete the
// import created is removed again); a cancelled context, an
// *InterruptedError. Rejected files are not an error: see
// ImportResult.Rejected.
func Import(ctx context.Context, db *store.DB, o ImportOptions) (*ImportResult, error) {
	now := clock(o.Now)
	for _, in := range o.Inputs {
		if _, err := os.Stat(in); err != nil {
			return nil, fmt.Errorf("%s: no such file or folder", in)
		}
	}
	if o.DryRun {
		res, err := importFiles(ctx, nil, o, nil)
		if err != nil {
			return nil, err
		}
		if res.Files == 0 {
			return nil, &NoFilesError{Inputs: o.Inputs}
		}
		return res, nil
	}
	before, err := db.Athletes(ctx)
	if err != nil {
		return nil, err
	}
	// Files without a zone were read in o.Zone: earlier ones that took the
	// default or the setting follow it too (a re-import after setting a
	// time zone).
	s := o.Settings
	if o.Zone != nil && o.Zone != time.UTC {
		s.TimeZone = o.Zone.String()
	}
	// With other analysis settings than the stored analysis was made with,
	// every activity is analysed again (from its summary) after the files;
	// else only what this import changes. An import that stores nothing new
	// leaves a current analysis alone. An import that stopped after storing
	// files but before its analysis was done (see store.AnalysisPending)
	// may have left runs classified against a race pace its files changed:
	// this one analyses every activity again.
	fp, was, err := db.AnalysisSettings(ctx, o.Athlete)
	if err != nil {
		return nil, err
	}
	change := settingsDiff(fp, was, s)
	resumed := fp == store.AnalysisPending
	redoAll := change != "" || resumed
	// prev is what the stored history said before this import (the race
	// pace each run was classified with): built by the writer before it
	// stores the first new activity, so an import that brings none (a
	// re-import) never loads the history. From it, the new activities are
	// analysed while the import runs (see speculator).
	var prev *analyzer
	var spec *speculator
	var hooks importHooks
	var acts []*analysis.Activity
	loadPrev := func() error {
		var err error
		prev, acts, err = newAnalyzer(ctx, db, o.Athlete, s, now())
		return err
	}
	hooks.beforeWrite = func() error {
		// Until the analysis after the files is done, the athlete's
		// analysis is pending: should the import stop, the next one
		// redoes it whole.
		if err := db.MarkAnalysisPending(ctx, o.Athlete); err != nil {
			return err
		}
		if err := loadPrev(); err != nil {
			return err
		}
		if !redoAll {
			spec = newSpeculator(prev, acts, s, max(o.Jobs, 1))
			hooks.stored = spec.add
		}
		acts = nil
		return nil
	}
	res, err := importFiles(ctx, db, o, &hooks)
	var specs map[string]specResult
	if spec != nil {
		if err != nil {
			spec.abandon()
		} else {
			specs = spec.finish()
		}
	}
	// Cancelled: DuckDB's "Interrupted" error of a query cut short does not
	// wrap the context's.
	if err != nil && (errors.Is(err, context.Canceled) || ctx.Err() != nil) {
		return nil, &InterruptedError{Athlete: o.Athlete, Err: err}
	}
	if err != nil {
		return nil, err
	}
	if res.Files == 0 || res.ByStatus["skipped"] == int(res.Files) {
		// No activity file (a folder holding notes.txt): a new athlete is
		// not created by it.
		if !slices.Contains(before, o.Athlete) {
			if _, err := db.DeleteAthlete(ctx, o.Athlete); err != nil {
				return nil, err
			}
		}
		return nil, &NoFilesError{Inputs: o.Inputs, Skipped: res.SkippedByKind}
	}
	res.SettingsChanged, res.Resumed = change, resumed
	if prev == nil && fp == settingsFingerprint(s) {
		// Nothing new stored, the analysis made with these settings: it is
		// current unless an interrupted import left activities unanalysed.
		if n, err := db.Unanalysed(ctx, o.Athlete, analysis.AnalysisVersion); err != nil || n == 0 {
			return res, err
		}
	}
	if prev == nil {
		if err := loadPrev(); err != nil {
			return nil, err
		}
	}
	if res.analysis, err = reanalyzeWith(ctx, db, o.Athlete, s, now(), prev, redoAll, specs); err != nil {
		if errors.Is(err, context.Canceled) || ctx.Err() != nil {
			return nil, &InterruptedError{Athlete: o.Athlete, Analysing: true, Err: err}
		}
		return nil, err
	}
	return res, nil
}

// jobStatus is what the walker decided about an entry before decoding.
type jobStatus string

const (
	jobDecode    jobStatus = ""           // decode it
	jobKnown     jobStatus = "known"      // same path and bytes imported before: not even inflated
	jobUnread    jobStatus = "unreadable" // rejected: the walker could not read it
	jobDuplicate jobStatus = "duplicate"  // same bytes as a file imported before or earlier in this walk
)

// importJob is one entry on its way from the walker to the writer. The
// writer takes jobs in walk order, so results are deterministic.
type importJob struct {
	entry  ingest.Entry
	cost   int64               // bytes taken from the import's budget (ingest.EntryCost) until stored
	sums   []*analysis.Summary // the decoded activities' summaries
	recs   []*store.Prepared   // and their records, in the table's columns
	status jobStatus           // decided before decoding; "" = decode
	res    chan ingest.Result  // the decoder's result, when decoded
	prior  store.Prior         // for known and duplicate files: what an earlier import recorded
}

// importHooks are what Import does on the way of importFiles' writer.
type importHooks struct {
	// beforeWrite is called once, before the writer takes the first
	// decoded file with activities (none of the import's is stored yet).
	beforeWrite func() error
	// stored, when set, hears each new primary activity (with its
	// preliminary metrics) and its summary once the writer has it.
	stored func(*analysis.Activity, *analysis.Summary)
}

// importFiles runs the pipeline: one walker reads the inputs in order, Jobs
// goroutines decode (and summarise) in parallel, and one writer stores the
// results in walk order through the store's batched writer, calling hooks
// on the way. With db nil it only decodes (a dry run).
//
// The decoders do not classify: a run's class depends on the race it leads
// up to, often a file later in the walk. Each new activity is classified
// once, by the speculator (hooks.stored) or the analysis after the import.
func importFiles(ctx context.Context, db *store.DB, o ImportOptions, hooks *importHooks) (*ImportResult, error) {
	if hooks == nil {
		hooks = &importHooks{}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := max(o.Jobs, 1)
	dec := ingest.NewDecoder(ingest.DecodeOptions{Zone: o.Zone, Now: clock(o.Now)()})
	// The queue lets decoders run ahead while the writer commits a batch
	// (about 300 KB of samples per queued one-hour activity).
	queue := make(chan *importJob, 16*jobs+8)
	work := make(chan *importJob, 2*jobs)

	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				r := dec.DecodeEntry(j.entry)
				// The writer needs only the metadata; it reads the entry
				// after receiving on j.res (which orders this write first).
				j.entry.Data = nil
				for _, a := range r.Activities {
					a.Athlete = o.Athlete
					a.ID = analysis.ActivityID(o.Athlete, j.entry.SHA256, a.SessionIndex)
					if db != nil {
						// The records in the table's columns (the writer
						// only appends them), and the samples quantized:
						// summarised as stored, so the analysis after the
						// import works from this summary.
						j.recs = append(j.recs, store.QuantizeAndPrepare(a))
						sum := analysis.NewSummary(a)
						a.Metrics = analysis.PreliminaryMetrics(a, sum)
						sum.MarshalBinary() // encoded here, in parallel; the writer stores the bytes
						j.sums = append(j.sums, sum)
						a.Samples = nil
					}
				}
				j.res <- r
			}
		}()
	}

	// The database being written (and its WAL and spill folder) is never
	// read as input, e.g. with taper import . beside taper.duckdb.
	excluded := o.Exclude
	if db != nil {
		if p := db.Path(); p != "" && p != ":memory:" {
			excluded = append(excluded[:len(excluded):len(excluded)], p, p+".wal", p+".tmp")
		}
	}
	var exclude func(string, fs.FileInfo) bool
	if len(excluded) > 0 {
		exclude = ingest.ExcludeFiles(excluded...)
	}
	var total atomic.Int64
	if o.Progress != nil {
		// Count the files for the ETA while the import runs: a walk that
		// skips every file reads only folders, zip directories and
		// headers.
		go func() {
			var n int64
			err := ingest.Walk(ctx, o.Inputs, ingest.WalkOptions{Skip: func(string, int64, uint32) bool { return true },
				SkipFile: func(string, int64, time.Time) bool { return true }, Exclude: exclude},
				func(ingest.Entry) error { n++; return nil })
			if err == nil {
				total.Store(n)
			}
		}()
	}
	budget := ingest.NewBudget(o.BudgetBytes)
	// Progress is reported from the writer loop after each file and, while
	// one big file is read as a stream, from the walker: never at once.
	var progMu sync.Mutex
	var doneFiles, doneBytes atomic.Int64
	progress := func(p ImportProgress) {
		progMu.Lock()
		defer progMu.Unlock()
		o.Progress(p)
	}
	walkErr := make(chan error, 1)
	go func() {
		defer close(queue)
		defer close(work)
		seen := map[string]bool{}
		wo := ingest.WalkOptions{Exclude: exclude}
		var priorsMu sync.Mutex
		priors := map[string]store.Prior{} // of skipped members and files, by path
		if o.Progress != nil {
			wo.Progress = func(path string, n int64) {
				progress(ImportProgress{Files: doneFiles.Load(), Bytes: doneBytes.Load() + n, Total: total.Load(), Reading: path, ReadingBytes: n})
			}
		}
		if db != nil {
			// Archive members whose path, size and CRC-32 were imported
			// before are not even inflated: re-importing an export is cheap.
			wo.Skip = func(path string, size int64, crc uint32) bool {
				p, known, err := db.KnownMemberFile(ctx, o.Athlete, path, size, crc)
				if err == nil && known {
					priorsMu.Lock()
					priors[path] = p
					priorsMu.Unlock()
				}
				return err == nil && known
			}
			// Files on disk whose path, size and modification time were
			// recorded are not even opened: re-importing a folder only
			// lists it. A file written since is read (and hashed) again.
			wo.SkipFile = func(path string, size int64, mtime time.Time) bool {
				p, known, err := db.KnownDiskFile(ctx, o.Athlete, path, size, mtime)
				if err == nil && known {
					priorsMu.Lock()
					priors[path] = p
					priorsMu.Unlock()
				}
				return err == nil && known
			}
		}
		walkErr <- ingest.Walk(ctx, o.Inputs, wo, func(e ingest.Entry) error {
			// The entry's bytes and what decoding it holds stay within the
			// budget until the writer has stored it.
			j := &importJob{entry: e, cost: ingest.EntryCost(e)}
			if err := budget.Acquire(ctx, j.cost); err != nil {
				return err
			}
			switch {
			case e.Skipped:
				j.status = jobKnown
				priorsMu.Lock()
				j.prior = priors[e.Path]
				delete(priors, e.Path)
				priorsMu.Unlock()
			case e.Err != nil:
				j.status = jobUnread
			case seen[e.SHA256]:
				j.status = jobDuplicate
			default:
				seen[e.SHA256] = true
				if db != nil {
					p, known, err := db.KnownFile(ctx, o.Athlete, e.SHA256)
					if err != nil {
						return err
					}
					if known {
						j.status, j.prior = jobDuplicate, p
					}
				}
			}
			if j.status == jobDecode {
				j.res = make(chan ingest.Result, 1)
				select {
				case work <- j:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			select {
			case queue <- j:
			case <-ctx.Done():
				return ctx.Err()
			}
			return nil
		})
	}()

	res := &ImportResult{ByStatus: map[string]int{}, SkippedByKind: map[string]int{}, OthersFiles: map[string]int{}, ByFormat: map[string]int{}, formatOf: map[string]string{}}
	// The writer (which adds the athlete and loads their recorded files)
	// and the other athletes' files are made ready for the first file that
	// is not known: a re-import that brings nothing new writes nothing.
	var owners map[string]string
	var w *store.Writer
	openWriter := func() (err error) {
		if w != nil {
			return nil
		}
		if owners, err = db.SHAOwners(ctx, o.Athlete); err != nil {
			return err
		}
		w, err = db.NewWriter(ctx, o.Athlete)
		return err
	}
	var addErr error
	// keep records one finished job: in the result, and in the store.
	keep := func(j *importJob, fr store.FileResult) error {
		res.add(fr)
		doneFiles.Store(res.Files)
		doneBytes.Store(res.Bytes)
		if o.Progress != nil {
			progress(ImportProgress{Files: res.Files, Bytes: res.Bytes, Total: total.Load()})
		}
		if db == nil || j.status == jobKnown {
			return nil // nothing new to record
		}
		if err := openWriter(); err != nil {
			return err
		}
		if owner := owners[fr.SHA256]; owner != "" && fr.Status == store.StatusImported {
			res.OthersFiles[owner]++
		}
		if j.status == jobDecode && len(fr.Activities) > 0 && hooks.beforeWrite != nil {
			if err := hooks.beforeWrite(); err != nil {
				return err
			}
			hooks.beforeWrite = nil
		}
		fr.Summaries, fr.Records = j.sums, j.recs
		formats := make([]string, len(fr.Activities))
		for i, a := range fr.Activities {
			formats[i] = a.Format
		}
		if err := w.Add(fr); err != nil {
			return err
		}
		if fr.Status == store.StatusImported {
			for i, a := range fr.Activities { // ids are set by now
				res.formatOf[a.ID] = formats[i]
				if hooks.stored != nil && a.DuplicateOf == "" && i < len(j.sums) {
					hooks.stored(a, j.sums[i])
				}
			}
		}
		if o.AfterFile != nil {
			o.AfterFile(res.Files)
		}
		return nil
	}
	for j := range queue {
		if addErr != nil {
			budget.Release(j.cost)
			continue // drain
		}
		if err := keep(j, fileResult(j)); err != nil {
			addErr = err
			cancel()
		}
		budget.Release(j.cost)
	}
	wg.Wait()
	if o.Progress != nil {
		progress(ImportProgress{Files: res.Files, Bytes: res.Bytes, Total: total.Load(), Done: true})
	}
	var closeErr error
	if w != nil {
		res.Summary, closeErr = w.Close()
		res.uncountMerged()
	}
	if err := <-walkErr; err != nil && !errors.Is(err, context.Canceled) {
		return nil, err
	}
	if addErr != nil {
		return nil, addErr
	}
	if closeErr != nil {
		return nil, closeErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

func drain(q chan *importJob) {
	for range q {
	}
}

// fileResult turns a finished job into what the store records.
func fileResult(j *importJob) store.FileResult {
	var r ingest.Result
	if j.status == jobDecode {
		r = <-j.res // before reading j.entry, which the decoder changes
	}
	e := j.entry
	fr := store.FileResult{Path: e.Path, Size: e.Size, SHA256: e.SHA256, CRC32: e.CRC32, ModTime: e.ModTime}
	if (j.status == jobKnown || j.status == jobDuplicate) && j.prior.Status == "skipped" {
		// skipped before (a monitoring file, a photo): skipped again
		fr.Status, fr.Kind = "skipped", j.prior.Kind
		fr.Reason = "not an activity: " + j.prior.Kind + " (seen before)"
		return fr
	}
	switch j.status {
	case jobKnown:
		fr.Status = store.StatusDuplicateFile
		fr.Reason = "same path and bytes already imported"
		return fr
	case jobUnread:
		fr.Status = store.StatusRejected
		fr.Reason = errorText(e.Err)
		return fr
	case jobDuplicate:
		fr.Status = store.StatusDuplicateFile
		fr.Reason = "same bytes already imported"
		return fr
	}
	fr.Format = r.Format
	fr.Status = r.Status
	fr.Kind = r.Kind
	fr.Partial = r.Partial
	fr.PartialReason = r.PartialReason
	fr.Activities = r.Activities
	if r.Err != nil || r.Status == store.StatusSkipped {
		fr.Reason = r.Reason()
	}
	return fr
}

// uncountMerged takes the merged duplicates out of ByFormat: a duplicate
// decoded by this import, else (an earlier primary demoted) the new
// recording that took its place, which is no new activity either.
func (s *ImportResult) uncountMerged() {
	for _, m := range s.Summary.Merged {
		f, ok := s.formatOf[m.Duplicate]
		if !ok {
			s.Replaced++
			f, ok = s.formatOf[m.Primary]
		}
		if !ok {
			continue
		}
		if s.ByFormat[f]--; s.ByFormat[f] <= 0 {
			delete(s.ByFormat, f)
		}
	}
	s.formatOf = nil
}

func (s *ImportResult) add(fr store.FileResult) {
	s.Files++
	s.Bytes += fr.Size
	s.ByStatus[fr.Status]++
	switch fr.Status {
	case store.StatusSkipped:
		s.SkippedByKind[fr.Kind]++
	case store.StatusRejected:
		s.Rejected = append(s.Rejected, fr.Reason)
	case store.StatusImported:
		s.Activities += len(fr.Activities)
		for _, a := range fr.Activities {
			s.ByFormat[a.Format]++
		}
	}
	if fr.Partial {
		s.Partial = append(s.Partial, fr.Path+": "+fr.PartialReason)
	}
	for _, a := range fr.Activities {
		if len(a.Flags) > 0 {
			s.Flagged = append(s.Flagged, fmt.Sprintf("%s: starts %s UTC (%s)", a.Source, a.Start.UTC().Format("2006-01-02 15:04"), strings.Join(a.Flags, ", ")))
		}
	}
}
