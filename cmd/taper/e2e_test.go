package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/taper-run/taper/ingest"
	"github.com/taper-run/taper/synth"
)

// taper runs the CLI's own entry point and returns its exit status, stdout
// and stderr.
func runTaper(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func mustTaper(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runTaper(t, args...)
	if code != 0 {
		t.Fatalf("taper %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// jsonReport is the public JSON shape of `taper report --format json`.
type jsonReport struct {
	Athlete string `json:"athlete"`
	AsOf    string `json:"as_of"`
	Preset  string `json:"preset"`
	Race    *struct {
		ActivityID  string  `json:"activity_id"`
		Date        string  `json:"date"`
		DistanceM   float64 `json:"distance_m"`
		MovingTimeS float64 `json:"moving_time_s"`
	} `json:"race"`
	Baseline struct {
		Volume *float64 `json:"volume"`
		Unit   string   `json:"unit"`
		Source string   `json:"source"`
	} `json:"baseline"`
	Weeks []struct {
		Week             int      `json:"week"`
		Start            string   `json:"start"`
		End              string   `json:"end"`
		Phases           []string `json:"phases"`
		Runs             int      `json:"runs"`
		Volume           float64  `json:"volume"`
		Cap              *float64 `json:"cap"`
		IntervalSessions int      `json:"interval_sessions"`
		Status           string   `json:"status"`
	} `json:"weeks"`
	Findings []struct {
		Rule       string  `json:"rule"`
		Severity   string  `json:"severity"`
		Date       string  `json:"date"`
		Week       int     `json:"week"`
		ActivityID string  `json:"activity_id"`
		Message    string  `json:"message"`
		Value      float64 `json:"value"`
		Limit      float64 `json:"limit"`
	} `json:"findings"`
}

// breachFinding is where each generator breach switch must be flagged: the
// rule, its severity and the day after the race (synth.Breaches documents
// the placements; weekly rules fire on the week's last day).
var breachFinding = map[string]struct {
	severity string
	day      int
}{
	"rest_window":         {"breach", 5},
	"hard_cross_training": {"warning", 6},
	"long_run_early":      {"warning", 15},
	"speed_work_early":    {"breach", 16},
	"ramp_cap":            {"breach", 21},
	"interval_limit":      {"breach", 39},
	"ramp_jump":           {"warning", 49},
}

type scenario struct {
	name     string
	args     []string // taper generate flags
	breaches []string
	zone     string
	race     string
	noBase   bool

	// noImportZone imports without --timezone: the files alone give the
	// local dates.
	noImportZone bool

	// issue 12's cases:
	extra    []extraFile // files added to the generated ones
	config   string      // taper.toml beside the database
	lateZone bool        // import without --timezone; then set it in taper.toml and reanalyze
	want     []string    // findings besides the planted breaches: "rule severity day"
	check    func(t *testing.T, db string)
}

// extraFile is an activity added to a scenario: a generated one (written
// as FIT) or a file's bytes.
type extraFile struct {
	name string
	spec *synth.Spec // day offsets are set by the scenario
	day  int         // days after the race (for spec)
	data func(race time.Time) []byte
}

func TestEndToEnd(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("end-to-end scenarios take a minute; run without -short")
	}
	scenarios := []scenario{
		{name: "compliant"},
		{name: "rest_window", breaches: []string{"rest_window"}},
		{name: "hard_cross_training", breaches: []string{"hard_cross_training"}},
		{name: "speed_work_early", breaches: []string{"speed_work_early"}},
		{name: "long_run_early", breaches: []string{"long_run_early"}},
		{name: "ramp_cap", breaches: []string{"ramp_cap"}},
		{name: "ramp_jump", breaches: []string{"ramp_jump"}},
		{name: "interval_limit", breaches: []string{"interval_limit"}},
		{name: "every_rule_garmin_export", breaches: []string{"all"}, args: []string{"--style", "garmin", "--monitoring", "50"}},
		{name: "strava_export", breaches: []string{"rest_window"}, args: []string{"--style", "strava"}},
		// Breaches in TCX files (intervals, the hard ride) and in manual
		// entries without a file (the rest-window run, the early long run).
		{name: "strava_tcx_and_manual_entries", args: []string{"--style", "strava"},
			breaches: []string{"rest_window", "long_run_early", "speed_work_early", "interval_limit", "hard_cross_training"}},
		// An Apple Watch athlete in Berlin running late in the evening, whose
		// phone exported in Tokyo: every date in export.xml carries +09:00,
		// the workouts' own zone (HKTimeZone) puts them on their Berlin days.
		{name: "apple_watch_export_offset", args: []string{"--style", "apple", "--export-timezone", "Asia/Tokyo", "--evening"},
			breaches: []string{"rest_window", "long_run_early", "interval_limit", "ramp_cap"}, noImportZone: true},
		{name: "gpx_files", breaches: []string{"interval_limit"}, args: []string{"--style", "gpx"}},
		{name: "no_pre_race_history", args: []string{"--no-history"}, noBase: true},
		{name: "far_zone_evening_runs", zone: "Pacific/Auckland", args: []string{"--evening"}, breaches: []string{"rest_window", "long_run_early"}},
		{name: "west_zone_evening_runs", zone: "America/Los_Angeles", args: []string{"--evening"}, breaches: []string{"interval_limit"}},
		{name: "watch_and_phone", args: []string{"--double"}, breaches: []string{"rest_window", "ramp_cap"}},
		// issue 12: a 75 min easy walk on day 3 is light activity, not hard cross-training
		{name: "easy_walk_in_rest", extra: []extraFile{{name: "walk.fit", day: 3,
			spec: &synth.Spec{Kind: synth.Walk, Duration: 75 * time.Minute, Laps: synth.AutoLaps}}}},
		// unevenly paced reps (a 1-2-3-2-1 pyramid, each rep starting up a
		// slope) in the return phase are intervals: speed_work_early
		{name: "uneven_intervals", args: []string{"--no-history"}, noBase: true, extra: []extraFile{{name: "pyramid.fit", day: 16,
			spec: &synth.Spec{Kind: synth.Intervals, RepMinutes: []float64{1, 2, 3, 2, 1}, RepShape: synth.HillyReps, Laps: synth.NoLaps}}},
			want: []string{"speed_work_early breach 16"}},
		// a zoneless evening run on day 10 (03:30 UTC on day 11) imported
		// before the athlete's time zone was set: after reanalyze it is a
		// rest_window breach on day 10
		{name: "late_time_zone", zone: "America/Los_Angeles", lateZone: true,
			extra: []extraFile{{name: "treadmill.gpx", data: func(race time.Time) []byte {
				return virtualRunGPX(race.AddDate(0, 0, 11).Add(3*time.Hour + 30*time.Minute))
			}}}, want: []string{"rest_window breach 10"}},
		// phone copies take their watch recording's class and evidence
		{name: "duplicate_copy", args: []string{"--double", "--style", "gpx"}, breaches: []string{"interval_limit"}, check: duplicatesAgree},
		// week 2 a little above its cap with cap_tolerance 0.05: a warning
		{name: "near_cap_week", config: "[default]\nbaseline_km = 50\ncap_tolerance = 0.05\n",
			extra: []extraFile{{name: "topup.fit", day: 13, spec: &synth.Spec{Kind: synth.Easy}}},
			want:  []string{"ramp_cap_near warning 14"}},
	}
	for i, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			runScenario(t, sc, int64(100+i))
		})
	}
}

