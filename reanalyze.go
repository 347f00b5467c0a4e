package taper

import (
	"context"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store"
)

// ReanalyzeOptions say whose activities to analyse again, and how.
type ReanalyzeOptions struct {
	Athlete  string
	Settings analysis.Settings // the athlete's effective settings (see config.Load)
	// Now is the clock (nil: time.Now); HRmax and today's race are as of now.
	Now func() time.Time
}

// ReanalyzeResult counts what a reanalysis did.
type ReanalyzeResult struct {
	Activities int // primary activities analysed again (from their summaries; from their records when stored by an older taper)
	Changed    int // of which the class changed
	// DuringImport counts, of Activities, those an import analysed while
	// it ran whose analysis was kept (see speculator).
	DuringImport int
	Duplicates   int // duplicate copies brought in line with their primaries (not in Activities)
	Rezoned      int // activities moved to the athlete's (new) time zone: their files carry none
	// NearbyZoned counts platform summaries without a zone (Strava manual
	// entries) given their nearest activity's, the athlete having set none.
	NearbyZoned int
}

// Reanalyze recomputes the metrics and class of every activity of an
// athlete (after an upgrade or a settings change): from the activities'
// summaries, and from the stored records for those without a current one
// (stored by an older taper or analysis version), whose summaries it saves.
// An athlete the database does not know is an *UnknownAthleteError.
func Reanalyze(ctx context.Context, db *store.DB, o ReanalyzeOptions) (ReanalyzeResult, error) {
	if err := requireAthlete(ctx, db, o.Athlete); err != nil {
		return ReanalyzeResult{}, err
	}
	return reanalyzeWith(ctx, db, o.Athlete, o.Settings, clock(o.Now)(), nil, true, nil)
}
