package main

import (
	"encoding/csv"
	"io"
	"math"
	"strings"
	"unicode/utf8"

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

// writeRows prints rows as an aligned table, a JSON array of objects (keys
// in column order) or CSV with a header.
func writeRows(w io.Writer, format string, cols []string, rows [][]any) error {
	rw := newRowWriter(w, format)
	if err := rw.header(cols); err != nil {
		return err
	}
	for _, r := range rows {
		if err := rw.row(r); err != nil {
			return err
		}
	}
	return rw.close()
}

// rowWriter prints rows as they come, in constant memory (taper sql
// streams a whole table through it).
type rowWriter struct {
	w      io.Writer
	format string
	cols   []string
	n      int
	csv    *csv.Writer
	// table: the first tableBlock rows are held to size the columns; later
	// rows use those widths (a wider cell pushes its line only).
	pending [][]string
	widths  []int
}

const tableBlock = 500

func newRowWriter(w io.Writer, format string) *rowWriter {
	return &rowWriter{w: w, format: format}
}

func (rw *rowWriter) header(cols []string) error {
	rw.cols = cols
	switch rw.format {
	case "json":
		_, err := io.WriteString(rw.w, "[")
		return err
	case "csv":
		rw.csv = csv.NewWriter(rw.w)
		return rw.csv.Write(cols)
	default:
		rw.pending = [][]string{strings.Split(strings.ToUpper(strings.Join(cols, "\t")), "\t")}
		return nil
	}
}

func (rw *rowWriter) row(vals []any) error {
	rw.n++
	switch rw.format {
	case "json":
		return reports.WriteJSONRow(rw.w, rw.cols, vals, rw.n == 1, jsonValue)
	case "csv":
		rec := make([]string, len(rw.cols))
		for j := range rw.cols {
			rec[j] = cellText(vals[j], false)
		}
		return rw.csv.Write(rec)
	default:
		cells := make([]string, len(rw.cols))
		for j := range rw.cols {
			cells[j] = cellText(vals[j], true)
		}
		if rw.widths == nil {
			rw.pending = append(rw.pending, cells)
			if len(rw.pending) > tableBlock {
				return rw.flushTable()
			}
			return nil
		}
		return rw.writeLine(cells)
	}
}

// flushTable sizes the columns on the rows held and prints them.
func (rw *rowWriter) flushTable() error {
	rw.widths = make([]int, len(rw.cols))
	for _, cells := range rw.pending {
		for j, c := range cells {
			rw.widths[j] = max(rw.widths[j], utf8.RuneCountInString(c))
		}
	}
	for _, cells := range rw.pending {
		if err := rw.writeLine(cells); err != nil {
			return err
		}
	}
	rw.pending = nil
	return nil
}

// writeLine prints cells padded to the widths, two spaces apart, as
// text/tabwriter does (the last cell is not padded).
func (rw *rowWriter) writeLine(cells []string) error {
	var b strings.Builder
	for j, c := range cells {
		b.WriteString(c)
		if j < len(cells)-1 {
			b.WriteString(strings.Repeat(" ", max(rw.widths[j]-utf8.RuneCountInString(c), 0)+2))
		}
	}
	b.WriteString("\n")
	_, err := io.WriteString(rw.w, b.String())
	return err
}

func (rw *rowWriter) close() error {
	switch rw.format {
	case "json":
		end := "]\n"
		if rw.n > 0 {
			end = "\n]\n"
		}
		_, err := io.WriteString(rw.w, end)
		return err
	case "csv":
		rw.csv.Flush()
		return rw.csv.Error()
	default:
		if rw.widths == nil {
			return rw.flushTable()
		}
		return nil
	}
}

// jsonValue is v for encoding/json: NaN and infinities as null, times in
// RFC 3339, bytes as text.
func jsonValue(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return store.JSONValue(v)
}

// cellText prints one value for a table or CSV in full (floats with every
// digit); table cells are kept on one line and shortened, and show "-" for
// a missing value.
func cellText(v any, table bool) string {
	missing := ""
	if table {
		missing = "-"
	}
	switch x := v.(type) {
	case nil:
		return missing
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return missing
		}
	case string:
		if table {
			x = strings.ReplaceAll(x, "\t", " ")
			x = strings.ReplaceAll(x, "\n", " ")
			if utf8.RuneCountInString(x) > 160 {
				x = string([]rune(x)[:157]) + "..."
			}
		}
		return x
	case []byte:
		return string(x)
	}
	return store.FormatValue(v)
}
