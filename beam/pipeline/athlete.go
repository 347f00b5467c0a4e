package pipeline

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/taper-run/taper/analysis"
)

// athleteFn is the per-athlete stage after decoding: it keeps the first
// entry with given bytes, finds duplicates across sources, and gives each
// activity its analysis in the athlete's context (the race each run leads
// up to, the HRmax observed up to it), as taper import does once a batch is
// stored. Activities whose class depends on that context go back to the
// worker holding their file (RedoItem); the others are final.
type athleteFn struct {
	Settings SettingsTable
	Now      int64
}

func (f *athleteFn) ProcessElement(ctx context.Context, athlete string, _ func(*string) bool, recs func(*ActivityRecord) bool, outs func(*FileOutcome) bool,
	emitFinal func(string, ActivityRecord), emitRedo func(string, RedoItem), emitRej func(Rejection)) error {
	s := f.Settings.For(athlete)
	now := time.Unix(f.Now, 0)

	// Entries in walk order: a later copy of the same bytes is a
	// duplicate file (neither decoded nor listed as rejected by the CLI).
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
	type pos struct{ rank, seq int }
	kept := map[pos]bool{}
	seen := map[string]bool{}
	for _, o := range outcomes {
		if o.SHA256 != "" {
			if seen[o.SHA256] || o.Status == "duplicate_file" {
				continue
			}
			seen[o.SHA256] = true
		}
		kept[pos{o.Rank, o.Seq}] = true
		if o.Status == "rejected" {
			emitRej(Rejection{Athlete: athlete, Path: o.Path, Reason: o.Reason})
		}
	}

	var records []ActivityRecord
	var r ActivityRecord
	for recs(&r) {
		if kept[pos{r.Rank, r.Seq}] {
			records = append(records, r)
		}
	}
	sort.SliceStable(records, func(i, j int) bool { return records[i].before(records[j]) })
	acts := make([]*analysis.Activity, len(records))
	for i, r := range records {
		acts[i] = r.activity()
	}
	markDuplicates(acts, records)

	var primaries []*analysis.Activity
	for _, a := range acts {
		if a.DuplicateOf == "" {
			primaries = append(primaries, a)
		}
	}
	an := buildAnalyzer(primaries, s, now)
	for i, a := range acts {
		rec := records[i]
		rec.DuplicateOf = a.DuplicateOf
		m := a.Metrics
		if a.DuplicateOf != "" || m == nil {
			emitFinal(athlete, rec)
			continue
		}
		// SWITCH TO CORE: the reanalysis policy of taper import (which
		// activities the history changes), here against an empty history.
		paceChanged := a.IsRun() && an.racePaceFor(a) != 0
		if m.Version != analysis.AnalysisVersion || (a.ID == an.raceID) != (m.Class == analysis.ClassRace) || paceChanged {
			item := RedoItem{Athlete: athlete, File: rec.File, Rank: rec.Rank, Member: rec.Source, ID: rec.ID, Record: rec,
				RacePace: an.racePaceFor(a), ObservedHR: an.observed(a)}
			if a.ID == an.raceID {
				item.RaceSource = an.raceSrc
			}
			emitRedo(rec.File, item)
			continue
		}
		if !sameHRMax(m.HRMax, analysis.EffectiveHRMax(s, an.observed(a))) {
			analysis.ApplyHRMax(m, rec.profile(), s, an.observed(a))
			rec.setMetrics(m)
		}
		emitFinal(athlete, rec)
	}
	return nil
}

// markDuplicates sets DuplicateOf as taper import's store does, taking
// activities in walk order: the same activity from two sources is kept
// once, as the primary analysis.PreferPrimaryChannels picks.
// SWITCH TO CORE: the store's duplicate bookkeeping.
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

// analyzer is what classification in context depends on beyond the
// activity itself.
// SWITCH TO CORE: the analyzer of cmd/taper/analyze.go.
type analyzer struct {
	settings analysis.Settings
	races    []raceRef
	hrMax    float64
	hrByID   map[string]float64
	raceID   string
	raceSrc  string
}

type raceRef struct {
	id, date string
	pace     float64
}

func buildAnalyzer(acts []*analysis.Activity, s analysis.Settings, now time.Time) *analyzer {
	an := &analyzer{settings: s, hrMax: analysis.ObservedHRMax(acts, now), hrByID: analysis.ObservedHRMaxes(acts),
		races: findRaces(acts)}
	race := analysis.FindRace(acts, athleteToday(now, s, acts), "", "")
	if race.Activity != nil {
		an.raceID, an.raceSrc = race.Activity.ID, race.Source
	}
	return an
}

func findRaces(acts []*analysis.Activity) []raceRef {
	var out []raceRef
	for _, a := range acts {
		if a.DuplicateOf != "" || !a.IsRun() {
			continue
		}
		if dist, _ := analysedTotals(a); dist >= analysis.RaceDistLow && dist <= analysis.RaceDistHigh && pace(a) > 0 {
			out = append(out, raceRef{id: a.ID, date: a.LocalDate(), pace: pace(a)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].date < out[j].date })
	return out
}

func (an *analyzer) racePaceFor(a *analysis.Activity) float64 {
	d := a.LocalDate()
	limit := a.LocalStart().AddDate(0, 0, 16*7).Format(time.DateOnly)
	for _, r := range an.races {
		if r.date >= d && r.date <= limit {
			return r.pace
		}
	}
	for i := len(an.races) - 1; i >= 0; i-- {
		if an.races[i].date < d {
			return an.races[i].pace
		}
	}
	return 0
}

func (an *analyzer) observed(a *analysis.Activity) float64 {
	if v, ok := an.hrByID[a.ID]; ok {
		return v
	}
	return an.hrMax
}

func pace(a *analysis.Activity) float64 {
	dist, moving := analysedTotals(a)
	if !analysis.Has(dist) || dist <= 0 || !analysis.Has(moving) || moving <= 0 {
		return 0
	}
	return moving / (dist / 1000)
}

func analysedTotals(a *analysis.Activity) (dist, moving float64) {
	dist, moving = a.Distance, a.MovingTime
	if m := a.Metrics; m != nil {
		if analysis.Has(m.Distance) && m.Distance > 0 {
			dist = m.Distance
		}
		if analysis.Has(m.MovingTime) && m.MovingTime > 0 {
			moving = m.MovingTime
		}
	}
	return dist, moving
}

func athleteToday(now time.Time, s analysis.Settings, acts []*analysis.Activity) string {
	if s.TimeZone == "" && len(acts) > 0 {
		latest := acts[0]
		for _, a := range acts {
			if a.Start.After(latest.Start) {
				latest = a
			}
		}
		return now.In(latest.Zone()).Format(time.DateOnly)
	}
	loc := time.UTC
	if s.TimeZone != "" {
		if l, err := time.LoadLocation(s.TimeZone); err == nil {
			loc = l
		}
	}
	return now.In(loc).Format(time.DateOnly)
}

func sameHRMax(a, b float64) bool {
	if !analysis.Has(a) || !analysis.Has(b) {
		return analysis.Has(a) == analysis.Has(b)
	}
	return math.Abs(a-b) < 0.5
}
