package pipeline_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	_ "github.com/duckdb/duckdb-go/v2" // reads the Parquet back

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/beam/pipeline"
	"github.com/taper-run/taper/synth"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

const asOf = "2026-12-01" // every recovery week complete

// writeRoster generates a small roster under root, one folder per athlete:
// every recovery rule is breached by someone, there are Garmin and Strava
// export zips and plain files, phone copies of watch runs (duplicates
// across sources), the same bytes twice, an unreadable file, and one
// athlete with two marathons.
func writeRoster(t *testing.T, root string) {
	t.Helper()
	london, _ := time.LoadLocation("Europe/London")
	race := time.Date(2026, 10, 4, 0, 0, 0, 0, london)
	season := func(name string, seed int64, b synth.Breaches) synth.Season {
		return synth.Season{Athlete: name, Zone: london, RaceDate: race, Seed: seed, PreWeeks: 6, Breaches: b}
	}
	write := func(p string, fn func(f *os.File) error) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := fn(f); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}

	alice := season("alice", 1, synth.Breaches{RunsDuringRest: true, TwoIntervalsInWeek: true})
	write(filepath.Join(root, "alice", "export.zip"), func(f *os.File) error { return synth.WriteGarminExport(f, alice.Activities(), 3) })

	bob := season("bob", 2, synth.Breaches{RampTooSteep: true, SpeedWorkInReturn: true})
	bob.DoubleRecord = true
	write(filepath.Join(root, "bob", "strava.zip"), func(f *os.File) error { return synth.WriteStravaExport(f, bob.Activities()) })

	cara := season("cara", 3, synth.Breaches{HardRideDuringRest: true, LongRunEarly: true, RampJump: true})
	dir := filepath.Join(root, "cara")
	if err := synth.WriteDir(dir, cara.Activities(), synth.ExportFIT); err != nil {
		t.Fatal(err)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*.fit"))
	sort.Strings(names)
	b, err := os.ReadFile(names[len(names)/2])
	if err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(dir, "copy", "again.fit"), func(f *os.File) error { _, err := f.Write(b); return err })
	write(filepath.Join(dir, "broken.fit"), func(f *os.File) error { _, err := f.WriteString("not a fit file"); return err })

	// dan: a spring marathon (a breach after it) and the autumn one.
	spring := synth.Season{Athlete: "dan", Zone: london, RaceDate: time.Date(2026, 4, 19, 0, 0, 0, 0, london), Seed: 4, PreWeeks: 6,
		Breaches: synth.Breaches{RampJump: true}}
	autumn := season("dan", 5, synth.Breaches{})
	if err := synth.WriteDir(filepath.Join(root, "dan", "spring"), spring.Activities(), synth.ExportFIT); err != nil {
		t.Fatal(err)
	}
	if err := synth.WriteDir(filepath.Join(root, "dan", "autumn"), autumn.Activities(), synth.ExportGPX); err != nil {
		t.Fatal(err)
	}
}

// buildTaper builds the taper CLI of the enclosing module.
func buildTaper(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "taper")
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/taper")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build taper: %v\n%s", err, out)
	}
	return bin
}

func taper(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 { // 3: import finished with rejected files
			t.Fatalf("taper %v: %v\n%s", args, err, errOut.String())
		}
	}
	return out.Bytes()
}

