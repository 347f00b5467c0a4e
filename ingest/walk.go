package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
)

// Walk defaults and bounds.
const (
	// DefaultMaxEntryBytes bounds the decompressed size of one entry (a file,
	// a .gz, a zip member) held in memory: a bigger one is reported as an
	// Entry error, so a zip bomb cannot exhaust memory. A HeadOnly entry is
	// not held, so only compressed data beyond maxExpansion is limited.
	// Only activity files and containers are held (see HeadOnly): 32 MB of
	// FIT is about 280 hours of 1 Hz records, and decoding it holds about
	// 160 MB (see Budget; such an entry is decoded alone).
	DefaultMaxEntryBytes = 32 << 20
	// DefaultNestedBufferBytes: a compressed zip inside a zip whose
	// uncompressed size is at most this is read into memory and opened
	// with random access; a bigger one is streamed by its local headers.
	DefaultNestedBufferBytes = 16 << 20
	// maxZipDepth bounds zips nested in zips.
	maxZipDepth = 4
	// HeadOnlyThreshold: an entry bigger than this whose first HeadBytes
	// are not an activity format or a container (see Entry.HeadOnly) is
	// hashed as a stream, not kept in memory.
	HeadOnlyThreshold = 1 << 20
	// HeadBytes is how much of a big entry is read to sniff its format,
	// and what a HeadOnly entry's Data holds.
	HeadBytes = 8 << 10
	// maxExpansion: compressed data that is not an activity is hashed up
	// to max(MaxEntryBytes, maxExpansion × its compressed size); more than
	// that is a zip bomb, reported as an error. Stored data (a plain file,
	// a stored member) is never limited: its bytes really exist.
	maxExpansion = 64
	// defaultStreamBytes is the zip-bomb bound of data that is hashed as a
	// stream and never held (HeadOnly), with the default MaxEntryBytes.
	defaultStreamBytes = 1 << 30
)

// Entry is one file found in the inputs, read fully into memory (bounded),
// or, when it is big and not an activity, only its head (HeadOnly), or,
// when WalkOptions.Skip said so, named without being read.
type Entry struct {
	Path   string // as the user gave it; inside archives "export.zip!DI_CONNECT/.../Part1.zip!123.fit"; a .gz keeps its own name
	Size   int64  // bytes of the content (len(Data) unless HeadOnly); for a Skipped entry the size the archive header (or gzip trailer) gave
	SHA256 string // hex sha256 of the whole content (decompressed: a .fit and its .fit.gz have the same hash); "" when Skipped
	CRC32  uint32 // CRC-32 (IEEE) of the whole content; for a Skipped entry the CRC the archive header (or gzip trailer) gave
	// ModTime is the modification time of a file on disk (not of an
	// archive member, whose ModTime is zero), as Walk found it before
	// reading; WalkOptions.SkipFile is asked about it.
	ModTime time.Time
	Data    []byte // the content; only its first HeadBytes when HeadOnly
	Err     error  // non-nil: the entry could not be read (bad gzip, too large, unreadable zip...); Data is nil
	// Skipped: WalkOptions.Skip returned true for this entry, so it was
	// neither decompressed nor hashed; Data is nil and SHA256 is "".
	Skipped bool
	// HeadOnly: the content is bigger than HeadOnlyThreshold and its first
	// HeadBytes are neither FIT, nor XML that could be GPX, nor gzip, nor
	// zip (a video, a photo, a JSON or CSV dump, a database...). The rest
	// was streamed through the hashes, never kept: Data holds the first
	// HeadBytes, while Size, SHA256 and CRC32 describe the whole content.
	// Decoder.Decode(Path, Data) gives the Result the whole content would
	// (skipped by its kind, or rejected when named like a FIT or GPX file).
	// Such an entry is never "too large": only an activity must fit in
	// memory.
	HeadOnly bool
	// Health: the entry is an Apple Health export.xml, read while walking
	// (in two passes when the file or zip member can be opened again, see
	// ReadHealthExport); it is also HeadOnly. Decoder.DecodeEntry turns
	// it into activities.
	Health *HealthExport
	// PartOf: the entry is a route file (workout-routes/*.gpx) that the
	// Apple Health export named here references and that was read with
	// it: not an activity of its own (Decoder.DecodeEntry skips it).
	PartOf string
}

