package server

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/config"
	"github.com/taper-run/taper/reports"
	"github.com/taper-run/taper/store"
)

// webFS holds the page templates and the static assets (one stylesheet,
// one script): the dashboard needs no network.
//
//go:embed web/templates/*.tmpl web/static
var webFS embed.FS

func parsePages() (*template.Template, error) {
	funcs := template.FuncMap{
		"word":  func(s string) string { return strings.ReplaceAll(s, "_", " ") },
		"phase": analysis.PhaseLabel,
		"km":    km,
		"clock": clock,
		"path":  url.PathEscape,
		"stamp": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"decision": func(d store.Decision) string {
			switch d.Kind {
			case store.DecisionWaiver:
				return fmt.Sprintf("waived %s of %s", d.Rule, d.Date)
			case store.DecisionClassOverride:
				return fmt.Sprintf("class of %s set to %s", d.ActivityID, d.Class)
			case store.DecisionRace:
				if d.ActivityID == "" && d.Date == "" {
					return "race mark cleared"
				}
				return "race marked: " + strings.TrimSpace(d.Date+" "+d.ActivityID)
			}
			return d.Kind
		},
	}
	t, err := template.New("pages").Funcs(funcs).ParseFS(webFS, "web/templates/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse page templates: %w", err)
	}
	return t, nil
}

// staticFS is the static assets' file system, served under /static/.
func staticFS() fs.FS {
	sub, err := fs.Sub(webFS, "web/static")
	if err != nil {
		panic(err) // the embed pattern above guarantees the folder
	}
	return sub
}

// page is what every page's layout needs.
type page struct {
	Title    string
	Page     string
	Who      string
	ReadOnly bool
	LoggedIn bool
}

func (s *Server) page(r *http.Request, name, title string) page {
	_, noCookie := r.Cookie(cookieName)
	return page{Title: title, Page: name, Who: who(r.Context()), ReadOnly: s.opts.ReadOnly,
		LoggedIn: len(s.opts.Tokens) > 0 && noCookie == nil} // logged in with the cookie: a Log out button
}

// render writes a page; a template error is logged (the status line is
// already sent).
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := s.pages.ExecuteTemplate(w, name, data); err != nil {
		s.log.Error("render page", "page", name, "err", err)
	}
}

// pageError shows an error as a page with its status.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	ae := asAPIError(err)
	if ae.Status >= 500 && ae.Status != http.StatusServiceUnavailable {
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
	}
	if ae.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "3")
	}
	s.render(w, ae.Status, "error", struct {
		page
		Status    string
		Err, Hint string
	}{s.page(r, "error", http.StatusText(ae.Status)), http.StatusText(ae.Status), ae.Msg, ae.Hint})
}

// rosterRow is one athlete's line on the roster page.
type rosterRow struct {
	reports.AuditRow
	Href         string
	StatusRank   int
	Volume, Cap  string
	Ratio        float64 // this week's volume over its cap, for sorting
	Over         bool
	volumeNumber float64
}

