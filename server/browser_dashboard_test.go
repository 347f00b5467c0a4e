package server

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/synth"
)

// rosterNames are the athletes the roster shows, in its order.
func rosterNames(b *browser) string {
	return eval[string](b, `Array.from(document.querySelectorAll("#roster tbody tr")).filter(r => !r.hidden).map(r => r.dataset.athlete).join(",")`)
}

// hover moves the mouse over the centre of the first element matching sel.
func (b *browser) hover(sel string) {
	b.t.Helper()
	b.do(chromedp.ScrollIntoView(sel))
	xy := eval[[]float64](b, fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return [r.left + r.width/2, r.top + r.height/2]; })()`, sel))
	b.do(chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, xy[0]-20, xy[1]), chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, xy[0], xy[1]))
}

// TestBrowserDashboard drives the dashboard in headless Chromium at a
// phone's width and a desktop's: every page loads without console errors
// (the Content Security Policy turns any inline script or outside resource
// into one), the roster sorts, filters and searches, a chart's tooltip names
// the run and links to it, and (on the desktop) an upload shows its progress
// and lands, the roster picks up an import by itself, and a waiver changes
// the roster and /api/audit. TAPER_SCREENSHOTS=DIR keeps screenshots.
func TestBrowserDashboard(t *testing.T) {
	for _, width := range []int64{360, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			s, _ := teamServer(t, Options{})
			ts := liveServer(t, s)
			b := newBrowser(t, width)
			shot := func(name string) { b.screenshot(fmt.Sprintf("%s-%d", name, width)) }

			// Roster: worst first, then sorted, filtered, searched.
			b.do(chromedp.Navigate(ts.URL + "/"))
			b.waitFor("the roster", `document.querySelectorAll("#roster tbody tr").length === 3`)
			b.noConsoleErrors("roster")
			shot("roster")
			if got := rosterNames(b); got != "ann,cat,ben" {
				t.Errorf("roster order %q, want worst first: ann,cat,ben", got)
			}
			b.do(chromedp.Click(`th[data-key=athlete] button`))
			if got := rosterNames(b); got != "ann,ben,cat" {
				t.Errorf("sorted by name: %q", got)
			}
			b.do(chromedp.Click(`th[data-key=athlete] button`))
			if got := rosterNames(b); got != "cat,ben,ann" {
				t.Errorf("sorted by name, descending: %q", got)
			}
			b.do(chromedp.Click(`th[data-key=breaches] button`))
			if got := rosterNames(b); !strings.HasPrefix(got, "ben,") {
				t.Errorf("sorted by breaches, fewest first: %q", got)
			}
			eval[bool](b, `(() => { const s = document.getElementById("f-status"); s.value = "ok"; s.dispatchEvent(new Event("input", {bubbles: true})); return true; })()`)
			if got := rosterNames(b); got != "ben" {
				t.Errorf("status ok: %q", got)
			}
			if c := eval[string](b, `document.getElementById("count").textContent`); c != "1 of 3 athletes" {
				t.Errorf("count %q", c)
			}
			eval[bool](b, `(() => { const s = document.getElementById("f-status"); s.value = ""; s.dispatchEvent(new Event("input", {bubbles: true})); return true; })()`)
			b.do(chromedp.SendKeys("#q", "CA"))
			if got := rosterNames(b); got != "cat" {
				t.Errorf("search CA: %q", got)
			}

			// Athlete: charts with a tooltip that names the run and links to it.
			b.do(chromedp.Navigate(ts.URL + "/athletes/ann"))
			b.waitFor("the charts", `document.querySelectorAll("svg.timeline a.mark").length > 20 && document.querySelectorAll("svg.volume a.mark").length > 20`)
			b.noConsoleErrors("athlete")
			shot("athlete")
			sel := `svg.timeline a.mark[data-tip*="interval run"]`
			b.hover(sel)
			b.waitFor("the tooltip", `!document.getElementById("tip").hidden`)
			tip := eval[string](b, `document.getElementById("tip").textContent`)
			want := eval[string](b, fmt.Sprintf(`document.querySelector(%q).getAttribute("data-tip")`, sel))
			if tip != want || !strings.Contains(tip, "interval run") || !strings.Contains(tip, " km") || !strings.Contains(tip, "2026-") {
				t.Errorf("tooltip %q, want the run's %q", tip, want)
			}
			shot("tooltip")
			href := eval[string](b, fmt.Sprintf(`document.querySelector(%q).getAttribute("href")`, sel))
			if !strings.HasPrefix(href, "/athletes/ann/activities/") {
				t.Fatalf("the mark links to %q", href)
			}

			if width < 600 {
				// On a phone: a tap shows the tooltip, a second tap opens the run.
				b.do(chromedp.EmulateViewport(width, 900, chromedp.EmulateTouch), chromedp.Navigate(ts.URL+"/athletes/ann"))
				b.waitFor("the charts", `document.querySelectorAll("svg.volume a.mark").length > 20`)
				b.do(chromedp.Tap(`svg.volume a.mark[data-tip*="interval run"]`))
				b.waitFor("the tooltip after a tap", `!document.getElementById("tip").hidden && document.getElementById("tip").textContent.includes("interval run")`)
				if p := eval[string](b, `location.pathname`); p != "/athletes/ann" {
					t.Errorf("the first tap left the page for %s", p)
				}
				shot("tap")
				b.do(chromedp.Tap(`svg.volume a.mark[data-tip*="interval run"]`))
				b.waitFor("the run's page after a second tap", `location.pathname.startsWith("/athletes/ann/activities/")`)
			}

			// Activity: totals, class and evidence, charts, laps.
			b.do(chromedp.Navigate(ts.URL + href))
			b.waitFor("the activity", `document.querySelectorAll("svg.series").length >= 2 && !!document.querySelector("svg.track") && !!document.querySelector("table.laps")`)
			b.noConsoleErrors("activity")
			shot("activity")
			if c := eval[string](b, `document.querySelector(".badge.c-interval") ? "interval" : ""`); c != "interval" {
				t.Errorf("the interval run's page does not show its class")
			}

			b.do(chromedp.Navigate(ts.URL + "/import"))
			b.waitFor("the import page", `!!document.getElementById("drop")`)
			b.noConsoleErrors("import")
			shot("import")
			if width != 1280 {
				return
			}
			uploadAndWaive(t, b, s, ts.URL, shot)
		})
	}
}

// uploadAndWaive: the state-changing half of the browser test.
func uploadAndWaive(t *testing.T, b *browser, s *Server, base string, shot func(string)) {
	// Upload a Garmin export for a new athlete: progress, then the summary.
	zip := filepath.Join(t.TempDir(), "dan_garmin_export.zip")
	if err := os.WriteFile(zip, garminExport(t, season("dan", 4, synth.Breaches{})), 0o644); err != nil {
		t.Fatal(err)
	}
	// Each file takes a little longer than it would: an import is faster
	// than the page's polling otherwise, and the bar would jump to done.
	slow := func() { time.Sleep(20 * time.Millisecond) }
	s.afterFile.Store(&slow)
	defer s.afterFile.Store(nil)
	b.do(chromedp.SendKeys(`input[name=athlete]`, "dan"), chromedp.SetUploadFiles("#files", []string{zip}))
	b.waitFor("the picked file", `document.getElementById("picked").textContent.includes("dan_garmin_export.zip")`)
	eval[bool](b, `(() => { window.__bar = []; const bar = document.getElementById("bar");
		new MutationObserver(() => window.__bar.push([bar.value, bar.max])).observe(bar, {attributes: true}); return true; })()`)
	b.do(chromedp.Click("#go"))
	b.waitFor("the progress bar", `!document.getElementById("progress").hidden`)
	b.waitFor("the import to land", `document.getElementById("phase").textContent === "Done" && !!document.getElementById("open-report")`)
	b.noConsoleErrors("upload")
	shot("import-done")
	steps := eval[[][]float64](b, `window.__bar`)
	partial := 0
	for _, st := range steps {
		if st[0] > 0 && st[0] < st[1] {
			partial++
		}
	}
	if partial == 0 {
		t.Errorf("the progress bar never showed a part done: %v", steps)
	}
	if sum := eval[string](b, `document.getElementById("summary").textContent`); !strings.Contains(sum, "imported") || strings.Contains(sum, "taper-upload-") {
		t.Errorf("summary %q", sum)
	}

	// The roster shows an import without a reload.
	b.do(chromedp.Navigate(base + "/"))
	b.waitFor("the roster", `document.querySelectorAll("#roster tbody tr").length === 4`)
	eval[bool](b, `window.__same = true`)
	files, err := seasonFiles(season("fay", 6, synth.Breaches{}))
	if err != nil {
		t.Fatal(err)
	}
	job := importDir(t, s, "fay", files)
	if job.State != "done" {
		t.Fatalf("import of fay: %+v", job)
	}
	b.waitFor("fay on the roster", `document.querySelectorAll("#roster tbody tr[data-athlete=fay]").length === 1`)
	if !eval[bool](b, `window.__same === true`) {
		t.Error("the roster reloaded the page to show the import")
	}

	// Waive cat's ramp_cap breach on the athlete page: the roster and the API change.
	b.do(chromedp.Navigate(base + "/athletes/cat"))
	form := `li[data-rule=ramp_cap] form.waive`
	b.waitFor("the waive form", fmt.Sprintf(`!!document.querySelector(%q)`, form))
	b.do(chromedp.SendKeys(form+` input[name=note]`, "travel week, agreed"), chromedp.Click(form+` button`))
	b.waitFor("the waived finding", `!!document.querySelector("li.waived[data-rule=ramp_cap]")`)
	b.noConsoleErrors("waive")
	shot("waived")
	b.do(chromedp.Navigate(base + "/"))
	b.waitFor("the roster", `!!document.querySelector("#roster tbody tr[data-athlete=cat]")`)
	if st := eval[string](b, `document.querySelector("#roster tbody tr[data-athlete=cat]").dataset.status`); st == analysis.StatusBreach {
		t.Errorf("cat is still %s on the roster after the waiver", st)
	}
	if row := auditRow(t, s, "cat"); row.Status == analysis.StatusBreach || row.Breaches != 0 {
		t.Errorf("/api/audit after the waiver: %+v", row)
	}
}
