// Package config reads taper's settings file (taper.toml): a [default]
// section and one [athlete.NAME] section per athlete over a built-in preset.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/reports"
)

// Config file sections.
const (
	sectionDefault = "default"
	sectionAthlete = "athlete"
)

// Error is a problem in the settings file, at a line and key.
type Error struct {
	Path string // the file as given
	Line int    // 1-based; 0 when unknown
	Key  string // dotted key, e.g. "athlete.alice.rest_days"; "" when none
	Err  error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, ": %s", e.Key)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Hint tells the user what to do about a bad settings file.
func (e *Error) Hint() string {
	return "fix the file, then check the effective rules with: taper rules --config " + e.Path
}

// Load returns athlete's effective settings: the preset (the
// athlete's preset key, else [default]'s, else "standard"), overlaid by the
// file's [default] section, then by its [athlete.NAME] section. Source names
// where each value came from ("preset standard", "taper.toml [default]",
// "taper.toml [athlete.alice]"). path "" or a missing file gives preset
// standard. An unknown key or a bad value is a *Error naming the
// file, line and key.
func Load(path string, athlete string) (analysis.Settings, error) {
	if path == "" {
		return analysis.Preset(analysis.PresetStandard)
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return analysis.Preset(analysis.PresetStandard)
	}
	if err != nil {
		return analysis.Settings{}, fmt.Errorf("read settings: %w", err)
	}
	return parseSettings(path, data, athlete)
}

// section is one table of settings with where it came from.
type section struct {
	name   string // "default" or "athlete.alice"
	label  string // for Source: "taper.toml [athlete.alice]"
	values map[string]any
}

func parseSettings(path string, data []byte, athlete string) (analysis.Settings, error) {
	lines := keyLines(data)
	cerr := func(key string, format string, args ...any) error {
		return &Error{Path: path, Line: lines[key], Key: key, Err: fmt.Errorf(format, args...)}
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return analysis.Settings{}, &Error{Path: path, Line: pe.Position.Line, Key: pe.LastKey,
				Err: fmt.Errorf("not valid TOML: %s", pe.Message)}
		}
		return analysis.Settings{}, &Error{Path: path, Err: fmt.Errorf("not valid TOML: %w", err)}
	}

	var sections []section
	for _, top := range sortedKeys(raw) {
		switch top {
		case sectionDefault:
			m, ok := raw[top].(map[string]any)
			if !ok {
				return analysis.Settings{}, cerr(top, "must be a table: write [default] and the settings under it")
			}
			sections = append(sections, section{name: top, label: path + " [default]", values: m})
		case sectionAthlete:
			athletes, ok := raw[top].(map[string]any)
			if !ok {
				return analysis.Settings{}, cerr(top, "must hold one table per athlete: write [athlete.NAME]")
			}
			for _, name := range sortedKeys(athletes) {
				m, ok := athletes[name].(map[string]any)
				key := top + "." + quoteKey(name)
				if !ok {
					return analysis.Settings{}, cerr(key, "must be a table: write [athlete.%s] and the settings under it", quoteKey(name))
				}
				sections = append(sections, section{name: key, label: fmt.Sprintf("%s [athlete.%s]", path, quoteKey(name)), values: m})
			}
		default:
			return analysis.Settings{}, cerr(top, "unknown section or key: settings go under [default] or [athlete.NAME]")
		}
	}

	// Every section is checked, not only the athlete's, so a typo for
	// another athlete is reported too.
	known := analysis.SettingKeys()
	for _, sec := range sections {
		for _, k := range sortedKeys(sec.values) {
			if !slices.Contains(known, k) {
				msg := "unknown key"
				if s := closest(k, known); s != "" {
					msg += fmt.Sprintf(" (did you mean %s?)", s)
				}
				if _, table := sec.values[k].(map[string]any); table && strings.HasPrefix(sec.name, sectionAthlete+".") {
					// [athlete.j.smith] is athlete j's table smith
					name := strings.TrimPrefix(sec.name, sectionAthlete+".") + "." + k
					return analysis.Settings{}, cerr(sec.name+"."+k, "a table inside athlete %s's section: for an athlete named %s, quote the name: [athlete.%q]",
						strings.TrimPrefix(sec.name, sectionAthlete+"."), name, name)
				}
				return analysis.Settings{}, cerr(sec.name+"."+k, "%s; known keys: %s", msg, strings.Join(known, ", "))
			}
			var scratch analysis.Settings
			if err := applySetting(&scratch, k, sec.values[k]); err != nil {
				return analysis.Settings{}, cerr(sec.name+"."+k, "%v", err)
			}
		}
	}

	// The athlete's own section, then [default].
	var use []section
	for _, sec := range sections {
		if sec.name == sectionDefault {
			use = append([]section{sec}, use...)
		} else if athlete != "" && sec.name == sectionAthlete+"."+quoteKey(athlete) {
			use = append(use, sec)
		}
	}
	preset, presetFrom := analysis.PresetStandard, -1
	for i, sec := range use {
		if v, ok := sec.values[analysis.KeyPreset].(string); ok {
			preset, presetFrom = v, i
		}
	}
	s, err := analysis.Preset(preset)
	if err != nil {
		return analysis.Settings{}, &Error{Path: path, Err: err}
	}
	if presetFrom >= 0 {
		s.Source[analysis.KeyPreset] = use[presetFrom].label
	}
	for _, sec := range use {
		for _, k := range sortedKeys(sec.values) {
			if k == analysis.KeyPreset {
				continue
			}
			_ = applySetting(&s, k, sec.values[k]) // checked above
			s.Source[k] = sec.label
		}
	}
	if err := s.Validate(); err != nil {
		key, msg, _ := strings.Cut(err.Error(), ": ")
		from := ""
		for _, sec := range use {
			if _, ok := sec.values[key]; ok {
				from = sec.name + "."
			}
		}
		if from == "" {
			return analysis.Settings{}, &Error{Path: path, Key: key, Err: errors.New(msg)}
		}
		return analysis.Settings{}, cerr(from+key, "%s", msg)
	}
	return s, nil
}

