package taper

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/taper-run/taper/store"
)

// NoDatabaseError: the database a use case reads does not exist.
type NoDatabaseError struct {
	Path string
	Err  error // from os.Stat
}

func (e *NoDatabaseError) Error() string {
	if os.IsNotExist(e.Err) {
		return fmt.Sprintf("database %s does not exist", e.Path)
	}
	return e.Err.Error()
}

func (e *NoDatabaseError) Unwrap() error { return e.Err }

// Hint says how a database comes to be.
func (e *NoDatabaseError) Hint() string {
	return "import files first (taper import --db " + e.Path + " FILE...), or check --db"
}

// OpenDB opens a database that must already exist (every use case but
// Import reads one): a missing file is a *NoDatabaseError rather than a
// new empty database. A read-only open of a database written by an older
// taper upgrades it once (a writable open migrates it), then reads it.
// While another process holds the file, it tries again for up to wait
// (see store.OpenWait; waiting, when set, hears of it once).
func OpenDB(ctx context.Context, path string, opts store.Options, wait time.Duration, waiting func(*store.LockError)) (*store.DB, error) {
	open := func(o store.Options) (*store.DB, error) { return store.OpenWait(ctx, path, o, wait, waiting) }
	if path != "" && path != ":memory:" {
		if _, err := os.Stat(path); err != nil {
			return nil, &NoDatabaseError{Path: path, Err: err}
		}
	}
	db, err := open(opts)
	if opts.ReadOnly && errors.Is(err, store.ErrOldSchema) {
		rw, err := open(store.Options{Logger: opts.Logger, Now: opts.Now})
		if err != nil {
			return nil, err
		}
		if err := rw.Close(); err != nil {
			return nil, err
		}
		return open(opts)
	}
	return db, err
}
