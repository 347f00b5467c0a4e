package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
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
		{name: "gpx_files", breaches: []string{"interval_limit"}, args: []string{"--style", "gpx"}},
		{name: "no_pre_race_history", args: []string{"--no-history"}, noBase: true},
		{name: "far_zone_evening_runs", zone: "Pacific/Auckland", args: []string{"--evening"}, breaches: []string{"rest_window", "long_run_early"}},
		{name: "west_zone_evening_runs", zone: "America/Los_Angeles", args: []string{"--evening"}, breaches: []string{"interval_limit"}},
		{name: "watch_and_phone", args: []string{"--double"}, breaches: []string{"rest_window", "ramp_cap"}},
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
	// the path to import is the last word of generate's line
	fields := strings.Fields(strings.TrimSpace(out))
	input := fields[len(fields)-1]
	mustTaper(t, "import", "--db", db, "--athlete", "ath", "--timezone", zone, "-q", input)

	raceDay, _ := time.Parse(time.DateOnly, race)
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
	} else if rep.Baseline.Source != "history" || rep.Baseline.Volume == nil {
		t.Errorf("baseline = %+v, want from history", rep.Baseline)
	}

	// Findings: exactly the planted breaches, on their dates.
	want := map[string]bool{}
	expand := sc.breaches
	if len(expand) == 1 && expand[0] == "all" {
		expand = analysis.RuleIDs()
	}
	for _, b := range expand {
		bf := breachFinding[b]
		if sc.noBase && (b == "ramp_cap" || b == "ramp_jump") {
			continue
		}
		want[fmt.Sprintf("%s %s %s", b, bf.severity, raceDay.AddDate(0, 0, bf.day).Format(time.DateOnly))] = true
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
	if len(rep.Weeks) != 8 {
		t.Fatalf("%d weeks in the report, want 8", len(rep.Weeks))
	}
	// GPX carries no session totals: its distance is summed from noisy
	// points, so it may differ from the generator's a little more.
	tol := 0.005
	if strings.Contains(strings.Join(sc.args, " "), "gpx") {
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
	o := &generateOptions{globalOptions: &globalOptions{Athlete: "ath"}, Race: raceDay.Format(time.DateOnly), Zone: zoneName, Seed: seed,
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
