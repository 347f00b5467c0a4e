package analysis

import (
	"fmt"
)

// Next is what the athlete may do from the day after as_of: the rest of
// this week's volume allowance, next week's cap, and the dates running,
// intervals and long runs are allowed again. Its JSON form is part of the
// report contract (fields may be added, never renamed).
type Next struct {
	From string `json:"from"` // the first day planned for: the day after as_of
	Day  int    `json:"day"`  // its day after the race
	Week int    `json:"week"` // its recovery week; 0 when outside the audit
	// Week's allowance: how much more volume fits in the week (in Unit) and
	// the limit it comes from (ramp_cap or ramp_jump); nil when no limit
	// applies (weeks without a cap, no baseline).
	WeekLimit     *float64 `json:"week_limit"`
	WeekLimitRule string   `json:"week_limit_rule,omitempty"`
	WeekVolume    float64  `json:"week_volume"`
	WeekAllowance *float64 `json:"week_allowance"`
	// Next week's limit (ramp_cap, or ramp_jump over this week's volume so
	// far); nil when none applies.
	NextWeek          int      `json:"next_week"`
	NextWeekLimit     *float64 `json:"next_week_limit"`
	NextWeekLimitRule string   `json:"next_week_limit_rule,omitempty"`
	Unit              string   `json:"unit"`
	RunningFrom       string   `json:"running_from"`   // first day of running (after the rest window)
	IntervalsFrom     string   `json:"intervals_from"` // first day an interval session is allowed
	LongRunsFrom      string   `json:"long_runs_from"` // first day a run over return_max_minutes is fine
	// Steps are the same in sentences, for the text formats.
	Steps []string `json:"steps"`
}

// next fills r.Next from the audit (weeks and findings done).
func (a *auditor) next(acts []auditDay) {
	s, r := a.s, a.r
	from := a.asOfDay + 1
	n := &Next{From: a.day0.addDays(from).String(), Day: from, Unit: a.unit, Steps: []string{}}
	r.Next = n
	date := func(day int) string { return a.day0.addDays(day).String() }
	lastDay := auditWeekLast(s.Weeks)
	if from > lastDay {
		n.Steps = append(n.Steps, fmt.Sprintf("the %d audited recovery weeks ended on %s: train as planned", s.Weeks, date(lastDay)))
		return
	}
	if from >= 1 {
		n.Week = auditWeekOf(from)
	}
	n.RunningFrom = date(max(from, s.RestDays+1))
	n.LongRunsFrom = date(max(from, s.RestDays+s.ReturnDays+1))
	// intervals: after the return phase, and in a week whose sessions are
	// not used up
	iv := max(from, s.RestDays+s.ReturnDays+1)
	count := map[int]int{}
	for _, d := range acts {
		if d.a.IsRun() && auditClass(d.a) == ClassInterval && d.day > s.RestDays+s.ReturnDays {
			count[auditWeekOf(d.day)]++
		}
	}
	for iv <= lastDay && count[auditWeekOf(iv)] >= s.MaxIntervalSessions {
		iv = auditWeekLast(auditWeekOf(iv)) + 1
	}
	n.IntervalsFrom = date(iv)

	// this week's allowance, next week's limit
	base := r.Baseline.Volume
	limitOf := func(k int, prev float64) (*float64, string) {
		if base == nil || k < 1 || k > s.Weeks {
			return nil, ""
		}
		first, last := s.rampWeeks()
		if k <= len(s.Ramp) {
			if k < first || k > last {
				return nil, ""
			}
			v := auditRound(s.Ramp[k-1] * *base)
			return &v, RuleRampCap
		}
		if prev > 0 && prev >= s.RampJumpMinPrev**base {
			v := auditRound(s.RampJump * prev)
			return &v, RuleRampJump
		}
		return nil, ""
	}
	vol := func(k int) float64 {
		if k >= 1 && k <= len(r.Weeks) {
			return r.Weeks[k-1].Volume
		}
		return 0
	}
	if n.Week >= 1 {
		n.WeekVolume = vol(n.Week)
		n.WeekLimit, n.WeekLimitRule = limitOf(n.Week, vol(n.Week-1))
		if n.WeekLimit != nil {
			v := auditRound(max(*n.WeekLimit-n.WeekVolume, 0))
			n.WeekAllowance = &v
		}
	}
	n.NextWeek = n.Week + 1
	if n.NextWeek > s.Weeks {
		n.NextWeek = 0
	} else {
		n.NextWeekLimit, n.NextWeekLimitRule = limitOf(n.NextWeek, vol(n.Week))
	}

	// the sentences
	fv := a.fmtVolume
	switch {
	case from <= s.RestDays:
		n.Steps = append(n.Steps, fmt.Sprintf("rest: no running until %s (day %d); light activity such as walking is fine, hard cross-training is not",
			n.RunningFrom, s.RestDays+1))
	case from <= s.RestDays+s.ReturnDays:
		n.Steps = append(n.Steps, fmt.Sprintf("return phase until %s: easy runs only, each under %s",
			date(s.RestDays+s.ReturnDays), auditMinutes(s.ReturnMaxMinutes)))
	}
	if n.Week >= 1 {
		switch {
		case n.WeekAllowance != nil:
			n.Steps = append(n.Steps, fmt.Sprintf("this week (week %d, to %s): %s more running fits under its limit %s (%s; %s so far)",
				n.Week, date(auditWeekLast(n.Week)), fv(*n.WeekAllowance), fv(*n.WeekLimit), n.WeekLimitRule, fv(n.WeekVolume)))
		case base == nil:
			n.Steps = append(n.Steps, fmt.Sprintf("this week (week %d): no volume limit can be given without a baseline", n.Week))
		default:
			n.Steps = append(n.Steps, fmt.Sprintf("this week (week %d, to %s): no volume cap (%s so far)", n.Week, date(auditWeekLast(n.Week)), fv(n.WeekVolume)))
		}
	}
	if n.NextWeek >= 1 {
		start := date(auditWeekFirst(n.NextWeek))
		switch {
		case n.NextWeekLimit != nil && n.NextWeekLimitRule == RuleRampJump:
			n.Steps = append(n.Steps, fmt.Sprintf("next week (week %d, from %s): at most %.2fx this week's volume: %s if this week stays at %s",
				n.NextWeek, start, s.RampJump, fv(*n.NextWeekLimit), fv(n.WeekVolume)))
		case n.NextWeekLimit != nil:
			n.Steps = append(n.Steps, fmt.Sprintf("next week (week %d, from %s): cap %s (%s of baseline)",
				n.NextWeek, start, fv(*n.NextWeekLimit), auditPercent(s.Ramp[n.NextWeek-1])))
		case base != nil:
			n.Steps = append(n.Steps, fmt.Sprintf("next week (week %d, from %s): no volume cap", n.NextWeek, start))
		}
	}
	if iv > lastDay {
		n.Steps = append(n.Steps, fmt.Sprintf("intervals: none left in the audited weeks (limit %d a week)", s.MaxIntervalSessions))
	} else {
		n.Steps = append(n.Steps, fmt.Sprintf("intervals allowed again from %s (day %d; at most %d a week)", n.IntervalsFrom, iv, s.MaxIntervalSessions))
	}
	n.Steps = append(n.Steps, fmt.Sprintf("long runs (over %s) are fine from %s (day %d)",
		auditMinutes(s.ReturnMaxMinutes), n.LongRunsFrom, max(from, s.RestDays+s.ReturnDays+1)))
}
