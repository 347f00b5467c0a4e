package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taper-run/taper/store"
)

// bareServer is a server over an empty database: enough to test what
// wraps the handlers.
func bareServer(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.DB == "" {
		opts.DB = filepath.Join(t.TempDir(), "t.duckdb")
		db, err := store.Open(context.Background(), opts.DB, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// do sends a request and returns the response with its body read.
func do(t *testing.T, h http.Handler, method, target string, body io.Reader, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// jsonError decodes an error body and checks its shape.
func jsonError(t *testing.T, body string) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error == "" {
		t.Fatalf("not a JSON error {error, hint}: %q (%v)", body, err)
	}
	return e
}

func TestSecurityHeaders(t *testing.T) {
	s := bareServer(t, Options{})
	for _, path := range []string{"/", "/healthz", "/static/app.js", "/api/audit", "/nowhere"} {
		res, _ := do(t, s, "GET", path, nil, nil)
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", path)
		}
	}
	srv := s.HTTPServer("127.0.0.1:0")
	if srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 {
		t.Errorf("server timeouts not all set: %+v", srv)
	}
}

func TestTokens(t *testing.T) {
	s := bareServer(t, Options{Tokens: []Token{{Name: "coach", Secret: "s3cret"}, {Name: "assistant", Secret: "other"}}})
	res, body := do(t, s, "GET", "/api/audit", nil, nil)
	if res.StatusCode != http.StatusUnauthorized || jsonError(t, body).Error != "no token" {
		t.Errorf("no token: %d %s", res.StatusCode, body)
	}
	res, body = do(t, s, "GET", "/api/audit", nil, map[string]string{"Authorization": "Bearer nope"})
	if res.StatusCode != http.StatusUnauthorized || jsonError(t, body).Error != "wrong token" {
		t.Errorf("wrong token: %d %s", res.StatusCode, body)
	}
	if res, body = do(t, s, "GET", "/api/audit", nil, map[string]string{"Authorization": "Bearer other"}); res.StatusCode != http.StatusOK {
		t.Errorf("second token: %d %s", res.StatusCode, body)
	}
	// Pages send a browser to the login page, which needs no token.
	res, _ = do(t, s, "GET", "/athletes/ann", nil, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=/athletes/ann" {
		t.Errorf("page without token: %d -> %q", res.StatusCode, res.Header.Get("Location"))
	}
	for _, open := range []string{"/login", "/healthz", "/static/style.css"} {
		if res, _ := do(t, s, "GET", open, nil, nil); res.StatusCode != http.StatusOK {
			t.Errorf("%s without a token: %d", open, res.StatusCode)
		}
	}
	// Logging in sets an HttpOnly, SameSite=Strict cookie that then lets the browser in.
	form := url.Values{"token": {"wrong"}, "next": {"/"}}.Encode()
	hdr := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}
	if res, body := do(t, s, "POST", "/login", strings.NewReader(form), hdr); !strings.Contains(body, "wrong token") || len(res.Cookies()) != 0 {
		t.Errorf("login with a wrong token: %d, cookies %v", res.StatusCode, res.Cookies())
	}
	form = url.Values{"token": {"s3cret"}, "next": {"//evil.example/"}}.Encode()
	res, _ = do(t, s, "POST", "/login", strings.NewReader(form), hdr)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("login: %d -> %q (an off-site next must go to /)", res.StatusCode, res.Header.Get("Location"))
	}
	var c *http.Cookie
	for _, x := range res.Cookies() {
		if x.Name == cookieName {
			c = x
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Fatalf("login cookie = %+v, want HttpOnly SameSite=Strict", c)
	}
	if res, body := do(t, s, "GET", "/", nil, map[string]string{"Cookie": c.String()}); res.StatusCode != http.StatusOK || !strings.Contains(body, "coach") {
		t.Errorf("roster with the cookie: %d (the page should name the coach)", res.StatusCode)
	}
}

func TestCrossSiteAndReadOnly(t *testing.T) {
	s := bareServer(t, Options{})
	body := `{"rule":"rest_window","date":"2026-10-06","note":"x"}`
	res, got := do(t, s, "POST", "/api/athletes/ann/waivers", strings.NewReader(body), map[string]string{"Sec-Fetch-Site": "cross-site"})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d %s", res.StatusCode, got)
	}
	jsonError(t, got)
	res, got = do(t, s, "DELETE", "/api/athletes/ann/waivers/1", nil, map[string]string{"Origin": "https://evil.example", "Host": "example.com"})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin DELETE: %d %s", res.StatusCode, got)
	}
	// A cross-site GET is fine (links from elsewhere work).
	if res, _ := do(t, s, "GET", "/api/audit", nil, map[string]string{"Sec-Fetch-Site": "cross-site"}); res.StatusCode != http.StatusOK {
		t.Errorf("cross-site GET: %d", res.StatusCode)
	}

	ro := bareServer(t, Options{ReadOnly: true})
	for _, req := range [][2]string{{"POST", "/api/athletes/ann/waivers"}, {"DELETE", "/api/athletes/ann/overrides/3"}, {"POST", "/api/athletes/ann/imports"}, {"POST", "/api/athletes/ann/race"}} {
		res, got := do(t, ro, req[0], req[1], strings.NewReader(body), map[string]string{"Sec-Fetch-Site": "same-origin"})
		if res.StatusCode != http.StatusForbidden || !strings.Contains(jsonError(t, got).Error, "read-only") {
			t.Errorf("read-only %s %s: %d %s", req[0], req[1], res.StatusCode, got)
		}
	}
	if res, _ := do(t, ro, "GET", "/api/audit", nil, nil); res.StatusCode != http.StatusOK {
		t.Errorf("read-only GET: %d", res.StatusCode)
	}
}

func TestStaticAndNotFound(t *testing.T) {
	s := bareServer(t, Options{})
	res, body := do(t, s, "GET", "/static/app.js", nil, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "javascript") || !strings.Contains(body, "use strict") {
		t.Errorf("app.js: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, p := range []string{"/static/../server.go", "/static/%2e%2e/server.go", "/static/..%2fpages.go", "/static/", "/static/web/templates/layout.tmpl", "/static/../../go.mod"} {
		req := httptest.NewRequest("GET", "/", nil)
		req.URL.RawPath, req.URL.Path = "", ""
		u, err := url.Parse(p)
		if err != nil {
			t.Fatal(err)
		}
		req.URL = u
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code == http.StatusOK && (strings.Contains(rec.Body.String(), "package server") || strings.Contains(rec.Body.String(), "module ")) {
			t.Errorf("%s served source: %d", p, rec.Code)
		}
		if rec.Code == http.StatusOK && p == "/static/" {
			t.Errorf("%s listed the folder", p)
		}
	}
	res, body = do(t, s, "GET", "/api/nothing", nil, nil)
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("/api/nothing: %d", res.StatusCode)
	}
	jsonError(t, body)
	if res, _ := do(t, s, "GET", "/api/audit?as_of=yesterday", nil, nil); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad as_of: %d", res.StatusCode)
	}
}
