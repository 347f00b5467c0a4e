package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
)

// BenchmarkWriter measures the import write path: one op is one file with a
// one-hour 1 Hz activity (3600 records, 2 laps) through Writer.Add into a
// database file, batches committed as in a real import. As in an import,
// the activity comes quantized with its summary made (by the decoders).
//
//	go test ./store -run '^$' -bench Writer -benchmem
func BenchmarkWriter(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.duckdb"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	// A few template activities, re-used with new ids and start days.
	base := time.Date(2020, 1, 1, 7, 0, 0, 0, time.UTC)
	tmpl := synthRun(base, 3600, "fit", true)
	Quantize(tmpl)
	sum := analysis.NewSummary(tmpl)
	sum.MarshalBinary()
	w, err := db.NewWriter(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		a := *tmpl
		a.ID = ""
		a.Start = base.AddDate(0, 0, i)
		f := file(fmt.Sprintf("f%d.fit", i), fmt.Sprintf("sha%d", i), &a)
		f.Summaries = []*analysis.Summary{sum}
		if err := w.Add(f); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := w.Close(); err != nil {
		b.Fatal(err)
	}
	el := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)*3600/el.Seconds(), "rows/s")
	b.ReportMetric(float64(b.N)/el.Seconds(), "activities/s")
}

// BenchmarkActivitiesWithSamples measures reading activities back with
// their records (what analysis and reanalyze do): one op reads 50 one-hour
// activities.
func BenchmarkActivitiesWithSamples(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.duckdb"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var files []FileResult
	base := time.Date(2020, 1, 1, 7, 0, 0, 0, time.UTC)
	for i := 0; i < 50; i++ {
		files = append(files, file(fmt.Sprintf("f%d.fit", i), fmt.Sprintf("sha%d", i), synthRun(base.AddDate(0, 0, i), 3600, "fit", true)))
	}
	write(b, db, "bench", files...)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		acts, err := db.Activities(ctx, Filter{Athlete: "bench", WithSamples: true, WithLaps: true})
		if err != nil {
			b.Fatal(err)
		}
		if len(acts) != 50 || len(acts[49].Samples) != 3600 {
			b.Fatalf("read %d activities", len(acts))
		}
	}
	b.ReportMetric(float64(b.N)*50*3600/b.Elapsed().Seconds(), "rows/s")
	_ = analysis.Missing
}

// BenchmarkKnownSHA measures the per-file "already imported?" check of a
// re-import against a database holding 2,000 files.
func BenchmarkKnownSHA(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.duckdb"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var files []FileResult
	for i := 0; i < 2000; i++ {
		files = append(files, FileResult{Path: fmt.Sprintf("m%d.fit", i), SHA256: fmt.Sprintf("sha%d", i), Status: StatusSkipped, Kind: "fit:monitoring"})
	}
	write(b, db, "bench", files...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		known, err := db.KnownSHA(ctx, "bench", fmt.Sprintf("sha%d", i%4000))
		if err != nil {
			b.Fatal(err)
		}
		if known != (i%4000 < 2000) {
			b.Fatalf("KnownSHA(sha%d) = %v", i%4000, known)
		}
	}
}

// BenchmarkKnownMember measures ingest.WalkOptions.Skip's question on a
// re-import against a database holding 2,000 files of a Garmin export: half
// the lookups hit, half miss (another crc).
//
//	go test ./store -run '^$' -bench KnownMember -benchmem
func BenchmarkKnownMember(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.duckdb"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var files []FileResult
	var paths []string
	for i := 0; i < 2000; i++ {
		p := fmt.Sprintf("garmin-export.zip!DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip!user@example.com_%d.fit", 1000000+i)
		paths = append(paths, p)
		files = append(files, FileResult{Path: p, Size: int64(1000 + i), SHA256: fmt.Sprintf("sha%d", i), CRC32: uint32(i) * 2654435761,
			Status: StatusSkipped, Kind: "fit:monitoring"})
	}
	write(b, db, "bench", files...)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j := i % 2000
		crc := uint32(j) * 2654435761
		hit := i%4000 < 2000
		if !hit {
			crc++
		}
		known, err := db.KnownMember(ctx, "bench", paths[j], int64(1000+j), crc)
		if err != nil {
			b.Fatal(err)
		}
		if known != hit {
			b.Fatalf("KnownMember(%s) = %v", paths[j], known)
		}
	}
}
