package ingest

// FileError is a problem with one input file: the file is named, the cause
// is wrapped, and Hint says what the user can do about it.
type FileError struct {
	Path   string // the file, as the user named it (inside archives: "outer.zip!inner.fit")
	Err    error  // what was wrong
	Advice string // what the user can do; may be empty (see Hint)
}

// Hint says what the user can do about the file; "" when nothing.
func (e *FileError) Hint() string { return e.Advice }

// Error returns "path: what was wrong".
func (e *FileError) Error() string {
	if e.Err == nil {
		return e.Path + ": unknown error"
	}
	return e.Path + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *FileError) Unwrap() error { return e.Err }
