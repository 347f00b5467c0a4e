package ingest

import (
	"bytes"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
)

// gpxDoc builds a GPX document with one track of the given points.
func gpxDoc(version, typ, pts string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<gpx version="` + version + `" creator="test" xmlns="http://www.topografix.com/GPX/1/1"
 xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
 xmlns:ns3="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
<trk><name>t</name>` + typ + `<trkseg>` + pts + `</trkseg></trk></gpx>`)
}

// pts returns n trackpoints one second apart moving north at about v m/s,
// with ext inside each point's <extensions>.
func pts(n int, v float64, ext string) string {
	var b strings.Builder
	t0 := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `<trkpt lat="%.7f" lon="16.37"><ele>%d</ele><time>%s</time>`, 48.2+float64(i)*v/111194.93, 200+i, t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339))
		if ext != "" {
			b.WriteString("<extensions>" + ext + "</extensions>")
		}
		b.WriteString("</trkpt>\n")
	}
	return b.String()
}

func TestDecodeGPX(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	tpx := `<gpxtpx:TrackPointExtension><gpxtpx:hr>150</gpxtpx:hr><gpxtpx:cad>88</gpxtpx:cad></gpxtpx:TrackPointExtension>`
	tests := []struct {
		name     string
		doc      []byte
		sport    string
		sub      string
		inferred bool
		hr, cad  float64
	}{
		{"garmin running, gpxtpx", gpxDoc("1.1", "<type>running</type>", pts(60, 3, tpx)), "running", "", false, 150, 88},
		{"garmin trail, ns3 prefix", gpxDoc("1.1", "<type>trail_running</type>",
			pts(60, 3, `<ns3:TrackPointExtension><ns3:hr>141</ns3:hr><ns3:cad>90</ns3:cad></ns3:TrackPointExtension>`)), "running", "trail", false, 141, 90},
		{"strava code 9", gpxDoc("1.1", "<type>9</type>", pts(60, 3, `<heartrate>133</heartrate><cadence>80</cadence>`)), "running", "", false, 133, 80},
		{"strava Ride", gpxDoc("1.1", "<type>Ride</type>", pts(60, 8, "")), "cycling", "", false, math.NaN(), math.NaN()},
		{"strava code 1", gpxDoc("1.1", "<type>1</type>", pts(60, 8, "")), "cycling", "", false, math.NaN(), math.NaN()},
		{"strava Hike", gpxDoc("1.1", "<type>Hike</type>", pts(60, 1, "")), "hiking", "", false, math.NaN(), math.NaN()},
		{"strava Walk code 10", gpxDoc("1.1", "<type>10</type>", pts(60, 1, "")), "walking", "", false, math.NaN(), math.NaN()},
		{"no type, walking speed", gpxDoc("1.1", "", pts(60, 1.2, "")), "walking", "", true, math.NaN(), math.NaN()},
		{"no type, running speed", gpxDoc("1.1", "", pts(60, 3.5, "")), "running", "", true, math.NaN(), math.NaN()},
		{"no type, cycling speed", gpxDoc("1.1", "<type>something else</type>", pts(60, 9, "")), "cycling", "", true, math.NaN(), math.NaN()},
		{"GPX 1.0 keeps its extensions", gpxDoc("1.0", "<type>running</type>", pts(60, 3, tpx)), "running", "", false, 150, 88},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := decodeOne(t, d, "x.gpx", tt.doc, DecodeOptions{})
			if res.Status != StatusImported || res.Format != FormatGPX || len(res.Activities) != 1 {
				t.Fatalf("%s %s %s", res.Format, res.Status, res.Reason())
			}
			a := res.Activities[0]
			if a.Sport != tt.sport || a.SubSport != tt.sub || a.SportInferred != tt.inferred {
				t.Errorf("sport %q/%q inferred %v, want %q/%q %v", a.Sport, a.SubSport, a.SportInferred, tt.sport, tt.sub, tt.inferred)
			}
			s := a.Samples[10]
			if !same(s.HeartRate, tt.hr) || !same(s.Cadence, tt.cad) {
				t.Errorf("hr %v cad %v, want %v %v", s.HeartRate, s.Cadence, tt.hr, tt.cad)
			}
			if len(a.Samples) != 60 || a.ElapsedTime != 59 || a.TotalsFrom != "records" || a.TimeSource != analysis.TZFromGPS ||
				a.TimeZone != "Europe/Vienna" || a.UTCOffset != 7200 || s.Altitude != 210 {
				t.Errorf("samples %d elapsed %v totals %s zone %s %s %d", len(a.Samples), a.ElapsedTime, a.TotalsFrom, a.TimeSource, a.TimeZone, a.UTCOffset)
			}
		})
	}
}

func same(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

func TestDecodeGPXBadPoints(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	good := pts(20, 3, "")
	bad := `<trkpt lat="95" lon="16"><time>2026-10-04T07:00:30Z</time></trkpt>
<trkpt lon="16.37"><time>2026-10-04T07:00:31Z</time></trkpt>
<trkpt lat="48.3" lon="16.37"><time>yesterday</time></trkpt>
<trkpt lat="100" lon="0"><time>2026-10-04T07:00:32Z</time></trkpt>
<trkpt lat="200" lon="0"><time>2026-10-04T07:00:33Z</time></trkpt>`
	res := decodeOne(t, d, "x.gpx", gpxDoc("1.1", "<type>running</type>", good+bad), DecodeOptions{})
	if res.Status != StatusImported || !res.Partial {
		t.Fatalf("%s partial %v %s", res.Status, res.Partial, res.Reason())
	}
	a := res.Activities[0]
	if len(a.Samples) != 20 {
		t.Errorf("%d samples, want the 20 good points", len(a.Samples))
	}
	for _, want := range []string{"dropped 2 point(s) with a missing or out-of-range position", "dropped 1 point(s) without a parsable time"} {
		if !strings.Contains(res.PartialReason, want) || !strings.Contains(a.PartialReason, want) {
			t.Errorf("partial reason %q, want it to say %q", res.PartialReason, want)
		}
	}
	if w := strings.Join(res.Warnings, "; "); !strings.Contains(w, "2 pause marker point(s)") {
		t.Errorf("warnings %q, want the two pause markers counted", w)
	}
	if strings.Contains(res.PartialReason, "pause") {
		t.Errorf("pause markers are not damage: %q", res.PartialReason)
	}
}

func TestDecodeGPXOutcomes(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	tests := []struct {
		name, doc    string
		max          int64
		status, kind string
		reason       string
	}{
		{"malformed", `<?xml version="1.0"?><gpx version="1.1"><trk><trkseg><trkpt lat="1" lon="2">`, 0, StatusRejected, "", "x.gpx: malformed gpx: XML syntax error: the file ends inside <trkpt>"},
		{"route only", `<gpx version="1.1"><rte><rtept lat="1" lon="2"/></rte></gpx>`, 0, StatusSkipped, "gpx:route-only", ""},
		{"waypoints only", `<gpx version="1.1"><wpt lat="1" lon="2"/></gpx>`, 0, StatusSkipped, "gpx:waypoints-only", ""},
		{"no track", `<gpx version="1.1"><metadata><name>x</name></metadata></gpx>`, 0, StatusSkipped, "gpx:no-track", ""},
		{"no times", `<gpx version="1.1"><trk><trkseg><trkpt lat="1" lon="2"/><trkpt lat="1.1" lon="2"/></trkseg></trk></gpx>`, 0, StatusSkipped, "gpx:no-timestamps", ""},
		{"too big", string(gpxDoc("1.1", "", pts(50, 3, ""))), 1000, StatusRejected, "", "over the 1,000 byte limit"},
		{"tcx", `<?xml version="1.0"?><TrainingCenterDatabase xmlns="x"></TrainingCenterDatabase>`, 0, StatusSkipped, "tcx:no-activity", ""},
		{"kml", `<kml xmlns="http://www.opengis.net/kml/2.2"/>`, 0, StatusSkipped, "kml", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := decodeOne(t, d, "x.gpx", []byte(tt.doc), DecodeOptions{MaxGPXBytes: tt.max})
			if res.Status != tt.status || res.Kind != tt.kind || !strings.Contains(res.Reason(), tt.reason) {
				t.Errorf("got %s %q (%s), want %s %q (%s)", res.Status, res.Kind, res.Reason(), tt.status, tt.kind, tt.reason)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	fit := genFIT(t, genRun{Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Seconds: 2})
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"a.fit", fit, FormatFIT},
		{"renamed.gpx", fit, FormatFIT},
		{"a.gpx", []byte("\xef\xbb\xbf<?xml version='1.0'?>\n<!-- c --><gpx version='1.1'/>"), FormatGPX},
		{"a.xml", []byte(`<gpx:gpx xmlns:gpx="x"/>`), FormatGPX},
		{"a.tcx", []byte(`<?xml version="1.0"?><TrainingCenterDatabase/>`), FormatTCX},
		{"a.kml", []byte(`<kml/>`), FormatKML},
		{"a.xml", []byte(`<html/>`), FormatXML},
		{"a.json", []byte(" {\"a\": 1}"), FormatJSON},
		{"activities.csv", []byte("Activity ID,Activity Date,Activity Name\n1,2,3\n"), FormatCSV},
		{"notes.txt", []byte("hello\n"), FormatText},
		{"p.jpg", []byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10}, FormatImage},
		{"p.png", []byte("\x89PNG\r\n\x1a\n...."), FormatImage},
		{"p.heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"), FormatImage},
		{"v.mp4", []byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00"), FormatVideo},
		{"v.mov", []byte("\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00"), FormatVideo},
		{"v.webm", []byte("\x1a\x45\xdf\xa3\x9f\x42\x86\x81"), FormatVideo},
		{"x.zip", []byte("PK\x03\x04...."), FormatZip},
		{"x.gz", []byte{0x1f, 0x8b, 8}, FormatGzip},
		{"x.bin", []byte{0, 1, 2, 3, 0, 0}, FormatUnknown},
		{"x.fit", nil, FormatEmpty},
	}
	for _, tt := range tests {
		if got := Sniff(tt.name, tt.data); got != tt.want {
			t.Errorf("Sniff(%s) = %s, want %s", tt.name, got, tt.want)
		}
	}
}

// TestDecodeGPXTimes checks the times gpxgo gets wrong: a fraction with a
// UTC offset (gpxgo drops both), and no offset at all (UTC).
func TestDecodeGPXTimes(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	doc := gpxDoc("1.1", "<type>running</type>", `
<trkpt lat="48.2" lon="16.37"><time>2026-10-04T09:00:00.500+02:00</time></trkpt>
<trkpt lat="48.2001" lon="16.37"><time>2026-10-04T07:00:01.750Z</time></trkpt>
<trkpt lat="48.2002" lon="16.37"/>
<trkpt lat="48.2003" lon="16.37"><time>2026-10-04T07:00:03</time></trkpt>`)
	res := decodeOne(t, d, "x.gpx", doc, DecodeOptions{})
	if res.Status != StatusImported {
		t.Fatalf("%s %s", res.Status, res.Reason())
	}
	a := res.Activities[0]
	want := []time.Time{
		time.Date(2026, 10, 4, 7, 0, 0, 500e6, time.UTC),
		time.Date(2026, 10, 4, 7, 0, 1, 750e6, time.UTC),
		time.Date(2026, 10, 4, 7, 0, 3, 0, time.UTC),
	}
	if len(a.Samples) != len(want) {
		t.Fatalf("%d samples, want %d (the point without time dropped)", len(a.Samples), len(want))
	}
	for i, w := range want {
		if !a.Samples[i].Time.Equal(w) {
			t.Errorf("sample %d at %s, want %s", i, a.Samples[i].Time, w)
		}
	}
	if !a.Start.Equal(want[0]) || a.ElapsedTime != 2.5 || !strings.Contains(res.PartialReason, "dropped 1 point(s) without a parsable time") {
		t.Errorf("start %s elapsed %v partial %q", a.Start, a.ElapsedTime, res.PartialReason)
	}
}

// longGPX returns a GPX document of one track with n points one second
// apart, each with elevation and Garmin heart rate and cadence: about 230
// bytes per point, as a watch writes them.
func longGPX(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
<trk><type>running</type><trkseg>
`)
	t0 := time.Date(2026, 10, 4, 5, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `<trkpt lat="%.7f" lon="%.7f"><ele>%.1f</ele><time>%s</time><extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>%d</gpxtpx:hr><gpxtpx:cad>%d</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>
`, 46.5+float64(i%20000)*2.5e-5, 7.5+float64(i/20000)*1e-3, 500+float64(i%900)/3, t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339), 120+i%40, 80+i%10)
	}
	b.WriteString("</trkseg></trk></gpx>\n")
	return b.Bytes()
}

