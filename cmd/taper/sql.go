package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper/reports"
	"github.com/taper-run/taper/store"
)

type sqlOptions struct {
	*globalOptions
	Format string
	Query  string
}

func newSQLCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &sqlOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "sql QUERY",
		Short: "Run a read-only SQL query on the database (no duckdb CLI needed)",
		Long: `sql runs one read-only statement (SELECT, WITH, FROM, VALUES, TABLE, DESCRIBE,
SHOW, SUMMARIZE or EXPLAIN) on the database and streams its rows. The statement
sees this database only: it cannot read or write other files, load extensions
or change settings. Values are printed in full (every digit of a float, DECIMAL
with its scale, INTERVAL, UUID, LIST, STRUCT and MAP as DuckDB writes them).`,
		Example: `  taper sql --db team.duckdb "SELECT sport, count(*) FROM activities GROUP BY 1"
  taper sql --format csv \
    "SELECT local_date, distance_m FROM activities WHERE sport = 'running'"`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("give one query in quotes, e.g. taper sql \"SELECT sport, count(*) FROM activities GROUP BY 1\"")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Query = args[0]
			return runSQL(cmd.Context(), o, st)
		},
	}
	cmd.Flags().StringVar(&o.Format, "format", "table", "table, json or csv")
	return cmd
}

func runSQL(ctx context.Context, o *sqlOptions, st *streams) error {
	if err := checkFormat(o.Format, reports.RowFormats()...); err != nil {
		return err
	}
	db, err := openExisting(ctx, o.DB, store.Options{ReadOnly: true, Sandbox: true}, st.errOut)
	if err != nil {
		return err
	}
	defer db.Close()
	rw := newRowWriter(st.out, o.Format)
	if err := db.Stream(ctx, o.Query, rw.Header, rw.Row); err != nil {
		return err
	}
	return rw.Close()
}