// WalkOptions bound what Walk reads.
type WalkOptions struct {
	MaxEntryBytes int64 // decompression bound per entry held in memory (see DefaultMaxEntryBytes); 0 = DefaultMaxEntryBytes
	MaxGPXBytes   int64 // .gpx entries larger than this are reported, not read; 0 = DefaultMaxGPXBytes
	// NestedBufferBytes: see DefaultNestedBufferBytes; 0 = that default,
	// negative = always stream nested zips.
	NestedBufferBytes int64
	// Skip, when not nil, is asked once about every file whose
	// decompressed size and CRC-32 are known before it is decompressed:
	// zip members (from the central directory, or from a streamed local
	// header without a data descriptor), and gzip data (a .gz file on
	// disk, a .gz zip member) by its trailer, whose size is modulo 2^32
	// (a .gz member in a zip is taken out of the zip first, not gunzipped).
	// size and crc32 are what Entry.Size and Entry.CRC32 would be if the
	// file were read. If Skip returns true the file is neither
	// decompressed nor hashed, and fn gets Entry{Path, Size, CRC32,
	// Skipped: true}. Nested zips are walked, never skipped; plain files
	// on disk and non-gzip members of a streamed zip whose sizes follow
	// their data are always read. Skip runs on Walk's goroutine, before
	// any size limit applies.
	Skip func(path string, size int64, crc32 uint32) bool
	// SkipFile, when not nil, is asked about every file on disk that is
	// not a zip archive (inputs and files found in input folders) with
	// its size and modification time, before it is opened. If it returns
	// true the file is neither read nor hashed, and fn gets Entry{Path,
	// Size, ModTime, Skipped: true}: a re-import of a folder only lists
	// it. A file written again since (another size or modification time)
	// is asked about with its new values. Zip archives are always opened
	// (their members are asked about through Skip).
	SkipFile func(path string, size int64, mtime time.Time) bool
	// Exclude, when not nil, is asked about every file on disk (inputs
	// and files found in input folders, named as Entry.Path names them)
	// before it is opened; a file it returns true for is neither read nor
	// passed to fn. It is also asked about the folders found inside input
	// folders: one it returns true for is not entered (DuckDB's
	// "taper.duckdb.tmp" spill folder). It is not asked about archive
	// members. fi is the file's os.Stat, so a check by identity need not
	// stat it again; it is nil for folders and for a file that could not
	// be stat'ed. ExcludeFiles builds one from a list of paths (taper's
	// own database and its .wal, which may sit in the folder being
	// imported).
	Exclude func(path string, fi fs.FileInfo) bool
	// Progress, when not nil, is called now and then while a big file is
	// read as a stream (an Apple Health export.xml), with the bytes read
	// so far, so a long single file can show progress.
	Progress func(path string, read int64)
}

// ExcludeFiles returns a WalkOptions.Exclude that matches the given files
// or folders however they are named: by absolute, cleaned path, and for
// those that exist now, by identity (os.SameFile), so "./taper.duckdb", an
// absolute path and a symlink all match. Paths that do not exist yet (a
// .wal) are matched by path only.
func ExcludeFiles(paths ...string) func(path string, fi fs.FileInfo) bool {
	abs := map[string]bool{}
	var infos []fs.FileInfo
	for _, p := range paths {
		if a, err := filepath.Abs(p); err == nil {
			abs[a] = true
		}
		if fi, err := os.Stat(p); err == nil {
			infos = append(infos, fi)
		}
	}
	return func(p string, fi fs.FileInfo) bool {
		if a, err := filepath.Abs(p); err == nil && abs[a] {
			return true
		}
		if len(infos) == 0 {
			return false
		}
		if fi == nil {
			var err error
			if fi, err = os.Stat(p); err != nil {
				return false
			}
		}
		for _, x := range infos {
			if os.SameFile(fi, x) {
				return true
			}
		}
		return false
	}
}

func (o WalkOptions) withDefaults() WalkOptions {
	if o.MaxEntryBytes <= 0 {
		o.MaxEntryBytes = DefaultMaxEntryBytes
	}
	if o.MaxGPXBytes <= 0 {
		o.MaxGPXBytes = DefaultMaxGPXBytes
	}
	if o.NestedBufferBytes == 0 {
		o.NestedBufferBytes = DefaultNestedBufferBytes
	}
	return o
}

// Walk streams every file under inputs to fn, one at a time, in a
// deterministic order: inputs in the order given, folders recursively in
// lexical order, zip members in archive order. Zips (also zips nested in
// zips) and .gz files are read as streams: nothing is extracted to disk and
// no name from inside an archive is used to open or write a file.
// Dot-files, __MACOSX folders and AppleDouble "._" files are skipped.
// A file that cannot be read is passed to fn with Entry.Err set. Walk
// returns an error only for fatal problems: an input that does not exist,
// ctx cancelled, or fn's error.
func Walk(ctx context.Context, inputs []string, opts WalkOptions, fn func(Entry) error) error {
	w := &walker{ctx: ctx, opts: opts.withDefaults(), fn: fn, streamLimit: opts.MaxEntryBytes}
	if w.streamLimit <= 0 {
		w.streamLimit = defaultStreamBytes
	}
	for _, in := range inputs {
		if _, err := os.Stat(in); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return &FileError{Path: in, Err: errors.New("no such file or folder"), Advice: "check the path"}
			}
			return &FileError{Path: in, Err: err}
		}
	}
	for _, in := range inputs {
		if err := w.input(in); err != nil {
			return err
		}
	}
	return nil
}

