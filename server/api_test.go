package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/reports"
)

// TestAPIMatchesCLI: every GET endpoint's JSON is byte for byte what the
// command line prints with --format json on the same database.
func TestAPIMatchesCLI(t *testing.T) {
	s, db := teamServer(t, Options{Now: time.Now}) // the CLI's "today" is the real one
	cases := []struct {
		path string
		args []string
	}{
		{"/api/audit?as_of=" + asOf, []string{"audit", "--as-of", asOf}},
		{"/api/audit", []string{"audit"}},
		{"/api/athletes/ann/report?as_of=" + asOf, []string{"report", "--athlete", "ann", "--as-of", asOf}},
		{"/api/athletes/cat/report?as_of=" + asOf + "&week=3", []string{"report", "--athlete", "cat", "--as-of", asOf, "--week", "3"}},
		{"/api/athletes/ben/report", []string{"report", "--athlete", "ben"}},
		{"/api/athletes/ann/activities", []string{"activities", "--athlete", "ann"}},
	}
	for _, c := range cases {
		code, body := get(t, s, c.path)
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", c.path, code, body)
		}
		want := cli(t, 0, append(c.args, "--db", db, "--format", "json")...)
		if body != want {
			t.Errorf("GET %s differs from taper %s --format json:\n got %.300s\nwant %.300s", c.path, strings.Join(c.args, " "), body, want)
		}
	}
	// The team is what the seasons say: ann and cat breached, ben did not.
	var audit struct {
		Athletes []reports.AuditRow `json:"athletes"`
	}
	_, body := get(t, s, "/api/audit?as_of="+asOf)
	if err := json.Unmarshal([]byte(body), &audit); err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, r := range audit.Athletes {
		status[r.Athlete] = r.Status
	}
	if status["ann"] != analysis.StatusBreach || status["cat"] != analysis.StatusBreach || status["ben"] != analysis.StatusOK {
		t.Errorf("statuses %v, want ann and cat breach, ben ok", status)
	}
}

