package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/reports"
	"github.com/taper-run/taper/store"
)

type importsOptions struct {
	*globalOptions
	Rejected bool
	Status   []string
	Format   string
	All      bool

	athleteSet bool // --athlete was given (its default "default" is an athlete name too)
}

func newImportsCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &importsOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "imports",
		Short: "List imported files and their status (imported, skipped, ...)",
		Example: `  taper imports --db alice.duckdb --rejected
  taper imports --db alice.duckdb --status skipped --format csv`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.athleteSet = cmd.Flags().Changed("athlete")
			return runImports(cmd.Context(), o, st)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.Rejected, "rejected", false, "only rejected files, with the reason")
	f.StringSliceVar(&o.Status, "status", nil, "only these statuses: "+strings.Join(analysis.FileStatuses(), ", "))
	f.StringVar(&o.Format, "format", "table", "table, json or csv")
	f.BoolVar(&o.All, "all-athletes", false, "files of every athlete (default: --athlete's, or all when --athlete is not given)")
	return cmd
}

func runImports(ctx context.Context, o *importsOptions, st *streams) error {
	if err := checkFormat(o.Format, reports.RowFormats()...); err != nil {
		return err
	}
	var status []string
	for _, s := range o.Status {
		v := strings.ToLower(strings.TrimSpace(s))
		if !slices.Contains(analysis.FileStatuses(), v) {
			return usagef("unknown --status %q: use one or more of %s", s, strings.Join(analysis.FileStatuses(), ", "))
		}
		status = append(status, v)
	}
	if o.Rejected {
		status = append(status, store.StatusRejected)
	}
	db, err := openExisting(ctx, o.DB, store.Options{ReadOnly: true}, st.errOut)
	if err != nil {
		return err
	}
	defer db.Close()
	athlete := o.Athlete
	if o.All || !o.athleteSet {
		athlete = ""
	}
	files, err := taper.ListFiles(ctx, db, taper.FileFilter{Athlete: athlete, Status: status})
	if err != nil {
		return err
	}
	cols := []string{"athlete", "path", "status", "format", "kind", "size", "sha256", "reason", "partial"}
	if o.Format == "table" {
		cols = []string{"athlete", "path", "status", "kind", "reason"}
	}
	rows := make([][]any, 0, len(files))
	for _, f := range files {
		reason := f.Explanation()
		if o.Format == "table" {
			rows = append(rows, []any{f.Athlete, f.Path, f.Status, f.Kind, reason})
			continue
		}
		rows = append(rows, []any{f.Athlete, f.Path, f.Status, f.Format, f.Kind, f.Size, f.SHA256, reason, f.Partial})
	}
	if len(rows) == 0 && o.Format == "table" {
		fmt.Fprintln(st.out, "no files with that status")
		return nil
	}
	return writeRows(st.out, o.Format, cols, rows)
}
