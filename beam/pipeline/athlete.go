package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/history"
	"github.com/taper-run/taper/reports"
)

// athleteFn is the per-athlete stage: it keeps the first entry with given
// bytes, finds duplicates across sources, brings each activity's analysis
// up to date with the athlete's history (the race each run leads up to,
// the HRmax observed up to it) from its summary, as taper import does once
// a batch is stored, then audits the athlete as taper report does, writes
// reports/<athlete>.json and the Parquet partitions, and emits the report
// without its timeline (for audit.json) and the rejected files.
type athleteFn struct {
	Settings SettingsTable
	Output   string
	AsOf     string // "" = each athlete's today
	Now      int64
}

func (f *athleteFn) ProcessElement(ctx context.Context, athlete string, _ func(*string) bool, recs func(*ActivityRecord) bool, outs func(*FileOutcome) bool,
	emitReport func([]byte), emitRej func(Rejection)) error {
	s := f.Settings.For(athlete)
	now := time.Unix(f.Now, 0)
	kept := keptEntries(athlete, outs, emitRej)

	var records []ActivityRecord
	var r ActivityRecord
	for recs(&r) {
		if kept[entry{r.Rank, r.Seq}] {
			records = append(records, r)
		}
	}
	sort.SliceStable(records, func(i, j int) bool { return records[i].before(records[j]) })
	all := make([]*analysis.Activity, len(records))
	for i, r := range records {
		a, err := r.activity()
		if err != nil {
			return err
		}
		all[i] = a
	}
	markDuplicates(all, records)

	// The primaries as the store lists them, with the import's metrics;
	// byID finds an activity's record (its summary).
	byID := map[string]int{}
	for i, a := range all {
		byID[a.ID] = i
	}
	sortActivities(all)
	var acts []*analysis.Activity
	for _, a := range all {
		if a.DuplicateOf == "" {
			acts = append(acts, a)
		}
	}
	if err := reanalyze(acts, s, now, func(a *analysis.Activity) (*analysis.Summary, error) {
		return analysis.UnmarshalSummary(records[byID[a.ID]].Summary)
	}); err != nil {
		return fmt.Errorf("athlete %s: %w", athlete, err)
	}
	primary := make(map[string]*analysis.Activity, len(acts))
	for _, a := range acts {
		primary[a.ID] = a
	}
	// A duplicate is analysed with the history of the primaries (its own
	// totals and zones), then takes its primary's class, as the CLI's
	// analysis after an import does.
	an := history.New(acts, s, now, "", "")
	for _, a := range all {
		if a.DuplicateOf == "" {
			continue
		}
		sum, err := analysis.UnmarshalSummary(records[byID[a.ID]].Summary)
		if err != nil {
			return fmt.Errorf("athlete %s: %w", athlete, err)
		}
		a.Metrics = an.AnalyzeSummary(a, sum)
		history.FollowPrimary(a, primary[a.DuplicateOf])
	}

	var rep *analysis.Report
	if len(acts) == 0 {
		asOf := f.AsOf
		if asOf == "" {
			asOf = history.LocalToday(now, s)
		}
		// Listed (every file rejected, or none), as taper audit lists an
		// athlete without activities.
		rep = analysis.Audit(analysis.AuditInput{Athlete: athlete, AsOf: asOf, Settings: s,
			Race: analysis.Race{Reason: "no activities imported for this athlete"}})
	} else {
		var err error
		if rep, err = history.Report(history.ReportInput{Athlete: athlete, Activities: acts, Settings: s, AsOf: f.AsOf, Now: now}); err != nil {
			return fmt.Errorf("athlete %s: %w", athlete, err)
		}
	}
	if err := f.write(ctx, athlete, rep, all); err != nil {
		return err
	}
	slim := *rep
	slim.Days, slim.Weeks, slim.Findings, slim.Rules = nil, nil, nil, nil
	b, err := json.Marshal(&slim)
	if err != nil {
		return err
	}
	emitReport(b)
	return nil
}

// reanalyze brings the import's analysis (made without history) up to
// date with the athlete's history, as taper import does after storing a
// batch: history.Analyzer.Redo decides, from each activity's summary.
func reanalyze(acts []*analysis.Activity, s analysis.Settings, now time.Time, summary func(*analysis.Activity) (*analysis.Summary, error)) error {
	an := history.New(acts, s, now, "", "")
	prev := history.New(nil, s, now, "", "") // what the import classified with
	type redo struct {
		a     *analysis.Activity
		whole bool
	}
	var todo []redo
	for _, a := range acts {
		if whole, zones := an.Redo(a, prev, false); whole || zones {
			todo = append(todo, redo{a, whole})
		}
	}
	for _, r := range todo {
		sum, err := summary(r.a)
		if err != nil {
			return err
		}
		if r.whole || r.a.Metrics == nil {
			r.a.Metrics = an.AnalyzeSummary(r.a, sum)
			continue
		}
		m := *r.a.Metrics
		an.ApplyHRMax(r.a, &m, sum)
		r.a.Metrics = &m
	}
	return nil
}

