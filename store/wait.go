package store

import (
	"context"
	"errors"
	"time"
)

// OpenWait is Open that, while another process holds the database file (a
// LockError), tries again until wait has passed. waiting, when not nil, is
// called once, at the first refusal, so a front end can say why it waits.
// The last LockError is returned when the file stays held.
func OpenWait(ctx context.Context, path string, opts Options, wait time.Duration, waiting func(*LockError)) (*DB, error) {
	deadline := time.Now().Add(wait)
	pause := 50 * time.Millisecond
	for first := true; ; first = false {
		db, err := Open(ctx, path, opts)
		var le *LockError
		if err == nil || !errors.As(err, &le) || !time.Now().Before(deadline) {
			return db, err
		}
		if first && waiting != nil {
			waiting(le)
		}
		t := time.NewTimer(min(pause, time.Until(deadline)))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
		pause = min(2*pause, 500*time.Millisecond)
	}
}
