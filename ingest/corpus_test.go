package ingest

import (
	"bufio"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/taper-run/taper/analysis"
)

// corpusDir returns the shared corpus of real watch files, or skips the test.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "corpus")
	if _, err := os.Stat(filepath.Join(dir, "reference", "fit.jsonl")); err != nil {
		t.Skipf("corpus of real watch files not found at %s (it lives beside the repository): %v", dir, err)
	}
	return dir
}

// refFIT is the part of reference/fit.jsonl (Garmin FIT SDK) we compare.
type refFIT struct {
	Name     string `json:"name"`
	DecodeOK bool   `json:"decode_ok"`
	Sessions []struct {
		Sport          *string  `json:"sport"`
		SubSport       *string  `json:"sub_sport"`
		StartTime      string   `json:"start_time"`
		TotalTimerTime *float64 `json:"total_timer_time"`
		TotalDistance  *float64 `json:"total_distance"`
	} `json:"sessions"`
	Records struct {
		Count int `json:"count"`
	} `json:"records"`
}

// refGPX is the part of reference/gpx.jsonl (gpxpy) we compare.
type refGPX struct {
	Name     string  `json:"name"`
	ParseOK  bool    `json:"parse_ok"`
	Points   int     `json:"points"`
	Duration float64 `json:"duration_s"`
	Start    *string `json:"start_time"`
	End      *string `json:"end_time"`
	Length2D float64 `json:"length_2d_m"`
}

func readJSONL[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// snake converts the SDK's camelCase enum names to the profile's snake_case.
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fitDiffs names, per file and check, where taper deliberately differs from
// the Garmin FIT SDK, and why. A listed difference that no longer occurs
// fails the test, so the table stays true.
var fitDiffs = map[string]string{
	// The SDK cannot decode compressed-timestamp records; taper can.
	"python-fitparse__antfs-dump.63.fit/records":             "SDK stops at the first compressed-timestamp record; taper decodes them",
	"python-fitparse__compressed-speed-distance.fit/records": "SDK stops at the first compressed-timestamp record; taper decodes them",
	// The SDK stops with a TypeError on records carrying cycles and total_cycles.
	"muktihari-fit__triathlon_summary_first.fit/records": "SDK stops with a TypeError before the first record; taper decodes all of them",
	// Files without session messages: taper builds one activity from the records.
	"garmin-fit-js-sdk__WithGearChangeData.fit/sessions":    "no session message: taper makes one activity from the records",
	"muktihari-fit__valid_only_contain_fileid.fit/sessions": "no session message: taper makes one activity from the single record",
	// Records whose timestamp is invalid are dropped (a sample needs a time).
	"runalyze__swim-25m-lane.fit/records": "the pool-swim records carry no timestamp; taper drops them",
	// Session without a sport: taper infers one from speed.
	"gpsbabel__garmin-virb-ultra-30.fit/sport": "no sport in the session; taper infers it from speed (SportInferred)",
	// An unfinished file (header data size 0): the SDK refuses it.
	"sports-lib__others_empty-activities.fit/records": "SDK rejects header data size 0; taper decodes the unfinished file",
}

func TestConformanceFIT(t *testing.T) {
	dir := corpusDir(t)
	refs := readJSONL[refFIT](t, filepath.Join(dir, "reference", "fit.jsonl"))
	d := NewDecoder(DecodeOptions{Now: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)})
	seen := map[string]bool{}
	differs := func(name, check string, ok bool, format string, args ...any) {
		key := name + "/" + check
		_, listed := fitDiffs[key]
		seen[key] = seen[key] || !ok
		if !ok && !listed {
			t.Errorf("%s: %s: "+format, append([]any{name, check}, args...)...)
		}
	}
	for _, ref := range refs {
		data, err := os.ReadFile(filepath.Join(dir, "fit", ref.Name))
		if err != nil {
			t.Fatal(err)
		}
		res := d.Decode(ref.Name, data)
		if res.Status != StatusImported {
			continue // statuses are checked by TestCorpusStatus
		}
		acts := res.Activities
		if len(ref.Sessions) > 0 || ref.DecodeOK {
			differs(ref.Name, "sessions", len(acts) == len(ref.Sessions), "%d activities, SDK has %d sessions", len(acts), len(ref.Sessions))
		}
		if len(acts) == len(ref.Sessions) {
			for i, s := range ref.Sessions {
				a := acts[i]
				if st, err := time.Parse(time.RFC3339, s.StartTime); err == nil {
					differs(ref.Name, "start", a.Start.Equal(st), "session %d starts %s, SDK %s", i, a.Start, st)
				}
				if s.Sport != nil {
					differs(ref.Name, "sport", a.Sport == snake(*s.Sport), "session %d sport %q, SDK %q", i, a.Sport, *s.Sport)
				} else {
					differs(ref.Name, "sport", a.Sport == "", "session %d sport %q inferred, SDK has none", i, a.Sport)
				}
				wantSub := ""
				if s.SubSport != nil && *s.SubSport != "generic" {
					wantSub = snake(*s.SubSport)
				}
				differs(ref.Name, "sub_sport", a.SubSport == wantSub, "session %d sub-sport %q, SDK %q", i, a.SubSport, wantSub)
				if s.TotalDistance != nil {
					want := *s.TotalDistance
					differs(ref.Name, "distance", math.Abs(a.Distance-want) <= math.Max(0.001*want, 0.01),
						"session %d distance %.2f m, SDK %.2f m", i, a.Distance, want)
				}
				if s.TotalTimerTime != nil {
					differs(ref.Name, "timer", math.Abs(a.MovingTime-*s.TotalTimerTime) <= 1,
						"session %d timer time %.1f s, SDK %.1f s", i, a.MovingTime, *s.TotalTimerTime)
				}
			}
		}
		n := 0
		for _, a := range acts {
			n += len(a.Samples)
		}
		differs(ref.Name, "records", n == ref.Records.Count, "%d records, SDK %d", n, ref.Records.Count)
	}
	for key, why := range fitDiffs {
		if !seen[key] {
			t.Errorf("fitDiffs lists %s (%s) but taper agrees with the SDK there: remove the entry", key, why)
		}
	}
}

