package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func gz(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type member struct {
	name   string
	data   []byte
	stored bool
}

func mkzip(t testing.TB, members ...member) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, m := range members {
		h := &zip.FileHeader{Name: m.name, Method: zip.Deflate}
		if m.stored {
			h.Method = zip.Store
		}
		f, err := w.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(m.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func write(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

type walked struct {
	Path, SHA string
	Size      int64
	Err       string
}

func walkAll(t *testing.T, inputs []string, opts WalkOptions) []walked {
	t.Helper()
	var out []walked
	err := Walk(context.Background(), inputs, opts, func(e Entry) error {
		w := walked{Path: e.Path, SHA: e.SHA256, Size: e.Size}
		if e.Err != nil {
			w.Err = e.Err.Error()
			if e.Data != nil {
				t.Errorf("%s: entry with an error carries data", e.Path)
			}
		} else if int64(len(e.Data)) != e.Size && !e.HeadOnly {
			t.Errorf("%s: Size %d, len(Data) %d", e.Path, e.Size, len(e.Data))
		}
		out = append(out, w)
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return out
}

func TestWalkExport(t *testing.T) {
	dir := t.TempDir()
	fit := genFIT(t, genRun{Start: time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC), Seconds: 60, Local: time.Hour})
	gpx := []byte(`<?xml version="1.0"?><gpx version="1.1"><trk><trkseg><trkpt lat="1" lon="2"><time>2026-10-04T07:00:00Z</time></trkpt></trkseg></trk></gpx>`)
	// A Garmin-style export: a zip holding zips; one stored, one deflated.
	part := mkzip(t,
		member{name: "123.fit", data: fit},
		member{name: "124.fit.gz", data: gz(t, fit)},
		member{name: "__MACOSX/._123.fit", data: []byte("resource fork")},
		member{name: "../../evil.fit", data: fit},
		member{name: "sub/", data: nil},
		member{name: "sub/.DS_Store", data: []byte("x")},
		member{name: "sub/run.gpx", data: gpx},
	)
	export := mkzip(t,
		member{name: "DI_CONNECT/Part1.zip", data: part, stored: true},
		member{name: "DI_CONNECT/Part2.zip", data: part},
		member{name: "summary.json", data: []byte(`{}`)},
	)
	write(t, filepath.Join(dir, "in", "export.zip"), export)
	write(t, filepath.Join(dir, "in", "a.fit"), fit)
	write(t, filepath.Join(dir, "in", "b.fit.gz"), gz(t, fit))
	write(t, filepath.Join(dir, "in", ".hidden.fit"), fit)
	write(t, filepath.Join(dir, "in", "__MACOSX", "x.fit"), fit)
	write(t, filepath.Join(dir, "in", "z", "bad.gpx.gz"), []byte{0x1f, 0x8b, 8, 0, 1, 2, 3})

	in := filepath.Join(dir, "in")
	ex := filepath.Join(in, "export.zip")
	wantPaths := []string{
		filepath.Join(in, "a.fit"),
		filepath.Join(in, "b.fit.gz"),
	}
	for _, p := range []string{"Part1.zip", "Part2.zip"} {
		for _, m := range []string{"123.fit", "124.fit.gz", "../../evil.fit", "sub/run.gpx"} {
			wantPaths = append(wantPaths, ex+"!DI_CONNECT/"+p+"!"+m)
		}
	}
	wantPaths = append(wantPaths, ex+"!summary.json", filepath.Join(in, "z", "bad.gpx.gz"))

	for _, opts := range []WalkOptions{{}, {NestedBufferBytes: -1}} {
		got := walkAll(t, []string{in}, opts)
		var paths []string
		for _, w := range got {
			paths = append(paths, w.Path)
		}
		if !reflect.DeepEqual(paths, wantPaths) {
			t.Fatalf("NestedBufferBytes %d: paths\n%s\nwant\n%s", opts.NestedBufferBytes, strings.Join(paths, "\n"), strings.Join(wantPaths, "\n"))
		}
		fitSHA := got[0].SHA
		for _, w := range got {
			switch {
			case strings.HasSuffix(w.Path, ".fit"), strings.HasSuffix(w.Path, ".fit.gz"):
				if w.Err != "" || w.SHA != fitSHA || w.Size != int64(len(fit)) {
					t.Errorf("%s: sha %s size %d err %q, want the FIT file's content (gz decompressed)", w.Path, w.SHA, w.Size, w.Err)
				}
			case strings.HasSuffix(w.Path, "bad.gpx.gz"):
				if !strings.Contains(w.Err, "bad gzip data") || !strings.Contains(w.Err, "bad.gpx.gz") {
					t.Errorf("%s: error %q, want a bad gzip error naming the file", w.Path, w.Err)
				}
			default:
				if w.Err != "" {
					t.Errorf("%s: %s", w.Path, w.Err)
				}
			}
		}
	}
	// Nothing was written: the traversal name stayed a name.
	for _, p := range []string{filepath.Join(dir, "evil.fit"), filepath.Join(filepath.Dir(dir), "evil.fit"), filepath.Join(in, "evil.fit")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s exists: an archive member name was used as a path", p)
		}
	}
}

func TestWalkBounds(t *testing.T) {
	dir := t.TempDir()
	bomb := make([]byte, 4<<20) // 4 MiB of zeros compresses to a few KiB
	write(t, filepath.Join(dir, "bomb.fit.gz"), gz(t, bomb))
	write(t, filepath.Join(dir, "bomb.zip"), mkzip(t, member{name: "activities/1.fit", data: bomb},
		member{name: "activities/2.fit.gz", data: gz(t, bomb)},
		member{name: "nested.zip", data: mkzip(t, member{name: "3.fit", data: bomb})}))
	write(t, filepath.Join(dir, "big.gpx"), bytes.Repeat([]byte(" "), 3000))
	write(t, filepath.Join(dir, "ok.fit"), []byte("small"))

	for _, opts := range []WalkOptions{{MaxEntryBytes: 1 << 20, MaxGPXBytes: 2000}, {MaxEntryBytes: 1 << 20, MaxGPXBytes: 2000, NestedBufferBytes: -1}} {
		got := walkAll(t, []string{dir}, opts)
		want := map[string]string{
			"big.gpx":                      "over the 2,000 byte limit",
			"bomb.fit.gz":                  "decompresses to more than the 1,048,576 byte limit",
			"bomb.zip!activities/1.fit":    "over the 1,048,576 byte limit",
			"bomb.zip!activities/2.fit.gz": "decompresses to more than the 1,048,576 byte limit",
			"bomb.zip!nested.zip!3.fit":    "1,048,576 byte limit",
			"ok.fit":                       "",
		}
		if len(got) != len(want) {
			t.Errorf("got %d entries %v, want %d", len(got), got, len(want))
		}
		for _, w := range got {
			rel, _ := filepath.Rel(dir, w.Path)
			msg, ok := want[rel]
			if !ok {
				t.Errorf("unexpected entry %s", rel)
				continue
			}
			if (msg == "") != (w.Err == "") || !strings.Contains(w.Err, msg) || (msg != "" && !strings.Contains(w.Err, rel)) {
				t.Errorf("%s: error %q, want one naming the entry and saying %q", rel, w.Err, msg)
			}
		}
	}
}

func TestWalkFatal(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.fit"), []byte("a"))
	write(t, filepath.Join(dir, "b.fit"), []byte("b"))

	err := Walk(context.Background(), []string{dir, filepath.Join(dir, "missing.zip")}, WalkOptions{}, func(Entry) error {
		t.Error("fn called although an input does not exist")
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "missing.zip") {
		t.Errorf("missing input: %v, want an error naming it", err)
	}

	stop := errors.New("stop")
	n := 0
	err = Walk(context.Background(), []string{dir}, WalkOptions{}, func(Entry) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("fn error: Walk returned %v after %d calls, want fn's error after 1", err, n)
	}

	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err = Walk(ctx, []string{dir}, WalkOptions{}, func(Entry) error { n++; cancel(); return nil })
	if !errors.Is(err, context.Canceled) || n != 1 {
		t.Errorf("cancelled: Walk returned %v after %d calls, want context.Canceled after 1", err, n)
	}
}

func TestWalkDamagedZip(t *testing.T) {
	dir := t.TempDir()
	z := mkzip(t, member{name: "1.fit", data: []byte("one")})
	write(t, filepath.Join(dir, "cut.zip"), z[:len(z)/2])
	noise := make([]byte, 3000)
	_, _ = rand.NewChaCha8([32]byte{1}).Read(noise)
	inner := mkzip(t, member{name: "2.fit", data: noise})
	write(t, filepath.Join(dir, "outer.zip"), mkzip(t, member{name: "inner.zip", data: inner[:len(inner)/2]}))
	for _, opts := range []WalkOptions{{}, {NestedBufferBytes: -1}} {
		got := walkAll(t, []string{dir}, opts)
		if len(got) != 2 || got[0].Path != filepath.Join(dir, "cut.zip")+"!1.fit" || got[0].Err != "" {
			t.Fatalf("got %+v, want the cut zip's member (complete before the cut, in the central directory)", got)
		}
		if last := got[1]; !strings.Contains(last.Path, "outer.zip!inner.zip") || !strings.Contains(last.Err, "outer.zip!inner.zip") {
			t.Errorf("damaged nested zip: entry %+v, want an error naming outer.zip!inner.zip", last)
		}
	}
}

// TestWalkTruncatedZip: an export cut short (head -c) keeps every member
// complete before the cut, and says which member the cut fell in.
func TestWalkTruncatedZip(t *testing.T) {
	dir := t.TempDir()
	noise := make([]byte, 4000)
	_, _ = rand.NewChaCha8([32]byte{2}).Read(noise)
	z := mkzip(t, member{name: "a.fit", data: noise[:1000]}, member{name: "b.fit", data: noise[1000:2000]}, member{name: "c.fit", data: noise})
	write(t, filepath.Join(dir, "trunc.zip"), z[:2700]) // in c.fit's data
	got := walkAll(t, []string{dir}, WalkOptions{})
	if len(got) != 3 || got[0].Err != "" || got[1].Err != "" || !strings.HasSuffix(got[1].Path, "trunc.zip!b.fit") {
		t.Fatalf("got %+v, want a.fit and b.fit, then the cut", got)
	}
	if !strings.Contains(got[2].Path, "trunc.zip!c.fit") || !strings.Contains(got[2].Err, "cut short") {
		t.Errorf("the cut: %+v, want c.fit named as lost", got[2])
	}
}

func TestWalkDeepNesting(t *testing.T) {
	dir := t.TempDir()
	c := []byte("innermost content")
	b := mkzip(t, member{name: "c.fit", data: c}, member{name: "d.fit", data: c, stored: true})
	a := mkzip(t, member{name: "b.zip", data: b}, member{name: "after.fit", data: c})
	write(t, filepath.Join(dir, "outer.zip"), mkzip(t, member{name: "a.zip", data: a}, member{name: "last.fit", data: c}))
	for _, opts := range []WalkOptions{{}, {NestedBufferBytes: -1}} {
		got := walkAll(t, []string{dir}, opts)
		var paths []string
		for _, w := range got {
			rel, _ := filepath.Rel(dir, w.Path)
			paths = append(paths, rel+" "+w.Err)
		}
		want := []string{"outer.zip!a.zip!b.zip!c.fit ", "outer.zip!a.zip!b.zip!d.fit ", "outer.zip!a.zip!after.fit ", "outer.zip!last.fit "}
		if opts.NestedBufferBytes < 0 {
			// Go's zip writer puts a data descriptor after a stored member,
			// so a stream cannot find where d.fit ends: it is reported and
			// the rest of b.zip is skipped; a.zip continues after b.zip.
			want[1] = "outer.zip!a.zip!b.zip!d.fit " + filepath.Join(dir, "outer.zip!a.zip!b.zip!d.fit") +
				": stored zip member with a data descriptor cannot be streamed"
		}
		if !reflect.DeepEqual(paths, want) {
			t.Errorf("NestedBufferBytes %d:\n%s\nwant\n%s", opts.NestedBufferBytes, strings.Join(paths, "\n"), strings.Join(want, "\n"))
		}
	}
}

func TestWalkCRCMismatch(t *testing.T) {
	content := bytes.Repeat([]byte("fit data "), 200)
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.DefaultCompression)
	_, _ = fw.Write(content)
	_ = fw.Close()
	var inner bytes.Buffer
	zw := zip.NewWriter(&inner)
	raw, err := zw.CreateRaw(&zip.FileHeader{Name: "x.fit", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(content) ^ 1,
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: uint64(len(content))})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = raw.Write(comp.Bytes())
	ok, _ := zw.Create("y.fit")
	_, _ = ok.Write(content)
	_ = zw.Close()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "outer.zip"), mkzip(t, member{name: "inner.zip", data: inner.Bytes()}))
	for _, opts := range []WalkOptions{{}, {NestedBufferBytes: -1}} {
		got := walkAll(t, []string{dir}, opts)
		if len(got) != 2 || !strings.HasSuffix(got[0].Path, "inner.zip!x.fit") || got[0].Err == "" ||
			!strings.Contains(got[0].Err, "checksum") && !strings.Contains(got[0].Err, "crc-32 mismatch") || got[1].Err != "" {
			t.Errorf("NestedBufferBytes %d: %+v, want one checksum error for x.fit, then y.fit", opts.NestedBufferBytes, got)
		}
	}
}

// TestWalkGPXOverEntryBound: the GPX decoder streams, so a GPX file has
// its own bound (MaxGPXBytes), above the one of other entries held whole.
func TestWalkGPXOverEntryBound(t *testing.T) {
	dir := t.TempDir()
	doc := longGPX(200) // about 46 KB
	write(t, filepath.Join(dir, "ultra.gpx"), doc)
	write(t, filepath.Join(dir, "ultra2.gpx.gz"), gz(t, doc))
	for _, tt := range []struct {
		maxGPX int64
		err    string
	}{{100_000, ""}, {30_000, "30,000 byte limit"}} {
		got := walkAll(t, []string{dir}, WalkOptions{MaxEntryBytes: 20_000, MaxGPXBytes: tt.maxGPX})
		if len(got) != 2 {
			t.Fatalf("got %d entries %v, want 2", len(got), got)
		}
		for _, w := range got {
			if (tt.err == "") != (w.Err == "") || !strings.Contains(w.Err, tt.err) {
				t.Errorf("MaxGPXBytes %d: %s: error %q, want %q", tt.maxGPX, w.Path, w.Err, tt.err)
			}
			if w.Err == "" && w.Size != int64(len(doc)) {
				t.Errorf("%s: read %d bytes, want the whole %d", w.Path, w.Size, len(doc))
			}
		}
	}
}

// TestWalkSkipFile: SkipFile is asked about files on disk (not zips) with
// their size and modification time before they are opened; a skipped
// file is neither read nor hashed, the others carry their ModTime.
func TestWalkSkipFile(t *testing.T) {
	dir := t.TempDir()
	fit := genFIT(t, genRun{Start: time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC), Seconds: 60, Local: time.Hour})
	write(t, filepath.Join(dir, "a.fit"), fit)
	write(t, filepath.Join(dir, "b.fit"), fit[:len(fit)-1])
	write(t, filepath.Join(dir, "c.zip"), mkzip(t, member{name: "c.fit", data: fit}))
	old := time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC)
	if err := os.Chtimes(filepath.Join(dir, "a.fit"), old, old); err != nil {
		t.Fatal(err)
	}
	asked := map[string]bool{}
	opts := WalkOptions{SkipFile: func(p string, size int64, mtime time.Time) bool {
		asked[filepath.Base(p)] = true
		return size == int64(len(fit)) && mtime.Equal(old)
	}}
	got := map[string]Entry{}
	if err := Walk(context.Background(), []string{dir}, opts, func(e Entry) error { got[filepath.Base(e.Path)] = e; return nil }); err != nil {
		t.Fatal(err)
	}
	if !asked["a.fit"] || !asked["b.fit"] || asked["c.zip"] || len(got) != 3 {
		t.Fatalf("asked about %v, got %d entries; want a.fit and b.fit asked, 3 entries", asked, len(got))
	}
	if a := got["a.fit"]; !a.Skipped || a.SHA256 != "" || a.Data != nil || a.Size != int64(len(fit)) || !a.ModTime.Equal(old) {
		t.Errorf("a.fit: skipped %v sha %q size %d mtime %s; want skipped unread with its size and mtime", a.Skipped, a.SHA256, a.Size, a.ModTime)
	}
	if b := got["b.fit"]; b.Skipped || b.SHA256 == "" || b.ModTime.IsZero() {
		t.Errorf("b.fit: skipped %v sha %q mtime %s; want read, with its mtime", b.Skipped, b.SHA256, b.ModTime)
	}
	if c := got["c.zip!c.fit"]; c.Skipped || !c.ModTime.IsZero() {
		t.Errorf("c.zip!c.fit: skipped %v mtime %s; want read, no mtime (a member)", c.Skipped, c.ModTime)
	}
}
