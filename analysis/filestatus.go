package analysis

// File statuses: what an import made of a source file. They are the one
// definition of these words: the decoder (package ingest) decides
// imported, skipped or rejected; the store decides the duplicates and
// records the final status (taper imports --status lists them).
const (
	FileImported          = "imported"           // at least one activity is a primary
	FileDuplicateFile     = "duplicate_file"     // the same bytes were already imported
	FileDuplicateActivity = "duplicate_activity" // every activity is a duplicate of another source's
	FileSkipped           = "skipped"            // not an activity file, or a format taper does not read
	FileRejected          = "rejected"           // an activity file that gave nothing usable
)

// FileStatuses returns every file status, in the order taper imports
// documents them.
func FileStatuses() []string {
	return []string{FileImported, FileDuplicateFile, FileDuplicateActivity, FileSkipped, FileRejected}
}