type walker struct {
	ctx  context.Context
	opts WalkOptions
	fn   func(Entry) error
	// streamLimit is how much data that is not held (HeadOnly) may expand
	// to before it is taken for a zip bomb: WalkOptions.MaxEntryBytes when
	// set, else defaultStreamBytes.
	streamLimit int64
	cur         *healthCtx        // how to reopen the file being read, if it is an Apple Health export
	partOf      map[string]string // route files read with an Apple Health export: path -> the export's path
	// knownHealth holds the folders of Apple Health export.xml files
	// skipped as known (imported before): their workout-routes/*.gpx are
	// part of them as well, though the export was not read to name them.
	knownHealth map[string]string // folder -> the export's path
}

// knownHealthRoute returns the path of the export.xml skipped as known that
// route file name (FOLDER/workout-routes/*.gpx) belongs to, else "".
func (w *walker) knownHealthRoute(name string) string {
	dir := path.Dir(name)
	if w.knownHealth == nil || path.Base(dir) != "workout-routes" || !strings.EqualFold(path.Ext(name), ".gpx") {
		return ""
	}
	return w.knownHealth[path.Dir(dir)]
}

// emit sends one entry to fn, after checking ctx.
func (w *walker) emit(e Entry) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	if p, ok := w.partOf[e.Path]; ok {
		e.PartOf = p
	} else if p := w.knownHealthRoute(e.Path); p != "" {
		e.PartOf = p
	}
	switch {
	case e.Err != nil:
		e.Data = nil
	case e.Skipped:
		e.Data, e.SHA256 = nil, ""
		if strings.EqualFold(path.Base(e.Path), "export.xml") {
			if w.knownHealth == nil {
				w.knownHealth = map[string]string{}
			}
			w.knownHealth[path.Dir(e.Path)] = e.Path
		}
	case e.HeadOnly:
		// Size, SHA256 and CRC32 were computed while streaming.
	default:
		sum := sha256.Sum256(e.Data)
		e.SHA256 = hex.EncodeToString(sum[:])
		e.CRC32 = crc32.ChecksumIEEE(e.Data)
		e.Size = int64(len(e.Data))
	}
	return w.fn(e)
}

// skipped asks opts.Skip about a file of known size and CRC-32 and, if it
// says so, emits it as skipped. done reports whether it did.
func (w *walker) skipped(name string, size int64, crc uint32) (done bool, err error) {
	if w.opts.Skip == nil || !w.opts.Skip(name, size, crc) {
		return false, nil
	}
	return true, w.emit(Entry{Path: name, Size: size, CRC32: crc, Skipped: true})
}

// gzipKey reads the decompressed size (modulo 2^32) and CRC-32 of gzip
// data of the given size from its trailer, without decompressing it.
// ok is false when r does not hold gzip data.
func gzipKey(r io.ReaderAt, size int64) (usize int64, crc uint32, ok bool) {
	const minGzip = 18 // 10-byte header, empty deflate stream, 8-byte trailer
	var head [2]byte
	var tail [8]byte
	if size < minGzip {
		return 0, 0, false
	}
	if _, err := r.ReadAt(head[:], 0); err != nil || head[0] != 0x1f || head[1] != 0x8b {
		return 0, 0, false
	}
	if _, err := r.ReadAt(tail[:], size-8); err != nil {
		return 0, 0, false
	}
	return int64(binary.LittleEndian.Uint32(tail[4:])), binary.LittleEndian.Uint32(tail[:4]), true
}

// memberKey gives the size and CRC-32 a zip member's Entry would have,
// without reading its data: the central directory's values, or for gzip
// data stored in the archive its trailer's. ok is false when they cannot
// be known up front (a deflated .gz member).
func memberKey(f *zip.File, ra io.ReaderAt) (size int64, crc uint32, ok bool) {
	if f.Method != zip.Store {
		if strings.HasSuffix(strings.ToLower(f.Name), ".gz") {
			return 0, 0, false
		}
		return int64(f.UncompressedSize64), f.CRC32, true
	}
	off, err := f.DataOffset()
	if err != nil {
		return 0, 0, false
	}
	if size, crc, ok := gzipKey(io.NewSectionReader(ra, off, int64(f.CompressedSize64)), int64(f.CompressedSize64)); ok {
		return size, crc, true
	}
	if f.CompressedSize64 >= 2 {
		var head [2]byte
		if _, err := ra.ReadAt(head[:], off); err != nil || head[0] == 0x1f && head[1] == 0x8b {
			return 0, 0, false // gzip data too short for a trailer, or unreadable
		}
	}
	return int64(f.UncompressedSize64), f.CRC32, true
}

func (w *walker) fail(p string, err error, hint string) error {
	return w.emit(Entry{Path: p, Err: &FileError{Path: p, Err: err, Advice: hint}})
}

