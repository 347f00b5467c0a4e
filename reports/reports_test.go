package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/taper-run/taper/analysis"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (review, then go test ./reports -update):\n%s", path, firstDiff(want, got))
	}
}

func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d\nwant: %q\n got: %q", i+1, w, g)
		}
	}
	return "(equal lines; length differs)"
}

// act is one activity of the fixtures, relative to the race.
type act struct {
	sport    string // "" = running
	day      int
	at       string // local HH:MM
	km, min  float64
	class    string
	evidence string
	dup      bool
}

const raceDay = "2026-10-04" // a Sunday

func build(athlete string, offset int, acts []act) []*analysis.Activity {
	var out []*analysis.Activity
	for i, a := range acts {
		d, err := time.Parse("2006-01-02 15:04", raceDay+" "+a.at)
		if err != nil {
			panic(err)
		}
		sport := a.sport
		if sport == "" {
			sport = analysis.SportRunning
		}
		x := &analysis.Activity{
			ID: fmt.Sprintf("%s%02d", athlete[:1], i), Athlete: athlete, Sport: sport,
			Start:     d.AddDate(0, 0, a.day).Add(-time.Duration(offset) * time.Second),
			UTCOffset: offset, TimeZone: "Europe/Paris",
			Distance: a.km * 1000, MovingTime: a.min * 60, ElapsedTime: a.min * 60,
			Metrics: &analysis.Metrics{Distance: a.km * 1000, MovingTime: a.min * 60, Evidence: a.evidence},
		}
		if sport == analysis.SportRunning {
			x.Metrics.Class = a.class
			if x.Metrics.Class == "" {
				x.Metrics.Class = analysis.ClassEasy
			}
			if x.Metrics.Evidence == "" {
				x.Metrics.Evidence = fmt.Sprintf("%s (duration): %.0f min of steady running", x.Metrics.Class, a.min)
			}
		}
		if a.dup {
			x.DuplicateOf = fmt.Sprintf("%s%02d", athlete[:1], i-1)
		}
		out = append(out, x)
	}
	return out
}

const intervals = "intervals (stream): 6 work bouts 2:52-3:01 at 3:38-3:44/km, recoveries 6:05/km avg"

// aliceActs breaks every rule once (and interval_limit twice).
func aliceActs() []act {
	return []act{
		{day: 0, at: "09:00", km: 42.3805, min: 214, class: analysis.ClassRace, evidence: "race: 42.38 km, marked"},
		{day: 3, at: "07:10", km: 6, min: 35},
		{sport: analysis.SportCycling, day: 5, at: "10:00", min: 95},
		{sport: analysis.SportSwimming, day: 8, at: "12:30", min: 40},
		{day: 12, at: "18:00", km: 7, min: 38, class: analysis.ClassInterval, evidence: intervals},
		{day: 14, at: "08:00", km: 10, min: 55},
		{day: 16, at: "07:00", km: 6, min: 33},
		{day: 16, at: "07:01", km: 6.1, min: 33, dup: true},
		{day: 18, at: "07:00", km: 8, min: 42},
		{day: 20, at: "23:30", km: 5, min: 27},
		{day: 21, at: "07:00", km: 1.4, min: 9}, // week 3: 20.4 km, 2% above its 20 km cap
		{day: 22, at: "18:30", km: 10, min: 50, class: analysis.ClassInterval, evidence: intervals},
		{day: 24, at: "18:30", km: 9, min: 46, class: analysis.ClassInterval, evidence: "intervals (laps): 5 work laps of 1000 m at 3:50-3:56/km with 2:00 rest laps"},
		{day: 27, at: "09:00", km: 11, min: 62},
		{day: 29, at: "07:00", km: 8, min: 42},
		{day: 31, at: "18:30", km: 9, min: 46, class: analysis.ClassInterval, evidence: intervals},
		{day: 33, at: "07:00", km: 6, min: 32},
		{day: 35, at: "09:00", km: 12, min: 66, class: analysis.ClassTempo, evidence: "tempo (stream): 22 min continuous at 4:05/km (race pace 4:03/km)"},
		{day: 36, at: "07:00", km: 10, min: 52},
		{day: 38, at: "18:30", km: 10, min: 50, class: analysis.ClassInterval, evidence: intervals},
		{day: 40, at: "07:00", km: 8, min: 42},
		{day: 42, at: "08:00", km: 22, min: 125, class: analysis.ClassLong},
		{day: 43, at: "18:30", km: 8, min: 42, class: analysis.ClassInterval, evidence: intervals},
		{sport: analysis.SportTraining, day: 44, at: "19:00", min: 45},
		{day: 45, at: "06:45", km: 9, min: 45, class: analysis.ClassInterval, evidence: intervals},
	}
}

