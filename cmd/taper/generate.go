package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper"
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
	ExportZone string // apple style: the phone's zone when it exported
	// Benchmark corpus: N athletes x M weeks.
	Athletes int
	Weeks    int
}

func newGenerateCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &generateOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Write a synthetic season, platform export or benchmark corpus",
		Example: `  taper generate --dir /tmp/alice --athlete alice --style garmin \
    --breach rest_window,interval_limit
  taper generate --dir /tmp/bob --style strava --race 2026-10-04 \
    --timezone America/Los_Angeles --evening
  # benchmark corpus, about 13,000 files
  taper generate --dir /tmp/corpus --athletes 50 --weeks 52`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runGenerate(cmd.Context(), o, st)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Dir, "dir", "", "output folder (created)")
	f.StringVar(&o.Style, "style", "files", "files (plain .fit), gpx (plain .gpx), garmin (account export zip), strava (bulk export zip: FIT, GPX, TCX and manual entries) or apple (Apple Health export.zip)")
	f.StringVar(&o.ExportZone, "export-timezone", "America/New_York", "apple style: the phone's zone when it made the export (the export's dates carry its offset; each workout keeps its own zone)")
	f.StringVar(&o.Race, "race", "", "race date (a Sunday), local (default: the last Sunday whose 8 recovery weeks are over)")
	f.StringVar(&o.Zone, "timezone", "Europe/London", "the athlete's IANA time zone")
	f.Int64Var(&o.Seed, "seed", 1, "random seed (same seed, same files)")
	f.StringSliceVar(&o.Breaches, "breach", nil, "rules to break: "+strings.Join(synth.PlantableRules(), ", ")+", or all")
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
		return taper.WithHint(fmt.Errorf("folder %s is not empty: generated files would mix with what is there", o.Dir), "give a new or empty --dir, or --force to add to it")
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
	if err := checkStyle(o.Style); err != nil {
		return err
	}
	season, err := o.season()
	if err != nil {
		return err
	}
	exportZone, err := time.LoadLocation(o.ExportZone)
	if err != nil {
		return usagef("unknown --export-timezone %q: use an IANA name such as America/New_York", o.ExportZone)
	}
	path, count, err := synth.WriteExport(o.Dir, season, o.Style, synth.ExportOptions{Monitoring: o.Monitoring, Zone: exportZone, Now: o.now()})
	if err != nil {
		return err
	}
	fmt.Fprintf(st.out, "Wrote %d activities of athlete %s (race %s, %s) to %s\n", count, season.Athlete, o.Race, o.Style, path)
	season.WritePlantedBy(st.out, o.now())
	return nil
}

// season builds the synth season the flags describe.
func (o *generateOptions) season() (synth.Season, error) {
	if o.Race == "" {
		o.Race, _ = synth.DemoDates(o.now())
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
	if today := o.now().In(zone).Format(time.DateOnly); o.Race > today {
		return synth.Season{}, usagef("--race %s is after today (%s): files are written up to today, so the race would be missing; give a past Sunday (or set today with --now)", o.Race, today)
	}
	b, err := synth.BreachesFor(o.Breaches)
	if err != nil {
		return synth.Season{}, usagef("bad --breach: %v", err)
	}
	return synth.Season{
		Athlete: o.Athlete, Zone: zone, RaceDate: race, Seed: o.Seed,
		WeeklyKm: o.WeeklyKm, NoPreRaceHistory: o.NoHistory, Breaches: b,
		EveningRuns: o.Evening, DoubleRecord: o.Double,
	}, nil
}

// checkStyle validates --style.
func checkStyle(style string) error {
	if !slices.Contains(synth.Styles(), style) {
		return usagef("unknown --style %q: use %s", style, strings.Join(synth.Styles(), ", "))
	}
	return nil
}
