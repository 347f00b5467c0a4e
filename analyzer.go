package taper

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/history"
	"github.com/taper-run/taper/store"
)

// analyzer is the athlete's context for classification (the races, the
// observed HRmax): package history, shared with the Beam pipeline.
type analyzer = history.Analyzer

// newAnalyzer reads what the athlete's stored activities say about the race
// and HRmax as of now.
func newAnalyzer(ctx context.Context, db *store.DB, athlete string, s analysis.Settings, now time.Time) (*analyzer, []*analysis.Activity, error) {
	acts, err := db.Activities(ctx, store.Filter{Athlete: athlete})
	if err != nil {
		return nil, nil, err
	}
	markedID, markedDate, err := raceMark(ctx, db, athlete)
	if err != nil {
		return nil, nil, err
	}
	return history.New(acts, s, now, markedID, markedDate), acts, nil
}

// raceMark returns the athlete's race mark (taper race). A marked activity
// that has since become the duplicate of another recording stands for its
// primary: only primaries are judged.
func raceMark(ctx context.Context, db *store.DB, athlete string) (id, date string, err error) {
	id, date, err = db.RaceMark(ctx, athlete)
	if err != nil || id == "" {
		return id, date, err
	}
	id, err = primaryID(ctx, db, athlete, id)
	return id, date, err
}

// primaryID is the id of the primary recording of activity id: id itself,
// or the activity it duplicates.
func primaryID(ctx context.Context, db *store.DB, athlete, id string) (string, error) {
	acts, err := db.Activities(ctx, store.Filter{Athlete: athlete, IDs: []string{id}, IncludeDuplicates: true})
	if err != nil {
		return "", err
	}
	if len(acts) == 1 && acts[0].DuplicateOf != "" {
		return acts[0].DuplicateOf, nil
	}
	return id, nil
}

// analyzeAthlete brings the stored metrics of the athlete's activities up to
// date after an import or a change of race: it redoes those missing metrics
// or of an older analysis version, the race itself, and, when the race found
// now differs from prev's (the one the import classified with), the runs
// around it, whose tempo class depends on the race pace.
// Activities analysed with another HRmax than the athlete's effective one
// now get their zones and TRIMP recomputed. All of it works from the
// activities' summaries (store.Summaries): records are read only for
// activities without a current one (stored by an older taper).
//
// An import or race change that stopped before its analysis was done left
// the analysis pending (store.AnalysisPending; wasPending, read before this
// change marked it pending itself): then everything is redone, as what it
// stored may have changed any run's race pace.
func analyzeAthlete(ctx context.Context, db *store.DB, athlete string, s analysis.Settings, now time.Time, prev *analyzer, wasPending bool) error {
	_, err := reanalyzeWith(ctx, db, athlete, s, now, prev, wasPending, nil)
	return err
}

// summaryChunk is how many activities' summaries are loaded at a time (two
// chunks are in memory while the next is read): a decoded summary holds
// about 40 bytes per record (a 3-hour run, 430 KB).
const summaryChunk = 32

// reanalyzeWith brings the stored analysis of an athlete up to date with
// an analyzer built now: every activity when all, else those missing an
// analysis or of an older version, the race's, runs whose race pace differs
// from prev's (what they were classified with; nil = unknown, so all runs),
// and those analysed with another HRmax (zones and TRIMP only); spec holds
// analyses an import made while it ran (see speculator), kept when the race
// pace and HRmax they were made with are still right. It works
// from the summaries; activities without a current summary (an older
// taper's, or another analysis version's) are analysed from their records
// and get their summary saved.
//
// First, activities whose zone came from the default or the athlete's
// setting follow the setting (followZone); last, every duplicate takes its
// primary's class, class source and evidence (a phone's GPX copy of the
// marathon is the race too), duplicates without metrics of this version
// (an import interrupted before it saved them) being analysed for their own
// totals and zones, and the settings the analysis used are recorded.
func reanalyzeWith(ctx context.Context, db *store.DB, athlete string, s analysis.Settings, now time.Time, prev *analyzer, all bool, spec map[string]specResult) (ReanalyzeResult, error) {
	moved, nearby, err := followZone(ctx, db, athlete, s)
	if err != nil {
		return ReanalyzeResult{}, err
	}
	done, err := reanalyzePrimaries(ctx, db, athlete, s, now, prev, all, spec)
	if err != nil {
		return done, err
	}
	done.Rezoned, done.NearbyZoned = moved, nearby
	an, _, err := newAnalyzer(ctx, db, athlete, s, now)
	if err != nil {
		return done, err
	}
	n, _, err := syncDuplicates(ctx, db, athlete, an, all)
	done.Duplicates += n // a copy's class follows its primary's: counted there
	if err != nil {
		return done, err
	}
	return done, recordAnalysisSettings(ctx, db, athlete, s)
}