func runScenario(t *testing.T, sc scenario, seed int64) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	zone := sc.zone
	if zone == "" {
		zone = "Europe/Berlin"
	}
	race := sc.race
	if race == "" {
		race = "2026-10-04"
	}
	gen := []string{"generate", "--dir", filepath.Join(dir, "files"), "--athlete", "ath", "--timezone", zone,
		"--race", race, "--seed", fmt.Sprint(seed)}
	if len(sc.breaches) > 0 {
		gen = append(gen, "--breach", strings.Join(sc.breaches, ","))
	}
	gen = append(gen, sc.args...)
	out := mustTaper(t, gen...)
	input := generatedPath(t, out)
	raceDay, _ := time.Parse(time.DateOnly, race)
	loc, _ := time.LoadLocation(zone)
	extraRuns := writeExtras(t, sc, filepath.Join(dir, "files"), raceDay, loc, seed)
	if sc.config != "" {
		if err := os.WriteFile(filepath.Join(dir, "taper.toml"), []byte(sc.config), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if sc.lateZone {
		mustTaper(t, "import", "--db", db, "--athlete", "ath", "-q", input)
		if err := os.WriteFile(filepath.Join(dir, "taper.toml"), []byte(fmt.Sprintf("[athlete.ath]\ntimezone = %q\n", zone)), 0o644); err != nil {
			t.Fatal(err)
		}
		mustTaper(t, "reanalyze", "--db", db, "--athlete", "ath")
	} else {
		imp := []string{"import", "--db", db, "--athlete", "ath", "-q", input}
		if !sc.noImportZone {
			imp = append(imp, "--timezone", zone)
		}
		mustTaper(t, imp...)
	}
	asOf := raceDay.AddDate(0, 0, 56).Format(time.DateOnly)
	js := mustTaper(t, "report", "--db", db, "--athlete", "ath", "--as-of", asOf, "--format", "json")
	var rep jsonReport
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatalf("report json: %v\n%s", err, js)
	}

	// The race is found on its date.
	if rep.Race == nil || rep.Race.Date != race {
		t.Fatalf("race = %+v, want the marathon on %s", rep.Race, race)
	}
	// The baseline: from history, unless there is none.
	if sc.noBase {
		if rep.Baseline.Source != "none" || rep.Baseline.Volume != nil {
			t.Errorf("baseline = %+v, want none", rep.Baseline)
		}
	} else if fromConfig := strings.Contains(sc.config, "baseline_km"); rep.Baseline.Volume == nil ||
		(rep.Baseline.Source != "history" && !(fromConfig && rep.Baseline.Source == "config")) {
		t.Errorf("baseline = %+v, want from history", rep.Baseline)
	}

	// Findings: exactly the planted breaches, on their dates.
	want := map[string]bool{}
	expand := sc.breaches
	if len(expand) == 1 && expand[0] == "all" {
		expand = synth.PlantableRules()
	}
	for _, b := range expand {
		bf := breachFinding[b]
		if sc.noBase && (b == "ramp_cap" || b == "ramp_jump") {
			continue
		}
		want[fmt.Sprintf("%s %s %s", b, bf.severity, raceDay.AddDate(0, 0, bf.day).Format(time.DateOnly))] = true
	}
	for _, w := range sc.want {
		var rule, sev string
		var day int
		fmt.Sscan(w, &rule, &sev, &day)
		want[fmt.Sprintf("%s %s %s", rule, sev, raceDay.AddDate(0, 0, day).Format(time.DateOnly))] = true
	}
	got := map[string]bool{}
	for _, f := range rep.Findings {
		got[fmt.Sprintf("%s %s %s", f.Rule, f.Severity, f.Date)] = true
	}
	if !sameSet(got, want) {
		t.Errorf("findings:\n got %v\nwant %v\nreport:\n%s", keys(got), keys(want), js)
	}

	// Each recovery week's run count and volume, from the generator's
	// ground truth (local dates in the athlete's zone; phone copies do not
	// count).
	truth := groundTruth(t, sc, seed, zone, raceDay)
	for w, x := range extraRuns {
		tw := truth[w]
		tw.runs += x.runs
		tw.volume += x.volume
		truth[w] = tw
	}
	if sc.check != nil {
		sc.check(t, db)
	}
	if len(rep.Weeks) != 8 {
		t.Fatalf("%d weeks in the report, want 8", len(rep.Weeks))
	}
	// GPX carries no session totals: its distance is summed from noisy
	// points, so it may differ from the generator's a little more (Strava
	// exports hold some gzipped GPX runs too).
	tol := 0.005
	if a := strings.Join(sc.args, " "); strings.Contains(a, "gpx") || strings.Contains(a, "strava") {
		tol = 0.02
	}
	for _, w := range rep.Weeks {
		tw := truth[w.Week]
		if w.Runs != tw.runs {
			t.Errorf("week %d: %d runs, want %d", w.Week, w.Runs, tw.runs)
		}
		if math.Abs(w.Volume-tw.volume) > tol*tw.volume+1 {
			t.Errorf("week %d: volume %.1f m, want %.1f m", w.Week, w.Volume, tw.volume)
		}
	}
}

