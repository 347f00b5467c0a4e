package analysis

import "fmt"

// The baseline window: the 8 weeks before a 3-week taper, local days
// BaselineFirstDay .. BaselineLastDay relative to the race (day 0).
const (
	BaselineFirstDay = -77
	BaselineLastDay  = -22
	BaselineWeeks    = 8
	// BaselineMinRuns is the fewest runs in the window that give a baseline.
	BaselineMinRuns = 8
)

// ComputeBaseline returns the athlete's pre-race weekly volume: the total
// run volume over the local days BaselineFirstDay..BaselineLastDay before
// the race, divided by BaselineWeeks. Volume is distance in metres, or
// moving time in seconds when s.Volume is "time". s.BaselineKm > 0 overrides
// the history (Source "config") for a distance volume; it is ignored for a
// time volume (a distance cannot stand for time). Fewer than
// BaselineMinRuns runs in the window, or no race, give Source "none" with
// the reason and what to do. Duplicates are ignored.
func ComputeBaseline(acts []*Activity, race *Activity, s Settings) Baseline {
	b := Baseline{Unit: "m", Source: BaselineNone}
	if s.Volume == "time" {
		b.Unit = "s"
	}
	if s.BaselineKm > 0 && b.Unit == "m" {
		b.Volume, b.Source = s.BaselineKm*1000, BaselineConfig
		if race != nil {
			b.Runs, _ = baselineVolume(acts, race, b.Unit)
		}
		return b
	}
	fix := "import pre-race training or set baseline_km"
	if s.BaselineKm > 0 {
		fix = "import pre-race training (baseline_km is a distance and does not apply while volume is time)"
	}
	if race == nil {
		b.Reason = "no race, so no pre-race window; mark the race with taper race"
		return b
	}
	day0 := race.LocalDate()
	from, to := addDays(day0, BaselineFirstDay), addDays(day0, BaselineLastDay)
	runs, total := baselineVolume(acts, race, b.Unit)
	b.Runs = runs
	if runs < BaselineMinRuns {
		have := fmt.Sprintf("only %d runs", runs)
		switch runs {
		case 0:
			have = "no runs"
		case 1:
			have = "only 1 run"
		}
		b.Reason = fmt.Sprintf("%s between %s and %s; %s", have, from, to, fix)
		return b
	}
	b.Volume, b.Source = total/BaselineWeeks, BaselineHistory
	return b
}

// baselineVolume counts the runs in the baseline window and sums their
// volume in unit ("m" or "s").
func baselineVolume(acts []*Activity, race *Activity, unit string) (runs int, total float64) {
	day0 := race.LocalDate()
	from, to := addDays(day0, BaselineFirstDay), addDays(day0, BaselineLastDay)
	for _, a := range acts {
		if a.DuplicateOf != "" || !a.IsRun() {
			continue
		}
		if d := a.LocalDate(); d < from || d > to {
			continue
		}
		runs++
		total += runVolume(a, unit)
	}
	return runs, total
}

// runVolume is a run's volume in unit: distance (m) or moving time (s),
// from its metrics when analysed; 0 when unknown.
func runVolume(a *Activity, unit string) float64 {
	var v float64
	if a.Metrics != nil {
		v = a.Metrics.Distance
		if unit == "s" {
			v = a.Metrics.MovingTime
		}
	} else {
		bs := activityBasics(a)
		v = bs.distance
		if unit == "s" {
			v = bs.moving
		}
	}
	if !Has(v) || v < 0 {
		return 0
	}
	return v
}
