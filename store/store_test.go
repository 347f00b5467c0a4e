package store

import (
	"context"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
)

// openTest opens an in-memory database closed at the end of the test.
func openTest(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(context.Background(), "", Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// synthRun builds a 1 Hz run of n samples starting at start, with hr
// (and cadence) when asked; every 100th sample has no position.
func synthRun(start time.Time, n int, format string, hr bool) *analysis.Activity {
	a := &analysis.Activity{
		Sport: analysis.SportRunning, SubSport: "road", Start: start, UTCOffset: 7200, TimeZone: "Europe/Paris",
		TimeSource: analysis.TZFromFIT, ElapsedTime: float64(n), MovingTime: float64(n), Distance: 3 * float64(n),
		Ascent: 12, AvgHR: analysis.Missing(), MaxHR: analysis.Missing(), AvgCadence: analysis.Missing(),
		Calories: analysis.Missing(), Device: "garmin fr255", TotalsFrom: "session", Format: format,
		Flags: []string{"a", "b"},
	}
	if hr {
		a.AvgHR, a.MaxHR = 150, 171
	}
	a.Samples = make([]analysis.Sample, n)
	for i := range a.Samples {
		s := analysis.Sample{
			Time: start.Add(time.Duration(i) * time.Second), Lat: 48.85 + float64(i)*1e-5, Lon: 2.35,
			Altitude: 35 + float64(i%50), HeartRate: analysis.Missing(), Cadence: analysis.Missing(), Speed: 3,
			Distance: 3 * float64(i), Power: analysis.Missing(),
		}
		if hr {
			s.HeartRate, s.Cadence = 140+float64(i%30), 88
		}
		if i%100 == 99 {
			s.Lat, s.Lon = analysis.Missing(), analysis.Missing()
		}
		a.Samples[i] = s
	}
	a.Laps = []analysis.Lap{
		{Start: start, ElapsedTime: float64(n) / 2, MovingTime: float64(n) / 2, Distance: 1.5 * float64(n), Intensity: "active", Trigger: "manual", AvgHR: analysis.Missing(), MaxHR: analysis.Missing(), AvgSpeed: 3},
		{Start: start.Add(time.Duration(n/2) * time.Second), ElapsedTime: float64(n) / 2, MovingTime: float64(n) / 2, Distance: 1.5 * float64(n), Trigger: "session_end", AvgHR: 150, MaxHR: 170, AvgSpeed: 3},
	}
	return a
}

func file(path, sha string, acts ...*analysis.Activity) FileResult {
	format := "fit"
	if len(acts) > 0 {
		format = acts[0].Format
	}
	return FileResult{Path: path, Size: 1000, SHA256: sha, Format: format, Activities: acts}
}

func write(tb testing.TB, db *DB, athlete string, files ...FileResult) Summary {
	tb.Helper()
	w, err := db.NewWriter(context.Background(), athlete)
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range files {
		if err := w.Add(f); err != nil {
			tb.Fatal(err)
		}
	}
	s, err := w.Close()
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestMigrateTwice(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.duckdb")
	for i := 0; i < 2; i++ {
		db, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if err := db.migrate(ctx); err != nil {
			t.Fatalf("migrate again: %v", err)
		}
		cols, rows, err := db.Query(ctx, "SELECT name FROM schema_migrations ORDER BY name")
		if err != nil {
			t.Fatal(err)
		}
		if len(cols) != 1 || fmt.Sprint(rows) != allMigrations(t) {
			t.Fatalf("schema_migrations = %v", rows)
		}
		db.Close()
	}
	notDB := filepath.Join(t.TempDir(), "export.zip")
	os.WriteFile(notDB, []byte("PK\x03\x04 not a database, but long enough to be read as a header by duckdb's file check........."), 0o644)
	if _, err := Open(ctx, notDB, Options{}); err == nil || !strings.Contains(err.Error(), "not a taper database") {
		t.Errorf("opening a zip as the database: %v", err)
	}
	// No network: extensions are never installed or loaded on demand.
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, rows, err := db.Query(ctx, "SELECT current_setting('autoinstall_known_extensions'), current_setting('autoload_known_extensions'), current_setting('memory_limit'), current_setting('threads')")
	if err != nil || fmt.Sprint(rows) != "[[false false 122.0 MiB 1]]" {
		t.Errorf("settings = %v, %v", rows, err)
	}
	// A new file is in DuckDB 1.5's storage format (compressed validity).
	_, rows, err = db.Query(ctx, "SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = current_database()")
	if err != nil || fmt.Sprint(rows) != "[["+StorageVersion+"+]]" {
		t.Errorf("storage version = %v, %v", rows, err)
	}
	db.Close()
	ro, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open: %v", err)
	}
	defer ro.Close()
	if _, err := ro.NewWriter(ctx, "x"); err == nil {
		t.Fatal("NewWriter on a read-only database succeeded")
	}
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	start := time.Date(2026, 10, 4, 22, 30, 0, 0, time.UTC) // local (UTC+2) date is 10-05
	a := synthRun(start, 600, "fit", true)
	a.Workout = []analysis.WorkoutStep{
		{Index: 0, Name: "warm", Intensity: "warmup", DurationType: "time", Duration: 600, RepeatFrom: -1},
		{Index: 1, Intensity: "active", DurationType: "distance", Duration: 800, RepeatFrom: -1},
		{Index: 2, DurationType: "repeat_until_steps_cmplt", Duration: math.NaN(), RepeatFrom: 1, RepeatCount: 6},
	}
	s := write(t, db, "alice", file("export.zip!a.fit", "sha-a", a))
	if s.ByStatus[StatusImported] != 1 || s.Activities != 1 || s.Records != 600 {
		t.Fatalf("summary = %+v", s)
	}
	got, err := db.Activities(ctx, Filter{Athlete: "alice", WithSamples: true, WithLaps: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("got %d activities", len(got))
	}
	b := got[0]
	if b.ID != analysis.ActivityID("alice", "sha-a", 0) || b.Athlete != "alice" || b.Source != "export.zip!a.fit" {
		t.Errorf("id/athlete/source = %s %s %s", b.ID, b.Athlete, b.Source)
	}
	want := *a
	want.ID, want.Athlete, want.Source = b.ID, "alice", "export.zip!a.fit"
	if !sameActivity(&want, b) {
		t.Errorf("round trip differs:\nwant %+v\ngot  %+v", lightCopy(&want), lightCopy(b))
	}
	if len(b.Samples) != 600 {
		t.Fatalf("samples = %d", len(b.Samples))
	}
	// The records come back as Quantize leaves them, within half a step of
	// what was written.
	q := slices.Clone(a.Samples)
	Quantize(&analysis.Activity{Samples: q})
	for i := range a.Samples {
		if !sameSample(q[i], b.Samples[i]) {
			t.Fatalf("sample %d: want %+v got %+v", i, q[i], b.Samples[i])
		}
		if d := math.Abs(a.Samples[i].Lat - b.Samples[i].Lat); d > 0.5e-7 {
			t.Fatalf("sample %d: latitude %v stored as %v", i, a.Samples[i].Lat, b.Samples[i].Lat)
		}
	}
	if !reflect.DeepEqual(fmt.Sprint(a.Laps), fmt.Sprint(b.Laps)) {
		t.Errorf("laps: want %v got %v", a.Laps, b.Laps)
	}
	if fmt.Sprint(a.Workout) != fmt.Sprint(b.Workout) {
		t.Errorf("workout: want %v got %v", a.Workout, b.Workout)
	}
	// NULLs in the database where the activity had NaN.
	_, rows, err := db.Query(ctx, "SELECT count(*) FILTER (WHERE lat IS NULL), count(*) FILTER (WHERE power IS NULL), count(*) FILTER (WHERE 'NaN'::DOUBLE IN (lat, lon, power)) FROM records")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(rows[0]) != "[6 600 0]" {
		t.Errorf("null counts (lat, power, NaN) = %v, want [6 600 0]", rows[0])
	}
	// Local date filter uses the local calendar.
	for _, c := range []struct {
		since, until string
		n            int
	}{{"2026-10-05", "2026-10-05", 1}, {"2026-10-04", "2026-10-04", 0}, {"2026-10-06", "", 0}, {"", "2026-10-05", 1}} {
		got, err := db.Activities(ctx, Filter{Athlete: "alice", Since: c.since, Until: c.until})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != c.n {
			t.Errorf("since %q until %q: %d activities, want %d", c.since, c.until, len(got), c.n)
		}
	}
	if _, err := db.Activities(ctx, Filter{Since: "5 Oct"}); err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
		t.Errorf("bad date error = %v", err)
	}
	if got, _ := db.Activities(ctx, Filter{Athlete: "bob"}); len(got) != 0 {
		t.Errorf("bob has %d activities", len(got))
	}
	athletes, err := db.Athletes(ctx)
	if err != nil || fmt.Sprint(athletes) != "[alice]" {
		t.Errorf("athletes = %v, %v", athletes, err)
	}
}

func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

func sameSample(a, b analysis.Sample) bool {
	return a.Time.Equal(b.Time) && sameFloat(a.Lat, b.Lat) && sameFloat(a.Lon, b.Lon) && sameFloat(a.Altitude, b.Altitude) &&
		sameFloat(a.HeartRate, b.HeartRate) && sameFloat(a.Cadence, b.Cadence) && sameFloat(a.Speed, b.Speed) &&
		sameFloat(a.Distance, b.Distance) && sameFloat(a.Power, b.Power)
}

// sameActivity compares the stored fields (fmt prints NaN equal to NaN).
func sameActivity(a, b *analysis.Activity) bool {
	x, y := lightCopy(a), lightCopy(b)
	x.Start, y.Start = x.Start.UTC(), y.Start.UTC()
	return fmt.Sprintf("%+v", *x) == fmt.Sprintf("%+v", *y)
}

func TestDuplicates(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC)
	t.Run("fit and gpx in one import", func(t *testing.T) {
		db := openTest(t)
		gpx := synthRun(start.Add(40*time.Second), 3000, "gpx", false)
		gpx.Distance *= 1.05
		fit := synthRun(start, 3000, "fit", true)
		s := write(t, db, "alice", file("phone.gpx", "sha-g", gpx), file("watch.fit", "sha-f", fit))
		if s.ByStatus[StatusImported] != 1 || s.ByStatus[StatusDuplicateActivity] != 1 {
			t.Errorf("statuses = %v", s.ByStatus)
		}
		checkPrimary(t, db, "watch.fit", "phone.gpx")
		if len(s.Merged) != 1 || s.Merged[0].PrimarySource != "watch.fit" || s.Merged[0].DuplicateSource != "phone.gpx" {
			t.Errorf("merged = %+v", s.Merged)
		}
	})
	t.Run("better source later flips the primary", func(t *testing.T) {
		db := openTest(t)
		gpx := synthRun(start, 3000, "gpx", false)
		fitNoHR := synthRun(start.Add(-30*time.Second), 3000, "fit", false)
		write(t, db, "alice", file("phone.gpx", "sha-g", gpx))
		checkPrimary(t, db, "phone.gpx")
		s := write(t, db, "alice", file("strava.fit", "sha-s", fitNoHR))
		checkPrimary(t, db, "strava.fit", "phone.gpx")
		if len(s.Merged) != 1 || s.Merged[0].Duplicate != gpx.ID {
			t.Errorf("merged = %+v", s.Merged)
		}
		// A FIT with heart rate beats a FIT without; the GPX duplicate is re-pointed.
		fitHR := synthRun(start.Add(10*time.Second), 3000, "fit", true)
		write(t, db, "alice", file("watch.fit", "sha-w", fitHR))
		checkPrimary(t, db, "watch.fit", "phone.gpx", "strava.fit")
		src, err := db.Sources(ctx, SourceFilter{Athlete: "alice", Status: []string{StatusDuplicateActivity}})
		if err != nil {
			t.Fatal(err)
		}
		if len(src) != 2 {
			t.Errorf("duplicate_activity files = %+v, want phone.gpx and strava.fit", src)
		}
	})
	t.Run("not the same activity", func(t *testing.T) {
		db := openTest(t)
		a := synthRun(start, 3000, "fit", true)
		late := synthRun(start.Add(3*time.Minute), 3000, "gpx", false)
		long := synthRun(start, 3600, "gpx", false) // moving time +20%
		ride := synthRun(start, 3000, "gpx", false)
		ride.Sport = analysis.SportCycling
		s := write(t, db, "alice", file("a.fit", "1", a), file("late.gpx", "2", late), file("long.gpx", "3", long), file("ride.gpx", "4", ride))
		if len(s.Merged) != 0 || s.ByStatus[StatusImported] != 4 {
			t.Errorf("summary = %+v", s)
		}
		write(t, db, "bob", file("b.gpx", "5", synthRun(start, 3000, "gpx", false)))
		all, err := db.Activities(ctx, Filter{IncludeDuplicates: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range all {
			if a.DuplicateOf != "" {
				t.Errorf("%s/%s is a duplicate of %s", a.Athlete, a.Source, a.DuplicateOf)
			}
		}
		if len(all) != 5 {
			t.Errorf("%d activities, want 5", len(all))
		}
	})
	t.Run("known bytes", func(t *testing.T) {
		db := openTest(t)
		a := synthRun(start, 60, "fit", true)
		write(t, db, "alice", file("a.fit", "sha-a", a))
		for _, who := range []struct {
			athlete string
			known   bool
		}{{"alice", true}, {"bob", false}} {
			if k, err := db.KnownSHA(ctx, who.athlete, "sha-a"); err != nil || k != who.known {
				t.Errorf("KnownSHA(%s) = %v, %v", who.athlete, k, err)
			}
		}
		// Same bytes under another name: duplicate_file, recorded once.
		again := synthRun(start, 60, "fit", true)
		s := write(t, db, "alice", file("copy/a.fit", "sha-a", again), file("copy/a.fit", "sha-a", again), file("a.fit", "sha-a", again))
		if s.ByStatus[StatusDuplicateFile] != 3 || s.Activities != 0 || s.AlreadyKnown != 2 {
			t.Errorf("summary = %+v", s)
		}
		src, err := db.Sources(ctx, SourceFilter{Athlete: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		if len(src) != 2 || src[1].Status != StatusDuplicateFile || src[1].Path != "copy/a.fit" {
			t.Errorf("sources = %+v", src)
		}
		for sha, want := range map[string]bool{"sha-a": true, "sha-b": false} {
			if known, err := db.KnownSHA(ctx, "alice", sha); err != nil || known != want {
				t.Errorf("KnownSHA(%s) = %v, %v; want %v", sha, known, err, want)
			}
		}
	})
}

// checkPrimary asserts that among alice's activities the one from primary is
// the only primary and the others (by source) are its duplicates.
func checkPrimary(t *testing.T, db *DB, primary string, dups ...string) {
	t.Helper()
	all, err := db.Activities(context.Background(), Filter{Athlete: "alice", IncludeDuplicates: true})
	if err != nil {
		t.Fatal(err)
	}
	bySource := map[string]*analysis.Activity{}
	for _, a := range all {
		bySource[a.Source] = a
	}
	p := bySource[primary]
	if p == nil || p.DuplicateOf != "" {
		t.Fatalf("primary %s: %+v", primary, p)
	}
	for _, d := range dups {
		if a := bySource[d]; a == nil || a.DuplicateOf != p.ID {
			t.Errorf("%s: duplicate_of = %v, want %s", d, a, p.ID)
		}
	}
	prims, err := db.Activities(context.Background(), Filter{Athlete: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range prims {
		if a.Start.Sub(p.Start).Abs() < 5*time.Minute {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d primaries near %s, want 1", n, p.Start)
	}
}

func TestSkippedAndRejected(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if k, err := db.KnownSHA(ctx, "alice", "m1"); k || err != nil { // loads the (empty) cache
		t.Fatalf("KnownSHA before import = %v, %v", k, err)
	}
	s := write(t, db, "alice",
		FileResult{Path: "m1.fit", SHA256: "m1", Format: "fit", Status: StatusSkipped, Kind: "fit:monitoring"},
		FileResult{Path: "m2.fit", SHA256: "m2", Format: "fit", Status: StatusSkipped, Kind: "fit:monitoring"},
		FileResult{Path: "x.tcx", SHA256: "t", Status: StatusSkipped, Kind: "tcx"},
		FileResult{Path: "bad.fit", SHA256: "b", Format: "fit", Reason: "truncated after 18 of 40 bytes; 0 records readable"},
	)
	if s.SkippedByKind["fit:monitoring"] != 2 || s.SkippedByKind["tcx"] != 1 || s.ByStatus[StatusRejected] != 1 ||
		len(s.Rejected) != 1 || s.Rejected[0].Path != "bad.fit" {
		t.Errorf("summary = %+v", s)
	}
	rej, err := db.Sources(ctx, SourceFilter{Status: []string{StatusRejected}})
	if err != nil || len(rej) != 1 || !strings.Contains(rej[0].Reason, "truncated") {
		t.Errorf("rejected = %+v, %v", rej, err)
	}
	if k, _ := db.KnownSHA(ctx, "alice", "m1"); !k {
		t.Error("skipped file not known")
	}
	if k, _ := db.KnownSHA(ctx, "alice", "b"); k {
		t.Error("rejected file known: a newer taper could not retry it")
	}
	// Re-importing the same files stores nothing new.
	s = write(t, db, "alice", FileResult{Path: "bad.fit", SHA256: "b", Format: "fit", Reason: "truncated"})
	if s.AlreadyKnown != 1 {
		t.Errorf("re-import summary = %+v", s)
	}
	all, _ := db.Sources(ctx, SourceFilter{})
	if len(all) != 4 {
		t.Errorf("%d source rows after re-import, want 4", len(all))
	}
}

func TestMetricsAndRace(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	a := synthRun(time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC), 100, "fit", true)
	write(t, db, "alice", file("race.fit", "r", a))
	m := &analysis.Metrics{Version: analysis.AnalysisVersion, MovingTime: 100, Distance: 300, Pace: 333.3, AvgHR: 150, MaxHR: 170,
		ElevationGain: math.NaN(), HRMax: 190, ZoneSeconds: [5]float64{1, 2, 3, 4, 90}, TRIMP: math.NaN(),
		Class: analysis.ClassRace, ClassSource: "marked", Evidence: "marked by taper race"}
	if err := db.SaveMetrics(ctx, map[string]*analysis.Metrics{a.ID: m}); err != nil {
		t.Fatal(err)
	}
	m.Class = analysis.ClassLong // a second save replaces the first
	if err := db.SaveMetrics(ctx, map[string]*analysis.Metrics{a.ID: m}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Activities(ctx, Filter{IDs: []string{a.ID}})
	if err != nil || len(got) != 1 {
		t.Fatalf("activities = %v, %v", got, err)
	}
	if fmt.Sprintf("%+v", *got[0].Metrics) != fmt.Sprintf("%+v", *m) {
		t.Errorf("metrics: want %+v got %+v", *m, *got[0].Metrics)
	}
	if id, date, err := db.RaceMark(ctx, "alice"); err != nil || id != "" || date != "" {
		t.Errorf("unmarked race = %q %q %v", id, date, err)
	}
	if err := db.MarkRace(ctx, "alice", "nope", ""); err == nil || !strings.Contains(err.Error(), "no activity nope") {
		t.Errorf("unknown activity error = %v", err)
	}
	if err := db.MarkRace(ctx, "alice", a.ID, "2026-10-04"); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkRace(ctx, "alice", "", "2026-10-11"); err != nil {
		t.Fatal(err)
	}
	if id, date, err := db.RaceMark(ctx, "alice"); err != nil || id != "" || date != "2026-10-11" {
		t.Errorf("race mark = %q %q %v", id, date, err)
	}
}

func TestQuery(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	write(t, db, "alice", file("a.fit", "a", synthRun(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 10, "fit", true)))
	cols, rows, err := db.Query(ctx, "SELECT sport, count(*) AS n FROM activities GROUP BY 1;")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(cols, rows) != "[sport n] [[running 1]]" {
		t.Errorf("got %v %v", cols, rows)
	}
	_, rows, err = db.Query(ctx, "SELECT local_date, start_utc FROM activities")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(rows) != "[[2026-01-01 2026-01-01 00:00:00 +0000 UTC]]" {
		t.Errorf("date and timestamp = %v", rows)
	}
	for _, c := range []struct{ sql, err string }{
		{"DELETE FROM activities", "only read-only"},
		{"drop table records", "only read-only"},
		{"SELECT 1; DELETE FROM activities", "one statement"},
		{"SELECT nope FROM activities", "nope"},
		{"  ", "empty query"},
	} {
		if _, _, err := db.Query(ctx, c.sql); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%q: error %v, want %q", c.sql, err, c.err)
		}
	}
	// A writing CTE is stopped by the rollback even if it parsed.
	db.Query(ctx, "WITH x AS (SELECT 1) SELECT * FROM x")
	if _, rows, _ := db.Query(ctx, "SELECT count(*) FROM activities"); fmt.Sprint(rows) != "[[1]]" {
		t.Errorf("activities after queries = %v", rows)
	}
}

// TestBatchByRecords checks that a Writer commits when a batch reaches its
// record limit, so earlier activities are visible before Close, and that
// KnownSHA can run while a Writer is open.
func TestBatchByRecords(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	w, err := db.NewWriter(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	w.maxRecords = 1000
	count := func() int64 {
		_, rows, err := db.Query(ctx, "SELECT count(*) FROM activities")
		if err != nil {
			t.Fatal(err)
		}
		return rows[0][0].(int64)
	}
	day := time.Date(2026, 3, 1, 7, 0, 0, 0, time.UTC)
	for i := 0; i < 3; i++ {
		if err := w.Add(file(fmt.Sprintf("%d.fit", i), fmt.Sprint(i), synthRun(day.AddDate(0, 0, i), 600, "fit", true))); err != nil {
			t.Fatal(err)
		}
		want := []int64{0, 2, 2}[i]
		if n := count(); n != want {
			t.Errorf("after %d adds: %d committed activities, want %d", i+1, n, want)
		}
		known, err := db.KnownSHA(ctx, "alice", "1")
		if err != nil || known != (i >= 1) {
			t.Errorf("after %d adds: KnownSHA = %v, %v", i+1, known, err)
		}
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 3 {
		t.Errorf("after Close: %d activities", n)
	}
}

// TestManyDemotions imports phone GPX files, then the watch's FIT files of
// the same runs in one batch: every FIT becomes primary. Hundreds of
// demotions in one batch must stay within the buffer pool limit.
func TestManyDemotions(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "d.duckdb"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const n = 300
	day := time.Date(2025, 1, 1, 7, 0, 0, 0, time.UTC)
	var gpx, fit []FileResult
	for i := 0; i < n; i++ {
		gpx = append(gpx, file(fmt.Sprintf("%d.gpx", i), fmt.Sprint("g", i), synthRun(day.AddDate(0, 0, i), 20, "gpx", false)))
		fit = append(fit, file(fmt.Sprintf("%d.fit", i), fmt.Sprint("f", i), synthRun(day.AddDate(0, 0, i).Add(time.Minute), 20, "fit", true)))
	}
	write(t, db, "alice", gpx...)
	w, err := db.NewWriter(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	w.maxFiles = 2 * n
	for _, f := range fit {
		if err := w.Add(f); err != nil {
			t.Fatal(err)
		}
	}
	s, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Merged) != n || s.ByStatus[StatusImported] != n {
		t.Errorf("merged %d, statuses %v", len(s.Merged), s.ByStatus)
	}
	_, rows, err := db.Query(ctx, `SELECT
		(SELECT count(*) FROM activities WHERE format = 'gpx' AND duplicate_of IS NOT NULL),
		(SELECT count(*) FROM activities WHERE format = 'fit' AND duplicate_of IS NULL),
		(SELECT count(*) FROM source_files WHERE path LIKE '%.gpx' AND status = 'duplicate_activity')`)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprint([]any{int64(n), int64(n), int64(n)}); fmt.Sprint(rows[0]) != want {
		t.Errorf("gpx duplicates, fit primaries, gpx files duplicate_activity = %v, want %v", rows[0], want)
	}
}

// allMigrations prints every embedded migration as Query returns the
// schema_migrations rows: "[[0001_init.sql] [0002_source_crc32.sql] ...]".
func allMigrations(t *testing.T) string {
	t.Helper()
	names, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	rows := make([][]any, len(names))
	for i, n := range names {
		rows[i] = []any{path.Base(n)}
	}
	return fmt.Sprint(rows)
}