type entry struct{ rank, seq int }

// keptEntries replays taper import's walk over the athlete's entries: a
// later copy of the same bytes is a duplicate file (neither decoded nor
// rejected again); it reports the rejected ones and returns the others.
func keptEntries(athlete string, outs func(*FileOutcome) bool, emitRej func(Rejection)) map[entry]bool {
	var outcomes []FileOutcome
	var o FileOutcome
	for outs(&o) {
		outcomes = append(outcomes, o)
	}
	sort.Slice(outcomes, func(i, j int) bool {
		if outcomes[i].Rank != outcomes[j].Rank {
			return outcomes[i].Rank < outcomes[j].Rank
		}
		return outcomes[i].Seq < outcomes[j].Seq
	})
	kept := map[entry]bool{}
	seen := map[string]bool{}
	for _, o := range outcomes {
		if o.SHA256 != "" {
			if seen[o.SHA256] || o.Status == "duplicate_file" {
				continue
			}
			seen[o.SHA256] = true
		}
		kept[entry{o.Rank, o.Seq}] = true
		if o.Status == "rejected" {
			emitRej(Rejection{Athlete: athlete, Path: o.Path, Reason: o.Reason})
		}
	}
	return kept
}

// markDuplicates sets DuplicateOf as taper import's store does, taking
// activities in walk order: the same activity from two sources is kept
// once, as the primary analysis.PreferPrimaryChannels picks.
// TODO(core): the store's Writer keeps the same bookkeeping; share it.
func markDuplicates(acts []*analysis.Activity, recs []ActivityRecord) {
	type prim struct {
		a  *analysis.Activity
		ch int
	}
	buckets := map[int64][]*prim{}
	bucket := func(t time.Time) int64 { return t.Unix() / analysis.DupStartWindow }
	for i, a := range acts {
		a.DuplicateOf = ""
		ch := recs[i].Channels
		var p *prim
		if !a.Start.IsZero() {
			b := bucket(a.Start)
		find:
			for k := b - 1; k <= b+1; k++ {
				for _, q := range buckets[k] {
					if analysis.SameActivity(q.a, a) {
						p = q
						break find
					}
				}
			}
		}
		if p == nil {
			buckets[bucket(a.Start)] = append(buckets[bucket(a.Start)], &prim{a: a, ch: ch})
			continue
		}
		if keep, _ := analysis.PreferPrimaryChannels(p.a, p.ch, a, ch); keep == p.a {
			a.DuplicateOf = p.a.ID
			continue
		}
		// The new recording is better: the old primary and what was
		// merged into it now point to the new one.
		b := bucket(p.a.Start)
		for j, q := range buckets[b] {
			if q == p {
				buckets[b] = append(buckets[b][:j], buckets[b][j+1:]...)
				break
			}
		}
		old := p.a.ID
		for _, x := range acts[:i] {
			if x.ID == old || x.DuplicateOf == old {
				x.DuplicateOf = a.ID
			}
		}
		buckets[bucket(a.Start)] = append(buckets[bucket(a.Start)], &prim{a: a, ch: ch})
	}
}

// sortActivities orders activities as the store lists them: by start
// (unknown first), then id.
func sortActivities(acts []*analysis.Activity) {
	sort.SliceStable(acts, func(i, j int) bool {
		a, b := acts[i], acts[j]
		if a.Start.IsZero() != b.Start.IsZero() {
			return a.Start.IsZero()
		}
		if !a.Start.Equal(b.Start) {
			return a.Start.Before(b.Start)
		}
		return a.ID < b.ID
	})
}

// write writes the athlete's report and Parquet partitions.
func (f *athleteFn) write(ctx context.Context, athlete string, rep *analysis.Report, all []*analysis.Activity) error {
	fs, err := filesystem.New(ctx, f.Output)
	if err != nil {
		return err
	}
	defer fs.Close()
	var buf bytes.Buffer
	if err := reports.JSON(&buf, rep); err != nil {
		return err
	}
	if err := filesystem.Write(ctx, fs, join(f.Output, "reports/"+athlete+".json"), buf.Bytes()); err != nil {
		return fmt.Errorf("write report of %s: %w", athlete, err)
	}
	if err := writeActivities(ctx, fs, f.Output, athlete, all); err != nil {
		return err
	}
	return writeFindings(ctx, fs, f.Output, athlete, rep.Findings)
}
