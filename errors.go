package taper

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/taper-run/taper/store"
)

// hintError is an error with a line telling the user what to do: hint
// in the terminal, apiHint (when set) to a client of the dashboard's API.
type hintError struct {
	err           error
	hint, apiHint string
}

func (e *hintError) Error() string   { return e.err.Error() }
func (e *hintError) Unwrap() error   { return e.err }
func (e *hintError) Hint() string    { return e.hint }
func (e *hintError) APIHint() string { return e.apiHint }

// WithHint returns err with a line telling the user what to do (HintOf
// finds it).
func WithHint(err error, hint string) error { return &hintError{err: err, hint: hint} }

// IsUsage reports whether err is a bad or missing argument (an error in
// its chain with a UsageError method that says so): the CLI exits 2 for it,
// as for a bad flag.
func IsUsage(err error) bool {
	var u interface{ UsageError() bool }
	return errors.As(err, &u) && u.UsageError()
}

// APIHintOf is HintOf for a client of the dashboard's JSON API: the first
// non-empty APIHint() in err's chain (a Hint names command-line flags),
// else HintOf(err).
func APIHintOf(err error) string {
	if h := apiHint(err); h != "" {
		return h
	}
	return HintOf(err)
}

func apiHint(err error) string {
	for err != nil {
		if h, ok := err.(interface{ APIHint() string }); ok && h.APIHint() != "" {
			return h.APIHint()
		}
		switch x := err.(type) {
		case interface{ Unwrap() error }:
			err = x.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range x.Unwrap() {
				if h := apiHint(e); h != "" {
					return h
				}
			}
			return ""
		default:
			return ""
		}
	}
	return ""
}

// HintOf returns what the user can do about err: the Hint() of the first
// error in its chain that has a non-empty one, else "".
func HintOf(err error) string {
	for err != nil {
		if h, ok := err.(interface{ Hint() string }); ok && h.Hint() != "" {
			return h.Hint()
		}
		switch x := err.(type) {
		case interface{ Unwrap() error }:
			err = x.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range x.Unwrap() {
				if h := HintOf(e); h != "" {
					return h
				}
			}
			return ""
		default:
			return ""
		}
	}
	return ""
}

// UnknownAthleteError: the database holds no athlete of that name (a typo
// would otherwise give an empty result that looks real).
type UnknownAthleteError struct {
	Athlete string
	DB      string   // the database's path
	Known   []string // the athletes it holds
}

func (e *UnknownAthleteError) Error() string {
	return fmt.Sprintf("no athlete %q in %s", e.Athlete, e.DB)
}

// Hint lists the athletes the database holds.
func (e *UnknownAthleteError) Hint() string {
	return fmt.Sprintf("athletes in this database: %s; give one with --athlete", strings.Join(e.Known, ", "))
}

// APIHint lists the athletes the database holds.
func (e *UnknownAthleteError) APIHint() string {
	return fmt.Sprintf("athletes in this database: %s (GET /api/audit lists them)", strings.Join(e.Known, ", "))
}

// NoActivitiesError: the athlete has no stored activities.
type NoActivitiesError struct {
	Athlete string
	DB      string
	Known   []string // the athletes the database holds
}

func (e *NoActivitiesError) Error() string {
	return fmt.Sprintf("no activities for athlete %q in %s", e.Athlete, e.DB)
}

// Hint says how to import the athlete's files.
func (e *NoActivitiesError) Hint() string {
	return fmt.Sprintf("athletes in this database: %s; import with: taper import --athlete %s FILE...", strings.Join(e.Known, ", "), e.Athlete)
}

// APIHint says how to import the athlete's files.
func (e *NoActivitiesError) APIHint() string {
	return fmt.Sprintf("athletes in this database: %s; import files with POST /api/athletes/%s/imports (or the Import page)", strings.Join(e.Known, ", "), e.Athlete)
}

// NoFilesError: the inputs of an import hold no file at all.
type NoFilesError struct {
	Inputs  []string
	Skipped map[string]int // files found that are no activity, by kind
}

func (e *NoFilesError) Error() string {
	if len(e.Skipped) > 0 {
		n := 0
		var kinds []string
		for k, c := range e.Skipped {
			n += c
			kinds = append(kinds, fmt.Sprintf("%s %d", k, c))
		}
		sort.Strings(kinds)
		word := "files"
		if n == 1 {
			word = "file"
		}
		return fmt.Sprintf("no activity file found in %s: %d %s skipped (%s); nothing imported", strings.Join(e.Inputs, ", "), n, word, strings.Join(kinds, ", "))
	}
	return "no files found in " + strings.Join(e.Inputs, ", ")
}

// Hint says what an import reads.
func (e *NoFilesError) Hint() string {
	return "give FIT, GPX or TCX files, folders holding them, or a Garmin, Strava or Apple Health export zip"
}

// InterruptedError: the context was cancelled during an import. Analysing
// says whether every file was stored and only the analysis was cut short.
type InterruptedError struct {
	Athlete   string
	Analysing bool
	Err       error // context.Canceled
}

func (e *InterruptedError) Error() string {
	if e.Analysing {
		return "interrupted while analysing: every file is stored; taper reanalyze --athlete " + e.Athlete + " finishes the analysis"
	}
	return "import interrupted: the files stored so far are whole; run the same import again to finish it"
}

func (e *InterruptedError) Unwrap() error { return e.Err }

// requireAthlete refuses an athlete the database does not know.
func requireAthlete(ctx context.Context, db *store.DB, athlete string) error {
	known, err := db.Athletes(ctx)
	if err != nil {
		return err
	}
	if slices.Contains(known, athlete) {
		return nil
	}
	return &UnknownAthleteError{Athlete: athlete, DB: db.Path(), Known: known}
}

// errorText is an error's message with its hint, if any.
func errorText(err error) string {
	if h := HintOf(err); h != "" {
		return err.Error() + " (" + h + ")"
	}
	return err.Error()
}

// BadAthleteNameError: a name for a new athlete that would be confusing in
// a URL, a file path or a terminal.
type BadAthleteNameError struct{ Name string }

func (e *BadAthleteNameError) Error() string { return fmt.Sprintf("bad athlete name %q", e.Name) }

// Hint says what a name may be.
func (e *BadAthleteNameError) Hint() string {
	return "use a short name without slashes or spaces at either end, e.g. alice"
}

// UsageError marks a bad argument (taper exits 2).
func (e *BadAthleteNameError) UsageError() bool { return true }

// CheckAthleteName refuses, as the name of an athlete to create, one that
// is empty or blank, longer than 100 bytes, has a slash, a backslash, a
// control character, or spaces at either end.
func CheckAthleteName(name string) error {
	bad := strings.TrimSpace(name) == "" || len(name) > 100 || strings.ContainsAny(name, `/\`) || strings.TrimSpace(name) != name
	for _, r := range name {
		bad = bad || unicode.IsControl(r)
	}
	if bad {
		return &BadAthleteNameError{Name: name}
	}
	return nil
}
