package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/ingest"
	"github.com/taper-run/taper/store"
)

type importOptions struct {
	*globalOptions
	Jobs     int
	Zone     string
	Progress string // auto | always | never
	DryRun   bool   // decode only: nothing is written
	Inputs   []string
}

func newImportCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &importOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "import [flags] FILE|DIR|ZIP...",
		Short: "Import FIT/GPX files, folders, .gz and Garmin/Strava export zips",
		Example: `  taper import --db alice.duckdb --athlete alice ~/Downloads/export.zip ~/watch/*.fit
  taper import --athlete bob strava_export.zip`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("give the files, folders or export zips to import, e.g. taper import --athlete alice ~/Downloads/export.zip")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Inputs = args
			return runImport(cmd.Context(), o, st)
		},
	}
	cmd.Flags().IntVarP(&o.Jobs, "jobs", "j", runtime.GOMAXPROCS(0), "files decoded in parallel (1 or more)")
	cmd.Flags().StringVar(&o.Zone, "timezone", "", "IANA zone for files that carry none (default: the athlete's setting, else UTC)")
	cmd.Flags().StringVar(&o.Progress, "progress", "auto", "progress bar on stderr: auto (terminal only), always, never")
	cmd.Flags().BoolVarP(&o.DryRun, "dry-run", "n", false, "decode and summarise, but store nothing (the database is not opened)")
	return cmd
}

// importJob is one entry on its way from the walker to the writer. The
// writer takes jobs in walk order, so results are deterministic.
type importJob struct {
	entry    ingest.Entry
	profiles map[string]analysis.HRProfile // by activity id: time at each heart rate
	status   string                        // decided before decoding: "known" (same path and bytes imported before), "rejected" (unreadable) or "duplicate_file"; "" = decode
	res      chan ingest.Result            // the decoder's result, when decoded
}

// importStats is what the summary prints.
type importStats struct {
	files, bytes  int64
	byStatus      map[string]int
	skippedByKind map[string]int
	partial       []string
	rejected      []string
	activities    int
	flagged       []string // activities with a suspicious date
	// othersFiles counts, by athlete, imported files whose bytes were
	// imported for that other athlete before (a wrong --athlete?).
	othersFiles map[string]int
	// profiles keep each imported activity's time at each heart rate (a few
	// KB), so zones and TRIMP can follow an HRmax the import itself raised.
	profiles map[string]analysis.HRProfile
}

func runImport(ctx context.Context, o *importOptions, st *streams) error {
	if o.Jobs < 1 {
		return usagef("bad --jobs %d: use 1 or more", o.Jobs)
	}
	if o.Progress != "auto" && o.Progress != "always" && o.Progress != "never" {
		return usagef("bad --progress %q: use auto, always or never", o.Progress)
	}
	settings, err := loadSettingsFor(o.globalOptions, o.Athlete)
	if err != nil {
		return err
	}
	var zone *time.Location // nil: files without a zone are read as UTC
	zoneName := o.Zone
	if zoneName == "" {
		zoneName = settings.TimeZone
	}
	if zoneName != "" {
		if zone, err = time.LoadLocation(zoneName); err != nil {
			return usagef("unknown time zone %q: use an IANA name such as Europe/Paris", zoneName)
		}
	}
	for _, in := range o.Inputs {
		if _, err := os.Stat(in); err != nil {
			return fmt.Errorf("%s: no such file or folder", in)
		}
	}
	start := time.Now()
	if o.DryRun {
		stats, err := decodeFiles(ctx, o, zone, st.errOut)
		if err != nil {
			return err
		}
		printImportSummary(st.out, o, stats, store.Summary{}, time.Since(start))
		return nil
	}
	if dir := filepath.Dir(o.DB); o.DB != "" && o.DB != ":memory:" {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return &hintError{err: fmt.Errorf("cannot create database %s: folder %s does not exist", o.DB, dir),
				hint: "create the folder first, or give another --db"}
		}
	}
	fi, statErr := os.Stat(o.DB)
	if statErr == nil && fi.IsDir() {
		return usagef("--db %s is a folder: give the database file, e.g. --db %s", o.DB, filepath.Join(o.DB, "taper.duckdb"))
	}
	created := os.IsNotExist(statErr)
	db, err := store.Open(ctx, o.DB, store.Options{MemoryLimit: importMemoryLimit()})
	if err != nil {
		return err
	}
	defer db.Close()

	an, _, err := newAnalyzer(ctx, db, o.Athlete, settings, start)
	if err != nil {
		return err
	}
	stats, summary, err := importFiles(ctx, db, o, zone, an, st.errOut)
	if errors.Is(err, context.Canceled) {
		return &exitCodeError{code: 130, msg: "import interrupted: the files stored so far are whole; run the same import again to finish it"}
	}
	if err != nil {
		return err
	}
	if stats.files == 0 {
		if created { // leave no empty database behind
			db.Close()
			os.Remove(o.DB)
			os.Remove(o.DB + ".wal")
		} else if err := db.ForgetAthleteIfEmpty(ctx, o.Athlete); err != nil {
			return err
		}
		return &hintError{err: fmt.Errorf("no files found in %s", strings.Join(o.Inputs, ", ")),
			hint: "give FIT or GPX files, folders holding them, or a Garmin/Strava export zip"}
	}
	if err := analyzeAthlete(ctx, db, o.Athlete, settings, time.Now(), an, stats.profiles); err != nil {
		if errors.Is(err, context.Canceled) {
			return &exitCodeError{code: 130, msg: "interrupted while analysing: every file is stored; taper reanalyze --athlete " + o.Athlete + " finishes the analysis"}
		}
		return err
	}
	printImportSummary(st.out, o, stats, summary, time.Since(start))
	if len(stats.rejected) > 0 {
		return &exitCodeError{code: exitFindings}
	}
	return nil
}

