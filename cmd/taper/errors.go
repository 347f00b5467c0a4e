package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/taper-run/taper/ingest"
	"github.com/taper-run/taper/store"
)

// hintError is an error with a line telling the user what to do.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string    { return e.err.Error() }
func (e *hintError) Unwrap() error    { return e.err }
func (e *hintError) HintText() string { return e.hint }

func statFile(path string) (os.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("database %s does not exist", path)
		}
		return nil, err
	}
	return fi, nil
}

// hintOf finds what the user can do about err, from whichever layer knows:
// cmd's own errors and the config loader (HintText), the store (Hint),
// or a decoder's *ingest.FileError (its Hint field).
func hintOf(err error) string {
	var ht interface{ HintText() string }
	if errors.As(err, &ht) && ht.HintText() != "" {
		return ht.HintText()
	}
	var h interface{ Hint() string }
	if errors.As(err, &h) && h.Hint() != "" {
		return h.Hint()
	}
	var fe *ingest.FileError
	if errors.As(err, &fe) {
		return fe.Hint
	}
	return ""
}

// requireAthlete refuses an athlete the database does not know: a typo
// would otherwise give an empty result that looks real.
func requireAthlete(ctx context.Context, db *store.DB, dbPath, athlete string) error {
	known, err := db.Athletes(ctx)
	if err != nil {
		return err
	}
	if slices.Contains(known, athlete) {
		return nil
	}
	return &hintError{err: fmt.Errorf("no athlete %q in %s", athlete, dbPath),
		hint: fmt.Sprintf("athletes in this database: %s; give one with --athlete", strings.Join(known, ", "))}
}
