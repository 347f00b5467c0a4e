package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store"
	"github.com/taper-run/taper/synth"
)

// The test team: generated seasons around a marathon on Sunday 2026-10-04,
// imported once into a template database that each test copies.
const (
	raceDay = "2026-10-04"
	asOf    = "2026-12-01" // every recovery week complete
)

// childEnv makes the test binary hold the database it names (see TestMain).
const childEnv = "TAPER_SERVER_TEST_HOLD"

var shared struct {
	dir      string // removed by TestMain
	once     sync.Once
	db       string // the template database
	err      error
	binOnce  sync.Once
	bin      string
	binErr   error
	fileOnce sync.Once
	files    map[string]string // athlete -> folder of FIT files
}

func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		db, err := store.Open(context.Background(), path, store.Options{})
		if err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		fmt.Println("ready")
		time.Sleep(time.Minute)
		db.Close()
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "taper-server-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared.dir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// season is a test athlete's generated season.
func season(name string, seed int64, b synth.Breaches) synth.Season {
	race, _ := time.Parse(time.DateOnly, raceDay)
	return synth.Season{Athlete: name, RaceDate: race, Seed: seed, PreWeeks: 11, Breaches: b}
}

// seasonFiles writes an athlete's season as FIT files into a folder.
func seasonFiles(s synth.Season) (string, error) {
	dir := filepath.Join(shared.dir, "files-"+s.Athlete)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dir, synth.WriteDir(dir, s.Activities(), synth.ExportFIT)
}

// teamSeasons: ann breaks every rule, ben none, cat only the ramp cap.
func teamSeasons() []synth.Season {
	all := synth.Breaches{RunsDuringRest: true, SpeedWorkInReturn: true, RampTooSteep: true, TwoIntervalsInWeek: true,
		LongRunEarly: true, HardRideDuringRest: true, RampJump: true}
	return []synth.Season{season("ann", 1, all), season("ben", 2, synth.Breaches{}), season("cat", 3, synth.Breaches{RampTooSteep: true})}
}

// teamDB returns a copy of the team's database for one test.
func teamDB(t *testing.T) string {
	t.Helper()
	shared.once.Do(func() {
		shared.db = filepath.Join(shared.dir, "team.duckdb")
		ctx := context.Background()
		db, err := store.Open(ctx, shared.db, store.Options{})
		if err != nil {
			shared.err = err
			return
		}
		defer db.Close()
		settings, _ := analysis.Preset(analysis.PresetStandard)
		for _, s := range teamSeasons() {
			dir, err := seasonFiles(s)
			if err != nil {
				shared.err = err
				return
			}
			if _, err := taper.Import(ctx, db, taper.ImportOptions{Athlete: s.Athlete, Inputs: []string{dir}, Jobs: 2, Settings: settings}); err != nil {
				shared.err = fmt.Errorf("import %s: %w", s.Athlete, err)
				return
			}
		}
	})
	if shared.err != nil {
		t.Fatalf("team database: %v", shared.err)
	}
	path := filepath.Join(t.TempDir(), "team.duckdb")
	copyFile(t, shared.db, path)
	return path
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// taperBinary builds cmd/taper once for the tests that compare with the
// command line or run real processes.
func taperBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the taper binary: skipped in -short mode")
	}
	shared.binOnce.Do(func() {
		shared.bin = filepath.Join(shared.dir, "taper")
		out, err := exec.Command("go", "build", "-o", shared.bin, "github.com/taper-run/taper/cmd/taper").CombinedOutput()
		if err != nil {
			shared.binErr = fmt.Errorf("go build ./cmd/taper: %v\n%s", err, out)
		}
	})
	if shared.binErr != nil {
		t.Fatal(shared.binErr)
	}
	return shared.bin
}

// cli runs the taper binary and returns its stdout; a non-zero exit fails
// the test unless wantCode says otherwise.
func cli(t *testing.T, wantCode int, args ...string) string {
	t.Helper()
	cmd := exec.Command(taperBinary(t), args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("taper %s: %v", strings.Join(args, " "), err)
	}
	if code != wantCode {
		t.Fatalf("taper %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, wantCode, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// fixedNow is the tests' clock: the day after asOf.
func fixedNow() time.Time { return time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC) }

// teamServer is a dashboard over a copy of the team's database.
func teamServer(t *testing.T, opts Options) (*Server, string) {
	t.Helper()
	opts.DB = teamDB(t)
	if opts.Now == nil {
		opts.Now = fixedNow
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s, opts.DB
}

// get fetches a path from h and returns the status and body.
func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	res, body := do(t, h, "GET", path, nil, nil)
	return res.StatusCode, body
}

// sameSite are the headers a browser sends with its own page's requests.
func sameSite() map[string]string {
	return map[string]string{"Sec-Fetch-Site": "same-origin", "Content-Type": "application/json"}
}

// liveServer runs h on a local port for a browser or a real process.
func liveServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}
