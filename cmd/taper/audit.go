package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/reports"
	"github.com/taper-run/taper/store"
)

type auditOptions struct {
	*globalOptions
	AsOf   string
	Format string
	Output string
	FailOn string
	Color  string
}

func newAuditCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &auditOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Roster audit: one row per athlete in the database, worst first",
		Example: `  taper audit --db team.duckdb
  taper audit --db team.duckdb --as-of 2026-11-30 --format html -o monday.html
  # cron: exit 3 when an athlete still in recovery has a breach
  taper audit --db team.duckdb --format csv --fail-on breach`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := formatFromOutput(cmd, &o.Format, o.Output); err != nil {
				return err
			}
			return runAudit(cmd.Context(), o, st)
		},
	}
	addReportFlags(cmd, &o.AsOf, &o.Format, &o.Output, &o.FailOn, &o.Color)
	return cmd
}

func runAudit(ctx context.Context, o *auditOptions, st *streams) error {
	if err := checkReportFlags(o.AsOf, o.Format, o.FailOn); err != nil {
		return err
	}
	db, err := openExisting(ctx, o.DB, store.Options{ReadOnly: true}, st.errOut)
	if err != nil {
		return err
	}
	defer db.Close()
	warnUnknownAthletes(ctx, o.globalOptions, db, st.errOut)
	res, err := taper.Audit(ctx, db, taper.AuditOptions{AsOf: o.AsOf, Now: o.now, Outdated: outdatedNote(st.errOut, db.Path()),
		SettingsChanged: settingsNote(st.errOut, db.Path()),
		Settings:        func(athlete string) (analysis.Settings, error) { return loadSettingsFor(o.globalOptions, athlete) }})
	if err != nil {
		return err
	}
	reps := res.Reports
	if err := taper.CheckOutput(o.Output, o.DB); err != nil {
		return err
	}
	if err := taper.WriteOutput(o.Output, st.out, func(w io.Writer) error {
		return reports.RenderAudit(w, o.Format, reps, useColor(o.Color, w))
	}); err != nil {
		return err
	}
	return failOn(o.FailOn, res.Breaches, res.Warnings)
}
