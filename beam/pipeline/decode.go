package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/config"
	"github.com/taper-run/taper/history"
	"github.com/taper-run/taper/ingest"
	"github.com/taper-run/taper/store/steps"
)

// SettingsTable holds the effective settings of every athlete: the
// config file's default (preset and [default] section) and those of the
// athletes it has a section for. It is small whatever the roster's size.
type SettingsTable struct {
	Default   analysis.Settings
	ByAthlete map[string]analysis.Settings
}

// LoadSettings resolves, on the driver, the settings of the default and of
// each athlete the settings file has a section for, as taper does
// (config.Load); path "" gives the standard preset.
func LoadSettings(path string) (SettingsTable, error) {
	def, err := config.Load(path, "")
	if err != nil {
		return SettingsTable{}, err
	}
	t := SettingsTable{Default: def, ByAthlete: map[string]analysis.Settings{}}
	names, err := config.Athletes(path)
	if err != nil {
		return t, fmt.Errorf("settings file %s: %w", path, err)
	}
	for _, n := range names {
		if t.ByAthlete[n], err = config.Load(path, n); err != nil {
			return t, err
		}
	}
	return t, nil
}

// For returns athlete's settings.
func (t SettingsTable) For(athlete string) analysis.Settings {
	if s, ok := t.ByAthlete[athlete]; ok {
		return s
	}
	return t.Default
}

// zone is the zone for files without one (the athlete's time_zone).
func (t SettingsTable) zone(athlete string) *time.Location {
	if name := t.For(athlete).TimeZone; name != "" {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return nil
}

// listFilesFn lists the files of each athlete's folder.
type listFilesFn struct{}

func (f *listFilesFn) ProcessElement(ctx context.Context, d AthleteDir, emit func(FileTask)) error {
	files, err := listFiles(ctx, d.Dir)
	if err != nil {
		return fmt.Errorf("athlete %s: list %s: %w", d.Athlete, d.Dir, err)
	}
	for i, p := range files {
		emit(FileTask{Athlete: d.Athlete, Path: p, Rank: i})
	}
	return nil
}

// decodeFn decodes one file on the worker and analyses each activity as
// taper import does before it knows the athlete's history: rounded to the
// store's precision, summarised, classified from the summary. It emits a
// record per activity and an outcome per entry; the samples stay here.
type decodeFn struct {
	Settings SettingsTable
	Now      int64 // Unix seconds: the run's "now" (future dates are flagged against it)
}

func (f *decodeFn) ProcessElement(ctx context.Context, t FileTask, emitRec func(string, ActivityRecord), emitOut func(string, FileOutcome)) error {
	s := f.Settings.For(t.Athlete)
	now := time.Unix(f.Now, 0)
	dec := ingest.NewDecoder(ingest.DecodeOptions{Zone: f.Settings.zone(t.Athlete), Now: now})
	noHistory := history.New(nil, s, now, "", "")
	seq := 0
	seen := map[string]bool{}
	return walkFile(ctx, t.Path, ingest.WalkOptions{}, func(e ingest.Entry) error {
		seq++
		out := FileOutcome{Athlete: t.Athlete, Rank: t.Rank, Seq: seq, Path: e.Path, SHA256: e.SHA256}
		switch {
		case e.Err != nil:
			out.Status, out.Reason = "rejected", errorText(e.Err)
		case seen[e.SHA256]:
			out.Status = "duplicate_file" // the same bytes earlier in this file
		default:
			seen[e.SHA256] = true
			r := dec.Decode(e.Path, e.Data)
			out.Status = r.Status
			switch {
			case r.Err != nil:
				out.Reason = errorText(r.Err)
			case r.Status == "skipped":
				out.Reason = "not an activity: " + r.Kind
			}
			for _, a := range r.Activities {
				prepare(a, t.Athlete, e, r.Format)
				steps.Quantize(a) // analysed as stored: a reanalysis agrees
				sum := analysis.NewSummary(a)
				a.Metrics = noHistory.AnalyzeSummary(a, sum)
				rec, err := newRecord(t, seq, e.SHA256, a, analysis.Channels(a), sum)
				if err != nil {
					return err
				}
				emitRec(t.Athlete, rec)
			}
		}
		emitOut(t.Athlete, out)
		return nil
	})
}

// prepare sets what taper import and the store set on a new activity.
func prepare(a *analysis.Activity, athlete string, e ingest.Entry, format string) {
	a.Athlete = athlete
	a.ID = analysis.ActivityID(athlete, e.SHA256, a.SessionIndex)
	if a.Source == "" {
		a.Source = e.Path
	}
	if a.Format == "" {
		a.Format = format
	}
	a.DuplicateOf = ""
}

// errorText is an error's message with its hint, if any, as taper import
// records a rejected file's reason.
func errorText(err error) string {
	var h interface{ Hint() string }
	if errors.As(err, &h) && h.Hint() != "" {
		return err.Error() + " (" + h.Hint() + ")"
	}
	return err.Error()
}
