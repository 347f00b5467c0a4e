package ingest

import (
	"math"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
)

// checkFuzzResult asserts the fuzz property: a result is either imported
// with clean activities, or skipped/rejected with a reason.
func checkFuzzResult(t *testing.T, res Result) {
	switch res.Status {
	case StatusImported:
		if len(res.Activities) == 0 {
			t.Fatal("imported without activities")
		}
		for _, a := range res.Activities {
			for i, s := range a.Samples {
				if s.Time.IsZero() || (analysis.Has(s.Lat) && math.Abs(s.Lat) > 90) || (analysis.Has(s.Lon) && math.Abs(s.Lon) > 180) {
					t.Fatalf("sample %d not clean: %+v", i, s)
				}
				if i > 0 && s.Time.Before(a.Samples[i-1].Time) {
					t.Fatalf("samples out of order at %d", i)
				}
			}
			if a.Start.IsZero() || a.TimeSource == "" || a.Sport == "" {
				t.Fatalf("activity without start, zone source or sport: %+v", a)
			}
		}
	case StatusRejected:
		if res.Err == nil {
			t.Fatal("rejected without an error")
		}
	case StatusSkipped:
		if res.Kind == "" {
			t.Fatal("skipped without a kind")
		}
	default:
		t.Fatalf("status %q", res.Status)
	}
}

// FuzzFIT feeds arbitrary bytes to the FIT decoder (without Decode's panic
// recovery, so a panic is a failure), seeded with generated files.
func FuzzFIT(f *testing.F) {
	start := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	a := genFIT(f, genRun{Start: start, Seconds: 20, Local: time.Hour, Laps: 2, Workout: true})
	f.Add(a)
	f.Add(genFIT(f, genRun{Start: start, Seconds: 20, Compressed: true, NoGPS: true}))
	f.Add(genFIT(f, genRun{Start: start, Seconds: 5, NoSession: true, NoGPS: true}))
	f.Add(append(append([]byte{}, a...), a...))
	f.Add(a[:len(a)/2])
	f.Add(a[:14])
	d := NewDecoder(DecodeOptions{Now: testNow, Zone: time.UTC})
	f.Fuzz(func(t *testing.T, data []byte) {
		if !isFIT(data) {
			return
		}
		checkFuzzResult(t, d.decodeFIT("fuzz.fit", data))
	})
}

// FuzzGPX feeds arbitrary documents to the GPX decoder (without Decode's
// panic recovery), seeded with generated documents.
func FuzzGPX(f *testing.F) {
	f.Add(gpxDoc("1.1", "<type>running</type>", pts(5, 3,
		`<gpxtpx:TrackPointExtension><gpxtpx:hr>150</gpxtpx:hr></gpxtpx:TrackPointExtension>`)))
	f.Add(gpxDoc("1.0", "<type>9</type>", pts(3, 3, `<heartrate>x</heartrate>`)))
	f.Add([]byte(`<gpx version="1.1"><trk><trkseg><trkpt lat="100" lon="0"><time>2026-01-01T00:00:00Z</time></trkpt><trkpt lon="1"/></trkseg></trk></gpx>`))
	f.Add([]byte(`<gpx version="1.1"><rte><rtept lat="1" lon="2"/></rte><wpt lat="1" lon="2"/></gpx>`))
	// The zone finder is not needed to find panics: a fixed athlete zone
	// keeps each run fast when positions are dropped.
	d := NewDecoder(DecodeOptions{Now: testNow, Zone: time.UTC})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFuzzResult(t, d.decodeGPX("fuzz.gpx", data))
	})
}

// FuzzTCX feeds arbitrary documents to the TCX decoder (without Decode's
// panic recovery), seeded with generated documents.
func FuzzTCX(f *testing.F) {
	f.Add(tcxRun(tcxT0, 5, 3, 150, `<ns3:TPX><ns3:Speed>3</ns3:Speed><ns3:RunCadence>88</ns3:RunCadence></ns3:TPX>`))
	f.Add(tcxDoc(`<Activities><MultiSportSession><FirstSport><Activity Sport="Other"><Lap StartTime='2026-01-01T00:00:00Z'/></Activity></FirstSport></MultiSportSession></Activities>`))
	f.Add(tcxDoc(`<Courses><Course><Track><Trackpoint><Time>x</Time></Trackpoint></Track></Course></Courses>`))
	f.Add([]byte("\xef\xbb\xbf  <TrainingCenterDatabase><Activities><Activity Sport=\"Biking\"><Lap><Track><Trackpoint><Time>2026-01-01T00:00:00+01:00</Time><HeartRateBpm><Value>255</Value></HeartRateBpm></Trackpoint>"))
	d := NewDecoder(DecodeOptions{Now: testNow, Zone: time.UTC})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFuzzResult(t, d.decodeTCX("fuzz.tcx", data))
	})
}

// FuzzAppleHealth feeds arbitrary documents to the Apple Health reader
// (without Decode's panic recovery), seeded with small exports.
func FuzzAppleHealth(f *testing.F) {
	f.Add([]byte(`<HealthData><Record type="HKQuantityTypeIdentifierHeartRate" unit="count/min" startDate="2021-05-01 09:10:00 +0200" endDate="2021-05-01 09:10:00 +0200" value="150"/>` +
		`<Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="30" durationUnit="min" startDate="2021-05-01 09:00:00 +0200" endDate="2021-05-01 09:31:00 +0200">` +
		`<WorkoutRoute><Location date="2021-05-01 09:00:01 +0200" latitude="48.1" longitude="11.5"/></WorkoutRoute></Workout></HealthData>`))
	f.Add([]byte(`<HealthData><Workout workoutActivityType="HKWorkoutActivityTypeWalking" totalDistance="2" totalDistanceUnit="km" startDate="20151105180000+0100" endDate="20151105183100+0100"/></HealthData>`))
	d := NewDecoder(DecodeOptions{Now: testNow, Zone: time.UTC})
	f.Fuzz(func(t *testing.T, data []byte) {
		if Sniff("export.xml", data) != FormatAppleHealth {
			return
		}
		checkFuzzResult(t, d.decodeHealthBytes("export.xml", data))
	})
}
