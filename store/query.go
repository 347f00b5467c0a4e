package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// allowedSQL says what taper sql runs, for its refusals.
const allowedSQL = "taper sql runs one read-only statement: SELECT, WITH, FROM, VALUES, TABLE, DESCRIBE, SHOW, SUMMARIZE or EXPLAIN, on this database only (no files, no extensions, no settings)"

// readStatement says whether a statement's first keyword is one Query runs.
func readStatement(word string) bool {
	switch word {
	case "select", "with", "from", "values", "table", "describe", "show", "summarize", "explain":
		return true
	}
	return false
}

// QueryError is a statement taper sql refuses to run.
type QueryError struct {
	Reason string
}

func (e *QueryError) Error() string { return "sql: " + e.Reason }

// Hint says what taper sql runs.
func (e *QueryError) Hint() string { return allowedSQL }

// checkStatement refuses what is not one read-only statement. Several
// statements are refused before anything runs: duckdb-go's PrepareContext
// runs every statement but the last one, so they cannot be counted by
// preparing them. The rule is plain: no ';' except trailing ones (not even
// in a string: write chr(59)).
func checkStatement(query string) (string, error) {
	q := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(query), "; \t\r\n"))
	if q == "" {
		return "", &QueryError{"empty query; try: taper sql \"SELECT sport, count(*) FROM activities GROUP BY 1\""}
	}
	if strings.Contains(q, ";") {
		return "", &QueryError{"one statement at a time: found ';' inside the query (in a string, write chr(59))"}
	}
	first := strings.ToLower(strings.FieldsFunc(q, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '('
	})[0])
	if !readStatement(first) {
		if strings.HasPrefix(first, "--") || strings.HasPrefix(first, "/*") {
			return "", &QueryError{"start the query with its statement: no comment before it"}
		}
		if !knownStatement(first) {
			return "", &QueryError{fmt.Sprintf("%q starts no SQL statement taper sql runs (a typo?)", first)}
		}
		return "", &QueryError{fmt.Sprintf("%s is not allowed: only read-only statements run", strings.ToUpper(first))}
	}
	return q, nil
}

// knownStatement says whether word starts one of DuckDB's statements.
func knownStatement(word string) bool {
	switch word {
	case "insert", "update", "delete", "create", "drop", "alter", "copy", "attach", "detach", "use", "set", "reset", "pragma",
		"install", "load", "export", "import", "checkpoint", "force", "vacuum", "begin", "commit", "rollback", "abort", "start",
		"end", "call", "prepare", "execute", "deallocate", "truncate", "merge", "update_extensions", "comment", "analyze",
		"pivot", "unpivot", "desc", "from", "with", "select", "values", "table", "show", "describe", "summarize", "explain":
		return true
	}
	return false
}

// readStatementType says whether a prepared statement only reads.
func readStatementType(t duckdb.StmtType) bool {
	switch t {
	case duckdb.STATEMENT_TYPE_SELECT, duckdb.STATEMENT_TYPE_EXPLAIN:
		return true
	}
	return false
}

// Stream runs one read-only SQL statement (taper sql): it calls header
// with the column names, then row for each result row, in order; one row
// is in memory at a time (row must not keep vals, which is reused). Values
// are plain Go values with a natural text and JSON form (see FormatValue). A statement that is not one read-only statement is a
// *QueryError, refused before anything runs. On a database opened with
// Options.Sandbox the statement cannot read or write files outside the
// database, load extensions or change settings; on a writable database it
// runs in a transaction that is rolled back.
func (db *DB) Stream(ctx context.Context, query string, header func(cols []string) error, row func(vals []any) error) error {
	q, err := checkStatement(query)
	if err != nil {
		return err
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sql on %s: %w", db.name(), err)
	}
	defer conn.Close()
	if !db.readOnly {
		if _, err := conn.ExecContext(ctx, `BEGIN TRANSACTION`); err != nil {
			return fmt.Errorf("sql on %s: %w", db.name(), err)
		}
		// Nothing a query did is kept; a failed rollback leaves nothing either.
		defer conn.ExecContext(context.Background(), `ROLLBACK`)
	}
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("sql: unexpected driver connection %T", dc)
		}
		ds, err := c.PrepareContext(ctx, q) // one statement: preparing runs nothing
		if err != nil {
			return err
		}
		defer ds.Close()
		st := ds.(*duckdb.Stmt)
		typ, err := st.StatementType()
		if err != nil {
			return err
		}
		if !readStatementType(typ) {
			return &QueryError{"the statement would change something: only read-only statements run"}
		}
		rows, err := st.QueryContext(ctx, nil)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols := rows.Columns()
		if err := header(cols); err != nil {
			return err
		}
		infos := make([]duckdb.TypeInfo, len(cols))
		for i := range infos {
			if ti, err := st.ColumnTypeInfo(i); err == nil {
				infos[i] = ti
			}
		}
		dest := make([]driver.Value, len(cols))
		vals := make([]any, len(cols))
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			err := rows.Next(dest)
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			for i, v := range dest {
				vals[i] = value(v, infos[i])
			}
			if err := row(vals); err != nil {
				return err
			}
		}
	})
	var qe *QueryError
	if err != nil && !errors.As(err, &qe) && !errors.Is(err, context.Canceled) {
		return &sqlError{err}
	}
	return err
}

// sqlError is DuckDB's error about a statement, with what taper sql runs.
type sqlError struct{ err error }

func (e *sqlError) Error() string { return "sql: " + e.err.Error() }
func (e *sqlError) Unwrap() error { return e.err }

// Hint says what taper sql runs when DuckDB refused a file, an extension
// or a setting; "" for other errors (a typo in a column name).
func (e *sqlError) Hint() string {
	msg := strings.ToLower(e.err.Error())
	for _, w := range []string{"external access", "lock_configuration", "configuration", "extension", "read-only", "read only"} {
		if strings.Contains(msg, w) {
			return allowedSQL
		}
	}
	return ""
}
