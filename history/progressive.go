package history

import (
	"math"
	"slices"
	"sort"
	"time"

	"github.com/taper-run/taper/analysis"
)

// Progressive gives the race pace and observed HRmax of an athlete's new
// activities while they are being imported, in the order the import stores
// them, so each can be analysed as soon as the history it depends on is in:
// the races up to RaceLeadWeeks after it (ReadyDate) and the runs of the 12
// months before it. Files usually come in date order (watch exports are
// named by date or by increasing ids); when they do not, an analysis made
// with its Inputs is a guess that the analysis after the import corrects
// (see Analyzer.RedoClassified: a run whose race pace or HRmax turns out
// otherwise is analysed again).
type Progressive struct {
	races  []raceRef  // as Analyzer.races, with the new marathons added
	obs    []obsPoint // the primaries' observed maxima, by start
	latest string     // the latest local date added
}

// obsPoint is one primary activity's contribution to the observed HRmax.
type obsPoint struct {
	start time.Time
	v     float64
}

// Progressive starts from the stored history an was built from: acts are
// its activities (with their metrics), as given to New.
func (an *Analyzer) Progressive(acts []*analysis.Activity) *Progressive {
	p := &Progressive{races: slices.Clone(an.races)}
	for _, a := range acts {
		p.observe(a)
	}
	return p
}

func (p *Progressive) observe(a *analysis.Activity) {
	if a.DuplicateOf != "" {
		return
	}
	v := analysis.ObservedMax(a)
	if !analysis.Has(v) {
		return
	}
	i := sort.Search(len(p.obs), func(i int) bool { return p.obs[i].start.After(a.Start) })
	p.obs = slices.Insert(p.obs, i, obsPoint{start: a.Start, v: v})
}

// Add records a new primary activity as stored: its header, without
// samples, with its preliminary metrics (analysis.PreliminaryMetrics).
func (p *Progressive) Add(a *analysis.Activity) {
	if a.DuplicateOf != "" {
		return
	}
	p.observe(a)
	if d := a.LocalDate(); d > p.latest {
		p.latest = d
	}
	if !a.IsRun() || pace(a) <= 0 {
		return
	}
	if dist, _ := analysis.AnalysedTotals(a); !analysis.IsMarathonDistance(dist) {
		return
	}
	for _, r := range p.races {
		if r.id == a.ID {
			return
		}
	}
	r := raceRef{id: a.ID, date: a.LocalDate(), pace: pace(a)}
	i := sort.Search(len(p.races), func(i int) bool { return p.races[i].date > r.date })
	p.races = slices.Insert(p.races, i, r)
}

// ReadyDate is the local date the activities added must go past (see
// ReadyAfter) for a's race pace to be settled: the end of the weeks after
// a in which a race would set it.
func ReadyDate(a *analysis.Activity) string {
	return a.LocalStart().AddDate(0, 0, RaceLeadWeeks*7).Format(time.DateOnly)
}

// ReadyAfter reports whether the activities added so far go past date (a
// ReadyDate).
func (p *Progressive) ReadyAfter(date string) bool { return p.latest > date }

// Inputs are the race pace (see Analyzer.RacePaceFor) and the observed
// HRmax (the highest over the 12 months up to its start, see
// analysis.ObservedHRMaxes) of a, from what was added so far.
func (p *Progressive) Inputs(a *analysis.Activity) (racePace, observedHRMax float64) {
	racePace = racePaceFor(p.races, a)
	observedHRMax = math.NaN()
	from := a.Start.AddDate(-1, 0, 0)
	for i := sort.Search(len(p.obs), func(i int) bool { return !p.obs[i].start.Before(from) }); i < len(p.obs) && !p.obs[i].start.After(a.Start); i++ {
		if v := p.obs[i].v; !analysis.Has(observedHRMax) || v > observedHRMax {
			observedHRMax = v
		}
	}
	return racePace, observedHRMax
}
