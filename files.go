package taper

import (
	"context"

	"github.com/taper-run/taper/store"
)

// FileFilter selects imported source files.
type FileFilter struct {
	Athlete string   // "" = every athlete's
	Status  []string // only these statuses; none = all
}

// ListFiles returns the imported source files with their status and
// reason. A named athlete the database does not know is an
// *UnknownAthleteError.
func ListFiles(ctx context.Context, db *store.DB, f FileFilter) ([]store.SourceFile, error) {
	if f.Athlete != "" {
		if err := requireAthlete(ctx, db, f.Athlete); err != nil {
			return nil, err
		}
	}
	return db.Sources(ctx, store.SourceFilter{Athlete: f.Athlete, Status: f.Status})
}
