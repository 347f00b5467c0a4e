package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/taper-run/taper/analysis"
)

// Export styles of WriteExport: how a season is written.
const (
	StyleFiles  = "files"  // plain .fit files (phone copies as .gpx)
	StyleGPX    = "gpx"    // plain .gpx files (activities without positions stay .fit)
	StyleGarmin = "garmin" // a Garmin account export zip
	StyleStrava = "strava" // a Strava bulk export zip
)

// Styles returns the export styles WriteExport takes.
func Styles() []string { return []string{StyleFiles, StyleGPX, StyleGarmin, StyleStrava} }

// WriteExport writes a season's activities into dir (created) in an export
// style and returns the path to import (dir, or the zip inside it) and the
// number of activities. The zip's name comes from the athlete's name made
// safe (see FileNamePart), so it stays inside dir. monitoring is the
// number of monitoring files a garmin export holds.
func WriteExport(dir string, s Season, style string, monitoring int) (string, int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", 0, err
	}
	acts := s.Activities()
	path := dir
	var err error
	switch style {
	case StyleFiles:
		err = WriteDir(dir, acts, ExportFIT)
	case StyleGPX:
		err = WriteDir(dir, acts, ExportGPX)
	case StyleGarmin, StyleStrava:
		path = filepath.Join(dir, FileNamePart(s.Athlete)+"_"+style+"_export.zip")
		var f *os.File
		if f, err = os.Create(path); err != nil {
			break
		}
		if style == StyleGarmin {
			err = WriteGarminExport(f, acts, monitoring)
		} else {
			err = WriteStravaExport(f, acts)
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	default:
		return "", 0, fmt.Errorf("unknown export style %q: use %s", style, strings.Join(Styles(), ", "))
	}
	if err != nil {
		return "", 0, fmt.Errorf("writing %s: %w", path, err)
	}
	return path, len(acts), nil
}

// FileNamePart makes a name safe as part of a file name inside a folder:
// anything but letters, digits, '-', '_' and '.' becomes '_', and leading
// dots go (so "../escape" cannot leave the folder).
func FileNamePart(name string) string {
	b := []rune(name)
	for i, r := range b {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.') {
			b[i] = '_'
		}
	}
	s := strings.TrimLeft(string(b), ".")
	if s == "" || !filepath.IsLocal(s) {
		return "athlete"
	}
	return s
}

// BreachesFor returns the breaches of the named rules (analysis.RuleIDs),
// or of every rule for "all".
func BreachesFor(rules []string) (Breaches, error) {
	var b Breaches
	for _, n := range rules {
		switch strings.TrimSpace(n) {
		case "all":
			b = Breaches{RunsDuringRest: true, HardRideDuringRest: true, SpeedWorkInReturn: true,
				LongRunEarly: true, RampTooSteep: true, RampJump: true, TwoIntervalsInWeek: true}
		case analysis.RuleRestWindow:
			b.RunsDuringRest = true
		case analysis.RuleHardCrossTraining:
			b.HardRideDuringRest = true
		case analysis.RuleSpeedWorkEarly:
			b.SpeedWorkInReturn = true
		case analysis.RuleLongRunEarly:
			b.LongRunEarly = true
		case analysis.RuleRampCap:
			b.RampTooSteep = true
		case analysis.RuleRampJump:
			b.RampJump = true
		case analysis.RuleIntervalLimit:
			b.TwoIntervalsInWeek = true
		case "":
		default:
			return b, fmt.Errorf("unknown rule %q: use %s or all", n, strings.Join(analysis.RuleIDs(), ", "))
		}
	}
	return b, nil
}
