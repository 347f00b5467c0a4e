package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/synth"
)

// createRelease2 creates a database at path as the release before
// migration 0003 wrote it (migrations 0001 and 0002; records keyed by the
// activity id, every measurement a DOUBLE) holding acts for athlete ann,
// written with that release's row layout.
func createRelease2(t *testing.T, path string, acts []*analysis.Activity) {
	t.Helper()
	ctx := context.Background()
	conn, err := duckdb.NewConnector(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw := sql.OpenDB(conn)
	defer raw.Close()
	stmts := []string{`CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)`}
	for _, name := range []string{"0001_init.sql", "0002_source_crc32.sql"} {
		body, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, string(body), `INSERT INTO schema_migrations VALUES ('`+name+`', TIMESTAMP '2026-01-01 00:00:00')`)
	}
	stmts = append(stmts, `INSERT INTO athletes VALUES ('ann', TIMESTAMP '2026-01-01 00:00:00')`)
	for _, q := range stmts {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%.40s: %v", q, err)
		}
	}
	c, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.Raw(func(dc any) error {
		app := func(table string, rows func(*duckdb.Appender) error) error {
			a, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", table)
			if err != nil {
				return err
			}
			if err := rows(a); err != nil {
				a.Close()
				return err
			}
			return a.Close()
		}
		return app("activities", func(ap *duckdb.Appender) error {
			for i, a := range acts {
				sha := fmt.Sprintf("sha%d", i)
				row := activityRow(a, actMeta{channels: analysis.Channels(a), samples: len(a.Samples), sha: sha})
				if err := ap.AppendRow(row[:30]...); err != nil { // the release's 30 columns
					return err
				}
				if err := app("records", func(rp *duckdb.Appender) error {
					for _, s := range a.Samples {
						if err := rp.AppendRow(a.ID, nullTime(s.Time), nullFloat(s.Lat), nullFloat(s.Lon), nullFloat(s.Altitude),
							nullFloat(s.HeartRate), nullFloat(s.Cadence), nullFloat(s.Speed), nullFloat(s.Distance), nullFloat(s.Power)); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					return err
				}
				if err := app("laps", func(lp *duckdb.Appender) error {
					for k, l := range a.Laps {
						if err := lp.AppendRow(a.ID, int32(k), nullTime(l.Start), nullFloat(l.ElapsedTime), nullFloat(l.MovingTime),
							nullFloat(l.Distance), nullString(l.Intensity), nullString(l.Trigger), nullFloat(l.AvgHR), nullFloat(l.MaxHR),
							nullFloat(l.AvgSpeed)); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestUpgradeKeepsFindings writes a season (with breaches of the recovery
// rules) as the previous release stored it, opens it with this taper (which
// migrates the records in place) and checks that the records read back are
// the quantized originals, that a new import still works, and that the
// audit of the migrated history has the same findings as the audit of the
// original activities.
func TestUpgradeKeepsFindings(t *testing.T) {
	ctx := context.Background()
	race := time.Date(2026, 4, 19, 0, 0, 0, 0, time.UTC)
	season := synth.Season{Athlete: "ann", RaceDate: race, Seed: 11, PreWeeks: 8, PostWeeks: 6,
		Breaches: synth.Breaches{RunsDuringRest: true, SpeedWorkInReturn: true, RampTooSteep: true}}
	acts := season.Activities()
	for i, a := range acts {
		a.ID, a.Athlete, a.Source = fmt.Sprintf("act%03d", i), "ann", fmt.Sprintf("f%d.fit", i)
	}
	path := filepath.Join(t.TempDir(), "release2.duckdb")
	createRelease2(t, path, acts)

	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("open (migrate): %v", err)
	}
	defer db.Close()
	got, err := db.Activities(ctx, Filter{Athlete: "ann", WithSamples: true, WithLaps: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(acts) {
		t.Fatalf("%d activities after the upgrade, want %d", len(got), len(acts))
	}
	byID := map[string]*analysis.Activity{}
	for _, a := range got {
		byID[a.ID] = a
	}
	records := 0
	for _, a := range acts {
		b := byID[a.ID]
		q := &analysis.Activity{Samples: slices.Clone(a.Samples)}
		Quantize(q)
		if len(b.Samples) != len(q.Samples) || len(b.Laps) != len(a.Laps) {
			t.Fatalf("%s: %d samples, %d laps after the upgrade, want %d, %d", a.ID, len(b.Samples), len(b.Laps), len(q.Samples), len(a.Laps))
		}
		for i := range q.Samples {
			if !sameSample(q.Samples[i], b.Samples[i]) {
				t.Fatalf("%s sample %d: want %+v got %+v", a.ID, i, q.Samples[i], b.Samples[i])
			}
		}
		records += len(b.Samples)
	}
	// The view keeps the old shape for taper sql.
	_, rows, err := db.Query(ctx, `SELECT count(*), count(DISTINCT activity_id), min(t) IS NOT NULL FROM records`)
	if err != nil || fmt.Sprint(rows) != fmt.Sprintf("[[%d %d true]]", records, len(acts)) {
		t.Errorf("records view: %v, %v", rows, err)
	}

	audit := func(acts []*analysis.Activity) string {
		s, _ := analysis.Preset(analysis.PresetStandard)
		r := analysis.FindRace(acts, "", "", "")
		pace := 0.0
		if r.Activity != nil {
			d, m := analysis.AnalysedTotals(r.Activity)
			pace = m / (d / 1000)
		}
		hrMax := analysis.ObservedHRMax(acts, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
		for _, a := range acts {
			a.Metrics = analysis.Analyze(a, s, hrMax, pace)
		}
		if r.Activity != nil {
			analysis.MarkRace(r.Activity.Metrics, r)
		}
		rep := analysis.Audit(analysis.AuditInput{Athlete: "ann", Settings: s, Race: r,
			Baseline: analysis.ComputeBaseline(acts, r.Activity, s), Activities: acts})
		js, _ := json.Marshal(struct {
			Status   string
			Findings []analysis.Finding
			Weeks    []analysis.Week
		}{rep.Status, rep.Findings, rep.Weeks})
		return string(js)
	}
	want, have := audit(acts), audit(got)
	if want != have {
		t.Errorf("findings differ after the upgrade:\nbefore %s\nafter  %s", want, have)
	}
	if len(want) < 200 {
		t.Errorf("the season's audit found too little to compare: %s", want)
	}

	// New imports get keys after the migrated ones.
	write(t, db, "ann", file("new.fit", "sha-new", synthRun(race.AddDate(0, 2, 0), 600, "fit", true)))
	_, rows, err = db.Query(ctx, `SELECT count(*), count(DISTINCT key), min(key) FROM activities`)
	if err != nil || fmt.Sprint(rows) != fmt.Sprintf("[[%d %d 1]]", len(acts)+1, len(acts)+1) {
		t.Errorf("activity keys after an import: %v, %v", rows, err)
	}
}
