package analysis

import (
	"fmt"
	"math"
	"time"
)

// Marathon distance and the window in which a run counts as the race when
// none is marked: 42,195 m -3% / +3.5% (GPS watches over-measure a course
// more often than they under-measure it).
const (
	MarathonMetres = 42195.0
	RaceDistLow    = MarathonMetres * 0.97
	RaceDistHigh   = MarathonMetres * 1.035
)

// IsMarathonDistance says whether a run of dist metres counts as the race
// when none is marked (RaceDistLow..RaceDistHigh).
func IsMarathonDistance(dist float64) bool { return dist >= RaceDistLow && dist <= RaceDistHigh }

// MarkableDistance says whether taper race marks a run of dist metres as
// the race without --force: a wider window (90%..150% of the marathon) for
// a course the watch measured badly, that still refuses a 5 km run marked
// by mistake (which would move the whole audit to the wrong day).
func MarkableDistance(dist float64) bool {
	return Has(dist) && dist >= 0.9*MarathonMetres && dist <= 1.5*MarathonMetres
}

// FindRace returns the race the recovery is measured from:
//   - markedID: the activity with that id (as marked with taper race
//     --activity), or its primary when it is a duplicate;
//   - else markedDate (local YYYY-MM-DD, taper race --date): the run of that
//     local date nearest the marathon distance;
//   - else the most recent run on or before asOf (local YYYY-MM-DD; "" = no
//     limit) whose distance is between RaceDistLow and RaceDistHigh, so a
//     half marathon or a 35 km long run is never the race.
//
// Duplicates (DuplicateOf set) are ignored. When nothing qualifies,
// Race.Activity is nil and Race.Reason says why.
func FindRace(acts []*Activity, asOf string, markedID, markedDate string) Race {
	return FindRaceKind(acts, asOf, markedID, markedDate, RaceMarathon)
}

// FindRaceKind is FindRace for a race distance (the race_distance setting:
// RaceMarathon, RaceHalfMarathon, RaceUltra or RaceAny): without a marked
// race, the most recent run of that distance; with a marked date, the run
// of that date nearest the distance (the longest for an ultra or any).
func FindRaceKind(acts []*Activity, asOf string, markedID, markedDate, kind string) Race {
	target := func(a *Activity) float64 {
		switch kind {
		case RaceHalfMarathon:
			return math.Abs(raceDistance(a) - HalfMarathonMetres)
		case RaceUltra, RaceAny:
			return -raceDistance(a)
		}
		return math.Abs(raceDistance(a) - MarathonMetres)
	}
	if markedID != "" {
		byID := make(map[string]*Activity, len(acts))
		for _, a := range acts {
			byID[a.ID] = a
		}
		if a := byID[markedID]; a != nil {
			if p := byID[a.DuplicateOf]; p != nil {
				a = p // the primary recording of the same run
			}
			return Race{Activity: a, Source: RaceMarked}
		}
		return Race{Reason: fmt.Sprintf("the activity marked as the race (%s) is not in the database; mark another with taper race", markedID)}
	}
	if markedDate != "" {
		var best *Activity
		for _, a := range acts {
			if a.DuplicateOf != "" || !a.IsRun() || a.LocalDate() != markedDate {
				continue
			}
			if best == nil || target(a) < target(best) {
				best = a
			}
		}
		if best == nil {
			return Race{Reason: fmt.Sprintf("no run on %s, the date marked as the race; import it or mark another date with taper race", markedDate)}
		}
		return Race{Activity: best, Source: RaceMarked}
	}
	var best *Activity
	for _, a := range acts {
		if a.DuplicateOf != "" || !a.IsRun() || (asOf != "" && a.LocalDate() > asOf) {
			continue
		}
		if !raceWindow(kind, raceDistance(a)) {
			continue
		}
		if best == nil || a.Start.After(best.Start) {
			best = a
		}
	}
	if best == nil {
		when := ""
		if asOf != "" {
			when = " on or before " + asOf
		}
		return Race{Reason: fmt.Sprintf("no %s%s; mark the race with taper race --date YYYY-MM-DD",
			raceWindowText(kind), when)}
	}
	return Race{Activity: best, Source: RaceDistance}
}

// raceDistance is a run's analysed distance (m), 0 when unknown.
func raceDistance(a *Activity) float64 {
	d, _ := AnalysedTotals(a)
	if !Has(d) {
		return 0
	}
	return d
}

// addDays returns the local date (YYYY-MM-DD) n days after date.
func addDays(date string, n int) string {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return d.AddDate(0, 0, n).Format(time.DateOnly)
}
