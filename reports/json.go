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
	// AsOf is the report date when every athlete's is the same, else null
	// (each athlete's today is then its row's as_of; AsOfFrom and AsOfTo
	// give the range).
	AsOf     *string    `json:"as_of"`
	AsOfFrom string     `json:"as_of_from,omitempty"`
	AsOfTo   string     `json:"as_of_to,omitempty"`
	Athletes []AuditRow `json:"athletes"`
}

// AuditJSON writes the roster as JSON: {"as_of": ..., "athletes": [rows]},
// worst first.
func AuditJSON(w io.Writer, reports []*analysis.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	v := auditJSON{Athletes: AuditRows(reports)}
	v.AsOfFrom, v.AsOfTo = asOfRange(reports)
	if v.AsOfFrom == v.AsOfTo && v.AsOfFrom != "" {
		v.AsOf = &v.AsOfFrom
	}
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json audit: %w", err)
	}
	return nil
}
