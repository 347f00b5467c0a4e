package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/reports"
	"github.com/taper-run/taper/store"
)

// The server's use of the application core, in one place: the same
// functions as the command line, with the errors given their status.

// settings is the athlete's effective settings (the front end's loader,
// else the standard preset).
func (s *Server) settings(athlete string) (analysis.Settings, error) {
	if s.opts.Settings != nil {
		return s.opts.Settings(athlete)
	}
	return analysis.Preset(analysis.PresetStandard)
}

func (s *Server) audit(ctx context.Context, db *store.DB, asOf string) ([]*analysis.Report, error) {
	res, err := taper.Audit(ctx, db, taper.AuditOptions{AsOf: asOf, Settings: s.settings, Now: s.opts.Now})
	if err != nil {
		return nil, status(err)
	}
	return res.Reports, nil
}

func (s *Server) report(ctx context.Context, db *store.DB, athlete, asOf string, week int) (*analysis.Report, error) {
	settings, err := s.settings(athlete)
	if err != nil {
		return nil, status(err)
	}
	if week > settings.Weeks {
		return nil, badRequest("use a recovery week number from 1 to the weeks audited", "bad week %d: the audit covers recovery weeks 1..%d", week, settings.Weeks)
	}
	if err := s.requireAthlete(ctx, db, athlete); err != nil {
		return nil, err
	}
	rep, err := taper.Report(ctx, db, taper.ReportOptions{Athlete: athlete, Settings: settings, AsOf: asOf, Week: week, Now: s.opts.Now})
	return rep, status(err)
}

func (s *Server) activitiesJSON(ctx context.Context, db *store.DB, athlete string, w io.Writer) error {
	settings, err := s.settings(athlete)
	if err != nil {
		return status(err)
	}
	acts, err := taper.ListActivities(ctx, db, taper.ActivityFilter{Athlete: athlete, Settings: &settings, Now: s.opts.Now})
	if err != nil {
		return status(err)
	}
	return reports.ActivitiesJSON(w, acts)
}

func (s *Server) activity(ctx context.Context, db *store.DB, athlete, id string) (*analysis.Activity, error) {
	settings, err := s.settings(athlete)
	if err != nil {
		return nil, status(err)
	}
	a, err := taper.AnalysedActivity(ctx, db, athlete, id, true, settings, s.opts.Now)
	return a, status(err)
}

func (s *Server) setRace(ctx context.Context, db *store.DB, athlete, id, date string, force bool, note string) (taper.RaceResult, error) {
	settings, err := s.settings(athlete)
	if err != nil {
		return taper.RaceResult{}, status(err)
	}
	o := taper.RaceOptions{Athlete: athlete, Activity: id, Date: date, Force: force, Settings: settings, Note: note, By: who(ctx), Now: s.opts.Now}
	var res taper.RaceResult
	if id == "" && date == "" {
		res, err = taper.ClearRace(ctx, db, o)
	} else {
		res, err = taper.SetRace(ctx, db, o)
	}
	return res, status(err)
}

// importSummary is what an import did, as the import page shows it (the
// same counts as taper import's summary).
type importSummary struct {
	Files               int64          `json:"files"`
	Imported            int            `json:"imported"`
	NewActivities       int            `json:"new_activities"`
	AlreadyImported     int            `json:"already_imported"`
	DuplicateActivities []string       `json:"duplicate_activities"`
	Skipped             map[string]int `json:"skipped_by_kind"`
	Partial             []string       `json:"partial"`
	Flagged             []string       `json:"flagged_dates"`
	OtherAthletes       map[string]int `json:"files_of_other_athletes,omitempty"`
	Rejected            []string       `json:"rejected"`
}

// importFiles runs taper import on the uploaded files; names maps each
// file's private path to the name it was uploaded under, for the summary.
func (s *Server) importFiles(ctx context.Context, db *store.DB, athlete string, paths []string, names map[string]string, progress func(done, total int)) (*importSummary, error) {
	settings, err := s.settings(athlete)
	if err != nil {
		return nil, status(err)
	}
	var zone *time.Location
	if settings.TimeZone != "" {
		if zone, err = time.LoadLocation(settings.TimeZone); err != nil {
			return nil, badRequest("fix the athlete's timezone setting in taper.toml", "unknown time zone %q", settings.TimeZone)
		}
	}
	res, err := taper.Import(ctx, db, taper.ImportOptions{Athlete: athlete, Inputs: paths, Jobs: max(1, runtime.NumCPU()), Zone: zone,
		Settings: settings, Now: s.opts.Now, Progress: func(p taper.ImportProgress) { progress(int(p.Files), int(p.Total)) },
		AfterFile: func(int64) {
			if f := s.afterFile.Load(); f != nil {
				(*f)()
			}
		}})
	if err != nil {
		return nil, status(err)
	}
	shown := func(xs []string) []string {
		out := []string{}
		for _, x := range xs {
			for p, n := range names {
				x = strings.ReplaceAll(x, p, n)
			}
			out = append(out, x)
		}
		return out
	}
	byStatus := res.Statuses()
	var merged []string
	for _, m := range res.Summary.Merged {
		merged = append(merged, m.String())
	}
	return &importSummary{Files: res.Files, Imported: byStatus["imported"], NewActivities: res.Activities - len(res.Summary.Merged),
		AlreadyImported: res.ByStatus["duplicate_file"], DuplicateActivities: shown(merged), Skipped: res.SkippedByKind,
		Partial: shown(res.Partial), Flagged: shown(res.Flagged), OtherAthletes: res.OthersFiles, Rejected: shown(res.Rejected)}, nil
}

// requireAthlete answers 404 for an athlete the database does not know.
func (s *Server) requireAthlete(ctx context.Context, db *store.DB, athlete string) error {
	known, err := db.Athletes(ctx)
	if err != nil {
		return err
	}
	for _, a := range known {
		if a == athlete {
			return nil
		}
	}
	return status(&taper.UnknownAthleteError{Athlete: athlete, DB: db.Path(), Known: known})
}

// status gives the core's typed errors their HTTP status.
func status(err error) error {
	if err == nil {
		return nil
	}
	var ae *apiError
	if errors.As(err, &ae) {
		return err
	}
	code := http.StatusInternalServerError
	var (
		unknown    *taper.UnknownAthleteError
		noActs     *taper.NoActivitiesError
		noAct      *taper.NoActivityError
		noFinding  *taper.NoFindingError
		noDecision *taper.NoDecisionError
		badClass   *taper.BadClassError
		notRun     *taper.NotARunError
		noNote     *taper.NoteRequiredError
		noFiles    *taper.NoFilesError
		lock       *store.LockError
	)
	switch {
	case errors.As(err, &unknown), errors.As(err, &noActs), errors.As(err, &noAct), errors.As(err, &noFinding), errors.As(err, &noDecision):
		code = http.StatusNotFound
	case errors.As(err, &badClass), errors.As(err, &notRun), errors.As(err, &noNote), errors.As(err, &noFiles):
		code = http.StatusBadRequest
	case errors.As(err, &lock):
		return busy(lock)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &apiError{Status: http.StatusServiceUnavailable, Msg: "stopped: " + err.Error(), Hint: "try again", RetryAfter: 3 * time.Second}
	}
	hint := taper.APIHintOf(err)
	if code == http.StatusInternalServerError && hint != "" {
		code = http.StatusBadRequest // the core's errors with a hint are the user's to fix
	}
	return &apiError{Status: code, Msg: err.Error(), Hint: hint}
}
