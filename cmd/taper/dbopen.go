package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/taper-run/taper/store"
)

// lockWait is how long a command waits for another process (taper serve
// answering a request, a cron import) to free the database.
const lockWait = 30 * time.Second

// openDB opens the database, waiting up to lockWait while another process
// holds it, and saying so on errOut.
func openDB(ctx context.Context, path string, opts store.Options, errOut io.Writer) (*store.DB, error) {
	return store.OpenWait(ctx, path, opts, lockWait, func(le *store.LockError) {
		fmt.Fprintf(errOut, "taper: %v; waiting up to %s for it\n", le, lockWait)
	})
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
