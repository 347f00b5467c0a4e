package ingest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/taper-run/taper/analysis"
)

// Activities without a file of their own come from the platforms' listings:
// Strava's activities.csv (the rows without a Filename: entered by hand)
// and Garmin's DI_CONNECT/DI-Connect-Fitness/*summarizedActivities.json.
// They are summary-only: sport, start, distance, moving and elapsed time,
// heart rate where listed; no samples, no laps. Their Format is that of the
// listing ("csv", "json"), which analysis.PreferPrimaryChannels ranks below
// any recording, so a listed activity whose file is imported too stays one
// activity (the file's).
const (
	// TotalsFromSummary: the totals are a platform listing's (no samples).
	TotalsFromSummary = "summary"
	// TZFromSummary: a Garmin summary's startTimeLocal minus startTimeGmt.
	TZFromSummary = "summary_local_time"
)

// isStravaCSVName / isGarminSummaryName: listings read whole even when
// big (they are not activities' files but hold activities).
func isStravaCSVName(name string) bool {
	return strings.EqualFold(path.Base(strings.NewReplacer("\\", "/", "!", "/").Replace(name)), "activities.csv")
}

func isGarminSummaryName(name string) bool {
	return strings.HasSuffix(strings.ToLower(name), "summarizedactivities.json")
}

// stravaHeader is the column layout of a Strava activities.csv; the
// columns named twice (Elapsed Time, Distance) are told apart by order:
// the first Distance is in km, the second in m.
type stravaHeader struct {
	id, date, name, typ, elapsed, distKM, distM, moving, maxHR, avgHR, calories, filename int
}

// parseStravaHeader finds the columns taper reads; ok is false when the
// header is not a Strava activities.csv one.
func parseStravaHeader(h []string) (stravaHeader, bool) {
	c := stravaHeader{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}
	for i, name := range h {
		switch strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")) {
		case "Activity ID":
			c.id = i
		case "Activity Date":
			c.date = i
		case "Activity Name":
			c.name = i
		case "Activity Type":
			c.typ = i
		case "Elapsed Time":
			if c.elapsed < 0 {
				c.elapsed = i
			}
		case "Distance":
			if c.distKM < 0 {
				c.distKM = i
			} else if c.distM < 0 {
				c.distM = i
			}
		case "Moving Time":
			c.moving = i
		case "Max Heart Rate":
			if c.maxHR < 0 {
				c.maxHR = i
			}
		case "Average Heart Rate":
			c.avgHR = i
		case "Calories":
			c.calories = i
		case "Filename":
			c.filename = i
		}
	}
	return c, c.id >= 0 && c.date >= 0 && c.typ >= 0 && c.filename >= 0
}

// isStravaCSV reports whether data starts with a Strava activities.csv header.
func isStravaCSV(data []byte) bool {
	line := firstLine(data)
	r := csv.NewReader(bytes.NewReader(line))
	h, err := r.Read()
	if err != nil {
		return false
	}
	_, ok := parseStravaHeader(h)
	return ok
}

// stravaNumber parses a number as Strava writes it (a decimal comma in
// some locales, thousands separators in others).
func stravaNumber(s string) float64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return math.NaN()
	}
	if strings.Contains(s, ",") && !strings.Contains(s, ".") {
		s = strings.ReplaceAll(s, ",", ".")
	} else {
		s = strings.ReplaceAll(s, ",", "")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || v < 0 {
		return math.NaN()
	}
	return v
}

// parseStravaDate parses the Activity Date column (UTC), in the layouts of
// the export's languages.
func parseStravaDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"Jan 2, 2006, 3:04:05 PM", "2 Jan 2006, 15:04:05", "Jan 2, 2006, 15:04:05", "2006-01-02 15:04:05", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// stravaSport maps an Activity Type ("Run", "Trail Run", "Virtual Ride",
// "Weight Training"...) to a sport and sub-sport.
func stravaSport(t string) (string, string) {
	if s, sub := gpxSport(t); s != "" {
		return s, sub
	}
	k := strings.ToLower(strings.NewReplacer(" ", "", "-", "", "_", "").Replace(t))
	switch k {
	case "weighttraining", "workout", "crossfit", "hiit", "pilates", "yoga", "elliptical", "stairstepper", "rowing":
		if k == "workout" || k == "weighttraining" || k == "crossfit" || k == "hiit" {
			return analysis.SportTraining, ""
		}
		return camelToSnake(strings.ReplaceAll(t, " ", "")), ""
	case "ebikeride", "ebikeride2", "emountainbikeride", "handcycle", "velomobile":
		return analysis.SportCycling, ""
	case "":
		return analysis.SportGeneric, ""
	}
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(t), " ", "_")), ""
}

