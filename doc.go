// Package taper is the application core: the use cases (import, reanalyze,
// mark a race, report, audit, forget, list) over a *store.DB, shared by
// every front end (the taper command, a web dashboard, a batch pipeline).
//
// Each use case takes plain values (an options struct with a clock and
// progress callbacks) and returns results and typed errors; none prints,
// reads flags or environment variables, or exits. An error a user can act
// on has a Hint() string method: front ends print it after the error.
package taper

import "time"

// clock returns now, or time.Now when now is nil.
func clock(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}
