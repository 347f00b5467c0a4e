package reports

import (
	"fmt"
	"sort"
	"strings"
)

// formatNames word the activity formats (of an import summary).
var formatNames = map[string]string{
	"fit": "FIT", "gpx": "GPX", "tcx": "TCX", "apple-health": "Apple Health",
	"csv": "Strava entries without a file", "json": "Garmin summaries without a file",
}

// FormatCounts is "FIT 80, TCX 12, Strava entries without a file 3": the
// activities decoded by format, most first.
func FormatCounts(by map[string]int) string {
	return Counts(by, func(k string) string {
		if name := formatNames[k]; name != "" {
			return name
		}
		return k
	})
}

// Counts is "monitoring 200, settings 3": the counts by key, most first
// (ties by key), each key worded by name (nil: as it is).
func Counts(by map[string]int, name func(string) string) string {
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		if by[keys[a]] != by[keys[b]] {
			return by[keys[a]] > by[keys[b]]
		}
		return keys[a] < keys[b]
	})
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		w := k
		if name != nil {
			w = name(k)
		}
		parts = append(parts, fmt.Sprintf("%s %d", w, by[k]))
	}
	return strings.Join(parts, ", ")
}