// decodeStravaCSV reads a Strava activities.csv: each row without a
// Filename is an activity entered by hand (or synced without a file) and
// becomes a summary-only activity; rows with a file are left to that file.
func (d *Decoder) decodeStravaCSV(name string, data []byte) Result {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	head, err := r.Read()
	if err != nil {
		return Result{Status: StatusRejected, Err: &FileError{Path: name, Err: fmt.Errorf("unreadable activities.csv: %w", err),
			Advice: "download the Strava export again"}}
	}
	c, _ := parseStravaHeader(head)
	var acts []*analysis.Activity
	var warnings []string
	withFile, bad := 0, 0
	for line := 2; ; line++ {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("line %d unreadable: %v", line, err))
			break
		}
		col := func(i int) string {
			if i >= 0 && i < len(row) {
				return row[i]
			}
			return ""
		}
		if strings.TrimSpace(col(c.filename)) != "" {
			withFile++
			continue
		}
		start, ok := parseStravaDate(col(c.date))
		if !ok {
			bad++
			continue
		}
		a := newActivity()
		a.Start = start
		a.Sport, a.SubSport = stravaSport(col(c.typ))
		a.ElapsedTime = stravaNumber(col(c.elapsed))
		a.MovingTime = stravaNumber(col(c.moving))
		if !analysis.Has(a.MovingTime) {
			a.MovingTime = a.ElapsedTime
		}
		if !analysis.Has(a.ElapsedTime) {
			a.ElapsedTime = a.MovingTime
		}
		a.Distance = stravaNumber(col(c.distM))
		if !analysis.Has(a.Distance) {
			if km := stravaNumber(col(c.distKM)); analysis.Has(km) {
				a.Distance = km * 1000
			}
		}
		a.MaxHR = stravaNumber(col(c.maxHR))
		a.AvgHR = stravaNumber(col(c.avgHR))
		a.Calories = stravaNumber(col(c.calories))
		for _, v := range []*float64{&a.MaxHR, &a.AvgHR} {
			if !(*v > 0 && *v < 255) {
				*v = math.NaN()
			}
		}
		a.Device = "Strava (no file: " + strings.TrimSpace(col(c.id)) + ")"
		a.TotalsFrom = TotalsFromSummary
		d.setZone(a)
		acts = append(acts, a)
	}
	if bad > 0 {
		warnings = append(warnings, fmt.Sprintf("%d row(s) without a readable Activity Date left out", bad))
	}
	if len(acts) == 0 {
		return Result{Status: StatusSkipped, Kind: "strava-csv:no-rows-without-file", Warnings: warnings}
	}
	if withFile > 0 {
		warnings = append(warnings, fmt.Sprintf("%d row(s) with a file: read from their files", withFile))
	}
	return Result{Status: StatusImported, Activities: acts, Warnings: warnings}
}

// garminSummary is one entry of summarizedActivities.json (times in ms,
// distance in cm, as Garmin writes them).
type garminSummary struct {
	ActivityID       json.Number     `json:"activityId"`
	ActivityType     json.RawMessage `json:"activityType"`
	SportType        string          `json:"sportType"`
	StartTimeGmt     float64         `json:"startTimeGmt"`
	StartTimeLocal   float64         `json:"startTimeLocal"`
	Duration         *float64        `json:"duration"`
	ElapsedDuration  *float64        `json:"elapsedDuration"`
	MovingDuration   *float64        `json:"movingDuration"`
	Distance         *float64        `json:"distance"`
	AvgHr            *float64        `json:"avgHr"`
	MaxHr            *float64        `json:"maxHr"`
	ManufacturerName string          `json:"manufacturer"`
}

