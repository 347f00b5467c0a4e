package ingest

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	tfit "github.com/tormoder/fit"
)

// tormoderDiffs names the corpus files where github.com/tormoder/fit
// v0.15.0 (an independent decoder, used only here) and taper disagree, per
// check, and why. A listed difference that no longer occurs fails the test.
var tormoderDiffs = map[string]string{
	"fitdecode__garmin-fr935-cr.fit/decode":                                       "its chained segments after the first hold only hr messages and no file_id, which tormoder/fit refuses (it decodes the first segment, which is compared)",
	"goldencheetah__Garmin945swimRRdata.fit/decode":                               "its chained segments after the first hold only hr messages and no file_id, which tormoder/fit refuses (it decodes the first segment, which is compared)",
	"goldencheetah__GarminHRMswim.FIT/decode":                                     "its chained segments after the first hold only hr messages and no file_id, which tormoder/fit refuses (it decodes the first segment, which is compared)",
	"python-fitparse__event_timestamp.fit/decode":                                 "its chained segments after the first hold only hr messages and no file_id, which tormoder/fit refuses (it decodes the first segment, which is compared)",
	"python-fitparse__sample_mulitple_header.fit/decode":                          "its chained segments after the first hold only hr messages and no file_id, which tormoder/fit refuses (it decodes the first segment, which is compared)",
	"sports-lib__swim_6860712481.fit/decode":                                      "its chained segments after the first hold only hr messages and no file_id, which tormoder/fit refuses (it decodes the first segment, which is compared)",
	"garmin-fit-js-sdk__HrmPluginTestActivity.fit/decode":                         "tormoder/fit: device_settings field 4 base type differs from its profile; it decodes nothing",
	"garmin-fit-js-sdk__HrmPluginTestActivity.fit/records":                        "tormoder/fit stopped before the records",
	"garmin-fit-js-sdk__HrmPluginTestActivity.fit/record_distance":                "tormoder/fit stopped before the records",
	"goldencheetah__FR55-CoreTemp-Walk.fit/decode":                                "tormoder/fit rejects message definitions of current devices (field sizes larger than its profile)",
	"goldencheetah__FR55-CoreTemp-Walk.fit/records":                               "tormoder/fit stopped before the records",
	"goldencheetah__FR55-CoreTemp-Walk.fit/record_distance":                       "tormoder/fit stopped before the records",
	"muktihari-fit__triathlon_summary_first.fit/decode":                           "tormoder/fit rejects message definitions of current devices (field sizes larger than its profile) (Forerunner 255 session field 124)",
	"muktihari-fit__triathlon_summary_first.fit/records":                          "tormoder/fit stopped before the records",
	"muktihari-fit__triathlon_summary_first.fit/record_distance":                  "tormoder/fit stopped before the records",
	"python-fitparse__coros-pace-2-cycling-misaligned-fields.fit/decode":          "tormoder/fit rejects a Coros event definition (field smaller than its base type) and stops",
	"python-fitparse__coros-pace-2-cycling-misaligned-fields.fit/records":         "tormoder/fit stops after 1,785 of 11,272 records",
	"python-fitparse__coros-pace-2-cycling-misaligned-fields.fit/record_distance": "tormoder/fit stops after 1,785 of 11,272 records",
	"python-fitparse__compressed-speed-distance.fit/record_distance":              "tormoder/fit accumulates compressed speed/distance wrongly (13,354 m); taper gives the session's 10,248.7 m",
	"python-fitparse__activity-activity-filecrc.fit/decode":                       "deliberately broken: bad crc in segment 2 (tormoder refuses, taper keeps the data as partial)",
	"python-fitparse__activity-filecrc.fit/decode":                                "deliberately broken: bad crc (tormoder refuses, taper keeps the data as partial)",
	"python-fitparse__activity-settings-nodata.fit/decode":                        "deliberately broken: segment 2 has a header but no data",
	"python-fitparse__activity-unexpected-eof.fit/decode":                         "deliberately broken: truncated",
	"sports-lib__others_broken-dates.fit/decode":                                  "file_id type is invalid; tormoder refuses, taper decodes the records",
	"sports-lib__others_broken-dates.fit/records":                                 "tormoder/fit refused the file",
	"sports-lib__others_broken-dates.fit/record_distance":                         "tormoder/fit refused the file",
	"sports-lib__others_empty-activities.fit/decode":                              "header data size 0 (unfinished file); tormoder refuses, taper decodes it as partial",
	"sports-lib__others_empty-activities.fit/records":                             "tormoder/fit refused the file",
	"sports-lib__others_empty-activities.fit/record_distance":                     "tormoder/fit refused the file",
}