// skipName reports whether a file or folder name is OS clutter.
func skipName(name string) bool {
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	return strings.HasPrefix(base, ".") || base == "__MACOSX" || base == "Thumbs.db" || base == "desktop.ini"
}

func inMacOSX(name string) bool {
	for _, part := range strings.Split(strings.ReplaceAll(name, "\\", "/"), "/") {
		if part == "__MACOSX" {
			return true
		}
	}
	return false
}

// input walks one input path.
func (w *walker) input(in string) error {
	fi, err := os.Stat(in)
	if err != nil {
		return w.fail(in, err, "")
	}
	if !fi.IsDir() {
		return w.file(in, in)
	}
	return filepath.WalkDir(in, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return w.fail(p, err, "check the folder's permissions")
		}
		if p != in && skipName(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if p != in && d.IsDir() && w.opts.Exclude != nil && w.opts.Exclude(p, nil) {
			return filepath.SkipDir
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		return w.file(p, p)
	})
}

// file handles one file on disk.
func (w *walker) file(display, osPath string) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	// One stat serves both checks (a re-import of a folder is little more
	// than these stats).
	var fi fs.FileInfo
	if w.opts.Exclude != nil || w.opts.SkipFile != nil {
		fi, _ = os.Stat(osPath) // a file that cannot be stat'ed fails at Open below
	}
	if w.opts.Exclude != nil && w.opts.Exclude(display, fi) {
		return nil
	}
	if w.opts.SkipFile != nil && fi != nil && fi.Mode().IsRegular() && !strings.EqualFold(filepath.Ext(display), ".zip") &&
		w.opts.SkipFile(display, fi.Size(), fi.ModTime()) {
		return w.emit(Entry{Path: display, Size: fi.Size(), ModTime: fi.ModTime(), Skipped: true})
	}
	f, err := os.Open(osPath)
	if err != nil {
		return w.fail(display, err, "check the file's permissions")
	}
	defer f.Close()
	fi, err = f.Stat()
	if err != nil {
		return w.fail(display, err, "")
	}
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	if n == 4 && string(magic[:]) == "PK\x03\x04" || strings.EqualFold(filepath.Ext(display), ".zip") {
		zr, err := zip.NewReader(f, fi.Size())
		if err != nil {
			if n == 4 && string(magic[:]) == "PK\x03\x04" {
				// A truncated archive (head -c of an export) has no central
				// directory: read the members complete before the cut by
				// their local headers; the walk reports where it stopped.
				if _, serr := f.Seek(0, io.SeekStart); serr == nil {
					return w.streamZip(display, f, 0)
				}
			}
			return w.fail(display, fmt.Errorf("unreadable zip archive: %w", err), "the archive is damaged or incomplete; download it again")
		}
		return w.zip(display, zr, f, 0)
	}
	if w.opts.Skip != nil {
		if size, crc, ok := gzipKey(f, fi.Size()); ok {
			if done, err := w.skipped(display, size, crc); done || err != nil {
				return err
			}
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return w.fail(display, err, "")
	}
	if isXMLName(display) {
		w.cur = w.diskHealth(display, osPath)
		defer func() { w.cur = nil }()
	}
	e := w.read(display, f, fi.Size(), fi.Size(), false)
	e.ModTime = fi.ModTime()
	return w.emit(e)
}

// stream reads one (possibly gzipped) file from r and emits it; see read
// for size, raw and ask.
func (w *walker) stream(name string, r io.Reader, size, raw int64, ask bool) error {
	return w.emit(w.read(name, r, size, raw, ask))
}

// failed is an Entry for a file that could not be read.
func failed(p string, err error, hint string) Entry {
	return Entry{Path: p, Err: &FileError{Path: p, Err: err, Advice: hint}}
}

