package analysis_test

import (
	"fmt"
	"time"

	"github.com/taper-run/taper/analysis"
)

func ExampleAudit() {
	s, _ := analysis.Preset("standard")
	paris := 2 * 3600
	at := func(date, clock string) time.Time {
		t, _ := time.Parse("2006-01-02 15:04", date+" "+clock)
		return t.Add(-time.Duration(paris) * time.Second) // local to UTC
	}
	race := &analysis.Activity{ID: "race", Sport: "running", Start: at("2026-10-04", "09:00"), UTCOffset: paris,
		Distance: 42195, MovingTime: 12840}
	early := &analysis.Activity{ID: "jog", Sport: "running", Start: at("2026-10-07", "07:30"), UTCOffset: paris,
		Distance: 8012.4, MovingTime: 2700, Metrics: &analysis.Metrics{Class: "easy"}}
	r := analysis.Audit(analysis.AuditInput{
		Athlete: "alice", AsOf: "2026-10-20", Settings: s,
		Race:       analysis.Race{Activity: race, Source: "distance"},
		Baseline:   analysis.Baseline{Volume: 52000, Unit: "m", Source: "history", Runs: 40},
		Activities: []*analysis.Activity{race, early},
	})
	for _, f := range r.Findings {
		fmt.Println(f.Date, f.Rule, f.Severity+":", f.Message)
	}
	for _, w := range r.Weeks[:3] {
		limit := "no cap"
		if w.Cap != nil {
			limit = fmt.Sprint("cap ", *w.Cap)
		}
		fmt.Println("week", w.Week, w.Start, w.Status, w.Volume, limit)
	}
	// Output:
	// 2026-10-07 rest_window breach: run of 8.0 km in 45:00 on day 3; days 1-10 are for rest: no running
	// week 1 2026-10-05 breach 8012.4 no cap
	// week 2 2026-10-12 ok 0 cap 13000
	// week 3 2026-10-19 pending 0 cap 26000
}
