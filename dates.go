package taper

import (
	"fmt"
	"strings"
	"time"
)

// Report dates (--as-of) may be a local date YYYY-MM-DD or a word: today,
// yesterday, or a weekday name (monday..sunday, or mon..sun: the latest
// such day up to today, today included).
var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// CheckDate says why s is not a report date, nil when it is one (see
// ResolveDate): "2026-02-30" is "not a date: February 2026 has 28 days".
func CheckDate(s string) error {
	if s == "" || isDateWord(s) {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return fmt.Errorf("%q is not a date: %s", s, DateProblem(s))
	}
	return nil
}

// DateProblem explains why s does not parse as YYYY-MM-DD.
func DateProblem(s string) string {
	var y, m, d int
	if n, _ := fmt.Sscanf(s, "%4d-%2d-%2d", &y, &m, &d); n == 3 && len(s) == 10 {
		switch {
		case m < 1 || m > 12:
			return fmt.Sprintf("there is no month %d: use YYYY-MM-DD", m)
		case d < 1:
			return "days start at 1: use YYYY-MM-DD"
		default:
			last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
			if d > last {
				return fmt.Sprintf("%s %d has %d days", time.Month(m), y, last)
			}
		}
	}
	return "use YYYY-MM-DD, today, yesterday or a weekday name such as monday"
}

func isDateWord(s string) bool {
	w := strings.ToLower(strings.TrimSpace(s))
	_, day := weekdays[w]
	return w == "today" || w == "yesterday" || day
}

// ResolveDate turns a report date into YYYY-MM-DD, words relative to today
// (the athlete's local date, YYYY-MM-DD).
func ResolveDate(s, today string) (string, error) {
	if !isDateWord(s) {
		if err := CheckDate(s); err != nil {
			return "", err
		}
		return s, nil
	}
	t, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return "", fmt.Errorf("today %q: %w", today, err)
	}
	w := strings.ToLower(strings.TrimSpace(s))
	switch w {
	case "today":
	case "yesterday":
		t = t.AddDate(0, 0, -1)
	default:
		back := (int(t.Weekday()) - int(weekdays[w]) + 7) % 7
		t = t.AddDate(0, 0, -back)
	}
	return t.Format(time.DateOnly), nil
}

// ParseNow reads a fixed "now" (taper's hidden --now, for reproducible
// output): a date YYYY-MM-DD, taken at noon UTC, or an RFC 3339 instant.
func ParseNow(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, err
	}
	return d.Add(12 * time.Hour), nil
}
