package server

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Token is one credential: the name recorded with the decisions made with
// it, and the secret a browser or script presents.
type Token struct {
	Name   string
	Secret string
}

// cookieName holds the token a browser entered on the login page.
const cookieName = "taper_token"

type ctxKey int

const whoKey ctxKey = iota

// who is the name decisions are recorded under: the token's name, or
// "local" when the server runs without tokens.
func who(ctx context.Context) string {
	if s, ok := ctx.Value(whoKey).(string); ok {
		return s
	}
	return "local"
}

// securityHeaders sets the headers every response carries: a Content
// Security Policy that allows only the server's own scripts, styles and
// images (no inline script, no network elsewhere), no sniffing, no framing.
func securityHeaders(next http.Handler) http.Handler {
	const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// match returns the name of the token equal to secret. Every token is
// compared, in constant time, whatever matches.
func match(tokens []Token, secret string) (string, bool) {
	name, ok := "", false
	for _, t := range tokens {
		if subtle.ConstantTimeCompare([]byte(t.Secret), []byte(secret)) == 1 && !ok {
			name, ok = t.Name, true
		}
	}
	return name, ok
}

// credential is the secret a request presents: the bearer token, else the
// login cookie.
func credential(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if s, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(s)
		}
		return ""
	}
	if c, err := r.Cookie(cookieName); err == nil {
		return c.Value
	}
	return ""
}

// open reports whether a path is served without a token: the health check,
// the login page and the static assets it needs.
func open(path string) bool {
	return path == "/healthz" || path == "/login" || path == "/favicon.ico" || strings.HasPrefix(path, "/static/")
}

// authenticate lets a request through when the server has no tokens, or
// when it presents one; it records the token's name for decisions. Pages
// without a token go to the login page; the API answers 401.
func authenticate(tokens []Token, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(tokens) == 0 {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), whoKey, "local")))
			return
		}
		if open(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		name, ok := match(tokens, credential(r))
		if !ok {
			if r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/api/") {
				http.Redirect(w, r, "/login?next="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="taper"`)
			msg := "no token"
			if credential(r) != "" {
				msg = "wrong token"
			}
			writeError(w, &apiError{Status: http.StatusUnauthorized, Msg: msg,
				Hint: "send Authorization: Bearer TOKEN (the token given to taper serve), or log in at /login"})
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), whoKey, name)))
	})
}

// safeNext keeps a post-login redirect on this server: a local path only.
func safeNext(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, `\`) {
		return "/"
	}
	return p
}

// safeMethod reports whether a request changes nothing.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// readOnly refuses every request that would write, except logging in and
// out (which write only a cookie).
func readOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !safeMethod(r.Method) && r.URL.Path != "/login" && r.URL.Path != "/logout" {
			writeError(w, forbidden("restart taper serve without --read-only to record decisions and imports",
				"this taper serve is read-only: %s %s refused", r.Method, r.URL.Path))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses state-changing requests from other sites (the
// browser's Sec-Fetch-Site and Origin headers) with a JSON 403.
func crossOrigin(next http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, forbidden("use the dashboard's own pages, or a script without a browser's Origin header",
			"cross-site %s %s refused", r.Method, r.URL.Path))
	}))
	return p.Handler(next)
}

// logRequests logs each request at debug level, with its status and time.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "elapsed", time.Since(start))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
