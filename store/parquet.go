package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// ParquetColumn is one column of a ParquetTable: its name and DuckDB type
// (VARCHAR, DOUBLE, INTEGER, BOOLEAN, DATE, TIMESTAMPTZ...).
type ParquetColumn struct {
	Name, Type string
}

// ParquetTable is rows to write as hive-partitioned Parquet.
type ParquetTable struct {
	Columns     []ParquetColumn
	Rows        [][]any  // values in column order; nil for NULL
	PartitionBy []string // columns that name the folders (col=value/...)
}

// WriteParquet writes t under dir as DuckDB's COPY ... (FORMAT parquet,
// PARTITION_BY ...) does: dir/<col>=<value>/.../data_0.parquet, the
// partition columns in the folder names only. It runs on a private
// in-memory database (the taper database may be open read-only or
// sandboxed); existing files in dir are replaced.
func WriteParquet(ctx context.Context, dir string, t ParquetTable) error {
	conn, err := duckdb.NewConnector("?autoinstall_known_extensions=false&autoload_known_extensions=false&threads=1", nil)
	if err != nil {
		return fmt.Errorf("parquet export: %w", err)
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("parquet export: %w", err)
	}
	defer c.Close()
	defs := make([]string, len(t.Columns))
	for i, col := range t.Columns {
		defs[i] = quoteIdent(col.Name) + " " + col.Type
	}
	if _, err := c.ExecContext(ctx, "CREATE TEMP TABLE export ("+strings.Join(defs, ", ")+")"); err != nil {
		return fmt.Errorf("parquet export: %w", err)
	}
	err = c.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", "export")
		if err != nil {
			return err
		}
		for _, r := range t.Rows {
			vals := make([]driver.Value, len(r))
			for i, v := range r {
				vals[i] = v
			}
			if err := app.AppendRow(vals...); err != nil {
				app.Close()
				return err
			}
		}
		return app.Close()
	})
	if err != nil {
		return fmt.Errorf("parquet export: %w", err)
	}
	parts := make([]string, len(t.PartitionBy))
	for i, p := range t.PartitionBy {
		parts[i] = quoteIdent(p)
	}
	q := fmt.Sprintf("COPY export TO %s (FORMAT parquet, PARTITION_BY (%s), OVERWRITE_OR_IGNORE true)",
		quoteString(dir), strings.Join(parts, ", "))
	if _, err := c.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("parquet export to %s: %w", dir, err)
	}
	return nil
}

func quoteIdent(s string) string  { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteString(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }
