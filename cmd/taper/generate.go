package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/synth"
)

type generateOptions struct {
	*globalOptions
	Dir        string
	Style      string
	Race       string
	Zone       string
	Seed       int64
	Breaches   []string
	WeeklyKm   float64
	NoHistory  bool
	Evening    bool
	Double     bool
	Monitoring int
	Force      bool
	// Benchmark corpus: N athletes x M weeks.
	Athletes int
	Weeks    int
}

func newGenerateCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &generateOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Write a synthetic athlete's season (FIT/GPX files or a Garmin/Strava export), or a benchmark corpus",
		Example: `  taper generate --dir /tmp/alice --athlete alice --style garmin --breach rest_window,interval_limit
  taper generate --dir /tmp/bob --style strava --race 2026-10-04 --timezone America/Los_Angeles --evening
  taper generate --dir /tmp/corpus --athletes 50 --weeks 52       (benchmark corpus, about 13,000 files)`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runGenerate(cmd.Context(), o, st)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Dir, "dir", "", "output folder (created)")
	f.StringVar(&o.Style, "style", "files", "files (plain .fit), gpx (plain .gpx), garmin (account export zip) or strava (bulk export zip)")
	f.StringVar(&o.Race, "race", "", "race date (a Sunday), local (default: the last Sunday whose 8 recovery weeks are over)")
	f.StringVar(&o.Zone, "timezone", "Europe/London", "the athlete's IANA time zone")
	f.Int64Var(&o.Seed, "seed", 1, "random seed (same seed, same files)")
	f.StringSliceVar(&o.Breaches, "breach", nil, "rules to break: "+strings.Join(analysis.RuleIDs(), ", ")+", or all")
	f.Float64Var(&o.WeeklyKm, "weekly-km", 50, "pre-race weekly volume")
	f.BoolVar(&o.NoHistory, "no-history", false, "no pre-race training (no baseline)")
	f.BoolVar(&o.Evening, "evening", false, "runs late in the evening (local midnight tests)")
	f.BoolVar(&o.Double, "double", false, "every run recorded twice (watch FIT and phone GPX)")
	f.IntVar(&o.Monitoring, "monitoring", 200, "garmin style: monitoring FIT files to add")
	f.BoolVar(&o.Force, "force", false, "write into a folder that is not empty")
	f.IntVar(&o.Athletes, "athletes", 0, "benchmark corpus: number of athletes (with --weeks; runs only, no marathon)")
	f.IntVar(&o.Weeks, "weeks", 52, "benchmark corpus: weeks per athlete")
	return cmd
}

func runGenerate(ctx context.Context, o *generateOptions, st *streams) error {
	if o.Dir == "" {
		return usagef("--dir is required")
	}
	if entries, err := os.ReadDir(o.Dir); err == nil && len(entries) > 0 && !o.Force {
		return &hintError{err: fmt.Errorf("folder %s is not empty: generated files would mix with what is there", o.Dir),
			hint: "give a new or empty --dir, or --force to add to it"}
	}
	if o.Athletes > 0 {
		start := time.Now()
		n, err := synth.WriteCorpus(o.Dir, o.Athletes, o.Weeks, o.Seed)
		if err != nil {
			return err
		}
		fmt.Fprintf(st.out, "Wrote %d files for %d athletes x %d weeks to %s in %s\n", n, o.Athletes, o.Weeks, o.Dir, time.Since(start).Round(time.Millisecond))
		return nil
	}
	season, err := o.season()
	if err != nil {
		return err
	}
	path, count, err := writeSeason(o.Dir, season, o.Style, o.Monitoring)
	if err != nil {
		return err
	}
	fmt.Fprintf(st.out, "Wrote %d activities of athlete %s (race %s, %s) to %s\n", count, season.Athlete, o.Race, o.Style, path)
	return nil
}

// season builds the synth season the flags describe.
func (o *generateOptions) season() (synth.Season, error) {
	if o.Race == "" {
		o.Race, _ = demoDates(o.now())
	}
	zone, err := time.LoadLocation(o.Zone)
	if err != nil {
		return synth.Season{}, usagef("unknown --timezone %q: use an IANA name such as Europe/Paris", o.Zone)
	}
	race, err := time.ParseInLocation(time.DateOnly, o.Race, zone)
	if err != nil {
		return synth.Season{}, usagef("bad --race %q: use YYYY-MM-DD", o.Race)
	}
	if race.Weekday() != time.Sunday {
		return synth.Season{}, usagef("--race %s is a %s: the generator's marathon is on a Sunday", o.Race, race.Weekday())
	}
	b, err := parseBreaches(o.Breaches)
	if err != nil {
		return synth.Season{}, err
	}
	return synth.Season{
		Athlete: o.Athlete, Zone: zone, RaceDate: race, Seed: o.Seed,
		WeeklyKm: o.WeeklyKm, NoPreRaceHistory: o.NoHistory, Breaches: b,
		EveningRuns: o.Evening, DoubleRecord: o.Double,
	}, nil
}

func parseBreaches(names []string) (synth.Breaches, error) {
	var b synth.Breaches
	for _, n := range names {
		switch strings.TrimSpace(n) {
		case "all":
			b = synth.Breaches{RunsDuringRest: true, HardRideDuringRest: true, SpeedWorkInReturn: true,
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
			return b, usagef("unknown --breach %q: use %s or all", n, strings.Join(analysis.RuleIDs(), ", "))
		}
	}
	return b, nil
}

// writeSeason writes a season in an export style into dir and returns the
// path to import and the number of activities.
func writeSeason(dir string, s synth.Season, style string, monitoring int) (string, int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", 0, err
	}
	acts := s.Activities()
	var path string
	var err error
	switch style {
	case "files", "gpx":
		path = dir
		es := synth.ExportFIT
		if style == "gpx" {
			es = synth.ExportGPX
		}
		err = synth.WriteDir(dir, acts, es)
	case "garmin", "strava":
		path = filepath.Join(dir, fileNamePart(s.Athlete)+"_"+style+"_export.zip")
		err = writeZip(path, func(f *os.File) error {
			if style == "garmin" {
				return synth.WriteGarminExport(f, acts, monitoring)
			}
			return synth.WriteStravaExport(f, acts)
		})
	default:
		return "", 0, usagef("unknown --style %q: use files, gpx, garmin or strava", style)
	}
	if err != nil {
		return "", 0, fmt.Errorf("writing %s: %w", path, err)
	}
	return path, len(acts), nil
}

func writeZip(path string, fn func(*os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// fileNamePart makes an athlete name safe as part of a file name inside
// the output folder: anything but letters, digits, '-', '_' and '.'
// becomes '_', and leading dots go (so "../escape" stays in --dir).
func fileNamePart(name string) string {
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
