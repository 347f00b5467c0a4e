package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/reports"
	"github.com/taper-run/taper/store"
)

type reportOptions struct {
	*globalOptions
	AsOf   string
	Week   int
	Format string
	Output string
	FailOn string
	Color  string
}

func newReportCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &reportOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Weekly recovery compliance report of one athlete",
		Example: `  taper report --athlete alice
  taper report --athlete alice --as-of 2026-12-01 --week 3
  taper report --athlete alice --format html -o alice.html
  taper report --athlete alice --format json --fail-on breach  # breach: exit 3`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := formatFromOutput(cmd, &o.Format, o.Output); err != nil {
				return err
			}
			if cmd.Flags().Changed("week") && o.Week < 1 {
				return usagef("bad --week %d: use a recovery week number such as 1..8", o.Week)
			}
			return runReport(cmd.Context(), o, st)
		},
	}
	addReportFlags(cmd, &o.AsOf, &o.Format, &o.Output, &o.FailOn, &o.Color)
	cmd.Flags().IntVar(&o.Week, "week", 0, "only recovery week N (1..8)")
	return cmd
}

func addReportFlags(cmd *cobra.Command, asOf, format, output, failOn, color *string) {
	f := cmd.Flags()
	f.StringVar(asOf, "as-of", "", "report date: YYYY-MM-DD local, today, yesterday or a weekday name (default: today)")
	f.StringVar(format, "format", "text", "text, markdown, html, json or csv")
	f.StringVarP(output, "output", "o", "", "write to this file instead of stdout")
	f.StringVar(failOn, "fail-on", "", "exit 3 when a finding of this severity (breach or warning) is found")
	f.StringVar(color, "color", "auto", "text colour: auto (terminal only), always, never")
}

func checkReportFlags(asOf, format, failOn string) error {
	if err := checkFormat(format, reports.Formats()...); err != nil {
		return err
	}
	if err := taper.CheckDate(asOf); err != nil {
		return usagef("bad --as-of: %v", err)
	}
	if failOn != "" && failOn != analysis.SeverityBreach && failOn != analysis.SeverityWarning {
		return usagef("bad --fail-on %q: use breach or warning", failOn)
	}
	return nil
}

func runReport(ctx context.Context, o *reportOptions, st *streams) error {
	if err := checkReportFlags(o.AsOf, o.Format, o.FailOn); err != nil {
		return err
	}
	if o.Week < 0 {
		return usagef("bad --week %d: use a recovery week number such as 1..8", o.Week)
	}
	settings, err := loadSettingsFor(o.globalOptions, o.Athlete)
	if err != nil {
		return err
	}
	if o.Week > settings.Weeks {
		return usagef("bad --week %d: the audit covers recovery weeks 1..%d", o.Week, settings.Weeks)
	}
	db, err := openExisting(ctx, o.DB, store.Options{ReadOnly: true}, st.errOut)
	if err != nil {
		return err
	}
	defer db.Close()
	warnUnknownAthletes(ctx, o.globalOptions, db, st.errOut)
	rep, err := taper.Report(ctx, db, taper.ReportOptions{Athlete: o.Athlete, Settings: settings, AsOf: o.AsOf, Week: o.Week, Now: o.now,
		Outdated: outdatedNote(st.errOut, db.Path()), SettingsChanged: settingsNote(st.errOut, db.Path())})
	if err != nil {
		return err
	}
	if err := taper.CheckOutput(o.Output, o.DB); err != nil {
		return err
	}
	if err := taper.WriteOutput(o.Output, st.out, func(w io.Writer) error {
		return reports.Render(w, o.Format, rep, useColor(o.Color, w))
	}); err != nil {
		return err
	}
	return failOn(o.FailOn, rep.Breaches, rep.Warnings)
}

// formatFromOutput takes the format from the -o file's extension when
// --format is not given (-o alice.html writes HTML), and refuses a
// --format that contradicts it (--format text -o alice.html).
func formatFromOutput(cmd *cobra.Command, format *string, output string) error {
	ext := reports.FormatOfExt(output)
	if ext == "" || output == "-" {
		return nil
	}
	if !cmd.Flags().Changed("format") {
		*format = ext
		return nil
	}
	if *format != ext {
		return usagef("--format %s contradicts -o %s (a %s file): drop --format, or name the file for %s", *format, output, ext, *format)
	}
	return nil
}

// failOn returns the --fail-on exit status when its severity was found.
func failOn(level string, breaches, warnings int) error {
	if taper.FailsOn(level, breaches, warnings) {
		return &exitCodeError{code: exitFindings}
	}
	return nil
}

// outdatedNote prints the note about activities analysed by an older taper.
func outdatedNote(errOut io.Writer, dbPath string) func(string, int) {
	return func(athlete string, n int) {
		fmt.Fprintf(errOut, "taper: note: %d activities of %s were analysed by an older taper; their classes may differ from this one's: taper reanalyze --db %s --athlete %s\n",
			n, athlete, dbPath, athlete)
	}
}

// settingsNote prints the note about settings changed since the analysis.
func settingsNote(errOut io.Writer, dbPath string) func(string, string) {
	return func(athlete, change string) {
		fmt.Fprintf(errOut, "taper: note: settings of %s changed since its activities were analysed (%s): run taper reanalyze --db %s --athlete %s to apply them\n",
			athlete, change, dbPath, athlete)
	}
}

// useColor decides whether text output gets ANSI colour.
func useColor(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