// read reads one (possibly gzipped) file from r, bounded by the limits.
// size is the stored size (for a zip member the uncompressed size), or -1
// when unknown; raw is how many bytes of the archive or disk the file
// takes (compressed), or -1 when unknown: it bounds how much a big
// non-activity file may decompress to (see maxExpansion). ask: opts.Skip
// has not been asked about this file yet; if it is gzip data, read takes
// the compressed bytes (cheap) and asks Skip with the gzip trailer's
// values before decompressing and hashing them.
//
// A file bigger than HeadOnlyThreshold whose head is not an activity or a
// container is hashed as a stream and returned HeadOnly (see Entry).
func (w *walker) read(name string, r io.Reader, size, raw int64, ask bool) Entry {
	br := bufio.NewReader(r)
	head, _ := br.Peek(2)
	gz := len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b
	if !gz && isGPXName(name) && size > w.opts.MaxGPXBytes {
		return failed(name, fmt.Errorf("gpx file is %s bytes, over the %s byte limit", commas(int(size)), commas(int(w.opts.MaxGPXBytes))),
			"split it (e.g. with gpsbabel) or export the activity as FIT")
	}
	var src io.Reader = br
	limit := w.opts.MaxEntryBytes
	if gz {
		var gzsrc io.Reader = br
		if ask && w.opts.Skip != nil {
			raw, err := io.ReadAll(io.LimitReader(br, w.opts.MaxEntryBytes+1))
			if err != nil {
				return failed(name, fmt.Errorf("read: %w", err), "the file is damaged or incomplete; download or export it again")
			}
			if size, crc, ok := gzipKey(bytes.NewReader(raw), int64(len(raw))); ok && w.opts.Skip(name, size, crc) {
				return Entry{Path: name, Size: size, CRC32: crc, Skipped: true}
			}
			gzsrc = io.MultiReader(bytes.NewReader(raw), br)
		}
		zr, err := gzip.NewReader(gzsrc)
		if err != nil {
			return failed(name, fmt.Errorf("bad gzip data: %w", err), "the file is damaged; download or export it again")
		}
		defer zr.Close()
		src = zr
	}
	readErr := func(err error) Entry {
		what := "read"
		if gz {
			what = "bad gzip data"
		}
		return failed(name, fmt.Errorf("%s: %w", what, err), "the file is damaged or incomplete; download or export it again")
	}
	if isXMLName(name) {
		head := make([]byte, HeadBytes)
		n, err := readHead(src, head)
		if err != nil {
			return readErr(err)
		}
		head = head[:n]
		if isHealthHead(name, head) {
			return w.health(name, src, head, readErr)
		}
		src = io.MultiReader(bytes.NewReader(head), src)
	}
	known := !gz && size >= 0 // the content's size is known up front
	var pre []byte            // bytes already taken from src
	if !known || size > w.threshold() {
		pre = make([]byte, HeadBytes)
		n, err := readHead(src, pre)
		pre = pre[:n]
		switch {
		case err != nil:
			return readErr(err)
		case n < HeadBytes:
			return Entry{Path: name, Data: pre}
		}
		if !keepWhole(name, pre) {
			return w.headOnly(name, src, pre, known, raw, readErr)
		}
	}
	if isGPXName(name) {
		limit = w.opts.MaxGPXBytes // a GPX is streamed: it costs little more than its bytes
	}
	if !gz && size > limit {
		return failed(name, fmt.Errorf("file is %s bytes, over the %s byte limit", commas(int(size)), commas(int(limit))), "")
	}
	if pre != nil {
		src = io.MultiReader(bytes.NewReader(pre), src)
	}
	expect := int64(-1)
	if known {
		expect = size
	}
	data, err := readAll(io.LimitReader(src, limit+1), expect)
	if err != nil {
		return readErr(err)
	}
	if int64(len(data)) > limit {
		if limit == w.opts.MaxGPXBytes && isGPXName(name) {
			return failed(name, fmt.Errorf("gpx file decompresses to more than the %s byte limit", commas(int(limit))),
				"split it (e.g. with gpsbabel) or export the activity as FIT")
		}
		return failed(name, fmt.Errorf("decompresses to more than the %s byte limit", commas(int(limit))),
			"this is not a normal activity file (a zip bomb?); if it is genuine, raise the limit")
	}
	return Entry{Path: name, Data: data}
}

// readAll is io.ReadAll reading into a buffer of size+1 bytes when size
// (the bytes r should hold) is known (not -1): one allocation instead of
// a dozen growing copies for a file of a few hundred KB. Sizes over 8 MB
// (which a zip member's header could claim falsely) are not trusted.
func readAll(r io.Reader, size int64) ([]byte, error) {
	if size < 0 || size > 8<<20 {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, size+1)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) { // more than size: grow as io.ReadAll does
			b = append(b, 0)[:len(b)]
		}
	}
}

// headOnly finishes reading a file whose first HeadBytes (head) are not an
// activity or container: the rest goes through the hashes and only head
// is kept. When the size was not known up front (known false) the file
// may still be small: up to HeadOnlyThreshold bytes are buffered, and a
// file that ends there is returned whole, as any small file.
func (w *walker) headOnly(name string, src io.Reader, head []byte, known bool, raw int64, readErr func(error) Entry) Entry {
	sum, crc := sha256.New(), crc32.NewIEEE()
	hw := io.MultiWriter(sum, crc)
	total := int64(len(head))
	if !known {
		more, err := io.ReadAll(io.LimitReader(src, w.threshold()-total+1))
		if err != nil {
			return readErr(err)
		}
		if total+int64(len(more)) <= w.threshold() {
			return Entry{Path: name, Data: append(head, more...)}
		}
		hw.Write(head) // hash.Hash writes never fail
		hw.Write(more)
		total += int64(len(more))
	} else {
		hw.Write(head)
	}
	limit := w.expandLimit(raw)
	buf := make([]byte, 64<<10)
	n, err := io.CopyBuffer(hw, io.LimitReader(src, limit-total+1), buf)
	if err != nil {
		return readErr(err)
	}
	total += n
	if total > limit {
		return failed(name, fmt.Errorf("decompresses to more than the %s byte limit", commas(int(limit))),
			"this is not a normal file (a zip bomb?); if it is genuine, raise the limit")
	}
	return Entry{Path: name, Size: total, SHA256: hex.EncodeToString(sum.Sum(nil)), CRC32: crc.Sum32(),
		Data: head[:len(head):len(head)], HeadOnly: true}
}

