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
	"syscall"
	"testing"
	"time"

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

func runChild(b *testing.B, args ...string) childRun {
	b.Helper()
	js, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(js))
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("taper %v: %v\n%s", args, err, out)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return childRun{wall: wall, rssMB: float64(ru.Maxrss) / 1024, out: string(out)}
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
	for i := 0; i < b.N; i++ {
		db := filepath.Join(b.TempDir(), "bench.duckdb")
		dec := runChild(b, "import", "--dry-run", "-q", export)
		imp := runChild(b, "import", "--db", db, "--athlete", "bench", "-q", export)
		re := runChild(b, "import", "--db", db, "--athlete", "bench", "-q", export)
		b.ReportMetric(dec.wall.Seconds(), "decode_s")
		b.ReportMetric(imp.wall.Seconds(), "import_s")
		b.ReportMetric(re.wall.Seconds(), "reimport_s")
		b.ReportMetric(float64(n)/imp.wall.Seconds(), "import_files/s")
		b.ReportMetric(dec.wall.Seconds()/imp.wall.Seconds()*100, "import_%_of_decode")
		b.ReportMetric(imp.wall.Seconds()/re.wall.Seconds(), "reimport_speedup_x")
		b.ReportMetric(dec.rssMB, "decode_peak_MB")
		b.ReportMetric(imp.rssMB, "import_peak_MB")
		b.ReportMetric(re.rssMB, "reimport_peak_MB")
		if testing.Verbose() {
			b.Logf("import:\n%s\nreimport:\n%s", imp.out, re.out)
		}
	}
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
