package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// healthCtx tells the walker how to read an Apple Health export.xml
// again (its second pass) and the route files beside it. The walker sets
// it for the file or zip member being read; nil when neither is possible
// (a zip inside a zip read as a stream: one pass, routes not read).
type healthCtx struct {
	reopen  HealthOpen
	route   func(ref string) ([]byte, error)
	display func(ref string) string // the Entry.Path a route file would have
}

// isXMLName reports whether a file may be an Apple Health export by its
// name (export.xml, or a localised name such as Exportieren.xml): only
// such files are read as a stream when they are one.
func isXMLName(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".xml") || strings.HasSuffix(n, ".xml.gz")
}

// isHealthExportName reports whether a zip member is named like the
// export.xml of an Apple Health export (walked before its routes).
func isHealthExportName(name string) bool {
	return path.Base(strings.NewReplacer("\\", "/", "!", "/").Replace(name)) == "export.xml"
}

// isHealthHead reports whether head starts an Apple Health export.
func isHealthHead(name string, head []byte) bool {
	return Sniff(name, head) == FormatAppleHealth
}

// health reads an Apple Health export.xml from r (its first HeadBytes
// already in head) with ReadHealthExport, hashing it on the way: the
// Entry carries the export's workouts (Health) and its head only, as a
// HeadOnly one. The route files it references are marked so that, met
// later in the walk, they are passed on as part of it (Entry.PartOf).
func (w *walker) health(name string, r io.Reader, head []byte, readErr func(error) Entry) Entry {
	sum, crc := sha256.New(), crc32.NewIEEE()
	cr := &countingReader{r: io.TeeReader(io.MultiReader(bytes.NewReader(head), r), io.MultiWriter(sum, crc))}
	ctx := w.cur
	var reopen HealthOpen
	var route func(string) ([]byte, error)
	if ctx != nil {
		reopen, route = ctx.reopen, ctx.route
	}
	var progress func(int64)
	if w.opts.Progress != nil {
		progress = func(n int64) { w.opts.Progress(name, n) }
	}
	h := ReadHealthExport(cr, reopen, route, progress)
	if _, err := io.Copy(io.Discard, cr); err != nil { // hash what the parser left (after damage)
		return readErr(err)
	}
	if ctx != nil {
		for _, ref := range h.Routes {
			if w.partOf == nil {
				w.partOf = map[string]string{}
			}
			w.partOf[ctx.display(ref)] = name
		}
	}
	return Entry{Path: name, Size: cr.n, SHA256: hex.EncodeToString(sum.Sum(nil)), CRC32: crc.Sum32(),
		Data: head[:len(head):len(head)], HeadOnly: true, Health: h}
}

// gunzipped returns rc's content, decompressed when it is gzip data.
func gunzipped(rc io.ReadCloser) (io.ReadCloser, error) {
	br := bufio.NewReader(rc)
	if m, _ := br.Peek(2); len(m) == 2 && m[0] == 0x1f && m[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			rc.Close()
			return nil, err
		}
		return struct {
			io.Reader
			io.Closer
		}{zr, rc}, nil
	}
	return struct {
		io.Reader
		io.Closer
	}{br, rc}, nil
}

// readBounded reads at most limit bytes of r, or fails.
func readBounded(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("over the %s byte limit", commas(int(limit)))
	}
	return data, nil
}

// diskHealth is the healthCtx of a file on disk.
func (w *walker) diskHealth(display, osPath string) *healthCtx {
	return &healthCtx{
		reopen: func() (io.ReadCloser, error) {
			f, err := os.Open(osPath)
			if err != nil {
				return nil, err
			}
			return gunzipped(f)
		},
		route: func(ref string) ([]byte, error) {
			f, err := os.Open(filepath.Join(filepath.Dir(osPath), filepath.FromSlash(strings.TrimPrefix(path.Clean("/"+ref), "/"))))
			if err != nil {
				return nil, err
			}
			defer f.Close()
			return readBounded(f, w.opts.MaxGPXBytes)
		},
		display: func(ref string) string {
			return filepath.Join(filepath.Dir(display), filepath.FromSlash(strings.TrimPrefix(path.Clean("/"+ref), "/")))
		},
	}
}

// zipHealth is the healthCtx of a member of a zip read with random access.
func (w *walker) zipHealth(display string, zr *zip.Reader, f *zip.File) *healthCtx {
	member := func(ref string) *zip.File {
		want := healthRoutePath(f.Name, ref)
		for _, g := range zr.File {
			if g.Name == want {
				return g
			}
		}
		return nil
	}
	return &healthCtx{
		reopen: func() (io.ReadCloser, error) {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			return gunzipped(rc)
		},
		route: func(ref string) ([]byte, error) {
			g := member(ref)
			if g == nil {
				return nil, fmt.Errorf("not in the archive")
			}
			rc, err := g.Open()
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			return readBounded(rc, w.opts.MaxGPXBytes)
		},
		display: func(ref string) string { return display + "!" + healthRoutePath(f.Name, ref) },
	}
}
