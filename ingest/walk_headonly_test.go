package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// noiseBytes returns n pseudo-random bytes (incompressible, like video).
func noiseBytes(seed byte, n int) []byte {
	b := make([]byte, n)
	_, _ = rand.NewChaCha8([32]byte{seed}).Read(b)
	return b
}

// bigVideo is an MP4-looking file of n bytes: an ftyp box, then noise.
func bigVideo(n int) []byte {
	b := noiseBytes(7, n)
	copy(b, "\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41")
	return b
}

// bigCSV is a Strava-style sleep_data.csv of at least n bytes.
func bigCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance\n")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%d,\"Oct %d, 2026, 7:00:00 AM\",Morning Run,Run,%d,%d.%02d\n", 1000000+i, 1+i%28, 1800+i%900, 5+i%20, i%100)
	}
	return b.Bytes()
}

// bigGPX is a valid GPX 1.1 document of at least n bytes that starts the
// hard way: a BOM, blank lines, an ISO-8859-1 declaration and a comment.
func bigGPX(n int) []byte {
	var b bytes.Buffer
	b.WriteString("\xef\xbb\xbf\r\n  \n<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<!-- exported by a watch app -->\n")
	b.WriteString(`<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>Lauf</name><type>running</type><trkseg>` + "\n")
	start := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "<trkpt lat=\"%.6f\" lon=\"16.370000\"><ele>%.1f</ele><time>%s</time></trkpt>\n",
			48.2+float64(i)*3e-5, 200+float64(i%600)/10, start.Add(time.Duration(i)*time.Second).Format(time.RFC3339))
	}
	b.WriteString("</trkseg></trk></gpx>\n")
	return b.Bytes()
}

func shaHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestWalkHeadOnly: big non-activity files, on disk, gzipped and in zips
// (stored and deflated; read with random access and streamed), come out
// HeadOnly with the whole content's size and hashes, and Decode skips
// them as it would the whole content; big FIT and GPX files are still
// read whole and imported; small files are unchanged.
func TestWalkHeadOnly(t *testing.T) {
	video := bigVideo(5 << 20)
	csv := bigCSV(3 << 20)
	gpxData := bigGPX(2 << 20)
	fit := genFIT(t, genRun{Start: time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC), Seconds: 40000, Local: time.Hour})
	small := noiseBytes(9, 600<<10) // under the threshold: read whole
	junkFIT := noiseBytes(10, 2<<20)
	if len(fit) <= HeadOnlyThreshold || len(gpxData) <= HeadOnlyThreshold {
		t.Fatalf("test files too small: fit %d, gpx %d bytes", len(fit), len(gpxData))
	}
	content := map[string][]byte{"clip.mp4": video, "sleep_data.csv": csv, "run.gpx": gpxData, "long.fit": fit,
		"small.bin": small, "broken.fit": junkFIT, "sleep_data.csv.gz": csv, "clip.mp4.gz": video}
	type want struct {
		headOnly bool
		status   string
		kind     string
	}
	wants := map[string]want{
		"clip.mp4":       {true, StatusSkipped, FormatVideo},
		"sleep_data.csv": {true, StatusSkipped, FormatCSV},
		"run.gpx":        {false, StatusImported, ""},
		"long.fit":       {false, StatusImported, ""},
		"small.bin":      {false, StatusSkipped, FormatUnknown},
		"broken.fit":     {true, StatusRejected, ""}, // named like an activity: rejected, as the whole file would be
	}
	wants["sleep_data.csv.gz"] = wants["sleep_data.csv"]
	wants["clip.mp4.gz"] = wants["clip.mp4"]
	var members, deflated []member
	var raws []rawMember
	for _, name := range []string{"clip.mp4", "sleep_data.csv", "run.gpx", "long.fit", "small.bin", "broken.fit"} {
		members = append(members, member{name: "deflated/" + name, data: content[name]}, member{name: "stored/" + name, data: content[name], stored: true})
		deflated = append(deflated, member{name: "deflated/" + name, data: content[name]})
		raws = append(raws, rawMember{name: "raw/" + name, data: content[name]}, rawMember{name: "rawstored/" + name, data: content[name], stored: true})
	}
	members = append(members, member{name: "clip.mp4.gz", data: gz(t, video)})
	deflated = append(deflated, member{name: "clip.mp4.gz", data: gz(t, video)})
	// Go's zip writer puts a data descriptor after stored members, which a
	// stream cannot delimit (TestWalkDeepNesting): the nested zips hold
	// deflated members with data descriptors (sizes unknown up front), and
	// stored and deflated ones with sizes in their local headers.
	inner := mkzip(t, deflated...)
	rawInner := mkrawzip(t, raws...)

	dir := t.TempDir()
	for _, name := range []string{"clip.mp4", "sleep_data.csv", "run.gpx", "long.fit", "small.bin", "broken.fit"} {
		write(t, filepath.Join(dir, "folder", name), content[name])
	}
	write(t, filepath.Join(dir, "folder", "sleep_data.csv.gz"), gz(t, csv))
	write(t, filepath.Join(dir, "export.zip"), mkzip(t, members...))
	// Nested (deflated) zips: buffered by default, streamed with
	// NestedBufferBytes -1; the raw one has sizes in its local headers.
	write(t, filepath.Join(dir, "outer.zip"), mkzip(t, member{name: "inner.zip", data: inner}, member{name: "raw.zip", data: rawInner}))

	dec := NewDecoder(DecodeOptions{Now: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)})
	for _, nested := range []int64{0, -1} {
		t.Run(fmt.Sprintf("NestedBufferBytes=%d", nested), func(t *testing.T) {
			seen := map[string]int{}
			err := Walk(context.Background(), []string{dir}, WalkOptions{NestedBufferBytes: nested}, func(e Entry) error {
				rel, _ := filepath.Rel(dir, e.Path)
				base := rel[strings.LastIndexAny(rel, "!/\\")+1:]
				data, ok := content[base]
				if !ok {
					t.Errorf("unexpected entry %s", rel)
					return nil
				}
				seen[base]++
				w := wants[base]
				if e.Err != nil {
					t.Errorf("%s: %v", rel, e.Err)
					return nil
				}
				if e.HeadOnly != w.headOnly {
					t.Errorf("%s: HeadOnly %v, want %v", rel, e.HeadOnly, w.headOnly)
				}
				if e.Size != int64(len(data)) || e.SHA256 != shaHex(data) || e.CRC32 != crc32.ChecksumIEEE(data) {
					t.Errorf("%s: size %d sha %.12s crc %08x, want the whole content's %d %.12s %08x",
						rel, e.Size, e.SHA256, e.CRC32, len(data), shaHex(data), crc32.ChecksumIEEE(data))
				}
				switch {
				case e.HeadOnly && !bytes.Equal(e.Data, data[:HeadBytes]):
					t.Errorf("%s: HeadOnly Data is %d bytes, want the first %d of the content", rel, len(e.Data), HeadBytes)
				case !e.HeadOnly && !bytes.Equal(e.Data, data):
					t.Errorf("%s: Data is %d bytes, want the whole %d", rel, len(e.Data), len(data))
				}
				r := dec.Decode(e.Path, e.Data)
				if r.Status != w.status || r.Kind != w.kind {
					t.Errorf("%s: Decode %s %q (%v), want %s %q", rel, r.Status, r.Kind, r.Err, w.status, w.kind)
				}
				if e.HeadOnly {
					whole := dec.Decode(e.Path, data)
					if whole.Status != r.Status || whole.Kind != r.Kind || whole.Format != r.Format {
						t.Errorf("%s: Decode of the head gives %s %s %q, of the whole content %s %s %q",
							rel, r.Status, r.Format, r.Kind, whole.Status, whole.Format, whole.Kind)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// Each file: in the folder, export.zip (deflated and stored),
			// outer.zip!inner.zip (deflated), outer.zip!raw.zip (both).
			wantSeen := map[string]int{"sleep_data.csv.gz": 1, "clip.mp4.gz": 2}
			for name := range wants {
				if wantSeen[name] == 0 {
					wantSeen[name] = 6
				}
			}
			if !reflect.DeepEqual(seen, wantSeen) {
				t.Errorf("entries seen %v, want %v", seen, wantSeen)
			}
		})
	}
}

// TestWalkHeadOnlyLimits: a non-activity file over MaxEntryBytes is a quiet
// HeadOnly entry, not a "too large" error, when its bytes really exist
// (on disk, stored, or deflated at a normal ratio); an activity over it is
// still an error, and so is a zip bomb.
func TestWalkHeadOnlyLimits(t *testing.T) {
	const max = 2 << 20
	junk := noiseBytes(11, 5<<20)
	fitHead := append(genFIT(t, genRun{Start: time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC), Seconds: 60})[:14:14], noiseBytes(12, 3<<20)...)
	zeros := make([]byte, 50<<20) // deflates about 1000:1
	dir := t.TempDir()
	write(t, filepath.Join(dir, "junk.bin"), junk)
	write(t, filepath.Join(dir, "huge.fit"), fitHead)
	write(t, filepath.Join(dir, "a.zip"), mkzip(t, member{name: "junk.bin", data: junk}, member{name: "zeros.bin", data: zeros}))
	write(t, filepath.Join(dir, "zeros.bin.gz"), gz(t, zeros))
	for _, nested := range []int64{0, -1} {
		got := map[string]Entry{}
		err := Walk(context.Background(), []string{dir}, WalkOptions{MaxEntryBytes: max, NestedBufferBytes: nested}, func(e Entry) error {
			rel, _ := filepath.Rel(dir, e.Path)
			got[rel] = e
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, rel := range []string{"junk.bin", "a.zip!junk.bin"} {
			if e := got[rel]; e.Err != nil || !e.HeadOnly || e.Size != int64(len(junk)) || e.SHA256 != shaHex(junk) {
				t.Errorf("%s: err %v HeadOnly %v size %d, want a HeadOnly entry of %d bytes with its sha256", rel, e.Err, e.HeadOnly, e.Size, len(junk))
			}
		}
		if e := got["huge.fit"]; e.Err == nil || !strings.Contains(e.Err.Error(), "over the 2,097,152 byte limit") {
			t.Errorf("huge.fit: err %v, want a FIT over MaxEntryBytes reported", e.Err)
		}
		for _, rel := range []string{"a.zip!zeros.bin", "zeros.bin.gz"} {
			if e := got[rel]; e.Err == nil || !strings.Contains(e.Err.Error(), "byte limit") || e.HeadOnly {
				t.Errorf("%s: err %v HeadOnly %v, want a zip bomb reported", rel, e.Err, e.HeadOnly)
			}
		}
	}
}

// TestWalkExclude: excluded files are neither read nor passed on, and
// excluded folders not entered, however the walk names them; other files
// are read.
func TestWalkExclude(t *testing.T) {
	dir := t.TempDir()
	fit := genFIT(t, genRun{Start: time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC), Seconds: 60})
	write(t, filepath.Join(dir, "a.fit"), fit)
	write(t, filepath.Join(dir, "taper.duckdb"), fit) // content an import would take
	write(t, filepath.Join(dir, "sub", "b.fit"), fit)
	write(t, filepath.Join(dir, "taper.duckdb.tmp", "spill.fit"), fit)
	db := filepath.Join(dir, "taper.duckdb")
	t.Chdir(dir)
	var asked []string
	ex := ExcludeFiles(db, db+".wal", "taper.duckdb.tmp") // the .wal does not exist yet
	write(t, db+".wal", fit)
	opts := WalkOptions{Exclude: func(p string, fi fs.FileInfo) bool { asked = append(asked, p); return ex(p, fi) }}
	for _, in := range [][]string{{"."}, {dir}, {"taper.duckdb", "./taper.duckdb.wal", "a.fit"}} {
		asked = nil
		var paths []string
		if err := Walk(context.Background(), in, opts, func(e Entry) error {
			paths = append(paths, filepath.Base(e.Path))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		want := []string{"a.fit", "b.fit"}
		if len(in) == 3 {
			want = []string{"a.fit"}
		}
		if !reflect.DeepEqual(paths, want) {
			t.Errorf("inputs %v: entries %v, want %v", in, paths, want)
		}
		wantAsked := len(want) + 2
		if len(in) == 1 {
			wantAsked += 2 // the folders sub and taper.duckdb.tmp
		}
		if len(asked) != wantAsked {
			t.Errorf("inputs %v: Exclude asked about %v, want every file on disk and every folder inside an input", in, asked)
		}
	}
	if ExcludeFiles(db)("sub/b.fit", nil) || !ExcludeFiles("./taper.duckdb")(db, nil) {
		t.Error("ExcludeFiles matches the wrong files")
	}
}

// walkAlloc walks inputs and returns the bytes allocated meanwhile and
// the entries' sizes.
func walkAlloc(t testing.TB, inputs []string, opts WalkOptions) (alloc uint64, sizes []int64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err := Walk(context.Background(), inputs, opts, func(e Entry) error {
		if e.Err != nil {
			t.Errorf("%s: %v", e.Path, e.Err)
		}
		sizes = append(sizes, e.Size)
		return nil
	})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	return after.TotalAlloc - before.TotalAlloc, sizes
}

// TestWalkHeadOnlyMemory: walking a 50 MiB junk file, on disk, as a stored
// zip member and as a streamed deflated member with a data descriptor (its
// size unknown up front), allocates a few MiB, not 50.
func TestWalkHeadOnlyMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 150 MiB of test files")
	}
	const n = 50 << 20
	junk := noiseBytes(13, n)
	dir := t.TempDir()
	write(t, filepath.Join(dir, "disk", "video.mov"), junk)
	write(t, filepath.Join(dir, "stored.zip"), mkzip(t, member{name: "video.mov", data: junk, stored: true}))
	write(t, filepath.Join(dir, "nested.zip"), mkzip(t, member{name: "inner.zip", data: mkzip(t, member{name: "video.mov", data: junk})}))
	junk = nil
	for _, tc := range []struct {
		in   string
		opts WalkOptions
	}{
		{"disk", WalkOptions{}},
		{"stored.zip", WalkOptions{}},
		{"nested.zip", WalkOptions{NestedBufferBytes: -1}},
	} {
		alloc, sizes := walkAlloc(t, []string{filepath.Join(dir, tc.in)}, tc.opts)
		if len(sizes) != 1 || sizes[0] != n {
			t.Errorf("%s: entry sizes %v, want one of %d", tc.in, sizes, n)
		}
		if alloc > 4<<20 {
			t.Errorf("%s: walking a %d MiB junk file allocated %.1f MiB, want under 4", tc.in, n>>20, float64(alloc)/(1<<20))
		}
		t.Logf("%s: %.2f MiB allocated", tc.in, float64(alloc)/(1<<20))
	}
}

// BenchmarkWalkHeadOnly walks a folder holding a 50 MiB video: B/op shows
// that it is hashed, not held (about 85 KB, not 50 MiB).
func BenchmarkWalkHeadOnly(b *testing.B) {
	dir := b.TempDir()
	write(b, filepath.Join(dir, "video.mp4"), bigVideo(50<<20))
	b.SetBytes(50 << 20)
	b.ReportAllocs()
	for b.Loop() {
		if err := Walk(context.Background(), []string{dir}, WalkOptions{}, func(e Entry) error {
			if !e.HeadOnly {
				b.Fatalf("%s: not HeadOnly", e.Path)
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
}
