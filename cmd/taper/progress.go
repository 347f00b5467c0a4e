package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/taper-run/taper"
)

// progress draws a one-line progress bar on a terminal: files, MB, rate.
// It draws nothing with --quiet or when stderr is not a terminal (cron, pipes).
type progress struct {
	w       io.Writer
	on      bool
	start   time.Time
	last    time.Time
	files   int64
	bytes   int64
	total   int64  // files in the inputs, once counted; 0 = not known (yet)
	reading string // a big file being read as a stream, with its bytes read so far
	readMB  float64
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

// update takes the import's progress; it redraws at most every 200 ms, and
// a last time when the import has read every file.
func (p *progress) update(ip taper.ImportProgress) {
	if !p.on {
		return
	}
	if ip.Done {
		p.done(ip)
		return
	}
	p.files, p.bytes, p.total = ip.Files, ip.Bytes, ip.Total
	p.reading, p.readMB = filepath.Base(strings.ReplaceAll(ip.Reading, "!", "/")), float64(ip.ReadingBytes)/1e6
	if ip.Reading == "" {
		p.reading = ""
	}
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
	files := fmt.Sprintf("%d files", p.files)
	eta := ""
	if p.total > 0 {
		files = fmt.Sprintf("%d/%d files (%.0f%%)", p.files, p.total, 100*float64(p.files)/float64(p.total))
		if rate > 0 && p.files < p.total {
			eta = fmt.Sprintf("  ETA %s", (time.Duration(float64(p.total-p.files)/rate) * time.Second).Round(time.Second))
		}
	}
	if p.reading != "" {
		eta = fmt.Sprintf("  reading %s: %.0f MB", p.reading, p.readMB)
	}
	fmt.Fprintf(p.w, "\rimporting: %s  %.1f MB  %.0f files/s  %.1f MB/s  %s elapsed%s   ",
		files, float64(p.bytes)/1e6, rate, mbps, time.Duration(el*float64(time.Second)).Round(time.Second), eta)
	p.printed = true
}

func (p *progress) done(ip taper.ImportProgress) {
	p.files, p.bytes, p.total = ip.Files, ip.Bytes, ip.Total
	p.draw(time.Now())
	if p.printed {
		fmt.Fprintln(p.w)
	}
}
