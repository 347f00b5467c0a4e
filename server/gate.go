package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/taper-run/taper/store"
)

// gate opens the database only while requests need it, so that between
// requests the file is free for a cron taper import or taper audit. Requests
// that overlap share one handle: read-only while only readers need it,
// writable as soon as a writer does (readers then share the writer's, and a
// writer waits for the readers of a read-only handle to finish). The last
// request to finish closes it.
type gate struct {
	path     string
	wait     time.Duration // how long to wait for another process to free the file
	now      func() time.Time
	readOnly bool // never open it writable (taper serve --read-only)

	mu       sync.Mutex
	db       *store.DB
	writable bool
	users    int
	released chan struct{} // closed (and replaced) whenever a user finishes
}

func newGate(path string, wait time.Duration, now func() time.Time, readOnly bool) *gate {
	return &gate{path: path, wait: wait, now: now, readOnly: readOnly, released: make(chan struct{})}
}

// busy is the 503 for a database another process holds.
func busy(err error) *apiError {
	return &apiError{Status: http.StatusServiceUnavailable, Msg: "database busy: " + err.Error(),
		Hint: "another taper command (an import?) is writing it; try again in a few seconds", RetryAfter: 3 * time.Second}
}

// with runs fn with the database, open read-only or writable.
func (g *gate) with(ctx context.Context, write bool, fn func(*store.DB) error) error {
	db, err := g.acquire(ctx, write)
	if err != nil {
		return err
	}
	defer g.release()
	return fn(db)
}

func (g *gate) acquire(ctx context.Context, write bool) (*store.DB, error) {
	for {
		g.mu.Lock()
		if g.db != nil && (g.writable || !write) {
			g.users++
			db := g.db
			g.mu.Unlock()
			return db, nil
		}
		if g.db == nil {
			db, err := g.open(ctx, write)
			if err != nil {
				g.mu.Unlock()
				return nil, err
			}
			g.db, g.writable, g.users = db, write, 1
			g.mu.Unlock()
			return db, nil
		}
		// A writer waits for the readers of a read-only handle.
		ch := g.released
		g.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, busy(fmt.Errorf("waited for other requests: %w", ctx.Err()))
		case <-ch:
		}
	}
}

func (g *gate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.users--
	if g.users == 0 && g.db != nil {
		g.db.Close()
		g.db = nil
	}
	close(g.released)
	g.released = make(chan struct{})
}

// errNoDatabase: the database file does not exist yet.
var errNoDatabase = errors.New("no database yet")

func (g *gate) open(ctx context.Context, write bool) (*store.DB, error) {
	if write && g.readOnly {
		return nil, forbidden("restart taper serve without --read-only", "this taper serve is read-only")
	}
	if !write {
		if _, err := os.Stat(g.path); errors.Is(err, os.ErrNotExist) {
			return nil, errNoDatabase
		}
	}
	db, err := store.OpenWait(ctx, g.path, store.Options{ReadOnly: !write, Now: g.now}, g.wait, nil)
	if !write && !g.readOnly && errors.Is(err, store.ErrOldSchema) {
		// Written by an older taper: a writable open migrates it once.
		rw, werr := store.OpenWait(ctx, g.path, store.Options{Now: g.now}, g.wait, nil)
		if werr != nil {
			err = werr
		} else if werr = rw.Close(); werr != nil {
			return nil, werr
		} else {
			db, err = store.OpenWait(ctx, g.path, store.Options{ReadOnly: true, Now: g.now}, g.wait, nil)
		}
	}
	var le *store.LockError
	if errors.As(err, &le) {
		return nil, busy(le)
	}
	return db, err
}
