package server

import (
	"net/http"
	"strings"
)

// routes is every route of the dashboard, and the middleware around them:
// security headers, cross-site refusal, the token, read-only.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticFiles()))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, staticFS(), "favicon.svg")
	})
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)

	mux.HandleFunc("GET /{$}", s.rosterPage)
	mux.HandleFunc("GET /athletes/{name}", s.athletePage)
	mux.HandleFunc("GET /athletes/{name}/activities/{id}", s.activityPage)
	mux.HandleFunc("GET /import", s.importPage)

	mux.HandleFunc("GET /api/version", s.apiVersion)
	mux.HandleFunc("GET /api/audit", s.apiAudit)
	mux.HandleFunc("GET /api/athletes/{name}/report", s.apiReport)
	mux.HandleFunc("GET /api/athletes/{name}/activities", s.apiActivities)
	mux.HandleFunc("GET /api/athletes/{name}/decisions", s.apiDecisions)
	mux.HandleFunc("POST /api/athletes/{name}/race", s.apiRace)
	mux.HandleFunc("DELETE /api/athletes/{name}/race", s.apiClearRace)
	mux.HandleFunc("POST /api/athletes/{name}/waivers", s.apiWaive)
	mux.HandleFunc("DELETE /api/athletes/{name}/waivers/{id}", s.apiUndo)
	mux.HandleFunc("POST /api/athletes/{name}/overrides", s.apiOverride)
	mux.HandleFunc("DELETE /api/athletes/{name}/overrides/{id}", s.apiUndo)
	mux.HandleFunc("POST /api/athletes/{name}/imports", s.apiImport)
	mux.HandleFunc("GET /api/imports/{job}", s.apiImportStatus)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, notFound("see the README's JSON API section for the endpoints", "no endpoint %s %s", r.Method, r.URL.Path))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.pageError(w, r, notFound("start from the roster", "no page %s", r.URL.Path))
	})

	var h http.Handler = mux
	if s.opts.ReadOnly {
		h = readOnly(h)
	}
	h = authenticate(s.opts.Tokens, h)
	h = crossOrigin(h)
	h = logRequests(s.log, h)
	return securityHeaders(h)
}

// staticFiles serves the embedded assets: no directory listings, nothing
// outside the embedded folder (an embed.FS has no "..").
func staticFiles() http.Handler {
	files := http.FileServerFS(staticFS())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			writeError(w, notFound("", "no file %s", r.URL.Path))
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}
