package server

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/reports"
	"github.com/taper-run/taper/store"
)

// version identifies the database's content cheaply, without opening it:
// the size and modification time of the file and of its write-ahead log.
// Any import or decision changes it; a checkpoint may too (a harmless
// extra refresh).
func (s *Server) version() string {
	var parts []string
	for _, p := range []string{s.opts.DB, s.opts.DB + ".wal"} {
		if fi, err := os.Stat(p); err == nil {
			parts = append(parts, fmt.Sprintf("%x-%x", fi.Size(), fi.ModTime().UnixNano()))
		} else {
			parts = append(parts, "0")
		}
	}
	return strings.Join(parts, ".")
}

// apiVersion answers the roster page's poll: the database version as an
// ETag, 304 while it has not changed.
func (s *Server) apiVersion(w http.ResponseWriter, r *http.Request) {
	v := s.version()
	etag := `"` + v + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"version": v})
}

// sendBody writes a rendered JSON body (the CLI's bytes) with status 200.
func sendBody(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
}

// apiAudit is taper audit --format json [--as-of DATE].
func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) {
	asOf := r.URL.Query().Get("as_of")
	if err := checkDate(asOf, "as_of"); err != nil {
		writeError(w, err)
		return
	}
	var buf bytes.Buffer
	err := s.read(r.Context(), func(db *store.DB) error {
		reps, err := s.audit(r.Context(), db, asOf)
		if err != nil {
			return err
		}
		return reports.AuditJSON(&buf, reps)
	})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	sendBody(w, buf.Bytes())
}

// apiReport is taper report --athlete NAME --format json [--as-of] [--week].
func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	asOf := q.Get("as_of")
	if err := checkDate(asOf, "as_of"); err != nil {
		writeError(w, err)
		return
	}
	week := 0
	if v := q.Get("week"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeError(w, badRequest("use a recovery week number such as week=3", "bad week %q", v))
			return
		}
		week = n
	}
	var buf bytes.Buffer
	err := s.read(r.Context(), func(db *store.DB) error {
		rep, err := s.report(r.Context(), db, r.PathValue("name"), asOf, week)
		if err != nil {
			return err
		}
		return reports.JSON(&buf, rep)
	})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	sendBody(w, buf.Bytes())
}

// apiActivities is taper activities --athlete NAME --format json.
func (s *Server) apiActivities(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	err := s.read(r.Context(), func(db *store.DB) error {
		return s.activitiesJSON(r.Context(), db, r.PathValue("name"), &buf)
	})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	sendBody(w, buf.Bytes())
}

// decisionJSON is a decision as the API shows it.
type decisionJSON struct {
	ID         int64      `json:"id"`
	Athlete    string     `json:"athlete"`
	Kind       string     `json:"kind"`
	ActivityID string     `json:"activity_id,omitempty"`
	Rule       string     `json:"rule,omitempty"`
	Date       string     `json:"date,omitempty"`
	Class      string     `json:"class,omitempty"`
	Note       string     `json:"note"`
	By         string     `json:"by"`
	At         time.Time  `json:"at"`
	UndoneBy   string     `json:"undone_by,omitempty"`
	UndoneAt   *time.Time `json:"undone_at,omitempty"`
	Replaced   []int64    `json:"replaced,omitempty"` // decisions this one undid as it was made (same finding or run)
}

func toJSON(d store.Decision) decisionJSON {
	out := decisionJSON{ID: d.ID, Athlete: d.Athlete, Kind: d.Kind, ActivityID: d.ActivityID, Rule: d.Rule, Date: d.Date,
		Class: d.Class, Note: d.Note, By: d.By, At: d.At, UndoneBy: d.UndoneBy, Replaced: d.Replaced}
	if !d.UndoneAt.IsZero() {
		t := d.UndoneAt
		out.UndoneAt = &t
	}
	return out
}

// apiDecisions lists the athlete's decisions, with those undone.
func (s *Server) apiDecisions(w http.ResponseWriter, r *http.Request) {
	var ds []store.Decision
	err := s.read(r.Context(), func(db *store.DB) (err error) {
		ds, err = taper.Decisions(r.Context(), db, r.PathValue("name"))
		return status(err)
	})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := []decisionJSON{}
	for _, d := range ds {
		out = append(out, toJSON(d))
	}
	writeJSON(w, http.StatusOK, out)
}

// checkNote refuses an empty or over-long note.
func checkNote(note string, required bool) error {
	if required && strings.TrimSpace(note) == "" {
		return badRequest(`say why, e.g. {"note": "shakeout agreed with me"}`, "a note is required")
	}
	if len(note) > 500 {
		return badRequest("keep it under 500 characters", "note too long (%d characters)", len(note))
	}
	for _, r := range note {
		if unicode.IsControl(r) && r != '\n' {
			return badRequest("", "note has a control character")
		}
	}
	return nil
}