// fixture returns alice's report as of Wednesday of week 7.
func fixture(t testing.TB) *analysis.Report {
	s, err := analysis.Preset(analysis.PresetStandard)
	if err != nil {
		t.Fatal(err)
	}
	s.CapTolerance = 0.03
	acts := build("alice", 7200, aliceActs())
	return analysis.Audit(analysis.AuditInput{
		Athlete: "alice", AsOf: "2026-11-18", Settings: s,
		Race:       analysis.Race{Activity: acts[0], Source: "marked"},
		Baseline:   analysis.Baseline{Volume: 40000, Unit: "m", Source: "history", Runs: 38},
		Activities: acts,
	})
}

// roster returns four athletes: alice (breaches), bob (compliant, no
// baseline, complete), carol (warning only), dan (no race).
func roster(t testing.TB) []*analysis.Report {
	s, err := analysis.Preset(analysis.PresetStandard)
	if err != nil {
		t.Fatal(err)
	}
	bobActs := build("bob", 7200, []act{
		{day: 0, at: "08:30", km: 42.2, min: 250, class: analysis.ClassRace},
		{day: 12, at: "07:00", km: 5, min: 32}, {day: 15, at: "07:00", km: 6, min: 38},
		{day: 19, at: "07:00", km: 7, min: 45}, {day: 26, at: "07:00", km: 12, min: 75},
	})
	bob := analysis.Audit(analysis.AuditInput{Athlete: "bob", AsOf: "2026-12-05", Settings: s,
		Race: analysis.Race{Activity: bobActs[0], Source: "distance"},
		Baseline: analysis.Baseline{Source: "none", Runs: 4,
			Reason: "only 4 runs between 2026-07-19 and 2026-09-12 (8 needed)"},
		Activities: bobActs})
	carolActs := build("carol", 7200, []act{
		{day: 0, at: "09:00", km: 42.5, min: 230, class: analysis.ClassRace},
		{sport: analysis.SportCycling, day: 6, at: "10:00", min: 75},
		{day: 12, at: "07:00", km: 6, min: 35},
	})
	carol := analysis.Audit(analysis.AuditInput{Athlete: "carol", AsOf: "2026-10-20", Settings: s,
		Race:       analysis.Race{Activity: carolActs[0], Source: "distance"},
		Baseline:   analysis.Baseline{Volume: 55000, Unit: "m", Source: "history", Runs: 41},
		Activities: carolActs})
	dan := analysis.Audit(analysis.AuditInput{Athlete: "dan", AsOf: "2026-11-18", Settings: s,
		Race: analysis.Race{Reason: "no run of 40.9-43.7 km up to 2026-11-18; mark the race with taper race --athlete dan --date YYYY-MM-DD"},
	})
	return []*analysis.Report{bob, dan, fixture(t), carol}
}

