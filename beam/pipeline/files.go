package pipeline

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	// The file systems ROOT and OUT may name: local paths, gs://, s3://.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/s3"

	"github.com/taper-run/taper/ingest"
)

// isURL reports whether p names a Beam file system (gs://, s3://, ...)
// rather than a local path.
func isURL(p string) bool { return strings.Contains(p, "://") }

// join joins a folder and a name, for local paths and URLs alike.
func join(dir, name string) string {
	if isURL(dir) {
		return strings.TrimSuffix(dir, "/") + "/" + name
	}
	return filepath.Join(dir, name)
}

// AthleteDir is one athlete's folder under the input root.
type AthleteDir struct {
	Athlete string
	Dir     string
}

// ListAthletes lists the athlete folders under root (a local folder or a
// Beam file system URL), by name. Dot-folders are left out, as taper
// import leaves them out.
func ListAthletes(ctx context.Context, root string) ([]AthleteDir, error) {
	var names []string
	if !isURL(root) {
		entries, err := os.ReadDir(root)
		if err != nil {
			return nil, fmt.Errorf("input %s: %w (give a folder holding one folder per athlete)", root, err)
		}
		for _, e := range entries {
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				names = append(names, e.Name())
			}
		}
	} else {
		fs, err := filesystem.New(ctx, root)
		if err != nil {
			return nil, fmt.Errorf("input %s: %w", root, err)
		}
		defer fs.Close()
		files, err := fs.List(ctx, strings.TrimSuffix(root, "/")+"/*/**")
		if err != nil {
			return nil, fmt.Errorf("input %s: %w", root, err)
		}
		seen := map[string]bool{}
		prefix := strings.TrimSuffix(root, "/") + "/"
		for _, f := range files {
			rest := strings.TrimPrefix(f, prefix)
			name, _, ok := strings.Cut(rest, "/")
			if ok && !seen[name] && !strings.HasPrefix(name, ".") {
				seen[name] = true
				names = append(names, name)
			}
		}
	}
	sort.Strings(names)
	out := make([]AthleteDir, len(names))
	for i, n := range names {
		out[i] = AthleteDir{Athlete: n, Dir: join(root, n)}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("input %s: no athlete folders (lay it out as %s/<athlete>/<files, folders, export zips>)", root, root)
	}
	return out, nil
}

// listFiles lists the files of an athlete's folder in the order taper
// import walks them. For a local folder it asks ingest.Walk itself (its
// Exclude hook names every file before it is opened), so the order and the
// files left out (dot-files, __MACOSX...) are the CLI's.
func listFiles(ctx context.Context, dir string) ([]string, error) {
	if !isURL(dir) {
		var files []string
		err := ingest.Walk(ctx, []string{dir}, ingest.WalkOptions{Exclude: func(p string, fi fs.FileInfo) bool {
			if fi == nil { // a folder (or a file that cannot be stat'ed)
				if fi, err := os.Stat(p); err == nil && fi.IsDir() {
					return false // enter it
				}
			}
			files = append(files, p)
			return true // named, not read
		}}, func(ingest.Entry) error { return nil })
		return files, err
	}
	fs, err := filesystem.New(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	files, err := fs.List(ctx, strings.TrimSuffix(dir, "/")+"/**")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range files {
		if skipName(f) {
			continue
		}
		out = append(out, f)
	}
	sort.Strings(out)
	return out, nil
}

// skipName is OS clutter in a listing of a remote folder (dot-files,
// __MACOSX, AppleDouble files), which taper import skips on disk.
func skipName(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if strings.HasPrefix(part, ".") || part == "__MACOSX" {
			return true
		}
	}
	base := path.Base(p)
	return base == "Thumbs.db" || base == "desktop.ini"
}

// walkFile walks one file (local or remote) with ingest.Walk. A remote
// file is copied to a local temporary file first (ingest reads archives
// with random access); entry paths name the original.
func walkFile(ctx context.Context, p string, opts ingest.WalkOptions, fn func(ingest.Entry) error) error {
	if !isURL(p) {
		return ingest.Walk(ctx, []string{p}, opts, fn)
	}
	fs, err := filesystem.New(ctx, p)
	if err != nil {
		return err
	}
	defer fs.Close()
	r, err := fs.OpenRead(ctx, p)
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	defer r.Close()
	dir, err := os.MkdirTemp("", "taper-beam-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	local := filepath.Join(dir, path.Base(p))
	f, err := os.Create(local)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return fmt.Errorf("%s: copy to the worker: %w", p, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	rename := func(s string) string {
		if strings.HasPrefix(s, local) {
			return p + strings.TrimPrefix(s, local)
		}
		return s
	}
	if skip := opts.Skip; skip != nil {
		opts.Skip = func(name string, size int64, crc uint32) bool { return skip(rename(name), size, crc) }
	}
	return ingest.Walk(ctx, []string{local}, opts, func(e ingest.Entry) error {
		e.Path = rename(e.Path)
		return fn(e)
	})
}