// applySetting sets key of s from a decoded TOML value, checking its type
// and its range (from analysis.SettingSpecs).
func applySetting(s *analysis.Settings, key string, v any) error {
	p, ok := analysis.Spec(key)
	if !ok {
		return errors.New("unknown key")
	}
	var err error
	switch key {
	case analysis.KeyPreset:
		s.Preset, err = tomlString(v, p)
	case analysis.KeyRestDays:
		s.RestDays, err = tomlInt(v, p)
	case analysis.KeyReturnDays:
		s.ReturnDays, err = tomlInt(v, p)
	case analysis.KeyMaxIntervalSessions:
		s.MaxIntervalSessions, err = tomlInt(v, p)
	case analysis.KeyWeeks:
		s.Weeks, err = tomlInt(v, p)
	case analysis.KeyReturnMaxMinutes:
		s.ReturnMaxMinutes, err = tomlFloat(v, p)
	case analysis.KeyHardCrossMinutes:
		s.HardCrossMinutes, err = tomlFloat(v, p)
	case analysis.KeyRampJump:
		s.RampJump, err = tomlFloat(v, p)
	case analysis.KeyRampJumpMinPrev:
		s.RampJumpMinPrev, err = tomlFloat(v, p)
	case analysis.KeyBaselineKm:
		s.BaselineKm, err = tomlFloat(v, p)
	case analysis.KeyHRMax:
		s.HRMax, err = tomlFloat(v, p)
	case analysis.KeyHRRest:
		s.HRRest, err = tomlFloat(v, p)
	case analysis.KeyVolume:
		s.Volume, err = tomlString(v, p)
	case analysis.KeyRamp:
		s.Ramp, err = tomlRamp(v, p)
	case analysis.KeyThresholdPace:
		s.ThresholdPace, err = tomlPace(v, p)
	case analysis.KeyTimeZone:
		s.TimeZone, err = tomlZone(v)
	case analysis.KeyLightSports:
		s.LightSports, err = tomlNames(v)
	case analysis.KeyHardHRPercent:
		var n int
		n, err = tomlInt(v, p)
		if err == nil && n%10 != 0 {
			err = fmt.Errorf("%d is not a zone boundary: use 50, 60, 70, 80 or 90", n)
		}
		s.HardHRPercent = float64(n)
	case analysis.KeyHardHRMinutes:
		s.HardHRMinutes, err = tomlFloat(v, p)
	case analysis.KeyCapTolerance:
		s.CapTolerance, err = tomlFloat(v, p)
	case analysis.KeyRaceDistance:
		s.RaceDistance, err = tomlString(v, p)
	default:
		err = errors.New("unknown key")
	}
	return err
}

