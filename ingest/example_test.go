package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/taper-run/taper/ingest"
)

func ExampleDecoder_Decode() {
	d := ingest.NewDecoder(ingest.DecodeOptions{Zone: time.UTC})
	for _, f := range []struct {
		name string
		data string
	}{
		{"export.zip!activities/1.tcx.gz", `<?xml version="1.0"?><TrainingCenterDatabase/>`},
		{"export.zip!activities/2.fit.gz", ""},
		{"export.zip!activities/3.gpx", `<gpx version="1.1"><trk><trkseg>` +
			`<trkpt lat="48.2" lon="16.37"><time>2026-10-04T07:00:00Z</time></trkpt>` +
			`<trkpt lat="48.201" lon="16.37"><time>2026-10-04T07:00:30Z</time></trkpt>` +
			`</trkseg></trk></gpx>`},
	} {
		res := d.Decode(f.name, []byte(f.data))
		fmt.Println(res.Format, res.Status)
		if r := res.Reason(); r != "" {
			fmt.Println("reason:", r)
		}
		var fe *ingest.FileError
		if errors.As(res.Err, &fe) {
			fmt.Println("hint:", fe.Hint())
		}
		for _, a := range res.Activities {
			fmt.Printf("%s %s %.0f m in %.0f s, zone %s\n", a.Sport, a.LocalStart().Format(time.DateTime), a.Distance, a.ElapsedTime, a.TimeZone)
		}
	}
	// Output:
	// tcx skipped
	// reason: not an activity: tcx:no-activity
	// empty rejected
	// reason: export.zip!activities/2.fit.gz: empty file (0 bytes) (the file was not written completely; export or copy it again from the watch or platform)
	// hint: the file was not written completely; export or copy it again from the watch or platform
	// gpx imported
	// running 2026-10-04 09:00:00 111 m in 30 s, zone Europe/Vienna
}

func ExampleWalk() {
	dir, _ := os.MkdirTemp("", "walk")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "a.fit"), []byte("not really a fit file"), 0o644)
	_ = os.WriteFile(filepath.Join(dir, ".DS_Store"), []byte("clutter"), 0o644)

	err := ingest.Walk(context.Background(), []string{dir}, ingest.WalkOptions{}, func(e ingest.Entry) error {
		fmt.Println(filepath.Base(e.Path), e.Size, e.SHA256[:12], e.Err)
		return nil
	})
	fmt.Println(err)
	// Output:
	// a.fit 21 c7bd60be59a5 <nil>
	// <nil>
}
