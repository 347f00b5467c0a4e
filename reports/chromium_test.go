package reports

import (
	"bytes"
	"context"
	"flag"
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
func browse(t *testing.T, bin, file string) (dom, log string, shot []byte) {
	t.Helper()
	dir := t.TempDir()
	run := func(extra ...string) (string, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--disable-extensions", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
			"--user-data-dir=" + filepath.Join(dir, "profile"), "--window-size=1200,2400"}, extra...)
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

// TestHTMLInChromium renders the HTML reports in headless Chromium and
// checks that they load without console errors (the page's Content Security
// Policy turns any attempt to load a script, font or remote resource into
// one) and that the charts are in the DOM and actually painted.
func TestHTMLInChromium(t *testing.T) {
	bin := chromium()
	if bin == "" {
		t.Skip("chromium is not installed: install it with `apt-get install -y chromium` (Debian) to run the browser test")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	cases := []struct {
		Name     string
		Render   func(*bytes.Buffer) error
		Volume   int // charts expected
		Timeline int
	}{
		{"alice", func(b *bytes.Buffer) error { return HTML(b, fixture(t)) }, 1, 1},
		{"audit", func(b *bytes.Buffer) error { return AuditHTML(b, roster(t)) }, 3, 3},
	}
	console := regexp.MustCompile(`(?m)^.*:CONSOLE[:(].*$`)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			page := filepath.Join(t.TempDir(), c.Name+".html")
			if err := os.WriteFile(page, render(t, c.Render), 0o644); err != nil {
				t.Fatal(err)
			}
			dom, log, shot := browse(t, bin, page)
			if *screenshots != "" {
				if err := os.WriteFile(filepath.Join(*screenshots, c.Name+".png"), shot, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if msgs := console.FindAllString(log, -1); len(msgs) > 0 {
				t.Errorf("console messages while loading %s:\n%s", c.Name, strings.Join(msgs, "\n"))
			}
			if n := strings.Count(dom, `<svg class="chart volume"`); n != c.Volume {
				t.Errorf("%d volume charts in the DOM, want %d", n, c.Volume)
			}
			if n := strings.Count(dom, `<svg class="chart timeline"`); n != c.Timeline {
				t.Errorf("%d timeline charts in the DOM, want %d", n, c.Timeline)
			}
			// Painted: the screenshot holds the breach red of the week bars
			// and the interval orange of the timeline.
			img, err := png.Decode(bytes.NewReader(shot))
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]uint32{"breach red": 0xd62728, "interval orange": 0xf28e2b, "rest-phase blue": 0xdcebf7}
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
				if count[name] < 300 {
					t.Errorf("only %d pixels of %s in the screenshot: the charts were not painted", count[name], name)
				}
			}
		})
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
