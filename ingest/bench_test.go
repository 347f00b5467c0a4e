package ingest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
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

// BenchmarkWalkExport walks a Garmin-style export: export.zip holding
// DI_CONNECT/.../UploadedFiles_0-_Part1.zip (deflated) with 200 one-hour FIT
// files, read as a stream (no extraction, no buffering of the inner zip).
//
//	go test ./ingest -run '^$' -bench WalkExport -benchmem
func BenchmarkWalkExport(b *testing.B) {
	fit := genFIT(b, genRun{Start: time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC), Seconds: 3600, Local: time.Hour})
	var members []member
	for i := range 200 {
		data := bytes.Clone(fit)
		data[len(data)-3] ^= byte(i) // distinct contents
		members = append(members, member{name: fmt.Sprintf("%d.fit", 1000+i), data: data})
	}
	part := mkzip(b, members...)
	export := mkzip(b, member{name: "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", data: part})
	path := filepath.Join(b.TempDir(), "export.zip")
	if err := os.WriteFile(path, export, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(200 * len(fit)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := Walk(context.Background(), []string{path}, WalkOptions{NestedBufferBytes: -1}, func(e Entry) error {
			if e.Err != nil {
				return e.Err
			}
			n++
			return nil
		})
		if err != nil || n != 200 {
			b.Fatalf("walked %d entries: %v", n, err)
		}
	}
	b.ReportMetric(float64(200*b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkFITCRC computes the CRC of a one-hour FIT file (checkCRC runs it
// over every file).
func BenchmarkFITCRC(b *testing.B) {
	data := genFIT(b, genRun{Start: time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC), Seconds: 3600, Speed: 3.1})
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if fitCRC(0, data) != 0 {
			b.Fatal("CRC over a whole file including its CRC is not 0")
		}
	}
}
