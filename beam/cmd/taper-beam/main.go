// Command taper-beam runs taper's roster audit as an Apache Beam pipeline:
//
//	taper-beam --runner=prism --input ROOT --output OUT --as-of 2026-12-01 [--config taper.toml] [beam flags]
//
// ROOT (a folder or a Beam file system URL) holds one folder per athlete
// with whatever taper import accepts. OUT gets audit.json (the shape of
// taper audit --format json), reports/<athlete>.json (taper report --format
// json), rejected.jsonl, and hive-partitioned Parquet under activities/ and
// findings/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/taper-run/taper/beam/pipeline"
)

var (
	input      = flag.String("input", "", "folder or Beam file system URL holding one folder per athlete (required)")
	output     = flag.String("output", "", "folder or Beam file system URL for audit.json, reports/, rejected.jsonl and the Parquet (required)")
	asOf       = flag.String("as-of", "", "report date, YYYY-MM-DD (default: each athlete's today)")
	configPath = flag.String("config", "", "settings file (taper.toml: [default] and [athlete.NAME] sections)")
)

func main() {
	flag.Parse()
	beam.Init() // a worker started by a runner does not return from here
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "taper-beam:", err)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ error }

func run(ctx context.Context) error {
	if *input == "" || *output == "" {
		return usageError{errors.New("give --input ROOT (one folder per athlete) and --output OUT")}
	}
	if *asOf != "" {
		if _, err := time.Parse(time.DateOnly, *asOf); err != nil {
			return usageError{fmt.Errorf("bad --as-of %q: use YYYY-MM-DD", *asOf)}
		}
	}
	athletes, err := pipeline.ListAthletes(ctx, *input)
	if err != nil {
		return err
	}
	if *configPath != "" {
		if _, err := os.Stat(*configPath); err != nil {
			return usageError{fmt.Errorf("--config %s: no such file", *configPath)}
		}
	}
	settings, err := pipeline.LoadSettings(*configPath)
	if err != nil {
		return err
	}
	p, s := beam.NewPipelineWithRoot()
	pipeline.Build(s, pipeline.Options{Athletes: athletes, Output: *output, AsOf: *asOf, Settings: settings, Now: time.Now().Unix()})
	start := time.Now()
	if err := beamx.Run(ctx, p); err != nil {
		return fmt.Errorf("pipeline failed: %w", err)
	}
	fmt.Fprintf(os.Stderr, "taper-beam: %d athletes audited in %s; see %s/audit.json\n", len(athletes), time.Since(start).Round(time.Millisecond), *output)
	return nil
}
