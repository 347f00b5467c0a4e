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
