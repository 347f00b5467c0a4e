package ingest

import (
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
)

// TestSetZoneVirtual: a virtual ride or run's positions are on a game map
// (Zwift's Watopia sits in the Solomon Islands); they must not set the
// athlete's local time.
func TestSetZoneVirtual(t *testing.T) {
	d := NewDecoder(DecodeOptions{Zone: time.FixedZone("athlete", 3600)})
	mk := func(sub, device string) *analysis.Activity {
		start := time.Date(2026, 3, 1, 19, 0, 0, 0, time.UTC)
		return &analysis.Activity{Sport: analysis.SportCycling, SubSport: sub, Device: device, Start: start,
			Samples: []analysis.Sample{{Time: start, Lat: -11.64, Lon: 166.95}}}
	}
	for _, c := range []struct {
		a    *analysis.Activity
		want string
	}{
		{mk("virtual_activity", "garmin fr255"), analysis.TZFromAthlete},
		{mk("indoor_cycling", "zwift 0"), analysis.TZFromAthlete},
		{mk("road", "garmin edge530"), analysis.TZFromGPS},
	} {
		d.setZone(c.a)
		if c.a.TimeSource != c.want {
			t.Errorf("%s/%s: time source %s (%s, %d s), want %s", c.a.SubSport, c.a.Device, c.a.TimeSource, c.a.TimeZone, c.a.UTCOffset, c.want)
		}
	}
}
