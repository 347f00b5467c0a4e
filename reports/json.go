package reports

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/taper-run/taper/analysis"
)

// JSON writes one athlete's report as indented JSON (the shape documented
// in issue 5: athlete, as_of, preset, race, baseline, weeks, findings, plus
// added fields).
func JSON(w io.Writer, r *analysis.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return nil
}

// auditJSON is the roster's JSON shape.
type auditJSON struct {
	AsOf     string     `json:"as_of"`
	Athletes []AuditRow `json:"athletes"`
}

// AuditJSON writes the roster as JSON: {"as_of": ..., "athletes": [rows]},
// worst first.
func AuditJSON(w io.Writer, reports []*analysis.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(auditJSON{AsOf: asOf(reports), Athletes: AuditRows(reports)}); err != nil {
		return fmt.Errorf("write json audit: %w", err)
	}
	return nil
}
