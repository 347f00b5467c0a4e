package synth

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/taper-run/taper/analysis"
)

// Export styles of WriteExport: how a season is written.
const (
	StyleFiles  = "files"  // plain .fit files (phone copies as .gpx)
	StyleGPX    = "gpx"    // plain .gpx files (activities without positions stay .fit)
	StyleGarmin = "garmin" // a Garmin account export zip
	StyleStrava = "strava" // a Strava bulk export zip (FIT, GPX, TCX and manual entries)
	StyleApple  = "apple"  // an Apple Health export.zip (the watch's workouts)
)

// Styles returns the export styles WriteExport takes.
func Styles() []string { return []string{StyleFiles, StyleGPX, StyleGarmin, StyleStrava, StyleApple} }

// ExportOptions tune WriteExport.
type ExportOptions struct {
	Monitoring int            // garmin: monitoring FIT files to add
	Zone       *time.Location // apple: the phone's zone when it exported; nil = America/New_York
	// Now is when the export is made (zero: time.Now()): an export holds
	// no activity that ends after it (the rest of a season still to come,
	// an evening run west of UTC later today).
	Now time.Time
}

// WriteExport writes a season's activities into dir (created) in an export
// style and returns the path to import (dir, or the zip inside it) and the
// number of activities. The zip's name comes from the athlete's name made
// safe (see FileNamePart), so it stays inside dir.
func WriteExport(dir string, s Season, style string, o ExportOptions) (string, int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", 0, err
	}
	var acts []*analysis.Activity
	if style == StyleStrava {
		acts = s.StravaActivities()
	} else {
		acts = s.Activities()
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	acts = doneBy(acts, now)
	path := dir
	var err error
	zip := func(name string, write func(*os.File) error) {
		path = filepath.Join(dir, FileNamePart(s.Athlete)+name)
		var f *os.File
		if f, err = os.Create(path); err != nil {
			return
		}
		err = write(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	switch style {
	case StyleFiles:
		err = WriteDir(dir, acts, ExportFIT)
	case StyleGPX:
		err = WriteDir(dir, acts, ExportGPX)
	case StyleGarmin:
		zip("_garmin_export.zip", func(f *os.File) error { return WriteGarminExport(f, acts, o.Monitoring) })
	case StyleStrava:
		zip("_strava_export.zip", func(f *os.File) error { return WriteStravaExport(f, acts) })
	case StyleApple:
		watch := acts[:0:0] // the watch records each workout once: no phone copies
		for _, a := range acts {
			if a.Device != "phone" {
				watch = append(watch, a)
			}
		}
		acts = watch
		zone := o.Zone
		if zone == nil {
			zone, _ = time.LoadLocation("America/New_York")
		}
		zip("_apple_health_export.zip", func(f *os.File) error {
			return WriteAppleExport(f, acts, AppleOptions{ExportZone: zone})
		})
	default:
		return "", 0, fmt.Errorf("unknown export style %q: use %s", style, strings.Join(Styles(), ", "))
	}
	if err != nil {
		return "", 0, fmt.Errorf("writing %s: %w", path, err)
	}
	n := len(acts)
	if style == StyleStrava && stravaOld(acts) != nil {
		n++ // the older TCX upload WriteStravaExport adds
	}
	return path, n, nil
}

// doneBy returns the activities of acts that end by now (start plus
// elapsed time, else moving time), in their order.
func doneBy(acts []*analysis.Activity, now time.Time) []*analysis.Activity {
	out := acts[:0:0]
	for _, a := range acts {
		d := a.ElapsedTime
		if !analysis.Has(d) || d <= 0 {
			d = a.MovingTime
		}
		end := a.Start
		if analysis.Has(d) && d > 0 {
			end = end.Add(time.Duration(d * float64(time.Second)))
		}
		if !end.After(now) {
			out = append(out, a)
		}
	}
	return out
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

// PlantableRules are the rules a season can break (Breaches): every rule
// but ramp_cap_near, which needs a cap_tolerance setting.
func PlantableRules() []string {
	var out []string
	for _, id := range analysis.RuleIDs() {
		if id != analysis.RuleRampCapNear {
			out = append(out, id)
		}
	}
	return out
}

// BreachesFor returns the breaches of the named rules (PlantableRules), or
// of every one for "all".
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
			return b, fmt.Errorf("unknown rule %q: use %s or all", n, strings.Join(PlantableRules(), ", "))
		}
	}
	return b, nil
}

// Planted lists the season's planted breaches, by date, as the report
// should flag them: "rest_window  day 5, week 1, 2026-10-09: a run on
// day 5".
func (s Season) Planted() []string {
	var out []string
	for _, p := range s.planted() {
		out = append(out, p.line)
	}
	return out
}

// plantedBreach is one line of Planted and the date it names.
type plantedBreach struct {
	date time.Time
	line string
}

func (s Season) planted() []plantedBreach {
	race := s.RaceDate
	at := func(rule string, day int, what string) plantedBreach {
		d := race.AddDate(0, 0, day)
		return plantedBreach{d, fmt.Sprintf("%-20s day %2d, week %d, %s: %s", rule, day, (day-1)/7+1, d.Format(time.DateOnly), what)}
	}
	var out []plantedBreach
	for _, p := range s.Plan() {
		rule, what, ok := strings.Cut(strings.TrimPrefix(p.Note, "breach "), ": ")
		if !strings.HasPrefix(p.Note, "breach ") || !ok {
			continue
		}
		out = append(out, at(rule, p.Day, what))
	}
	if s.Breaches.RampTooSteep {
		out = append(out, at("ramp_cap", 21, "week 3 runs about 85% of the baseline (its cap is 50%); flagged on the week's last day"))
	}
	if s.Breaches.RampJump {
		out = append(out, at("ramp_jump", 49, "week 7 runs 1.6x week 6; flagged on the week's last day"))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].date.Before(out[j].date) })
	return out
}

// DemoDates returns a demo's race, the last Sunday whose eight recovery
// weeks end on or before now's date (so nothing the demo shows is in the
// future), and its report date, the end of recovery week 8.
func DemoDates(now time.Time) (race, asOf string) {
	d := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -56)
	for d.Weekday() != time.Sunday {
		d = d.AddDate(0, 0, -1)
	}
	return d.Format(time.DateOnly), d.AddDate(0, 0, 56).Format(time.DateOnly)
}

// WritePlanted says what the generator planted and where (rule, day,
// week, date), so a report can be checked against it.
func (s Season) WritePlanted(w io.Writer) { s.WritePlantedBy(w, time.Time{}) }

// WritePlantedBy is WritePlanted for files written up to now
// (WriteExport's ExportOptions.Now): breaches planted after now's date
// were not written, and are listed apart. A zero now writes them all.
func (s Season) WritePlantedBy(w io.Writer, now time.Time) {
	var done, later []string
	for _, p := range s.planted() {
		if !now.IsZero() && p.date.After(now) {
			later = append(later, p.line)
		} else {
			done = append(done, p.line)
		}
	}
	switch {
	case len(done) == 0 && len(later) == 0:
		fmt.Fprintln(w, "Planted: nothing (a compliant recovery): the report should have no findings")
	case len(done) > 0:
		fmt.Fprintln(w, "Planted (the report should flag each, on this date):")
		for _, l := range done {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	if len(later) > 0 {
		fmt.Fprintf(w, "Not written (after %s, the files stop there):\n", now.Format(time.DateOnly))
		for _, l := range later {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
}