// readHead fills b from r like io.ReadFull, except that a short read
// ending in io.EOF is no error, and any other error (a truncated deflate
// stream's io.ErrUnexpectedEOF) is one.
func readHead(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// expandLimit is how far non-activity data taking raw bytes (-1: unknown)
// in an archive or on disk may be read: MaxEntryBytes, or more when raw
// is big enough that this is no zip bomb (see maxExpansion).
func (w *walker) expandLimit(raw int64) int64 {
	limit := w.streamLimit
	if raw > 0 && raw <= math.MaxInt64/maxExpansion && raw*maxExpansion > limit {
		limit = raw * maxExpansion
	}
	return limit
}

// threshold is the size above which a non-activity entry is HeadOnly.
func (w *walker) threshold() int64 { return min(HeadOnlyThreshold, w.opts.MaxEntryBytes) }

// keepWhole reports whether a file whose first bytes are head must be read
// whole: it is FIT, XML that is or could be GPX (its root element is not
// within head), gzip or zip. Everything else (media, JSON, CSV, TCX,
// unknown binary) Decode classifies from its first 4 KiB alone.
func keepWhole(name string, head []byte) bool {
	if isStravaCSVName(name) || isGarminSummaryName(name) {
		return true // listings of activities without files
	}
	switch Sniff(name, head) {
	case FormatFIT, FormatGPX, FormatTCX, FormatZip, FormatGzip:
		return true
	case FormatXML:
		b := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
		root := xmlRoot(b)
		return root == "" || strings.EqualFold(root, "gpx")
	}
	return false
}

func isGPXName(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".gpx") || strings.HasSuffix(n, ".gpx.gz")
}

func isZipName(name string) bool { return strings.HasSuffix(strings.ToLower(name), ".zip") }

