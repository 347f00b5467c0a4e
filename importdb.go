package taper

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/taper-run/taper/store"
)

// DBIsFolderError: the database path names a folder.
type DBIsFolderError struct{ Path string }

func (e *DBIsFolderError) Error() string {
	return fmt.Sprintf("--db %s is a folder: give the database file, e.g. --db %s", e.Path, filepath.Join(e.Path, "taper.duckdb"))
}

// ImportInto runs Import into the database at path, which open opens
// (creating it if needed), once every input is found. A dry run never opens it and reads no file of
// it. The path's folder must exist; a database created here is removed
// again when the inputs held no file (*NoFilesError), leaving nothing
// behind.
func ImportInto(ctx context.Context, path string, open func() (*store.DB, error), o ImportOptions) (*ImportResult, error) {
	for _, in := range o.Inputs {
		if _, err := os.Stat(in); err != nil {
			return nil, fmt.Errorf("%s: no such file or folder", in)
		}
	}
	real := path != "" && path != ":memory:"
	if o.DryRun {
		if real {
			o.Exclude = append(o.Exclude, path, path+".wal", path+".tmp")
		}
		return Import(ctx, nil, o)
	}
	if dir := filepath.Dir(path); real {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, WithHint(fmt.Errorf("cannot create database %s: folder %s does not exist", path, dir), "create the folder first, or give another --db")
		}
	}
	fi, statErr := os.Stat(path)
	if statErr == nil && fi.IsDir() {
		return nil, &DBIsFolderError{Path: path}
	}
	created := os.IsNotExist(statErr)
	db, err := open()
	if err != nil {
		return nil, err
	}
	defer db.Close()
	res, err := Import(ctx, db, o)
	var none *NoFilesError
	if errors.As(err, &none) && created {
		db.Close()
		os.Remove(path)
		os.Remove(path + ".wal")
	}
	return res, err
}