func runPipeline(t *testing.T, root, out, cfg string) {
	t.Helper()
	ctx := context.Background()
	athletes, err := pipeline.ListAthletes(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	settings, err := pipeline.LoadSettings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p, s := beam.NewPipelineWithRoot()
	pipeline.Build(s, pipeline.Options{Athletes: athletes, Output: out, AsOf: asOf, Settings: settings, Now: time.Now().Unix()})
	if _, err := prism.Execute(ctx, p); err != nil {
		t.Fatalf("pipeline on prism: %v", err)
	}
}

// TestPipelineMatchesCLI: on the same files, the pipeline on Prism writes
// the audit and reports taper import + taper audit/report print, and its
// Parquet reads back in DuckDB as taper activities lists them.
func TestPipelineMatchesCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the taper CLI and runs a pipeline (about a minute)")
	}
	root := filepath.Join(t.TempDir(), "roster")
	writeRoster(t, root)
	bin := buildTaper(t)
	// Settings as the CLI reads them: a default section, one athlete's own.
	cfg := filepath.Join(t.TempDir(), "taper.toml")
	if err := os.WriteFile(cfg, []byte("[default]\nramp_jump = 1.4\n\n[athlete.bob]\npreset = \"conservative\"\ntimezone = \"Europe/London\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	runPipeline(t, root, out, cfg)

	db := filepath.Join(t.TempDir(), "team.duckdb")
	athletes := []string{"alice", "bob", "cara", "dan"}
	for _, a := range athletes {
		taper(t, bin, "import", "--db", db, "--config", cfg, "--athlete", a, "--progress", "never", filepath.Join(root, a))
	}

	wantAudit := taper(t, bin, "audit", "--db", db, "--config", cfg, "--as-of", asOf, "--format", "json")
	gotAudit, err := os.ReadFile(filepath.Join(out, "audit.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gotAudit, wantAudit) {
		t.Errorf("audit.json differs from taper audit --format json:\n got %s\nwant %s", gotAudit, wantAudit)
	}
	var audit struct {
		Athletes []struct {
			Athlete  string `json:"athlete"`
			Breaches int    `json:"breaches"`
		} `json:"athletes"`
	}
	if err := json.Unmarshal(gotAudit, &audit); err != nil {
		t.Fatal(err)
	}
	if len(audit.Athletes) != len(athletes) {
		t.Fatalf("audit has %d athletes, want %d", len(audit.Athletes), len(athletes))
	}
	for _, row := range audit.Athletes {
		if row.Athlete != "dan" && row.Breaches == 0 {
			t.Errorf("%s: no breach found; the roster breaches rules for every athlete but dan", row.Athlete)
		}
	}

	rules := map[string]bool{}
	for _, a := range athletes {
		want := taper(t, bin, "report", "--db", db, "--config", cfg, "--athlete", a, "--as-of", asOf, "--format", "json")
		got, err := os.ReadFile(filepath.Join(out, "reports", a+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("reports/%s.json differs from taper report --format json:\n got %s\nwant %s", a, got, want)
		}
		var rep analysis.Report
		if err := json.Unmarshal(got, &rep); err != nil {
			t.Fatal(err)
		}
		for _, f := range rep.Findings {
			rules[f.Rule] = true
		}
	}
	for _, r := range []string{"rest_window", "hard_cross_training", "speed_work_early", "long_run_early", "ramp_cap", "ramp_jump", "interval_limit"} {
		if !rules[r] {
			t.Errorf("no finding of rule %s: the roster should break every rule", r)
		}
	}

	checkRejected(t, bin, db, out)
	checkParquet(t, bin, db, out, athletes)
	lake := filepath.Join(t.TempDir(), "lake")
	taper(t, bin, "export", "--db", db, "--config", cfg, "--format", "parquet", "--output", lake, "--as-of", asOf)
	checkSameParquet(t, out, lake)
}

// checkSameParquet: taper export's Parquet and the pipeline's have the
// same columns, types and rows.
func checkSameParquet(t *testing.T, pipelineOut, lake string) {
	t.Helper()
	duck, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer duck.Close()
	for _, glob := range []string{"activities/*/*/*.parquet", "findings/*/*.parquet"} {
		src := func(dir string) string {
			return fmt.Sprintf("read_parquet('%s', hive_partitioning = true)", filepath.Join(dir, glob))
		}
		schema := func(dir string) map[string]string {
			rows, err := duck.Query("DESCRIBE SELECT * FROM " + src(dir))
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			cols, _ := rows.Columns()
			out := map[string]string{}
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				out[fmt.Sprint(vals[0])] = fmt.Sprint(vals[1])
			}
			return out
		}
		got, want := schema(pipelineOut), schema(lake)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: the pipeline's columns %v, taper export's %v", glob, got, want)
			continue
		}
		var names []string
		for c := range want {
			names = append(names, `"`+c+`"`)
		}
		sort.Strings(names)
		cols := strings.Join(names, ", ")
		for _, pair := range [][2]string{{pipelineOut, lake}, {lake, pipelineOut}} {
			var n int
			q := fmt.Sprintf("SELECT count(*) FROM (SELECT %s FROM %s EXCEPT ALL SELECT %s FROM %s)", cols, src(pair[0]), cols, src(pair[1]))
			if err := duck.QueryRow(q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%s: %d rows of %s are not in %s", glob, n, pair[0], pair[1])
			}
		}
	}
}

func checkRejected(t *testing.T, bin, db, out string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "rejected.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var got []pipeline.Rejection
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var r pipeline.Rejection
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("rejected.jsonl: %v in %q", err, line)
		}
		got = append(got, r)
	}
	var want []struct {
		Athlete string `json:"athlete"`
		Path    string `json:"path"`
		Reason  string `json:"reason"`
	}
	if err := json.Unmarshal(taper(t, bin, "sql", "--db", db, "--format", "json",
		"SELECT athlete, path, reason FROM source_files WHERE status = 'rejected' ORDER BY athlete, path"), &want); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(want) != 1 || got[0].Athlete != want[0].Athlete || got[0].Path != want[0].Path || got[0].Reason != want[0].Reason {
		t.Errorf("rejected.jsonl = %+v, want the CLI's %+v (one broken file)", got, want)
	}
}