// reanalyzePrimaries is reanalyzeWith's work on the primary recordings.
func reanalyzePrimaries(ctx context.Context, db *store.DB, athlete string, s analysis.Settings, now time.Time, prev *analyzer, all bool, spec map[string]specResult) (ReanalyzeResult, error) {
	var done ReanalyzeResult
	an, acts, err := newAnalyzer(ctx, db, athlete, s, now)
	if err != nil {
		return done, err
	}
	oldClass := make(map[string]string, len(acts))
	for _, a := range acts {
		if a.Metrics != nil {
			oldClass[a.ID] = a.Metrics.Class
		}
	}
	redo := map[string]bool{} // id -> whole analysis (true) or zones only (false)
	var todo []*analysis.Activity
	kept := map[string]*analysis.Metrics{} // of spec
	for _, a := range acts {
		var whole, zones bool
		if r, ok := spec[a.ID]; ok && (a.Metrics == nil || a.Metrics.Preliminary()) {
			a.Metrics = r.m
			if whole, zones = an.RedoClassified(a, r.pace, all); !whole && !zones {
				kept[a.ID] = r.m
				done.Activities++
				done.DuringImport++
				continue
			}
		} else {
			whole, zones = an.Redo(a, prev, all)
		}
		if !whole && !zones {
			continue
		}
		redo[a.ID] = whole
		todo = append(todo, a)
	}
	if err := db.SaveMetrics(ctx, kept); err != nil {
		return done, err
	}
	count := func(id string, m *analysis.Metrics) {
		if redo[id] {
			done.Activities++
			if m != nil && m.Class != oldClass[id] {
				done.Changed++
			}
		}
	}
	// One goroutine reads the next chunk's laps and summaries while the
	// current one is analysed.
	type chunk struct {
		headers []*analysis.Activity
		sums    map[string]*analysis.Summary
		err     error
	}
	lctx, stop := context.WithCancel(ctx)
	defer stop()
	chunks := make(chan chunk)
	go func() {
		defer close(chunks)
		for i := 0; i < len(todo); i += summaryChunk {
			c := chunk{headers: todo[i:min(i+summaryChunk, len(todo))]}
			c.sums, c.err = db.SummariesOf(lctx, athlete, c.headers)
			select {
			case chunks <- c:
			case <-lctx.Done():
				return
			}
			if c.err != nil {
				return
			}
		}
	}()
	var missing []string // no current summary: from the records
	for c := range chunks {
		headers, sums, err := c.headers, c.sums, c.err
		if err != nil {
			return done, err
		}
		// The chunk's activities are analysed in parallel (the import's
		// decoders are done by now): each is independent of the others.
		out := make([]*analysis.Metrics, len(headers))
		parallel(len(headers), func(k int) {
			a := headers[k]
			sum := sums[a.ID]
			switch {
			case sum == nil:
			case redo[a.ID] || a.Metrics == nil:
				out[k] = an.AnalyzeSummary(a, sum)
			default:
				m := *a.Metrics
				an.ApplyHRMax(a, &m, sum)
				out[k] = &m
			}
		})
		ms := make(map[string]*analysis.Metrics, len(headers))
		for k, a := range headers {
			if out[k] == nil {
				missing = append(missing, a.ID)
				continue
			}
			ms[a.ID] = out[k]
			count(a.ID, ms[a.ID])
		}
		if err := db.SaveMetrics(ctx, ms); err != nil {
			return done, err
		}
	}
	if err := ctx.Err(); err != nil {
		return done, err // the reader stopped early
	}
	if len(missing) == 0 {
		return done, nil
	}
	ms := map[string]*analysis.Metrics{}
	sums := map[string]*analysis.Summary{}
	fromRecords := func(a *analysis.Activity) error {
		sum := analysis.NewSummary(a)
		ms[a.ID], sums[a.ID] = an.AnalyzeSummary(a, sum), sum
		count(a.ID, ms[a.ID])
		if len(ms) < 256 {
			return nil
		}
		if err := db.SaveMetrics(ctx, ms); err != nil {
			return err
		}
		if err := db.SaveSummaries(ctx, sums); err != nil {
			return err
		}
		ms, sums = map[string]*analysis.Metrics{}, map[string]*analysis.Summary{}
		return nil
	}
	if len(missing) <= 128 {
		// A few: read them by id (zone maps keep each read to their rows).
		full, err := db.Activities(ctx, store.Filter{Athlete: athlete, IDs: missing, WithSamples: true, WithLaps: true, IncludeDuplicates: true})
		if err != nil {
			return done, err
		}
		for _, a := range full {
			if err := fromRecords(a); err != nil {
				return done, err
			}
		}
	} else {
		// Many (the first analysis after an upgrade): one pass over the
		// athlete's records, one activity's samples in memory at a time.
		want := make(map[string]bool, len(missing))
		for _, id := range missing {
			want[id] = true
		}
		err = db.EachWithSamples(ctx, store.Filter{Athlete: athlete, IncludeDuplicates: true}, func(a *analysis.Activity) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if !want[a.ID] {
				return nil
			}
			return fromRecords(a)
		})
		if err != nil {
			return done, err
		}
	}
	if err := db.SaveMetrics(ctx, ms); err != nil {
		return done, err
	}
	return done, db.SaveSummaries(ctx, sums)
}