// TestDecodeGPXMemoryFlat decodes long generated GPX files and checks that
// what decoding allocates is the samples it returns (88 bytes per point,
// allocated once) and nothing else that grows with the file: the document
// is streamed, never held as a tree (gpxgo, the previous decoder,
// allocated about 19 times the file's size: 4,560 bytes per point here).
func TestDecodeGPXMemoryFlat(t *testing.T) {
	d := NewDecoder(DecodeOptions{Now: testNow})
	d.decodeGPX("warm.gpx", longGPX(10)) // load the time-zone finder first
	var perPoint []float64
	for _, n := range []int{5_000, 80_000} {
		data := longGPX(n)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		res := d.decodeGPX("long.gpx", data)
		runtime.ReadMemStats(&after)
		if res.Status != StatusImported || len(res.Activities) != 1 || len(res.Activities[0].Samples) != n {
			t.Fatalf("%d points: %s %s", n, res.Status, res.Reason())
		}
		s := res.Activities[0].Samples[n-1]
		if s.HeartRate != float64(120+(n-1)%40) || s.Cadence != float64(80+(n-1)%10) || !analysis.Has(s.Altitude) {
			t.Errorf("%d points: last sample %+v", n, s)
		}
		alloc := float64(after.TotalAlloc - before.TotalAlloc)
		perPoint = append(perPoint, alloc/float64(n))
		t.Logf("%d points, %.1f MB file: decoding allocated %.1f MB (%.2f x the file, %.0f bytes per point)",
			n, float64(len(data))/1e6, alloc/1e6, alloc/float64(len(data)), alloc/float64(n))
		if alloc > 128*float64(n) {
			t.Errorf("%d points (%.1f MB file): decoding allocated %.1f MB, want at most 128 bytes per point (the 88-byte samples)", n, float64(len(data))/1e6, alloc/1e6)
		}
	}
	if perPoint[1] > 1.25*perPoint[0] {
		t.Errorf("allocation per point grows with the file: %.0f bytes for 5,000 points, %.0f for 80,000", perPoint[0], perPoint[1])
	}
}
