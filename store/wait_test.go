package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestOpenWait: while another process holds the file, OpenWait says so
// once and waits; it opens as soon as the file is free, and gives the
// LockError when it stays held longer than the wait.
func TestOpenWait(t *testing.T) {
	path := filepath.Join(t.TempDir(), "team.duckdb")
	ctx := context.Background()

	cmd, out := startChild(t, "hold", path)
	if !out.Scan() || out.Text() != "ready" {
		t.Fatalf("child did not open the database: %q", out.Text())
	}
	db, err := OpenWait(ctx, path, Options{ReadOnly: true}, 200*time.Millisecond, nil)
	var le *LockError
	if err == nil || !errors.As(err, &le) {
		if db != nil {
			db.Close()
		}
		t.Fatalf("OpenWait of a held file for 200 ms: %v, want a *LockError", err)
	}

	go func() {
		time.Sleep(700 * time.Millisecond)
		cmd.Process.Kill()
	}()
	waits := 0
	start := time.Now()
	db, err = OpenWait(ctx, path, Options{}, time.Minute, func(le *LockError) {
		waits++
		if le.PID != cmd.Process.Pid {
			t.Errorf("waiting for pid %d, want the child's %d", le.PID, cmd.Process.Pid)
		}
	})
	if err != nil {
		t.Fatalf("OpenWait after the holder ended: %v", err)
	}
	db.Close()
	if waits != 1 {
		t.Errorf("waiting called %d times, want once", waits)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("opened after %v: it should open soon after the holder ends", d)
	}
}
