package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/taper-run/taper/analysis"
)

// writeConfig writes a taper.toml in a temporary folder and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "taper.toml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const coachConfig = `# settings for the club
[default]
rest_days = 12
ramp = [0, 0.2, 0.4, 0.6, 0.8, 1.0]

[athlete.alice]
return_max_minutes = 40
volume = "time"
threshold_pace = "4:15"

[athlete.bob]
preset = "conservative"
baseline_km = 48.5
timezone = "America/New_York"
`

func TestLoadLayers(t *testing.T) {
	p := writeConfig(t, coachConfig)
	def, ali := p+" [default]", p+" [athlete.alice]"
	cases := []struct {
		Athlete string
		Check   func(t *testing.T, s analysis.Settings)
	}{
		{"alice", func(t *testing.T, s analysis.Settings) {
			if s.RestDays != 12 || s.ReturnMaxMinutes != 40 || s.Volume != "time" || s.ThresholdPace != 255 || s.ReturnDays != 7 {
				t.Errorf("settings = %+v", s)
			}
			want := map[string]string{"rest_days": def, "ramp": def, "return_max_minutes": ali, "volume": ali,
				"threshold_pace": ali, "return_days": "preset standard", "preset": "preset standard"}
			for k, v := range want {
				if s.Source[k] != v {
					t.Errorf("source of %s = %q, want %q", k, s.Source[k], v)
				}
			}
		}},
		{"bob", func(t *testing.T, s analysis.Settings) {
			// [default] overrides the preset the athlete chose.
			if s.Preset != "conservative" || s.RestDays != 12 || s.BaselineKm != 48.5 || s.TimeZone != "America/New_York" {
				t.Errorf("settings = %+v", s)
			}
			if !reflect.DeepEqual(s.Ramp, []float64{0, 0.2, 0.4, 0.6, 0.8, 1.0}) || s.Source["ramp"] != def {
				t.Errorf("ramp %v from %q", s.Ramp, s.Source["ramp"])
			}
			if s.Source["preset"] != p+" [athlete.bob]" || s.Source["weeks"] != "preset conservative" {
				t.Errorf("sources = %v", s.Source)
			}
		}},
		{"carol", func(t *testing.T, s analysis.Settings) {
			if s.RestDays != 12 || s.ReturnMaxMinutes != 45 || s.Source["return_max_minutes"] != "preset standard" {
				t.Errorf("carol (no section) = %+v", s)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.Athlete, func(t *testing.T) {
			s, err := Load(p, c.Athlete)
			if err != nil {
				t.Fatal(err)
			}
			c.Check(t, s)
		})
	}
}

func TestLoadDefaults(t *testing.T) {
	std, _ := analysis.Preset(analysis.PresetStandard)
	for _, p := range []string{"", filepath.Join(t.TempDir(), "absent.toml")} {
		s, err := Load(p, "alice")
		if err != nil {
			t.Fatalf("Load(%q): %v", p, err)
		}
		if !reflect.DeepEqual(s, std) {
			t.Errorf("Load(%q) = %+v, want preset standard", p, s)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		Name string
		Text string
		Line int
		Key  string
		Msg  string
	}{
		{"unknown key", "[default]\nrest_days = 10\n\n[athlete.alice]\nrest_day = 3\n", 5, "athlete.alice.rest_day", "unknown key (did you mean rest_days?)"},
		{"unknown key of another athlete", "[athlete.bob]\nramp_cap = 1\n", 2, "athlete.bob.ramp_cap", "unknown key"},
		{"unknown section", "[defaults]\nrest_days = 10\n", 1, "defaults", "unknown section"},
		{"dotted unknown key", "[athlete]\nalice.restdays = 4\n", 2, "athlete.alice.restdays", "did you mean rest_days?"},
		{"string for a number", "[default]\n# days\nrest_days = \"ten\"\n", 3, "default.rest_days", `"ten" is not a whole number of days`},
		{"float for days", "[default]\nrest_days = 10.5\n", 2, "default.rest_days", "10.5 is not a whole number"},
		{"out of range", "[default]\nreturn_days = 99\n", 2, "default.return_days", "99 is out of range: use 0..56 days"},
		{"ramp element", "[default]\nramp = [0, \"x\", 1]\n", 2, "default.ramp", `week 2: "x" is not a number`},
		{"volume", "[default]\nvolume = \"km\"\n", 2, "default.volume", `"km" is not valid: use "distance" or "time"`},
		{"preset", "[athlete.alice]\npreset = \"gentle\"\n", 2, "athlete.alice.preset", `"gentle" is not valid`},
		{"timezone", "[athlete.alice]\ntimezone = \"Mars/Olympus\"\n", 2, "athlete.alice.timezone", "not a known IANA time zone"},
		{"pace", "[default]\nthreshold_pace = \"fast\"\n", 2, "default.threshold_pace", "is not a pace"},
		{"quoted athlete", "[athlete.\"j.doe\"]\nhr_max = 400\n", 2, `athlete."j.doe".hr_max`, "out of range"},
		{"settings that contradict", "[default]\nhr_max = 180\n[athlete.alice]\nhr_rest = 110\nhr_max = 105\n", 4, "athlete.alice.hr_rest", "not below hr_max"},
		{"syntax", "[default]\nrest_days = = 3\n", 2, "", "not valid TOML"},
		{"hard_hr_percent off a zone boundary", "[default]\nhard_hr_percent = 85\n", 2, "default.hard_hr_percent", "not a zone boundary"},
		{"cap_tolerance too big", "[default]\ncap_tolerance = 0.8\n", 2, "default.cap_tolerance", "out of range"},
		{"race_distance", "[default]\nrace_distance = \"10k\"\n", 2, "default.race_distance", `"10k" is not valid`},
		{"light_sports", "[default]\nlight_sports = \"walking\"\n", 2, "default.light_sports", "not a list of names"},
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			p := writeConfig(t, c.Text)
			_, err := Load(p, "alice")
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %v, want a *Error", err)
			}
			if ce.Path != p || ce.Line != c.Line || (c.Key != "" && ce.Key != c.Key) || !strings.Contains(err.Error(), c.Msg) {
				t.Errorf("error %q (line %d key %q), want line %d key %q containing %q", err, ce.Line, ce.Key, c.Line, c.Key, c.Msg)
			}
			if c.Key != "" && !strings.HasPrefix(err.Error(), p+":"+strconv.Itoa(c.Line)+": "+c.Key+": ") {
				t.Errorf("error %q should start with file:line: key:", err)
			}
		})
	}
}

// TestLoadIssue12Keys: the thresholds of issue 12 are settings.
func TestLoadIssue12Keys(t *testing.T) {
	p := writeConfig(t, "[athlete.alice]\nlight_sports = [\"Walking\", \"yoga\"]\nhard_hr_percent = 70\nhard_hr_minutes = 30\ncap_tolerance = 0.03\nrace_distance = \"half_marathon\"\n")
	s, err := Load(p, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.LightSports, []string{"walking", "yoga"}) || s.HardHRPercent != 70 || s.HardHRMinutes != 30 ||
		s.CapTolerance != 0.03 || s.RaceDistance != analysis.RaceHalfMarathon {
		t.Errorf("settings %+v", s)
	}
	d, _ := Load(p, "bob")
	if d.HardHRPercent != 80 || d.HardHRMinutes != 20 || d.CapTolerance != 0 || d.RaceDistance != analysis.RaceMarathon || len(d.LightSports) == 0 {
		t.Errorf("defaults %+v", d)
	}
}

func TestWriteRules(t *testing.T) {
	p := writeConfig(t, coachConfig)
	s, err := Load(p, "alice")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteRules(&b, "alice", s); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"recovery rules for alice (preset standard)",
		"rest_window           breach    no run on days 1-12 after the race",
		"ramp_cap",
		`threshold_pace          "4:15"`,
		"return_max_minutes      40                            " + p + " [athlete.alice]",
		"rest_days               12                            " + p + " [default]",
		"weeks                   8                             preset standard",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("rules text lacks %q:\n%s", want, out)
		}
	}
	// The rules' text is wrapped to 80 columns under its heading.
	flat := strings.Join(strings.Fields(out), " ")
	if want := "weekly volume at most: week 2 20%, week 3 40%, week 4 60%, week 5 80%, week 6 100% of baseline (week 1 has no cap"; !strings.Contains(flat, want) {
		t.Errorf("rules text lacks %q:\n%s", want, out)
	}
	rules, _, _ := strings.Cut(out, "\nsetting ")
	for _, line := range strings.Split(rules, "\n") {
		if len([]rune(line)) > 80 {
			t.Errorf("rules line over 80 columns: %q", line)
		}
	}
}

func TestFindAndUnmatched(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "team.duckdb")
	if p, err := Find("", db); err != nil || p != "" {
		t.Errorf("Find without a file = %q, %v; want none", p, err)
	}
	beside := filepath.Join(dir, "taper.toml")
	if err := os.WriteFile(beside, []byte("[athlete.alice]\nrest_days = 5\n[athlete.alcie]\nrest_days = 6\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err := Find("", db); err != nil || p != beside {
		t.Errorf("Find = %q, %v; want %s", p, err, beside)
	}
	if p, err := Find("", ":memory:"); err != nil || p != "" {
		t.Errorf("Find for :memory: = %q, %v; want none", p, err)
	}
	if _, err := Find(filepath.Join(dir, "none.toml"), db); err == nil || !strings.Contains(err.Error(), "none.toml") {
		t.Errorf("Find of a missing --config = %v; want an error naming it", err)
	}
	if got := Unmatched(beside, []string{"alice", "bob"}); len(got) != 1 || got[0] != "alcie" {
		t.Errorf("Unmatched = %v, want [alcie]", got)
	}
}
