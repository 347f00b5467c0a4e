package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/reports"
	"github.com/taper-run/taper/synth"
)

type demoOptions struct {
	*globalOptions
	Dir    string
	Style  string
	Format string
	Seed   int64
	dbSet  bool
}

func newDemoCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &demoOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Generate a demo athlete, import it and print the recovery report",
		Long: `demo generates a synthetic marathoner's season (12 weeks of training, the race,
8 weeks after it, with one breach of every rule), writes it as a Garmin account
export, imports it into a fresh temporary database (unless --db is given;
TAPER_DB is ignored here) and prints the weekly compliance report. The race is
the last Sunday whose eight recovery weeks are over today.`,
		Example: `  taper demo
  taper demo --dir ./demo-files --db demo.duckdb --format markdown`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Only an explicit --db: TAPER_DB may name the user's real
			// database, which the demo athlete must not be added to.
			o.dbSet = cmd.Flags().Changed("db")
			if !cmd.Flags().Changed("athlete") {
				o.Athlete = "demo"
			}
			return runDemo(cmd.Context(), o, st)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Dir, "dir", "", "keep the generated files in this folder (default: a temporary folder)")
	f.StringVar(&o.Style, "style", "garmin", "export style: garmin, strava, apple, files or gpx")
	f.StringVar(&o.Format, "format", "text", "report format: text, markdown, html, json or csv")
	f.Int64Var(&o.Seed, "seed", 1, "random seed")
	return cmd
}

func runDemo(ctx context.Context, o *demoOptions, st *streams) error {
	if err := checkFormat(o.Format, reports.Formats()...); err != nil {
		return err
	}
	dir := o.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "taper-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if !o.dbSet {
		tmpDB, err := os.MkdirTemp("", "taper-demo-db-")
		if err != nil {
			return err
		}
		o.DB = filepath.Join(tmpDB, "demo.duckdb")
	}
	demoRace, demoAsOf := synth.DemoDates(o.now())
	gen := &generateOptions{globalOptions: o.globalOptions, Dir: dir, Style: o.Style, Race: demoRace,
		Zone: "Europe/London", Seed: o.Seed, Breaches: []string{"all"}, WeeklyKm: 50, Monitoring: 300}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return taper.WithHint(fmt.Errorf("folder %s is not empty: the demo's files would mix with what is there", dir), "give a new or empty --dir, or none (a temporary folder)")
	}
	if err := checkStyle(o.Style); err != nil {
		return err
	}
	season, err := gen.season()
	if err != nil {
		return err
	}
	path, n, err := synth.WriteExport(dir, season, o.Style, synth.ExportOptions{Monitoring: gen.Monitoring, Now: o.now()})
	if err != nil {
		return err
	}
	// The narration goes with the text report; with another format stdout
	// holds only the report (taper demo --format json > demo.json).
	say := st.out
	if o.Format != "text" {
		say = st.errOut
	}
	impStreams := &streams{in: st.in, out: say, errOut: st.errOut}
	fmt.Fprintf(say, "== 1. Generated %d activities of a demo marathoner (race %s) as a %s export: %s\n", n, demoRace, o.Style, path)
	season.WritePlanted(say)
	fmt.Fprintln(say)
	fmt.Fprintf(say, "== 2. taper import --db %s --athlete %s %s\n\n", o.DB, o.Athlete, path)
	imp := &importOptions{globalOptions: o.globalOptions, Jobs: 2, Progress: "auto", Inputs: []string{path}}
	if err := runImport(ctx, imp, impStreams); err != nil {
		return err
	}
	fmt.Fprintf(say, "\n== 3. taper report --db %s --athlete %s --as-of %s\n\n", o.DB, o.Athlete, demoAsOf)
	rep := &reportOptions{globalOptions: o.globalOptions, AsOf: demoAsOf, Format: o.Format}
	if err := runReport(ctx, rep, st); err != nil {
		return err
	}
	fmt.Fprintf(say, "\nThe database is kept at %s: try (go build -o taper ./cmd/taper first)\n  ./taper activities --db %s --athlete %s --since %s\n  ./taper report --db %s --athlete %s --as-of %s --format html -o demo.html\n  ./taper sql --db %s \"SELECT class, count(*) FROM analyses GROUP BY 1\"\n",
		o.DB, o.DB, o.Athlete, demoRace, o.DB, o.Athlete, demoAsOf, o.DB)
	return nil
}
