package analysis

import (
	"fmt"
	"math"
	"time"
)

// Phases of the recovery, by day after the race.
const (
	PhaseRace   = "race"   // day 0 and before
	PhaseRest   = "rest"   // days 1..RestDays: no running
	PhaseReturn = "return" // days RestDays+1 .. RestDays+ReturnDays: short easy runs
	PhaseRamp   = "ramp"   // later days of the ramp weeks (2..len(Ramp)): volume capped
	PhaseOpen   = "open"   // after the ramp: volume may grow by RampJump a week (shown as "build-up", see PhaseLabel)
	PhaseAfter  = "after"  // after the audited weeks
)

// auditDateLayout is how dates appear in reports: the local calendar date.
const auditDateLayout = "2006-01-02"

// auditDate is a local calendar date, held as midnight UTC so that day
// arithmetic never meets a DST change.
type auditDate time.Time

func parseAuditDate(s string) (auditDate, error) {
	t, err := time.Parse(auditDateLayout, s)
	if err != nil {
		return auditDate{}, fmt.Errorf("%q is not a date: use YYYY-MM-DD", s)
	}
	return auditDate(t), nil
}

func (c auditDate) String() string          { return time.Time(c).Format(auditDateLayout) }
func (c auditDate) addDays(n int) auditDate { return auditDate(time.Time(c).AddDate(0, 0, n)) }
func (c auditDate) daysSince(o auditDate) int {
	return int(math.Round(time.Time(c).Sub(time.Time(o)).Hours() / 24))
}
func auditLocalDate(a *Activity) auditDate {
	t := a.LocalStart()
	return auditDate(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC))
}
func auditWeekOf(day int) int     { return (day-1)/7 + 1 }
func auditWeekFirst(week int) int { return 7*(week-1) + 1 }
func auditWeekLast(week int) int  { return 7 * week }

// rampWeeks are the weeks ramp_cap checks: from week 2 (the rule),
// but never a week lying wholly in the rest window, whose runs rest_window
// already flags one by one (conservative: rest_days 14, so from week 3);
// up to the last week with a cap.
func (s Settings) rampWeeks() (int, int) { return max(2, s.RestDays/7+1), len(s.Ramp) }

// PhaseLabel returns the words reports show for a phase: "open" reads like
// "not done yet", so it is shown as "build-up" (the JSON value stays).
func PhaseLabel(p string) string {
	if p == PhaseOpen {
		return "build-up"
	}
	return p
}

// PhaseOfDay returns the recovery phase of day (day 0 = race day) under s.
func (s Settings) PhaseOfDay(day int) string {
	switch {
	case day <= 0:
		return PhaseRace
	case day > auditWeekLast(s.Weeks):
		return PhaseAfter
	case day <= s.RestDays:
		return PhaseRest
	case day <= s.RestDays+s.ReturnDays:
		return PhaseReturn
	case auditWeekOf(day) <= len(s.Ramp):
		return PhaseRamp
	default:
		return PhaseOpen
	}
}

// weekPhases returns the distinct phases of a week's days, in order.
func (s Settings) weekPhases(week int) []string {
	var out []string
	for d := auditWeekFirst(week); d <= auditWeekLast(week); d++ {
		p := s.PhaseOfDay(d)
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	return out
}
