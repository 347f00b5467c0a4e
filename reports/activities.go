package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/taper-run/taper/analysis"
)

// ActivityColumns are the fields of taper activities --format json and csv
// (a public contract: add, never rename). distance_m, moving_time_s and
// pace are the analysis' values, the ones the rules count (moving time
// auto-pause aware, from the samples); the device's own session timer is
// device_moving_time_s. class_override is the coach's decision, null when
// the class is taper's.
func ActivityColumns() []string {
	return []string{
		"id", "athlete", "sport", "sub_sport", "start", "local_date", "local_time", "utc_offset_s", "time_zone", "tz_source",
		"distance_m", "moving_time_s", "elapsed_time_s", "device_moving_time_s", "pace", "ascent_m", "avg_hr", "max_hr",
		"device", "source", "duplicate_of", "partial", "flags", "class", "class_source", "evidence", "trimp", "class_override",
	}
}

// ActivityTableColumns are the columns of the activities' terminal table:
// they fit 80 columns (the evidence is in ActivityColumns).
func ActivityTableColumns() []string {
	return []string{"id", "date", "time", "sport", "km", "moving", "class", "note"}
}

// ActivityTableRow is an activity's cells in ActivityTableColumns order.
func ActivityTableRow(a *analysis.Activity) []any {
	dist, moving := analysis.AnalysedTotals(a)
	km, mov := "-", "-"
	if analysis.Has(dist) {
		km = fmt.Sprintf("%.2f", dist/1000)
	}
	if analysis.Has(moving) {
		mov = analysis.FormatDuration(moving)
	}
	var note []string
	if a.Partial {
		note = append(note, "damaged")
	}
	if a.DuplicateOf != "" {
		note = append(note, "dup")
	}
	if len(a.Flags) > 0 {
		note = append(note, "flagged")
	}
	class := "-"
	if a.Metrics != nil && a.Metrics.Class != "" {
		class = a.Metrics.Class
	}
	return []any{a.ID, a.LocalDate(), a.LocalStart().Format("15:04"), tableSport(a.Sport), km,
		mov, class, strings.Join(note, ",")}
}

// tableSport is a sport's short name for the 80-column table.
func tableSport(sport string) string {
	switch sport {
	case analysis.SportRunning:
		return "run"
	case analysis.SportCycling:
		return "ride"
	case analysis.SportWalking:
		return "walk"
	case analysis.SportSwimming:
		return "swim"
	case analysis.SportHiking:
		return "hike"
	case analysis.SportTraining:
		return "gym"
	}
	if len(sport) > 7 {
		return sport[:7]
	}
	return sport
}

// ActivityRow is an activity's values in ActivityColumns order: numbers
// (nil when missing), strings, bools, and the class override (nil or an
// *analysis.ClassOverride).
func ActivityRow(a *analysis.Activity) []any {
	m := a.Metrics
	if m == nil {
		m = &analysis.Metrics{TRIMP: analysis.Missing()}
	}
	var dup any
	if a.DuplicateOf != "" {
		dup = a.DuplicateOf
	}
	var override any
	if m.Override != nil {
		override = m.Override
	}
	dist, moving := analysis.AnalysedTotals(a)
	return []any{a.ID, a.Athlete, a.Sport, a.SubSport, a.Start.UTC().Format(time.RFC3339), a.LocalDate(),
		a.LocalStart().Format("15:04:05"), a.UTCOffset, a.TimeZone, a.TimeSource,
		roundTo(dist, 0.01), roundTo(moving, 0.001), roundTo(a.ElapsedTime, 0.001), roundTo(a.MovingTime, 0.001), RunPace(a, dist, moving),
		roundTo(a.Ascent, 0.1), roundTo(a.AvgHR, 0.1), roundTo(a.MaxHR, 0.1), a.Device, a.Source, dup, a.Partial, strings.Join(a.Flags, ","),
		m.Class, m.ClassSource, m.Evidence, roundTo(m.TRIMP, 0.1), override}
}

// roundTo is orNull of v rounded to step, the resolution the measurement
// has (FIT stores distance in cm, time in ms, altitude in 0.2 m): sums of
// floats otherwise print as 151.39999999999998.
func roundTo(v, step float64) any {
	if !analysis.Has(v) || math.IsInf(v, 0) {
		return nil
	}
	d := 0
	for s := step; s < 1 && d < 6; s *= 10 {
		d++
	}
	out, _ := strconv.ParseFloat(strconv.FormatFloat(math.Round(v/step)*step, 'f', d, 64), 64)
	return out
}

// ActivitiesJSON writes activities as taper activities --format json does.
func ActivitiesJSON(w io.Writer, acts []*analysis.Activity) error {
	rows := make([][]any, len(acts))
	for i, a := range acts {
		rows[i] = ActivityRow(a)
	}
	return RowsJSON(w, ActivityColumns(), rows)
}

// RunPace is the pace of a foot activity as m:ss/km ("-" when unknown),
// "" for other sports.
func RunPace(a *analysis.Activity, dist, moving float64) string {
	if a.Sport != analysis.SportRunning && a.Sport != analysis.SportWalking && a.Sport != analysis.SportHiking {
		return ""
	}
	if !analysis.Has(dist) || dist <= 0 || !analysis.Has(moving) {
		return "-"
	}
	sPerKm := moving / (dist / 1000)
	if sPerKm <= 0 || math.IsInf(sPerKm, 0) {
		return "-"
	}
	t := int(math.Round(sPerKm))
	return fmt.Sprintf("%d:%02d/km", t/60, t%60)
}

// orNull is v for JSON, or nil when missing.
func orNull(v float64) any {
	if !analysis.Has(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

// RowsJSON writes rows as a JSON array of objects, one a line, keys in
// column order (the --format json of taper's listings).
func RowsJSON(w io.Writer, cols []string, rows [][]any) error {
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	for i, r := range rows {
		if err := WriteJSONRow(w, cols, r, i == 0, jsonValue); err != nil {
			return err
		}
	}
	end := "]\n"
	if len(rows) > 0 {
		end = "\n]\n"
	}
	_, err := io.WriteString(w, end)
	return err
}

// WriteJSONRow writes one row of a RowsJSON array (after "[" and, unless
// it is the first, a comma): an object with the columns in order, each
// value mapped by value first (NaN to null, times to text...).
func WriteJSONRow(w io.Writer, cols []string, vals []any, first bool, value func(any) any) error {
	var b strings.Builder
	if !first {
		b.WriteString(",")
	}
	b.WriteString("\n  {")
	for j, c := range cols {
		if j > 0 {
			b.WriteString(", ")
		}
		k, _ := json.Marshal(c)
		v, err := json.Marshal(value(vals[j]))
		if err != nil {
			return fmt.Errorf("column %s: %w", c, err)
		}
		b.Write(k)
		b.WriteString(": ")
		b.Write(v)
	}
	b.WriteString("}")
	_, err := io.WriteString(w, b.String())
	return err
}

// jsonValue maps values JSON cannot hold (NaN, Inf) to null and times to
// RFC 3339 (as store.JSONValue does for what the database returns).
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
		return x.UTC().Format(time.RFC3339Nano)
	case []byte:
		return string(x)
	}
	return v
}
