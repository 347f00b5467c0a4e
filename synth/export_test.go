package synth

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/muktihari/fit/decoder"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/tkrajina/gpxgo/gpx"

	"github.com/taper-run/taper/analysis"
)

// smallSeason is a short season (2 weeks before, 2 after) for export tests.
func smallSeason(double bool) Season {
	return Season{Athlete: "zoe", Seed: 77, PreWeeks: 2, PostWeeks: 2, DoubleRecord: double}
}

func readZip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out[f.Name] = data
	}
	return out
}

func gunzip(t *testing.T, name string, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

// fitFileType decodes b fully (checking the CRC) and returns its file_id type.
func fitFileType(t *testing.T, name string, b []byte) typedef.File {
	t.Helper()
	fit, err := decoder.New(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, m := range fit.Messages {
		if m.Num == 0 { // file_id
			if f := m.FieldValueByNum(0); f.Valid(0) {
				return typedef.File(f.Uint8())
			}
		}
	}
	t.Fatalf("%s: no file_id", name)
	return 0
}

func TestWriteGarminExport(t *testing.T) {
	acts := smallSeason(true).Activities()
	var buf bytes.Buffer
	if err := WriteGarminExport(&buf, acts, 5); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := WriteGarminExport(&again, smallSeason(true).Activities(), 5); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two exports of the same season differ")
	}
	outer := readZip(t, buf.Bytes())
	inner, ok := outer[GarminUploadedPath]
	if !ok {
		t.Fatalf("no %s in %d entries", GarminUploadedPath, len(outer))
	}
	jsons := 0
	for name := range outer {
		if strings.HasSuffix(name, ".json") {
			jsons++
		}
	}
	if jsons < 2 {
		t.Errorf("%d json files", jsons)
	}
	files := readZip(t, inner)
	var fits, gpxs, monitoring int
	for name, b := range files {
		switch filepath.Ext(name) {
		case ".fit":
			switch ft := fitFileType(t, name, b); ft {
			case typedef.FileActivity:
				fits++
			case typedef.FileMonitoringB:
				monitoring++
			default:
				t.Errorf("%s: file type %v", name, ft)
			}
		case ".gpx":
			if _, err := gpx.ParseBytes(b); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			gpxs++
		default:
			t.Errorf("unexpected %s", name)
		}
	}
	var wantFit, wantGpx int
	for _, a := range acts {
		if a.Format == "gpx" {
			wantGpx++
		} else {
			wantFit++
		}
	}
	if fits != wantFit || gpxs != wantGpx || monitoring != 5 || wantGpx == 0 {
		t.Errorf("inner zip: %d activity FIT, %d GPX, %d monitoring; want %d, %d, 5", fits, gpxs, monitoring, wantFit, wantGpx)
	}
}

func TestWriteStravaExport(t *testing.T) {
	acts := StravaMix(smallSeason(true).Activities())
	manual := 0
	for _, a := range acts {
		if a.Format == StravaManual {
			manual++
		}
	}
	var buf bytes.Buffer
	if err := WriteStravaExport(&buf, acts); err != nil {
		t.Fatal(err)
	}
	files := readZip(t, buf.Bytes())
	rows, err := csv.NewReader(bytes.NewReader(files["activities.csv"])).ReadAll()
	if err != nil {
		t.Fatalf("activities.csv: %v", err)
	}
	if len(rows) != len(acts)+2 { // header and the old TCX activity
		t.Fatalf("activities.csv: %d rows for %d activities", len(rows), len(acts))
	}
	kinds := map[string]int{}
	for _, row := range rows[1:] {
		name := row[12]
		if name == "" {
			kinds["manual"]++
			continue
		}
		b, ok := files[name]
		if !ok {
			t.Fatalf("activities.csv names %s, not in the zip", name)
		}
		switch {
		case strings.HasSuffix(name, ".fit.gz"):
			if ft := fitFileType(t, name, gunzip(t, name, b)); ft != typedef.FileActivity {
				t.Errorf("%s: type %v", name, ft)
			}
			kinds["fit.gz"]++
		case strings.HasSuffix(name, ".gpx.gz"):
			if _, err := gpx.ParseBytes(gunzip(t, name, b)); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			kinds["gpx.gz"]++
		case strings.HasSuffix(name, ".gpx"):
			g, err := gpx.ParseBytes(b)
			if err != nil {
				t.Errorf("%s: %v", name, err)
			} else if g.Tracks[0].Type != "9" {
				t.Errorf("%s: type %q, want Strava's 9", name, g.Tracks[0].Type)
			}
			kinds["gpx"]++
		case strings.HasSuffix(name, ".tcx.gz"):
			if !bytes.Contains(gunzip(t, name, b), []byte("<TrainingCenterDatabase")) {
				t.Errorf("%s is not TCX", name)
			}
			kinds["tcx.gz"]++
		case strings.HasSuffix(name, ".tcx"):
			if !bytes.Contains(b, []byte("<ns3:RunCadence>")) || !bytes.Contains(b, []byte("<Intensity>")) {
				t.Errorf("%s is not a Garmin-style TCX with laps and run cadence", name)
			}
			kinds["tcx"]++
		}
	}
	if kinds["manual"] != manual || manual == 0 {
		t.Errorf("%d rows without a file, want the %d manual entries", kinds["manual"], manual)
	}
	for _, k := range []string{"fit.gz", "gpx.gz", "gpx", "tcx.gz", "tcx"} {
		if kinds[k] == 0 {
			t.Errorf("no %s activity file (%v)", k, kinds)
		}
	}
	photo := false
	for name := range files {
		photo = photo || strings.HasPrefix(name, "media/") && strings.HasSuffix(name, ".jpg")
	}
	if !photo {
		t.Error("no photo in media/")
	}
}

func TestWriteDir(t *testing.T) {
	acts := smallSeason(true).Activities()
	for _, style := range []ExportStyle{ExportFIT, ExportGPX} {
		dir := t.TempDir()
		if err := WriteDir(dir, acts, style); err != nil {
			t.Fatal(err)
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(ents) != len(acts) {
			t.Fatalf("style %d: %d files for %d activities", style, len(ents), len(acts))
		}
		n := map[string]int{}
		for _, e := range ents {
			n[filepath.Ext(e.Name())]++
		}
		noGPS := 0
		for _, a := range acts {
			if !hasPositions(a) {
				noGPS++
			}
		}
		if style == ExportGPX && n[".fit"] != noGPS {
			t.Errorf("gpx style: %d .fit files, want %d (activities without positions)", n[".fit"], noGPS)
		}
		if style == ExportFIT && (n[".gpx"] == 0 || n[".fit"] == 0) {
			t.Errorf("fit style with phone copies: %v", n)
		}
	}
}

func TestWriteCorpus(t *testing.T) {
	dir := t.TempDir()
	n, err := WriteCorpus(dir, 2, 2, 9)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2*2*5 {
		t.Fatalf("%d files, want 20", n)
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "athlete-*", "*.fit"))
	if len(paths) != n {
		t.Fatalf("%d files on disk, %d reported", len(paths), n)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if ft := fitFileType(t, p, b); ft != typedef.FileActivity {
			t.Errorf("%s: type %v", p, ft)
		}
	}
	if _, err := WriteCorpus(dir, 0, 3, 1); err == nil {
		t.Error("no error for zero athletes")
	}
}

func TestWriteGPXNoPositions(t *testing.T) {
	a := Workout(Spec{Kind: Strength, Start: time.Date(2026, 9, 6, 18, 0, 0, 0, time.UTC), Seed: 1})
	err := WriteGPX(io.Discard, a, GarminGPX)
	if err == nil || !strings.Contains(err.Error(), "no positions") {
		t.Errorf("error %v, want one saying the activity has no positions", err)
	}
	if a.Sport != analysis.SportTraining {
		t.Errorf("strength sport %q", a.Sport)
	}
}
