package server

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/taper-run/taper/synth"
)

// garminExport is a generated Garmin account export of an athlete's season.
func garminExport(t *testing.T, s synth.Season) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := synth.WriteGarminExport(&b, s.Activities(), 5); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestUpload: a Garmin export dropped for a new athlete is imported with the
// same code as taper import; the job reports progress and a summary that
// names the uploaded file (never the server's private copy), and the
// athlete is in the audit.
func TestUpload(t *testing.T) {
	s, _ := teamServer(t, Options{})
	zip := garminExport(t, season("dan", 4, synth.Breaches{RunsDuringRest: true}))
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, _ := mw.CreateFormFile("files", "../../etc/dan_garmin_export.zip") // the name is never a path
	w.Write(zip)
	mw.Close()
	res, got := do(t, s, "POST", "/api/athletes/dan/imports", &body, map[string]string{"Content-Type": mw.FormDataContentType(), "Sec-Fetch-Site": "same-origin"})
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("upload: %d %s", res.StatusCode, got)
	}
	var job importStatus
	json.Unmarshal([]byte(got), &job)
	if job.ID == "" || job.Uploaded != 1 || job.Bytes != int64(len(zip)) || res.Header.Get("Location") != "/api/imports/"+job.ID {
		t.Fatalf("upload answer %+v (Location %q)", job, res.Header.Get("Location"))
	}
	deadline := time.Now().Add(2 * time.Minute)
	for job.State == "importing" && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		_, got = get(t, s, "/api/imports/"+job.ID)
		job = importStatus{}
		json.Unmarshal([]byte(got), &job)
	}
	if job.State != "done" || job.Summary == nil {
		t.Fatalf("import job: %s", got)
	}
	sum := job.Summary
	if sum.Imported == 0 || sum.NewActivities < 40 || len(sum.Rejected) != 0 || sum.Skipped["fit:monitoring_b"] != 5 || job.Files != job.Total || job.Total == 0 {
		t.Errorf("summary %+v (files %d of %d)", sum, job.Files, job.Total)
	}
	if strings.Contains(got, "taper-upload-") {
		t.Errorf("the summary shows the server's private folder: %s", got)
	}
	if row := auditRow(t, s, "dan"); row.RaceDate != raceDay || row.Breaches == 0 {
		t.Errorf("dan in the audit: %+v", row)
	}
	if err := s.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// importDir uploads every file of dir for athlete through the API and
// waits for the import to finish.
func importDir(t *testing.T, s http.Handler, athlete, dir string) importStatus {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		w, _ := mw.CreateFormFile("files", e.Name())
		w.Write(data)
	}
	mw.Close()
	res, got := do(t, s, "POST", "/api/athletes/"+athlete+"/imports", &body, map[string]string{"Content-Type": mw.FormDataContentType(), "Sec-Fetch-Site": "same-origin"})
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("upload of %s: %d %s", dir, res.StatusCode, got)
	}
	var job importStatus
	json.Unmarshal([]byte(got), &job)
	for deadline := time.Now().Add(2 * time.Minute); job.State == "importing" && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		_, got = get(t, s, "/api/imports/"+job.ID)
		job = importStatus{}
		json.Unmarshal([]byte(got), &job)
	}
	return job
}

// TestRaceWaitsForUpload: a race change for an athlete whose upload is
// being imported waits for the import (one stores files the other's
// analysis must see); a race change for another athlete does not.
func TestRaceWaitsForUpload(t *testing.T) {
	s, _ := teamServer(t, Options{})
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	hold := func() {
		once.Do(func() { close(started) })
		<-release
	}
	s.afterFile.Store(&hold)
	defer s.afterFile.Store(nil)
	zip := garminExport(t, season("dan", 4, synth.Breaches{}))
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, _ := mw.CreateFormFile("files", "dan_garmin_export.zip")
	w.Write(zip)
	mw.Close()
	if res, got := do(t, s, "POST", "/api/athletes/dan/imports", &body, map[string]string{"Content-Type": mw.FormDataContentType(), "Sec-Fetch-Site": "same-origin"}); res.StatusCode != http.StatusAccepted {
		t.Fatalf("upload: %d %s", res.StatusCode, got)
	}
	<-started
	race := func(athlete string) chan int {
		done := make(chan int, 1)
		go func() {
			res, _ := do(t, s, "POST", "/api/athletes/"+athlete+"/race", strings.NewReader(`{"date": "`+raceDay+`"}`),
				map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-origin"})
			done <- res.StatusCode
		}()
		return done
	}
	other := race("ann")
	select {
	case code := <-other:
		if code != http.StatusOK {
			t.Errorf("ann's race: %d", code)
		}
	case <-time.After(time.Minute):
		t.Fatal("ann's race change waited for dan's upload")
	}
	dan := race("dan")
	select {
	case code := <-dan:
		t.Fatalf("dan's race change answered %d while dan's upload was still being imported", code)
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	select {
	case code := <-dan:
		if code != http.StatusOK {
			t.Errorf("dan's race after the upload: %d", code)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("dan's race change never answered")
	}
	if err := s.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
}