func tomlString(v any, p analysis.SettingSpec) (string, error) {
	s, ok := v.(string)
	if !ok || !slices.Contains(p.Choices, s) {
		return "", fmt.Errorf("%s is not valid: use %s", tomlShow(v), p.Range())
	}
	return s, nil
}

func tomlInt(v any, p analysis.SettingSpec) (int, error) {
	n, ok := v.(int64)
	if !ok {
		return 0, fmt.Errorf("%s is not a whole number of %s", tomlShow(v), p.Unit)
	}
	if err := p.Check(float64(n)); err != nil {
		return 0, err
	}
	return int(n), nil
}

func tomlFloat(v any, p analysis.SettingSpec) (float64, error) {
	var f float64
	switch x := v.(type) {
	case int64:
		f = float64(x)
	case float64:
		f = x
	default:
		return 0, fmt.Errorf("%s is not a number %s", tomlShow(v), p.Unit)
	}
	if err := p.Check(f); err != nil {
		return 0, err
	}
	return f, nil
}

func tomlRamp(v any, p analysis.SettingSpec) ([]float64, error) {
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		return nil, fmt.Errorf("%s is not a list of fractions of baseline, one per recovery week, e.g. [0, 0.25, 0.5, 0.75, 1.0]", tomlShow(v))
	}
	out := make([]float64, len(arr))
	for i, x := range arr {
		f, err := tomlFloat(x, p)
		if err != nil {
			return nil, fmt.Errorf("week %d: %w", i+1, err)
		}
		out[i] = f
	}
	return out, nil
}

// tomlPace accepts a pace in s/km (255) or "m:ss" per km ("4:15").
func tomlPace(v any, p analysis.SettingSpec) (float64, error) {
	if s, ok := v.(string); ok {
		m := regexp.MustCompile(`^(\d{1,2}):([0-5]\d)$`).FindStringSubmatch(strings.TrimSuffix(strings.TrimSpace(s), "/km"))
		if m == nil {
			return 0, fmt.Errorf("%q is not a pace: write \"4:15\" (min:s per km) or 255 (s per km)", s)
		}
		mins, _ := strconv.Atoi(m[1])
		secs, _ := strconv.Atoi(m[2])
		v = int64(mins*60 + secs)
	}
	return tomlFloat(v, p)
}

// tomlNames accepts a list of names (sports), lower-cased.
func tomlNames(v any) ([]string, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s is not a list of names such as [\"walking\", \"yoga\"]", tomlShow(v))
	}
	out := make([]string, 0, len(arr))
	for _, x := range arr {
		name, ok := x.(string)
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("%s is not a sport name such as \"walking\"", tomlShow(x))
		}
		out = append(out, strings.ToLower(strings.TrimSpace(name)))
	}
	return out, nil
}

func tomlZone(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s is not a time zone name such as \"Europe/Paris\"", tomlShow(v))
	}
	if s == "" {
		return "", nil
	}
	if _, err := time.LoadLocation(s); err != nil {
		return "", fmt.Errorf("%q is not a known IANA time zone such as \"Europe/Paris\" or \"America/New_York\"", s)
	}
	return s, nil
}

func tomlShow(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%v", v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// quoteKey writes a TOML key piece, quoted when it is not a bare key.
func quoteKey(k string) string {
	if k != "" && strings.IndexFunc(k, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
	}) < 0 {
		return k
	}
	return strconv.Quote(k)
}

