package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/store"
)

// defaultLockWait is --wait's default: how long a command waits for
// another process (a cron import, taper serve answering a request) to free
// the database. An import of a large export takes minutes.
const defaultLockWait = 5 * time.Minute

// waitKey is the context key of --wait (withWait).
type waitKey struct{}

// withWait gives ctx the command's --wait: how long openDB waits.
func withWait(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, waitKey{}, d)
}

// openDB opens the database, creating it if needed, waiting up to --wait
// while another process holds it, and saying so on errOut (with the
// holder's pid).
func openDB(ctx context.Context, path string, opts store.Options, errOut io.Writer) (*store.DB, error) {
	return openWith(ctx, store.OpenWait, path, opts, errOut)
}

// openExisting opens a database that must already exist (taper.OpenDB),
// waiting like openDB.
func openExisting(ctx context.Context, path string, opts store.Options, errOut io.Writer) (*store.DB, error) {
	return openWith(ctx, taper.OpenDB, path, opts, errOut)
}

type opener func(context.Context, string, store.Options, time.Duration, func(*store.LockError)) (*store.DB, error)

func openWith(ctx context.Context, open opener, path string, opts store.Options, errOut io.Writer) (*store.DB, error) {
	wait, ok := ctx.Value(waitKey{}).(time.Duration)
	if !ok {
		wait = defaultLockWait
	}
	db, err := open(ctx, path, opts, wait, func(le *store.LockError) {
		fmt.Fprintf(errOut, "taper: %v; waiting up to %s for it (--wait)\n", le, wait)
	})
	return db, waited(err, wait)
}

// waited says how long a command waited for a database that stayed held.
func waited(err error, wait time.Duration) error {
	var le *store.LockError
	if errors.As(err, &le) && wait > 0 {
		return fmt.Errorf("%w; waited %s (--wait)", err, wait)
	}
	return err
}
