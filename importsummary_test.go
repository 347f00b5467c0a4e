package taper

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/taper-run/taper/store"
)

func TestWriteSummaryPointsAtTheRest(t *testing.T) {
	r := &ImportResult{Files: 13, Bytes: 2_500_000, ByStatus: map[string]int{store.StatusImported: 1}, Activities: 1}
	for i := range 12 {
		r.Rejected = append(r.Rejected, fmt.Sprintf("bad%d.fit: truncated", i))
	}
	var w strings.Builder
	r.WriteSummary(&w, "a.duckdb", "alice", false, 1500*time.Millisecond)
	got := w.String()
	for _, want := range []string{`Imported into a.duckdb for athlete "alice": 13 files (2.5 MB) in 1.5s`,
		"  rejected                 12\n", "bad9.fit", "... and 2 more: taper imports --db a.duckdb --rejected"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "bad10.fit") {
		t.Errorf("summary lists more than 10 rejected files:\n%s", got)
	}
	w.Reset()
	r.WriteSummary(&w, "a.duckdb", "alice", true, time.Second)
	if got := w.String(); !strings.HasPrefix(got, "Dry run (nothing stored)") || strings.Contains(got, "taper imports") {
		t.Errorf("dry run summary:\n%s", got)
	}
}

// TestSummaryOfAReplacedRecording: a recording this import brought took
// the place of an activity stored before (now its duplicate): the merge is
// listed, the replaced one counted apart and not as a new activity.
func TestSummaryOfAReplacedRecording(t *testing.T) {
	r := &ImportResult{Files: 2, ByStatus: map[string]int{store.StatusImported: 2}, Activities: 2,
		ByFormat: map[string]int{"fit": 2}, formatOf: map[string]string{"new1": "fit", "new2": "fit"}}
	r.Summary.Merged = []store.Merge{{Duplicate: "old1", Primary: "new1"}}
	r.uncountMerged()
	if r.Replaced != 1 || r.ByFormat["fit"] != 1 {
		t.Fatalf("replaced %d, by format %v; want 1 and fit 1", r.Replaced, r.ByFormat)
	}
	var w strings.Builder
	r.WriteSummary(&w, "a.duckdb", "alice", false, time.Second)
	got := w.String()
	for _, want := range []string{"2 files with 1 new activity", "duplicate activities      1", "1 activity stored before now duplicates a better recording"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
}