// keyLines maps each dotted key (with quoteKey pieces) to the line where it
// is set or its table opens. BurntSushi/toml v1.6.0 keeps key positions
// private, so this scans the lines itself: enough for settings files
// (it does not follow multi-line strings).
func keyLines(data []byte) map[string]int {
	tableRE := regexp.MustCompile(`^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$`)
	keyRE := regexp.MustCompile(`^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=`)
	out := map[string]int{}
	table := ""
	for i, line := range bytes.Split(data, []byte("\n")) {
		if m := tableRE.FindSubmatch(line); m != nil {
			table = normKey(string(m[1]))
			for k := table; k != ""; k = parentKey(k) {
				if _, ok := out[k]; !ok {
					out[k] = i + 1
				}
			}
			continue
		}
		if m := keyRE.FindSubmatch(line); m != nil {
			k := normKey(string(m[1]))
			if table != "" {
				k = table + "." + k
			}
			if _, ok := out[k]; !ok {
				out[k] = i + 1
			}
		}
	}
	return out
}

// normKey rewrites a TOML dotted key with quoteKey pieces.
func normKey(k string) string {
	var pieces []string
	for len(k) > 0 {
		k = strings.TrimSpace(k)
		var piece string
		switch {
		case strings.HasPrefix(k, `"`) || strings.HasPrefix(k, `'`):
			end := strings.IndexByte(k[1:], k[0])
			if end < 0 {
				return k
			}
			piece, k = k[1:end+1], k[end+2:]
		default:
			dot := strings.IndexByte(k, '.')
			if dot < 0 {
				dot = len(k)
			}
			piece, k = strings.TrimSpace(k[:dot]), k[dot:]
		}
		pieces = append(pieces, quoteKey(piece))
		k = strings.TrimPrefix(strings.TrimSpace(k), ".")
	}
	return strings.Join(pieces, ".")
}

func parentKey(k string) string {
	if i := strings.LastIndexByte(k, '.'); i > 0 {
		return k[:i]
	}
	return ""
}

