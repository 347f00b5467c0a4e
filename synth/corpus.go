package synth

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// corpusZones are the athletes' zones in a benchmark corpus, in turn.
func corpusZones() []string {
	return []string{"Europe/London", "Europe/Paris", "America/New_York", "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney"}
}

// CorpusWeekKinds is the week of a benchmark-corpus athlete: five runs,
// Tuesday intervals, Wednesday and Saturday easy, Thursday tempo, Sunday long.
func CorpusWeekKinds() [7]Kind {
	return [7]Kind{"", Intervals, Easy, Tempo, "", Easy, Long}
}

// WriteCorpus writes a benchmark corpus: athletes x weeks of 1 Hz runs (five
// a week, 45 to 150 minutes, about one hour on average) as FIT files in
// dir/athlete-NNN/, for the import benchmarks. 50 athletes x 52 weeks is
// 13,000 files. It streams to disk with one activity in memory per CPU, and
// returns the number of files written.
func WriteCorpus(dir string, athletes, weeks int, seed int64) (files int, err error) {
	if athletes <= 0 || weeks <= 0 {
		return 0, fmt.Errorf("write corpus %s: need at least one athlete and one week, got %d x %d", dir, athletes, weeks)
	}
	end := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC) // a Monday
	type job struct {
		spec Spec
		path string
	}
	jobs := make(chan job)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	var mu sync.Mutex
	written := 0
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				a := Workout(j.spec)
				a.Athlete = filepath.Base(filepath.Dir(j.path))
				if err := writeFile(j.path, func(w io.Writer) error { return WriteFIT(w, a) }); err != nil {
					select {
					case errs <- err:
					default:
					}
					continue
				}
				mu.Lock()
				written++
				mu.Unlock()
			}
		}()
	}
	var firstErr error
	func() {
		defer close(jobs)
		zones := corpusZones()
		for ath := 0; ath < athletes; ath++ {
			name := fmt.Sprintf("athlete-%03d", ath+1)
			adir := filepath.Join(dir, name)
			if err := os.MkdirAll(adir, 0o755); err != nil {
				firstErr = fmt.Errorf("write corpus: %w", err)
				return
			}
			loc, lerr := time.LoadLocation(zones[ath%len(zones)])
			if lerr != nil {
				loc = time.UTC
			}
			rng := newRand(seed+int64(ath), "corpus")
			easyPace := between(rng, 290, 360)
			racePace := easyPace / between(rng, 1.18, 1.25)
			for wk := 0; wk < weeks; wk++ {
				mon := end.AddDate(0, 0, -7*(weeks-wk))
				for d, k := range CorpusWeekKinds() {
					if k == "" {
						continue
					}
					y, m, dd := mon.AddDate(0, 0, d).Date()
					start := time.Date(y, m, dd, 6+rng.IntN(3), rng.IntN(60), 0, 0, loc).UTC()
					var dur time.Duration
					switch k {
					case Easy:
						dur = time.Duration(between(rng, 45, 70)) * time.Minute
					case Long:
						dur = time.Duration(between(rng, 90, 130)) * time.Minute
					}
					sp := Spec{Kind: k, Start: start, Zone: loc, Seed: seed*7_000_003 + int64(ath)*100_000 + int64(wk)*10 + int64(d),
						Duration: dur, EasyPace: easyPace, RacePace: racePace, Laps: LapStyle(rng.IntN(4)), Pauses: rng.IntN(4) == 0}
					path := filepath.Join(adir, fmt.Sprintf("%s_%s.fit", start.In(loc).Format("2006-01-02_1504"), k))
					select {
					case err := <-errs:
						firstErr = err
						return
					case jobs <- job{spec: sp, path: path}:
					}
				}
			}
		}
	}()
	wg.Wait()
	if firstErr == nil {
		select {
		case firstErr = <-errs:
		default:
		}
	}
	return written, firstErr
}
