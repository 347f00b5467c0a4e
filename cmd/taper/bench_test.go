package main

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/synth"
)

// childArgsEnv makes the test binary run taper itself (see TestMain), so a
// benchmark can measure a whole `taper` process: its time and peak memory.
const childArgsEnv = "TAPER_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if js := os.Getenv(childArgsEnv); js != "" {
		var args []string
		if err := json.Unmarshal([]byte(js), &args); err != nil {
			fmt.Fprintln(os.Stderr, "bad", childArgsEnv, err)
			os.Exit(exitError)
		}
		limitMemory()
		os.Exit(run(context.Background(), args, os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// childRun is one taper process: wall time and peak resident memory.
type childRun struct {
	wall  time.Duration
	rssMB float64
	out   string
}

// runChild runs the taper binary a user builds (benchBinary) with args.
func runChild(b *testing.B, args ...string) childRun {
	b.Helper()
	cmd := exec.Command(benchBinary(b), args...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("taper %v: %v\n%s", args, err, out)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return childRun{wall: wall, rssMB: float64(ru.Maxrss) / 1024, out: string(out)}
}

var (
	benchBinOnce sync.Once
	benchBin     string
	benchBinErr  error
)

// benchBinary builds taper (go build, as a user does) once per benchmark
// run, into $TMPDIR/taper-bench/bin: the processes measured are the real
// program, not this test binary (whose start-up costs more).
func benchBinary(b *testing.B) string {
	b.Helper()
	benchBinOnce.Do(func() {
		dir := filepath.Join(os.TempDir(), "taper-bench", "bin")
		if benchBinErr = os.MkdirAll(dir, 0o755); benchBinErr != nil {
			return
		}
		benchBin = filepath.Join(dir, "taper")
		out, err := exec.Command("go", "build", "-o", benchBin, ".").CombinedOutput()
		if err != nil {
			benchBinErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if benchBinErr != nil {
		b.Fatal(benchBinErr)
	}
	return benchBin
}

// BenchmarkImport imports a generated Garmin-style export (a zip holding a
// nested UploadedFiles zip) of TAPER_BENCH_FILES one-hour 1 Hz FIT runs
// (default 2000) and compares it with decoding the same export alone
// (taper import --dry-run: same walker, same decoder, same cores) and with
// a re-import of the same export. Each is a separate taper process, so its
// peak RSS is its own. The export is generated once and cached in
// $TMPDIR/taper-bench. Run:
//
//	go test ./cmd/taper -run '^$' -bench Import -benchtime 1x
func BenchmarkImport(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("TAPER_BENCH_FILES")); err == nil && v > 0 {
		n = v
	}
	export := benchExport(b, n)
	one := benchOne(b, time.Date(2021, 1, 1, 7, 0, 0, 0, time.UTC).AddDate(0, 0, n+1))
	for i := 0; i < b.N; i++ {
		benchScenario(b, export, one, n)
	}
}

// BenchmarkLongHistory imports one runner's ten years: TAPER_BENCH_SEASONS
// (default 10) consecutive 30-week seasons, each with a marathon (22 weeks
// of training and taper, the race, 8 weeks of recovery), of generated FIT
// files in a folder (cached in $TMPDIR/taper-bench), runs of 30 min to
// 3.5 h: by default about 1,500 activities and 5.5 M records. It reports
// what BenchmarkImport does, for a real history's shape.
//
//	go test ./cmd/taper -run '^$' -bench LongHistory -benchtime 1x
func BenchmarkLongHistory(b *testing.B) {
	seasons := 10
	if v, err := strconv.Atoi(os.Getenv("TAPER_BENCH_SEASONS")); err == nil && v > 0 {
		seasons = v
	}
	dir, last := benchHistory(b, seasons)
	one := benchOne(b, last.AddDate(0, 0, 3))
	for i := 0; i < b.N; i++ {
		benchScenario(b, dir, one, 0)
	}
}

// benchScenario measures, each in its own taper process: decoding input
// alone (import --dry-run), importing it, importing it again, and then
// importing one more activity (one, a folder) into the full history; it
// reports their times, peak RSS and the database's bytes per record.
func benchScenario(b *testing.B, input, one string, files int) {
	db := filepath.Join(b.TempDir(), "bench.duckdb")
	dec := runChild(b, "import", "--dry-run", "-q", input)
	imp := runChild(b, "import", "--db", db, "--athlete", "bench", "-q", input)
	re := runChild(b, "import", "--db", db, "--athlete", "bench", "-q", input)
	importedRecords, importedSize := benchRecords(b, db), dbSize(db)
	add := runChild(b, "import", "--db", db, "--athlete", "bench", "-q", one)
	b.ReportMetric(dec.wall.Seconds(), "decode_s")
	b.ReportMetric(imp.wall.Seconds(), "import_s")
	b.ReportMetric(re.wall.Seconds(), "reimport_s")
	b.ReportMetric(add.wall.Seconds(), "add_one_s")
	if files > 0 {
		b.ReportMetric(float64(files)/imp.wall.Seconds(), "import_files/s")
	}
	b.ReportMetric(dec.wall.Seconds()/imp.wall.Seconds()*100, "import_%_of_decode")
	b.ReportMetric(imp.wall.Seconds()/re.wall.Seconds(), "reimport_speedup_x")
	b.ReportMetric(dec.rssMB, "decode_peak_MB")
	b.ReportMetric(imp.rssMB, "import_peak_MB")
	b.ReportMetric(re.rssMB, "reimport_peak_MB")
	b.ReportMetric(add.rssMB, "add_one_peak_MB")
	// Bytes per record: the database file over the records it holds, after
	// the import (and re-import), and after adding one activity (DuckDB
	// keeps the blocks a checkpoint freed in the file, for later writes).
	if importedRecords > 0 {
		b.ReportMetric(importedRecords, "records")
		b.ReportMetric(float64(importedSize)/importedRecords, "db_bytes/record")
	}
	if records := benchRecords(b, db); records > 0 {
		b.ReportMetric(float64(dbSize(db))/records, "db_bytes/record_after_add_one")
	}
	if testing.Verbose() {
		b.Logf("import:\n%s\nreimport:\n%s\nadd one:\n%s", imp.out, re.out, add.out)
	}
}

// benchRecords counts the records in database db.
func benchRecords(b *testing.B, db string) float64 {
	sql := runChild(b, "sql", "--db", db, "--format", "csv", "SELECT count(*) FROM samples")
	for _, line := range strings.Split(strings.TrimSpace(sql.out), "\n") {
		if v, err := strconv.ParseFloat(strings.TrimSpace(line), 64); err == nil {
			return v
		}
	}
	return 0
}

// dbSize is the size of database db on disk, its write-ahead log included.
func dbSize(db string) int64 {
	size := int64(0)
	for _, p := range []string{db, db + ".wal"} {
		if fi, err := os.Stat(p); err == nil {
			size += fi.Size()
		}
	}
	return size
}

// benchOne writes (once) a folder holding one 50-minute tempo run starting
// at start: the activity a daily import adds.
func benchOne(b *testing.B, start time.Time) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "taper-bench", "one-"+start.Format("20060102"))
	if _, err := os.Stat(dir); err == nil {
		return dir
	}
	a := synth.Workout(synth.Spec{Kind: synth.Tempo, Start: start, Seed: 77, Duration: 50 * time.Minute})
	if err := synth.WriteDir(dir+".tmp", []*analysis.Activity{a}, synth.ExportFIT); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(dir+".tmp", dir); err != nil {
		b.Fatal(err)
	}
	return dir
}

// benchHistory writes (once) a folder of FIT files: seasons consecutive
// 30-week seasons, each ending 8 weeks after a marathon. It returns the
// folder and the last activity's start.
func benchHistory(b *testing.B, seasons int) (string, time.Time) {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "taper-bench", fmt.Sprintf("long-history-%d", seasons))
	first := time.Date(2016, 5, 1, 0, 0, 0, 0, time.UTC) // a Sunday
	race := func(i int) time.Time { return first.AddDate(0, 0, 7*30*i) }
	last := race(seasons-1).AddDate(0, 0, 7*8)
	if _, err := os.Stat(dir); err == nil {
		return dir, last
	}
	start := time.Now()
	acts, records := 0, 0
	for i := range seasons {
		s := synth.Season{Athlete: "bench", RaceDate: race(i), Seed: int64(100 + i), PreWeeks: 22, PostWeeks: 8,
			WeeklyKm: 45 + float64(i%4)*8}
		for _, p := range s.Plan() {
			a := synth.Workout(p.Spec)
			if err := synth.WriteDir(dir+".tmp", []*analysis.Activity{a}, synth.ExportFIT); err != nil {
				b.Fatal(err)
			}
			acts++
			records += len(a.Samples)
		}
	}
	if err := os.Rename(dir+".tmp", dir); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %s: %d activities, %d records, in %s", dir, acts, records, time.Since(start).Round(time.Second))
	return dir, last
}

// benchExport writes (once) a Garmin account export of n one-hour runs.
func benchExport(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "taper-bench")
	path := filepath.Join(dir, fmt.Sprintf("garmin-export-%d-1h.zip", n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	tmp := path + ".tmp"
	if err := writeBenchExport(tmp, n); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %s (%d runs) in %s", path, n, time.Since(start).Round(time.Second))
	return path
}

// writeBenchExport streams the export: one activity in memory at a time.
func writeBenchExport(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	outer := zip.NewWriter(bw)
	w, err := outer.CreateHeader(&zip.FileHeader{Name: synth.GarminUploadedPath, Method: zip.Store})
	if err != nil {
		return err
	}
	inner := zip.NewWriter(w)
	zone := time.UTC
	start := time.Date(2021, 1, 1, 7, 0, 0, 0, time.UTC)
	for i := range n {
		a := synth.Workout(synth.Spec{Kind: synth.Easy, Start: start.AddDate(0, 0, i), Zone: zone, Seed: int64(i + 1),
			Duration: time.Hour, Laps: synth.AutoLaps})
		e, err := inner.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("bench_%05d.fit", i), Method: zip.Deflate})
		if err != nil {
			return err
		}
		if err := synth.WriteFIT(e, a); err != nil {
			return err
		}
	}
	if err := inner.Close(); err != nil {
		return err
	}
	if err := outer.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}
