package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/taper-run/taper/store"
)

// defaultLockWait is --wait's default: how long a command waits for
// another process (a cron import, taper serve answering a request) to free
// the database. An import of a large export takes minutes.
const defaultLockWait = 5 * time.Minute

// lockWait is --wait, set for the command being run.
var lockWait = defaultLockWait

// openDB opens the database, waiting up to lockWait while another process
// holds it, and saying so on errOut (with the holder's pid).
func openDB(ctx context.Context, path string, opts store.Options, errOut io.Writer) (*store.DB, error) {
	wait := lockWait
	db, err := store.OpenWait(ctx, path, opts, wait, func(le *store.LockError) {
		fmt.Fprintf(errOut, "taper: %v; waiting up to %s for it (--wait)\n", le, wait)
	})
	var le *store.LockError
	if errors.As(err, &le) && wait > 0 {
		return nil, fmt.Errorf("%w; waited %s (--wait)", err, wait)
	}
	return db, err
}

// openExisting opens a database that must already exist.
func openExisting(ctx context.Context, path string, opts store.Options, errOut io.Writer) (*store.DB, error) {
	if path != "" && path != ":memory:" {
		if _, err := statFile(path); err != nil {
			return nil, &hintError{err: err, hint: "import files first (taper import --db " + path + " FILE...), or check --db"}
		}
	}
	db, err := openDB(ctx, path, opts, errOut)
	if opts.ReadOnly && errors.Is(err, store.ErrOldSchema) {
		// Written by an older taper: upgrade it once, then read.
		rw, err := openDB(ctx, path, store.Options{}, errOut)
		if err != nil {
			return nil, err
		}
		if err := rw.Close(); err != nil {
			return nil, err
		}
		return openDB(ctx, path, opts, errOut)
	}
	return db, err
}
