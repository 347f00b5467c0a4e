package taper

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taper-run/taper/store"
)

func TestImportIntoLeavesNoEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "new.duckdb")
	open := func() (*store.DB, error) { return store.Open(ctx, path, store.Options{}) }
	opts := ImportOptions{Athlete: "alice", Inputs: []string{t.TempDir()}, Jobs: 1}

	_, err := ImportInto(ctx, path, open, opts)
	var none *NoFilesError
	if !errors.As(err, &none) {
		t.Fatalf("empty folder: got %v, want a *NoFilesError", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the database created for nothing is still there (stat: %v)", err)
	}

	_, err = ImportInto(ctx, dir, open, opts)
	var fe *DBIsFolderError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), filepath.Join(dir, "taper.duckdb")) {
		t.Errorf("database path is a folder: got %v, want a *DBIsFolderError naming a file in it", err)
	}

	missing := filepath.Join(dir, "nope", "x.duckdb")
	if _, err := ImportInto(ctx, missing, open, opts); err == nil || !strings.Contains(err.Error(), "does not exist") || HintOf(err) == "" {
		t.Errorf("missing folder: got %v (hint %q), want an error with a hint", err, HintOf(err))
	}

	gone := filepath.Join(dir, "gone.zip")
	if _, err := ImportInto(ctx, path, open, ImportOptions{Athlete: "alice", Inputs: []string{gone}, DryRun: true}); err == nil || !strings.Contains(err.Error(), gone) {
		t.Errorf("missing input: got %v, want an error naming it", err)
	}
}
