package server

import (
	"context"
	"io"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store"
)

// The server's use of the application core, in one place.

func (s *Server) audit(ctx context.Context, db *store.DB, asOf string) ([]*analysis.Report, error) {
	return s.core.Audit(ctx, db, asOf)
}

func (s *Server) report(ctx context.Context, db *store.DB, athlete, asOf string, week int) (*analysis.Report, error) {
	if err := s.requireAthlete(ctx, db, athlete); err != nil {
		return nil, err
	}
	return s.core.Report(ctx, db, athlete, asOf, week)
}

func (s *Server) activitiesJSON(ctx context.Context, db *store.DB, athlete string, w io.Writer) error {
	if err := s.requireAthlete(ctx, db, athlete); err != nil {
		return err
	}
	return s.core.ActivitiesJSON(ctx, db, athlete, w)
}

func (s *Server) activity(ctx context.Context, db *store.DB, athlete, id string) (*analysis.Activity, error) {
	if err := s.requireAthlete(ctx, db, athlete); err != nil {
		return nil, err
	}
	a, err := s.core.Activity(ctx, db, athlete, id)
	if err == nil && a == nil {
		return nil, notFound("the athlete page links every run", "athlete %s has no activity %s", athlete, id)
	}
	return a, err
}

func (s *Server) setRace(ctx context.Context, db *store.DB, athlete, id, date string, force bool) (any, error) {
	if err := s.requireAthlete(ctx, db, athlete); err != nil {
		return nil, err
	}
	return nil, s.core.SetRace(ctx, db, athlete, id, date, force)
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
	return notFound("the roster lists the athletes", "no athlete %q in %s", athlete, db.Path())
}
