package taper

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store"
	"github.com/taper-run/taper/synth"
)

// BenchmarkRoster measures a coach's Monday: the roster audit (taper audit)
// and one athlete's report (taper report) over TAPER_BENCH_ATHLETES
// athletes (default 200) with a year each (44 weeks of training, a
// marathon, 8 weeks of recovery; about 280 activities per athlete). The
// database is built once under /tmp (taper-roster-N-v2.duckdb) and kept:
// the audit reads activities and metrics, never records, so each activity
// keeps only its first records there (its metrics and its stored summary
// come from all of them, so summaries have their real size, about 3 KB).
//
// It then adds one run to one athlete, as the Monday cron's import does,
// on a copy of the database: the import and the closing checkpoint
// (add-one-ms).
//
//	go test . -run '^$' -bench Roster -benchtime 10x
//	TAPER_BENCH_ATHLETES=40 go test . -run '^$' -bench Roster -benchtime 10x
func BenchmarkRoster(b *testing.B) {
	n := 200
	if v, err := strconv.Atoi(os.Getenv("TAPER_BENCH_ATHLETES")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("taper-roster-%d-v2.duckdb", n))
	if _, err := os.Stat(path); err != nil {
		buildRoster(b, path, n)
	}
	db, err := store.Open(ctx, path, store.Options{ReadOnly: true})
	if err != nil {
		// Built by an older taper (a migration since): upgrade it in place once.
		up, uerr := store.Open(ctx, path, store.Options{})
		if uerr != nil {
			b.Fatal(err)
		}
		if err := up.Close(); err != nil {
			b.Fatal(err)
		}
		if db, err = store.Open(ctx, path, store.Options{ReadOnly: true}); err != nil {
			b.Fatal(err)
		}
	}
	defer db.Close()
	std, _ := analysis.Preset(analysis.PresetStandard)
	now := func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }
	var auditT, reportT time.Duration
	acts := 0
	for b.Loop() {
		t0 := time.Now()
		res, err := Audit(ctx, db, AuditOptions{Now: now})
		if err != nil {
			b.Fatal(err)
		}
		auditT += time.Since(t0)
		if len(res.Reports) != n || res.Reports[0].Race == nil {
			b.Fatalf("%d reports, first race %v", len(res.Reports), res.Reports[0].Race)
		}
		t0 = time.Now()
		rep, err := Report(ctx, db, ReportOptions{Athlete: "athlete000", Settings: std, Now: now})
		if err != nil {
			b.Fatal(err)
		}
		reportT += time.Since(t0)
		acts = len(rep.Days)
	}
	_ = acts
	b.ReportMetric(float64(auditT.Milliseconds())/float64(b.N), "audit-ms")
	b.ReportMetric(float64(auditT.Microseconds())/1000/float64(b.N)/float64(n), "audit-ms/athlete")
	b.ReportMetric(float64(reportT.Microseconds())/1000/float64(b.N), "report-ms")
	b.ReportMetric(float64(addOneToRoster(b, path).Microseconds())/1000, "add-one-ms")
}

// addOneToRoster imports one new run of athlete000 into a copy of the
// roster database at path and returns how long the import and closing the
// database (DuckDB's checkpoint) took.
func addOneToRoster(b *testing.B, path string) time.Duration {
	b.Helper()
	ctx := context.Background()
	dir := b.TempDir()
	cp := filepath.Join(dir, "roster.duckdb")
	for _, suffix := range []string{"", ".wal"} {
		data, err := os.ReadFile(path + suffix)
		if err != nil {
			if suffix == ".wal" && os.IsNotExist(err) {
				continue
			}
			b.Fatal(err)
		}
		if err := os.WriteFile(cp+suffix, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	in := filepath.Join(dir, "new")
	if err := os.Mkdir(in, 0o755); err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(filepath.Join(in, "run.fit"))
	if err != nil {
		b.Fatal(err)
	}
	run := synth.Workout(synth.Spec{Kind: synth.Easy, Start: time.Date(2026, 5, 30, 7, 0, 0, 0, time.UTC), Seed: 99, Duration: 45 * time.Minute})
	if err := synth.WriteFIT(f, run); err != nil {
		b.Fatal(err)
	}
	f.Close()
	std, _ := analysis.Preset(analysis.PresetStandard)
	// As taper's own imports leave it: the settings of the analysis
	// recorded (a database built before buildRoster recorded them has
	// none, and the first import would analyse the athlete again).
	db, err := store.Open(ctx, cp, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := recordAnalysisSettings(ctx, db, "athlete000", std); err != nil {
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	db, err = store.Open(ctx, cp, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	res, err := Import(ctx, db, ImportOptions{Athlete: "athlete000", Inputs: []string{in}, Jobs: 2, Settings: std,
		Now: func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	d := time.Since(t0)
	if res.ByStatus[store.StatusImported] != 1 {
		b.Fatalf("adding one run: %v", res.ByStatus)
	}
	return d
}

// buildRoster writes n athletes' years into a new database at path.
func buildRoster(b *testing.B, path string, n int) {
	b.Helper()
	ctx := context.Background()
	tmp := path + ".building"
	os.Remove(tmp)
	db, err := store.Open(ctx, tmp, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	std, _ := analysis.Preset(analysis.PresetStandard)
	race := time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC) // a Sunday; 8 recovery weeks end before June
	total := 0
	for i := range n {
		athlete := fmt.Sprintf("athlete%03d", i)
		season := synth.Season{Athlete: athlete, RaceDate: race.AddDate(0, 0, -7*(i%4)), Seed: int64(i + 1), PreWeeks: 44, PostWeeks: 8,
			WeeklyKm: 40 + float64(i%5)*10}
		w, err := db.NewWriter(ctx, athlete)
		if err != nil {
			b.Fatal(err)
		}
		metrics := map[string]*analysis.Metrics{}
		for k, p := range season.Plan() {
			a := synth.Workout(p.Spec)
			a.Athlete = athlete
			a.ID = analysis.ActivityID(athlete, fmt.Sprintf("sha-%d-%d", i, k), 0)
			store.Quantize(a)
			metrics[a.ID], _ = analysis.AnalyzeProfile(a, std, 188, 0)
			sum := analysis.NewSummary(a) // of every record: its real size
			a.Samples = a.Samples[:min(len(a.Samples), 60)]
			if err := w.Add(store.FileResult{Path: fmt.Sprintf("%s/%d.fit", athlete, k), Size: 1, SHA256: fmt.Sprintf("sha-%d-%d", i, k),
				Format: "fit", Activities: []*analysis.Activity{a}, Summaries: []*analysis.Summary{sum}}); err != nil {
				b.Fatal(err)
			}
			total++
		}
		if _, err := w.Close(); err != nil {
			b.Fatal(err)
		}
		if err := db.SaveMetrics(ctx, metrics); err != nil {
			b.Fatal(err)
		}
		if err := recordAnalysisSettings(ctx, db, athlete, std); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	os.Rename(tmp+".wal", path+".wal")
	b.Logf("built %s: %d athletes, %d activities", path, n, total)
}
