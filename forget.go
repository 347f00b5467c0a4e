package taper

import (
	"context"

	"github.com/taper-run/taper/store"
)

// ForgetOptions say whom to forget.
type ForgetOptions struct {
	Athlete string
	DryRun  bool // only count what would go
}

// Forget deletes everything stored for an athlete (activities, records,
// files and race mark) and returns how many activities went (with DryRun,
// how many would go, duplicates included).
func Forget(ctx context.Context, db *store.DB, o ForgetOptions) (int, error) {
	if err := requireAthlete(ctx, db, o.Athlete); err != nil {
		return 0, err
	}
	if o.DryRun {
		acts, err := db.Activities(ctx, store.Filter{Athlete: o.Athlete, IncludeDuplicates: true})
		return len(acts), err
	}
	return db.DeleteAthlete(ctx, o.Athlete)
}
