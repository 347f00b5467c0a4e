package ingest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestBudgetBoundsInFlight runs many workers through a Budget and checks
// that what they hold together never exceeds it, that a request bigger
// than the budget goes through alone, and that a cancelled wait returns.
func TestBudgetBoundsInFlight(t *testing.T) {
	b := NewBudget(100)
	var held, peak, alone atomic.Int64
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := int64(10 + i%5*10)
			if i%13 == 0 {
				n = 250 // bigger than the budget
			}
			if err := b.Acquire(context.Background(), n); err != nil {
				t.Error(err)
				return
			}
			h := held.Add(n)
			if n > 100 && h != n {
				alone.Add(1)
			}
			for p := peak.Load(); h > p && !peak.CompareAndSwap(p, h); p = peak.Load() {
			}
			time.Sleep(time.Millisecond)
			held.Add(-n)
			b.Release(n)
		}()
	}
	wg.Wait()
	if p := peak.Load(); p > 250 || p < 100 {
		t.Errorf("peak held = %d, want 100..250 (the budget, or one big request alone)", p)
	}
	if alone.Load() != 0 {
		t.Errorf("%d big requests shared the budget", alone.Load())
	}
	if b.Held() != 0 {
		t.Errorf("held %d after all released", b.Held())
	}
	// A wait that cannot be satisfied ends with its context.
	b.Acquire(context.Background(), 90)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := b.Acquire(ctx, 20); err == nil {
		t.Error("Acquire over the budget returned without a release")
	}
}

func TestEntryCost(t *testing.T) {
	fit := Entry{Path: "a.fit", Data: make([]byte, 1000)}
	gpx := Entry{Path: "a.gpx", Data: []byte("<?xml version='1.0'?><gpx></gpx>")}
	other := Entry{Path: "a.txt", Data: make([]byte, 1000)}
	if EntryCost(fit) != 1000*fitCostFactor || EntryCost(gpx) != int64(len(gpx.Data))*gpxCostFactor || EntryCost(other) != 1000 {
		t.Errorf("costs = %d %d %d", EntryCost(fit), EntryCost(gpx), EntryCost(other))
	}
}