// rosterView builds the roster page's rows from the audit's reports.
func rosterView(reps []*analysis.Report) []rosterRow {
	byName := map[string]*analysis.Report{}
	for _, r := range reps {
		byName[r.Athlete] = r
	}
	var rows []rosterRow
	for i, ar := range reports.AuditRows(reps) {
		row := rosterRow{AuditRow: ar, Href: "/athletes/" + url.PathEscape(ar.Athlete), StatusRank: i, Volume: "-"}
		r := byName[ar.Athlete]
		if r != nil && r.Race != nil {
			for _, w := range r.Weeks {
				if w.Week != r.Current.Week {
					continue
				}
				row.Volume = volumeText(w.Volume, r.Baseline.Unit)
				row.volumeNumber = w.Volume
				if w.Cap != nil {
					row.Cap = volumeText(*w.Cap, r.Baseline.Unit)
					if *w.Cap > 0 {
						row.Ratio = w.Volume / *w.Cap
					}
					row.Over = w.Volume > *w.Cap
				}
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// volumeText shows a volume in its unit: km or h:mm.
func volumeText(v float64, unit string) string {
	if unit == "s" {
		m := int(math.Round(v / 60))
		return fmt.Sprintf("%d:%02d h", m/60, m%60)
	}
	return fmt.Sprintf("%.1f km", v/1000)
}

func (s *Server) rosterPage(w http.ResponseWriter, r *http.Request) {
	asOf := r.URL.Query().Get("as_of")
	if err := checkDate(asOf, "as_of"); err != nil {
		s.pageError(w, r, err)
		return
	}
	var reps []*analysis.Report
	err := s.read(r.Context(), func(db *store.DB) (err error) {
		reps, err = s.audit(r.Context(), db, asOf)
		return err
	})
	if err != nil && !errors.Is(err, errNoDatabase) {
		s.pageError(w, r, err)
		return
	}
	rows := rosterView(reps)
	statuses := []string{analysis.StatusBreach, analysis.StatusWarning, analysis.StatusPending, analysis.StatusOK, analysis.StatusNoRace}
	var phases []string
	for _, row := range rows {
		if row.Phase != "" && !slices.Contains(phases, row.Phase) {
			phases = append(phases, row.Phase)
		}
	}
	sort.Strings(phases)
	day := ""
	if len(reps) > 0 {
		day = reps[0].AsOf
		for _, rep := range reps[1:] {
			if rep.AsOf != day {
				day = "each athlete's today"
				break
			}
		}
	}
	if day == "" {
		day = s.opts.Now().Format(time.DateOnly)
	}
	s.render(w, http.StatusOK, "roster", struct {
		page
		AsOf, DB, Version string
		Rows              []rosterRow
		Statuses, Phases  []string
	}{s.page(r, "roster", "Roster"), day, s.opts.DB, s.version(), rows, statuses, phases})
}

// weekView is one row of the athlete's weeks table.
type weekView struct {
	W                          analysis.Week
	Phases, Volume, Cap, Dates string
	Over                       bool
}

// shortDate shows YYYY-MM-DD as "Oct 5".
func shortDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("Jan 2")
}

// findingView is a finding with its waiver, if any.
type findingView struct {
	F      analysis.Finding
	Href   string
	Waiver *analysis.Waiver
}

func (s *Server) athletePage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	asOf := r.URL.Query().Get("as_of")
	if err := checkDate(asOf, "as_of"); err != nil {
		s.pageError(w, r, err)
		return
	}
	var rep *analysis.Report
	var decisions []store.Decision
	err := s.read(r.Context(), func(db *store.DB) (err error) {
		if rep, err = s.report(r.Context(), db, name, asOf, 0); err != nil {
			return err
		}
		decisions, err = taper.Decisions(r.Context(), db, name)
		return status(err)
	})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	var rulesText strings.Builder
	if settings, err := s.settings(name); err == nil {
		_ = config.WriteRules(&rulesText, name, settings) // a strings.Builder does not fail
	}
	v := struct {
		page
		R                  *analysis.Report
		RaceHref, Baseline string
		Volume, Timeline   template.HTML
		Weeks              []weekView
		Findings           []findingView
		Waived             int
		Decisions          []store.Decision
		RulesText          string
		Next               []string
	}{page: s.page(r, "athlete", name), R: rep, Volume: volumeChart(rep), Timeline: timelineChart(rep),
		Decisions: decisions, RulesText: rulesText.String(), Next: nextSteps(rep)}
	if rep.Race != nil {
		v.RaceHref = activityHref(name, rep.Race.ActivityID)
	}
	v.Baseline = baselineText(rep.Baseline)
	for _, wk := range rep.Weeks {
		wv := weekView{W: wk, Phases: phaseLabels(wk.Phases, "+"), Volume: volumeText(wk.Volume, rep.Baseline.Unit), Cap: "-",
			Dates: shortDate(wk.Start) + " – " + shortDate(wk.End)}
		if wk.Cap != nil {
			wv.Cap = volumeText(*wk.Cap, rep.Baseline.Unit)
			wv.Over = wk.Volume > *wk.Cap
		}
		v.Weeks = append(v.Weeks, wv)
	}
	for _, f := range rep.Findings {
		fv := findingView{F: f, Waiver: f.Waived}
		if f.ActivityID != "" {
			fv.Href = activityHref(name, f.ActivityID)
		}
		if fv.Waiver != nil {
			v.Waived++
		}
		v.Findings = append(v.Findings, fv)
	}
	s.render(w, http.StatusOK, "athlete", v)
}

// phaseLabels joins phases in the words the reports use (see
// analysis.PhaseLabel: "build-up", not "open").
func phaseLabels(phases []string, sep string) string {
	out := make([]string, len(phases))
	for i, p := range phases {
		out[i] = analysis.PhaseLabel(p)
	}
	return strings.Join(out, sep)
}

// nextSteps says where the athlete stands and what the rules allow next:
// this week's volume against its cap, then next week's phase and cap.
func nextSteps(r *analysis.Report) []string {
	if r.Race == nil {
		return nil
	}
	c := r.Current
	switch {
	case c.Phase == analysis.PhaseAfter:
		return []string{fmt.Sprintf("The %d audited weeks are over (day %d): training is the athlete's own again.", r.WeeksAudited, c.Day)}
	case c.Week < 1:
		return []string{"Race day: rest first; the audit starts tomorrow."}
	}
	var out []string
	unit := r.Baseline.Unit
	for _, w := range r.Weeks {
		switch w.Week {
		case c.Week:
			s := fmt.Sprintf("This week (week %d, %s to %s, %s): %s so far", w.Week, shortDate(w.Start), shortDate(w.End),
				phaseLabels(w.Phases, " then "), volumeText(w.Volume, unit))
			if w.Cap != nil {
				s += fmt.Sprintf(" of a %s cap", volumeText(*w.Cap, unit))
				if left := *w.Cap - w.Volume; left > 0 {
					s += fmt.Sprintf(" (%s left)", volumeText(left, unit))
				} else {
					s += " (reached)"
				}
			}
			out = append(out, s+fmt.Sprintf("; %d interval session(s).", w.IntervalSessions))
		case c.Week + 1:
			s := fmt.Sprintf("Next week (week %d, from %s, %s)", w.Week, shortDate(w.Start), phaseLabels(w.Phases, " then "))
			if w.Cap != nil {
				s += fmt.Sprintf(": cap %s", volumeText(*w.Cap, unit))
			} else {
				s += ": no fixed cap; volume may grow gradually"
			}
			out = append(out, s+".")
		}
	}
	if c.Week == r.WeeksAudited {
		out = append(out, "This is the last audited week.")
	}
	return out
}

func baselineText(b analysis.ReportBaseline) string {
	if b.Volume == nil {
		return "none: " + b.Reason
	}
	return fmt.Sprintf("%s a week (%s, %d runs)", volumeText(*b.Volume, b.Unit), b.Source, b.Runs)
}

// lapView is one row of the laps table.
type lapView struct {
	N        int
	L        analysis.Lap
	Pace, HR string
}

func (s *Server) activityPage(w http.ResponseWriter, r *http.Request) {
	name, id := r.PathValue("name"), r.PathValue("id")
	var a *analysis.Activity
	err := s.read(r.Context(), func(db *store.DB) (err error) {
		a, err = s.activity(r.Context(), db, name, id)
		return err
	})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := activityView(a)
	v.page = s.page(r, "activity", name+" "+a.LocalDate())
	s.render(w, http.StatusOK, "activity", v)
}

// activityPageView is what the activity page shows.
type activityPageView struct {
	page
	A                             *analysis.Activity
	AthleteHref, DuplicateHref    string
	Kind, Start, Pace, HR, Ascent string
	Distance, Moving              float64
	Class, ClassSource, Evidence  string
	IsRun                         bool
	Classes                       []string
	Override                      *analysis.ClassOverride
	Track                         template.HTML
	Series                        []template.HTML
	Laps                          []lapView
	Samples                       int
}

func activityView(a *analysis.Activity) activityPageView {
	v := activityPageView{A: a, AthleteHref: "/athletes/" + url.PathEscape(a.Athlete), Start: a.LocalStart().Format("15:04"),
		Distance: a.Distance, Moving: a.MovingTime, IsRun: a.IsRun(), Samples: len(a.Samples),
		Classes: taper.OverrideClasses()}
	if a.DuplicateOf != "" {
		v.DuplicateHref = activityHref(a.Athlete, a.DuplicateOf)
	}
	v.Kind = a.Sport
	if a.SubSport != "" {
		v.Kind += " (" + a.SubSport + ")"
	}
	if m := a.Metrics; m != nil {
		if analysis.Has(m.Distance) && m.Distance > 0 {
			v.Distance = m.Distance
		}
		if analysis.Has(m.MovingTime) && m.MovingTime > 0 {
			v.Moving = m.MovingTime
		}
		v.Class, v.ClassSource, v.Evidence, v.Override = m.Class, m.ClassSource, m.Evidence, m.Override
		if m.Class != "" {
			v.Kind = m.Class + " run"
		}
	}
	v.Pace = "-"
	if v.IsRun && analysis.Has(v.Distance) && v.Distance > 0 {
		v.Pace = pace(v.Moving / (v.Distance / 1000))
	}
	v.HR = "-"
	if analysis.Has(a.AvgHR) {
		v.HR = fmt.Sprintf("%.0f bpm average", a.AvgHR)
		if analysis.Has(a.MaxHR) {
			v.HR += fmt.Sprintf(", %.0f max", a.MaxHR)
		}
	}
	v.Ascent = "-"
	if analysis.Has(a.Ascent) {
		v.Ascent = fmt.Sprintf("%.0f m", a.Ascent)
	}
	for i, l := range a.Laps {
		lv := lapView{N: i + 1, L: l, Pace: "-", HR: "-"}
		if analysis.Has(l.Distance) && l.Distance > 0 && analysis.Has(l.MovingTime) {
			lv.Pace = pace(l.MovingTime / (l.Distance / 1000))
		}
		if analysis.Has(l.AvgHR) {
			lv.HR = fmt.Sprintf("%.0f", l.AvgHR)
		}
		v.Laps = append(v.Laps, lv)
	}
	v.Track, v.Series = samplesCharts(a)
	return v
}

// samplesCharts draws the GPS track and pace, heart rate and elevation
// over elapsed time, from at most about 600 points.
func samplesCharts(a *analysis.Activity) (template.HTML, []template.HTML) {
	n := len(a.Samples)
	if n < 2 {
		return "", nil
	}
	step := max(1, n/600)
	var ts, paces, hrs, alts, lats, lons []float64
	t0 := a.Samples[0].Time
	for i := 0; i < n; i += step {
		end := min(i+step, n)
		var spd, hr, alt float64
		var ns, nh, na int
		for _, smp := range a.Samples[i:end] {
			if analysis.Has(smp.Speed) && smp.Speed > 0.3 {
				spd += smp.Speed
				ns++
			}
			if analysis.Has(smp.HeartRate) && smp.HeartRate > 0 {
				hr += smp.HeartRate
				nh++
			}
			if analysis.Has(smp.Altitude) {
				alt += smp.Altitude
				na++
			}
		}
		smp := a.Samples[i]
		ts = append(ts, smp.Time.Sub(t0).Seconds())
		paces = append(paces, avgOrNaN(spd, ns, func(v float64) float64 { return 1000 / v }))
		hrs = append(hrs, avgOrNaN(hr, nh, nil))
		alts = append(alts, avgOrNaN(alt, na, nil))
		lat, lon := smp.Lat, smp.Lon
		if !analysis.Has(lat) || !analysis.Has(lon) || (lat == 0 && lon == 0) {
			lat, lon = math.NaN(), math.NaN()
		}
		lats, lons = append(lats, lat), append(lons, lon)
	}
	var series []template.HTML
	if a.IsRun() || a.Sport == analysis.SportWalking || a.Sport == analysis.SportHiking {
		if c := seriesChart("Pace", "min/km", ts, clampPace(paces), true, pace); c != "" {
			series = append(series, c)
		}
	}
	if c := seriesChart("Heart rate", "bpm", ts, hrs, false, func(v float64) string { return fmt.Sprintf("%.0f", v) }); c != "" {
		series = append(series, c)
	}
	if c := seriesChart("Elevation", "m", ts, alts, false, func(v float64) string { return fmt.Sprintf("%.0f", v) }); c != "" {
		series = append(series, c)
	}
	return trackChart(lats, lons), series
}

func avgOrNaN(sum float64, n int, f func(float64) float64) float64 {
	if n == 0 {
		return math.NaN()
	}
	v := sum / float64(n)
	if f != nil {
		return f(v)
	}
	return v
}

// clampPace leaves out standing and GPS jumps: paces slower than 15:00/km
// or faster than 2:00/km.
func clampPace(p []float64) []float64 {
	out := make([]float64, len(p))
	for i, v := range p {
		if v > 900 || v < 120 {
			v = math.NaN()
		}
		out[i] = v
	}
	return out
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) {
	var athletes []string
	err := s.read(r.Context(), func(db *store.DB) (err error) {
		athletes, err = db.Athletes(r.Context())
		return err
	})
	if err != nil && !errors.Is(err, errNoDatabase) {
		s.pageError(w, r, err)
		return
	}
	s.render(w, http.StatusOK, "import", struct {
		page
		Athletes  []string
		MaxUpload string
		MaxFiles  int
	}{s.page(r, "import", "Import"), athletes, fmt.Sprintf("%d MiB", s.opts.MaxUpload>>20), s.opts.MaxFiles})
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, "login", struct {
		page
		Next, Err string
	}{s.page(r, "login", "Log in"), safeNext(r.URL.Query().Get("next")), ""})
}

// login checks the token typed on the login page and sets the cookie.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, badRequest("", "bad login form: %v", err))
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	secret := r.PostForm.Get("token")
	if _, ok := match(s.opts.Tokens, secret); !ok || len(s.opts.Tokens) == 0 {
		// 200: the page answers a person (a script gets 401 from the API).
		s.render(w, http.StatusOK, "login", struct {
			page
			Next, Err string
		}{s.page(r, "login", "Log in"), next, "wrong token"})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: secret, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, MaxAge: 30 * 24 * 3600})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// checkDate refuses a date parameter that is not YYYY-MM-DD.
func checkDate(v, name string) error {
	if v == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return badRequest("use YYYY-MM-DD, e.g. "+name+"=2026-11-30", "bad %s %q", name, v)
	}
	return nil
}

// read runs fn with the database open read-only (shared with overlapping
// requests).
func (s *Server) read(ctx context.Context, fn func(*store.DB) error) error {
	return s.gate.with(ctx, false, fn)
}

// write runs fn with the database open for writing.
func (s *Server) write(ctx context.Context, fn func(*store.DB) error) error {
	return s.gate.with(ctx, true, fn)
}