// apiWaive records a waiver of one of the athlete's findings (it must be
// in the current report).
func (s *Server) apiWaive(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var in struct {
		Rule       string `json:"rule"`
		Date       string `json:"date"`
		ActivityID string `json:"activity_id"`
		Note       string `json:"note"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		writeError(w, err)
		return
	}
	if in.Rule == "" || in.Date == "" {
		writeError(w, badRequest(`name the finding: {"rule": "rest_window", "date": "2026-10-06", "activity_id": "...", "note": "..."}`, "rule and date are required"))
		return
	}
	if err := checkDate(in.Date, "date"); err != nil {
		writeError(w, err)
		return
	}
	if err := checkNote(in.Note, true); err != nil {
		writeError(w, err)
		return
	}
	settings, err := s.settings(name)
	if err != nil {
		s.apiFail(w, r, status(err))
		return
	}
	var d store.Decision
	err = s.write(r.Context(), func(db *store.DB) (err error) {
		if err = s.requireAthlete(r.Context(), db, name); err != nil {
			return err
		}
		d, err = taper.Waive(r.Context(), db, taper.WaiveOptions{Athlete: name, Rule: in.Rule, Date: in.Date, ActivityID: in.ActivityID,
			Note: in.Note, By: who(r.Context()), Settings: settings, Now: s.opts.Now})
		return status(err)
	})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toJSON(d))
}

// apiOverride records a class override of one of the athlete's runs.
func (s *Server) apiOverride(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var in struct {
		ActivityID string `json:"activity_id"`
		Class      string `json:"class"`
		Note       string `json:"note"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		writeError(w, err)
		return
	}
	if err := checkNote(in.Note, true); err != nil {
		writeError(w, err)
		return
	}
	var d store.Decision
	err := s.write(r.Context(), func(db *store.DB) (err error) {
		d, err = taper.Override(r.Context(), db, taper.OverrideOptions{Athlete: name, ActivityID: in.ActivityID, Class: in.Class,
			Note: in.Note, By: who(r.Context())})
		return status(err)
	})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toJSON(d))
}

// apiUndo undoes a waiver or an override (by its id); the decision stays
// in the history.
func (s *Server) apiUndo(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		writeError(w, badRequest("use the decision's id, as GET /api/athletes/"+name+"/decisions lists them", "bad decision id %q", r.PathValue("id")))
		return
	}
	kind := store.DecisionWaiver
	if strings.Contains(r.URL.Path, "/overrides/") {
		kind = store.DecisionClassOverride
	}
	var d store.Decision
	err = s.write(r.Context(), func(db *store.DB) (err error) {
		d, err = taper.Undo(r.Context(), db, name, id, kind, who(r.Context()))
		return status(err)
	})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toJSON(d))
}

// apiRace marks the athlete's race (taper race) and records the decision.
func (s *Server) apiRace(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var in struct {
		Date       string `json:"date"`
		ActivityID string `json:"activity_id"`
		Force      bool   `json:"force"`
		Note       string `json:"note"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		writeError(w, err)
		return
	}
	if (in.Date == "") == (in.ActivityID == "") {
		writeError(w, badRequest(`{"date": "2026-10-04"} or {"activity_id": "..."}`, "give exactly one of date or activity_id"))
		return
	}
	if err := checkDate(in.Date, "date"); err != nil {
		writeError(w, err)
		return
	}
	if err := checkNote(in.Note, false); err != nil {
		writeError(w, err)
		return
	}
	s.race(w, r, name, in.ActivityID, in.Date, in.Force, in.Note)
}

// apiClearRace removes the race mark: the race is found by distance again.
func (s *Server) apiClearRace(w http.ResponseWriter, r *http.Request) {
	s.race(w, r, r.PathValue("name"), "", "", false, "")
}

func (s *Server) race(w http.ResponseWriter, r *http.Request, name, id, date string, force bool, note string) {
	var res taper.RaceResult
	unlock := s.lockAthlete(name) // after the athlete's uploads (see Server.athletes)
	defer unlock()
	err := s.write(r.Context(), func(db *store.DB) (err error) {
		res, err = s.setRace(r.Context(), db, name, id, date, force, note)
		return err
	})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	source := res.Source
	if res.ID == "" {
		source = ""
	}
	writeJSON(w, http.StatusOK, struct {
		ActivityID string `json:"activity_id"` // "" when there is no race
		Source     string `json:"source"`      // marked | distance
	}{res.ID, source})
}

// apiFail writes err as the API's JSON error; unexpected ones are logged.
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errNoDatabase) {
		err = notFound("import files first: taper import --db "+s.opts.DB+" --athlete NAME FILES..., or drop them on /import",
			"database %s does not exist yet", s.opts.DB)
	}
	if ae := asAPIError(err); ae.Status >= 500 && ae.Status != http.StatusServiceUnavailable {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeError(w, err)
}