// TestCrossCheckTormoder decodes every corpus FIT file with tormoder/fit
// and, where it can, compares record counts, the last record's distance and
// the session totals with taper's.
func TestCrossCheckTormoder(t *testing.T) {
	dir := corpusDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "fit", "*"))
	d := NewDecoder(DecodeOptions{Now: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)})
	seen := map[string]bool{}
	differs := func(name, check string, ok bool, format string, args ...any) {
		key := name + "/" + check
		_, listed := tormoderDiffs[key]
		seen[key] = seen[key] || !ok
		if !ok && !listed {
			t.Errorf("%s: %s: "+format, append([]any{name, check}, args...)...)
		}
	}
	compared := 0
	for _, f := range files {
		name := filepath.Base(f)
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res := d.Decode(name, data)
		if res.Status != StatusImported {
			continue
		}
		tf, err := tfit.DecodeChained(bytes.NewReader(data))
		differs(name, "decode", err == nil, "tormoder/fit: %v", err)
		if len(tf) == 0 {
			continue
		}
		var sessions []*tfit.SessionMsg
		records := 0
		lastDist := math.NaN()
		for _, file := range tf {
			act, err := file.Activity()
			if err != nil {
				continue
			}
			sessions = append(sessions, act.Sessions...)
			for _, r := range act.Records {
				if r.Timestamp.IsZero() || r.Timestamp.Equal(time.Date(1989, 12, 31, 0, 0, 0, 0, time.UTC)) {
					continue
				}
				records++
				if v := r.GetDistanceScaled(); !math.IsNaN(v) {
					lastDist = v
				}
			}
		}
		compared++
		ours, ourDist := 0, math.NaN()
		for _, a := range res.Activities {
			ours += len(a.Samples)
			for _, s := range a.Samples {
				if !math.IsNaN(s.Distance) {
					ourDist = s.Distance
				}
			}
		}
		differs(name, "records", ours == records, "taper %d records, tormoder %d", ours, records)
		if !math.IsNaN(lastDist) || !math.IsNaN(ourDist) {
			differs(name, "record_distance", math.Abs(ourDist-lastDist) <= math.Max(0.001*lastDist, 0.01),
				"last record distance: taper %.2f m, tormoder %.2f m", ourDist, lastDist)
		}
		if len(sessions) == 0 {
			continue
		}
		differs(name, "sessions", len(sessions) == len(res.Activities), "taper %d, tormoder %d", len(res.Activities), len(sessions))
		if len(sessions) != len(res.Activities) {
			continue
		}
		for i, s := range sessions {
			a := res.Activities[i]
			if v := s.GetTotalDistanceScaled(); !math.IsNaN(v) {
				differs(name, "distance", math.Abs(a.Distance-v) <= math.Max(0.001*v, 0.01), "session %d: taper %.2f m, tormoder %.2f m", i, a.Distance, v)
			}
			if v := s.GetTotalTimerTimeScaled(); !math.IsNaN(v) {
				differs(name, "timer", math.Abs(a.MovingTime-v) <= 1, "session %d: taper %.1f s, tormoder %.1f s", i, a.MovingTime, v)
			}
			differs(name, "start", s.StartTime.Equal(a.Start) || s.StartTime.IsZero(), "session %d: taper %s, tormoder %s", i, a.Start, s.StartTime)
		}
	}
	if compared < 50 {
		t.Errorf("tormoder/fit decoded only %d corpus files; expected most of them", compared)
	}
	t.Logf("cross-checked %d files with tormoder/fit", compared)
	for key, why := range tormoderDiffs {
		if !seen[key] {
			t.Errorf("tormoderDiffs lists %s (%s) but the decoders agree there: remove the entry", key, why)
		}
	}
}
