package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/analysis"
)

// Exit statuses: a public contract for scripts and cron.
const (
	exitOK       = 0
	exitError    = 1 // fatal: database unusable, no input found, ...
	exitUsage    = 2 // bad flags or arguments
	exitFindings = 3 // import: some files rejected; report/audit: --fail-on met

	exitInterrupted = 130 // Ctrl-C (128 + SIGINT)
)

// globalOptions are the flags every subcommand shares.
type globalOptions struct {
	DB      string // database path
	Athlete string
	Config  string // settings file; "" = taper.toml beside the database, if present
	Quiet   bool
	Wait    time.Duration // how long to wait for another process writing the database

	CPUProfile  string // hidden --cpuprofile
	stopProfile func()

	// NowFlag is the hidden --now: the date (YYYY-MM-DD, noon UTC) or
	// instant (RFC 3339) taper takes as now, for reproducible output.
	NowFlag string
	// now is the clock every use case gets; time.Now unless --now.
	now func() time.Time
}

// setClock sets g.now from --now.
func (g *globalOptions) setClock() error {
	g.now = time.Now
	if g.NowFlag == "" {
		return nil
	}
	t, err := taper.ParseNow(g.NowFlag)
	if err != nil {
		return usagef("bad --now %q: use YYYY-MM-DD or an RFC 3339 time", g.NowFlag)
	}
	g.now = func() time.Time { return t }
	return nil
}

// exitCodeError ends a command with a given exit status after it has
// printed what it had to say.
type exitCodeError struct {
	code int
	msg  string // printed as "taper: msg" when not empty
}

func (e *exitCodeError) Error() string { return e.msg }

// usageError marks a usage problem (exit 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// streams are the standard streams a command writes to.
type streams struct {
	in     io.Reader
	out    io.Writer
	errOut io.Writer
}

// run executes taper with args and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g := &globalOptions{}
	st := &streams{in: stdin, out: stdout, errOut: stderr}
	root := newRootCmd(g, st)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	var ec *exitCodeError
	if errors.As(err, &ec) {
		if ec.msg != "" {
			fmt.Fprintf(stderr, "taper: %s\n", ec.msg)
		}
		return ec.code
	}
	fmt.Fprintf(stderr, "taper: %v\n", err)
	if h := taper.HintOf(err); h != "" {
		fmt.Fprintf(stderr, "hint: %s\n", h)
	}
	var ue *usageError
	if errors.As(err, &ue) || isCobraUsage(err) || taper.IsUsage(err) {
		help := "taper --help"
		if cmd != nil && cmd != root {
			help = cmd.CommandPath() + " --help"
		}
		fmt.Fprintf(stderr, "Run '%s' for usage.\n", help)
		return exitUsage
	}
	if errors.Is(err, context.Canceled) {
		return exitInterrupted
	}
	return exitError
}

// isCobraUsage recognises cobra's own argument and command errors.
func isCobraUsage(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "unknown command") || strings.HasPrefix(s, "unknown flag") ||
		strings.HasPrefix(s, "unknown shorthand flag") || strings.Contains(s, "flag needs an argument") ||
		strings.HasPrefix(s, "accepts ") || strings.HasPrefix(s, "requires at least") ||
		strings.HasPrefix(s, "invalid argument")
}

func newRootCmd(g *globalOptions, st *streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "taper",
		Short: "Post-marathon recovery audit from watch exports",
		Long: `taper imports FIT, GPX and TCX files (single files, folders, .gz) and Garmin,
Strava and Apple Health exports into an embedded DuckDB database, classifies
every run, finds the race and the pre-race baseline, and checks the recovery
against rules: rest window, return phase, ramp caps and the interval limit.

Start with 'taper demo' to see it on a generated athlete.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       version(),
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	// cobra's usage, with the flags' help wrapped to 80 columns (wrapFlags).
	root.SetUsageTemplate(strings.NewReplacer(".LocalFlags.FlagUsages | trimTrailingWhitespaces", "wrapFlags .LocalFlags",
		".InheritedFlags.FlagUsages | trimTrailingWhitespaces", "wrapFlags .InheritedFlags").Replace(root.UsageTemplate()))
	defaultDB := os.Getenv("TAPER_DB")
	if defaultDB == "" {
		defaultDB = "taper.duckdb"
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.DB, "db", defaultDB, "database file (env TAPER_DB)")
	pf.StringVar(&g.Athlete, "athlete", "default", "athlete name")
	pf.StringVar(&g.Config, "config", "", "settings file (default: taper.toml beside the database)")
	pf.BoolVarP(&g.Quiet, "quiet", "q", false, "no progress output")
	pf.DurationVar(&g.Wait, "wait", defaultLockWait, "wait this long for another taper process's import (0: fail)")
	pf.StringVar(&g.CPUProfile, "cpuprofile", "", "write a CPU profile to this file (for benchmarks)")
	_ = pf.MarkHidden("cpuprofile")
	pf.StringVar(&g.NowFlag, "now", "", "take this date or time as now (for reproducible output)")
	_ = pf.MarkHidden("now")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		cmd.SetContext(withWait(cmd.Context(), g.Wait))
		if strings.TrimSpace(g.Athlete) == "" {
			return usagef("--athlete %q is empty: give a name, e.g. --athlete alice", g.Athlete)
		}
		if err := g.setClock(); err != nil {
			return err
		}
		if g.CPUProfile == "" {
			return nil
		}
		f, err := os.Create(g.CPUProfile)
		if err != nil {
			return err
		}
		g.stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
		return pprof.StartCPUProfile(f)
	}
	root.PersistentPostRun = func(*cobra.Command, []string) {
		if g.stopProfile != nil {
			g.stopProfile()
		}
	}

	root.AddCommand(
		newImportCmd(g, st),
		newActivitiesCmd(g, st),
		newImportsCmd(g, st),
		newSQLCmd(g, st),
		newDemoCmd(g, st),
		newGenerateCmd(g, st),
		newRaceCmd(g, st),
		newReanalyzeCmd(g, st),
		newReportCmd(g, st),
		newAuditCmd(g, st),
		newRulesCmd(g, st),
		newForgetCmd(g, st),
		newServeCmd(g, st),
		newWaiveCmd(g, st),
		newOverrideCmd(g, st),
		newExportCmd(g, st),
	)
	return root
}

// wrapFlags is the usage template's function that wraps flags' help to 80
// columns; registered once (cobra keeps template functions in a global
// map, unguarded).
func init() {
	cobra.AddTemplateFunc("wrapFlags", func(f *pflag.FlagSet) string { return strings.TrimRight(f.FlagUsagesWrapped(80), " \n") })
}

// wrapArgs turns cobra's positional-argument errors into usage errors.
func wrapArgs(fn cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := fn(cmd, args); err != nil {
			return &usageError{err}
		}
		return nil
	}
}

// version is taper's version and the analysis version its stored results
// carry (see taper reanalyze).
func version() string {
	return fmt.Sprintf("0.1.0 (analysis version %d)", analysis.AnalysisVersion)
}
