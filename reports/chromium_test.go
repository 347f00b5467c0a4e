package reports

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"html/template"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var screenshots = flag.String("screenshots", "", "keep the Chromium screenshots of the HTML reports in this folder")

// chromium returns the path of a Chromium (or Chrome) binary, or "".
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browse loads file in headless Chromium and returns the DOM after load,
// the browser's log (stderr) and the screenshot PNG.
func browse(t *testing.T, bin, file string, width int) (dom, log string, shot []byte) {
	t.Helper()
	dir := t.TempDir()
	run := func(extra ...string) (string, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--disable-extensions", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
			"--user-data-dir=" + filepath.Join(dir, "profile"), fmt.Sprintf("--window-size=%d,2400", width)}, extra...)
		args = append(args, "file://"+file)
		var out, errb bytes.Buffer
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("chromium %s: %v\n%s", strings.Join(extra, " "), err, errb.String())
		}
		return out.String(), errb.String()
	}
	dom, log1 := run("--dump-dom")
	png := filepath.Join(dir, "shot.png")
	_, log2 := run("--screenshot=" + png)
	shot, err := os.ReadFile(png)
	if err != nil {
		t.Fatalf("chromium wrote no screenshot: %v\n%s", err, log2)
	}
	return dom, log1 + log2, shot
}

// TestHTMLInChromium renders the HTML reports in headless Chromium at a
// phone's width (360 px) and a desktop's (1280 px) and checks that they load
// without console errors (the page's Content Security Policy turns any
// attempt to load a script, font or remote resource into one), that the
// charts are in the DOM with a tooltip per bar and day, that they are
// painted at both widths, and that nothing is wider than the window. The
// screenshots are kept in $TAPER_SCREENSHOTS (or -screenshots), else in a
// temporary folder whose path is logged: look at them.
func TestHTMLInChromium(t *testing.T) {
	bin := chromium()
	if bin == "" {
		t.Skip("chromium is not installed: install it with `apt-get install -y chromium` (Debian) to run the browser test")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	keep := *screenshots
	if keep == "" {
		keep = os.Getenv("TAPER_SCREENSHOTS")
	}
	if keep == "" {
		keep = t.TempDir()
	}
	cases := []struct {
		Name     string
		Render   func(*bytes.Buffer) error
		Volume   int // charts expected
		Timeline int
		Tips     []string // tooltip text expected
	}{
		{"alice", func(b *bytes.Buffer) error { return HTML(b, fixture(t)) }, 2, 2,
			[]string{"week 6, 2026-11-09 to 2026-11-15: 50.0 km of running in 4 runs", "day 42, 2026-11-15 (week 6, build-up)\n08:00 long: 22.00 km in 2:05:00; long (duration)"}},
		{"audit", func(b *bytes.Buffer) error { return AuditHTML(b, roster(t)) }, 3, 3,
			[]string{"week 3, 2026-10-19 to 2026-10-25: 20.4 km of running in 4 runs; cap 20.0 km; warning"}},
	}
	console := regexp.MustCompile(`(?m)^.*:CONSOLE[:(].*$`)
	for _, c := range cases {
		page := filepath.Join(t.TempDir(), c.Name+".html")
		html := render(t, c.Render)
		if err := os.WriteFile(page, html, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, tip := range c.Tips {
			if !strings.Contains(string(html), template.HTMLEscapeString(strings.ReplaceAll(tip, "\\n", "\n"))) {
				t.Errorf("%s: no tooltip %q", c.Name, tip)
			}
		}
		for _, width := range []int{360, 1280} {
			t.Run(fmt.Sprintf("%s-%dpx", c.Name, width), func(t *testing.T) {
				dom, log, shot := browse(t, bin, page, width)
				file := filepath.Join(keep, fmt.Sprintf("%s-%dpx.png", c.Name, width))
				if err := os.WriteFile(file, shot, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("screenshot: %s", file)
				if msgs := console.FindAllString(log, -1); len(msgs) > 0 {
					t.Errorf("console messages while loading %s:\n%s", c.Name, strings.Join(msgs, "\n"))
				}
				if n := strings.Count(dom, `<svg class="chart volume"`); n != c.Volume {
					t.Errorf("%d volume charts in the DOM, want %d", n, c.Volume)
				}
				if n := strings.Count(dom, `<svg class="chart timeline"`); n != c.Timeline {
					t.Errorf("%d timeline charts in the DOM, want %d", n, c.Timeline)
				}
				// Painted: the screenshot holds the breach red of the week
				// bars, the interval purple and the rest-phase blue of the
				// timeline.
				img, err := png.Decode(bytes.NewReader(shot))
				if err != nil {
					t.Fatal(err)
				}
				if b := img.Bounds(); b.Dx() != width {
					t.Errorf("screenshot %d px wide, want %d", b.Dx(), width)
				}
				want := map[string]uint32{"breach red": 0xd62728, "interval purple": 0x8e44ad, "rest-phase blue": 0xdcebf7}
				count := map[string]int{}
				b := img.Bounds()
				for y := b.Min.Y; y < b.Max.Y; y++ {
					for x := b.Min.X; x < b.Max.X; x++ {
						r, g, bb, _ := img.At(x, y).RGBA()
						for name, hex := range want {
							if near(r>>8, hex>>16&0xff) && near(g>>8, hex>>8&0xff) && near(bb>>8, hex&0xff) {
								count[name]++
							}
						}
					}
				}
				for name := range want {
					if count[name] < 100 {
						t.Errorf("only %d pixels of %s in the screenshot: the charts were not painted", count[name], name)
					}
				}
			})
		}
	}
}

func near(a, b uint32) bool { return a+6 >= b && b+6 >= a }

// TestHTMLSelfContained checks the page needs nothing from outside: no
// scripts, no links, no remote URLs, and a policy that forbids them.
func TestHTMLSelfContained(t *testing.T) {
	for name, page := range map[string][]byte{
		"report": render(t, func(b *bytes.Buffer) error { return HTML(b, fixture(t)) }),
		"audit":  render(t, func(b *bytes.Buffer) error { return AuditHTML(b, roster(t)) }),
	} {
		s := string(page)
		for _, bad := range []string{"<script", "<link", "@import", "url(", "src=\"http", "href=\"http", "@font-face"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s html contains %q", name, bad)
			}
		}
		if !strings.Contains(s, `content="default-src 'none'`) {
			t.Errorf("%s html has no content security policy", name)
		}
	}
}
