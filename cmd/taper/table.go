package main

import (
	"io"
	"strings"

	"github.com/taper-run/taper/reports"
	"github.com/taper-run/taper/store"
)

// checkFormat validates a --format value against the allowed ones.
func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return usagef("unknown --format %q: use one of %s", format, strings.Join(allowed, ", "))
}

// newRowWriter is a reports.RowWriter printing values as the database
// gives them (store.FormatValue, store.JSONValue).
func newRowWriter(w io.Writer, format string) *reports.RowWriter {
	rw := reports.NewRowWriter(w, format)
	rw.Text = store.FormatValue
	rw.JSON = func(v any) any {
		if b, ok := v.([]byte); ok {
			return string(b)
		}
		return store.JSONValue(v)
	}
	return rw
}

// writeRows prints rows as an aligned table, JSON or CSV.
func writeRows(w io.Writer, format string, cols []string, rows [][]any) error {
	return newRowWriter(w, format).WriteAll(cols, rows)
}
