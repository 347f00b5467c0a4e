package server

import (
	"net/http"
	"strings"
	"testing"
)

// TestPagesSayBuildUp: the dashboard names the phase after the ramp as the
// reports do, "build-up"; the filter still matches the JSON value "open".
func TestPagesSayBuildUp(t *testing.T) {
	s, _ := teamServer(t, Options{})
	const day42 = "2026-11-15" // day 42: week 6, after the ramp
	code, page := get(t, s, "/athletes/ben?as_of="+day42)
	if code != http.StatusOK {
		t.Fatalf("athlete page: %d", code)
	}
	for _, want := range []string{"day 42, build-up", "<td>build-up</td>", ", 2026-11-15, build-up</title>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the athlete page does not say %q", want)
		}
	}
	code, page = get(t, s, "/?as_of="+day42)
	if code != http.StatusOK {
		t.Fatalf("roster: %d", code)
	}
	for _, want := range []string{`<option value="open">build-up</option>`, `data-phase="open"`, `<td data-v="open">build-up</td>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the roster does not say %q", want)
		}
	}
	if strings.Contains(page, ">open<") {
		t.Error(`the roster shows the phase as "open"`)
	}
}