// TestAPIErrors: each error has its status and a JSON {error, hint}.
func TestAPIErrors(t *testing.T) {
	s, _ := teamServer(t, Options{MaxUpload: 64 << 10, MaxFiles: 3})
	big := `{"rule": "rest_window", "date": "2026-10-09", "note": "` + strings.Repeat("x", 70<<10) + `"}`
	cases := []struct {
		method, path, body string
		status             int
		contains           string // in the error message
	}{
		{"GET", "/api/athletes/zoe/report", "", 404, `no athlete "zoe"`},
		{"GET", "/api/athletes/zoe/activities", "", 404, `no athlete "zoe"`},
		{"GET", "/api/athletes/zoe/decisions", "", 404, `no athlete "zoe"`},
		{"GET", "/api/athletes/ann/report?week=0", "", 400, "bad week"},
		{"GET", "/api/athletes/ann/report?week=9", "", 400, "bad week 9"},
		{"GET", "/api/athletes/ann/report?week=three", "", 400, "bad week"},
		{"GET", "/api/audit?as_of=2026-13-01", "", 400, "bad as_of"},
		{"GET", "/api/imports/42", "", 404, "no import job"},
		{"GET", "/api/nothing/here", "", 404, "no endpoint"},
		{"POST", "/api/athletes/ann/waivers", `{"rule": "rest_window", "date": "2026-10-09"}`, 400, "note"},
		{"POST", "/api/athletes/ann/waivers", `{"rule": "rest_window", "date": "2026-10-09", "note": "x", "extra": 1}`, 400, "bad JSON"},
		{"POST", "/api/athletes/ann/waivers", `not json`, 400, "bad JSON"},
		{"POST", "/api/athletes/ann/waivers", `{"rule": "rest_window", "date": "2026-10-01", "note": "no such finding"}`, 404, "has no rest_window finding"},
		{"POST", "/api/athletes/zoe/waivers", `{"rule": "rest_window", "date": "2026-10-09", "note": "n"}`, 404, `no athlete "zoe"`},
		{"POST", "/api/athletes/ann/waivers", big, 413, "64 KiB"},
		{"POST", "/api/athletes/ann/overrides", `{"activity_id": "x", "class": "race", "note": "n"}`, 400, `unknown class "race"`},
		{"POST", "/api/athletes/ann/overrides", `{"activity_id": "nope", "class": "easy", "note": "n"}`, 404, "no activity"},
		{"POST", "/api/athletes/ann/overrides", `{"activity_id": "nope", "class": "easy", "note": ""}`, 400, "note"},
		{"DELETE", "/api/athletes/ann/waivers/abc", "", 400, "bad decision id"},
		{"DELETE", "/api/athletes/ann/waivers/999", "", 404, "no decision 999"},
		{"DELETE", "/api/athletes/zoe/overrides/1", "", 404, `no athlete "zoe"`},
		{"POST", "/api/athletes/ann/race", `{}`, 400, "exactly one"},
		{"POST", "/api/athletes/ann/race", `{"date": "2026-10-09"}`, 400, "not a half marathon, a marathon or an ultra"},
		{"POST", "/api/athletes/ann/race", `{"date": "2026-07-01"}`, 400, "no run of athlete ann matches"},
		{"POST", "/api/athletes/ann/imports", `{"not": "multipart"}`, 400, "not a file upload"},
		{"POST", "/api/athletes/%20ann/imports", ``, 400, "bad athlete name"},
		{"GET", "/athletes/zoe", "", 404, `no athlete &#34;zoe&#34;`},
		{"GET", "/athletes/ann/activities/nope", "", 404, "no activity nope"},
	}
	for _, c := range cases {
		res, body := do(t, s, c.method, c.path, strings.NewReader(c.body), sameSite())
		if res.StatusCode != c.status {
			t.Errorf("%s %s: %d, want %d: %s", c.method, c.path, res.StatusCode, c.status, body)
			continue
		}
		if strings.HasPrefix(c.path, "/api/") {
			e := jsonError(t, body)
			if !strings.Contains(e.Error, c.contains) {
				t.Errorf("%s %s: error %q, want it to say %q", c.method, c.path, e.Error, c.contains)
			}
			if e.Hint == "" && c.status != 413 {
				t.Errorf("%s %s: no hint with %q", c.method, c.path, e.Error)
			}
			// An API client has no command line: no flags, no taper commands.
			if strings.Contains(e.Hint, "--") || strings.Contains(e.Hint, "taper ") {
				t.Errorf("%s %s: a command-line hint for an API client: %q", c.method, c.path, e.Hint)
			}
		} else if !strings.Contains(body, c.contains) {
			t.Errorf("%s %s: page does not say %q", c.method, c.path, c.contains)
		}
	}

	// A waiver undone through the overrides endpoint: 404 naming the right one.
	_, body := do(t, s, "GET", "/api/athletes/ann/report", nil, sameSite())
	var rep struct {
		Findings []struct {
			Rule, Date string
			ActivityID string `json:"activity_id"`
		}
	}
	if err := json.Unmarshal([]byte(body), &rep); err != nil || len(rep.Findings) == 0 {
		t.Fatalf("report: %v, %s", err, body)
	}
	f := rep.Findings[0]
	res, body := do(t, s, "POST", "/api/athletes/ann/waivers", strings.NewReader(fmt.Sprintf(`{"rule": %q, "date": %q, "activity_id": %q, "note": "agreed"}`, f.Rule, f.Date, f.ActivityID)), sameSite())
	var waiver struct{ ID int64 }
	if res.StatusCode/100 != 2 || json.Unmarshal([]byte(body), &waiver) != nil || waiver.ID == 0 {
		t.Fatalf("waive: %d %s", res.StatusCode, body)
	}
	res, body = do(t, s, "DELETE", fmt.Sprintf("/api/athletes/ann/overrides/%d", waiver.ID), nil, sameSite())
	if e := jsonError(t, body); res.StatusCode != 404 || !strings.Contains(e.Error, "is a waiver, not a class override") ||
		e.Hint != fmt.Sprintf("undo it with DELETE /api/athletes/ann/waivers/%d", waiver.ID) {
		t.Errorf("DELETE a waiver as an override: %d %+v", res.StatusCode, e)
	}
	do(t, s, "DELETE", fmt.Sprintf("/api/athletes/ann/waivers/%d", waiver.ID), nil, sameSite())

	// Uploads: too large, too many files, none.
	upload := func(files map[string][]byte) (int, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for name, data := range files {
			w, _ := mw.CreateFormFile("files", name)
			w.Write(data)
		}
		mw.Close()
		res, body := do(t, s, "POST", "/api/athletes/dan/imports", &b, map[string]string{"Content-Type": mw.FormDataContentType(), "Sec-Fetch-Site": "same-origin"})
		return res.StatusCode, body
	}
	if code, body := upload(map[string][]byte{"export.zip": bytes.Repeat([]byte("z"), 100<<10)}); code != 413 || !strings.Contains(jsonError(t, body).Error, "upload over") {
		t.Errorf("upload over the limit: %d %s", code, body)
	}
	if code, body := upload(map[string][]byte{"a.fit": {1}, "b.fit": {2}, "c.fit": {3}, "d.fit": {4}}); code != 413 || !strings.Contains(jsonError(t, body).Error, "more than 3 files") {
		t.Errorf("too many files: %d %s", code, body)
	}
	if code, body := upload(nil); code != 400 || !strings.Contains(jsonError(t, body).Error, "no files") {
		t.Errorf("no files: %d %s", code, body)
	}
}

