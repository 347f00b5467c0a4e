package taper

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// argError is a bad command-line argument (IsUsage: taper exits 2).
type argError struct{ err error }

func (e *argError) Error() string    { return e.err.Error() }
func (e *argError) Unwrap() error    { return e.err }
func (e *argError) UsageError() bool { return true }

// WriteOutput runs fn on the -o file or on stdout ("" or "-"). A regular
// file is written whole to a temporary file and then renamed into place
// (keeping an existing file's mode; a new one gets the umask's), so a
// failed report never leaves half a file; anything else (a device, a
// symlink, a pipe) is written in place.
func WriteOutput(path string, stdout io.Writer, fn func(io.Writer) error) error {
	if path == "" || path == "-" {
		return fn(stdout)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return &argError{fmt.Errorf("-o %s is a folder: give a file name, e.g. -o %s", path, filepath.Join(path, "report.html"))}
	}
	if d, err := os.Stat(filepath.Dir(path)); err != nil || !d.IsDir() {
		return fmt.Errorf("cannot write %s: folder %s does not exist", path, filepath.Dir(path))
	}
	fi, err := os.Lstat(path)
	if err == nil && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return fmt.Errorf("cannot write %s: %w", path, err)
		}
		if err := fn(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	tmp := filepath.Join(filepath.Dir(path), fmt.Sprintf(".taper-%d-%d.tmp", os.Getpid(), time.Now().UnixNano()))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666) // the umask applies
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := fn(f); err != nil {
		return fail(err)
	}
	if fi != nil {
		if err := f.Chmod(fi.Mode().Perm()); err != nil {
			return fail(err)
		}
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}

// CheckOutput refuses an -o file that is the database (or its WAL): a
// report written there would destroy it.
func CheckOutput(output, db string) error {
	if output == "" || output == "-" || db == "" || db == ":memory:" {
		return nil
	}
	out, err := os.Stat(output)
	if err != nil {
		return nil // a new file is not the database
	}
	for _, p := range []string{db, db + ".wal"} {
		if fi, err := os.Stat(p); err == nil && os.SameFile(out, fi) {
			return &argError{fmt.Errorf("-o %s is the database %s: give another file", output, p)}
		}
	}
	return nil
}
