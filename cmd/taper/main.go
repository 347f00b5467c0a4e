// Command taper turns watch exports into a post-marathon recovery audit.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	limitMemory()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// limitMemory sets a soft heap limit (unless GOMEMLIMIT is set) so the
// garbage collector works harder before an import's heap grows: together
// with DuckDB's own bounded buffer pool it keeps a whole import's peak
// memory flat, whatever the size of the export.
func limitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(128 << 20)
	}
}
