package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/taper-run/taper/reports"
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
	switch format {
	case "json":
		return reports.RowsJSON(w, cols, rows)
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(cols); err != nil {
			return err
		}
		rec := make([]string, len(cols))
		for _, r := range rows {
			for j := range cols {
				rec[j] = cellText(r[j], false)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	default:
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.ToUpper(strings.Join(cols, "\t")))
		for _, r := range rows {
			cells := make([]string, len(cols))
			for j := range cols {
				cells[j] = cellText(r[j], true)
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		return tw.Flush()
	}
}

// cellText prints one value for a table or CSV; table cells are shortened.
func cellText(v any, table bool) string {
	switch x := v.(type) {
	case nil:
		if table {
			return "-"
		}
		return ""
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			if table {
				return "-"
			}
			return ""
		}
		if table {
			return fmt.Sprintf("%.1f", x)
		}
		return fmt.Sprint(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case string:
		if table {
			x = strings.ReplaceAll(x, "\t", " ")
			x = strings.ReplaceAll(x, "\n", " ")
			if len(x) > 160 {
				x = x[:157] + "..."
			}
		}
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}