// decodeGarminSummary reads Garmin's summarizedActivities.json: every
// entry becomes a summary-only activity. Those whose file is imported too
// (Garmin exports the uploaded files beside it) are the same activity by
// the duplicate rules, and the file's recording is kept as the primary.
func (d *Decoder) decodeGarminSummary(name string, data []byte) Result {
	var doc []struct {
		Export []garminSummary `json:"summarizedActivitiesExport"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return Result{Status: StatusRejected, Err: &FileError{Path: name, Err: fmt.Errorf("unreadable activity summaries: %w", err),
			Advice: "request the Garmin account export again"}}
	}
	var acts []*analysis.Activity
	bad := 0
	for _, part := range doc {
		for _, g := range part.Export {
			if g.StartTimeGmt <= 0 {
				bad++
				continue
			}
			a := newActivity()
			a.Start = time.UnixMilli(int64(g.StartTimeGmt)).UTC()
			a.Sport, a.SubSport = garminSport(g.ActivityType, g.SportType)
			ms := func(v *float64) float64 {
				if v == nil || *v < 0 {
					return math.NaN()
				}
				return *v / 1000
			}
			a.ElapsedTime = ms(g.ElapsedDuration)
			if !analysis.Has(a.ElapsedTime) {
				a.ElapsedTime = ms(g.Duration)
			}
			a.MovingTime = ms(g.MovingDuration)
			if !analysis.Has(a.MovingTime) {
				a.MovingTime = ms(g.Duration)
			}
			if g.Distance != nil && *g.Distance >= 0 {
				a.Distance = *g.Distance / 100
			}
			if g.AvgHr != nil && *g.AvgHr > 0 && *g.AvgHr < 255 {
				a.AvgHR = *g.AvgHr
			}
			if g.MaxHr != nil && *g.MaxHr > 0 && *g.MaxHr < 255 {
				a.MaxHR = *g.MaxHr
			}
			a.Device = strings.TrimSpace(strings.ToLower(g.ManufacturerName) + " (summary " + g.ActivityID.String() + ")")
			a.TotalsFrom = TotalsFromSummary
			if g.StartTimeLocal > 0 {
				off := math.Round((g.StartTimeLocal-g.StartTimeGmt)/1000/900) * 900
				if math.Abs(off) <= 14*3600 {
					a.UTCOffset, a.TimeSource = int(off), TZFromSummary
				}
			}
			if a.TimeSource == "" {
				d.setZone(a)
			}
			acts = append(acts, a)
		}
	}
	var warnings []string
	if bad > 0 {
		warnings = append(warnings, fmt.Sprintf("%d summar(ies) without a start time left out", bad))
	}
	if len(acts) == 0 {
		return Result{Status: StatusSkipped, Kind: "garmin-json:no-activities", Warnings: warnings}
	}
	return Result{Status: StatusImported, Activities: acts, Warnings: warnings}
}

// garminSport maps a summary's activityType ("running", or an object with
// a typeKey in some exports) to a sport and sub-sport.
func garminSport(raw json.RawMessage, sportType string) (string, string) {
	var key string
	if err := json.Unmarshal(raw, &key); err != nil {
		var obj struct {
			TypeKey string `json:"typeKey"`
		}
		if json.Unmarshal(raw, &obj) == nil {
			key = obj.TypeKey
		}
	}
	switch key {
	case "running", "street_running":
		return analysis.SportRunning, ""
	case "trail_running":
		return analysis.SportRunning, "trail"
	case "treadmill_running":
		return analysis.SportRunning, "treadmill"
	case "track_running":
		return analysis.SportRunning, "track"
	case "virtual_run", "indoor_running":
		return analysis.SportRunning, "indoor_running"
	case "cycling", "road_biking":
		return analysis.SportCycling, ""
	case "indoor_cycling", "virtual_ride":
		return analysis.SportCycling, "indoor_cycling"
	case "mountain_biking":
		return analysis.SportCycling, "mountain"
	case "walking", "casual_walking", "speed_walking":
		return analysis.SportWalking, ""
	case "hiking":
		return analysis.SportHiking, ""
	case "lap_swimming", "open_water_swimming", "swimming":
		return analysis.SportSwimming, ""
	case "strength_training", "indoor_cardio", "hiit", "fitness_equipment":
		return analysis.SportTraining, ""
	case "":
		if sportType != "" {
			return garminSport(json.RawMessage(strconv.Quote(strings.ToLower(sportType))), "")
		}
		return analysis.SportGeneric, ""
	}
	return key, ""
}
