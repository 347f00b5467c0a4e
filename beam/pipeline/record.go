package pipeline

import (
	"bytes"
	"encoding/gob"
	"fmt"

	"github.com/taper-run/taper/analysis"
)

// FileTask is one unit of decoding work: a file under an athlete's folder
// (a plain .fit/.gpx, a .gz, or a whole export zip), with its position in
// the athlete's walk order (what taper import would see), so the per-athlete
// stage replays the CLI's order-dependent choices (the first copy of the
// same bytes wins, duplicates across sources).
type FileTask struct {
	Athlete string
	Path    string // local path or a Beam file system URL
	Rank    int    // position in the athlete's walk order
}

// ActivityRecord is what leaves the worker that decoded an activity: its
// header (the activity without samples: totals, laps, workout steps, the
// import's metrics) and its analysis.Summary (what classification reads of
// the samples, reduced, with the heart-rate profile), from which the
// athlete stage classifies it in context exactly as taper import does from
// its stored summaries. The records themselves never leave the worker.
type ActivityRecord struct {
	Athlete  string
	Rank     int // the FileTask's rank
	Seq      int // position of its entry in the file's walk (archive members)
	SHA256   string
	ID       string
	Channels int    // heart rate, cadence, power present (analysis.Channels), for duplicates
	Header   []byte // gob of the analysis.Activity without samples
	Summary  []byte // analysis.Summary, binary
}

// FileOutcome is what happened to one entry (file or archive member): the
// athlete stage keeps the first entry with given bytes, as taper import
// does, and reports the rejected ones.
type FileOutcome struct {
	Athlete string
	Rank    int
	Seq     int
	Path    string // as taper import names it (archive members: outer.zip!inner.fit)
	SHA256  string // "" when unreadable
	Status  string // imported, skipped, rejected, duplicate_file
	Reason  string
}

// Rejection is one line of OUT/rejected.jsonl.
type Rejection struct {
	Athlete string `json:"athlete"`
	Path    string `json:"path"`
	Reason  string `json:"reason"`
}

// newRecord packs a decoded activity (samples already summarised).
func newRecord(t FileTask, seq int, sha string, a *analysis.Activity, channels int, sum *analysis.Summary) (ActivityRecord, error) {
	r := ActivityRecord{Athlete: t.Athlete, Rank: t.Rank, Seq: seq, SHA256: sha, ID: a.ID, Channels: channels}
	h := *a
	h.Samples = nil
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&h); err != nil {
		return r, fmt.Errorf("%s: encode activity %s: %w", a.Source, a.ID, err)
	}
	r.Header = buf.Bytes()
	var err error
	if r.Summary, err = sum.MarshalBinary(); err != nil {
		return r, fmt.Errorf("%s: encode summary of %s: %w", a.Source, a.ID, err)
	}
	return r, nil
}

// activity unpacks the header.
func (r ActivityRecord) activity() (*analysis.Activity, error) {
	a := &analysis.Activity{}
	if err := gob.NewDecoder(bytes.NewReader(r.Header)).Decode(a); err != nil {
		return nil, fmt.Errorf("decode activity %s of %s: %w", r.ID, r.Athlete, err)
	}
	return a, nil
}

// before orders records as taper import meets them.
func (r ActivityRecord) before(o ActivityRecord) bool {
	if r.Rank != o.Rank {
		return r.Rank < o.Rank
	}
	return r.Seq < o.Seq
}
