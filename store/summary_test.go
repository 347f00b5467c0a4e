package store

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/synth"
)

// TestSummariesMatchRecords stores generated runs (the Writer makes their
// summaries) and checks that analysing each from its stored summary gives
// exactly what analysing its stored records gives, that loading summaries
// reads no record, and that SaveSummaries replaces them.
func TestSummariesMatchRecords(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	start := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	var files []FileResult
	for i, k := range []synth.Kind{synth.Intervals, synth.Tempo, synth.Long, synth.Easy, synth.Hills, synth.RunWalk, synth.Ride} {
		a := synth.Workout(synth.Spec{Kind: k, Start: start.AddDate(0, 0, i), Seed: int64(i), Laps: synth.LapStyle(i % 4)})
		a.ID = ""
		files = append(files, file(fmt.Sprintf("f%d.fit", i), fmt.Sprintf("sha%d", i), a))
	}
	write(t, db, "ann", files...)
	acts, sums, err := db.Summaries(ctx, Filter{Athlete: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != len(files) || len(sums) != len(files) {
		t.Fatalf("%d activities, %d summaries, want %d", len(acts), len(sums), len(files))
	}
	if n := db.RecordsRead(); n != 0 {
		t.Errorf("loading summaries read %d records", n)
	}
	// SummariesOf on the same activities loaded without laps gives the same
	// laps, workout steps and summaries.
	bare, err := db.Activities(ctx, Filter{Athlete: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	sumsOf, err := db.SummariesOf(ctx, "ann", bare)
	if err != nil || len(sumsOf) != len(sums) {
		t.Fatalf("SummariesOf: %d summaries, %v; want %d", len(sumsOf), err, len(sums))
	}
	laps := 0
	for i, a := range bare {
		laps += len(a.Laps)
		if fmt.Sprint(a.Laps, a.Workout) != fmt.Sprint(acts[i].Laps, acts[i].Workout) {
			t.Errorf("%s: SummariesOf laps and steps %v %v, Summaries %v %v", a.ID, a.Laps, a.Workout, acts[i].Laps, acts[i].Workout)
		}
		got, _ := sumsOf[a.ID].MarshalBinary()
		want, _ := sums[a.ID].MarshalBinary()
		if string(got) != string(want) {
			t.Errorf("%s: SummariesOf and Summaries give different summaries", a.ID)
		}
	}
	if laps == 0 {
		t.Fatal("no laps loaded: the comparison shows nothing")
	}
	full, err := db.Activities(ctx, Filter{Athlete: "ann", WithSamples: true, WithLaps: true})
	if err != nil {
		t.Fatal(err)
	}
	std, _ := analysis.Preset(analysis.PresetStandard)
	for i, a := range full {
		if acts[i].ID != a.ID {
			t.Fatalf("order differs: %s, %s", acts[i].ID, a.ID)
		}
		for _, pace := range []float64{0, 250, 280} {
			full, _ := analysis.AnalyzeProfile(a, std, 188, pace)
			want := fmt.Sprintf("%+v", *full)
			got := fmt.Sprintf("%+v", *analysis.AnalyzeSummary(acts[i], sums[a.ID], std, 188, pace))
			if got != want {
				t.Errorf("%s at %v s/km: from records\n%s\nfrom summary\n%s", a.Sport, pace, want, got)
			}
		}
	}
	if n := db.RecordsRead(); n == 0 {
		t.Error("RecordsRead did not count the records read")
	}
	// Replacing one.
	a := full[0]
	a.Samples = a.Samples[:len(a.Samples)/2]
	if err := db.SaveSummaries(ctx, map[string]*analysis.Summary{a.ID: analysis.NewSummary(a)}); err != nil {
		t.Fatal(err)
	}
	_, sums, err = db.Summaries(ctx, Filter{Athlete: "ann", IDs: []string{a.ID}})
	if err != nil || len(sums) != 1 || sums[a.ID].Samples() != len(a.Samples) {
		t.Fatalf("after SaveSummaries: %v, %v", sums, err)
	}
	_, rows, err := db.Query(ctx, `SELECT count(*) FROM summaries`)
	if err != nil || fmt.Sprint(rows) != fmt.Sprintf("[[%d]]", len(files)) {
		t.Errorf("summaries rows = %v, %v", rows, err)
	}
}

// TestRecentSummaries: new summaries go to summaries_recent and move to
// summaries_main once there are recentSummaries of them; the summaries
// view and Summaries show both tables, and removing an athlete's
// summaries or the athlete empties both.
func TestRecentSummaries(t *testing.T) {
	defer func(n, f int) { recentSummaries, recentFew = n, f }(recentSummaries, recentFew)
	recentSummaries, recentFew = 4, 100
	ctx := context.Background()
	db := openTest(t)
	start := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	var files []FileResult
	for i := range 7 {
		a := synthRun(start.AddDate(0, 0, i), 600, "fit", true)
		files = append(files, file(fmt.Sprintf("f%d.fit", i), fmt.Sprintf("sha%d", i), a))
	}
	counts := func() string {
		t.Helper()
		_, rows, err := db.Query(ctx, `SELECT (SELECT count(*) FROM summaries_main), (SELECT count(*) FROM summaries_recent), (SELECT count(*) FROM summaries)`)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(rows[0]...)
	}
	loaded := func() int {
		t.Helper()
		_, sums, err := db.Summaries(ctx, Filter{Athlete: "ann"})
		if err != nil {
			t.Fatal(err)
		}
		return len(sums)
	}
	write(t, db, "ann", files[:3]...)
	if got := counts(); got != "0 3 3" {
		t.Errorf("after 3 activities: main, recent, view = %s, want 0 3 3", got)
	}
	write(t, db, "ann", files[3:5]...)
	if got := counts(); got != "5 0 5" {
		t.Errorf("after 5 activities (4 make a move): main, recent, view = %s, want 5 0 5", got)
	}
	write(t, db, "ann", files[5:]...)
	if got := counts(); got != "5 2 7" {
		t.Errorf("after 7 activities: main, recent, view = %s, want 5 2 7", got)
	}
	if n := loaded(); n != 7 {
		t.Errorf("Summaries loads %d summaries from both tables, want 7", n)
	}
	// Saved again (a reanalysis): replaced where they were, into recent.
	acts, err := db.Activities(ctx, Filter{Athlete: "ann", WithSamples: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSummaries(ctx, map[string]*analysis.Summary{acts[0].ID: analysis.NewSummary(acts[0]), acts[6].ID: analysis.NewSummary(acts[6])}); err != nil {
		t.Fatal(err)
	}
	if got := counts(); got != "4 3 7" {
		t.Errorf("after saving two again: main, recent, view = %s, want 4 3 7", got)
	}
	if err := db.DropSummaries(ctx, "ann"); err != nil {
		t.Fatal(err)
	}
	if got := counts(); got != "0 0 0" {
		t.Errorf("after DropSummaries: main, recent, view = %s, want 0 0 0", got)
	}
	write(t, db, "bob", file("g.fit", "shag", synthRun(start, 600, "fit", true)))
	if _, err := db.DeleteAthlete(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	if got := counts(); got != "0 0 0" {
		t.Errorf("after deleting the athlete: main, recent, view = %s, want 0 0 0", got)
	}
}

// TestSettleDue: recent summaries move once there are recentSummaries, or
// when they are many enough and a quarter of the main table's or more.
func TestSettleDue(t *testing.T) {
	for _, c := range []struct {
		recent, main int
		want         bool
	}{
		{0, 0, false},
		{recentFew - 1, 0, false}, // a small first import stays recent
		{recentFew, 0, true},      // a history's first import moves at once
		{recentFew, 4 * recentFew, true},
		{recentFew, 4*recentFew + 1, false},
		{recentSummaries - 1, 100_000, false}, // a large database: moves are rarer
		{recentSummaries, 100_000, true},
	} {
		if got := settleDue(c.recent, c.main); got != c.want {
			t.Errorf("settleDue(%d, %d) = %v, want %v", c.recent, c.main, got, c.want)
		}
	}
}

// TestConcurrentSettles: writers of several athletes close at once (as
// taper serve's uploads do), each moving the recent summaries: every
// import succeeds, and each summary is in exactly one table.
func TestConcurrentSettles(t *testing.T) {
	defer func(n, f int) { recentSummaries, recentFew = n, f }(recentSummaries, recentFew)
	recentSummaries, recentFew = 2, 1
	ctx := context.Background()
	var logged syncBuffer
	db, err := Open(ctx, "", Options{Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	start := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	errs := make(chan error, 6)
	for k := range 6 {
		go func() {
			w, err := db.NewWriter(ctx, fmt.Sprintf("a%d", k))
			if err != nil {
				errs <- err
				return
			}
			for i := range 3 {
				a := synthRun(start.AddDate(0, 0, i), 300, "fit", true)
				if err := w.Add(file(fmt.Sprintf("a%d-%d.fit", k, i), fmt.Sprintf("sha-%d-%d", k, i), a)); err != nil {
					errs <- err
					return
				}
			}
			_, err = w.Close()
			errs <- err
		}()
	}
	for range 6 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	_, rows, err := db.Query(ctx, `SELECT (SELECT count(*) FROM summaries), (SELECT count(DISTINCT key) FROM summaries),
		(SELECT count(*) FROM activities)`)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(rows[0]...); got != "18 18 18" {
		t.Errorf("summaries, distinct keys, activities = %s, want 18 18 18", got)
	}
	if strings.Contains(logged.String(), "not moved") {
		t.Errorf("a move of recent summaries failed:\n%s", logged.String())
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writes (a logger's).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
