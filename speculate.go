package taper

import (
	"sync"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/history"
)

// speculator analyses an import's new primary activities while the import
// runs, from the summaries the decoders made: each once the activities
// stored after it reach past the weeks in which a race would set its race
// pace (history.Progressive), on goroutines beside the decoders and the
// writer. The analysis after the import keeps a result when the race pace
// and HRmax it was made with are still the athlete's (always, when the
// files come in date order) and redoes the others, so a first import of a
// long history classifies each run once, during the import, rather than
// after it.
type speculator struct {
	prog     *history.Progressive
	settings analysis.Settings
	pending  []specJob // added, not yet ready, in walk order
	held     int64     // about the bytes pending summaries hold
	work     chan specJob
	wg       sync.WaitGroup
	mu       sync.Mutex
	out      map[string]specResult
}

// specHeld bounds what pending summaries hold (a decoded summary takes about
// 40 bytes per record, counted as at least 4 KB), and specPending how many
// wait: beyond either the oldest are analysed at once, with the history
// known so far (and checked after the files like the others).
const (
	specHeld    = 24 << 20
	specPending = 1024
)

type specJob struct {
	a          *analysis.Activity // header: laps and workout, no samples
	sum        *analysis.Summary
	ready      string // history.ReadyDate
	pace, hrMx float64
}

// held is about what j's summary holds in memory.
func (j specJob) held() int64 { return max(int64(j.sum.Samples())*40, 4096) }

// specResult is an activity's metrics and the race pace they were made with.
type specResult struct {
	m    *analysis.Metrics
	pace float64
}

func newSpeculator(prev *analyzer, acts []*analysis.Activity, s analysis.Settings, workers int) *speculator {
	sp := &speculator{prog: prev.Progressive(acts), settings: s, work: make(chan specJob, 4*workers),
		out: map[string]specResult{}}
	for range max(workers, 1) {
		sp.wg.Add(1)
		go func() {
			defer sp.wg.Done()
			for j := range sp.work {
				m := analysis.AnalyzeSummary(j.a, j.sum, sp.settings, j.hrMx, j.pace)
				sp.mu.Lock()
				sp.out[j.a.ID] = specResult{m: m, pace: j.pace}
				sp.mu.Unlock()
			}
		}()
	}
	return sp
}

// add takes a new primary activity as stored (with its preliminary metrics)
// and its summary, and starts the analysis of those now ready.
func (sp *speculator) add(a *analysis.Activity, sum *analysis.Summary) {
	h := *a
	h.Samples = nil
	sp.prog.Add(&h)
	j := specJob{a: &h, sum: sum, ready: history.ReadyDate(&h)}
	sp.pending = append(sp.pending, j)
	sp.held += j.held()
	keep := sp.pending[:0]
	for i, j := range sp.pending {
		if sp.prog.ReadyAfter(j.ready) || sp.held > specHeld || len(sp.pending)-i > specPending {
			sp.start(j)
		} else {
			keep = append(keep, j)
		}
	}
	clear(sp.pending[len(keep):])
	sp.pending = keep
}

func (sp *speculator) start(j specJob) {
	j.pace, j.hrMx = sp.prog.Inputs(j.a)
	sp.held -= j.held()
	sp.work <- j
}

// finish analyses what is still pending (the history is complete now) and
// returns every result by activity id.
func (sp *speculator) finish() map[string]specResult {
	for _, j := range sp.pending {
		sp.start(j)
	}
	sp.pending = nil
	close(sp.work)
	sp.wg.Wait()
	return sp.out
}

// abandon stops the workers without analysing what is pending.
func (sp *speculator) abandon() {
	sp.pending = nil
	close(sp.work)
	for range sp.work {
	}
	sp.wg.Wait()
}