// gpxDiffs names, per file and check, where taper deliberately differs
// from gpxpy, and why.
var gpxDiffs = map[string]string{
	"mapbox-togeojson__blue_hills.gpx/start":                    "the tracks are not in time order: gpxpy takes the document's first and last times, taper the earliest and latest",
	"mapbox-togeojson__blue_hills.gpx/end":                      "the tracks are not in time order: gpxpy takes the document's first and last times, taper the earliest and latest",
	"runalyze__runkeeper-negative-time-step-at-start.gpx/start": "the second point is 1 s before the first; taper sorts points by time",
	"runalyze__hr-not-always-there.gpx/hr":                      "gpxpy ignores extensions in files declaring GPX 1.0; taper reads them",
	"opentracks__legacy_gpx_pause_resume.gpx/points":            "points at latitude 100/200 are OpenTracks pause markers, not points",
	"opentracks__legacy_gpx_pause_resume.gpx/length":            "gpxpy's length runs through the pause markers at latitude 100/200 (about 39,500 km)",
	"gpsbabel__segmented_tracks.gpx/points":                     "points without time are dropped (a sample needs a time)",
	"gpsbabel__segmented_tracks.gpx/length":                     "points without time are dropped (a sample needs a time)",
	"gpxgo__cerknicko-without-times.gpx/points":                 "points without time are dropped (a sample needs a time)",
	"gpxgo__cerknicko-without-times.gpx/length":                 "points without time are dropped (a sample needs a time)",
	"tmcw-togeojson__osm.gpx/points":                            "points without time are dropped (a sample needs a time)",
	"tmcw-togeojson__osm.gpx/length":                            "points without time are dropped (a sample needs a time)",
}

