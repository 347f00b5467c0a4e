package synth

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/tkrajina/gpxgo/gpx"

	"github.com/taper-run/taper/analysis"
)

func TestWriteGPXParsesWithGpxgo(t *testing.T) {
	styles := []struct {
		style   GPXStyle
		creator string
		typ     string
	}{
		{GarminGPX, "Garmin Connect", "running"},
		{StravaGPX, "StravaGPX", "9"},
		{StravaNamedGPX, "StravaGPX", "running"},
	}
	for i, s := range testSpecs() {
		a := Workout(s)
		// every style on the first runs, then one style per spec in turn
		sts := styles
		if i >= 2 {
			sts = styles[i%3 : i%3+1]
		}
		for _, st := range sts {
			var buf bytes.Buffer
			err := WriteGPX(&buf, a, st.style)
			if a.Sport == analysis.SportSwimming || a.Sport == analysis.SportTraining {
				if err == nil {
					t.Errorf("%s: no error for an activity without positions", s.Kind)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", s.Kind, err)
			}
			g, err := gpx.ParseBytes(buf.Bytes())
			if err != nil {
				t.Fatalf("%s style %d: gpxgo: %v", s.Kind, st.style, err)
			}
			if g.Version != "1.1" || g.Creator != st.creator {
				t.Errorf("%s: version %q creator %q", s.Kind, g.Version, g.Creator)
			}
			if len(g.Tracks) != 1 || len(g.Tracks[0].Segments) != 1 {
				t.Fatalf("%s: %d tracks", s.Kind, len(g.Tracks))
			}
			if a.Sport == analysis.SportRunning && g.Tracks[0].Type != st.typ {
				t.Errorf("%s style %d: type %q, want %q", s.Kind, st.style, g.Tracks[0].Type, st.typ)
			}
			pts := g.Tracks[0].Segments[0].Points
			if len(pts) != len(a.Samples) {
				t.Fatalf("%s: %d points, %d samples", s.Kind, len(pts), len(a.Samples))
			}
			for i := 0; i < len(pts); i += 97 {
				p, smp := pts[i], a.Samples[i]
				if !p.Timestamp.Equal(smp.Time) || p.Timestamp.Location().String() != "UTC" {
					t.Fatalf("%s point %d: time %v, sample %v", s.Kind, i, p.Timestamp, smp.Time)
				}
				if !near(p.Latitude, smp.Lat, 1e-7) || !near(p.Longitude, smp.Lon, 1e-7) || !near(p.Elevation.Value(), smp.Altitude, 0.05) {
					t.Fatalf("%s point %d: %v,%v,%v; sample %v,%v,%v", s.Kind, i, p.Latitude, p.Longitude, p.Elevation.Value(), smp.Lat, smp.Lon, smp.Altitude)
				}
				ext, ok := p.Extensions.GetNode(gpx.AnyNamespace, "TrackPointExtension")
				if !ok {
					t.Fatalf("%s point %d: no TrackPointExtension", s.Kind, i)
				}
				hr, ok := ext.GetNode("hr")
				if !ok || hr.Data != strconv.Itoa(int(smp.HeartRate)) {
					t.Fatalf("%s point %d: hr extension %v, sample %v", s.Kind, i, hr, smp.HeartRate)
				}
			}
			d2 := g.Length2D()
			if !near(d2, a.Distance, 0.06*a.Distance) {
				t.Errorf("%s: GPX length %.0f m, device distance %.0f m", s.Kind, d2, a.Distance)
			}
		}
	}
}
