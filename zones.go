package taper

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store"
)

// analysisSettings is the readable list of the settings stored analysis
// depends on (the rules are applied at report time and need no
// reanalysis): the time zone of files without one, heart rates, the
// threshold pace and the race distance.
func analysisSettings(s analysis.Settings) string {
	return strings.Join([]string{
		"timezone=" + s.TimeZone,
		fmt.Sprintf("hr_max=%g", s.HRMax),
		fmt.Sprintf("hr_rest=%g", s.HRRest),
		fmt.Sprintf("threshold_pace=%g", s.ThresholdPace),
		"race_distance=" + s.RaceDistance,
	}, "; ")
}

func settingsFingerprint(s analysis.Settings) string {
	h := sha256.Sum256([]byte(analysisSettings(s)))
	return hex.EncodeToString(h[:8])
}

// recordAnalysisSettings records the settings an analysis was made with.
func recordAnalysisSettings(ctx context.Context, db *store.DB, athlete string, s analysis.Settings) error {
	return db.SetAnalysisSettings(ctx, athlete, settingsFingerprint(s), analysisSettings(s))
}

// SettingsChange says which analysis settings changed since the athlete's
// last analysis: "" when none did (or none was recorded).
func settingsChange(ctx context.Context, db *store.DB, athlete string, s analysis.Settings) (string, error) {
	fp, was, err := db.AnalysisSettings(ctx, athlete)
	if err != nil || fp == "" || fp == settingsFingerprint(s) {
		return "", err
	}
	old := map[string]string{}
	for _, kv := range strings.Split(was, "; ") {
		k, v, _ := strings.Cut(kv, "=")
		old[k] = v
	}
	var changed []string
	for _, kv := range strings.Split(analysisSettings(s), "; ") {
		k, v, _ := strings.Cut(kv, "=")
		if k == "timezone" && v == "" {
			continue // no setting: the zone the import was given stands
		}
		if o, ok := old[k]; !ok || o != v {
			changed = append(changed, fmt.Sprintf("%s %q -> %q", k, o, v))
		}
	}
	return strings.Join(changed, ", "), nil
}

// followZone gives the activities whose zone came from the default (UTC)
// or from the athlete's setting the zone of the current setting (s.TimeZone;
// none: nothing moves): a time zone set after the import moves an evening
// run to its right local date. It returns how many moved.
func followZone(ctx context.Context, db *store.DB, athlete string, s analysis.Settings) (int, error) {
	if s.TimeZone == "" {
		return 0, nil
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return 0, fmt.Errorf("timezone %q: %w", s.TimeZone, err)
	}
	acts, err := db.Activities(ctx, store.Filter{Athlete: athlete, IncludeDuplicates: true})
	if err != nil {
		return 0, err
	}
	zones := map[string]store.Zone{}
	for _, a := range acts {
		if a.TimeSource != analysis.TZFromUTC && a.TimeSource != analysis.TZFromAthlete {
			continue // the file's own zone (FIT local time, GPS) stays
		}
		z := store.Zone{Name: s.TimeZone, Source: analysis.TZFromAthlete}
		_, z.Offset = a.Start.In(loc).Zone()
		if z.Offset != a.UTCOffset || z.Name != a.TimeZone || z.Source != a.TimeSource {
			zones[a.ID] = z
		}
	}
	return len(zones), db.UpdateZones(ctx, zones)
}
