package taper_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/analysis"
)

// TestExportReadsBack: the Parquet taper.Export writes reads back in
// DuckDB, partitioned by athlete and year, with the activities and
// findings the use cases list.
func TestExportReadsBack(t *testing.T) {
	ctx := context.Background()
	db := memDB(t)
	importSeason(t, db, seasonFiles(t))
	dir := filepath.Join(t.TempDir(), "lake")
	res, err := taper.Export(ctx, db, taper.ExportOptions{Dir: dir, Now: fixedNow,
		Settings: func(string) (analysis.Settings, error) { return standard(t), nil }})
	if err != nil {
		t.Fatal(err)
	}
	acts, err := taper.ListActivities(ctx, db, taper.ActivityFilter{Athlete: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := taper.Report(ctx, db, taper.ReportOptions{Athlete: "ada", Settings: standard(t), Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if res.Athletes != 1 || res.Activities != len(acts) || res.Findings != len(rep.Findings) || res.Findings == 0 {
		t.Fatalf("export counted %+v; the athlete has %d activities and %d findings", res, len(acts), len(rep.Findings))
	}

	duck, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer duck.Close()
	var n, years int
	var athlete, class string
	var first string
	q := fmt.Sprintf(`SELECT count(*), count(DISTINCT year), min(athlete), min(strftime(local_date, '%%Y-%%m-%%d'))
		FROM read_parquet('%s/activities/*/*/*.parquet', hive_partitioning = true)`, dir)
	if err := duck.QueryRow(q).Scan(&n, &years, &athlete, &first); err != nil {
		t.Fatal(err)
	}
	if n != len(acts) || years != 1 || athlete != "ada" || first != acts[0].LocalDate() {
		t.Errorf("activities read back: %d rows, %d years, athlete %q, first %s; want %d, 1, ada, %s", n, years, athlete, first, len(acts), acts[0].LocalDate())
	}
	race := rep.Race.ActivityID
	q = fmt.Sprintf(`SELECT class FROM read_parquet('%s/activities/*/*/*.parquet', hive_partitioning = true) WHERE id = ?`, dir)
	if err := duck.QueryRow(q, race).Scan(&class); err != nil || class != analysis.ClassRace {
		t.Errorf("the race %s reads back with class %q (%v), want race", race, class, err)
	}
	q = fmt.Sprintf(`SELECT count(*) FROM read_parquet('%s/findings/*/*.parquet', hive_partitioning = true) WHERE athlete = 'ada' AND rule = ?`, dir)
	if err := duck.QueryRow(q, rep.Findings[0].Rule).Scan(&n); err != nil || n == 0 {
		t.Errorf("finding %s does not read back (%d rows, %v)", rep.Findings[0].Rule, n, err)
	}
}