func render(t *testing.T, f func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := f(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestFixtureHasEveryRule(t *testing.T) {
	r := fixture(t)
	seen := map[string]int{}
	for _, f := range r.Findings {
		seen[f.Rule]++
	}
	for _, id := range analysis.RuleIDs() {
		if seen[id] == 0 {
			t.Errorf("the fixture has no %s finding; findings: %v", id, seen)
		}
	}
	if r.Weeks[6].Status != analysis.StatusPending || r.Weeks[7].DaysElapsed != 0 {
		t.Errorf("weeks 7-8 should be pending: %+v %+v", r.Weeks[6], r.Weeks[7])
	}
}

func TestJSON(t *testing.T) {
	got := render(t, func(b *bytes.Buffer) error { return JSON(b, fixture(t)) })
	golden(t, "alice.json", got)

	// The public contract: these names, exactly.
	var m map[string]any
	if err := json.Unmarshal(got, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"athlete", "as_of", "preset", "race", "baseline", "weeks", "findings"} {
		if _, ok := m[k]; !ok {
			t.Errorf("json has no %q", k)
		}
	}
	keys := func(v any, want ...string) {
		t.Helper()
		obj, _ := v.(map[string]any)
		for _, k := range want {
			if _, ok := obj[k]; !ok {
				t.Errorf("json object %v has no %q", obj, k)
			}
		}
	}
	keys(m["race"], "activity_id", "date", "distance_m", "moving_time_s")
	keys(m["baseline"], "volume", "unit", "source")
	keys(m["weeks"].([]any)[0], "week", "start", "end", "phases", "runs", "volume", "cap", "interval_sessions", "status")
	keys(m["findings"].([]any)[0], "rule", "severity", "date", "week", "activity_id", "message", "value", "limit")
	if c := m["weeks"].([]any)[5].(map[string]any)["cap"]; c != nil {
		t.Errorf("week 6 cap = %v, want null", c)
	}

	noRace := render(t, func(b *bytes.Buffer) error { return JSON(b, roster(t)[1]) })
	golden(t, "dan.json", noRace)
	if !bytes.Contains(noRace, []byte(`"race": null`)) || !bytes.Contains(noRace, []byte(`"reason": "no run of`)) {
		t.Errorf("no-race json should have race null and a reason:\n%s", noRace)
	}
}

func TestText(t *testing.T) {
	r := fixture(t)
	plain := render(t, func(b *bytes.Buffer) error { return Text(b, r, false) })
	golden(t, "alice.txt", plain)
	if bytes.Contains(plain, []byte("\x1b[")) {
		t.Error("text without colour has ANSI escapes")
	}
	words := strings.Join(strings.Fields(string(plain)), " ") // evidence wraps
	for _, want := range []string{intervals, "pending (1)", "week 2 volume 17.0 km is above its cap 10.0 km"} {
		if !strings.Contains(words, want) {
			t.Errorf("text report lacks %q", want)
		}
	}
	fits80(t, "alice.txt", plain)
	colour := render(t, func(b *bytes.Buffer) error { return Text(b, r, true) })
	golden(t, "alice.color.txt", colour)
	if !bytes.Contains(colour, []byte(ansiRed)) {
		t.Error("text with colour has no red")
	}
	bob := render(t, func(b *bytes.Buffer) error { return Text(b, roster(t)[0], false) })
	golden(t, "bob.txt", bob)
	if !bytes.Contains(bob, []byte("not checked: ramp_cap")) || !bytes.Contains(bob, []byte("baseline_km")) {
		t.Errorf("text without baseline should say what was not checked and how to fix it:\n%s", bob)
	}
	dan := render(t, func(b *bytes.Buffer) error { return Text(b, roster(t)[1], false) })
	golden(t, "dan.txt", dan)
	fits80(t, "bob.txt", bob)
	fits80(t, "dan.txt", dan)
}

// fits80 checks that every line of a text report fits 80 columns.
func fits80(t *testing.T, name string, text []byte) {
	t.Helper()
	for i, l := range strings.Split(string(text), "\n") {
		if n := utf8.RuneCountInString(l); n > 80 {
			t.Errorf("%s line %d is %d columns wide (want <= 80): %s", name, i+1, n, l)
		}
	}
}

func TestAuditRowsWorstFirst(t *testing.T) {
	rows := AuditRows(roster(t))
	var order []string
	for _, r := range rows {
		order = append(order, r.Athlete+":"+r.Status)
	}
	want := "alice:breach carol:warning bob:ok dan:no_race"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("order %q, want %q", got, want)
	}
	if rows[0].Week != "7" || rows[0].Phase != analysis.PhaseOpen || rows[0].LastActivity != "2026-11-18" {
		t.Errorf("alice row = %+v", rows[0])
	}
	if rows[2].Week != "done" {
		t.Errorf("bob's week = %q, want done", rows[2].Week)
	}
}

func TestAuditFormats(t *testing.T) {
	rs := roster(t)
	auditText := render(t, func(b *bytes.Buffer) error { return AuditText(b, rs, false) })
	golden(t, "audit.txt", auditText)
	fits80(t, "audit.txt", auditText)
	golden(t, "audit.json", render(t, func(b *bytes.Buffer) error { return AuditJSON(b, rs) }))
}

func TestMarkdown(t *testing.T) {
	got := render(t, func(b *bytes.Buffer) error { return Markdown(b, fixture(t)) })
	golden(t, "alice.md", got)
	if !bytes.Contains(got, []byte("| 2 | 2026-10-12 – 2026-10-18 | rest+return | 2 | 17.0 km | 10.0 km | 1 | ✖ breach |")) {
		t.Errorf("markdown lacks week 2's row:\n%s", got)
	}
	golden(t, "bob.md", render(t, func(b *bytes.Buffer) error { return Markdown(b, roster(t)[0]) }))
	golden(t, "audit.md", render(t, func(b *bytes.Buffer) error { return AuditMarkdown(b, roster(t)) }))
}

func TestCSV(t *testing.T) {
	r := fixture(t)
	got := render(t, func(b *bytes.Buffer) error { return CSV(b, r) })
	golden(t, "alice.csv", got)
	recs, err := csv.NewReader(bytes.NewReader(got)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(r.Findings)+1 {
		t.Fatalf("%d csv rows, want a header and %d findings", len(recs), len(r.Findings))
	}
	if h := strings.Join(recs[0][:9], ","); h != "athlete,rule,severity,date,week,activity,value,limit,message" {
		t.Errorf("header %q", h)
	}
	if row := strings.Join(recs[1][:8], ","); row != "alice,rest_window,breach,2026-10-07,1,a01,6000,0" {
		t.Errorf("first row %q", row)
	}
	golden(t, "audit.csv", render(t, func(b *bytes.Buffer) error { return AuditCSV(b, roster(t)) }))
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("disk full") }

func TestWriteErrors(t *testing.T) {
	r := fixture(t)
	for name, err := range map[string]error{
		"text": Text(failWriter{}, r, false),
		"json": JSON(failWriter{}, r),
		"md":   Markdown(failWriter{}, r),
		"csv":  CSV(failWriter{}, r),
	} {
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s: error %v, want the writer's error wrapped", name, err)
		}
	}
}

func TestHTML(t *testing.T) {
	got := render(t, func(b *bytes.Buffer) error { return HTML(b, fixture(t)) })
	golden(t, "alice.html", got)
	golden(t, "audit.html", render(t, func(b *bytes.Buffer) error { return AuditHTML(b, roster(t)) }))
}

// oneWeek cuts a report down to one week, as `taper report --week N` does.
func oneWeek(r *analysis.Report, week int) *analysis.Report {
	c := *r
	c.Weeks, c.Findings, c.Days = nil, nil, nil
	for _, w := range r.Weeks {
		if w.Week == week {
			c.Weeks = append(c.Weeks, w)
		}
	}
	for _, f := range r.Findings {
		if f.Week == week {
			c.Findings = append(c.Findings, f)
		}
	}
	for _, d := range r.Days {
		if d.Week == week {
			c.Days = append(c.Days, d)
		}
	}
	return &c
}

func TestOneWeekCharts(t *testing.T) {
	r := oneWeek(fixture(t), 4)
	xmin, xmax, _, _ := weekBars{r: r, div: 1000}.DataRange()
	if xmin > 4 || xmax < 4 || xmax-xmin > 3.01 {
		t.Errorf("volume chart x range %v..%v does not frame week 4", xmin, xmax)
	}
	xmin, xmax, _, _ = timeline{r: r, ymax: 60}.DataRange()
	if xmin > 22 || xmax < 28 || xmax-xmin > 8 {
		t.Errorf("timeline x range %v..%v does not frame days 22-28", xmin, xmax)
	}
	golden(t, "alice-week4.html", render(t, func(b *bytes.Buffer) error { return HTML(b, r) }))
	golden(t, "alice-week4.txt", render(t, func(b *bytes.Buffer) error { return Text(b, r, false) }))
}

func TestBar(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	cases := []struct {
		Name  string
		V     float64
		Cap   *float64
		Scale float64
		Want  string
	}{
		{"no cap", 5, nil, 10, "█████····· "},
		{"empty", 0, nil, 10, "·········· "},
		{"within the cap", 4, f(6), 10, "████··┃····"},
		{"exactly at the cap", 6, f(6), 10, "██████┃····"},
		{"just above the cap still shows", 6.1, f(6), 10, "██████┃▓···"},
		{"cap 0 with a little volume", 0.4, f(0), 10, "┃▓·········"},
		{"full scale above the cap", 10, f(5), 10, "█████┃▓▓▓▓▓"},
		{"cap at full scale", 3, f(10), 10, "███·······┃"},
	}
	for _, c := range cases {
		if got := bar(c.V, c.Cap, c.Scale, 10); got != c.Want {
			t.Errorf("%s: bar = %q, want %q", c.Name, got, c.Want)
		}
	}
}

func BenchmarkHTML(b *testing.B) {
	r := fixture(b)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := HTML(&buf, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/page")
}

// TestEveryFormatSaysWhatComesNext: text, Markdown, HTML and JSON end with
// what comes next, and text and Markdown list each week's runs.
func TestEveryFormatSaysWhatComesNext(t *testing.T) {
	r := fixture(t)
	txt := render(t, func(b *bytes.Buffer) error { return Text(b, r, false) })
	md := render(t, func(b *bytes.Buffer) error { return Markdown(b, r) })
	html := render(t, func(b *bytes.Buffer) error { return HTML(b, r) })
	js := render(t, func(b *bytes.Buffer) error { return JSON(b, r) })
	step := "intervals allowed again from 2026-11-23"
	for name, out := range map[string][]byte{"text": txt, "markdown": md, "html": html} {
		if !bytes.Contains(out, []byte(step)) && !bytes.Contains(out, []byte(upperFirst(step))) {
			t.Errorf("%s does not say %q", name, step)
		}
	}
	var j struct {
		Next struct {
			IntervalsFrom string   `json:"intervals_from"`
			WeekAllowance *float64 `json:"week_allowance"`
			Steps         []string `json:"steps"`
		} `json:"next"`
	}
	if err := json.Unmarshal(js, &j); err != nil || j.Next.IntervalsFrom != "2026-11-23" || j.Next.WeekAllowance == nil || len(j.Next.Steps) == 0 {
		t.Errorf("json next: %+v (%v)", j.Next, err)
	}
	for name, out := range map[string][]byte{"text": txt, "markdown": md} {
		for _, run := range []string{"2026-11-15 08:00", "2026-10-24 23:30"} {
			if !bytes.Contains(out, []byte(run)) {
				t.Errorf("%s does not list the run of %s under its week", name, run)
			}
		}
	}
}

// TestWaivedInEveryFormat: a waived finding is listed as waived, with who,
// when and the note, in every format.
func TestWaivedInEveryFormat(t *testing.T) {
	r := fixture(t)
	if len(r.Findings) == 0 {
		t.Fatal("the fixture has no findings")
	}
	r.Findings[0].Waived = &analysis.Waiver{ID: 3, At: time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC), By: "coach", Note: "shakeout agreed with me"}
	r.Waived = 1
	for _, f := range []struct {
		name   string
		render func(*bytes.Buffer) error
		want   string
	}{
		{"text", func(b *bytes.Buffer) error { return Text(b, r, false) }, "waived by coach on 2026-10-20: shakeout agreed with me"},
		{"markdown", func(b *bytes.Buffer) error { return Markdown(b, r) }, "waived by coach on 2026-10-20: shakeout agreed with me"},
		{"html", func(b *bytes.Buffer) error { return HTML(b, r) }, "Waived by coach on 2026-10-20: shakeout agreed with me"},
		{"csv", func(b *bytes.Buffer) error { return CSV(b, r) }, ",waived by coach on 2026-10-20: shakeout agreed with me\n"},
		{"json", func(b *bytes.Buffer) error { return JSON(b, r) }, `"waived": {
        "id": 3,
        "at": "2026-10-20T09:00:00Z",
        "by": "coach",
        "note": "shakeout agreed with me"
      }`},
	} {
		var b bytes.Buffer
		if err := f.render(&b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), f.want) {
			t.Errorf("%s does not show the waiver %q:\n%s", f.name, f.want, b.String())
		}
		if f.name == "text" || f.name == "markdown" {
			if !strings.Contains(b.String(), "(1 waived)") && f.name == "text" {
				t.Errorf("%s summary does not count the waived finding", f.name)
			}
		}
	}
}