// zip walks the members of an archive opened with random access. ra is the
// archive's bytes (to read stored nested zips in place).
func (w *walker) zip(display string, zr *zip.Reader, ra io.ReaderAt, depth int) error {
	zr.RegisterDecompressor(zip.Deflate, inflater)
	// An Apple Health export.xml is read before the route files it
	// references, so those are known as part of it.
	files := append([]*zip.File(nil), zr.File...)
	sort.SliceStable(files, func(i, j int) bool { return isHealthExportName(files[i].Name) && !isHealthExportName(files[j].Name) })
	for _, f := range files {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		if f.FileInfo().IsDir() || skipName(f.Name) || inMacOSX(f.Name) {
			continue
		}
		name := display + "!" + f.Name
		if isZipName(f.Name) && depth < maxZipDepth {
			if err := w.nestedZip(name, f, ra, depth+1); err != nil {
				return err
			}
			continue
		}
		asked := false
		if w.opts.Skip != nil {
			if size, crc, ok := memberKey(f, ra); ok {
				asked = true
				done, err := w.skipped(name, size, crc)
				if err != nil {
					return err
				}
				if done {
					continue
				}
			}
		}
		if f.UncompressedSize64 > uint64(w.expandLimit(int64(f.CompressedSize64))) && !strings.HasSuffix(strings.ToLower(f.Name), ".gz") {
			if err := w.fail(name, fmt.Errorf("archive member is %s bytes, over the %s byte limit", commas(int(f.UncompressedSize64)), commas(int(w.expandLimit(int64(f.CompressedSize64))))), ""); err != nil {
				return err
			}
			continue
		}
		rc, err := f.Open()
		if err != nil {
			if err := w.fail(name, fmt.Errorf("unreadable archive member: %w", err), "the archive is damaged; download it again"); err != nil {
				return err
			}
			continue
		}
		if isXMLName(f.Name) {
			w.cur = w.zipHealth(display, zr, f)
		}
		err = w.stream(name, rc, int64(f.UncompressedSize64), int64(f.CompressedSize64), !asked)
		w.cur = nil
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// nestedZip walks a zip stored inside a zip: in place when stored
// (uncompressed), from memory when small, otherwise streamed.
func (w *walker) nestedZip(name string, f *zip.File, ra io.ReaderAt, depth int) error {
	if f.Method == zip.Store {
		off, err := f.DataOffset()
		if err == nil {
			sr := io.NewSectionReader(ra, off, int64(f.CompressedSize64))
			zr, err := zip.NewReader(sr, int64(f.CompressedSize64))
			if err == nil {
				return w.zip(name, zr, sr, depth)
			}
		}
	}
	rc, err := f.Open()
	if err != nil {
		return w.fail(name, fmt.Errorf("unreadable archive member: %w", err), "the archive is damaged; download it again")
	}
	defer rc.Close()
	if int64(f.UncompressedSize64) <= w.opts.NestedBufferBytes {
		data, err := io.ReadAll(io.LimitReader(rc, w.opts.NestedBufferBytes+1))
		if err != nil {
			return w.fail(name, fmt.Errorf("unreadable nested zip: %w", err), "the archive is damaged; download it again")
		}
		if int64(len(data)) <= w.opts.NestedBufferBytes {
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				return w.fail(name, fmt.Errorf("unreadable nested zip: %w", err), "the archive is damaged; download it again")
			}
			return w.zip(name, zr, bytes.NewReader(data), depth)
		}
		rc.Close()
		if rc, err = f.Open(); err != nil {
			return w.fail(name, err, "")
		}
	}
	return w.streamZip(name, rc, depth)
}

// inflater decompresses zip members with klauspost/compress/flate, about
// three times faster than compress/flate on FIT data.
func inflater(r io.Reader) io.ReadCloser { return flate.NewReader(r) }

// Zip local header layout (APPNOTE 4.3.7).
const (
	sigLocal      = 0x04034b50
	sigDescriptor = 0x08074b50
	sigCentral    = 0x02014b50
	sigEnd        = 0x06054b50
	flagDescr     = 0x8
)

// streamZip walks a zip read as a stream, by its local file headers:
// deflate data is self-terminating, so members written with a data
// descriptor (sizes after the data) are read too; a stored member with a
// data descriptor cannot be delimited and stops the walk of this archive
// with an error entry.
func (w *walker) streamZip(display string, r io.Reader, depth int) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		var hdr [30]byte
		if _, err := io.ReadFull(br, hdr[:4]); err != nil {
			return w.fail(display, fmt.Errorf("zip archive cut short: it ends without a central directory (%w); the members before the cut were read, any after it are lost", err), "the archive is incomplete; download it again to import the rest")
		}
		sig := binary.LittleEndian.Uint32(hdr[:4])
		if sig == sigCentral || sig == sigEnd {
			return nil // members done; the directory repeats what we read
		}
		if sig != sigLocal {
			return w.fail(display, fmt.Errorf("zip archive: bad local header signature %#x", sig), "the archive is damaged; download it again")
		}
		if _, err := io.ReadFull(br, hdr[4:]); err != nil {
			return w.fail(display, fmt.Errorf("zip archive cut short in this member (%w); the members before it were read, this one and any after it are lost", err), "the archive is incomplete; download it again to import the rest")
		}
		flags := binary.LittleEndian.Uint16(hdr[6:8])
		method := binary.LittleEndian.Uint16(hdr[8:10])
		crc := binary.LittleEndian.Uint32(hdr[14:18])
		csize := uint64(binary.LittleEndian.Uint32(hdr[18:22]))
		usize := uint64(binary.LittleEndian.Uint32(hdr[22:26]))
		nameLen := int(binary.LittleEndian.Uint16(hdr[26:28]))
		extraLen := int(binary.LittleEndian.Uint16(hdr[28:30]))
		nameExtra := make([]byte, nameLen+extraLen)
		if _, err := io.ReadFull(br, nameExtra); err != nil {
			return w.fail(display, fmt.Errorf("zip archive cut short in this member (%w); the members before it were read, this one and any after it are lost", err), "the archive is incomplete; download it again to import the rest")
		}
		mname := string(nameExtra[:nameLen])
		zip64 := false
		for ex := nameExtra[nameLen:]; len(ex) >= 4; {
			id, sz := binary.LittleEndian.Uint16(ex[:2]), int(binary.LittleEndian.Uint16(ex[2:4]))
			if 4+sz > len(ex) {
				break
			}
			if id == 0x0001 {
				zip64 = true
				body := ex[4 : 4+sz]
				if usize == 0xFFFFFFFF && len(body) >= 8 {
					usize, body = binary.LittleEndian.Uint64(body[:8]), body[8:]
				}
				if csize == 0xFFFFFFFF && len(body) >= 8 {
					csize = binary.LittleEndian.Uint64(body[:8])
				}
			}
			ex = ex[4+sz:]
		}
		name := display + "!" + mname
		descr := flags&flagDescr != 0
		if method != zip.Store && method != zip.Deflate {
			return w.fail(name, fmt.Errorf("zip compression method %d is not supported", method), "re-create the archive with standard (deflate) compression")
		}
		skip := strings.HasSuffix(mname, "/") || skipName(mname) || inMacOSX(mname)
		container := isZipName(mname) && depth < maxZipDepth
		// A stored member with a data descriptor has no size: a zip inside
		// can still be read by its own local headers, but nothing after it.
		unbounded := method == zip.Store && descr && csize == 0
		if unbounded && !container {
			return w.fail(name, errors.New("stored zip member with a data descriptor cannot be streamed"), "extract the archive and import the folder")
		}
		asked := false
		if w.opts.Skip != nil && !descr && !skip && !container && w.streamedKnown(br, mname, method, csize) {
			asked = true
			done, err := w.skipped(name, int64(usize), crc)
			if err != nil {
				return err
			}
			if done {
				if _, err := br.Discard(int(csize)); err != nil {
					return w.fail(name, fmt.Errorf("zip archive cut short in this member (%w); the members before it were read, this one and any after it are lost", err), "the archive is incomplete; download it again to import the rest")
				}
				continue
			}
		}
		var body io.Reader
		var fr io.ReadCloser
		if method == zip.Deflate {
			fr = flate.NewReader(br) // br is an io.ByteReader: flate reads no further than its stream
			body = fr
		} else if !unbounded {
			body = io.LimitReader(br, int64(csize))
		} else {
			body = br
		}
		h := crc32.NewIEEE()
		var err error
		var pending *Entry
		switch {
		case skip:
			_, err = io.Copy(h, body)
		case container:
			// A zip in a streamed zip: stream it too, then skip its
			// central directory.
			trap := &errTrap{r: io.TeeReader(body, h)}
			if err := w.streamZip(name, trap, depth+1); err != nil {
				return err
			}
			if trap.err != nil {
				if fr != nil {
					fr.Close()
				}
				return nil // reported by the inner walk; the rest cannot be delimited
			}
			if unbounded {
				return w.fail(display, fmt.Errorf("the members after %s cannot be found without the archive's central directory (cut short?)", mname),
					"extract the archive and import the folder, or download it again")
			}
			_, err = io.Copy(h, body)
		default:
			trap := &errTrap{r: io.TeeReader(body, h)}
			size, raw := int64(usize), int64(csize)
			if descr {
				size, raw = -1, -1 // the local header's sizes are zero
			}
			e := w.read(name, trap, size, raw, !asked)
			if trap.err != nil {
				// A damaged member: the members after it cannot be found
				// without sizes.
				if fr != nil {
					fr.Close()
				}
				if errors.Is(trap.err, io.ErrUnexpectedEOF) || errors.Is(trap.err, io.EOF) {
					e = failed(name, fmt.Errorf("zip archive cut short in this member (%w); the members before it were read, this one and any after it are lost", trap.err),
						"the archive is incomplete; download it again to import the rest")
				}
				return w.emit(e)
			}
			pending = &e // emitted once its CRC is checked
			// read may stop early (limit); drain so the next header lines up.
			_, err = io.Copy(h, body)
		}
		if fr != nil {
			fr.Close()
		}
		if err != nil {
			// The rest of the archive cannot be delimited: report and stop.
			if pending != nil && pending.Err != nil {
				return w.emit(*pending)
			}
			return w.fail(name, fmt.Errorf("bad compressed data: %w", err), "the archive is damaged; download it again")
		}
		if descr {
			// Optional signature, crc32, then 4- or 8-byte sizes.
			var d [4]byte
			if _, err := io.ReadFull(br, d[:]); err != nil {
				return w.fail(name, fmt.Errorf("zip archive cut short in this member (%w); the members before it were read, this one and any after it are lost", err), "the archive is incomplete; download it again to import the rest")
			}
			if binary.LittleEndian.Uint32(d[:]) == sigDescriptor {
				if _, err := io.ReadFull(br, d[:]); err != nil {
					return w.fail(name, fmt.Errorf("nested zip truncated: %w", err), "")
				}
			}
			crc = binary.LittleEndian.Uint32(d[:])
			n := 8
			if zip64 {
				n = 16
			}
			if _, err := br.Discard(n); err != nil {
				return w.fail(name, fmt.Errorf("nested zip truncated: %w", err), "")
			}
		}
		switch {
		case pending == nil:
		case h.Sum32() != crc && pending.Err == nil:
			if err := w.fail(name, errors.New("crc-32 mismatch in archive member"), "the archive is damaged; download it again"); err != nil {
				return err
			}
		default:
			if err := w.emit(*pending); err != nil {
				return err
			}
		}
	}
}

// streamedKnown reports whether a streamed member's local header size and
// CRC-32 are those its Entry would have: not for gzip data (its Entry is
// the decompressed content), told by a stored member's first bytes, a
// deflated member's name.
func (w *walker) streamedKnown(br *bufio.Reader, mname string, method uint16, csize uint64) bool {
	if method != zip.Store {
		return !strings.HasSuffix(strings.ToLower(mname), ".gz")
	}
	if csize < 2 {
		return true
	}
	head, err := br.Peek(2)
	return err == nil && !(head[0] == 0x1f && head[1] == 0x8b)
}

// errTrap remembers the first error other than io.EOF read through it.
type errTrap struct {
	r   io.Reader
	err error
}

func (e *errTrap) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}