// closest returns the known key nearest to k, if it is a plausible typo.
func closest(k string, known []string) string {
	best, bestD := "", 3
	for _, c := range known {
		if d := editDistance(k, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// WriteRules prints the effective rules for athlete and, for each setting,
// its value and where it came from (taper rules).
func WriteRules(w io.Writer, athlete string, s analysis.Settings) error {
	var b bytes.Buffer
	who := athlete
	if who == "" {
		who = "every athlete without a section of their own"
	}
	fmt.Fprintf(&b, "recovery rules for %s (preset %s)\n\n", who, s.Preset)
	fmt.Fprintf(&b, "%-20s  %-8s  %s\n", "rule", "severity", "fires when")
	indent := strings.Repeat(" ", 32)
	for _, r := range analysis.DescribeRules(s) {
		b.WriteString(reports.Wrap(r.Text, fmt.Sprintf("%-20s  %-8s  ", r.Rule, r.Severity), indent))
	}
	fmt.Fprintf(&b, "\n%-22s  %-28s  %s\n", "setting", "value", "from")
	for _, k := range analysis.SettingKeys() {
		from := s.Source[k]
		if from == "" {
			from = "-"
		}
		if v := settingValue(s, k); len(v) > 28 { // a list: wrapped, its source after it
			b.WriteString(reports.Wrap(v+"  ("+from+")", fmt.Sprintf("%-22s  ", k), strings.Repeat(" ", 24)))
		} else {
			fmt.Fprintf(&b, "%-22s  %-28s  %s\n", k, v, from)
		}
	}
	fmt.Fprintf(&b, "\nkeys of the settings file (under [default] or [athlete.NAME]):\n")
	for _, p := range analysis.SettingSpecs() {
		b.WriteString(reports.Wrap(p.Help, fmt.Sprintf("%-22s  ", p.Key), strings.Repeat(" ", 24)))
		b.WriteString(reports.Wrap("takes "+p.Range(), strings.Repeat(" ", 24), strings.Repeat(" ", 24)))
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write rules: %w", err)
	}
	return nil
}

// settingValue formats one setting as it would be written in taper.toml.
func settingValue(s analysis.Settings, key string) string {
	p, _ := analysis.Spec(key)
	num := func(f float64) string {
		if f == 0 && p.Zero != "" {
			return "0 (" + p.Zero + ")"
		}
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	switch key {
	case analysis.KeyPreset:
		return strconv.Quote(s.Preset)
	case analysis.KeyRestDays:
		return strconv.Itoa(s.RestDays)
	case analysis.KeyReturnDays:
		return strconv.Itoa(s.ReturnDays)
	case analysis.KeyReturnMaxMinutes:
		return num(s.ReturnMaxMinutes)
	case analysis.KeyRamp:
		parts := make([]string, len(s.Ramp))
		for i, f := range s.Ramp {
			parts[i] = num(f)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case analysis.KeyRampJump:
		return num(s.RampJump)
	case analysis.KeyRampJumpMinPrev:
		return num(s.RampJumpMinPrev)
	case analysis.KeyMaxIntervalSessions:
		return strconv.Itoa(s.MaxIntervalSessions)
	case analysis.KeyHardCrossMinutes:
		return num(s.HardCrossMinutes)
	case analysis.KeyWeeks:
		return strconv.Itoa(s.Weeks)
	case analysis.KeyVolume:
		return strconv.Quote(s.Volume)
	case analysis.KeyBaselineKm:
		return num(s.BaselineKm)
	case analysis.KeyHRMax:
		return num(s.HRMax)
	case analysis.KeyHRRest:
		return num(s.HRRest)
	case analysis.KeyThresholdPace:
		if s.ThresholdPace == 0 {
			return num(0)
		}
		t := int(math.Round(s.ThresholdPace))
		return fmt.Sprintf("%q", fmt.Sprintf("%d:%02d", t/60, t%60))
	case analysis.KeyTimeZone:
		return strconv.Quote(s.TimeZone)
	case analysis.KeyLightSports:
		parts := make([]string, len(s.LightSports))
		for i, n := range s.LightSports {
			parts[i] = strconv.Quote(n)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case analysis.KeyHardHRPercent:
		return num(s.HardHRPercent)
	case analysis.KeyHardHRMinutes:
		return num(s.HardHRMinutes)
	case analysis.KeyCapTolerance:
		return num(s.CapTolerance)
	case analysis.KeyRaceDistance:
		return strconv.Quote(s.RaceDistance)
	}
	return "?"
}

// Athletes lists the athletes the settings file at path has a section for,
// sorted; none for path "". A file that is not valid TOML gives an error
// without a line (Load reports it with one).
func Athletes(path string) ([]string, error) {
	if path == "" {
		return nil, nil
	}
	var raw struct {
		Athlete map[string]any `toml:"athlete"`
	}
	if _, err := toml.DecodeFile(path, &raw); err != nil {
		return nil, err
	}
	return sortedKeys(raw.Athlete), nil
}

// Find returns the settings file to use: file (the --config flag) when
// given, which must exist; else taper.toml beside the database db when it
// exists; else "" (the built-in preset).
func Find(file, db string) (string, error) {
	if file != "" {
		if _, err := os.Stat(file); err != nil {
			return "", fmt.Errorf("settings file %s: %w", file, err)
		}
		return file, nil
	}
	if db == "" || db == ":memory:" {
		return "", nil
	}
	p := filepath.Join(filepath.Dir(db), "taper.toml")
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	return "", nil
}

// Unmatched lists the athlete sections of the settings file at path that
// name none of known (a typo there silently leaves an athlete on the
// defaults); none when path is "" or the file cannot be read.
func Unmatched(path string, known []string) []string {
	names, err := Athletes(path)
	if err != nil {
		return nil
	}
	var out []string
	for _, n := range names {
		if !slices.Contains(known, n) {
			out = append(out, n)
		}
	}
	return out
}