// TestAuditJSONAsOf: the roster's top-level as_of is a date, or null when
// the athletes' todays differ (was a range string); rows keep their own.
func TestAuditJSONAsOf(t *testing.T) {
	decode := func(reports []*analysis.Report) map[string]any {
		var m map[string]any
		if err := json.Unmarshal(render(t, func(b *bytes.Buffer) error { return AuditJSON(b, reports) }), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := decode(roster(t))
	if v, ok := m["as_of"]; !ok || v != nil {
		t.Errorf("as_of %v, want null for differing dates", v)
	}
	if m["as_of_from"] != "2026-10-20" || m["as_of_to"] != "2026-12-05" {
		t.Errorf("range %v..%v", m["as_of_from"], m["as_of_to"])
	}
	if row := m["athletes"].([]any)[0].(map[string]any); row["as_of"] == nil {
		t.Error("row as_of missing")
	}
	if m = decode([]*analysis.Report{fixture(t)}); m["as_of"] != "2026-11-18" {
		t.Errorf("as_of %v, want 2026-11-18", m["as_of"])
	}
}

// TestHalfMarathonReportSaysSo: a half marathon's report says the rules
// were scaled to it, in every format.
func TestHalfMarathonReportSaysSo(t *testing.T) {
	s, _ := analysis.Preset(analysis.PresetStandard)
	acts := build("hana", 7200, []act{{day: 0, at: "09:00", km: 21.1, min: 100, class: analysis.ClassRace}, {day: 6, at: "07:00", km: 5, min: 30}})
	r := analysis.Audit(analysis.AuditInput{Athlete: "hana", AsOf: "2026-10-20", Settings: s,
		Race: analysis.Race{Activity: acts[0], Source: "marked"}, Baseline: analysis.Baseline{Source: "none"}, Activities: acts})
	for name, out := range map[string][]byte{
		"text":     render(t, func(b *bytes.Buffer) error { return Text(b, r, false) }),
		"markdown": render(t, func(b *bytes.Buffer) error { return Markdown(b, r) }),
		"html":     render(t, func(b *bytes.Buffer) error { return HTML(b, r) }),
		"json":     render(t, func(b *bytes.Buffer) error { return JSON(b, r) }),
	} {
		if !bytes.Contains(out, []byte("half marathon of 21.1 km: the standard preset is scaled x0.50")) {
			t.Errorf("%s does not say the rules were scaled to the half marathon", name)
		}
	}
}