// TestBusy: while another process holds the database, requests answer 503
// with Retry-After, and work again once it is free.
func TestBusy(t *testing.T) {
	s, db := teamServer(t, Options{LockWait: 300 * time.Millisecond})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+db)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if sc := bufio.NewScanner(out); !sc.Scan() || sc.Text() != "ready" {
		t.Fatalf("the holding process did not start: %q", sc.Text())
	}
	res, body := do(t, s, "GET", "/api/audit", nil, nil)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" || !strings.Contains(jsonError(t, body).Error, "database busy") {
		t.Fatalf("audit while another process holds the database: %d, Retry-After %q: %s", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	if res, _ := do(t, s, "GET", "/", nil, nil); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("roster page while busy: %d", res.StatusCode)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if code, body := get(t, s, "/api/audit"); code != http.StatusOK {
		t.Errorf("audit after the other process ended: %d %s", code, body)
	}
}

// finding returns the first finding of rule in an athlete's report.
func finding(t *testing.T, s http.Handler, athlete, rule string) analysis.Finding {
	t.Helper()
	code, body := get(t, s, "/api/athletes/"+athlete+"/report?as_of="+asOf)
	if code != 200 {
		t.Fatalf("report of %s: %d %s", athlete, code, body)
	}
	var rep analysis.Report
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Rule == rule {
			return f
		}
	}
	t.Fatalf("%s has no %s finding: %s", athlete, rule, body)
	return analysis.Finding{}
}

func auditRow(t *testing.T, s http.Handler, athlete string) reports.AuditRow {
	t.Helper()
	_, body := get(t, s, "/api/audit?as_of="+asOf)
	var audit struct {
		Athletes []reports.AuditRow `json:"athletes"`
	}
	if err := json.Unmarshal([]byte(body), &audit); err != nil {
		t.Fatal(err)
	}
	for _, r := range audit.Athletes {
		if r.Athlete == athlete {
			return r
		}
	}
	t.Fatalf("%s not in the audit: %s", athlete, body)
	return reports.AuditRow{}
}

