package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store"
)

type exportOptions struct {
	*globalOptions
	Format string
	Output string
	AsOf   string
	One    bool // --athlete given: only that athlete
}

func newExportCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &exportOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "export --format parquet --output DIR",
		Short: "Write activities and findings as Parquet (taper-beam's layout)",
		Example: `  taper export --db team.duckdb --format parquet --output lake/
  taper export --db team.duckdb --athlete alice -o lake/ --as-of 2026-12-01`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.One = cmd.Flags().Changed("athlete")
			return runExport(cmd.Context(), o, st)
		},
	}
	cmd.Flags().StringVar(&o.Format, "format", "parquet", "parquet")
	cmd.Flags().StringVarP(&o.Output, "output", "o", "", "folder for activities/athlete=<a>/year=<y>/ and findings/athlete=<a>/ (required)")
	cmd.Flags().StringVar(&o.AsOf, "as-of", "", "the findings' report date, YYYY-MM-DD local (default: today)")
	return cmd
}

func runExport(ctx context.Context, o *exportOptions, st *streams) error {
	if err := checkFormat(o.Format, "parquet"); err != nil {
		return err
	}
	if o.Output == "" {
		return usagef("give the folder to write with --output DIR, e.g. taper export --format parquet --output lake/")
	}
	if o.AsOf != "" {
		if _, err := time.Parse(time.DateOnly, o.AsOf); err != nil {
			return usagef("bad --as-of %q: use YYYY-MM-DD", o.AsOf)
		}
	}
	if fi, err := os.Stat(o.Output); err == nil && !fi.IsDir() {
		return usagef("--output %s is a file: give a folder", o.Output)
	}
	db, err := openExisting(ctx, o.DB, store.Options{ReadOnly: true}, st.errOut)
	if err != nil {
		return err
	}
	defer db.Close()
	athlete := ""
	if o.One {
		athlete = o.Athlete
	}
	start := time.Now()
	res, err := taper.Export(ctx, db, taper.ExportOptions{Dir: o.Output, Athlete: athlete, AsOf: o.AsOf, Now: o.now,
		Settings: func(a string) (analysis.Settings, error) { return loadSettingsFor(o.globalOptions, a) }})
	if err != nil {
		return err
	}
	if !o.Quiet {
		fmt.Fprintf(st.out, "Exported %d activities and %d findings of %d athletes to %s in %s\n",
			res.Activities, res.Findings, res.Athletes, o.Output, time.Since(start).Round(time.Millisecond))
	}
	return nil
}
