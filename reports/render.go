package reports

import (
	"io"
	"path/filepath"
	"strings"

	"github.com/taper-run/taper/analysis"
)

// Formats are the formats of Render and RenderAudit.
func Formats() []string { return []string{"text", "markdown", "html", "json", "csv"} }

// Render writes an athlete's report in format (one of Formats; anything
// else is text, with ANSI colour when color is set).
func Render(w io.Writer, format string, r *analysis.Report, color bool) error {
	switch format {
	case "markdown":
		return Markdown(w, r)
	case "html":
		return HTML(w, r)
	case "json":
		return JSON(w, r)
	case "csv":
		return CSV(w, r)
	default:
		return Text(w, r, color)
	}
}

// RenderAudit writes a roster audit in format, as Render does a report.
func RenderAudit(w io.Writer, format string, reps []*analysis.Report, color bool) error {
	switch format {
	case "markdown":
		return AuditMarkdown(w, reps)
	case "html":
		return AuditHTML(w, reps)
	case "json":
		return AuditJSON(w, reps)
	case "csv":
		return AuditCSV(w, reps)
	default:
		return AuditText(w, reps, color)
	}
}

// FormatOfExt maps an output file's extension to a format; "" when the
// extension names none.
func FormatOfExt(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm":
		return "html"
	case ".md", ".markdown":
		return "markdown"
	case ".json":
		return "json"
	case ".csv":
		return "csv"
	case ".txt", ".text":
		return "text"
	}
	return ""
}
