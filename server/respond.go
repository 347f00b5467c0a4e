package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// apiError is an error with the HTTP status it answers with and a line
// telling the user what to do. Every error the server returns is written
// as JSON {"error": ..., "hint": ...} (pages show the same two lines).
type apiError struct {
	Status     int
	Msg        string
	Hint       string
	RetryAfter time.Duration // 503: when to try again
}

func (e *apiError) Error() string { return e.Msg }

// HintText is the hint, for front ends that print errors.
func (e *apiError) HintText() string { return e.Hint }

func badRequest(hint, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

func notFound(hint, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusNotFound, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

func forbidden(hint, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusForbidden, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// errorBody is the JSON shape of every error (a public contract).
type errorBody struct {
	Error string `json:"error"`
	Hint  string `json:"hint"`
}

// hintOf finds what the user can do about err, from whichever layer knows.
func hintOf(err error) string {
	var ht interface{ HintText() string }
	if errors.As(err, &ht) && ht.HintText() != "" {
		return ht.HintText()
	}
	var h interface{ Hint() string }
	if errors.As(err, &h) {
		return h.Hint()
	}
	return ""
}

// asAPIError gives err its status: an *apiError keeps its own, anything
// else is a 500 (logged by the caller).
func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	return &apiError{Status: http.StatusInternalServerError, Msg: err.Error(), Hint: hintOf(err)}
}

// writeError writes err as a JSON error with its status.
func writeError(w http.ResponseWriter, err error) {
	ae := asAPIError(err)
	if ae.Status == http.StatusServiceUnavailable {
		secs := max(1, int(ae.RetryAfter.Round(time.Second)/time.Second))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	writeJSON(w, ae.Status, errorBody{Error: ae.Msg, Hint: ae.Hint})
}

// writeJSON writes v as indented JSON (the CLI's --format json style).
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client went away: nothing left to tell it
}

// decodeJSON reads a small JSON request body into v; unknown fields and
// bodies over 64 KiB are refused.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body := http.MaxBytesReader(w, r.Body, 64<<10)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &apiError{Status: http.StatusRequestEntityTooLarge, Msg: "request body over 64 KiB", Hint: "send a shorter note"}
		}
		return badRequest("send a JSON object, e.g. {\"note\": \"...\"}", "bad JSON body: %v", err)
	}
	return nil
}
