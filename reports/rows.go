package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"
)

// RowFormats are the formats a RowWriter writes.
func RowFormats() []string { return []string{"table", "json", "csv"} }

// RowWriter writes rows as they come, in constant memory (taper sql
// streams a whole table through it): format "json", "csv" or a table.
type RowWriter struct {
	// Text prints a value that is no string, byte slice, NaN or nil (in
	// full: floats with every digit); nil: fmt.Sprint.
	Text func(any) string
	// JSON maps a value for encoding/json; nil: NaN and infinities as
	// null, times in RFC 3339, bytes as text.
	JSON func(any) any

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

// NewRowWriter returns a RowWriter of format to w.
func NewRowWriter(w io.Writer, format string) *RowWriter {
	return &RowWriter{w: w, format: format}
}

// Header starts the output with the column names.
func (rw *RowWriter) Header(cols []string) error {
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

// Row writes one row, a value per column.
func (rw *RowWriter) Row(vals []any) error {
	rw.n++
	switch rw.format {
	case "json":
		value := rw.JSON
		if value == nil {
			value = jsonValue
		}
		return WriteJSONRow(rw.w, rw.cols, vals, rw.n == 1, value)
	case "csv":
		rec := make([]string, len(rw.cols))
		for j := range rw.cols {
			rec[j] = rw.cellText(vals[j], false)
		}
		return rw.csv.Write(rec)
	default:
		cells := make([]string, len(rw.cols))
		for j := range rw.cols {
			cells[j] = rw.cellText(vals[j], true)
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
func (rw *RowWriter) flushTable() error {
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
func (rw *RowWriter) writeLine(cells []string) error {
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

// WriteAll writes the header and rows, and closes.
func (rw *RowWriter) WriteAll(cols []string, rows [][]any) error {
	if err := rw.Header(cols); err != nil {
		return err
	}
	for _, r := range rows {
		if err := rw.Row(r); err != nil {
			return err
		}
	}
	return rw.Close()
}

// Close ends the output (the table's columns, if it held fewer than
// tableBlock rows, are sized and printed now).
func (rw *RowWriter) Close() error {
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

// cellText prints one value for a table or CSV in full; table cells are
// kept on one line and shortened, and show "-" for a missing value.
func (rw *RowWriter) cellText(v any, table bool) string {
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
	if rw.Text != nil {
		return rw.Text(v)
	}
	return fmt.Sprint(v)
}
