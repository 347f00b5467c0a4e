package server

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taper-run/taper/synth"
)

// TestAthletePageNextSteps: in the middle of a recovery the athlete page
// says what this week allows and what next week brings.
func TestAthletePageNextSteps(t *testing.T) {
	s, _ := teamServer(t, Options{})
	code, page := get(t, s, "/athletes/ben?as_of=2026-10-28") // day 24: recovery week 4
	if code != http.StatusOK {
		t.Fatalf("athlete page: %d", code)
	}
	for _, want := range []string{"What comes next", "This week (week 4, Oct 26 to Nov 1, ramp)", " cap (", "Next week (week 5, from Nov 2, ramp): cap "} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	if _, page := get(t, s, "/athletes/ben?as_of="+asOf); !strings.Contains(page, "The 8 audited weeks are over") {
		t.Error("after the audit, the page does not say the weeks are over")
	}
}

// TestPagesEscape: a hostile athlete name is text on every page, and a path
// segment in links.
func TestPagesEscape(t *testing.T) {
	s, _ := teamServer(t, Options{})
	dir := t.TempDir()
	acts := season("x", 7, synth.Breaches{}).Activities()[:1]
	if err := synth.WriteDir(dir, acts, synth.ExportFIT); err != nil {
		t.Fatal(err)
	}
	name := `<img src=x onerror=alert(1)>`
	if job := importDir(t, s, strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20", "=", "%3D", "(", "%28", ")", "%29").Replace(name), dir); job.State != "done" {
		t.Fatalf("import: %+v", job)
	}
	_, roster := get(t, s, "/")
	if strings.Contains(roster, name) || !strings.Contains(roster, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("the roster does not escape the name")
	}
	if !strings.Contains(roster, `href="/athletes/%3Cimg%20src=x%20onerror=alert%281%29%3E"`) {
		t.Errorf("the roster's link is not path-escaped")
	}
	// One training run and no marathon: the page says there is no race.
	code, page := get(t, s, "/athletes/%3Cimg%20src=x%20onerror=alert%281%29%3E")
	if code != http.StatusOK || strings.Contains(page, name) || !strings.Contains(page, "no race") {
		t.Errorf("athlete page without a race: %d\n%.2000s", code, page)
	}
}

// TestShutdownDuringImport: stopping the server cancels an import still
// running after the grace period; the database stays consistent and usable.
func TestShutdownDuringImport(t *testing.T) {
	s, db := teamServer(t, Options{})
	zip := filepath.Join(t.TempDir(), "gus.zip")
	if err := os.WriteFile(zip, garminExport(t, season("gus", 8, synth.Breaches{})), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(zip)
	done := make(chan importStatus, 1)
	go func() { done <- importDir(t, s, "gus", dir) }()
	// Wait until the import is under way, then stop with no grace at all.
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		s.jobsMu.Lock()
		var files int
		for _, j := range s.jobs {
			files = j.snapshot().Files
		}
		s.jobsMu.Unlock()
		if files > 0 {
			break
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.Wait(ctx)
	job := <-done
	t.Logf("Wait: %v; job %s %+v", err, job.State, job.Error)
	if job.State != "failed" || job.Error == nil || !strings.Contains(job.Error.Error, "interrupted") {
		t.Fatalf("the import cut short should fail as interrupted: %+v", job)
	}
	// Whatever landed is whole: the database opens and audits.
	s2, err := New(Options{DB: db, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, s2, "/api/audit"); code != http.StatusOK {
		t.Fatalf("audit after the interrupted import: %d %s", code, body)
	}
}
