package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// rawMember is a zip member written with its sizes and CRC-32 in the local
// header (no data descriptor), as streamed walks can skip it. corrupt
// members claim data's size and CRC but hold invalid deflate data; descr
// members are written the usual way, with a data descriptor.
type rawMember struct {
	name            string
	data            []byte
	stored, corrupt bool
	descr           bool
}

func deflate(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	fw, err := flate.NewWriter(&b, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func mkrawzip(t testing.TB, members ...rawMember) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, m := range members {
		if m.descr {
			f, err := w.Create(m.name)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Write(m.data); err != nil {
				t.Fatal(err)
			}
			continue
		}
		h := &zip.FileHeader{Name: m.name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(m.data), UncompressedSize64: uint64(len(m.data))}
		body := m.data
		switch {
		case m.stored:
			h.Method = zip.Store
		case m.corrupt:
			body = bytes.Repeat([]byte{0xff}, 64) // BTYPE 11: not a valid deflate block
		default:
			body = deflate(t, m.data)
		}
		h.CompressedSize64 = uint64(len(body))
		f, err := w.CreateRaw(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type skipCall struct {
	Size int64
	CRC  uint32
}

func TestWalkSkip(t *testing.T) {
	noise := func(seed byte, n int) []byte {
		b := make([]byte, n)
		_, _ = rand.NewChaCha8([32]byte{seed}).Read(b)
		return b
	}
	a, b, c, e, z := noise(1, 5000), noise(2, 7000), noise(3, 3000), noise(4, 4000), noise(5, 100)
	big := make([]byte, 4<<20) // over MaxEntryBytes below: reading it would fail
	badGz := gz(t, z)          // valid gzip header and trailer, invalid deflate data: gunzipping it would fail
	for i := 10; i < len(badGz)-8; i++ {
		badGz[i] = 0xff
	}
	inner := mkrawzip(t,
		rawMember{name: "a.fit", data: a},
		rawMember{name: "b.fit", data: b},
		rawMember{name: "big.fit", data: big},
		rawMember{name: "corrupt.fit", data: b, corrupt: true},
		rawMember{name: "c.fit.gz", data: gz(t, c), stored: true},
		rawMember{name: "e.fit", data: e, descr: true},
		rawMember{name: "f.fit.gz", data: gz(t, z)},
		rawMember{name: "g.gpx.gz", data: gz(t, a), descr: true},
		rawMember{name: "h.fit.gz", data: badGz},
		rawMember{name: "z.fit", data: z, stored: true},
	)
	dir := t.TempDir()
	write(t, filepath.Join(dir, "export.zip"), mkzip(t,
		member{name: "DI_CONNECT/Part1.zip", data: inner, stored: true},
		member{name: "DI_CONNECT/Part2.zip", data: inner},
	))
	write(t, filepath.Join(dir, "d.fit.gz"), gz(t, c))
	write(t, filepath.Join(dir, "plain.fit"), a)

	content := map[string][]byte{"a.fit": a, "b.fit": b, "big.fit": big, "corrupt.fit": b, "c.fit.gz": c, "e.fit": e, "f.fit.gz": z, "g.gpx.gz": a, "h.fit.gz": z, "z.fit": z, "d.fit.gz": c, "plain.fit": a}
	skipBase := map[string]bool{"b.fit": true, "big.fit": true, "corrupt.fit": true, "c.fit.gz": true, "e.fit": true, "f.fit.gz": true, "g.gpx.gz": true, "h.fit.gz": true, "d.fit.gz": true, "plain.fit": true}
	base := func(p string) string { return p[strings.LastIndexAny(p, "!/\\")+1:] }

	for _, nested := range []int64{0, -1} {
		t.Run(fmt.Sprintf("NestedBufferBytes=%d", nested), func(t *testing.T) {
			calls := map[string]skipCall{}
			opts := WalkOptions{MaxEntryBytes: 1 << 20, NestedBufferBytes: nested, Skip: func(p string, size int64, crc uint32) bool {
				if _, dup := calls[p]; dup {
					t.Errorf("Skip called twice for %s", p)
				}
				calls[p] = skipCall{size, crc}
				return skipBase[base(p)]
			}}
			var paths []string
			err := Walk(context.Background(), []string{dir}, opts, func(en Entry) error {
				rel, _ := filepath.Rel(dir, en.Path)
				paths = append(paths, rel)
				// Streamed, a member with a data descriptor can be skipped
				// only if it is gzip data (by its trailer).
				streamed := nested < 0 && strings.Contains(rel, "Part2.zip!")
				wantSkip := skipBase[base(rel)] && !(streamed && base(rel) == "e.fit") && rel != "plain.fit"
				want := content[base(rel)]
				switch {
				case en.Err != nil:
					t.Errorf("%s: %v", rel, en.Err)
				case en.Skipped != wantSkip:
					t.Errorf("%s: Skipped %v, want %v", rel, en.Skipped, wantSkip)
				case en.Skipped:
					if en.Data != nil || en.SHA256 != "" || en.Size != int64(len(want)) || en.CRC32 != crc32.ChecksumIEEE(want) {
						t.Errorf("%s: skipped entry size %d crc %08x sha %q data %d bytes, want size %d crc %08x and no data",
							rel, en.Size, en.CRC32, en.SHA256, len(en.Data), len(want), crc32.ChecksumIEEE(want))
					}
					if c := calls[en.Path]; c.Size != en.Size || c.CRC != en.CRC32 {
						t.Errorf("%s: Skip asked with size %d crc %08x, skipped entry has %d %08x", rel, c.Size, c.CRC, en.Size, en.CRC32)
					}
				default:
					if !bytes.Equal(en.Data, want) || en.CRC32 != crc32.ChecksumIEEE(en.Data) || en.Size != int64(len(en.Data)) {
						t.Errorf("%s: read entry crc %08x size %d, want the content with its crc-32", rel, en.CRC32, en.Size)
					}
					// What Skip was asked is what the entry turned out to be.
					if c, ok := calls[en.Path]; ok && (c.Size != en.Size || c.CRC != en.CRC32) {
						t.Errorf("%s: Skip asked with size %d crc %08x, entry has %d %08x", rel, c.Size, c.CRC, en.Size, en.CRC32)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, p := range []string{"Part1.zip", "Part2.zip"} {
				for _, m := range []string{"a.fit", "b.fit", "big.fit", "corrupt.fit", "c.fit.gz", "e.fit", "f.fit.gz", "g.gpx.gz", "h.fit.gz", "z.fit"} {
					want = append(want, "export.zip!DI_CONNECT/"+p+"!"+m)
				}
			}
			want = append([]string{"d.fit.gz"}, append(want, "plain.fit")...)
			if !reflect.DeepEqual(paths, want) {
				t.Errorf("paths\n%s\nwant\n%s", strings.Join(paths, "\n"), strings.Join(want, "\n"))
			}
			for p := range calls {
				if strings.HasSuffix(p, ".zip") || strings.HasSuffix(p, "plain.fit") {
					t.Errorf("Skip asked about %s: containers and plain files are always read", p)
				}
			}
		})
	}
}

// TestWalkSkipNil: a Skip that declines everything changes nothing, and
// every read entry carries the CRC-32 of its data.
func TestWalkSkipNil(t *testing.T) {
	dir := t.TempDir()
	payload := bytes.Repeat([]byte("record "), 900)
	inner := mkrawzip(t, rawMember{name: "a.fit", data: payload},
		rawMember{name: "b.fit.gz", data: gz(t, payload), stored: true}, rawMember{name: "c.fit", data: payload[:10], descr: true},
		rawMember{name: "d.gpx.gz", data: gz(t, payload)}, rawMember{name: "e.fit.gz", data: gz(t, payload[:99]), descr: true},
		rawMember{name: "bad.fit", data: payload, corrupt: true}, rawMember{name: "z.fit", data: payload})
	write(t, filepath.Join(dir, "export.zip"), mkzip(t, member{name: "p1.zip", data: inner, stored: true}, member{name: "p2.zip", data: inner}))
	write(t, filepath.Join(dir, "x.fit.gz"), gz(t, payload))
	type out struct {
		Path, SHA, Err string
		Size           int64
		CRC            uint32
		Skipped        bool
	}
	for _, nested := range []int64{0, -1} {
		run := func(skip func(string, int64, uint32) bool) []out {
			var got []out
			err := Walk(context.Background(), []string{dir}, WalkOptions{NestedBufferBytes: nested, Skip: skip}, func(e Entry) error {
				o := out{Path: e.Path, SHA: e.SHA256, Size: e.Size, CRC: e.CRC32, Skipped: e.Skipped}
				if e.Err != nil {
					o.Err = e.Err.Error()
				} else if e.CRC32 != crc32.ChecksumIEEE(e.Data) {
					t.Errorf("%s: CRC32 %08x, data's is %08x", e.Path, e.CRC32, crc32.ChecksumIEEE(e.Data))
				}
				got = append(got, o)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		asked := 0
		none, declined := run(nil), run(func(string, int64, uint32) bool { asked++; return false })
		if !reflect.DeepEqual(none, declined) || asked == 0 {
			t.Errorf("NestedBufferBytes %d: Skip nil gave\n%+v\nSkip declining (asked %d times) gave\n%+v", nested, none, asked, declined)
		}
		errs := 0
		for _, o := range none {
			if o.Skipped {
				t.Errorf("%s: skipped with Skip nil", o.Path)
			}
			if o.Err != "" {
				errs++
			}
		}
		if errs != 2 || len(none) < 14 { // bad.fit in each inner zip (streamed, z.fit after it is lost with it)
			t.Errorf("NestedBufferBytes %d: %d errors, want bad.fit reported in both inner zips: %+v", nested, errs, none)
		}
	}
}

// benchExport writes a Garmin-style export of n members of about 80 KB of
// FIT-like bytes: an outer zip holding a stored inner zip (read in place
// with its central directory), or a deflated one streamed by its local
// headers (members with their sizes in the local header).
func benchExport(b *testing.B, n int, streamed bool) string {
	b.Helper()
	r := rand.New(rand.NewChaCha8([32]byte{9}))
	var members []rawMember
	for i := range n {
		data := make([]byte, 80_000+r.IntN(1000))
		for j := range data {
			data[j] = byte(j%16)*8 + byte(r.Uint32()&7) // record-like: compresses about 2:1
		}
		members = append(members, rawMember{name: fmt.Sprintf("%d.fit", 1000+i), data: data})
	}
	inner := mkrawzip(b, members...)
	export := mkzip(b, member{name: "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", data: inner, stored: !streamed})
	p := filepath.Join(b.TempDir(), "export.zip")
	if err := os.WriteFile(p, export, 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

const benchMembers = 500

func benchWalk(b *testing.B, skip bool) {
	for _, streamed := range []bool{false, true} {
		name := "stored-inner"
		if streamed {
			name = "streamed-inner"
		}
		b.Run(name, func(b *testing.B) {
			p := benchExport(b, benchMembers, streamed)
			opts := WalkOptions{NestedBufferBytes: -1}
			if skip {
				opts.Skip = func(string, int64, uint32) bool { return true }
			}
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				err := Walk(context.Background(), []string{p}, opts, func(e Entry) error {
					if e.Err != nil {
						return e.Err
					}
					if e.Skipped != skip {
						return fmt.Errorf("%s: Skipped %v", e.Path, e.Skipped)
					}
					n++
					return nil
				})
				if err != nil || n != benchMembers {
					b.Fatalf("walked %d entries: %v", n, err)
				}
			}
			b.ReportMetric(float64(benchMembers*b.N)/b.Elapsed().Seconds(), "files/s")
		})
	}
}

// BenchmarkWalk walks a generated export of 500 members of about 80 KB,
// reading (inflating, hashing) every member.
//
//	go test ./ingest -run '^$' -bench 'Walk(Skip)?$' -benchmem
func BenchmarkWalk(b *testing.B) { benchWalk(b, false) }

// BenchmarkWalkSkip walks the same export with a Skip that accepts every
// member: nothing is inflated or hashed (a re-import).
func BenchmarkWalkSkip(b *testing.B) { benchWalk(b, true) }
