package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/taper-run/taper"
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

// openExisting opens a database that must already exist (taper.OpenDB),
// waiting like openDB.
func openExisting(ctx context.Context, path string, opts store.Options, errOut io.Writer) (*store.DB, error) {
	return taper.OpenDB(ctx, path, opts, lockWait, func(le *store.LockError) {
		fmt.Fprintf(errOut, "taper: %v; waiting up to %s for it\n", le, lockWait)
	})
}