// syncDuplicates gives every duplicate of the athlete its primary's class
// and evidence, analysing first those without current metrics (all: every
// duplicate) or made with another HRmax than the one they get now. It
// returns how many it analysed, and of all it updated how many changed
// class.
func syncDuplicates(ctx context.Context, db *store.DB, athlete string, an *analyzer, all bool) (analysed, changed int, err error) {
	every, err := db.Activities(ctx, store.Filter{Athlete: athlete, IncludeDuplicates: true})
	if err != nil {
		return 0, 0, err
	}
	byID := make(map[string]*analysis.Activity, len(every))
	var dups []*analysis.Activity
	for _, a := range every {
		byID[a.ID] = a
		if a.DuplicateOf != "" {
			dups = append(dups, a)
		}
	}
	if len(dups) == 0 {
		return 0, 0, nil
	}
	var redo []string
	oldClass := map[string]string{}
	for _, d := range dups {
		if d.Metrics != nil {
			oldClass[d.ID] = d.Metrics.Class
		}
		if all || d.Metrics == nil || d.Metrics.Version != analysis.AnalysisVersion || !an.ZonesCurrent(d) {
			redo = append(redo, d.ID)
		}
	}
	// From their summaries (the import stores one with each), else (an
	// older taper's) from their records.
	var fromRecords []string
	for i := 0; i < len(redo); i += summaryChunk {
		headers, sums, err := db.Summaries(ctx, store.Filter{Athlete: athlete, IDs: redo[i:min(i+summaryChunk, len(redo))],
			IncludeDuplicates: true})
		if err != nil {
			return analysed, changed, err
		}
		for _, h := range headers {
			d, sum := byID[h.ID], sums[h.ID]
			switch {
			case d == nil:
			case sum == nil:
				fromRecords = append(fromRecords, h.ID)
			default:
				d.Metrics = an.AnalyzeSummary(h, sum)
				analysed++
			}
		}
	}
	for i := 0; i < len(fromRecords); i += 128 {
		full, err := db.Activities(ctx, store.Filter{Athlete: athlete, IDs: fromRecords[i:min(i+128, len(fromRecords))],
			WithSamples: true, WithLaps: true, IncludeDuplicates: true})
		if err != nil {
			return analysed, changed, err
		}
		for _, a := range full {
			if d := byID[a.ID]; d != nil {
				d.Metrics = an.Analyze(a)
				analysed++
			}
		}
	}
	ms := map[string]*analysis.Metrics{}
	for _, d := range dups {
		p := byID[d.DuplicateOf]
		if d.Metrics == nil || p == nil || p.Metrics == nil {
			continue
		}
		m := d.Metrics
		if history.FollowPrimary(d, p) {
			ms[d.ID] = m
		}
		if m.Class != oldClass[d.ID] {
			changed++
		}
	}
	for _, id := range redo {
		if d := byID[id]; d != nil && d.Metrics != nil {
			ms[id] = d.Metrics
		}
	}
	return analysed, changed, db.SaveMetrics(ctx, ms)
}

// parallel calls fn(0) ... fn(n-1) on up to GOMAXPROCS goroutines and
// returns when all are done.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		}()
	}
	wg.Wait()
}
