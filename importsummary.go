package taper

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/taper-run/taper/reports"
	"github.com/taper-run/taper/store"
)

// WriteSummary writes what an import into database db (nothing stored
// when dryRun) did for athlete, taking took: taper import's report.
func (s *ImportResult) WriteSummary(w io.Writer, db, athlete string, dryRun bool, took time.Duration) {
	sum := s.Summary
	status := s.Statuses()
	if dryRun {
		fmt.Fprintf(w, "Dry run (nothing stored) for athlete %q: %s (%.1f MB) decoded in %s\n",
			athlete, reports.Plural(int(s.Files), "file", "files"), float64(s.Bytes)/1e6, took.Round(10*time.Millisecond))
		fmt.Fprintf(w, "  activity files       %6d %s, %s\n", s.ByStatus[store.StatusImported], filesWord(s.ByStatus[store.StatusImported]), reports.Plural(s.Activities, "activity", "activities"))
	} else {
		fmt.Fprintf(w, "Imported into %s for athlete %q: %s (%.1f MB) in %s\n",
			db, athlete, reports.Plural(int(s.Files), "file", "files"), float64(s.Bytes)/1e6, took.Round(10*time.Millisecond))
		fmt.Fprintf(w, "  imported             %6d %s with %s\n", status[store.StatusImported], filesWord(status[store.StatusImported]), reports.Plural(s.Activities-len(sum.Merged), "new activity", "new activities"))
	}
	if line := reports.FormatCounts(s.ByFormat); line != "" {
		fmt.Fprintf(w, "      by format: %s\n", line)
	}
	fmt.Fprintf(w, "  already imported     %6d %s (same bytes seen before; not decoded again)\n", s.ByStatus[store.StatusDuplicateFile], filesWord(s.ByStatus[store.StatusDuplicateFile]))
	if !dryRun {
		fmt.Fprintf(w, "  duplicate activities %6d (same run from another source; kept one primary)\n", len(sum.Merged))
		if s.Replaced > 0 {
			verb := "duplicate"
			if s.Replaced == 1 {
				verb = "duplicates"
			}
			fmt.Fprintf(w, "      %s stored before now %s a better recording from these files (not counted as new)\n",
				reports.Plural(s.Replaced, "activity", "activities"), verb)
		}
		for _, m := range sum.Merged[:min(len(sum.Merged), 10)] {
			fmt.Fprintf(w, "      %s\n", m.String())
		}
		if len(sum.Merged) > 10 {
			fmt.Fprintf(w, "      ... and %d more: taper sql --db %s \"SELECT id, source, duplicate_of FROM activities WHERE duplicate_of IS NOT NULL\"\n", len(sum.Merged)-10, db)
		}
	}
	fmt.Fprintf(w, "  skipped              %6d", s.ByStatus[store.StatusSkipped])
	if len(s.SkippedByKind) > 0 {
		fmt.Fprintf(w, " (%s)", reports.Counts(s.SkippedByKind, nil))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  partial              %6d\n", len(s.Partial))
	for _, p := range firstN(s.Partial, 10) {
		fmt.Fprintf(w, "      %s\n", p)
	}
	if len(s.Flagged) > 0 {
		fmt.Fprintf(w, "  flagged dates        %6d (before 2000 or in the future: was the watch's clock set?)\n", len(s.Flagged))
		for _, f := range firstN(s.Flagged, 10) {
			fmt.Fprintf(w, "      %s\n", f)
		}
		if len(s.Flagged) > 10 && !dryRun {
			fmt.Fprintf(w, "      ... and %d more: taper activities --db %s --athlete %s --format csv (column flags)\n", len(s.Flagged)-10, db, athlete)
		}
	}
	for _, owner := range slices.Sorted(maps.Keys(s.OthersFiles)) {
		fmt.Fprintf(w, "  warning: %d of these files were imported for athlete %s before: is --athlete %s right?\n"+
			"      if not: taper forget --db %s --athlete %s --yes, then import that athlete's own files again\n",
			s.OthersFiles[owner], owner, athlete, db, athlete)
	}
	fmt.Fprintf(w, "  rejected             %6d\n", len(s.Rejected))
	for _, r := range firstN(s.Rejected, 10) {
		fmt.Fprintf(w, "      %s\n", r)
	}
	switch {
	case dryRun:
	case len(s.Rejected) > 10:
		fmt.Fprintf(w, "      ... and %d more: taper imports --db %s --rejected\n", len(s.Rejected)-10, db)
	case len(s.Rejected) > 0:
		fmt.Fprintf(w, "  list them again with: taper imports --db %s --rejected\n", db)
	}
	if s.Resumed {
		fmt.Fprintf(w, "  the previous import stopped before its analysis was done: every activity analysed again\n")
	}
	if s.SettingsChanged != "" {
		fmt.Fprintf(w, "  settings changed since the last analysis (%s): every activity analysed again\n", s.SettingsChanged)
	}
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// filesWord is "file" for 1, else "files".
func filesWord(n int) string {
	if n == 1 {
		return "file"
	}
	return "files"
}