type weekTruth struct {
	runs   int
	volume float64
}

func groundTruth(t *testing.T, sc scenario, seed int64, zoneName string, raceDay time.Time) map[int]weekTruth {
	t.Helper()
	zone, err := time.LoadLocation(zoneName)
	if err != nil {
		t.Fatal(err)
	}
	o := &generateOptions{globalOptions: &globalOptions{Athlete: "ath", now: time.Now}, Race: raceDay.Format(time.DateOnly), Zone: zoneName, Seed: seed,
		Breaches: sc.breaches, WeeklyKm: 50}
	for i := 0; i < len(sc.args); i++ {
		switch sc.args[i] {
		case "--no-history":
			o.NoHistory = true
		case "--evening":
			o.Evening = true
		case "--double":
			o.Double = true
		}
	}
	season, err := o.season()
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]weekTruth{}
	for _, a := range season.Activities() {
		if !a.IsRun() || a.Device == "phone" {
			continue
		}
		local, _ := time.Parse(time.DateOnly, a.Start.In(zone).Format(time.DateOnly))
		day := int(local.Sub(raceDay).Hours() / 24)
		if day < 1 || day > 56 {
			continue
		}
		w := (day-1)/7 + 1
		tw := out[w]
		tw.runs++
		tw.volume += a.Distance
		out[w] = tw
	}
	return out
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// writeExtras writes a scenario's extra files into dir and returns the
// runs they add by recovery week.
func writeExtras(t *testing.T, sc scenario, dir string, race time.Time, loc *time.Location, seed int64) map[int]weekTruth {
	t.Helper()
	out := map[int]weekTruth{}
	for i, x := range sc.extra {
		var data []byte
		if x.spec != nil {
			sp := *x.spec
			sp.Seed, sp.Zone = seed*31+int64(i), loc
			local := time.Date(race.Year(), race.Month(), race.Day()+x.day, 7, 10, 0, 0, loc)
			sp.Start = local.UTC()
			if sc.name == "near_cap_week" {
				sp.Duration = topUp(t, sc, sp, race, seed)
			}
			a := synth.Workout(sp)
			var b bytes.Buffer
			if err := synth.WriteFIT(&b, a); err != nil {
				t.Fatal(err)
			}
			data = b.Bytes()
			if a.IsRun() {
				w := (x.day-1)/7 + 1
				tw := out[w]
				tw.runs++
				tw.volume += a.Distance
				out[w] = tw
			}
		} else {
			data = x.data(race)
			// its distance as the import reads it, on its local day
			r := ingest.NewDecoder(ingest.DecodeOptions{Zone: loc}).Decode(x.name, data)
			if len(r.Activities) != 1 {
				t.Fatalf("%s: %d activities (%v)", x.name, len(r.Activities), r.Err)
			}
			a := r.Activities[0]
			local, _ := time.Parse(time.DateOnly, a.Start.In(loc).Format(time.DateOnly))
			w := (int(local.Sub(race).Hours()/24)-1)/7 + 1
			tw := out[w]
			tw.runs++
			tw.volume += a.Distance
			out[w] = tw
		}
		if err := os.WriteFile(filepath.Join(dir, x.name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// topUp is the moving time of an easy run that brings week 2 to 2% above
// its 12.5 km cap (baseline_km 50 x 25%).
func topUp(t *testing.T, sc scenario, sp synth.Spec, race time.Time, seed int64) time.Duration {
	t.Helper()
	truth := groundTruth(t, sc, seed, sp.Zone.String(), race)
	need := 12500*1.02 - truth[2].volume
	if need < 500 {
		t.Fatalf("week 2 already holds %.0f m", truth[2].volume)
	}
	for d := 2 * time.Minute; d < 45*time.Minute; d += 5 * time.Second {
		sp.Duration = d
		if synth.Workout(sp).Distance >= need {
			return d
		}
	}
	t.Fatalf("no easy run under 45 min covers %.0f m", need)
	return 0
}

// virtualRunGPX is an 8-minute treadmill run's GPX (a virtual run: no zone
// from its positions) starting at start (UTC).
func virtualRunGPX(start time.Time) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><type>VirtualRun</type><trkseg>`)
	for i := 0; i <= 480; i += 5 {
		fmt.Fprintf(&b, `<trkpt lat="%.6f" lon="-118.40"><time>%s</time></trkpt>`, 34.0+float64(i)*0.000024, start.Add(time.Duration(i)*time.Second).Format(time.RFC3339))
	}
	b.WriteString(`</trkseg></trk></gpx>`)
	return b.Bytes()
}

// duplicatesAgree checks that every duplicate carries its primary's class
// and evidence.
func duplicatesAgree(t *testing.T, db string) {
	t.Helper()
	out := mustTaper(t, "sql", "--db", db, "--format", "csv", `SELECT count(*) AS n, count(*) FILTER (WHERE d.class IS DISTINCT FROM p.class OR d.evidence IS DISTINCT FROM p.evidence) AS differ
		FROM activities a JOIN analyses d ON d.activity_id = a.id JOIN analyses p ON p.activity_id = a.duplicate_of WHERE a.duplicate_of IS NOT NULL`)
	var n, differ int
	fmt.Sscanf(strings.TrimPrefix(out, "n,differ\n"), "%d,%d", &n, &differ)
	if n < 50 || differ != 0 {
		t.Errorf("duplicates: %d, of which %d differ from their primary in class or evidence", n, differ)
	}
}

// generatedPath is the path to import from generate's output: the last
// word of its "Wrote" line (what it planted follows).
func generatedPath(t *testing.T, out string) string {
	t.Helper()
	i := strings.Index(out, "Wrote ")
	if i < 0 {
		t.Fatalf("generate said no \"Wrote\" line:\n%s", out)
	}
	wrote, _, _ := strings.Cut(out[i:], "\n")
	fields := strings.Fields(wrote)
	return fields[len(fields)-1]
}
