package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// readStatements are the first keywords of statements Query accepts.
func readStatement(word string) bool {
	switch word {
	case "select", "with", "from", "values", "table", "describe", "show", "summarize", "explain", "pragma":
		return true
	}
	return false
}

// Query runs one read-only SQL statement (for taper sql) and returns its
// column names and rows. Values are Go values as the driver returns them:
// nil, bool, int*, float*, *big.Int (HUGEINT, e.g. sum of integers), string,
// time.Time (UTC) for timestamps, "YYYY-MM-DD" strings for dates, []byte,
// maps and slices for nested types. A statement that could write is refused; on a writable
// database the statement also runs in a transaction that is rolled back.
func (db *DB) Query(ctx context.Context, query string) (cols []string, rows [][]any, err error) {
	q := strings.TrimSpace(query)
	q = strings.TrimSpace(strings.TrimRight(q, "; \t\r\n"))
	if q == "" {
		return nil, nil, fmt.Errorf("sql: empty query; try: taper sql \"SELECT sport, count(*) FROM activities GROUP BY 1\"")
	}
	first := strings.ToLower(strings.FieldsFunc(q, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '('
	})[0])
	if !readStatement(first) {
		return nil, nil, fmt.Errorf("sql: only read-only statements (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN) are allowed, not %s", strings.ToUpper(first))
	}
	if strings.Contains(q, ";") && !db.readOnly {
		return nil, nil, fmt.Errorf("sql: one statement at a time (found ';')")
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("sql on %s: %w", db.name(), err)
	}
	defer conn.Close()
	if !db.readOnly {
		if _, err := conn.ExecContext(ctx, `BEGIN TRANSACTION`); err != nil {
			return nil, nil, fmt.Errorf("sql on %s: %w", db.name(), err)
		}
		// Nothing a query did is kept; a failed rollback leaves nothing either.
		defer conn.ExecContext(context.Background(), `ROLLBACK`)
	}
	r, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, nil, fmt.Errorf("sql: %w", err)
	}
	defer r.Close()
	cols, err = r.Columns()
	if err != nil {
		return nil, nil, fmt.Errorf("sql: %w", err)
	}
	types, err := r.ColumnTypes()
	if err != nil {
		return nil, nil, fmt.Errorf("sql: %w", err)
	}
	isDate := make([]bool, len(types))
	for i, t := range types {
		isDate[i] = t.DatabaseTypeName() == "DATE"
	}
	for r.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := r.Scan(ptrs...); err != nil {
			return nil, nil, fmt.Errorf("sql: %w", err)
		}
		for i, v := range vals {
			if t, ok := v.(time.Time); ok {
				if isDate[i] {
					vals[i] = t.UTC().Format("2006-01-02") // a calendar date, not an instant
				} else {
					vals[i] = t.UTC()
				}
			}
		}
		rows = append(rows, vals)
	}
	if err := r.Err(); err != nil {
		return nil, nil, fmt.Errorf("sql: %w", err)
	}
	return cols, rows, nil
}
