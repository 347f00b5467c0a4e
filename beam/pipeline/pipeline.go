// Package pipeline is taper's roster audit as an Apache Beam pipeline: the
// same decoding (ingest) and analysis as taper import and taper audit, run
// on any Beam runner (Prism on one machine; Flink, Spark, Dataflow on a
// cluster).
//
// Stages:
//  1. list the athlete folders (at construction), then each folder's files
//     in taper import's walk order (workers);
//  2. decode each file on a worker, round it to the store's precision,
//     summarise and analyse each activity: records stay there; one
//     ActivityRecord (header and analysis.Summary) per activity and a
//     FileOutcome per entry leave it;
//  3. per athlete: the first copy of given bytes, duplicates across
//     sources, each activity's analysis in the athlete's context (the race
//     each run leads up to, the HRmax observed up to it) from its summary,
//     then the race, baseline, weeks and findings (package history, as the
//     CLI); reports/<athlete>.json and the Parquet partitions;
//  4. audit.json and rejected.jsonl from every athlete's results.
package pipeline

import (
	"context"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

func init() {
	register.DoFn3x1[context.Context, AthleteDir, func(FileTask), error](&listFilesFn{})
	register.DoFn4x1[context.Context, FileTask, func(string, ActivityRecord), func(string, FileOutcome), error](&decodeFn{})
	register.DoFn7x1[context.Context, string, func(*string) bool, func(*ActivityRecord) bool, func(*FileOutcome) bool,
		func([]byte), func(Rejection), error](&athleteFn{})
	register.DoFn3x1[context.Context, int, func(*[]byte) bool, error](&writeAuditFn{})
	register.DoFn3x1[context.Context, int, func(*Rejection) bool, error](&writeRejectedFn{})
	register.Function1x2(athleteKey)
	register.Function1x2(reportKey)
	register.Function1x2(rejectionKey)
	register.Emitter1[FileTask]()
	register.Emitter1[Rejection]()
	register.Emitter1[[]byte]()
	register.Emitter2[string, ActivityRecord]()
	register.Emitter2[string, FileOutcome]()
	register.Iter1[string]()
	register.Iter1[ActivityRecord]()
	register.Iter1[FileOutcome]()
	register.Iter1[[]byte]()
	register.Iter1[Rejection]()
	for _, t := range []any{AthleteDir{}, FileTask{}, ActivityRecord{}, FileOutcome{}, Rejection{}} {
		beam.RegisterType(reflect.TypeOf(t))
	}
}

// Options are the pipeline's inputs.
type Options struct {
	Athletes []AthleteDir // from ListAthletes
	Output   string       // folder or Beam file system URL
	AsOf     string       // YYYY-MM-DD; "" = each athlete's today
	Settings SettingsTable
	Now      int64 // Unix seconds: the run's "now", the same on every worker
}

func athleteKey(d AthleteDir) (string, string) { return d.Athlete, d.Dir }

// reportKey and rejectionKey put every element under one key, to be
// written as one file (Beam names functions, so no generic one).
func reportKey(b []byte) (int, []byte)          { return 0, b }
func rejectionKey(r Rejection) (int, Rejection) { return 0, r }

// Build adds the roster audit to s.
func Build(s beam.Scope, o Options) {
	s = s.Scope("taper")
	athletes := beam.CreateList(s, o.Athletes)
	keys := beam.ParDo(s, athleteKey, athletes)

	files := beam.ParDo(s.Scope("list"), &listFilesFn{}, athletes)
	files = beam.Reshuffle(s, files) // spread one athlete's files over the workers
	recs, outcomes := beam.ParDo2(s.Scope("decode"), &decodeFn{Settings: o.Settings, Now: o.Now}, files)

	perAthlete := beam.CoGroupByKey(s, keys, recs, outcomes)
	slim, rejected := beam.ParDo2(s.Scope("athlete"), &athleteFn{Settings: o.Settings, Output: o.Output, AsOf: o.AsOf, Now: o.Now}, perAthlete)

	beam.ParDo0(s.Scope("audit"), &writeAuditFn{Output: o.Output}, beam.GroupByKey(s, beam.ParDo(s, reportKey, slim)))
	// A sentinel (empty athlete) makes rejected.jsonl exist when nothing was rejected.
	rejected = beam.Flatten(s, rejected, beam.Create(s, Rejection{}))
	beam.ParDo0(s.Scope("rejected"), &writeRejectedFn{Output: o.Output}, beam.GroupByKey(s, beam.ParDo(s, rejectionKey, rejected)))
}
