package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
)

func TestDeleteAthleteAndOwners(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	add := func(athlete, sha string, day int) {
		f := file(sha+".fit", sha, synthRun(start.AddDate(0, 0, day), 60, "fit", true))
		f.Status = StatusImported
		write(t, db, athlete, f)
	}
	add("ann", "s1", 0)
	add("ben", "s1", 0) // ann's file imported for ben by mistake
	add("ben", "s2", 1)
	owners, err := db.SHAOwners(ctx, "ben")
	if err != nil {
		t.Fatal(err)
	}
	if owners["s1"] != "ann" || owners["s2"] != "" {
		t.Errorf("SHAOwners(ben) = %v, want s1 -> ann only", owners)
	}
	if known, _ := db.KnownSHA(ctx, "ben", "s2"); !known {
		t.Fatal("s2 not known for ben before the delete")
	}
	n, err := db.DeleteAthlete(ctx, "ben")
	if err != nil || n != 2 {
		t.Fatalf("DeleteAthlete(ben) = %d, %v; want 2 activities", n, err)
	}
	if known, _ := db.KnownSHA(ctx, "ben", "s2"); known {
		t.Error("s2 still known for ben after the delete")
	}
	_, rows, err := db.Query(ctx, "SELECT (SELECT count(*) FROM activities WHERE athlete = 'ben'), (SELECT count(*) FROM records r JOIN activities a ON a.id = r.activity_id WHERE a.athlete = 'ann'), (SELECT count(*) FROM records WHERE activity_id NOT IN (SELECT id FROM activities))")
	if err != nil {
		t.Fatal(err)
	}
	if got := rows[0]; got[0].(int64) != 0 || got[1].(int64) == 0 || got[2].(int64) != 0 {
		t.Errorf("after delete: ben activities, ann records, orphan records = %v; want 0, >0, 0", got)
	}
	athletes, _ := db.Athletes(ctx)
	if len(athletes) != 1 || athletes[0] != "ann" {
		t.Errorf("athletes = %v, want [ann]", athletes)
	}
}

func TestEachWithSamples(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	start := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	var files []FileResult
	for i := range 5 {
		f := file(fmt.Sprintf("r%d.fit", i), fmt.Sprintf("sha%d", i), synthRun(start.AddDate(0, 0, i), 100+i, "fit", true))
		f.Status = StatusImported
		files = append(files, f)
	}
	write(t, db, "ann", files...)
	want, err := db.Activities(ctx, Filter{Athlete: "ann", WithSamples: true, WithLaps: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	err = db.EachWithSamples(ctx, Filter{Athlete: "ann"}, func(a *analysis.Activity) error {
		got[a.ID] = len(a.Samples)
		if len(a.Laps) != 2 {
			t.Errorf("%s: %d laps, want 2", a.ID, len(a.Laps))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d activities, want %d", len(got), len(want))
	}
	for _, a := range want {
		if got[a.ID] != len(a.Samples) || len(a.Samples) == 0 {
			t.Errorf("%s: %d samples, want %d", a.ID, got[a.ID], len(a.Samples))
		}
	}
}
