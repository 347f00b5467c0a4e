package ingest

import (
	"testing"
	"time"
)

// BenchmarkDecodeFIT decodes a one-hour 1 Hz running file (3,601 records,
// laps, session, activity) generated with muktihari/fit's encoder.
//
//	go test ./ingest -run '^$' -bench DecodeFIT -benchmem
func BenchmarkDecodeFIT(b *testing.B) {
	data := genFIT(b, genRun{Start: time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC), Seconds: 3600, Speed: 3.1, Local: 2 * time.Hour, Laps: 12})
	d := NewDecoder(DecodeOptions{Now: testNow})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	records := 0
	for b.Loop() {
		res := d.Decode("bench.fit", data)
		if res.Status != StatusImported || len(res.Activities[0].Samples) != 3601 {
			b.Fatalf("%s: %s", res.Status, res.Reason())
		}
		records += len(res.Activities[0].Samples)
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkDecodeFITCompressed is BenchmarkDecodeFIT with compressed-timestamp
// record headers.
func BenchmarkDecodeFITCompressed(b *testing.B) {
	data := genFIT(b, genRun{Start: time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC), Seconds: 3600, Speed: 3.1, Local: 2 * time.Hour, Compressed: true})
	d := NewDecoder(DecodeOptions{Now: testNow})
	records := 0
	for b.Loop() {
		res := d.Decode("bench.fit", data)
		records += len(res.Activities[0].Samples)
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkDecodeGPX decodes a one-hour 1 Hz GPX track with Garmin heart-rate
// extensions (the zone finder is loaded before the timer starts).
func BenchmarkDecodeGPX(b *testing.B) {
	doc := gpxDoc("1.1", "<type>running</type>", pts(3600, 3.1,
		`<gpxtpx:TrackPointExtension><gpxtpx:hr>150</gpxtpx:hr><gpxtpx:cad>88</gpxtpx:cad></gpxtpx:TrackPointExtension>`))
	d := NewDecoder(DecodeOptions{Now: testNow})
	d.Decode("warm.gpx", doc)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	points := 0
	for b.Loop() {
		res := d.Decode("bench.gpx", doc)
		points += len(res.Activities[0].Samples)
	}
	b.ReportMetric(float64(points)/b.Elapsed().Seconds(), "points/s")
}
