// Package pipeline is taper's roster audit as an Apache Beam pipeline: the
// same decoding (ingest) and analysis as taper import and taper audit, run
// on any Beam runner (Prism on one machine; Flink, Spark, Dataflow on a
// cluster).
//
// Stages:
//  1. list the athlete folders (at construction), then each folder's files
//     in taper import's walk order (workers);
//  2. decode and analyse each file on a worker: records stay there, one
//     ActivityRecord per activity and a FileOutcome per entry leave it;
//  3. per athlete: first copy of given bytes, duplicates across sources,
//     the context (races, observed HRmax) and which activities it changes;
//  4. those go back to a worker that reads their file again and analyses
//     them in context;
//  5. per athlete: race, baseline, weeks, findings; reports/<athlete>.json
//     and the Parquet partitions;
//  6. audit.json and rejected.jsonl from every athlete's results.
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
	register.DoFn8x1[context.Context, string, func(*string) bool, func(*ActivityRecord) bool, func(*FileOutcome) bool,
		func(string, ActivityRecord), func(string, RedoItem), func(Rejection), error](&athleteFn{})
	register.DoFn4x1[context.Context, string, func(*RedoItem) bool, func(string, ActivityRecord), error](&redoFn{})
	register.DoFn5x1[context.Context, string, func(*string) bool, func(*ActivityRecord) bool, func([]byte), error](&reportFn{})
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
	register.Emitter2[string, RedoItem]()
	register.Iter1[string]()
	register.Iter1[ActivityRecord]()
	register.Iter1[FileOutcome]()
	register.Iter1[RedoItem]()
	register.Iter1[[]byte]()
	register.Iter1[Rejection]()
	for _, t := range []any{AthleteDir{}, FileTask{}, ActivityRecord{}, MetricsRecord{}, FileOutcome{}, Rejection{}, RedoItem{}} {
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
	final, redo, rejected := beam.ParDo3(s.Scope("context"), &athleteFn{Settings: o.Settings, Now: o.Now}, perAthlete)
	redone := beam.ParDo(s.Scope("reanalyse"), &redoFn{Settings: o.Settings, Now: o.Now}, beam.GroupByKey(s, redo))

	all := beam.Flatten(s, final, redone)
	slim := beam.ParDo(s.Scope("report"), &reportFn{Settings: o.Settings, Output: o.Output, AsOf: o.AsOf, Now: o.Now},
		beam.CoGroupByKey(s, keys, all))

	beam.ParDo0(s.Scope("audit"), &writeAuditFn{Output: o.Output}, beam.GroupByKey(s, beam.ParDo(s, reportKey, slim)))
	// A sentinel (empty athlete) makes rejected.jsonl exist when nothing was rejected.
	rejected = beam.Flatten(s, rejected, beam.Create(s, Rejection{}))
	beam.ParDo0(s.Scope("rejected"), &writeRejectedFn{Output: o.Output}, beam.GroupByKey(s, beam.ParDo(s, rejectionKey, rejected)))
}
