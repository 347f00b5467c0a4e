package main

import (
	"fmt"
	"os"
)

// hintError is an error with a line telling the user what to do.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }
func (e *hintError) Hint() string  { return e.hint }

func statFile(path string) (os.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("database %s does not exist", path)
		}
		return nil, err
	}
	return fi, nil
}