func TestConformanceGPX(t *testing.T) {
	dir := corpusDir(t)
	refs := readJSONL[refGPX](t, filepath.Join(dir, "reference", "gpx.jsonl"))
	d := NewDecoder(DecodeOptions{Now: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)})
	seen := map[string]bool{}
	differs := func(name, check string, ok bool, format string, args ...any) {
		key := name + "/" + check
		_, listed := gpxDiffs[key]
		seen[key] = seen[key] || !ok
		if !ok && !listed {
			t.Errorf("%s: %s: "+format, append([]any{name, check}, args...)...)
		}
	}
	for _, ref := range refs {
		data, err := os.ReadFile(filepath.Join(dir, "gpx", ref.Name))
		if err != nil {
			t.Fatal(err)
		}
		res := d.Decode(ref.Name, data)
		if res.Status != StatusImported || !ref.ParseOK {
			continue
		}
		var points int
		var length, duration float64
		hr := false
		for _, a := range res.Activities {
			points += len(a.Samples)
			length += a.Distance
			duration += a.ElapsedTime
			for _, s := range a.Samples {
				hr = hr || analysis.Has(s.HeartRate)
			}
		}
		differs(ref.Name, "points", points == ref.Points, "%d points, gpxpy %d", points, ref.Points)
		var first, last time.Time
		for _, a := range res.Activities {
			if n := len(a.Samples); n > 0 {
				if first.IsZero() || a.Samples[0].Time.Before(first) {
					first = a.Samples[0].Time
				}
				if a.Samples[n-1].Time.After(last) {
					last = a.Samples[n-1].Time
				}
			}
		}
		for _, c := range []struct {
			check string
			ref   *string
			got   time.Time
		}{{"start", ref.Start, first}, {"end", ref.End, last}} {
			if c.ref == nil {
				continue
			}
			want, err := time.Parse(time.RFC3339Nano, *c.ref)
			if err != nil {
				t.Fatalf("%s: reference %s %q: %v", ref.Name, c.check, *c.ref, err)
			}
			differs(ref.Name, c.check, c.got.Sub(want).Abs() <= time.Millisecond, "%s, gpxpy %s", c.got.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
		}
		differs(ref.Name, "length", math.Abs(length-ref.Length2D) <= math.Max(0.01*ref.Length2D, 0.5),
			"2D length %.1f m, gpxpy %.1f m", length, ref.Length2D)
		// gpxpy's duration leaves out the gaps between segments; taper's
		// elapsed time includes them.
		differs(ref.Name, "duration", math.Abs(duration-ref.Duration) <= 1 || (multiSegment(data) && duration > ref.Duration),
			"elapsed %.0f s, gpxpy %.0f s", duration, ref.Duration)
		if strings.Contains(ref.Name, "hr-not-always-there") {
			differs(ref.Name, "hr", !hr, "taper reads heart rates that gpxpy ignores")
		}
	}
	for key, why := range gpxDiffs {
		if !seen[key] {
			t.Errorf("gpxDiffs lists %s (%s) but taper agrees with gpxpy there: remove the entry", key, why)
		}
	}
}

// multiSegment reports whether a GPX document has more than one track
// segment (gpxpy's duration then leaves out the gaps between them).
func multiSegment(data []byte) bool {
	return strings.Count(string(data), "<trkseg") > 1
}

// corpusStatus is the expected outcome of the corpus files whose outcome is
// not "imported": broken files, non-activity files and files without an
// activity. Every other file must be imported.
var corpusStatus = map[string]struct{ status, kind, reason string }{
	"gpsbabel__fitwrite-track.fit":                   {StatusSkipped, "fit:course", ""},
	"python-fitparse__MonitoringFile.fit":            {StatusSkipped, "fit:monitoring_b", ""},
	"python-fitparse__Settings.fit":                  {StatusSkipped, "fit:settings", ""},
	"python-fitparse__WeightScaleSingleUser.fit":     {StatusSkipped, "fit:weight", ""},
	"python-fitparse__WorkoutIndividualSteps.fit":    {StatusSkipped, "fit:workout", ""},
	"python-fitparse__DeveloperData.fit":             {StatusSkipped, "fit:no-activity-data", ""},
	"sports-lib__others_empty-sessions.fit":          {StatusRejected, "", "empty file (0 bytes)"},
	"go-gpx__fells_loop.gpx":                         {StatusSkipped, "gpx:route-only", ""},
	"goldencheetah__A_ride_mapped_on_11_22_2011.gpx": {StatusSkipped, "gpx:no-timestamps", ""},
	"goldencheetah__MetadataOnly.gpx":                {StatusSkipped, "gpx:no-track", ""},
	"gpsbabel__basecamp.gpx":                         {StatusSkipped, "gpx:no-timestamps", ""},
	"gpsbabel__empty.gpx":                            {StatusSkipped, "gpx:no-track", ""},
	"gpsbabel__trackfilter_discard_err.gpx":          {StatusRejected, "", "not a FIT, GPX or TCX file"},
	"gpxgo__Mojstrovka.gpx":                          {StatusSkipped, "gpx:no-timestamps", ""},
	"gpxgo__gpx-without-root-attributes.gpx":         {StatusSkipped, "gpx:no-timestamps", ""},
	"gpxgo__gpx-without-xml-declaration.gpx":         {StatusSkipped, "gpx:no-timestamps", ""},
	"gpxgo__iso8859-1encoded.gpx":                    {StatusSkipped, "gpx:waypoints-only", ""},
	"gpxpy__unicode2.gpx":                            {StatusSkipped, "gpx:no-track", ""},
	"gpxpy__unicode_with_bom.gpx":                    {StatusSkipped, "gpx:waypoints-only", ""},
	"mapbox-togeojson__empty_trk.gpx":                {StatusSkipped, "gpx:no-track", ""},
	"mapbox-togeojson__trek.gpx":                     {StatusSkipped, "gpx:route-only", ""},
	"mapbox-togeojson__wpt.gpx":                      {StatusSkipped, "gpx:waypoints-only", ""},
	"sportstracker__bike-tour-track_only.gpx":        {StatusSkipped, "gpx:no-timestamps", ""},
}