// importFiles runs the pipeline: one walker reads the inputs in order, Jobs
// goroutines decode (and analyse) in parallel, and one writer stores the
// results in walk order through the store's batched writer. With db nil it
// only decodes (taper import --dry-run, and the decode-only benchmark).
func importFiles(ctx context.Context, db *store.DB, o *importOptions, zone *time.Location, an *analyzer, progressOut io.Writer) (*importStats, store.Summary, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := max(o.Jobs, 1)
	dec := ingest.NewDecoder(ingest.DecodeOptions{Zone: zone, Now: time.Now()})
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
				r := dec.Decode(j.entry.Path, j.entry.Data)
				j.entry.Data = nil // the writer needs only the metadata
				for _, a := range r.Activities {
					a.Athlete = o.Athlete
					a.ID = analysis.ActivityID(o.Athlete, j.entry.SHA256, a.SessionIndex)
					if an != nil {
						var p analysis.HRProfile
						a.Metrics, p = an.analyzeProfile(a)
						if j.profiles == nil {
							j.profiles = map[string]analysis.HRProfile{}
						}
						j.profiles[a.ID] = p
					}
				}
				j.res <- r
			}
		}()
	}

	// The database being written (and its WAL and spill folder) is never
	// read as input, e.g. with taper import . beside taper.duckdb.
	var exclude func(string) bool
	if o.DB != "" && o.DB != ":memory:" {
		exclude = ingest.ExcludeFiles(o.DB, o.DB+".wal", o.DB+".tmp")
	}
	prog := newProgress(progressOut, o.Progress, o.Quiet)
	if prog.on {
		// Count the files for the ETA while the import runs: a walk that
		// skips every archive member reads only zip directories and
		// headers (plain files on disk are read, then cached by the OS).
		go func() {
			var n int64
			err := ingest.Walk(ctx, o.Inputs, ingest.WalkOptions{Skip: func(string, int64, uint32) bool { return true }, Exclude: exclude},
				func(ingest.Entry) error { n++; return nil })
			if err == nil {
				prog.setTotal(n)
			}
		}()
	}
	walkErr := make(chan error, 1)
	go func() {
		defer close(queue)
		defer close(work)
		seen := map[string]bool{}
		wo := ingest.WalkOptions{Exclude: exclude}
		if db != nil {
			// Archive members whose path, size and CRC-32 were imported
			// before are not even inflated: re-importing an export is cheap.
			wo.Skip = func(path string, size int64, crc uint32) bool {
				known, err := db.KnownMember(ctx, o.Athlete, path, size, crc)
				return err == nil && known
			}
		}
		walkErr <- ingest.Walk(ctx, o.Inputs, wo, func(e ingest.Entry) error {
			j := &importJob{entry: e}
			switch {
			case e.Skipped:
				j.status = "known"
			case e.Err != nil:
				j.status = "rejected"
			case seen[e.SHA256]:
				j.status = "duplicate_file"
			default:
				seen[e.SHA256] = true
				if db != nil {
					known, err := db.KnownSHA(ctx, o.Athlete, e.SHA256)
					if err != nil {
						return err
					}
					if known {
						j.status = "duplicate_file"
					}
				}
			}
			if j.status == "" {
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

	stats := &importStats{byStatus: map[string]int{}, skippedByKind: map[string]int{}, profiles: map[string]analysis.HRProfile{},
		othersFiles: map[string]int{}}
	var owners map[string]string
	if db != nil {
		var err error
		if owners, err = db.SHAOwners(ctx, o.Athlete); err != nil {
			cancel()
			drain(queue)
			wg.Wait()
			return nil, store.Summary{}, err
		}
	}
	var w *store.Writer
	if db != nil {
		var err error
		if w, err = db.NewWriter(ctx, o.Athlete); err != nil {
			cancel()
			drain(queue)
			wg.Wait()
			return nil, store.Summary{}, err
		}
	}
	var addErr error
	metrics := map[string]*analysis.Metrics{}
	for j := range queue {
		if addErr != nil {
			continue // drain
		}
		fr := fileResult(j)
		stats.add(fr)
		prog.update(stats.files, stats.bytes)
		if w == nil || j.status == "known" {
			continue // nothing new to record
		}
		if owner := owners[fr.SHA256]; owner != "" && fr.Status == "imported" {
			stats.othersFiles[owner]++
		}
		for _, a := range fr.Activities {
			if a.Metrics != nil {
				metrics[a.ID] = a.Metrics
			}
		}
		for id, p := range j.profiles {
			stats.profiles[id] = p
		}
		if err := w.Add(fr); err != nil {
			addErr = err
			cancel()
		}
	}
	wg.Wait()
	prog.done()
	var summary store.Summary
	var closeErr error
	if w != nil {
		summary, closeErr = w.Close()
	}
	if err := <-walkErr; err != nil && !errors.Is(err, context.Canceled) {
		return nil, summary, err
	}
	if addErr != nil {
		return nil, summary, addErr
	}
	if closeErr != nil {
		return nil, summary, closeErr
	}
	if err := ctx.Err(); err != nil {
		return nil, summary, err
	}
	if db != nil {
		if err := db.SaveMetrics(ctx, metrics); err != nil {
			return nil, summary, err
		}
	}
	return stats, summary, nil
}

// decodeFiles walks and decodes without a database (taper import --dry-run).
func decodeFiles(ctx context.Context, o *importOptions, zone *time.Location, progressOut io.Writer) (*importStats, error) {
	stats, _, err := importFiles(ctx, nil, o, zone, nil, progressOut)
	if err != nil {
		return nil, err
	}
	if stats.files == 0 {
		return nil, fmt.Errorf("no files found in %s", strings.Join(o.Inputs, ", "))
	}
	return stats, nil
}

func drain(q chan *importJob) {
	for range q {
	}
}

// fileResult turns a finished job into what the store records.
func fileResult(j *importJob) store.FileResult {
	e := j.entry
	fr := store.FileResult{Path: e.Path, Size: e.Size, SHA256: e.SHA256, CRC32: e.CRC32}
	switch j.status {
	case "known":
		fr.Status = "duplicate_file"
		fr.Reason = "same path and bytes already imported"
		return fr
	case "rejected":
		fr.Status = "rejected"
		fr.Reason = errorText(e.Err)
		return fr
	case "duplicate_file":
		fr.Status = "duplicate_file"
		fr.Reason = "same bytes already imported"
		return fr
	}
	r := <-j.res
	fr.Format = r.Format
	fr.Status = r.Status
	fr.Kind = r.Kind
	fr.Partial = r.Partial
	fr.PartialReason = r.PartialReason
	fr.Activities = r.Activities
	if r.Err != nil {
		fr.Reason = errorText(r.Err)
	} else if r.Status == "skipped" {
		fr.Reason = "not an activity: " + r.Kind
	}
	return fr
}

// errorText is an error's message with its hint, if any.
func errorText(err error) string {
	if h := hintOf(err); h != "" {
		return err.Error() + " (" + h + ")"
	}
	return err.Error()
}

func (s *importStats) add(fr store.FileResult) {
	s.files++
	s.bytes += fr.Size
	s.byStatus[fr.Status]++
	switch fr.Status {
	case "skipped":
		s.skippedByKind[fr.Kind]++
	case "rejected":
		s.rejected = append(s.rejected, fr.Reason)
	case "imported":
		s.activities += len(fr.Activities)
	}
	if fr.Partial {
		s.partial = append(s.partial, fr.Path+": "+fr.PartialReason)
	}
	for _, a := range fr.Activities {
		if len(a.Flags) > 0 {
			s.flagged = append(s.flagged, fmt.Sprintf("%s: starts %s UTC (%s)", a.Source, a.Start.UTC().Format("2006-01-02 15:04"), strings.Join(a.Flags, ", ")))
		}
	}
}

func printImportSummary(w io.Writer, o *importOptions, s *importStats, sum store.Summary, took time.Duration) {
	// The store's statuses are final (a file whose every activity turned
	// out to duplicate another source's is duplicate_activity); a dry run
	// has only the decoder's.
	status := s.byStatus
	if !o.DryRun && sum.ByStatus != nil {
		status = sum.ByStatus
	}
	if o.DryRun {
		fmt.Fprintf(w, "Dry run (nothing stored) for athlete %q: %s (%.1f MB) decoded in %s\n",
			o.Athlete, plural(int(s.files), "file", "files"), float64(s.bytes)/1e6, took.Round(10*time.Millisecond))
		fmt.Fprintf(w, "  activity files       %6d files, %d activities\n", s.byStatus["imported"], s.activities)
	} else {
		fmt.Fprintf(w, "Imported into %s for athlete %q: %s (%.1f MB) in %s\n",
			o.DB, o.Athlete, plural(int(s.files), "file", "files"), float64(s.bytes)/1e6, took.Round(10*time.Millisecond))
		fmt.Fprintf(w, "  imported             %6d files with %d new activities\n", status["imported"], s.activities-len(sum.Merged))
	}
	fmt.Fprintf(w, "  already imported     %6d files (same bytes seen before; not decoded again)\n", s.byStatus["duplicate_file"])
	if !o.DryRun {
		fmt.Fprintf(w, "  duplicate activities %6d (same run from another source; kept one primary)\n", len(sum.Merged))
		for _, m := range firstN(mergeLines(sum.Merged), 10) {
			fmt.Fprintf(w, "      %s\n", m)
		}
		if len(sum.Merged) > 10 {
			fmt.Fprintf(w, "      ... and %d more: taper sql --db %s \"SELECT id, source, duplicate_of FROM activities WHERE duplicate_of IS NOT NULL\"\n", len(sum.Merged)-10, o.DB)
		}
	}
	fmt.Fprintf(w, "  skipped              %6d", s.byStatus["skipped"])
	if len(s.skippedByKind) > 0 {
		kinds := make([]string, 0, len(s.skippedByKind))
		for k := range s.skippedByKind {
			kinds = append(kinds, k)
		}
		sort.Slice(kinds, func(a, b int) bool {
			if s.skippedByKind[kinds[a]] != s.skippedByKind[kinds[b]] {
				return s.skippedByKind[kinds[a]] > s.skippedByKind[kinds[b]]
			}
			return kinds[a] < kinds[b]
		})
		parts := make([]string, len(kinds))
		for i, k := range kinds {
			parts[i] = fmt.Sprintf("%s %d", k, s.skippedByKind[k])
		}
		fmt.Fprintf(w, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  partial              %6d\n", len(s.partial))
	for _, p := range firstN(s.partial, 10) {
		fmt.Fprintf(w, "      %s\n", p)
	}
	if len(s.flagged) > 0 {
		fmt.Fprintf(w, "  flagged dates        %6d (before 2000 or in the future: was the watch's clock set?)\n", len(s.flagged))
		for _, f := range firstN(s.flagged, 10) {
			fmt.Fprintf(w, "      %s\n", f)
		}
		if len(s.flagged) > 10 && !o.DryRun {
			fmt.Fprintf(w, "      ... and %d more: taper activities --db %s --athlete %s --format csv (column flags)\n", len(s.flagged)-10, o.DB, o.Athlete)
		}
	}
	for _, owner := range sortedOwners(s.othersFiles) {
		fmt.Fprintf(w, "  warning: %d of these files were imported for athlete %s before: is --athlete %s right?\n"+
			"      if not: taper forget --db %s --athlete %s --yes, then import that athlete's own files again\n",
			s.othersFiles[owner], owner, o.Athlete, o.DB, o.Athlete)
	}
	fmt.Fprintf(w, "  rejected             %6d\n", len(s.rejected))
	for _, r := range firstN(s.rejected, 10) {
		fmt.Fprintf(w, "      %s\n", r)
	}
	switch {
	case o.DryRun:
	case len(s.rejected) > 10:
		fmt.Fprintf(w, "      ... and %d more: taper imports --db %s --rejected\n", len(s.rejected)-10, o.DB)
	case len(s.rejected) > 0:
		fmt.Fprintf(w, "  list them again with: taper imports --db %s --rejected\n", o.DB)
	}
}

func mergeLines(ms []store.Merge) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.String()
	}
	return out
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// importMemoryLimit is DuckDB's buffer pool during an import: 64 MB kept a
// 2,000-file import at about 290 MB peak RSS (128 MB: about 370 MB) at the
// same speed. TAPER_DUCKDB_MEMORY_LIMIT (e.g. "256MB") overrides it.
func importMemoryLimit() string {
	if v := os.Getenv("TAPER_DUCKDB_MEMORY_LIMIT"); v != "" {
		return v
	}
	return "64MB"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func sortedOwners(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
