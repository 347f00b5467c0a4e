package taper

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strconv"
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

// shownSetting is value v of analysisSettings' key k as a person reads it:
// a pace as m:ss/km, 0 (not set) as none.
func shownSetting(k, v string) string {
	f, err := strconv.ParseFloat(v, 64)
	switch {
	case err != nil || k == "timezone" || k == "race_distance":
		if v == "" {
			return "none"
		}
		return strconv.Quote(v)
	case f == 0:
		return "none"
	case k == "threshold_pace":
		return shownPace(f) + "/km"
	}
	return v
}

// shownPace writes a pace in s/km as m:ss, with the fraction of a second
// it has (4:30.25), so that two paces that differ are never shown alike.
func shownPace(f float64) string {
	if f < 0 || f >= 3600 || f == math.Round(f) {
		return analysis.FormatDuration(f)
	}
	f = math.Round(f*1000) / 1000 // to the ms: no binary noise, and 299.9996 is 5:00
	m := math.Floor(f / 60)
	x := math.Round((f-60*m)*1000) / 1000
	if x == math.Round(x) {
		return analysis.FormatDuration(f)
	}
	sec := strconv.FormatFloat(x, 'f', -1, 64)
	if x < 10 {
		sec = "0" + sec
	}
	return strconv.Itoa(int(m)) + ":" + sec
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
	return settingsDiff(fp, was, s), err
}

// settingsDiff is settingsChange from the recorded fingerprint and settings
// (store.DB.AnalysisSettings).
func settingsDiff(fp, was string, s analysis.Settings) string {
	if fp == "" || fp == settingsFingerprint(s) || was == "" {
		return ""
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
			changed = append(changed, fmt.Sprintf("%s %s -> %s", k, shownSetting(k, o), shownSetting(k, v)))
		}
	}
	return strings.Join(changed, ", ")
}

// followZone gives the activities whose zone came from the default (UTC),
// from the athlete's setting or from a nearby activity the zone of the
// current setting (s.TimeZone): a time zone set after the import moves an
// evening run to its right local date. Without a setting, a platform's
// summary without a zone of its own (a Strava manual entry, in UTC) takes
// the zone of the athlete's nearest-in-time activity whose file has one
// (see nearbyZones). It returns how many moved to the setting, and how many
// took a nearby activity's zone.
func followZone(ctx context.Context, db *store.DB, athlete string, s analysis.Settings) (moved, nearby int, err error) {
	var loc *time.Location
	if s.TimeZone != "" {
		if loc, err = time.LoadLocation(s.TimeZone); err != nil {
			return 0, 0, fmt.Errorf("timezone %q: %w", s.TimeZone, err)
		}
	}
	acts, err := db.Activities(ctx, store.Filter{Athlete: athlete, IncludeDuplicates: true})
	if err != nil {
		return 0, 0, err
	}
	if loc == nil {
		zones := nearbyZones(acts)
		return 0, len(zones), db.UpdateZones(ctx, zones)
	}
	zones := map[string]store.Zone{}
	for _, a := range acts {
		if !borrowedZone(a) {
			continue // the file's own zone (FIT local time, GPS) stays
		}
		z := store.Zone{Name: s.TimeZone, Source: analysis.TZFromAthlete}
		_, z.Offset = a.Start.In(loc).Zone()
		if z.Offset != a.UTCOffset || z.Name != a.TimeZone || z.Source != a.TimeSource {
			zones[a.ID] = z
		}
	}
	return len(zones), 0, db.UpdateZones(ctx, zones)
}

// borrowedZone reports whether a's zone is not its file's own: the
// default (UTC), the athlete's setting, or a nearby activity's.
func borrowedZone(a *analysis.Activity) bool {
	switch a.TimeSource {
	case analysis.TZFromUTC, analysis.TZFromAthlete, analysis.TZFromNearby:
		return true
	}
	return false
}

// nearbyZones gives each platform summary (analysis.SummaryOnly) whose
// zone is borrowed (UTC, or a nearby activity's) the zone of the nearest
// activity in time whose file carries its own (by name when known, so the
// offset is the one in force at the summary's start), as TZFromNearby; an
// athlete with no such activity keeps UTC. Only changes are returned.
func nearbyZones(acts []*analysis.Activity) map[string]store.Zone {
	var own []*analysis.Activity
	for _, a := range acts {
		if !borrowedZone(a) && !a.Start.IsZero() {
			own = append(own, a)
		}
	}
	zones := map[string]store.Zone{}
	if len(own) == 0 {
		return zones
	}
	sort.Slice(own, func(i, j int) bool { return own[i].Start.Before(own[j].Start) })
	for _, a := range acts {
		if !analysis.SummaryOnly(a) || !borrowedZone(a) || a.TimeSource == analysis.TZFromAthlete {
			continue
		}
		i := sort.Search(len(own), func(i int) bool { return !own[i].Start.Before(a.Start) })
		near := own[min(i, len(own)-1)]
		if i > 0 && (i == len(own) || a.Start.Sub(own[i-1].Start) < own[i].Start.Sub(a.Start)) {
			near = own[i-1]
		}
		z := store.Zone{Name: near.TimeZone, Offset: near.UTCOffset, Source: analysis.TZFromNearby}
		if z.Name != "" {
			if l, err := time.LoadLocation(z.Name); err == nil {
				_, z.Offset = a.Start.In(l).Zone()
			}
		}
		if z.Offset != a.UTCOffset || z.Name != a.TimeZone || z.Source != a.TimeSource {
			zones[a.ID] = z
		}
	}
	return zones
}