// TestDecisions: a waiver and an override made on the dashboard change the
// status in the API and in every CLI format; undoing them restores it and
// keeps the history; the CLI's own waive command shows on the dashboard.
func TestDecisions(t *testing.T) {
	s, db := teamServer(t, Options{Now: time.Now, Tokens: []Token{{Name: "coach-kim", Secret: "kim-secret-123"}}})
	hdr := sameSite()
	hdr["Authorization"] = "Bearer kim-secret-123"
	send := func(method, path, body string, want int) map[string]any {
		t.Helper()
		res, got := do(t, s, method, path, strings.NewReader(body), hdr)
		if res.StatusCode != want {
			t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, got)
		}
		var out map[string]any
		json.Unmarshal([]byte(got), &out)
		return out
	}
	authGet := func(path string) string {
		t.Helper()
		res, body := do(t, s, "GET", path, nil, hdr)
		if res.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
		}
		return body
	}
	rowOf := func(athlete string) reports.AuditRow {
		var audit struct {
			Athletes []reports.AuditRow `json:"athletes"`
		}
		json.Unmarshal([]byte(authGet("/api/audit?as_of="+asOf)), &audit)
		for _, r := range audit.Athletes {
			if r.Athlete == athlete {
				return r
			}
		}
		t.Fatalf("%s not in the audit", athlete)
		return reports.AuditRow{}
	}

	// cat's only breach is the ramp cap of week 3: waiving it makes cat ok.
	cli(t, 3, "report", "--db", db, "--athlete", "cat", "--as-of", asOf, "--fail-on", "breach")
	var rep analysis.Report
	json.Unmarshal([]byte(authGet("/api/athletes/cat/report?as_of="+asOf)), &rep)
	var ramp analysis.Finding
	for _, f := range rep.Findings {
		if f.Rule == "ramp_cap" {
			ramp = f
		}
	}
	if ramp.Rule == "" || rowOf("cat").Status != analysis.StatusBreach {
		t.Fatalf("cat should start with a ramp_cap breach: %+v", rep.Findings)
	}
	d := send("POST", "/api/athletes/cat/waivers", fmt.Sprintf(`{"rule": "ramp_cap", "date": %q, "note": "travel week, agreed"}`, ramp.Date), 201)
	if d["by"] != "coach-kim" || d["kind"] != "waiver" {
		t.Errorf("waiver recorded as %v, want by coach-kim", d)
	}
	id := int64(d["id"].(float64))
	if row := rowOf("cat"); row.Status == analysis.StatusBreach || row.Breaches != 0 {
		t.Errorf("cat after the waiver: %+v", row)
	}
	// The CLI sees the same: audit JSON identical, --fail-on passes, every format says waived.
	if got, want := authGet("/api/audit?as_of="+asOf), cli(t, 0, "audit", "--db", db, "--as-of", asOf, "--format", "json"); got != want {
		t.Errorf("audit after a waiver differs from the CLI's:\n%s\n%s", got, want)
	}
	cli(t, 0, "report", "--db", db, "--athlete", "cat", "--as-of", asOf, "--fail-on", "breach")
	for _, format := range []string{"text", "markdown", "csv", "html", "json"} {
		out := cli(t, 0, "report", "--db", db, "--athlete", "cat", "--as-of", asOf, "--format", format)
		if !strings.Contains(out, "coach-kim") || !strings.Contains(out, "travel week, agreed") {
			t.Errorf("taper report --format %s does not show the waiver", format)
		}
	}
	// Undo: the breach is back, the history keeps the waiver.
	send("DELETE", fmt.Sprintf("/api/athletes/cat/waivers/%d", id), "", 200)
	if row := rowOf("cat"); row.Status != analysis.StatusBreach {
		t.Errorf("cat after the undo: %+v", row)
	}
	send("DELETE", fmt.Sprintf("/api/athletes/cat/waivers/%d", id), "", 404)
	var hist []decisionJSON
	json.Unmarshal([]byte(authGet("/api/athletes/cat/decisions")), &hist)
	if len(hist) != 1 || hist[0].UndoneAt == nil || hist[0].UndoneBy != "coach-kim" {
		t.Errorf("history after the undo: %+v", hist)
	}

	// ann's second interval session of week 6 overridden as easy: the
	// interval limit is met, and the run shows the coach's class.
	limit := finding(t, authed(s, hdr), "ann", "interval_limit")
	d = send("POST", "/api/athletes/ann/overrides", fmt.Sprintf(`{"activity_id": %q, "class": "easy", "note": "easy fartlek, not an interval session"}`, limit.ActivityID), 201)
	json.Unmarshal([]byte(authGet("/api/athletes/ann/report?as_of="+asOf)), &rep)
	for _, f := range rep.Findings {
		if f.Rule == "interval_limit" {
			t.Errorf("interval_limit still found after the override: %+v", f)
		}
	}
	acts := authGet("/api/athletes/ann/activities")
	if want := cli(t, 0, "activities", "--db", db, "--athlete", "ann", "--format", "json"); acts != want {
		t.Errorf("activities after an override differ from the CLI's")
	}
	if !strings.Contains(acts, `"class_override": {"id":`) || !strings.Contains(acts, `"was":"interval"`) {
		t.Errorf("activities JSON does not carry the override: %.400s", acts[strings.Index(acts, limit.ActivityID):])
	}
	send("DELETE", fmt.Sprintf("/api/athletes/ann/overrides/%d", int64(d["id"].(float64))), "", 200)
	finding(t, authed(s, hdr), "ann", "interval_limit")

	// The CLI's taper waive is a decision the dashboard shows.
	out := cli(t, 0, "waive", "--db", db, "--athlete", "cat", "--rule", "ramp_cap", "--date", ramp.Date, "--note", "from the terminal")
	if !strings.Contains(out, "Waived ramp_cap") {
		t.Errorf("taper waive said %q", out)
	}
	if row := rowOf("cat"); row.Status == analysis.StatusBreach {
		t.Errorf("cat after taper waive: %+v", row)
	}
	if page := authGet("/athletes/cat"); !strings.Contains(page, "from the terminal") || !strings.Contains(page, "Waived by local") {
		t.Errorf("the athlete page does not show the CLI's waiver")
	}
	cli(t, 1, "waive", "--db", db, "--athlete", "cat", "--undo", "12345")

	// Marking the race and clearing the mark are decisions too, in the history.
	if r := send("POST", "/api/athletes/ann/race", `{"date": "`+raceDay+`", "note": "confirmed with ann"}`, 200); r["source"] != "marked" {
		t.Errorf("race marked: %v", r)
	}
	if r := send("DELETE", "/api/athletes/ann/race", "", 200); r["source"] != "distance" {
		t.Errorf("race mark cleared: %v", r)
	}
	hist = nil
	json.Unmarshal([]byte(authGet("/api/athletes/ann/decisions")), &hist)
	if n := len(hist); n < 2 || hist[n-2].Kind != "race" || hist[n-2].Date != raceDay || hist[n-2].Note != "confirmed with ann" ||
		hist[n-1].Kind != "race" || hist[n-1].Date != "" || hist[n-1].By != "coach-kim" {
		t.Errorf("race decisions in the history: %+v", hist)
	}
}

// authed sends hdr's token with every request.
func authed(h http.Handler, hdr map[string]string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range hdr {
			if r.Header.Get(k) == "" {
				r.Header.Set(k, v)
			}
		}
		h.ServeHTTP(w, r)
	})
}
