package store

import "context"

// Query is Stream that collects the rows (for the tests).
func (db *DB) Query(ctx context.Context, query string) (cols []string, rows [][]any, err error) {
	err = db.Stream(ctx, query, func(c []string) error { cols = c; return nil }, func(vals []any) error {
		rows = append(rows, append([]any(nil), vals...))
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return cols, rows, nil
}