// checkParquet reads the Parquet back with DuckDB (taper sql) and compares
// it with taper activities --format json.
func checkParquet(t *testing.T, bin, db, out string, athletes []string) {
	t.Helper()
	type row struct {
		ID          string   `json:"id"`
		Athlete     string   `json:"athlete"`
		LocalDate   string   `json:"local_date"`
		Class       string   `json:"class"`
		Evidence    string   `json:"evidence"`
		DuplicateOf *string  `json:"duplicate_of"`
		Distance    *float64 `json:"distance_m"`
		TRIMP       *float64 `json:"trimp"`
		Pace        string   `json:"pace"`
		Source      string   `json:"source"`
	}
	key := func(r row) string {
		d := ""
		if r.DuplicateOf != nil {
			d = *r.DuplicateOf
		}
		f := func(p *float64) string {
			if p == nil {
				return "null"
			}
			return fmt.Sprintf("%.6g", *p)
		}
		return fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%s|%s|%s", r.Athlete, r.ID, r.LocalDate, r.Class, r.Evidence, d, f(r.Distance), f(r.TRIMP), r.Pace, r.Source)
	}
	duck, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer duck.Close()
	var got []row
	rows, err := duck.Query(fmt.Sprintf(`SELECT id, athlete, strftime(local_date, '%%Y-%%m-%%d'), class, evidence, duplicate_of, distance_m, trimp, pace, source
		FROM read_parquet('%s/activities/*/*/*.parquet', hive_partitioning = true) ORDER BY athlete, id`, out))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.ID, &r.Athlete, &r.LocalDate, &r.Class, &r.Evidence, &r.DuplicateOf, &r.Distance, &r.TRIMP, &r.Pace, &r.Source); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	gotKeys := map[string]bool{}
	for _, r := range got {
		gotKeys[key(r)] = true
	}
	n := 0
	for _, a := range athletes {
		var want []row
		if err := json.Unmarshal(taper(t, bin, "activities", "--db", db, "--athlete", a, "--format", "json"), &want); err != nil {
			t.Fatal(err)
		}
		for _, r := range want {
			n++
			if !gotKeys[key(r)] {
				t.Errorf("activity %s of %s on %s (class %q) is not in the Parquet as taper activities lists it", r.ID, a, r.LocalDate, r.Class)
			}
		}
	}
	if len(got) != n {
		t.Errorf("the Parquet has %d activities, taper activities lists %d", len(got), n)
	}
	findings := map[string]int{}
	rows, err = duck.Query(fmt.Sprintf(`SELECT athlete, count(*) FROM read_parquet('%s/findings/*/*.parquet', hive_partitioning = true) GROUP BY athlete ORDER BY athlete`, out))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a string
		var n int
		if err := rows.Scan(&a, &n); err != nil {
			t.Fatal(err)
		}
		findings[a] = n
	}
	total := 0
	for _, a := range athletes {
		var rep analysis.Report
		b, _ := os.ReadFile(filepath.Join(out, "reports", a+".json"))
		if err := json.Unmarshal(b, &rep); err != nil {
			t.Fatal(err)
		}
		if findings[a] != len(rep.Findings) {
			t.Errorf("findings of %s: %d rows in the Parquet, %d in the report", a, findings[a], len(rep.Findings))
		}
		total += findings[a]
	}
	if total == 0 {
		t.Error("no findings in the Parquet")
	}
}
