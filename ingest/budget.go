package ingest

import (
	"context"
	"strings"
	"sync"
)

// Memory bound of an import. An import holds, at any moment, the entries
// read but not yet decoded, and the decoded activities not yet stored. A
// Budget bounds their total: the walker's callback acquires an entry's
// EntryCost before handing it on, and the pipeline releases it once the
// entry's activities are stored (or the entry dropped). With the entry
// being read (at most DefaultMaxEntryBytes, a GPX at most
// DefaultMaxGPXBytes) and a nested zip buffer (at most
// DefaultNestedBufferBytes), this bounds what the files can make an import
// hold, whatever their number and size.
const (
	// DefaultBudgetBytes is the default Budget of an import: entries and
	// their decoded activities in flight.
	DefaultBudgetBytes = 64 << 20
	// fitCostFactor: decoding a FIT file holds about this times its size
	// (the file, the decoder's messages, 80-byte samples for records of
	// about 25 bytes).
	fitCostFactor = 5
	// gpxCostFactor: the GPX decoder streams the document; it holds the
	// file and its samples (88 bytes per point, 0.3 to 0.6 times the file's
	// size; see DefaultMaxGPXBytes).
	gpxCostFactor = 2
	// tcxCostFactor: the TCX decoder streams the document; it holds the
	// file and its samples (about a fifth of the file's size).
	tcxCostFactor = 2
	// sampleCost is the memory of one decoded sample (analysis.Sample and
	// slice overhead), for entries decoded while walking (Apple Health).
	sampleCost = 100
)

// EntryCost is the memory (bytes) an entry may take from when it is read
// until its activities are stored: its data and what decoding it holds.
func EntryCost(e Entry) int64 {
	n := int64(len(e.Data))
	switch {
	case e.Health != nil:
		return n + e.Health.samples()*sampleCost
	case e.Skipped || e.Err != nil || e.HeadOnly:
		return n
	case Sniff(e.Path, e.Data[:min(len(e.Data), 512)]) == FormatTCX:
		return n * tcxCostFactor
	case isGPXName(e.Path) || (len(e.Data) > 0 && e.Data[0] == '<'):
		return n * gpxCostFactor
	case strings.HasSuffix(strings.ToLower(e.Path), ".fit") || isFIT(e.Data):
		return n * fitCostFactor
	}
	return n
}

// Budget is a byte budget shared by the stages of a pipeline: Acquire
// blocks while the bytes held would exceed the capacity. A request larger
// than the whole capacity is granted once nothing else is held, so a big
// entry goes through alone instead of never. Safe for concurrent use.
type Budget struct {
	mu       sync.Mutex
	capacity int64
	used     int64
	wake     chan struct{} // closed (and replaced) at each Release
}

// NewBudget returns a Budget of capacity bytes (DefaultBudgetBytes when
// capacity <= 0).
func NewBudget(capacity int64) *Budget {
	if capacity <= 0 {
		capacity = DefaultBudgetBytes
	}
	return &Budget{capacity: capacity, wake: make(chan struct{})}
}

// Acquire takes n bytes of the budget, waiting for releases when needed;
// it returns ctx's error if ctx ends first.
func (b *Budget) Acquire(ctx context.Context, n int64) error {
	for {
		b.mu.Lock()
		if b.used == 0 || b.used+n <= b.capacity {
			b.used += n
			b.mu.Unlock()
			return nil
		}
		wake := b.wake
		b.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Release gives back n bytes taken by Acquire.
func (b *Budget) Release(n int64) {
	b.mu.Lock()
	b.used -= n
	close(b.wake)
	b.wake = make(chan struct{})
	b.mu.Unlock()
}

// Held returns the bytes currently held.
func (b *Budget) Held() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}
