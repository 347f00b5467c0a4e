package main

import (
	"context"
	"errors"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper"
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
		Short: "Import FIT/GPX/TCX files, folders, .gz and platform exports",
		Example: `  taper import --db alice.duckdb --athlete alice ~/Downloads/export.zip
  taper import --db alice.duckdb --athlete alice ~/watch/*.fit
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
	if err := taper.CheckAthleteName(o.Athlete); err != nil {
		return err
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
	start := time.Now()
	prog := newProgress(st.errOut, o.Progress, o.Quiet)
	opts := taper.ImportOptions{Athlete: o.Athlete, Inputs: o.Inputs, Jobs: o.Jobs, Zone: zone, Settings: settings,
		DryRun: o.DryRun, AfterFile: crashHook(), Now: o.now}
	if prog.on {
		opts.Progress = prog.update
	}
	res, err := taper.ImportInto(ctx, o.DB, func() (*store.DB, error) {
		return openDB(ctx, o.DB, store.Options{MemoryLimit: importMemoryLimit()}, st.errOut)
	}, opts)
	if fe := (*taper.DBIsFolderError)(nil); errors.As(err, &fe) {
		return &usageError{err}
	}
	if err != nil {
		return err
	}
	res.WriteSummary(st.out, o.DB, o.Athlete, o.DryRun, time.Since(start))
	if len(res.Rejected) > 0 && !o.DryRun {
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

// importMemoryLimit is DuckDB's buffer pool during an import: 64 MB kept a
// 2,000-file import at about 290 MB peak RSS (128 MB: about 370 MB) at the
// same speed. TAPER_DUCKDB_MEMORY_LIMIT (e.g. "256MB") overrides it.
func importMemoryLimit() string {
	if v := os.Getenv("TAPER_DUCKDB_MEMORY_LIMIT"); v != "" {
		return v
	}
	return "64MB"
}