// corpusPartial is the expected partial reason of the broken files that
// still give activities.
var corpusPartial = map[string]string{
	"python-fitparse__activity-filecrc.fit":          "bad crc",
	"python-fitparse__activity-activity-filecrc.fit": "FIT segment 2: bad crc",
	"python-fitparse__activity-settings-nodata.fit":  "FIT segment 2: truncated after 786 of 853 bytes; 0 records readable",
	"python-fitparse__activity-unexpected-eof.fit":   "truncated after 768 of 771 bytes; 14 records readable",
	"sports-lib__others_empty-activities.fit":        "FIT header data size is 0",
	"gpsbabel__segmented_tracks.gpx":                 "dropped 42 point(s) without a parsable time",
	"gpxgo__cerknicko-without-times.gpx":             "dropped 291 point(s) without a parsable time",
	"tmcw-togeojson__osm.gpx":                        "dropped 245 point(s) without a parsable time",
	"runalyze__standard.gpx":                         "dropped 1 point(s) with a missing or out-of-range position",
}

func TestCorpusStatus(t *testing.T) {
	dir := corpusDir(t)
	d := NewDecoder(DecodeOptions{Now: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)})
	counts := map[string]int{}
	var files []string
	for _, sub := range []string{"fit", "gpx"} {
		m, _ := filepath.Glob(filepath.Join(dir, sub, "*"))
		files = append(files, m...)
	}
	sort.Strings(files)
	if len(files) < 150 {
		t.Fatalf("found %d corpus files, want the 180 of the corpus README", len(files))
	}
	for _, f := range files {
		name := filepath.Base(f)
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res := d.Decode(name, data)
		counts[res.Status]++
		want, listed := corpusStatus[name]
		if !listed {
			want.status = StatusImported
		}
		if res.Status != want.status || res.Kind != want.kind {
			t.Errorf("%s: status %s %q (%s), want %s %q", name, res.Status, res.Kind, res.Reason(), want.status, want.kind)
			continue
		}
		switch res.Status {
		case StatusRejected:
			var fe *FileError
			if !errors.As(res.Err, &fe) || fe.Path != name || !strings.Contains(fe.Error(), want.reason) {
				t.Errorf("%s: rejected with %v, want a *FileError naming the file and saying %q", name, res.Err, want.reason)
			}
		case StatusImported:
			wantPartial, isPartial := corpusPartial[name]
			if res.Partial != isPartial || !strings.Contains(res.PartialReason, wantPartial) {
				t.Errorf("%s: partial %v %q, want %v %q", name, res.Partial, res.PartialReason, isPartial, wantPartial)
			}
			for _, a := range res.Activities {
				checkActivity(t, name, a)
			}
		}
	}
	t.Logf("corpus outcomes: %d imported, %d skipped, %d rejected", counts[StatusImported], counts[StatusSkipped], counts[StatusRejected])
}

// checkActivity asserts what every imported activity must satisfy.
func checkActivity(t *testing.T, name string, a *analysis.Activity) {
	t.Helper()
	if a.Source != name || (a.Format != FormatFIT && a.Format != FormatGPX && a.Format != FormatTCX && a.Format != FormatAppleHealth) {
		t.Errorf("%s: Source %q Format %q", name, a.Source, a.Format)
	}
	if a.Start.IsZero() || a.Start.Location() != time.UTC {
		t.Errorf("%s: Start %v, want a UTC time", name, a.Start)
	}
	if a.TimeSource == "" || a.UTCOffset%900 != 0 || a.UTCOffset < -14*3600 || a.UTCOffset > 14*3600 {
		t.Errorf("%s: UTCOffset %d TimeSource %q", name, a.UTCOffset, a.TimeSource)
	}
	if a.Sport == "" || a.TotalsFrom == "" {
		t.Errorf("%s: Sport %q TotalsFrom %q", name, a.Sport, a.TotalsFrom)
	}
	for _, v := range []float64{a.Distance, a.MovingTime, a.ElapsedTime, a.AvgHR, a.MaxHR} {
		if analysis.Has(v) && (v < 0 || math.IsInf(v, 0)) {
			t.Errorf("%s: negative or infinite total %v", name, v)
		}
	}
	for i, s := range a.Samples {
		if s.Time.IsZero() || (analysis.Has(s.Lat) && math.Abs(s.Lat) > 90) || (analysis.Has(s.Lon) && math.Abs(s.Lon) > 180) ||
			(analysis.Has(s.HeartRate) && (s.HeartRate <= 0 || s.HeartRate >= 255)) {
			t.Errorf("%s: sample %d not clean: %+v", name, i, s)
			return
		}
		if i > 0 && s.Time.Before(a.Samples[i-1].Time) {
			t.Errorf("%s: samples not in time order at %d", name, i)
			return
		}
	}
}
