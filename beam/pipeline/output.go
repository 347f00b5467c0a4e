package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/parquet-go/parquet-go"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/reports"
)

// ActivityRow is one row of OUT/activities: the fields of taper activities
// --format json (athlete and year are the hive partition columns, in the
// folder names). Missing measurements are null.
// SWITCH TO CORE: the shared activity row (taper activities, taper export).
type ActivityRow struct {
	ID               string   `parquet:"id"`
	Sport            string   `parquet:"sport"`
	SubSport         string   `parquet:"sub_sport"`
	Start            int64    `parquet:"start,timestamp(microsecond)"`
	LocalDate        int32    `parquet:"local_date,date"`
	LocalTime        string   `parquet:"local_time"`
	UTCOffset        int32    `parquet:"utc_offset_s"`
	TimeZone         string   `parquet:"time_zone"`
	TZSource         string   `parquet:"tz_source"`
	Distance         *float64 `parquet:"distance_m,optional"`
	MovingTime       *float64 `parquet:"moving_time_s,optional"`
	ElapsedTime      *float64 `parquet:"elapsed_time_s,optional"`
	DeviceMovingTime *float64 `parquet:"device_moving_time_s,optional"`
	Pace             string   `parquet:"pace"`
	Ascent           *float64 `parquet:"ascent_m,optional"`
	AvgHR            *float64 `parquet:"avg_hr,optional"`
	MaxHR            *float64 `parquet:"max_hr,optional"`
	Device           string   `parquet:"device"`
	Source           string   `parquet:"source"`
	DuplicateOf      *string  `parquet:"duplicate_of,optional"`
	Partial          bool     `parquet:"partial"`
	Flags            string   `parquet:"flags"`
	Class            string   `parquet:"class"`
	ClassSource      string   `parquet:"class_source"`
	Evidence         string   `parquet:"evidence"`
	TRIMP            *float64 `parquet:"trimp,optional"`
	year             int
}

// FindingRow is one row of OUT/findings (athlete is the partition column).
type FindingRow struct {
	Rule       string  `parquet:"rule"`
	Severity   string  `parquet:"severity"`
	Date       int32   `parquet:"date,date"`
	Week       int32   `parquet:"week"`
	ActivityID string  `parquet:"activity_id"`
	Message    string  `parquet:"message"`
	Value      float64 `parquet:"value"`
	Limit      float64 `parquet:"limit"`
	Unit       string  `parquet:"unit"`
	Day        int32   `parquet:"day"`
}

func orNull(v float64) *float64 {
	if !analysis.Has(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func days(date string) int32 {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return 0
	}
	return int32(t.Unix() / 86400)
}

func activityRow(a *analysis.Activity) ActivityRow {
	m := a.Metrics
	if m == nil {
		m = &analysis.Metrics{TRIMP: analysis.Missing()}
	}
	dist, moving := analysis.AnalysedTotals(a)
	row := ActivityRow{
		ID: a.ID, Sport: a.Sport, SubSport: a.SubSport, Start: a.Start.UnixMicro(),
		LocalDate: days(a.LocalDate()), LocalTime: a.LocalStart().Format("15:04:05"), UTCOffset: int32(a.UTCOffset),
		TimeZone: a.TimeZone, TZSource: a.TimeSource,
		Distance: orNull(dist), MovingTime: orNull(moving), ElapsedTime: orNull(a.ElapsedTime), DeviceMovingTime: orNull(a.MovingTime),
		Pace: runPace(a, dist, moving), Ascent: orNull(a.Ascent), AvgHR: orNull(a.AvgHR), MaxHR: orNull(a.MaxHR),
		Device: a.Device, Source: a.Source, Partial: a.Partial, Flags: strings.Join(a.Flags, ","),
		Class: m.Class, ClassSource: m.ClassSource, Evidence: m.Evidence, TRIMP: orNull(m.TRIMP),
		year: a.LocalStart().Year(),
	}
	if a.DuplicateOf != "" {
		d := a.DuplicateOf
		row.DuplicateOf = &d
	}
	return row
}

func runPace(a *analysis.Activity, dist, moving float64) string {
	if a.Sport != analysis.SportRunning && a.Sport != analysis.SportWalking && a.Sport != analysis.SportHiking {
		return ""
	}
	if !analysis.Has(dist) || dist <= 0 || !analysis.Has(moving) {
		return "-"
	}
	p := moving / (dist / 1000)
	if p <= 0 || math.IsInf(p, 0) {
		return "-"
	}
	t := int(math.Round(p))
	return fmt.Sprintf("%d:%02d/km", t/60, t%60)
}

// writeActivities writes the athlete's activities, one Parquet file per
// local year.
func writeActivities(ctx context.Context, fs filesystem.Interface, out, athlete string, acts []*analysis.Activity) error {
	byYear := map[int][]ActivityRow{}
	for _, a := range acts {
		row := activityRow(a)
		byYear[row.year] = append(byYear[row.year], row)
	}
	for y, rows := range byYear {
		p := join(out, fmt.Sprintf("activities/athlete=%s/year=%d/data_0.parquet", athlete, y))
		if err := writeParquet(ctx, fs, p, rows); err != nil {
			return err
		}
	}
	return nil
}

func writeFindings(ctx context.Context, fs filesystem.Interface, out, athlete string, fs_ []analysis.Finding) error {
	rows := make([]FindingRow, len(fs_))
	for i, f := range fs_ {
		rows[i] = FindingRow{Rule: f.Rule, Severity: f.Severity, Date: days(f.Date), Week: int32(f.Week), ActivityID: f.ActivityID,
			Message: f.Message, Value: f.Value, Limit: f.Limit, Unit: f.Unit, Day: int32(f.Day)}
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
