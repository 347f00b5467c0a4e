package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"
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
		var b strings.Builder
		b.WriteString("[")
		for i, r := range rows {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n  {")
			for j, c := range cols {
				if j > 0 {
					b.WriteString(", ")
				}
				k, _ := json.Marshal(c)
				v, err := json.Marshal(jsonValue(r[j]))
				if err != nil {
					return fmt.Errorf("column %s: %w", c, err)
				}
				b.Write(k)
				b.WriteString(": ")
				b.Write(v)
			}
			b.WriteString("}")
		}
		if len(rows) > 0 {
			b.WriteString("\n")
		}
		b.WriteString("]\n")
		_, err := io.WriteString(w, b.String())
		return err
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

// jsonValue maps values JSON cannot hold (NaN, Inf) to null and times to RFC 3339.
func jsonValue(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil
		}
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case []byte:
		return string(x)
	}
	return v
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
