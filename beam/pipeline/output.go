package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/parquet-go/parquet-go"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/reports"
)

// ActivityRow is one row of OUT/activities: the values of
// reports.ActivityValues (the fields of taper activities --format json,
// typed as reports.ActivityTypes says, as taper export writes them);
// athlete and year are the hive partition columns, in the folder names.
type ActivityRow struct {
	ID               string    `parquet:"id"`
	Sport            string    `parquet:"sport"`
	SubSport         string    `parquet:"sub_sport"`
	Start            time.Time `parquet:"start,timestamp(microsecond)"`
	LocalDate        int32     `parquet:"local_date,date"` // days since 1970-01-01 (parquet-go writes a time.Time date wrong)
	LocalTime        string    `parquet:"local_time"`
	UTCOffset        int32     `parquet:"utc_offset_s"`
	TimeZone         string    `parquet:"time_zone"`
	TZSource         string    `parquet:"tz_source"`
	Distance         *float64  `parquet:"distance_m,optional"`
	MovingTime       *float64  `parquet:"moving_time_s,optional"`
	ElapsedTime      *float64  `parquet:"elapsed_time_s,optional"`
	DeviceMovingTime *float64  `parquet:"device_moving_time_s,optional"`
	Pace             string    `parquet:"pace"`
	Ascent           *float64  `parquet:"ascent_m,optional"`
	AvgHR            *float64  `parquet:"avg_hr,optional"`
	MaxHR            *float64  `parquet:"max_hr,optional"`
	Device           string    `parquet:"device"`
	Source           string    `parquet:"source"`
	DuplicateOf      *string   `parquet:"duplicate_of,optional"`
	Partial          bool      `parquet:"partial"`
	Flags            string    `parquet:"flags"`
	Class            string    `parquet:"class"`
	ClassSource      string    `parquet:"class_source"`
	Evidence         string    `parquet:"evidence"`
	TRIMP            *float64  `parquet:"trimp,optional"`
	ClassOverride    *string   `parquet:"class_override,optional"`
}

// FindingRow is one row of OUT/findings: reports.FindingValues (athlete is
// the partition column).
type FindingRow struct {
	Rule       string  `parquet:"rule"`
	Severity   string  `parquet:"severity"`
	Date       int32   `parquet:"date,date"` // days since 1970-01-01
	Week       int32   `parquet:"week"`
	ActivityID string  `parquet:"activity_id"`
	Message    string  `parquet:"message"`
	Value      float64 `parquet:"value"`
	Limit      float64 `parquet:"limit"`
	Unit       string  `parquet:"unit"`
	Day        int32   `parquet:"day"`
	Waived     *string `parquet:"waived,optional"`
}

func optFloat(v any) *float64 {
	if f, ok := v.(float64); ok {
		return &f
	}
	return nil
}

func optString(v any) *string {
	if s, ok := v.(string); ok {
		return &s
	}
	return nil
}

// activityRow fills the row from the shared values, by column.
func activityRow(a *analysis.Activity) (ActivityRow, int) {
	v, year := reports.ActivityValues(a)
	return ActivityRow{
		ID: v[0].(string), Sport: v[2].(string), SubSport: v[3].(string), Start: v[4].(time.Time), LocalDate: days(v[5].(time.Time)),
		LocalTime: v[6].(string), UTCOffset: v[7].(int32), TimeZone: v[8].(string), TZSource: v[9].(string),
		Distance: optFloat(v[10]), MovingTime: optFloat(v[11]), ElapsedTime: optFloat(v[12]), DeviceMovingTime: optFloat(v[13]),
		Pace: v[14].(string), Ascent: optFloat(v[15]), AvgHR: optFloat(v[16]), MaxHR: optFloat(v[17]),
		Device: v[18].(string), Source: v[19].(string), DuplicateOf: optString(v[20]), Partial: v[21].(bool), Flags: v[22].(string),
		Class: v[23].(string), ClassSource: v[24].(string), Evidence: v[25].(string), TRIMP: optFloat(v[26]), ClassOverride: optString(v[27]),
	}, year
}

func findingRow(f analysis.Finding) FindingRow {
	v := reports.FindingValues(f)
	return FindingRow{Rule: v[0].(string), Severity: v[1].(string), Date: days(v[2].(time.Time)), Week: v[3].(int32), ActivityID: v[4].(string),
		Message: v[5].(string), Value: v[6].(float64), Limit: v[7].(float64), Unit: v[8].(string), Day: v[9].(int32), Waived: optString(v[10])}
}

// writeActivities writes the athlete's activities, one Parquet file per
// local year.
func writeActivities(ctx context.Context, fs filesystem.Interface, out, athlete string, acts []*analysis.Activity) error {
	byYear := map[int][]ActivityRow{}
	for _, a := range acts {
		row, year := activityRow(a)
		byYear[year] = append(byYear[year], row)
	}
	for y, rows := range byYear {
		p := join(out, fmt.Sprintf("activities/athlete=%s/year=%d/data_0.parquet", athlete, y))
		if err := writeParquet(ctx, fs, p, rows); err != nil {
			return err
		}
	}
	return nil
}

func writeFindings(ctx context.Context, fs filesystem.Interface, out, athlete string, findings []analysis.Finding) error {
	rows := make([]FindingRow, len(findings))
	for i, f := range findings {
		rows[i] = findingRow(f)
	}
	return writeParquet(ctx, fs, join(out, fmt.Sprintf("findings/athlete=%s/data_0.parquet", athlete)), rows)
}

func writeParquet[T any](ctx context.Context, fs filesystem.Interface, p string, rows []T) error {
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[T](&buf)
	if _, err := w.Write(rows); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := filesystem.Write(ctx, fs, p, buf.Bytes()); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}

// writeAuditFn writes OUT/audit.json from every athlete's report.
type writeAuditFn struct{ Output string }

func (f *writeAuditFn) ProcessElement(ctx context.Context, _ int, items func(*[]byte) bool) error {
	var reps []*analysis.Report
	var b []byte
	for items(&b) {
		r := &analysis.Report{}
		if err := json.Unmarshal(b, r); err != nil {
			return err
		}
		reps = append(reps, r)
	}
	var buf bytes.Buffer
	if err := reports.AuditJSON(&buf, reps); err != nil {
		return err
	}
	fs, err := filesystem.New(ctx, f.Output)
	if err != nil {
		return err
	}
	defer fs.Close()
	return filesystem.Write(ctx, fs, join(f.Output, "audit.json"), buf.Bytes())
}

// writeRejectedFn writes OUT/rejected.jsonl, by athlete and path.
type writeRejectedFn struct{ Output string }

func (f *writeRejectedFn) ProcessElement(ctx context.Context, _ int, items func(*Rejection) bool) error {
	var rs []Rejection
	var r Rejection
	for items(&r) {
		if r.Athlete != "" { // not the sentinel
			rs = append(rs, r)
		}
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].Athlete != rs[j].Athlete {
			return rs[i].Athlete < rs[j].Athlete
		}
		return rs[i].Path < rs[j].Path
	})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, r := range rs {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	fs, err := filesystem.New(ctx, f.Output)
	if err != nil {
		return err
	}
	defer fs.Close()
	return filesystem.Write(ctx, fs, join(f.Output, "rejected.jsonl"), buf.Bytes())
}

// days is a date (midnight UTC) as days since 1970-01-01.
func days(t time.Time) int32 { return int32(t.Unix() / 86400) }
