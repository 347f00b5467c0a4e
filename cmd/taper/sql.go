package main

import (
	"context"

	"github.com/spf13/cobra"
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
		Example: `  taper sql --db alice.duckdb "SELECT sport, count(*) FROM activities GROUP BY 1"
  taper sql --format csv "SELECT local_date, distance_m FROM activities WHERE sport = 'running'"`,
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
	if err := checkFormat(o.Format, "table", "json", "csv"); err != nil {
		return err
	}
	db, err := openExisting(ctx, o.globalOptions, st.errOut, true)
	if err != nil {
		return err
	}
	defer db.Close()
	cols, rows, err := db.Query(ctx, o.Query)
	if err != nil {
		return err
	}
	return writeRows(st.out, o.Format, cols, rows)
}
