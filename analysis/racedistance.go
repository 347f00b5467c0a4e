package analysis

import (
	"fmt"
	"math"
	"strings"
)

// Race distances (the race_distance setting): which runs FindRaceKind takes
// for the race when none is marked.
const (
	RaceMarathon     = "marathon"      // 42.2 km -3%/+3.5% (the default)
	RaceHalfMarathon = "half_marathon" // 21.1 km -3%/+3.5%
	RaceUltra        = "ultra"         // longer than a marathon: 45 km or more
	RaceAny          = "any"           // any of these: the most recent
)

// HalfMarathonMetres is the half marathon distance.
const HalfMarathonMetres = MarathonMetres / 2

// UltraMinMetres is the shortest run taken for an ultra (beyond a
// marathon's window).
const UltraMinMetres = 45000.0

// RaceDistanceNames returns the values race_distance accepts.
func RaceDistanceNames() []string {
	return []string{RaceMarathon, RaceHalfMarathon, RaceUltra, RaceAny}
}

// raceWindow reports whether metres is a race of kind.
func raceWindow(kind string, metres float64) bool {
	switch kind {
	case RaceHalfMarathon:
		return metres >= HalfMarathonMetres*0.97 && metres <= HalfMarathonMetres*1.035
	case RaceUltra:
		return metres >= UltraMinMetres
	case RaceAny:
		return raceWindow(RaceMarathon, metres) || raceWindow(RaceHalfMarathon, metres) || raceWindow(RaceUltra, metres)
	}
	return metres >= RaceDistLow && metres <= RaceDistHigh
}

// raceWindowText describes the window of kind for messages.
func raceWindowText(kind string) string {
	switch kind {
	case RaceHalfMarathon:
		return fmt.Sprintf("run between %.1f and %.1f km", HalfMarathonMetres*0.97/1000, HalfMarathonMetres*1.035/1000)
	case RaceUltra:
		return fmt.Sprintf("run of %.0f km or more", UltraMinMetres/1000)
	case RaceAny:
		return "half marathon, marathon or ultra distance run"
	}
	return fmt.Sprintf("run between %.1f and %.1f km", RaceDistLow/1000, RaceDistHigh/1000)
}

// RaceKindOf names the distance of a race of metres: marathon,
// half_marathon, ultra, or "" for another distance.
func RaceKindOf(metres float64) string {
	for _, k := range []string{RaceMarathon, RaceHalfMarathon, RaceUltra} {
		if raceWindow(k, metres) {
			return k
		}
	}
	return ""
}

// Race scaling: the presets are written for the marathon. For another race
// distance, the days before hard running again scale with the distance
// raced, after the common rule of thumb of about one easy day per 3 km
// raced (the stricter "one day per mile raced" is also widely quoted):
// recovery grows with the damage, which grows with the distance. ScaleToRace
// multiplies by f = distance / 42.195 km (kept within 0.25..2.5):
//   - rest_days and return_days (rounded, at least 1 when they were);
//   - the ramp, resampled over round(weeks of ramp x f) weeks (at least 2)
//     keeping its shape (it still rises from its first value to its last);
//   - weeks: round(weeks x f), at least one more than the ramp.
//
// A half marathon under the standard preset rests 5 days, returns over 4,
// ramps over 3 weeks (0, 50%, 100%) and is audited for 4 weeks. Settings
// given in taper.toml (whose Source is not the preset) are kept as given.
const (
	raceScaleMin, raceScaleMax = 0.25, 2.5
)

// ScaleToRace returns s scaled to a race of metres (see above) and a
// sentence saying how, or s unchanged and "" for a marathon or an unknown
// distance.
func ScaleToRace(s Settings, metres float64) (Settings, string) {
	if !Has(metres) || metres <= 0 || raceWindow(RaceMarathon, metres) {
		return s, ""
	}
	f := math.Max(raceScaleMin, math.Min(raceScaleMax, metres/MarathonMetres))
	fromPreset := func(key string) bool { return strings.HasPrefix(s.Source[key], "preset ") || s.Source[key] == "" }
	out := s
	out.Ramp = append([]float64(nil), s.Ramp...)
	out.Source = make(map[string]string, len(s.Source))
	for k, v := range s.Source {
		out.Source[k] = v
	}
	scaleDays := func(n int) int {
		if n == 0 {
			return 0
		}
		return max(1, int(math.Round(float64(n)*f)))
	}
	how := fmt.Sprintf("scaled to the %.1f km race (x%.2f)", metres/1000, f)
	if fromPreset(KeyRestDays) {
		out.RestDays = scaleDays(s.RestDays)
		out.Source[KeyRestDays] += ", " + how
	}
	if fromPreset(KeyReturnDays) {
		out.ReturnDays = scaleDays(s.ReturnDays)
		out.Source[KeyReturnDays] += ", " + how
	}
	if fromPreset(KeyRamp) && len(s.Ramp) > 1 {
		n := max(2, int(math.Round(float64(len(s.Ramp))*f)))
		out.Ramp = make([]float64, n)
		for k := range out.Ramp {
			pos := float64(k) * float64(len(s.Ramp)-1) / float64(n-1)
			lo := int(math.Floor(pos))
			hi := min(lo+1, len(s.Ramp)-1)
			v := s.Ramp[lo] + (s.Ramp[hi]-s.Ramp[lo])*(pos-float64(lo))
			out.Ramp[k] = math.Round(v*100) / 100
		}
		out.Source[KeyRamp] += ", " + how
	}
	if fromPreset(KeyWeeks) {
		out.Weeks = min(52, max(len(out.Ramp)+1, int(math.Round(float64(s.Weeks)*f))))
		out.Source[KeyWeeks] += ", " + how
	}
	kind := RaceKindOf(metres)
	if kind == "" {
		kind = "race"
	}
	return out, fmt.Sprintf("%s of %.1f km: the %s preset is scaled x%.2f (distance / 42.2 km; rule of thumb: about one easy day per 3 km raced): rest %d days, return %d days, ramp %d weeks, %d weeks audited",
		strings.ReplaceAll(kind, "_", " "), metres/1000, s.Preset, f, out.RestDays, out.ReturnDays, len(out.Ramp), out.Weeks)
}
