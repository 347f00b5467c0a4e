package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// progress draws a one-line progress bar on a terminal: files, MB, rate.
// It draws nothing with --quiet or when stderr is not a terminal (cron, pipes).
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	on      bool
	start   time.Time
	last    time.Time
	files   int64
	bytes   int64
	printed bool
}

func newProgress(w io.Writer, mode string, quiet bool) *progress {
	p := &progress{w: w, start: time.Now()}
	switch {
	case quiet || mode == "never":
	case mode == "always":
		p.on = true
	default:
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			p.on = true
		}
	}
	return p
}

func (p *progress) update(files, bytes int64) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.files, p.bytes = files, bytes
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	p.draw(now)
}

func (p *progress) draw(now time.Time) {
	el := now.Sub(p.start).Seconds()
	rate, mbps := 0.0, 0.0
	if el > 0 {
		rate = float64(p.files) / el
		mbps = float64(p.bytes) / 1e6 / el
	}
	fmt.Fprintf(p.w, "\rimporting: %d files  %.1f MB  %.0f files/s  %.1f MB/s  %s elapsed   ",
		p.files, float64(p.bytes)/1e6, rate, mbps, time.Duration(el*float64(time.Second)).Round(time.Second))
	p.printed = true
}

func (p *progress) done() {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw(time.Now())
	if p.printed {
		fmt.Fprintln(p.w)
	}
}
