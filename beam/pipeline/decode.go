package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/ingest"
)

// SettingsTable holds the effective settings of every athlete: the
// config file's default (preset and [default] section) and those of the
// athletes it has a section for. It is small whatever the roster's size.
type SettingsTable struct {
	Default   analysis.Settings
	ByAthlete map[string]analysis.Settings
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

// decodeFn decodes and analyses one file on the worker: it emits a summary
// per activity and an outcome per entry; the samples stay here.
type decodeFn struct {
	Settings SettingsTable
	Now      int64 // Unix seconds: the run's "now" (future dates are flagged against it)
}

func (f *decodeFn) ProcessElement(ctx context.Context, t FileTask, emitRec func(string, ActivityRecord), emitOut func(string, FileOutcome)) error {
	s := f.Settings.For(t.Athlete)
	dec := ingest.NewDecoder(ingest.DecodeOptions{Zone: f.Settings.zone(t.Athlete), Now: time.Unix(f.Now, 0)})
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
				m, p := importAnalysis(a, s)
				emitRec(t.Athlete, newRecord(t, seq, e.SHA256, a, m, p))
			}
		}
		emitOut(t.Athlete, out)
		return nil
	})
}

// prepare sets what the store sets on an activity it adds.
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

// importAnalysis is the analysis taper import gives a new activity before
// it knows the athlete's history: no race pace, no observed HRmax. The
// athlete stage then redoes what the history changes, as the import does
// after storing.
// SWITCH TO CORE: taper.Import's per-activity analysis.
func importAnalysis(a *analysis.Activity, s analysis.Settings) (*analysis.Metrics, analysis.HRProfile) {
	return analysis.AnalyzeProfile(a, s, math.NaN(), 0)
}

// redoFn analyses activities again in their athlete's context: it reads
// their file again (records never travel) and decodes only the members
// asked for.
type redoFn struct {
	Settings SettingsTable
	Now      int64
}

func (f *redoFn) ProcessElement(ctx context.Context, file string, items func(*RedoItem) bool, emit func(string, ActivityRecord)) error {
	byMember := map[string][]RedoItem{}
	var it RedoItem
	var athlete string
	var rank int
	for items(&it) {
		byMember[it.Member] = append(byMember[it.Member], it)
		athlete, rank = it.Athlete, it.Rank
	}
	s := f.Settings.For(athlete)
	dec := ingest.NewDecoder(ingest.DecodeOptions{Zone: f.Settings.zone(athlete), Now: time.Unix(f.Now, 0)})
	done := map[string]bool{}
	t := FileTask{Athlete: athlete, Path: file, Rank: rank}
	err := walkFile(ctx, file, ingest.WalkOptions{Skip: func(p string, _ int64, _ uint32) bool { return byMember[p] == nil }},
		func(e ingest.Entry) error {
			want := byMember[e.Path]
			if want == nil || e.Err != nil || e.Skipped {
				return nil
			}
			r := dec.Decode(e.Path, e.Data)
			for _, a := range r.Activities {
				prepare(a, athlete, e, r.Format)
				for _, w := range want {
					if w.ID != a.ID || done[a.ID] {
						continue
					}
					done[a.ID] = true
					m, p := analysis.AnalyzeProfile(a, s, w.ObservedHR, w.RacePace)
					if w.RaceSource != "" {
						analysis.MarkRace(m, analysis.Race{Activity: a, Source: w.RaceSource})
					}
					rec := newRecord(t, w.Record.Seq, e.SHA256, a, m, p)
					rec.DuplicateOf = w.Record.DuplicateOf
					emit(athlete, rec)
				}
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("athlete %s: read %s again: %w", athlete, file, err)
	}
	// An entry that cannot be read again (the file changed meanwhile)
	// keeps its first analysis rather than vanishing.
	for _, ws := range byMember {
		for _, w := range ws {
			if !done[w.ID] {
				emit(athlete, w.Record)
			}
		}
	}
	return nil
}

// errorText is an error's message with its hint, if any, as taper import
// records a rejected file's reason.
// SWITCH TO CORE: the core's error text for rejected files.
func errorText(err error) string {
	if h := hintOf(err); h != "" {
		return err.Error() + " (" + h + ")"
	}
	return err.Error()
}

// hintOf is what the user can do about err: the Hint() method of the
// first error in its chain that has one (ingest.FileError's included).
func hintOf(err error) string {
	var h interface{ Hint() string }
	if errors.As(err, &h) && h.Hint() != "" {
		return h.Hint()
	}
	return ""
}
