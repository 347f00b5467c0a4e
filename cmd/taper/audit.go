package main

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/reports"
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
  taper audit --db team.duckdb --format csv --fail-on breach     (cron: exit 3 when an athlete still in recovery has a breach)`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
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
	db, err := openExisting(ctx, o.DB, true)
	if err != nil {
		return err
	}
	defer db.Close()
	athletes, err := db.Athletes(ctx)
	if err != nil {
		return err
	}
	warnUnknownAthletes(ctx, o.globalOptions, db, st.errOut)
	var reps []*analysis.Report
	breaches, warnings := 0, 0
	for _, a := range athletes {
		settings, err := loadSettingsFor(o.globalOptions, a)
		if err != nil {
			return err
		}
		rep, err := buildReport(ctx, db, a, settings, o.AsOf, st.errOut)
		var none *noActivitiesError
		if errors.As(err, &none) {
			asOf := o.AsOf
			if asOf == "" {
				asOf = localToday(time.Now(), settings)
			}
			// Listed (a typo in --athlete, or every file rejected), not fatal.
			rep = analysis.Audit(analysis.AuditInput{Athlete: a, AsOf: asOf, Settings: settings,
				Race: analysis.Race{Reason: "no activities imported for this athlete"}})
		} else if err != nil {
			return err
		}
		// --fail-on looks at recoveries still being audited: an athlete
		// whose eight weeks are over no longer fails a nightly cron job.
		if rep.Current.Phase != analysis.PhaseAfter {
			breaches += rep.Breaches
			warnings += rep.Warnings
		}
		reps = append(reps, rep)
	}
	if err := withOutput(o.Output, st.out, func(w io.Writer) error {
		switch o.Format {
		case "markdown":
			return reports.AuditMarkdown(w, reps)
		case "html":
			return reports.AuditHTML(w, reps)
		case "json":
			return reports.AuditJSON(w, reps)
		case "csv":
			return reports.AuditCSV(w, reps)
		default:
			return reports.AuditText(w, reps, useColor(o.Color, w))
		}
	}); err != nil {
		return err
	}
	return failOn(o.FailOn, breaches, warnings)
}
