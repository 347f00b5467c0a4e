package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/reports"
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
		Short: "Import FIT/GPX/TCX files, folders, .gz and Garmin, Strava or Apple Health exports",
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
	prog := newProgress(st.errOut, o.Progress, o.Quiet)
	opts := taper.ImportOptions{Athlete: o.Athlete, Inputs: o.Inputs, Jobs: o.Jobs, Zone: zone, Settings: settings,
		DryRun: o.DryRun, AfterFile: crashHook(), Now: o.now}
	if prog.on {
		opts.Progress = prog.update
	}
	if o.DryRun {
		if o.DB != "" && o.DB != ":memory:" {
			opts.Exclude = []string{o.DB, o.DB + ".wal", o.DB + ".tmp"}
		}
		res, err := taper.Import(ctx, nil, opts)
		if err != nil {
			return err
		}
		printImportSummary(st.out, o, res, time.Since(start))
		return nil
	}
	if dir := filepath.Dir(o.DB); o.DB != "" && o.DB != ":memory:" {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return taper.WithHint(fmt.Errorf("cannot create database %s: folder %s does not exist", o.DB, dir), "create the folder first, or give another --db")
		}
	}
	fi, statErr := os.Stat(o.DB)
	if statErr == nil && fi.IsDir() {
		return usagef("--db %s is a folder: give the database file, e.g. --db %s", o.DB, filepath.Join(o.DB, "taper.duckdb"))
	}
	created := os.IsNotExist(statErr)
	db, err := openDB(ctx, o.DB, store.Options{MemoryLimit: importMemoryLimit()}, st.errOut)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := taper.Import(ctx, db, opts)
	var none *taper.NoFilesError
	if errors.As(err, &none) && created { // leave no empty database behind
		db.Close()
		os.Remove(o.DB)
		os.Remove(o.DB + ".wal")
	}
	if err != nil {
		return err
	}
	printImportSummary(st.out, o, res, time.Since(start))
	if len(res.Rejected) > 0 {
		return &exitCodeError{code: exitFindings}
	}
	return nil
}

// crashHook is the test hook of TestImportKilledMidway: with
// TAPER_TEST_KILL_AFTER_FILES=N the process kills itself (SIGKILL) once N
// files are handed to the store, at the same point on any machine.
func crashHook() func(int64) {
	n, err := strconv.ParseInt(os.Getenv("TAPER_TEST_KILL_AFTER_FILES"), 10, 64)
	if err != nil || n <= 0 {
		return nil
	}
	return func(files int64) {
		if files >= n {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		}
	}
}

func printImportSummary(w io.Writer, o *importOptions, s *taper.ImportResult, took time.Duration) {
	sum := s.Summary
	status := s.Statuses()
	if o.DryRun {
		fmt.Fprintf(w, "Dry run (nothing stored) for athlete %q: %s (%.1f MB) decoded in %s\n",
			o.Athlete, reports.Plural(int(s.Files), "file", "files"), float64(s.Bytes)/1e6, took.Round(10*time.Millisecond))
		fmt.Fprintf(w, "  activity files       %6d %s, %s\n", s.ByStatus[store.StatusImported], filesWord(s.ByStatus[store.StatusImported]), reports.Plural(s.Activities, "activity", "activities"))
	} else {
		fmt.Fprintf(w, "Imported into %s for athlete %q: %s (%.1f MB) in %s\n",
			o.DB, o.Athlete, reports.Plural(int(s.Files), "file", "files"), float64(s.Bytes)/1e6, took.Round(10*time.Millisecond))
		fmt.Fprintf(w, "  imported             %6d %s with %s\n", status[store.StatusImported], filesWord(status[store.StatusImported]), reports.Plural(s.Activities-len(sum.Merged), "new activity", "new activities"))
	}
	if line := reports.FormatCounts(s.ByFormat); line != "" {
		fmt.Fprintf(w, "      by format: %s\n", line)
	}
	fmt.Fprintf(w, "  already imported     %6d %s (same bytes seen before; not decoded again)\n", s.ByStatus[store.StatusDuplicateFile], filesWord(s.ByStatus[store.StatusDuplicateFile]))
	if !o.DryRun {
		fmt.Fprintf(w, "  duplicate activities %6d (same run from another source; kept one primary)\n", len(sum.Merged))
		for _, m := range sum.Merged[:min(len(sum.Merged), 10)] {
			fmt.Fprintf(w, "      %s\n", m.String())
		}
		if len(sum.Merged) > 10 {
			fmt.Fprintf(w, "      ... and %d more: taper sql --db %s \"SELECT id, source, duplicate_of FROM activities WHERE duplicate_of IS NOT NULL\"\n", len(sum.Merged)-10, o.DB)
		}
	}
	fmt.Fprintf(w, "  skipped              %6d", s.ByStatus[store.StatusSkipped])
	if len(s.SkippedByKind) > 0 {
		fmt.Fprintf(w, " (%s)", reports.Counts(s.SkippedByKind, nil))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  partial              %6d\n", len(s.Partial))
	for _, p := range firstN(s.Partial, 10) {
		fmt.Fprintf(w, "      %s\n", p)
	}
	if len(s.Flagged) > 0 {
		fmt.Fprintf(w, "  flagged dates        %6d (before 2000 or in the future: was the watch's clock set?)\n", len(s.Flagged))
		for _, f := range firstN(s.Flagged, 10) {
			fmt.Fprintf(w, "      %s\n", f)
		}
		if len(s.Flagged) > 10 && !o.DryRun {
			fmt.Fprintf(w, "      ... and %d more: taper activities --db %s --athlete %s --format csv (column flags)\n", len(s.Flagged)-10, o.DB, o.Athlete)
		}
	}
	for _, owner := range slices.Sorted(maps.Keys(s.OthersFiles)) {
		fmt.Fprintf(w, "  warning: %d of these files were imported for athlete %s before: is --athlete %s right?\n"+
			"      if not: taper forget --db %s --athlete %s --yes, then import that athlete's own files again\n",
			s.OthersFiles[owner], owner, o.Athlete, o.DB, o.Athlete)
	}
	fmt.Fprintf(w, "  rejected             %6d\n", len(s.Rejected))
	for _, r := range firstN(s.Rejected, 10) {
		fmt.Fprintf(w, "      %s\n", r)
	}
	switch {
	case o.DryRun:
	case len(s.Rejected) > 10:
		fmt.Fprintf(w, "      ... and %d more: taper imports --db %s --rejected\n", len(s.Rejected)-10, o.DB)
	case len(s.Rejected) > 0:
		fmt.Fprintf(w, "  list them again with: taper imports --db %s --rejected\n", o.DB)
	}
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

// filesWord is "file" for 1, else "files".
func filesWord(n int) string {
	if n == 1 {
		return "file"
	}
	return "files"
}
