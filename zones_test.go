package taper

import (
	"testing"

	"github.com/taper-run/taper/analysis"
)

// TestShownSetting: the note about changed settings shows each value as a
// person reads it, and two values that differ never alike.
func TestShownSetting(t *testing.T) {
	for _, c := range []struct{ k, v, want string }{
		{"threshold_pace", "270", "4:30/km"},
		{"threshold_pace", "270.2", "4:30.2/km"},
		{"threshold_pace", "245.05", "4:05.05/km"},
		{"threshold_pace", "299.9996", "5:00/km"},
		{"threshold_pace", "270.0004", "4:30/km"}, // below the ms: alike
		{"threshold_pace", "0", "none"},
		{"hr_max", "186.5", "186.5"},
		{"hr_max", "0", "none"},
		{"timezone", "", "none"},
		{"timezone", "Europe/Paris", `"Europe/Paris"`},
	} {
		if got := shownSetting(c.k, c.v); got != c.want {
			t.Errorf("shownSetting(%q, %q) = %q, want %q", c.k, c.v, got, c.want)
		}
	}
	was := analysis.Settings{ThresholdPace: 270}
	now := analysis.Settings{ThresholdPace: 270.2}
	if got, want := settingsDiff(settingsFingerprint(was), analysisSettings(was), now), "threshold_pace 4:30/km -> 4:30.2/km"; got != want {
		t.Errorf("settingsDiff = %q, want %q", got, want)
	}
}
